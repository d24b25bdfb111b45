//! Relationship requests (invitation links), accepting them, both sides of provider ↔ reseller
//! partnerships (R-PRT-1…6) and the provider's admin access to a reseller (R-PRT-4).

use crate::api::params::UserParams;
use crate::api::respond::{created_once, ok_tagged};
use crate::api::views::{
    contact_body, gdap_body, listed, partner_body, request_body, request_created, user_body,
};
use crate::api::{ApiQuery, idempotency_key};
use crate::extract::{AnonCtx, ApiCtx, ApiJson, Paging, encode_cursor, non_empty};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use keiro_api_types::{
    AcceptInvitation, CreateRelationshipRequest, InvitationAccepted, InvitationPreview, Partner,
    PartnerList, RelationshipRequest, RelationshipRequestCreated, RelationshipRequestList,
    RemovePartnership, SharedCustomer, SharedCustomerList, UserList,
};
use keiro_app::partnerships::{PartnerSide, PartnerView};
use keiro_domain::invitation::{InvitationKind, InvitationState};
use serde::Deserialize;

fn kind_param(kind: &str) -> Result<InvitationKind, ApiError> {
    InvitationKind::parse(kind).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_kind",
            "kind must be one of: partnership, reseller_relationship, three_way_relationship, delegated_admin",
        )
        .field("kind", "invalid_kind", "unknown kind")
    })
}

/// Creates an invitation link and its draft email (R-PRT-1). The URL is in this answer only.
#[utoipa::path(operation_id = "create_relationship_request", post, path = "/v1/relationshiprequests", tag = "partnerships", security(("bearer" = [])),
    request_body = CreateRelationshipRequest,
    params(("Idempotency-Key" = Option<String>, Header, nullable = false)),
    responses((status = 201, body = RelationshipRequestCreated),
        (status = 200, description = "Replay (no URL, no draft)", body = RelationshipRequestCreated)))]
pub async fn create_request(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CreateRelationshipRequest>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let kind = kind_param(&b.kind)?;
    let send_to = b.send_to.map(|to| keiro_app::invitations::SendTo {
        to,
        message: b.message,
    });
    let key = key.as_deref();
    let r = match kind {
        InvitationKind::Partnership => {
            keiro_app::partnerships::request(&s.app, &ctx, None, key, send_to).await?
        }
        InvitationKind::ResellerRelationship => {
            keiro_app::relationships::request(&s.app, &ctx, None, key, send_to).await?
        }
        InvitationKind::GdapApproval => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_kind",
                "GDAP approval links come from POST /v1/delegatedadminrelationships/{id}/requestapproval",
            ));
        }
        InvitationKind::TrialInvitation => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_kind",
                "trial invitations come from POST /v1/trialinvitations",
            ));
        }
        InvitationKind::PurchaseOffer => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_kind",
                "purchase offers come from POST /v1/purchaseoffers",
            ));
        }
        InvitationKind::DelegatedAdmin => {
            keiro_app::relationships::offer_delegated_admin(&s.app, &ctx, None, key, send_to)
                .await?
        }
        InvitationKind::ThreeWayRelationship => {
            let provider = b.provider_id.ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "provider_required",
                    "a three-way request names provider_id, one of your indirect providers",
                )
                .field("provider_id", "provider_required", "required")
            })?;
            keiro_app::relationships::request_three_way(&s.app, &ctx, &provider, None, key, send_to)
                .await?
        }
    };
    let replayed = r.replayed;
    Ok(created_once(replayed, request_created(r)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestParams {
    /// partnership (the default), reseller_relationship or three_way_relationship.
    #[param(min_length = 1)]
    pub kind: Option<String>,
    /// open, used or revoked (as stored; an open link past its expiry lists as expired).
    #[param(min_length = 1)]
    pub state: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

/// The caller's organization's invitation links, newest first.
#[utoipa::path(operation_id = "list_relationship_requests", get, path = "/v1/relationshiprequests", tag = "partnerships", security(("bearer" = [])), params(RequestParams),
    responses((status = 200, body = RelationshipRequestList)))]
pub async fn list_requests(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<RequestParams>,
) -> ApiResult<Json<RelationshipRequestList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let kind = kind_param(
        non_empty("kind", q.kind)?
            .as_deref()
            .unwrap_or("partnership"),
    )?;
    let state = match non_empty("state", q.state)? {
        None => None,
        Some(st) => Some(InvitationState::parse(&st).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_state",
                "state must be open, used or revoked",
            )
        })?),
    };
    let page =
        keiro_app::invitations::list(&s.app, &ctx, kind, state, p.cursor.as_deref(), p.limit)
            .await?;
    let (items, next_cursor) = listed(page, request_body);
    Ok(Json(RelationshipRequestList { items, next_cursor }))
}

/// One invitation link of the caller's organization.
#[utoipa::path(operation_id = "get_relationship_request", get, path = "/v1/relationshiprequests/{id}", tag = "partnerships", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = RelationshipRequest)))]
pub async fn get_request(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Json<RelationshipRequest>> {
    Ok(Json(request_body(
        keiro_app::invitations::get(&s.app, &ctx, &id).await?,
    )))
}

/// Withdraws an open link: accepting it is refused from now on.
#[utoipa::path(operation_id = "revoke_relationship_request", post, path = "/v1/relationshiprequests/{id}/revoke", tag = "partnerships", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = RelationshipRequest), (status = 409, description = "The link is not open")))]
pub async fn revoke_request(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Json<RelationshipRequest>> {
    Ok(Json(request_body(
        keiro_app::invitations::revoke(&s.app, &ctx, &id).await?,
    )))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PreviewParams {
    /// The token from the link (`…/invite?token=…`).
    #[param(min_length = 1)]
    pub token: String,
}

/// What a link offers, who sent it and whether it can still be accepted. Needs no sign-in.
#[utoipa::path(operation_id = "preview_invitation", get, path = "/v1/invitations/preview", tag = "partnerships", params(PreviewParams),
    responses((status = 200, body = InvitationPreview)))]
pub async fn preview(
    State(s): State<AppState>,
    AnonCtx(_ctx): AnonCtx,
    ApiQuery(q): ApiQuery<PreviewParams>,
) -> ApiResult<Json<InvitationPreview>> {
    let p = keiro_app::invitations::preview(&s.app, &q.token).await?;
    Ok(Json(crate::api::views::preview_body(p)))
}

/// Accepts a link as the caller's organization, with `confirm: true`: a partnership by an admin
/// of an approved indirect reseller (R-PRT-2), a relationship by a customer's global admin
/// (R-REL-2, R-REL-3).
#[utoipa::path(operation_id = "accept_invitation", post, path = "/v1/invitations/accept", tag = "partnerships", security(("bearer" = [])),
    request_body = AcceptInvitation,
    responses((status = 200, body = InvitationAccepted),
        (status = 409, description = "The link is expired, revoked or used, or the organizations are already partners")))]
pub async fn accept(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<AcceptInvitation>,
) -> ApiResult<Json<InvitationAccepted>> {
    use keiro_app::acceptance::Accepted;
    Ok(Json(
        match keiro_app::acceptance::accept(&s.app, &ctx, &b.token, b.confirm).await? {
            Accepted::Partnership(v) => InvitationAccepted {
                kind: InvitationKind::Partnership.code().into(),
                partner: Some(partner_body(v)),
                partners: vec![],
                gdap: None,
            },
            Accepted::Relationships(v) => InvitationAccepted {
                kind: "reseller_relationship".into(),
                partner: None,
                partners: v.into_iter().map(contact_body).collect(),
                gdap: None,
            },
            Accepted::Gdap(v) => InvitationAccepted {
                kind: InvitationKind::GdapApproval.code().into(),
                partner: None,
                partners: vec![],
                gdap: Some(gdap_body(*v)),
            },
        },
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PartnerParams {
    /// Part of the partner's name or partner ID, case-insensitive.
    #[param(min_length = 1)]
    pub q: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

async fn list_side(
    s: &AppState,
    ctx: &keiro_app::Ctx,
    side: PartnerSide,
    q: PartnerParams,
) -> ApiResult<Json<PartnerList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let search = non_empty("q", q.q)?;
    let page = keiro_app::partnerships::list(
        &s.app,
        ctx,
        side,
        search.as_deref(),
        p.cursor.as_deref(),
        p.limit,
    )
    .await?;
    let (items, next_cursor) = listed(page, partner_body);
    Ok(Json(PartnerList { items, next_cursor }))
}

async fn customers_side(
    s: &AppState,
    ctx: &keiro_app::Ctx,
    side: PartnerSide,
    id: &str,
    q: PartnerParams,
) -> ApiResult<Json<SharedCustomerList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let search = non_empty("q", q.q)?;
    let page = keiro_app::partnerships::shared_customers(
        &s.app,
        ctx,
        side,
        id,
        search.as_deref(),
        p.cursor.as_deref(),
        p.limit,
    )
    .await?;
    Ok(Json(SharedCustomerList {
        items: page
            .items
            .into_iter()
            .map(|c| SharedCustomer {
                id: c.id,
                legal_name: c.legal_name,
                primary_domain: c.primary_domain,
                country: c.country,
            })
            .collect(),
        next_cursor: page.next_cursor.as_deref().map(encode_cursor),
    }))
}

/// The provider's partnered resellers (R-PRT-3).
#[utoipa::path(get, path = "/v1/indirectresellers", tag = "partnerships", security(("bearer" = [])), params(PartnerParams),
    responses((status = 200, body = PartnerList)))]
pub async fn list_resellers(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<PartnerParams>,
) -> ApiResult<Json<PartnerList>> {
    list_side(&s, &ctx, PartnerSide::Provider, q).await
}

/// The reseller's indirect providers (R-PRT-3).
#[utoipa::path(get, path = "/v1/indirectproviders", tag = "partnerships", security(("bearer" = [])), params(PartnerParams),
    responses((status = 200, body = PartnerList)))]
pub async fn list_providers(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<PartnerParams>,
) -> ApiResult<Json<PartnerList>> {
    list_side(&s, &ctx, PartnerSide::Reseller, q).await
}

/// One partnered reseller.
#[utoipa::path(get, path = "/v1/indirectresellers/{id}", tag = "partnerships", security(("bearer" = [])),
    params(("id" = String, Path, description = "The reseller's organization id")), responses((status = 200, body = Partner)))]
pub async fn get_reseller(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Json<Partner>> {
    Ok(Json(partner_body(
        keiro_app::partnerships::get(&s.app, &ctx, PartnerSide::Provider, &id).await?,
    )))
}

/// One indirect provider.
#[utoipa::path(get, path = "/v1/indirectproviders/{id}", tag = "partnerships", security(("bearer" = [])),
    params(("id" = String, Path, description = "The provider's organization id")),
    responses((status = 200, body = Partner, headers(("ETag" = String)))))]
pub async fn get_provider(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(provider_with_etag(
        keiro_app::partnerships::get(&s.app, &ctx, PartnerSide::Reseller, &id).await?,
    ))
}

/// A provider as its reseller sees it; the ETag is the admin access state (`"a1"`/`"a0"`).
fn provider_with_etag(v: PartnerView) -> Response {
    ok_tagged('a', i64::from(v.admin_access), partner_body(v))
}

/// Customers the provider shares with this reseller (R-PRT-3, R-PRT-5).
#[utoipa::path(operation_id = "list_reseller_customers", get, path = "/v1/indirectresellers/{id}/customers", tag = "partnerships", security(("bearer" = [])),
    params(("id" = String, Path), PartnerParams), responses((status = 200, body = SharedCustomerList)))]
pub async fn reseller_customers(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PartnerParams>,
) -> ApiResult<Json<SharedCustomerList>> {
    customers_side(&s, &ctx, PartnerSide::Provider, &id, q).await
}

/// Customers the reseller shares with this provider (R-PRT-3, R-PRT-5).
#[utoipa::path(operation_id = "list_provider_customers", get, path = "/v1/indirectproviders/{id}/customers", tag = "partnerships", security(("bearer" = [])),
    params(("id" = String, Path), PartnerParams), responses((status = 200, body = SharedCustomerList)))]
pub async fn provider_customers(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PartnerParams>,
) -> ApiResult<Json<SharedCustomerList>> {
    customers_side(&s, &ctx, PartnerSide::Reseller, &id, q).await
}

/// The reseller's users, seen through the provider's admin access (R-PRT-4). 404 once the
/// reseller has removed that access.
#[utoipa::path(operation_id = "list_reseller_users", get, path = "/v1/indirectresellers/{id}/users", tag = "partnerships", security(("bearer" = [])),
    params(("id" = String, Path), UserParams), responses((status = 200, body = UserList)))]
pub async fn reseller_users(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<UserParams>,
) -> ApiResult<Json<UserList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let search = non_empty("q", q.q)?;
    let page = keiro_app::partnerships::reseller_users(
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

/// Ends the partnership with this reseller (R-PRT-6). No notice is sent to the reseller.
#[utoipa::path(post, path = "/v1/indirectresellers/{id}/remove", tag = "partnerships", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = RemovePartnership, responses((status = 204, description = "Removed")))]
pub async fn remove_reseller(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RemovePartnership>,
) -> ApiResult<StatusCode> {
    keiro_app::partnerships::remove(&s.app, &ctx, PartnerSide::Provider, &id, b.attest).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends the partnership with this provider (R-PRT-6). No notice is sent to the provider.
#[utoipa::path(post, path = "/v1/indirectproviders/{id}/remove", tag = "partnerships", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = RemovePartnership, responses((status = 204, description = "Removed")))]
pub async fn remove_provider(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RemovePartnership>,
) -> ApiResult<StatusCode> {
    keiro_app::partnerships::remove(&s.app, &ctx, PartnerSide::Reseller, &id, b.attest).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Restores the provider's admin access to the caller's (reseller) organization.
#[utoipa::path(put, path = "/v1/indirectproviders/{id}/adminaccess", tag = "partnerships", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, description = "ETag of the provider: `\"a1\"` while it has admin access, `\"a0\"` without", pattern = r#"^(\*|(W/)?"a[01]")$"#)),
    responses((status = 200, body = Partner, headers(("ETag" = String))), (status = 409, description = "Access already granted"),
        (status = 412, description = "The access changed since read")))]
pub async fn grant_admin_access(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let expected = crate::extract::if_match(&headers, 'a')?.map(|n| n == 1);
    Ok(provider_with_etag(
        keiro_app::partnerships::set_admin_access(&s.app, &ctx, &id, true, expected).await?,
    ))
}

/// Removes the provider's admin access to the caller's (reseller) organization without ending
/// the partnership (R-PRT-4). Effective on the provider's next request.
#[utoipa::path(delete, path = "/v1/indirectproviders/{id}/adminaccess", tag = "partnerships", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, description = "ETag of the provider: `\"a1\"` while it has admin access, `\"a0\"` without", pattern = r#"^(\*|(W/)?"a[01]")$"#)),
    responses((status = 200, body = Partner, headers(("ETag" = String))), (status = 409, description = "No access to remove"),
        (status = 412, description = "The access changed since read")))]
pub async fn remove_admin_access(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let expected = crate::extract::if_match(&headers, 'a')?.map(|n| n == 1);
    Ok(provider_with_etag(
        keiro_app::partnerships::set_admin_access(&s.app, &ctx, &id, false, expected).await?,
    ))
}
