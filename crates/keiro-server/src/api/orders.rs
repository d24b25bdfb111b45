//! Orders (R-ORD-2, R-ORD-3, R-ORD-7): `POST /v1/customers/{id}/orders` for one of the caller's
//! customers, and a new customer with its first subscriptions for one of the caller's indirect
//! resellers. Both accept `Idempotency-Key` and buy nothing twice.

use crate::api::idempotency_key;
use crate::api::respond::created;
use crate::api::views::order_body;
use crate::extract::{ApiCtx, ApiJson};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use keiro_api_types::{CreateCustomerForReseller, CreateOrder, CustomerCreated, Order, OrderLine};
use keiro_app::orders::{Line, NewCustomerOrder};

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
        address_line2: b.address_line2,
        city: b.city,
        region: b.region,
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
