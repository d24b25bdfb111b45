//! A partner user managing a customer's users on its behalf (R-REL-9, R-CUS-1): list, add with
//! a temporary password shown once, roles (If-Match `"u<version>"`), one user, password reset.
//! Needs the customer's admin rights (delegated admin, or a GDAP role that grants them).

use crate::api::ApiQuery;
use crate::api::params::UserParams;
use crate::api::respond::{created_once, ok_once, ok_tagged};
use crate::api::views::listed;
use crate::api::views::user_body;
use crate::extract::{ApiCtx, ApiJson, Paging, non_empty};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use keiro_api_types::{CreateUser, SetUserRoles, User, UserList, UserWithPassword};

/// A customer's users, seen by a partner user through the rights the customer granted
/// (delegated admin; R-REL-9). 404 without such rights.
#[utoipa::path(operation_id = "list_customer_users", get, path = "/v1/customers/{id}/users", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path), UserParams), responses((status = 200, body = UserList)))]
pub async fn customer_users(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<UserParams>,
) -> ApiResult<Json<UserList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let search = non_empty("q", q.q)?;
    let page = keiro_app::customer_users::list(
        &s.app,
        &ctx,
        &id,
        search.as_deref(),
        p.cursor.as_deref(),
        p.limit,
    )
    .await?;
    let (items, next_cursor) = listed(page, user_body);
    Ok(Json(UserList { items, next_cursor }))
}

fn user_with_password(u: keiro_app::users::UserView, temp: Option<String>) -> UserWithPassword {
    UserWithPassword {
        user: user_body(u),
        temporary_password: temp,
    }
}

/// Adds a user to the customer on its behalf, with a temporary password shown once (R-REL-9).
/// A global admin needs the customer's global admin rights (full delegated access).
#[utoipa::path(post, path = "/v1/customers/{id}/users", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, nullable = false)), request_body = CreateUser,
    responses((status = 201, body = UserWithPassword), (status = 409, description = "The email is taken")))]
pub async fn create_customer_user(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CreateUser>,
) -> ApiResult<Response> {
    let key = crate::api::idempotency_key(&headers)?;
    let o = keiro_app::customer_users::create(
        &s.app,
        &ctx,
        &id,
        &b.email,
        &b.full_name,
        &b.roles,
        key.as_deref(),
    )
    .await?;
    let (u, temp) = o.value;
    Ok(created_once(o.replayed, user_with_password(u, temp)))
}

/// Assigns a customer user's roles on the customer's behalf (R-REL-9); the global admin role needs
/// the customer's global admin rights, and the customer keeps one active global admin.
#[utoipa::path(put, path = "/v1/customers/{id}/users/{user_id}/roles", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path), ("user_id" = String, Path),
        ("If-Match" = Option<String>, Header, nullable = false, description = "ETag of the user", pattern = r#"^(\*|(W/)?"u[0-9]+")$"#)),
    request_body = SetUserRoles,
    responses((status = 200, body = User, headers(("ETag" = String))), (status = 409, description = "Would leave no global admin"),
        (status = 412, description = "The user changed since read")))]
pub async fn set_customer_user_roles(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path((id, user_id)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<SetUserRoles>,
) -> ApiResult<Response> {
    let v = crate::extract::if_match(&headers, 'u')?;
    let u = keiro_app::customer_users::set_roles(&s.app, &ctx, &id, &user_id, &b.roles, v).await?;
    Ok(user_with_etag(u))
}

/// One user of the customer, with its ETag (R-REL-9).
#[utoipa::path(get, path = "/v1/customers/{id}/users/{user_id}", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path), ("user_id" = String, Path)),
    responses((status = 200, body = User, headers(("ETag" = String)))))]
pub async fn get_customer_user(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path((id, user_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let u = keiro_app::customer_users::get(&s.app, &ctx, &id, &user_id).await?;
    Ok(user_with_etag(u))
}

fn user_with_etag(u: keiro_app::users::UserView) -> Response {
    ok_tagged('u', u.version, user_body(u))
}

/// Resets a customer user's password on the customer's behalf (R-REL-9, R-CUS-1): a new
/// temporary password, shown once; the user's sessions end.
#[utoipa::path(post, path = "/v1/customers/{id}/users/{user_id}/resetpassword", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path), ("user_id" = String, Path)), responses((status = 200, body = UserWithPassword)))]
pub async fn reset_customer_user_password(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path((id, user_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (u, temp) = keiro_app::customer_users::reset_password(&s.app, &ctx, &id, &user_id).await?;
    Ok(ok_once(user_with_password(u, Some(temp))))
}
