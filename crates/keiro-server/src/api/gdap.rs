//! Granular delegated admin (R-REL-8): relationships, their approval links, access assignments
//! and the partner's security groups.

use crate::api::params::PageParams;
use crate::api::respond::{created, created_once};
use crate::api::views::{assignment_body, gdap_body, group_body, listed, request_created};
use crate::api::{ApiQuery, idempotency_key};
use crate::extract::{ApiCtx, ApiJson, Paging};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use keiro_api_types::{
    AccessAssignment, AccessAssignmentList, AddGroupMember, ApproveGdap, CreateAccessAssignment,
    CreateGdapRelationship, CreateSecurityGroup, GdapRelationship, GdapRelationshipList,
    RelationshipRequestCreated, RequestGdapApproval, SecurityGroup, SecurityGroupList,
};
use keiro_app::gdap::NewGdap;

/// The caller's GDAP relationships: a partner's own, or a customer's with its partners.
#[utoipa::path(operation_id = "list_gdap_relationships", get, path = "/v1/delegatedadminrelationships", tag = "gdap", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = GdapRelationshipList)))]
pub async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<PageParams>,
) -> ApiResult<Json<GdapRelationshipList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let page = keiro_app::gdap::list(&s.app, &ctx, p.cursor.as_deref(), p.limit).await?;
    let (items, next_cursor) = listed(page, gdap_body);
    Ok(Json(GdapRelationshipList { items, next_cursor }))
}

/// Creates a relationship (state `created`): roles, 1–730 days, optional auto-extend.
#[utoipa::path(operation_id = "create_gdap_relationship", post, path = "/v1/delegatedadminrelationships", tag = "gdap", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, nullable = false)), request_body = CreateGdapRelationship,
    responses((status = 201, body = GdapRelationship), (status = 409, description = "The display name is taken")))]
pub async fn create(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CreateGdapRelationship>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let o = keiro_app::gdap::create(
        &s.app,
        &ctx,
        NewGdap {
            display_name: b.display_name,
            customer_id: b.customer_id,
            roles: b.roles,
            duration_days: b.duration_days,
            auto_extend: b.auto_extend,
        },
        key.as_deref(),
    )
    .await?;
    Ok(created(o.replayed, gdap_body(o.value)))
}

#[utoipa::path(operation_id = "get_gdap_relationship", get, path = "/v1/delegatedadminrelationships/{id}", tag = "gdap", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = GdapRelationship)))]
pub async fn get(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Json<GdapRelationship>> {
    Ok(Json(gdap_body(
        keiro_app::gdap::get(&s.app, &ctx, &id).await?,
    )))
}

/// Moves the relationship to approval pending and returns its single-use approval link and
/// draft (shown once); with `send_to`, Keiro emails it.
#[utoipa::path(operation_id = "request_gdap_approval", post, path = "/v1/delegatedadminrelationships/{id}/requestapproval", tag = "gdap", security(("bearer" = [])),
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, nullable = false)),
    request_body = RequestGdapApproval,
    responses((status = 201, body = RelationshipRequestCreated), (status = 409, description = "Not in a state that asks for approval")))]
pub async fn request_approval(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<RequestGdapApproval>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let send_to = b.send_to.map(|to| keiro_app::invitations::SendTo {
        to,
        message: b.message,
    });
    let r =
        keiro_app::gdap::request_approval(&s.app, &ctx, &id, None, key.as_deref(), send_to).await?;
    Ok(created_once(r.replayed, request_created(r)))
}

/// Approves a pending relationship that names the caller's (customer) organization, from its
/// admin center; declining is terminating.
#[utoipa::path(operation_id = "approve_gdap_relationship", post, path = "/v1/delegatedadminrelationships/{id}/approve", tag = "gdap", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = ApproveGdap,
    responses((status = 200, body = GdapRelationship), (status = 409, description = "Not pending")))]
pub async fn approve(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ApproveGdap>,
) -> ApiResult<Json<GdapRelationship>> {
    Ok(Json(gdap_body(
        keiro_app::gdap::approve_named(&s.app, &ctx, &id, b.confirm).await?,
    )))
}

/// Terminates the relationship, from either side; its roles stop at once.
#[utoipa::path(operation_id = "terminate_gdap_relationship", post, path = "/v1/delegatedadminrelationships/{id}/terminate", tag = "gdap", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = GdapRelationship), (status = 409, description = "Already over")))]
pub async fn terminate(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Json<GdapRelationship>> {
    Ok(Json(gdap_body(
        keiro_app::gdap::terminate(&s.app, &ctx, &id).await?,
    )))
}

#[utoipa::path(operation_id = "list_access_assignments", get, path = "/v1/delegatedadminrelationships/{id}/accessassignments", tag = "gdap", security(("bearer" = [])),
    params(("id" = String, Path), PageParams), responses((status = 200, body = AccessAssignmentList)))]
pub async fn assignments(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageParams>,
) -> ApiResult<Json<AccessAssignmentList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let page =
        keiro_app::gdap::assignments(&s.app, &ctx, &id, p.cursor.as_deref(), p.limit).await?;
    let (items, next_cursor) = listed(page, assignment_body);
    Ok(Json(AccessAssignmentList { items, next_cursor }))
}

/// Gives a security group a subset of the relationship's roles.
#[utoipa::path(operation_id = "create_access_assignment", post, path = "/v1/delegatedadminrelationships/{id}/accessassignments", tag = "gdap", security(("bearer" = [])),
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, nullable = false)), request_body = CreateAccessAssignment,
    responses((status = 201, body = AccessAssignment), (status = 409, description = "The group already has an assignment, or the relationship ended")))]
pub async fn assign(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CreateAccessAssignment>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let o =
        keiro_app::gdap::assign(&s.app, &ctx, &id, &b.group_id, &b.roles, key.as_deref()).await?;
    Ok(created(o.replayed, assignment_body(o.value)))
}

#[utoipa::path(operation_id = "delete_access_assignment", delete, path = "/v1/delegatedadminrelationships/{id}/accessassignments/{assignment_id}", tag = "gdap", security(("bearer" = [])),
    params(("id" = String, Path), ("assignment_id" = String, Path)), responses((status = 204, description = "Removed")))]
pub async fn unassign(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path((id, assignment)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    keiro_app::gdap::unassign(&s.app, &ctx, &id, &assignment).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's security groups with their members.
#[utoipa::path(operation_id = "list_security_groups", get, path = "/v1/securitygroups", tag = "gdap", security(("bearer" = [])),
    params(PageParams), responses((status = 200, body = SecurityGroupList)))]
pub async fn groups(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<PageParams>,
) -> ApiResult<Json<SecurityGroupList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let page = keiro_app::gdap::groups(&s.app, &ctx, p.cursor.as_deref(), p.limit).await?;
    let (items, next_cursor) = listed(page, group_body);
    Ok(Json(SecurityGroupList { items, next_cursor }))
}

#[utoipa::path(operation_id = "create_security_group", post, path = "/v1/securitygroups", tag = "gdap", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, nullable = false)), request_body = CreateSecurityGroup,
    responses((status = 201, body = SecurityGroup), (status = 409, description = "The name is taken")))]
pub async fn create_group(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CreateSecurityGroup>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let o = keiro_app::gdap::create_group(&s.app, &ctx, &b.name, key.as_deref()).await?;
    Ok(created(o.replayed, group_body(o.value)))
}

#[utoipa::path(operation_id = "add_security_group_member", post, path = "/v1/securitygroups/{id}/members", tag = "gdap", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = AddGroupMember,
    responses((status = 200, body = SecurityGroup), (status = 409, description = "Already a member")))]
pub async fn add_member(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<AddGroupMember>,
) -> ApiResult<Json<SecurityGroup>> {
    Ok(Json(group_body(
        keiro_app::gdap::set_member(&s.app, &ctx, &id, &b.user_id, true).await?,
    )))
}

#[utoipa::path(operation_id = "remove_security_group_member", delete, path = "/v1/securitygroups/{id}/members/{user_id}", tag = "gdap", security(("bearer" = [])),
    params(("id" = String, Path), ("user_id" = String, Path)), responses((status = 200, body = SecurityGroup)))]
pub async fn remove_member(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path((id, user)): Path<(String, String)>,
) -> ApiResult<Json<SecurityGroup>> {
    Ok(Json(group_body(
        keiro_app::gdap::set_member(&s.app, &ctx, &id, &user, false).await?,
    )))
}
