//! Trial invitations (app `trial_invitations`, R-ADV-2): an advisor creates and lists them;
//! anyone previews one by its token; a customer's global or billing admin starts the trial.
//! Revoking goes through `POST /v1/relationshiprequests/{id}/revoke`, as for every link;
//! extending is the advisor's own.

use crate::api::respond::created_once;
use crate::api::views::{listed, preview_body, request_body, request_created, subscription_body};
use crate::api::{ApiQuery, idempotency_key};
use crate::extract::{AnonCtx, ApiCtx, ApiJson, Paging};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use keiro_api_types::{
    CreateTrialInvitation, ExtendTrialInvitation, RelationshipRequest, RelationshipRequestCreated,
    RelationshipRequestList, StartTrial, TrialInvitationPreview, TrialStarted,
};
use keiro_app::trial_invitations::{self as app, TrialInput};
use keiro_domain::invitation::InvitationKind;
use serde::Deserialize;

/// An advisor's new trial invitation: its URL (with the advisor's partner ID) and draft email
/// are in this answer only.
#[utoipa::path(operation_id = "create_trial_invitation", post, path = "/v1/trialinvitations", tag = "advisors", security(("bearer" = [])),
    request_body = CreateTrialInvitation,
    params(("Idempotency-Key" = Option<String>, Header, nullable = false)),
    responses((status = 201, body = RelationshipRequestCreated),
        (status = 200, description = "Replay (no URL, no draft)", body = RelationshipRequestCreated),
        (status = 403, description = "not_subscription_advisor, no_delegated_access or not_delegated_admin_authorized", body = keiro_api_types::Problem),
        (status = 422, body = keiro_api_types::Problem)))]
pub async fn create(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CreateTrialInvitation>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let send_to = b.send_to.map(|to| keiro_app::invitations::SendTo {
        to,
        message: b.message,
    });
    let input = TrialInput {
        offer_id: b.offer_id,
        country: b.country,
        delegated_admin: b.delegated_admin,
        expires_in_days: b.expires_in_days,
    };
    let r = app::create(&s.app, &ctx, input, None, key.as_deref(), send_to).await?;
    Ok(created_once(r.replayed, request_created(r)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

/// The advisor's trial invitations, newest first; `use_count` is how many customers started
/// a trial through each.
#[utoipa::path(operation_id = "list_trial_invitations", get, path = "/v1/trialinvitations", tag = "advisors", security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = RelationshipRequestList), (status = 403, body = keiro_api_types::Problem)))]
pub async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ListParams>,
) -> ApiResult<Json<RelationshipRequestList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let page = keiro_app::invitations::list(
        &s.app,
        &ctx,
        InvitationKind::TrialInvitation,
        None,
        p.cursor.as_deref(),
        p.limit,
    )
    .await?;
    let (items, next_cursor) = listed(page, request_body);
    Ok(Json(RelationshipRequestList { items, next_cursor }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PreviewParams {
    /// The token from the link.
    #[param(min_length = 1)]
    pub token: String,
    /// The advisor's partner ID from the link, if given.
    #[param(min_length = 1)]
    pub advisor: Option<String>,
}

/// Who invites, to a trial of what, for how long, and whether a delegated admin offer comes
/// with it. Needs no sign-in.
#[utoipa::path(operation_id = "preview_trial_invitation", get, path = "/v1/trialinvitations/preview", tag = "advisors", params(PreviewParams),
    responses((status = 200, body = TrialInvitationPreview), (status = 404, body = keiro_api_types::Problem)))]
pub async fn preview(
    State(s): State<AppState>,
    AnonCtx(_ctx): AnonCtx,
    ApiQuery(q): ApiQuery<PreviewParams>,
) -> ApiResult<Json<TrialInvitationPreview>> {
    let p = app::preview(&s.app, &q.token, q.advisor.as_deref()).await?;
    let grants = crate::api::views::dap_grants(p.delegated_admin);
    Ok(Json(TrialInvitationPreview {
        invitation: preview_body(p.link),
        offer_id: p.offer_id,
        offer_name_en: p.offer_name_en,
        offer_name_ja: p.offer_name_ja,
        trial_days: p.trial_days,
        country: p.country,
        delegated_admin: p.delegated_admin,
        delegated_admin_grants: grants,
    }))
}

/// A customer's global or billing admin starts the trial, accepting the delegated admin offer
/// that comes with it or not. Once per customer and link; a retry with the same
/// Idempotency-Key answers the first answer again.
#[utoipa::path(operation_id = "accept_trial_invitation", post, path = "/v1/trialinvitations/start", tag = "advisors", security(("bearer" = [])),
    request_body = StartTrial,
    params(("Idempotency-Key" = Option<String>, Header, nullable = false)),
    responses((status = 201, body = TrialStarted), (status = 200, description = "Replay", body = TrialStarted),
        (status = 403, body = keiro_api_types::Problem), (status = 404, body = keiro_api_types::Problem),
        (status = 409, description = "trial_already_started, invitation_expired or invitation_revoked", body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn start(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<StartTrial>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let o = app::start(
        &s.app,
        &ctx,
        &b.token,
        b.advisor.as_deref(),
        b.delegated_admin,
        key.as_deref(),
    )
    .await?;
    Ok(created_once(
        o.replayed,
        TrialStarted {
            subscription: subscription_body(o.value.subscription),
            delegated_admin: o.value.delegated_admin,
        },
    ))
}

/// Keeps an open trial invitation open `expires_in_days` from now (at most 365), even past its
/// expiry; a revoked one stays revoked (409 `invitation_not_open`).
#[utoipa::path(operation_id = "change_trial_invitation_expiry", post, path = "/v1/trialinvitations/{id}/extend", tag = "advisors", security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body = ExtendTrialInvitation,
    responses((status = 200, body = RelationshipRequest), (status = 404, body = keiro_api_types::Problem),
        (status = 409, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn extend(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    axum::extract::Path(id): axum::extract::Path<String>,
    ApiJson(b): ApiJson<ExtendTrialInvitation>,
) -> ApiResult<Json<RelationshipRequest>> {
    Ok(Json(request_body(
        app::extend(&s.app, &ctx, &id, Some(b.expires_in_days)).await?,
    )))
}
