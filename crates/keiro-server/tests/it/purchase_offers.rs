//! Purchase offers through the API and the portal (R-ADV-1, R-ADV-3, R-REL-7, R-ORD-7, ADR
//! 0010), on SQLite and PostgreSQL: what an advisor may offer, a customer buying some lines with
//! changed counts, within bounds, once, idempotently, with or without delegated admin, and a
//! revoked advisor's offers.

use crate::helpers::{advisor, code, json_of, link_token, post, put};
use keiro_testkit::world::world;
use keiro_testkit::{TEST_PASSWORD, TestApp, both_backends};
use serde_json::{Value, json};

both_backends!(
    r_adv_3_an_advisor_offers_offers_sold_in_the_country_within_bounds,
    r_adv_3_customers_buy_chosen_lines_within_bounds_once,
    r_adv_3_the_portal_creates_a_purchase_offer_and_buys_through_it,
);

async fn r_adv_3_an_advisor_offers_offers_sold_in_the_country_within_bounds(app: TestApp) {
    let w = world(&app).await;
    let offer = |lines: Value| json!({"lines": lines, "country": "JP"});
    // Only an advisor.
    assert_eq!(
        code(
            post(
                &app,
                &w.rt,
                "/v1/purchaseoffers",
                offer(json!([{"offer_id": w.base, "quantity": 10}]))
            )
            .await
        )
        .await,
        (403, "not_subscription_advisor".into())
    );
    let (_, at) = advisor(&app, &w.op, json!(["subscription_advisor"])).await;
    let refused = |body: Value| {
        let app = &app;
        let at = at.clone();
        async move { code(post(app, &at, "/v1/purchaseoffers", body).await).await }
    };
    for (lines, expected) in [
        (json!([]), "invalid_lines"),
        (
            json!([{"offer_id": w.base, "quantity": 0}]),
            "quantity_out_of_bounds",
        ),
        (
            json!([{"offer_id": w.base, "quantity": 301}]),
            "quantity_out_of_bounds",
        ),
        (
            json!([{"offer_id": w.base, "quantity": 1}, {"offer_id": w.base, "quantity": 2}]),
            "repeated_offer",
        ),
        (
            json!([{"offer_id": w.us, "quantity": 1}]),
            "not_sold_in_country",
        ),
        (
            json!([{"offer_id": "nope", "quantity": 1}]),
            "unknown_offer",
        ),
    ] {
        assert_eq!(
            refused(offer(lines.clone())).await,
            (422, expected.into()),
            "{lines}"
        );
    }
    let mut with_dap = offer(json!([{"offer_id": w.base, "quantity": 10}]));
    with_dap["delegated_admin"] = json!(true);
    assert_eq!(
        refused(with_dap).await,
        (403, "not_delegated_admin_authorized".into())
    );
    // An add-on alone is fine: its prerequisite is the customer's to hold.
    let v = json_of(
        post(
            &app,
            &at,
            "/v1/purchaseoffers",
            offer(json!([{"offer_id": w.addon, "quantity": 5}])),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(v["request"]["kind"], "purchase_offer");
    assert!(v["url"].as_str().unwrap().ends_with("&advisor=4440001"));
    assert!(
        v["draft"]["body"]
            .as_str()
            .unwrap()
            .contains(v["url"].as_str().unwrap())
    );
    let list = json_of(app.get("/v1/purchaseoffers", &at).await, 200).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // An advisor's link can be copied again from its list (it is posted on websites).
    assert_eq!(list["items"][0]["url"], v["url"]);
    // Trial invitations are a list of their own.
    let trials = json_of(app.get("/v1/trialinvitations", &at).await, 200).await;
    assert_eq!(trials["items"], json!([]));
    // Extended from now, at most a year.
    let id = v["request"]["id"].as_str().unwrap();
    let e = json_of(
        post(
            &app,
            &at,
            &format!("/v1/purchaseoffers/{id}/extend"),
            json!({"expires_in_days": 200}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(e["status"], "open");
    // A purchase offer is not a trial invitation.
    assert_eq!(
        code(
            post(
                &app,
                &at,
                &format!("/v1/trialinvitations/{id}/extend"),
                json!({"expires_in_days": 20}),
            )
            .await
        )
        .await
        .0,
        404
    );
}

async fn r_adv_3_customers_buy_chosen_lines_within_bounds_once(app: TestApp) {
    let w = world(&app).await;
    let (adv, at) = advisor(
        &app,
        &w.op,
        json!(["subscription_advisor", "delegated_admin"]),
    )
    .await;
    let v = json_of(
        post(
            &app,
            &at,
            "/v1/purchaseoffers",
            json!({
                "lines": [{"offer_id": w.base, "quantity": 10}, {"offer_id": w.addon, "quantity": 5}],
                "country": "JP",
                "delegated_admin": true,
            }),
        )
        .await,
        201,
    )
    .await;
    let url = v["url"].as_str().unwrap().to_string();
    let token = link_token(&url).split('&').next().unwrap().to_string();

    // Anyone sees the lines with their suggested counts, bounds and prices.
    let p = json_of(
        app.http
            .get(app.url(&format!(
                "/v1/purchaseoffers/preview?token={token}&advisor=4440001"
            )))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(p["invitation"]["from_legal_name"], "Advisor Partners KK");
    assert_eq!(p["lines"][0]["offer_id"], w.base.as_str());
    assert_eq!(p["lines"][0]["suggested_quantity"], 10);
    assert_eq!(p["lines"][0]["max_quantity"], 300);
    assert_eq!(p["lines"][1]["min_quantity"], 5);
    assert_eq!(
        p["lines"][1]["prerequisite_offer_id"],
        w.base.as_str(),
        "{p}"
    );
    assert_eq!(
        p["delegated_admin_grants"],
        json!(["reseller_of_record", "delegated_admin"])
    );
    // The trial preview does not know a purchase offer's token.
    assert_eq!(
        app.http
            .get(app.url(&format!("/v1/trialinvitations/preview?token={token}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    let buy = |t: &str, lines: Value, dap: bool, key: Option<&str>| {
        let body =
            json!({"token": token, "advisor": "4440001", "lines": lines, "delegated_admin": dap});
        let t = t.to_string();
        let key = key.map(str::to_string);
        let app = &app;
        async move {
            let mut r = app
                .http
                .post(app.url("/v1/purchaseoffers/buy"))
                .bearer_auth(&t)
                .json(&body);
            if let Some(k) = key {
                r = r.header("Idempotency-Key", k);
            }
            r.send().await.unwrap()
        }
    };
    // Customer A lowers the base line to 4, leaves the add-on out, declines delegated admin.
    let a = app.customer_admin("Customer A").await;
    let a_t = app.token_for(&a.email).await;
    let b = json_of(
        buy(
            &a_t,
            json!([{"offer_id": w.base, "quantity": 4}]),
            false,
            None,
        )
        .await,
        201,
    )
    .await;
    assert_eq!(b["delegated_admin"], false);
    let subs = b["subscriptions"].as_array().unwrap();
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0]["quantity"], 4);
    assert_eq!(subs[0]["trial"], false);
    assert_eq!(subs[0]["auto_renew"], true);
    assert_eq!(subs[0]["seller"]["legal_name"], "Operator");
    assert_eq!(
        subs[0]["partner_of_record"]["legal_name"],
        "Advisor Partners KK"
    );
    assert_eq!(subs[0]["reseller"], Value::Null);
    // Once per customer.
    assert_eq!(
        code(
            buy(
                &a_t,
                json!([{"offer_id": w.base, "quantity": 4}]),
                false,
                None
            )
            .await
        )
        .await,
        (409, "offer_already_bought".into())
    );

    // Customer B: counts outside an offer's bounds, lines the offer lacks, an add-on without
    // its base, and partners are refused.
    let c_b = app.customer_admin("Customer B").await;
    let b_t = app.token_for(&c_b.email).await;
    for (lines, expected) in [
        (
            json!([{"offer_id": w.addon, "quantity": 11}, {"offer_id": w.base, "quantity": 1}]),
            (422, "quantity_out_of_bounds"),
        ),
        (
            json!([{"offer_id": w.base, "quantity": 0}]),
            (422, "quantity_out_of_bounds"),
        ),
        (
            json!([{"offer_id": w.trial, "quantity": 1}]),
            (422, "line_not_offered"),
        ),
        (
            json!([{"offer_id": w.addon, "quantity": 5}]),
            (422, "prerequisite_missing"),
        ),
        (json!([]), (422, "invalid_lines")),
    ] {
        assert_eq!(
            code(buy(&b_t, lines.clone(), false, None).await).await,
            (expected.0, expected.1.into()),
            "{lines}"
        );
    }
    assert_eq!(
        code(
            buy(
                &w.pt,
                json!([{"offer_id": w.base, "quantity": 1}]),
                false,
                None
            )
            .await
        )
        .await,
        (403, "not_a_customer".into())
    );
    // Both lines with delegated admin, with a key: a retry answers the same order.
    let lines = json!([{"offer_id": w.base, "quantity": 12}, {"offer_id": w.addon, "quantity": 6}]);
    let first = json_of(buy(&b_t, lines.clone(), true, Some("buy-b-1")).await, 201).await;
    let again = json_of(buy(&b_t, lines.clone(), true, Some("buy-b-1")).await, 200).await;
    assert_eq!(first["order_id"], again["order_id"]);
    assert_eq!(first["subscriptions"].as_array().unwrap().len(), 2);
    assert_eq!(first["delegated_admin"], true);
    let mine = json_of(app.get("/v1/subscriptions", &b_t).await, 200).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 2, "bought once");
    let partners = json_of(app.get("/v1/partners", &b_t).await, 200).await;
    assert_eq!(partners["items"][0]["legal_name"], "Advisor Partners KK");
    assert_eq!(partners["items"][0]["delegated_admin"], true);
    let list = json_of(app.get("/v1/purchaseoffers", &at).await, 200).await;
    assert_eq!(list["items"][0]["use_count"], 2);
    // The advisor's admin agent is told of each new subscription it is POR of.
    let told = crate::helpers::mails_to(&app, &adv.email)
        .await
        .into_iter()
        .filter(|m| m.0 == "por-subscription-changed")
        .count();
    assert_eq!(told, 3);

    // Revoking advisor status withdraws the offer; what was bought keeps its POR.
    json_of(
        put(
            &app,
            &w.op,
            &format!("/v1/partnerauthorizations/{}", adv.org_id),
            json!({"authorizations": ["delegated_admin"], "reason": "agreement ended"}),
        )
        .await,
        200,
    )
    .await;
    let c = app.customer_admin("Customer C").await;
    let c_t = app.token_for(&c.email).await;
    assert_eq!(
        code(
            buy(
                &c_t,
                json!([{"offer_id": w.base, "quantity": 1}]),
                false,
                None
            )
            .await
        )
        .await,
        (409, "invitation_revoked".into())
    );
    let mine = json_of(app.get("/v1/subscriptions", &a_t).await, 200).await;
    assert_eq!(
        mine["items"][0]["partner_of_record"]["legal_name"],
        "Advisor Partners KK"
    );
}

async fn r_adv_3_the_portal_creates_a_purchase_offer_and_buys_through_it(app: TestApp) {
    use crate::helpers::{PortalClient, between, location};
    let w = world(&app).await;
    let (adv, _) = advisor(&app, &w.op, json!(["subscription_advisor"])).await;
    let mut a = PortalClient::new(&app);
    a.lang = "ja";
    a.sign_in(&adv.email, TEST_PASSWORD).await;
    let html = a.get("/advisor").await.text().await.unwrap();
    assert!(html.contains("id=\"offer-new-link\""), "{html}");
    let html = a
        .get("/advisor/offers/new?country=JP")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"dap-reason\""), "{html}");
    assert!(
        !html.contains(&format!("value=\"{}\"", w.us)),
        "not sold in JP"
    );
    let csrf = between(&html, "name=\"csrf\" value=\"", "\"");
    let idem = between(&html, "name=\"idem\" value=\"", "\"");
    // Every row sends its line and count; the ticked ones are offered.
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf), ("idem", &idem), ("country", "JP")];
    form.extend([
        ("line", w.base.as_str()),
        ("quantity", "500"),
        ("offer", w.base.as_str()),
        ("line", w.addon.as_str()),
        ("quantity", "5"),
        ("line", w.trial.as_str()),
        ("quantity", "1"),
        ("expires_in_days", "60"),
    ]);
    let r = a.post("/advisor/offers", &form).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("ライセンス数がオファーの範囲外です"),
        "{page}"
    );
    assert!(page.contains("value=\"500\""), "what was typed is kept");
    form[4].1 = "20";
    form.push(("offer", w.addon.as_str()));
    let r = a.post("/advisor/offers", &form).await;
    assert_eq!(r.status(), 200);
    let draft = r.text().await.unwrap();
    assert!(draft.contains("購入プランのリンク"), "{draft}");
    let url = between(&draft, "http://", "\"").replace("&#38;", "&");
    let token = link_token(&format!("http://{url}"))
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let html = a.get("/advisor").await.text().await.unwrap();
    let table = between(&html, "id=\"offers-table\"", "</table>");
    assert!(table.contains("× 20"), "{table}");
    assert!(
        table.contains("<td class=\"num opened\" data-label=\"開かれた回数\">0</td>"),
        "{table}"
    );

    // A customer's global admin lowers the base line and leaves the add-on in.
    let cu = app.customer_admin("Customer Portal KK").await;
    let mut c = PortalClient::new(&app);
    c.lang = "en";
    c.sign_in(&cu.email, TEST_PASSWORD).await;
    let html = c
        .get(&format!("/invite?token={token}&advisor=4440001"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"purchase-form\""), "{html}");
    // Opened once per browser session: a reload does not count, another browser does.
    let open = |cookie: Option<String>| {
        let mut r = app.http.get(app.url(&format!("/invite?token={token}")));
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        r.send()
    };
    let first = open(None).await.unwrap();
    let seen = first.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert!(seen.starts_with("keiro_opened="), "{seen}");
    assert_eq!(open(Some(seen)).await.unwrap().status(), 200);
    let list = json_of(
        app.get("/v1/purchaseoffers", &app.token_for(&adv.email).await)
            .await,
        200,
    )
    .await;
    assert_eq!(list["items"][0]["open_count"], 2, "{list}");
    assert!(html.contains("value=\"20\""), "{html}");
    let csrf = between(&html, "name=\"csrf\" value=\"", "\"");
    let idem = between(&html, "name=\"idem\" value=\"", "\"");
    let buy: Vec<(&str, &str)> = vec![
        ("csrf", &csrf),
        ("token", &token),
        ("advisor", "4440001"),
        ("idem", &idem),
        ("line", w.base.as_str()),
        ("quantity", "7"),
        ("offer", w.base.as_str()),
        ("line", w.addon.as_str()),
        ("quantity", "4"),
        ("offer", w.addon.as_str()),
    ];
    let r = c.post("/invite/purchase", &buy).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("value=\"7\""),
        "the customer's counts are kept: {page}"
    );
    let mut buy = buy;
    buy[8].1 = "5";
    let r = c.post("/invite/purchase", &buy).await;
    assert_eq!(location(&r), "/subscriptions?done=purchased");
    // A double submit buys once.
    let r = c.post("/invite/purchase", &buy).await;
    assert_eq!(location(&r), "/subscriptions?done=purchased");
    let html = c
        .get("/subscriptions?done=purchased")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Your purchase is complete"), "{html}");
    let ct = app.token_for(&cu.email).await;
    let mine = json_of(app.get("/v1/subscriptions", &ct).await, 200).await;
    let mut counts: Vec<i64> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["quantity"].as_i64().unwrap())
        .collect();
    counts.sort();
    assert_eq!(counts, vec![5, 7]);
}
