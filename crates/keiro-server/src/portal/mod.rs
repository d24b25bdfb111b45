//! The portal: server-rendered pages (askama), ja/en (fluent), enhanced by htmx but complete
//! without JavaScript. Forms are protected twice against CSRF: tower-http's Fetch-Metadata check
//! on every unsafe request, and a per-session token in every form of a signed-in user.

mod catalog_admin;
mod commerce;
mod confirm;
mod cookies;
mod csrf;
mod customers;
mod draft;
mod enroll;
mod errors;
mod form;
mod gdap;
mod i18n;
mod import;
mod mfa;
mod navbar;
mod page;
mod pages;
mod partners;
mod people;
mod registry;
mod request;
mod support;

pub use cookies::{LANG_COOKIE, SESSION_COOKIE, session_cookie};
pub use csrf::{NoFields, TokenField};
pub use errors::{not_found_page, plain_page};
pub use form::{ProfileFields, SignedForm};
pub use i18n::{t, t_args};
pub use navbar::{Base, Chrome, NAV, NavItem, nav_applies};
pub use page::{PageResult, no_store, render};
pub use request::{Portal, local_path, safe_next};

use crate::state::AppState;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use keiro_domain::Language;
use tower_http::csrf::CsrfLayer;

pub fn routes(state: &AppState) -> Router<AppState> {
    let mut csrf = CsrfLayer::new();
    for o in &state.config.trusted_origins {
        match csrf.clone().add_trusted_origin(o) {
            Ok(c) => csrf = c,
            Err(e) => tracing::warn!(origin = %o, error = ?e, "ignoring invalid trusted origin"),
        }
    }
    let csrf = csrf.with_rejection_response(|_| {
        (StatusCode::FORBIDDEN, Html(format!(
            "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>403</title><p>{}</p><p lang=\"ja\">{}</p></html>",
            t(Language::En, "error-csrf"),
            t(Language::Ja, "error-csrf")
        )))
            .into_response()
    });
    Router::new()
        .route("/", get(pages::home))
        .route("/signin", get(pages::signin_form).post(pages::signin))
        .route("/signout", post(pages::signout))
        .route("/signin/mfa", get(mfa::signin_form).post(mfa::signin))
        .route("/account/mfa", get(mfa::status))
        .route("/account/mfa/setup", post(mfa::start))
        .route("/account/mfa/confirm", post(mfa::confirm))
        .route("/organization/mfa", post(mfa::set_requirement))
        .route(
            "/organization/reselleraccount",
            post(people::become_reseller),
        )
        .route(
            "/password/change",
            get(pages::password_form).post(pages::password_change),
        )
        .route("/dashboard", get(pages::dashboard))
        .route("/account", get(pages::account))
        .route("/account/preferences", post(pages::save_preferences))
        .route("/account/tokens", post(pages::create_token))
        .route("/account/tokens/{id}/revoke", post(pages::revoke_token))
        .route(
            "/organization",
            get(people::profile).post(people::save_profile),
        )
        .route("/users", get(people::users).post(people::create_user))
        .route("/users/new", get(people::new_user))
        .route("/users/{id}", get(people::user).post(people::save_user))
        .route(
            "/users/{id}/resetpassword",
            post(people::reset_user_password),
        )
        .route("/users/{id}/delete", post(people::delete_user))
        .route("/users/{id}/{what}", post(people::set_user_active))
        .route("/indirect-resellers", get(partners::resellers))
        .route("/indirect-resellers/request", post(partners::request))
        .route("/invitations/send", post(partners::send))
        .route(
            "/indirect-resellers/links/{id}/revoke",
            post(partners::revoke_link),
        )
        .route(
            "/indirect-resellers/{id}/customers",
            get(partners::reseller_customers),
        )
        .route(
            "/indirect-resellers/{id}/users",
            get(partners::reseller_users),
        )
        .route(
            "/indirect-resellers/{id}/{what}",
            get(partners::reseller_confirm).post(partners::reseller_confirmed),
        )
        .route("/indirect-providers", get(partners::providers))
        .route(
            "/indirect-providers/{id}/customers",
            get(partners::provider_customers),
        )
        .route(
            "/indirect-providers/{id}/{what}",
            get(partners::provider_confirm).post(partners::provider_confirmed),
        )
        .route(
            "/indirect-providers/{id}/invite-customer",
            post(customers::three_way),
        )
        .route("/customers", get(customers::list))
        .route("/customers/request", post(customers::request))
        .route("/customers/offerdelegatedadmin", post(customers::offer_dap))
        .route("/partners", get(customers::partners))
        .route(
            "/customers/{id}/remove",
            get(customers::remove_form).post(customers::remove),
        )
        .route("/customers/{id}", get(gdap::customer))
        .route("/customers/{id}/users", post(gdap::customer_add_user))
        .route(
            "/customers/{id}/users/{user}/resetpassword",
            post(gdap::customer_reset),
        )
        .route(
            "/customers/{id}/users/{user}/roles",
            post(gdap::customer_roles),
        )
        .route("/catalog", get(commerce::catalog))
        .route("/subscriptions", get(commerce::mine))
        .route("/subscriptions/{id}", get(commerce::subscription))
        .route("/subscriptions/{id}/{what}", post(commerce::change))
        .route(
            "/customers/{id}/subscriptions",
            get(commerce::customer_subscriptions).post(commerce::order),
        )
        .route(
            "/indirect-resellers/{id}/new-customer",
            get(commerce::new_customer).post(commerce::new_customer_step),
        )
        .route("/support", get(support::mine))
        .route(
            "/customers/{id}/servicerequests",
            get(support::list).post(support::create),
        )
        .route(
            "/customers/{id}/servicerequests/{rid}",
            get(support::one).post(support::update),
        )
        .route("/gdap", get(gdap::list).post(gdap::create))
        .route("/gdap/{id}", get(gdap::one))
        .route("/gdap/{id}/requestapproval", post(gdap::request_approval))
        .route("/gdap/{id}/assignments", post(gdap::assign))
        .route(
            "/gdap/{id}/assignments/{assignment}/remove",
            post(gdap::unassign),
        )
        .route("/gdap/{id}/terminate", post(gdap::terminate))
        .route("/gdap/{id}/approve", post(gdap::approve))
        .route(
            "/security-groups",
            get(gdap::groups).post(gdap::create_group),
        )
        .route("/security-groups/{id}/members", post(gdap::member))
        .route(
            "/partners/{id}/delegatedadmin",
            get(customers::revoke_dap_form).post(customers::revoke_dap),
        )
        .route(
            "/invite/signup",
            get(customers::signup_form).post(customers::signup),
        )
        .route("/invite", get(partners::invite))
        .route("/invite/accept", post(partners::accept))
        .route("/provider-directory", get(partners::directory))
        .route("/operator/directory", get(partners::directory_admin))
        .route(
            "/operator/directory/{id}",
            get(partners::directory_entry).post(partners::save_directory_entry),
        )
        .route("/enroll", get(enroll::start).post(enroll::create_account))
        .route("/enroll/wizard", get(enroll::wizard))
        .route("/enroll/program", post(enroll::save_program))
        .route("/enroll/membership", post(enroll::save_membership))
        .route("/enroll/profile", post(enroll::save_profile))
        .route("/enroll/contacts", post(enroll::save_contacts))
        .route("/enroll/submit", post(enroll::submit))
        .route(
            "/enroll/verify",
            get(enroll::verify_form).post(enroll::verify),
        )
        .route("/operator/enrollments", get(enroll::queue))
        .route("/operator/enrollments/{id}", get(enroll::review))
        .route("/operator/enrollments/{id}/{what}", post(enroll::decide))
        .route(
            "/operator/registry",
            get(registry::list).post(registry::create),
        )
        .route(
            "/operator/registry/import",
            post(registry::import).layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024)),
        )
        .route(
            "/operator/registry/imports/{id}",
            get(registry::import_status),
        )
        .route(
            "/operator/registry/{id}",
            get(registry::record).post(registry::update),
        )
        .route(
            "/operator/registry/{id}/claimsecret",
            post(registry::new_secret),
        )
        .route("/operator/catalog", get(catalog_admin::list))
        .route(
            "/operator/catalog/products",
            post(catalog_admin::create_product),
        )
        .route(
            "/operator/catalog/products/{id}",
            post(catalog_admin::save_product),
        )
        .route(
            "/operator/catalog/offers",
            post(catalog_admin::create_offer),
        )
        .route(
            "/operator/catalog/offers/{id}",
            get(catalog_admin::offer).post(catalog_admin::save_offer),
        )
        .route(
            "/operator/catalog/offers/{id}/state",
            post(catalog_admin::set_state),
        )
        .route(
            "/operator/catalog/import",
            post(catalog_admin::import)
                .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024)),
        )
        .route(
            "/operator/catalog/imports/{id}",
            get(catalog_admin::import_status),
        )
        .route("/audit", get(pages::audit))
        .route("/operator/outbox", get(pages::outbox))
        .route("/operator/outbox/{id}", get(pages::outbox_message))
        .route("/lang/{code}", get(pages::set_language))
        .route("/static/{*path}", get(pages::asset))
        .layer(csrf)
}
