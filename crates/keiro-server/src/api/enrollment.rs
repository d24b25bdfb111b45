//! Partner enrollment (app `enrollment`): the applicant's account and application (If-Match
//! `"e<version>"`), and operator staff's review queue and decisions.

use crate::api::ApiQuery;
use crate::api::respond::{created_once, ok_tagged};
use crate::api::views::{enrollment_body, listed, profile_to_domain};
use crate::extract::{AnonCtx, ApiCtx, ApiJson, Paging, if_match};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use keiro_api_types::{
    CompanyProfile, Enrollment, EnrollmentAccountCreated, EnrollmentContacts, EnrollmentList,
    EnrollmentProgramRole, LinkMembership, NewEnrollmentAccount, ResellerAccount,
    ResellerAccountCreated, ReviewNote, VerificationResult, VerifyEmail,
};
use keiro_app::Ctx;
use keiro_app::enrollment::{Contacts, Decision, EnrollmentView, NewAccount};
use serde::Deserialize;

/// The application with its ETag (`"e<version>"`), for If-Match on the next step.
fn with_etag(v: EnrollmentView) -> Response {
    ok_tagged('e', v.version, enrollment_body(v))
}

/// Creates a work account to enroll with: a partner organization (not yet approved), its first
/// user and a draft application (R-ENR-1). Answers with an API token to continue.
#[utoipa::path(operation_id = "create_enrollment_account", post, path = "/v1/enrollment/accounts", tag = "enrollment", params(("Idempotency-Key" = Option<String>, Header, nullable = false)), request_body = NewEnrollmentAccount,
    responses((status = 201, body = EnrollmentAccountCreated), (status = 409, description = "The email is taken")))]
pub async fn create_account(
    State(s): State<AppState>,
    AnonCtx(ctx): AnonCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<NewEnrollmentAccount>,
) -> ApiResult<Response> {
    let key = crate::api::idempotency_key(&headers)?;
    let language = b
        .language
        .as_deref()
        .map(keiro_app::me::language)
        .transpose()?;
    let a = NewAccount {
        language,
        company_name: b.company_name,
        country: b.country,
        primary_domain: b.primary_domain,
        full_name: b.full_name,
        email: b.email,
        password: b.password,
        program_role: b.program_role,
    };
    let o = keiro_app::enrollment::create_account(&s.app, &ctx, a, key.as_deref()).await?;
    let me = o.value;
    // A token only with the first answer: a replay proves nothing about who asks again.
    let token = if o.replayed {
        None
    } else {
        keiro_app::tokens::issue(&s.app, Some(&ctx), &me, "enrollment", 7, None)
            .await?
            .secret
    };
    let ctx = Ctx {
        user: Some(me.clone()),
        ..ctx
    };
    let v = keiro_app::enrollment::get_mine(&s.app, &ctx).await?;
    Ok(created_once(
        o.replayed,
        EnrollmentAccountCreated {
            user_id: me.user.id,
            enrollment: enrollment_body(v),
            token,
        },
    ))
}

/// The caller's application.
#[utoipa::path(operation_id = "get_my_enrollment", get, path = "/v1/enrollment", tag = "enrollment", security(("bearer" = [])), responses((status = 200, body = Enrollment, headers(("ETag" = String)))))]
pub async fn get_mine(State(s): State<AppState>, ApiCtx(ctx): ApiCtx) -> ApiResult<Response> {
    Ok(with_etag(
        keiro_app::enrollment::get_mine(&s.app, &ctx).await?,
    ))
}

/// Step: program role.
#[utoipa::path(operation_id = "put_enrollment_program_role", put, path = "/v1/enrollment/programrole", tag = "enrollment", security(("bearer" = [])), params(("If-Match" = Option<String>, Header, nullable = false, description = "ETag from GET /v1/enrollment", pattern = r#"^(\*|(W/)?"e[0-9]+")$"#)), request_body = EnrollmentProgramRole,
    responses((status = 200, body = Enrollment, headers(("ETag" = String))), (status = 412, description = "Changed since read"), (status = 409, description = "Not editable in its state")))]
pub async fn put_program_role(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<EnrollmentProgramRole>,
) -> ApiResult<Response> {
    let v = if_match(&headers, 'e')?;
    Ok(with_etag(
        keiro_app::enrollment::set_program_role(&s.app, &ctx, &b.program_role, v).await?,
    ))
}

/// Step: link the membership record, proving control with its claim secret (R-ENR-2).
#[utoipa::path(operation_id = "put_enrollment_membership", put, path = "/v1/enrollment/membership", tag = "enrollment", security(("bearer" = [])), params(("If-Match" = Option<String>, Header, nullable = false, description = "ETag from GET /v1/enrollment", pattern = r#"^(\*|(W/)?"e[0-9]+")$"#)), request_body = LinkMembership,
    responses((status = 200, body = Enrollment, headers(("ETag" = String))), (status = 412, description = "Changed since read"), (status = 409, description = "Claimed by another organization")))]
pub async fn put_membership(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<LinkMembership>,
) -> ApiResult<Response> {
    let v = if_match(&headers, 'e')?;
    Ok(with_etag(
        keiro_app::enrollment::link_membership(&s.app, &ctx, &b.partner_id, &b.claim_secret, v)
            .await?,
    ))
}

/// Step: the legal business profile.
#[utoipa::path(operation_id = "put_enrollment_profile", put, path = "/v1/enrollment/profile", tag = "enrollment", security(("bearer" = [])), params(("If-Match" = Option<String>, Header, nullable = false, description = "ETag from GET /v1/enrollment", pattern = r#"^(\*|(W/)?"e[0-9]+")$"#)), request_body = CompanyProfile,
    responses((status = 200, body = Enrollment, headers(("ETag" = String))), (status = 412, description = "Changed since read")))]
pub async fn put_profile(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CompanyProfile>,
) -> ApiResult<Response> {
    let v = if_match(&headers, 'e')?;
    let p = profile_to_domain(b);
    Ok(with_etag(
        keiro_app::enrollment::set_profile(&s.app, &ctx, p, v).await?,
    ))
}

/// Step: primary contact (no web-mail) and customer support contact (R-ENR-3).
#[utoipa::path(operation_id = "put_enrollment_contacts", put, path = "/v1/enrollment/contacts", tag = "enrollment", security(("bearer" = [])), params(("If-Match" = Option<String>, Header, nullable = false, description = "ETag from GET /v1/enrollment", pattern = r#"^(\*|(W/)?"e[0-9]+")$"#)), request_body = EnrollmentContacts,
    responses((status = 200, body = Enrollment, headers(("ETag" = String))), (status = 412, description = "Changed since read")))]
pub async fn put_contacts(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<EnrollmentContacts>,
) -> ApiResult<Response> {
    let v = if_match(&headers, 'e')?;
    let c = Contacts {
        primary_contact_name: b.primary_contact_name,
        primary_contact_email: b.primary_contact_email,
        primary_contact_phone: b.primary_contact_phone,
        support_email: b.support_email,
        support_phone: b.support_phone,
        support_website: b.support_website,
    };
    Ok(with_etag(
        keiro_app::enrollment::set_contacts(&s.app, &ctx, c, v).await?,
    ))
}

/// Submits (or resubmits) the application; the primary contact gets a verification link.
#[utoipa::path(operation_id = "submit_enrollment", post, path = "/v1/enrollment/submit", tag = "enrollment", security(("bearer" = [])),
    responses((status = 200, body = Enrollment), (status = 409, description = "Not editable in its state")))]
pub async fn submit(State(s): State<AppState>, ApiCtx(ctx): ApiCtx) -> ApiResult<Json<Enrollment>> {
    Ok(Json(enrollment_body(
        keiro_app::enrollment::submit(&s.app, &ctx).await?,
    )))
}

/// Follows the primary contact's verification link (anonymous: the link is the proof).
#[utoipa::path(operation_id = "verify_enrollment_email", post, path = "/v1/enrollment/verifications", tag = "enrollment", request_body = VerifyEmail,
    responses((status = 200, body = VerificationResult)))]
pub async fn verify(
    State(s): State<AppState>,
    AnonCtx(ctx): AnonCtx,
    ApiJson(b): ApiJson<VerifyEmail>,
) -> ApiResult<Json<VerificationResult>> {
    Ok(Json(VerificationResult {
        state: keiro_app::enrollment::verify(&s.app, &ctx, &b.token).await?,
    }))
}

/// R-ENR-5: a partner already in the program becomes an indirect reseller with only its
/// support contact.
#[utoipa::path(operation_id = "create_reseller_account", post, path = "/v1/enrollment/reselleraccount", tag = "enrollment", security(("bearer" = [])), request_body = ResellerAccount,
    responses((status = 200, body = ResellerAccountCreated), (status = 409, description = "Already a reseller")))]
pub async fn reseller_account(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<ResellerAccount>,
) -> ApiResult<Json<ResellerAccountCreated>> {
    let roles = keiro_app::enrollment::reseller_account(
        &s.app,
        &ctx,
        &b.support_email,
        &b.support_phone,
        &b.support_website,
    )
    .await?;
    Ok(Json(ResellerAccountCreated {
        program_roles: roles,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// draft, pending_verification, in_review, more_info_requested, approved or rejected.
    #[param(min_length = 1)]
    pub state: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

/// Operator staff: the review queue, oldest first.
#[utoipa::path(operation_id = "list_enrollments", get, path = "/v1/enrollments", tag = "operator", security(("bearer" = [])), params(QueueParams),
    responses((status = 200, body = EnrollmentList)))]
pub async fn queue(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<QueueParams>,
) -> ApiResult<Json<EnrollmentList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let state = crate::extract::non_empty("state", q.state)?;
    let page =
        keiro_app::enrollment::queue(&s.app, &ctx, state.as_deref(), p.cursor.as_deref(), p.limit)
            .await?;
    let (items, next_cursor) = listed(page, enrollment_body);
    Ok(Json(EnrollmentList { items, next_cursor }))
}

/// Operator staff: one application.
#[utoipa::path(operation_id = "get_enrollment", get, path = "/v1/enrollments/{id}", tag = "operator", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Enrollment)))]
pub async fn get_one(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Json<Enrollment>> {
    Ok(Json(enrollment_body(
        keiro_app::enrollment::get(&s.app, &ctx, &id).await?,
    )))
}

async fn decide(
    s: AppState,
    ctx: Ctx,
    id: String,
    d: Decision,
    note: String,
) -> ApiResult<Json<Enrollment>> {
    Ok(Json(enrollment_body(
        keiro_app::enrollment::decide(&s.app, &ctx, &id, d, &note).await?,
    )))
}

/// Operator staff: approve (the applicant becomes global admin and admin agent; R-USR-6).
#[utoipa::path(operation_id = "approve_enrollment", post, path = "/v1/enrollments/{id}/approve", tag = "operator", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = ReviewNote, responses((status = 200, body = Enrollment), (status = 409, description = "Not in review")))]
pub async fn approve(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReviewNote>,
) -> ApiResult<Json<Enrollment>> {
    decide(s, ctx, id, Decision::Approve, b.note).await
}

/// Operator staff: reject with a reason.
#[utoipa::path(operation_id = "reject_enrollment", post, path = "/v1/enrollments/{id}/reject", tag = "operator", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = ReviewNote, responses((status = 200, body = Enrollment), (status = 409, description = "Not in review")))]
pub async fn reject(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReviewNote>,
) -> ApiResult<Json<Enrollment>> {
    decide(s, ctx, id, Decision::Reject, b.note).await
}

/// Operator staff: ask the applicant for more information.
#[utoipa::path(operation_id = "request_enrollment_info", post, path = "/v1/enrollments/{id}/requestinfo", tag = "operator", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = ReviewNote, responses((status = 200, body = Enrollment), (status = 409, description = "Not in review")))]
pub async fn request_info(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReviewNote>,
) -> ApiResult<Json<Enrollment>> {
    decide(s, ctx, id, Decision::RequestInfo, b.note).await
}
