//! Pages answered before any portal handler runs (no session, no layout): the 404 of an unknown
//! path and the refusals of `guard` (control characters, bodies too large), in the browser's
//! language.

use super::t;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use keiro_domain::Language;

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
