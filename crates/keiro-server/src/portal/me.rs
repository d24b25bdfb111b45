//! `/account`: the signed-in user's own page (app `me` and `tokens`): language and time zone,
//! API tokens (the secret shown once), the second factor's state.

use super::{Base, DoneQuery, NoFields, PageResult, Portal, SignedForm, render, safe_next, t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use axum_extra::extract::{Form, FormRejection};
use keiro_app::AppError;
use serde::Deserialize;

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub expires: String,
    pub last_used: String,
    pub status: String,
    pub live: bool,
}

#[derive(Template)]
#[template(path = "me/account.html")]
pub struct AccountPage {
    pub b: Base,
    pub email: String,
    pub full_name: String,
    pub language: String,
    /// The zone the user chose ("" for the default), the zones offered, and the one in use.
    pub time_zone: String,
    pub zones: Vec<&'static str>,
    pub zone_now: String,
    pub roles: Vec<String>,
    pub tokens: Vec<TokenRow>,
    pub new_secret: Option<String>,
    pub token_error: Option<String>,
}

async fn account_page(
    s: &AppState,
    p: &Portal,
    new_secret: Option<String>,
    token_error: Option<String>,
    notice: Option<String>,
) -> PageResult {
    let u = p.user()?;
    let tokens = keiro_app::tokens::list(&s.app, &p.ctx(), None, 100)
        .await
        .map_err(|e| p.app_error(e))?;
    let now = s.app.now();
    let mut b = p.base("account-title");
    b.notice = notice;
    let status = if token_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = AccountPage {
        email: u.user.email.clone(),
        full_name: u.user.full_name.clone(),
        language: u.user.language.clone().unwrap_or_default(),
        time_zone: u.user.time_zone.clone().unwrap_or_default(),
        zones: keiro_domain::display::Zone::OFFERED
            .into_iter()
            .chain(u.user.time_zone.as_deref().and_then(|z| {
                keiro_domain::display::Zone::OFFERED
                    .iter()
                    .all(|o| o != &z)
                    .then(|| keiro_domain::display::Zone::parse(z).map(|z| z.name()))
                    .flatten()
            }))
            .collect(),
        zone_now: p.zone.name().to_string(),
        roles: u
            .actor
            .roles
            .iter()
            .map(|r| t(p.lang, &format!("role-{}", r.code())))
            .collect(),
        tokens: tokens
            .items
            .into_iter()
            .map(|tk| {
                let (status, live) = if tk.revoked_at.is_some() {
                    (t(p.lang, "tokens-revoked"), false)
                } else if tk.expires_at <= now {
                    (t(p.lang, "tokens-expired"), false)
                } else {
                    (t(p.lang, "tokens-active"), true)
                };
                TokenRow {
                    id: tk.id,
                    name: tk.name,
                    prefix: tk.prefix,
                    created: p.time(tk.created_at),
                    expires: p.time(tk.expires_at),
                    last_used: tk
                        .last_used_at
                        .map(|t| p.time(t))
                        .unwrap_or_else(|| "—".into()),
                    status,
                    live,
                }
            })
            .collect(),
        new_secret,
        token_error,
        b,
    };
    let mut res = (status, render(&page)).into_response();
    // The page may carry a secret shown once: never cache it.
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

pub async fn account(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let notice = match q.done.as_deref() {
        Some("saved") => Some(t(p.lang, "account-saved")),
        Some("revoked") => Some(t(p.lang, "tokens-revoked-done")),
        _ => None,
    };
    account_page(&s, &p, None, None, notice).await
}

#[derive(Deserialize)]
pub struct PreferencesForm {
    #[serde(default)]
    csrf: String,
    full_name: Option<String>,
    language: Option<String>,
    time_zone: Option<String>,
    /// Where to go afterwards (the language switch in the header posts here too).
    next: Option<String>,
}

pub async fn save_preferences(
    State(s): State<AppState>,
    p: Portal,
    f: Result<Form<PreferencesForm>, FormRejection>,
) -> PageResult {
    let f = p.form(f)?;
    p.user_allowing_temporary()?;
    p.check_csrf(&f.csrf)?;
    // "auto" clears a choice (an empty field reads as absent: unchanged).
    let language = choice(f.language.as_deref());
    let time_zone = choice(f.time_zone.as_deref());
    let prefs = keiro_app::me::Preferences {
        full_name: f.full_name.as_deref(),
        language,
        time_zone,
    };
    keiro_app::me::update(&s.app, &p.ctx(), prefs, None)
        .await
        .map_err(|e| p.app_error(e))?;
    let to = match f.next.as_deref() {
        Some(n) => safe_next(Some(n)),
        None => "/account?done=saved".to_string(),
    };
    Ok(Redirect::to(&to).into_response())
}

/// A preference from a form: "auto" clears the choice; an empty field is absent (unchanged).
fn choice(v: Option<&str>) -> Option<Option<&str>> {
    v.map(|v| if v == "auto" { None } else { Some(v) })
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
    days: Option<String>,
}

pub async fn create_token(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<TokenForm>,
) -> PageResult {
    let days = match f.days.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => match d.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                return account_page(&s, &p, None, Some(t(p.lang, "error-invalid_expiry")), None)
                    .await;
            }
        },
    };
    let req = keiro_app::tokens::NewToken {
        name: &f.name,
        expires_in_days: days,
    };
    match keiro_app::tokens::create(&s.app, &p.ctx(), req, None).await {
        Ok(c) => account_page(&s, &p, c.secret, None, None).await,
        Err(e @ AppError::Validation(_)) => {
            account_page(&s, &p, None, Some(p.message_for(&e)), None).await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

pub async fn revoke_token(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, NoFields {}): SignedForm<NoFields>,
) -> PageResult {
    keiro_app::tokens::revoke(&s.app, &p.ctx(), &id)
        .await
        .map_err(|e| p.app_error(e))?;
    Ok(Redirect::to("/account?done=revoked").into_response())
}
