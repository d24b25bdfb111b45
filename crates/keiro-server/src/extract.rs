//! Extractors shared by API handlers: the authenticated caller, a JSON body whose rejections
//! become problem+json, paging parameters, and request metadata.

use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request, rejection::JsonRejection};
use axum::http::{StatusCode, header, request::Parts};
use base64::Engine;
use keiro_app::Ctx;
use serde::de::DeserializeOwned;

/// The request id set by the request-id layer (also echoed in the response).
pub fn request_id(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(100).collect())
}

/// The client's address: the peer, or what a trusted proxy says it is (see `proxy`).
pub fn client_ip(parts: &Parts, state: &AppState) -> String {
    crate::proxy::client_addr(parts, &state.config.trusted_proxies)
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// An authenticated API caller (`Authorization: Bearer kt_…`), rate-limited per token.
pub struct ApiCtx(pub Ctx);

impl FromRequestParts<AppState> for ApiCtx {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let app = &state.app;
        let ip = client_ip(parts, state);
        let auth = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let Some(bearer) = auth.and_then(|a| {
            a.strip_prefix("Bearer ")
                .or_else(|| a.strip_prefix("bearer "))
        }) else {
            app.api_request(&format!("api-address:{ip}")).await?;
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "send an API token as `Authorization: Bearer kt_…`; create one under Account > API tokens",
            ));
        };
        let bearer = bearer.trim();
        // The token is hashed once: its hash is both the rate key and what is looked up.
        let Some(hash) = keiro_app::auth::token_hash(bearer) else {
            let key = format!("api-token:{}", keiro_app::secrets::sha256_hex(bearer));
            app.api_request(&key).await?;
            return Err(keiro_app::AppError::Unauthenticated.into());
        };
        app.api_request(&format!("api-token:{hash}")).await?;
        let (user, _) = keiro_app::auth::authenticate_token(app, &hash).await?;
        Ok(ApiCtx(Ctx {
            user: Some(user),
            request_id: request_id(parts),
            client_ip: ip,
        }))
    }
}

/// An anonymous API caller (enrollment sign-up, invitation previews): request id and address
/// only, rate-limited per address like unauthenticated calls.
pub struct AnonCtx(pub Ctx);

impl FromRequestParts<AppState> for AnonCtx {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let app = &state.app;
        let ip = client_ip(parts, state);
        app.api_request(&format!("api-address:{ip}")).await?;
        Ok(AnonCtx(Ctx::anonymous(request_id(parts), ip)))
    }
}

/// A JSON body. Malformed JSON is 400 `malformed_json`; wrong types, missing or unknown fields
/// are 422 `invalid_body`; a body over the limit is 413; a wrong content type is 415.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rej) => Err(json_rejection(rej)),
        }
    }
}

pub fn json_rejection(rej: JsonRejection) -> ApiError {
    match rej {
        JsonRejection::JsonSyntaxError(e) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("the body is not valid JSON: {}", e.body_text()),
        ),
        JsonRejection::JsonDataError(e) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            format!(
                "the body does not match the expected shape: {}",
                e.body_text()
            ),
        ),
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as JSON with `Content-Type: application/json`",
        ),
        JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the request body is too large",
            )
        }
        other => ApiError::new(other.status(), "invalid_body", other.body_text()),
    }
}

/// `?limit=&cursor=`: limit 1..=200 (default 50 when absent); the cursor is opaque. An empty
/// value is an error, not a default: a client that sends one has a bug worth seeing.
#[derive(Debug, Clone)]
pub struct Paging {
    pub limit: u64,
    pub cursor: Option<String>,
}

pub const MAX_LIMIT: u64 = 200;

impl Paging {
    pub fn parse(limit: Option<&str>, cursor: Option<&str>) -> Result<Paging, ApiError> {
        let limit = match limit {
            None => 50,
            Some(l) => match l.parse::<u64>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid_limit",
                        format!("limit is a number from 1 to {MAX_LIMIT}"),
                    )
                    .field("limit", "invalid_limit", "out of range"));
                }
            },
        };
        let cursor = match cursor {
            None => None,
            Some(c) => Some(decode_cursor(c).ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_cursor",
                    "the cursor is not one this API returned",
                )
                .field("cursor", "invalid_cursor", "unknown cursor")
            })?),
        };
        Ok(Paging { limit, cursor })
    }
}

pub fn encode_cursor(id: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id)
}

fn decode_cursor(c: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .ok()?;
    let s = String::from_utf8(bytes).ok()?;
    // An id, or "sort key<TAB>id" for lists sorted by something else than their id.
    let id = s.rsplit('\t').next()?;
    uuid::Uuid::parse_str(id).ok()?;
    (s.len() <= 1024).then_some(s)
}

/// Parses `If-Match: "<prefix><version>"` (or `*`, or absent: no condition). Anything else is
/// malformed (400), not a mismatch. ETags are `"u3"` for users, `"o3"` for organizations.
pub fn if_match(h: &axum::http::HeaderMap, prefix: char) -> Result<Option<i64>, ApiError> {
    let Some(v) = h.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let s = v.to_str().unwrap_or("").trim();
    if s == "*" {
        return Ok(None);
    }
    s.trim_start_matches("W/")
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .and_then(|s| s.strip_prefix(prefix))
        .and_then(|n| n.parse::<i64>().ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_if_match",
                format!("If-Match must be an ETag from this API, such as \"{prefix}3\", or *"),
            )
        })
}

/// An ETag header value.
pub fn etag(prefix: char, version: i64) -> axum::http::HeaderValue {
    axum::http::HeaderValue::from_str(&format!("\"{prefix}{version}\""))
        .unwrap_or(axum::http::HeaderValue::from_static("\"0\""))
}

/// A filter that is either absent or has a value: `?action=` is a client bug, not "any".
pub fn non_empty(field: &str, v: Option<String>) -> Result<Option<String>, ApiError> {
    match v {
        Some(s) if s.is_empty() => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_query",
            format!("{field} may not be empty"),
        )
        .field(field, "empty", "leave the parameter out instead")),
        other => Ok(other),
    }
}
