//! Using benefits per kind through the API (R-BEN-4, R-BEN-6…9, issue 18), on SQLite and
//! PostgreSQL: Azure credits and Visual Studio subscriptions assigned to users (monthly users
//! come and go, the annual credit moves only within its year and never meets another credit,
//! Visual Studio moves 90 days after its assignment), technical support and advisory requests
//! (incidents used, cloud support only for Silver and Gold, hours recorded by operator staff),
//! and go-to-market offers (the marketing contact first, then pending until operator staff
//! confirm).

use crate::benefits::{add_benefit, allocations, member, of_kind, staff_token, support};
use crate::helpers::{code, json_of, mails_to, post, put, send};
use keiro_testkit::world::world;
use keiro_testkit::{TestApp, both_backends};
use serde_json::{Value, json};

both_backends!(
    r_ben_4_monthly_credit_users_come_and_go_the_annual_credit_moves_within_its_year,
    r_ben_6_visual_studio_is_reassigned_only_90_days_after_its_assignment,
    r_ben_7_support_requests_use_an_incident_and_carry_the_ids,
    r_ben_8_advisory_requests_need_no_activation_and_operator_staff_record_hours,
    r_ben_9_a_marketing_contact_comes_first_and_operator_staff_confirm_offers,
);

/// Two nodes of one PostgreSQL assign the last units, combine credits on one user and spend
/// the last incidents at once: nothing is applied twice.
#[tokio::test]
async fn r_ben_4_concurrent_assignments_and_requests_on_two_nodes_never_overspend() {
    let Some(app) = keiro_testkit::TestApp::builder(keiro_testkit::Backend::Postgres)
        .spawn()
        .await
    else {
        return;
    };
    let w = world(&app).await;
    for b in credits() {
        add_benefit(&app, &w.op, b).await;
    }
    add_benefit(&app, &w.op, support()).await;
    let g = gold(&app, "Race Partner KK").await;
    let peer = app.peer().await;
    let items = allocations(&app, &g.sales).await;
    let monthly = id(of_kind(&items, "azure_monthly_credit"));
    let annual = id(of_kind(&items, "azure_annual_credit"));
    let tech = id(of_kind(&items, "technical_support"));
    let mut users = vec![g.sales_id.clone(), g.ma_id.clone()];
    for n in 0..2 {
        let (u, _) = app
            .add_user(
                &g.org,
                &format!("extra{n}@racepartnerkk.example"),
                &[keiro_domain::Role::HelpdeskAgent],
                None,
            )
            .await;
        users.push(u.id);
    }
    let fire = async |asks: Vec<(String, Value)>| {
        let sent = futures::future::join_all(asks.iter().enumerate().map(|(i, (path, body))| {
            let url = if i % 2 == 0 {
                app.url(path)
            } else {
                peer.url(path)
            };
            app.http.post(url).bearer_auth(&g.ga).json(body).send()
        }))
        .await;
        let mut statuses = Vec::new();
        for r in sent {
            let r = r.unwrap();
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap();
            statuses.push((
                status,
                body["code"].as_str().unwrap_or_default().to_string(),
            ));
        }
        statuses.sort();
        statuses
    };
    // Four users ask for the monthly credit's two units at once.
    let got = fire(
        users
            .iter()
            .map(|u| {
                (
                    "/v1/benefitassignments".to_string(),
                    json!({"allocation_id": monthly, "user_id": u}),
                )
            })
            .collect(),
    )
    .await;
    assert_eq!(got.iter().filter(|s| s.0 == 201).count(), 2, "{got:?}");
    assert!(
        got.iter()
            .filter(|s| s.0 != 201)
            .all(|s| s == &(409, "no_assignment_left".to_string())),
        "{got:?}"
    );
    assert_eq!(allocation(&app, &g.ga, &monthly).await["used"], 2);
    // A user without credit gets the annual credit on one node while another node gives the
    // monthly credit's freed unit to them: one of the two lands.
    let holder = json_of(
        app.get(
            &format!("/v1/benefitassignments?allocation_id={monthly}&state=active"),
            &g.ga,
        )
        .await,
        200,
    )
    .await["items"][0]
        .clone();
    json_of(
        post(
            &app,
            &g.ga,
            &format!("/v1/benefitassignments/{}/remove", id(&holder)),
            json!(null),
        )
        .await,
        200,
    )
    .await;
    let mut target = None;
    for u in &users {
        let held = app
            .count(&format!(
                "benefit_assignments WHERE user_id = '{u}' AND state = 'active'"
            ))
            .await;
        if held == 0 {
            target = Some(u.clone());
            break;
        }
    }
    let target = target.expect("a user without a credit");
    let got = fire(vec![
        (
            "/v1/benefitassignments".into(),
            json!({"allocation_id": annual, "user_id": target}),
        ),
        (
            "/v1/benefitassignments".into(),
            json!({"allocation_id": monthly, "user_id": target}),
        ),
    ])
    .await;
    assert_eq!(got.iter().filter(|s| s.0 == 201).count(), 1, "{got:?}");
    assert!(
        got.contains(&(409, "credit_not_combinable".to_string())),
        "{got:?}"
    );
    // Two incidents, four requests on two nodes.
    json_of(
        post(
            &app,
            &g.ma,
            &format!("/v1/benefitallocations/{tech}/activate"),
            json!(null),
        )
        .await,
        200,
    )
    .await;
    let ask = json!({"kind": "technical_support", "allocation_id": tech, "topic": "product", "description": "Down"});
    let got = fire(
        (0..12)
            .map(|_| ("/v1/benefitrequests".to_string(), ask.clone()))
            .collect(),
    )
    .await;
    assert_eq!(got.iter().filter(|s| s.0 == 201).count(), 10, "{got:?}");
    assert!(
        got.iter()
            .filter(|s| s.0 != 201)
            .all(|s| s == &(409, "no_incidents_left".to_string())),
        "{got:?}"
    );
    assert_eq!(allocation(&app, &g.ga, &tech).await["used"], 10);
}

fn credits() -> [Value; 2] {
    [
        json!({"code": "azure-monthly", "kind": "azure_monthly_credit", "name_ja": "Azure 月単位クレジット",
            "name_en": "Azure monthly credit",
            "levels": [{"level": "gold", "quantity": 2, "amount_minor": 10000, "currency": "USD"}]}),
        // The annual credit lasts two years here, so its first year can end while it runs.
        json!({"code": "azure-annual", "kind": "azure_annual_credit", "name_ja": "Azure 一括クレジット",
            "name_en": "Azure annual credit", "months": 24,
            "levels": [{"level": "gold", "quantity": 1, "amount_minor": 1300000, "currency": "USD"}]}),
    ]
}

fn visual_studio() -> Value {
    json!({"code": "vs-enterprise", "kind": "visual_studio", "name_ja": "Visual Studio Enterprise",
        "name_en": "Visual Studio Enterprise", "levels": [{"level": "gold", "quantity": 2}]})
}

async fn user_id(app: &TestApp, email: &str) -> String {
    keiro_store::repo::users::find_by_email(app.app.db.reader(), email)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// A Gold partner that bought its package: (its global admin's token and id, the sales agent's
/// token and id, the membership admin's token and id, the org id).
struct Gold {
    ga: String,
    ga_email: String,
    ga_id: String,
    sales: String,
    sales_id: String,
    ma: String,
    ma_id: String,
    org: String,
}

async fn gold(app: &TestApp, name: &str) -> Gold {
    let (ga, sales, ma) = member(app, name, "gold").await;
    let slug: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    json_of(
        post(app, &sales, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;
    Gold {
        ga: app.token_for(&ga.email).await,
        ga_email: ga.email.clone(),
        ga_id: ga.id.clone(),
        sales,
        sales_id: user_id(app, &format!("sales@{slug}.example")).await,
        ma,
        ma_id: user_id(app, &format!("member@{slug}.example")).await,
        org: ga.org_id,
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

async fn assign(app: &TestApp, tok: &str, allocation: &str, user: &str) -> reqwest::Response {
    post(
        app,
        tok,
        "/v1/benefitassignments",
        json!({"allocation_id": allocation, "user_id": user}),
    )
    .await
}

async fn allocation(app: &TestApp, tok: &str, id: &str) -> Value {
    json_of(
        app.get(&format!("/v1/benefitallocations/{id}"), tok).await,
        200,
    )
    .await
}

async fn r_ben_4_monthly_credit_users_come_and_go_the_annual_credit_moves_within_its_year(
    app: TestApp,
) {
    let w = world(&app).await;
    for b in credits() {
        add_benefit(&app, &w.op, b).await;
    }
    let g = gold(&app, "Credit Partner KK").await;
    let items = allocations(&app, &g.sales).await;
    let monthly = id(of_kind(&items, "azure_monthly_credit"));
    let annual = id(of_kind(&items, "azure_annual_credit"));
    let m = allocation(&app, &g.sales, &monthly).await;
    assert_eq!(
        (m["amount_minor"].as_i64(), m["currency"].as_str()),
        (Some(10000), Some("USD"))
    );
    assert!(
        m["renews_at"].is_string(),
        "this month's credit says when it renews"
    );

    // Assigning benefits to users needs a global admin (R-BEN-1).
    assert_eq!(
        code(assign(&app, &g.sales, &monthly, &g.sales_id).await).await,
        (403, "role_required".into())
    );
    let first = json_of(assign(&app, &g.ga, &monthly, &g.sales_id).await, 201).await;
    assert_eq!(
        (first["slot"].as_i64(), first["state"].as_str()),
        (Some(1), Some("active"))
    );
    assert_eq!(
        code(assign(&app, &g.ga, &monthly, &g.sales_id).await).await,
        (409, "user_already_assigned".into())
    );
    json_of(assign(&app, &g.ga, &monthly, &g.ma_id).await, 201).await;
    assert_eq!(
        code(assign(&app, &g.ga, &monthly, &g.ga_id).await).await,
        (409, "no_assignment_left".into())
    );
    assert_eq!(allocation(&app, &g.sales, &monthly).await["used"], 2);

    // A monthly credit's user is removed and added again at any time.
    let removed = json_of(
        post(
            &app,
            &g.ga,
            &format!("/v1/benefitassignments/{}/remove", id(&first)),
            json!(null),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (removed["state"].as_str(), removed["end_reason"].as_str()),
        (Some("ended"), Some("removed"))
    );
    assert_eq!(allocation(&app, &g.sales, &monthly).await["used"], 1);
    assert_eq!(
        code(
            post(
                &app,
                &g.ga,
                &format!("/v1/benefitassignments/{}/remove", id(&first)),
                json!(null)
            )
            .await
        )
        .await,
        (409, "assignment_ended".into())
    );
    let again = json_of(assign(&app, &g.ga, &monthly, &g.sales_id).await, 201).await;
    assert_eq!(again["slot"], 1, "the freed unit is used again");
    assert!(
        mails_to(&app, "sales@creditpartnerkk.example")
            .await
            .iter()
            .any(|m| m.0 == "benefit-unassigned")
    );

    // The annual credit and another credit never meet on one user, either way round.
    assert_eq!(
        code(assign(&app, &g.ga, &annual, &g.sales_id).await).await,
        (409, "credit_not_combinable".into())
    );
    let held = json_of(assign(&app, &g.ga, &annual, &g.ga_id).await, 201).await;
    assert!(held["transferable_until"].is_string());
    let ma_monthly = json_of(
        app.get(
            &format!(
                "/v1/benefitassignments?allocation_id={monthly}&user_id={}&state=active",
                g.ma_id
            ),
            &g.sales,
        )
        .await,
        200,
    )
    .await["items"][0]
        .clone();
    json_of(
        post(
            &app,
            &g.ga,
            &format!("/v1/benefitassignments/{}/remove", id(&ma_monthly)),
            json!(null),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        code(assign(&app, &g.ga, &monthly, &g.ga_id).await).await,
        (409, "credit_not_combinable".into())
    );

    // The annual credit is never removed; within its year it is transferred (both told).
    let path = format!("/v1/benefitassignments/{}", id(&held));
    assert_eq!(
        code(post(&app, &g.ga, &format!("{path}/remove"), json!(null)).await).await,
        (409, "annual_credit_not_removable".into())
    );
    assert_eq!(
        code(
            post(
                &app,
                &g.ga,
                &format!("{path}/reassign"),
                json!({"user_id": g.sales_id})
            )
            .await
        )
        .await,
        (409, "credit_not_combinable".into())
    );
    assert_eq!(
        code(
            post(
                &app,
                &g.ga,
                &format!("{path}/reassign"),
                json!({"user_id": g.ga_id})
            )
            .await
        )
        .await,
        (409, "same_user".into())
    );
    let moved = json_of(
        post(
            &app,
            &g.ga,
            &format!("{path}/reassign"),
            json!({"user_id": g.ma_id}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (moved["user_id"].as_str(), moved["slot"].as_i64()),
        (Some(g.ma_id.as_str()), Some(1))
    );
    let old = json_of(app.get(&path, &g.sales).await, 200).await;
    assert_eq!(old["end_reason"], "transferred");
    assert!(
        mails_to(&app, "member@creditpartnerkk.example")
            .await
            .iter()
            .any(|m| m.0 == "benefit-assigned")
    );
    assert!(
        mails_to(&app, &g.ga_email)
            .await
            .iter()
            .any(|m| m.0 == "benefit-unassigned")
    );

    // After its year it stays with its user.
    app.clock.advance(time::Duration::days(366));
    let ga = app.token_for(&g.ga_email).await;
    assert_eq!(
        code(
            post(
                &app,
                &ga,
                &format!("/v1/benefitassignments/{}/reassign", id(&moved)),
                json!({"user_id": g.ga_id})
            )
            .await
        )
        .await,
        (409, "annual_credit_year_over".into())
    );

    // Another partner sees none of it, nor assigns to this partner's users.
    let other = gold(&app, "Other Credit KK").await;
    assert_eq!(
        assign(&app, &other.ga, &monthly, &other.ga_id)
            .await
            .status(),
        404
    );
    let theirs = id(of_kind(
        &allocations(&app, &other.sales).await,
        "azure_monthly_credit",
    ));
    assert_eq!(
        assign(&app, &other.ga, &theirs, &g.sales_id).await.status(),
        404
    );
    assert_eq!(app.get(&path, &other.sales).await.status(), 404);
    assert_eq!(
        app.count(&format!(
            "audit_records WHERE action LIKE 'benefit_assignment.%' AND target_org_id = '{}'",
            g.org
        ))
        .await,
        7
    );
}

async fn r_ben_6_visual_studio_is_reassigned_only_90_days_after_its_assignment(app: TestApp) {
    let w = world(&app).await;
    add_benefit(&app, &w.op, visual_studio()).await;
    let g = gold(&app, "Studio Partner KK").await;
    let vs = id(of_kind(&allocations(&app, &g.sales).await, "visual_studio"));
    let a = json_of(assign(&app, &g.ga, &vs, &g.sales_id).await, 201).await;
    let from = crate::benefits::at(&a["reassignable_from"]);
    assert_eq!(
        from - crate::benefits::at(&a["assigned_at"]),
        time::Duration::days(90)
    );
    let path = format!("/v1/benefitassignments/{}", id(&a));
    let (status, p) = crate::helpers::problem(
        post(
            &app,
            &g.ga,
            &format!("{path}/reassign"),
            json!({"user_id": g.ma_id}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, p["code"].as_str()),
        (409, Some("reassign_too_early"))
    );
    assert!(
        p["detail"]
            .as_str()
            .unwrap_or_default()
            .contains(&from.date().to_string()),
        "{p}"
    );
    assert_eq!(
        code(post(&app, &g.ga, &format!("{path}/remove"), json!(null)).await).await,
        (409, "visual_studio_not_removable".into())
    );
    // The sales agent sees who holds it, and cannot move it.
    let listed = json_of(
        app.get(
            &format!("/v1/benefitassignments?allocation_id={vs}"),
            &g.sales,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        listed["items"][0]["user_email"],
        "sales@studiopartnerkk.example"
    );
    app.clock.advance(time::Duration::days(90));
    let ga = app.token_for(&g.ga_email).await;
    let sales = app.token_for("sales@studiopartnerkk.example").await;
    assert_eq!(
        code(
            post(
                &app,
                &sales,
                &format!("{path}/reassign"),
                json!({"user_id": g.ma_id})
            )
            .await
        )
        .await,
        (403, "role_required".into())
    );
    let moved = json_of(
        post(
            &app,
            &ga,
            &format!("{path}/reassign"),
            json!({"user_id": g.ma_id}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(moved["user_id"], g.ma_id.as_str());
    assert_eq!(
        crate::benefits::at(&moved["reassignable_from"])
            - crate::benefits::at(&moved["assigned_at"]),
        time::Duration::days(90),
        "the new holder keeps it 90 days too"
    );
    assert_eq!(
        json_of(app.get(&path, &ga).await, 200).await["end_reason"],
        "reassigned"
    );
    assert!(
        mails_to(&app, "sales@studiopartnerkk.example")
            .await
            .iter()
            .any(|m| m.0 == "benefit-unassigned")
    );
    assert!(
        mails_to(&app, "member@studiopartnerkk.example")
            .await
            .iter()
            .any(|m| m.0 == "benefit-assigned")
    );
    assert_eq!(
        allocation(&app, &ga, &vs).await["used"],
        1,
        "a reassignment uses no unit"
    );
    assert_eq!(
        app.count("audit_records WHERE action = 'benefit_assignment.moved'")
            .await,
        1
    );
}

async fn open_request(app: &TestApp, tok: &str, body: Value) -> reqwest::Response {
    post(app, tok, "/v1/benefitrequests", body).await
}

async fn r_ben_7_support_requests_use_an_incident_and_carry_the_ids(app: TestApp) {
    let w = world(&app).await;
    add_benefit(&app, &w.op, support()).await;
    // Action Pack holds 2 incidents.
    let (_, ap_sales, ap_ma) = member(&app, "Pack Partner KK", "action_pack").await;
    json_of(
        post(&app, &ap_sales, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;
    let tech = id(of_kind(
        &allocations(&app, &ap_sales).await,
        "technical_support",
    ));
    let ask = |topic: &str| json!({"kind": "technical_support", "allocation_id": tech, "topic": topic, "description": "Exchange Server 2019 の復旧で助けが必要です。"});
    assert_eq!(
        code(open_request(&app, &ap_sales, ask("product")).await).await,
        (409, "benefit_not_activated".into())
    );
    let act = json_of(
        post(
            &app,
            &ap_ma,
            &format!("/v1/benefitallocations/{tech}/activate"),
            json!(null),
        )
        .await,
        200,
    )
    .await;
    // Any partner user opens one; it carries the IDs and uses one incident.
    let r = send(
        &app,
        reqwest::Method::POST,
        &ap_sales,
        "/v1/benefitrequests",
        Some(ask("product")),
        &[("idempotency-key", "sr-1")],
    )
    .await;
    let r = json_of(r, 201).await;
    assert_eq!(
        (r["kind"].as_str(), r["topic"].as_str(), r["state"].as_str()),
        (Some("technical_support"), Some("product"), Some("open"))
    );
    assert_eq!(r["access_id"], act["access_id"]);
    assert_eq!(r["contract_id"], act["contract_id"]);
    let replay = send(
        &app,
        reqwest::Method::POST,
        &ap_sales,
        "/v1/benefitrequests",
        Some(ask("product")),
        &[("idempotency-key", "sr-1")],
    )
    .await;
    assert_eq!(json_of(replay, 200).await["id"], r["id"]);
    assert_eq!(allocation(&app, &ap_sales, &tech).await["used"], 1);
    // Signature cloud support is for Silver and Gold only.
    assert_eq!(
        code(open_request(&app, &ap_sales, ask("cloud")).await).await,
        (409, "cloud_support_not_included".into())
    );
    json_of(open_request(&app, &ap_sales, ask("product")).await, 201).await;
    assert_eq!(
        code(open_request(&app, &ap_sales, ask("product")).await).await,
        (409, "no_incidents_left".into())
    );
    assert_eq!(
        code(
            open_request(
                &app,
                &ap_sales,
                json!({"kind": "advisory", "allocation_id": tech, "description": "x"})
            )
            .await
        )
        .await,
        (409, "wrong_benefit_for_request".into())
    );
    assert_eq!(
        code(open_request(&app, &ap_sales, ask("other")).await).await,
        (422, "invalid_topic".into())
    );
    // A Gold partner's cloud support request is taken.
    let (_, g_sales, g_ma) = member(&app, "Gold Support KK", "gold").await;
    json_of(
        post(&app, &g_sales, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;
    let gtech = id(of_kind(
        &allocations(&app, &g_sales).await,
        "technical_support",
    ));
    json_of(
        post(
            &app,
            &g_ma,
            &format!("/v1/benefitallocations/{gtech}/activate"),
            json!(null),
        )
        .await,
        200,
    )
    .await;
    let cloud = json!({"kind": "technical_support", "allocation_id": gtech, "topic": "cloud", "description": "Azure の VM が起動しません。"});
    json_of(open_request(&app, &g_sales, cloud).await, 201).await;
    // Another partner's allocation does not exist for it.
    assert_eq!(
        open_request(&app, &g_sales, ask("product")).await.status(),
        404
    );

    // Operator staff answer it; a support request is not approved like a cancellation.
    let rid = id(&r);
    assert_eq!(
        code(
            post(
                &app,
                &w.op,
                &format!("/v1/benefitrequests/{rid}/approve"),
                json!({"reason": "ok"})
            )
            .await
        )
        .await,
        (409, "not_a_cancellation_request".into())
    );
    assert_eq!(
        post(
            &app,
            &ap_sales,
            &format!("/v1/benefitrequests/{rid}/answer"),
            json!({"answer": "x"})
        )
        .await
        .status(),
        403
    );
    let answered = json_of(
        post(
            &app,
            &w.op,
            &format!("/v1/benefitrequests/{rid}/answer"),
            json!({"answer": "バックアップから復旧する手順をお送りしました。"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(answered["state"], "answered");
    assert_eq!(
        code(
            post(
                &app,
                &w.op,
                &format!("/v1/benefitrequests/{rid}/answer"),
                json!({"answer": "again"})
            )
            .await
        )
        .await,
        (409, "request_decided".into())
    );
    let mine = json_of(
        app.get("/v1/benefitrequests?kind=technical_support", &ap_sales)
            .await,
        200,
    )
    .await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.count("audit_records WHERE action = 'benefit_request.opened'")
            .await,
        3
    );
}

async fn answer(app: &TestApp, op: &str, rid: &str, hours: i64) -> reqwest::Response {
    post(
        app,
        op,
        &format!("/v1/benefitrequests/{rid}/answer"),
        json!({"answer": "Answered in a call.", "hours_used": hours}),
    )
    .await
}

async fn r_ben_8_advisory_requests_need_no_activation_and_operator_staff_record_hours(
    app: TestApp,
) {
    let w = world(&app).await;
    add_benefit(
        &app,
        &w.op,
        json!({"code": "advisory", "kind": "advisory_hours", "name_ja": "パートナー相談時間",
        "name_en": "Partner advisory hours", "levels": [{"level": "gold", "quantity": 5}]}),
    )
    .await;
    let g = gold(&app, "Advice Partner KK").await;
    let hours = id(of_kind(
        &allocations(&app, &g.sales).await,
        "advisory_hours",
    ));
    let ask = json!({"kind": "advisory", "allocation_id": hours, "description": "Teams 展開のプリセールス相談"});
    // No activation and no role: any partner user sends one.
    let first = json_of(open_request(&app, &g.sales, ask.clone()).await, 201).await;
    assert!(first["access_id"].is_null());
    let second = json_of(open_request(&app, &g.sales, ask.clone()).await, 201).await;
    let a = json_of(answer(&app, &w.op, &id(&first), 3).await, 200).await;
    assert_eq!(a["hours_used"], 3);
    assert_eq!(allocation(&app, &g.sales, &hours).await["left"], 2);
    assert_eq!(
        code(answer(&app, &w.op, &id(&second), 3).await).await,
        (409, "hours_over_balance".into())
    );
    json_of(answer(&app, &w.op, &id(&second), 2).await, 200).await;
    assert_eq!(
        code(open_request(&app, &g.sales, ask).await).await,
        (409, "no_hours_left".into())
    );
    assert_eq!(
        app.count("audit_records WHERE action = 'benefit_request.answered'")
            .await,
        2
    );
}

async fn r_ben_9_a_marketing_contact_comes_first_and_operator_staff_confirm_offers(app: TestApp) {
    let w = world(&app).await;
    add_benefit(
        &app,
        &w.op,
        json!({"code": "gold-core-gtm", "kind": "go_to_market", "name_ja": "ゴールド コア",
        "name_en": "Gold core", "levels": [{"level": "gold", "quantity": 1}]}),
    )
    .await;
    let g = gold(&app, "Market Partner KK").await;
    let gtm = id(of_kind(&allocations(&app, &g.sales).await, "go_to_market"));
    let activate = format!("/v1/benefitallocations/{gtm}/activate");
    assert_eq!(
        code(post(&app, &g.ma, &activate, json!(null)).await).await,
        (409, "marketing_contact_required".into())
    );
    assert_eq!(
        app.get("/v1/benefitmarketingcontact", &g.sales)
            .await
            .status(),
        404
    );
    let contact = |email: &str, lang: &str| json!({"user_id": g.ma_id, "email": email, "phone": "03-1234-5678", "language": lang});
    assert_eq!(
        code(
            put(
                &app,
                &g.sales,
                "/v1/benefitmarketingcontact",
                contact("mkt@marketpartnerkk.example", "en")
            )
            .await
        )
        .await,
        (403, "role_required".into())
    );
    // The contact's email differs from the one they sign in with (NFKC, case-blind).
    assert_eq!(
        code(
            put(
                &app,
                &g.ma,
                "/v1/benefitmarketingcontact",
                contact("ＭEMBER@marketpartnerkk.example", "en")
            )
            .await
        )
        .await,
        (422, "contact_email_is_sign_in".into())
    );
    let r = put(
        &app,
        &g.ma,
        "/v1/benefitmarketingcontact",
        contact("mkt@marketpartnerkk.example", "en"),
    )
    .await;
    assert_eq!(r.headers()["etag"], "\"c1\"");
    let c = json_of(r, 200).await;
    assert_eq!(
        (c["email"].as_str(), c["language"].as_str()),
        (Some("mkt@marketpartnerkk.example"), Some("en"))
    );
    let mails = mails_to(&app, "mkt@marketpartnerkk.example").await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].2.contains("How to use a go-to-market offer"),
        "instructions in English"
    );
    // A stale change is refused; a change in Japanese is written in Japanese, and audited.
    let stale = send(
        &app,
        reqwest::Method::PUT,
        &g.ga,
        "/v1/benefitmarketingcontact",
        Some(contact("m2@marketpartnerkk.example", "ja")),
        &[("if-match", "\"c0\"")],
    )
    .await;
    assert_eq!(stale.status(), 412);
    let changed = send(
        &app,
        reqwest::Method::PUT,
        &g.ga,
        "/v1/benefitmarketingcontact",
        Some(contact("m2@marketpartnerkk.example", "ja")),
        &[("if-match", "\"c1\"")],
    )
    .await;
    json_of(changed, 200).await;
    assert!(
        mails_to(&app, "m2@marketpartnerkk.example").await[0]
            .2
            .contains("市場投入オファーを利用する手順")
    );
    assert_eq!(
        app.count("audit_records WHERE action LIKE 'benefit_marketing_contact.%'")
            .await,
        2
    );

    // Activation makes it pending; operator staff confirm it from their queue.
    let pending = json_of(post(&app, &g.ma, &activate, json!(null)).await, 200).await;
    assert_eq!(pending["activation"], "pending");
    assert_eq!(
        code(post(&app, &g.ma, &activate, json!(null)).await).await,
        (409, "already_activated".into())
    );
    assert_eq!(
        app.get("/v1/pendingbenefitoffers", &g.sales).await.status(),
        403
    );
    let queue = json_of(app.get("/v1/pendingbenefitoffers", &w.op).await, 200).await;
    let row = &queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["allocation"]["id"] == gtm.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["org_name"], "Market Partner KK");
    assert_eq!(row["contact"]["email"], "m2@marketpartnerkk.example");
    let confirm = format!("/v1/benefitallocations/{gtm}/confirm");
    assert_eq!(post(&app, &g.ga, &confirm, json!(null)).await.status(), 403);
    let staff = staff_token(&app).await;
    let active = json_of(post(&app, &staff, &confirm, json!(null)).await, 200).await;
    assert_eq!(active["activation"], "active");
    assert!(active["confirmed_at"].is_string());
    assert_eq!(
        code(post(&app, &staff, &confirm, json!(null)).await).await,
        (409, "activation_not_pending".into())
    );
    let seen = allocation(&app, &g.sales, &gtm).await;
    assert_eq!(
        (seen["activation"].as_str(), seen["expires_at"].is_string()),
        (Some("active"), true)
    );
    assert!(
        mails_to(&app, "m2@marketpartnerkk.example")
            .await
            .iter()
            .any(|m| m.0 == "go-to-market-active")
    );
    // A role walk of one more role: a membership admin of another partner sees none of it.
    let (_, _, other_ma) = member(&app, "Other Market KK", "gold").await;
    assert_eq!(
        post(&app, &other_ma, &activate, json!(null)).await.status(),
        404
    );
}
