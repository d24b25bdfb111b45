//! Subscriptions (R-ORD-4…7): the subscriptions the caller may see, one with its history, and
//! each change to one (If-Match with `"b<version>"`; every change accepts `Idempotency-Key`).
//! Orders, which create them, are `api/orders.rs`.

use crate::api::respond::changed_tagged;
use crate::api::views::listed;
use crate::api::views::subscription_body;
use crate::api::{ApiQuery, idempotency_key};
use crate::extract::{ApiCtx, ApiJson, Paging, encode_cursor, if_match, non_empty};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use keiro_api_types::{
    SetAutoRenew, SetPartnerRef, SetQuantity, Subscription, SubscriptionHistory,
    SubscriptionHistoryEntry, SubscriptionList, Suspension,
};
use keiro_app::idempotency::Outcome;
use keiro_app::subscriptions::{Request, SubscriptionView};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubscriptionParams {
    /// Partners: only this customer's. Customers: their own id (or leave it out).
    #[param(min_length = 1)]
    pub customer: Option<String>,
    /// active, suspended, cancelled or expired.
    #[param(min_length = 1)]
    pub state: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

async fn list_for(
    s: &AppState,
    ctx: &keiro_app::Ctx,
    customer: Option<&str>,
    state: Option<String>,
    limit: Option<&str>,
    cursor: Option<&str>,
) -> ApiResult<Json<SubscriptionList>> {
    let p = Paging::parse(limit, cursor)?;
    let state = non_empty("state", state)?;
    let page = keiro_app::subscriptions::list(
        &s.app,
        ctx,
        customer,
        state.as_deref(),
        p.cursor.as_deref(),
        p.limit,
    )
    .await?;
    let (items, next_cursor) = listed(page, subscription_body);
    Ok(Json(SubscriptionList { items, next_cursor }))
}

/// The subscriptions the caller may see: a customer's own; for a partner, those it sold, is
/// attributed or supports (R-ORD-6).
#[utoipa::path(operation_id = "list_subscriptions", get, path = "/v1/subscriptions", tag = "orders", security(("bearer" = [])), params(SubscriptionParams),
    responses((status = 200, body = SubscriptionList)))]
pub async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<SubscriptionParams>,
) -> ApiResult<Json<SubscriptionList>> {
    let customer = non_empty("customer", q.customer)?;
    list_for(
        &s,
        &ctx,
        customer.as_deref(),
        q.state,
        q.limit.as_deref(),
        q.cursor.as_deref(),
    )
    .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerSubscriptionParams {
    /// active, suspended, cancelled or expired.
    #[param(min_length = 1)]
    pub state: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

/// One customer's subscriptions, as far as the caller may see them.
#[utoipa::path(operation_id = "list_customer_subscriptions", get, path = "/v1/customers/{id}/subscriptions", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path), CustomerSubscriptionParams), responses((status = 200, body = SubscriptionList)))]
pub async fn list_for_customer(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<CustomerSubscriptionParams>,
) -> ApiResult<Json<SubscriptionList>> {
    list_for(
        &s,
        &ctx,
        Some(&id),
        q.state,
        q.limit.as_deref(),
        q.cursor.as_deref(),
    )
    .await
}

fn with_etag(o: Outcome<SubscriptionView>) -> Response {
    changed_tagged(o.replayed, 'b', o.value.version, subscription_body(o.value))
}

#[utoipa::path(operation_id = "get_subscription", get, path = "/v1/subscriptions/{id}", tag = "orders", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Subscription, headers(("ETag" = String)))))]
pub async fn get(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let v = keiro_app::subscriptions::get(&s.app, &ctx, &id).await?;
    Ok(with_etag(Outcome {
        value: v,
        replayed: false,
    }))
}

/// Every change of the subscription: what, when, by whom (R-ORD-6).
#[utoipa::path(operation_id = "list_subscription_history", get, path = "/v1/subscriptions/{id}/history", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path), crate::api::params::PageParams),
    responses((status = 200, body = SubscriptionHistory)))]
pub async fn history(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<crate::api::params::PageParams>,
) -> ApiResult<Json<SubscriptionHistory>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let page =
        keiro_app::subscriptions::history(&s.app, &ctx, &id, p.cursor.as_deref(), p.limit).await?;
    Ok(Json(SubscriptionHistory {
        next_cursor: page.next_cursor.as_deref().map(encode_cursor),
        items: page
            .items
            .into_iter()
            .map(|h| SubscriptionHistoryEntry {
                occurred_at: h.occurred_at,
                change: h.change,
                actor_org_id: h.actor_org_id,
                actor_user_id: h.actor_user_id,
                details: h.details,
            })
            .collect(),
    }))
}

async fn apply(
    s: &AppState,
    ctx: &keiro_app::Ctx,
    id: &str,
    headers: &HeaderMap,
    req: Request,
) -> ApiResult<Response> {
    let version = if_match(headers, 'b')?;
    let key = idempotency_key(headers)?;
    let o = keiro_app::subscriptions::change(&s.app, ctx, id, req, version, key.as_deref()).await?;
    Ok(with_etag(o))
}

/// Changes the license count within the offer's bounds (active subscriptions only).
#[utoipa::path(put, path = "/v1/subscriptions/{id}/quantity", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"b[0-9]+")$"#),
        ("Idempotency-Key" = Option<String>, Header, nullable = false)),
    request_body = SetQuantity,
    responses((status = 200, body = Subscription, headers(("ETag" = String))), (status = 409, description = "Not possible in the subscription's state"), (status = 412, description = "Changed since read")))]
pub async fn set_quantity(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<SetQuantity>,
) -> ApiResult<Response> {
    apply(
        &s,
        &ctx,
        &id,
        &headers,
        Request::Quantity {
            quantity: b.quantity,
        },
    )
    .await
}

/// Turns auto-renew on or off (for a trial: conversion to paid at its end).
#[utoipa::path(put, path = "/v1/subscriptions/{id}/autorenew", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"b[0-9]+")$"#),
        ("Idempotency-Key" = Option<String>, Header, nullable = false)),
    request_body = SetAutoRenew,
    responses((status = 200, body = Subscription, headers(("ETag" = String))), (status = 409, description = "Not possible in the subscription's state"), (status = 412, description = "Changed since read")))]
pub async fn set_auto_renew(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<SetAutoRenew>,
) -> ApiResult<Response> {
    apply(
        &s,
        &ctx,
        &id,
        &headers,
        Request::AutoRenew {
            auto_renew: b.auto_renew,
        },
    )
    .await
}

/// Suspends for a reason (several may hold at once).
#[utoipa::path(operation_id = "suspend_subscription", post, path = "/v1/subscriptions/{id}/suspend", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"b[0-9]+")$"#),
        ("Idempotency-Key" = Option<String>, Header, nullable = false)),
    request_body = Suspension,
    responses((status = 200, body = Subscription, headers(("ETag" = String))), (status = 409, description = "Not possible in the subscription's state"), (status = 412, description = "Changed since read")))]
pub async fn suspend(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<Suspension>,
) -> ApiResult<Response> {
    apply(
        &s,
        &ctx,
        &id,
        &headers,
        Request::Suspend {
            reason: b.reason.code().to_string(),
        },
    )
    .await
}

/// Lifts one suspension reason; active again when none is left.
#[utoipa::path(operation_id = "resume_subscription", post, path = "/v1/subscriptions/{id}/resume", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"b[0-9]+")$"#),
        ("Idempotency-Key" = Option<String>, Header, nullable = false)),
    request_body = Suspension,
    responses((status = 200, body = Subscription, headers(("ETag" = String))), (status = 409, description = "Not suspended for that reason"), (status = 412, description = "Changed since read")))]
pub async fn resume(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<Suspension>,
) -> ApiResult<Response> {
    apply(
        &s,
        &ctx,
        &id,
        &headers,
        Request::Resume {
            reason: b.reason.code().to_string(),
        },
    )
    .await
}

/// Cancels (final).
#[utoipa::path(operation_id = "cancel_subscription", post, path = "/v1/subscriptions/{id}/cancel", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"b[0-9]+")$"#),
        ("Idempotency-Key" = Option<String>, Header, nullable = false)),
    responses((status = 200, body = Subscription, headers(("ETag" = String))), (status = 400, description = "Malformed If-Match"), (status = 409, description = "Already cancelled or expired"), (status = 412, description = "Changed since read")))]
pub async fn cancel(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    apply(&s, &ctx, &id, &headers, Request::Cancel).await
}

/// Converts a trial to a paid subscription now.
#[utoipa::path(operation_id = "convert_trial", post, path = "/v1/subscriptions/{id}/convert", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"b[0-9]+")$"#),
        ("Idempotency-Key" = Option<String>, Header, nullable = false)),
    responses((status = 200, body = Subscription, headers(("ETag" = String))), (status = 400, description = "Malformed If-Match"), (status = 409, description = "Not an active trial"), (status = 412, description = "Changed since read")))]
pub async fn convert(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    apply(&s, &ctx, &id, &headers, Request::ConvertTrial).await
}

/// Sets or changes the reseller the subscription is attributed to, by partner ID (one of the
/// seller's indirect resellers), or removes it with null (R-ORD-4).
#[utoipa::path(put, path = "/v1/subscriptions/{id}/reseller", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"b[0-9]+")$"#),
        ("Idempotency-Key" = Option<String>, Header, nullable = false)),
    request_body = SetPartnerRef,
    responses((status = 200, body = Subscription, headers(("ETag" = String))), (status = 409, description = "Unchanged, or the subscription has ended"), (status = 412, description = "Changed since read")))]
pub async fn set_reseller(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<SetPartnerRef>,
) -> ApiResult<Response> {
    apply(
        &s,
        &ctx,
        &id,
        &headers,
        Request::Reseller {
            partner_id: b.partner_id,
        },
    )
    .await
}

/// Makes one of the seller's indirect resellers (by partner ID) the designated support contact,
/// or the seller itself again with null (R-ORD-5).
#[utoipa::path(put, path = "/v1/subscriptions/{id}/supportcontact", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"b[0-9]+")$"#),
        ("Idempotency-Key" = Option<String>, Header, nullable = false)),
    request_body = SetPartnerRef,
    responses((status = 200, body = Subscription, headers(("ETag" = String))), (status = 409, description = "Unchanged, or the subscription has ended"), (status = 412, description = "Changed since read")))]
pub async fn set_support_contact(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<SetPartnerRef>,
) -> ApiResult<Response> {
    apply(
        &s,
        &ctx,
        &id,
        &headers,
        Request::SupportContact {
            partner_id: b.partner_id,
        },
    )
    .await
}

/// The customer's global admin names the subscription advisor that is the subscription's
/// partner of record, by partner ID (an approved, advisor-authorized partner), or clears it
/// with null (R-ADV-5). The old and the new partner of record are told.
#[utoipa::path(put, operation_id = "set_partner_of_record", path = "/v1/subscriptions/{id}/partnerofrecord", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"b[0-9]+")$"#)),
    request_body = SetPartnerRef,
    responses((status = 200, body = Subscription, headers(("ETag" = String))), (status = 403, body = keiro_api_types::Problem), (status = 404, body = keiro_api_types::Problem), (status = 409, description = "Unchanged, or the subscription has ended"), (status = 412, description = "Changed since read"), (status = 422, body = keiro_api_types::Problem)))]
pub async fn set_partner_of_record(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<SetPartnerRef>,
) -> ApiResult<Response> {
    let version = crate::extract::if_match(&headers, 'b')?;
    let v = keiro_app::partner_of_record::set(&s.app, &ctx, &id, b.partner_id.as_deref(), version)
        .await?;
    Ok(with_etag(Outcome {
        value: v,
        replayed: false,
    }))
}
