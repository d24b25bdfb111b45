//! The API's contract checked over `/openapi.json` itself, operation by operation (issue 11):
//! an operation added later without the conventions fails here, unless
//! `keiro_server::api::contract::EXEMPT` says why.

use keiro_domain::{OrgKind, Role};
use keiro_server::api::contract::{Convention, exempt};
use keiro_testkit::{Backend, TestApp, both_backends};
use serde_json::Value;
use std::collections::BTreeSet;

both_backends!(api_every_string_input_refuses_bad_text_with_a_code);

/// One bad input: the path with its query, the body (media type, bytes), what it tries.
type Case = (String, Option<(&'static str, Vec<u8>)>, String);

struct Op {
    method: String,
    path: String,
    id: String,
    op: Value,
}

fn operations(doc: &Value) -> Vec<Op> {
    let mut out = vec![];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                out.push(Op {
                    method: method.clone(),
                    path: path.clone(),
                    id: op["operationId"].as_str().unwrap_or_default().to_string(),
                    op: op.clone(),
                });
            }
        }
    }
    out
}

fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(name) => &doc["components"]["schemas"][name],
        None => v,
    }
}

fn params<'a>(op: &'a Value, place: &str) -> Vec<&'a Value> {
    op["parameters"]
        .as_array()
        .map(|ps| ps.iter().filter(|p| p["in"] == place).collect())
        .unwrap_or_default()
}

async fn document() -> Option<(TestApp, Value)> {
    let app = TestApp::builder(Backend::Sqlite).spawn().await?;
    let doc = crate::walk::document(&app).await;
    Some((app, doc))
}

/// The verbs operationIds start with.
const VERBS: &[&str] = &[
    "get",
    "list",
    "search",
    "preview",
    "create",
    "add",
    "put",
    "set",
    "update",
    "change",
    "delete",
    "remove",
    "revoke",
    "grant",
    "approve",
    "reject",
    "request",
    "terminate",
    "submit",
    "verify",
    "accept",
    "sign",
    "import",
    "reset",
    "cancel",
    "convert",
    "resume",
    "suspend",
    "deactivate",
    "reactivate",
    "activate",
    "confirm",
    "reassign",
    "answer",
];

/// Every operation: a unique operationId named after verb and resource, a description on every response, problem+json on
/// every error, Retry-After on 429, no dangling `$ref`, `security` stated.
#[tokio::test]
async fn api_document_keeps_its_conventions_on_every_operation() {
    let Some((_app, doc)) = document().await else {
        return;
    };
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for r in text.split("\"#/components/schemas/").skip(1) {
        let name = &r[..r.find('"').unwrap()];
        assert!(schemas.contains_key(name), "dangling $ref {name}");
    }
    let ops = operations(&doc);
    assert!(ops.len() > 100, "{} operations", ops.len());
    let mut ids = BTreeSet::new();
    for o in &ops {
        let at = format!("{} {} ({})", o.method, o.path, o.id);
        assert!(
            !o.id.is_empty() && ids.insert(o.id.clone()),
            "{at}: operationId missing or repeated"
        );
        // Named after verb and resource: `list_customers`, `set_quantity`…
        let verb = o.id.split('_').next().unwrap_or_default();
        assert!(
            VERBS.contains(&verb) && o.id.contains('_'),
            "{at}: an operationId is verb_resource"
        );
        assert!(o.op["security"].is_array(), "{at}: security not stated");
        for (status, r) in o.op["responses"].as_object().unwrap() {
            assert!(
                r["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{at} {status}: no description"
            );
            assert!(
                r["headers"]["X-Request-Id"].is_object(),
                "{at} {status}: X-Request-Id"
            );
            // `/healthz` answers its 503 as `Health` for load balancers; the API, as problems.
            if o.path.starts_with("/v1") && (status.starts_with('4') || status.starts_with('5')) {
                assert_eq!(
                    r["content"]["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/Problem",
                    "{at} {status}: errors are problem+json"
                );
            }
            if status == "429" {
                assert!(
                    r["headers"]["Retry-After"].is_object(),
                    "{at}: 429 without Retry-After"
                );
            }
        }
        if o.op["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"] == "If-Match"))
        {
            assert!(
                o.op["responses"]["412"].is_object(),
                "{at}: If-Match without 412"
            );
        }
    }
}

/// Creating POSTs take an Idempotency-Key and declare the replay; lists are paged; a single
/// resource answers its ETag.
#[tokio::test]
async fn r_ord_7_creates_are_idempotent_and_lists_paged_in_the_document() {
    let Some((_app, doc)) = document().await else {
        return;
    };
    let mut missing = vec![];
    for o in operations(&doc) {
        let at = format!("{} {} ({})", o.method, o.path, o.id);
        let responses = &o.op["responses"];
        if o.method == "post" && responses["201"].is_object() {
            let keyed = params(&o.op, "header").iter().any(|p| {
                p["name"]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case("idempotency-key"))
            });
            if keyed {
                assert!(
                    responses["201"]["headers"]["Idempotent-Replayed"].is_object()
                        && responses["200"]["headers"]["Idempotent-Replayed"].is_object(),
                    "{at}: the replay (200, Idempotent-Replayed) is not declared"
                );
            } else if !exempt(&o.id, Convention::IdempotentCreate) {
                missing.push(format!("{at}: no Idempotency-Key"));
            }
        }
        if o.method == "get" {
            let body = resolve(
                &doc,
                &responses["200"]["content"]["application/json"]["schema"],
            );
            if body["properties"]["items"].is_null()
                && !responses["200"]["headers"]["ETag"].is_object()
                && !exempt(&o.id, Convention::ETag)
            {
                missing.push(format!("{at}: a single resource without an ETag"));
            }
            if body["properties"]["items"]["type"] == "array" {
                let names: Vec<&str> = params(&o.op, "query")
                    .iter()
                    .filter_map(|p| p["name"].as_str())
                    .collect();
                let paged = names.contains(&"limit")
                    && names.contains(&"cursor")
                    && body["properties"]["next_cursor"].is_object();
                if !paged && !exempt(&o.id, Convention::Paged) {
                    missing.push(format!(
                        "{at}: a list without limit, cursor and next_cursor"
                    ));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// Every string the document lets a client send (path and query parameters, JSON and CSV
/// body fields) refuses NUL, other control characters, bytes that are not UTF-8 and over-long
/// values with a 4xx problem that has a code: never a 5xx, never stored.
async fn api_every_string_input_refuses_bad_text_with_a_code(app: TestApp) {
    let doc = crate::walk::document(&app).await;
    let u = app
        .org_with_user(OrgKind::Partner, "Kaede", &[Role::GlobalAdmin])
        .await;
    let tok = app.token_for(&u.email).await;
    let some_id = "0190a000-0000-7000-8000-000000000000";
    let known = keiro_server::api::contract::known_codes();
    let mut tried = 0;
    let mut wrong = vec![];
    for o in operations(&doc) {
        let method: reqwest::Method = o.method.to_uppercase().parse().unwrap();
        let path_of = |bad: Option<&str>| {
            let mut p = o.path.clone();
            for param in params(&o.op, "path") {
                let name = param["name"].as_str().unwrap();
                let v = if bad == Some(name) { "a%00b" } else { some_id };
                p = p.replace(&format!("{{{name}}}"), v);
            }
            p
        };
        let mut cases: Vec<Case> = vec![];
        for param in params(&o.op, "path") {
            let name = param["name"].as_str().unwrap();
            cases.push((path_of(Some(name)), None, format!("path {name}")));
        }
        for param in params(&o.op, "query") {
            let name = param["name"].as_str().unwrap();
            let long = "a".repeat(3000);
            for bad in ["a%00b", "%07", "%FF%FE", long.as_str()] {
                cases.push((
                    format!("{}?{name}={bad}", path_of(None)),
                    None,
                    format!("query {name}={bad}"),
                ));
            }
        }
        let content = &o.op["requestBody"]["content"];
        if content["application/json"].is_object() {
            let schema = resolve(&doc, &content["application/json"]["schema"]);
            for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
                let ty = prop["type"].to_string();
                if ty.contains("string") || prop["$ref"].is_string() || prop.get("type").is_none() {
                    let nul = format!("{{\"{name}\":\"a\\u0000b\"}}").into_bytes();
                    let bel = format!("{{\"{name}\":\"\\u0007\"}}").into_bytes();
                    let mut latin = format!("{{\"{name}\":\"").into_bytes();
                    latin.extend([0xff, 0xfe]);
                    latin.extend(b"\"}");
                    let long = format!("{{\"{name}\":\"{}\"}}", "a".repeat(25_000)).into_bytes();
                    for body in [nul, bel, latin, long] {
                        cases.push((
                            path_of(None),
                            Some(("application/json", body)),
                            format!("body {name}"),
                        ));
                    }
                }
            }
        }
        if content["text/csv"].is_object() {
            cases.push((
                path_of(None),
                Some(("text/csv", b"a,b\n\0,\x07\n".to_vec())),
                "csv body".into(),
            ));
        }
        for (path, body, what) in cases {
            tried += 1;
            let mut rb = app
                .http
                .request(method.clone(), app.url(&path))
                .bearer_auth(&tok);
            if let Some((ct, b)) = body {
                rb = rb.header("content-type", ct).body(b);
            }
            let res = rb.send().await.unwrap();
            let status = res.status().as_u16();
            let ct = res
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let problem: Value = res.json().await.unwrap_or(Value::Null);
            let ok = (400..500).contains(&status)
                && ct == "application/problem+json"
                && problem["code"]
                    .as_str()
                    .is_some_and(|c| known.iter().any(|k| k == c));
            if !ok {
                wrong.push(format!(
                    "{} {} [{what}]: {status} {problem}",
                    o.method, o.path
                ));
            }
        }
    }
    assert!(tried > 300, "only {tried} cases");
    assert!(
        wrong.is_empty(),
        "{} of {tried}:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
