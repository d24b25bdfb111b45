//! Ordering (app `orders`): a customer's subscriptions page with its order form
//! (`/customers/{id}/subscriptions`, R-ORD-3) and the new-customer wizard for a reseller
//! ([`new_customer`], R-ORD-2). Every order form carries an idempotency key, so a double
//! submission buys once.

use super::catalog::{OfferRow, offer_row, offers_for};
use super::form::idem;
use super::paging::SearchQuery;
use super::subscriptions::{OrderForm, SubscriptionsPage, partnered_resellers, row};
use super::{Base, PageResult, Portal, SignedForm, no_store, render, t, t_args};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, FormRejection};
use keiro_app::AppError;
use keiro_app::orders::{Line, NewCustomerOrder};
use keiro_domain::Action;
use keiro_domain::display::money;
use serde::Deserialize;

mod new_customer;
pub use new_customer::*;

async fn customer_subscriptions_page(
    s: &AppState,
    p: &Portal,
    id: &str,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
    quantity: &str,
) -> PageResult {
    let ctx = p.ctx();
    let customer = keiro_app::relationships::customer(&s.app, &ctx, id)
        .await
        .map_err(|e| p.app_error(e))?;
    let page = keiro_app::subscriptions::list(&s.app, &ctx, Some(id), None, None, 200)
        .await
        .map_err(|e| p.app_error(e))?;
    let order_reason = p.reason(Action::PlaceOrders);
    let order_form = if order_reason.is_none() {
        let offers = offers_for(s, p, Some(id), None)
            .await
            .map_err(|e| p.app_error(e))?;
        Some(OrderForm {
            customer_id: id.to_string(),
            offers: offers.iter().map(|o| offer_row(p, o)).collect(),
            resellers: partnered_resellers(s, p).await,
            idem: idem(),
            quantity: quantity.to_string(),
        })
    } else {
        None
    };
    let mut b = p.base("subs-title");
    b.title = t_args(p.lang, "subs-of-customer", &[("name", customer.legal_name)]);
    b.error = error;
    b.notice = notice;
    Ok((
        status,
        render(&SubscriptionsPage {
            redeem_key: false,
            rows: page.items.iter().map(|v| row(p, v)).collect(),
            customer_id: Some(id.to_string()),
            order_form,
            order_reason,
            next: None,
            b,
        }),
    )
        .into_response())
}

/// A customer's subscriptions as the partner sees them, with "add subscription" (R-ORD-3).
pub async fn customer_subscriptions(
    State(s): State<AppState>,
    p: Portal,
    Path(id): Path<String>,
    Query(q): Query<SearchQuery>,
) -> PageResult {
    p.user()?;
    let notice = q
        .done
        .as_deref()
        .and_then(|d| super::i18n::try_t(p.lang, &format!("subs-done-{d}"), &[]));
    customer_subscriptions_page(&s, &p, &id, StatusCode::OK, None, notice, "1").await
}

#[derive(Deserialize)]
pub struct OrderFormBody {
    #[serde(default)]
    idem: String,
    offer_id: String,
    quantity: String,
    #[serde(default)]
    trial: Option<String>,
    #[serde(default)]
    reseller_partner_id: String,
}

/// Places the order of the "add subscription" form.
pub async fn order(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<OrderFormBody>,
) -> PageResult {
    let quantity = match keiro_domain::subscription::parse_quantity(&f.quantity) {
        Ok(q) => q,
        Err(e) => {
            let e = AppError::Validation(e);
            return customer_subscriptions_page(
                &s,
                &p,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(p.message_for(&e)),
                None,
                &f.quantity,
            )
            .await;
        }
    };
    let line = Line {
        offer_id: f.offer_id,
        quantity,
        trial: f.trial.is_some(),
        reseller_partner_id: Some(f.reseller_partner_id).filter(|r| !r.is_empty()),
    };
    let key = Some(f.idem.as_str()).filter(|k| !k.is_empty());
    match keiro_app::orders::place(&s.app, &p.ctx(), &id, vec![line], key).await {
        Ok(o) => {
            let sub = o
                .value
                .subscriptions
                .first()
                .map(|v| v.id.clone())
                .unwrap_or_default();
            Ok(Redirect::to(&format!("/subscriptions/{sub}?done=ordered")).into_response())
        }
        Err(
            e @ (AppError::Validation(_)
            | AppError::Forbidden { .. }
            | AppError::Conflict { .. }
            | AppError::IdempotencyKeyReused),
        ) => {
            let status = crate::problem::status_of(&e);
            customer_subscriptions_page(
                &s,
                &p,
                &id,
                status,
                Some(p.message_for(&e)),
                None,
                &f.quantity,
            )
            .await
        }
        Err(e) => Err(p.app_error(e)),
    }
}
