//! The partner of record (R-ADV-5, ADR 0010) through the API, on SQLite and PostgreSQL: the
//! customer's global admin names, changes and clears it; it sees its subscriptions and is told
//! of every change to them, and only to them.

use crate::helpers::{buy, code, json_of, mails_to, put, send};
use keiro_domain::{ProgramRole, Role};
use keiro_testkit::world::world;
use keiro_testkit::{TEST_PASSWORD, TestApp, both_backends};
use reqwest::Method;
use serde_json::{Value, json};

both_backends!(
    r_adv_5_customer_names_the_partner_of_record_who_is_told_of_every_change,
    r_adv_5_portal_the_customer_names_the_partner_of_record,
);

/// Notices of `template` queued for `org` (events) — the outbox holds one per party.
async fn events_for(app: &TestApp, org: &str, template: &str) -> usize {
    keiro_store::repo::outbox::list(app.app.db.reader(), (None, None), None, 1000)
        .await
        .unwrap()
        .items
        .iter()
        .filter(|m| m.kind == "event" && m.recipient == org && m.template == template)
        .count()
}

/// Operator staff authorize `org` as a subscription advisor.
async fn authorize_advisor(app: &TestApp, op: &str, org: &str) {
    json_of(
        put(
            app,
            op,
            &format!("/v1/partnerauthorizations/{org}"),
            json!({"authorizations": ["subscription_advisor"], "reason": "advisor agreement"}),
        )
        .await,
        200,
    )
    .await;
}

/// The partner-of-record notices emailed to `to`, oldest first.
async fn notices(app: &TestApp, to: &str) -> Vec<(String, String, String)> {
    let mut v = mails_to(app, to).await;
    v.retain(|m| m.0 == "por-subscription-changed");
    v
}

async fn r_adv_5_customer_names_the_partner_of_record_who_is_told_of_every_change(app: TestApp) {
    let w = world(&app).await;
    let s = buy(
        &app,
        &w.pt,
        &w.customer.org_id,
        json!({"offer_id": w.base, "quantity": 2}),
    )
    .await;
    let id = s["id"].as_str().unwrap().to_string();
    assert_eq!(s["partner_of_record"], Value::Null);
    let other = buy(
        &app,
        &w.pt,
        &w.customer.org_id,
        json!({"offer_id": w.base, "quantity": 3}),
    )
    .await;
    let other_id = other["id"].as_str().unwrap().to_string();

    // An advisor with an admin agent who reads English, and a partner that is not an advisor.
    let adv = app
        .partner(
            "Advisor Partners KK",
            &[ProgramRole::IndirectReseller],
            &[Role::GlobalAdmin],
        )
        .await;
    app.db_set_partner_id(&adv.org_id, "4440001").await;
    let (agent, _) = app
        .add_user(
            &adv.org_id,
            "agent@advisor.example",
            &[Role::AdminAgent],
            Some(TEST_PASSWORD),
        )
        .await;
    let agent_t = app.token_for(&agent.email).await;
    json_of(
        send(
            &app,
            Method::PATCH,
            &agent_t,
            "/v1/me",
            Some(json!({"language": "en"})),
            &[],
        )
        .await,
        200,
    )
    .await;
    let plain = app.reseller_admin("Plain Partner").await;
    app.db_set_partner_id(&plain.org_id, "4440002").await;
    authorize_advisor(&app, &w.op, &adv.org_id).await;
    let por = format!("/v1/subscriptions/{id}/partnerofrecord");

    // Only an authorized advisor can be named; only the customer's global admin names it.
    assert_eq!(
        code(put(&app, &w.ct, &por, json!({"partner_id": "4440002"})).await).await,
        (422, "not_a_subscription_advisor".into())
    );
    assert_eq!(
        code(put(&app, &w.ct, &por, json!({"partner_id": "9999999"})).await).await,
        (422, "not_a_subscription_advisor".into())
    );
    assert_eq!(
        code(put(&app, &w.pt, &por, json!({"partner_id": "4440001"})).await).await,
        (404, "not_found".into()),
        "the seller cannot name a partner of record"
    );
    let (billing, _) = app
        .add_user(
            &w.customer.org_id,
            "billing@customer.example",
            &[Role::BillingAdmin],
            Some(TEST_PASSWORD),
        )
        .await;
    let bt = app.token_for(&billing.email).await;
    assert_eq!(
        code(put(&app, &bt, &por, json!({"partner_id": "4440001"})).await).await,
        (403, "role_required".into())
    );
    assert_eq!(
        app.get(&format!("/v1/subscriptions/{id}"), &agent_t)
            .await
            .status(),
        404,
        "not yet its subscription"
    );

    // Named: the customer and the advisor see it; the advisor is told.
    let v = json_of(
        put(&app, &w.ct, &por, json!({"partner_id": "4440001"})).await,
        200,
    )
    .await;
    assert_eq!(v["partner_of_record"]["partner_id"], "4440001");
    assert_eq!(v["partner_of_record"]["legal_name"], "Advisor Partners KK");
    assert_eq!(
        code(put(&app, &w.ct, &por, json!({"partner_id": "4440001"})).await)
            .await
            .0,
        409,
        "unchanged"
    );
    let seen = json_of(
        app.get(&format!("/v1/subscriptions/{id}"), &agent_t).await,
        200,
    )
    .await;
    assert_eq!(seen["partner_of_record"]["partner_id"], "4440001");
    let mine = json_of(app.get("/v1/subscriptions", &agent_t).await, 200).await;
    let ids: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![id.as_str()],
        "only the subscriptions it is POR of"
    );
    let mails = notices(&app, "agent@advisor.example").await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].0, "por-subscription-changed");
    assert!(
        mails[0].1.contains("named partner of record"),
        "{}",
        mails[0].1
    );

    // It changes nothing itself.
    assert_eq!(
        code(
            put(
                &app,
                &agent_t,
                &format!("/v1/subscriptions/{id}/quantity"),
                json!({"quantity": 5})
            )
            .await
        )
        .await,
        (403, "partner_of_record_only".into())
    );

    // The seller's change is told to the advisor (email and event); a change to a subscription
    // it is not partner of record of is not.
    json_of(
        put(
            &app,
            &w.pt,
            &format!("/v1/subscriptions/{id}/quantity"),
            json!({"quantity": 5}),
        )
        .await,
        200,
    )
    .await;
    json_of(
        put(
            &app,
            &w.pt,
            &format!("/v1/subscriptions/{other_id}/quantity"),
            json!({"quantity": 6}),
        )
        .await,
        200,
    )
    .await;
    let mails = notices(&app, "agent@advisor.example").await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert!(mails[1].1.contains("license count changed"));
    assert!(mails[1].2.contains("Licenses: 5"), "{}", mails[1].2);
    assert_eq!(
        events_for(&app, &adv.org_id, "subscription.quantity_changed").await,
        1
    );
    assert!(notices(&app, "info@plainpartner.example").await.is_empty());

    // Cleared: the advisor is told it no longer is, then hears nothing more and sees nothing.
    let v = json_of(
        put(&app, &w.ct, &por, json!({"partner_id": null})).await,
        200,
    )
    .await;
    assert_eq!(v["partner_of_record"], Value::Null);
    let mails = notices(&app, "agent@advisor.example").await;
    assert_eq!(mails.len(), 3);
    assert!(
        mails[2].1.contains("no longer partner of record"),
        "{}",
        mails[2].1
    );
    assert_eq!(
        events_for(&app, &adv.org_id, "subscription.partner_of_record_changed").await,
        2,
        "named, then removed"
    );
    json_of(
        put(
            &app,
            &w.pt,
            &format!("/v1/subscriptions/{id}/quantity"),
            json!({"quantity": 7}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(notices(&app, "agent@advisor.example").await.len(), 3);
    assert_eq!(
        app.get(&format!("/v1/subscriptions/{id}"), &agent_t)
            .await
            .status(),
        404
    );
    // Both changes are audited in the customer's log.
    let audit = json_of(
        app.get(
            "/v1/auditrecords?action=subscription.partner_of_record_changed",
            &w.ct,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 2);
}

async fn r_adv_5_portal_the_customer_names_the_partner_of_record(app: TestApp) {
    use crate::helpers::{PortalClient, between, location};
    let w = world(&app).await;
    let s = buy(
        &app,
        &w.pt,
        &w.customer.org_id,
        json!({"offer_id": w.base, "quantity": 2}),
    )
    .await;
    let page = format!("/subscriptions/{}", s["id"].as_str().unwrap());
    let adv = app.reseller_admin("Advisor Partners KK").await;
    app.db_set_partner_id(&adv.org_id, "4440001").await;
    authorize_advisor(&app, &w.op, &adv.org_id).await;
    let mut c = PortalClient::new(&app);
    c.lang = "ja";
    c.sign_in(&w.customer.email, TEST_PASSWORD).await;
    let html = c.get(&page).await.text().await.unwrap();
    assert!(html.contains("レコードのパートナー (POR)"), "{html}");
    assert!(html.contains("id=\"por-form\""));
    let csrf = between(&html, "name=\"csrf\" value=\"", "\"");
    let version = between(&html, "name=\"version\" value=\"", "\"");
    // A partner ID that is no advisor: the page says so in Japanese.
    let r = c
        .post(
            &format!("{page}/partnerofrecord"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("partner_id", "2000001"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("認定されたサブスクリプション アドバイザーではありません")
    );
    // Full-width digits as typed on a Japanese keyboard are the same partner ID.
    let r = c
        .post(
            &format!("{page}/partnerofrecord"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("partner_id", "４４４０００１"),
            ],
        )
        .await;
    assert_eq!(location(&r), format!("{page}?done=partnerofrecord"));
    let html = c.get(&location(&r)).await.text().await.unwrap();
    assert!(
        html.contains("Advisor Partners KK (パートナー ID 4440001)"),
        "{html}"
    );
    assert!(html.contains("レコードのパートナーを保存しました。"));
    // A billing admin sees it, and why they cannot change it.
    let (billing, _) = app
        .add_user(
            &w.customer.org_id,
            "billing@customer.example",
            &[Role::BillingAdmin],
            Some(TEST_PASSWORD),
        )
        .await;
    let mut b = PortalClient::new(&app);
    b.sign_in(&billing.email, TEST_PASSWORD).await;
    let html = b.get(&page).await.text().await.unwrap();
    assert!(html.contains("Advisor Partners KK"));
    assert!(html.contains("id=\"por-reason\""), "{html}");
    assert!(!html.contains("id=\"por-form\""));
}
