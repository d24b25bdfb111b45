//! The shared kit of the walkers over `/openapi.json` (`contract.rs`, `replays.rs`,
//! `preconditions.rs`, `isolation.rs`): the document as served, a create that must succeed,
//! and the delegated admin the reseller of `keiro_testkit::world` holds in its customer.

use crate::helpers::{json_of, link_token};
use keiro_domain::DelegatedAccess;
use keiro_testkit::TestApp;
use keiro_testkit::world::World;
use serde_json::{Value, json};

/// `/openapi.json` as the server answers it.
pub async fn document(app: &TestApp) -> Value {
    let res = app.http.get(app.url("/openapi.json")).send().await.unwrap();
    res.json().await.unwrap()
}

/// POSTs `body` as `tok` and returns the created resource (201 or the test fails).
pub async fn created(app: &TestApp, tok: &str, path: &str, body: Value) -> Value {
    let res = app
        .http
        .post(app.url(path))
        .bearer_auth(tok)
        .json(&body)
        .send()
        .await
        .unwrap();
    json_of(res, 201).await
}

/// The world's reseller offers delegated admin, the customer accepts, and the reseller's user
/// gets full delegated access; returns the id of the accepted relationship request.
pub async fn reseller_administers_customer(app: &TestApp, w: &World) -> String {
    app.db_authorize_delegated_admin(&w.reseller.org_id).await;
    app.db_set_delegated_access(&w.reseller.id, DelegatedAccess::Full)
        .await;
    let offer = created(
        app,
        &w.rt,
        "/v1/relationshiprequests",
        json!({"kind": "delegated_admin"}),
    )
    .await;
    let token = link_token(offer["url"].as_str().unwrap());
    let res = app
        .http
        .post(app.url("/v1/invitations/accept"))
        .bearer_auth(&w.ct)
        .json(&json!({"token": token, "confirm": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    offer["request"]["id"].as_str().unwrap().to_string()
}
