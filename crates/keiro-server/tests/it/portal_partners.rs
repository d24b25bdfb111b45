//! The partnership pages over HTTP (R-PRT-1…7): navigation by program role and role, the page
//! behind an invitation link for every kind of visitor, and the directory's two sides.

use crate::helpers::{PortalClient, link_token, location};
use keiro_domain::{OrgKind, Role};
use keiro_testkit::{TEST_PASSWORD, TestApp, both_backends};
use serde_json::json;

both_backends!(
    r_prt_portal_navigation_follows_program_role_and_roles,
    r_prt_2_portal_invite_page_for_every_visitor,
    r_prt_7_portal_directory_edited_by_operator_searched_by_partners,
    r_rel_6_r_rel_7_portal_removal_and_dap_revocation,
    r_cus_1_portal_service_requests_customer_and_partner,
);

async fn r_prt_portal_navigation_follows_program_role_and_roles(app: TestApp) {
    let p = app.provider_admin("Distri").await;
    let r = app.reseller_admin("Resell").await;
    let cust = app.customer_admin("Kokyaku").await;
    let (help, _) = app
        .add_user(
            &p.org_id,
            "help@distri.example",
            &[Role::HelpdeskAgent],
            Some(TEST_PASSWORD),
        )
        .await;
    let page = |email: String| {
        let app = &app;
        async move {
            let mut c = PortalClient::new(app);
            c.sign_in(&email, TEST_PASSWORD).await;
            c.get("/dashboard").await.text().await.unwrap()
        }
    };
    let html = page(p.email.clone()).await;
    assert!(
        html.contains("href=\"/indirect-resellers\"")
            && !html.contains("href=\"/indirect-providers\"")
    );
    assert!(html.contains("href=\"/provider-directory\""));
    let html = page(r.email.clone()).await;
    assert!(
        html.contains("href=\"/indirect-providers\"")
            && !html.contains("href=\"/indirect-resellers\"")
    );
    let html = page(cust.email.clone()).await;
    assert!(!html.contains("href=\"/indirect-") && !html.contains("href=\"/provider-directory\""));
    // A helpdesk agent of a provider: the card is greyed with the reason, the page refuses.
    let mut c = PortalClient::new(&app);
    c.sign_in(&help.email, TEST_PASSWORD).await;
    let html = c.get("/dashboard").await.text().await.unwrap();
    assert!(
        !html.contains("<a href=\"/indirect-resellers\""),
        "no link for a closed page"
    );
    assert!(html.contains("Indirect resellers") && html.contains("It needs one of: Global admin"));
    assert_eq!(c.get("/indirect-resellers").await.status(), 403);
    // The provider's page offers the request; a request shows the draft once, not cached.
    let mut c = PortalClient::new(&app);
    c.sign_in(&p.email, TEST_PASSWORD).await;
    let csrf = c.csrf_on("/indirect-resellers").await;
    let res = c
        .post("/indirect-resellers/request", &[("csrf", &csrf)])
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"draft-link\"") && html.contains("/invite?token=ki_"));
    assert!(html.contains("href=\"mailto:?subject="));
    let list = c.get("/indirect-resellers").await.text().await.unwrap();
    assert!(list.contains("id=\"links-table\"") && list.contains("revoke-link"));
}

async fn r_prt_2_portal_invite_page_for_every_visitor(app: TestApp) {
    let p = app.provider_admin("桜ディストリ").await;
    let r = app.reseller_admin("Resell").await;
    let cust = app.customer_admin("Kokyaku").await;
    let (sales, _) = app
        .add_user(
            &r.org_id,
            "sales@resell.example",
            &[Role::SalesAgent],
            Some(TEST_PASSWORD),
        )
        .await;
    let tok = app.token_for(&p.email).await;
    let created: serde_json::Value = app
        .http
        .post(app.url("/v1/relationshiprequests"))
        .bearer_auth(&tok)
        .json(&json!({"kind": "partnership"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = created["url"].as_str().unwrap();
    let path = format!("/invite?token={}", link_token(url));

    // Anyone: who invites and what it grants, and a way to sign in that comes back here.
    let anon = PortalClient::new(&app);
    assert_eq!(anon.get("/invite?token=ki_wrong").await.status(), 404);
    let res = anon.get(&path).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("桜ディストリ asks you to approve it as your indirect provider"));
    assert!(html.contains("admin access to your organization"));
    assert!(
        html.contains("id=\"invite-signin\"") && html.contains("/signin?next=%2Finvite%3Ftoken%3D")
    );
    assert!(!html.contains("id=\"accept-form\""));

    // Signed in, but not an approved reseller, or not an admin: a clear refusal, no form.
    for (email, expect) in [
        (
            cust.email.clone(),
            "Only an enrolled, approved indirect reseller",
        ),
        (
            sales.email.clone(),
            "It needs one of: Global admin, Admin agent",
        ),
    ] {
        let mut c = PortalClient::new(&app);
        c.sign_in(&email, TEST_PASSWORD).await;
        let html = c.get(&path).await.text().await.unwrap();
        assert!(
            html.contains("id=\"invite-refusal\"") && html.contains(expect),
            "{email}: {html}"
        );
        assert!(!html.contains("id=\"accept-form\""));
    }
    // The reseller's admin: the box must be ticked.
    let mut c = PortalClient::new(&app);
    c.lang = "ja";
    c.sign_in(&r.email, TEST_PASSWORD).await;
    let csrf = c.csrf_on(&path).await;
    let token = link_token(url);
    let res = c
        .post("/invite/accept", &[("csrf", &csrf), ("token", &token)])
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("確認のチェックボックスをオンにしてください")
    );
    assert_eq!(app.count("partnerships").await, 0);
    let res = c
        .post(
            "/invite/accept",
            &[("csrf", &csrf), ("token", &token), ("confirm", "yes")],
        )
        .await;
    assert_eq!(location(&res), "/indirect-providers?done=accepted");
    let html = c
        .get("/indirect-providers?done=accepted")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("桜ディストリ") && html.contains("間接プロバイダーを承認しました"));
    // Used now: the page says so.
    let html = anon.get(&path).await.text().await.unwrap();
    assert!(html.contains("id=\"invite-closed\"") && html.contains("already been used"));
}

async fn r_prt_7_portal_directory_edited_by_operator_searched_by_partners(app: TestApp) {
    let op = app
        .org_with_user(OrgKind::Operator, "Operator", &[Role::OperatorAdmin])
        .await;
    let p = app.provider_admin("Distri").await;
    let r = app.reseller_admin("Resell").await;
    let mut o = PortalClient::new(&app);
    o.sign_in(&op.email, TEST_PASSWORD).await;
    let list = o.get("/operator/directory").await.text().await.unwrap();
    assert!(list.contains(&format!("/operator/directory/{}", p.org_id)));
    assert!(
        !list.contains(&r.org_id),
        "only approved providers are listed"
    );
    let entry = format!("/operator/directory/{}", p.org_id);
    let csrf = o.csrf_on(&entry).await;
    let form = |countries: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("version", "0".to_string()),
            ("countries", countries.to_string()),
            ("regions", "Kanto、Kansai".to_string()),
            ("description", "Billing and support".to_string()),
            ("email", "partners@distri.example".to_string()),
            ("phone", "+81 3 0000 0000".to_string()),
            ("website", String::new()),
        ]
    };
    let bad: Vec<(&str, String)> = form("Japan");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = o.post(&entry, &bad).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("two-letter"));
    let good: Vec<(&str, String)> = form("jp, KR");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = o.post(&entry, &good).await;
    assert_eq!(location(&res), "/provider-directory?done=saved");

    // Partners search by country.
    let mut c = PortalClient::new(&app);
    c.sign_in(&r.email, TEST_PASSWORD).await;
    let html = c
        .get("/provider-directory?country=kr")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Distri") && html.contains("Kanto, Kansai") && html.contains("JP, KR"));
    assert!(!html.contains("id=\"manage-directory\""));
    let html = c
        .get("/provider-directory?country=US")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"directory-none\""));
    // The provider cannot edit its own entry.
    let mut pc = PortalClient::new(&app);
    pc.sign_in(&p.email, TEST_PASSWORD).await;
    assert_eq!(pc.get(&entry).await.status(), 403);
}

async fn r_rel_6_r_rel_7_portal_removal_and_dap_revocation(app: TestApp) {
    let p = app.provider_admin("Distri").await;
    let r = app.reseller_admin("Resell").await;
    app.db_authorize_delegated_admin(&r.org_id).await;
    let cust = app.customer_admin("Kokyaku").await;
    let (pt, rt, ct) = (
        app.token_for(&p.email).await,
        app.token_for(&r.email).await,
        app.token_for(&cust.email).await,
    );
    let post = |tok: String, path: &'static str, body: serde_json::Value| {
        let app = &app;
        async move {
            let v: serde_json::Value = app
                .http
                .post(app.url(path))
                .bearer_auth(tok)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v
        }
    };
    let pl = post(
        pt.clone(),
        "/v1/relationshiprequests",
        json!({"kind": "partnership"}),
    )
    .await;
    post(
        rt.clone(),
        "/v1/invitations/accept",
        json!({"token": link_token(pl["url"].as_str().unwrap()), "confirm": true}),
    )
    .await;
    let tw = post(
        rt.clone(),
        "/v1/relationshiprequests",
        json!({"kind": "three_way_relationship", "provider_id": p.org_id}),
    )
    .await;
    post(
        ct.clone(),
        "/v1/invitations/accept",
        json!({"token": link_token(tw["url"].as_str().unwrap()), "confirm": true}),
    )
    .await;

    // The customer's admin revokes the reseller's delegated admin from the Partners page.
    let mut c = PortalClient::new(&app);
    c.sign_in(&cust.email, TEST_PASSWORD).await;
    let html = c.get("/partners").await.text().await.unwrap();
    assert!(html.contains(&format!("/partners/{}/delegatedadmin", r.org_id)));
    assert!(
        !html.contains(&format!("/partners/{}/delegatedadmin", p.org_id)),
        "the provider holds no DAP"
    );
    let path = format!("/partners/{}/delegatedadmin", r.org_id);
    let csrf = c.csrf_on(&path).await;
    let res = c.post(&path, &[("csrf", &csrf)]).await;
    assert_eq!(location(&res), "/partners?done=dap_revoked");
    let html = c.get("/partners").await.text().await.unwrap();
    assert!(!html.contains(&path));

    // The reseller removes the relationship: attestation first, and the page says no notice.
    let mut rc = PortalClient::new(&app);
    rc.sign_in(&r.email, TEST_PASSWORD).await;
    let remove = format!("/customers/{}/remove", cust.org_id);
    let html = rc.get(&remove).await.text().await.unwrap();
    assert!(
        html.contains("id=\"attestation\"") && html.contains("No notice is sent to the customer")
    );
    let csrf = rc.csrf_on(&remove).await;
    let res = rc.post(&remove, &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), 422);
    let res = rc
        .post(&remove, &[("csrf", &csrf), ("attest", "yes")])
        .await;
    assert_eq!(location(&res), "/customers?done=relationship_removed");
    let html = rc.get("/customers").await.text().await.unwrap();
    assert!(html.contains("id=\"customers-none\""));
    assert_eq!(rc.get(&remove).await.status(), 404);
    // The provider keeps the customer.
    let mut pc = PortalClient::new(&app);
    pc.sign_in(&p.email, TEST_PASSWORD).await;
    assert!(
        pc.get("/customers")
            .await
            .text()
            .await
            .unwrap()
            .contains("Kokyaku")
    );
}

async fn r_cus_1_portal_service_requests_customer_and_partner(app: TestApp) {
    let r = app.reseller_admin("Resell").await;
    app.db_authorize_delegated_admin(&r.org_id).await;
    app.db_set_delegated_access(&r.id, keiro_domain::DelegatedAccess::Limited)
        .await;
    let cust = app.customer_admin("Kokyaku").await;
    let (rt, ct) = (
        app.token_for(&r.email).await,
        app.token_for(&cust.email).await,
    );
    let offer: serde_json::Value = app
        .http
        .post(app.url("/v1/relationshiprequests"))
        .bearer_auth(&rt)
        .json(&json!({"kind": "delegated_admin"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = app
        .http
        .post(app.url("/v1/invitations/accept"))
        .bearer_auth(&ct)
        .json(&json!({"token": link_token(offer["url"].as_str().unwrap()), "confirm": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // The customer's admin opens a request from its Service requests page.
    let mut c = PortalClient::new(&app);
    c.lang = "ja";
    c.sign_in(&cust.email, TEST_PASSWORD).await;
    let res = c.get("/support").await;
    let base = location(&res);
    assert_eq!(base, format!("/customers/{}/servicerequests", cust.org_id));
    let csrf = c.csrf_on(&base).await;
    let res = c
        .post(
            &base,
            &[
                ("csrf", &csrf),
                ("title", "  "),
                ("description", "x"),
                ("severity", "high"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = c
        .post(
            &base,
            &[
                ("csrf", &csrf),
                ("title", "ログインできない"),
                ("description", "朝から"),
                ("severity", "high"),
            ],
        )
        .await;
    let detail = location(&res);
    assert!(detail.starts_with(&format!("{base}/")), "{detail}");
    let res = c
        .post(&detail, &[("csrf", &csrf), ("note", "再起動済み")])
        .await;
    assert_eq!(location(&res), detail);
    // The partner (limited delegated admin: the customer's password admin rights) follows it.
    let mut pc = PortalClient::new(&app);
    pc.sign_in(&r.email, TEST_PASSWORD).await;
    let html = pc.get(&base).await.text().await.unwrap();
    assert!(html.contains("ログインできない"));
    let html = pc.get(&detail).await.text().await.unwrap();
    assert!(html.contains("再起動済み") && html.contains("Kokyaku"));
    let pcsrf = pc.csrf_on(&detail).await;
    let version = crate::helpers::between(&html, "name=\"version\" value=\"", "\"");
    let res = pc
        .post(
            &detail,
            &[
                ("csrf", &pcsrf),
                ("status", "resolved"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(location(&res), detail);
    // A stale version is told, not applied.
    let res = pc
        .post(
            &detail,
            &[
                ("csrf", &pcsrf),
                ("status", "closed"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(res.status(), 412);
    let html = c.get(&detail).await.text().await.unwrap();
    assert!(html.contains("解決済み"));
    // Limited delegated admin: the customer's users are shown, a role change is refused with
    // the reason.
    let page = format!("/customers/{}/users", cust.org_id);
    let html = pc.get(&page).await.text().await.unwrap();
    assert!(html.contains("class=\"set-roles\"") && html.contains(&cust.email));
    let res = pc
        .post(
            &format!("{page}/{}/roles", cust.id),
            &[("csrf", &pcsrf), ("roles", "user")],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("Global admin"));
}
