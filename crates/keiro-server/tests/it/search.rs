//! Search as people type (issue 14, point 10; R-REL-10). Every search box compares the NFKC,
//! lower-cased form of the query with the same form of the stored text, on both backends.
//! Half-width katakana finds full-width (ｺﾝﾄｿ → 株式会社コントソ), full-width Latin finds ASCII,
//! and the search text follows a renamed row.

use crate::helpers::{json_of, post};
use keiro_testkit::{TestApp, both_backends, world::world};
use serde_json::{Value, json};

both_backends!(
    r_rel_10_every_search_box_matches_what_people_type,
    r_rel_10_the_search_index_is_merged_and_still_finds
);

/// The names a list answered with, by `field`.
fn names(list: &Value, field: &str) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[field].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn r_rel_10_every_search_box_matches_what_people_type(app: TestApp) {
    let w = world(&app).await;
    // Customers: half-width katakana, long (SQLite's trigram index) and short (a scan).
    let kana = app.customer_admin("株式会社コントソ").await;
    app.db_relate(&w.reseller.org_id, &kana.org_id).await;
    for q in ["%EF%BD%BA%EF%BE%9D%EF%BE%84%EF%BD%BF", "%EF%BD%BA%EF%BE%9D"] {
        // ｺﾝﾄｿ and ｺﾝ, percent-encoded.
        let found = json_of(app.get(&format!("/v1/customers?q={q}"), &w.rt).await, 200).await;
        assert_eq!(
            names(&found, "legal_name"),
            ["株式会社コントソ"],
            "{q}: {found}"
        );
    }
    // Full-width Latin finds ASCII, in any case: ＣＯＮＴＯＳＯ finds Contoso.
    let found = json_of(
        app.get(
            "/v1/customers?q=%EF%BC%A3%EF%BC%AF%EF%BC%AE%EF%BC%B4%EF%BC%AF%EF%BC%B3%EF%BC%AF",
            &w.rt,
        )
        .await,
        200,
    )
    .await;
    assert!(
        names(&found, "legal_name")
            .iter()
            .any(|n| n.contains("Contoso")),
        "{found}"
    );
    // Users: found by a half-width name, then by the new name after a rename.
    let r = post(
        &app,
        &w.rt,
        "/v1/users",
        json!({"email": "yamada@reseller.example", "full_name": "ヤマダ タロウ", "roles": ["sales_agent"]}),
    )
    .await;
    let user = json_of(r, 201).await;
    let id = user["user"]["id"].as_str().unwrap();
    let by_kana = json_of(
        app.get("/v1/users?q=%EF%BE%94%EF%BE%8F%EF%BE%80%EF%BE%9E", &w.rt)
            .await,
        200,
    )
    .await;
    assert_eq!(
        names(&by_kana, "full_name"),
        ["ヤマダ タロウ"],
        "ﾔﾏﾀﾞ: {by_kana}"
    );
    let r = app
        .http
        .patch(app.url(&format!("/v1/users/{id}")))
        .bearer_auth(&w.rt)
        .json(&json!({"full_name": "サトウ ハナコ"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let by_new = json_of(
        app.get("/v1/users?q=%EF%BD%BB%EF%BE%84%EF%BD%B3", &w.rt)
            .await,
        200,
    )
    .await;
    assert_eq!(
        names(&by_new, "full_name"),
        ["サトウ ハナコ"],
        "ｻﾄｳ after the rename"
    );
    let by_old = json_of(
        app.get("/v1/users?q=%EF%BE%94%EF%BE%8F%EF%BE%80%EF%BE%9E", &w.rt)
            .await,
        200,
    )
    .await;
    assert!(
        names(&by_old, "full_name").is_empty(),
        "the old name is no longer found"
    );
    // The registry: a record typed in half-width, found in full-width.
    let r = post(
        &app,
        &w.op,
        "/v1/membershiprecords",
        json!({"partner_id": "5550001", "organization_name": "ｼﾝｼﾞｭｸ商事", "country": "JP", "level": "silver", "status": "active"}),
    )
    .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let rec = json_of(
        app.get(
            "/v1/membershiprecords?q=%E3%82%B7%E3%83%B3%E3%82%B8%E3%83%A5%E3%82%AF",
            &w.op,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        names(&rec, "organization_name"),
        ["ｼﾝｼﾞｭｸ商事"],
        "シンジュク: {rec}"
    );
    // The catalog: ﾌﾟﾚﾐｱﾑ finds ビジネス プレミアム; full-width digits and letters find a SKU.
    let prod = json_of(
        app.get(
            "/v1/products?q=%EF%BE%8C%EF%BE%9F%EF%BE%9A%EF%BE%90%EF%BD%B1%EF%BE%91",
            &w.rt,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(names(&prod, "name_ja"), ["ビジネス プレミアム"], "{prod}");
    let base = json_of(app.get(&format!("/v1/offers/{}", w.base), &w.rt).await, 200).await;
    let sku = base["sku"].as_str().unwrap().to_string();
    let wide: String = sku
        .chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            c => c,
        })
        .collect();
    let q: String = url::form_urlencoded::byte_serialize(wide.as_bytes()).collect();
    let offers = json_of(app.get(&format!("/v1/offers?q={q}"), &w.rt).await, 200).await;
    assert!(
        names(&offers, "sku").contains(&sku),
        "{wide} finds {sku}: {offers}"
    );
}

/// Housekeeping merges SQLite's full-text index of organizations, fragmented by many small
/// commits, back into one segment in bounded steps; searches find the same customers before and
/// after. On PostgreSQL there is nothing to merge.
async fn r_rel_10_the_search_index_is_merged_and_still_finds(app: TestApp) {
    use keiro_store::sea_orm::{ConnectionTrait, DbBackend, Statement};
    let w = world(&app).await;
    // Each customer commits on its own: a segment each until FTS5 merges a level.
    for i in 0..24 {
        let c = app.customer_admin(&format!("Kaiseki {i:02} KK")).await;
        app.db_relate(&w.reseller.org_id, &c.org_id).await;
    }
    let found = |q: &'static str| {
        let app = &app;
        let rt = w.rt.clone();
        async move { json_of(app.get(&format!("/v1/customers?q={q}"), &rt).await, 200).await }
    };
    let before = (found("kaiseki").await, found("seki 1").await);
    assert_eq!(names(&before.0, "legal_name").len(), 24, "{}", before.0);
    assert_eq!(names(&before.1, "legal_name").len(), 10, "{}", before.1);
    let db = app.app.db.reader();
    let segments = || async {
        db.query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT COUNT(DISTINCT segid) AS n FROM org_search_idx",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap()
    };
    let sqlite = db.get_database_backend() == DbBackend::Sqlite;
    if sqlite {
        assert!(segments().await > 1, "the index starts fragmented");
    }
    let steps = keiro_app::housekeeping::merge_search_index(&app.app, 1000)
        .await
        .unwrap();
    if sqlite {
        assert!(steps >= 1);
        assert_eq!(segments().await, 1);
    } else {
        assert_eq!(steps, 0);
    }
    // Merged, a second pass has nothing to do.
    assert_eq!(
        keiro_app::housekeeping::merge_search_index(&app.app, 1000)
            .await
            .unwrap(),
        0
    );
    assert_eq!((found("kaiseki").await, found("seki 1").await), before);
}
