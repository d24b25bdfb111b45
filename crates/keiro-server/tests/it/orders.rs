//! The catalog, orders and subscriptions through the API (R-ORD-1…7, R-REL-1), on SQLite and
//! PostgreSQL, and one order fired at two server nodes on one PostgreSQL.

use crate::helpers::{json_of, problem};
use keiro_domain::{OrgKind, ProgramRole, Role};
use keiro_testkit::{Backend, TEST_PASSWORD, TestApp, TestUser, both_backends};
use serde_json::{Value, json};
use time::Duration;

both_backends!(
    r_ord_1_operator_keeps_the_catalog_partners_browse_by_country,
    r_ord_1_catalog_csv_import_upserts_and_reports_rows,
    r_ord_3_r_rel_1_orders_are_checked_against_the_offer_and_the_relationship,
    r_ord_3_r_rel_1_provider_attributes_to_a_partnered_related_reseller,
    r_ord_7_a_retried_order_buys_once,
    r_ord_4_r_ord_5_reseller_and_support_contact_set_later,
    r_ord_6_lifecycle_changes_are_guarded_recorded_and_audited,
    r_ord_6_terms_renew_or_expire_and_trials_convert_on_the_clock,
    r_ord_6_who_sees_what,
    r_ord_2_new_customer_for_a_reseller_in_one_transaction,
    r_ord_5_support_contact_works_on_its_subscriptions_service_requests,
);

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    tok: &str,
    path: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut rb = app.http.request(method, app.url(path)).bearer_auth(tok);
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    for (k, v) in headers {
        rb = rb.header(*k, *v);
    }
    rb.send().await.unwrap()
}

async fn post(app: &TestApp, tok: &str, path: &str, body: Value) -> reqwest::Response {
    send(app, reqwest::Method::POST, tok, path, Some(body), &[]).await
}

async fn put(app: &TestApp, tok: &str, path: &str, body: Value) -> reqwest::Response {
    send(app, reqwest::Method::PUT, tok, path, Some(body), &[]).await
}

fn offer(product: &str, sku: &str, extra: Value) -> Value {
    let mut v = json!({
        "product_id": product,
        "sku": sku,
        "name_en": format!("{sku} (monthly)"),
        "name_ja": format!("{sku} (月額)"),
        "billing_cycle": "monthly",
        "term_months": 1,
        "unit_price_minor": 1500,
        "currency": "JPY",
        "min_quantity": 1,
        "max_quantity": 300,
        "countries": ["JP"],
    });
    for (k, val) in extra.as_object().unwrap() {
        v[k] = val.clone();
    }
    v
}

/// The cast: operator staff with a catalog, a provider and a reseller (partnered, with partner
/// IDs), and a Japanese customer related to both.
pub(crate) struct World {
    pub(crate) op: String,
    pub(crate) provider: TestUser,
    pub(crate) pt: String,
    pub(crate) reseller: TestUser,
    pub(crate) rt: String,
    pub(crate) customer: TestUser,
    pub(crate) ct: String,
    pub(crate) product: String,
    /// Monthly, 1–300 licenses, JP.
    pub(crate) base: String,
    /// An add-on of `base`, 5–10 licenses.
    pub(crate) addon: String,
    /// Sold in the US only.
    pub(crate) us: String,
    /// Annual, 12-month term, with a 30-day trial.
    pub(crate) trial: String,
}

pub(crate) async fn world(app: &TestApp) -> World {
    let op = app
        .org_with_user(OrgKind::Operator, "Operator", &[Role::OperatorAdmin])
        .await;
    let op = app.token_for(&op.email).await;
    let product = json_of(
        post(
            app,
            &op,
            "/v1/products",
            json!({"code": "m365-bp", "name_en": "Business Premium", "name_ja": "ビジネス プレミアム"}),
        )
        .await,
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let id = |v: Value| {
        let op = op.clone();
        async move {
            json_of(post(app, &op, "/v1/offers", v).await, 201).await["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let base = id(offer(&product, "BASE-M", json!({}))).await;
    let addon = id(offer(
        &product,
        "ADDON-M",
        json!({"min_quantity": 5, "max_quantity": 10, "prerequisite_offer_id": base}),
    ))
    .await;
    let us = id(offer(&product, "US-ONLY", json!({"countries": ["US"]}))).await;
    let trial = id(offer(
        &product,
        "TRIAL-Y",
        json!({"billing_cycle": "annual", "term_months": 12, "trial_days": 30}),
    ))
    .await;
    let provider = app
        .partner(
            "Distri KK",
            &[ProgramRole::IndirectProvider],
            &[Role::GlobalAdmin],
        )
        .await;
    let reseller = app
        .partner(
            "Resell GK",
            &[ProgramRole::IndirectReseller],
            &[Role::GlobalAdmin],
        )
        .await;
    app.set_partner_id(&provider.org_id, "1000001").await;
    app.set_partner_id(&reseller.org_id, "2000001").await;
    app.partner_up(&provider.org_id, &reseller.org_id).await;
    let customer = app
        .org_with_user(OrgKind::Customer, "Contoso", &[Role::GlobalAdmin])
        .await;
    app.relate(&reseller.org_id, &customer.org_id).await;
    app.relate(&provider.org_id, &customer.org_id).await;
    World {
        pt: app.token_for(&provider.email).await,
        rt: app.token_for(&reseller.email).await,
        ct: app.token_for(&customer.email).await,
        op,
        provider,
        reseller,
        customer,
        product,
        base,
        addon,
        us,
        trial,
    }
}

async fn order(app: &TestApp, tok: &str, customer: &str, lines: Value) -> reqwest::Response {
    post(
        app,
        tok,
        &format!("/v1/customers/{customer}/orders"),
        json!({ "lines": lines }),
    )
    .await
}

/// Orders one line and returns the subscription.
async fn buy(app: &TestApp, tok: &str, customer: &str, line: Value) -> Value {
    json_of(order(app, tok, customer, json!([line])).await, 201).await["subscriptions"][0].clone()
}

async fn code(res: reqwest::Response) -> (u16, String) {
    let (s, b) = problem(res).await;
    (s, b["code"].as_str().unwrap_or_default().to_string())
}

async fn r_ord_1_operator_keeps_the_catalog_partners_browse_by_country(app: TestApp) {
    let w = world(&app).await;
    // Only operator staff keep the catalog; a provider cannot add offers, a customer cannot browse.
    assert_eq!(
        code(
            post(
                &app,
                &w.pt,
                "/v1/offers",
                offer(&w.product, "X-1", json!({}))
            )
            .await
        )
        .await,
        (403, "operator_only".into())
    );
    assert_eq!(code(app.get("/v1/offers", &w.ct).await).await.0, 403);
    // Bad terms are refused with the field's code; a taken SKU is a conflict.
    for (extra, want) in [
        (
            json!({"term_months": 18, "billing_cycle": "annual"}),
            "invalid_term",
        ),
        (
            json!({"min_quantity": 10, "max_quantity": 5}),
            "invalid_quantity_bounds",
        ),
        (json!({"countries": ["Japan"]}), "invalid_country"),
        (json!({"currency": "YE1"}), "invalid_currency"),
        (
            json!({"prerequisite_offer_id": "00000000-0000-7000-8000-000000000000"}),
            "unknown_prerequisite",
        ),
        (json!({"product_id": "nope"}), "unknown_product"),
    ] {
        assert_eq!(
            code(
                post(
                    &app,
                    &w.op,
                    "/v1/offers",
                    offer(&w.product, "NEW-1", extra.clone())
                )
                .await
            )
            .await,
            (422, want.to_string()),
            "{extra}"
        );
    }
    assert_eq!(
        code(
            post(
                &app,
                &w.op,
                "/v1/offers",
                offer(&w.product, "base-m", json!({}))
            )
            .await
        )
        .await,
        (409, "duplicate".into())
    );
    assert_eq!(app.count("offers").await, 4);

    // A partner browses the offers sold in its customer's country, and searches them.
    let jp = json_of(
        app.get(&format!("/v1/offers?customer={}", w.customer.org_id), &w.rt)
            .await,
        200,
    )
    .await;
    let skus: Vec<&str> = jp["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["BASE-M", "ADDON-M", "TRIAL-Y"]);
    assert_eq!(jp["items"][0]["product_name_ja"], "ビジネス プレミアム");
    assert_eq!(jp["items"][1]["prerequisite_offer_id"], w.base.as_str());
    let us = json_of(app.get("/v1/offers?country=us", &w.rt).await, 200).await;
    assert_eq!(us["items"].as_array().unwrap().len(), 1);
    assert_eq!(us["items"][0]["id"], w.us.as_str());
    let found = json_of(app.get("/v1/offers?q=trial", &w.rt).await, 200).await;
    assert_eq!(found["items"][0]["trial_days"], 30);
    // Another partner's customer is not one of mine.
    let stranger = app
        .partner(
            "Stranger",
            &[ProgramRole::IndirectReseller],
            &[Role::GlobalAdmin],
        )
        .await;
    let st = app.token_for(&stranger.email).await;
    assert_eq!(
        app.get(&format!("/v1/offers?customer={}", w.customer.org_id), &st)
            .await
            .status(),
        404
    );

    // Retire with If-Match: partners stop seeing it, the operator still does; a stale ETag is 412.
    let res = app.get(&format!("/v1/offers/{}", w.us), &w.op).await;
    let tag = res.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(tag, "\"f1\"");
    let res = send(
        &app,
        reqwest::Method::PUT,
        &w.op,
        &format!("/v1/offers/{}/state", w.us),
        Some(json!({"state": "retired"})),
        &[("if-match", &tag)],
    )
    .await;
    assert_eq!(json_of(res, 200).await["state"], "retired");
    let res = send(
        &app,
        reqwest::Method::PUT,
        &w.op,
        &format!("/v1/offers/{}/state", w.us),
        Some(json!({"state": "available"})),
        &[("if-match", &tag)],
    )
    .await;
    assert_eq!(res.status(), 412);
    assert_eq!(
        app.get(&format!("/v1/offers/{}", w.us), &w.rt)
            .await
            .status(),
        404
    );
    assert_eq!(
        json_of(app.get("/v1/offers?country=US", &w.rt).await, 200).await["items"],
        json!([])
    );
    assert_eq!(
        json_of(app.get("/v1/offers?state=retired", &w.op).await, 200).await["items"][0]["id"],
        w.us.as_str()
    );
    // Editing keeps the SKU and replaces the terms.
    let edited = json_of(
        put(
            &app,
            &w.op,
            &format!("/v1/offers/{}", w.base),
            offer(
                &w.product,
                "BASE-M",
                json!({"max_quantity": 50, "countries": ["JP", "KR"]}),
            ),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (edited["max_quantity"].clone(), edited["countries"].clone()),
        (json!(50), json!(["JP", "KR"]))
    );
    assert_eq!(
        code(
            put(
                &app,
                &w.op,
                &format!("/v1/offers/{}", w.base),
                offer(&w.product, "OTHER", json!({}))
            )
            .await
        )
        .await,
        (422, "sku_immutable".into())
    );
    assert_eq!(
        json_of(app.get("/v1/products?q=premium", &w.rt).await, 200).await["items"][0]["code"],
        "M365-BP"
    );
}

async fn r_ord_1_catalog_csv_import_upserts_and_reports_rows(app: TestApp) {
    let w = world(&app).await;
    let csv = "product_code,product_name_en,product_name_ja,sku,name_en,name_ja,billing_cycle,term_months,unit_price_minor,currency,min_quantity,max_quantity,trial_days,prerequisite_sku,countries,state\n\
        TEAMS,Teams,チームズ,TEAMS-M,Teams monthly,チームズ 月額,monthly,1,400,JPY,1,500,,,JP;US,\n\
        TEAMS,Teams,チームズ,TEAMS-ADDON,Teams audio,チームズ 音声,monthly,1,200,JPY,,,,teams-m,JP,\n\
        TEAMS,Teams,チームズ,TEAMS-BAD,Bad,悪い,weekly,1,200,JPY,,,,,JP,\n\
        TEAMS,Teams,チームズ,TEAMS-M,Again,再び,monthly,1,400,JPY,,,,,JP,\n";
    let import = |body: &'static str| {
        let op = w.op.clone();
        let app = &app;
        async move {
            json_of(
                app.http
                    .post(app.url("/v1/offers/import"))
                    .bearer_auth(op)
                    .header("content-type", "text/csv")
                    .body(body)
                    .send()
                    .await
                    .unwrap(),
                200,
            )
            .await
        }
    };
    let rep = import(csv).await;
    assert_eq!(
        (
            rep["rows"].clone(),
            rep["products_created"].clone(),
            rep["offers_created"].clone()
        ),
        (json!(4), json!(1), json!(2))
    );
    let errors: Vec<(i64, &str)> = rep["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        [(4, "invalid_billing_cycle"), (5, "duplicate_sku_in_file")]
    );
    // The add-on's prerequisite was named by SKU.
    let list = json_of(app.get("/v1/offers?q=teams-addon", &w.op).await, 200).await;
    let teams = json_of(app.get("/v1/offers?q=teams-m", &w.op).await, 200).await;
    assert_eq!(
        list["items"][0]["prerequisite_offer_id"],
        teams["items"][0]["id"]
    );
    assert_eq!(teams["items"][0]["countries"], json!(["JP", "US"]));
    // Importing again updates by SKU and creates nothing twice.
    let rep = import(csv).await;
    assert_eq!(
        (
            rep["offers_created"].clone(),
            rep["offers_updated"].clone(),
            rep["products_created"].clone()
        ),
        (json!(0), json!(2), json!(0))
    );
    assert_eq!(app.count("offers").await, 6);
    // Only operator staff import; a missing column is one clear error.
    let res = app
        .http
        .post(app.url("/v1/offers/import"))
        .bearer_auth(&w.pt)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(code(res).await, (403, "operator_only".into()));
    let res = app
        .http
        .post(app.url("/v1/offers/import"))
        .bearer_auth(&w.op)
        .header("content-type", "text/csv")
        .body("sku,name_en\nA,B\n")
        .send()
        .await
        .unwrap();
    assert_eq!(code(res).await, (422, "missing_column".into()));
}

async fn r_ord_3_r_rel_1_orders_are_checked_against_the_offer_and_the_relationship(app: TestApp) {
    let w = world(&app).await;
    let cu = &w.customer.org_id;
    // Each refusal names its rule and writes nothing.
    for (lines, want) in [
        (
            json!([{"offer_id": w.base, "quantity": 0}]),
            "quantity_out_of_bounds",
        ),
        (
            json!([{"offer_id": w.base, "quantity": 301}]),
            "quantity_out_of_bounds",
        ),
        (
            json!([{"offer_id": w.us, "quantity": 1}]),
            "not_sold_in_country",
        ),
        (
            json!([{"offer_id": w.addon, "quantity": 5}]),
            "prerequisite_missing",
        ),
        (
            json!([{"offer_id": w.base, "quantity": 1, "trial": true}]),
            "no_trial",
        ),
        (
            json!([{"offer_id": "nope", "quantity": 1}]),
            "unknown_offer",
        ),
        (json!([]), "invalid_lines"),
        (
            json!([{"offer_id": w.base, "quantity": 2}, {"offer_id": w.addon, "quantity": 11}]),
            "quantity_out_of_bounds",
        ),
    ] {
        assert_eq!(
            code(order(&app, &w.rt, cu, lines.clone()).await).await,
            (422, want.to_string()),
            "{lines}"
        );
    }
    assert_eq!(app.count("subscriptions").await, 0);
    assert_eq!(app.count("orders").await, 0);

    // An add-on ordered with its prerequisite in one order is fine.
    let o = json_of(
        order(
            &app,
            &w.rt,
            cu,
            json!([{"offer_id": w.base, "quantity": 10}, {"offer_id": w.addon, "quantity": 5}]),
        )
        .await,
        201,
    )
    .await;
    let subs = o["subscriptions"].as_array().unwrap();
    assert_eq!(subs.len(), 2);
    assert_eq!(subs[0]["seller"]["id"], w.reseller.org_id.as_str());
    assert_eq!(subs[0]["state"], "active");
    assert_eq!(subs[0]["auto_renew"], true);
    assert_eq!(subs[0]["customer"]["legal_name"], "Contoso");
    // Later, the add-on alone: the prerequisite is held.
    buy(&app, &w.rt, cu, json!({"offer_id": w.addon, "quantity": 6})).await;
    // A retired offer is no longer sold.
    let res = send(
        &app,
        reqwest::Method::PUT,
        &w.op,
        &format!("/v1/offers/{}/state", w.base),
        Some(json!({"state": "retired"})),
        &[],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        code(
            order(
                &app,
                &w.rt,
                cu,
                json!([{"offer_id": w.base, "quantity": 1}])
            )
            .await
        )
        .await,
        (422, "offer_unavailable".into())
    );

    // R-REL-1: without a reseller relationship the customer does not exist for a partner; a
    // removed relationship ends ordering; customers and sales-less roles cannot order.
    let stranger = app
        .partner(
            "Stranger",
            &[ProgramRole::IndirectReseller],
            &[Role::GlobalAdmin],
        )
        .await;
    let st = app.token_for(&stranger.email).await;
    assert_eq!(
        code(order(&app, &st, cu, json!([{"offer_id": w.addon, "quantity": 5}])).await).await,
        (404, "not_found".into())
    );
    assert_eq!(
        code(
            order(
                &app,
                &w.ct,
                cu,
                json!([{"offer_id": w.addon, "quantity": 5}])
            )
            .await
        )
        .await
        .0,
        403
    );
    let (helpdesk, _) = app
        .add_user(
            &w.reseller.org_id,
            "helpdesk@resell.example",
            &[Role::HelpdeskAgent],
            Some(TEST_PASSWORD),
        )
        .await;
    let ht = app.token_for(&helpdesk.email).await;
    assert_eq!(
        code(order(&app, &ht, cu, json!([{"offer_id": w.addon, "quantity": 5}])).await).await,
        (403, "role_required".into())
    );
    let res = post(
        &app,
        &w.rt,
        &format!("/v1/customers/{cu}/remove"),
        json!({"attest": true}),
    )
    .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(
        code(
            order(
                &app,
                &w.rt,
                cu,
                json!([{"offer_id": w.addon, "quantity": 5}])
            )
            .await
        )
        .await,
        (404, "not_found".into())
    );
    assert_eq!(app.count("subscriptions").await, 3);
}

async fn r_ord_3_r_rel_1_provider_attributes_to_a_partnered_related_reseller(app: TestApp) {
    let w = world(&app).await;
    let cu = &w.customer.org_id;
    let line = |pid: &str| json!([{"offer_id": w.base, "quantity": 3, "reseller_partner_id": pid}]);
    // Not a partnered reseller: refused.
    let other = app
        .partner(
            "Other Resell",
            &[ProgramRole::IndirectReseller],
            &[Role::GlobalAdmin],
        )
        .await;
    app.set_partner_id(&other.org_id, "3000001").await;
    assert_eq!(
        code(order(&app, &w.pt, cu, line("3000001")).await).await,
        (422, "not_a_partnered_reseller".into())
    );
    assert_eq!(
        code(order(&app, &w.pt, cu, line("9999999")).await).await,
        (422, "not_a_partnered_reseller".into())
    );
    // Partnered, but with no relationship to this customer: the provider needs both (R-REL-1).
    app.partner_up(&w.provider.org_id, &other.org_id).await;
    assert_eq!(
        code(order(&app, &w.pt, cu, line("3000001")).await).await,
        (422, "reseller_not_related".into())
    );
    // A reseller cannot attribute to anyone (it has no indirect resellers).
    assert_eq!(
        code(order(&app, &w.rt, cu, line("1000001")).await).await,
        (422, "not_a_partnered_reseller".into())
    );
    assert_eq!(app.count("subscriptions").await, 0);
    // The partnered, related reseller: the subscription is the provider's sale, attributed.
    let o = json_of(order(&app, &w.pt, cu, line("2000001")).await, 201).await;
    let s = &o["subscriptions"][0];
    assert_eq!(s["seller"]["id"], w.provider.org_id.as_str());
    assert_eq!(s["reseller"]["partner_id"], "2000001");
    // The reseller sees it among its customer's subscriptions and may change it.
    let listed = json_of(
        app.get(&format!("/v1/customers/{cu}/subscriptions"), &w.rt)
            .await,
        200,
    )
    .await;
    assert_eq!(listed["items"][0]["id"], s["id"]);
    let id = s["id"].as_str().unwrap();
    let res = put(
        &app,
        &w.rt,
        &format!("/v1/subscriptions/{id}/quantity"),
        json!({"quantity": 4}),
    )
    .await;
    assert_eq!(json_of(res, 200).await["quantity"], 4);
}

async fn r_ord_7_a_retried_order_buys_once(app: TestApp) {
    let w = world(&app).await;
    let path = format!("/v1/customers/{}/orders", w.customer.org_id);
    let body = json!({"lines": [{"offer_id": w.base, "quantity": 7}]});
    let go = |key: &'static str, body: Value| {
        let (app, rt, path) = (&app, &w.rt, &path);
        async move {
            send(
                app,
                reqwest::Method::POST,
                rt,
                path,
                Some(body),
                &[("idempotency-key", key)],
            )
            .await
        }
    };
    let first = go("order-1", body.clone()).await;
    assert_eq!(first.status(), 201);
    let first = first.json::<Value>().await.unwrap();
    let again = go("order-1", body.clone()).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    assert_eq!(app.count("subscriptions").await, 1);
    // The same key with another body is refused; another key buys again.
    assert_eq!(
        code(
            go(
                "order-1",
                json!({"lines": [{"offer_id": w.base, "quantity": 8}]})
            )
            .await
        )
        .await,
        (422, "idempotency_key_reused".into())
    );
    assert_eq!(go("order-2", body.clone()).await.status(), 201);
    assert_eq!(app.count("subscriptions").await, 2);
    // Changes too: a retried quantity change applies once (one history entry).
    let id = first["subscriptions"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let qpath = format!("/v1/subscriptions/{id}/quantity");
    for _ in 0..2 {
        let r = send(
            &app,
            reqwest::Method::PUT,
            &w.rt,
            &qpath,
            Some(json!({"quantity": 9})),
            &[("idempotency-key", "q-1"), ("if-match", "\"b1\"")],
        )
        .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["etag"], "\"b2\"");
    }
    let h = json_of(
        app.get(&format!("/v1/subscriptions/{id}/history"), &w.rt)
            .await,
        200,
    )
    .await;
    assert_eq!(h["items"].as_array().unwrap().len(), 2, "{h}");
    // Concurrent first requests with one key: one subscription.
    let (a, b) = tokio::join!(go("order-3", body.clone()), go("order-3", body.clone()));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 201]);
    assert_eq!(app.count("subscriptions").await, 3);
}

async fn r_ord_4_r_ord_5_reseller_and_support_contact_set_later(app: TestApp) {
    let w = world(&app).await;
    let s = buy(
        &app,
        &w.pt,
        &w.customer.org_id,
        json!({"offer_id": w.base, "quantity": 2}),
    )
    .await;
    let id = s["id"].as_str().unwrap();
    assert_eq!(s["reseller"], Value::Null);
    // The reseller does not see the provider's unattributed sale.
    assert_eq!(
        app.get(&format!("/v1/subscriptions/{id}"), &w.rt)
            .await
            .status(),
        404
    );
    // Set the reseller later by partner ID; it must be a partnered reseller (R-ORD-4).
    assert_eq!(
        code(
            put(
                &app,
                &w.pt,
                &format!("/v1/subscriptions/{id}/reseller"),
                json!({"partner_id": "7777777"})
            )
            .await
        )
        .await,
        (422, "not_a_partnered_reseller".into())
    );
    let v = json_of(
        put(
            &app,
            &w.pt,
            &format!("/v1/subscriptions/{id}/reseller"),
            json!({"partner_id": "2000001"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(v["reseller"]["id"], w.reseller.org_id.as_str());
    assert_eq!(
        code(
            put(
                &app,
                &w.pt,
                &format!("/v1/subscriptions/{id}/reseller"),
                json!({"partner_id": "2000001"})
            )
            .await
        )
        .await,
        (409, "unchanged".into())
    );
    assert_eq!(
        app.get(&format!("/v1/subscriptions/{id}"), &w.rt)
            .await
            .status(),
        200
    );
    // Only the seller names the reseller or the support contact.
    assert_eq!(
        code(
            put(
                &app,
                &w.rt,
                &format!("/v1/subscriptions/{id}/reseller"),
                json!({"partner_id": null})
            )
            .await
        )
        .await,
        (403, "seller_only".into())
    );
    // Support contact: another partnered reseller, which then sees the subscription but
    // cannot change it (R-ORD-5).
    let support = app
        .partner(
            "Support GK",
            &[ProgramRole::IndirectReseller],
            &[Role::GlobalAdmin],
        )
        .await;
    app.set_partner_id(&support.org_id, "4000001").await;
    let sup = app.token_for(&support.email).await;
    assert_eq!(
        code(
            put(
                &app,
                &w.pt,
                &format!("/v1/subscriptions/{id}/supportcontact"),
                json!({"partner_id": "4000001"})
            )
            .await
        )
        .await,
        (422, "not_a_partnered_reseller".into())
    );
    app.partner_up(&w.provider.org_id, &support.org_id).await;
    // Named only while it has its own relationship with the customer (R-REL-1).
    app.relate(&support.org_id, &w.customer.org_id).await;
    let v = json_of(
        put(
            &app,
            &w.pt,
            &format!("/v1/subscriptions/{id}/supportcontact"),
            json!({"partner_id": "4000001"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(v["support_contact"]["legal_name"], "Support GK");
    let seen = json_of(app.get("/v1/subscriptions", &sup).await, 200).await;
    assert_eq!(seen["items"][0]["id"], id);
    assert_eq!(
        code(
            put(
                &app,
                &sup,
                &format!("/v1/subscriptions/{id}/quantity"),
                json!({"quantity": 3})
            )
            .await
        )
        .await,
        (403, "support_contact_only".into())
    );
    // Back to the seller itself; the support reseller no longer sees it.
    json_of(
        put(
            &app,
            &w.pt,
            &format!("/v1/subscriptions/{id}/supportcontact"),
            json!({"partner_id": null}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        app.get(&format!("/v1/subscriptions/{id}"), &sup)
            .await
            .status(),
        404
    );
    let h = json_of(
        app.get(&format!("/v1/subscriptions/{id}/history"), &w.ct)
            .await,
        200,
    )
    .await;
    let changes: Vec<&str> = h["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["change"].as_str().unwrap())
        .collect();
    assert_eq!(
        changes,
        [
            "created",
            "reseller_changed",
            "support_contact_changed",
            "support_contact_changed"
        ]
    );
}

async fn r_ord_6_lifecycle_changes_are_guarded_recorded_and_audited(app: TestApp) {
    let w = world(&app).await;
    let base = buy(
        &app,
        &w.rt,
        &w.customer.org_id,
        json!({"offer_id": w.base, "quantity": 5}),
    )
    .await;
    let id = base["id"].as_str().unwrap().to_string();
    let at = |v: i64| format!("\"b{v}\"");
    let change = |method: reqwest::Method, what: &str, body: Option<Value>, version: i64| {
        let path = format!("/v1/subscriptions/{id}/{what}");
        let tag = at(version);
        let (app, rt) = (&app, w.rt.clone());
        async move { send(app, method, &rt, &path, body, &[("if-match", &tag)]).await }
    };
    use reqwest::Method as M;
    // Quantity within the offer's bounds, with If-Match.
    assert_eq!(
        code(change(M::PUT, "quantity", Some(json!({"quantity": 301})), 1).await).await,
        (422, "quantity_out_of_bounds".into())
    );
    assert_eq!(
        code(change(M::PUT, "quantity", Some(json!({"quantity": 5})), 1).await).await,
        (409, "unchanged".into())
    );
    let v = json_of(
        change(M::PUT, "quantity", Some(json!({"quantity": 25})), 1).await,
        200,
    )
    .await;
    assert_eq!(v["quantity"], 25);
    assert_eq!(
        change(M::PUT, "quantity", Some(json!({"quantity": 26})), 1)
            .await
            .status(),
        412,
        "a stale ETag changes nothing"
    );
    // Suspended for two reasons at once; active again when both are lifted.
    json_of(
        change(M::POST, "suspend", Some(json!({"reason": "billing"})), 2).await,
        200,
    )
    .await;
    let v = json_of(
        change(M::POST, "suspend", Some(json!({"reason": "fraud"})), 3).await,
        200,
    )
    .await;
    assert_eq!(v["state"], "suspended");
    assert_eq!(v["suspension_reasons"], json!(["billing", "fraud"]));
    assert_eq!(
        code(change(M::POST, "suspend", Some(json!({"reason": "fraud"})), 4).await).await,
        (409, "already_suspended_for_reason".into())
    );
    assert_eq!(
        code(change(M::PUT, "quantity", Some(json!({"quantity": 30})), 4).await).await,
        (409, "subscription_not_active".into())
    );
    let v = json_of(
        change(M::POST, "resume", Some(json!({"reason": "billing"})), 4).await,
        200,
    )
    .await;
    assert_eq!(
        (v["state"].clone(), v["suspension_reasons"].clone()),
        (json!("suspended"), json!(["fraud"]))
    );
    let v = json_of(
        change(M::POST, "resume", Some(json!({"reason": "fraud"})), 5).await,
        200,
    )
    .await;
    assert_eq!(v["state"], "active");
    // Auto-renew off, then cancelled: final.
    let v = json_of(
        change(M::PUT, "autorenew", Some(json!({"auto_renew": false})), 6).await,
        200,
    )
    .await;
    assert_eq!(v["auto_renew"], false);
    let v = json_of(change(M::POST, "cancel", None, 7).await, 200).await;
    assert_eq!(v["state"], "cancelled");
    assert!(v["ended_at"].is_string());
    for (m, what, body) in [
        (M::POST, "cancel", None),
        (M::POST, "suspend", Some(json!({"reason": "billing"}))),
        (M::PUT, "autorenew", Some(json!({"auto_renew": true}))),
    ] {
        assert_eq!(
            code(change(m, what, body, 8).await).await,
            (409, "subscription_final".into()),
            "{what}"
        );
    }
    // Every change: a history entry naming who, an audit row, an event for each party.
    let h = json_of(
        app.get(&format!("/v1/subscriptions/{id}/history"), &w.ct)
            .await,
        200,
    )
    .await;
    let items = h["items"].as_array().unwrap();
    let changes: Vec<&str> = items
        .iter()
        .map(|e| e["change"].as_str().unwrap())
        .collect();
    assert_eq!(
        changes,
        [
            "created",
            "quantity_changed",
            "suspended",
            "suspended",
            "suspension_lifted",
            "reactivated",
            "auto_renew_changed",
            "cancelled"
        ]
    );
    assert_eq!(items[1]["actor_user_id"], w.reseller.id.as_str());
    assert_eq!(items[1]["details"], json!({"from": 5, "to": 25}));
    let audit = json_of(
        app.get("/v1/auditrecords?action=subscription.cancelled", &w.ct)
            .await,
        200,
    )
    .await;
    assert_eq!(audit["items"][0]["target_id"], id.as_str());
    let events = keiro_store::repo::outbox::list(app.app.db.reader(), Some("held"), None, 500)
        .await
        .unwrap()
        .items;
    let cancelled: Vec<_> = events
        .iter()
        .filter(|e| e.template == "subscription.cancelled")
        .map(|e| e.recipient.clone())
        .collect();
    assert_eq!(cancelled.len(), 2, "customer and seller");
    assert!(cancelled.contains(&w.customer.org_id));
}

async fn r_ord_6_terms_renew_or_expire_and_trials_convert_on_the_clock(app: TestApp) {
    let w = world(&app).await;
    let cu = &w.customer.org_id;
    let renewing = buy(&app, &w.rt, cu, json!({"offer_id": w.base, "quantity": 1})).await;
    let lapsing = buy(&app, &w.rt, cu, json!({"offer_id": w.base, "quantity": 1})).await;
    let trial_kept = buy(
        &app,
        &w.rt,
        cu,
        json!({"offer_id": w.trial, "quantity": 1, "trial": true}),
    )
    .await;
    let trial_dropped = buy(
        &app,
        &w.rt,
        cu,
        json!({"offer_id": w.trial, "quantity": 1, "trial": true}),
    )
    .await;
    assert_eq!(trial_kept["trial"], true);
    assert_eq!(
        trial_kept["auto_renew"], false,
        "a trial ends unless converted"
    );
    let term = |v: &Value, k: &str| {
        time::OffsetDateTime::parse(
            v[k].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
    };
    assert_eq!(
        term(&trial_kept, "term_ends_at") - term(&trial_kept, "term_started_at"),
        Duration::days(30)
    );
    let id = |v: &Value| v["id"].as_str().unwrap().to_string();
    put(
        &app,
        &w.rt,
        &format!("/v1/subscriptions/{}/autorenew", id(&lapsing)),
        json!({"auto_renew": false}),
    )
    .await;
    put(
        &app,
        &w.rt,
        &format!("/v1/subscriptions/{}/autorenew", id(&trial_kept)),
        json!({"auto_renew": true}),
    )
    .await;

    // Nothing is due yet.
    assert_eq!(
        keiro_app::subscriptions::tick(&app.app).await.unwrap(),
        keiro_app::subscriptions::TickReport::default()
    );
    // 32 days on: the monthly term has ended and so have the trials.
    app.clock.advance(Duration::days(32));
    let r = keiro_app::subscriptions::tick(&app.app).await.unwrap();
    assert_eq!((r.renewed, r.converted, r.expired), (1, 1, 2));
    // (API tokens last 30 days: fresh ones for the rest)
    let ct = app.token_for(&w.customer.email).await;
    let rt = app.token_for(&w.reseller.email).await;
    // A second pass changes nothing.
    assert_eq!(
        keiro_app::subscriptions::tick(&app.app).await.unwrap(),
        keiro_app::subscriptions::TickReport::default()
    );
    let get = |i: String| {
        let (app, ct) = (&app, ct.clone());
        async move { json_of(app.get(&format!("/v1/subscriptions/{i}"), &ct).await, 200).await }
    };
    let v = get(id(&renewing)).await;
    assert_eq!(v["state"], "active");
    assert_eq!(term(&v, "term_started_at"), term(&renewing, "term_ends_at"));
    assert!(term(&v, "term_ends_at") > app.app.now());
    let v = get(id(&lapsing)).await;
    assert_eq!(v["state"], "expired");
    assert_eq!(v["ended_at"], lapsing["term_ends_at"]);
    let v = get(id(&trial_kept)).await;
    assert_eq!(
        (v["state"].clone(), v["trial"].clone()),
        (json!("active"), json!(false))
    );
    assert_eq!(
        term(&v, "term_started_at"),
        term(&trial_kept, "term_ends_at")
    );
    assert_eq!(
        term(&v, "term_ends_at"),
        keiro_domain::subscription::add_months(term(&trial_kept, "term_ends_at"), 12)
    );
    assert_eq!(get(id(&trial_dropped)).await["state"], "expired");
    // The scheduler's changes are in the history, by nobody.
    let h = json_of(
        app.get(&format!("/v1/subscriptions/{}/history", id(&renewing)), &rt)
            .await,
        200,
    )
    .await;
    let last = h["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["change"].clone(), last["actor_user_id"].clone()),
        (json!("renewed"), Value::Null)
    );
    // A trial converts by hand too; a paid subscription does not.
    let t = buy(
        &app,
        &rt,
        cu,
        json!({"offer_id": w.trial, "quantity": 1, "trial": true}),
    )
    .await;
    let v = json_of(
        post(
            &app,
            &rt,
            &format!("/v1/subscriptions/{}/convert", id(&t)),
            json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(v["trial"], false);
    assert_eq!(
        code(
            post(
                &app,
                &rt,
                &format!("/v1/subscriptions/{}/convert", id(&t)),
                json!({})
            )
            .await
        )
        .await,
        (409, "not_a_trial".into())
    );
}

async fn r_ord_6_who_sees_what(app: TestApp) {
    let w = world(&app).await;
    let cu = &w.customer.org_id;
    let by_reseller = buy(&app, &w.rt, cu, json!({"offer_id": w.base, "quantity": 1})).await;
    let by_provider = buy(&app, &w.pt, cu, json!({"offer_id": w.base, "quantity": 2})).await;
    let ids = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect()
    };
    let both = vec![
        by_reseller["id"].as_str().unwrap().to_string(),
        by_provider["id"].as_str().unwrap().to_string(),
    ];
    // The customer's admins see every subscription, and who sells and supports each.
    let mine = json_of(app.get("/v1/subscriptions", &w.ct).await, 200).await;
    assert_eq!(ids(mine.clone()), both);
    assert_eq!(mine["items"][1]["seller"]["legal_name"], "Distri KK");
    assert_eq!(
        ids(json_of(
            app.get(&format!("/v1/customers/{cu}/subscriptions"), &w.ct)
                .await,
            200
        )
        .await),
        both
    );
    // A customer user without an admin role sees none; another customer gets 404.
    let (plain, _) = app
        .add_user(
            cu,
            "user@contoso.example",
            &[Role::User],
            Some(TEST_PASSWORD),
        )
        .await;
    let ut = app.token_for(&plain.email).await;
    assert_eq!(app.get("/v1/subscriptions", &ut).await.status(), 403);
    let other = app
        .org_with_user(OrgKind::Customer, "Fabrikam", &[Role::GlobalAdmin])
        .await;
    let ot = app.token_for(&other.email).await;
    assert_eq!(
        json_of(app.get("/v1/subscriptions", &ot).await, 200).await["items"],
        json!([])
    );
    assert_eq!(
        app.get(&format!("/v1/subscriptions/{}", both[0]), &ot)
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get(&format!("/v1/customers/{cu}/subscriptions"), &ot)
            .await
            .status(),
        404
    );
    // Each partner sees what it sold (the provider's sale is not attributed to the reseller).
    assert_eq!(
        ids(json_of(app.get("/v1/subscriptions", &w.rt).await, 200).await),
        both[..1]
    );
    assert_eq!(
        ids(json_of(app.get("/v1/subscriptions", &w.pt).await, 200).await),
        both[1..]
    );
    // A partner with a relationship to the customer but no part in a subscription sees none,
    // and a stranger gets 404.
    let third = app
        .partner(
            "Third KK",
            &[ProgramRole::IndirectReseller],
            &[Role::GlobalAdmin],
        )
        .await;
    app.relate(&third.org_id, cu).await;
    let tt = app.token_for(&third.email).await;
    assert_eq!(
        json_of(
            app.get(&format!("/v1/customers/{cu}/subscriptions"), &tt)
                .await,
            200
        )
        .await["items"],
        json!([])
    );
    for path in [
        format!("/v1/subscriptions/{}", both[0]),
        format!("/v1/subscriptions/{}/history", both[0]),
    ] {
        assert_eq!(app.get(&path, &tt).await.status(), 404, "{path}");
    }
    assert_eq!(
        put(
            &app,
            &tt,
            &format!("/v1/subscriptions/{}/quantity", both[0]),
            json!({"quantity": 2})
        )
        .await
        .status(),
        404
    );
    // The operator's staff hold no subscriptions.
    assert_eq!(app.get("/v1/subscriptions", &w.op).await.status(), 403);
}

async fn r_ord_2_new_customer_for_a_reseller_in_one_transaction(app: TestApp) {
    let w = world(&app).await;
    let path = format!("/v1/indirectresellers/{}/customers", w.reseller.org_id);
    let body = |email: &str, lines: Value| {
        json!({
            "legal_name": "Northwind Foods",
            "primary_domain": "northwind.example",
            "address_line1": "2-2 Umeda",
            "city": "Osaka",
            "postal_code": "530-0001",
            "country": "JP",
            "phone": "+81 6 0000 0000",
            "contact_email": "it@northwind.example",
            "admin_full_name": "北風 太郎",
            "admin_email": email,
            "lines": lines,
        })
    };
    let (orgs, users) = (app.count("organizations").await, app.count("users").await);
    // A bad line (or anything else refused) leaves nothing behind.
    assert_eq!(
        code(
            post(
                &app,
                &w.pt,
                &path,
                body(
                    "admin@northwind.example",
                    json!([{"offer_id": w.us, "quantity": 1}])
                )
            )
            .await
        )
        .await,
        (422, "not_sold_in_country".into())
    );
    assert_eq!(
        code(
            post(
                &app,
                &w.pt,
                &path,
                body(
                    &w.customer.email,
                    json!([{"offer_id": w.base, "quantity": 1}])
                )
            )
            .await
        )
        .await,
        (409, "email_taken".into())
    );
    // Only for a partnered reseller, and only a provider's sales roles.
    let stranger = app
        .partner(
            "Stranger",
            &[ProgramRole::IndirectReseller],
            &[Role::GlobalAdmin],
        )
        .await;
    assert_eq!(
        code(
            post(
                &app,
                &w.pt,
                &format!("/v1/indirectresellers/{}/customers", stranger.org_id),
                body(
                    "a@northwind.example",
                    json!([{"offer_id": w.base, "quantity": 1}])
                )
            )
            .await
        )
        .await
        .0,
        404
    );
    // (the stranger is the only organization and user added)
    assert_eq!(app.count("organizations").await, orgs + 1);
    assert_eq!(app.count("users").await, users + 1);
    assert_eq!(app.count("customer_relationships").await, 2);
    assert_eq!(app.count("subscriptions").await, 0);

    let res = send(
        &app,
        reqwest::Method::POST,
        &w.pt,
        &path,
        Some(body(
            "admin@northwind.example",
            json!([{"offer_id": w.base, "quantity": 20}, {"offer_id": w.addon, "quantity": 5}]),
        )),
        &[("idempotency-key", "nw-1")],
    )
    .await;
    assert_eq!(res.headers()["cache-control"], "no-store");
    let v = json_of(res, 201).await;
    let customer = v["customer_id"].as_str().unwrap().to_string();
    let temp = v["temporary_password"].as_str().unwrap().to_string();
    assert_eq!(v["admin_email"], "admin@northwind.example");
    assert_eq!(v["order"]["subscriptions"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["order"]["subscriptions"][0]["reseller"]["id"],
        w.reseller.org_id.as_str()
    );
    assert_eq!(
        v["order"]["subscriptions"][0]["seller"]["id"],
        w.provider.org_id.as_str()
    );
    // A retry shows the same customer and never the password again.
    let again = send(
        &app,
        reqwest::Method::POST,
        &w.pt,
        &path,
        Some(body(
            "admin@northwind.example",
            json!([{"offer_id": w.base, "quantity": 20}, {"offer_id": w.addon, "quantity": 5}]),
        )),
        &[("idempotency-key", "nw-1")],
    )
    .await;
    let again = json_of(again, 200).await;
    assert_eq!(again["customer_id"], customer.as_str());
    assert_eq!(again["temporary_password"], Value::Null);
    assert_eq!(app.count("organizations").await, orgs + 2);

    // The admin signs in with the temporary password and must change it first.
    let res = app
        .http
        .post(app.url("/signin"))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("email", "admin@northwind.example"),
            ("password", temp.as_str()),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(crate::helpers::location(&res), "/password/change");
    // The customer is listed under the reseller, which has admin rights over it; the provider
    // has its relationship too.
    let shared = json_of(
        app.get(
            &format!("/v1/indirectresellers/{}/customers", w.reseller.org_id),
            &w.pt,
        )
        .await,
        200,
    )
    .await;
    assert!(
        shared["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == customer.as_str())
    );
    let rc = json_of(app.get("/v1/customers?q=northwind", &w.rt).await, 200).await;
    assert_eq!(rc["items"][0]["delegated_admin"], true);
    app.set_delegated_access(&w.reseller.id, keiro_domain::DelegatedAccess::Full)
        .await;
    let users = json_of(
        app.get(&format!("/v1/customers/{customer}/users"), &w.rt)
            .await,
        200,
    )
    .await;
    assert_eq!(users["items"][0]["email"], "admin@northwind.example");
    assert_eq!(
        json_of(
            app.get(&format!("/v1/subscriptions?customer={customer}"), &w.rt)
                .await,
            200
        )
        .await["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let audit = json_of(
        app.get("/v1/auditrecords?action=organization.created", &w.pt)
            .await,
        200,
    )
    .await;
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["target_id"] == customer.as_str())
    );
}

/// R-ORD-7 across nodes: the same order with one Idempotency-Key fired at two server nodes on
/// one PostgreSQL at the same moment buys one subscription; both answers carry it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r_ord_7_one_key_two_nodes_one_subscription() {
    let Some(app) = TestApp::builder(Backend::Postgres).spawn().await else {
        return;
    };
    let w = world(&app).await;
    let peer = app.peer().await;
    let path = format!("/v1/customers/{}/orders", w.customer.org_id);
    let body = json!({"lines": [{"offer_id": w.base, "quantity": 4}]});
    for round in 0..5 {
        let key = format!("two-nodes-{round}");
        let fire = |url: String| {
            app.http
                .post(url)
                .bearer_auth(&w.rt)
                .header("idempotency-key", &key)
                .json(&body)
                .send()
        };
        let (a, b) = tokio::join!(fire(app.url(&path)), fire(peer.url(&path)));
        let (a, b) = (a.unwrap(), b.unwrap());
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 201], "round {round}");
        let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
        assert_eq!(a["subscriptions"][0]["id"], b["subscriptions"][0]["id"]);
        assert_eq!(app.count("subscriptions").await, round + 1);
    }
}

async fn r_ord_5_support_contact_works_on_its_subscriptions_service_requests(app: TestApp) {
    let w = world(&app).await;
    let cu = &w.customer.org_id;
    let s = buy(&app, &w.pt, cu, json!({"offer_id": w.base, "quantity": 2})).await;
    let id = s["id"].as_str().unwrap();
    // A reseller partnered with the provider, with no relationship or rights in the customer.
    let support = app
        .partner(
            "Support GK",
            &[ProgramRole::IndirectReseller],
            &[Role::HelpdeskAgent],
        )
        .await;
    app.set_partner_id(&support.org_id, "4000001").await;
    app.partner_up(&w.provider.org_id, &support.org_id).await;
    app.relate(&support.org_id, cu).await;
    let st = app.token_for(&support.email).await;
    let srs = format!("/v1/customers/{cu}/servicerequests");
    let open = |tok: &str, sub: Option<&str>, title: &str| {
        let body = json!({"title": title, "description": "Mail is down", "severity": "high", "subscription_id": sub});
        let (app, tok, srs) = (&app, tok.to_string(), srs.clone());
        async move { post(app, &tok, &srs, body).await }
    };
    // The customer opens one request about the subscription and one about nothing in particular.
    let about = json_of(open(&w.ct, Some(id), "About the subscription").await, 201).await;
    assert_eq!(about["subscription_id"], id);
    let other = json_of(open(&w.ct, None, "Something else").await, 201).await;
    assert_eq!(
        code(open(&w.ct, Some("00000000-0000-7000-8000-000000000000"), "x").await).await,
        (422, "unknown_subscription".into())
    );
    // Not yet the support contact: the customer's requests do not exist for it.
    assert_eq!(app.get(&srs, &st).await.status(), 404);
    json_of(
        put(
            &app,
            &w.pt,
            &format!("/v1/subscriptions/{id}/supportcontact"),
            json!({"partner_id": "4000001"}),
        )
        .await,
        200,
    )
    .await;
    // Now it sees exactly the request about its subscription, adds a note and changes its status.
    let list = json_of(app.get(&srs, &st).await, 200).await;
    let titles: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["About the subscription"]);
    let rid = about["id"].as_str().unwrap();
    json_of(
        post(
            &app,
            &st,
            &format!("{srs}/{rid}/notes"),
            json!({"body": "Looking at it."}),
        )
        .await,
        201,
    )
    .await;
    let res = put(
        &app,
        &st,
        &format!("{srs}/{rid}/status"),
        json!({"status": "in_progress"}),
    )
    .await;
    assert_eq!(json_of(res, 200).await["status"], "in_progress");
    assert_eq!(
        app.get(&format!("{srs}/{}", other["id"].as_str().unwrap()), &st)
            .await
            .status(),
        404
    );
    // It opens requests only about the subscriptions it supports.
    assert_eq!(
        code(open(&st, None, "Anything").await).await,
        (422, "subscription_required".into())
    );
    json_of(open(&st, Some(id), "Follow-up").await, 201).await;
    // The customer sees the support contact's note; the audit names on whose behalf.
    let seen = json_of(app.get(&format!("{srs}/{rid}"), &w.ct).await, 200).await;
    assert_eq!(seen["notes"][0]["author_org_id"], support.org_id.as_str());
    // Once it is no longer the support contact, the requests are gone for it.
    json_of(
        put(
            &app,
            &w.pt,
            &format!("/v1/subscriptions/{id}/supportcontact"),
            json!({"partner_id": null}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(app.get(&srs, &st).await.status(), 404);
    assert_eq!(app.get(&format!("{srs}/{rid}"), &st).await.status(), 404);
}
