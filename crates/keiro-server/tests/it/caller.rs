//! Who is calling is read afresh on every request, in one statement (issue 15; R-USR-3,
//! R-USR-4, R-REL-8): whatever is taken away through one node counts from the very next request
//! on the other. Two nodes share the one database (on PostgreSQL, one server), and both have
//! answered the caller before, so a node that kept anything between requests would show it.

use crate::gdap;
use crate::helpers::{PortalClient, json_of, post};
use keiro_domain::Role;
use keiro_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use keiro_testkit::{TEST_PASSWORD, TestApp, both_backends};
use reqwest::Method;
use serde_json::{Value, json};

both_backends!(
    r_usr_3_what_is_taken_away_counts_from_the_next_request_on_every_node,
    the_one_statement_reads_what_the_tables_hold,
);

/// The status of an API call with `tok` to the node at `base`.
async fn status(app: &TestApp, base: &str, method: Method, tok: &str, path: &str) -> u16 {
    let mut rb = app.http.request(method.clone(), format!("{base}{path}"));
    rb = rb.bearer_auth(tok);
    if method == Method::POST {
        rb = rb.json(&json!({}));
    }
    rb.send().await.unwrap().status().as_u16()
}

/// `GET /v1/me` on the node at `base`: the status and the body.
async fn me(app: &TestApp, base: &str, tok: &str) -> (u16, Value) {
    let r = app
        .http
        .get(format!("{base}/v1/me"))
        .bearer_auth(tok)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// A portal page with a session cookie on the node at `base`: its status.
async fn page(app: &TestApp, base: &str, cookie: &str, path: &str) -> u16 {
    app.http
        .get(format!("{base}{path}"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn r_usr_3_what_is_taken_away_counts_from_the_next_request_on_every_node(app: TestApp) {
    let w = gdap::world(&app).await;
    let peer = app.peer().await;
    let (one, two) = (app.base_url.clone(), peer.base_url.clone());
    let nodes = [one.as_str(), two.as_str()];

    // A security group's access to a customer: removed from the group on node one, the helper's
    // next request on node two has nothing there.
    let id = gdap::active_gdap(&app, &w, "Helpdesk", json!(["password_admin"]), 60, false).await;
    let gid =
        gdap::group_with_helper(&app, &w, "Helpdesk team", &id, json!(["password_admin"])).await;
    let reset = format!(
        "/v1/customers/{}/users/{}/resetpassword",
        w.customer.org_id, w.worker.id
    );
    for n in nodes {
        assert_eq!(status(&app, n, Method::POST, &w.ht, &reset).await, 200);
    }
    let member = format!("/v1/securitygroups/{gid}/members/{}", w.helper.id);
    assert_eq!(
        status(&app, &one, Method::DELETE, &w.pt, &member).await,
        200
    );
    assert_eq!(status(&app, &two, Method::POST, &w.ht, &reset).await, 404);
    // Back in the group, then the customer ends the relationship on node one.
    json_of(
        post(
            &app,
            &w.pt,
            &format!("/v1/securitygroups/{gid}/members"),
            json!({"user_id": w.helper.id}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(status(&app, &two, Method::POST, &w.ht, &reset).await, 200);
    let end = format!("/v1/delegatedadminrelationships/{id}/terminate");
    assert_eq!(status(&app, &one, Method::POST, &w.ct, &end).await, 200);
    assert_eq!(status(&app, &two, Method::POST, &w.ht, &reset).await, 404);

    // A role removed on node one: the next request on node two acts without it.
    let (um, _) = app
        .add_user(
            &w.partner.org_id,
            "people@distri.example",
            &[Role::UserManagementAdmin],
            Some(TEST_PASSWORD),
        )
        .await;
    let ut = app.token_for(&um.email).await;
    let mut portal = PortalClient::new(&app);
    portal.sign_in(&um.email, TEST_PASSWORD).await;
    let cookie = portal.cookie.clone().expect("signed in");
    for n in nodes {
        assert_eq!(status(&app, n, Method::GET, &ut, "/v1/users").await, 200);
        assert_eq!(page(&app, n, &cookie, "/users").await, 200);
    }
    let r = app
        .http
        .patch(app.url(&format!("/v1/users/{}", um.id)))
        .bearer_auth(&w.pt)
        .json(&json!({"roles": ["sales_agent"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (s, body) = me(&app, &two, &ut).await;
    assert_eq!((s, &body["roles"]), (200, &json!(["sales_agent"])));
    assert_eq!(status(&app, &two, Method::GET, &ut, "/v1/users").await, 403);
    assert_ne!(page(&app, &two, &cookie, "/users").await, 200);

    // A user deactivated on node one: neither their token nor their session opens anything on
    // node two.
    assert_eq!(page(&app, &two, &cookie, "/account").await, 200);
    let off = format!("/v1/users/{}/deactivate", um.id);
    assert_eq!(status(&app, &one, Method::POST, &w.pt, &off).await, 200);
    assert_eq!(me(&app, &two, &ut).await.0, 401);
    assert_eq!(page(&app, &two, &cookie, "/account").await, 303);

    // A token revoked on node one is refused on node two.
    let created = json_of(
        post(&app, &w.pt, "/v1/apitokens", json!({"name": "second"})).await,
        201,
    )
    .await;
    let second = created["token"].as_str().unwrap().to_string();
    for n in nodes {
        assert_eq!(me(&app, n, &second).await.0, 200);
    }
    let revoke = format!("/v1/apitokens/{}", created["id"].as_str().unwrap());
    assert_eq!(
        status(&app, &one, Method::DELETE, &w.pt, &revoke).await,
        204
    );
    let (s, body) = me(&app, &two, &second).await;
    assert_eq!((s, body["code"].as_str()), (401, Some("invalid_token")));
    assert_eq!(
        me(&app, &two, &w.pt).await.0,
        200,
        "the first token still works"
    );

    // A session ended on node one (signing out) opens nothing on node two.
    let mut admin = PortalClient::new(&app);
    admin.sign_in(&w.partner.email, TEST_PASSWORD).await;
    let cookie = admin.cookie.clone().expect("signed in");
    for n in nodes {
        assert_eq!(page(&app, n, &cookie, "/account").await, 200);
    }
    let csrf = admin.csrf().await;
    admin.post("/signout", &[("csrf", &csrf)]).await;
    assert_eq!(page(&app, &two, &cookie, "/account").await, 303);
}

/// The caller's one statement decodes its row by position: it must read exactly what the
/// tables hold (every column of the user and the organization, the roles, the groups), for a
/// token, a session and a user id alike.
async fn the_one_statement_reads_what_the_tables_hold(app: TestApp) {
    use keiro_store::repo;
    let w = gdap::world(&app).await;
    let id = gdap::active_gdap(&app, &w, "Helpdesk", json!(["password_admin"]), 60, false).await;
    let gid =
        gdap::group_with_helper(&app, &w, "Helpdesk team", &id, json!(["password_admin"])).await;
    let c = app.app.db.reader();
    let user = repo::users::get_for_auth(c, &w.helper.id)
        .await
        .unwrap()
        .unwrap();
    let org = repo::orgs::get(c, &w.helper.org_id).await.unwrap().unwrap();
    let p = repo::caller::by_user(c, &w.helper.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.user, user);
    assert_eq!(p.org, org);
    assert_eq!(p.roles, vec!["helpdesk_agent".to_string()]);
    assert_eq!(p.groups, vec![gid]);
    // The partner's admin: two roles, in code order, and no group.
    let p = repo::caller::by_user(c, &w.partner.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        p.roles,
        repo::users::roles_of(c, &w.partner.id).await.unwrap()
    );
    assert_eq!(p.roles.len(), 2);
    assert!(p.groups.is_empty());
    assert!(
        repo::caller::by_user(c, "no such user")
            .await
            .unwrap()
            .is_none()
    );
    // By token hash and by session: the same principal, and the row that found it.
    let hash = keiro_app::auth::token_hash(&w.ht).unwrap();
    let (t, by_token) = repo::caller::by_token(c, &hash).await.unwrap().unwrap();
    let row = keiro_store::entities::api_token::Entity::find()
        .filter(keiro_store::entities::api_token::Column::TokenHash.eq(hash.as_str()))
        .one(c)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        t,
        repo::caller::TokenState {
            id: row.id,
            token_hash: hash.clone(),
            expires_at: row.expires_at,
            revoked_at: row.revoked_at,
            last_used_at: row.last_used_at,
        }
    );
    assert_eq!(row.user_id, w.helper.id);
    assert_eq!(by_token.user, user);
    let mut portal = PortalClient::new(&app);
    portal.sign_in(&w.helper.email, TEST_PASSWORD).await;
    let cookie = portal.cookie.clone().unwrap();
    let sid = keiro_app::secrets::sha256_hex(cookie.trim_start_matches("keiro_session="));
    let (s, by_session) = repo::caller::by_session(c, &sid, app.app.now())
        .await
        .unwrap()
        .unwrap();
    let row = keiro_store::entities::session::Entity::find_by_id(sid.clone())
        .one(c)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        s,
        repo::caller::SessionState {
            id: sid.clone(),
            last_seen_at: row.last_seen_at,
            mfa_pending: row.mfa_pending,
        }
    );
    assert_eq!(
        (row.user_id.as_str(), row.revoked_at),
        (w.helper.id.as_str(), None)
    );
    assert_eq!(by_session.org, org);
    // An expired session is not found.
    let later = app.app.now() + time::Duration::days(400);
    assert!(
        repo::caller::by_session(c, &sid, later)
            .await
            .unwrap()
            .is_none()
    );
}
