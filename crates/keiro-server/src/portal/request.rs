//! Everything a portal handler needs about the request ([`Portal`]): the session and its user,
//! the reader's language, the request id; and the steps of signing in a page may require
//! ([`Portal::user`] and its looser variants for the sign-in steps themselves).

use super::cookies::{LANG_COOKIE, SESSION_COOKIE};
use super::t_args;
use crate::extract::{client_ip, request_id};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::{StatusCode, header, request::Parts};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use keiro_app::auth::LiveSession;
use keiro_app::{AppError, Ctx, CurrentUser};
use keiro_domain::Language;

/// Everything a portal handler needs about the request. Never rejects: pages decide whether
/// they need a signed-in user.
pub struct Portal {
    pub state: AppState,
    pub lang: Language,
    /// The time zone the reader sees times in (their choice, else by language).
    pub zone: keiro_domain::display::Zone,
    pub session: Option<LiveSession>,
    pub(super) session_token: Option<String>,
    pub request_id: Option<String>,
    pub client_ip: String,
    pub path: String,
    pub user_agent: String,
    /// Where a refusal to wait is noted for `Retry-After` (see `errors::retry_after`).
    pub(super) wait: Option<super::errors::Wait>,
    /// The form field a validation error named (noted by `message_for`), for the page to mark.
    pub(super) invalid: InvalidField,
}

impl FromRequestParts<AppState> for Portal {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar.get(SESSION_COOKIE).map(|c| c.value().to_string());
        let session = match &token {
            Some(t) => keiro_app::auth::resolve_session(&state.app, t)
                .await
                .map_err(|e| plain_error(e, request_id(parts)))?,
            None => None,
        };
        let accept = parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let lang = session
            .as_ref()
            .and_then(|s| s.user.language())
            .or_else(|| {
                jar.get(LANG_COOKIE)
                    .and_then(|c| Language::parse(c.value()))
            })
            .unwrap_or_else(|| Language::from_accept_language(accept));
        let zone = match &session {
            Some(s) => s.user.zone(lang, &state.app.config.time_zone),
            None => {
                keiro_domain::display::Zone::for_reader(None, lang, &state.app.config.time_zone)
            }
        };
        Ok(Portal {
            state: state.clone(),
            lang,
            zone,
            session_token: session.as_ref().and(token),
            session,
            request_id: request_id(parts),
            client_ip: client_ip(parts, state),
            path: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into()),
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string(),
            wait: parts.extensions.get::<super::errors::Wait>().cloned(),
            invalid: InvalidField::default(),
        })
    }
}

fn plain_error(e: AppError, rid: Option<String>) -> Response {
    tracing::error!(error = %e, "portal: cannot resolve session");
    let msg = t_args(
        Language::En,
        "error-internal",
        &[("request_id", rid.unwrap_or_default())],
    );
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Html(format!(
            "<!doctype html><meta charset=utf-8><title>500</title><p>{msg}</p>"
        )),
    )
        .into_response()
}

impl Portal {
    pub fn ctx(&self) -> Ctx {
        Ctx {
            user: self.session.as_ref().map(|s| s.user.clone()),
            request_id: self.request_id.clone(),
            client_ip: self.client_ip.clone(),
        }
    }

    /// The signed-in user, fully authenticated: password changed, second factor given, and MFA
    /// set up where the (approved) organization requires it. Otherwise a redirect to the step
    /// that is missing.
    pub fn user(&self) -> Result<&CurrentUser, Response> {
        let u = self.user_for_mfa_setup()?;
        if u.org.require_mfa && u.actor.org_approved && !u.user.mfa_enabled {
            return Err(Redirect::to("/account/mfa").into_response());
        }
        Ok(u)
    }

    /// Signed in with password and second factor, but perhaps without MFA set up yet.
    pub fn user_for_mfa_setup(&self) -> Result<&CurrentUser, Response> {
        let u = self.user_allowing_temporary()?;
        if u.user.must_change_password {
            return Err(Redirect::to("/password/change").into_response());
        }
        Ok(u)
    }

    /// Signed in with a password, perhaps still owing the second factor: only for the MFA step
    /// and for signing out.
    pub fn session_user(&self) -> Result<&CurrentUser, Response> {
        match &self.session {
            Some(s) => Ok(&s.user),
            None => {
                let next =
                    url::form_urlencoded::byte_serialize(self.path.as_bytes()).collect::<String>();
                Err(Redirect::to(&format!("/signin?next={next}")).into_response())
            }
        }
    }

    /// Fully signed in (second factor given), perhaps with a temporary password still to change.
    pub fn user_allowing_temporary(&self) -> Result<&CurrentUser, Response> {
        let u = self.session_user()?;
        if self.session.as_ref().is_some_and(|s| s.mfa_pending) {
            return Err(Redirect::to("/signin/mfa").into_response());
        }
        Ok(u)
    }
}

/// A same-site path, or nothing: redirects never lead to another site (no open redirect;
/// `//host` and `/\\host` are other sites to a browser).
pub fn local_path(next: Option<&str>) -> Option<&str> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\"))
}

/// Where to go after signing in: a same-site path other than sign-in itself, else the dashboard.
pub fn safe_next(next: Option<&str>) -> String {
    local_path(next)
        .filter(|n| !n.starts_with("/signin"))
        .unwrap_or("/dashboard")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::{local_path, safe_next};

    #[test]
    fn redirects_stay_on_this_site() {
        for evil in [
            "//evil.example/x",
            "/\\evil.example",
            "https://evil.example",
            "evil.example",
            "",
        ] {
            assert_eq!(local_path(Some(evil)), None, "{evil:?}");
            assert_eq!(safe_next(Some(evil)), "/dashboard", "{evil:?}");
        }
        assert_eq!(safe_next(Some("/users?q=sato")), "/users?q=sato");
        assert_eq!(
            safe_next(Some("/signin?next=/x")),
            "/dashboard",
            "no loop back to sign-in"
        );
        assert_eq!(safe_next(None), "/dashboard");
        assert_eq!(local_path(Some("/signin")), Some("/signin"));
    }
}

/// The field of the form a page's validation error is about: noted when the error is put into
/// words, read when the page is drawn, whichever comes first in the handler.
#[derive(Clone, Default)]
pub struct InvalidField(std::sync::Arc<std::sync::Mutex<Option<&'static str>>>);

impl InvalidField {
    pub fn note(&self, field: &'static str) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(field);
    }
    pub fn get(&self) -> Option<&'static str> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
