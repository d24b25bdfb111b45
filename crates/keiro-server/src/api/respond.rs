//! The shapes of a successful answer, one place each: a body with its ETag (`"<prefix><version>"`,
//! the value `If-Match` takes back), and a create's answer, 201 or, for a replay of the same
//! `Idempotency-Key`, 200 with `Idempotent-Replayed: true` and the first answer's body.

use crate::extract::etag;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// `status` with the JSON body and its ETag.
pub fn tagged<T: Serialize>(status: StatusCode, prefix: char, version: i64, body: T) -> Response {
    let mut r = (status, Json(body)).into_response();
    r.headers_mut().insert(header::ETAG, etag(prefix, version));
    r
}

/// 200 with the JSON body and its ETag.
pub fn ok_tagged<T: Serialize>(prefix: char, version: i64, body: T) -> Response {
    tagged(StatusCode::OK, prefix, version, body)
}

/// 201 for a first answer, 200 for a replay of it.
pub fn created_status(replayed: bool) -> StatusCode {
    if replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    }
}

/// 201 for a first answer, 200 with `Idempotent-Replayed: true` for a replay of it.
pub fn created<T: Serialize>(replayed: bool, body: T) -> Response {
    let mut r = (created_status(replayed), Json(body)).into_response();
    mark_replayed(&mut r, replayed);
    r
}

/// [`created`], with the new resource's ETag.
pub fn created_tagged<T: Serialize>(
    replayed: bool,
    prefix: char,
    version: i64,
    body: T,
) -> Response {
    let mut r = tagged(created_status(replayed), prefix, version, body);
    mark_replayed(&mut r, replayed);
    r
}

/// A change that takes an `Idempotency-Key`: 200 with the ETag, marked when it is a replay.
pub fn changed_tagged<T: Serialize>(
    replayed: bool,
    prefix: char,
    version: i64,
    body: T,
) -> Response {
    let mut r = ok_tagged(prefix, version, body);
    mark_replayed(&mut r, replayed);
    r
}

/// Adds `Idempotent-Replayed: true` to a replayed answer.
pub fn mark_replayed(r: &mut Response, replayed: bool) {
    if replayed {
        r.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
}

/// [`created`], for an answer that shows a secret once (a token, a temporary password, a link):
/// never cached.
pub fn created_once<T: Serialize>(replayed: bool, body: T) -> Response {
    not_cached(created(replayed, body))
}

/// 200 for an answer that shows a secret once: never cached.
pub fn ok_once<T: Serialize>(body: T) -> Response {
    not_cached(Json(body).into_response())
}

fn not_cached(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}
