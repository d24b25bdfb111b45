use crate::helpers::problem;
use keiro_domain::{OrgKind, Role};
use keiro_testkit::{TestApp, both_backends};
use serde_json::{Value, json};

both_backends!(
    healthz_and_request_id,
    r_usr_3_me_returns_user_org_and_roles,
    me_update_guarded_by_if_match,
    bad_input_is_problem_json_and_changes_nothing,
    api_tokens_shown_once_listed_and_revoked,
    api_token_idempotency_key,
    expired_token_is_refused,
    r_usr_2_temporary_password_blocks_tokens,
    r_x_1_audit_rows_scoped_to_caller,
    outbox_is_for_operator_staff,
    pagination_limits_and_cursors,
    unknown_routes_are_problem_json,
);

async fn healthz_and_request_id(app: TestApp) {
    let res = app
        .http
        .get(app.url("/healthz"))
        .header("x-request-id", "req-abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["x-request-id"],
        "req-abc-123",
        "a given request id is echoed"
    );
    let res = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert!(
        res.headers()
            .get("x-request-id")
            .is_some_and(|v| v.len() >= 32),
        "one is generated otherwise"
    );
}

async fn r_usr_3_me_returns_user_org_and_roles(app: TestApp) {
    let res = app.http.get(app.url("/v1/me")).send().await.unwrap();
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    let (s, p) = problem(res).await;
    assert_eq!((s, p["code"].as_str()), (401, Some("unauthenticated")));

    let u = app
        .org_with_user(
            OrgKind::Partner,
            "Sakura Distribution",
            &[Role::GlobalAdmin, Role::AdminAgent],
        )
        .await;
    let tok = app.token_for(&u.email).await;
    let res = app.get("/v1/me", &tok).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"u1\"");
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["user"]["email"], u.email);
    assert_eq!(me["organization"]["kind"], "partner");
    assert_eq!(me["organization"]["legal_name"], "Sakura Distribution");
    assert_eq!(me["roles"], json!(["admin_agent", "global_admin"]));
    assert_eq!(me["user"]["must_change_password"], false);
}

async fn me_update_guarded_by_if_match(app: TestApp) {
    let u = app
        .org_with_user(OrgKind::Customer, "Contoso", &[Role::User])
        .await;
    let tok = app.token_for(&u.email).await;
    let patch = |body: Value, etag: Option<&str>| {
        let mut rb = app
            .http
            .patch(app.url("/v1/me"))
            .bearer_auth(&tok)
            .json(&body);
        if let Some(e) = etag {
            rb = rb.header("if-match", e);
        }
        rb.send()
    };
    let res = patch(json!({"language": "ja"}), Some("\"u1\""))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"u2\"");
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["user"]["language"], "ja");
    // A stale ETag: 412 and nothing changes.
    let (s, p) = problem(
        patch(json!({"full_name": "Someone Else"}), Some("\"u1\""))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, p["code"].as_str()), (412, Some("precondition_failed")));
    let me: Value = app.get("/v1/me", &tok).await.json().await.unwrap();
    assert_eq!(me["user"]["full_name"], "Test User");
    // A malformed If-Match is a bad request, not a mismatch.
    let (s, p) = problem(
        patch(json!({"full_name": "X"}), Some("null"))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, p["code"].as_str()), (400, Some("invalid_if_match")));
    // null clears the language choice.
    let me: Value = patch(json!({"language": null}), None)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["language"], Value::Null);
}

async fn bad_input_is_problem_json_and_changes_nothing(app: TestApp) {
    let u = app
        .org_with_user(OrgKind::Partner, "Fuji", &[Role::SalesAgent])
        .await;
    let tok = app.token_for(&u.email).await;
    let audit_before = app.count("audit_records").await;
    let send = |body: &'static str, ct: &'static str| {
        app.http
            .post(app.url("/v1/apitokens"))
            .bearer_auth(&tok)
            .header("content-type", ct)
            .body(body)
            .send()
    };
    let cases: Vec<(&str, &str, u16, &str)> = vec![
        ("{\"name\": ", "application/json", 400, "malformed_json"),
        ("{\"name\": 42}", "application/json", 422, "invalid_body"),
        (
            "{\"name\": \"ci\", \"scope\": \"all\"}",
            "application/json",
            422,
            "invalid_body",
        ),
        ("{}", "application/json", 422, "invalid_body"),
        ("{\"name\": \"\"}", "application/json", 422, "invalid_name"),
        (
            "{\"name\": \"ci\", \"expires_in_days\": 0}",
            "application/json",
            422,
            "invalid_expiry",
        ),
        (
            "{\"name\": \"ci\", \"expires_in_days\": \"ten\"}",
            "application/json",
            422,
            "invalid_body",
        ),
        (
            "name=ci",
            "application/x-www-form-urlencoded",
            415,
            "unsupported_media_type",
        ),
    ];
    for (body, ct, status, code) in cases {
        let (s, p) = problem(send(body, ct).await.unwrap()).await;
        assert_eq!(
            (s, p["code"].as_str().unwrap()),
            (status, code),
            "body {body}"
        );
    }
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(400 * 1024));
    let res = app
        .http
        .post(app.url("/v1/apitokens"))
        .bearer_auth(&tok)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    let (s, p) = problem(res).await;
    assert_eq!((s, p["code"].as_str()), (413, Some("payload_too_large")));
    // A field error names the field.
    let (_, p) = problem(
        send(
            "{\"name\": \"ci\", \"expires_in_days\": 9999}",
            "application/json",
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "expires_in_days");
    assert_eq!(
        app.count("api_tokens").await,
        1,
        "only the test's own token"
    );
    assert_eq!(
        app.count("audit_records").await,
        audit_before,
        "refused requests write nothing"
    );
}

async fn api_tokens_shown_once_listed_and_revoked(app: TestApp) {
    let u = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let other = app
        .org_with_user(OrgKind::Partner, "Minato", &[Role::GlobalAdmin])
        .await;
    let tok = app.token_for(&u.email).await;
    let other_tok = app.token_for(&other.email).await;
    let res = app
        .http
        .post(app.url("/v1/apitokens"))
        .bearer_auth(&tok)
        .json(&json!({"name": "ci pipeline", "expires_in_days": 7}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let secret = created["token"].as_str().unwrap().to_string();
    assert!(secret.starts_with("kt_") && secret.len() > 40);
    assert_eq!(created["prefix"].as_str().unwrap(), &secret[..7]);
    // The new token works, and the list never shows a secret.
    assert_eq!(app.get("/v1/me", &secret).await.status(), 200);
    let list = app.get("/v1/apitokens", &tok).await.text().await.unwrap();
    assert!(
        !list.contains(&secret) && !list.contains(&secret[7..]),
        "secrets are never listed"
    );
    let list: Value = serde_json::from_str(&list).unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    // The token is stored hashed.
    assert_eq!(app.count("api_tokens").await, 3);
    let id = created["id"].as_str().unwrap();
    // Another user cannot revoke it (404, not 403).
    let res = app
        .http
        .delete(app.url(&format!("/v1/apitokens/{id}")))
        .bearer_auth(&other_tok)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(res).await.0, 404);
    let res = app
        .http
        .delete(app.url(&format!("/v1/apitokens/{id}")))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (s, p) = problem(app.get("/v1/me", &secret).await).await;
    assert_eq!((s, p["code"].as_str()), (401, Some("invalid_token")));
    assert!(p["detail"].as_str().unwrap().contains("revoked"));
    // DELETE is idempotent: revoking again succeeds and writes no second audit row.
    let res = app
        .http
        .delete(app.url(&format!("/v1/apitokens/{id}")))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let audit: Value = app
        .get("/v1/auditrecords?action=api_token.revoked", &tok)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
}

async fn api_token_idempotency_key(app: TestApp) {
    let u = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::SalesAgent])
        .await;
    let tok = app.token_for(&u.email).await;
    let post = |body: Value| {
        app.http
            .post(app.url("/v1/apitokens"))
            .bearer_auth(&tok)
            .header("idempotency-key", "retry-1")
            .json(&body)
            .send()
    };
    let first: Value = post(json!({"name": "nightly"}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = post(json!({"name": "nightly"})).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["idempotent-replayed"], "true");
    let again: Value = res.json().await.unwrap();
    assert_eq!(again["id"], first["id"], "a retry returns the first result");
    assert_eq!(
        again["token"],
        Value::Null,
        "the secret is never shown twice"
    );
    assert_eq!(app.count("api_tokens").await, 2, "one token, not two");
    let (s, p) = problem(post(json!({"name": "other"})).await.unwrap()).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (422, Some("idempotency_key_reused"))
    );
    // Concurrent first requests with one key: exactly one token.
    let reqs = (0..4).map(|_| {
        app.http
            .post(app.url("/v1/apitokens"))
            .bearer_auth(&tok)
            .header("idempotency-key", "race")
            .json(&json!({"name": "race"}))
            .send()
    });
    let results = futures::future::join_all(reqs).await;
    let ids: std::collections::HashSet<String> =
        futures::future::join_all(results.into_iter().map(|r| async {
            let v: Value = r.unwrap().json().await.unwrap();
            v["id"].as_str().unwrap().to_string()
        }))
        .await
        .into_iter()
        .collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(app.count("api_tokens").await, 3);
}

async fn expired_token_is_refused(app: TestApp) {
    let u = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::SalesAgent])
        .await;
    let tok = app.token_for(&u.email).await; // 30 days
    assert_eq!(app.get("/v1/me", &tok).await.status(), 200);
    app.clock.advance(time::Duration::days(31));
    let (s, p) = problem(app.get("/v1/me", &tok).await).await;
    assert_eq!((s, p["code"].as_str()), (401, Some("invalid_token")));
    assert!(p["detail"].as_str().unwrap().contains("expired"));
}

async fn r_usr_2_temporary_password_blocks_tokens(app: TestApp) {
    let admin = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let (newbie, temp) = app
        .add_user(
            &admin.org_id,
            "new@sakura.example",
            &[Role::SalesAgent],
            None,
        )
        .await;
    assert!(temp.is_some());
    let err = keiro_app::admin::token_for_email(&app.app, &newbie.email, "x", 10)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "password_change_required");
}

async fn r_x_1_audit_rows_scoped_to_caller(app: TestApp) {
    let a = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let b = app
        .org_with_user(OrgKind::Partner, "Minato", &[Role::GlobalAdmin])
        .await;
    let sales = app
        .add_user(
            &a.org_id,
            "sales@sakura.example",
            &[Role::SalesAgent],
            Some(keiro_testkit::TEST_PASSWORD),
        )
        .await
        .0;
    let op = app
        .org_with_user(OrgKind::Operator, "Operator", &[Role::OperatorReviewer])
        .await;
    let (ta, tb, ts, to) = (
        app.token_for(&a.email).await,
        app.token_for(&b.email).await,
        app.token_for(&sales.email).await,
        app.token_for(&op.email).await,
    );
    let res = app
        .http
        .post(app.url("/v1/apitokens"))
        .bearer_auth(&ta)
        .header("x-request-id", "audit-req-1")
        .json(&json!({"name": "deploy"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let mine: Value = app
        .get("/v1/auditrecords?action=api_token.created", &ta)
        .await
        .json()
        .await
        .unwrap();
    let rec = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["request_id"] == "audit-req-1")
        .expect("audit row with the request id");
    assert_eq!(rec["actor_user_id"], a.id);
    assert_eq!(rec["actor_org_id"], a.org_id);
    assert_eq!(rec["target_org_id"], a.org_id);
    assert_eq!(rec["details"]["name"], "deploy");
    // Another partner sees none of it.
    let theirs: Value = app.get("/v1/auditrecords", &tb).await.json().await.unwrap();
    assert!(
        theirs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["target_org_id"] == b.org_id || r["actor_org_id"] == b.org_id)
    );
    assert!(!theirs.to_string().contains(&a.org_id));
    // A sales agent may not read the audit log: 403 naming the role needed.
    let (s, p) = problem(app.get("/v1/auditrecords", &ts).await).await;
    assert_eq!((s, p["code"].as_str()), (403, Some("role_required")));
    assert_eq!(p["required_roles"], json!(["global_admin"]));
    // Operator staff see everything.
    let all: Value = app
        .get("/v1/auditrecords?limit=200", &to)
        .await
        .json()
        .await
        .unwrap();
    let s = all.to_string();
    assert!(s.contains(&a.org_id) && s.contains(&b.org_id));
    // Time filter: nothing in the future; a bad time is a clear error.
    let future = (app.app.now() + time::Duration::days(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let none: Value = app
        .get(&format!("/v1/auditrecords?from={future}"), &to)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["items"], json!([]));
    let (s, p) = problem(app.get("/v1/auditrecords?from=yesterday", &to).await).await;
    assert_eq!((s, p["code"].as_str()), (422, Some("invalid_time")));
    for empty in ["to=", "action=", "target_org_id="] {
        assert_eq!(
            problem(app.get(&format!("/v1/auditrecords?{empty}"), &to).await)
                .await
                .0,
            422,
            "{empty}"
        );
    }
    // Append-only, enforced by the database on both backends.
    use keiro_store::sea_orm::ConnectionTrait;
    let tx = app.app.db.begin().await.unwrap();
    assert!(
        tx.execute_unprepared("UPDATE audit_records SET action = 'x'")
            .await
            .is_err()
    );
    drop(tx);
    let tx = app.app.db.begin().await.unwrap();
    assert!(
        tx.execute_unprepared("DELETE FROM audit_records")
            .await
            .is_err()
    );
}

async fn outbox_is_for_operator_staff(app: TestApp) {
    let op = app
        .org_with_user(OrgKind::Operator, "Operator", &[Role::OperatorAdmin])
        .await;
    let p = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let (to, tp) = (
        app.token_for(&op.email).await,
        app.token_for(&p.email).await,
    );
    let list: Value = app
        .get("/v1/outbox?state=pending", &to)
        .await
        .json()
        .await
        .unwrap();
    // Each token creation queued a security notice.
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert_eq!(list["items"][0]["template"], "api-token-created");
    let (s, pr) = problem(app.get("/v1/outbox", &tp).await).await;
    assert_eq!((s, pr["code"].as_str()), (403, Some("operator_only")));
    let (s, _) = problem(app.get("/v1/outbox?state=lost", &to).await).await;
    assert_eq!(s, 422);
}

async fn pagination_limits_and_cursors(app: TestApp) {
    let u = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let tok = app.token_for(&u.email).await;
    for i in 0..4 {
        let r = app
            .http
            .post(app.url("/v1/apitokens"))
            .bearer_auth(&tok)
            .json(&json!({"name": format!("t{i}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    let mut seen = vec![];
    let mut url = "/v1/apitokens?limit=2".to_string();
    loop {
        let page: Value = app.get(&url, &tok).await.json().await.unwrap();
        for t in page["items"].as_array().unwrap() {
            seen.push(t["name"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(c) => url = format!("/v1/apitokens?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(
        seen,
        vec!["t3", "t2", "t1", "t0", "test"],
        "newest first, each once"
    );
    for bad in [
        "limit=0",
        "limit=201",
        "limit=abc",
        "limit=",
        "cursor=not-a-cursor",
        "cursor=",
    ] {
        let (s, _) = problem(app.get(&format!("/v1/apitokens?{bad}"), &tok).await).await;
        assert_eq!(s, 422, "{bad}");
    }
}

async fn unknown_routes_are_problem_json(app: TestApp) {
    let (s, p) = problem(app.http.get(app.url("/v1/nothing")).send().await.unwrap()).await;
    assert_eq!((s, p["code"].as_str()), (404, Some("not_found")));
    let (s, p) = problem(app.http.put(app.url("/v1/me")).send().await.unwrap()).await;
    assert_eq!((s, p["code"].as_str()), (405, Some("method_not_allowed")));
}

#[tokio::test]
async fn openapi_documents_every_api_route() {
    let Some(app) = TestApp::builder(keiro_testkit::Backend::Sqlite)
        .spawn()
        .await
    else {
        return;
    };
    let doc: Value = app
        .http
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(|s| s.as_str())
        .collect();
    for p in [
        "/healthz",
        "/v1/me",
        "/v1/me/password",
        "/v1/apitokens",
        "/v1/apitokens/{id}",
        "/v1/auditrecords",
        "/v1/outbox",
    ] {
        assert!(paths.contains(&p), "{p} documented");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let html = app
        .http
        .get(app.url("/docs/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("swagger"), "browsable docs");
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "no external assets"
    );
}

/// The shapes API clients depend on, pinned: a change to them shows up in review.
#[tokio::test]
async fn response_shapes_are_stable() {
    let Some(app) = TestApp::builder(keiro_testkit::Backend::Sqlite)
        .spawn()
        .await
    else {
        return;
    };
    let u = app
        .org_with_user(OrgKind::Partner, "Sakura Distribution", &[Role::SalesAgent])
        .await;
    let tok = app.token_for(&u.email).await;
    let me: Value = app.get("/v1/me", &tok).await.json().await.unwrap();
    insta::assert_json_snapshot!("me", me, { ".user.id" => "[id]", ".organization.id" => "[id]" });
    let (_, forbidden) = problem(app.get("/v1/auditrecords", &tok).await).await;
    insta::assert_json_snapshot!("problem_role_required", forbidden);
    let res = app
        .http
        .post(app.url("/v1/apitokens"))
        .bearer_auth(&tok)
        .json(&json!({"name": "ci", "expires_in_days": 400}))
        .send()
        .await
        .unwrap();
    let (_, invalid) = problem(res).await;
    insta::assert_json_snapshot!("problem_validation", invalid);
}
