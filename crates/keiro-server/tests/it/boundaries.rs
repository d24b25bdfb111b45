//! The tenant boundaries and input rules found by trying the API as an attacker would
//! (issue 11): each test is named after the rule it keeps.

use crate::helpers::{code, json_of, problem};
use keiro_domain::{OrgKind, Role};
use keiro_testkit::world::world;
use keiro_testkit::{Backend, TestApp, both_backends};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

both_backends!(
    r_ord_4_r_ord_5_attribution_needs_the_resellers_own_relationship,
    r_rel_8_gdap_requests_name_only_the_partners_customers,
    r_rel_1_subscriptions_of_a_customer_one_does_not_know_are_404,
    api_control_characters_are_refused_with_a_code,
    r_usr_2_a_temporary_password_changes_nothing_but_the_language,
    security_every_html_answer_has_the_security_headers,
    r_ord_7_retried_creates_answer_the_first_answer,
    r_rel_8_r_ord_6_every_list_is_paged,
    r_ord_1_csv_in_shift_jis_is_read_and_other_encodings_are_named,
);

async fn send(
    app: &TestApp,
    m: reqwest::Method,
    tok: &str,
    path: &str,
    body: Value,
) -> reqwest::Response {
    app.http
        .request(m, app.url(path))
        .bearer_auth(tok)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn r_ord_4_r_ord_5_attribution_needs_the_resellers_own_relationship(app: TestApp) {
    let w = world(&app).await;
    // A second reseller of the provider, with no relationship with Contoso.
    let other = app.reseller_admin("Other Resell").await;
    app.db_set_partner_id(&other.org_id, "2000002").await;
    app.db_partner_up(&w.provider.org_id, &other.org_id).await;
    let ot = app.token_for(&other.email).await;
    let s = json_of(
        send(
            &app,
            reqwest::Method::POST,
            &w.pt,
            &format!("/v1/customers/{}/orders", w.customer.org_id),
            json!({"lines": [{"offer_id": w.base, "quantity": 2}]}),
        )
        .await,
        201,
    )
    .await;
    let id = s["subscriptions"][0]["id"].as_str().unwrap().to_string();
    for what in ["reseller", "supportcontact"] {
        assert_eq!(
            code(
                send(
                    &app,
                    reqwest::Method::PUT,
                    &w.pt,
                    &format!("/v1/subscriptions/{id}/{what}"),
                    json!({"partner_id": "2000002"}),
                )
                .await
            )
            .await,
            (422, "reseller_not_related".into()),
            "{what}"
        );
    }
    // The unrelated reseller sees nothing of the customer.
    assert_eq!(
        app.get(&format!("/v1/subscriptions/{id}"), &ot)
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get(
            &format!("/v1/subscriptions?customer={}", w.customer.org_id),
            &ot
        )
        .await
        .status(),
        404
    );
    // The related reseller can be named.
    let v = json_of(
        send(
            &app,
            reqwest::Method::PUT,
            &w.pt,
            &format!("/v1/subscriptions/{id}/supportcontact"),
            json!({"partner_id": "2000001"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(v["support_contact"]["id"], w.reseller.org_id.as_str());
}

async fn r_rel_8_gdap_requests_name_only_the_partners_customers(app: TestApp) {
    let w = world(&app).await;
    let stranger = app.customer_admin("Secret Holdings").await;
    let before = app.count("gdap_relationships").await;
    for id in [
        stranger.org_id.as_str(),
        w.reseller.org_id.as_str(),
        "0190a000-0000-7000-8000-000000000000",
    ] {
        let res = send(
            &app,
            reqwest::Method::POST,
            &w.pt,
            "/v1/delegatedadminrelationships",
            json!({"display_name": format!("G {id}"), "customer_id": id, "roles": ["user"], "duration_days": 30}),
        )
        .await;
        let (status, body) = problem(res).await;
        assert_eq!(
            (status, body["code"].as_str().unwrap()),
            (404, "not_found"),
            "{id}"
        );
        let text = body.to_string();
        assert!(
            !text.contains("Secret Holdings") && !text.contains("Resell GK"),
            "{text}"
        );
    }
    assert_eq!(app.count("gdap_relationships").await, before);
    let g = json_of(
        send(
            &app,
            reqwest::Method::POST,
            &w.pt,
            "/v1/delegatedadminrelationships",
            json!({"display_name": "Contoso", "customer_id": w.customer.org_id, "roles": ["user"], "duration_days": 30}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(g["customer_name"], "Contoso");
}

async fn r_rel_1_subscriptions_of_a_customer_one_does_not_know_are_404(app: TestApp) {
    let w = world(&app).await;
    let other = app.provider_admin("Far Away KK").await;
    let ot = app.token_for(&other.email).await;
    for (tok, id, status) in [
        (&ot, w.customer.org_id.as_str(), 404),
        (&w.pt, "0190a000-0000-7000-8000-000000000000", 404),
        (&w.pt, w.reseller.org_id.as_str(), 404),
        (&w.pt, w.customer.org_id.as_str(), 200),
        (&w.ct, w.customer.org_id.as_str(), 200),
    ] {
        let res = app
            .get(&format!("/v1/customers/{id}/subscriptions"), tok)
            .await;
        assert_eq!(res.status().as_u16(), status, "{id}");
    }
}

async fn api_control_characters_are_refused_with_a_code(app: TestApp) {
    let w = world(&app).await;
    let before = app.count("organizations").await;
    // The anonymous enrollment sign-up, a body string.
    let res = app
        .http
        .post(app.url("/v1/enrollment/accounts"))
        .header("content-type", "application/json")
        .body(r#"{"company_name":"Kaede\u0000KK","country":"JP","primary_domain":"kaede.example","full_name":"x","email":"a@kaede.example","password":"a long enough passphrase","program_role":"indirect_reseller"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(code(res).await, (422, "control_character".into()));
    assert_eq!(
        app.count("organizations").await,
        before,
        "nothing was written"
    );
    // A search parameter, a path segment, and bytes that are not UTF-8.
    for (path, c) in [
        ("/v1/customers?q=a%00b", "control_character"),
        ("/v1/offers?q=%07", "control_character"),
        ("/v1/customers?q=%FF%FE", "invalid_utf8"),
        ("/v1/subscriptions/%00", "control_character"),
    ] {
        assert_eq!(
            code(app.get(path, &w.pt).await).await,
            (422, c.into()),
            "{path}"
        );
    }
    // Line breaks stay allowed in free text.
    let res = send(
        &app,
        reqwest::Method::POST,
        &w.ct,
        &format!("/v1/customers/{}/servicerequests", w.customer.org_id),
        json!({"title": "Sign-in fails", "description": "Step 1\r\nStep 2\tdone", "severity": "normal"}),
    )
    .await;
    assert_eq!(res.status(), 201);
    // A CSV with a NUL byte.
    let res = app
        .http
        .post(app.url("/v1/offers/import"))
        .bearer_auth(&w.op)
        .header("content-type", "text/csv")
        .body(b"sku,name_en\nA\0B,x\n".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(code(res).await, (422, "control_character".into()));
    // The portal answers with a page in the reader's language.
    let res = app
        .http
        .get(app.url("/signin?next=%00"))
        .header("accept-language", "ja")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("制御文字"));
}

async fn r_usr_2_a_temporary_password_changes_nothing_but_the_language(app: TestApp) {
    let admin = app
        .org_with_user(OrgKind::Partner, "Kaede", &[Role::GlobalAdmin])
        .await;
    let (u, _) = app
        .add_user(
            &admin.org_id,
            "sato@kaede.example",
            &[Role::SalesAgent],
            Some("a long enough passphrase"),
        )
        .await;
    let ut = app.token_for(&u.email).await;
    let at = app.token_for(&admin.email).await;
    let res = send(
        &app,
        reqwest::Method::POST,
        &at,
        &format!("/v1/users/{}/resetpassword", u.id),
        json!({}),
    )
    .await;
    assert!(res.status().is_success(), "{}", res.status());
    let res = send(
        &app,
        reqwest::Method::PATCH,
        &ut,
        "/v1/me",
        json!({"full_name": "Someone Else"}),
    )
    .await;
    assert_eq!(code(res).await, (403, "password_change_required".into()));
    let res = send(
        &app,
        reqwest::Method::PATCH,
        &ut,
        "/v1/me",
        json!({"language": "ja"}),
    )
    .await;
    assert_eq!(res.status(), 200);
}

async fn security_every_html_answer_has_the_security_headers(app: TestApp) {
    for path in ["/no-such-page", "/docs/", "/signin"] {
        let res = app.http.get(app.url(path)).send().await.unwrap();
        let h = res.headers();
        assert!(
            h.get("content-security-policy")
                .is_some_and(|v| v.to_str().unwrap().contains("frame-ancestors 'none'")),
            "{path}: {h:?}"
        );
        assert_eq!(h.get("x-frame-options").unwrap(), "DENY", "{path}");
    }
    // A 10 MB portal form is 413, not 422.
    let big = "x".repeat(10 * 1024 * 1024);
    let res = app
        .http
        .post(app.url("/signin"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(format!("email=a%40b.example&password={big}"))
        .send()
        .await;
    // The server may close the connection while the body is still being sent.
    if let Ok(res) = res {
        assert_eq!(res.status(), 413);
    }
    // One that fits in the socket buffers is always answered: 413 with a readable page.
    let res = app
        .http
        .post(app.url("/signin"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(format!(
            "email=a%40b.example&password={}",
            "x".repeat(400 * 1024)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    assert!(res.text().await.unwrap().contains("<html"));
    // A 70 KB header is refused (431), or the connection closed while it is still being sent;
    // never answered.
    let res = app
        .http
        .get(app.url("/healthz"))
        .header("x-big", "y".repeat(70 * 1024))
        .send()
        .await;
    match res {
        Ok(res) => assert_eq!(res.status(), 431),
        Err(e) => assert!(e.is_request(), "{e}"),
    }
}

/// A connection that never finishes its headers is closed (the test server allows 1 second).
#[tokio::test]
async fn security_a_connection_that_never_finishes_its_headers_is_closed() {
    let Some(app) = TestApp::builder(Backend::Sqlite)
        .server_config(|c| c.header_read_timeout_secs = 1)
        .spawn()
        .await
    else {
        return;
    };
    let addr = app.url("").trim_start_matches("http://").to_string();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 1024];
    // Closed (0 bytes, or an error answer then close) well before 10 seconds.
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        let mut total = 0;
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return total,
                Ok(n) => total += n,
            }
        }
    })
    .await;
    assert!(n.is_ok(), "the connection is still open after 10 seconds");
}

async fn keyed(app: &TestApp, tok: &str, path: &str, key: &str, body: Value) -> reqwest::Response {
    app.http
        .post(app.url(path))
        .bearer_auth(tok)
        .header("idempotency-key", key)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn r_ord_7_retried_creates_answer_the_first_answer(app: TestApp) {
    let w = world(&app).await;
    let srs = format!("/v1/customers/{}/servicerequests", w.customer.org_id);
    let body = json!({"title": "Mail is down", "description": "Since 9:00", "severity": "high"});
    let first = keyed(&app, &w.ct, &srs, "sr-1", body.clone()).await;
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    let again = keyed(&app, &w.ct, &srs, "sr-1", body.clone()).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.headers().get("idempotent-replayed").unwrap(), "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(app.count("service_requests").await, 1);
    // The same key with another body is refused.
    let other = keyed(
        &app,
        &w.ct,
        &srs,
        "sr-1",
        json!({"title": "Other", "description": "x", "severity": "high"}),
    )
    .await;
    assert_eq!(code(other).await, (422, "idempotency_key_reused".into()));
    // A note, retried, is added once.
    let notes = format!("{srs}/{}/notes", first["id"].as_str().unwrap());
    for status in [201, 200] {
        let res = keyed(
            &app,
            &w.ct,
            &notes,
            "note-1",
            json!({"body": "Looking into it"}),
        )
        .await;
        assert_eq!(res.status(), status);
    }
    assert_eq!(app.count("service_request_notes").await, 1);
    // Replays of a user and of a relationship request carry the header too.
    for (path, body) in [
        (
            "/v1/users",
            json!({"email": "new@resell.example", "full_name": "New", "roles": ["sales_agent"]}),
        ),
        (
            "/v1/relationshiprequests",
            json!({"kind": "reseller_relationship"}),
        ),
    ] {
        assert_eq!(
            keyed(&app, &w.rt, path, "k-1", body.clone()).await.status(),
            201,
            "{path}"
        );
        let res = keyed(&app, &w.rt, path, "k-1", body).await;
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(
            res.headers().get("idempotent-replayed").unwrap(),
            "true",
            "{path}"
        );
    }
}

async fn r_rel_8_r_ord_6_every_list_is_paged(app: TestApp) {
    let w = world(&app).await;
    for name in ["Bravo", "alpha", "Charlie"] {
        let res = send(
            &app,
            reqwest::Method::POST,
            &w.pt,
            "/v1/securitygroups",
            json!({"name": name}),
        )
        .await;
        assert_eq!(res.status(), 201);
    }
    // By name, case-insensitively, two at a time.
    let first = json_of(app.get("/v1/securitygroups?limit=2", &w.pt).await, 200).await;
    let names: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alpha", "Bravo"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = json_of(
        app.get(
            &format!("/v1/securitygroups?limit=2&cursor={cursor}"),
            &w.pt,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(rest["items"][0]["name"], "Charlie");
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(rest["next_cursor"], Value::Null);
    // A subscription's history, one entry a page.
    let s = json_of(
        send(
            &app,
            reqwest::Method::POST,
            &w.pt,
            &format!("/v1/customers/{}/orders", w.customer.org_id),
            json!({"lines": [{"offer_id": w.base, "quantity": 2}]}),
        )
        .await,
        201,
    )
    .await;
    let id = s["subscriptions"][0]["id"].as_str().unwrap().to_string();
    let res = send(
        &app,
        reqwest::Method::PUT,
        &w.pt,
        &format!("/v1/subscriptions/{id}/quantity"),
        json!({"quantity": 3}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let h1 = json_of(
        app.get(&format!("/v1/subscriptions/{id}/history?limit=1"), &w.pt)
            .await,
        200,
    )
    .await;
    assert_eq!(h1["items"][0]["change"], "created");
    let c = h1["next_cursor"].as_str().unwrap();
    let h2 = json_of(
        app.get(
            &format!("/v1/subscriptions/{id}/history?limit=1&cursor={c}"),
            &w.pt,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(h2["items"][0]["change"], "quantity_changed");
    assert_eq!(h2["next_cursor"], Value::Null);
}

async fn r_ord_1_csv_in_shift_jis_is_read_and_other_encodings_are_named(app: TestApp) {
    let w = world(&app).await;
    let import = |body: Vec<u8>| {
        app.http
            .post(app.url("/v1/offers/import"))
            .bearer_auth(&w.op)
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    // Saved by a Japanese spreadsheet: Shift_JIS, 東京 = 93 8C 8B 9E.
    let mut csv = b"product_code,product_name_en,product_name_ja,sku,name_en,name_ja,billing_cycle,term_months,unit_price_minor,currency,min_quantity,max_quantity,trial_days,prerequisite_sku,countries,state\n".to_vec();
    csv.extend(b"TOKYO,Tokyo,");
    csv.extend([0x93, 0x8c, 0x8b, 0x9e]);
    csv.extend(b",TOKYO-M,Tokyo monthly,");
    csv.extend([0x93, 0x8c, 0x8b, 0x9e]);
    csv.extend(b",monthly,1,400,JPY,1,500,,,JP,\n");
    let rep = json_of(import(csv).await.unwrap(), 200).await;
    assert_eq!(rep["offers_created"], 1, "{rep}");
    let offers = json_of(app.get("/v1/offers?q=TOKYO", &w.op).await, 200).await;
    assert_eq!(offers["items"][0]["name_ja"], "東京", "{offers}");
    // Neither UTF-8 nor Shift_JIS: the answer names the encodings taken.
    let (status, p) = problem(
        import(vec![b'a', b',', 0x80, 0xff, 0xfe, b'\n'])
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, p["code"].as_str().unwrap()),
        (422, "invalid_encoding")
    );
    assert!(p["detail"].as_str().unwrap().contains("Shift_JIS"));
}
