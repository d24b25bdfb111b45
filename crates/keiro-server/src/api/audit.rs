//! `GET /v1/auditrecords` (app `audit`).

use crate::api::ApiQuery;
use crate::api::views::audit_record_body;
use crate::api::views::listed;
use crate::extract::{ApiCtx, Paging, non_empty};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use keiro_api_types::AuditRecordList;
use keiro_app::audit::Filter;
use serde::Deserialize;
use time::OffsetDateTime;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// 1 to 200, default 50.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1)]
    pub cursor: Option<String>,
    /// RFC 3339; records at or after.
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<String>,
    /// RFC 3339; records before.
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<String>,
    /// e.g. `user.password_changed`.
    #[param(min_length = 1)]
    pub action: Option<String>,
    /// Records about this organization.
    #[param(min_length = 1)]
    pub target_org_id: Option<String>,
}

pub fn parse_time(field: &str, v: Option<&str>) -> ApiResult<Option<OffsetDateTime>> {
    match v {
        None => Ok(None),
        Some(s) => OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            .map(Some)
            .map_err(|_| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_time",
                    format!("{field} must be an RFC 3339 time such as 2026-01-31T09:00:00Z"),
                )
                .field(field, "invalid_time", "not RFC 3339")
            }),
    }
}

/// The audit log records the caller may see, newest first.
#[utoipa::path(get, path = "/v1/auditrecords", tag = "audit", security(("bearer" = [])), params(AuditParams),
    responses((status = 200, body = AuditRecordList), (status = 403, body = keiro_api_types::Problem),
        (status = 422, body = keiro_api_types::Problem)))]
pub async fn list_audit_records(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<AuditParams>,
) -> ApiResult<Json<AuditRecordList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let filter = Filter {
        from: parse_time("from", q.from.as_deref())?,
        to: parse_time("to", q.to.as_deref())?,
        action: non_empty("action", q.action)?,
        target_org_id: non_empty("target_org_id", q.target_org_id)?,
    };
    let page = keiro_app::audit::list(&s.app, &ctx, &filter, p.cursor.as_deref(), p.limit).await?;
    let (items, next_cursor) = listed(page, audit_record_body);
    Ok(Json(AuditRecordList { items, next_cursor }))
}
