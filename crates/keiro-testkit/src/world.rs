//! The commerce world many tests start from: operator staff with a catalog, an indirect
//! provider and an indirect reseller (partnered, with partner IDs) and a Japanese customer
//! related to both. The catalog is made through the API (typed requests); the partners and the
//! relationships are written as rows (`db_…`), as the flows that create them are tested on their
//! own.

use crate::{TestApp, TestUser};
use keiro_api_types::{Offer, Product};
use keiro_domain::{OrgKind, Role};
use serde_json::{Value, json};

pub struct World {
    /// Operator staff's token.
    pub op: String,
    pub provider: TestUser,
    /// The provider's token.
    pub pt: String,
    pub reseller: TestUser,
    /// The reseller's token.
    pub rt: String,
    pub customer: TestUser,
    /// The customer's token.
    pub ct: String,
    pub product: String,
    /// Monthly, 1–300 licenses, JP.
    pub base: String,
    /// An add-on of `base`, 5–10 licenses.
    pub addon: String,
    /// Sold in the US only.
    pub us: String,
    /// Annual, 12-month term, with a 30-day trial.
    pub trial: String,
}

/// An offer's body for `POST /v1/offers`: monthly, ¥1,500, 1–300 licenses, JP, with `extra`
/// fields replacing those.
pub fn offer(product: &str, sku: &str, extra: Value) -> Value {
    let mut v = json!({
        "product_id": product,
        "sku": sku,
        "name_en": format!("{sku} (monthly)"),
        "name_ja": format!("{sku} (月額)"),
        "billing_cycle": "monthly",
        "term_months": 1,
        "unit_price_minor": 1500,
        "currency": "JPY",
        "min_quantity": 1,
        "max_quantity": 300,
        "countries": ["JP"],
    });
    for (k, val) in extra.as_object().expect("an object") {
        v[k] = val.clone();
    }
    v
}

pub async fn world(app: &TestApp) -> World {
    let op = app
        .org_with_user(OrgKind::Operator, "Operator", &[Role::OperatorAdmin])
        .await;
    let op = app.token_for(&op.email).await;
    let staff = app.as_user(&op);
    let product = staff
        .post::<Product>(
            "/v1/products",
            &json!({"code": "m365-bp", "name_en": "Business Premium", "name_ja": "ビジネス プレミアム"}),
        )
        .await
        .expect(201)
        .id;
    let new_offer = async |sku: &str, extra: Value| {
        staff
            .post::<Offer>("/v1/offers", &offer(&product, sku, extra))
            .await
            .expect(201)
            .id
    };
    let base = new_offer("BASE-M", json!({})).await;
    let addon = new_offer(
        "ADDON-M",
        json!({"min_quantity": 5, "max_quantity": 10, "prerequisite_offer_id": base}),
    )
    .await;
    let us = new_offer("US-ONLY", json!({"countries": ["US"]})).await;
    let trial = new_offer(
        "TRIAL-Y",
        json!({"billing_cycle": "annual", "term_months": 12, "trial_days": 30}),
    )
    .await;
    let provider = app.provider_admin("Distri KK").await;
    let reseller = app.reseller_admin("Resell GK").await;
    app.db_set_partner_id(&provider.org_id, "1000001").await;
    app.db_set_partner_id(&reseller.org_id, "2000001").await;
    app.db_partner_up(&provider.org_id, &reseller.org_id).await;
    let customer = app.customer_admin("Contoso").await;
    app.db_relate(&reseller.org_id, &customer.org_id).await;
    app.db_relate(&provider.org_id, &customer.org_id).await;
    World {
        pt: app.token_for(&provider.email).await,
        rt: app.token_for(&reseller.email).await,
        ct: app.token_for(&customer.email).await,
        op,
        provider,
        reseller,
        customer,
        product,
        base,
        addon,
        us,
        trial,
    }
}
