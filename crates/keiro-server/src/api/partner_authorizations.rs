//! Program authorizations of partners (app `partner_authorizations`): operator staff list
//! approved partners, and set one partner's authorizations with a reason. If-Match
//! `"o<version>"`: the organization's version, as for its profile.

use crate::api::ApiQuery;
use crate::api::respond::ok_tagged;
use crate::api::views::listed;
use crate::extract::{ApiCtx, ApiJson, Paging, if_match, non_empty};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use keiro_api_types::{
    PartnerAuthorizationChange, PartnerAuthorizationHistory, PartnerAuthorizations,
    PartnerAuthorizationsList, SetPartnerAuthorizations,
};
use keiro_app::partner_authorizations::PartnerView;
use keiro_domain::PartnerAuthorization;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PartnerAuthorizationParams {
    /// Part of the partner's name or partner ID.
    #[param(min_length = 1)]
    pub q: Option<String>,
    /// Only partners holding this authorization.
    #[param(value_type = Option<keiro_api_types::PartnerAuthorizationCode>)]
    pub authorization: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

fn body(v: PartnerView) -> PartnerAuthorizations {
    PartnerAuthorizations {
        organization_id: v.organization_id,
        partner_id: v.partner_id,
        name: v.name,
        country: v.country,
        authorizations: v.authorizations,
        updated_at: v.updated_at,
    }
}

fn tagged(v: PartnerView) -> Response {
    ok_tagged('o', v.version, body(v))
}

/// Operator staff: approved partners and their program authorizations.
#[utoipa::path(operation_id = "list_partner_authorizations", get, path = "/v1/partnerauthorizations", tag = "operator", security(("bearer" = [])), params(PartnerAuthorizationParams),
    responses((status = 200, body = PartnerAuthorizationsList), (status = 403, body = keiro_api_types::Problem)))]
pub async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<PartnerAuthorizationParams>,
) -> ApiResult<Json<PartnerAuthorizationsList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let search = non_empty("q", q.q)?;
    let holding = match q.authorization.as_deref() {
        None => None,
        Some(a) => Some(PartnerAuthorization::parse(a).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_query",
                "authorization is subscription_advisor or delegated_admin",
            )
            .field(
                "authorization",
                "invalid_authorization",
                "unknown authorization",
            )
        })?),
    };
    let page = keiro_app::partner_authorizations::list(
        &s.app,
        &ctx,
        search.as_deref(),
        holding,
        p.cursor.as_deref(),
        p.limit,
    )
    .await?;
    let (items, next_cursor) = listed(page, body);
    Ok(Json(PartnerAuthorizationsList { items, next_cursor }))
}

/// Operator staff: one approved partner's program authorizations.
#[utoipa::path(operation_id = "get_partner_authorizations", get, path = "/v1/partnerauthorizations/{organization_id}", tag = "operator", security(("bearer" = [])),
    params(("organization_id" = String, Path)),
    responses((status = 200, body = PartnerAuthorizations, headers(("ETag" = String))), (status = 404, body = keiro_api_types::Problem), (status = 409, description = "Not an approved partner", body = keiro_api_types::Problem)))]
pub async fn get(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(tagged(
        keiro_app::partner_authorizations::get(&s.app, &ctx, &id).await?,
    ))
}

/// Operator staff: set the authorizations the partner holds from now on, with a reason. A
/// change is audited and emailed to the partner's primary contact; setting what it holds
/// already changes nothing.
#[utoipa::path(operation_id = "set_partner_authorizations", put, path = "/v1/partnerauthorizations/{organization_id}", tag = "operator", security(("bearer" = [])),
    params(("organization_id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, description = "ETag of the partner's authorizations", pattern = r#"^(\*|(W/)?"o[0-9]+")$"#)),
    request_body = SetPartnerAuthorizations,
    responses((status = 200, body = PartnerAuthorizations, headers(("ETag" = String))), (status = 404, body = keiro_api_types::Problem), (status = 409, body = keiro_api_types::Problem), (status = 412, description = "Changed since read"), (status = 422, body = keiro_api_types::Problem)))]
pub async fn set(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<SetPartnerAuthorizations>,
) -> ApiResult<Response> {
    let version = if_match(&headers, 'o')?;
    Ok(tagged(
        keiro_app::partner_authorizations::set(
            &s.app,
            &ctx,
            &id,
            b.authorizations,
            &b.reason,
            version,
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesParams {
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

/// Operator staff: the partner's past authorization changes, newest first.
#[utoipa::path(operation_id = "list_partner_authorization_changes", get, path = "/v1/partnerauthorizations/{organization_id}/changes", tag = "operator", security(("bearer" = [])),
    params(("organization_id" = String, Path), ChangesParams),
    responses((status = 200, body = PartnerAuthorizationHistory), (status = 404, body = keiro_api_types::Problem), (status = 409, body = keiro_api_types::Problem)))]
pub async fn changes(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ChangesParams>,
) -> ApiResult<Json<PartnerAuthorizationHistory>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    keiro_app::partner_authorizations::get(&s.app, &ctx, &id).await?;
    let page =
        keiro_app::partner_authorizations::history(&s.app, &ctx, &id, p.cursor.as_deref(), p.limit)
            .await?;
    let (items, next_cursor) = listed(page, |c| PartnerAuthorizationChange {
        at: c.at,
        by: c.by,
        granted: c.granted,
        revoked: c.revoked,
        reason: c.reason,
    });
    Ok(Json(PartnerAuthorizationHistory { items, next_cursor }))
}
