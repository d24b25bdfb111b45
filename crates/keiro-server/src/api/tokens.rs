//! The caller's API tokens (app `tokens`): the secret is shown once.

use crate::api::respond::created_once;
use crate::api::views::listed;
use crate::api::views::token_body;
use crate::api::{ApiQuery, idempotency_key};
use crate::extract::{ApiCtx, ApiJson, Paging};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use keiro_api_types::{ApiTokenList, CreateApiToken, CreatedApiToken};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// 1 to 200, default 50.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

/// The caller's API tokens, newest first.
#[utoipa::path(get, path = "/v1/apitokens", tag = "account", security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = ApiTokenList), (status = 422, body = keiro_api_types::Problem)))]
pub async fn list_tokens(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ListParams>,
) -> ApiResult<Json<ApiTokenList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let page = keiro_app::tokens::list(&s.app, &ctx, p.cursor.as_deref(), p.limit).await?;
    let (items, next_cursor) = listed(page, token_body);
    Ok(Json(ApiTokenList { items, next_cursor }))
}

/// Creates an API token. The secret is in `token`, in this answer only.
#[utoipa::path(post, path = "/v1/apitokens", tag = "account", security(("bearer" = [])), request_body = CreateApiToken,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key return the first answer (without the secret)")),
    responses((status = 201, body = CreatedApiToken), (status = 200, description = "Replay of an earlier answer", body = CreatedApiToken),
        (status = 422, body = keiro_api_types::Problem)))]
pub async fn create_token(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CreateApiToken>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let req = keiro_app::tokens::NewToken {
        name: &body.name,
        expires_in_days: body.expires_in_days,
    };
    let created = keiro_app::tokens::create(&s.app, &ctx, req, key.as_deref()).await?;
    Ok(created_once(
        created.replayed,
        CreatedApiToken {
            token: created.secret,
            api_token: token_body(created.info),
        },
    ))
}

/// Revokes one of the caller's tokens; it stops working at once. Revoking again is a no-op.
#[utoipa::path(delete, path = "/v1/apitokens/{id}", tag = "account", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = keiro_api_types::Problem)))]
pub async fn revoke_token(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    keiro_app::tokens::revoke(&s.app, &ctx, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
