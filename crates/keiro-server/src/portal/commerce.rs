//! Portal pages for the catalog, orders and subscriptions (R-ORD-1…7): partners browse offers;
//! a customer's subscriptions with "add subscription"; one subscription with its changes and
//! history; the provider's new-customer wizard for a reseller; the customer's own subscriptions.
//! Every order and change form carries an idempotency key made when the page was rendered, so
//! a double click or a resent form buys or changes nothing twice.

use super::{Base, PageResult, Portal, SignedForm, no_store, render, t, t_args};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, FormRejection};
use keiro_app::AppError;
use keiro_app::catalog::{OfferFilter, OfferView};
use keiro_app::orders::{Line, NewCustomerOrder};
use keiro_app::subscriptions::{HistoryEntry, Request, SubscriptionView};
use keiro_domain::Action;
use keiro_domain::catalog::format_amount;
use keiro_domain::subscription::SuspensionReason;
use serde::Deserialize;

mod new_customer;
pub use new_customer::*;

fn idem() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// An offer as a choice in a form or a row in a list.
pub struct OfferRow {
    pub id: String,
    pub label: String,
    pub sku: String,
    pub price: String,
    pub cycle: String,
    pub term: String,
    pub bounds: String,
    pub trial: String,
    pub countries: String,
    pub state: String,
    pub addon: bool,
}

pub fn offer_row(p: &Portal, o: &OfferView) -> OfferRow {
    OfferRow {
        id: o.id.clone(),
        label: format!(
            "{} — {} / {}",
            o.name(p.lang),
            format_amount(o.unit_price_minor, &o.currency),
            t(p.lang, &format!("cycle-{}", o.billing_cycle))
        ),
        sku: o.sku.clone(),
        price: format_amount(o.unit_price_minor, &o.currency),
        cycle: t(p.lang, &format!("cycle-{}", o.billing_cycle)),
        term: t_args(
            p.lang,
            "offer-term",
            &[("months", o.term_months.to_string())],
        ),
        bounds: format!("{}–{}", o.min_quantity, o.max_quantity),
        trial: o
            .trial_days
            .map(|d| t_args(p.lang, "offer-trial-days", &[("days", d.to_string())]))
            .unwrap_or_default(),
        countries: o.countries.join(" "),
        state: t(p.lang, &format!("offer-state-{}", o.state)),
        addon: o.prerequisite_offer_id.is_some(),
    }
}

/// The available offers sold in a country (or a customer's), at most 200.
async fn offers_for(
    s: &AppState,
    p: &Portal,
    customer: Option<&str>,
    country: Option<&str>,
) -> Result<Vec<OfferView>, AppError> {
    Ok(keiro_app::catalog::list_offers(
        &s.app,
        &p.ctx(),
        OfferFilter {
            customer,
            country,
            state: Some(keiro_app::catalog::AVAILABLE),
            limit: 200,
            ..Default::default()
        },
    )
    .await?
    .items)
}

#[derive(Template)]
#[template(path = "catalog.html")]
pub struct CatalogPage {
    pub b: Base,
    pub rows: Vec<OfferRow>,
    pub q: String,
    pub country: String,
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub struct CatalogQuery {
    q: Option<String>,
    country: Option<String>,
    cursor: Option<String>,
}

/// Partners browse the available offers, by country and name (R-ORD-1).
pub async fn catalog(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<CatalogQuery>,
) -> PageResult {
    p.user()?;
    let country = q.country.clone().filter(|c| !c.trim().is_empty());
    let search = q.q.clone().filter(|c| !c.trim().is_empty());
    let page = keiro_app::catalog::list_offers(
        &s.app,
        &p.ctx(),
        OfferFilter {
            q: search.as_deref(),
            country: country.as_deref(),
            state: Some(keiro_app::catalog::AVAILABLE),
            cursor: q.cursor.as_deref().filter(|c| !c.is_empty()),
            limit: 50,
            ..Default::default()
        },
    )
    .await
    .map_err(|e| p.app_error(e))?;
    let next = page.next_cursor.map(|c| {
        let qs = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("q", search.as_deref().unwrap_or(""))
            .append_pair("country", country.as_deref().unwrap_or(""))
            .append_pair("cursor", &c)
            .finish();
        format!("/catalog?{qs}")
    });
    Ok(render(&CatalogPage {
        rows: page.items.iter().map(|o| offer_row(&p, o)).collect(),
        q: search.unwrap_or_default(),
        country: country.unwrap_or_default(),
        next,
        b: p.base("catalog-title"),
    }))
}

/// A subscription as a list row.
pub struct SubscriptionRow {
    pub id: String,
    pub offer: String,
    pub customer: String,
    pub quantity: i64,
    pub state: String,
    pub seller: String,
    pub reseller: String,
    pub ends: String,
    pub trial: bool,
}

fn when(t: time::OffsetDateTime) -> String {
    t.date().to_string()
}

fn row(p: &Portal, v: &SubscriptionView) -> SubscriptionRow {
    SubscriptionRow {
        id: v.id.clone(),
        offer: v.offer_name(p.lang).to_string(),
        customer: v.customer.legal_name.clone(),
        quantity: v.quantity,
        state: t(p.lang, &format!("sub-state-{}", v.state)),
        seller: v.seller.legal_name.clone(),
        reseller: v
            .reseller
            .as_ref()
            .map(|r| r.legal_name.clone())
            .unwrap_or_default(),
        ends: when(v.term_ends_at),
        trial: v.trial,
    }
}

/// The "add subscription" form of a customer's page.
pub struct OrderForm {
    pub customer_id: String,
    pub offers: Vec<OfferRow>,
    /// A provider's partnered resellers: (partner ID, name).
    pub resellers: Vec<(String, String)>,
    pub idem: String,
    pub quantity: String,
}

#[derive(Template)]
#[template(path = "subscriptions.html")]
pub struct SubscriptionsPage {
    pub b: Base,
    pub rows: Vec<SubscriptionRow>,
    pub customer_id: Option<String>,
    pub order_form: Option<OrderForm>,
    pub order_reason: Option<String>,
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
    done: Option<String>,
}

/// The subscriptions the user may see: a customer's own, a partner's sales (R-ORD-6).
pub async fn mine(State(s): State<AppState>, p: Portal, Query(q): Query<ListQuery>) -> PageResult {
    p.user()?;
    let page = keiro_app::subscriptions::list(
        &s.app,
        &p.ctx(),
        None,
        None,
        q.cursor.as_deref().filter(|c| !c.is_empty()),
        50,
    )
    .await
    .map_err(|e| p.app_error(e))?;
    Ok(render(&SubscriptionsPage {
        rows: page.items.iter().map(|v| row(&p, v)).collect(),
        customer_id: None,
        order_form: None,
        order_reason: None,
        next: page.next_cursor.map(|c| {
            format!(
                "/subscriptions?cursor={}",
                url::form_urlencoded::byte_serialize(c.as_bytes()).collect::<String>()
            )
        }),
        b: p.base("subs-title"),
    }))
}

/// The partner's resellers as (partner ID, name), for attribution and support contact.
async fn partnered_resellers(s: &AppState, p: &Portal) -> Vec<(String, String)> {
    keiro_app::partnerships::list(
        &s.app,
        &p.ctx(),
        keiro_app::partnerships::PartnerSide::Provider,
        None,
        None,
        200,
    )
    .await
    .map(|pg| {
        pg.items
            .into_iter()
            .filter_map(|r| r.partner_id.clone().map(|pid| (pid, r.legal_name.clone())))
            .collect()
    })
    .unwrap_or_default()
}

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
    Query(q): Query<ListQuery>,
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

pub struct HistoryRow {
    pub when: String,
    pub change: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "subscription.html")]
pub struct SubscriptionPage {
    pub b: Base,
    pub v: SubscriptionView,
    pub state: String,
    pub price: String,
    pub reasons: Vec<(String, String)>,
    pub all_reasons: Vec<(String, String)>,
    pub history: Vec<HistoryRow>,
    pub idem: String,
    /// Why the user cannot change it (greyed forms), if they cannot.
    pub manage_reason: Option<String>,
    pub is_final: bool,
    /// Sellers that are providers name a reseller and a support contact from their resellers.
    pub resellers: Vec<(String, String)>,
    pub reseller_pid: String,
    pub support_pid: String,
    pub is_seller: bool,
}

async fn subscription_page(
    s: &AppState,
    p: &Portal,
    id: &str,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> PageResult {
    let me = p.user()?;
    let ctx = p.ctx();
    let v = keiro_app::subscriptions::get(&s.app, &ctx, id)
        .await
        .map_err(|e| p.app_error(e))?;
    let history = keiro_app::subscriptions::history(&s.app, &ctx, id, None, 200)
        .await
        .map_err(|e| p.app_error(e))?
        .items;
    let is_seller = v.seller.org_id == me.org.id;
    let manage_reason = keiro_app::subscriptions::why_not_change(&s.app, &ctx, id)
        .await
        .map_err(|e| p.app_error(e))?
        .map(|e| p.message_for(&e));
    let resellers = if is_seller {
        partnered_resellers(s, p).await
    } else {
        Vec::new()
    };
    let mut b = p.base("sub-title");
    b.title = v.offer_name(p.lang).to_string();
    b.error = error;
    b.notice = notice;
    let page = SubscriptionPage {
        state: t(p.lang, &format!("sub-state-{}", v.state)),
        price: format_amount(v.unit_price_minor, &v.currency),
        reasons: v
            .suspension_reasons
            .iter()
            .map(|r| (r.clone(), t(p.lang, &format!("reason-{r}"))))
            .collect(),
        all_reasons: SuspensionReason::ALL
            .iter()
            .filter(|r| !v.suspension_reasons.iter().any(|x| x == r.code()))
            .map(|r| {
                (
                    r.code().to_string(),
                    t(p.lang, &format!("reason-{}", r.code())),
                )
            })
            .collect(),
        history: history
            .iter()
            .map(|h| HistoryRow {
                when: keiro_app::auth::fmt_time(h.occurred_at),
                change: t(p.lang, &format!("sub-change-{}", h.change)),
                by: actor_name(p, &v, h),
            })
            .collect(),
        idem: idem(),
        manage_reason,
        is_final: matches!(v.state.as_str(), "cancelled" | "expired"),
        resellers,
        reseller_pid: v
            .reseller
            .as_ref()
            .and_then(|r| r.partner_id.clone())
            .unwrap_or_default(),
        support_pid: v
            .support_contact
            .as_ref()
            .and_then(|r| r.partner_id.clone())
            .unwrap_or_default(),
        is_seller,
        v,
        b,
    };
    Ok((status, render(&page)).into_response())
}

/// Who made a history entry: the scheduler, or the party (customer, seller, reseller, support
/// contact) whose organization it was.
fn actor_name(p: &Portal, v: &SubscriptionView, h: &HistoryEntry) -> String {
    let Some(org) = h
        .actor_org_id
        .as_deref()
        .filter(|_| h.actor_user_id.is_some())
    else {
        return t(p.lang, "sub-by-system");
    };
    [
        Some(&v.customer),
        Some(&v.seller),
        v.reseller.as_ref(),
        v.support_contact.as_ref(),
    ]
    .into_iter()
    .flatten()
    .find(|party| party.org_id == org)
    .map(|party| party.legal_name.clone())
    .unwrap_or_default()
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

/// One subscription: its terms, parties, the changes the user may make, and its history.
pub async fn subscription(
    State(s): State<AppState>,
    p: Portal,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    p.user()?;
    let notice = q
        .done
        .as_deref()
        .and_then(|d| super::i18n::try_t(p.lang, &format!("subs-done-{d}"), &[]));
    subscription_page(&s, &p, &id, StatusCode::OK, None, notice).await
}

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    idem: String,
    version: i64,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    auto_renew: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    partner_id: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// One change from the subscription page: quantity, autorenew, suspend, resume, cancel,
/// convert, reseller or supportcontact. The page's version is the If-Match.
pub async fn change(
    State(s): State<AppState>,
    Path((id, what)): Path<(String, String)>,
    SignedForm(p, f): SignedForm<ChangeForm>,
) -> PageResult {
    let partner = Some(f.partner_id.clone()).filter(|x| !x.is_empty());
    let req = match what.as_str() {
        "quantity" => match keiro_domain::subscription::parse_quantity(&f.quantity) {
            Ok(q) => Request::Quantity { quantity: q },
            Err(e) => {
                let msg = p.message_for(&AppError::Validation(e));
                return subscription_page(
                    &s,
                    &p,
                    &id,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(msg),
                    None,
                )
                .await;
            }
        },
        "autorenew" => Request::AutoRenew {
            auto_renew: f.auto_renew == "on",
        },
        "suspend" => Request::Suspend {
            reason: f.reason.clone(),
        },
        "resume" => Request::Resume {
            reason: f.reason.clone(),
        },
        "cancel" => {
            if f.confirm.is_none() {
                let msg = t(p.lang, "error-confirm_required");
                return subscription_page(
                    &s,
                    &p,
                    &id,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(msg),
                    None,
                )
                .await;
            }
            Request::Cancel
        }
        "convert" => Request::ConvertTrial,
        "reseller" => Request::Reseller {
            partner_id: partner,
        },
        "supportcontact" => Request::SupportContact {
            partner_id: partner,
        },
        _ => return Err(p.error_page(StatusCode::NOT_FOUND, &t(p.lang, "error-not_found"))),
    };
    let key = Some(f.idem.as_str()).filter(|k| !k.is_empty());
    match keiro_app::subscriptions::change(&s.app, &p.ctx(), &id, req, Some(f.version), key).await {
        Ok(_) => Ok(Redirect::to(&format!("/subscriptions/{id}?done={what}")).into_response()),
        Err(
            e @ (AppError::Validation(_)
            | AppError::Forbidden { .. }
            | AppError::Conflict { .. }
            | AppError::PreconditionFailed
            | AppError::IdempotencyKeyReused),
        ) => {
            let status = crate::problem::status_of(&e);
            subscription_page(&s, &p, &id, status, Some(p.message_for(&e)), None).await
        }
        Err(e) => Err(p.app_error(e)),
    }
}
