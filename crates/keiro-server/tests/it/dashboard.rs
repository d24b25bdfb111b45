//! The dashboard's work (issue 14, point 7): counts and links of what waits for this user,
//! following the role rules already in place.

use crate::helpers::{PortalClient, buy, post};
use keiro_testkit::world::world;
use keiro_testkit::{TEST_PASSWORD, TestApp, both_backends};
use serde_json::json;

both_backends!(dashboard_shows_the_work_waiting_for_each_user);

async fn dashboard_of(app: &TestApp, email: &str) -> String {
    let mut c = PortalClient::new(app);
    c.sign_in(email, TEST_PASSWORD).await;
    c.get("/dashboard").await.text().await.unwrap()
}

async fn dashboard_shows_the_work_waiting_for_each_user(app: TestApp) {
    let w = world(&app).await;
    // Nothing waits yet for the customer.
    let page = dashboard_of(&app, &w.customer.email).await;
    assert!(page.contains("id=\"work-none\""), "{page}");
    // A trial (it ends in 30 days) and an open service request.
    buy(
        &app,
        &w.rt,
        &w.customer.org_id,
        json!({"offer_id": w.trial, "quantity": 5, "trial": true}),
    )
    .await;
    let r = post(
        &app,
        &w.ct,
        &format!("/v1/customers/{}/servicerequests", w.customer.org_id),
        json!({"title": "Sign-in fails", "description": "Since this morning", "severity": "high"}),
    )
    .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let page = dashboard_of(&app, &w.customer.email).await;
    assert!(page.contains("Open service requests: 1"), "{page}");
    assert!(page.contains("href=\"/support\""));
    assert!(
        page.contains("Subscriptions and trials ending within 30 days: 1"),
        "{page}"
    );
    let page = dashboard_of(&app, &w.reseller.email).await;
    assert!(
        page.contains("id=\"work-subscriptions-ending\"")
            && page.contains("ending within 30 days: 1"),
        "the reseller that sold it sees it: {page}"
    );
    assert!(
        !page.contains("id=\"work-service-requests-open\""),
        "a customer's own work"
    );
}

both_backends!(r_rel_10_the_customer_list_shows_subscriptions_and_resellers);

async fn r_rel_10_the_customer_list_shows_subscriptions_and_resellers(app: TestApp) {
    let w = world(&app).await;
    app.db_set_partner_id(&w.reseller.org_id, "7000001").await;
    let line = json!({"offer_id": w.base, "quantity": 3, "reseller_partner_id": "7000001"});
    buy(&app, &w.pt, &w.customer.org_id, line).await;
    buy(
        &app,
        &w.pt,
        &w.customer.org_id,
        json!({"offer_id": w.base, "quantity": 2}),
    )
    .await;
    let mut c = PortalClient::new(&app);
    c.sign_in(&w.provider.email, TEST_PASSWORD).await;
    let page = c.get("/customers").await.text().await.unwrap();
    let row = page
        .split(&format!("data-customer=\"{}\"", w.customer.org_id))
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .expect("the customer's row")
        .to_string();
    assert!(
        row.contains("<td class=\"customer-subscription-count\">2</td>"),
        "{row}"
    );
    let reseller = keiro_store::repo::orgs::get(app.app.db.reader(), &w.reseller.org_id)
        .await
        .unwrap()
        .unwrap()
        .legal_name;
    assert!(
        row.contains(&format!("<td class=\"customer-resellers\">{reseller}</td>")),
        "{row}"
    );
}
