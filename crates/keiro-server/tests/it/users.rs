use crate::helpers::{PortalClient, between, location, post, problem};
use keiro_domain::{OrgKind, Role};
use keiro_testkit::{TEST_PASSWORD, TestApp, both_backends};
use serde_json::{Value, json};

both_backends!(
    r_usr_1_add_user_shows_temporary_password_once,
    r_usr_3_user_management_admin_cannot_grant_or_touch_global_admin,
    r_usr_3_last_global_admin_is_kept,
    deactivate_reset_and_delete,
    user_search_is_case_insensitive_and_literal,
    users_of_another_organization_are_404,
    r_org_2_company_profile_read_by_all_edited_by_global_admin,
    r_usr_3_every_role_walks_every_action,
    r_usr_3_concurrent_demotions_keep_one_global_admin,
);

async fn r_usr_1_add_user_shows_temporary_password_once(app: TestApp) {
    let ga = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let tok = app.token_for(&ga.email).await;
    let body = json!({"email": "Taro.Yamada@Sakura.example", "full_name": "山田 太郎", "roles": ["sales_agent", "helpdesk_agent"], "delegated_access": "limited"});
    let res = app
        .http
        .post(app.url("/v1/users"))
        .bearer_auth(&tok)
        .header("idempotency-key", "add-taro")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let created: Value = res.json().await.unwrap();
    let temp = created["temporary_password"].as_str().unwrap().to_string();
    assert_eq!(created["user"]["email"], "taro.yamada@sakura.example");
    assert_eq!(
        created["user"]["roles"],
        json!(["helpdesk_agent", "sales_agent"])
    );
    assert_eq!(created["user"]["delegated_access"], "limited");
    assert_eq!(created["user"]["must_change_password"], true);
    // A retry replays without the password; the password is nowhere else either.
    let again: Value = app
        .http
        .post(app.url("/v1/users"))
        .bearer_auth(&tok)
        .header("idempotency-key", "add-taro")
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            again["user"]["id"].clone(),
            again["temporary_password"].clone()
        ),
        (created["user"]["id"].clone(), Value::Null)
    );
    let id = created["user"]["id"].as_str().unwrap();
    let got = app
        .get(&format!("/v1/users/{id}"), &tok)
        .await
        .text()
        .await
        .unwrap();
    assert!(!got.contains(&temp));
    let audit = app
        .get("/v1/auditrecords?action=user.created", &tok)
        .await
        .text()
        .await
        .unwrap();
    assert!(audit.contains(id) && !audit.contains(&temp));
    // Email unique across the whole system, whatever the case, even in another organization.
    let other = app.customer_admin("Contoso").await;
    let otok = app.token_for(&other.email).await;
    let (s, p) = problem(
        post(
            &app,
            &otok,
            "/v1/users",
            json!({"email": "TARO.yamada@sakura.example", "full_name": "X", "roles": ["user"]}),
        )
        .await,
    )
    .await;
    assert_eq!((s, p["code"].as_str()), (409, Some("email_taken")));
    // Customer users have no delegated access; roles must belong to the organization kind.
    let (s, p) = problem(post(&app, &otok, "/v1/users", json!({"email": "a@contoso.example", "full_name": "A", "roles": ["user"], "delegated_access": "full"})).await).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (422, Some("invalid_delegated_access"))
    );
    let (s, p) = problem(
        post(
            &app,
            &otok,
            "/v1/users",
            json!({"email": "a@contoso.example", "full_name": "A", "roles": ["admin_agent"]}),
        )
        .await,
    )
    .await;
    assert_eq!((s, p["code"].as_str()), (422, Some("invalid_role")));
    let (s, p) = problem(
        post(
            &app,
            &otok,
            "/v1/users",
            json!({"email": "a@contoso.example", "full_name": "A", "roles": []}),
        )
        .await,
    )
    .await;
    assert_eq!((s, p["code"].as_str()), (422, Some("roles_required")));
    // The new user signs in with the temporary password and must change it first (R-USR-2).
    let mut c = PortalClient::new(&app);
    assert_eq!(
        location(&c.sign_in("taro.yamada@sakura.example", &temp).await),
        "/password/change"
    );
}

async fn r_usr_3_user_management_admin_cannot_grant_or_touch_global_admin(app: TestApp) {
    let ga = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let (uma, _) = app
        .add_user(
            &ga.org_id,
            "uma@sakura.example",
            &[Role::UserManagementAdmin],
            Some(TEST_PASSWORD),
        )
        .await;
    let tok = app.token_for(&uma.email).await;
    let (s, p) = problem(
        post(
            &app,
            &tok,
            "/v1/users",
            json!({"email": "x@sakura.example", "full_name": "X", "roles": ["global_admin"]}),
        )
        .await,
    )
    .await;
    assert_eq!((s, p["code"].as_str()), (403, Some("role_required")));
    assert_eq!(p["required_roles"], json!(["global_admin"]));
    let res = post(
        &app,
        &tok,
        "/v1/users",
        json!({"email": "x@sakura.example", "full_name": "X", "roles": ["admin_agent"]}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let x: Value = res.json().await.unwrap();
    let xid = x["user"]["id"].as_str().unwrap();
    // Promoting to global admin, or touching a global admin at all: refused.
    let patch = |id: String, body: Value| {
        app.http
            .patch(app.url(&format!("/v1/users/{id}")))
            .bearer_auth(&tok)
            .json(&body)
            .send()
    };
    assert_eq!(
        problem(
            patch(xid.into(), json!({"roles": ["global_admin"]}))
                .await
                .unwrap()
        )
        .await
        .0,
        403
    );
    assert_eq!(
        problem(
            patch(ga.id.clone(), json!({"full_name": "Renamed"}))
                .await
                .unwrap()
        )
        .await
        .0,
        403
    );
    assert_eq!(
        problem(
            post(
                &app,
                &tok,
                &format!("/v1/users/{}/resetpassword", ga.id),
                json!({})
            )
            .await
        )
        .await
        .0,
        403
    );
    assert_eq!(
        problem(
            post(
                &app,
                &tok,
                &format!("/v1/users/{}/deactivate", ga.id),
                json!({})
            )
            .await
        )
        .await
        .0,
        403
    );
    // Everyone else is theirs to manage.
    assert_eq!(
        patch(
            xid.into(),
            json!({"roles": ["sales_agent", "billing_admin"]})
        )
        .await
        .unwrap()
        .status(),
        200
    );
    assert_eq!(
        post(
            &app,
            &tok,
            &format!("/v1/users/{xid}/resetpassword"),
            json!({})
        )
        .await
        .status(),
        200
    );
}

async fn r_usr_3_last_global_admin_is_kept(app: TestApp) {
    let ga = app.customer_admin("Contoso").await;
    let tok = app.token_for(&ga.email).await;
    let (s, p) = problem(
        app.http
            .patch(app.url(&format!("/v1/users/{}", ga.id)))
            .bearer_auth(&tok)
            .json(&json!({"roles": ["user"]}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, p["code"].as_str()), (409, Some("last_global_admin")));
    let roles: Value = app
        .get(&format!("/v1/users/{}", ga.id), &tok)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(roles["roles"], json!(["global_admin"]), "nothing changed");
    let (s, p) = problem(
        app.http
            .delete(app.url(&format!("/v1/users/{}", ga.id)))
            .bearer_auth(&tok)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, p["code"].as_str()), (409, Some("cannot_delete_self")));
    // With a second global admin, the first may step down; then the second is the last.
    let (ga2, _) = app
        .add_user(
            &ga.org_id,
            "ga2@contoso.example",
            &[Role::GlobalAdmin],
            Some(TEST_PASSWORD),
        )
        .await;
    let res = app
        .http
        .patch(app.url(&format!("/v1/users/{}", ga.id)))
        .bearer_auth(&tok)
        .json(&json!({"roles": ["user"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let tok2 = app.token_for(&ga2.email).await;
    let (s, _) = problem(
        post(
            &app,
            &tok2,
            &format!("/v1/users/{}/deactivate", ga2.id),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 409);
}

async fn r_usr_3_concurrent_demotions_keep_one_global_admin(app: TestApp) {
    let a = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let (b, _) = app
        .add_user(
            &a.org_id,
            "b@sakura.example",
            &[Role::GlobalAdmin],
            Some(TEST_PASSWORD),
        )
        .await;
    let (ta, tb) = (app.token_for(&a.email).await, app.token_for(&b.email).await);
    // Each demotes the other at the same moment: one must lose.
    let r1 = app
        .http
        .patch(app.url(&format!("/v1/users/{}", b.id)))
        .bearer_auth(&ta)
        .json(&json!({"roles": ["sales_agent"]}))
        .send();
    let r2 = app
        .http
        .patch(app.url(&format!("/v1/users/{}", a.id)))
        .bearer_auth(&tb)
        .json(&json!({"roles": ["sales_agent"]}))
        .send();
    let (r1, r2) = tokio::join!(r1, r2);
    let statuses = [r1.unwrap().status().as_u16(), r2.unwrap().status().as_u16()];
    assert!(statuses.contains(&200), "{statuses:?}");
    let n = app.count("user_roles WHERE role = 'global_admin'").await;
    assert_eq!(
        n, 1,
        "exactly one global admin remains; statuses {statuses:?}"
    );
}

async fn deactivate_reset_and_delete(app: TestApp) {
    let ga = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let (u, _) = app
        .add_user(
            &ga.org_id,
            "sales@sakura.example",
            &[Role::SalesAgent],
            Some(TEST_PASSWORD),
        )
        .await;
    let (tok, utok) = (
        app.token_for(&ga.email).await,
        app.token_for(&u.email).await,
    );
    let mut c = PortalClient::new(&app);
    c.sign_in(&u.email, TEST_PASSWORD).await;
    assert_eq!(c.get("/dashboard").await.status(), 200);
    // Deactivation stops the user's token and session at once.
    let r: Value = post(
        &app,
        &tok,
        &format!("/v1/users/{}/deactivate", u.id),
        json!({}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(r["active"], false);
    assert_eq!(app.get("/v1/me", &utok).await.status(), 401);
    assert_eq!(c.get("/dashboard").await.status(), 303);
    assert_eq!(
        PortalClient::new(&app)
            .sign_in(&u.email, TEST_PASSWORD)
            .await
            .status(),
        401
    );
    post(
        &app,
        &tok,
        &format!("/v1/users/{}/reactivate", u.id),
        json!({}),
    )
    .await;
    assert_eq!(app.get("/v1/me", &utok).await.status(), 200);
    // Reset: a new temporary password, once; the old one stops working; sessions end.
    let mut c = PortalClient::new(&app);
    c.sign_in(&u.email, TEST_PASSWORD).await;
    let r: Value = post(
        &app,
        &tok,
        &format!("/v1/users/{}/resetpassword", u.id),
        json!({}),
    )
    .await
    .json()
    .await
    .unwrap();
    let temp = r["temporary_password"].as_str().unwrap();
    assert_eq!(r["user"]["must_change_password"], true);
    assert_eq!(
        c.get("/dashboard").await.status(),
        303,
        "signed out everywhere"
    );
    assert_eq!(
        PortalClient::new(&app)
            .sign_in(&u.email, TEST_PASSWORD)
            .await
            .status(),
        401
    );
    assert_eq!(
        location(&PortalClient::new(&app).sign_in(&u.email, temp).await),
        "/password/change"
    );
    // Delete: gone, but the audit log remembers.
    let r = app
        .http
        .delete(app.url(&format!("/v1/users/{}", u.id)))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        app.get(&format!("/v1/users/{}", u.id), &tok).await.status(),
        404
    );
    let audit = app
        .get("/v1/auditrecords?action=user.deleted", &tok)
        .await
        .text()
        .await
        .unwrap();
    assert!(audit.contains(&u.id));
    let audit = app
        .get("/v1/auditrecords?action=user.deactivated", &tok)
        .await
        .text()
        .await
        .unwrap();
    assert!(audit.contains(&u.id), "records about a deleted user stay");
}

async fn user_search_is_case_insensitive_and_literal(app: TestApp) {
    let ga = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let tok = app.token_for(&ga.email).await;
    for (email, name) in [
        ("hanako@sakura.example", "SATO Hanako"),
        ("percent@sakura.example", "100% Sales"),
        ("under_score@sakura.example", "Under Score"),
    ] {
        assert_eq!(
            post(
                &app,
                &tok,
                "/v1/users",
                json!({"email": email, "full_name": name, "roles": ["sales_agent"]})
            )
            .await
            .status(),
            201
        );
    }
    let names = |v: Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(
            app.get("/v1/users?q=sato%20HANAKO", &tok)
                .await
                .json()
                .await
                .unwrap()
        ),
        vec!["hanako@sakura.example"]
    );
    assert_eq!(
        names(app.get("/v1/users?q=%25", &tok).await.json().await.unwrap()),
        vec!["percent@sakura.example"],
        "% is literal"
    );
    assert_eq!(
        names(app.get("/v1/users?q=r_s", &tok).await.json().await.unwrap()),
        vec!["under_score@sakura.example"],
        "_ is literal"
    );
    assert_eq!(
        names(
            app.get("/v1/users?q=SAKURA.example&limit=200", &tok)
                .await
                .json()
                .await
                .unwrap()
        )
        .len(),
        4
    );
    assert_eq!(
        problem(app.get("/v1/users?q=", &tok).await).await.0,
        422,
        "an empty search is a client bug"
    );
}

async fn users_of_another_organization_are_404(app: TestApp) {
    let a = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let b = app
        .org_with_user(OrgKind::Partner, "Minato", &[Role::GlobalAdmin])
        .await;
    let ta = app.token_for(&a.email).await;
    assert_eq!(
        problem(app.get(&format!("/v1/users/{}", b.id), &ta).await)
            .await
            .0,
        404
    );
    let r = app
        .http
        .patch(app.url(&format!("/v1/users/{}", b.id)))
        .bearer_auth(&ta)
        .json(&json!({"full_name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 404);
    assert_eq!(
        problem(
            post(
                &app,
                &ta,
                &format!("/v1/users/{}/resetpassword", b.id),
                json!({})
            )
            .await
        )
        .await
        .0,
        404
    );
    let r = app
        .http
        .delete(app.url(&format!("/v1/users/{}", b.id)))
        .bearer_auth(&ta)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 404);
    let list = app
        .get("/v1/users?limit=200", &ta)
        .await
        .text()
        .await
        .unwrap();
    assert!(!list.contains(&b.email));
}

async fn r_org_2_company_profile_read_by_all_edited_by_global_admin(app: TestApp) {
    let ga = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let (sales, _) = app
        .add_user(
            &ga.org_id,
            "s@sakura.example",
            &[Role::SalesAgent],
            Some(TEST_PASSWORD),
        )
        .await;
    let (tga, ts) = (
        app.token_for(&ga.email).await,
        app.token_for(&sales.email).await,
    );
    let res = app.get("/v1/organization/profile", &ts).await;
    assert_eq!(res.status(), 200);
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let o: Value = res.json().await.unwrap();
    assert_eq!(
        (o["profile"]["legal_name"].as_str(), o["can_edit"].as_bool()),
        (Some("Sakura"), Some(false))
    );
    let mut profile = o["profile"].clone();
    profile["legal_name"] = json!("Sakura Distribution KK");
    profile["phone"] = json!("+81 3-1111-2222");
    let put = |tok: &str, body: &Value, tag: Option<&str>| {
        let mut rb = app
            .http
            .put(app.url("/v1/organization/profile"))
            .bearer_auth(tok)
            .json(body);
        if let Some(t) = tag {
            rb = rb.header("if-match", t);
        }
        rb.send()
    };
    let (s, p) = problem(put(&ts, &profile, None).await.unwrap()).await;
    assert_eq!((s, p["code"].as_str()), (403, Some("role_required")));
    let res = put(&tga, &profile, Some(&etag)).await.unwrap();
    assert_eq!(res.status(), 200);
    let o: Value = res.json().await.unwrap();
    assert_eq!(o["profile"]["phone"], "+81 3-1111-2222");
    assert_eq!(
        problem(put(&tga, &profile, Some(&etag)).await.unwrap())
            .await
            .0,
        412,
        "stale ETag"
    );
    let mut bad = profile.clone();
    bad["country"] = json!("Japan");
    let (s, p) = problem(put(&tga, &bad, None).await.unwrap()).await;
    assert_eq!(
        (s, p["code"].as_str(), p["errors"][0]["field"].as_str()),
        (422, Some("invalid_country"), Some("country"))
    );
    let audit = app
        .get("/v1/auditrecords?action=organization.profile_updated", &tga)
        .await
        .text()
        .await
        .unwrap();
    assert!(audit.contains("legal_name") && audit.contains("phone"));
    // In the portal, a sales agent sees the profile with the save action greyed and the reason.
    let mut c = PortalClient::new(&app);
    c.sign_in(&sales.email, TEST_PASSWORD).await;
    let page = c.get("/organization").await.text().await.unwrap();
    assert!(
        page.contains("Sakura Distribution KK")
            && page.contains("Only a global admin can edit")
            && page.contains("disabled")
    );
    assert!(!page.contains("id=\"profile-form\""));
}

/// Expected outcomes, written from issue 3's rules (not derived from the policy code).
/// Columns: view profile, edit profile, list users, create user, create global admin,
/// reset a user's password, read audit log.
const PARTNER_MATRIX: &[(Role, [bool; 7])] = &[
    (
        Role::GlobalAdmin,
        [true, true, true, true, true, true, true],
    ),
    (
        Role::UserManagementAdmin,
        [true, false, true, true, false, true, false],
    ),
    (
        Role::BillingAdmin,
        [true, false, false, false, false, false, false],
    ),
    (
        Role::AdminAgent,
        [true, false, false, false, false, false, false],
    ),
    (
        Role::SalesAgent,
        [true, false, false, false, false, false, false],
    ),
    (
        Role::HelpdeskAgent,
        [true, false, false, false, false, false, false],
    ),
    (
        Role::MembershipAdmin,
        [true, false, false, false, false, false, false],
    ),
];
const CUSTOMER_MATRIX: &[(Role, [bool; 7])] = &[
    (
        Role::GlobalAdmin,
        [true, true, true, true, true, true, true],
    ),
    (
        Role::UserManagementAdmin,
        [true, false, true, true, false, true, false],
    ),
    // A password admin sees the users whose passwords it resets.
    (
        Role::PasswordAdmin,
        [true, false, true, false, false, true, false],
    ),
    (
        Role::BillingAdmin,
        [true, false, false, false, false, false, false],
    ),
    (Role::User, [true, false, false, false, false, false, false]),
];

async fn r_usr_3_every_role_walks_every_action(app: TestApp) {
    for (kind, name, matrix) in [
        (OrgKind::Partner, "Walk Partner", PARTNER_MATRIX),
        (OrgKind::Customer, "Walk Customer", CUSTOMER_MATRIX),
    ] {
        let ga = app.org_with_user(kind, name, &[Role::GlobalAdmin]).await;
        let stranger = app
            .org_with_user(kind, &format!("{name} Other"), &[Role::GlobalAdmin])
            .await;
        let plain = if kind == OrgKind::Partner {
            "sales_agent"
        } else {
            "user"
        };
        for (i, (role, expected)) in matrix.iter().enumerate() {
            let (u, _) = app
                .add_user(
                    &ga.org_id,
                    &format!("walker{i}@{}.example", kind.code()),
                    &[*role],
                    Some(TEST_PASSWORD),
                )
                .await;
            let (victim, _) = app
                .add_user(
                    &ga.org_id,
                    &format!("victim{i}@{}.example", kind.code()),
                    &[Role::parse(plain).unwrap()],
                    Some(TEST_PASSWORD),
                )
                .await;
            let tok = app.token_for(&u.email).await;
            let profile: Value = app
                .get("/v1/organization/profile", &app.token_for(&ga.email).await)
                .await
                .json()
                .await
                .unwrap();
            let outcomes = [
                app.get("/v1/organization/profile", &tok).await.status().as_u16(),
                app.http.put(app.url("/v1/organization/profile")).bearer_auth(&tok).json(&profile["profile"]).send().await.unwrap().status().as_u16(),
                app.get("/v1/users", &tok).await.status().as_u16(),
                post(&app, &tok, "/v1/users", json!({"email": format!("new{i}-{}@x.example", kind.code()), "full_name": "N", "roles": [plain]})).await.status().as_u16(),
                post(&app, &tok, "/v1/users", json!({"email": format!("ga{i}-{}@x.example", kind.code()), "full_name": "G", "roles": ["global_admin"]})).await.status().as_u16(),
                post(&app, &tok, &format!("/v1/users/{}/resetpassword", victim.id), json!({})).await.status().as_u16(),
                app.get("/v1/auditrecords", &tok).await.status().as_u16(),
            ];
            for (col, (got, allowed)) in outcomes.iter().zip(expected.iter()).enumerate() {
                let ok = (200..300).contains(got);
                assert_eq!(
                    ok, *allowed,
                    "{kind:?} {role:?} action #{col}: status {got}"
                );
                if !ok {
                    assert_eq!(
                        *got, 403,
                        "{kind:?} {role:?} action #{col}: a refusal in one's own organization is 403"
                    );
                }
            }
            // Another organization's user is never visible, whatever the role: 404.
            assert_eq!(
                app.get(&format!("/v1/users/{}", stranger.id), &tok)
                    .await
                    .status(),
                if expected[2] { 404 } else { 403 }
            );
            assert_eq!(
                post(
                    &app,
                    &tok,
                    &format!("/v1/users/{}/resetpassword", stranger.id),
                    json!({})
                )
                .await
                .status(),
                if expected[5] { 404 } else { 403 }
            );
        }
    }
}

both_backends!(portal_user_management);

async fn portal_user_management(app: TestApp) {
    let ga = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let mut c = PortalClient::new(&app);
    c.sign_in(&ga.email, TEST_PASSWORD).await;
    assert!(
        c.get("/users")
            .await
            .text()
            .await
            .unwrap()
            .contains("id=\"users-table\"")
    );
    let csrf = c.csrf().await;
    let res = c
        .post(
            "/users",
            &[
                ("csrf", &csrf),
                ("full_name", "New Agent"),
                ("email", "agent@sakura.example"),
                ("roles", "sales_agent"),
                ("roles", "helpdesk_agent"),
                ("delegated_access", "limited"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    let temp = between(&html, "id=\"temp-password\">", "<").to_string();
    assert_eq!(temp.len(), 19);
    // The same email again: a readable error, the form kept.
    let res = c
        .post(
            "/users",
            &[
                ("csrf", &csrf),
                ("full_name", "Again"),
                ("email", "AGENT@sakura.example"),
                ("roles", "sales_agent"),
            ],
        )
        .await;
    assert_eq!(res.status(), 409);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("A user with this email already exists.") && html.contains("value=\"Again\"")
    );
    // Roles and delegated access were saved; the new user's first sign-in forces a change.
    let tok = app.token_for(&ga.email).await;
    let list: Value = app
        .get("/v1/users?q=agent@", &tok)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["items"][0]["roles"],
        json!(["helpdesk_agent", "sales_agent"])
    );
    assert_eq!(list["items"][0]["delegated_access"], "limited");
    let id = list["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        location(
            &PortalClient::new(&app)
                .sign_in("agent@sakura.example", &temp)
                .await
        ),
        "/password/change"
    );
    // Delete needs the confirmation box.
    let res = c
        .post(&format!("/users/{id}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Tick the box to confirm.")
    );
    let res = c
        .post(
            &format!("/users/{id}/delete"),
            &[("csrf", &csrf), ("confirm", "yes")],
        )
        .await;
    assert_eq!(location(&res), "/users?done=deleted");
    // A user management admin sees the global admin role locked, and a global admin's page read-only.
    let (uma, _) = app
        .add_user(
            &ga.org_id,
            "uma@sakura.example",
            &[Role::UserManagementAdmin],
            Some(TEST_PASSWORD),
        )
        .await;
    let mut m = PortalClient::new(&app);
    m.sign_in(&uma.email, TEST_PASSWORD).await;
    let form = m.get("/users/new").await.text().await.unwrap();
    assert!(
        form.contains("value=\"global_admin\" disabled"),
        "global admin cannot be granted by a user management admin"
    );
    let ga_page = m
        .get(&format!("/users/{}", ga.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(ga_page.contains("id=\"manage-reason\"") && !ga_page.contains("id=\"edit-user-form\""));
    // Even a forged form cannot grant it.
    let csrf_m = m.csrf().await;
    let res = m
        .post(
            "/users",
            &[
                ("csrf", &csrf_m),
                ("full_name", "Sneaky"),
                ("email", "sneaky@sakura.example"),
                ("roles", "global_admin"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    // A sales agent sees the Add action greyed with the reason.
    let (sales, _) = app
        .add_user(
            &ga.org_id,
            "sa@sakura.example",
            &[Role::SalesAgent],
            Some(TEST_PASSWORD),
        )
        .await;
    let mut s = PortalClient::new(&app);
    s.sign_in(&sales.email, TEST_PASSWORD).await;
    assert_eq!(s.get("/users").await.status(), 403);
}
