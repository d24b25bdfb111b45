//! The catalog (R-ORD-1) under `/v1/products` and `/v1/offers`: operator staff maintain it
//! (If-Match with `"r<version>"` for products, `"f<version>"` for offers; CSV import); partners
//! browse the available offers, by their customer's country.

use crate::api::ApiQuery;
use crate::api::respond::{created_tagged, tagged};
use crate::api::views::{listed, offer_body, product_body};
use crate::extract::{ApiCtx, ApiJson, Paging, if_match, non_empty};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use keiro_api_types::{
    CatalogImportReport, Offer, OfferList, OfferState, Product, ProductList, PutOffer, PutProduct,
    SetOfferState,
};
use keiro_app::catalog::{OfferFilter, OfferInput, OfferView, ProductView};
use keiro_domain::catalog::{OfferSpec, ProductSpec};
use serde::Deserialize;

fn product_response(v: ProductView, status: StatusCode) -> Response {
    tagged(status, 'r', v.version, product_body(v))
}

fn offer_response(v: OfferView, status: StatusCode) -> Response {
    tagged(status, 'f', v.version, offer_body(v))
}

fn product_spec(b: PutProduct) -> ProductSpec {
    ProductSpec {
        code: b.code,
        name_en: b.name_en,
        name_ja: b.name_ja,
        description_en: b.description_en,
        description_ja: b.description_ja,
    }
}

fn offer_input(b: PutOffer) -> OfferInput {
    OfferInput {
        product_id: b.product_id,
        spec: OfferSpec {
            sku: b.sku,
            name_en: b.name_en,
            name_ja: b.name_ja,
            description_en: b.description_en,
            description_ja: b.description_ja,
            billing_cycle: b.billing_cycle,
            term_months: b.term_months,
            unit_price_minor: b.unit_price_minor,
            currency: b.currency,
            min_quantity: b.min_quantity,
            max_quantity: b.max_quantity,
            trial_days: b.trial_days,
            prerequisite_offer_id: b.prerequisite_offer_id,
            countries: b.countries,
        },
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductParams {
    /// Part of the code or a name, case-insensitive.
    #[param(min_length = 1)]
    pub q: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/v1/products", tag = "catalog", security(("bearer" = [])), params(ProductParams),
    responses((status = 200, body = ProductList)))]
pub async fn list_products(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ProductParams>,
) -> ApiResult<Json<ProductList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let search = non_empty("q", q.q)?;
    let page = keiro_app::catalog::list_products(
        &s.app,
        &ctx,
        search.as_deref(),
        p.cursor.as_deref(),
        p.limit,
    )
    .await?;
    let (items, next_cursor) = listed(page, product_body);
    Ok(Json(ProductList { items, next_cursor }))
}

/// Operator staff: a new product.
#[utoipa::path(post, path = "/v1/products", tag = "catalog", security(("bearer" = [])), params(("Idempotency-Key" = Option<String>, Header, nullable = false)), request_body = PutProduct,
    responses((status = 201, body = Product, headers(("ETag" = String))), (status = 409, description = "The code is taken")))]
pub async fn create_product(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<PutProduct>,
) -> ApiResult<Response> {
    let key = crate::api::idempotency_key(&headers)?;
    let o =
        keiro_app::catalog::create_product(&s.app, &ctx, product_spec(b), key.as_deref()).await?;
    let r = created_tagged(o.replayed, 'r', o.value.version, product_body(o.value));
    Ok(r)
}

/// Operator staff: replace a product's names and descriptions (If-Match).
#[utoipa::path(put, path = "/v1/products/{id}", tag = "catalog", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"r[0-9]+")$"#)),
    request_body = PutProduct,
    responses((status = 200, body = Product, headers(("ETag" = String))), (status = 412, description = "Changed since read")))]
pub async fn put_product(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<PutProduct>,
) -> ApiResult<Response> {
    let version = if_match(&headers, 'r')?;
    let v = keiro_app::catalog::update_product(&s.app, &ctx, &id, product_spec(b), version).await?;
    Ok(product_response(v, StatusCode::OK))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OfferParams {
    /// Part of the SKU or a name, case-insensitive.
    #[param(min_length = 1)]
    pub q: Option<String>,
    /// Only offers sold in this country (ISO 3166-1 alpha-2).
    #[param(min_length = 2, max_length = 2, pattern = r"^[A-Za-z]{2}$")]
    pub country: Option<String>,
    /// Only offers sold in the country of this customer of the caller's.
    #[param(min_length = 1)]
    pub customer: Option<String>,
    /// Operator staff: available or retired (partners always see available offers).
    #[param(value_type = Option<OfferState>)]
    pub state: Option<String>,
    /// Only offers of this product.
    #[param(min_length = 1)]
    pub product: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

/// Offers (R-ORD-1): the whole catalog for operator staff; the available offers for partners,
/// searchable, by country or by the country of one of their customers.
#[utoipa::path(get, path = "/v1/offers", tag = "catalog", security(("bearer" = [])), params(OfferParams),
    responses((status = 200, body = OfferList)))]
pub async fn list_offers(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<OfferParams>,
) -> ApiResult<Json<OfferList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let search = non_empty("q", q.q)?;
    let country = non_empty("country", q.country)?;
    let customer = non_empty("customer", q.customer)?;
    let state = non_empty("state", q.state)?;
    let product = non_empty("product", q.product)?;
    let page = keiro_app::catalog::list_offers(
        &s.app,
        &ctx,
        OfferFilter {
            q: search.as_deref(),
            country: country.as_deref(),
            customer: customer.as_deref(),
            state: state.as_deref(),
            product: product.as_deref(),
            cursor: p.cursor.as_deref(),
            limit: p.limit,
        },
    )
    .await?;
    let (items, next_cursor) = listed(page, offer_body);
    Ok(Json(OfferList { items, next_cursor }))
}

/// Operator staff: a new offer (available at once).
#[utoipa::path(post, path = "/v1/offers", tag = "catalog", security(("bearer" = [])), params(("Idempotency-Key" = Option<String>, Header, nullable = false)), request_body = PutOffer,
    responses((status = 201, body = Offer, headers(("ETag" = String))), (status = 409, description = "The SKU is taken")))]
pub async fn create_offer(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<PutOffer>,
) -> ApiResult<Response> {
    let key = crate::api::idempotency_key(&headers)?;
    let o = keiro_app::catalog::create_offer(&s.app, &ctx, offer_input(b), key.as_deref()).await?;
    let r = created_tagged(o.replayed, 'f', o.value.version, offer_body(o.value));
    Ok(r)
}

#[utoipa::path(get, path = "/v1/offers/{id}", tag = "catalog", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Offer, headers(("ETag" = String)))))]
pub async fn get_offer(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let v = keiro_app::catalog::get_offer(&s.app, &ctx, &id).await?;
    Ok(offer_response(v, StatusCode::OK))
}

/// Operator staff: replace an offer's terms (If-Match). The SKU never changes.
#[utoipa::path(put, path = "/v1/offers/{id}", tag = "catalog", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"f[0-9]+")$"#)),
    request_body = PutOffer,
    responses((status = 200, body = Offer, headers(("ETag" = String))), (status = 412, description = "Changed since read")))]
pub async fn put_offer(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<PutOffer>,
) -> ApiResult<Response> {
    let version = if_match(&headers, 'f')?;
    let v = keiro_app::catalog::update_offer(&s.app, &ctx, &id, offer_input(b), version).await?;
    Ok(offer_response(v, StatusCode::OK))
}

/// Operator staff: retire an offer (existing subscriptions go on) or make it available again.
#[utoipa::path(put, path = "/v1/offers/{id}/state", tag = "catalog", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"f[0-9]+")$"#)),
    request_body = SetOfferState,
    responses((status = 200, body = Offer, headers(("ETag" = String))), (status = 409, description = "Already in that state"), (status = 412, description = "Changed since read")))]
pub async fn set_offer_state(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<SetOfferState>,
) -> ApiResult<Response> {
    let version = if_match(&headers, 'f')?;
    let v = keiro_app::catalog::set_offer_state(
        &s.app,
        &ctx,
        &id,
        b.state == keiro_domain::catalog::OfferState::Available,
        version,
    )
    .await?;
    Ok(offer_response(v, StatusCode::OK))
}

/// Operator staff: import products and offers from CSV (header: `product_code,sku,name_en,
/// name_ja,billing_cycle,term_months,unit_price_minor,currency,countries`, optionally
/// `product_name_en,product_name_ja,description_en,description_ja,min_quantity,max_quantity,
/// trial_days,prerequisite_sku,state`). Offers are created or updated by SKU; rows with errors
/// are reported and skipped.
#[utoipa::path(post, path = "/v1/offers/import", tag = "catalog", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = CatalogImportReport)))]
pub async fn import_offers(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<CatalogImportReport>> {
    let csv = crate::api::csv_body(&headers, &body)?;
    let rep = keiro_app::catalog::import_csv(&s.app, &ctx, &csv, &|_, _| {}).await?;
    Ok(Json(CatalogImportReport {
        rows: rep.rows,
        products_created: rep.products_created,
        offers_created: rep.offers_created,
        offers_updated: rep.offers_updated,
        errors: crate::api::views::row_errors(rep.errors),
    }))
}
