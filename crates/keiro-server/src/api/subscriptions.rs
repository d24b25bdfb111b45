//! Orders and subscriptions (R-ORD-2…7): `POST /v1/customers/{id}/orders`, a new customer for a
//! reseller, the subscriptions the caller may see, and each change to one (If-Match with
//! `"b<version>"`; every create and change accepts `Idempotency-Key`).

use crate::api::created;
use crate::api::{ApiQuery, idempotency_key};
use crate::extract::{ApiCtx, ApiJson, Paging, encode_cursor, etag, if_match, non_empty};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use keiro_api_types::{
    CreateCustomerForReseller, CreateOrder, CustomerCreated, Order, OrderLine, SetAutoRenew,
    SetPartnerRef, SetQuantity, Subscription, SubscriptionHistory, SubscriptionHistoryEntry,
    SubscriptionList, SubscriptionParty, Suspension, SuspensionReasonParam,
};
use keiro_app::idempotency::Outcome;
use keiro_app::orders::{Line, NewCustomerOrder, OrderView};
use keiro_app::subscriptions::{Party, Request, SubscriptionView};
use serde::Deserialize;

fn party(p: Party) -> SubscriptionParty {
    SubscriptionParty {
        id: p.org_id,
        legal_name: p.legal_name,
        partner_id: p.partner_id,
    }
}

pub fn subscription_body(v: SubscriptionView) -> Subscription {
    Subscription {
        id: v.id,
        customer: party(v.customer),
        offer_id: v.offer_id,
        sku: v.sku,
        offer_name_en: v.offer_name_en,
        offer_name_ja: v.offer_name_ja,
        billing_cycle: v.billing_cycle,
        unit_price_minor: v.unit_price_minor,
        currency: v.currency,
        min_quantity: v.min_quantity,
        max_quantity: v.max_quantity,
        order_id: v.order_id,
        seller: party(v.seller),
        reseller: v.reseller.map(party),
        support_contact: v.support_contact.map(party),
        quantity: v.quantity,
        state: v.state,
        suspension_reasons: v.suspension_reasons,
        auto_renew: v.auto_renew,
        trial: v.trial,
        term_started_at: v.term_started_at,
        term_ends_at: v.term_ends_at,
        ended_at: v.ended_at,
        created_at: v.created_at,
    }
}

fn order_body(v: OrderView) -> Order {
    Order {
        id: v.id,
        customer_id: v.customer_org_id,
        placed_by_org_id: v.placed_by_org_id,
        created_at: v.created_at,
        subscriptions: v.subscriptions.into_iter().map(subscription_body).collect(),
    }
}

fn lines(ls: Vec<OrderLine>) -> Vec<Line> {
    ls.into_iter()
        .map(|l| Line {
            offer_id: l.offer_id,
            quantity: l.quantity,
            trial: l.trial,
            reseller_partner_id: l.reseller_partner_id,
        })
        .collect()
}

/// Orders subscriptions for one of the caller's customers (R-ORD-3). Offers, quantities,
/// trials and add-on prerequisites are checked against the catalog; a line may be attributed
/// to a partnered reseller by partner ID. Retrying with the same Idempotency-Key returns the
/// first answer and buys nothing twice (R-ORD-7).
#[utoipa::path(post, path = "/v1/customers/{id}/orders", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, nullable = false)),
    request_body = CreateOrder,
    responses((status = 201, body = Order), (status = 200, description = "Replay of an earlier answer to the same Idempotency-Key", body = Order)))]
pub async fn create_order(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CreateOrder>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let o = keiro_app::orders::place(&s.app, &ctx, &id, lines(b.lines), key.as_deref()).await?;
    Ok(created(o.replayed, order_body(o.value)))
}

/// A new customer for one of the caller's indirect resellers, with its first subscriptions
/// (R-ORD-2): the customer, its first global admin (temporary password in this answer only),
/// both partners' reseller relationships, the reseller's delegated admin and the
/// subscriptions, in one transaction.
#[utoipa::path(operation_id = "create_reseller_customer", post, path = "/v1/indirectresellers/{id}/customers", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, nullable = false)),
    request_body = CreateCustomerForReseller,
    responses((status = 201, body = CustomerCreated), (status = 200, description = "Replay (no password)", body = CustomerCreated),
        (status = 409, description = "The admin's email is taken")))]
pub async fn create_customer(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CreateCustomerForReseller>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let n = NewCustomerOrder {
        reseller_org_id: id,
        legal_name: b.legal_name,
        primary_domain: b.primary_domain,
        address_line1: b.address_line1,
        city: b.city,
        postal_code: b.postal_code,
        country: b.country,
        phone: b.phone,
        contact_email: b.contact_email,
        admin_full_name: b.admin_full_name,
        admin_email: b.admin_email,
        lines: lines(b.lines),
    };
    let o = keiro_app::orders::create_customer(&s.app, &ctx, n, key.as_deref()).await?;
    let v = o.value;
    let mut r = created(
        o.replayed,
        CustomerCreated {
            customer_id: v.customer_org_id,
            legal_name: v.legal_name,
            admin_email: v.admin_email,
            temporary_password: v.temporary_password,
            order: order_body(v.order),
        },
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

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
    Ok(Json(SubscriptionList {
        items: page.items.into_iter().map(subscription_body).collect(),
        next_cursor: page.next_cursor.as_deref().map(encode_cursor),
    }))
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
    let tag = etag('b', o.value.version);
    let mut r = (StatusCode::OK, Json(subscription_body(o.value))).into_response();
    r.headers_mut().insert(header::ETAG, tag);
    if o.replayed {
        r.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    r
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
    params(("id" = String, Path), crate::api::relationships::PageParams),
    responses((status = 200, body = SubscriptionHistory)))]
pub async fn history(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<crate::api::relationships::PageParams>,
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

fn reason(r: SuspensionReasonParam) -> String {
    match r {
        SuspensionReasonParam::Billing => "billing",
        SuspensionReasonParam::Fraud => "fraud",
        SuspensionReasonParam::CustomerRequest => "customer_request",
        SuspensionReasonParam::PartnerRequest => "partner_request",
        SuspensionReasonParam::Compliance => "compliance",
    }
    .to_string()
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
            reason: reason(b.reason),
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
            reason: reason(b.reason),
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
