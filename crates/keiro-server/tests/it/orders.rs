//! Orders through the API (R-ORD-2, R-ORD-3, R-ORD-7, R-REL-1): checked against the offer
//! and the relationship, attributed to a partnered reseller, retried once, a new customer for a
//! reseller in one transaction, and one key fired at two server nodes on one PostgreSQL.

use crate::helpers::{buy, code, json_of, order, post, put, send};
use keiro_domain::Role;
use keiro_testkit::world::world;
use keiro_testkit::{Backend, TEST_PASSWORD, TestApp, both_backends};
use serde_json::{Value, json};

both_backends!(
    r_ord_3_r_rel_1_orders_are_checked_against_the_offer_and_the_relationship,
    r_ord_3_r_rel_1_provider_attributes_to_a_partnered_related_reseller,
    r_ord_7_a_retried_order_buys_once,
    r_ord_2_new_customer_for_a_reseller_in_one_transaction,
);

async fn r_ord_3_r_rel_1_orders_are_checked_against_the_offer_and_the_relationship(app: TestApp) {
    let w = world(&app).await;
    let cu = &w.customer.org_id;
    // Each refusal names its rule and writes nothing.
    for (lines, want) in [
        (
            json!([{"offer_id": w.base, "quantity": 0}]),
            "quantity_out_of_bounds",
        ),
        (
            json!([{"offer_id": w.base, "quantity": 301}]),
            "quantity_out_of_bounds",
        ),
        (
            json!([{"offer_id": w.us, "quantity": 1}]),
            "not_sold_in_country",
        ),
        (
            json!([{"offer_id": w.addon, "quantity": 5}]),
            "prerequisite_missing",
        ),
        (
            json!([{"offer_id": w.base, "quantity": 1, "trial": true}]),
            "no_trial",
        ),
        (
            json!([{"offer_id": "nope", "quantity": 1}]),
            "unknown_offer",
        ),
        (json!([]), "invalid_lines"),
        (
            json!([{"offer_id": w.base, "quantity": 2}, {"offer_id": w.addon, "quantity": 11}]),
            "quantity_out_of_bounds",
        ),
    ] {
        assert_eq!(
            code(order(&app, &w.rt, cu, lines.clone()).await).await,
            (422, want.to_string()),
            "{lines}"
        );
    }
    assert_eq!(app.count("subscriptions").await, 0);
    assert_eq!(app.count("orders").await, 0);

    // An add-on ordered with its prerequisite in one order is fine.
    let o = json_of(
        order(
            &app,
            &w.rt,
            cu,
            json!([{"offer_id": w.base, "quantity": 10}, {"offer_id": w.addon, "quantity": 5}]),
        )
        .await,
        201,
    )
    .await;
    let subs = o["subscriptions"].as_array().unwrap();
    assert_eq!(subs.len(), 2);
    assert_eq!(subs[0]["seller"]["id"], w.reseller.org_id.as_str());
    assert_eq!(subs[0]["state"], "active");
    assert_eq!(subs[0]["auto_renew"], true);
    assert_eq!(subs[0]["customer"]["legal_name"], "Contoso");
    // Later, the add-on alone: the prerequisite is held.
    buy(&app, &w.rt, cu, json!({"offer_id": w.addon, "quantity": 6})).await;
    // A retired offer is no longer sold.
    let res = send(
        &app,
        reqwest::Method::PUT,
        &w.op,
        &format!("/v1/offers/{}/state", w.base),
        Some(json!({"state": "retired"})),
        &[],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        code(
            order(
                &app,
                &w.rt,
                cu,
                json!([{"offer_id": w.base, "quantity": 1}])
            )
            .await
        )
        .await,
        (422, "offer_unavailable".into())
    );

    // R-REL-1: without a reseller relationship the customer does not exist for a partner; a
    // removed relationship ends ordering; customers and sales-less roles cannot order.
    let stranger = app.reseller_admin("Stranger").await;
    let st = app.token_for(&stranger.email).await;
    assert_eq!(
        code(order(&app, &st, cu, json!([{"offer_id": w.addon, "quantity": 5}])).await).await,
        (404, "not_found".into())
    );
    assert_eq!(
        code(
            order(
                &app,
                &w.ct,
                cu,
                json!([{"offer_id": w.addon, "quantity": 5}])
            )
            .await
        )
        .await
        .0,
        403
    );
    let (helpdesk, _) = app
        .add_user(
            &w.reseller.org_id,
            "helpdesk@resell.example",
            &[Role::HelpdeskAgent],
            Some(TEST_PASSWORD),
        )
        .await;
    let ht = app.token_for(&helpdesk.email).await;
    assert_eq!(
        code(order(&app, &ht, cu, json!([{"offer_id": w.addon, "quantity": 5}])).await).await,
        (403, "role_required".into())
    );
    // While the relationship is active, the guarded insert writes the order.
    let orders = app.count("orders").await;
    let guarded = keiro_store::repo::subscriptions::insert_order_if_related;
    assert!(
        guarded(app.app.db.reader(), order_row(&app, &w), &w.reseller.org_id)
            .await
            .unwrap()
    );
    assert_eq!(app.count("orders").await, orders + 1);
    let res = post(
        &app,
        &w.rt,
        &format!("/v1/customers/{cu}/remove"),
        json!({"attest": true}),
    )
    .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(
        code(
            order(
                &app,
                &w.rt,
                cu,
                json!([{"offer_id": w.addon, "quantity": 5}])
            )
            .await
        )
        .await,
        (404, "not_found".into())
    );
    assert_eq!(app.count("subscriptions").await, 3);
    // The write itself checks the relationship again (an order checked just before it ended
    // is not written): now that it has ended, the guarded insert refuses and writes nothing.
    let orders = app.count("orders").await;
    let c = app.app.db.reader();
    let guarded = keiro_store::repo::subscriptions::insert_order_if_related;
    assert!(
        !guarded(c, order_row(&app, &w), &w.reseller.org_id)
            .await
            .unwrap()
    );
    assert_eq!(app.count("orders").await, orders);
}

/// An order row from the world's reseller for its customer, as `write_order` makes one.
fn order_row(
    app: &TestApp,
    w: &keiro_testkit::world::World,
) -> keiro_store::entities::order::Model {
    keiro_store::entities::order::Model {
        id: uuid::Uuid::now_v7().to_string(),
        customer_org_id: w.customer.org_id.clone(),
        placed_by_org_id: w.reseller.org_id.clone(),
        placed_by_user_id: Some(w.reseller.id.clone()),
        created_at: app.app.now(),
    }
}

async fn r_ord_3_r_rel_1_provider_attributes_to_a_partnered_related_reseller(app: TestApp) {
    let w = world(&app).await;
    let cu = &w.customer.org_id;
    let line = |pid: &str| json!([{"offer_id": w.base, "quantity": 3, "reseller_partner_id": pid}]);
    // Not a partnered reseller: refused.
    let other = app.reseller_admin("Other Resell").await;
    app.db_set_partner_id(&other.org_id, "3000001").await;
    assert_eq!(
        code(order(&app, &w.pt, cu, line("3000001")).await).await,
        (422, "not_a_partnered_reseller".into())
    );
    assert_eq!(
        code(order(&app, &w.pt, cu, line("9999999")).await).await,
        (422, "not_a_partnered_reseller".into())
    );
    // Partnered, but with no relationship to this customer: the provider needs both (R-REL-1).
    app.db_partner_up(&w.provider.org_id, &other.org_id).await;
    assert_eq!(
        code(order(&app, &w.pt, cu, line("3000001")).await).await,
        (422, "reseller_not_related".into())
    );
    // A reseller cannot attribute to anyone (it has no indirect resellers).
    assert_eq!(
        code(order(&app, &w.rt, cu, line("1000001")).await).await,
        (422, "not_a_partnered_reseller".into())
    );
    assert_eq!(app.count("subscriptions").await, 0);
    // The partnered, related reseller: the subscription is the provider's sale, attributed.
    let o = json_of(order(&app, &w.pt, cu, line("2000001")).await, 201).await;
    let s = &o["subscriptions"][0];
    assert_eq!(s["seller"]["id"], w.provider.org_id.as_str());
    assert_eq!(s["reseller"]["partner_id"], "2000001");
    // The reseller sees it among its customer's subscriptions and may change it.
    let listed = json_of(
        app.get(&format!("/v1/customers/{cu}/subscriptions"), &w.rt)
            .await,
        200,
    )
    .await;
    assert_eq!(listed["items"][0]["id"], s["id"]);
    let id = s["id"].as_str().unwrap();
    let res = put(
        &app,
        &w.rt,
        &format!("/v1/subscriptions/{id}/quantity"),
        json!({"quantity": 4}),
    )
    .await;
    assert_eq!(json_of(res, 200).await["quantity"], 4);
}

async fn r_ord_7_a_retried_order_buys_once(app: TestApp) {
    let w = world(&app).await;
    let path = format!("/v1/customers/{}/orders", w.customer.org_id);
    let body = json!({"lines": [{"offer_id": w.base, "quantity": 7}]});
    let go = |key: &'static str, body: Value| {
        let (app, rt, path) = (&app, &w.rt, &path);
        async move {
            send(
                app,
                reqwest::Method::POST,
                rt,
                path,
                Some(body),
                &[("idempotency-key", key)],
            )
            .await
        }
    };
    let first = go("order-1", body.clone()).await;
    assert_eq!(first.status(), 201);
    let first = first.json::<Value>().await.unwrap();
    // The key is not looked up first: a replay runs into it at the end of its transaction,
    // which rolls back, and answers with the first order. It leaves no trace.
    let (audit, outbox) = (
        app.count("audit_records").await,
        app.count("outbox_messages").await,
    );
    let again = go("order-1", body.clone()).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    assert_eq!(app.count("subscriptions").await, 1);
    assert_eq!(app.count("orders").await, 1);
    assert_eq!(
        (
            app.count("audit_records").await,
            app.count("outbox_messages").await
        ),
        (audit, outbox)
    );
    // The same key with another body is refused; another key buys again.
    assert_eq!(
        code(
            go(
                "order-1",
                json!({"lines": [{"offer_id": w.base, "quantity": 8}]})
            )
            .await
        )
        .await,
        (422, "idempotency_key_reused".into())
    );
    assert_eq!(go("order-2", body.clone()).await.status(), 201);
    assert_eq!(app.count("subscriptions").await, 2);
    // Changes too: a retried quantity change applies once (one history entry).
    let id = first["subscriptions"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let qpath = format!("/v1/subscriptions/{id}/quantity");
    for _ in 0..2 {
        let r = send(
            &app,
            reqwest::Method::PUT,
            &w.rt,
            &qpath,
            Some(json!({"quantity": 9})),
            &[("idempotency-key", "q-1"), ("if-match", "\"b1\"")],
        )
        .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["etag"], "\"b2\"");
    }
    let h = json_of(
        app.get(&format!("/v1/subscriptions/{id}/history"), &w.rt)
            .await,
        200,
    )
    .await;
    assert_eq!(h["items"].as_array().unwrap().len(), 2, "{h}");
    // Concurrent first requests with one key: one subscription.
    let (a, b) = tokio::join!(go("order-3", body.clone()), go("order-3", body.clone()));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 201]);
    assert_eq!(app.count("subscriptions").await, 3);
    // A retry that arrives after the relationship has ended still gets the first answer; a
    // new key is refused as for any order to a customer that is no longer the reseller's.
    let res = post(
        &app,
        &w.rt,
        &format!("/v1/customers/{}/remove", w.customer.org_id),
        json!({"attest": true}),
    )
    .await;
    assert!(res.status().is_success(), "{}", res.status());
    let late = go("order-1", body.clone()).await;
    assert_eq!(late.status(), 200);
    assert_eq!(late.json::<Value>().await.unwrap(), first);
    assert_eq!(
        code(go("order-4", body.clone()).await).await,
        (404, "not_found".into())
    );
    assert_eq!(app.count("subscriptions").await, 3);
}

async fn r_ord_2_new_customer_for_a_reseller_in_one_transaction(app: TestApp) {
    let w = world(&app).await;
    let path = format!("/v1/indirectresellers/{}/customers", w.reseller.org_id);
    let body = |email: &str, lines: Value| {
        json!({
            "legal_name": "Northwind Foods",
            "primary_domain": "northwind.example",
            "address_line1": "2-2 Umeda",
            "address_line2": "梅田ビル 5F",
            "city": "Osaka",
            "region": "大阪府",
            "postal_code": "530-0001",
            "country": "JP",
            "phone": "+81 6 0000 0000",
            "contact_email": "it@northwind.example",
            "admin_full_name": "北風 太郎",
            "admin_email": email,
            "lines": lines,
        })
    };
    let (orgs, users) = (app.count("organizations").await, app.count("users").await);
    // A bad line (or anything else refused) leaves nothing behind.
    assert_eq!(
        code(
            post(
                &app,
                &w.pt,
                &path,
                body(
                    "admin@northwind.example",
                    json!([{"offer_id": w.us, "quantity": 1}])
                )
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
                &w.pt,
                &path,
                body(
                    &w.customer.email,
                    json!([{"offer_id": w.base, "quantity": 1}])
                )
            )
            .await
        )
        .await,
        (409, "email_taken".into())
    );
    // Only for a partnered reseller, and only a provider's sales roles.
    let stranger = app.reseller_admin("Stranger").await;
    assert_eq!(
        code(
            post(
                &app,
                &w.pt,
                &format!("/v1/indirectresellers/{}/customers", stranger.org_id),
                body(
                    "a@northwind.example",
                    json!([{"offer_id": w.base, "quantity": 1}])
                )
            )
            .await
        )
        .await
        .0,
        404
    );
    // (the stranger is the only organization and user added)
    assert_eq!(app.count("organizations").await, orgs + 1);
    assert_eq!(app.count("users").await, users + 1);
    assert_eq!(app.count("customer_relationships").await, 2);
    assert_eq!(app.count("subscriptions").await, 0);

    let res = send(
        &app,
        reqwest::Method::POST,
        &w.pt,
        &path,
        Some(body(
            "admin@northwind.example",
            json!([{"offer_id": w.base, "quantity": 20}, {"offer_id": w.addon, "quantity": 5}]),
        )),
        &[("idempotency-key", "nw-1")],
    )
    .await;
    assert_eq!(res.headers()["cache-control"], "no-store");
    let v = json_of(res, 201).await;
    let customer = v["customer_id"].as_str().unwrap().to_string();
    let temp = v["temporary_password"].as_str().unwrap().to_string();
    assert_eq!(v["admin_email"], "admin@northwind.example");
    // The address keeps its prefecture and second line (issue 14, point 4).
    let org = keiro_store::repo::orgs::get(app.app.db.reader(), &customer)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (org.region.as_str(), org.address_line2.as_str()),
        ("大阪府", "梅田ビル 5F")
    );
    assert_eq!(v["order"]["subscriptions"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["order"]["subscriptions"][0]["reseller"]["id"],
        w.reseller.org_id.as_str()
    );
    assert_eq!(
        v["order"]["subscriptions"][0]["seller"]["id"],
        w.provider.org_id.as_str()
    );
    // A retry shows the same customer and never the password again.
    let again = send(
        &app,
        reqwest::Method::POST,
        &w.pt,
        &path,
        Some(body(
            "admin@northwind.example",
            json!([{"offer_id": w.base, "quantity": 20}, {"offer_id": w.addon, "quantity": 5}]),
        )),
        &[("idempotency-key", "nw-1")],
    )
    .await;
    let again = json_of(again, 200).await;
    assert_eq!(again["customer_id"], customer.as_str());
    assert_eq!(again["temporary_password"], Value::Null);
    assert_eq!(app.count("organizations").await, orgs + 2);

    // The admin signs in with the temporary password and must change it first.
    let res = app
        .http
        .post(app.url("/signin"))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("email", "admin@northwind.example"),
            ("password", temp.as_str()),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(crate::helpers::location(&res), "/password/change");
    // The customer is listed under the reseller, which has admin rights over it; the provider
    // has its relationship too.
    let shared = json_of(
        app.get(
            &format!("/v1/indirectresellers/{}/customers", w.reseller.org_id),
            &w.pt,
        )
        .await,
        200,
    )
    .await;
    assert!(
        shared["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == customer.as_str())
    );
    let rc = json_of(app.get("/v1/customers?q=northwind", &w.rt).await, 200).await;
    assert_eq!(rc["items"][0]["delegated_admin"], true);
    app.db_set_delegated_access(&w.reseller.id, keiro_domain::DelegatedAccess::Full)
        .await;
    let users = json_of(
        app.get(&format!("/v1/customers/{customer}/users"), &w.rt)
            .await,
        200,
    )
    .await;
    assert_eq!(users["items"][0]["email"], "admin@northwind.example");
    assert_eq!(
        json_of(
            app.get(&format!("/v1/subscriptions?customer={customer}"), &w.rt)
                .await,
            200
        )
        .await["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let audit = json_of(
        app.get("/v1/auditrecords?action=organization.created", &w.pt)
            .await,
        200,
    )
    .await;
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["target_id"] == customer.as_str())
    );
}

/// R-ORD-7 across nodes: the same order with one Idempotency-Key fired at two server nodes on
/// one PostgreSQL at the same moment buys one subscription; both answers carry it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r_ord_7_one_key_two_nodes_one_subscription() {
    let Some(app) = TestApp::builder(Backend::Postgres).spawn().await else {
        return;
    };
    let w = world(&app).await;
    let peer = app.peer().await;
    let path = format!("/v1/customers/{}/orders", w.customer.org_id);
    let body = json!({"lines": [{"offer_id": w.base, "quantity": 4}]});
    for round in 0..5 {
        let key = format!("two-nodes-{round}");
        let fire = |url: String| {
            app.http
                .post(url)
                .bearer_auth(&w.rt)
                .header("idempotency-key", &key)
                .json(&body)
                .send()
        };
        let (a, b) = tokio::join!(fire(app.url(&path)), fire(peer.url(&path)));
        let (a, b) = (a.unwrap(), b.unwrap());
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 201], "round {round}");
        let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
        assert_eq!(a["subscriptions"][0]["id"], b["subscriptions"][0]["id"]);
        assert_eq!(app.count("subscriptions").await, round + 1);
    }
}
