//! Product keys (app `product_keys`, R-ADV-4): an advisor orders, lists, exports and revokes
//! its keys; a customer's admin (or its delegated admin partner) previews and redeems one for
//! the customer.

use crate::api::respond::created_once;
use crate::api::views::{listed, subscription_body};
use crate::api::{ApiQuery, idempotency_key};
use crate::extract::{ApiCtx, ApiJson, Paging};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use keiro_api_types::{
    CreateProductKeys, ProductKey, ProductKeyList, ProductKeyOrder, ProductKeyPreview,
    ProductKeyRedeemed, RedeemProductKey,
};
use keiro_app::product_keys::{self as app, KeyOrderView, KeyView, OrderInput};
use serde::Deserialize;

fn order_body(v: KeyOrderView) -> ProductKeyOrder {
    ProductKeyOrder {
        id: v.id,
        offer_id: v.offer_id,
        quantity: v.quantity,
        licenses: v.licenses,
        delegated_admin: v.delegated_admin,
        created_at: v.created_at,
        expires_at: v.expires_at,
        keys: (!v.keys.is_empty()).then_some(v.keys),
    }
}

fn key_body(k: KeyView) -> ProductKey {
    ProductKey {
        id: k.id,
        order_id: k.order_id,
        offer_id: k.offer_id,
        licenses: k.licenses,
        last5: k.last5,
        state: k.state.into(),
        created_at: k.created_at,
        expires_at: k.expires_at,
        redeemed_at: k.redeemed_at,
        redeemed_by: k.redeemed_by,
        subscription_id: k.subscription_id,
    }
}

/// An advisor buys `quantity` keys for an offer sold in `country`; each sets up one
/// subscription of `licenses` licenses. The keys are in this answer only.
#[utoipa::path(operation_id = "create_product_keys", post, path = "/v1/productkeys", tag = "advisors", security(("bearer" = [])),
    request_body = CreateProductKeys,
    params(("Idempotency-Key" = Option<String>, Header, nullable = false)),
    responses((status = 201, body = ProductKeyOrder),
        (status = 200, description = "Replay (no keys)", body = ProductKeyOrder),
        (status = 403, description = "not_subscription_advisor, no_delegated_access or not_delegated_admin_authorized", body = keiro_api_types::Problem),
        (status = 422, body = keiro_api_types::Problem)))]
pub async fn create(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CreateProductKeys>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let input = OrderInput {
        offer_id: b.offer_id,
        country: b.country,
        quantity: b.quantity,
        licenses: b.licenses,
        delegated_admin: b.delegated_admin,
        expires_in_days: b.expires_in_days,
    };
    let o = app::order(&s.app, &ctx, input, key.as_deref()).await?;
    Ok(created_once(o.replayed, order_body(o.value)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// unused, redeemed, expired or revoked.
    pub state: Option<String>,
    /// Only the keys of this order.
    #[param(min_length = 1)]
    pub order_id: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

/// The advisor's keys, newest first, each with its state (unused, redeemed by whom and when,
/// expired, revoked) and only its last five characters.
#[utoipa::path(operation_id = "list_product_keys", get, path = "/v1/productkeys", tag = "advisors", security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = ProductKeyList), (status = 403, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ListParams>,
) -> ApiResult<Json<ProductKeyList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let page = app::list(
        &s.app,
        &ctx,
        q.state.as_deref(),
        q.order_id.as_deref(),
        p.cursor.as_deref(),
        p.limit,
    )
    .await?;
    let (items, next_cursor) = listed(page, key_body);
    Ok(Json(ProductKeyList { items, next_cursor }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// Only the keys of this order.
    #[param(min_length = 1)]
    pub order_id: Option<String>,
}

/// The advisor's unused keys in full, as CSV (key, offer_sku, licenses, expires_at). Audited.
#[utoipa::path(operation_id = "get_product_key_export", get, path = "/v1/productkeys/export", tag = "advisors", security(("bearer" = [])), params(ExportParams),
    responses((status = 200, description = "CSV of the unused keys", content_type = "text/csv", body = String),
        (status = 403, body = keiro_api_types::Problem), (status = 409, description = "secret_key_changed", body = keiro_api_types::Problem)))]
pub async fn export(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ExportParams>,
) -> ApiResult<Response> {
    let csv = app::export_unused(&s.app, &ctx, q.order_id.as_deref()).await?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"product-keys.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        csv,
    )
        .into_response())
}

/// Revokes an unused key: it can no longer be entered (409 `key_not_unused` otherwise).
#[utoipa::path(operation_id = "revoke_product_key", post, path = "/v1/productkeys/{id}/revoke", tag = "advisors", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 204, description = "Revoked"), (status = 404, body = keiro_api_types::Problem), (status = 409, body = keiro_api_types::Problem)))]
pub async fn revoke(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    app::revoke(&s.app, &ctx, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What entering this key for the customer sets up, or the reason it cannot be entered:
/// malformed_key, unknown_key, already_used, key_expired, key_revoked, offer_retired,
/// not_sold_in_country, not_an_admin. Attempts are throttled per customer and per address.
#[utoipa::path(operation_id = "preview_product_key_redemption", post, path = "/v1/customers/{id}/productkeyredemptions/preview", tag = "advisors", security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = RedeemProductKey,
    responses((status = 200, body = ProductKeyPreview), (status = 403, body = keiro_api_types::Problem), (status = 404, body = keiro_api_types::Problem),
        (status = 409, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem), (status = 429, body = keiro_api_types::Problem)))]
pub async fn preview(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RedeemProductKey>,
) -> ApiResult<Json<ProductKeyPreview>> {
    let p = app::check(&s.app, &ctx, &id, &b.key).await?;
    Ok(Json(ProductKeyPreview {
        delegated_admin_grants: crate::api::views::dap_grants(p.delegated_admin_offer),
        offer_id: p.offer_id,
        offer_name_en: p.offer_name_en,
        offer_name_ja: p.offer_name_ja,
        licenses: p.licenses,
        term_months: p.term_months,
        billing_cycle: p.billing_cycle,
        unit_price_minor: p.unit_price_minor,
        currency: p.currency,
        partner_of_record_name: p.advisor_name,
        partner_of_record_partner_id: p.advisor_partner_id,
        delegated_admin_offer: p.delegated_admin_offer,
        last5: p.last5,
    }))
}

/// Redeems a key for the customer: one subscription (seller: the operator; partner of record:
/// the key's buyer; the offer's term) and, if accepted, the key's delegated admin offer. A key
/// works once: entered twice, or by two customers at once, the second is `already_used`.
#[utoipa::path(operation_id = "create_product_key_redemption", post, path = "/v1/customers/{id}/productkeyredemptions", tag = "advisors", security(("bearer" = [])),
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, nullable = false)),
    request_body = RedeemProductKey,
    responses((status = 201, body = ProductKeyRedeemed), (status = 200, description = "Replay", body = ProductKeyRedeemed),
        (status = 403, body = keiro_api_types::Problem), (status = 404, body = keiro_api_types::Problem),
        (status = 409, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem), (status = 429, body = keiro_api_types::Problem)))]
pub async fn redeem(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<RedeemProductKey>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let o = app::redeem(&s.app, &ctx, &id, &b.key, b.delegated_admin, key.as_deref()).await?;
    Ok(created_once(
        o.replayed,
        ProductKeyRedeemed {
            subscription: subscription_body(o.value.subscription),
            delegated_admin: o.value.delegated_admin,
        },
    ))
}
