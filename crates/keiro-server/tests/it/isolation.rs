//! Tenant isolation walked over `/openapi.json` (issue 11): callers of every organization kind
//! (a partner that is both provider and reseller, a customer, operator staff) call every
//! operation that takes an id with the ids of another organization's resources. The answer must
//! be the one an id that does not exist gets (same status and code, never a success), with
//! nothing of the other organization in it. The legitimate cross-organization operations are
//! `contract::CROSS_ORGANIZATION`, and each `Granted` one is shown to work for its holder.

use crate::walk::created;
use keiro_domain::{DelegatedAccess, OrgKind, ProgramRole, Role};
use keiro_server::api::contract::{CROSS_ORGANIZATION, Reach, reach};
use keiro_testkit::world::world;
use keiro_testkit::{Backend, TestApp};
use serde_json::{Value, json};

/// Thousands of calls from three tokens: the per-token rate limit is lifted for this test.
async fn spawn(backend: Backend) -> Option<TestApp> {
    TestApp::builder(backend)
        .app_config(|c| c.api_requests_per_minute = 1_000_000)
        .spawn()
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenant_isolation_no_operation_answers_a_strangers_id_sqlite() {
    if let Some(app) = spawn(Backend::Sqlite).await {
        tenant_isolation_no_operation_answers_a_strangers_id(app).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenant_isolation_no_operation_answers_a_strangers_id_postgres() {
    if let Some(app) = spawn(Backend::Postgres).await {
        tenant_isolation_no_operation_answers_a_strangers_id(app).await;
    }
}

const NOWHERE: &str = "0190a000-0000-7000-8000-000000000000";

async fn tenant_isolation_no_operation_answers_a_strangers_id(app: TestApp) {
    // Tenant A: provider, reseller (delegated admin in the customer), customer, and what they
    // made: a subscription, a service request, a GDAP relationship with an assignment, a
    // security group, a relationship request.
    let w = world(&app).await;
    let cu = w.customer.org_id.clone();
    let request = crate::walk::reseller_administers_customer(&app, &w).await;
    let sub = created(
        &app,
        &w.pt,
        &format!("/v1/customers/{cu}/orders"),
        json!({"lines": [{"offer_id": w.base, "quantity": 2, "reseller_partner_id": "2000001"}]}),
    )
    .await;
    let sub = sub["subscriptions"][0]["id"].as_str().unwrap().to_string();
    let sr = created(
        &app,
        &w.ct,
        &format!("/v1/customers/{cu}/servicerequests"),
        json!({"title": "Mail", "description": "Down", "severity": "high"}),
    )
    .await;
    let sr = sr["id"].as_str().unwrap().to_string();
    let gdap = created(&app, &w.pt, "/v1/delegatedadminrelationships", json!({"display_name": "Helpdesk", "customer_id": cu, "roles": ["user"], "duration_days": 30})).await;
    let gdap = gdap["id"].as_str().unwrap().to_string();
    let group = created(
        &app,
        &w.pt,
        "/v1/securitygroups",
        json!({"name": "Helpdesk"}),
    )
    .await;
    let group = group["id"].as_str().unwrap().to_string();
    let assignment = created(
        &app,
        &w.pt,
        &format!("/v1/delegatedadminrelationships/{gdap}/accessassignments"),
        json!({"group_id": group, "roles": ["user"]}),
    )
    .await;
    let assignment = assignment["id"].as_str().unwrap().to_string();
    let ids = [
        cu.clone(),
        w.reseller.org_id.clone(),
        w.provider.org_id.clone(),
        sub.clone(),
        sr.clone(),
        gdap.clone(),
        group.clone(),
        assignment,
        request,
        w.customer.id.clone(),
        w.reseller.id.clone(),
        w.provider.id.clone(),
    ];
    // What would give tenant A away.
    let secrets = [
        "Contoso",
        "Resell GK",
        "Distri KK",
        w.customer.email.as_str(),
        w.reseller.email.as_str(),
        w.provider.email.as_str(),
    ];

    // The strangers: one of each organization kind, with every right in their own.
    let sp = app
        .partner(
            "Stranger KK",
            &[ProgramRole::IndirectProvider, ProgramRole::IndirectReseller],
            &[Role::GlobalAdmin, Role::AdminAgent],
        )
        .await;
    app.db_authorize_delegated_admin(&sp.org_id).await;
    app.db_set_delegated_access(&sp.id, DelegatedAccess::Full)
        .await;
    let sc = app.customer_admin("Stranger Customer").await;
    let so = app
        .org_with_user(
            OrgKind::Operator,
            "Stranger Operator",
            &[Role::OperatorAdmin],
        )
        .await;
    let strangers = [
        ("partner", app.token_for(&sp.email).await),
        ("customer", app.token_for(&sc.email).await),
        ("operator", app.token_for(&so.email).await),
    ];

    let body_for = |op: &str| -> Value {
        match op {
            "create_order" => json!({"lines": [{"offer_id": w.base, "quantity": 1}]}),
            "remove_customer" | "remove_provider" | "remove_reseller" => json!({"attest": true}),
            "create_service_request" => {
                json!({"title": "x", "description": "y", "severity": "normal"})
            }
            "add_service_request_note" => json!({"body": "x"}),
            "set_service_request_status" => json!({"status": "in_progress"}),
            "create_customer_user" => {
                json!({"email": "x@stranger.example", "full_name": "X", "roles": ["user"]})
            }
            "set_customer_user_roles" => json!({"roles": ["user"]}),
            "create_access_assignment" => json!({"group_id": group, "roles": ["user"]}),
            "approve_gdap_relationship" => json!({"confirm": true}),
            "approve_enrollment" | "reject_enrollment" | "request_enrollment_info" => {
                json!({"note": "x"})
            }
            "create_reseller_customer" => {
                json!({"legal_name": "Northwind", "country": "JP", "admin_full_name": "X", "admin_email": "x@northwind.example", "lines": [{"offer_id": w.base, "quantity": 1}]})
            }
            "add_security_group_member" => json!({"user_id": w.provider.id}),
            "set_auto_renew" => json!({"auto_renew": false}),
            "set_quantity" => json!({"quantity": 3}),
            "set_reseller" | "set_support_contact" => json!({"partner_id": null}),
            "resume_subscription" | "suspend_subscription" => json!({"reason": "billing"}),
            "update_user" => json!({"full_name": "X"}),
            "put_directory_entry" => {
                json!({"regions": ["Kanto"], "countries": ["JP"], "description": "x", "contact_email": "a@b.example", "contact_phone": "+81 3 0000 0000", "website": "https://b.example"})
            }
            _ => json!({}),
        }
    };

    let doc = crate::walk::document(&app).await;
    let known = keiro_server::api::contract::known_codes();
    let mut calls = 0;
    let mut leaks = vec![];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_default().to_string();
            let params: Vec<String> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap().to_string())
                .collect();
            if params.is_empty()
                || !matches!(method.as_str(), "get" | "put" | "post" | "delete" | "patch")
            {
                continue;
            }
            let m: reqwest::Method = method.to_uppercase().parse().unwrap();
            let send = |tok: &str, values: &[&str]| {
                let mut p = path.clone();
                for (name, v) in params.iter().zip(values) {
                    p = p.replace(&format!("{{{name}}}"), v);
                }
                let mut rb = app.http.request(m.clone(), app.url(&p)).bearer_auth(tok);
                if m != reqwest::Method::GET && m != reqwest::Method::DELETE {
                    rb = rb.json(&body_for(&id));
                }
                async move {
                    let res = rb.send().await.unwrap();
                    let status = res.status().as_u16();
                    let text = res.text().await.unwrap();
                    let code = serde_json::from_str::<Value>(&text)
                        .ok()
                        .and_then(|v| v["code"].as_str().map(str::to_string));
                    (status, code, text)
                }
            };
            for (kind, tok) in &strangers {
                match reach(&id) {
                    Some(Reach::Open) => continue,
                    Some(Reach::OperatorStaff) if *kind == "operator" => continue,
                    _ => {}
                }
                let nowhere = vec![NOWHERE; params.len()];
                let (n_status, n_code, _) = send(tok, &nowhere).await;
                // Every combination of tenant A's ids in the path (one or two parameters).
                let combos: Vec<Vec<&str>> = match params.len() {
                    1 => ids.iter().map(|i| vec![i.as_str()]).collect(),
                    _ => ids
                        .iter()
                        .flat_map(|a| ids.iter().map(move |b| vec![a.as_str(), b.as_str()]))
                        .collect(),
                };
                for values in combos {
                    calls += 1;
                    let (status, code, text) = send(tok, &values).await;
                    let told = secrets.iter().find(|s| text.contains(**s));
                    if let Some(c) = &code {
                        assert!(
                            known.contains(c),
                            "{method} {path}: the code {c} is not in contract::known_codes"
                        );
                    }
                    if (200..300).contains(&status)
                        || (status, &code) != (n_status, &n_code)
                        || told.is_some()
                    {
                        leaks.push(format!("{kind} {method} {path} {values:?}: {status} {code:?} (an unknown id: {n_status} {n_code:?}) {}", told.map(|s| format!("tells {s}")).unwrap_or_default()));
                    }
                }
            }
        }
    }
    assert!(calls > 2000, "only {calls} calls");
    assert!(
        leaks.is_empty(),
        "{} of {calls} calls tell a stranger something:\n{}",
        leaks.len(),
        leaks.join("\n")
    );

    // The rights that do reach across, each working for its holder. The reseller gives its
    // provider admin access (the stranger walk above ran without it, so nothing depended on it).
    let res = app
        .http
        .put(app.url(&format!(
            "/v1/indirectproviders/{}/adminaccess",
            w.provider.org_id
        )))
        .bearer_auth(&w.rt)
        .send()
        .await
        .unwrap();
    assert!(
        res.status() == 200 || res.status() == 409,
        "{}",
        res.status()
    );
    // It applies to provider users with full delegated access.
    app.db_set_delegated_access(&w.provider.id, DelegatedAccess::Full)
        .await;
    let granted: Vec<&str> = CROSS_ORGANIZATION
        .iter()
        .filter(|(_, r, _)| *r == Reach::Granted)
        .map(|(op, _, _)| *op)
        .collect();
    let works = [
        (
            "list_reseller_users",
            &w.pt,
            format!("/v1/indirectresellers/{}/users", w.reseller.org_id),
        ),
        (
            "list_customer_users",
            &w.rt,
            format!("/v1/customers/{cu}/users"),
        ),
        (
            "list_service_requests",
            &w.rt,
            format!("/v1/customers/{cu}/servicerequests"),
        ),
        (
            "get_subscription",
            &w.rt,
            format!("/v1/subscriptions/{sub}"),
        ),
    ];
    for op in granted {
        let (_, tok, path) = works.iter().find(|x| x.0 == op).unwrap_or_else(|| {
            panic!("{op}: a granted cross-organization operation without a check")
        });
        let res = app.get(path, tok).await;
        assert_eq!(res.status(), 200, "{op} for the holder of the right");
    }
    let res = app
        .get(
            &format!("/v1/providerdirectory/{}", w.provider.org_id),
            &strangers[0].1,
        )
        .await;
    assert!(
        res.status() == 200 || res.status() == 404,
        "the directory is open (404: no entry yet)"
    );
}
