//! Subscriptions through the API (R-ORD-4…6): reseller and support contact set later, every
//! lifecycle change guarded, recorded and audited, terms and trials on the clock, who sees what,
//! and the support contact's service requests.

use crate::helpers::{buy, code, json_of, post, put, send};
use keiro_domain::{ProgramRole, Role};
use keiro_testkit::world::world;
use keiro_testkit::{TEST_PASSWORD, TestApp, both_backends};
use serde_json::{Value, json};
use time::Duration;

both_backends!(
    r_ord_4_r_ord_5_reseller_and_support_contact_set_later,
    r_ord_6_lifecycle_changes_are_guarded_recorded_and_audited,
    r_ord_6_terms_renew_or_expire_and_trials_convert_on_the_clock,
    r_ord_6_who_sees_what,
    r_ord_5_support_contact_works_on_its_subscriptions_service_requests,
);

async fn r_ord_4_r_ord_5_reseller_and_support_contact_set_later(app: TestApp) {
    let w = world(&app).await;
    let s = buy(
        &app,
        &w.pt,
        &w.customer.org_id,
        json!({"offer_id": w.base, "quantity": 2}),
    )
    .await;
    let id = s["id"].as_str().unwrap();
    assert_eq!(s["reseller"], Value::Null);
    // The reseller does not see the provider's unattributed sale.
    assert_eq!(
        app.get(&format!("/v1/subscriptions/{id}"), &w.rt)
            .await
            .status(),
        404
    );
    // Set the reseller later by partner ID; it must be a partnered reseller (R-ORD-4).
    assert_eq!(
        code(
            put(
                &app,
                &w.pt,
                &format!("/v1/subscriptions/{id}/reseller"),
                json!({"partner_id": "7777777"})
            )
            .await
        )
        .await,
        (422, "not_a_partnered_reseller".into())
    );
    let v = json_of(
        put(
            &app,
            &w.pt,
            &format!("/v1/subscriptions/{id}/reseller"),
            json!({"partner_id": "2000001"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(v["reseller"]["id"], w.reseller.org_id.as_str());
    assert_eq!(
        code(
            put(
                &app,
                &w.pt,
                &format!("/v1/subscriptions/{id}/reseller"),
                json!({"partner_id": "2000001"})
            )
            .await
        )
        .await,
        (409, "unchanged".into())
    );
    assert_eq!(
        app.get(&format!("/v1/subscriptions/{id}"), &w.rt)
            .await
            .status(),
        200
    );
    // Only the seller names the reseller or the support contact.
    assert_eq!(
        code(
            put(
                &app,
                &w.rt,
                &format!("/v1/subscriptions/{id}/reseller"),
                json!({"partner_id": null})
            )
            .await
        )
        .await,
        (403, "seller_only".into())
    );
    // Support contact: another partnered reseller, which then sees the subscription but
    // cannot change it (R-ORD-5).
    let support = app.reseller_admin("Support GK").await;
    app.db_set_partner_id(&support.org_id, "4000001").await;
    let sup = app.token_for(&support.email).await;
    assert_eq!(
        code(
            put(
                &app,
                &w.pt,
                &format!("/v1/subscriptions/{id}/supportcontact"),
                json!({"partner_id": "4000001"})
            )
            .await
        )
        .await,
        (422, "not_a_partnered_reseller".into())
    );
    app.db_partner_up(&w.provider.org_id, &support.org_id).await;
    // Named only while it has its own relationship with the customer (R-REL-1).
    app.db_relate(&support.org_id, &w.customer.org_id).await;
    let v = json_of(
        put(
            &app,
            &w.pt,
            &format!("/v1/subscriptions/{id}/supportcontact"),
            json!({"partner_id": "4000001"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(v["support_contact"]["legal_name"], "Support GK");
    let seen = json_of(app.get("/v1/subscriptions", &sup).await, 200).await;
    assert_eq!(seen["items"][0]["id"], id);
    assert_eq!(
        code(
            put(
                &app,
                &sup,
                &format!("/v1/subscriptions/{id}/quantity"),
                json!({"quantity": 3})
            )
            .await
        )
        .await,
        (403, "support_contact_only".into())
    );
    // Back to the seller itself; the support reseller no longer sees it.
    json_of(
        put(
            &app,
            &w.pt,
            &format!("/v1/subscriptions/{id}/supportcontact"),
            json!({"partner_id": null}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        app.get(&format!("/v1/subscriptions/{id}"), &sup)
            .await
            .status(),
        404
    );
    let h = json_of(
        app.get(&format!("/v1/subscriptions/{id}/history"), &w.ct)
            .await,
        200,
    )
    .await;
    let changes: Vec<&str> = h["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["change"].as_str().unwrap())
        .collect();
    assert_eq!(
        changes,
        [
            "created",
            "reseller_changed",
            "support_contact_changed",
            "support_contact_changed"
        ]
    );
}

async fn r_ord_6_lifecycle_changes_are_guarded_recorded_and_audited(app: TestApp) {
    let w = world(&app).await;
    let base = buy(
        &app,
        &w.rt,
        &w.customer.org_id,
        json!({"offer_id": w.base, "quantity": 5}),
    )
    .await;
    let id = base["id"].as_str().unwrap().to_string();
    let at = |v: i64| format!("\"b{v}\"");
    let change = |method: reqwest::Method, what: &str, body: Option<Value>, version: i64| {
        let path = format!("/v1/subscriptions/{id}/{what}");
        let tag = at(version);
        let (app, rt) = (&app, w.rt.clone());
        async move { send(app, method, &rt, &path, body, &[("if-match", &tag)]).await }
    };
    use reqwest::Method as M;
    // Quantity within the offer's bounds, with If-Match.
    assert_eq!(
        code(change(M::PUT, "quantity", Some(json!({"quantity": 301})), 1).await).await,
        (422, "quantity_out_of_bounds".into())
    );
    assert_eq!(
        code(change(M::PUT, "quantity", Some(json!({"quantity": 5})), 1).await).await,
        (409, "unchanged".into())
    );
    let v = json_of(
        change(M::PUT, "quantity", Some(json!({"quantity": 25})), 1).await,
        200,
    )
    .await;
    assert_eq!(v["quantity"], 25);
    assert_eq!(
        change(M::PUT, "quantity", Some(json!({"quantity": 26})), 1)
            .await
            .status(),
        412,
        "a stale ETag changes nothing"
    );
    // Suspended for two reasons at once; active again when both are lifted.
    json_of(
        change(M::POST, "suspend", Some(json!({"reason": "billing"})), 2).await,
        200,
    )
    .await;
    let v = json_of(
        change(M::POST, "suspend", Some(json!({"reason": "fraud"})), 3).await,
        200,
    )
    .await;
    assert_eq!(v["state"], "suspended");
    assert_eq!(v["suspension_reasons"], json!(["billing", "fraud"]));
    assert_eq!(
        code(change(M::POST, "suspend", Some(json!({"reason": "fraud"})), 4).await).await,
        (409, "already_suspended_for_reason".into())
    );
    assert_eq!(
        code(change(M::PUT, "quantity", Some(json!({"quantity": 30})), 4).await).await,
        (409, "subscription_not_active".into())
    );
    let v = json_of(
        change(M::POST, "resume", Some(json!({"reason": "billing"})), 4).await,
        200,
    )
    .await;
    assert_eq!(
        (v["state"].clone(), v["suspension_reasons"].clone()),
        (json!("suspended"), json!(["fraud"]))
    );
    let v = json_of(
        change(M::POST, "resume", Some(json!({"reason": "fraud"})), 5).await,
        200,
    )
    .await;
    assert_eq!(v["state"], "active");
    // Auto-renew off, then cancelled: final.
    let v = json_of(
        change(M::PUT, "autorenew", Some(json!({"auto_renew": false})), 6).await,
        200,
    )
    .await;
    assert_eq!(v["auto_renew"], false);
    let v = json_of(change(M::POST, "cancel", None, 7).await, 200).await;
    assert_eq!(v["state"], "cancelled");
    assert!(v["ended_at"].is_string());
    for (m, what, body) in [
        (M::POST, "cancel", None),
        (M::POST, "suspend", Some(json!({"reason": "billing"}))),
        (M::PUT, "autorenew", Some(json!({"auto_renew": true}))),
    ] {
        assert_eq!(
            code(change(m, what, body, 8).await).await,
            (409, "subscription_final".into()),
            "{what}"
        );
    }
    // Every change: a history entry naming who, an audit row, an event for each party.
    let h = json_of(
        app.get(&format!("/v1/subscriptions/{id}/history"), &w.ct)
            .await,
        200,
    )
    .await;
    let items = h["items"].as_array().unwrap();
    let changes: Vec<&str> = items
        .iter()
        .map(|e| e["change"].as_str().unwrap())
        .collect();
    assert_eq!(
        changes,
        [
            "created",
            "quantity_changed",
            "suspended",
            "suspended",
            "suspension_lifted",
            "reactivated",
            "auto_renew_changed",
            "cancelled"
        ]
    );
    assert_eq!(items[1]["actor_user_id"], w.reseller.id.as_str());
    assert_eq!(items[1]["details"], json!({"from": 5, "to": 25}));
    let audit = json_of(
        app.get("/v1/auditrecords?action=subscription.cancelled", &w.ct)
            .await,
        200,
    )
    .await;
    assert_eq!(audit["items"][0]["target_id"], id.as_str());
    let events =
        keiro_store::repo::outbox::list(app.app.db.reader(), (None, Some("held")), None, 500)
            .await
            .unwrap()
            .items;
    let cancelled: Vec<_> = events
        .iter()
        .filter(|e| e.template == "subscription.cancelled")
        .map(|e| e.recipient.clone())
        .collect();
    assert_eq!(cancelled.len(), 2, "customer and seller");
    assert!(cancelled.contains(&w.customer.org_id));
}

async fn r_ord_6_terms_renew_or_expire_and_trials_convert_on_the_clock(app: TestApp) {
    let w = world(&app).await;
    let cu = &w.customer.org_id;
    let renewing = buy(&app, &w.rt, cu, json!({"offer_id": w.base, "quantity": 1})).await;
    let lapsing = buy(&app, &w.rt, cu, json!({"offer_id": w.base, "quantity": 1})).await;
    let trial_kept = buy(
        &app,
        &w.rt,
        cu,
        json!({"offer_id": w.trial, "quantity": 1, "trial": true}),
    )
    .await;
    let trial_dropped = buy(
        &app,
        &w.rt,
        cu,
        json!({"offer_id": w.trial, "quantity": 1, "trial": true}),
    )
    .await;
    assert_eq!(trial_kept["trial"], true);
    assert_eq!(
        trial_kept["auto_renew"], false,
        "a trial ends unless converted"
    );
    let term = |v: &Value, k: &str| {
        time::OffsetDateTime::parse(
            v[k].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
    };
    assert_eq!(
        term(&trial_kept, "term_ends_at") - term(&trial_kept, "term_started_at"),
        Duration::days(30)
    );
    let id = |v: &Value| v["id"].as_str().unwrap().to_string();
    put(
        &app,
        &w.rt,
        &format!("/v1/subscriptions/{}/autorenew", id(&lapsing)),
        json!({"auto_renew": false}),
    )
    .await;
    put(
        &app,
        &w.rt,
        &format!("/v1/subscriptions/{}/autorenew", id(&trial_kept)),
        json!({"auto_renew": true}),
    )
    .await;

    // Nothing is due yet.
    assert_eq!(
        keiro_app::subscriptions::tick(&app.app).await.unwrap(),
        keiro_app::subscriptions::TickReport::default()
    );
    // 32 days on: the monthly term has ended and so have the trials.
    app.clock.advance(Duration::days(32));
    let r = keiro_app::subscriptions::tick(&app.app).await.unwrap();
    assert_eq!((r.renewed, r.converted, r.expired), (1, 1, 2));
    // (API tokens last 30 days: fresh ones for the rest)
    let ct = app.token_for(&w.customer.email).await;
    let rt = app.token_for(&w.reseller.email).await;
    // A second pass changes nothing.
    assert_eq!(
        keiro_app::subscriptions::tick(&app.app).await.unwrap(),
        keiro_app::subscriptions::TickReport::default()
    );
    let get = |i: String| {
        let (app, ct) = (&app, ct.clone());
        async move { json_of(app.get(&format!("/v1/subscriptions/{i}"), &ct).await, 200).await }
    };
    let v = get(id(&renewing)).await;
    assert_eq!(v["state"], "active");
    assert_eq!(term(&v, "term_started_at"), term(&renewing, "term_ends_at"));
    assert!(term(&v, "term_ends_at") > app.app.now());
    let v = get(id(&lapsing)).await;
    assert_eq!(v["state"], "expired");
    assert_eq!(v["ended_at"], lapsing["term_ends_at"]);
    let v = get(id(&trial_kept)).await;
    assert_eq!(
        (v["state"].clone(), v["trial"].clone()),
        (json!("active"), json!(false))
    );
    assert_eq!(
        term(&v, "term_started_at"),
        term(&trial_kept, "term_ends_at")
    );
    assert_eq!(
        term(&v, "term_ends_at"),
        keiro_domain::subscription::add_months(term(&trial_kept, "term_ends_at"), 12)
    );
    assert_eq!(get(id(&trial_dropped)).await["state"], "expired");
    // The scheduler's changes are in the history, by nobody.
    let h = json_of(
        app.get(&format!("/v1/subscriptions/{}/history", id(&renewing)), &rt)
            .await,
        200,
    )
    .await;
    let last = h["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["change"].clone(), last["actor_user_id"].clone()),
        (json!("renewed"), Value::Null)
    );
    // A trial converts by hand too; a paid subscription does not.
    let t = buy(
        &app,
        &rt,
        cu,
        json!({"offer_id": w.trial, "quantity": 1, "trial": true}),
    )
    .await;
    let v = json_of(
        post(
            &app,
            &rt,
            &format!("/v1/subscriptions/{}/convert", id(&t)),
            json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(v["trial"], false);
    assert_eq!(
        code(
            post(
                &app,
                &rt,
                &format!("/v1/subscriptions/{}/convert", id(&t)),
                json!({})
            )
            .await
        )
        .await,
        (409, "not_a_trial".into())
    );
}

async fn r_ord_6_who_sees_what(app: TestApp) {
    let w = world(&app).await;
    let cu = &w.customer.org_id;
    let by_reseller = buy(&app, &w.rt, cu, json!({"offer_id": w.base, "quantity": 1})).await;
    let by_provider = buy(&app, &w.pt, cu, json!({"offer_id": w.base, "quantity": 2})).await;
    let ids = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect()
    };
    let both = vec![
        by_reseller["id"].as_str().unwrap().to_string(),
        by_provider["id"].as_str().unwrap().to_string(),
    ];
    // The customer's admins see every subscription, and who sells and supports each.
    let mine = json_of(app.get("/v1/subscriptions", &w.ct).await, 200).await;
    assert_eq!(ids(mine.clone()), both);
    assert_eq!(mine["items"][1]["seller"]["legal_name"], "Distri KK");
    assert_eq!(
        ids(json_of(
            app.get(&format!("/v1/customers/{cu}/subscriptions"), &w.ct)
                .await,
            200
        )
        .await),
        both
    );
    // A customer user without an admin role sees none; another customer gets 404.
    let (plain, _) = app
        .add_user(
            cu,
            "user@contoso.example",
            &[Role::User],
            Some(TEST_PASSWORD),
        )
        .await;
    let ut = app.token_for(&plain.email).await;
    assert_eq!(app.get("/v1/subscriptions", &ut).await.status(), 403);
    let other = app.customer_admin("Fabrikam").await;
    let ot = app.token_for(&other.email).await;
    assert_eq!(
        json_of(app.get("/v1/subscriptions", &ot).await, 200).await["items"],
        json!([])
    );
    assert_eq!(
        app.get(&format!("/v1/subscriptions/{}", both[0]), &ot)
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get(&format!("/v1/customers/{cu}/subscriptions"), &ot)
            .await
            .status(),
        404
    );
    // Each partner sees what it sold (the provider's sale is not attributed to the reseller).
    assert_eq!(
        ids(json_of(app.get("/v1/subscriptions", &w.rt).await, 200).await),
        both[..1]
    );
    assert_eq!(
        ids(json_of(app.get("/v1/subscriptions", &w.pt).await, 200).await),
        both[1..]
    );
    // A partner with a relationship to the customer but no part in a subscription sees none,
    // and a stranger gets 404.
    let third = app.reseller_admin("Third KK").await;
    app.db_relate(&third.org_id, cu).await;
    let tt = app.token_for(&third.email).await;
    assert_eq!(
        json_of(
            app.get(&format!("/v1/customers/{cu}/subscriptions"), &tt)
                .await,
            200
        )
        .await["items"],
        json!([])
    );
    for path in [
        format!("/v1/subscriptions/{}", both[0]),
        format!("/v1/subscriptions/{}/history", both[0]),
    ] {
        assert_eq!(app.get(&path, &tt).await.status(), 404, "{path}");
    }
    assert_eq!(
        put(
            &app,
            &tt,
            &format!("/v1/subscriptions/{}/quantity", both[0]),
            json!({"quantity": 2})
        )
        .await
        .status(),
        404
    );
    // The operator's staff hold no subscriptions.
    assert_eq!(app.get("/v1/subscriptions", &w.op).await.status(), 403);
}

async fn r_ord_5_support_contact_works_on_its_subscriptions_service_requests(app: TestApp) {
    let w = world(&app).await;
    let cu = &w.customer.org_id;
    let s = buy(&app, &w.pt, cu, json!({"offer_id": w.base, "quantity": 2})).await;
    let id = s["id"].as_str().unwrap();
    // A reseller partnered with the provider, with no relationship or rights in the customer.
    let support = app
        .partner(
            "Support GK",
            &[ProgramRole::IndirectReseller],
            &[Role::HelpdeskAgent],
        )
        .await;
    app.db_set_partner_id(&support.org_id, "4000001").await;
    app.db_partner_up(&w.provider.org_id, &support.org_id).await;
    app.db_relate(&support.org_id, cu).await;
    let st = app.token_for(&support.email).await;
    let srs = format!("/v1/customers/{cu}/servicerequests");
    let open = |tok: &str, sub: Option<&str>, title: &str| {
        let body = json!({"title": title, "description": "Mail is down", "severity": "high", "subscription_id": sub});
        let (app, tok, srs) = (&app, tok.to_string(), srs.clone());
        async move { post(app, &tok, &srs, body).await }
    };
    // The customer opens one request about the subscription and one about nothing in particular.
    let about = json_of(open(&w.ct, Some(id), "About the subscription").await, 201).await;
    assert_eq!(about["subscription_id"], id);
    let other = json_of(open(&w.ct, None, "Something else").await, 201).await;
    assert_eq!(
        code(open(&w.ct, Some("00000000-0000-7000-8000-000000000000"), "x").await).await,
        (422, "unknown_subscription".into())
    );
    // Not yet the support contact: the customer's requests do not exist for it.
    assert_eq!(app.get(&srs, &st).await.status(), 404);
    json_of(
        put(
            &app,
            &w.pt,
            &format!("/v1/subscriptions/{id}/supportcontact"),
            json!({"partner_id": "4000001"}),
        )
        .await,
        200,
    )
    .await;
    // Now it sees exactly the request about its subscription, adds a note and changes its status.
    let list = json_of(app.get(&srs, &st).await, 200).await;
    let titles: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["About the subscription"]);
    let rid = about["id"].as_str().unwrap();
    json_of(
        post(
            &app,
            &st,
            &format!("{srs}/{rid}/notes"),
            json!({"body": "Looking at it."}),
        )
        .await,
        201,
    )
    .await;
    let res = put(
        &app,
        &st,
        &format!("{srs}/{rid}/status"),
        json!({"status": "in_progress"}),
    )
    .await;
    assert_eq!(json_of(res, 200).await["status"], "in_progress");
    assert_eq!(
        app.get(&format!("{srs}/{}", other["id"].as_str().unwrap()), &st)
            .await
            .status(),
        404
    );
    // It opens requests only about the subscriptions it supports.
    assert_eq!(
        code(open(&st, None, "Anything").await).await,
        (422, "subscription_required".into())
    );
    json_of(open(&st, Some(id), "Follow-up").await, 201).await;
    // The customer sees the support contact's note; the audit names on whose behalf.
    let seen = json_of(app.get(&format!("{srs}/{rid}"), &w.ct).await, 200).await;
    assert_eq!(seen["notes"][0]["author_org_id"], support.org_id.as_str());
    // Once it is no longer the support contact, the requests are gone for it.
    json_of(
        put(
            &app,
            &w.pt,
            &format!("/v1/subscriptions/{id}/supportcontact"),
            json!({"partner_id": null}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(app.get(&srs, &st).await.status(), 404);
    assert_eq!(app.get(&format!("{srs}/{rid}"), &st).await.status(), 404);
}
