//! Guards every request passes before any handler (R-X-1): text without control characters, and
//! of bounded length, in the path, the query and JSON, form and CSV bodies (PostgreSQL cannot store NUL, and no
//! name or identifier needs one), and the security headers of every HTML page, the portal's
//! 404 page and `/docs` included.

use crate::problem::ApiError;
use crate::router::wants_problem;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use keiro_domain::text::{self, BadText};

/// The largest text file any route takes (the CSV imports); each route's own limit still
/// applies. JSON and form bodies are read up to the server's `max_body_bytes`.
const MAX_TEXT_BODY: usize = 8 * 1024 * 1024;

/// Refuses a request whose path, query or textual body holds a control character or bytes
/// that are not UTF-8: a 422 problem with a code on the API, a readable page on the portal.
pub async fn text(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let uri = req.uri();
    let in_url = text::check_url_component(uri.path())
        .map_err(|b| (b, "path"))
        .and_then(|_| {
            uri.query()
                .map_or(Ok(()), text::check_url_component)
                .map_err(|b| (b, "query"))
        });
    if let Err((bad, part)) = in_url {
        return refuse(&req, bad, part);
    }
    let kind = body_kind(&req);
    let Some(kind) = kind else {
        return next.run(req).await;
    };
    let limit = match kind {
        Kind::Text => MAX_TEXT_BODY,
        Kind::Json | Kind::Form => state.config.max_body_bytes,
    };
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => {
            let req = Request::from_parts(parts, Body::empty());
            return too_large(&req);
        }
    };
    let checked = match kind {
        Kind::Json => text::check_json(&bytes),
        Kind::Form => text::check_form(&bytes),
        Kind::Text => text::check_text_bytes(&bytes),
    };
    let req = Request::from_parts(parts, Body::from(bytes));
    match checked {
        Ok(()) => next.run(req).await,
        Err(bad) => refuse(&req, bad, "body"),
    }
}

enum Kind {
    Json,
    Form,
    Text,
}

fn body_kind(req: &Request) -> Option<Kind> {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)?
        .to_str()
        .ok()?
        .to_ascii_lowercase();
    let essence = ct.split(';').next().unwrap_or("").trim().to_string();
    if essence == "application/json" || essence.ends_with("+json") {
        Some(Kind::Json)
    } else if essence == "application/x-www-form-urlencoded" {
        Some(Kind::Form)
    } else if essence.starts_with("text/") {
        Some(Kind::Text)
    } else {
        None
    }
}

fn refuse(req: &Request, bad: BadText, part: &str) -> Response {
    let what = match bad {
        BadText::Control(c) => format!("a control character (U+{:04X})", c as u32),
        BadText::NotUtf8 => "bytes that are not UTF-8".to_string(),
        BadText::TooLong(n) => format!("a value over {n} characters"),
    };
    if wants_problem(req) {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            bad.code(),
            format!(
                "the request's {part} holds {what}; send UTF-8 text without control characters, within the field's length"
            ),
        )
        .field(part, bad.code(), &what)
        .into_response()
    } else {
        let key = match bad {
            BadText::Control(_) => "error-control_character",
            BadText::NotUtf8 => "error-invalid_utf8",
            BadText::TooLong(_) => "error-text_too_long",
        };
        crate::portal::plain_page(req, StatusCode::UNPROCESSABLE_ENTITY, key)
    }
}

fn too_large(req: &Request) -> Response {
    if wants_problem(req) {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is too large",
        )
        .into_response()
    } else {
        crate::portal::plain_page(req, StatusCode::PAYLOAD_TOO_LARGE, "error-too_large")
    }
}

/// The portal's Content-Security-Policy; `/docs` (Swagger UI) also needs inline styles.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
const DOCS_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// Sets the frame and content-security headers on every HTML answer (portal pages, its 404,
/// `/docs`) that does not set its own.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let docs = req.uri().path().starts_with("/docs");
    let mut res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let too_large = res.status() == StatusCode::PAYLOAD_TOO_LARGE;
    let h = res.headers_mut();
    if html || docs {
        h.entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(if docs { DOCS_CSP } else { CSP }));
    }
    h.entry(header::X_FRAME_OPTIONS)
        .or_insert(HeaderValue::from_static("DENY"));
    // A body refused as too large was not read to its end: the connection cannot carry another
    // request, so say so, or a client reusing it sees its next request cut off.
    if too_large {
        h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    res
}
