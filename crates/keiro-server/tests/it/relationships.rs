//! Reseller relationships with customers through the API (R-REL-2…5, R-ORG-2), on SQLite and
//! PostgreSQL.

use crate::helpers::{json_of, link_token, mails_to, problem};
use keiro_domain::{ProgramRole, Role};
use keiro_testkit::{TEST_PASSWORD, TestApp, TestUser, both_backends};
use serde_json::{Value, json};

both_backends!(
    r_rel_2_customer_global_admin_accepts_a_reseller_relationship,
    r_rel_4_new_customer_signs_up_through_the_link,
    r_rel_3_three_way_invitation_one_acceptance,
    r_rel_5_customers_elsewhere_do_not_appear,
    r_rel_6_removal_removes_dap_keeps_other_rights_and_sends_nothing,
    r_rel_7_r_rel_9_delegated_admin_offer_then_acting_for_the_customer,
    r_rel_10_customers_sorted_searched_filtered_and_paged,
    r_rel_1_a_provider_without_a_relationship_sees_nothing,
);

async fn post(app: &TestApp, tok: Option<&str>, path: &str, body: Value) -> reqwest::Response {
    let mut rb = app.http.post(app.url(path)).json(&body);
    if let Some(t) = tok {
        rb = rb.bearer_auth(t);
    }
    rb.send().await.unwrap()
}

async fn link(app: &TestApp, tok: &str, body: Value) -> String {
    let v = json_of(
        post(app, Some(tok), "/v1/relationshiprequests", body).await,
        201,
    )
    .await;
    link_token(v["url"].as_str().unwrap())
}

async fn accept(app: &TestApp, tok: &str, token: &str) -> reqwest::Response {
    post(
        app,
        Some(tok),
        "/v1/invitations/accept",
        json!({"token": token, "confirm": true}),
    )
    .await
}

async fn customer(app: &TestApp, name: &str) -> (TestUser, String) {
    let c = app.customer_admin(name).await;
    let t = app.token_for(&c.email).await;
    (c, t)
}

async fn r_rel_2_customer_global_admin_accepts_a_reseller_relationship(app: TestApp) {
    let r = app.reseller_admin("Resell GK").await;
    let rt = app.token_for(&r.email).await;
    let v = json_of(
        post(
            &app,
            Some(&rt),
            "/v1/relationshiprequests",
            json!({"kind": "reseller_relationship"}),
        )
        .await,
        201,
    )
    .await;
    assert!(
        v["draft"]["body"]
            .as_str()
            .unwrap()
            .contains(v["url"].as_str().unwrap())
    );
    assert!(
        v["draft"]["subject"]
            .as_str()
            .unwrap()
            .contains("Resell GK")
    );
    let token = link_token(v["url"].as_str().unwrap());
    let preview = json_of(
        app.http
            .get(app.url(&format!("/v1/invitations/preview?token={token}")))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(preview["kind"], "reseller_relationship");
    assert_eq!(preview["grants"], json!(["reseller_of_record"]));

    // Partners and non-admin customer users cannot accept; the box must be ticked.
    let other = app.reseller_admin("Other Partner").await;
    let ot = app.token_for(&other.email).await;
    let (s, b) = problem(accept(&app, &ot, &token).await).await;
    assert_eq!((s, b["code"].as_str().unwrap()), (403, "not_a_customer"));
    let (c1, c1t) = customer(&app, "Contoso").await;
    let (pw_admin, _) = app
        .add_user(
            &c1.org_id,
            "pw@contoso.example",
            &[Role::PasswordAdmin],
            Some(TEST_PASSWORD),
        )
        .await;
    let pt = app.token_for(&pw_admin.email).await;
    let (s, b) = problem(accept(&app, &pt, &token).await).await;
    assert_eq!((s, b["code"].as_str().unwrap()), (403, "role_required"));
    assert_eq!(
        app.as_user(&c1t)
            .post::<Value>(
                "/v1/invitations/accept",
                &json!({"token": token, "confirm": false})
            )
            .await
            .problem(),
        (422, "confirmation_required".into())
    );
    assert_eq!(app.count("customer_relationships").await, 0);

    // The global admin accepts; the customer is on the partner's Customers page, and the
    // customer sees the partner with its phone and email (R-ORG-2).
    let v = json_of(accept(&app, &c1t, &token).await, 200).await;
    assert_eq!(v["partners"][0]["legal_name"], "Resell GK");
    assert_eq!(v["partners"][0]["email"], "info@resellgk.example");
    let customers = json_of(app.get("/v1/customers", &rt).await, 200).await;
    assert_eq!(customers["items"][0]["legal_name"], "Contoso");
    let partners = json_of(app.get("/v1/partners", &c1t).await, 200).await;
    assert_eq!(partners["items"][0]["phone"], "+81 3 0000 0000");
    // Every customer user sees the partners; partners have no such page.
    assert_eq!(
        json_of(app.get("/v1/partners", &pt).await, 200).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(problem(app.get("/v1/partners", &rt).await).await.0, 403);
    // The same link serves other customers (multi-use); a second acceptance is refused.
    let (s, b) = problem(accept(&app, &c1t, &token).await).await;
    assert_eq!((s, b["code"].as_str().unwrap()), (409, "already_related"));
    let (_, c2t) = customer(&app, "Northwind").await;
    json_of(accept(&app, &c2t, &token).await, 200).await;
    let customers = json_of(app.get("/v1/customers?q=north", &rt).await, 200).await;
    assert_eq!(customers["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        json_of(app.get("/v1/customers", &rt).await, 200).await["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let listed = json_of(
        app.get("/v1/relationshiprequests?kind=reseller_relationship", &rt)
            .await,
        200,
    )
    .await;
    assert_eq!(listed["items"][0]["use_count"], 2);
    assert_eq!(listed["items"][0]["status"], "open");
    // The requester hears of each acceptance; both sides' audit logs have it.
    let mails: Vec<_> = mails_to(&app, &r.email)
        .await
        .into_iter()
        .filter(|m| m.0 == "relationship-accepted")
        .collect();
    assert_eq!(mails.len(), 2);
    let audit = json_of(
        app.get("/v1/auditrecords?action=relationship.accepted", &rt)
            .await,
        200,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 2);
    let audit = json_of(
        app.get("/v1/auditrecords?action=relationship.accepted", &c1t)
            .await,
        200,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
    // A customer cannot ask for relationships; a helpdesk agent sees customers but cannot ask.
    let (s, _) = problem(
        post(
            &app,
            Some(&c1t),
            "/v1/relationshiprequests",
            json!({"kind": "reseller_relationship"}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 403);
    let (help, _) = app
        .add_user(
            &r.org_id,
            "help@resell.example",
            &[Role::HelpdeskAgent],
            Some(TEST_PASSWORD),
        )
        .await;
    let ht = app.token_for(&help.email).await;
    json_of(app.get("/v1/customers", &ht).await, 200).await;
    assert_eq!(
        app.as_user(&ht)
            .post::<Value>(
                "/v1/relationshiprequests",
                &json!({"kind": "reseller_relationship"})
            )
            .await
            .problem(),
        (403, "role_required".into())
    );
}

async fn r_rel_4_new_customer_signs_up_through_the_link(app: TestApp) {
    let r = app.reseller_admin("Resell GK").await;
    let rt = app.token_for(&r.email).await;
    let token = link(&app, &rt, json!({"kind": "reseller_relationship"})).await;
    let signup = |token: String, email: &'static str| {
        json!({"token": token, "company_name": "Fabrikam 株式会社", "country": "jp", "primary_domain": "fabrikam.example",
               "full_name": "高橋 一郎", "email": email, "password": "a long enough passphrase"})
    };
    // Only through a valid, open link: no open self-registration.
    let (s, _) = problem(
        post(
            &app,
            None,
            "/v1/invitations/signup",
            signup("ki_wrong".into(), "ichiro@fabrikam.example"),
        )
        .await,
    )
    .await;
    assert_eq!(s, 404);
    let p = app.provider_admin("Distri").await;
    let pt = app.token_for(&p.email).await;
    let partnership = link(&app, &pt, json!({"kind": "partnership"})).await;
    let (s, _) = problem(
        post(
            &app,
            None,
            "/v1/invitations/signup",
            signup(partnership, "ichiro@fabrikam.example"),
        )
        .await,
    )
    .await;
    assert_eq!(s, 404, "a partnership link does not create customers");
    let mut weak = signup(token.clone(), "ichiro@fabrikam.example");
    weak["password"] = json!("short");
    let (s, b) = problem(post(&app, None, "/v1/invitations/signup", weak).await).await;
    assert_eq!(
        (s, b["code"].as_str().unwrap()),
        (422, "password_too_short")
    );
    let orgs_before = app.count("organizations").await;

    let res = post(
        &app,
        None,
        "/v1/invitations/signup",
        signup(token.clone(), "ichiro@fabrikam.example"),
    )
    .await;
    assert_eq!(res.headers()["cache-control"], "no-store");
    let v = json_of(res, 201).await;
    assert_eq!(app.count("organizations").await, orgs_before + 1);
    let ct = v["token"].as_str().unwrap();
    let me = json_of(app.get("/v1/me", ct).await, 200).await;
    assert_eq!(me["roles"], json!(["global_admin"]));
    // The same email cannot sign up twice.
    let (s, _) = problem(
        post(
            &app,
            None,
            "/v1/invitations/signup",
            signup(token.clone(), "ichiro@fabrikam.example"),
        )
        .await,
    )
    .await;
    assert_eq!(s, 409);
    // Then accepts like any customer.
    json_of(accept(&app, ct, &token).await, 200).await;
    let customers = json_of(app.get("/v1/customers", &rt).await, 200).await;
    assert_eq!(customers["items"][0]["legal_name"], "Fabrikam 株式会社");
    assert_eq!(customers["items"][0]["country"], "JP");
    // A revoked link signs nobody up.
    let id = json_of(
        app.get("/v1/relationshiprequests?kind=reseller_relationship", &rt)
            .await,
        200,
    )
    .await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    json_of(
        post(
            &app,
            Some(&rt),
            &format!("/v1/relationshiprequests/{id}/revoke"),
            json!({}),
        )
        .await,
        200,
    )
    .await;
    let (s, b) = problem(
        post(
            &app,
            None,
            "/v1/invitations/signup",
            signup(token, "jiro@fabrikam2.example"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, b["code"].as_str().unwrap()),
        (409, "invitation_revoked")
    );
}

async fn r_rel_3_three_way_invitation_one_acceptance(app: TestApp) {
    let p = app.provider_admin("Distri").await;
    let pt = app.token_for(&p.email).await;
    let r = app.reseller_admin("Resell GK").await;
    let rt = app.token_for(&r.email).await;
    app.db_authorize_delegated_admin(&r.org_id).await;
    // Not before the partnership exists.
    assert_eq!(
        app.as_user(&rt)
            .post::<Value>(
                "/v1/relationshiprequests",
                &json!({"kind": "three_way_relationship", "provider_id": p.org_id})
            )
            .await
            .problem(),
        (403, "no_partnership".into())
    );
    assert_eq!(
        app.as_user(&rt)
            .post::<Value>(
                "/v1/relationshiprequests",
                &json!({"kind": "three_way_relationship"})
            )
            .await
            .problem(),
        (422, "provider_required".into())
    );
    let pl = link(&app, &pt, json!({"kind": "partnership"})).await;
    json_of(accept(&app, &rt, &pl).await, 200).await;

    let v = json_of(
        post(
            &app,
            Some(&rt),
            "/v1/relationshiprequests",
            json!({"kind": "three_way_relationship", "provider_id": p.org_id}),
        )
        .await,
        201,
    )
    .await;
    assert!(
        v["draft"]["body"].as_str().unwrap().contains("Distri"),
        "the draft names the provider"
    );
    let token = link_token(v["url"].as_str().unwrap());
    let (c, ct) = customer(&app, "Contoso").await;
    let accepted = json_of(accept(&app, &ct, &token).await, 200).await;
    let names: Vec<&str> = accepted["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["legal_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Resell GK", "Distri"]);
    // Both have the customer; they share it; the reseller holds delegated admin over it.
    for t in [&pt, &rt] {
        let list = json_of(app.get("/v1/customers", t).await, 200).await;
        assert_eq!(list["items"][0]["id"], c.org_id.as_str());
    }
    let shared = json_of(
        app.get(
            &format!("/v1/indirectresellers/{}/customers", r.org_id),
            &pt,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(shared["items"][0]["legal_name"], "Contoso");
    let audit = json_of(
        app.get("/v1/auditrecords?action=delegated_admin.granted", &rt)
            .await,
        200,
    )
    .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.count("delegated_rights").await,
        2,
        "provider admin access + the reseller's DAP"
    );
    // Once the provider is gone, the link no longer works.
    json_of(
        post(
            &app,
            Some(&rt),
            &format!("/v1/indirectproviders/{}/remove", p.org_id),
            json!({"attest": true}),
        )
        .await,
        204,
    )
    .await;
    let (_, c2t) = customer(&app, "Northwind").await;
    let (s, b) = problem(accept(&app, &c2t, &token).await).await;
    assert_eq!(
        (s, b["code"].as_str().unwrap()),
        (403, "partner_unavailable")
    );
}

async fn r_rel_5_customers_elsewhere_do_not_appear(app: TestApp) {
    let a = app.reseller_admin("Partner A").await;
    let b = app.reseller_admin("Partner B").await;
    let (at, bt) = (app.token_for(&a.email).await, app.token_for(&b.email).await);
    let (_, ct) = customer(&app, "Only A's").await;
    let token = link(&app, &at, json!({"kind": "reseller_relationship"})).await;
    json_of(accept(&app, &ct, &token).await, 200).await;
    assert_eq!(
        json_of(app.get("/v1/customers", &at).await, 200).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        json_of(app.get("/v1/customers", &bt).await, 200).await["items"],
        json!([])
    );
}

async fn r_rel_6_removal_removes_dap_keeps_other_rights_and_sends_nothing(app: TestApp) {
    let p = app.provider_admin("Distri").await;
    let pt = app.token_for(&p.email).await;
    let r = app.reseller_admin("Resell GK").await;
    let rt = app.token_for(&r.email).await;
    app.db_authorize_delegated_admin(&r.org_id).await;
    let pl = link(&app, &pt, json!({"kind": "partnership"})).await;
    json_of(accept(&app, &rt, &pl).await, 200).await;
    let token = link(
        &app,
        &rt,
        json!({"kind": "three_way_relationship", "provider_id": p.org_id}),
    )
    .await;
    let (c, ct) = customer(&app, "Contoso").await;
    json_of(accept(&app, &ct, &token).await, 200).await;
    let list = json_of(app.get("/v1/customers", &rt).await, 200).await;
    assert_eq!(list["items"][0]["delegated_admin"], true);
    let partners = json_of(app.get("/v1/partners", &ct).await, 200).await;
    let dap: Vec<bool> = partners["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["delegated_admin"].as_bool().unwrap())
        .collect();
    assert_eq!(
        dap,
        [true, false],
        "the reseller holds DAP, the provider does not"
    );
    // A granular (GDAP-style) right the customer gave the reseller must survive the removal.
    {
        let tx = app.app.db.begin().await.unwrap();
        keiro_store::repo::insert(
            &tx,
            keiro_store::entities::delegated_right::Model {
                id: uuid::Uuid::now_v7().to_string(),
                owner_org_id: c.org_id.clone(),
                grantee_org_id: r.org_id.clone(),
                kind: "gdap".into(),
                source_id: None,
                granted_at: app.app.now(),
                granted_by: None,
                revoked_at: None,
                revoked_by: None,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let remove = format!("/v1/customers/{}/remove", c.org_id);
    let (s, b) = problem(post(&app, Some(&rt), &remove, json!({"attest": false})).await).await;
    assert_eq!(
        (s, b["code"].as_str().unwrap()),
        (422, "attestation_required")
    );
    let mails_before = crate::helpers::emails_queued(&app).await;
    let res = post(&app, Some(&rt), &remove, json!({"attest": true})).await;
    assert_eq!(res.status(), 204);
    // The customer left the reseller's list (not the provider's), DAP is gone, the other right
    // stays, nobody was told, and the audit log has it on both sides.
    assert_eq!(
        json_of(app.get("/v1/customers", &rt).await, 200).await["items"],
        json!([])
    );
    assert_eq!(
        json_of(app.get("/v1/customers", &pt).await, 200).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let live = keiro_store::repo::rights::live(app.app.db.reader(), &c.org_id, &r.org_id)
        .await
        .unwrap();
    let kinds: Vec<&str> = live.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["gdap"]);
    assert_eq!(crate::helpers::emails_queued(&app).await, mails_before);
    let audit = json_of(
        app.get("/v1/auditrecords?action=relationship.removed", &ct)
            .await,
        200,
    )
    .await;
    assert_eq!(
        audit["items"][0]["details"]["delegated_admin_removed"], true,
        "{audit}"
    );
    let (s, _) = problem(post(&app, Some(&rt), &remove, json!({"attest": true})).await).await;
    assert_eq!(s, 404);

    // The customer revokes a partner's delegated admin at any time; the relationship stays.
    let token = link(
        &app,
        &rt,
        json!({"kind": "three_way_relationship", "provider_id": p.org_id}),
    )
    .await;
    json_of(accept(&app, &ct, &token).await, 200).await;
    let (pw, _) = app
        .add_user(
            &c.org_id,
            "pw@contoso.example",
            &[Role::PasswordAdmin],
            Some(TEST_PASSWORD),
        )
        .await;
    let pwt = app.token_for(&pw.email).await;
    let path = format!("/v1/partners/{}/delegatedadmin", r.org_id);
    let (s, b) = problem(
        app.http
            .delete(app.url(&path))
            .bearer_auth(&pwt)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, b["code"].as_str().unwrap()), (403, "role_required"));
    let v = json_of(
        app.http
            .delete(app.url(&path))
            .bearer_auth(&ct)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(v["delegated_admin"], false);
    assert_eq!(
        json_of(app.get("/v1/customers", &rt).await, 200).await["items"][0]["delegated_admin"],
        false
    );
    let (s, b) = problem(
        app.http
            .delete(app.url(&path))
            .bearer_auth(&ct)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, b["code"].as_str().unwrap()),
        (409, "no_delegated_admin")
    );
    // Relationship and DAP changes are outbox events too (held for webhooks).
    let events =
        keiro_store::repo::outbox::list(app.app.db.reader(), (None, Some("held")), None, 200)
            .await
            .unwrap();
    let names: Vec<&str> = events.items.iter().map(|m| m.template.as_str()).collect();
    for name in [
        "relationship.accepted",
        "delegated_admin.granted",
        "delegated_admin.revoked",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
}

async fn r_rel_7_r_rel_9_delegated_admin_offer_then_acting_for_the_customer(app: TestApp) {
    use keiro_domain::DelegatedAccess;
    let plain = app.reseller_admin("Plain Partner").await;
    let plain_t = app.token_for(&plain.email).await;
    assert_eq!(
        app.as_user(&plain_t)
            .post::<Value>(
                "/v1/relationshiprequests",
                &json!({"kind": "delegated_admin"})
            )
            .await
            .problem(),
        (403, "not_delegated_admin_authorized".into())
    );

    let r = app
        .partner(
            "Admin Partner",
            &[ProgramRole::IndirectReseller],
            &[Role::GlobalAdmin, Role::AdminAgent],
        )
        .await;
    app.db_authorize_delegated_admin(&r.org_id).await;
    let rt = app.token_for(&r.email).await;
    let (c, ct) = customer(&app, "Contoso").await;
    let (worker, _) = app
        .add_user(
            &c.org_id,
            "worker@contoso.example",
            &[Role::User],
            Some(TEST_PASSWORD),
        )
        .await;
    let users = format!("/v1/customers/{}/users", c.org_id);
    app.db_set_delegated_access(&r.id, DelegatedAccess::Full)
        .await;
    // Nothing before the customer accepts.
    assert_eq!(problem(app.get(&users, &rt).await).await.0, 404);
    let token = link(&app, &rt, json!({"kind": "delegated_admin"})).await;
    let preview = json_of(
        app.http
            .get(app.url(&format!("/v1/invitations/preview?token={token}")))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(
        preview["grants"],
        json!(["reseller_of_record", "delegated_admin"])
    );
    assert_eq!(
        problem(app.get(&users, &rt).await).await.0,
        404,
        "an offer is not a right"
    );
    let v = json_of(accept(&app, &ct, &token).await, 200).await;
    assert_eq!(v["partners"][0]["delegated_admin"], true);

    // Full delegated access: the customer's global admin rights.
    let list = json_of(app.get(&users, &rt).await, 200).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let res = post(&app, Some(&rt), &users, json!({"email": "newadmin@contoso.example", "full_name": "New Admin", "roles": ["global_admin"]})).await;
    assert_eq!(res.headers()["cache-control"], "no-store");
    let created = json_of(res, 201).await;
    assert!(created["temporary_password"].as_str().unwrap().len() >= 12);
    let audit = json_of(
        app.get("/v1/auditrecords?action=user.created", &ct).await,
        200,
    )
    .await;
    let row = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["details"]["email"] == "newadmin@contoso.example")
        .unwrap()
        .clone();
    assert_eq!(row["actor_org_id"], r.org_id.as_str());
    assert_eq!(row["on_behalf_of_org_id"], c.org_id.as_str());
    assert_eq!(row["actor_user_id"], r.id.as_str());

    // Roles, on the customer's behalf: the customer always keeps a global admin.
    let new_admin = created["user"]["id"].as_str().unwrap().to_string();
    let roles = |u: &str| format!("{users}/{u}/roles");
    let res = app
        .http
        .put(app.url(&roles(&worker.id)))
        .bearer_auth(&rt)
        .json(&json!({"roles": ["user_management_admin"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(res, 200).await["roles"],
        json!(["user_management_admin"])
    );
    let res = app
        .http
        .put(app.url(&roles(&c.id)))
        .bearer_auth(&rt)
        .json(&json!({"roles": ["user"]}))
        .send()
        .await
        .unwrap();
    json_of(res, 200).await;
    let res = app
        .http
        .put(app.url(&roles(&new_admin)))
        .bearer_auth(&rt)
        .json(&json!({"roles": ["user"]}))
        .send()
        .await
        .unwrap();
    let (s, b) = problem(res).await;
    assert_eq!((s, b["code"].as_str().unwrap()), (409, "last_global_admin"));
    let res = app
        .http
        .put(app.url(&roles(&c.id)))
        .bearer_auth(&rt)
        .json(&json!({"roles": ["global_admin"]}))
        .send()
        .await
        .unwrap();
    json_of(res, 200).await;
    let res = app
        .http
        .put(app.url(&roles(&worker.id)))
        .bearer_auth(&rt)
        .json(&json!({"roles": ["user"]}))
        .send()
        .await
        .unwrap();
    json_of(res, 200).await;
    // Limited delegated access: the customer's password admin rights only.
    let (help, _) = app
        .add_user(
            &r.org_id,
            "help@adminpartner.example",
            &[Role::HelpdeskAgent],
            Some(TEST_PASSWORD),
        )
        .await;
    app.db_set_delegated_access(&help.id, DelegatedAccess::Limited)
        .await;
    let ht = app.token_for(&help.email).await;
    let reset = json_of(
        post(
            &app,
            Some(&ht),
            &format!("{users}/{}/resetpassword", worker.id),
            json!({}),
        )
        .await,
        200,
    )
    .await;
    assert!(reset["temporary_password"].is_string());
    assert_eq!(reset["user"]["must_change_password"], true);
    let (s, b) = problem(
        post(
            &app,
            Some(&ht),
            &format!("{users}/{}/resetpassword", c.id),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, b["code"].as_str().unwrap()),
        (403, "role_required"),
        "not a global admin's password"
    );
    let (s, b) = problem(
        post(
            &app,
            Some(&ht),
            &users,
            json!({"email": "x@contoso.example", "full_name": "X", "roles": ["global_admin"]}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, b["code"].as_str().unwrap()),
        (403, "role_required"),
        "a limited admin creates no global admin"
    );
    let res = app
        .http
        .put(app.url(&format!("{users}/{}/roles", worker.id)))
        .bearer_auth(&ht)
        .json(&json!({"roles": ["user"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(res).await.0,
        403,
        "a limited admin assigns no roles"
    );
    // No delegated access at all: the customer is invisible.
    app.db_set_delegated_access(&help.id, DelegatedAccess::None)
        .await;
    assert_eq!(problem(app.get(&users, &ht).await).await.0, 404);
    // Another partner never sees the customer.
    assert_eq!(problem(app.get(&users, &plain_t).await).await.0, 404);

    // The customer revokes delegated admin: refused on the partner's very next request.
    let res = app
        .http
        .delete(app.url(&format!("/v1/partners/{}/delegatedadmin", r.org_id)))
        .bearer_auth(&ct)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(problem(app.get(&users, &rt).await).await.0, 404);
    // The relationship stays: the customer is still on the partner's list.
    assert_eq!(
        json_of(app.get("/v1/customers", &rt).await, 200).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

async fn r_rel_10_customers_sorted_searched_filtered_and_paged(app: TestApp) {
    let p = app.provider_admin("Distri").await;
    let pt = app.token_for(&p.email).await;
    let r = app.reseller_admin("Resell").await;
    let rt = app.token_for(&r.email).await;
    let pl = link(&app, &pt, json!({"kind": "partnership"})).await;
    json_of(accept(&app, &rt, &pl).await, 200).await;
    let names = [
        "Delta",
        "alpha",
        "Charlie",
        "Bravo 100%_",
        "Echo",
        "Foxtrot",
        "Golf",
    ];
    let mut ids = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let c = app.customer_admin(n).await;
        app.db_relate(&p.org_id, &c.org_id).await;
        if i < 3 {
            app.db_relate(&r.org_id, &c.org_id).await;
        }
        if i % 3 == 0 {
            let tx = app.app.db.begin().await.unwrap();
            keiro_store::repo::insert(
                &tx,
                keiro_store::entities::delegated_right::Model {
                    id: uuid::Uuid::now_v7().to_string(),
                    owner_org_id: c.org_id.clone(),
                    grantee_org_id: p.org_id.clone(),
                    kind: "dap".into(),
                    source_id: None,
                    granted_at: app.app.now(),
                    granted_by: None,
                    revoked_at: None,
                    revoked_by: None,
                },
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        ids.push(c.org_id);
    }
    let names_of = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["legal_name"].as_str().unwrap().to_string())
            .collect()
    };
    // By name, three at a time, following the cursor: every customer once, in order.
    let mut seen = Vec::new();
    let mut url = "/v1/customers?sort=name&limit=3".to_string();
    loop {
        let page = json_of(app.get(&url, &pt).await, 200).await;
        seen.extend(names_of(&page));
        match page["next_cursor"].as_str() {
            Some(c) => url = format!("/v1/customers?sort=name&limit=3&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "Bravo 100%_",
            "Charlie",
            "Delta",
            "Echo",
            "Foxtrot",
            "Golf",
            "alpha"
        ]
    );
    // Newest relationship first; oldest first by default.
    let newest = json_of(app.get("/v1/customers?sort=-since&limit=1", &pt).await, 200).await;
    assert_eq!(names_of(&newest), ["Golf"]);
    let oldest = json_of(app.get("/v1/customers?limit=2", &pt).await, 200).await;
    assert_eq!(names_of(&oldest), ["Delta", "alpha"]);
    let next = oldest["next_cursor"].as_str().unwrap();
    let more = json_of(
        app.get(&format!("/v1/customers?limit=2&cursor={next}"), &pt)
            .await,
        200,
    )
    .await;
    assert_eq!(names_of(&more), ["Charlie", "Bravo 100%_"]);
    // Search by name or domain, case-insensitive, wildcards literal.
    let found = json_of(app.get("/v1/customers?q=ALPHA", &pt).await, 200).await;
    assert_eq!(names_of(&found), ["alpha"]);
    let found = json_of(app.get("/v1/customers?q=foxtrot.example", &pt).await, 200).await;
    assert_eq!(names_of(&found), ["Foxtrot"]);
    let found = json_of(app.get("/v1/customers?q=100%25_", &pt).await, 200).await;
    assert_eq!(names_of(&found), ["Bravo 100%_"]);
    // Relationship kind.
    let dap = json_of(
        app.get("/v1/customers?kind=delegated_admin&sort=name", &pt)
            .await,
        200,
    )
    .await;
    assert_eq!(names_of(&dap), ["Bravo 100%_", "Delta", "Golf"]);
    assert!(
        dap["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["delegated_admin"] == true)
    );
    let plain = json_of(app.get("/v1/customers?kind=reseller", &pt).await, 200).await;
    assert_eq!(plain["items"].as_array().unwrap().len(), 4);
    // A provider filters by one of its resellers; any other organization is 404.
    let shared = json_of(
        app.get(
            &format!("/v1/customers?reseller={}&sort=name", r.org_id),
            &pt,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(names_of(&shared), ["Charlie", "Delta", "alpha"]);
    let combined = json_of(
        app.get(
            &format!(
                "/v1/customers?reseller={}&kind=delegated_admin&q=del",
                r.org_id
            ),
            &pt,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(names_of(&combined), ["Delta"]);
    assert_eq!(
        problem(
            app.get(&format!("/v1/customers?reseller={}", ids[0]), &pt)
                .await
        )
        .await
        .0,
        404
    );
    let (s, b) = problem(app.get("/v1/customers?sort=size", &pt).await).await;
    assert_eq!((s, b["code"].as_str().unwrap()), (422, "invalid_sort"));
    // The search follows a rename (the trigram index is kept in step with the profile).
    let golf = app.token_for("global_admin@golf.example").await;
    let mut profile =
        json_of(app.get("/v1/organization/profile", &golf).await, 200).await["profile"].clone();
    profile["legal_name"] = json!("Hotel Renamed");
    let res = app
        .http
        .put(app.url("/v1/organization/profile"))
        .bearer_auth(&golf)
        .json(&profile)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        names_of(&json_of(app.get("/v1/customers?q=renamed", &pt).await, 200).await),
        ["Hotel Renamed"]
    );
    // Two characters walk the relationships' own copy of the search text (m0014): a trigger
    // keeps it in step with the rename, and one written when the relationship was made
    // (Delta) is found with it, also under the delegated-admin filter.
    assert_eq!(
        names_of(&json_of(app.get("/v1/customers?q=%EF%BC%B4e", &pt).await, 200).await),
        ["Hotel Renamed"]
    );
    assert_eq!(
        names_of(
            &json_of(
                app.get("/v1/customers?q=EL&kind=delegated_admin", &pt)
                    .await,
                200
            )
            .await
        ),
        ["Delta", "Hotel Renamed"]
    );
    assert_eq!(
        names_of(&json_of(app.get("/v1/customers?q=el&kind=reseller", &pt).await, 200).await),
        Vec::<String>::new()
    );
    assert!(
        json_of(app.get("/v1/customers?q=golf", &pt).await, 200).await["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["legal_name"] != "Golf")
    );
    // The reseller sees only its own three.
    assert_eq!(
        json_of(app.get("/v1/customers", &rt).await, 200).await["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

/// R-REL-1: a provider partnered with the reseller, with full delegated access, still sees
/// nothing of a customer it has no relationship or rights with: 404 everywhere.
async fn r_rel_1_a_provider_without_a_relationship_sees_nothing(app: TestApp) {
    let p = app
        .partner(
            "Distri",
            &[ProgramRole::IndirectProvider],
            &[Role::GlobalAdmin, Role::AdminAgent],
        )
        .await;
    app.db_set_delegated_access(&p.id, keiro_domain::DelegatedAccess::Full)
        .await;
    let pt = app.token_for(&p.email).await;
    let r = app.reseller_admin("Resell").await;
    let rt = app.token_for(&r.email).await;
    let pl = link(&app, &pt, json!({"kind": "partnership"})).await;
    json_of(accept(&app, &rt, &pl).await, 200).await;
    // The reseller's customer, with a relationship to the reseller only.
    let (c, ct) = customer(&app, "Reseller's Own").await;
    let token = link(&app, &rt, json!({"kind": "reseller_relationship"})).await;
    json_of(accept(&app, &ct, &token).await, 200).await;
    for path in [
        format!("/v1/customers/{}/users", c.org_id),
        format!("/v1/customers/{}/servicerequests", c.org_id),
        format!("/v1/indirectresellers/{}/customers", r.org_id),
    ] {
        let res = app.get(&path, &pt).await;
        if path.ends_with("/customers") {
            // The shared list exists but does not contain the reseller's own customer.
            assert_eq!(json_of(res, 200).await["items"], json!([]));
        } else {
            assert_eq!(problem(res).await.0, 404, "{path}");
        }
    }
    assert_eq!(
        json_of(app.get("/v1/customers", &pt).await, 200).await["items"],
        json!([])
    );
    let (s, _) = problem(
        post(
            &app,
            Some(&pt),
            &format!("/v1/customers/{}/users", c.org_id),
            json!({"email": "x@own.example", "full_name": "X", "roles": ["user"]}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 404);
}
