//! Using benefits per kind (app `benefits`, R-BEN-4, R-BEN-6…9, issue 18): assignments of Azure
//! credits and Visual Studio subscriptions to users, technical support and advisory requests
//! (operator staff answer them), the partner's marketing contact, and the go-to-market offers
//! operator staff confirm.

use crate::api::benefits::{allocation_body, request_body};
use crate::api::respond::{created_tagged, ok_tagged};
use crate::api::views::listed;
use crate::api::{ApiQuery, idempotency_key};
use crate::extract::{ApiCtx, ApiJson, Paging, if_match, non_empty};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use keiro_api_types::{
    AnswerBenefitRequest, BenefitAssignment, BenefitAssignmentList, BenefitMarketingContact,
    CreateBenefitAssignment, CreateBenefitRequest, PendingBenefitOffer, PendingBenefitOfferList,
    PutBenefitMarketingContact, ReassignBenefitAssignment,
};
use keiro_app::benefits::{self as app, AssignmentView, ContactInput, ContactView, SupportInput};
use serde::Deserialize;

fn assignment_body(g: AssignmentView) -> BenefitAssignment {
    BenefitAssignment {
        id: g.id,
        allocation_id: g.allocation_id,
        kind: g.kind,
        slot: g.slot,
        user_id: g.user_id,
        user_name: g.user_name,
        user_email: g.user_email,
        state: g.state,
        assigned_at: g.assigned_at,
        assigned_by: g.assigned_by,
        ended_at: g.ended_at,
        end_reason: g.end_reason,
        reassignable_from: g.reassignable_from,
        transferable_until: g.transferable_until,
    }
}

fn contact_body(c: ContactView) -> BenefitMarketingContact {
    BenefitMarketingContact {
        user_id: c.user_id,
        user_name: c.user_name,
        email: c.email,
        phone: c.phone,
        language: c.language,
        updated_at: c.updated_at,
        updated_by: c.updated_by,
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssignmentParams {
    #[param(min_length = 1)]
    pub allocation_id: Option<String>,
    #[param(min_length = 1)]
    pub user_id: Option<String>,
    /// active or ended.
    pub state: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

/// Who holds the partner's credits and Visual Studio subscriptions, newest first (every partner
/// user sees it).
#[utoipa::path(operation_id = "list_benefit_assignments", get, path = "/v1/benefitassignments", tag = "benefits", security(("bearer" = [])), params(AssignmentParams),
    responses((status = 200, body = BenefitAssignmentList), (status = 403, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn list_assignments(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<AssignmentParams>,
) -> ApiResult<Json<BenefitAssignmentList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let allocation = non_empty("allocation_id", q.allocation_id)?;
    let user = non_empty("user_id", q.user_id)?;
    let state = non_empty("state", q.state)?;
    let page = app::assignments(
        &s.app,
        &ctx,
        allocation.as_deref(),
        user.as_deref(),
        state.as_deref(),
        p.cursor.as_deref(),
        p.limit,
    )
    .await?;
    let (items, next_cursor) = listed(page, assignment_body);
    Ok(Json(BenefitAssignmentList { items, next_cursor }))
}

/// A global admin assigns a unit of an Azure credit or Visual Studio allocation to a user of the
/// partner (R-BEN-4, R-BEN-6). Refusals: role_required, benefit_not_assignable,
/// benefit_not_active, no_assignment_left, user_already_assigned, credit_not_combinable.
#[utoipa::path(operation_id = "create_benefit_assignment", post, path = "/v1/benefitassignments", tag = "benefits", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, nullable = false)),
    request_body = CreateBenefitAssignment,
    responses((status = 201, body = BenefitAssignment, headers(("ETag" = String))), (status = 200, description = "Replay", body = BenefitAssignment),
        (status = 403, body = keiro_api_types::Problem), (status = 404, body = keiro_api_types::Problem),
        (status = 409, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn create_assignment(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CreateBenefitAssignment>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let o = app::assign(&s.app, &ctx, &b.allocation_id, &b.user_id, key.as_deref()).await?;
    Ok(created_tagged(
        o.replayed,
        'g',
        o.value.version,
        assignment_body(o.value),
    ))
}

#[utoipa::path(operation_id = "get_benefit_assignment", get, path = "/v1/benefitassignments/{id}", tag = "benefits", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = BenefitAssignment, headers(("ETag" = String))), (status = 404, body = keiro_api_types::Problem)))]
pub async fn get_assignment(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let v = app::assignment(&s.app, &ctx, &id).await?;
    Ok(ok_tagged('g', v.version, assignment_body(v)))
}

/// A global admin moves an assignment to another user: the Azure annual credit within its year
/// (transferred), a Visual Studio subscription 90 days after its assignment (reassigned); both
/// users are emailed. Answers the new assignment. Refusals: reassign_too_early (its message
/// says the date), annual_credit_year_over, monthly_credit_not_transferable, same_user,
/// user_already_assigned, credit_not_combinable, assignment_ended.
#[utoipa::path(operation_id = "reassign_benefit_assignment", post, path = "/v1/benefitassignments/{id}/reassign", tag = "benefits", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = ReassignBenefitAssignment,
    responses((status = 200, body = BenefitAssignment, headers(("ETag" = String))), (status = 403, body = keiro_api_types::Problem),
        (status = 404, body = keiro_api_types::Problem), (status = 409, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn reassign(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReassignBenefitAssignment>,
) -> ApiResult<Response> {
    let v = app::reassign(&s.app, &ctx, &id, &b.user_id).await?;
    Ok(ok_tagged('g', v.version, assignment_body(v)))
}

/// A global admin removes a user from a monthly credit (at any time; the unit is free again).
/// Refusals: annual_credit_not_removable, visual_studio_not_removable, assignment_ended.
#[utoipa::path(operation_id = "remove_benefit_assignment", post, path = "/v1/benefitassignments/{id}/remove", tag = "benefits", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = BenefitAssignment, headers(("ETag" = String))), (status = 403, body = keiro_api_types::Problem),
        (status = 404, body = keiro_api_types::Problem), (status = 409, body = keiro_api_types::Problem)))]
pub async fn remove(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let v = app::remove(&s.app, &ctx, &id).await?;
    Ok(ok_tagged('g', v.version, assignment_body(v)))
}

/// Any partner user sends the operator a technical support request through an activated
/// technical benefit (it carries the access ID and contract ID and uses one incident; topic
/// cloud only for Silver and Gold) or a technical presales and deployment request through
/// partner advisory hours (R-BEN-7, R-BEN-8). Refusals: wrong_benefit_for_request,
/// benefit_not_active, benefit_not_activated, cloud_support_not_included, no_incidents_left,
/// no_hours_left.
#[utoipa::path(operation_id = "create_benefit_request", post, path = "/v1/benefitrequests", tag = "benefits", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, nullable = false)),
    request_body = CreateBenefitRequest,
    responses((status = 201, body = keiro_api_types::BenefitRequest, headers(("ETag" = String))), (status = 200, description = "Replay", body = keiro_api_types::BenefitRequest),
        (status = 403, body = keiro_api_types::Problem), (status = 404, body = keiro_api_types::Problem),
        (status = 409, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn create_request(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CreateBenefitRequest>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let input = SupportInput {
        kind: b.kind,
        allocation_id: b.allocation_id,
        topic: b.topic,
        description: b.description,
    };
    let o = app::open_request(&s.app, &ctx, input, key.as_deref()).await?;
    Ok(created_tagged(
        o.replayed,
        'q',
        o.value.version,
        request_body(o.value),
    ))
}

/// Operator staff answer a technical support or advisory request; for an advisory request they
/// record the hours it used (0 to the hours left). Refusals: request_not_answerable (a
/// cancellation), request_decided, hours_over_balance.
#[utoipa::path(operation_id = "answer_benefit_request", post, path = "/v1/benefitrequests/{id}/answer", tag = "benefits", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = AnswerBenefitRequest,
    responses((status = 200, body = keiro_api_types::BenefitRequest, headers(("ETag" = String))), (status = 403, body = keiro_api_types::Problem),
        (status = 404, body = keiro_api_types::Problem), (status = 409, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn answer(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<AnswerBenefitRequest>,
) -> ApiResult<Response> {
    let v = app::answer(&s.app, &ctx, &id, &b.answer, b.hours_used).await?;
    Ok(ok_tagged('q', v.version, request_body(v)))
}

/// The partner's marketing contact for go-to-market offers; 404 until one is assigned.
#[utoipa::path(operation_id = "get_benefit_marketing_contact", get, path = "/v1/benefitmarketingcontact", tag = "benefits", security(("bearer" = [])),
    responses((status = 200, body = BenefitMarketingContact, headers(("ETag" = String))), (status = 403, body = keiro_api_types::Problem), (status = 404, body = keiro_api_types::Problem)))]
pub async fn get_contact(State(s): State<AppState>, ApiCtx(ctx): ApiCtx) -> ApiResult<Response> {
    let v = app::contact(&s.app, &ctx)
        .await?
        .ok_or(keiro_app::AppError::NotFound("benefit_marketing_contact"))?;
    Ok(ok_tagged('c', v.version, contact_body(v)))
}

/// A global admin or membership admin assigns or changes the marketing contact (R-BEN-9): a
/// user of the partner, an email other than that user's sign-in email, a phone number and a
/// preferred language; the contact is emailed the instructions in that language. If-Match (the
/// ETag read) guards a change. Refusals: role_required, contact_email_is_sign_in,
/// invalid_phone, invalid_language, precondition_failed.
#[utoipa::path(operation_id = "put_benefit_marketing_contact", put, path = "/v1/benefitmarketingcontact", tag = "benefits", security(("bearer" = [])),
    params(("If-Match" = Option<String>, Header, nullable = false)),
    request_body = PutBenefitMarketingContact,
    responses((status = 200, body = BenefitMarketingContact, headers(("ETag" = String))), (status = 400, body = keiro_api_types::Problem),
        (status = 403, body = keiro_api_types::Problem), (status = 404, body = keiro_api_types::Problem),
        (status = 412, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn put_contact(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<PutBenefitMarketingContact>,
) -> ApiResult<Response> {
    let version = if_match(&headers, 'c')?;
    let input = ContactInput {
        user_id: b.user_id,
        email: b.email,
        phone: b.phone,
        language: b.language,
    };
    let v = app::set_contact(&s.app, &ctx, input, version).await?;
    Ok(ok_tagged('c', v.version, contact_body(v)))
}

/// Operator staff's queue: go-to-market offers partners activated, waiting for confirmation,
/// oldest first.
#[utoipa::path(operation_id = "list_pending_benefit_offers", get, path = "/v1/pendingbenefitoffers", tag = "benefits", security(("bearer" = [])), params(crate::api::params::PageParams),
    responses((status = 200, body = PendingBenefitOfferList), (status = 403, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn list_pending(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<crate::api::params::PageParams>,
) -> ApiResult<Json<PendingBenefitOfferList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let page = app::pending(&s.app, &ctx, p.cursor.as_deref(), p.limit).await?;
    let (items, next_cursor) = listed(page, |o| PendingBenefitOffer {
        org_id: o.allocation.org_id.clone(),
        org_name: o.org_name,
        contact: o.contact.map(contact_body),
        allocation: allocation_body(o.allocation),
    });
    Ok(Json(PendingBenefitOfferList { items, next_cursor }))
}

/// Operator staff confirm a pending go-to-market offer: it is active until its expiry date and
/// the partner's marketing contact is told. Refusal: activation_not_pending.
#[utoipa::path(operation_id = "confirm_benefit_allocation", post, path = "/v1/benefitallocations/{id}/confirm", tag = "benefits", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = keiro_api_types::BenefitAllocation, headers(("ETag" = String))), (status = 403, body = keiro_api_types::Problem),
        (status = 404, body = keiro_api_types::Problem), (status = 409, body = keiro_api_types::Problem)))]
pub async fn confirm(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let v = app::confirm(&s.app, &ctx, &id).await?;
    Ok(ok_tagged('l', v.version, allocation_body(v)))
}
