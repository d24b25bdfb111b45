//! The membership registry (app `registry`): operator staff keep records, by hand and by CSV
//! import; a claim secret is shown once.

use crate::api::ApiQuery;
use crate::api::respond::{created_once, ok_once, ok_tagged};
use crate::api::views::listed;
use crate::api::views::membership_record_body;
use crate::extract::{ApiCtx, ApiJson, Paging, non_empty};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use keiro_api_types::{
    ClaimSecret, ImportReport, MembershipRecord, MembershipRecordInput, MembershipRecordList,
    MembershipRecordUpdate, MembershipRecordWithSecret,
};
use keiro_app::registry::RecordInput;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegistryParams {
    /// Part of the organization name or partner ID.
    #[param(min_length = 1)]
    pub q: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

/// Operator staff: the membership registry.
#[utoipa::path(operation_id = "list_membership_records", get, path = "/v1/membershiprecords", tag = "operator", security(("bearer" = [])), params(RegistryParams),
    responses((status = 200, body = MembershipRecordList)))]
pub async fn list_records(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<RegistryParams>,
) -> ApiResult<Json<MembershipRecordList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let search = non_empty("q", q.q)?;
    let page = keiro_app::registry::list(
        &s.app,
        &ctx,
        search.as_deref(),
        p.cursor.as_deref(),
        p.limit,
    )
    .await?;
    let (items, next_cursor) = listed(page, membership_record_body);
    Ok(Json(MembershipRecordList { items, next_cursor }))
}

/// Operator staff: add a record; its claim secret is in this answer only.
#[utoipa::path(operation_id = "create_membership_record", post, path = "/v1/membershiprecords", tag = "operator", security(("bearer" = [])), params(("Idempotency-Key" = Option<String>, Header, nullable = false)), request_body = MembershipRecordInput,
    responses((status = 201, body = MembershipRecordWithSecret), (status = 409, description = "Partner ID exists")))]
pub async fn create_record(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: axum::http::HeaderMap,
    ApiJson(b): ApiJson<MembershipRecordInput>,
) -> ApiResult<Response> {
    let key = crate::api::idempotency_key(&headers)?;
    let input = RecordInput {
        partner_id: b.partner_id,
        organization_name: b.organization_name,
        country: b.country,
        level: b.level,
        status: b.status,
        expires_on: b.expires_on,
    };
    let o = keiro_app::registry::create(&s.app, &ctx, input, key.as_deref()).await?;
    let (r, secret) = o.value;
    Ok(created_once(
        o.replayed,
        MembershipRecordWithSecret {
            record: membership_record_body(r),
            claim_secret: secret,
        },
    ))
}

/// Operator staff: one record.
#[utoipa::path(operation_id = "get_membership_record", get, path = "/v1/membershiprecords/{id}", tag = "operator", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = MembershipRecord, headers(("ETag" = String)))))]
pub async fn get_record(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(record_with_etag(
        keiro_app::registry::get(&s.app, &ctx, &id).await?,
    ))
}

/// A record with its ETag (`"m<version>"`).
fn record_with_etag(r: keiro_app::registry::RecordView) -> Response {
    ok_tagged('m', r.version, membership_record_body(r))
}

/// Operator staff: edit a record's name, country, level, status or expiry.
#[utoipa::path(operation_id = "update_membership_record", put, path = "/v1/membershiprecords/{id}", tag = "operator", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, description = "ETag of the record", pattern = r#"^(\*|(W/)?"m[0-9]+")$"#)),
    request_body = MembershipRecordUpdate,
    responses((status = 200, body = MembershipRecord, headers(("ETag" = String))), (status = 412, description = "Changed since read")))]
pub async fn update_record(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    ApiJson(b): ApiJson<MembershipRecordUpdate>,
) -> ApiResult<Response> {
    let version = crate::extract::if_match(&headers, 'm')?;
    let input = RecordInput {
        partner_id: String::new(),
        organization_name: b.organization_name,
        country: b.country,
        level: b.level,
        status: b.status,
        expires_on: b.expires_on,
    };
    Ok(record_with_etag(
        keiro_app::registry::update(&s.app, &ctx, &id, input, version).await?,
    ))
}

/// Operator staff: replace a record's claim secret (the old one stops working).
#[utoipa::path(operation_id = "create_claim_secret", post, path = "/v1/membershiprecords/{id}/claimsecret", tag = "operator", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ClaimSecret)))]
pub async fn new_secret(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let secret = keiro_app::registry::new_secret(&s.app, &ctx, &id).await?;
    let r = keiro_app::registry::get(&s.app, &ctx, &id).await?;
    Ok(ok_once(ClaimSecret {
        partner_id: r.partner_id,
        claim_secret: secret,
    }))
}

/// Operator staff: import records from CSV (`partner_id,organization_name,country,level,status,expires_on`).
/// Rows with errors are reported and skipped; the others are created or updated by partner ID.
#[utoipa::path(operation_id = "import_membership_records", post, path = "/v1/membershiprecords/import", tag = "operator", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportReport)))]
pub async fn import_records(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let csv = crate::api::csv_body(&headers, &body)?;
    let rep = keiro_app::registry::import_csv(&s.app, &ctx, &csv, &|_, _| {}).await?;
    Ok(ok_once(ImportReport {
        rows: rep.rows,
        created: rep.created,
        updated: rep.updated,
        errors: crate::api::views::row_errors(rep.errors),
        secrets: rep
            .secrets
            .into_iter()
            .map(|(partner_id, claim_secret)| ClaimSecret {
                partner_id,
                claim_secret,
            })
            .collect(),
    }))
}
