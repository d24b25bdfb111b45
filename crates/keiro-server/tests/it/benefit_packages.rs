//! Benefit packages through the API (R-BEN-1, R-BEN-2, R-BEN-7, R-BEN-10), on SQLite and
//! PostgreSQL: buying the package of the partner's level (any user, once a year, renewals from
//! the end of the running one), the ledger, cancellation asked by a global admin and decided by
//! operator staff, expiry notices, and a technical benefit's activation.

use crate::benefits::{
    add_benefit, allocations, import_keys, member, of_kind, software, staff_token, support,
};
use crate::helpers::{code, json_of, mails_to, post, send};
use keiro_testkit::world::world;
use keiro_testkit::{TestApp, both_backends};
use serde_json::{Value, json};

both_backends!(
    r_ben_1_any_partner_user_buys_the_package_of_its_level_once_a_year,
    r_ben_10_a_global_admin_asks_to_cancel_within_30_days_and_operator_staff_decide,
    r_ben_2_partners_are_told_30_days_before_benefits_expire,
    r_ben_7_activation_shows_the_access_and_contract_ids_to_every_user,
);

async fn r_ben_1_any_partner_user_buys_the_package_of_its_level_once_a_year(app: TestApp) {
    let w = world(&app).await;
    add_benefit(&app, &w.op, software()).await;
    add_benefit(&app, &w.op, support()).await;
    // The world's reseller has no membership record: no level.
    assert_eq!(
        code(post(&app, &w.rt, "/v1/benefitpackages", json!({})).await).await,
        (409, "no_membership_level".into())
    );
    let (_, ns, _) = member(&app, "None Level KK", "none").await;
    assert_eq!(
        code(post(&app, &ns, "/v1/benefitpackages", json!({})).await)
            .await
            .1,
        "no_membership_level"
    );
    let susp = app.reseller_admin("Suspended KK").await;
    app.db_membership(&susp.org_id, "gold", "suspended").await;
    let st = app.token_for(&susp.email).await;
    assert_eq!(
        code(post(&app, &st, "/v1/benefitpackages", json!({})).await)
            .await
            .1,
        "membership_not_active"
    );
    let (_, silver_sales, _) = member(&app, "Silver Only KK", "silver").await;
    // Silver holds only the software benefit; Action Pack only support.
    let sp = json_of(
        post(&app, &silver_sales, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;
    assert_eq!(sp["level"], "silver");
    assert_eq!(allocations(&app, &silver_sales).await.len(), 1);

    // A Gold partner's sales agent (no admin role) buys it.
    let (gold, sales, _) = member(&app, "Gold Partner KK", "gold").await;
    let now = app.app.now();
    let r = send(
        &app,
        reqwest::Method::POST,
        &sales,
        "/v1/benefitpackages",
        Some(json!({})),
        &[("idempotency-key", "buy-1")],
    )
    .await;
    let p = json_of(r, 201).await;
    assert_eq!(p["level"], "gold");
    assert_eq!(p["state"], "active");
    assert_eq!(p["org_name"], "Gold Partner KK");
    let starts = time::OffsetDateTime::parse(
        p["starts_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let ends = time::OffsetDateTime::parse(
        p["ends_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!((starts - now).abs() < time::Duration::seconds(5));
    assert_eq!(ends, keiro_domain::benefit::add_months(starts, 12));
    let again = send(
        &app,
        reqwest::Method::POST,
        &sales,
        "/v1/benefitpackages",
        Some(json!({})),
        &[("idempotency-key", "buy-1")],
    )
    .await;
    assert_eq!(again.status(), 200, "a replay");
    assert_eq!(json_of(again, 200).await["id"], p["id"]);
    let items = allocations(&app, &sales).await;
    assert_eq!(items.len(), 2);
    let sw = of_kind(&items, "software");
    assert_eq!(
        (
            sw["quantity"].as_i64(),
            sw["used"].as_i64(),
            sw["left"].as_i64()
        ),
        (Some(2), Some(0), Some(2))
    );
    assert_eq!(sw["unit"], "keys");
    assert_eq!(sw["tier"], "core");
    assert_eq!(sw["expires_at"], p["ends_at"]);
    assert_eq!(sw["downloads"].as_array().unwrap().len(), 2);
    let inc = of_kind(&items, "technical_support");
    assert_eq!(
        (inc["quantity"].as_i64(), inc["tier"].as_str()),
        (Some(10), Some("incremental"))
    );
    let six = keiro_domain::benefit::add_months(starts, 6);
    let inc_ends = time::OffsetDateTime::parse(
        inc["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(inc_ends, six, "an incremental benefit of 6 months");
    assert_eq!(
        app.count("audit_records WHERE action = 'benefit_package.bought'")
            .await,
        2
    );
    let contact = keiro_store::repo::orgs::get(app.app.db.reader(), &gold.org_id)
        .await
        .unwrap()
        .unwrap()
        .email;
    let mails = mails_to(&app, &contact).await;
    assert!(
        mails
            .iter()
            .any(|(_, s, b)| s.contains("特典パッケージを購入しました")
                && b.contains("Gold Partner KK")),
        "{mails:?}"
    );

    // A second package now: the running one ends in more than 90 days.
    assert_eq!(
        code(post(&app, &sales, "/v1/benefitpackages", json!({})).await).await,
        (409, "renewal_too_early".into())
    );
    // In its last 90 days the renewal starts where it ends, at the level the registry says now.
    app.clock.advance(time::Duration::days(300));
    let sales = app.token_for("sales@goldpartnerkk.example").await;
    let reg = keiro_store::repo::registry::claimed_by(app.app.db.reader(), &gold.org_id)
        .await
        .unwrap()
        .unwrap();
    app.db_exec(&format!(
        "UPDATE membership_records SET level = 'action_pack' WHERE id = '{}'",
        reg.id
    ))
    .await;
    let op = staff_token(&app).await;
    let silver_sales = app.token_for("sales@silveronlykk.example").await;
    let r = json_of(
        post(&app, &sales, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;
    assert_eq!(r["state"], "scheduled");
    assert_eq!(r["starts_at"], p["ends_at"]);
    assert_eq!(
        r["level"], "action_pack",
        "a level change counts from the next package"
    );
    assert_eq!(
        code(post(&app, &sales, "/v1/benefitpackages", json!({})).await)
            .await
            .1,
        "renewal_already_bought"
    );
    // The running package keeps its Gold allocations; the renewal's start with it.
    let items = allocations(&app, &sales).await;
    assert_eq!(items.len(), 3);
    let next: Vec<&Value> = items
        .iter()
        .filter(|a| a["package_id"] == r["id"])
        .collect();
    assert_eq!(next.len(), 1);
    assert_eq!(
        (
            next[0]["kind"].as_str(),
            next[0]["quantity"].as_i64(),
            next[0]["state"].as_str()
        ),
        (Some("technical_support"), Some(2), Some("scheduled"))
    );
    let mails = mails_to(&app, &contact).await;
    assert!(
        mails
            .iter()
            .any(|(_, s, _)| s.contains("特典パッケージを更新しました")),
        "{mails:?}"
    );
    // The partner lists its own packages; operator staff everyone's; nobody else's.
    let mine = json_of(app.get("/v1/benefitpackages", &sales).await, 200).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    let all = json_of(app.get("/v1/benefitpackages", &op).await, 200).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 3);
    let one = json_of(
        app.get(&format!("/v1/benefitpackages?org_id={}", gold.org_id), &op)
            .await,
        200,
    )
    .await;
    assert_eq!(one["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.get(
            &format!("/v1/benefitpackages/{}", p["id"].as_str().unwrap()),
            &silver_sales
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        app.get(
            &format!("/v1/benefitpackages/{}", p["id"].as_str().unwrap()),
            &op
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        app.get(
            &format!("/v1/benefitallocations/{}", sw["id"].as_str().unwrap()),
            &silver_sales
        )
        .await
        .status(),
        404
    );
    // Customers and operator staff buy none.
    let ct = app
        .token_for(&app.customer_admin("Later Customer").await.email)
        .await;
    assert_eq!(
        code(post(&app, &ct, "/v1/benefitpackages", json!({})).await)
            .await
            .0,
        403
    );
    assert_eq!(
        code(post(&app, &op, "/v1/benefitpackages", json!({})).await)
            .await
            .0,
        403
    );
}

async fn r_ben_10_a_global_admin_asks_to_cancel_within_30_days_and_operator_staff_decide(
    app: TestApp,
) {
    let w = world(&app).await;
    add_benefit(&app, &w.op, software()).await;
    import_keys(&app, &w.op, "office-pro", &["CANCL-00001"]).await;
    let (gold, sales, ma) = member(&app, "Gold Partner KK", "gold").await;
    let ga = app.token_for(&gold.email).await;
    let p = json_of(
        post(&app, &sales, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;
    let path = format!(
        "/v1/benefitpackages/{}/cancellationrequests",
        p["id"].as_str().unwrap()
    );
    let why = json!({"reason": "bought by mistake"});
    // Only a global admin asks; a reason is required.
    assert_eq!(
        code(post(&app, &sales, &path, why.clone()).await).await,
        (403, "role_required".into())
    );
    assert_eq!(
        code(post(&app, &ma, &path, why.clone()).await).await,
        (403, "role_required".into())
    );
    assert_eq!(
        code(post(&app, &ga, &path, json!({"reason": " "})).await).await,
        (422, "reason_required".into())
    );
    let r = json_of(post(&app, &ga, &path, why.clone()).await, 201).await;
    assert_eq!(
        (r["state"].as_str(), r["kind"].as_str()),
        (Some("open"), Some("cancellation"))
    );
    assert_eq!(
        code(post(&app, &ga, &path, why.clone()).await).await,
        (409, "cancellation_requested".into())
    );
    let rid = r["id"].as_str().unwrap();
    // Operator staff see it; another partner does not; a partner cannot decide.
    let queue = json_of(app.get("/v1/benefitrequests?state=open", &w.op).await, 200).await;
    assert_eq!(queue["items"].as_array().unwrap().len(), 1);
    assert_eq!(queue["items"][0]["org_name"], "Gold Partner KK");
    let (_, other_sales, _) = member(&app, "Other KK", "gold").await;
    assert_eq!(
        app.get(&format!("/v1/benefitrequests/{rid}"), &other_sales)
            .await
            .status(),
        404
    );
    assert_eq!(
        json_of(app.get("/v1/benefitrequests", &other_sales).await, 200).await["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        code(
            post(
                &app,
                &ga,
                &format!("/v1/benefitrequests/{rid}/approve"),
                why.clone()
            )
            .await
        )
        .await
        .0,
        403
    );
    // Refused with a reason; asked again and approved: the package and its allocations end.
    let refused = json_of(
        post(
            &app,
            &w.op,
            &format!("/v1/benefitrequests/{rid}/refuse"),
            json!({"reason": "send the invoice number"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (
            refused["state"].as_str(),
            refused["decision_reason"].as_str()
        ),
        (Some("refused"), Some("send the invoice number"))
    );
    assert_eq!(
        code(
            post(
                &app,
                &w.op,
                &format!("/v1/benefitrequests/{rid}/approve"),
                why.clone()
            )
            .await
        )
        .await,
        (409, "request_decided".into())
    );
    let r2 = json_of(
        post(&app, &ga, &path, json!({"reason": "invoice INV-1"})).await,
        201,
    )
    .await;
    let ok = json_of(
        post(
            &app,
            &w.op,
            &format!("/v1/benefitrequests/{}/approve", r2["id"].as_str().unwrap()),
            json!({"reason": "refunded"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ok["state"], "approved");
    let p2 = json_of(
        app.get(
            &format!("/v1/benefitpackages/{}", p["id"].as_str().unwrap()),
            &sales,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(p2["state"], "cancelled");
    let sw = of_kind(&allocations(&app, &sales).await, "software").clone();
    assert_eq!(sw["state"], "cancelled");
    assert_eq!(
        code(
            post(
                &app,
                &ma,
                &format!("/v1/benefitallocations/{}/keys", sw["id"].as_str().unwrap()),
                json!({})
            )
            .await
        )
        .await,
        (409, "benefit_not_active".into())
    );
    assert_eq!(
        code(post(&app, &ga, &path, why.clone()).await).await,
        (409, "package_cancelled".into())
    );
    let contact = keiro_store::repo::orgs::get(app.app.db.reader(), &gold.org_id)
        .await
        .unwrap()
        .unwrap()
        .email;
    let mails = mails_to(&app, &contact).await;
    assert!(
        mails
            .iter()
            .any(|(t, _, b)| t == "benefit-package-cancelled" && b.contains("refunded")),
        "{mails:?}"
    );
    assert_eq!(
        app.count("audit_records WHERE action = 'benefit_package.cancelled'")
            .await,
        1
    );
    // A cancelled package is no longer running: a new one can be bought.
    json_of(
        post(&app, &sales, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;

    // After a software key was got, no refund.
    let (k, ksales, kma) = member(&app, "Key Got KK", "gold").await;
    let kga = app.token_for(&k.email).await;
    let kp = json_of(
        post(&app, &ksales, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;
    let ksw = of_kind(&allocations(&app, &ksales).await, "software").clone();
    json_of(
        post(
            &app,
            &kma,
            &format!(
                "/v1/benefitallocations/{}/keys",
                ksw["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(
        code(
            post(
                &app,
                &kga,
                &format!(
                    "/v1/benefitpackages/{}/cancellationrequests",
                    kp["id"].as_str().unwrap()
                ),
                why.clone()
            )
            .await
        )
        .await,
        (409, "software_benefit_activated".into())
    );

    // After day 30, no refund either.
    let (l, lsales, _) = member(&app, "Late KK", "gold").await;
    let lp = json_of(
        post(&app, &lsales, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;
    app.clock.advance(time::Duration::days(31));
    let lga = app.token_for(&l.email).await;
    assert_eq!(
        code(
            post(
                &app,
                &lga,
                &format!(
                    "/v1/benefitpackages/{}/cancellationrequests",
                    lp["id"].as_str().unwrap()
                ),
                why
            )
            .await
        )
        .await,
        (409, "cancellation_window_passed".into())
    );
}

async fn r_ben_2_partners_are_told_30_days_before_benefits_expire(app: TestApp) {
    let w = world(&app).await;
    add_benefit(&app, &w.op, software()).await;
    add_benefit(&app, &w.op, support()).await;
    let (gold, sales, _) = member(&app, "Gold Partner KK", "gold").await;
    json_of(
        post(&app, &sales, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;
    let contact = keiro_store::repo::orgs::get(app.app.db.reader(), &gold.org_id)
        .await
        .unwrap()
        .unwrap()
        .email;
    let expiring = async || {
        mails_to(&app, &contact)
            .await
            .into_iter()
            .filter(|(t, _, _)| t == "benefits-expiring")
            .collect::<Vec<_>>()
    };
    keiro_app::benefits::tick(&app.app).await.unwrap();
    assert!(
        expiring().await.is_empty(),
        "nothing expires within 30 days yet"
    );
    // The support incidents last 6 months: 29 days before their end, the partner is told once.
    app.clock.advance(time::Duration::days(155));
    keiro_app::benefits::tick(&app.app).await.unwrap();
    keiro_app::benefits::tick(&app.app).await.unwrap();
    let mails = expiring().await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(
        mails[0].2.contains("製品サポート インシデント"),
        "{}",
        mails[0].2
    );
    assert!(
        !mails[0].2.contains("Office"),
        "the software lasts the year"
    );
    // Near the year's end, the software's notice.
    app.clock.advance(time::Duration::days(190));
    keiro_app::benefits::tick(&app.app).await.unwrap();
    let mails = expiring().await;
    assert_eq!(mails.len(), 2);
    assert!(mails[1].2.contains("Office Professional Plus"));
}

async fn r_ben_7_activation_shows_the_access_and_contract_ids_to_every_user(app: TestApp) {
    let w = world(&app).await;
    add_benefit(&app, &w.op, software()).await;
    add_benefit(&app, &w.op, support()).await;
    let (_, sales, ma) = member(&app, "Gold Partner KK", "gold").await;
    json_of(
        post(&app, &sales, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;
    let items = allocations(&app, &sales).await;
    let tech = of_kind(&items, "technical_support")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let sw = of_kind(&items, "software")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/v1/benefitallocations/{tech}/activate");
    // A sales agent cannot activate (R-BEN-1); a membership admin can, once.
    assert_eq!(
        code(post(&app, &sales, &path, json!(null)).await).await,
        (403, "role_required".into())
    );
    let a = json_of(post(&app, &ma, &path, json!(null)).await, 200).await;
    let access = a["access_id"].as_str().unwrap().to_string();
    assert_eq!(access.len(), 11);
    assert_eq!(a["contract_id"].as_str().unwrap().len(), 10);
    assert!(a["activated_at"].is_string());
    assert_eq!(
        code(post(&app, &ma, &path, json!(null)).await).await,
        (409, "already_activated".into())
    );
    // Every user of the partner sees the IDs, a sales agent too.
    let seen = json_of(
        app.get(&format!("/v1/benefitallocations/{tech}"), &sales)
            .await,
        200,
    )
    .await;
    assert_eq!(seen["access_id"], access.as_str());
    assert_eq!(seen["contract_id"], a["contract_id"]);
    // Only technical benefits are activated; another partner's does not exist for it.
    assert_eq!(
        code(
            post(
                &app,
                &ma,
                &format!("/v1/benefitallocations/{sw}/activate"),
                json!(null)
            )
            .await
        )
        .await,
        (409, "benefit_not_activatable".into())
    );
    let (_, _, other_ma) = member(&app, "Other KK", "gold").await;
    assert_eq!(
        post(&app, &other_ma, &path, json!(null)).await.status(),
        404
    );
    assert_eq!(
        app.count("audit_records WHERE action = 'benefit_allocation.activated'")
            .await,
        1
    );
}
