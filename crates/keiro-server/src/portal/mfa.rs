//! Portal pages for two-step verification: the code step of sign-in, set-up with a QR code
//! and recovery codes, and the organization's requirement. Rules live in keiro-app's `mfa`.

use super::{
    Base, PageResult, Portal, SignedForm, TokenField, no_store, render, safe_next, t, t_args,
};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum_extra::extract::{Form, FormRejection};
use keiro_app::AppError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "mfa/signin.html")]
pub struct SigninPage {
    pub b: Base,
    pub next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn signin_form(p: Portal, Query(q): Query<NextQuery>) -> PageResult {
    p.session_user()?;
    if !p.session.as_ref().is_some_and(|s| s.mfa_pending) {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    Ok(render(&SigninPage {
        b: p.base("mfa-signin-title"),
        next: q.next.unwrap_or_default(),
    }))
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    code: String,
    #[serde(default)]
    next: String,
}

pub async fn signin(
    State(s): State<AppState>,
    p: Portal,
    f: Result<Form<CodeForm>, FormRejection>,
) -> PageResult {
    let f = p.form(f)?;
    p.session_user()?;
    p.check_csrf(&f.csrf)?;
    let Some(session) = &p.session else {
        return Ok(Redirect::to("/signin").into_response());
    };
    match keiro_app::mfa::verify_sign_in(&s.app, &p.ctx(), &session.session_id, &f.code).await {
        Ok(()) => Ok(Redirect::to(&safe_next(Some(&f.next))).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::RateLimited { .. })) => {
            let mut b = p.base("mfa-signin-title");
            b.error = Some(p.message_for(&e));
            Ok((
                crate::problem::status_of(&e),
                render(&SigninPage { b, next: f.next }),
            )
                .into_response())
        }
        Err(e) => Err(p.app_error(e)),
    }
}

#[derive(Template)]
#[template(path = "mfa/status.html")]
pub struct MfaPage {
    pub b: Base,
    pub enabled: bool,
    pub required: bool,
    pub codes_left: String,
    pub setup: Option<keiro_app::mfa::Setup>,
    pub recovery_codes: Vec<String>,
}

fn page(p: &Portal, title: &str) -> MfaPage {
    let u = p.session.as_ref().map(|s| &s.user);
    MfaPage {
        b: p.base(title),
        enabled: u.is_some_and(|u| u.user.mfa_enabled),
        required: u.is_some_and(|u| u.org.require_mfa && u.actor.org_approved),
        codes_left: String::new(),
        setup: None,
        recovery_codes: vec![],
    }
}

pub async fn status(State(s): State<AppState>, p: Portal) -> PageResult {
    p.user_for_mfa_setup()?;
    let mut pg = page(&p, "mfa-title");
    if pg.enabled {
        let n = keiro_app::mfa::recovery_codes_left(&s.app, &p.ctx())
            .await
            .map_err(|e| p.app_error(e))?;
        pg.codes_left = t_args(p.lang, "mfa-codes-left", &[("count", n.to_string())]);
    }
    Ok(render(&pg))
}

pub async fn start(
    State(s): State<AppState>,
    p: Portal,
    f: Result<Form<TokenField>, FormRejection>,
) -> PageResult {
    let f = p.form(f)?;
    p.user_for_mfa_setup()?;
    p.check_csrf(&f.csrf)?;
    let setup = keiro_app::mfa::start_setup(&s.app, &p.ctx())
        .await
        .map_err(|e| p.app_error(e))?;
    let mut pg = page(&p, "mfa-title");
    pg.setup = Some(setup);
    Ok(no_store(render(&pg)))
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf: String,
    code: String,
}

pub async fn confirm(
    State(s): State<AppState>,
    p: Portal,
    f: Result<Form<ConfirmForm>, FormRejection>,
) -> PageResult {
    let f = p.form(f)?;
    p.user_for_mfa_setup()?;
    p.check_csrf(&f.csrf)?;
    match keiro_app::mfa::confirm_setup(&s.app, &p.ctx(), &f.code).await {
        Ok(codes) => {
            let mut pg = page(&p, "mfa-recovery-title");
            pg.enabled = true;
            pg.recovery_codes = codes;
            Ok(no_store(render(&pg)))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let mut pg = page(&p, "mfa-title");
            pg.b.error = Some(p.message_for(&e));
            pg.setup =
                keiro_app::mfa::pending_setup(&s.app, &p.ctx()).map_err(|e| p.app_error(e))?;
            Ok(no_store(
                (StatusCode::UNPROCESSABLE_ENTITY, render(&pg)).into_response(),
            ))
        }
        Err(e) => Err(p.app_error(e)),
    }
}

#[derive(Deserialize)]
pub struct RequireForm {
    #[serde(default)]
    required: Option<String>,
}

pub async fn set_requirement(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<RequireForm>,
) -> PageResult {
    keiro_app::mfa::set_org_requirement(&s.app, &p.ctx(), f.required.as_deref() == Some("on"))
        .await
        .map_err(|e| p.app_error(e))?;
    let _ = t(p.lang, "profile-saved");
    Ok(Redirect::to("/organization?done=saved").into_response())
}
