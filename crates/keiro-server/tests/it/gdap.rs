//! Granular delegated admin through the API (R-REL-8, R-REL-6, R-REL-9) on SQLite and
//! PostgreSQL: the relationship's rules and states, security groups and access assignments, the
//! scheduler, and the rights a partner user really gets in the customer.

use crate::helpers::{json_of, link_token, post, problem};
use keiro_domain::{ProgramRole, Role};
use keiro_testkit::{TEST_PASSWORD, TestApp, TestUser, both_backends};
use serde_json::{Value, json};

both_backends!(
    r_rel_8_relationship_rules_and_approval,
    r_rel_8_group_roles_apply_and_stop_at_expiry_and_termination,
    r_rel_8_scheduler_marks_expiring_extends_and_expires,
    r_rel_6_dap_removal_leaves_gdap_working,
    r_cus_1_service_requests_on_both_sides,
    r_rel_8_named_customer_approves_or_declines_in_its_admin_center,
);

pub(crate) struct World {
    pub partner: TestUser,
    pub pt: String,
    pub helper: TestUser,
    pub ht: String,
    pub customer: TestUser,
    pub ct: String,
    pub worker: TestUser,
}

pub(crate) async fn world(app: &TestApp) -> World {
    let partner = app
        .partner(
            "Distri",
            &[ProgramRole::IndirectReseller],
            &[Role::GlobalAdmin, Role::AdminAgent],
        )
        .await;
    let pt = app.token_for(&partner.email).await;
    let (helper, _) = app
        .add_user(
            &partner.org_id,
            "help@distri.example",
            &[Role::HelpdeskAgent],
            Some(TEST_PASSWORD),
        )
        .await;
    let ht = app.token_for(&helper.email).await;
    let customer = app.customer_admin("Contoso").await;
    let ct = app.token_for(&customer.email).await;
    let (worker, _) = app
        .add_user(
            &customer.org_id,
            "worker@contoso.example",
            &[Role::User],
            Some(TEST_PASSWORD),
        )
        .await;
    World {
        partner,
        pt,
        helper,
        ht,
        customer,
        ct,
        worker,
    }
}

/// Creates, asks approval for and approves a relationship; returns its id.
pub(crate) async fn active_gdap(
    app: &TestApp,
    w: &World,
    name: &str,
    roles: Value,
    days: i64,
    auto: bool,
) -> String {
    let g = json_of(
        post(app, &w.pt, "/v1/delegatedadminrelationships", json!({"display_name": name, "roles": roles, "duration_days": days, "auto_extend": auto})).await,
        201,
    )
    .await;
    let id = g["id"].as_str().unwrap().to_string();
    let r = json_of(
        post(
            app,
            &w.pt,
            &format!("/v1/delegatedadminrelationships/{id}/requestapproval"),
            json!({}),
        )
        .await,
        201,
    )
    .await;
    let token = link_token(r["url"].as_str().unwrap());
    let v = json_of(
        post(
            app,
            &w.ct,
            "/v1/invitations/accept",
            json!({"token": token, "confirm": true}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(v["gdap"]["state"], "active");
    id
}

/// A security group with the helper in it, assigned `roles` in relationship `id`.
pub(crate) async fn group_with_helper(
    app: &TestApp,
    w: &World,
    name: &str,
    id: &str,
    roles: Value,
) -> String {
    let g = json_of(
        post(app, &w.pt, "/v1/securitygroups", json!({"name": name})).await,
        201,
    )
    .await;
    let gid = g["id"].as_str().unwrap().to_string();
    json_of(
        post(
            app,
            &w.pt,
            &format!("/v1/securitygroups/{gid}/members"),
            json!({"user_id": w.helper.id}),
        )
        .await,
        200,
    )
    .await;
    json_of(
        post(
            app,
            &w.pt,
            &format!("/v1/delegatedadminrelationships/{id}/accessassignments"),
            json!({"group_id": gid, "roles": roles}),
        )
        .await,
        201,
    )
    .await;
    gid
}

pub(crate) async fn reset_worker(app: &TestApp, w: &World) -> reqwest::Response {
    post(
        app,
        &w.ht,
        &format!(
            "/v1/customers/{}/users/{}/resetpassword",
            w.customer.org_id, w.worker.id
        ),
        json!({}),
    )
    .await
}

async fn r_rel_8_relationship_rules_and_approval(app: TestApp) {
    let w = world(&app).await;
    let create = |body: Value| post(&app, &w.pt, "/v1/delegatedadminrelationships", body);
    for (body, code) in [
        (
            json!({"display_name": "GA", "roles": ["global_admin"], "duration_days": 30, "auto_extend": true}),
            "auto_extend_with_global_admin",
        ),
        (
            json!({"display_name": "Long", "roles": ["user"], "duration_days": 731}),
            "invalid_duration",
        ),
        (
            json!({"display_name": "Zero", "roles": ["user"], "duration_days": 0}),
            "invalid_duration",
        ),
        (
            json!({"display_name": "Agent", "roles": ["admin_agent"], "duration_days": 30}),
            "invalid_role",
        ),
    ] {
        let (s, b) = problem(create(body).await).await;
        assert_eq!((s, b["code"].as_str().unwrap()), (422, code));
    }
    let g = json_of(create(json!({"display_name": "Helpdesk", "roles": ["password_admin"], "duration_days": 730, "auto_extend": true})).await, 201).await;
    assert_eq!(g["state"], "created");
    let (s, b) = problem(
        create(json!({"display_name": "HELPDESK", "roles": ["user"], "duration_days": 30})).await,
    )
    .await;
    assert_eq!(
        (s, b["code"].as_str().unwrap()),
        (409, "display_name_taken"),
        "unique per partner"
    );
    // Another partner may use the same name.
    let other = app
        .partner(
            "Other",
            &[ProgramRole::IndirectReseller],
            &[Role::AdminAgent],
        )
        .await;
    let ot = app.token_for(&other.email).await;
    json_of(
        post(
            &app,
            &ot,
            "/v1/delegatedadminrelationships",
            json!({"display_name": "Helpdesk", "roles": ["user"], "duration_days": 30}),
        )
        .await,
        201,
    )
    .await;
    // Sales agents do not manage GDAP.
    let (sales, _) = app
        .add_user(
            &w.partner.org_id,
            "sales@distri.example",
            &[Role::SalesAgent],
            Some(TEST_PASSWORD),
        )
        .await;
    let st = app.token_for(&sales.email).await;
    let (s, _) = problem(
        post(
            &app,
            &st,
            "/v1/delegatedadminrelationships",
            json!({"display_name": "S", "roles": ["user"], "duration_days": 30}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 403);

    let id = g["id"].as_str().unwrap();
    let r = json_of(
        post(
            &app,
            &w.pt,
            &format!("/v1/delegatedadminrelationships/{id}/requestapproval"),
            json!({}),
        )
        .await,
        201,
    )
    .await;
    let token = link_token(r["url"].as_str().unwrap());
    let got = json_of(
        app.get(&format!("/v1/delegatedadminrelationships/{id}"), &w.pt)
            .await,
        200,
    )
    .await;
    assert_eq!(got["state"], "approval_pending");
    // The approval page shows the terms before anyone decides.
    let preview = json_of(
        app.http
            .get(app.url(&format!("/v1/invitations/preview?token={token}")))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(preview["kind"], "gdap_approval");
    assert_eq!(preview["gdap"]["roles"], json!(["password_admin"]));
    assert_eq!(preview["gdap"]["duration_days"], 730);
    // Only a customer's global admin approves, with the box ticked; the customer cannot see it yet.
    let (wt, _) = (app.token_for(&w.worker.email).await, ());
    let (s, _) = problem(
        post(
            &app,
            &wt,
            "/v1/invitations/accept",
            json!({"token": token, "confirm": true}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 403);
    let (s, _) = problem(
        post(
            &app,
            &w.pt,
            "/v1/invitations/accept",
            json!({"token": token, "confirm": true}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 403, "a partner does not approve its own request");
    assert_eq!(
        problem(
            app.get(&format!("/v1/delegatedadminrelationships/{id}"), &w.ct)
                .await
        )
        .await
        .0,
        404
    );
    let v = json_of(
        post(
            &app,
            &w.ct,
            "/v1/invitations/accept",
            json!({"token": token, "confirm": true}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(v["gdap"]["state"], "active");
    assert_eq!(v["gdap"]["customer_id"], w.customer.org_id.as_str());
    let starts = time::OffsetDateTime::parse(
        v["gdap"]["starts_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let ends = time::OffsetDateTime::parse(
        v["gdap"]["ends_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!((ends - starts).whole_days(), 730);
    // The customer sees it now; both sides' audit logs have the activation.
    let mine = json_of(app.get("/v1/delegatedadminrelationships", &w.ct).await, 200).await;
    assert_eq!(mine["items"][0]["display_name"], "Helpdesk");
    for t in [&w.pt, &w.ct] {
        let a = json_of(
            app.get("/v1/auditrecords?action=gdap.activated", t).await,
            200,
        )
        .await;
        assert_eq!(a["items"].as_array().unwrap().len(), 1);
    }
    // A used link cannot approve again; an active relationship cannot ask again.
    let (s, _) = problem(
        post(
            &app,
            &w.ct,
            "/v1/invitations/accept",
            json!({"token": token, "confirm": true}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 409);
    let (s, b) = problem(
        post(
            &app,
            &w.pt,
            &format!("/v1/delegatedadminrelationships/{id}/requestapproval"),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, b["code"].as_str().unwrap()),
        (409, "gdap_not_requestable")
    );
}

async fn r_rel_8_group_roles_apply_and_stop_at_expiry_and_termination(app: TestApp) {
    let w = world(&app).await;
    let id = active_gdap(
        &app,
        &w,
        "Helpdesk",
        json!(["password_admin", "user"]),
        60,
        false,
    )
    .await;
    // Before any assignment the helper has nothing in the customer.
    assert_eq!(problem(reset_worker(&app, &w).await).await.0, 404);
    let (s, b) = problem(
        post(
            &app,
            &w.pt,
            &format!("/v1/delegatedadminrelationships/{id}/accessassignments"),
            json!({"group_id": "x", "roles": ["global_admin"]}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, b["code"].as_str().unwrap()),
        (422, "role_not_in_relationship")
    );
    group_with_helper(&app, &w, "Helpdesk team", &id, json!(["password_admin"])).await;
    // The group's role applies to its members: a password reset, nothing more.
    let v = json_of(reset_worker(&app, &w).await, 200).await;
    assert!(v["temporary_password"].is_string());
    let (s, b) = problem(
        post(
            &app,
            &w.ht,
            &format!("/v1/customers/{}/users", w.customer.org_id),
            json!({"email": "n@contoso.example", "full_name": "N", "roles": ["user"]}),
        )
        .await,
    )
    .await;
    assert_eq!((s, b["code"].as_str().unwrap()), (403, "role_required"));
    let (s, _) = problem(
        post(
            &app,
            &w.ht,
            &format!(
                "/v1/customers/{}/users/{}/resetpassword",
                w.customer.org_id, w.customer.id
            ),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 403, "not a global admin's password");
    // The partner's admin, not in the group and without delegated access, has nothing there.
    assert_eq!(
        problem(
            app.get(&format!("/v1/customers/{}/users", w.customer.org_id), &w.pt)
                .await
        )
        .await
        .0,
        404
    );

    // At the very moment it ends, before any scheduler run, it grants nothing.
    let g = json_of(
        app.get(&format!("/v1/delegatedadminrelationships/{id}"), &w.pt)
            .await,
        200,
    )
    .await;
    let ends = time::OffsetDateTime::parse(
        g["ends_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    app.clock.set(ends - time::Duration::seconds(1));
    let ht = app.token_for(&w.helper.email).await;
    json_of(
        post(
            &app,
            &ht,
            &format!(
                "/v1/customers/{}/users/{}/resetpassword",
                w.customer.org_id, w.worker.id
            ),
            json!({}),
        )
        .await,
        200,
    )
    .await;
    app.clock.set(ends);
    let (s, _) = problem(
        post(
            &app,
            &ht,
            &format!(
                "/v1/customers/{}/users/{}/resetpassword",
                w.customer.org_id, w.worker.id
            ),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 404, "expired at its end");
    let report = keiro_app::gdap::tick(&app.app).await.unwrap();
    assert_eq!(report.expired, 1);
    let pt = app.token_for(&w.partner.email).await;
    let g = json_of(
        app.get(&format!("/v1/delegatedadminrelationships/{id}"), &pt)
            .await,
        200,
    )
    .await;
    assert_eq!(g["state"], "expired");

    // A new relationship, then terminated by the customer: its roles stop at once.
    let w2 = World {
        pt: pt.clone(),
        ht: ht.clone(),
        ct: app.token_for(&w.customer.email).await,
        ..w
    };
    let id2 = active_gdap(&app, &w2, "Second", json!(["password_admin"]), 30, false).await;
    let gid = json_of(app.get("/v1/securitygroups", &pt).await, 200).await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    json_of(
        post(
            &app,
            &pt,
            &format!("/v1/delegatedadminrelationships/{id2}/accessassignments"),
            json!({"group_id": gid, "roles": ["password_admin"]}),
        )
        .await,
        201,
    )
    .await;
    json_of(reset_worker(&app, &w2).await, 200).await;
    let t = json_of(
        post(
            &app,
            &w2.ct,
            &format!("/v1/delegatedadminrelationships/{id2}/terminate"),
            json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(t["state"], "terminated");
    assert_eq!(problem(reset_worker(&app, &w2).await).await.0, 404);
    let (s, _) = problem(
        post(
            &app,
            &pt,
            &format!("/v1/delegatedadminrelationships/{id2}/terminate"),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 409);
}

async fn r_rel_8_scheduler_marks_expiring_extends_and_expires(app: TestApp) {
    let w = world(&app).await;
    let plain = active_gdap(&app, &w, "Plain", json!(["user"]), 40, false).await;
    let auto = active_gdap(&app, &w, "Auto", json!(["user"]), 40, true).await;
    assert_eq!(
        keiro_app::gdap::tick(&app.app).await.unwrap(),
        keiro_app::gdap::TickReport::default()
    );
    app.clock.advance(time::Duration::days(11));
    let r = keiro_app::gdap::tick(&app.app).await.unwrap();
    assert_eq!((r.expiring, r.extended, r.expired), (1, 1, 0));
    // A second run (another node) changes nothing more.
    assert_eq!(
        keiro_app::gdap::tick(&app.app).await.unwrap(),
        keiro_app::gdap::TickReport::default()
    );
    let pt = app.token_for(&w.partner.email).await;
    let p = json_of(
        app.get(&format!("/v1/delegatedadminrelationships/{plain}"), &pt)
            .await,
        200,
    )
    .await;
    assert_eq!(p["state"], "expiring");
    let a = json_of(
        app.get(&format!("/v1/delegatedadminrelationships/{auto}"), &pt)
            .await,
        200,
    )
    .await;
    assert_eq!(a["state"], "active");
    let starts = time::OffsetDateTime::parse(
        a["starts_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let ends = time::OffsetDateTime::parse(
        a["ends_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!((ends - starts).whole_days(), 220, "extended by 180 days");
    app.clock.advance(time::Duration::days(30));
    let r = keiro_app::gdap::tick(&app.app).await.unwrap();
    assert_eq!(r.expired, 1);
    let pt = app.token_for(&w.partner.email).await;
    let a = json_of(
        app.get("/v1/auditrecords?action=gdap.expiring", &pt).await,
        200,
    )
    .await;
    assert_eq!(
        a["items"].as_array().unwrap().len(),
        1,
        "the scheduler's changes are events too"
    );
    // Each change is also an outbox event for both sides, held for webhooks (never emailed).
    let events =
        keiro_store::repo::outbox::list(app.app.db.reader(), (None, Some("held")), None, 200)
            .await
            .unwrap();
    let names: Vec<&str> = events
        .items
        .iter()
        .filter(|m| m.kind == "event")
        .map(|m| m.template.as_str())
        .collect();
    for name in [
        "gdap.created",
        "gdap.activated",
        "gdap.expiring",
        "gdap.extended",
        "gdap.expired",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    assert_eq!(
        names.iter().filter(|n| **n == "gdap.expired").count(),
        2,
        "partner and customer"
    );
}

async fn r_rel_6_dap_removal_leaves_gdap_working(app: TestApp) {
    let w = world(&app).await;
    // The customer has a reseller relationship with DAP, and a GDAP relationship.
    app.db_authorize_delegated_admin(&w.partner.org_id).await;
    let offer = json_of(
        post(
            &app,
            &w.pt,
            "/v1/relationshiprequests",
            json!({"kind": "delegated_admin"}),
        )
        .await,
        201,
    )
    .await;
    json_of(
        post(
            &app,
            &w.ct,
            "/v1/invitations/accept",
            json!({"token": link_token(offer["url"].as_str().unwrap()), "confirm": true}),
        )
        .await,
        200,
    )
    .await;
    let id = active_gdap(&app, &w, "Helpdesk", json!(["password_admin"]), 90, false).await;
    group_with_helper(&app, &w, "Helpdesk team", &id, json!(["password_admin"])).await;
    json_of(reset_worker(&app, &w).await, 200).await;
    // Removing the relationship removes DAP and keeps GDAP.
    let res = post(
        &app,
        &w.pt,
        &format!("/v1/customers/{}/remove", w.customer.org_id),
        json!({"attest": true}),
    )
    .await;
    assert_eq!(res.status(), 204);
    let v = json_of(reset_worker(&app, &w).await, 200).await;
    assert!(v["temporary_password"].is_string(), "GDAP still works");
    let g = json_of(
        app.get(&format!("/v1/delegatedadminrelationships/{id}"), &w.pt)
            .await,
        200,
    )
    .await;
    assert_eq!(g["state"], "active");
    assert_eq!(
        json_of(app.get("/v1/customers", &w.pt).await, 200).await["items"],
        json!([])
    );
}

async fn r_cus_1_service_requests_on_both_sides(app: TestApp) {
    let w = world(&app).await;
    let id = active_gdap(&app, &w, "Support", json!(["password_admin"]), 90, false).await;
    group_with_helper(&app, &w, "Support team", &id, json!(["password_admin"])).await;
    let base = format!("/v1/customers/{}/servicerequests", w.customer.org_id);
    // The partner's helper opens one on the customer's behalf, through the GDAP role.
    let (s, b) = problem(post(&app, &w.ht, &base, json!({"title": "Mail down", "description": "No mail since 9:00", "severity": "urgent"})).await).await;
    assert_eq!((s, b["code"].as_str().unwrap()), (422, "invalid_severity"));
    let res = post(
        &app,
        &w.ht,
        &base,
        json!({"title": "Mail down", "description": "No mail since 9:00", "severity": "critical"}),
    )
    .await;
    assert_eq!(res.headers()["etag"], "\"s1\"");
    let sr = json_of(res, 201).await;
    assert_eq!(sr["opened_by_org"], w.partner.org_id.as_str());
    let rid = sr["id"].as_str().unwrap().to_string();
    // The customer sees it and adds a note; the partner sees the note.
    let mine = json_of(app.get(&base, &w.ct).await, 200).await;
    assert_eq!(mine["items"][0]["title"], "Mail down");
    json_of(
        post(
            &app,
            &w.ct,
            &format!("{base}/{rid}/notes"),
            json!({"body": "Still down at 10:00"}),
        )
        .await,
        201,
    )
    .await;
    let seen = json_of(app.get(&format!("{base}/{rid}"), &w.ht).await, 200).await;
    assert_eq!(seen["notes"][0]["body"], "Still down at 10:00");
    // Status changes check If-Match; closed is final.
    let put = |tok: &str, etag: &str, status: &str| {
        app.http
            .put(app.url(&format!("{base}/{rid}/status")))
            .bearer_auth(tok)
            .header("if-match", etag)
            .json(&json!({"status": status}))
            .send()
    };
    assert_eq!(
        put(&w.ht, "\"s1\"", "in_progress").await.unwrap().status(),
        412
    );
    let v = json_of(put(&w.ht, "\"s2\"", "in_progress").await.unwrap(), 200).await;
    assert_eq!(v["status"], "in_progress");
    json_of(put(&w.ct, "*", "closed").await.unwrap(), 200).await;
    let (s, b) = problem(put(&w.ht, "*", "open").await.unwrap()).await;
    assert_eq!(
        (s, b["code"].as_str().unwrap()),
        (409, "invalid_status_change")
    );
    let (s, b) = problem(
        post(
            &app,
            &w.ct,
            &format!("{base}/{rid}/notes"),
            json!({"body": "x"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, b["code"].as_str().unwrap()),
        (409, "service_request_closed")
    );
    // Audited on the customer's side with the acting partner.
    let audit = json_of(
        app.get("/v1/auditrecords?action=service_request.opened", &w.ct)
            .await,
        200,
    )
    .await;
    assert_eq!(audit["items"][0]["actor_org_id"], w.partner.org_id.as_str());
    assert_eq!(
        audit["items"][0]["on_behalf_of_org_id"],
        w.customer.org_id.as_str()
    );
    // A plain customer user, and a partner without rights, are refused.
    let wt = app.token_for(&w.worker.email).await;
    let (s, b) = problem(app.get(&base, &wt).await).await;
    assert_eq!((s, b["code"].as_str().unwrap()), (403, "role_required"));
    let other = app.reseller_admin("Stranger").await;
    let ot = app.token_for(&other.email).await;
    assert_eq!(problem(app.get(&base, &ot).await).await.0, 404);
    assert_eq!(
        problem(app.get(&format!("{base}/{rid}"), &ot).await)
            .await
            .0,
        404
    );
}

async fn r_rel_8_named_customer_approves_or_declines_in_its_admin_center(app: TestApp) {
    let w = world(&app).await;
    // A request names only a customer of the partner's own (ADR 0006).
    app.db_relate(&w.partner.org_id, &w.customer.org_id).await;
    let mk = |name: &'static str| {
        let app = &app;
        let w = &w;
        async move {
            let g = json_of(post(app, &w.pt, "/v1/delegatedadminrelationships", json!({"display_name": name, "customer_id": w.customer.org_id, "roles": ["user"], "duration_days": 30})).await, 201).await;
            let id = g["id"].as_str().unwrap().to_string();
            let r = json_of(
                post(
                    app,
                    &w.pt,
                    &format!("/v1/delegatedadminrelationships/{id}/requestapproval"),
                    json!({}),
                )
                .await,
                201,
            )
            .await;
            (id, link_token(r["url"].as_str().unwrap()))
        }
    };
    let (a, token) = mk("Approve me").await;
    let (d, _) = mk("Decline me").await;
    // The named customer sees both as pending in its admin center; nobody else does.
    let mine = json_of(app.get("/v1/delegatedadminrelationships", &w.ct).await, 200).await;
    let states: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["approval_pending", "approval_pending"]);
    let other = app.customer_admin("Other Co").await;
    let ot = app.token_for(&other.email).await;
    assert_eq!(
        problem(
            post(
                &app,
                &ot,
                &format!("/v1/delegatedadminrelationships/{a}/approve"),
                json!({"confirm": true})
            )
            .await
        )
        .await
        .0,
        404
    );
    assert_eq!(
        app.as_user(&ot)
            .post::<Value>(
                "/v1/invitations/accept",
                &json!({"token": token, "confirm": true})
            )
            .await
            .problem(),
        (403, "other_customer".into())
    );
    let (s, b) = problem(
        post(
            &app,
            &w.ct,
            &format!("/v1/delegatedadminrelationships/{a}/approve"),
            json!({"confirm": false}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, b["code"].as_str().unwrap()),
        (422, "confirmation_required")
    );
    let v = json_of(
        post(
            &app,
            &w.ct,
            &format!("/v1/delegatedadminrelationships/{a}/approve"),
            json!({"confirm": true}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(v["state"], "active");
    // The emailed link is now refused, and stays unused.
    let (s, b) = problem(
        post(
            &app,
            &w.ct,
            "/v1/invitations/accept",
            json!({"token": token, "confirm": true}),
        )
        .await,
    )
    .await;
    assert_eq!((s, b["code"].as_str().unwrap()), (409, "gdap_not_pending"));
    // Declining is terminating.
    let v = json_of(
        post(
            &app,
            &w.ct,
            &format!("/v1/delegatedadminrelationships/{d}/terminate"),
            json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(v["state"], "terminated");
}
