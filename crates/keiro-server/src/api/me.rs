//! The signed-in user (app `me`): `GET`/`PATCH /v1/me` (If-Match `"u<version>"`) and the password
//! change.

use crate::api::respond::ok_tagged;
use crate::api::views::me_body;
use crate::extract::{ApiCtx, ApiJson};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use keiro_api_types::{ChangePassword, Me, UpdateMe};
use keiro_app::CurrentUser;

fn with_etag(u: &CurrentUser) -> Response {
    ok_tagged('u', u.user.version, me_body(u))
}

/// The caller: their user, organization and roles.
#[utoipa::path(get, path = "/v1/me", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Me, headers(("ETag" = String))),
        (status = 401, body = keiro_api_types::Problem), (status = 403, body = keiro_api_types::Problem)))]
pub async fn get_me(ApiCtx(ctx): ApiCtx) -> ApiResult<Response> {
    Ok(with_etag(keiro_app::me::get(&ctx)?))
}

/// Updates the caller's name, language or time zone. With `If-Match`, only if unchanged since read.
#[utoipa::path(patch, path = "/v1/me", tag = "account", security(("bearer" = [])), request_body = UpdateMe,
    params(("If-Match" = Option<String>, Header, nullable = false, description = "ETag from GET /v1/me", pattern = r#"^(\*|(W/)?"u[0-9]+")$"#)),
    responses((status = 200, body = Me), (status = 412, body = keiro_api_types::Problem),
        (status = 422, body = keiro_api_types::Problem)))]
pub async fn update_me(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(body): ApiJson<UpdateMe>,
) -> ApiResult<Response> {
    let version = crate::extract::if_match(&headers, 'u')?;
    let prefs = keiro_app::me::Preferences {
        full_name: body.full_name.as_deref(),
        language: body.language.as_ref().map(|l| l.as_deref()),
        time_zone: body.time_zone.as_ref().map(|z| z.as_deref()),
    };
    let u = keiro_app::me::update(&s.app, &ctx, prefs, version).await?;
    Ok(with_etag(&u))
}

/// Changes the caller's password. Every portal session of the user ends.
#[utoipa::path(post, path = "/v1/me/password", tag = "account", security(("bearer" = [])), request_body = ChangePassword,
    responses((status = 204), (status = 422, body = keiro_api_types::Problem)))]
pub async fn change_password(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(body): ApiJson<ChangePassword>,
) -> ApiResult<StatusCode> {
    keiro_app::auth::change_password(
        &s.app,
        &ctx,
        None,
        &body.current_password,
        &body.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
