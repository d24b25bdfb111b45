//! Service requests (R-CUS-1) under `/v1/customers/{id}/servicerequests`: the customer's own
//! admins use their organization's id; partner users use a customer's id and act with its rights,
//! or as the designated support contact of the subscriptions a request is about (R-ORD-5).

use crate::api::params::PageParams;
use crate::api::respond::{created_tagged, tagged};
use crate::api::views::listed;
use crate::api::views::service_request_body;
use crate::api::{ApiQuery, idempotency_key};
use crate::extract::{ApiCtx, ApiJson, Paging, if_match};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use keiro_api_types::{
    AddServiceRequestNote, CreateServiceRequest, ServiceRequest, ServiceRequestList,
    SetServiceRequestStatus,
};
use keiro_app::service_requests::RequestView;

fn with_etag(v: RequestView, status: StatusCode) -> Response {
    tagged(status, 's', v.version, service_request_body(v))
}

/// 201 with the ETag, or 200 and `Idempotent-Replayed: true` for a replay.
fn created_with_etag(o: keiro_app::idempotency::Outcome<RequestView>) -> Response {
    created_tagged(
        o.replayed,
        's',
        o.value.version,
        service_request_body(o.value),
    )
}

#[utoipa::path(operation_id = "list_service_requests", get, path = "/v1/customers/{id}/servicerequests", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path), PageParams), responses((status = 200, body = ServiceRequestList)))]
pub async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageParams>,
) -> ApiResult<Json<ServiceRequestList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let page =
        keiro_app::service_requests::list(&s.app, &ctx, &id, p.cursor.as_deref(), p.limit).await?;
    let (items, next_cursor) = listed(page, service_request_body);
    Ok(Json(ServiceRequestList { items, next_cursor }))
}

/// Opens a service request for the customer (R-CUS-1).
#[utoipa::path(operation_id = "create_service_request", post, path = "/v1/customers/{id}/servicerequests", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, nullable = false)),
    request_body = CreateServiceRequest,
    responses((status = 201, body = ServiceRequest, headers(("ETag" = String))),
        (status = 200, description = "Replay of an earlier answer to the same Idempotency-Key", body = ServiceRequest, headers(("ETag" = String)))))]
pub async fn create(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CreateServiceRequest>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let o = keiro_app::service_requests::create(
        &s.app,
        &ctx,
        &id,
        &b.title,
        &b.description,
        &b.severity,
        b.subscription_id.as_deref(),
        key.as_deref(),
    )
    .await?;
    Ok(created_with_etag(o))
}

#[utoipa::path(operation_id = "get_service_request", get, path = "/v1/customers/{id}/servicerequests/{request_id}", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path), ("request_id" = String, Path)),
    responses((status = 200, body = ServiceRequest, headers(("ETag" = String)))))]
pub async fn get(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path((id, rid)): Path<(String, String)>,
) -> ApiResult<Response> {
    Ok(with_etag(
        keiro_app::service_requests::get(&s.app, &ctx, &id, &rid).await?,
        StatusCode::OK,
    ))
}

#[utoipa::path(operation_id = "add_service_request_note", post, path = "/v1/customers/{id}/servicerequests/{request_id}/notes", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path), ("request_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, nullable = false)),
    request_body = AddServiceRequestNote,
    responses((status = 201, body = ServiceRequest, headers(("ETag" = String))),
        (status = 200, description = "Replay of an earlier answer to the same Idempotency-Key", body = ServiceRequest, headers(("ETag" = String))),
        (status = 409, description = "The request is closed")))]
pub async fn add_note(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path((id, rid)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<AddServiceRequestNote>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let o = keiro_app::service_requests::add_note(&s.app, &ctx, &id, &rid, &b.body, key.as_deref())
        .await?;
    Ok(created_with_etag(o))
}

/// Changes the status (If-Match with the request's ETag); closed is final.
#[utoipa::path(operation_id = "set_service_request_status", put, path = "/v1/customers/{id}/servicerequests/{request_id}/status", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path), ("request_id" = String, Path),
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"s[0-9]+")$"#)),
    request_body = SetServiceRequestStatus,
    responses((status = 200, body = ServiceRequest), (status = 409, description = "Not a valid change"), (status = 412, description = "Changed since read")))]
pub async fn set_status(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path((id, rid)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<SetServiceRequestStatus>,
) -> ApiResult<Response> {
    let version = if_match(&headers, 's')?;
    Ok(with_etag(
        keiro_app::service_requests::set_status(&s.app, &ctx, &id, &rid, &b.status, version)
            .await?,
        StatusCode::OK,
    ))
}
