//! The REST API under `/v1`, documented by utoipa: every route registered here appears in
//! `/openapi.json`.

mod audit;
mod benefit_uses;
mod benefits;
mod catalog;
pub mod contract;
mod customer_users;
mod directory;
mod enrollment;
mod gdap;
mod health;
mod me;
mod orders;
mod organization;
mod outbox;
mod params;
mod partner_authorizations;
mod partnerships;
mod product_keys;
mod purchase_offers;
mod registry;
mod relationships;
pub(crate) mod respond;
mod service_requests;
mod subscriptions;
mod tokens;
mod trial_invitations;
mod users;
mod views;

use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Query};
use axum::http::{StatusCode, request::Parts};
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Keiro API",
        version = "1",
        description = "REST API of Keiro, a partner center for two-tier channel programs. \
            Authenticate with `Authorization: Bearer <token>` (Account > API tokens). \
            Errors are application/problem+json with a stable `code`. Lists are cursor-paged \
            (`limit`, `cursor`, `next_cursor`). Creates accept `Idempotency-Key`; updates accept \
            `If-Match` with the ETag of the resource."
    ),
    modifiers(&BearerAuth),
    components(schemas(keiro_api_types::Problem, keiro_api_types::FieldError, outbox::OutboxState, outbox::OutboxKind,
        relationships::CustomerSortParam, relationships::CustomerKindParam)),
    tags(
        (name = "account", description = "The signed-in user"),
        (name = "audit", description = "The append-only audit log"),
        (name = "enrollment", description = "Partner enrollment (the applicant's side)"),
        (name = "organization", description = "The caller's organization and company profile"),
        (name = "users", description = "User management in the caller's organization"),
        (name = "gdap", description = "Granular delegated admin: relationships, access assignments, security groups"),
        (name = "customers", description = "Customers and their partners: reseller relationships"),
        (name = "partnerships", description = "Relationship requests, indirect resellers and providers, the provider directory"),
        (name = "catalog", description = "Products and offers (R-ORD-1)"),
        (name = "orders", description = "Orders and subscriptions (R-ORD-2…7)"),
        (name = "advisors", description = "Subscription advisor tools: trial invitations (R-ADV-1…5)"),
        (name = "benefits", description = "Membership benefits: the catalog, packages, the allocations ledger, software keys (R-BEN-1…3)"),
        (name = "operator", description = "Operator staff tasks"),
        (name = "health", description = "Load balancer probes"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("kt_…")
                    .build(),
            ),
        );
    }
}

/// The API routes and their OpenAPI document (as served at `/openapi.json`).
pub fn routes() -> (axum::Router<AppState>, serde_json::Value) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(me::get_me, me::update_me))
        .routes(routes!(me::change_password))
        .routes(routes!(tokens::list_tokens, tokens::create_token))
        .routes(routes!(tokens::revoke_token))
        .routes(routes!(audit::list_audit_records))
        .routes(routes!(outbox::list_outbox))
        .routes(routes!(
            organization::get_profile,
            organization::put_profile
        ))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(
            users::get_user,
            users::update_user,
            users::delete_user
        ))
        .routes(routes!(users::reset_password))
        .routes(routes!(users::deactivate_user))
        .routes(routes!(users::reactivate_user))
        .routes(routes!(users::operator_reset_mfa))
        .routes(routes!(registry::list_records, registry::create_record))
        .routes(routes!(registry::import_records))
        .routes(routes!(registry::get_record, registry::update_record))
        .routes(routes!(registry::new_secret))
        .routes(routes!(partner_authorizations::list))
        .routes(routes!(
            partner_authorizations::get,
            partner_authorizations::set
        ))
        .routes(routes!(partner_authorizations::changes))
        .routes(routes!(enrollment::create_account))
        .routes(routes!(enrollment::get_mine))
        .routes(routes!(enrollment::put_program_role))
        .routes(routes!(enrollment::put_membership))
        .routes(routes!(enrollment::put_profile))
        .routes(routes!(enrollment::put_contacts))
        .routes(routes!(enrollment::submit))
        .routes(routes!(enrollment::verify))
        .routes(routes!(enrollment::reseller_account))
        .routes(routes!(enrollment::queue))
        .routes(routes!(enrollment::get_one))
        .routes(routes!(enrollment::approve))
        .routes(routes!(enrollment::reject))
        .routes(routes!(enrollment::request_info))
        .routes(routes!(
            partnerships::list_requests,
            partnerships::create_request
        ))
        .routes(routes!(partnerships::get_request))
        .routes(routes!(partnerships::revoke_request))
        .routes(routes!(partnerships::preview))
        .routes(routes!(partnerships::accept))
        .routes(routes!(partnerships::list_resellers))
        .routes(routes!(partnerships::get_reseller))
        .routes(routes!(
            partnerships::reseller_customers,
            orders::create_customer
        ))
        .routes(routes!(partnerships::reseller_users))
        .routes(routes!(partnerships::remove_reseller))
        .routes(routes!(partnerships::list_providers))
        .routes(routes!(partnerships::get_provider))
        .routes(routes!(partnerships::provider_customers))
        .routes(routes!(partnerships::remove_provider))
        .routes(routes!(
            partnerships::grant_admin_access,
            partnerships::remove_admin_access
        ))
        .routes(routes!(relationships::list_customers))
        .routes(routes!(relationships::list_partners))
        .routes(routes!(relationships::sign_up))
        .routes(routes!(relationships::remove_customer))
        .routes(routes!(relationships::revoke_delegated_admin))
        .routes(routes!(
            customer_users::customer_users,
            customer_users::create_customer_user
        ))
        .routes(routes!(customer_users::reset_customer_user_password))
        .routes(routes!(customer_users::set_customer_user_roles))
        .routes(routes!(customer_users::get_customer_user))
        .routes(routes!(service_requests::list, service_requests::create))
        .routes(routes!(service_requests::get))
        .routes(routes!(service_requests::add_note))
        .routes(routes!(service_requests::set_status))
        .routes(routes!(gdap::list, gdap::create))
        .routes(routes!(gdap::get))
        .routes(routes!(gdap::request_approval))
        .routes(routes!(gdap::terminate))
        .routes(routes!(gdap::approve))
        .routes(routes!(gdap::assignments, gdap::assign))
        .routes(routes!(gdap::unassign))
        .routes(routes!(gdap::groups, gdap::create_group))
        .routes(routes!(gdap::add_member))
        .routes(routes!(gdap::remove_member))
        .routes(routes!(catalog::list_products, catalog::create_product))
        .routes(routes!(catalog::put_product))
        .routes(routes!(catalog::list_offers, catalog::create_offer))
        .routes(routes!(catalog::import_offers))
        .routes(routes!(catalog::get_offer, catalog::put_offer))
        .routes(routes!(catalog::set_offer_state))
        .routes(routes!(orders::create_order))
        .routes(routes!(subscriptions::list))
        .routes(routes!(subscriptions::list_for_customer))
        .routes(routes!(subscriptions::get))
        .routes(routes!(subscriptions::history))
        .routes(routes!(subscriptions::set_quantity))
        .routes(routes!(subscriptions::set_auto_renew))
        .routes(routes!(subscriptions::suspend))
        .routes(routes!(subscriptions::resume))
        .routes(routes!(subscriptions::cancel))
        .routes(routes!(subscriptions::convert))
        .routes(routes!(subscriptions::set_reseller))
        .routes(routes!(subscriptions::set_support_contact))
        .routes(routes!(subscriptions::set_partner_of_record))
        .routes(routes!(trial_invitations::create, trial_invitations::list))
        .routes(routes!(trial_invitations::preview))
        .routes(routes!(trial_invitations::start))
        .routes(routes!(trial_invitations::extend))
        .routes(routes!(purchase_offers::create, purchase_offers::list))
        .routes(routes!(purchase_offers::preview))
        .routes(routes!(purchase_offers::buy))
        .routes(routes!(purchase_offers::extend))
        .routes(routes!(product_keys::create, product_keys::list))
        .routes(routes!(product_keys::export))
        .routes(routes!(product_keys::revoke))
        .routes(routes!(product_keys::preview))
        .routes(routes!(product_keys::redeem))
        .routes(routes!(benefits::list, benefits::create))
        .routes(routes!(benefits::import_catalog))
        .routes(routes!(benefits::get, benefits::put))
        .routes(routes!(benefits::list_packages, benefits::buy))
        .routes(routes!(benefits::get_package))
        .routes(routes!(benefits::list_allocations))
        .routes(routes!(benefits::get_allocation))
        .routes(routes!(benefits::activate))
        .routes(routes!(benefit_uses::confirm))
        .routes(routes!(
            benefit_uses::list_assignments,
            benefit_uses::create_assignment
        ))
        .routes(routes!(benefit_uses::get_assignment))
        .routes(routes!(benefit_uses::reassign))
        .routes(routes!(benefit_uses::remove))
        .routes(routes!(
            benefit_uses::get_contact,
            benefit_uses::put_contact
        ))
        .routes(routes!(benefit_uses::list_pending))
        .routes(routes!(benefit_uses::answer))
        .routes(routes!(benefits::list_keys, benefits::get_key))
        .routes(routes!(benefits::import_keys))
        .routes(routes!(benefits::list_pools))
        .routes(routes!(benefits::preview_license))
        .routes(routes!(benefits::redeem_license))
        .routes(routes!(benefits::request_cancellation))
        .routes(routes!(
            benefits::list_requests,
            benefit_uses::create_request
        ))
        .routes(routes!(benefits::get_request))
        .routes(routes!(benefits::approve_request))
        .routes(routes!(benefits::refuse_request))
        .routes(routes!(directory::search))
        .routes(routes!(
            directory::get_entry,
            directory::put_entry,
            directory::delete_entry
        ))
        .split_for_parts();
    ProblemResponses.modify(&mut doc);
    let mut doc = serde_json::to_value(&doc).unwrap_or_default();
    contract::apply(&mut doc);
    (router, doc)
}

/// Documents, on every `/v1` operation, the errors any of them can answer (authentication,
/// rate limits, body and query problems), all as `application/problem+json`. One place, so
/// a new route cannot forget them.
struct ProblemResponses;

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let problem = |desc: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(desc)
                    .content(
                        crate::problem::PROBLEM_JSON,
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build(),
            )
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/v1") {
                continue;
            }
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let mut common = vec![
                    ("401", "Missing, unknown, expired or revoked token"),
                    (
                        "403",
                        "Not allowed for the caller's roles, or a temporary password must be changed first",
                    ),
                    ("422", "Invalid parameters or body"),
                    ("429", "Rate limited; see Retry-After"),
                ];
                if op.request_body.is_some() {
                    common.extend([
                        ("400", "Malformed JSON"),
                        ("413", "Body too large"),
                        ("415", "Body is not application/json"),
                    ]);
                }
                common.push(("404", "No such resource visible to the caller"));
                for (code, desc) in common {
                    op.responses
                        .responses
                        .entry(code.to_string())
                        .or_insert_with(|| problem(desc));
                }
                for (code, resp) in op.responses.responses.iter_mut() {
                    if let (true, RefOr::T(r)) =
                        (code.starts_with('4') || code.starts_with('5'), resp)
                        && let Some(c) = r.content.shift_remove("application/json")
                    {
                        r.content
                            .insert(crate::problem::PROBLEM_JSON.to_string(), c);
                    }
                }
            }
        }
    }
}

/// Query parameters whose rejections become problem+json.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_query",
                    e.body_text(),
                )
            })
    }
}

/// The text of a `text/csv` upload (415 for any other body), decoded as the imports read it.
pub fn csv_body(headers: &axum::http::HeaderMap, body: &[u8]) -> Result<String, ApiError> {
    let ct = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ct.starts_with("text/csv") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the file as text/csv",
        ));
    }
    Ok(keiro_app::registry::decode_csv(body)?)
}

/// The Idempotency-Key header, if any.
pub fn idempotency_key(parts: &axum::http::HeaderMap) -> Result<Option<String>, ApiError> {
    match parts.get("idempotency-key") {
        None => Ok(None),
        Some(v) => v.to_str().map(|s| Some(s.to_string())).map_err(|_| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_idempotency_key",
                "the Idempotency-Key must be visible ASCII",
            )
        }),
    }
}
