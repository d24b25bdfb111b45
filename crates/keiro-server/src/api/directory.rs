//! The provider directory (R-PRT-7): partners search it; operator staff maintain it.

use crate::api::ApiQuery;
use crate::api::respond::tagged;
use crate::api::views::entry_body;
use crate::api::views::listed;
use crate::extract::{ApiCtx, ApiJson, Paging, if_match, non_empty};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use keiro_api_types::{DirectoryEntry, DirectoryEntryList, PutDirectoryEntry};
use keiro_app::directory::EntryView;
use serde::Deserialize;

fn with_etag(v: EntryView, status: StatusCode) -> Response {
    tagged(status, 'd', v.version, entry_body(v))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryParams {
    /// Two-letter country code, e.g. JP.
    #[param(min_length = 2, max_length = 2)]
    pub country: Option<String>,
    /// Part of the provider's name, case-insensitive.
    #[param(min_length = 1)]
    pub q: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

/// Authorized indirect providers, searchable by country (R-PRT-7).
#[utoipa::path(operation_id = "search_provider_directory", get, path = "/v1/providerdirectory", tag = "partnerships", security(("bearer" = [])), params(DirectoryParams),
    responses((status = 200, body = DirectoryEntryList)))]
pub async fn search(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<DirectoryParams>,
) -> ApiResult<Json<DirectoryEntryList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let country = non_empty("country", q.country)?;
    let search = non_empty("q", q.q)?;
    let page = keiro_app::directory::search(
        &s.app,
        &ctx,
        country.as_deref(),
        search.as_deref(),
        p.cursor.as_deref(),
        p.limit,
    )
    .await?;
    let (items, next_cursor) = listed(page, entry_body);
    Ok(Json(DirectoryEntryList { items, next_cursor }))
}

/// One provider's entry.
#[utoipa::path(operation_id = "get_directory_entry", get, path = "/v1/providerdirectory/{provider_id}", tag = "partnerships", security(("bearer" = [])),
    params(("provider_id" = String, Path)), responses((status = 200, body = DirectoryEntry, headers(("ETag" = String)))))]
pub async fn get_entry(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(with_etag(
        keiro_app::directory::get(&s.app, &ctx, &id).await?,
        StatusCode::OK,
    ))
}

/// Creates or replaces a provider's entry (operator staff only; a provider cannot edit its own).
#[utoipa::path(operation_id = "put_directory_entry", put, path = "/v1/providerdirectory/{provider_id}", tag = "operator", security(("bearer" = [])),
    request_body = PutDirectoryEntry,
    params(("provider_id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"d[0-9]+")$"#)),
    responses((status = 200, body = DirectoryEntry), (status = 201, body = DirectoryEntry), (status = 412, description = "Changed since read")))]
pub async fn put_entry(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<PutDirectoryEntry>,
) -> ApiResult<Response> {
    let version = if_match(&headers, 'd')?;
    let entry = keiro_domain::directory::DirectoryEntry {
        regions: b.regions,
        countries: b.countries,
        description: b.description,
        contact_email: b.contact_email,
        contact_phone: b.contact_phone,
        website: b.website,
    };
    let (v, created) = keiro_app::directory::put(&s.app, &ctx, &id, entry, version).await?;
    Ok(with_etag(
        v,
        if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
    ))
}

/// Takes a provider out of the directory (operator staff only).
#[utoipa::path(operation_id = "delete_directory_entry", delete, path = "/v1/providerdirectory/{provider_id}", tag = "operator", security(("bearer" = [])),
    params(("provider_id" = String, Path)), responses((status = 204, description = "Deleted")))]
pub async fn delete_entry(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    keiro_app::directory::delete(&s.app, &ctx, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
