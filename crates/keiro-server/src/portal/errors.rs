//! Pages answered before any portal handler runs (no session, no layout): the 404 of an unknown
//! path and the refusals of `guard` (control characters, bodies too large), in the browser's
//! language.

use super::{Portal, i18n, pages, render, t};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Redirect;
use axum::response::{Html, IntoResponse, Response};
use keiro_app::AppError;
use keiro_domain::Action;
use keiro_domain::Language;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub fn not_found_page(req: &Request) -> Response {
    plain_page(req, StatusCode::NOT_FOUND, "error-not_found")
}

/// A page without session or layout, for answers given before any handler runs (404, a
/// request refused by `guard`), in the browser's language.
pub fn plain_page(req: &Request, status: StatusCode, key: &str) -> Response {
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let lang = Language::from_accept_language(accept);
    (
        status,
        Html(format!(
            "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><title>{}</title><link rel=\"stylesheet\" href=\"/static/keiro.css\"><main class=\"narrow\"><h1>{}</h1><p>{}</p><p><a href=\"/dashboard\">{}</a></p></main></html>",
            lang.code(),
            status.as_u16(),
            status.as_u16(),
            t(lang, key),
            t(lang, "error-back")
        )),
    )
        .into_response()
}

/// Seconds a refused request must wait, noted by [`Portal::message_for`] while the page that
/// says so is written, and sent as `Retry-After` by [`retry_after`]: every 429 page carries
/// it, whichever handler wrote the page.
#[derive(Clone, Default)]
pub struct Wait(Arc<AtomicU64>);

impl Wait {
    fn note(&self, secs: u64) {
        self.0.store(secs, Ordering::Relaxed);
    }
}

/// Gives each portal request a [`Wait`], and a 429 answer its `Retry-After`.
pub async fn retry_after(mut req: Request, next: Next) -> Response {
    let wait = Wait::default();
    req.extensions_mut().insert(wait.clone());
    let mut res = next.run(req).await;
    let secs = wait.0.load(Ordering::Relaxed);
    if res.status() == StatusCode::TOO_MANY_REQUESTS
        && secs > 0
        && !res.headers().contains_key(header::RETRY_AFTER)
    {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    res
}

/// Errors of a signed-in page: why an action is closed, a use case's refusal, in the reader's
/// language and in the page layout.
impl Portal {
    /// Why an action is closed to this user, in their language (greyed actions say why).
    pub fn reason(&self, action: Action) -> Option<String> {
        let u = self.session.as_ref()?;
        u.user
            .require(action, "page")
            .err()
            .map(|e| self.message_for(&e))
    }

    /// A use-case error, in the user's language.
    pub fn message_for(&self, e: &AppError) -> String {
        if let AppError::Validation(v) = e {
            self.invalid.note(v.field);
        }
        let key = format!("error-{}", e.code());
        let args: Vec<(&str, String)> = match e {
            AppError::Forbidden { required_roles, .. } => vec![(
                "roles",
                required_roles
                    .iter()
                    .map(|r| t(self.lang, &format!("role-{}", r.code())))
                    .collect::<Vec<_>>()
                    .join(", "),
            )],
            AppError::RateLimited {
                retry_after_secs, ..
            } => {
                if let Some(w) = &self.wait {
                    w.note(*retry_after_secs);
                }
                vec![("wait", super::format::wait(self.lang, *retry_after_secs))]
            }
            AppError::Internal(_) => {
                vec![("request_id", self.request_id.clone().unwrap_or_default())]
            }
            _ => vec![],
        };
        i18n::try_t(self.lang, &key, &args).unwrap_or_else(|| e.to_string())
    }

    pub fn app_error(&self, e: AppError) -> Response {
        if matches!(e, AppError::Unauthenticated) {
            return self
                .user_allowing_temporary()
                .err()
                .unwrap_or_else(|| Redirect::to("/signin").into_response());
        }
        if matches!(e, AppError::PasswordChangeRequired) {
            return Redirect::to("/password/change").into_response();
        }
        if let AppError::Internal(m) = &e {
            tracing::error!(error = %m, "internal error");
        }
        let status = crate::problem::status_of(&e);
        self.error_page(status, &self.message_for(&e))
    }

    pub fn error_page(&self, status: StatusCode, message: &str) -> Response {
        let page = pages::ErrorPage {
            b: self.base("error-title"),
            message: message.to_string(),
        };
        (status, render(&page)).into_response()
    }
}
