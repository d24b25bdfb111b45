//! The catalog through the API (R-ORD-1): operator staff keep products and offers (by hand
//! and by CSV import), partners browse the offers sold in their customer's country.

use crate::helpers::{code, json_of, post, put, send};
use keiro_testkit::world::{offer, world};
use keiro_testkit::{TestApp, both_backends};
use serde_json::json;

both_backends!(
    r_ord_1_operator_keeps_the_catalog_partners_browse_by_country,
    r_ord_1_catalog_csv_import_upserts_and_reports_rows,
);

async fn r_ord_1_operator_keeps_the_catalog_partners_browse_by_country(app: TestApp) {
    let w = world(&app).await;
    // Only operator staff keep the catalog; a provider cannot add offers, a customer cannot browse.
    assert_eq!(
        code(
            post(
                &app,
                &w.pt,
                "/v1/offers",
                offer(&w.product, "X-1", json!({}))
            )
            .await
        )
        .await,
        (403, "operator_only".into())
    );
    assert_eq!(code(app.get("/v1/offers", &w.ct).await).await.0, 403);
    // Bad terms are refused with the field's code; a taken SKU is a conflict.
    for (extra, want) in [
        (
            json!({"term_months": 18, "billing_cycle": "annual"}),
            "invalid_term",
        ),
        (
            json!({"min_quantity": 10, "max_quantity": 5}),
            "invalid_quantity_bounds",
        ),
        (json!({"countries": ["Japan"]}), "invalid_country"),
        (json!({"currency": "YE1"}), "invalid_currency"),
        (
            json!({"prerequisite_offer_id": "00000000-0000-7000-8000-000000000000"}),
            "unknown_prerequisite",
        ),
        (json!({"product_id": "nope"}), "unknown_product"),
    ] {
        assert_eq!(
            code(
                post(
                    &app,
                    &w.op,
                    "/v1/offers",
                    offer(&w.product, "NEW-1", extra.clone())
                )
                .await
            )
            .await,
            (422, want.to_string()),
            "{extra}"
        );
    }
    assert_eq!(
        code(
            post(
                &app,
                &w.op,
                "/v1/offers",
                offer(&w.product, "base-m", json!({}))
            )
            .await
        )
        .await,
        (409, "duplicate".into())
    );
    assert_eq!(app.count("offers").await, 4);

    // A partner browses the offers sold in its customer's country, and searches them.
    let jp = json_of(
        app.get(&format!("/v1/offers?customer={}", w.customer.org_id), &w.rt)
            .await,
        200,
    )
    .await;
    let skus: Vec<&str> = jp["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["BASE-M", "ADDON-M", "TRIAL-Y"]);
    assert_eq!(jp["items"][0]["product_name_ja"], "ビジネス プレミアム");
    assert_eq!(jp["items"][1]["prerequisite_offer_id"], w.base.as_str());
    let us = json_of(app.get("/v1/offers?country=us", &w.rt).await, 200).await;
    assert_eq!(us["items"].as_array().unwrap().len(), 1);
    assert_eq!(us["items"][0]["id"], w.us.as_str());
    let found = json_of(app.get("/v1/offers?q=trial", &w.rt).await, 200).await;
    assert_eq!(found["items"][0]["trial_days"], 30);
    // Another partner's customer is not one of mine.
    let stranger = app.reseller_admin("Stranger").await;
    let st = app.token_for(&stranger.email).await;
    assert_eq!(
        app.get(&format!("/v1/offers?customer={}", w.customer.org_id), &st)
            .await
            .status(),
        404
    );

    // Retire with If-Match: partners stop seeing it, the operator still does; a stale ETag is 412.
    let res = app.get(&format!("/v1/offers/{}", w.us), &w.op).await;
    let tag = res.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(tag, "\"f1\"");
    let res = send(
        &app,
        reqwest::Method::PUT,
        &w.op,
        &format!("/v1/offers/{}/state", w.us),
        Some(json!({"state": "retired"})),
        &[("if-match", &tag)],
    )
    .await;
    assert_eq!(json_of(res, 200).await["state"], "retired");
    let res = send(
        &app,
        reqwest::Method::PUT,
        &w.op,
        &format!("/v1/offers/{}/state", w.us),
        Some(json!({"state": "available"})),
        &[("if-match", &tag)],
    )
    .await;
    assert_eq!(res.status(), 412);
    assert_eq!(
        app.get(&format!("/v1/offers/{}", w.us), &w.rt)
            .await
            .status(),
        404
    );
    assert_eq!(
        json_of(app.get("/v1/offers?country=US", &w.rt).await, 200).await["items"],
        json!([])
    );
    assert_eq!(
        json_of(app.get("/v1/offers?state=retired", &w.op).await, 200).await["items"][0]["id"],
        w.us.as_str()
    );
    // Editing keeps the SKU and replaces the terms.
    let edited = json_of(
        put(
            &app,
            &w.op,
            &format!("/v1/offers/{}", w.base),
            offer(
                &w.product,
                "BASE-M",
                json!({"max_quantity": 50, "countries": ["JP", "KR"]}),
            ),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (edited["max_quantity"].clone(), edited["countries"].clone()),
        (json!(50), json!(["JP", "KR"]))
    );
    assert_eq!(
        code(
            put(
                &app,
                &w.op,
                &format!("/v1/offers/{}", w.base),
                offer(&w.product, "OTHER", json!({}))
            )
            .await
        )
        .await,
        (422, "sku_immutable".into())
    );
    assert_eq!(
        json_of(app.get("/v1/products?q=premium", &w.rt).await, 200).await["items"][0]["code"],
        "M365-BP"
    );
}

async fn r_ord_1_catalog_csv_import_upserts_and_reports_rows(app: TestApp) {
    let w = world(&app).await;
    let csv = "product_code,product_name_en,product_name_ja,sku,name_en,name_ja,billing_cycle,term_months,unit_price_minor,currency,min_quantity,max_quantity,trial_days,prerequisite_sku,countries,state\n\
        TEAMS,Teams,チームズ,TEAMS-M,Teams monthly,チームズ 月額,monthly,1,400,JPY,1,500,,,JP;US,\n\
        TEAMS,Teams,チームズ,TEAMS-ADDON,Teams audio,チームズ 音声,monthly,1,200,JPY,,,,teams-m,JP,\n\
        TEAMS,Teams,チームズ,TEAMS-BAD,Bad,悪い,weekly,1,200,JPY,,,,,JP,\n\
        TEAMS,Teams,チームズ,TEAMS-M,Again,再び,monthly,1,400,JPY,,,,,JP,\n";
    let import = |body: &'static str| {
        let op = w.op.clone();
        let app = &app;
        async move {
            json_of(
                app.http
                    .post(app.url("/v1/offers/import"))
                    .bearer_auth(op)
                    .header("content-type", "text/csv")
                    .body(body)
                    .send()
                    .await
                    .unwrap(),
                200,
            )
            .await
        }
    };
    let rep = import(csv).await;
    assert_eq!(
        (
            rep["rows"].clone(),
            rep["products_created"].clone(),
            rep["offers_created"].clone()
        ),
        (json!(4), json!(1), json!(2))
    );
    let errors: Vec<(i64, &str)> = rep["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        [(4, "invalid_billing_cycle"), (5, "duplicate_sku_in_file")]
    );
    // The add-on's prerequisite was named by SKU.
    let list = json_of(app.get("/v1/offers?q=teams-addon", &w.op).await, 200).await;
    let teams = json_of(app.get("/v1/offers?q=teams-m", &w.op).await, 200).await;
    assert_eq!(
        list["items"][0]["prerequisite_offer_id"],
        teams["items"][0]["id"]
    );
    assert_eq!(teams["items"][0]["countries"], json!(["JP", "US"]));
    // Importing again updates by SKU and creates nothing twice.
    let rep = import(csv).await;
    assert_eq!(
        (
            rep["offers_created"].clone(),
            rep["offers_updated"].clone(),
            rep["products_created"].clone()
        ),
        (json!(0), json!(2), json!(0))
    );
    assert_eq!(app.count("offers").await, 6);
    // Only operator staff import; a missing column is one clear error.
    let res = app
        .http
        .post(app.url("/v1/offers/import"))
        .bearer_auth(&w.pt)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(code(res).await, (403, "operator_only".into()));
    let res = app
        .http
        .post(app.url("/v1/offers/import"))
        .bearer_auth(&w.op)
        .header("content-type", "text/csv")
        .body("sku,name_en\nA,B\n")
        .send()
        .await
        .unwrap();
    assert_eq!(code(res).await, (422, "missing_column".into()));
}
