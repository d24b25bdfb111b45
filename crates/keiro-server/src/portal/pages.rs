//! The shell: the home page, the dashboard (a card for each page the user's roles open, greyed
//! with the reason otherwise), the language switch, static files and the error page. Each
//! portal handler resolves who is asking ([`Portal`]), reads a form with [`super::SignedForm`],
//! calls keiro-app, and renders or redirects (post/redirect/get).

use super::{Base, DoneQuery, LANG_COOKIE, PageResult, Portal, render, t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use keiro_app::AppError;
use keiro_domain::Language;
use rust_embed::RustEmbed;
use serde::Deserialize;

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
    /// What waits for this user (keiro-app `dashboard::work`).
    pub work: Vec<WorkCard>,
}

pub struct WorkCard {
    pub id: &'static str,
    pub label: String,
    pub href: String,
}

pub async fn dashboard(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let u = p.user()?;
    if !u.actor.org_approved {
        return Ok(Redirect::to("/enroll/wizard").into_response());
    }
    let work = keiro_app::dashboard::work(&s.app, &p.ctx())
        .await
        .map_err(|e| p.app_error(e))?
        .into_iter()
        .map(|w| WorkCard {
            id: w.kind,
            label: super::t_args(
                p.lang,
                &format!("work-{}", w.kind),
                &[("count", w.count.to_string())],
            ),
            href: w.href,
        })
        .collect();
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
        work,
        b,
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
