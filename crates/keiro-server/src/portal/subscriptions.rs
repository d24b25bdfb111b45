//! `/subscriptions`: the subscriptions the user may see, one subscription with its history, and
//! each change its rights allow (app `subscriptions`, R-ORD-4…6); what it may not change is
//! greyed with the reason the app gives.

use super::catalog::OfferRow;
use super::form::idem;
use super::paging::SearchQuery;
use super::{Base, DoneQuery, PageResult, Portal, SignedForm, render, t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use keiro_app::AppError;
use keiro_app::subscriptions::{HistoryEntry, Request, SubscriptionView};
use keiro_domain::display::money;
use keiro_domain::subscription::SuspensionReason;
use serde::Deserialize;

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

pub(super) fn row(p: &Portal, v: &SubscriptionView) -> SubscriptionRow {
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
        ends: p.date(v.term_ends_at),
        trial: v.trial,
    }
}

#[derive(Template)]
#[template(path = "subscriptions/list.html")]
pub struct SubscriptionsPage {
    pub b: Base,
    pub rows: Vec<SubscriptionRow>,
    pub customer_id: Option<String>,
    pub order_form: Option<OrderForm>,
    pub order_reason: Option<String>,
    pub next: Option<String>,
    /// A customer's admin redeems product keys from here (R-ADV-4).
    pub redeem_key: bool,
}

/// The subscriptions the user may see: a customer's own, a partner's sales (R-ORD-6).
pub async fn mine(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<SearchQuery>,
) -> PageResult {
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
    let mut b = p.base("subs-title");
    b.notice = q
        .done
        .as_deref()
        .and_then(|d| super::i18n::try_t(p.lang, &format!("subs-done-{d}"), &[]));
    let redeem_key =
        keiro_app::advisor_sales::why_not_customer_admin(p.user()?, "product key").is_none();
    Ok(render(&SubscriptionsPage {
        redeem_key,
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
        b,
    }))
}

pub struct HistoryRow {
    pub when: String,
    pub change: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "subscriptions/one.html")]
pub struct SubscriptionPage {
    pub b: Base,
    pub v: SubscriptionView,
    pub state: String,
    pub price: String,
    /// The price times the licenses, per billing period.
    pub total: String,
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
    /// A customer's global admin names the partner of record (R-ADV-5); other customer users
    /// see why they cannot.
    pub por_form: bool,
    pub por_reason: Option<String>,
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
    let is_customer = me.actor.org_kind == keiro_domain::OrgKind::Customer;
    let is_final = matches!(v.state.as_str(), "cancelled" | "expired");
    let (por_form, por_reason) = if !is_customer || is_final {
        (false, None)
    } else {
        match me.require(keiro_domain::Action::SetPartnerOfRecord, "subscription") {
            Ok(()) => (true, None),
            Err(e) => (false, Some(p.message_for(&e))),
        }
    };
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
        price: money(v.unit_price_minor, &v.currency),
        total: money(v.unit_price_minor.saturating_mul(v.quantity), &v.currency),
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
                when: p.time(h.occurred_at),
                change: t(p.lang, &format!("sub-change-{}", h.change)),
                by: actor_name(p, &v, h),
            })
            .collect(),
        idem: idem(),
        manage_reason,
        is_final,
        por_form,
        por_reason,
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
        v.partner_of_record.as_ref(),
    ]
    .into_iter()
    .flatten()
    .find(|party| party.org_id == org)
    .map(|party| party.legal_name.clone())
    .unwrap_or_default()
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
    let partner = Some(f.partner_id.clone()).filter(|x| !x.trim().is_empty());
    if what == "partnerofrecord" {
        let r = keiro_app::partner_of_record::set(
            &s.app,
            &p.ctx(),
            &id,
            partner.as_deref(),
            Some(f.version),
        )
        .await;
        return outcome(&s, &p, &id, &what, r.map(|_| ())).await;
    }
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
    let r = keiro_app::subscriptions::change(&s.app, &p.ctx(), &id, req, Some(f.version), key)
        .await
        .map(|_| ());
    outcome(&s, &p, &id, &what, r).await
}

/// After a change: back to the page with its notice, or the page again with the refusal.
async fn outcome(
    s: &AppState,
    p: &Portal,
    id: &str,
    what: &str,
    r: Result<(), AppError>,
) -> PageResult {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/subscriptions/{id}?done={what}")).into_response()),
        Err(
            e @ (AppError::Validation(_)
            | AppError::Forbidden { .. }
            | AppError::Conflict { .. }
            | AppError::PreconditionFailed
            | AppError::IdempotencyKeyReused),
        ) => {
            let status = crate::problem::status_of(&e);
            subscription_page(s, p, id, status, Some(p.message_for(&e)), None).await
        }
        Err(e) => Err(p.app_error(e)),
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

/// The partner's resellers as (partner ID, name), for attribution and support contact.
pub(super) async fn partnered_resellers(s: &AppState, p: &Portal) -> Vec<(String, String)> {
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
