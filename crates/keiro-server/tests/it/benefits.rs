//! Membership benefits through the API (R-BEN-1, R-BEN-2, R-BEN-3, ADR 0011), on SQLite and
//! PostgreSQL: the catalog operator staff keep, buying the package of the partner's level (any
//! user, once a year, renewals from the end of the running one), the ledger, software keys got
//! once per allocated key by a global or membership admin only, the pool import and its
//! per-row errors, an empty pool, and one pool shared by partners asking at once on two nodes.

use crate::helpers::{code, json_of, mails_to, post, put, send};
use keiro_domain::Role;
use keiro_testkit::world::world;
use keiro_testkit::{Backend, TEST_PASSWORD, TestApp, TestUser, both_backends};
use serde_json::{Value, json};

both_backends!(
    r_ben_2_operator_staff_keep_the_benefit_catalog,
    r_ben_1_any_partner_user_buys_the_package_of_its_level_once_a_year,
    r_ben_3_a_global_or_membership_admin_gets_each_allocated_key_once,
    r_ben_3_pool_keys_are_imported_with_per_row_errors,
    r_ben_5_a_license_key_is_redeemed_once_into_the_partners_own_organization,
    r_ben_10_a_global_admin_asks_to_cancel_within_30_days_and_operator_staff_decide,
    r_ben_2_the_catalog_is_imported_from_csv_with_per_row_errors,
    r_ben_2_partners_are_told_30_days_before_benefits_expire,
    r_ben_1_every_partner_role_walks_the_benefit_actions,
    r_ben_7_activation_shows_the_access_and_contract_ids_to_every_user,
);

/// The software benefit of the tests: 2 keys at Gold, 1 at Silver, with downloads.
pub fn software() -> Value {
    json!({
        "code": "office-pro", "kind": "software",
        "name_ja": "Office Professional Plus", "name_en": "Office Professional Plus",
        "instructions_ja": "インストール後 30 日以内にライセンス認証してください。",
        "instructions_en": "Activate within 30 days of installing.",
        "levels": [{"level": "gold", "quantity": 2}, {"level": "silver", "quantity": 1}],
        "downloads": [
            {"language": "ja", "os": "windows", "url": "https://downloads.example/office-ja-win.iso", "label": "Office (日本語, Windows)"},
            {"language": "en", "os": "macos", "url": "https://downloads.example/office-en-mac.pkg", "label": "Office (English, macOS)"}
        ]
    })
}

/// Support incidents: 10 at Gold, 2 at Action Pack, incremental, 6 months.
fn support() -> Value {
    json!({
        "code": "support-incidents", "kind": "technical_support", "tier": "incremental",
        "months": 6, "name_ja": "製品サポート インシデント", "name_en": "Product support incidents",
        "levels": [{"level": "gold", "quantity": 10}, {"level": "action_pack", "quantity": 2}]
    })
}

/// Operator staff add a benefit; its id.
pub async fn add_benefit(app: &TestApp, op: &str, b: Value) -> String {
    json_of(post(app, op, "/v1/benefits", b).await, 201).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Operator staff import `keys` into the pool of `benefit` (a code).
pub async fn import_keys(app: &TestApp, op: &str, benefit: &str, keys: &[&str]) -> Value {
    let mut csv = String::from("benefit_code,key\n");
    for k in keys {
        csv.push_str(&format!("{benefit},{k}\n"));
    }
    let r = app
        .http
        .post(app.url("/v1/benefitkeypools/import"))
        .bearer_auth(op)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    json_of(r, 200).await
}

/// A partner at `level` with a sales agent (no admin role) and a membership admin; their
/// tokens.
pub async fn member(app: &TestApp, name: &str, level: &str) -> (TestUser, String, String) {
    let ga = app.reseller_admin(name).await;
    app.db_membership(&ga.org_id, level, "active").await;
    let slug: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let (sales, _) = app
        .add_user(
            &ga.org_id,
            &format!("sales@{slug}.example"),
            &[Role::SalesAgent],
            Some(TEST_PASSWORD),
        )
        .await;
    let (ma, _) = app
        .add_user(
            &ga.org_id,
            &format!("member@{slug}.example"),
            &[Role::MembershipAdmin],
            Some(TEST_PASSWORD),
        )
        .await;
    (
        ga,
        app.token_for(&sales.email).await,
        app.token_for(&ma.email).await,
    )
}

/// A fresh token of another operator staff member (after the test clock moved on).
async fn staff_token(app: &TestApp) -> String {
    let op = keiro_store::repo::orgs::find_operator(app.app.db.reader())
        .await
        .unwrap()
        .unwrap();
    let email = format!("staff{}@operator.example", uuid::Uuid::now_v7().simple());
    app.add_user(&op.id, &email, &[Role::OperatorAdmin], Some(TEST_PASSWORD))
        .await;
    app.token_for(&email).await
}

async fn allocations(app: &TestApp, t: &str) -> Vec<Value> {
    json_of(app.get("/v1/benefitallocations", t).await, 200).await["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn of_kind<'a>(items: &'a [Value], kind: &str) -> &'a Value {
    items.iter().find(|a| a["kind"] == kind).unwrap()
}

async fn r_ben_2_operator_staff_keep_the_benefit_catalog(app: TestApp) {
    let w = world(&app).await;
    assert_eq!(
        code(post(&app, &w.rt, "/v1/benefits", software()).await)
            .await
            .0,
        403,
        "partners do not keep the catalog"
    );
    for (change, expected) in [
        (json!({"kind": "swag"}), "invalid_benefit_kind"),
        (json!({"code": "x"}), "invalid_benefit_code"),
        (json!({"levels": []}), "no_levels"),
        (
            json!({"levels": [{"level": "none", "quantity": 1}]}),
            "invalid_level",
        ),
        (
            json!({"levels": [{"level": "gold", "quantity": 1, "unit": "seats"}]}),
            "invalid_unit",
        ),
        (
            json!({"levels": [{"level": "gold", "quantity": 0}]}),
            "invalid_benefit_quantity",
        ),
        (
            json!({"levels": [{"level": "gold", "quantity": 1, "amount_minor": 100, "currency": "USD"}]}),
            "amount_not_allowed",
        ),
        (json!({"months": 37}), "invalid_months"),
        (
            json!({"downloads": [{"language": "fr", "os": "windows", "url": "https://x.example/a"}]}),
            "invalid_download",
        ),
        (
            json!({"downloads": [{"language": "ja", "os": "windows", "url": "ftp://x.example/a"}]}),
            "invalid_url",
        ),
        (json!({"offer_sku": "BASE-M"}), "offer_not_allowed"),
        (json!({"name_en": " "}), "required"),
    ] {
        let mut b = software();
        for (k, v) in change.as_object().unwrap() {
            b[k] = v.clone();
        }
        assert_eq!(
            code(post(&app, &w.op, "/v1/benefits", b).await).await,
            (422, expected.into()),
            "{change}"
        );
    }
    // A credit needs its amount; a license benefit its offer.
    let credit = json!({"code": "azure-monthly", "kind": "azure_monthly_credit", "name_ja": "Azure 月単位クレジット",
        "name_en": "Azure monthly credit", "levels": [{"level": "gold", "quantity": 5}]});
    assert_eq!(
        code(post(&app, &w.op, "/v1/benefits", credit.clone()).await).await,
        (422, "amount_required".into())
    );
    let mut credit = credit;
    credit["levels"][0]["amount_minor"] = json!(10000);
    credit["levels"][0]["currency"] = json!("usd");
    let c = json_of(post(&app, &w.op, "/v1/benefits", credit).await, 201).await;
    assert_eq!(c["levels"][0]["currency"], "USD");
    assert_eq!(c["levels"][0]["unit"], "users");
    let license = json!({"code": "m365-licenses", "kind": "license_subscription", "name_ja": "Microsoft 365 ライセンス",
        "name_en": "Microsoft 365 licenses", "levels": [{"level": "gold", "quantity": 5}]});
    assert_eq!(
        code(post(&app, &w.op, "/v1/benefits", license.clone()).await).await,
        (422, "required".into())
    );
    let mut license = license;
    license["offer_sku"] = json!("base-m");
    let l = json_of(post(&app, &w.op, "/v1/benefits", license).await, 201).await;
    assert_eq!(l["offer_id"], w.base);
    assert_eq!(l["levels"][0]["unit"], "seats");

    let created = app
        .http
        .post(app.url("/v1/benefits"))
        .bearer_auth(&w.op)
        .json(&software())
        .send()
        .await
        .unwrap();
    let etag = created.headers()["etag"].to_str().unwrap().to_string();
    let b = json_of(created, 201).await;
    assert_eq!(b["tier"], "core");
    assert_eq!(b["months"], 12);
    assert_eq!(b["levels"].as_array().unwrap().len(), 2);
    assert_eq!(
        b["levels"][0]["level"], "silver",
        "levels read in their order"
    );
    assert_eq!(b["downloads"].as_array().unwrap().len(), 2);
    assert_eq!(
        code(post(&app, &w.op, "/v1/benefits", software()).await).await,
        (409, "duplicate_code".into())
    );
    // Changed with If-Match; retired, partners no longer see it.
    let id = b["id"].as_str().unwrap();
    let mut changed = software();
    changed["state"] = json!("retired");
    let r = send(
        &app,
        reqwest::Method::PUT,
        &w.op,
        &format!("/v1/benefits/{id}"),
        Some(changed.clone()),
        &[("if-match", &etag)],
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = send(
        &app,
        reqwest::Method::PUT,
        &w.op,
        &format!("/v1/benefits/{id}"),
        Some(changed.clone()),
        &[("if-match", &etag)],
    )
    .await;
    assert_eq!(r.status(), 412, "a stale ETag");
    changed["code"] = json!("office-other");
    assert_eq!(
        code(put(&app, &w.op, &format!("/v1/benefits/{id}"), changed).await).await,
        (422, "code_fixed".into())
    );
    let seen = json_of(app.get("/v1/benefits", &w.rt).await, 200).await;
    let codes: Vec<&str> = seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["azure-monthly", "m365-licenses"]);
    assert_eq!(
        app.get(&format!("/v1/benefits/{id}"), &w.rt).await.status(),
        404
    );
    assert_eq!(
        app.get(&format!("/v1/benefits/{id}"), &w.op).await.status(),
        200
    );
    let staff = json_of(app.get("/v1/benefits?state=retired", &w.op).await, 200).await;
    assert_eq!(staff["items"].as_array().unwrap().len(), 1);
    // A customer sees no catalog.
    assert_eq!(app.get("/v1/benefits", &w.ct).await.status(), 403);
}

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

async fn r_ben_3_a_global_or_membership_admin_gets_each_allocated_key_once(app: TestApp) {
    let w = world(&app).await;
    add_benefit(&app, &w.op, software()).await;
    import_keys(
        &app,
        &w.op,
        "office-pro",
        &["AAAAA-BBBBB-CCCCC-11111", "AAAAA-BBBBB-CCCCC-22222"],
    )
    .await;
    let (gold, sales, ma) = member(&app, "Gold Partner KK", "gold").await;
    json_of(
        post(&app, &sales, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;
    let sw = of_kind(&allocations(&app, &sales).await, "software").clone();
    let id = sw["id"].as_str().unwrap();
    let path = format!("/v1/benefitallocations/{id}/keys");
    // A sales agent cannot get keys (R-BEN-1); a membership admin can.
    let (status, body) = crate::helpers::problem(post(&app, &sales, &path, json!({})).await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("role_required"))
    );
    let r = send(
        &app,
        reqwest::Method::POST,
        &ma,
        &path,
        Some(json!({})),
        &[("idempotency-key", "k-1")],
    )
    .await;
    let k1 = json_of(r, 201).await;
    assert_eq!(
        k1["key"], "AAAAA-BBBBB-CCCCC-11111",
        "the oldest key of the pool"
    );
    assert_eq!(k1["last5"], "11111");
    let replay = send(
        &app,
        reqwest::Method::POST,
        &ma,
        &path,
        Some(json!({})),
        &[("idempotency-key", "k-1")],
    )
    .await;
    let replay = json_of(replay, 200).await;
    assert_eq!(replay["id"], k1["id"]);
    assert!(replay["key"].is_null(), "a replay does not carry the key");
    // The global admin gets the second; then every allocated key is got.
    let gt = app.token_for(&gold.email).await;
    let k2 = json_of(post(&app, &gt, &path, json!({})).await, 201).await;
    assert_eq!(k2["key"], "AAAAA-BBBBB-CCCCC-22222");
    assert_eq!(
        code(post(&app, &ma, &path, json!({})).await).await,
        (409, "all_keys_got".into())
    );
    let a = json_of(
        app.get(&format!("/v1/benefitallocations/{id}"), &sales)
            .await,
        200,
    )
    .await;
    assert_eq!((a["used"].as_i64(), a["left"].as_i64()), (Some(2), Some(0)));
    // Keys got, with who got them: in full for admins, the last five for others.
    let full = json_of(app.get(&path, &ma).await, 200).await;
    let items = full["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["got_by"], "Test User");
    assert!(items[0]["got_at"].is_string());
    assert_eq!(items[1]["key"], "AAAAA-BBBBB-CCCCC-22222");
    let short = json_of(app.get(&path, &sales).await, 200).await;
    assert!(
        short["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["key"].is_null())
    );
    assert!(!short.to_string().contains("AAAAA"));
    // The audit row names the last five characters only; no key is in any stored row.
    assert_eq!(
        app.count("audit_records WHERE action = 'benefit_key.got'")
            .await,
        2
    );
    assert_eq!(
        app.count("audit_records WHERE details LIKE '%AAAAA%'")
            .await,
        0
    );
    assert_eq!(
        app.count("benefit_keys WHERE sealed LIKE '%AAAAA%'").await,
        0
    );
    // Another partner's allocation does not exist for it.
    let (_, other_sales, other_ma) = member(&app, "Silver Partner KK", "silver").await;
    assert_eq!(post(&app, &other_ma, &path, json!({})).await.status(), 404);
    assert_eq!(app.get(&path, &other_sales).await.status(), 404);
    // Its pool is empty now: a clear refusal, and operator staff are alerted once.
    json_of(
        post(&app, &other_sales, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;
    let osw = of_kind(&allocations(&app, &other_sales).await, "software").clone();
    let opath = format!(
        "/v1/benefitallocations/{}/keys",
        osw["id"].as_str().unwrap()
    );
    for _ in 0..2 {
        let (s, b) = crate::helpers::problem(post(&app, &other_ma, &opath, json!({})).await).await;
        assert_eq!((s, b["code"].as_str()), (409, Some("key_pool_empty")));
        assert!(b["detail"].as_str().unwrap().contains("operator"), "{b}");
    }
    assert_eq!(
        app.count("audit_records WHERE action = 'benefit_pool.empty'")
            .await,
        1
    );
    let a = json_of(
        app.get(
            &format!("/v1/benefitallocations/{}", osw["id"].as_str().unwrap()),
            &other_sales,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(a["used"], 0, "nothing spent on a refused request");
    let pools = json_of(app.get("/v1/benefitkeypools", &w.op).await, 200).await;
    assert_eq!(
        (
            pools["items"][0]["available"].as_i64(),
            pools["items"][0]["handed_out"].as_i64()
        ),
        (Some(0), Some(2))
    );
    assert_eq!(app.get("/v1/benefitkeypools", &sales).await.status(), 403);
    // Refilled, the key comes.
    import_keys(&app, &w.op, "office-pro", &["DDDDD-EEEEE-33333"]).await;
    let k3 = json_of(post(&app, &other_ma, &opath, json!({})).await, 201).await;
    assert_eq!(k3["key"], "DDDDD-EEEEE-33333");
    // Operator staff see the partner's allocations and keys, never the key text.
    let seen = json_of(
        app.get(
            &format!("/v1/benefitallocations?org_id={}", gold.org_id),
            &w.op,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(seen["items"].as_array().unwrap().len(), 1);
    let staff = json_of(app.get(&path, &w.op).await, 200).await;
    assert!(
        staff["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["key"].is_null())
    );
    // An expired allocation hands out no key.
    app.clock.advance(time::Duration::days(400));
    let ma = app.token_for("member@silverpartnerkk.example").await;
    assert_eq!(
        code(post(&app, &ma, &opath, json!({})).await).await,
        (409, "benefit_not_active".into())
    );
}

async fn r_ben_3_pool_keys_are_imported_with_per_row_errors(app: TestApp) {
    let w = world(&app).await;
    add_benefit(&app, &w.op, software()).await;
    add_benefit(&app, &w.op, support()).await;
    let csv = "benefit_code,key\n\
        office-pro,ＡＢＣＤＥ-12345\n\
        office-pro,abcde-12345\n\
        nothing,QQQQQ-11111\n\
        support-incidents,QQQQQ-22222\n\
        office-pro,x\n\
        office-pro,ZZZZZ-99999\n";
    let send_csv = async |t: &str, csv: &str| {
        app.http
            .post(app.url("/v1/benefitkeypools/import"))
            .bearer_auth(t)
            .header("content-type", "text/csv")
            .body(csv.to_string())
            .send()
            .await
            .unwrap()
    };
    assert_eq!(send_csv(&w.rt, csv).await.status(), 403);
    let r = json_of(send_csv(&w.op, csv).await, 200).await;
    assert_eq!(
        (r["rows"].as_i64(), r["imported"].as_i64()),
        (Some(6), Some(2))
    );
    let errs: Vec<(i64, &str)> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errs,
        [
            (3, "duplicate_key_in_file"),
            (4, "unknown_benefit"),
            (5, "not_a_software_benefit"),
            (6, "invalid_key")
        ]
    );
    // Again: every key is in a pool already.
    let r = json_of(
        send_csv(&w.op, "benefit_code,key\noffice-pro,ABCDE-12345\n").await,
        200,
    )
    .await;
    assert_eq!(r["imported"], 0);
    assert_eq!(r["errors"][0]["code"], "duplicate_key");
    assert_eq!(app.count("benefit_keys").await, 2);
    assert_eq!(
        app.count("audit_records WHERE action = 'benefit_keys.imported'")
            .await,
        2
    );
}

/// R-BEN-3: partners get keys of one pool at the same moment on two nodes of one PostgreSQL:
/// each key goes to exactly one of them, and when the pool runs dry the rest are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r_ben_3_concurrent_get_key_hands_each_pool_key_to_one_partner() {
    let Some(app) = TestApp::builder(Backend::Postgres).spawn().await else {
        return;
    };
    let w = world(&app).await;
    add_benefit(&app, &w.op, software()).await;
    import_keys(
        &app,
        &w.op,
        "office-pro",
        &[
            "KEYAA-00001",
            "KEYAA-00002",
            "KEYAA-00003",
            "KEYAA-00004",
            "KEYAA-00005",
        ],
    )
    .await;
    let peer = app.peer().await;
    let mut asks = Vec::new();
    for n in 0..4 {
        let (_, sales, ma) = member(&app, &format!("Gold {n} KK"), "gold").await;
        json_of(
            post(&app, &sales, "/v1/benefitpackages", json!({})).await,
            201,
        )
        .await;
        let sw = of_kind(&allocations(&app, &sales).await, "software").clone();
        let path = format!("/v1/benefitallocations/{}/keys", sw["id"].as_str().unwrap());
        asks.push((app.url(&path), ma.clone()));
        asks.push((peer.url(&path), ma));
    }
    let fired = futures::future::join_all(
        asks.iter()
            .map(|(url, t)| app.http.post(url).bearer_auth(t).json(&json!({})).send()),
    )
    .await;
    let mut got = Vec::new();
    let mut refused = 0;
    for r in fired {
        let r = r.unwrap();
        match r.status().as_u16() {
            201 => got.push(
                r.json::<Value>().await.unwrap()["key"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            ),
            409 => {
                assert_eq!(code(r).await.1, "key_pool_empty");
                refused += 1;
            }
            s => panic!("unexpected {s}: {}", r.text().await.unwrap()),
        }
    }
    got.sort();
    let n = got.len();
    got.dedup();
    assert_eq!(got.len(), n, "no key handed out twice");
    assert_eq!((n, refused), (5, 3));
    assert_eq!(
        app.count("benefit_keys WHERE state = 'handed_out'").await,
        5
    );
    assert_eq!(
        app.count("benefit_allocations a WHERE a.used <> (SELECT COUNT(*) FROM benefit_keys k WHERE k.allocation_id = a.id)").await,
        0,
        "every allocation counts exactly the keys it got"
    );
    assert_eq!(app.count("benefit_allocations WHERE used > 2").await, 0);
}

/// A license benefit of the world's base offer: `seats` at Gold.
pub fn license(code: &str, seats: i64) -> Value {
    json!({"code": code, "kind": "license_subscription", "name_ja": "社内使用ライセンス",
        "name_en": "Internal-use licenses", "offer_sku": "BASE-M",
        "levels": [{"level": "gold", "quantity": seats}]})
}

fn at(v: &Value) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(
        v.as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
}

async fn r_ben_5_a_license_key_is_redeemed_once_into_the_partners_own_organization(app: TestApp) {
    use keiro_domain::benefit::add_months;
    let w = world(&app).await;
    add_benefit(&app, &w.op, license("licenses-a", 5)).await;
    add_benefit(&app, &w.op, license("licenses-b", 3)).await;
    let (gold, sales, ma) = member(&app, "Gold Partner KK", "gold").await;
    json_of(
        post(&app, &sales, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;
    let items = allocations(&app, &sales).await;
    let alloc = |code: &str| {
        items
            .iter()
            .find(|a| a["benefit_code"] == code)
            .unwrap()
            .clone()
    };
    let (a, b) = (alloc("licenses-a"), alloc("licenses-b"));
    assert_eq!(
        (a["quantity"].as_i64(), a["unit"].as_str()),
        (Some(5), Some("seats"))
    );
    // The benefit comes with one key: in full for a membership admin, its last five otherwise.
    let keys_of = async |t: &str, al: &Value| {
        json_of(
            app.get(
                &format!("/v1/benefitallocations/{}/keys", al["id"].as_str().unwrap()),
                t,
            )
            .await,
            200,
        )
        .await["items"][0]
            .clone()
    };
    let ka = keys_of(&ma, &a).await;
    assert_eq!(ka["state"], "unused");
    let key_a = ka["key"].as_str().unwrap().to_string();
    assert_eq!(key_a.len(), 29);
    assert!(keys_of(&sales, &a).await["key"].is_null());
    let key_b = keys_of(&ma, &b).await["key"].as_str().unwrap().to_string();
    let body = |key: &str, mode: &str| json!({"key": key, "mode": mode});

    // Only a global or membership admin redeems; a customer, or another partner, never does.
    let (st, p) = crate::helpers::problem(
        post(
            &app,
            &sales,
            "/v1/benefitlicenseredemptions/preview",
            body(&key_a, "extend"),
        )
        .await,
    )
    .await;
    assert_eq!((st, p["code"].as_str()), (403, Some("role_required")));
    assert_eq!(
        code(
            post(
                &app,
                &w.ct,
                &format!("/v1/customers/{}/productkeyredemptions", w.customer.org_id),
                json!({"key": key_a})
            )
            .await
        )
        .await,
        (403, "benefit_key_internal_use".into()),
        "benefit licenses are for the partner's internal use"
    );
    let (_, _, other_ma) = member(&app, "Other Gold KK", "gold").await;
    assert_eq!(
        code(
            post(
                &app,
                &other_ma,
                "/v1/benefitlicenseredemptions/preview",
                body(&key_a, "extend")
            )
            .await
        )
        .await,
        (403, "benefit_key_internal_use".into())
    );
    assert_eq!(
        code(
            post(
                &app,
                &ma,
                "/v1/benefitlicenseredemptions/preview",
                body(&key_a, "more")
            )
            .await
        )
        .await,
        (422, "invalid_mode".into())
    );
    // An advisor's key is not a benefit's.
    let (_, at_adv) = crate::helpers::advisor(&app, &w.op, json!(["subscription_advisor"])).await;
    let adv = json_of(
        post(
            &app,
            &at_adv,
            "/v1/productkeys",
            json!({"offer_id": w.base, "country": "JP", "quantity": 1}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(
        code(
            post(
                &app,
                &ma,
                "/v1/benefitlicenseredemptions/preview",
                body(adv["keys"][0].as_str().unwrap(), "extend")
            )
            .await
        )
        .await,
        (422, "not_a_benefit_key".into())
    );

    // No subscription of the product yet: a new one of 5 seats for 12 months.
    let now = app.app.now();
    let p = json_of(
        post(
            &app,
            &ma,
            "/v1/benefitlicenseredemptions/preview",
            body(&key_a.to_lowercase(), "add_seats"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (
            p["new_subscription"].as_bool(),
            p["seats"].as_i64(),
            p["key_seats"].as_i64()
        ),
        (Some(true), Some(5), Some(5))
    );
    assert_eq!(at(&p["ends_at"]), add_months(now, 12));
    let r = send(
        &app,
        reqwest::Method::POST,
        &ma,
        "/v1/benefitlicenseredemptions",
        Some(body(&key_a, "add_seats")),
        &[("idempotency-key", "lic-a")],
    )
    .await;
    let r = json_of(r, 201).await;
    let sub = r["subscription"].clone();
    assert_eq!(
        (sub["quantity"].as_i64(), sub["customer"]["id"].as_str()),
        (Some(5), Some(gold.org_id.as_str()))
    );
    assert!(sub["partner_of_record"].is_null(), "{sub}");
    let again = send(
        &app,
        reqwest::Method::POST,
        &ma,
        "/v1/benefitlicenseredemptions",
        Some(body(&key_a, "add_seats")),
        &[("idempotency-key", "lic-a")],
    )
    .await;
    assert_eq!(again.status(), 200, "a replay");
    assert_eq!(
        code(
            post(
                &app,
                &ma,
                "/v1/benefitlicenseredemptions",
                body(&key_a, "add_seats")
            )
            .await
        )
        .await,
        (409, "already_used".into()),
        "a key is redeemed once"
    );
    assert_eq!(keys_of(&ma, &a).await["state"], "redeemed");
    let used = json_of(
        app.get(
            &format!("/v1/benefitallocations/{}", a["id"].as_str().unwrap()),
            &ma,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (used["used"].as_i64(), used["left"].as_i64()),
        (Some(5), Some(0))
    );

    // A month on, the second key: adding seats keeps the end (under a year), extending moves it.
    app.clock.advance(time::Duration::days(30));
    let ma = app.token_for("member@goldpartnerkk.example").await;
    let ends = at(&sub["term_ends_at"]);
    let add = json_of(
        post(
            &app,
            &ma,
            "/v1/benefitlicenseredemptions/preview",
            body(&key_b, "add_seats"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (add["current_seats"].as_i64(), add["seats"].as_i64()),
        (Some(5), Some(8))
    );
    assert_eq!(at(&add["ends_at"]), ends);
    assert_eq!(add["under_a_year"], true);
    assert_eq!(add["subscription_id"], sub["id"]);
    let ext = json_of(
        post(
            &app,
            &ma,
            "/v1/benefitlicenseredemptions/preview",
            body(&key_b, "extend"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (ext["seats"].as_i64(), ext["under_a_year"].as_bool()),
        (Some(5), Some(false))
    );
    assert_eq!(at(&ext["ends_at"]), add_months(ends, 12));
    let done = json_of(
        post(
            &app,
            &ma,
            "/v1/benefitlicenseredemptions",
            body(&key_b, "extend"),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(done["subscription"]["id"], sub["id"]);
    assert_eq!(done["subscription"]["quantity"], 5);
    assert_eq!(
        at(&done["subscription"]["term_ends_at"]),
        add_months(ends, 12)
    );
    assert_eq!(
        app.count("audit_records WHERE action = 'benefit_license.redeemed'")
            .await,
        2
    );
    assert_eq!(
        app.count(&format!(
            "audit_records WHERE details LIKE '%{}%'",
            &key_b[..11]
        ))
        .await,
        0,
        "keys are never logged"
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

async fn r_ben_2_the_catalog_is_imported_from_csv_with_per_row_errors(app: TestApp) {
    let w = world(&app).await;
    let csv = "code,kind,name_ja,name_en,levels,tier,months,offer_sku,downloads,instructions_ja\n\
        office-pro,software,Office,Office,gold|3;silver|2,core,12,,ja|windows|https://dl.example/o-ja.iso;en|macos|https://dl.example/o-en.pkg|Office (English),キーは 1 台に 1 つ\n\
        azure-monthly,azure_monthly_credit,Azure 月単位クレジット,Azure monthly credit,gold|10|users|10000|USD,,,,,\n\
        m365,license_subscription,M365,M365,gold|5,,,BASE-M,,\n\
        bad-kind,swag,X,X,gold|1,,,,,\n\
        bad-levels,software,X,X,gold,,,,,\n\
        office-pro,software,Office,Office,gold|1,,,,,\n";
    let send_csv = async |t: &str, csv: &str| {
        app.http
            .post(app.url("/v1/benefits/import"))
            .bearer_auth(t)
            .header("content-type", "text/csv")
            .body(csv.to_string())
            .send()
            .await
            .unwrap()
    };
    assert_eq!(send_csv(&w.rt, csv).await.status(), 403);
    let r = json_of(send_csv(&w.op, csv).await, 200).await;
    assert_eq!(
        (
            r["rows"].as_i64(),
            r["created"].as_i64(),
            r["updated"].as_i64()
        ),
        (Some(6), Some(3), Some(0))
    );
    let errs: Vec<(i64, &str)> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errs,
        [
            (5, "invalid_benefit_kind"),
            (6, "invalid_levels"),
            (7, "duplicate_code_in_file")
        ]
    );
    let list = json_of(app.get("/v1/benefits", &w.op).await, 200).await;
    let office = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["code"] == "office-pro")
        .unwrap()
        .clone();
    assert_eq!(office["downloads"].as_array().unwrap().len(), 2);
    assert_eq!(
        office["downloads"][0]["label"], "Office (English)",
        "downloads in language order"
    );
    assert_eq!(office["instructions_ja"], "キーは 1 台に 1 つ");
    let credit = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["code"] == "azure-monthly")
        .unwrap()
        .clone();
    assert_eq!(
        (
            credit["levels"][0]["amount_minor"].as_i64(),
            credit["levels"][0]["unit"].as_str()
        ),
        (Some(10000), Some("users"))
    );
    // Again with a change: updated by code.
    let r = json_of(send_csv(&w.op, "code,kind,name_ja,name_en,levels,state\noffice-pro,software,Office 2,Office 2,gold|4,retired\n").await, 200).await;
    assert_eq!(
        (r["created"].as_i64(), r["updated"].as_i64()),
        (Some(0), Some(1))
    );
    let b = json_of(
        app.get(
            &format!("/v1/benefits/{}", office["id"].as_str().unwrap()),
            &w.op,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (
            b["name_en"].as_str(),
            b["state"].as_str(),
            b["levels"][0]["quantity"].as_i64()
        ),
        (Some("Office 2"), Some("retired"), Some(4))
    );
    assert_eq!(
        app.count("audit_records WHERE action = 'benefits.imported'")
            .await,
        2
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

/// R-BEN-1's role table walked for every partner role: seeing and buying (everyone), asking to
/// cancel (global admin), getting a key (global admin, membership admin); refusals are 403.
const BENEFIT_MATRIX: &[(Role, [bool; 4])] = &[
    (Role::GlobalAdmin, [true, true, true, true]),
    (Role::UserManagementAdmin, [true, true, false, false]),
    (Role::BillingAdmin, [true, true, false, false]),
    (Role::AdminAgent, [true, true, false, false]),
    (Role::SalesAgent, [true, true, false, false]),
    (Role::HelpdeskAgent, [true, true, false, false]),
    (Role::MembershipAdmin, [true, true, false, true]),
];

async fn r_ben_1_every_partner_role_walks_the_benefit_actions(app: TestApp) {
    let w = world(&app).await;
    add_benefit(&app, &w.op, software()).await;
    let keys: Vec<String> = (0..BENEFIT_MATRIX.len())
        .map(|i| format!("WALKK-{i:05}"))
        .collect();
    import_keys(
        &app,
        &w.op,
        "office-pro",
        &keys.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .await;
    for (i, (role, expected)) in BENEFIT_MATRIX.iter().enumerate() {
        let ga = app.reseller_admin(&format!("Walk {i} KK")).await;
        app.db_membership(&ga.org_id, "gold", "active").await;
        let (u, _) = app
            .add_user(
                &ga.org_id,
                &format!("walker{i}@benefits.example"),
                &[*role],
                Some(TEST_PASSWORD),
            )
            .await;
        let t = app.token_for(&u.email).await;
        let seen = app
            .get("/v1/benefitallocations", &t)
            .await
            .status()
            .as_u16();
        let bought = post(&app, &t, "/v1/benefitpackages", json!({})).await;
        let bought_status = bought.status().as_u16();
        let p = bought.json::<Value>().await.unwrap();
        let cancel = post(
            &app,
            &t,
            &format!(
                "/v1/benefitpackages/{}/cancellationrequests",
                p["id"].as_str().unwrap_or("x")
            ),
            json!({"reason": "walk"}),
        )
        .await
        .status()
        .as_u16();
        let alloc = of_kind(&allocations(&app, &t).await, "software")["id"]
            .as_str()
            .unwrap()
            .to_string();
        let key = post(
            &app,
            &t,
            &format!("/v1/benefitallocations/{alloc}/keys"),
            json!({}),
        )
        .await
        .status()
        .as_u16();
        for (col, (got, allowed)) in [seen, bought_status, cancel, key]
            .iter()
            .zip(expected.iter())
            .enumerate()
        {
            let ok = (200..300).contains(got);
            assert_eq!(ok, *allowed, "{role:?} action #{col}: status {got}");
            if !ok {
                assert_eq!(
                    *got, 403,
                    "{role:?} action #{col}: a refusal in one's own organization is 403"
                );
            }
        }
    }
}

/// The demo world's benefits (issue 17 point 10): a Gold partner with a package, a software key
/// got and a license key; an Action Pack partner that has not bought; a partner with no level.
/// Seeding again adds nothing.
#[tokio::test]
async fn r_ben_demo_world_shows_each_membership_level() {
    let Some(app) = TestApp::builder(Backend::Sqlite).spawn().await else {
        return;
    };
    for _ in 0..2 {
        keiro_app::demo::seed(&app.app).await.unwrap();
        assert_eq!(app.count("benefit_packages").await, 1);
        assert_eq!(
            app.count("benefit_keys WHERE state = 'handed_out'").await,
            1
        );
        assert_eq!(
            app.count("product_key_orders WHERE benefit_allocation_id IS NOT NULL")
                .await,
            1
        );
    }
    let gold = app.token_for("membership@sakura-dist.example").await;
    let items = allocations(&app, &gold).await;
    let kinds: std::collections::BTreeSet<&str> =
        items.iter().map(|a| a["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.len(), 8, "every kind of seed 003: {kinds:?}");
    let fuji = app.token_for("sales@fuji-reseller.example").await;
    assert!(allocations(&app, &fuji).await.is_empty());
    let minato = app.token_for("admin@minato-it.example").await;
    assert_eq!(
        code(post(&app, &minato, "/v1/benefitpackages", json!({})).await)
            .await
            .1,
        "no_membership_level"
    );
    let p = json_of(
        post(&app, &fuji, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;
    assert_eq!(p["level"], "action_pack");
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
        (409, "not_a_technical_benefit".into())
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
