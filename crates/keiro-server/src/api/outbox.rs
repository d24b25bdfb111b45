//! `GET /v1/outbox`: operator staff see every email and held event (app `outbox`).

use crate::api::ApiQuery;
use crate::api::views::listed;
use crate::api::views::message_body;
use crate::extract::{ApiCtx, Paging};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use keiro_api_types::OutboxMessageList;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxParams {
    /// 1 to 200, default 50.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1)]
    pub cursor: Option<String>,
    #[param(value_type = Option<OutboxState>)]
    pub state: Option<String>,
    /// Only emails, or only events (for webhooks); both without it.
    #[param(value_type = Option<OutboxKind>)]
    pub kind: Option<String>,
}

/// What an outbox message is.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OutboxKind {
    Email,
    Event,
}

/// Delivery state of an outbox message.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OutboxState {
    Pending,
    Sending,
    Sent,
    Failed,
    /// Domain events kept for delivery once a destination (webhooks) exists.
    Held,
}

/// Operator staff: outgoing messages and their delivery state, newest first.
#[utoipa::path(operation_id = "list_outbox_messages", get, path = "/v1/outbox", tag = "operator", security(("bearer" = [])), params(OutboxParams),
    responses((status = 200, body = OutboxMessageList), (status = 403, body = keiro_api_types::Problem)))]
pub async fn list_outbox(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<OutboxParams>,
) -> ApiResult<Json<OutboxMessageList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let filter = (q.kind.as_deref(), q.state.as_deref());
    let page = keiro_app::outbox::list(&s.app, &ctx, filter, p.cursor.as_deref(), p.limit).await?;
    let (items, next_cursor) = listed(page, message_body);
    Ok(Json(OutboxMessageList { items, next_cursor }))
}
