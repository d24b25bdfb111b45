//! Entering a product key (プロダクト キー, R-ADV-4): a customer's global or billing admin (or
//! its delegated admin partner, with `?customer=`) types a key, sees what it sets up and who
//! becomes partner of record, accepts the key's delegated admin offer or not, and confirms.
//! Every refusal reads in the user's language; the rules are in keiro-app.

use super::{Base, PageResult, Portal, SignedForm, no_store, render, t, t_args};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use keiro_app::AppError;
use keiro_app::product_keys::{self as keys, KeyPreview};
use keiro_domain::Language;
use keiro_domain::display::money;
use keiro_domain::invitation::InvitationKind;
use serde::Deserialize;

/// What a checked key sets up, as the page says it.
pub struct Facts {
    pub offer: String,
    pub licenses: i64,
    pub term: String,
    pub price: String,
    pub por: String,
    pub dap_grants: Vec<String>,
}

#[derive(Template)]
#[template(path = "product_keys/redeem.html")]
pub struct RedeemPage {
    pub b: Base,
    pub customer_id: String,
    /// What was typed (kept on the page until the key is confirmed).
    pub key: String,
    pub facts: Option<Facts>,
    pub idem: String,
}

#[derive(Deserialize)]
pub struct PageQuery {
    customer: Option<String>,
}

/// The customer a key is entered for: the one named (a partner for a customer it
/// administers), else the user's own organization. Signed-in users only.
fn customer_of(p: &Portal, given: Option<&str>) -> Result<String, axum::response::Response> {
    let me = p.user()?;
    Ok(given
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| me.org.id.clone()))
}

pub async fn page(State(_s): State<AppState>, p: Portal, Query(q): Query<PageQuery>) -> PageResult {
    let customer_id = customer_of(&p, q.customer.as_deref())?;
    show(&p, customer_id, String::new(), None, StatusCode::OK, None)
}

fn show(
    p: &Portal,
    customer_id: String,
    key: String,
    facts: Option<Facts>,
    status: StatusCode,
    error: Option<String>,
) -> PageResult {
    let mut b = p.base("keys-redeem-title");
    b.error = error;
    let page = RedeemPage {
        b,
        customer_id,
        key,
        facts,
        idem: super::form::idem(),
    };
    Ok((status, no_store(render(&page))).into_response())
}

fn facts(p: &Portal, v: KeyPreview) -> Facts {
    Facts {
        offer: match p.lang {
            Language::Ja => v.offer_name_ja,
            Language::En => v.offer_name_en,
        },
        licenses: v.licenses,
        term: t_args(
            p.lang,
            "offer-term",
            &[("months", v.term_months.to_string())],
        ),
        price: format!(
            "{} / {}",
            money(v.unit_price_minor, &v.currency),
            t(p.lang, &format!("cycle-{}", v.billing_cycle))
        ),
        por: match v.advisor_partner_id {
            Some(id) => format!("{} ({id})", v.advisor_name),
            None => v.advisor_name,
        },
        dap_grants: if v.delegated_admin_offer {
            InvitationKind::DelegatedAdmin
                .grants()
                .iter()
                .map(|g| t(p.lang, &format!("invite-grant-{g}")))
                .collect()
        } else {
            vec![]
        },
    }
}

#[derive(Deserialize)]
pub struct KeyForm {
    #[serde(default)]
    customer_id: String,
    #[serde(default)]
    key: String,
    delegated_admin: Option<String>,
    #[serde(default)]
    idem: String,
}

/// The error a refusal shows on the page, or the error page for anything else.
fn refusal(p: &Portal, f: KeyForm, e: AppError) -> PageResult {
    match e {
        e @ (AppError::Validation(_)
        | AppError::Conflict { .. }
        | AppError::Forbidden { .. }
        | AppError::RateLimited { .. }) => {
            let status = crate::problem::status_of(&e);
            show(
                p,
                f.customer_id,
                f.key,
                None,
                status,
                Some(p.message_for(&e)),
            )
        }
        e => Err(p.app_error(e)),
    }
}

/// Step one: what the key sets up (nothing is changed yet).
pub async fn check(State(s): State<AppState>, SignedForm(p, f): SignedForm<KeyForm>) -> PageResult {
    let customer_id = customer_of(&p, Some(&f.customer_id))?;
    match keys::check(&s.app, &p.ctx(), &customer_id, &f.key).await {
        Ok(v) => {
            let facts = facts(&p, v);
            show(&p, customer_id, f.key, Some(facts), StatusCode::OK, None)
        }
        Err(e) => refusal(&p, f, e),
    }
}

/// Step two: confirmed, the key is redeemed.
pub async fn redeem(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<KeyForm>,
) -> PageResult {
    let customer_id = customer_of(&p, Some(&f.customer_id))?;
    let dap = f.delegated_admin.as_deref() == Some("yes");
    let idem = Some(f.idem.as_str()).filter(|k| !k.is_empty());
    match keys::redeem(&s.app, &p.ctx(), &customer_id, &f.key, dap, idem).await {
        Ok(o) => Ok(Redirect::to(&format!(
            "/subscriptions/{}?done=key_redeemed",
            o.value.subscription.id
        ))
        .into_response()),
        Err(e) => refusal(&p, f, e),
    }
}
