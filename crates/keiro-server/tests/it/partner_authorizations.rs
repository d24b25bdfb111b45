//! Program authorizations kept by operator staff (issue 16 point 1, R-ADV-1, R-ORG-1), through
//! the API and the portal, on SQLite and PostgreSQL.

use crate::helpers::{PortalClient, code, json_of, location, mails_to, send};
use keiro_domain::{OrgKind, Role};
use keiro_testkit::{TEST_PASSWORD, TestApp, both_backends};
use reqwest::Method;
use serde_json::{Value, json};

both_backends!(
    r_adv_1_operator_grants_and_revokes_authorizations_with_a_reason,
    r_adv_1_authorizations_are_operator_only_and_for_approved_partners,
    r_adv_1_portal_authorizations_page_in_both_languages,
);

async fn operator(app: &TestApp, role: Role) -> String {
    let op = app
        .org_with_user(OrgKind::Operator, "Operator", &[role])
        .await;
    app.token_for(&op.email).await
}

/// How many authorization emails the outbox holds.
async fn notices(app: &TestApp) -> usize {
    keiro_store::repo::outbox::list(app.app.db.reader(), (None, None), None, 1000)
        .await
        .unwrap()
        .items
        .iter()
        .filter(|m| m.template == "partner-authorizations-changed")
        .count()
}

fn path(org: &str) -> String {
    format!("/v1/partnerauthorizations/{org}")
}

async fn set(
    app: &TestApp,
    tok: &str,
    org: &str,
    body: Value,
    etag: Option<&str>,
) -> reqwest::Response {
    let h: Vec<(&str, &str)> = etag.map(|e| ("if-match", e)).into_iter().collect();
    send(app, Method::PUT, tok, &path(org), Some(body), &h).await
}

async fn r_adv_1_operator_grants_and_revokes_authorizations_with_a_reason(app: TestApp) {
    let op = operator(&app, Role::OperatorReviewer).await;
    let p = app.reseller_admin("Sakura Advisory KK").await;
    let pt = app.token_for(&p.email).await;
    let org = p.org_id.clone();

    // Listed with nothing held; the filter finds no advisor yet.
    let list = json_of(
        app.get("/v1/partnerauthorizations?q=sakura", &op).await,
        200,
    )
    .await;
    assert_eq!(list["items"][0]["organization_id"], org.as_str());
    assert_eq!(list["items"][0]["authorizations"], json!([]));
    let advisors = json_of(
        app.get(
            "/v1/partnerauthorizations?authorization=subscription_advisor",
            &op,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(advisors["items"], json!([]));
    assert_eq!(
        code(
            app.get("/v1/partnerauthorizations?authorization=reseller", &op)
                .await
        )
        .await,
        (422, "invalid_query".into())
    );

    // A change needs a reason; an unknown code and a stale ETag are refused.
    let grant = json!({"authorizations": ["subscription_advisor", "delegated_admin"]});
    assert_eq!(
        code(set(&app, &op, &org, grant.clone(), None).await).await,
        (422, "reason_required".into())
    );
    assert_eq!(
        code(
            set(
                &app,
                &op,
                &org,
                json!({"authorizations": ["reseller"], "reason": "x"}),
                None
            )
            .await
        )
        .await
        .0,
        422
    );
    let res = app.get(&path(&org), &op).await;
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(
        code(
            set(
                &app,
                &op,
                &org,
                json!({"authorizations": ["delegated_admin"], "reason": "x"}),
                Some("\"o999\"")
            )
            .await
        )
        .await,
        (412, "precondition_failed".into())
    );
    assert_eq!(notices(&app).await, 0, "a refused change sends nothing");

    // Granted with the fresh ETag: audited, emailed in the contact's language (a Japanese
    // company without an application: its own address, in Japanese).
    let mut body = grant.clone();
    body["reason"] = json!("Advisor agreement signed 2026-12-01");
    let res = set(&app, &op, &org, body.clone(), Some(&etag)).await;
    let new_etag = res.headers()["etag"].to_str().unwrap().to_string();
    assert_ne!(new_etag, etag);
    let v = json_of(res, 200).await;
    assert_eq!(
        v["authorizations"],
        json!(["subscription_advisor", "delegated_admin"])
    );
    assert_eq!(
        code(set(&app, &op, &org, body.clone(), Some(&etag)).await)
            .await
            .0,
        412,
        "the old ETag no longer applies"
    );
    let mails = mails_to(&app, "info@sakuraadvisorykk.example").await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].0, "partner-authorizations-changed");
    assert!(
        mails[0].1.contains("認定が変更されました"),
        "{}",
        mails[0].1
    );
    assert!(
        mails[0]
            .2
            .contains("付与: サブスクリプション アドバイザー、委任された管理者"),
        "{}",
        mails[0].2
    );
    assert!(mails[0].2.contains("取り消し: なし"));
    assert!(mails[0].2.contains("Advisor agreement signed 2026-12-01"));
    // The partner sees what it holds, and the change in its own audit log.
    let me = json_of(app.get("/v1/organization/profile", &pt).await, 200).await;
    assert_eq!(
        me["authorizations"],
        json!(["subscription_advisor", "delegated_admin"])
    );
    let audit = json_of(
        app.get(
            "/v1/auditrecords?action=organization.authorizations_changed",
            &pt,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        audit["items"][0]["details"]["granted"],
        json!(["subscription_advisor", "delegated_admin"])
    );
    assert_eq!(
        audit["items"][0]["details"]["reason"],
        "Advisor agreement signed 2026-12-01"
    );

    // Setting what it holds already changes nothing: no reason needed, no row, no email.
    let v = json_of(set(&app, &op, &org, grant.clone(), None).await, 200).await;
    assert_eq!(
        v["authorizations"],
        json!(["subscription_advisor", "delegated_admin"])
    );
    assert_eq!(
        mails_to(&app, "info@sakuraadvisorykk.example").await.len(),
        1
    );

    // The delegated admin offer works while authorized, and stops with the revocation.
    let offer = json!({"kind": "delegated_admin"});
    assert_eq!(
        crate::helpers::post(&app, &pt, "/v1/relationshiprequests", offer.clone())
            .await
            .status(),
        201
    );
    let v = json_of(
        set(
            &app,
            &op,
            &org,
            json!({"authorizations": ["subscription_advisor"], "reason": "Delegated admin training lapsed"}),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(v["authorizations"], json!(["subscription_advisor"]));
    assert_eq!(
        code(crate::helpers::post(&app, &pt, "/v1/relationshiprequests", offer).await).await,
        (403, "not_delegated_admin_authorized".into())
    );
    let mails = mails_to(&app, "info@sakuraadvisorykk.example").await;
    assert_eq!(mails.len(), 2);
    assert!(
        mails[1].2.contains("取り消し: 委任された管理者"),
        "{}",
        mails[1].2
    );
    assert!(
        mails[1]
            .2
            .contains("現在の認定: サブスクリプション アドバイザー")
    );

    // The history, newest first, names who changed what and why.
    let h = json_of(app.get(&format!("{}/changes", path(&org)), &op).await, 200).await;
    let items = h["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["revoked"], json!(["delegated_admin"]));
    assert_eq!(items[0]["reason"], "Delegated admin training lapsed");
    assert_eq!(
        items[1]["granted"],
        json!(["subscription_advisor", "delegated_admin"])
    );
    assert!(items[0]["by"].as_str().unwrap().contains('@'));
    let advisors = json_of(
        app.get(
            "/v1/partnerauthorizations?authorization=subscription_advisor",
            &op,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(advisors["items"][0]["organization_id"], org.as_str());
}

async fn r_adv_1_authorizations_are_operator_only_and_for_approved_partners(app: TestApp) {
    let op = operator(&app, Role::OperatorAdmin).await;
    let p = app.reseller_admin("Partner One").await;
    let pt = app.token_for(&p.email).await;
    let c = app.customer_admin("Customer One").await;
    let ct = app.token_for(&c.email).await;
    let body = json!({"authorizations": ["subscription_advisor"], "reason": "self-service"});
    // Partners and customers may not list or change authorizations, not even their own.
    for t in [&pt, &ct] {
        assert_eq!(
            code(app.get("/v1/partnerauthorizations", t).await).await,
            (403, "operator_only".into())
        );
        assert_eq!(
            code(set(&app, t, &p.org_id, body.clone(), None).await).await,
            (403, "operator_only".into())
        );
    }
    // Only partners hold them: a customer or an unknown id is not found.
    assert_eq!(
        code(set(&app, &op, &c.org_id, body.clone(), None).await).await,
        (404, "not_found".into())
    );
    assert_eq!(
        code(
            app.get(&path("0190a0a0-0000-7000-8000-000000000000"), &op)
                .await
        )
        .await,
        (404, "not_found".into())
    );
    // A partner still enrolling has none to change.
    let tx = app.app.db.begin().await.unwrap();
    keiro_store::repo::orgs::set_partner_standing(
        &tx,
        &p.org_id,
        "enrolling",
        None,
        None,
        app.app.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        code(set(&app, &op, &p.org_id, body, None).await).await,
        (409, "partner_not_approved".into())
    );
    let list = json_of(app.get("/v1/partnerauthorizations", &op).await, 200).await;
    assert_eq!(
        list["items"],
        json!([]),
        "only approved partners are listed"
    );
    assert_eq!(notices(&app).await, 0);
}

async fn r_adv_1_portal_authorizations_page_in_both_languages(app: TestApp) {
    let op = app
        .org_with_user(OrgKind::Operator, "Operator", &[Role::OperatorReviewer])
        .await;
    let p = app.reseller_admin("Kaede Systems").await;
    let page = format!("/operator/authorizations/{}", p.org_id);
    for (lang, title, none) in [
        ("ja", "パートナーの認定", "変更はまだありません。"),
        ("en", "Partner authorizations", "No changes yet."),
    ] {
        let mut c = PortalClient::new(&app);
        c.lang = lang;
        c.sign_in(&op.email, TEST_PASSWORD).await;
        let html = c
            .get("/operator/authorizations")
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains(title), "{lang}: {html}");
        assert!(html.contains(&format!("href=\"{page}\"")));
        assert!(
            html.contains("href=\"/operator/authorizations\""),
            "in the navigation"
        );
        let html = c.get(&page).await.text().await.unwrap();
        assert!(html.contains(none), "{lang}");
        assert!(html.contains("id=\"authz-subscription_advisor\""));
    }
    let mut c = PortalClient::new(&app);
    c.lang = "ja";
    c.sign_in(&op.email, TEST_PASSWORD).await;
    let csrf = c.csrf_on(&page).await;
    let html = c.get(&page).await.text().await.unwrap();
    let version = crate::helpers::between(&html, "name=\"version\" value=\"", "\"");
    // Without a reason the form comes back with the ticked box and a readable message.
    let r = c
        .post(
            &page,
            &[
                ("csrf", &csrf),
                ("authorization", "subscription_advisor"),
                ("reason", ""),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("aria-invalid=\"true\""), "{html}");
    assert!(
        html.contains("value=\"subscription_advisor\" id=\"authz-subscription_advisor\" checked")
    );
    let r = c
        .post(
            &page,
            &[
                ("csrf", &csrf),
                ("authorization", "subscription_advisor"),
                ("authorization", "delegated_admin"),
                ("reason", "契約締結"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(location(&r), format!("{page}?done=1"));
    let html = c.get(&format!("{page}?done=1")).await.text().await.unwrap();
    assert!(html.contains("認定を保存しました。"));
    assert!(html.contains("<td>契約締結</td>"), "{html}");
    assert!(html.contains("サブスクリプション アドバイザー、委任された管理者"));
    // The same form again (a stale version) is refused, not applied twice.
    let r = c
        .post(
            &page,
            &[("csrf", &csrf), ("reason", "again"), ("version", &version)],
        )
        .await;
    assert_eq!(r.status(), 412);
    assert_eq!(mails_to(&app, "info@kaedesystems.example").await.len(), 1);
    // A partner's user cannot open the page.
    let mut pc = PortalClient::new(&app);
    pc.sign_in(&p.email, TEST_PASSWORD).await;
    assert_eq!(pc.get(&page).await.status(), 403);
}
