//! A new purchase offer (購入プラン, R-ADV-3): the offers sold in the chosen country, each with
//! a box to include it and its suggested license count, the link's expiry and the delegated
//! admin option; its link and draft email are shown once. Revoking and extending are the
//! overview's, as for trial invitations.

use super::{ExtendForm, extend_link, revoke_link};
use crate::portal::{Base, PageResult, Portal, SignedForm, no_store, render, t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use keiro_app::AppError;
use keiro_app::advisor_sales::{offerable, why_not_tools};
use keiro_app::purchase_offers::{self as offers, OfferLine, PurchaseInput};
use keiro_domain::Language;
use keiro_domain::display::money;
use keiro_domain::invitation::InvitationKind;
use serde::Deserialize;
use std::collections::HashMap;

/// An offer the advisor may include.
pub struct Choice {
    pub id: String,
    pub name: String,
    pub price: String,
    pub min: i64,
    pub max: i64,
    pub quantity: i64,
    pub chosen: bool,
    /// An add-on: the name of the offer it needs.
    pub addon_of: Option<String>,
}

#[derive(Template)]
#[template(path = "advisors/new_offer.html")]
pub struct NewOfferPage {
    pub b: Base,
    pub tools_reason: Option<String>,
    pub dap_reason: Option<String>,
    pub country: String,
    pub q: String,
    pub choices: Vec<Choice>,
    pub expires_in_days: String,
    pub dap: bool,
    pub idem: String,
}

#[derive(Deserialize)]
pub struct NewOfferQuery {
    country: Option<String>,
    q: Option<String>,
}

pub async fn new_offer(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<NewOfferQuery>,
) -> PageResult {
    let country = q
        .country
        .filter(|c| c.len() == 2)
        .unwrap_or_else(|| "JP".into());
    let form = OfferForm {
        country,
        q: q.q.unwrap_or_default(),
        ..OfferForm::default()
    };
    page(&s, &p, &form, StatusCode::OK, None).await
}

async fn page(
    s: &AppState,
    p: &Portal,
    f: &OfferForm,
    status: StatusCode,
    error: Option<String>,
) -> PageResult {
    let me = p.user()?;
    me.require(keiro_domain::Action::UseAdvisorTools, "page")
        .map_err(|e| p.app_error(e))?;
    let tools_reason = why_not_tools(me).map(|e| p.message_for(&e));
    let dap_reason = keiro_domain::advisor::may_offer_delegated_admin(&me.org.authorizations)
        .err()
        .map(|r| t(p.lang, &format!("error-{}", r.code())));
    let chosen: HashMap<String, i64> = f
        .chosen()
        .into_iter()
        .map(|l| (l.offer_id, l.quantity))
        .collect();
    let typed: HashMap<&str, &str> = f
        .line
        .iter()
        .map(String::as_str)
        .zip(f.quantity.iter().map(String::as_str))
        .collect();
    let list = if tools_reason.is_none() {
        offerable(&s.app, &p.ctx(), &f.country, Some(&f.q))
            .await
            .map_err(|e| p.app_error(e))?
    } else {
        vec![]
    };
    let name = |o: &keiro_store::entities::offer::Model| match p.lang {
        Language::Ja => o.name_ja.clone(),
        Language::En => o.name_en.clone(),
    };
    let names: HashMap<String, String> = list.iter().map(|o| (o.id.clone(), name(o))).collect();
    let choices = list
        .iter()
        .map(|o| Choice {
            id: o.id.clone(),
            name: name(o),
            price: format!(
                "{} / {}",
                money(o.unit_price_minor, &o.currency),
                t(p.lang, &format!("cycle-{}", o.billing_cycle))
            ),
            min: o.min_quantity,
            max: o.max_quantity,
            quantity: typed
                .get(o.id.as_str())
                .and_then(|q| q.trim().parse().ok())
                .unwrap_or(o.min_quantity.max(1)),
            chosen: chosen.contains_key(&o.id),
            addon_of: o
                .prerequisite_offer_id
                .as_ref()
                .map(|pre| names.get(pre).cloned().unwrap_or_else(|| pre.clone())),
        })
        .collect();
    let mut b = p.base("advisor-new-offer-title");
    b.error = error;
    let page = NewOfferPage {
        b,
        tools_reason,
        dap_reason,
        country: f.country.clone(),
        q: f.q.clone(),
        choices,
        expires_in_days: if f.expires_in_days.is_empty() {
            "30".into()
        } else {
            f.expires_in_days.clone()
        },
        dap: f.delegated_admin.as_deref() == Some("yes"),
        idem: crate::portal::form::idem(),
    };
    Ok((status, no_store(render(&page))).into_response())
}

/// The new purchase offer form: every row sends its `line` (offer id) and `quantity`, in the
/// same order; a ticked row also sends `offer`.
#[derive(Deserialize, Default)]
pub struct OfferForm {
    #[serde(default)]
    country: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    line: Vec<String>,
    #[serde(default)]
    quantity: Vec<String>,
    #[serde(default)]
    offer: Vec<String>,
    #[serde(default)]
    expires_in_days: String,
    delegated_admin: Option<String>,
    #[serde(default)]
    idem: String,
}

impl OfferForm {
    fn chosen(&self) -> Vec<OfferLine> {
        crate::portal::form::ticked_lines(&self.line, &self.quantity, &self.offer)
    }
}

/// Creates the purchase offer and shows its link and draft email, once.
pub async fn create_offer(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<OfferForm>,
) -> PageResult {
    let days = match f.expires_in_days.trim() {
        "" => None,
        d => Some(d.parse::<i64>().unwrap_or(0)),
    };
    let input = PurchaseInput {
        lines: f.chosen(),
        country: f.country.clone(),
        delegated_admin: f.delegated_admin.as_deref() == Some("yes"),
        expires_in_days: days,
    };
    let idem = Some(f.idem.as_str()).filter(|k| !k.is_empty());
    match offers::create(&s.app, &p.ctx(), input, Some(p.lang), idem, None).await {
        Ok(r) if r.replayed => Ok(Redirect::to("/advisor").into_response()),
        Ok(r) => crate::portal::draft::draft_page(&p, Ok(r), "/advisor"),
        Err(e @ (AppError::Validation(_) | AppError::Forbidden { .. })) => {
            let status = crate::problem::status_of(&e);
            page(&s, &p, &f, status, Some(p.message_for(&e))).await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

pub async fn revoke_offer(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, crate::portal::NoFields {}): SignedForm<crate::portal::NoFields>,
) -> PageResult {
    revoke_link(&s, &p, &id).await
}

pub async fn extend_offer(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<ExtendForm>,
) -> PageResult {
    extend_link(&s, &p, InvitationKind::PurchaseOffer, &id, &f).await
}
