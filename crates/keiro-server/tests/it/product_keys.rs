//! Product keys through the API (R-ADV-1, R-ADV-4, R-REL-7, ADR 0010), on SQLite and
//! PostgreSQL: ordering, the list and its states, the CSV export, entering a key (each refusal
//! with its own code), once, by the customer's admin or its delegated admin partner, the
//! throttle, and two customers entering the same key at the same moment on two nodes.

use crate::helpers::{advisor, code, json_of, mails_to, post};
use keiro_domain::Role;
use keiro_testkit::world::world;
use keiro_testkit::{Backend, TEST_PASSWORD, TestApp, both_backends};
use serde_json::{Value, json};

both_backends!(r_adv_4_keys_are_ordered_listed_exported_and_redeemed_once,);

async fn redeem(app: &TestApp, t: &str, customer: &str, key: &str, dap: bool) -> reqwest::Response {
    post(
        app,
        t,
        &format!("/v1/customers/{customer}/productkeyredemptions"),
        json!({"key": key, "delegated_admin": dap}),
    )
    .await
}

fn keys(v: &Value) -> Vec<String> {
    v["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect()
}

async fn r_adv_4_keys_are_ordered_listed_exported_and_redeemed_once(app: TestApp) {
    let w = world(&app).await;
    let body = json!({"offer_id": w.base, "country": "JP", "quantity": 3, "licenses": 5, "delegated_admin": true});
    assert_eq!(
        code(post(&app, &w.rt, "/v1/productkeys", body.clone()).await).await,
        (403, "not_subscription_advisor".into())
    );
    let (adv, at) = advisor(
        &app,
        &w.op,
        json!(["subscription_advisor", "delegated_admin"]),
    )
    .await;
    for (change, expected) in [
        (json!({"quantity": 0}), "invalid_key_count"),
        (json!({"quantity": 501}), "invalid_key_count"),
        (json!({"licenses": 301}), "quantity_out_of_bounds"),
        (json!({"offer_id": w.us}), "not_sold_in_country"),
        (json!({"expires_in_days": 1096}), "invalid_expiry"),
    ] {
        let mut b = body.clone();
        for (k, v) in change.as_object().unwrap() {
            b[k] = v.clone();
        }
        assert_eq!(
            code(post(&app, &at, "/v1/productkeys", b).await).await,
            (422, expected.into()),
            "{change}"
        );
    }
    let order = json_of(post(&app, &at, "/v1/productkeys", body.clone()).await, 201).await;
    let k = keys(&order);
    assert_eq!(k.len(), 3);
    for key in &k {
        assert_eq!(key.len(), 29, "{key}");
        assert_eq!(key.split('-').count(), 5);
        assert!(
            key.chars()
                .all(|c| c == '-' || keiro_domain::product_key::ALPHABET.contains(&(c as u8)))
        );
    }
    // The list shows their state and only their last five characters.
    let list = json_of(app.get("/v1/productkeys", &at).await, 200).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(
        items
            .iter()
            .all(|i| i["state"] == "unused" && i["licenses"] == 5)
    );
    assert!(
        !list.to_string().contains(&k[0][..23]),
        "no key in the list"
    );
    assert!(
        items
            .iter()
            .any(|i| k[0].ends_with(i["last5"].as_str().unwrap()))
    );
    // The export has them all.
    let csv = app.get("/v1/productkeys/export", &at).await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(k.iter().all(|key| csv.contains(key.as_str())), "{csv}");

    // Customer A's admin previews a key typed full-width in lower case, and sees what it sets up.
    let a = app.customer_admin("Customer A").await;
    let a_t = app.token_for(&a.email).await;
    let wide: String = k[0]
        .to_lowercase()
        .chars()
        .map(|c| {
            if c == '-' {
                'ー'
            } else {
                char::from_u32(c as u32 + 0xFEE0).unwrap()
            }
        })
        .collect();
    let p = json_of(
        post(
            &app,
            &a_t,
            &format!("/v1/customers/{}/productkeyredemptions/preview", a.org_id),
            json!({"key": wide}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(p["offer_id"], w.base.as_str());
    assert_eq!(p["licenses"], 5);
    assert_eq!(p["partner_of_record_name"], "Advisor Partners KK");
    assert_eq!(p["partner_of_record_partner_id"], "4440001");
    assert_eq!(p["delegated_admin_offer"], true);
    // Each refusal has its own code.
    assert_eq!(
        code(redeem(&app, &a_t, &a.org_id, "ABCDE-FGHIJ", false).await).await,
        (422, "malformed_key".into())
    );
    assert_eq!(
        code(
            redeem(
                &app,
                &a_t,
                &a.org_id,
                "BBBBB-BBBBB-BBBBB-BBBBB-BBBBB",
                false
            )
            .await
        )
        .await,
        (422, "unknown_key".into())
    );
    let (helper, _) = app
        .add_user(
            &a.org_id,
            "pw@customer-a.example",
            &[Role::PasswordAdmin],
            Some(TEST_PASSWORD),
        )
        .await;
    let h_t = app.token_for(&helper.email).await;
    assert_eq!(
        code(redeem(&app, &h_t, &a.org_id, &k[0], false).await).await,
        (403, "not_an_admin".into())
    );
    // A partner without delegated admin rights in the customer: no such customer.
    assert_eq!(
        code(redeem(&app, &w.pt, &a.org_id, &k[0], false).await)
            .await
            .0,
        404
    );
    // Redeemed with delegated admin: sold by the operator, the buyer its partner of record.
    let r = json_of(redeem(&app, &a_t, &a.org_id, &wide, true).await, 201).await;
    let sub = &r["subscription"];
    assert_eq!(sub["quantity"], 5);
    assert_eq!(sub["seller"]["legal_name"], "Operator");
    assert_eq!(
        sub["partner_of_record"]["legal_name"],
        "Advisor Partners KK"
    );
    assert_eq!(sub["auto_renew"], false, "a key pays one term");
    assert_eq!(r["delegated_admin"], true);
    let partners = json_of(app.get("/v1/partners", &a_t).await, 200).await;
    assert_eq!(partners["items"][0]["delegated_admin"], true);
    // Used once: the same key again, by anyone, is already used.
    let b = app.customer_admin("Customer B").await;
    let b_t = app.token_for(&b.email).await;
    assert_eq!(
        code(redeem(&app, &b_t, &b.org_id, &k[0], false).await).await,
        (409, "already_used".into())
    );
    assert_eq!(
        code(redeem(&app, &a_t, &a.org_id, &k[0], false).await).await,
        (409, "already_used".into())
    );
    // The advisor enters the second key for the customer it now administers.
    let r = json_of(redeem(&app, &at, &a.org_id, &k[1], false).await, 201).await;
    assert_eq!(r["subscription"]["customer"]["legal_name"], "Customer A");
    // A revoked key is refused as revoked.
    let third = items
        .iter()
        .find(|i| k[2].ends_with(i["last5"].as_str().unwrap()))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let rv = post(
        &app,
        &at,
        &format!("/v1/productkeys/{third}/revoke"),
        json!({}),
    )
    .await;
    assert_eq!(rv.status(), 204);
    assert_eq!(
        code(redeem(&app, &b_t, &b.org_id, &k[2], false).await).await,
        (409, "key_revoked".into())
    );
    // A key for an offer sold elsewhere than the customer's country: said so.
    let us = keys(
        &json_of(
            post(
                &app,
                &at,
                "/v1/productkeys",
                json!({"offer_id": w.us, "country": "US", "quantity": 1}),
            )
            .await,
            201,
        )
        .await,
    );
    assert_eq!(
        code(redeem(&app, &b_t, &b.org_id, &us[0], false).await).await,
        (422, "not_sold_in_country".into())
    );
    let mut spare = body.clone();
    spare["quantity"] = json!(1);
    let spare = keys(&json_of(post(&app, &at, "/v1/productkeys", spare).await, 201).await);
    // In the portal, the advisor reaches the key page from the customer it administers.
    let mut pc = crate::helpers::PortalClient::new(&app);
    pc.lang = "ja";
    pc.sign_in(&adv.email, TEST_PASSWORD).await;
    let record = pc
        .get(&format!("/customers/{}", a.org_id))
        .await
        .text()
        .await
        .unwrap();
    let href = format!("/productkeys?customer={}", a.org_id);
    assert!(record.contains(&href), "{record}");
    let html = pc.get(&href).await.text().await.unwrap();
    let csrf = crate::helpers::between(&html, "name=\"csrf\" value=\"", "\"");
    let r = pc
        .post(
            "/productkeys/check",
            &[
                ("csrf", &csrf),
                ("customer_id", &a.org_id),
                ("key", &spare[0]),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"key-facts\""), "{page}");
    assert!(
        !page.contains("id=\"key-dap\""),
        "no DAP offer to a partner"
    );
    let r = pc
        .post(
            "/productkeys/check",
            &[("csrf", &csrf), ("customer_id", &a.org_id), ("key", &k[0])],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("すでに使用されています"));
    let list = json_of(app.get("/v1/productkeys?state=redeemed", &at).await, 200).await;
    let redeemed = list["items"].as_array().unwrap();
    assert_eq!(redeemed.len(), 2);
    assert!(redeemed.iter().all(|i| i["redeemed_by"] == "Customer A"));
    let csv = app
        .get("/v1/productkeys/export", &at)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 3, "the two spare keys only: {csv}");
    assert!(!csv.contains(k[0].as_str()) && !csv.contains(k[2].as_str()));
    // Audit rows show the last five characters only; the POR was told.
    let audit = json_of(
        app.get("/v1/auditrecords?action=product_key.redeemed", &a_t)
            .await,
        200,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 2);
    let canonical: Vec<String> = k.iter().map(|x| x.replace('-', "")).collect();
    assert!(
        !canonical
            .iter()
            .any(|c| audit.to_string().contains(&c[..20])),
        "{audit}"
    );
    assert!(
        mails_to(&app, &adv.email)
            .await
            .iter()
            .any(|m| m.0 == "por-subscription-changed")
    );

    // Keys can be entered for the days their buyer chose; the clock moves last.
    let mut short = body.clone();
    short["quantity"] = json!(1);
    short["expires_in_days"] = json!(1);
    let late = keys(&json_of(post(&app, &at, "/v1/productkeys", short).await, 201).await);
    // A retired offer's key is refused as such.
    let r = crate::helpers::send(
        &app,
        reqwest::Method::PUT,
        &w.op,
        &format!("/v1/offers/{}/state", w.base),
        Some(json!({"state": "retired"})),
        &[],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        code(redeem(&app, &b_t, &b.org_id, &spare[0], false).await).await,
        (422, "offer_retired".into())
    );
    app.clock.advance(time::Duration::days(2));
    let b_t = app.token_for(&b.email).await;
    assert_eq!(
        code(redeem(&app, &b_t, &b.org_id, &late[0], false).await).await,
        (409, "key_expired".into())
    );
    let at = app.token_for(&adv.email).await;
    let list = json_of(app.get("/v1/productkeys?state=expired", &at).await, 200).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // An expired key is no longer listed as unused (the store filters on the clock).
    let list = json_of(app.get("/v1/productkeys?state=unused", &at).await, 200).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "{list}");
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["state"] == "unused")
    );
}

/// R-ADV-4: attempts are counted per customer (and per address) before the key is looked at.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_adv_4_key_attempts_are_throttled_per_customer() {
    let Some(app) = TestApp::builder(Backend::Sqlite)
        .app_config(|c| c.product_key_attempts_per_hour = 3)
        .spawn()
        .await
    else {
        return;
    };
    let a = app.customer_admin("Customer A").await;
    let a_t = app.token_for(&a.email).await;
    for _ in 0..3 {
        assert_eq!(
            code(
                redeem(
                    &app,
                    &a_t,
                    &a.org_id,
                    "BBBBB-BBBBB-BBBBB-BBBBB-BBBBB",
                    false
                )
                .await
            )
            .await,
            (422, "unknown_key".into())
        );
    }
    let r = redeem(
        &app,
        &a_t,
        &a.org_id,
        "BBBBB-BBBBB-BBBBB-BBBBB-BBBBB",
        false,
    )
    .await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(code(r).await.1, "too_many_key_attempts");
    // Other customers still may, until one address has made three attempts.
    let attempt = |t: String, org: String, ip: &'static str| {
        let app = &app;
        async move {
            app.http
                .post(app.url(&format!(
                    "/v1/customers/{org}/productkeyredemptions/preview"
                )))
                .bearer_auth(&t)
                .header("x-forwarded-for", ip)
                .json(&json!({"key": "BBBBB-BBBBB-BBBBB-BBBBB-BBBBB"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let mut others = vec![];
    for name in ["Customer B", "Customer C", "Customer D"] {
        let u = app.customer_admin(name).await;
        others.push((app.token_for(&u.email).await, u.org_id));
    }
    let [(b_t, b), (c_t, c), (d_t, d)]: [(String, String); 3] = others.try_into().unwrap();
    assert_eq!(attempt(b_t.clone(), b.clone(), "198.51.100.7").await, 422);
    assert_eq!(attempt(b_t, b, "198.51.100.8").await, 422);
    assert_eq!(attempt(c_t.clone(), c.clone(), "198.51.100.8").await, 422);
    assert_eq!(attempt(c_t, c, "198.51.100.8").await, 422);
    assert_eq!(
        attempt(d_t, d, "198.51.100.8").await,
        429,
        "the address's fourth attempt, the customer's first"
    );
}

/// R-ADV-4: two customers enter the same key at the same moment, on two nodes of one
/// PostgreSQL: exactly one subscription, the other `already_used`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r_adv_4_the_same_key_at_the_same_moment_sets_up_one_subscription() {
    let Some(app) = TestApp::builder(Backend::Postgres).spawn().await else {
        return;
    };
    let w = world(&app).await;
    let (_, at) = advisor(
        &app,
        &w.op,
        json!(["subscription_advisor", "delegated_admin"]),
    )
    .await;
    let peer = app.peer().await;
    let order = json_of(
        post(
            &app,
            &at,
            "/v1/productkeys",
            json!({"offer_id": w.base, "country": "JP", "quantity": 5}),
        )
        .await,
        201,
    )
    .await;
    let a = app.customer_admin("Customer A").await;
    let b = app.customer_admin("Customer B").await;
    let (a_t, b_t) = (app.token_for(&a.email).await, app.token_for(&b.email).await);
    let before = app.count("subscriptions").await;
    for (round, key) in keys(&order).iter().enumerate() {
        let fire = |url: String, t: String| {
            app.http
                .post(url)
                .bearer_auth(t)
                .json(&json!({"key": key}))
                .send()
        };
        let (x, y) = tokio::join!(
            fire(
                app.url(&format!("/v1/customers/{}/productkeyredemptions", a.org_id)),
                a_t.clone()
            ),
            fire(
                peer.url(&format!("/v1/customers/{}/productkeyredemptions", b.org_id)),
                b_t.clone()
            )
        );
        let (x, y) = (x.unwrap(), y.unwrap());
        let mut statuses = [x.status().as_u16(), y.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [201, 409], "round {round}");
        let loser = if x.status() == 409 { x } else { y };
        assert_eq!(code(loser).await.1, "already_used");
        assert_eq!(app.count("subscriptions").await, before + round as i64 + 1);
    }
}
