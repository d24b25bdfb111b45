//! Portal pages. Each handler: resolve who is asking (`Portal`), check the form token on posts,
//! call keiro-app, render or redirect (post/redirect/get).

use super::{
    Base, LANG_COOKIE, NoFields, PageResult, Portal, SignedForm, TokenField, render, safe_next,
    session_cookie, t,
};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use axum_extra::extract::{Form, FormRejection};
use keiro_app::AppError;
use keiro_domain::Language;
use keiro_store::entities::{audit_record, outbox_message};
use keiro_store::repo::audit::Filter;
use rust_embed::RustEmbed;
use serde::Deserialize;

fn fmt(t: time::OffsetDateTime) -> String {
    keiro_app::auth::fmt_time(t)
}

pub async fn home(p: Portal) -> Response {
    Redirect::to(if p.session.is_some() {
        "/dashboard"
    } else {
        "/signin"
    })
    .into_response()
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub b: Base,
    pub message: String,
}

#[derive(Template)]
#[template(path = "signin.html")]
pub struct SigninPage {
    pub b: Base,
    pub email: String,
    pub next: String,
}

#[derive(Deserialize)]
pub struct SigninQuery {
    next: Option<String>,
    done: Option<String>,
}

pub async fn signin_form(p: Portal, Query(q): Query<SigninQuery>) -> Response {
    if p.session.is_some() {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    let mut b = p.base("signin-title");
    if q.done.as_deref() == Some("signed_out") {
        b.notice = Some(t(p.lang, "signin-signed-out"));
    }
    render(&SigninPage {
        b,
        email: String::new(),
        next: q.next.unwrap_or_default(),
    })
}

#[derive(Deserialize)]
pub struct SigninForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn signin(
    State(s): State<AppState>,
    p: Portal,
    jar: CookieJar,
    f: Result<Form<SigninForm>, FormRejection>,
) -> PageResult {
    let f = p.form(f)?;
    match keiro_app::auth::sign_in(&s.app, &p.ctx(), &f.email, &f.password, &p.user_agent).await {
        Ok(new) => {
            let jar = jar.add(session_cookie(&s, new.token, false));
            let to = if new.user.user.mfa_enabled {
                let next =
                    url::form_urlencoded::byte_serialize(safe_next(Some(&f.next)).as_bytes())
                        .collect::<String>();
                format!("/signin/mfa?next={next}")
            } else if new.user.user.must_change_password {
                "/password/change".to_string()
            } else {
                safe_next(Some(&f.next))
            };
            Ok((jar, Redirect::to(&to)).into_response())
        }
        Err(e) => {
            let status = crate::problem::status_of(&e);
            let retry = match &e {
                AppError::RateLimited {
                    retry_after_secs, ..
                } => Some(*retry_after_secs),
                _ => None,
            };
            if matches!(e, AppError::Internal(_) | AppError::Unavailable(_)) {
                return Err(p.app_error(e));
            }
            let mut b = p.base("signin-title");
            b.error = Some(p.message_for(&e));
            let mut res = (
                status,
                render(&SigninPage {
                    b,
                    email: f.email,
                    next: f.next,
                }),
            )
                .into_response();
            if let Some(r) = retry {
                res.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(r));
            }
            Ok(res)
        }
    }
}

pub async fn signout(
    State(s): State<AppState>,
    p: Portal,
    jar: CookieJar,
    f: Result<Form<TokenField>, FormRejection>,
) -> PageResult {
    let f = p.form(f)?;
    let Some(sess) = &p.session else {
        return Ok(Redirect::to("/signin").into_response());
    };
    p.check_csrf(&f.csrf)?;
    keiro_app::auth::sign_out(&s.app, &p.ctx(), &sess.session_id)
        .await
        .map_err(|e| p.app_error(e))?;
    Ok((
        jar.add(session_cookie(&s, String::new(), true)),
        Redirect::to("/signin?done=signed_out"),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "password.html")]
pub struct PasswordPage {
    pub b: Base,
    pub forced: bool,
}

pub async fn password_form(p: Portal) -> PageResult {
    let u = p.user_allowing_temporary()?;
    render_password(&p, u.user.must_change_password, None, StatusCode::OK)
}

fn render_password(
    p: &Portal,
    forced: bool,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let mut b = p.base("pwchange-title");
    b.error = error;
    Ok((status, render(&PasswordPage { b, forced })).into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    current_password: String,
    new_password: String,
    confirm_password: String,
}

pub async fn password_change(
    State(s): State<AppState>,
    p: Portal,
    f: Result<Form<PasswordForm>, FormRejection>,
) -> PageResult {
    let f = p.form(f)?;
    let u = p.user_allowing_temporary()?;
    p.check_csrf(&f.csrf)?;
    let forced = u.user.must_change_password;
    if f.new_password != f.confirm_password {
        return render_password(
            &p,
            forced,
            Some(t(p.lang, "pwchange-mismatch")),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let keep = p.session.as_ref().map(|s| s.session_id.as_str());
    match keiro_app::auth::change_password(
        &s.app,
        &p.ctx(),
        keep,
        &f.current_password,
        &f.new_password,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/dashboard?done=password_changed").into_response()),
        Err(e @ (AppError::Validation(_) | AppError::RateLimited { .. })) => render_password(
            &p,
            forced,
            Some(p.message_for(&e)),
            crate::problem::status_of(&e),
        ),
        Err(e) => Err(p.app_error(e)),
    }
}

/// A card on the dashboard: where it leads, or why it is closed to this user.
pub struct Card {
    pub href: &'static str,
    pub label: String,
    pub reason: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub b: Base,
    pub name: String,
    pub org_name: String,
    pub kind: String,
    pub partner_id: String,
    pub country: String,
    pub program_roles: Vec<String>,
    pub authorizations: Vec<String>,
    pub roles: Vec<String>,
    pub cards: Vec<Card>,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn dashboard(p: Portal, Query(q): Query<DoneQuery>) -> PageResult {
    let u = p.user()?;
    if !u.actor.org_approved {
        return Ok(Redirect::to("/enroll/wizard").into_response());
    }
    let mut b = p.base("dashboard-title");
    if q.done.as_deref() == Some("password_changed") {
        b.notice = Some(t(p.lang, "pwchange-done"));
    }
    let split = |s: &str, prefix: &str| -> Vec<String> {
        s.split(',')
            .filter(|x| !x.is_empty())
            .map(|x| t(p.lang, &format!("{prefix}-{x}")))
            .collect()
    };
    let me = u.clone();
    let cards = super::NAV
        .iter()
        .filter(|(href, _, _)| *href != "/dashboard")
        .filter(|(href, _, a)| super::nav_applies(href, *a, &me))
        .map(|(href, key, action)| {
            let reason = action.and_then(|a| {
                match keiro_domain::decide(&me.actor, a, &keiro_domain::Target::own(&me.actor)) {
                    keiro_domain::Decision::Allow => None,
                    keiro_domain::Decision::Deny(r) => {
                        Some(p.message_for(&AppError::denied(r, "page")))
                    }
                }
            });
            Card {
                href,
                label: t(p.lang, key),
                reason,
            }
        })
        .collect();
    Ok(render(&DashboardPage {
        name: u.user.full_name.clone(),
        org_name: u.org.legal_name.clone(),
        kind: t(p.lang, &format!("org-kind-{}", u.org.kind)),
        partner_id: u.org.partner_id.clone().unwrap_or_default(),
        country: u.org.country.clone(),
        program_roles: split(&u.org.program_roles, "program"),
        authorizations: split(&u.org.authorizations, "auth"),
        roles: u
            .actor
            .roles
            .iter()
            .map(|r| t(p.lang, &format!("role-{}", r.code())))
            .collect(),
        cards,
        b,
    }))
}

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
#[template(path = "account.html")]
pub struct AccountPage {
    pub b: Base,
    pub email: String,
    pub full_name: String,
    pub language: String,
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
                    created: fmt(tk.created_at),
                    expires: fmt(tk.expires_at),
                    last_used: tk.last_used_at.map(fmt).unwrap_or_else(|| "—".into()),
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
    let language = f
        .language
        .as_deref()
        .map(|l| if l.is_empty() { None } else { Some(l) });
    let prefs = keiro_app::me::Preferences {
        full_name: f.full_name.as_deref(),
        language,
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

pub struct AuditRow {
    pub time: String,
    pub actor: String,
    pub behalf: String,
    pub action: String,
    pub target: String,
    pub details: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub b: Base,
    pub from: String,
    pub to: String,
    pub action: String,
    pub rows: Vec<AuditRow>,
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    from: Option<String>,
    to: Option<String>,
    action: Option<String>,
    cursor: Option<String>,
}

fn parse_input_time(s: Option<&str>) -> Result<Option<time::OffsetDateTime>, AppError> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => {
            // Accept both RFC 3339 and the `datetime-local` format browsers send (taken as UTC).
            let rfc = time::format_description::well_known::Rfc3339;
            if let Ok(t) = time::OffsetDateTime::parse(v, &rfc) {
                return Ok(Some(t));
            }
            let local = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
            time::PrimitiveDateTime::parse(v, &local)
                .map(|p| Some(p.assume_utc()))
                .map_err(|_| AppError::validation("from", "invalid_time", "not a time"))
        }
    }
}

pub async fn audit(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    p.user()?;
    let bad = |e: AppError| -> Response { p.app_error(e) };
    let filter = Filter {
        from: parse_input_time(q.from.as_deref()).map_err(bad)?,
        to: parse_input_time(q.to.as_deref()).map_err(bad)?,
        action: q.action.clone().filter(|a| !a.trim().is_empty()),
        target_org_id: None,
    };
    let cursor = q
        .cursor
        .as_deref()
        .filter(|c| uuid::Uuid::parse_str(c).is_ok());
    let page = keiro_app::audit::list(&s.app, &p.ctx(), &filter, cursor, 50)
        .await
        .map_err(|e| p.app_error(e))?;
    let rows = page
        .items
        .into_iter()
        .map(|r: audit_record::Model| AuditRow {
            time: fmt(r.occurred_at),
            actor: r.actor_user_id.unwrap_or_else(|| "system".into()),
            behalf: r.on_behalf_of_org_id.unwrap_or_default(),
            action: r.action,
            target: format!("{} {}", r.target_type, r.target_id),
            details: r.details,
        });
    let next = page.next_cursor.map(|c| {
        let mut qs = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [("from", &q.from), ("to", &q.to), ("action", &q.action)] {
            if let Some(v) = v {
                qs.append_pair(k, v);
            }
        }
        qs.append_pair("cursor", &c);
        format!("/audit?{}", qs.finish())
    });
    Ok(render(&AuditPage {
        b: p.base("audit-title"),
        from: q.from.unwrap_or_default(),
        to: q.to.unwrap_or_default(),
        action: q.action.unwrap_or_default(),
        rows: rows.collect(),
        next,
    }))
}

pub struct OutboxRow {
    pub id: String,
    pub created: String,
    pub recipient: String,
    pub subject: String,
    pub state: String,
    pub state_code: String,
    pub attempts: i32,
    pub last_error: String,
}

fn outbox_row(lang: Language, m: outbox_message::Model) -> OutboxRow {
    OutboxRow {
        created: fmt(m.created_at),
        state: t(lang, &format!("state-{}", m.state)),
        state_code: m.state,
        id: m.id,
        recipient: m.recipient,
        subject: m.subject,
        attempts: m.attempts,
        last_error: m.last_error.unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "outbox.html")]
pub struct OutboxPage {
    pub b: Base,
    pub state: String,
    pub rows: Vec<OutboxRow>,
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub struct OutboxQuery {
    state: Option<String>,
    cursor: Option<String>,
}

pub async fn outbox(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<OutboxQuery>,
) -> PageResult {
    p.user()?;
    let state = q.state.clone().filter(|x| !x.is_empty());
    let cursor = q
        .cursor
        .as_deref()
        .filter(|c| uuid::Uuid::parse_str(c).is_ok());
    let page = keiro_app::outbox::list(&s.app, &p.ctx(), state.as_deref(), cursor, 50)
        .await
        .map_err(|e| p.app_error(e))?;
    let next = page.next_cursor.map(|c| {
        format!(
            "/operator/outbox?state={}&cursor={c}",
            state.clone().unwrap_or_default()
        )
    });
    Ok(render(&OutboxPage {
        b: p.base("outbox-title"),
        state: state.unwrap_or_default(),
        rows: page
            .items
            .into_iter()
            .map(|m| outbox_row(p.lang, m))
            .collect(),
        next,
    }))
}

#[derive(Template)]
#[template(path = "outbox_message.html")]
pub struct OutboxMessagePage {
    pub b: Base,
    pub m: OutboxRow,
    pub body: String,
}

pub async fn outbox_message(
    State(s): State<AppState>,
    p: Portal,
    Path(id): Path<String>,
) -> PageResult {
    p.user()?;
    let m = keiro_app::outbox::get(&s.app, &p.ctx(), &id)
        .await
        .map_err(|e| p.app_error(e))?;
    let body = m.body_text.clone();
    Ok(render(&OutboxMessagePage {
        b: p.base("outbox-title"),
        m: outbox_row(p.lang, m),
        body,
    }))
}

#[derive(Deserialize)]
pub struct LangQuery {
    next: Option<String>,
}

/// Language switch for people not signed in (a cookie); signed-in users save it to their profile.
pub async fn set_language(
    p: Portal,
    jar: CookieJar,
    Path(code): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let Some(lang) = Language::parse(&code).filter(|l| l.code() == code) else {
        return p.error_page(StatusCode::NOT_FOUND, &t(p.lang, "error-not_found"));
    };
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .same_site(SameSite::Lax)
        .permanent()
        .build();
    let next = super::local_path(q.next.as_deref())
        .unwrap_or("/signin")
        .to_string();
    (jar.add(cookie), Redirect::to(&next)).into_response()
}

#[derive(RustEmbed)]
#[folder = "static/"]
struct Assets;

pub async fn asset(Path(path): Path<String>) -> Response {
    match Assets::get(&path) {
        Some(f) => {
            let mime = if path.ends_with(".css") {
                "text/css; charset=utf-8"
            } else if path.ends_with(".js") {
                "text/javascript; charset=utf-8"
            } else if path.ends_with(".svg") {
                "image/svg+xml"
            } else {
                "application/octet-stream"
            };
            (
                [
                    (header::CONTENT_TYPE, mime),
                    (header::CACHE_CONTROL, "public, max-age=3600"),
                ],
                f.data.into_owned(),
            )
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
