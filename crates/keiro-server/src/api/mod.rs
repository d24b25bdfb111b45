//! The REST API under `/v1`, documented by utoipa: every route registered here appears in
//! `/openapi.json`.

mod audit;
mod health;
mod me;
mod outbox;
mod tokens;

use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Query};
use axum::http::{StatusCode, request::Parts};
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Keiro API",
        version = "1",
        description = "REST API of Keiro, a partner center for two-tier channel programs. \
            Authenticate with `Authorization: Bearer <token>` (Account > API tokens). \
            Errors are application/problem+json with a stable `code`. Lists are cursor-paged \
            (`limit`, `cursor`, `next_cursor`). Creates accept `Idempotency-Key`; updates accept \
            `If-Match` with the ETag of the resource."
    ),
    modifiers(&BearerAuth),
    components(schemas(keiro_api_types::Problem, keiro_api_types::FieldError)),
    tags(
        (name = "account", description = "The signed-in user"),
        (name = "audit", description = "The append-only audit log"),
        (name = "operator", description = "Operator staff tasks"),
        (name = "health", description = "Load balancer probes"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("kt_…")
                    .build(),
            ),
        );
    }
}

/// The API routes and their OpenAPI document.
pub fn routes() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(me::get_me, me::update_me))
        .routes(routes!(me::change_password))
        .routes(routes!(tokens::list_tokens, tokens::create_token))
        .routes(routes!(tokens::revoke_token))
        .routes(routes!(audit::list_audit_records))
        .routes(routes!(outbox::list_outbox))
        .split_for_parts()
}

/// Query parameters whose rejections become problem+json.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_query",
                    e.body_text(),
                )
            })
    }
}

/// The Idempotency-Key header, if any.
pub fn idempotency_key(parts: &axum::http::HeaderMap) -> Result<Option<String>, ApiError> {
    match parts.get("idempotency-key") {
        None => Ok(None),
        Some(v) => v.to_str().map(|s| Some(s.to_string())).map_err(|_| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_idempotency_key",
                "the Idempotency-Key must be visible ASCII",
            )
        }),
    }
}
