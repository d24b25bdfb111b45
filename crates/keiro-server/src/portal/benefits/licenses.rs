//! Redeeming a license benefit's key (ライセンスベースのサブスクリプション, R-BEN-5): a global
//! admin or membership admin chooses between adding the seats (the end date stays) and
//! extending the end date by 12 months, sees the resulting seats and end date, then confirms.
//! The key works once; the rules are in keiro-app.

use super::super::{Base, PageResult, Portal, SignedForm, no_store, render, t, t_args};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use keiro_app::AppError;
use keiro_app::benefits::{self as app, LicensePreview};
use keiro_domain::Language;
use keiro_domain::benefit::LicenseMode;
use serde::Deserialize;

/// What a checked key will do, as the page says it.
pub struct Facts {
    pub offer: String,
    pub key_seats: i64,
    /// The partner's subscription now ("5 seats, ending 2027/06/01"), if it has one.
    pub current: Option<String>,
    /// After redeeming.
    pub after: String,
    pub new_subscription: bool,
    pub under_a_year: bool,
    pub mode_label: String,
}

#[derive(Template)]
#[template(path = "benefits/redeem.html")]
pub struct RedeemPage {
    pub b: Base,
    pub key: String,
    /// (code, label, chosen)
    pub modes: Vec<(String, String, bool)>,
    pub mode: String,
    pub facts: Option<Facts>,
    pub idem: String,
}

fn modes(lang: Language, chosen: &str) -> Vec<(String, String, bool)> {
    LicenseMode::ALL
        .iter()
        .map(|m| {
            (
                m.code().to_string(),
                t(lang, &format!("benefits-mode-{}", m.code())),
                m.code() == chosen,
            )
        })
        .collect()
}

fn show(
    p: &Portal,
    key: String,
    mode: String,
    facts: Option<Facts>,
    status: StatusCode,
    error: Option<String>,
) -> PageResult {
    let mut b = p.base("benefits-redeem-title");
    b.error = error;
    let page = RedeemPage {
        b,
        modes: modes(p.lang, &mode),
        key,
        mode,
        facts,
        idem: super::super::form::idem(),
    };
    Ok((status, no_store(render(&page))).into_response())
}

#[derive(Deserialize)]
pub struct PageQuery {
    mode: Option<String>,
}

/// The key field, for a key the user has at hand.
pub async fn page(p: Portal, Query(q): Query<PageQuery>) -> PageResult {
    p.user()?;
    let mode = q.mode.unwrap_or_else(|| LicenseMode::Extend.code().into());
    show(&p, String::new(), mode, None, StatusCode::OK, None)
}

fn seats_until(p: &Portal, seats: i64, ends: time::OffsetDateTime) -> String {
    t_args(
        p.lang,
        "benefits-redeem-seats-until",
        &[("seats", seats.to_string()), ("ends", p.date(ends))],
    )
}

fn facts(p: &Portal, v: LicensePreview) -> Facts {
    Facts {
        offer: match p.lang {
            Language::Ja => v.offer_name_ja,
            Language::En => v.offer_name_en,
        },
        key_seats: v.key_seats,
        current: v
            .current_seats
            .zip(v.current_ends_at)
            .map(|(s, e)| seats_until(p, s, e)),
        after: seats_until(p, v.seats, v.ends_at),
        new_subscription: v.new_subscription,
        under_a_year: v.under_a_year,
        mode_label: t(p.lang, &format!("benefits-mode-{}", v.mode)),
    }
}

#[derive(Deserialize)]
pub struct LicenseForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    idem: String,
}

fn refusal(p: &Portal, f: LicenseForm, e: AppError) -> PageResult {
    match e {
        e @ (AppError::Validation(_)
        | AppError::Conflict { .. }
        | AppError::Forbidden { .. }
        | AppError::RateLimited { .. }) => {
            let status = crate::problem::status_of(&e);
            show(p, f.key, f.mode, None, status, Some(p.message_for(&e)))
        }
        e => Err(p.app_error(e)),
    }
}

/// Step one: what the key will do (nothing changes yet).
pub async fn check(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<LicenseForm>,
) -> PageResult {
    match app::check_license(&s.app, &p.ctx(), &f.key, &f.mode).await {
        Ok(v) => {
            let facts = facts(&p, v);
            show(&p, f.key, f.mode, Some(facts), StatusCode::OK, None)
        }
        Err(e) => refusal(&p, f, e),
    }
}

/// Step two: confirmed, the key is redeemed and the user lands on the subscription.
pub async fn redeem(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<LicenseForm>,
) -> PageResult {
    let idem = Some(f.idem.as_str()).filter(|k| !k.is_empty());
    match app::redeem_license(&s.app, &p.ctx(), &f.key, &f.mode, idem).await {
        Ok(o) => Ok(Redirect::to(&format!(
            "/subscriptions/{}?done=benefit_license_redeemed",
            o.value.subscription.id
        ))
        .into_response()),
        Err(e) => refusal(&p, f, e),
    }
}
