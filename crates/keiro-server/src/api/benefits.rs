//! Membership benefits (app `benefits`, R-BEN-1…3): the catalog (operator staff write, partners
//! read), packages a partner buys, the allocations ledger, software keys, and the operator's
//! key pools.

use crate::api::params::PageParams;
use crate::api::respond::{created_once, created_tagged, ok_tagged};
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
    Benefit, BenefitAllocation, BenefitAllocationList, BenefitCatalogImportReport, BenefitDownload,
    BenefitKey, BenefitKeyImportReport, BenefitKeyList, BenefitKeyPool, BenefitKeyPoolList,
    BenefitLevel, BenefitLicensePreview, BenefitLicenseRedeemed, BenefitList, BenefitPackage,
    BenefitPackageList, BenefitRequest, BenefitRequestList, BuyBenefitPackage,
    DecideBenefitRequest, GetBenefitKey, PutBenefit, RedeemBenefitLicense,
    RequestBenefitCancellation,
};
use keiro_app::benefits::{
    self as app, AllocationView, BenefitInput, BenefitView, Download, GotKey, LevelShare,
    LicensePreview, PackageView, PoolView, RequestView,
};
use serde::Deserialize;

fn downloads(d: Vec<Download>) -> Vec<BenefitDownload> {
    d.into_iter()
        .map(|d| BenefitDownload {
            language: d.language,
            os: d.os,
            url: d.url,
            label: d.label,
        })
        .collect()
}

fn benefit_body(v: BenefitView) -> Benefit {
    Benefit {
        levels: v
            .levels
            .into_iter()
            .map(|l| BenefitLevel {
                level: l.level,
                quantity: l.quantity,
                unit: l.unit,
                amount_minor: l.amount_minor,
                currency: l.currency,
            })
            .collect(),
        downloads: downloads(v.downloads),
        id: v.id,
        code: v.code,
        kind: v.kind,
        name_ja: v.name_ja,
        name_en: v.name_en,
        description_ja: v.description_ja,
        description_en: v.description_en,
        instructions_ja: v.instructions_ja,
        instructions_en: v.instructions_en,
        tier: v.tier,
        months: v.months,
        offer_id: v.offer_id,
        state: v.state,
    }
}

fn benefit_input(b: PutBenefit) -> BenefitInput {
    BenefitInput {
        code: b.code,
        kind: b.kind,
        name_ja: b.name_ja,
        name_en: b.name_en,
        description_ja: b.description_ja,
        description_en: b.description_en,
        instructions_ja: b.instructions_ja,
        instructions_en: b.instructions_en,
        tier: b.tier,
        months: b.months,
        offer_sku: b.offer_sku,
        levels: b
            .levels
            .into_iter()
            .map(|l| LevelShare {
                level: l.level,
                quantity: l.quantity,
                unit: l.unit,
                amount_minor: l.amount_minor,
                currency: l.currency,
            })
            .collect(),
        downloads: b
            .downloads
            .into_iter()
            .map(|d| Download {
                language: d.language,
                os: d.os,
                url: d.url,
                label: d.label,
            })
            .collect(),
        state: b.state,
    }
}

fn package_body(p: PackageView) -> BenefitPackage {
    BenefitPackage {
        id: p.id,
        org_id: p.org_id,
        org_name: p.org_name,
        level: p.level,
        state: p.state,
        bought_at: p.bought_at,
        starts_at: p.starts_at,
        ends_at: p.ends_at,
        cancelled_at: p.cancelled_at,
    }
}

pub(crate) fn allocation_body(a: AllocationView) -> BenefitAllocation {
    BenefitAllocation {
        left: a.left(),
        activation: a.activation().into(),
        id: a.id,
        package_id: a.package_id,
        benefit_id: a.benefit.id,
        benefit_code: a.benefit.code,
        kind: a.kind,
        name_ja: a.benefit.name_ja,
        name_en: a.benefit.name_en,
        tier: a.tier,
        quantity: a.quantity,
        unit: a.unit,
        amount_minor: a.amount_minor,
        currency: a.currency,
        used: a.used,
        state: a.state,
        starts_at: a.starts_at,
        expires_at: a.expires_at,
        instructions_ja: a.benefit.instructions_ja,
        instructions_en: a.benefit.instructions_en,
        downloads: downloads(a.benefit.downloads),
        activated_at: a.activated_at,
        access_id: a.access_id,
        contract_id: a.contract_id,
        confirmed_at: a.confirmed_at,
        renews_at: a.renews_at,
    }
}

fn key_body(k: GotKey) -> BenefitKey {
    BenefitKey {
        id: k.id,
        allocation_id: k.allocation_id,
        benefit_id: k.benefit_id,
        last5: k.last5,
        key: k.key,
        state: k.state,
        got_by: k.got_by,
        got_at: k.got_at,
    }
}

fn pool_body(p: PoolView) -> BenefitKeyPool {
    BenefitKeyPool {
        benefit_id: p.benefit_id,
        code: p.code,
        name_ja: p.name_ja,
        name_en: p.name_en,
        available: p.available,
        handed_out: p.handed_out,
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BenefitParams {
    /// One kind: software, azure_monthly_credit, …
    pub kind: Option<String>,
    /// Operator staff: available or retired.
    pub state: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

/// The benefit catalog (R-BEN-2): every benefit for operator staff, the available ones for
/// partner users, oldest first.
#[utoipa::path(operation_id = "list_benefits", get, path = "/v1/benefits", tag = "benefits", security(("bearer" = [])), params(BenefitParams),
    responses((status = 200, body = BenefitList), (status = 403, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn list(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<BenefitParams>,
) -> ApiResult<Json<BenefitList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let kind = non_empty("kind", q.kind)?;
    let state = non_empty("state", q.state)?;
    let page = app::list(
        &s.app,
        &ctx,
        kind.as_deref(),
        state.as_deref(),
        p.cursor.as_deref(),
        p.limit,
    )
    .await?;
    let (items, next_cursor) = listed(page, benefit_body);
    Ok(Json(BenefitList { items, next_cursor }))
}

/// Operator staff add a benefit: its kind, names, instructions, core or incremental, months,
/// its quantity per level (and amount for credits), downloads for software, the offer a
/// license benefit sets up.
#[utoipa::path(operation_id = "create_benefit", post, path = "/v1/benefits", tag = "benefits", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, nullable = false)), request_body = PutBenefit,
    responses((status = 201, body = Benefit, headers(("ETag" = String))), (status = 200, description = "Replay", body = Benefit),
        (status = 403, body = keiro_api_types::Problem), (status = 409, description = "duplicate_code", body = keiro_api_types::Problem),
        (status = 422, body = keiro_api_types::Problem)))]
pub async fn create(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<PutBenefit>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let o = app::create(&s.app, &ctx, benefit_input(b), key.as_deref()).await?;
    let version = o.value.version;
    Ok(created_tagged(
        o.replayed,
        'n',
        version,
        benefit_body(o.value),
    ))
}

#[utoipa::path(operation_id = "get_benefit", get, path = "/v1/benefits/{id}", tag = "benefits", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Benefit, headers(("ETag" = String))), (status = 404, body = keiro_api_types::Problem)))]
pub async fn get(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let v = app::get(&s.app, &ctx, &id).await?;
    Ok(ok_tagged('n', v.version, benefit_body(v)))
}

/// Operator staff replace a benefit (If-Match). Its code never changes; what partners already
/// hold keeps its quantities (a change counts from the next package).
#[utoipa::path(operation_id = "put_benefit", put, path = "/v1/benefits/{id}", tag = "benefits", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"n[0-9]+")$"#)),
    request_body = PutBenefit,
    responses((status = 200, body = Benefit, headers(("ETag" = String))), (status = 404, body = keiro_api_types::Problem),
        (status = 412, description = "Changed since read"), (status = 422, body = keiro_api_types::Problem)))]
pub async fn put(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<PutBenefit>,
) -> ApiResult<Response> {
    let version = if_match(&headers, 'n')?;
    let v = app::update(&s.app, &ctx, &id, benefit_input(b), version).await?;
    Ok(ok_tagged('n', v.version, benefit_body(v)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PackageParams {
    /// Operator staff: one partner's packages.
    #[param(min_length = 1)]
    pub org_id: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

/// Benefit packages, newest first: the partner's own, or every partner's for operator staff.
#[utoipa::path(operation_id = "list_benefit_packages", get, path = "/v1/benefitpackages", tag = "benefits", security(("bearer" = [])), params(PackageParams),
    responses((status = 200, body = BenefitPackageList), (status = 403, body = keiro_api_types::Problem)))]
pub async fn list_packages(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<PackageParams>,
) -> ApiResult<Json<BenefitPackageList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let org = non_empty("org_id", q.org_id)?;
    let page = app::packages(&s.app, &ctx, org.as_deref(), p.cursor.as_deref(), p.limit).await?;
    let (items, next_cursor) = listed(page, package_body);
    Ok(Json(BenefitPackageList { items, next_cursor }))
}

/// Any user of a partner buys the package of its level (R-BEN-1): for a year from now, or as
/// the renewal from the end of the running one (in its last 90 days). Refusals:
/// no_membership_level, membership_not_active, no_benefits_for_level, renewal_too_early,
/// renewal_already_bought.
#[utoipa::path(operation_id = "create_benefit_package", post, path = "/v1/benefitpackages", tag = "benefits", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, nullable = false)), request_body = BuyBenefitPackage,
    responses((status = 201, body = BenefitPackage), (status = 200, description = "Replay", body = BenefitPackage),
        (status = 403, body = keiro_api_types::Problem), (status = 409, body = keiro_api_types::Problem)))]
pub async fn buy(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(_body): ApiJson<BuyBenefitPackage>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let o = app::buy(&s.app, &ctx, key.as_deref()).await?;
    Ok(created_once(o.replayed, package_body(o.value)))
}

#[utoipa::path(operation_id = "get_benefit_package", get, path = "/v1/benefitpackages/{id}", tag = "benefits", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = BenefitPackage, headers(("ETag" = String))), (status = 404, body = keiro_api_types::Problem)))]
pub async fn get_package(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let v = app::package(&s.app, &ctx, &id).await?;
    Ok(ok_tagged('k', v.version, package_body(v)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AllocationParams {
    /// Operator staff: the partner (or give `package_id`).
    #[param(min_length = 1)]
    pub org_id: Option<String>,
    #[param(min_length = 1)]
    pub package_id: Option<String>,
    /// One kind: software, license_subscription, …
    pub kind: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

/// The ledger: what the partner holds of each benefit, how much of it is used, core or
/// incremental, its state and the last day it may be activated.
#[utoipa::path(operation_id = "list_benefit_allocations", get, path = "/v1/benefitallocations", tag = "benefits", security(("bearer" = [])), params(AllocationParams),
    responses((status = 200, body = BenefitAllocationList), (status = 403, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn list_allocations(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<AllocationParams>,
) -> ApiResult<Json<BenefitAllocationList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let org = non_empty("org_id", q.org_id)?;
    let package = non_empty("package_id", q.package_id)?;
    let kind = non_empty("kind", q.kind)?;
    let page = app::allocations(
        &s.app,
        &ctx,
        org.as_deref(),
        package.as_deref(),
        kind.as_deref(),
        p.cursor.as_deref(),
        p.limit,
    )
    .await?;
    let (items, next_cursor) = listed(page, allocation_body);
    Ok(Json(BenefitAllocationList { items, next_cursor }))
}

#[utoipa::path(operation_id = "get_benefit_allocation", get, path = "/v1/benefitallocations/{id}", tag = "benefits", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = BenefitAllocation, headers(("ETag" = String))), (status = 404, body = keiro_api_types::Problem)))]
pub async fn get_allocation(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let v = app::allocation(&s.app, &ctx, &id).await?;
    Ok(ok_tagged('l', v.version, allocation_body(v)))
}

/// The keys got through a software allocation, with who got them and when; the key itself for
/// global admins and membership admins.
#[utoipa::path(operation_id = "list_benefit_keys", get, path = "/v1/benefitallocations/{id}/keys", tag = "benefits", security(("bearer" = [])),
    params(("id" = String, Path), PageParams),
    responses((status = 200, body = BenefitKeyList), (status = 404, body = keiro_api_types::Problem), (status = 409, description = "secret_key_changed", body = keiro_api_types::Problem)))]
pub async fn list_keys(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageParams>,
) -> ApiResult<Response> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let page = app::keys(&s.app, &ctx, &id, p.cursor.as_deref(), p.limit).await?;
    let (items, next_cursor) = listed(page, key_body);
    Ok(crate::api::respond::ok_once(BenefitKeyList {
        items,
        next_cursor,
    }))
}

/// A global admin or membership admin gets the next key of a software benefit (R-BEN-3), once
/// per allocated key, from the operator's pool. Refusals: role_required, not_a_software_benefit,
/// benefit_not_active, all_keys_got, key_pool_empty (the operator is alerted).
#[utoipa::path(operation_id = "create_benefit_key", post, path = "/v1/benefitallocations/{id}/keys", tag = "benefits", security(("bearer" = [])),
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, nullable = false)), request_body = GetBenefitKey,
    responses((status = 201, body = BenefitKey), (status = 200, description = "Replay (no key text)", body = BenefitKey),
        (status = 403, body = keiro_api_types::Problem), (status = 404, body = keiro_api_types::Problem), (status = 409, body = keiro_api_types::Problem)))]
pub async fn get_key(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(_body): ApiJson<GetBenefitKey>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let o = app::get_key(&s.app, &ctx, &id, key.as_deref()).await?;
    Ok(created_once(o.replayed, key_body(o.value)))
}

/// Operator staff import keys into the software benefits' pools from CSV (header:
/// `benefit_code,key`). A key already in a pool, or twice in the file, is refused on its row.
#[utoipa::path(operation_id = "import_benefit_keys", post, path = "/v1/benefitkeypools/import", tag = "benefits", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = BenefitKeyImportReport), (status = 403, body = keiro_api_types::Problem),
        (status = 415, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn import_keys(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<BenefitKeyImportReport>> {
    let csv = crate::api::csv_body(&headers, &body)?;
    let r = app::import_keys(&s.app, &ctx, &csv, &|_, _| {}).await?;
    Ok(Json(BenefitKeyImportReport {
        rows: r.rows,
        imported: r.imported,
        errors: crate::api::views::row_errors(r.errors),
    }))
}

/// Operator staff: each software benefit's pool, keys available and handed out.
#[utoipa::path(operation_id = "list_benefit_key_pools", get, path = "/v1/benefitkeypools", tag = "benefits", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = BenefitKeyPoolList), (status = 403, body = keiro_api_types::Problem)))]
pub async fn list_pools(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<PageParams>,
) -> ApiResult<Json<BenefitKeyPoolList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let page = app::pools(&s.app, &ctx, p.cursor.as_deref(), p.limit).await?;
    let (items, next_cursor) = listed(page, pool_body);
    Ok(Json(BenefitKeyPoolList { items, next_cursor }))
}

fn license_body(p: LicensePreview) -> BenefitLicensePreview {
    BenefitLicensePreview {
        allocation_id: p.allocation_id,
        offer_id: p.offer_id,
        offer_name_ja: p.offer_name_ja,
        offer_name_en: p.offer_name_en,
        key_seats: p.key_seats,
        mode: p.mode,
        subscription_id: p.subscription_id,
        current_seats: p.current_seats,
        current_ends_at: p.current_ends_at,
        seats: p.seats,
        ends_at: p.ends_at,
        new_subscription: p.new_subscription,
        under_a_year: p.under_a_year,
        last5: p.last5,
    }
}

/// What redeeming a license benefit's key does (R-BEN-5): the partner's subscription of the
/// product with its seats and end date, before and after. Refusals: malformed_key, unknown_key,
/// already_used, key_expired, key_revoked, not_a_benefit_key, benefit_key_internal_use,
/// benefit_not_active, role_required. Attempts are throttled per partner and per address.
#[utoipa::path(operation_id = "preview_benefit_license_redemption", post, path = "/v1/benefitlicenseredemptions/preview", tag = "benefits", security(("bearer" = [])),
    request_body = RedeemBenefitLicense,
    responses((status = 200, body = BenefitLicensePreview), (status = 403, body = keiro_api_types::Problem),
        (status = 409, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem), (status = 429, body = keiro_api_types::Problem)))]
pub async fn preview_license(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(b): ApiJson<RedeemBenefitLicense>,
) -> ApiResult<Json<BenefitLicensePreview>> {
    let p = app::check_license(&s.app, &ctx, &b.key, &b.mode).await?;
    Ok(Json(license_body(p)))
}

/// A global admin or membership admin redeems a license benefit's key into the partner's own
/// organization (R-BEN-5): the seats are added to its subscription of the product (end date
/// kept), or its end date moves 12 months later, or a new 12-month subscription is made. A key
/// works once.
#[utoipa::path(operation_id = "create_benefit_license_redemption", post, path = "/v1/benefitlicenseredemptions", tag = "benefits", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, nullable = false)),
    request_body = RedeemBenefitLicense,
    responses((status = 201, body = BenefitLicenseRedeemed), (status = 200, description = "Replay", body = BenefitLicenseRedeemed),
        (status = 403, body = keiro_api_types::Problem), (status = 409, body = keiro_api_types::Problem),
        (status = 422, body = keiro_api_types::Problem), (status = 429, body = keiro_api_types::Problem)))]
pub async fn redeem_license(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<RedeemBenefitLicense>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let o = app::redeem_license(&s.app, &ctx, &b.key, &b.mode, key.as_deref()).await?;
    Ok(created_once(
        o.replayed,
        BenefitLicenseRedeemed {
            subscription: crate::api::views::subscription_body(o.value.subscription),
            preview: license_body(o.value.preview),
        },
    ))
}

pub(crate) fn request_body(r: RequestView) -> BenefitRequest {
    BenefitRequest {
        id: r.id,
        org_id: r.org_id,
        org_name: r.org_name,
        kind: r.kind,
        package_id: r.package_id,
        allocation_id: r.allocation_id,
        topic: r.topic,
        access_id: r.access_id,
        contract_id: r.contract_id,
        hours_used: r.hours_used,
        description: r.description,
        state: r.state,
        opened_by: r.opened_by,
        opened_at: r.opened_at,
        decided_at: r.decided_at,
        decision_reason: r.decision_reason,
    }
}

/// A global admin asks the operator to cancel the package for a refund (R-BEN-10): within 30
/// days of its purchase and while no software key of it was got. Refusals:
/// cancellation_window_passed, software_benefit_activated, license_benefit_redeemed,
/// package_cancelled, cancellation_requested, role_required.
#[utoipa::path(operation_id = "create_benefit_cancellation_request", post, path = "/v1/benefitpackages/{id}/cancellationrequests", tag = "benefits", security(("bearer" = [])),
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header, nullable = false)),
    request_body = RequestBenefitCancellation,
    responses((status = 201, body = BenefitRequest), (status = 200, description = "Replay", body = BenefitRequest),
        (status = 403, body = keiro_api_types::Problem), (status = 404, body = keiro_api_types::Problem),
        (status = 409, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn request_cancellation(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<RequestBenefitCancellation>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let o = app::request_cancellation(&s.app, &ctx, &id, &b.reason, key.as_deref()).await?;
    Ok(created_once(o.replayed, request_body(o.value)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestParams {
    /// open, approved, refused or answered.
    pub state: Option<String>,
    /// cancellation, technical_support or advisory.
    pub kind: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

/// Requests to the operator about benefits, newest first: the partner's own, or every
/// partner's for operator staff.
#[utoipa::path(operation_id = "list_benefit_requests", get, path = "/v1/benefitrequests", tag = "benefits", security(("bearer" = [])), params(RequestParams),
    responses((status = 200, body = BenefitRequestList), (status = 403, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn list_requests(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<RequestParams>,
) -> ApiResult<Json<BenefitRequestList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let state = non_empty("state", q.state)?;
    let kind = non_empty("kind", q.kind)?;
    let page = app::requests(
        &s.app,
        &ctx,
        state.as_deref(),
        kind.as_deref(),
        p.cursor.as_deref(),
        p.limit,
    )
    .await?;
    let (items, next_cursor) = listed(page, request_body);
    Ok(Json(BenefitRequestList { items, next_cursor }))
}

#[utoipa::path(operation_id = "get_benefit_request", get, path = "/v1/benefitrequests/{id}", tag = "benefits", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = BenefitRequest, headers(("ETag" = String))), (status = 404, body = keiro_api_types::Problem)))]
pub async fn get_request(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let v = app::request(&s.app, &ctx, &id).await?;
    Ok(ok_tagged('q', v.version, request_body(v)))
}

/// Operator staff approve a request with a reason: a cancellation cancels the package and its
/// allocations (refund) and the partner is emailed.
#[utoipa::path(operation_id = "approve_benefit_request", post, path = "/v1/benefitrequests/{id}/approve", tag = "benefits", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = DecideBenefitRequest,
    responses((status = 200, body = BenefitRequest), (status = 403, body = keiro_api_types::Problem), (status = 404, body = keiro_api_types::Problem),
        (status = 409, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn approve_request(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DecideBenefitRequest>,
) -> ApiResult<Json<BenefitRequest>> {
    let v = app::decide(&s.app, &ctx, &id, true, &b.reason).await?;
    Ok(Json(request_body(v)))
}

/// Operator staff refuse a request with a reason.
#[utoipa::path(operation_id = "reject_benefit_request", post, path = "/v1/benefitrequests/{id}/refuse", tag = "benefits", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = DecideBenefitRequest,
    responses((status = 200, body = BenefitRequest), (status = 403, body = keiro_api_types::Problem), (status = 404, body = keiro_api_types::Problem),
        (status = 409, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn refuse_request(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DecideBenefitRequest>,
) -> ApiResult<Json<BenefitRequest>> {
    let v = app::decide(&s.app, &ctx, &id, false, &b.reason).await?;
    Ok(Json(request_body(v)))
}

/// Operator staff import the benefit catalog from CSV (header: `code,kind,name_ja,name_en,levels`,
/// optionally `tier,months,offer_sku,description_ja,description_en,instructions_ja,
/// instructions_en,downloads,state`; levels `gold|10;silver|5`, downloads `ja|windows|https://…`).
/// Benefits are created or replaced by code; rows with errors are reported and skipped.
#[utoipa::path(operation_id = "import_benefits", post, path = "/v1/benefits/import", tag = "benefits", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = BenefitCatalogImportReport), (status = 403, body = keiro_api_types::Problem),
        (status = 415, body = keiro_api_types::Problem), (status = 422, body = keiro_api_types::Problem)))]
pub async fn import_catalog(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<BenefitCatalogImportReport>> {
    let csv = crate::api::csv_body(&headers, &body)?;
    let tx_report = app::import_catalog(&s.app, &ctx, &csv).await?;
    Ok(Json(BenefitCatalogImportReport {
        rows: tx_report.rows,
        created: tx_report.created,
        updated: tx_report.updated,
        errors: crate::api::views::row_errors(tx_report.errors),
    }))
}

/// A global admin or membership admin activates a technical benefit (R-BEN-7), once: its access
/// ID and contract ID are made and every user of the partner sees them; or a go-to-market offer
/// (R-BEN-9), once the marketing contact is assigned: it is pending until operator staff
/// confirm it. Refusals: role_required, benefit_not_activatable, already_activated,
/// benefit_not_active, marketing_contact_required.
#[utoipa::path(operation_id = "activate_benefit_allocation", post, path = "/v1/benefitallocations/{id}/activate", tag = "benefits", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = BenefitAllocation, headers(("ETag" = String))), (status = 403, body = keiro_api_types::Problem),
        (status = 404, body = keiro_api_types::Problem), (status = 409, body = keiro_api_types::Problem)))]
pub async fn activate(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let v = app::activate(&s.app, &ctx, &id).await?;
    Ok(ok_tagged('l', v.version, allocation_body(v)))
}
