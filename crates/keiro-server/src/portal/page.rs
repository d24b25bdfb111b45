//! What a portal handler returns: a rendered page, or the page (or redirect) that answers
//! instead. Every handler returns [`PageResult`]; `?` on a [`Portal`](super::Portal) check or a
//! use case's error ends the handler with that answer.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// A page, or the answer that replaces it (an error page, a redirect to sign-in).
pub type PageResult = Result<Response, Response>;

pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

/// Marks a response that shows a secret once (a temporary password, a token) as not cacheable.
pub fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// `?done=…` after a post/redirect/get: which notice the page shows.
#[derive(serde::Deserialize)]
pub struct DoneQuery {
    pub done: Option<String>,
}
