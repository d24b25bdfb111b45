use crate::extract::{ApiCtx, ApiJson};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use keiro_api_types::{ChangePassword, Me, OrganizationInfo, UpdateMe, UserInfo};
use keiro_app::CurrentUser;

pub fn me_body(u: &CurrentUser) -> Me {
    let split = |s: &str| {
        s.split(',')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    Me {
        user: UserInfo {
            id: u.user.id.clone(),
            email: u.user.email.clone(),
            full_name: u.user.full_name.clone(),
            language: u.user.language.clone(),
            must_change_password: u.user.must_change_password,
            delegated_access: u.user.delegated_access.clone(),
        },
        organization: OrganizationInfo {
            id: u.org.id.clone(),
            kind: u.org.kind.clone(),
            legal_name: u.org.legal_name.clone(),
            country: u.org.country.clone(),
            partner_id: u.org.partner_id.clone(),
            program_roles: split(&u.org.program_roles),
            authorizations: split(&u.org.authorizations),
        },
        roles: u.actor.roles.iter().map(|r| r.code().to_string()).collect(),
    }
}

fn with_etag(u: &CurrentUser) -> Response {
    let mut r = Json(me_body(u)).into_response();
    r.headers_mut()
        .insert(header::ETAG, crate::extract::etag('u', u.user.version));
    r
}

/// The caller: their user, organization and roles.
#[utoipa::path(get, path = "/v1/me", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = Me, headers(("ETag" = String))),
        (status = 401, body = keiro_api_types::Problem), (status = 403, body = keiro_api_types::Problem)))]
pub async fn get_me(ApiCtx(ctx): ApiCtx) -> ApiResult<Response> {
    Ok(with_etag(keiro_app::me::get(&ctx)?))
}

/// Updates the caller's name or language. With `If-Match`, only if unchanged since read.
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
