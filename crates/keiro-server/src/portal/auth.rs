//! Signing in and out, and the password change a temporary password forces (app `auth`):
//! `/signin`, `/signout`, `/password/change`. The second factor is `mfa.rs`.

use super::{Base, PageResult, Portal, TokenField, render, safe_next, session_cookie, t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use axum_extra::extract::{Form, FormRejection};
use keiro_app::AppError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "auth/signin.html")]
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
            if matches!(e, AppError::Internal(_) | AppError::Unavailable(_)) {
                return Err(p.app_error(e));
            }
            let mut b = p.base("signin-title");
            b.error = Some(p.message_for(&e));
            let page = SigninPage {
                b,
                email: f.email,
                next: f.next,
            };
            Ok((status, render(&page)).into_response())
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
#[template(path = "auth/password.html")]
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
