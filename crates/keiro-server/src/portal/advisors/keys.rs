//! The advisor's product keys on its overview page (R-ADV-4): ordering keys for an offer (the
//! keys are shown once, with the CSV download of the unused ones), revoking an unused key, and
//! the export.

use super::overview_page;
use crate::portal::{Base, PageResult, Portal, SignedForm, no_store, render, t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use keiro_app::AppError;
use keiro_app::product_keys::{self as keys, KeyView, OrderInput};
use keiro_domain::Language;
use serde::Deserialize;

/// A key as a row of the overview: its last five characters only.
pub struct KeyRow {
    pub id: String,
    pub last5: String,
    pub offer: String,
    pub licenses: i64,
    pub state_code: &'static str,
    pub state: String,
    pub expires: String,
    pub redeemed: String,
}

pub(super) async fn rows(
    s: &AppState,
    p: &Portal,
) -> Result<Vec<KeyRow>, axum::response::Response> {
    let list: Vec<KeyView> = keys::list(&s.app, &p.ctx(), None, None, None, 100)
        .await
        .map_err(|e| p.app_error(e))?
        .items;
    let names = keiro_app::advisor_sales::offer_names(
        &s.app,
        list.iter().map(|k| k.offer_id.clone()).collect(),
    )
    .await
    .map_err(|e| p.app_error(e))?;
    Ok(list
        .into_iter()
        .map(|k| KeyRow {
            offer: names
                .get(&k.offer_id)
                .map(|(en, ja)| match p.lang {
                    Language::Ja => ja.clone(),
                    Language::En => en.clone(),
                })
                .unwrap_or_default(),
            licenses: k.licenses,
            last5: format!("•••••-•••••-•••••-•••••-{}", k.last5),
            state_code: k.state,
            state: t(p.lang, &format!("key-state-{}", k.state)),
            expires: p.date(k.expires_at),
            redeemed: match (k.redeemed_by, k.redeemed_at) {
                (Some(who), Some(at)) => format!("{who} ({})", p.time(at)),
                _ => String::new(),
            },
            id: k.id,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "advisors/keys_ordered.html")]
pub struct OrderedPage {
    pub b: Base,
    pub keys: Vec<String>,
    pub offer: String,
    pub licenses: i64,
    pub expires: String,
}

#[derive(Deserialize)]
pub struct KeysForm {
    offer_id: String,
    country: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    licenses: String,
    #[serde(default)]
    expires_in_days: String,
    delegated_admin: Option<String>,
    #[serde(default)]
    idem: String,
}

fn number(s: &str) -> Option<i64> {
    match s.trim() {
        "" => None,
        n => Some(n.parse().unwrap_or(0)),
    }
}

/// Orders keys and shows them, once (no-store).
pub async fn order_keys(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<KeysForm>,
) -> PageResult {
    let input = OrderInput {
        offer_id: f.offer_id,
        country: f.country.clone(),
        quantity: number(&f.quantity).unwrap_or(0),
        licenses: number(&f.licenses),
        delegated_admin: f.delegated_admin.as_deref() == Some("yes"),
        expires_in_days: number(&f.expires_in_days),
    };
    let idem = Some(f.idem.as_str()).filter(|k| !k.is_empty());
    match keys::order(&s.app, &p.ctx(), input, idem).await {
        Ok(o) if o.replayed => Ok(Redirect::to("/advisor#keys-h").into_response()),
        Ok(o) => {
            let v = o.value;
            let offer = keiro_app::advisor_sales::offer_names(&s.app, vec![v.offer_id.clone()])
                .await
                .map_err(|e| p.app_error(e))?
                .remove(&v.offer_id)
                .map(|(en, ja)| match p.lang {
                    Language::Ja => ja,
                    Language::En => en,
                })
                .unwrap_or_default();
            Ok(no_store(render(&OrderedPage {
                b: p.base("keys-ordered-title"),
                keys: v.keys,
                offer,
                licenses: v.licenses,
                expires: p.date(v.expires_at),
            })))
        }
        Err(e @ (AppError::Validation(_) | AppError::Forbidden { .. })) => {
            let status = crate::problem::status_of(&e);
            overview_page(&s, &p, &f.country, status, Some(p.message_for(&e)), None).await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

pub async fn revoke_key(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, crate::portal::NoFields {}): SignedForm<crate::portal::NoFields>,
) -> PageResult {
    match keys::revoke(&s.app, &p.ctx(), &id).await {
        Ok(()) => Ok(Redirect::to("/advisor?done=key_revoked").into_response()),
        Err(e @ AppError::Conflict { .. }) => {
            let status = crate::problem::status_of(&e);
            overview_page(&s, &p, "JP", status, Some(p.message_for(&e)), None).await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

/// The unused keys as a CSV download (audited).
pub async fn export_keys(State(s): State<AppState>, p: Portal) -> PageResult {
    p.user()?;
    let csv = keys::export_unused(&s.app, &p.ctx(), None)
        .await
        .map_err(|e| p.app_error(e))?;
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
