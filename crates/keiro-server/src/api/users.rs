//! User management in the caller's organization (app `users`), If-Match `"u<version>"`; a temporary
//! password is shown once.

use crate::api::params::UserParams;
use crate::api::respond::{created_once, ok_once, tagged};
use crate::api::views::listed;
use crate::api::views::user_body;
use crate::api::{ApiQuery, idempotency_key};
use crate::extract::{ApiCtx, ApiJson, Paging, if_match, non_empty};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use keiro_api_types::{CreateUser, UpdateUser, User, UserList, UserWithPassword};
use keiro_app::users::{NewUserInput, UserChanges, UserView};

fn with_etag(u: UserView, status: StatusCode) -> Response {
    tagged(status, 'u', u.version, user_body(u))
}

/// Users of the caller's organization, searchable by name or email.
#[utoipa::path(get, path = "/v1/users", tag = "users", security(("bearer" = [])), params(UserParams),
    responses((status = 200, body = UserList)))]
pub async fn list_users(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<UserParams>,
) -> ApiResult<Json<UserList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let search = non_empty("q", q.q)?;
    let page = keiro_app::users::list(
        &s.app,
        &ctx,
        search.as_deref(),
        p.cursor.as_deref(),
        p.limit,
    )
    .await?;
    let (items, next_cursor) = listed(page, user_body);
    Ok(Json(UserList { items, next_cursor }))
}

/// Adds a user with a temporary password, shown in this answer only (R-USR-1).
#[utoipa::path(post, path = "/v1/users", tag = "users", security(("bearer" = [])), request_body = CreateUser,
    params(("Idempotency-Key" = Option<String>, Header, nullable = false)),
    responses((status = 201, body = UserWithPassword), (status = 200, description = "Replay (no password)", body = UserWithPassword),
        (status = 409, description = "The email is taken")))]
pub async fn create_user(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CreateUser>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let input = NewUserInput {
        email: b.email,
        full_name: b.full_name,
        roles: b.roles,
        delegated_access: b.delegated_access,
    };
    let c = keiro_app::users::create(&s.app, &ctx, input, key.as_deref()).await?;
    Ok(created_once(
        c.replayed,
        UserWithPassword {
            user: user_body(c.user),
            temporary_password: c.temporary_password,
        },
    ))
}

/// One user of the caller's organization.
#[utoipa::path(get, path = "/v1/users/{id}", tag = "users", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = User, headers(("ETag" = String)))))]
pub async fn get_user(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(with_etag(
        keiro_app::users::get(&s.app, &ctx, &id).await?,
        StatusCode::OK,
    ))
}

/// Edits a user's name, roles or delegated access. Only a global admin grants or removes the
/// global admin role; the last global admin keeps it.
#[utoipa::path(patch, path = "/v1/users/{id}", tag = "users", security(("bearer" = [])), request_body = UpdateUser,
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"u[0-9]+")$"#)),
    responses((status = 200, body = User), (status = 409, description = "Would leave no global admin"), (status = 412, description = "Changed since read")))]
pub async fn update_user(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<UpdateUser>,
) -> ApiResult<Response> {
    let v = if_match(&headers, 'u')?;
    let ch = UserChanges {
        full_name: b.full_name,
        roles: b.roles,
        delegated_access: b.delegated_access,
    };
    Ok(with_etag(
        keiro_app::users::update(&s.app, &ctx, &id, ch, v).await?,
        StatusCode::OK,
    ))
}

/// Sets a new temporary password (shown in this answer only) and signs the user out everywhere.
#[utoipa::path(operation_id = "reset_user_password", post, path = "/v1/users/{id}/resetpassword", tag = "users", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = UserWithPassword)))]
pub async fn reset_password(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (u, temp) = keiro_app::users::reset_password(&s.app, &ctx, &id).await?;
    Ok(ok_once(UserWithPassword {
        user: user_body(u),
        temporary_password: Some(temp),
    }))
}

/// Deactivates a user: their sessions and tokens stop working at once.
#[utoipa::path(post, path = "/v1/users/{id}/deactivate", tag = "users", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = User), (status = 409, description = "Would leave no global admin, or is yourself")))]
pub async fn deactivate_user(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(with_etag(
        keiro_app::users::set_active(&s.app, &ctx, &id, false).await?,
        StatusCode::OK,
    ))
}

/// Reactivates a user.
#[utoipa::path(post, path = "/v1/users/{id}/reactivate", tag = "users", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = User)))]
pub async fn reactivate_user(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(with_etag(
        keiro_app::users::set_active(&s.app, &ctx, &id, true).await?,
        StatusCode::OK,
    ))
}

/// Deletes a user. The audit log keeps what they did.
#[utoipa::path(delete, path = "/v1/users/{id}", tag = "users", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 204), (status = 409, description = "Would leave no global admin, or is yourself")))]
pub async fn delete_user(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    keiro_app::users::delete(&s.app, &ctx, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Operator staff: reset a user's MFA (lost device). Every session of the user ends; where
/// the organization requires MFA, the user sets it up again at the next sign-in.
#[utoipa::path(operation_id = "reset_user_mfa", post, path = "/v1/operator/users/{id}/resetmfa", tag = "operator", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 204)))]
pub async fn operator_reset_mfa(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    keiro_app::mfa::operator_reset(&s.app, &ctx, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
