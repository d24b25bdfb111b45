//! Purchase offers (app `purchase_offers`, R-ADV-3): an advisor creates and lists them; anyone
//! previews one by its token; a customer's global or billing admin buys through it. Revoking
//! goes through `POST /v1/relationshiprequests/{id}/revoke`, as for every link; extending is
//! the advisor's own.

use crate::api::respond::created_once;
use crate::api::trial_invitations::ListParams;
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
    BuyPurchaseOffer, CreatePurchaseOffer, ExtendTrialInvitation, PurchaseOfferBought,
    PurchaseOfferLine, PurchaseOfferPreview, PurchaseOfferPreviewLine, RelationshipRequest,
    RelationshipRequestCreated, RelationshipRequestList,
};
use keiro_app::purchase_offers::{self as app, OfferLine, PurchaseInput};
use keiro_domain::invitation::InvitationKind;

fn lines(v: Vec<PurchaseOfferLine>) -> Vec<OfferLine> {
    v.into_iter()
        .map(|l| OfferLine {
            offer_id: l.offer_id,
            quantity: l.quantity,
        })
        .collect()
}

/// An advisor's new purchase offer: its URL (with the advisor's partner ID) and draft email are
/// in this answer only.
#[utoipa::path(operation_id = "create_purchase_offer", post, path = "/v1/purchaseoffers", tag = "advisors", security(("bearer" = [])),
    request_body = CreatePurchaseOffer,
    params(("Idempotency-Key" = Option<String>, Header, nullable = false)),
    responses((status = 201, body = RelationshipRequestCreated),
        (status = 200, description = "Replay (no URL, no draft)", body = RelationshipRequestCreated),
        (status = 403, description = "not_subscription_advisor, no_delegated_access or not_delegated_admin_authorized", body = keiro_api_types::Problem),
        (status = 422, body = keiro_api_types::Problem)))]
pub async fn create(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CreatePurchaseOffer>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let send_to = b.send_to.map(|to| keiro_app::invitations::SendTo {
        to,
        message: b.message,
    });
    let input = PurchaseInput {
        lines: lines(b.lines),
        country: b.country,
        delegated_admin: b.delegated_admin,
        expires_in_days: b.expires_in_days,
    };
    let r = app::create(&s.app, &ctx, input, None, key.as_deref(), send_to).await?;
    Ok(created_once(r.replayed, request_created(r)))
}

/// The advisor's purchase offers, newest first; `use_count` is how many customers bought
/// through each.
#[utoipa::path(operation_id = "list_purchase_offers", get, path = "/v1/purchaseoffers", tag = "advisors", security(("bearer" = [])), params(ListParams),
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
        InvitationKind::PurchaseOffer,
        None,
        p.cursor.as_deref(),
        p.limit,
    )
    .await?;
    let (items, next_cursor) = listed(page, request_body);
    Ok(Json(RelationshipRequestList { items, next_cursor }))
}

/// Who offers what: each line with its suggested count, bounds and price, and whether a
/// delegated admin offer comes with it. Needs no sign-in.
#[utoipa::path(operation_id = "preview_purchase_offer", get, path = "/v1/purchaseoffers/preview", tag = "advisors",
    params(crate::api::trial_invitations::PreviewParams),
    responses((status = 200, body = PurchaseOfferPreview), (status = 404, body = keiro_api_types::Problem)))]
pub async fn preview(
    State(s): State<AppState>,
    AnonCtx(_ctx): AnonCtx,
    ApiQuery(q): ApiQuery<crate::api::trial_invitations::PreviewParams>,
) -> ApiResult<Json<PurchaseOfferPreview>> {
    let p = app::preview(&s.app, &q.token, q.advisor.as_deref()).await?;
    let grants = crate::api::views::dap_grants(p.delegated_admin);
    Ok(Json(PurchaseOfferPreview {
        invitation: preview_body(p.link),
        country: p.country,
        lines: p
            .lines
            .into_iter()
            .map(|l| PurchaseOfferPreviewLine {
                offer_id: l.offer_id,
                offer_name_en: l.name_en,
                offer_name_ja: l.name_ja,
                suggested_quantity: l.suggested,
                min_quantity: l.min_quantity,
                max_quantity: l.max_quantity,
                unit_price_minor: l.unit_price_minor,
                currency: l.currency,
                billing_cycle: l.billing_cycle,
                term_months: l.term_months,
                retired: l.retired,
                prerequisite_offer_id: l.prerequisite_offer_id,
            })
            .collect(),
        delegated_admin: p.delegated_admin,
        delegated_admin_grants: grants,
    }))
}

/// A customer's global or billing admin buys some or all of the offer's lines, with counts
/// within each offer's bounds, accepting the delegated admin offer or not. Once per customer
/// and link; a retry with the same Idempotency-Key answers the first answer again.
#[utoipa::path(operation_id = "accept_purchase_offer", post, path = "/v1/purchaseoffers/buy", tag = "advisors", security(("bearer" = [])),
    request_body = BuyPurchaseOffer,
    params(("Idempotency-Key" = Option<String>, Header, nullable = false)),
    responses((status = 201, body = PurchaseOfferBought), (status = 200, description = "Replay", body = PurchaseOfferBought),
        (status = 403, body = keiro_api_types::Problem), (status = 404, body = keiro_api_types::Problem),
        (status = 409, description = "offer_already_bought, invitation_expired or invitation_revoked", body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn buy(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<BuyPurchaseOffer>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let o = app::buy(
        &s.app,
        &ctx,
        &b.token,
        b.advisor.as_deref(),
        lines(b.lines),
        b.delegated_admin,
        key.as_deref(),
    )
    .await?;
    Ok(created_once(
        o.replayed,
        PurchaseOfferBought {
            order_id: o.value.order_id,
            subscriptions: o
                .value
                .subscriptions
                .into_iter()
                .map(subscription_body)
                .collect(),
            delegated_admin: o.value.delegated_admin,
        },
    ))
}

/// Keeps an open purchase offer open `expires_in_days` from now (at most 365), even past its
/// expiry; a revoked one stays revoked (409 `invitation_not_open`).
#[utoipa::path(operation_id = "change_purchase_offer_expiry", post, path = "/v1/purchaseoffers/{id}/extend", tag = "advisors", security(("bearer" = [])),
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
