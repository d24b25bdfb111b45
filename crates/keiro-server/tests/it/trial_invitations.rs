//! Trial invitations through the API (R-ADV-1, R-ADV-2, R-REL-7, ADR 0010), on SQLite and
//! PostgreSQL: who may create them, what the link carries, a customer starting the trial with
//! and without delegated admin, once per customer, and a revoked advisor's links.

use crate::helpers::{code, json_of, link_token, mails_to, post, put};
use keiro_domain::{DelegatedAccess, ProgramRole, Role};
use keiro_testkit::world::world;
use keiro_testkit::{TEST_PASSWORD, TestApp, both_backends};
use serde_json::{Value, json};

both_backends!(
    r_adv_1_r_adv_2_only_advisors_with_delegated_access_create_trial_invitations,
    r_adv_2_customers_start_the_trial_with_or_without_delegated_admin,
    r_adv_1_r_adv_7_portal_overview_greys_the_tools_with_the_reason_and_revokes,
);

async fn authorize(app: &TestApp, op: &str, org: &str, auths: Value) {
    json_of(
        put(
            app,
            op,
            &format!("/v1/partnerauthorizations/{org}"),
            json!({"authorizations": auths, "reason": "advisor agreement"}),
        )
        .await,
        200,
    )
    .await;
}

async fn r_adv_1_r_adv_2_only_advisors_with_delegated_access_create_trial_invitations(
    app: TestApp,
) {
    let w = world(&app).await;
    let adv = app
        .partner(
            "Advisor Partners KK",
            &[ProgramRole::IndirectReseller],
            &[Role::GlobalAdmin],
        )
        .await;
    app.db_set_partner_id(&adv.org_id, "4440001").await;
    let at = app.token_for(&adv.email).await;
    let body = json!({"offer_id": w.trial, "country": "JP"});
    // Not an advisor yet.
    assert_eq!(
        code(post(&app, &at, "/v1/trialinvitations", body.clone()).await).await,
        (403, "not_subscription_advisor".into())
    );
    authorize(&app, &w.op, &adv.org_id, json!(["subscription_advisor"])).await;
    // A sales agent without delegated access may not; with limited access it may.
    let (agent, _) = app
        .add_user(
            &adv.org_id,
            "sales@advisor.example",
            &[Role::SalesAgent],
            Some(TEST_PASSWORD),
        )
        .await;
    let st = app.token_for(&agent.email).await;
    assert_eq!(
        code(post(&app, &st, "/v1/trialinvitations", body.clone()).await).await,
        (403, "no_delegated_access".into())
    );
    app.db_set_delegated_access(&agent.id, DelegatedAccess::Limited)
        .await;
    json_of(
        post(&app, &st, "/v1/trialinvitations", body.clone()).await,
        201,
    )
    .await;
    // A delegated admin offer needs that authorization too.
    let mut with_dap = body.clone();
    with_dap["delegated_admin"] = json!(true);
    assert_eq!(
        code(post(&app, &at, "/v1/trialinvitations", with_dap.clone()).await).await,
        (403, "not_delegated_admin_authorized".into())
    );
    // The offer must have a trial and be sold in the country; the link stays open a year at most.
    assert_eq!(
        code(
            post(
                &app,
                &at,
                "/v1/trialinvitations",
                json!({"offer_id": w.base, "country": "JP"})
            )
            .await
        )
        .await,
        (422, "no_trial".into())
    );
    assert_eq!(
        code(
            post(
                &app,
                &at,
                "/v1/trialinvitations",
                json!({"offer_id": w.trial, "country": "US"})
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
                &at,
                "/v1/trialinvitations",
                json!({"offer_id": w.trial, "country": "JP", "expires_in_days": 366})
            )
            .await
        )
        .await,
        (422, "invalid_expiry".into())
    );
    // Partners without the program and customers have no such tool.
    assert_eq!(
        code(post(&app, &w.rt, "/v1/trialinvitations", body.clone()).await).await,
        (403, "not_subscription_advisor".into())
    );
    assert_eq!(
        code(post(&app, &w.ct, "/v1/trialinvitations", body.clone()).await)
            .await
            .0,
        403
    );
    // Created for 365 days, its URL carries the advisor's partner ID.
    let mut year = body.clone();
    year["expires_in_days"] = json!(365);
    let v = json_of(post(&app, &at, "/v1/trialinvitations", year).await, 201).await;
    let url = v["url"].as_str().unwrap();
    let pid = json_of(app.get("/v1/organization/profile", &at).await, 200).await["partner_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(url.ends_with(&format!("&advisor={pid}")), "{url}");
    assert_eq!(v["request"]["kind"], "trial_invitation");
    let expires = time::OffsetDateTime::parse(
        v["request"]["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!((expires - app.app.now()).whole_days(), 365);
    assert!(v["draft"]["body"].as_str().unwrap().contains(url));
    let list = json_of(app.get("/v1/trialinvitations", &at).await, 200).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);

    // R-ADV-2, point 7: an expired link is extended from now (at most a year); a revoked
    // one is not; another organization's link is not found.
    let id = v["request"]["id"].as_str().unwrap().to_string();
    app.clock.advance(time::Duration::days(400));
    let at = app.token_for(&adv.email).await;
    let extend = |days: i64, id: String, t: String| {
        let app = &app;
        async move {
            post(
                app,
                &t,
                &format!("/v1/trialinvitations/{id}/extend"),
                json!({"expires_in_days": days}),
            )
            .await
        }
    };
    assert_eq!(
        code(extend(366, id.clone(), at.clone()).await).await,
        (422, "invalid_expiry".into())
    );
    let e = json_of(extend(60, id.clone(), at.clone()).await, 200).await;
    assert_eq!(e["status"], "open");
    let until = time::OffsetDateTime::parse(
        e["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!((until - app.app.now()).whole_days(), 60);
    let rt = app.token_for(&w.reseller.email).await;
    assert_eq!(code(extend(30, id.clone(), rt).await).await.0, 403);
    json_of(
        post(
            &app,
            &at,
            &format!("/v1/relationshiprequests/{id}/revoke"),
            json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        code(extend(30, id.clone(), at.clone()).await).await,
        (409, "invitation_not_open".into())
    );
    let audit = json_of(
        app.get("/v1/auditrecords?action=invitation.extended", &at)
            .await,
        200,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
}

async fn r_adv_2_customers_start_the_trial_with_or_without_delegated_admin(app: TestApp) {
    let w = world(&app).await;
    let adv = app
        .partner(
            "Advisor Partners KK",
            &[ProgramRole::IndirectReseller],
            &[Role::GlobalAdmin, Role::AdminAgent],
        )
        .await;
    app.db_set_partner_id(&adv.org_id, "4440001").await;
    let at = app.token_for(&adv.email).await;
    authorize(
        &app,
        &w.op,
        &adv.org_id,
        json!(["subscription_advisor", "delegated_admin"]),
    )
    .await;
    let v = json_of(
        post(
            &app,
            &at,
            "/v1/trialinvitations",
            json!({"offer_id": w.trial, "country": "JP", "delegated_admin": true}),
        )
        .await,
        201,
    )
    .await;
    let url = v["url"].as_str().unwrap().to_string();
    let token = link_token(&url).split('&').next().unwrap().to_string();
    let pid = url.rsplit("advisor=").next().unwrap().to_string();
    assert_eq!(pid, "4440001");

    // Anyone sees who invites, to what, for how long, and the delegated admin offer.
    let p = json_of(
        app.http
            .get(app.url(&format!(
                "/v1/trialinvitations/preview?token={token}&advisor={pid}"
            )))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(p["invitation"]["from_legal_name"], "Advisor Partners KK");
    assert_eq!(p["trial_days"], 30);
    assert_eq!(p["delegated_admin"], true);
    assert_eq!(
        p["delegated_admin_grants"],
        json!(["reseller_of_record", "delegated_admin"])
    );
    // Another advisor code with the token is no link at all.
    assert_eq!(
        app.http
            .get(app.url(&format!(
                "/v1/trialinvitations/preview?token={token}&advisor=9999999"
            )))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // Customer A declines delegated admin: the trial still starts, sold by the operator with
    // the advisor as partner of record; the advisor gets no rights.
    let a = app.customer_admin("Customer A").await;
    let a_t = app.token_for(&a.email).await;
    let start = |t: &str, dap: bool| {
        let body = json!({"token": token, "advisor": pid, "delegated_admin": dap});
        let t = t.to_string();
        let app = &app;
        async move { post(app, &t, "/v1/trialinvitations/start", body).await }
    };
    let s = json_of(start(&a_t, false).await, 201).await;
    assert_eq!(s["delegated_admin"], false);
    let sub = &s["subscription"];
    assert_eq!(sub["trial"], true);
    assert_eq!(sub["auto_renew"], false, "a trial ends unless converted");
    assert_eq!(sub["seller"]["legal_name"], "Operator");
    assert_eq!(
        sub["partner_of_record"]["legal_name"],
        "Advisor Partners KK"
    );
    assert_eq!(sub["reseller"], Value::Null);
    let partners = json_of(app.get("/v1/partners", &a_t).await, 200).await;
    assert_eq!(
        partners["items"],
        json!([]),
        "no relationship without delegated admin"
    );
    // Once per customer, however often it submits.
    assert_eq!(
        code(start(&a_t, false).await).await,
        (409, "trial_already_started".into())
    );
    // Partners and customer users without the role cannot start it.
    assert_eq!(
        code(start(&w.pt, false).await).await,
        (403, "not_a_customer".into())
    );
    let (helper, _) = app
        .add_user(
            &a.org_id,
            "user@customer-a.example",
            &[Role::PasswordAdmin],
            Some(TEST_PASSWORD),
        )
        .await;
    let ht = app.token_for(&helper.email).await;
    assert_eq!(
        code(start(&ht, false).await).await,
        (403, "role_required".into())
    );

    // Customer B accepts delegated admin: exactly what R-REL-7 grants.
    let b = app.customer_admin("Customer B").await;
    let b_t = app.token_for(&b.email).await;
    let s = json_of(start(&b_t, true).await, 201).await;
    assert_eq!(s["delegated_admin"], true);
    let partners = json_of(app.get("/v1/partners", &b_t).await, 200).await;
    assert_eq!(partners["items"][0]["legal_name"], "Advisor Partners KK");
    assert_eq!(partners["items"][0]["delegated_admin"], true);
    let customers = json_of(app.get("/v1/customers", &at).await, 200).await;
    let names: Vec<&str> = customers["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["legal_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec!["Customer B"],
        "POR alone puts no customer on the list"
    );
    // The advisor sees both trials and its admin agent was told of each.
    let subs = json_of(app.get("/v1/subscriptions", &at).await, 200).await;
    assert_eq!(subs["items"].as_array().unwrap().len(), 2);
    let told: Vec<_> = mails_to(&app, &adv.email)
        .await
        .into_iter()
        .filter(|m| m.0 == "por-subscription-changed")
        .collect();
    assert_eq!(told.len(), 2);
    let list = json_of(app.get("/v1/trialinvitations", &at).await, 200).await;
    assert_eq!(list["items"][0]["use_count"], 2);

    // Revoking advisor status withdraws the link at once; the trials keep their POR.
    authorize(&app, &w.op, &adv.org_id, json!(["delegated_admin"])).await;
    let c = app.customer_admin("Customer C").await;
    let c_t = app.token_for(&c.email).await;
    assert_eq!(
        code(start(&c_t, false).await).await,
        (409, "invitation_revoked".into())
    );
    let list = json_of(app.get("/v1/subscriptions", &a_t).await, 200).await;
    assert_eq!(
        list["items"][0]["partner_of_record"]["legal_name"],
        "Advisor Partners KK"
    );
    let audit = json_of(
        app.get(
            "/v1/auditrecords?action=organization.authorizations_changed",
            &w.op,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(audit["items"][0]["details"]["links_revoked"], 1);
    // Last, as API tokens expire with the clock: unconverted, the trials end with their
    // trial, and the partner of record is told.
    app.clock.advance(time::Duration::days(31));
    let r = keiro_app::subscriptions::tick(&app.app).await.unwrap();
    assert_eq!(r.expired, 2);
    let ended: Vec<_> = mails_to(&app, &adv.email)
        .await
        .into_iter()
        .filter(|m| m.0 == "por-subscription-changed" && m.1.contains("試用期間の終了"))
        .collect();
    assert_eq!(ended.len(), 2, "{ended:?}");
}

async fn r_adv_1_r_adv_7_portal_overview_greys_the_tools_with_the_reason_and_revokes(app: TestApp) {
    use crate::helpers::{PortalClient, between, location};
    let w = world(&app).await;
    // A partner that is no advisor sees why, in Japanese.
    let mut c = PortalClient::new(&app);
    c.lang = "ja";
    c.sign_in(&w.reseller.email, TEST_PASSWORD).await;
    let html = c.get("/advisor").await.text().await.unwrap();
    assert!(
        between(&html, "id=\"tools-reason\">", "<")
            .contains("認定されたサブスクリプション アドバイザー"),
        "{html}"
    );
    assert!(!html.contains("id=\"trial-new\""));
    // An advisor's user without delegated access: the reason names the setting.
    let adv = app
        .partner(
            "Advisor Partners KK",
            &[ProgramRole::IndirectReseller],
            &[Role::GlobalAdmin],
        )
        .await;
    app.db_set_partner_id(&adv.org_id, "4440001").await;
    authorize(&app, &w.op, &adv.org_id, json!(["subscription_advisor"])).await;
    let (agent, _) = app
        .add_user(
            &adv.org_id,
            "sales@advisor.example",
            &[Role::SalesAgent],
            Some(TEST_PASSWORD),
        )
        .await;
    let mut s = PortalClient::new(&app);
    s.lang = "ja";
    s.sign_in(&agent.email, TEST_PASSWORD).await;
    let html = s.get("/advisor").await.text().await.unwrap();
    assert!(
        between(&html, "id=\"tools-reason\">", "<").contains("制限付き管理"),
        "{html}"
    );
    // The advisor's global admin creates one (no DAP authorization: the box is greyed with
    // the reason), sees it listed with its offer, and revokes it.
    let mut a = PortalClient::new(&app);
    a.lang = "ja";
    a.sign_in(&adv.email, TEST_PASSWORD).await;
    let html = a.get("/advisor").await.text().await.unwrap();
    assert!(html.contains("id=\"dap-reason\""), "{html}");
    let csrf = between(&html, "name=\"csrf\" value=\"", "\"");
    let idem = between(&html, "name=\"idem\" value=\"", "\"");
    let r = a
        .post(
            "/advisor/trials",
            &[
                ("csrf", &csrf),
                ("idem", &idem),
                ("country", "JP"),
                ("offer_id", &w.trial),
                ("expires_in_days", "400"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("365"));
    let r = a
        .post(
            "/advisor/trials",
            &[
                ("csrf", &csrf),
                ("idem", &idem),
                ("country", "JP"),
                ("offer_id", &w.trial),
                ("expires_in_days", "90"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let draft = r.text().await.unwrap();
    assert!(draft.contains("&#38;advisor=4440001"), "{draft}");
    let html = a.get("/advisor").await.text().await.unwrap();
    let table = between(&html, "id=\"trials-table\"", "</table>");
    assert!(table.contains("TRIAL-Y"), "{table}");
    let id = between(&table, "/advisor/trials/", "/extend");
    let r = a
        .post(
            &format!("/advisor/trials/{id}/extend"),
            &[("csrf", &csrf), ("expires_in_days", "120")],
        )
        .await;
    assert_eq!(location(&r), "/advisor?done=extended");
    let html = a.get("/advisor?done=extended").await.text().await.unwrap();
    assert!(html.contains("有効期限を延長しました"));
    let r = a
        .post(&format!("/advisor/trials/{id}/revoke"), &[("csrf", &csrf)])
        .await;
    assert_eq!(location(&r), "/advisor?done=revoked");
    let html = a.get("/advisor?done=revoked").await.text().await.unwrap();
    assert!(html.contains("取り消し済み"));
}

/// The demo world's advisor (issue 16 point 9): Fuji Reseller GK has a trial invitation with a
/// delegated admin offer and a purchase offer, and is partner of record of Adatum Clinic's trial
/// and of the subscription one of its three product keys set up; seeding again adds nothing.
#[tokio::test]
async fn r_adv_9_the_demo_advisor_has_a_trial_invitation_and_a_por_customer() {
    let Some(app) = TestApp::builder(keiro_testkit::Backend::Sqlite)
        .spawn()
        .await
    else {
        return;
    };
    for _ in 0..2 {
        keiro_app::demo::seed(&app.app).await.unwrap();
        assert_eq!(app.count("invitations").await, 2);
        assert_eq!(app.count("invitation_uses").await, 1);
        // Fuji's three (the demo's license benefit has a key of its own: tests/it/benefits.rs).
        assert_eq!(
            app.count("product_keys WHERE order_id IN (SELECT id FROM product_key_orders WHERE benefit_allocation_id IS NULL)")
                .await,
            3
        );
    }
    let adv = app.token_for("admin@fuji-reseller.example").await;
    let list = json_of(app.get("/v1/trialinvitations", &adv).await, 200).await;
    assert_eq!(list["items"][0]["use_count"], 1);
    let offers = json_of(app.get("/v1/purchaseoffers", &adv).await, 200).await;
    assert_eq!(offers["items"].as_array().unwrap().len(), 1);
    let keys = json_of(app.get("/v1/productkeys?state=redeemed", &adv).await, 200).await;
    assert_eq!(keys["items"][0]["redeemed_by"], "Adatum Clinic");
    let subs = json_of(app.get("/v1/subscriptions", &adv).await, 200).await;
    assert!(
        subs["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["customer"]["legal_name"] == "Adatum Clinic"
                && s["partner_of_record"]["legal_name"] == "Fuji Reseller GK"
                && s["trial"] == true),
        "{subs}"
    );
}
