//! The caller's organization and company profile (app `orgs`), If-Match `"o<version>"`.

use crate::api::respond::ok_tagged;
use crate::api::views::{profile_from_domain, profile_to_domain};
use crate::extract::{ApiCtx, ApiJson, if_match};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use keiro_api_types::{CompanyProfile, Organization};

fn body(o: keiro_app::orgs::Organization, can_edit: bool) -> Response {
    let split = |s: &str| {
        s.split(',')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let p = keiro_app::orgs::profile_of(&o);
    ok_tagged(
        'o',
        o.version,
        Organization {
            id: o.id,
            kind: o.kind,
            partner_id: o.partner_id,
            program_roles: split(&o.program_roles),
            authorizations: split(&o.authorizations),
            profile: profile_from_domain(p),
            can_edit,
        },
    )
}

/// The caller's organization and its company profile (every user may read it).
#[utoipa::path(operation_id = "get_organization_profile", get, path = "/v1/organization/profile", tag = "organization", security(("bearer" = [])),
    responses((status = 200, body = Organization, headers(("ETag" = String)))))]
pub async fn get_profile(State(s): State<AppState>, ApiCtx(ctx): ApiCtx) -> ApiResult<Response> {
    let (o, can_edit) = keiro_app::orgs::get(&s.app, &ctx).await?;
    Ok(body(o, can_edit))
}

/// Replaces the company profile (global admins only).
#[utoipa::path(operation_id = "put_organization_profile", put, path = "/v1/organization/profile", tag = "organization", security(("bearer" = [])), request_body = CompanyProfile,
    params(("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"o[0-9]+")$"#)),
    responses((status = 200, body = Organization), (status = 412, description = "Changed since read")))]
pub async fn put_profile(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CompanyProfile>,
) -> ApiResult<Response> {
    let v = if_match(&headers, 'o')?;
    let p = profile_to_domain(b);
    let o = keiro_app::orgs::update(&s.app, &ctx, p, v).await?;
    Ok(body(o, true))
}
