//! Benefit keys through the API (R-BEN-1, R-BEN-3, R-BEN-5), on SQLite and PostgreSQL: software
//! keys got once per allocated key by a global or membership admin only, the pool import and its
//! per-row errors, an empty pool, one pool shared by partners asking at once on two nodes, and a
//! license benefit's key redeemed once into the partner's own organization.

use crate::benefits::{
    add_benefit, allocations, at, import_keys, license, member, of_kind, software, support,
};
use crate::helpers::{code, json_of, post, send};
use keiro_testkit::world::world;
use keiro_testkit::{Backend, TestApp, both_backends};
use serde_json::{Value, json};

both_backends!(
    r_ben_3_a_global_or_membership_admin_gets_each_allocated_key_once,
    r_ben_3_pool_keys_are_imported_with_per_row_errors,
    r_ben_5_a_license_key_is_redeemed_once_into_the_partners_own_organization,
);

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
