//! Provider ↔ reseller partnerships and the provider directory through the API (R-PRT-1…7),
//! on SQLite and PostgreSQL.

use crate::helpers::{json_of, link_token, mails_to, post, problem};
use keiro_domain::{DelegatedAccess, OrgKind, ProgramRole, Role};
use keiro_testkit::{TestApp, TestUser, both_backends};
use serde_json::{Value, json};

both_backends!(
    r_prt_1_provider_gets_a_link_and_a_draft,
    r_prt_1_revoked_and_expired_links_change_nothing,
    r_prt_2_only_an_approved_reseller_admin_accepts,
    r_prt_2_concurrent_acceptances_of_one_link_one_wins,
    r_prt_3_both_sides_list_each_other,
    r_prt_3_r_prt_5_only_shared_customers_are_seen,
    r_prt_4_provider_admin_access_and_its_removal,
    r_prt_6_either_side_removes_with_attestation,
    r_prt_7_operator_maintains_directory_resellers_search_it,
);

async fn provider(app: &TestApp, name: &str) -> TestUser {
    app.provider_admin(name).await
}

async fn reseller(app: &TestApp, name: &str) -> TestUser {
    app.reseller_admin(name).await
}

/// A fresh partnership request link of `tok`'s provider: (url, token).
async fn link(app: &TestApp, tok: &str) -> (String, String) {
    let v = json_of(
        post(
            app,
            tok,
            "/v1/relationshiprequests",
            json!({"kind": "partnership"}),
        )
        .await,
        201,
    )
    .await;
    let url = v["url"].as_str().unwrap().to_string();
    let token = link_token(&url);
    (url, token)
}

async fn accept(app: &TestApp, tok: &str, token: &str) -> reqwest::Response {
    post(
        app,
        tok,
        "/v1/invitations/accept",
        json!({"token": token, "confirm": true}),
    )
    .await
}

/// Provider and reseller, partnered; returns (provider, reseller, provider token, reseller token).
async fn partnered(app: &TestApp) -> (TestUser, TestUser, String, String) {
    let p = provider(app, "Distri KK").await;
    let r = reseller(app, "Resell GK").await;
    let pt = app.token_for(&p.email).await;
    let rt = app.token_for(&r.email).await;
    let (_, token) = link(app, &pt).await;
    json_of(accept(app, &rt, &token).await, 200).await;
    (p, r, pt, rt)
}

async fn r_prt_1_provider_gets_a_link_and_a_draft(app: TestApp) {
    let p = provider(&app, "Distri KK").await;
    let tok = app.token_for(&p.email).await;
    let res = app
        .http
        .post(app.url("/v1/relationshiprequests"))
        .bearer_auth(&tok)
        .header("idempotency-key", "req-1")
        .json(&json!({"kind": "partnership"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["cache-control"], "no-store");
    let v = json_of(res, 201).await;
    let url = v["url"].as_str().unwrap();
    assert!(url.starts_with(&app.url("/invite?token=ki_")), "{url}");
    assert!(v["draft"]["body"].as_str().unwrap().contains(url));
    assert!(
        v["draft"]["subject"]
            .as_str()
            .unwrap()
            .contains("Distri KK")
    );
    let mailto = v["draft"]["mailto"].as_str().unwrap();
    assert!(mailto.starts_with("mailto:?subject="));
    assert!(
        mailto.contains(&link_token(url)),
        "the link is in the mailto body"
    );
    assert_eq!(v["request"]["status"], "open");
    assert_eq!(v["request"]["kind"], "partnership");
    // The token is stored hashed: nowhere in the table in clear.
    assert_eq!(app.count("invitations").await, 1);
    // A retry with the same key makes no second link and does not show the secret again.
    let again = app
        .http
        .post(app.url("/v1/relationshiprequests"))
        .bearer_auth(&tok)
        .header("idempotency-key", "req-1")
        .json(&json!({"kind": "partnership"}))
        .send()
        .await
        .unwrap();
    let again = json_of(again, 200).await;
    assert_eq!(again["url"], Value::Null);
    assert_eq!(again["request"]["id"], v["request"]["id"]);
    assert_eq!(app.count("invitations").await, 1);

    // Sent through Keiro with an edited text that dropped the link: the link is put back.
    let sent = json_of(
        post(&app, &tok, "/v1/relationshiprequests", json!({"kind": "partnership", "send_to": "boss@resell.example", "message": "Please approve us."})).await,
        201,
    )
    .await;
    assert_eq!(sent["sent"], true);
    assert_eq!(sent["request"]["recipient_email"], "boss@resell.example");
    let mails = mails_to(&app, "boss@resell.example").await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "partnership-request");
    assert!(mails[0].2.contains("Please approve us."));
    assert!(mails[0].2.contains(sent["url"].as_str().unwrap()));

    // Listing shows both links; unknown kinds are refused.
    let list = json_of(app.get("/v1/relationshiprequests", &tok).await, 200).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let (s, p) = problem(app.get("/v1/relationshiprequests?kind=gdap", &tok).await).await;
    assert_eq!((s, p["code"].as_str().unwrap()), (422, "invalid_kind"));

    // Only providers ask; among their users, not every role.
    let r = reseller(&app, "Resell GK").await;
    let rt = app.token_for(&r.email).await;
    assert_eq!(
        app.as_user(&rt)
            .post::<Value>("/v1/relationshiprequests", &json!({"kind": "partnership"}))
            .await
            .problem(),
        (403, "not_indirect_provider".into())
    );
    let (helpdesk, _) = app
        .add_user(
            &p_org(&tok, &app).await,
            "help@distri.example",
            &[Role::HelpdeskAgent],
            Some(keiro_testkit::TEST_PASSWORD),
        )
        .await;
    let ht = app.token_for(&helpdesk.email).await;
    let (s, p) = problem(
        post(
            &app,
            &ht,
            "/v1/relationshiprequests",
            json!({"kind": "partnership"}),
        )
        .await,
    )
    .await;
    assert_eq!((s, p["code"].as_str().unwrap()), (403, "role_required"));
    let (sales, _) = app
        .add_user(
            &p_org(&tok, &app).await,
            "sales@distri.example",
            &[Role::SalesAgent],
            Some(keiro_testkit::TEST_PASSWORD),
        )
        .await;
    let st = app.token_for(&sales.email).await;
    json_of(
        post(
            &app,
            &st,
            "/v1/relationshiprequests",
            json!({"kind": "partnership"}),
        )
        .await,
        201,
    )
    .await;
}

async fn p_org(tok: &str, app: &TestApp) -> String {
    let me = json_of(app.get("/v1/me", tok).await, 200).await;
    me["organization"]["id"]
        .as_str()
        .or(me["org_id"].as_str())
        .unwrap()
        .to_string()
}

async fn r_prt_1_revoked_and_expired_links_change_nothing(app: TestApp) {
    let p = provider(&app, "Distri KK").await;
    let r = reseller(&app, "Resell GK").await;
    let pt = app.token_for(&p.email).await;
    let rt = app.token_for(&r.email).await;

    // Revoked by its creator.
    let created = json_of(
        post(
            &app,
            &pt,
            "/v1/relationshiprequests",
            json!({"kind": "partnership"}),
        )
        .await,
        201,
    )
    .await;
    let token = link_token(created["url"].as_str().unwrap());
    let id = created["request"]["id"].as_str().unwrap();
    let revoked = json_of(
        post(
            &app,
            &pt,
            &format!("/v1/relationshiprequests/{id}/revoke"),
            json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(revoked["status"], "revoked");
    assert_eq!(
        app.as_user(&pt)
            .post::<Value>(&format!("/v1/relationshiprequests/{id}/revoke"), &json!({}))
            .await
            .problem(),
        (409, "invitation_not_open".into())
    );
    let preview = json_of(
        app.http
            .get(app.url(&format!("/v1/invitations/preview?token={token}")))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(preview["status"], "revoked");
    let (s, p2) = problem(accept(&app, &rt, &token).await).await;
    assert_eq!(
        (s, p2["code"].as_str().unwrap()),
        (409, "invitation_revoked")
    );
    // Another organization cannot see or revoke it.
    let (s, _) = problem(
        post(
            &app,
            &rt,
            &format!("/v1/relationshiprequests/{id}/revoke"),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 404);

    // Expired after 30 days (the default).
    let (_, token) = link(&app, &pt).await;
    app.clock
        .advance(time::Duration::days(30) + time::Duration::seconds(1));
    let rt = app.token_for(&r.email).await;
    let preview = json_of(
        app.http
            .get(app.url(&format!("/v1/invitations/preview?token={token}")))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(preview["status"], "expired");
    let (s, p2) = problem(accept(&app, &rt, &token).await).await;
    assert_eq!(
        (s, p2["code"].as_str().unwrap()),
        (409, "invitation_expired")
    );

    // Unknown tokens are 404; nothing was created by any refusal.
    let (s, _) = problem(accept(&app, &rt, "ki_nope").await).await;
    assert_eq!(s, 404);
    let (s, _) = problem(
        app.http
            .get(app.url("/v1/invitations/preview?token=ki_nope"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 404);
    assert_eq!(app.count("partnerships").await, 0);
    assert_eq!(app.count("delegated_rights").await, 0);
}

async fn r_prt_2_only_an_approved_reseller_admin_accepts(app: TestApp) {
    let p = provider(&app, "Distri KK").await;
    let pt = app.token_for(&p.email).await;
    let (_, token) = link(&app, &pt).await;

    // The page behind the link says who invites and what accepting grants, without sign-in.
    let preview = json_of(
        app.http
            .get(app.url(&format!("/v1/invitations/preview?token={token}")))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(preview["status"], "open");
    assert_eq!(preview["from_legal_name"], "Distri KK");
    assert_eq!(preview["invited_by"], "Test User");
    assert_eq!(
        preview["grants"],
        json!([
            "orders_for_your_customers",
            "admin_access_to_your_organization"
        ])
    );

    // Not signed in.
    let res = app
        .http
        .post(app.url("/v1/invitations/accept"))
        .json(&json!({"token": token, "confirm": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    // A customer, a direct partner, an enrolling reseller, the provider itself: refused clearly.
    let cust = app.customer_admin("Kokyaku").await;
    let direct = app
        .partner(
            "Direct Co",
            &[ProgramRole::DirectPartner],
            &[Role::GlobalAdmin],
        )
        .await;
    let enrolling = reseller(&app, "Enrolling Co").await;
    {
        let tx = app.app.db.begin().await.unwrap();
        keiro_store::repo::orgs::set_partner_standing(
            &tx,
            &enrolling.org_id,
            "enrolling",
            None,
            None,
            app.app.now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    for who in [&cust, &direct, &enrolling, &p] {
        let t = app.token_for(&who.email).await;
        let (s, body) = problem(accept(&app, &t, &token).await).await;
        assert_eq!(
            (s, body["code"].as_str().unwrap()),
            (403, "not_indirect_reseller"),
            "{}",
            who.email
        );
    }
    // A reseller user without an admin role.
    let r = reseller(&app, "Resell GK").await;
    let (sales, _) = app
        .add_user(
            &r.org_id,
            "sales@resell.example",
            &[Role::SalesAgent],
            Some(keiro_testkit::TEST_PASSWORD),
        )
        .await;
    let st = app.token_for(&sales.email).await;
    let (s, body) = problem(accept(&app, &st, &token).await).await;
    assert_eq!((s, body["code"].as_str().unwrap()), (403, "role_required"));
    // An admin who did not tick the box.
    let rt = app.token_for(&r.email).await;
    assert_eq!(
        app.as_user(&rt)
            .post::<Value>(
                "/v1/invitations/accept",
                &json!({"token": token, "confirm": false})
            )
            .await
            .problem(),
        (422, "confirmation_required".into())
    );
    assert_eq!(app.count("partnerships").await, 0);

    // An admin agent who ticks it.
    let (agent, _) = app
        .add_user(
            &r.org_id,
            "agent@resell.example",
            &[Role::AdminAgent],
            Some(keiro_testkit::TEST_PASSWORD),
        )
        .await;
    let at = app.token_for(&agent.email).await;
    let v = json_of(accept(&app, &at, &token).await, 200).await;
    assert_eq!(v["kind"], "partnership");
    assert_eq!(v["partner"]["legal_name"], "Distri KK");
    assert_eq!(v["partner"]["id"], p.org_id.as_str());
    assert_eq!(v["partner"]["admin_access"], true);
    assert_eq!(app.count("partnerships").await, 1);
    assert_eq!(app.count("delegated_rights").await, 1);
    // The link is used up; the requester is told by email.
    let (s, body) = problem(accept(&app, &rt, &token).await).await;
    assert_eq!(
        (s, body["code"].as_str().unwrap()),
        (409, "invitation_used")
    );
    let mails: Vec<_> = mails_to(&app, &p.email)
        .await
        .into_iter()
        .filter(|m| m.0 != "api-token-created")
        .collect();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "partnership-accepted");
    assert!(mails[0].2.contains("Resell GK"));
    // A second link for the same pair is refused and stays open.
    let (_, token2) = link(&app, &pt).await;
    let (s, body) = problem(accept(&app, &rt, &token2).await).await;
    assert_eq!(
        (s, body["code"].as_str().unwrap()),
        (409, "already_partners")
    );
    let preview = json_of(
        app.http
            .get(app.url(&format!("/v1/invitations/preview?token={token2}")))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(preview["status"], "open");
    // Audited on both sides.
    let audit = json_of(
        app.get("/v1/auditrecords?action=partnership.accepted", &pt)
            .await,
        200,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1, "{audit}");
    let audit = json_of(
        app.get("/v1/auditrecords?action=partnership.accepted", &rt)
            .await,
        200,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1, "{audit}");
}

async fn r_prt_2_concurrent_acceptances_of_one_link_one_wins(app: TestApp) {
    let p = provider(&app, "Distri KK").await;
    let pt = app.token_for(&p.email).await;
    for round in 0..4 {
        // Two resellers race for one single-use link.
        let a = reseller(&app, &format!("Race A{round}")).await;
        let b = reseller(&app, &format!("Race B{round}")).await;
        let (at, bt) = (app.token_for(&a.email).await, app.token_for(&b.email).await);
        let (_, token) = link(&app, &pt).await;
        let (ra, rb) = tokio::join!(accept(&app, &at, &token), accept(&app, &bt, &token));
        let mut codes = [ra.status().as_u16(), rb.status().as_u16()];
        codes.sort();
        assert_eq!(codes, [200, 409], "round {round}");
        // One reseller races itself with two links: one partnership.
        let c = reseller(&app, &format!("Race C{round}")).await;
        let ct = app.token_for(&c.email).await;
        let (_, t1) = link(&app, &pt).await;
        let (_, t2) = link(&app, &pt).await;
        let (r1, r2) = tokio::join!(accept(&app, &ct, &t1), accept(&app, &ct, &t2));
        let mut codes = [r1.status().as_u16(), r2.status().as_u16()];
        codes.sort();
        assert_eq!(codes, [200, 409], "round {round}");
    }
    assert_eq!(app.count("partnerships").await, 8);
    assert_eq!(app.count("delegated_rights").await, 8);
}

async fn r_prt_3_both_sides_list_each_other(app: TestApp) {
    let p = provider(&app, "Distri KK").await;
    let pt = app.token_for(&p.email).await;
    let mut resellers = Vec::new();
    for name in ["Alpha Resell", "Beta Resell", "Gamma 100%_Resell"] {
        let r = reseller(&app, name).await;
        let rt = app.token_for(&r.email).await;
        let (_, token) = link(&app, &pt).await;
        json_of(accept(&app, &rt, &token).await, 200).await;
        resellers.push((r, rt));
    }
    let first = json_of(app.get("/v1/indirectresellers?limit=2", &pt).await, 200).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = json_of(
        app.get(
            &format!("/v1/indirectresellers?limit=2&cursor={cursor}"),
            &pt,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["next_cursor"], Value::Null);
    let found = json_of(app.get("/v1/indirectresellers?q=beta", &pt).await, 200).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    assert_eq!(found["items"][0]["legal_name"], "Beta Resell");
    // LIKE wildcards are literal.
    let found = json_of(app.get("/v1/indirectresellers?q=100%25_", &pt).await, 200).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    let found = json_of(app.get("/v1/indirectresellers?q=%25", &pt).await, 200).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);

    // The reseller sees its provider; the single views match.
    let (r, rt) = &resellers[0];
    let mine = json_of(app.get("/v1/indirectproviders", rt).await, 200).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine["items"][0]["legal_name"], "Distri KK");
    assert_eq!(mine["items"][0]["admin_access"], true);
    let one = json_of(
        app.get(&format!("/v1/indirectproviders/{}", p.org_id), rt)
            .await,
        200,
    )
    .await;
    assert_eq!(one["partnership_id"], mine["items"][0]["partnership_id"]);
    let one = json_of(
        app.get(&format!("/v1/indirectresellers/{}", r.org_id), &pt)
            .await,
        200,
    )
    .await;
    assert_eq!(one["legal_name"], "Alpha Resell");
    // The reseller is not the provider's provider; strangers see nothing.
    let (s, _) = problem(
        app.get(&format!("/v1/indirectresellers/{}", p.org_id), rt)
            .await,
    )
    .await;
    assert_eq!(s, 404);
    let other = provider(&app, "Other Distri").await;
    let ot = app.token_for(&other.email).await;
    let (s, _) = problem(
        app.get(&format!("/v1/indirectresellers/{}", r.org_id), &ot)
            .await,
    )
    .await;
    assert_eq!(s, 404);
    assert_eq!(
        json_of(app.get("/v1/indirectresellers", &ot).await, 200).await["items"],
        json!([])
    );
    // Roles: a helpdesk agent does not see partnerships; a sales agent does.
    let (help, _) = app
        .add_user(
            &p.org_id,
            "help@distri.example",
            &[Role::HelpdeskAgent],
            Some(keiro_testkit::TEST_PASSWORD),
        )
        .await;
    let ht = app.token_for(&help.email).await;
    let (s, body) = problem(app.get("/v1/indirectresellers", &ht).await).await;
    assert_eq!((s, body["code"].as_str().unwrap()), (403, "role_required"));
    let (sales, _) = app
        .add_user(
            &p.org_id,
            "sales@distri.example",
            &[Role::SalesAgent],
            Some(keiro_testkit::TEST_PASSWORD),
        )
        .await;
    let st = app.token_for(&sales.email).await;
    assert_eq!(
        json_of(app.get("/v1/indirectresellers", &st).await, 200).await["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

async fn r_prt_3_r_prt_5_only_shared_customers_are_seen(app: TestApp) {
    let p = provider(&app, "Distri KK").await;
    let r = reseller(&app, "Resell GK").await;
    let pt = app.token_for(&p.email).await;
    let rt = app.token_for(&r.email).await;
    let both = app.customer_admin("Shared Customer").await;
    let provider_only = app.customer_admin("Provider Only").await;
    let reseller_only = app.customer_admin("Reseller Only").await;
    app.db_relate(&p.org_id, &both.org_id).await;
    app.db_relate(&r.org_id, &both.org_id).await;
    app.db_relate(&p.org_id, &provider_only.org_id).await;
    app.db_relate(&r.org_id, &reseller_only.org_id).await;
    // Before the partnership there is nothing to look at.
    let (s, _) = problem(
        app.get(
            &format!("/v1/indirectresellers/{}/customers", r.org_id),
            &pt,
        )
        .await,
    )
    .await;
    assert_eq!(s, 404);
    let (_, token) = link(&app, &pt).await;
    json_of(accept(&app, &rt, &token).await, 200).await;

    let seen = json_of(
        app.get(
            &format!("/v1/indirectresellers/{}/customers", r.org_id),
            &pt,
        )
        .await,
        200,
    )
    .await;
    let names: Vec<&str> = seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["legal_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Shared Customer"]);
    let seen = json_of(
        app.get(
            &format!("/v1/indirectproviders/{}/customers", p.org_id),
            &rt,
        )
        .await,
        200,
    )
    .await;
    let names: Vec<&str> = seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["legal_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Shared Customer"]);
    // Search by domain; a new shared customer appears without further work.
    let later = app.customer_admin("Later Customer").await;
    app.db_relate(&r.org_id, &later.org_id).await;
    app.db_relate(&p.org_id, &later.org_id).await;
    let seen = json_of(
        app.get(
            &format!(
                "/v1/indirectproviders/{}/customers?q=latercustomer.example",
                p.org_id
            ),
            &rt,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(seen["items"].as_array().unwrap().len(), 1);
    assert_eq!(seen["items"][0]["id"], later.org_id.as_str());
    let all = json_of(
        app.get(
            &format!("/v1/indirectresellers/{}/customers", r.org_id),
            &pt,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
}

async fn r_prt_4_provider_admin_access_and_its_removal(app: TestApp) {
    let (p, r, pt, rt) = partnered(&app).await;
    let path = format!("/v1/indirectresellers/{}/users", r.org_id);
    // The admin access applies to provider users with full delegated access.
    let (s, _) = problem(app.get(&path, &pt).await).await;
    assert_eq!(s, 404, "no delegated access: no access");
    app.db_set_delegated_access(&p.id, DelegatedAccess::Full)
        .await;
    let users = json_of(app.get(&path, &pt).await, 200).await;
    assert_eq!(users["items"][0]["email"], r.email.as_str());
    // Only the reseller's global admin removes it.
    let (agent, _) = app
        .add_user(
            &r.org_id,
            "agent@resell.example",
            &[Role::AdminAgent],
            Some(keiro_testkit::TEST_PASSWORD),
        )
        .await;
    let at = app.token_for(&agent.email).await;
    let access = format!("/v1/indirectproviders/{}/adminaccess", p.org_id);
    let res = app
        .http
        .delete(app.url(&access))
        .bearer_auth(&at)
        .send()
        .await
        .unwrap();
    let (s, body) = problem(res).await;
    assert_eq!((s, body["code"].as_str().unwrap()), (403, "role_required"));
    // The provider cannot remove or restore it from its side: it is not the reseller.
    let res = app
        .http
        .put(app.url(&format!("/v1/indirectproviders/{}/adminaccess", r.org_id)))
        .bearer_auth(&pt)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    let res = app
        .http
        .delete(app.url(&access))
        .bearer_auth(&rt)
        .send()
        .await
        .unwrap();
    let v = json_of(res, 200).await;
    assert_eq!(v["admin_access"], false);
    // At once: the provider's very next request is refused; the partnership stays.
    let (s, _) = problem(app.get(&path, &pt).await).await;
    assert_eq!(s, 404);
    let list = json_of(app.get("/v1/indirectresellers", &pt).await, 200).await;
    assert_eq!(list["items"][0]["admin_access"], false);
    let res = app
        .http
        .delete(app.url(&access))
        .bearer_auth(&rt)
        .send()
        .await
        .unwrap();
    let (s, body) = problem(res).await;
    assert_eq!(
        (s, body["code"].as_str().unwrap()),
        (409, "no_admin_access")
    );
    // Restored by the reseller, it works again.
    let res = app
        .http
        .put(app.url(&access))
        .bearer_auth(&rt)
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(res, 200).await["admin_access"], true);
    json_of(app.get(&path, &pt).await, 200).await;
    let audit = json_of(
        app.get("/v1/auditrecords?action=delegated_right.revoked", &rt)
            .await,
        200,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
}

async fn r_prt_6_either_side_removes_with_attestation(app: TestApp) {
    let (p, r, pt, rt) = partnered(&app).await;
    app.db_set_delegated_access(&p.id, DelegatedAccess::Full)
        .await;
    let cust = app.customer_admin("Shared Customer").await;
    app.db_relate(&p.org_id, &cust.org_id).await;
    app.db_relate(&r.org_id, &cust.org_id).await;

    let remove = format!("/v1/indirectresellers/{}/remove", r.org_id);
    let (s, body) = problem(post(&app, &pt, &remove, json!({"attest": false})).await).await;
    assert_eq!(
        (s, body["code"].as_str().unwrap()),
        (422, "attestation_required")
    );
    // A sales agent sees partnerships but cannot end them.
    let (sales, _) = app
        .add_user(
            &p.org_id,
            "sales@distri.example",
            &[Role::SalesAgent],
            Some(keiro_testkit::TEST_PASSWORD),
        )
        .await;
    let st = app.token_for(&sales.email).await;
    let mails_before = crate::helpers::emails_queued(&app).await;
    let (s, _) = problem(post(&app, &st, &remove, json!({"attest": true})).await).await;
    assert_eq!(s, 403);

    let res = post(&app, &pt, &remove, json!({"attest": true})).await;
    assert_eq!(res.status(), 204);
    // Both lists are empty, the admin access ended, the customer relationships stay, and
    // nobody was emailed.
    assert_eq!(
        json_of(app.get("/v1/indirectresellers", &pt).await, 200).await["items"],
        json!([])
    );
    assert_eq!(
        json_of(app.get("/v1/indirectproviders", &rt).await, 200).await["items"],
        json!([])
    );
    let (s, _) = problem(
        app.get(&format!("/v1/indirectresellers/{}/users", r.org_id), &pt)
            .await,
    )
    .await;
    assert_eq!(s, 404);
    assert_eq!(app.count("customer_relationships").await, 2);
    assert_eq!(crate::helpers::emails_queued(&app).await, mails_before);
    let (s, _) = problem(post(&app, &pt, &remove, json!({"attest": true})).await).await;
    assert_eq!(s, 404);
    // The audit log keeps it, on both sides.
    let audit = json_of(
        app.get("/v1/auditrecords?action=partnership.removed", &rt)
            .await,
        200,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);

    // They may partner again; then the reseller removes the provider from its side.
    let (_, token) = link(&app, &pt).await;
    json_of(accept(&app, &rt, &token).await, 200).await;
    let res = post(
        &app,
        &rt,
        &format!("/v1/indirectproviders/{}/remove", p.org_id),
        json!({"attest": true}),
    )
    .await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        json_of(app.get("/v1/indirectresellers", &pt).await, 200).await["items"],
        json!([])
    );
    assert_eq!(
        app.count("partnerships").await,
        2,
        "removed rows stay for the record"
    );
}

async fn r_prt_7_operator_maintains_directory_resellers_search_it(app: TestApp) {
    let op = app
        .org_with_user(OrgKind::Operator, "Operator", &[Role::OperatorReviewer])
        .await;
    let ot = app.token_for(&op.email).await;
    let p = provider(&app, "Distri KK").await;
    let pt = app.token_for(&p.email).await;
    let r = reseller(&app, "Resell GK").await;
    let rt = app.token_for(&r.email).await;
    let path = format!("/v1/providerdirectory/{}", p.org_id);
    let entry = json!({"regions": ["Kanto", "Kansai"], "countries": ["jp", "KR"], "description": "Distribution, billing and support", "contact_email": "Partners@Distri.example", "contact_phone": "+81 3 1111 2222", "website": "https://distri.example"});

    // A provider cannot write its own entry.
    let res = app
        .http
        .put(app.url(&path))
        .bearer_auth(&pt)
        .json(&entry)
        .send()
        .await
        .unwrap();
    let (s, body) = problem(res).await;
    assert_eq!((s, body["code"].as_str().unwrap()), (403, "operator_only"));
    // Operator staff can, for an approved provider only.
    let res = app
        .http
        .put(app.url(&format!("/v1/providerdirectory/{}", r.org_id)))
        .bearer_auth(&ot)
        .json(&entry)
        .send()
        .await
        .unwrap();
    let (s, body) = problem(res).await;
    assert_eq!(
        (s, body["code"].as_str().unwrap()),
        (422, "not_indirect_provider")
    );
    let res = app
        .http
        .put(app.url(&path))
        .bearer_auth(&ot)
        .json(&entry)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["etag"], "\"d1\"");
    let v = json_of(res, 201).await;
    assert_eq!(v["countries"], json!(["JP", "KR"]));
    assert_eq!(v["contact_email"], "partners@distri.example");
    // Updates check If-Match.
    let mut changed = entry.clone();
    changed["countries"] = json!(["JP"]);
    let res = app
        .http
        .put(app.url(&path))
        .bearer_auth(&ot)
        .header("if-match", "\"d7\"")
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 412);
    let res = app
        .http
        .put(app.url(&path))
        .bearer_auth(&ot)
        .header("if-match", "\"d1\"")
        .json(&changed)
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(res, 200).await["countries"], json!(["JP"]));
    let mut bad = entry.clone();
    bad["countries"] = json!(["Japan"]);
    let res = app
        .http
        .put(app.url(&path))
        .bearer_auth(&ot)
        .json(&bad)
        .send()
        .await
        .unwrap();
    let (s, body) = problem(res).await;
    assert_eq!(
        (s, body["code"].as_str().unwrap()),
        (422, "invalid_country")
    );

    // Resellers search by country.
    let jp = json_of(app.get("/v1/providerdirectory?country=jp", &rt).await, 200).await;
    assert_eq!(jp["items"].as_array().unwrap().len(), 1);
    assert_eq!(jp["items"][0]["legal_name"], "Distri KK");
    assert_eq!(jp["items"][0]["regions"], json!(["Kanto", "Kansai"]));
    let kr = json_of(app.get("/v1/providerdirectory?country=KR", &rt).await, 200).await;
    assert_eq!(kr["items"], json!([]));
    let named = json_of(app.get("/v1/providerdirectory?q=distri", &rt).await, 200).await;
    assert_eq!(named["items"].as_array().unwrap().len(), 1);
    let (s, _) = problem(app.get("/v1/providerdirectory?country=JPN", &rt).await).await;
    assert_eq!(s, 422);
    json_of(app.get(&path, &rt).await, 200).await;
    // Customers do not use the directory.
    let cust = app.customer_admin("Kokyaku").await;
    let ct = app.token_for(&cust.email).await;
    let (s, _) = problem(app.get("/v1/providerdirectory", &ct).await).await;
    assert_eq!(s, 403);
    // Operator staff take it out.
    let res = app
        .http
        .delete(app.url(&path))
        .bearer_auth(&ot)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(
        json_of(app.get("/v1/providerdirectory", &rt).await, 200).await["items"],
        json!([])
    );
    let audit = json_of(
        app.get("/v1/auditrecords?action=directory.entry_deleted", &ot)
            .await,
        200,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
}

/// Keiro does not become a spam relay: invitation emails per organization are limited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_prt_1_invitation_emails_are_rate_limited() {
    let Some(app) = TestApp::builder(keiro_testkit::Backend::Sqlite)
        .app_config(|c| c.invitation_emails_per_hour = 2)
        .spawn()
        .await
    else {
        return;
    };
    let p = provider(&app, "Distri KK").await;
    let tok = app.token_for(&p.email).await;
    for i in 0..2 {
        let v = json_of(
            post(
                &app,
                &tok,
                "/v1/relationshiprequests",
                json!({"kind": "partnership", "send_to": format!("r{i}@resell.example")}),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(v["sent"], true);
    }
    let res = post(
        &app,
        &tok,
        "/v1/relationshiprequests",
        json!({"kind": "partnership", "send_to": "r9@resell.example"}),
    )
    .await;
    assert!(res.headers().contains_key("retry-after"));
    let (s, body) = problem(res).await;
    assert_eq!(
        (s, body["code"].as_str().unwrap()),
        (429, "too_many_invitations")
    );
    assert!(mails_to(&app, "r9@resell.example").await.is_empty());
    // The refused request left no orphan link behind; a link without email is still possible.
    assert_eq!(app.count("invitations").await, 2);
    json_of(
        post(
            &app,
            &tok,
            "/v1/relationshiprequests",
            json!({"kind": "partnership"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(
        app.as_user(&tok)
            .post::<Value>(
                "/v1/relationshiprequests",
                &json!({"kind": "partnership", "send_to": "not an email"})
            )
            .await
            .problem(),
        (422, "invalid_email".into())
    );
    assert_eq!(app.count("invitations").await, 3);
}
