//! The portal: server-rendered pages (askama), ja/en (fluent), enhanced by htmx but complete
//! without JavaScript. Forms are protected twice against CSRF: tower-http's Fetch-Metadata check
//! on every unsafe request, and a per-session token in every form of a signed-in user.

mod acceptance;
mod advisors;
mod audit;
mod auth;
mod benefits;
mod catalog;
mod confirm;
mod cookies;
mod csrf;
mod customer_users;
mod directory;
mod draft;
mod enrollment;
mod errors;
mod form;
mod format;
mod gdap;
mod i18n;
mod import;
mod me;
mod mfa;
mod navbar;
mod orders;
mod orgs;
mod outbox;
mod page;
mod pages;
mod paging;
mod partner_authorizations;
mod partnerships;
mod product_keys;
mod registry;
mod relationships;
mod request;
mod service_requests;
mod subscriptions;
mod users;

pub use cookies::{LANG_COOKIE, SESSION_COOKIE, session_cookie};
pub use csrf::{NoFields, TokenField};
pub use errors::{not_found_page, plain_page};
pub use form::{Choice, ProfileFields, SignedForm};
pub use i18n::{t, t_args, try_t};
pub use navbar::{Base, Chrome, NAV, NavItem, nav_applies};
pub use page::{DoneQuery, PageResult, no_store, render};
pub use request::{Portal, local_path, safe_next};

use crate::state::AppState;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use keiro_domain::Language;
use tower_http::csrf::CsrfLayer;

/// `https://partners.example.com` of `https://partners.example.com/some/path`.
fn public_origin(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    Some(u.origin().ascii_serialization()).filter(|o| o != "null")
}

pub fn routes(state: &AppState) -> Router<AppState> {
    let mut csrf = CsrfLayer::new();
    // Behind a proxy that passes its own Host, the browser's Origin is the public URL's.
    let public = public_origin(&state.app.config.public_url);
    for o in state.config.trusted_origins.iter().chain(public.as_ref()) {
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
        .route("/signin", get(auth::signin_form).post(auth::signin))
        .route("/signout", post(auth::signout))
        .route("/signin/mfa", get(mfa::signin_form).post(mfa::signin))
        .route("/account/mfa", get(mfa::status))
        .route("/account/mfa/setup", post(mfa::start))
        .route("/account/mfa/confirm", post(mfa::confirm))
        .route("/organization/mfa", post(mfa::set_requirement))
        .route("/organization/reselleraccount", post(orgs::become_reseller))
        .route(
            "/password/change",
            get(auth::password_form).post(auth::password_change),
        )
        .route("/dashboard", get(pages::dashboard))
        .route("/account", get(me::account))
        .route("/account/preferences", post(me::save_preferences))
        .route("/account/tokens", post(me::create_token))
        .route("/account/tokens/{id}/revoke", post(me::revoke_token))
        .route("/organization", get(orgs::profile).post(orgs::save_profile))
        .route("/users", get(users::users).post(users::create_user))
        .route("/users/new", get(users::new_user))
        .route("/users/{id}", get(users::user).post(users::save_user))
        .route(
            "/users/{id}/resetpassword",
            post(users::reset_user_password),
        )
        .route("/users/{id}/delete", post(users::delete_user))
        .route("/users/{id}/{what}", post(users::set_user_active))
        .route("/indirect-resellers", get(partnerships::resellers))
        .route("/indirect-resellers/request", post(partnerships::request))
        .route("/invitations/send", post(partnerships::send))
        .route(
            "/indirect-resellers/links/{id}/revoke",
            post(partnerships::revoke_link),
        )
        .route(
            "/indirect-resellers/{id}/customers",
            get(partnerships::reseller_customers),
        )
        .route(
            "/indirect-resellers/{id}/users",
            get(partnerships::reseller_users),
        )
        .route(
            "/indirect-resellers/{id}/{what}",
            get(partnerships::reseller_confirm).post(partnerships::reseller_confirmed),
        )
        .route("/indirect-providers", get(partnerships::providers))
        .route(
            "/indirect-providers/{id}/customers",
            get(partnerships::provider_customers),
        )
        .route(
            "/indirect-providers/{id}/{what}",
            get(partnerships::provider_confirm).post(partnerships::provider_confirmed),
        )
        .route(
            "/indirect-providers/{id}/invite-customer",
            post(relationships::three_way),
        )
        .route("/customers", get(relationships::list))
        .route("/customers/request", post(relationships::request))
        .route(
            "/customers/offerdelegatedadmin",
            post(relationships::offer_dap),
        )
        .route("/partners", get(relationships::partners))
        .route(
            "/customers/{id}/remove",
            get(relationships::remove_form).post(relationships::remove),
        )
        .route("/customers/{id}", get(relationships::record::record))
        .route(
            "/customers/{id}/users",
            get(customer_users::customer).post(customer_users::customer_add_user),
        )
        .route(
            "/customers/{id}/users/{user}/resetpassword",
            post(customer_users::customer_reset),
        )
        .route(
            "/customers/{id}/users/{user}/roles",
            post(customer_users::customer_roles),
        )
        .route("/catalog", get(catalog::catalog))
        .route("/subscriptions", get(subscriptions::mine))
        .route("/subscriptions/{id}", get(subscriptions::subscription))
        .route("/subscriptions/{id}/{what}", post(subscriptions::change))
        .route(
            "/customers/{id}/subscriptions",
            get(orders::customer_subscriptions).post(orders::order),
        )
        .route(
            "/indirect-resellers/{id}/new-customer",
            get(orders::new_customer).post(orders::new_customer_step),
        )
        .route("/support", get(service_requests::mine))
        .route(
            "/customers/{id}/servicerequests",
            get(service_requests::list).post(service_requests::create),
        )
        .route(
            "/customers/{id}/servicerequests/{rid}",
            get(service_requests::one).post(service_requests::update),
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
            get(relationships::revoke_dap_form).post(relationships::revoke_dap),
        )
        .route(
            "/invite/signup",
            get(relationships::signup_form).post(relationships::signup),
        )
        .route("/invite", get(acceptance::invite))
        .route("/invite/accept", post(acceptance::accept))
        .route("/invite/trial", post(acceptance::start_trial))
        .route("/advisor", get(advisors::overview))
        .route("/advisor/trials", post(advisors::create_trial))
        .route("/advisor/trials/{id}/revoke", post(advisors::revoke_trial))
        .route("/advisor/trials/{id}/extend", post(advisors::extend_trial))
        .route("/advisor/offers/new", get(advisors::new_offer))
        .route("/advisor/offers", post(advisors::create_offer))
        .route("/advisor/offers/{id}/revoke", post(advisors::revoke_offer))
        .route("/advisor/offers/{id}/extend", post(advisors::extend_offer))
        .route("/invite/purchase", post(acceptance::buy_offer))
        .route("/advisor/keys", post(advisors::order_keys))
        .route("/advisor/keys.csv", get(advisors::export_keys))
        .route("/advisor/keys/{id}/revoke", post(advisors::revoke_key))
        .route("/benefits", get(benefits::page))
        .route("/benefits/package", post(benefits::buy))
        .route("/benefits/{id}/keys", post(benefits::get_key))
        .route("/benefits/{id}/activate", post(benefits::activate))
        .route("/benefits/{id}/assignments", post(benefits::assign))
        .route(
            "/benefits/assignments/{id}/remove",
            post(benefits::remove_assignment),
        )
        .route(
            "/benefits/assignments/{id}/reassign",
            post(benefits::reassign),
        )
        .route("/benefits/{id}/requests", post(benefits::send_request))
        .route("/benefits/marketing-contact", post(benefits::set_contact))
        .route(
            "/benefits/packages/{id}/cancel",
            post(benefits::request_cancellation),
        )
        .route("/benefits/licenses", get(benefits::license_page))
        .route("/benefits/licenses/check", post(benefits::check_license))
        .route("/benefits/licenses/redeem", post(benefits::redeem_license))
        .route("/productkeys", get(product_keys::page))
        .route("/productkeys/check", post(product_keys::check))
        .route("/productkeys/redeem", post(product_keys::redeem))
        .route("/provider-directory", get(directory::directory))
        .route("/operator/directory", get(directory::directory_admin))
        .route(
            "/operator/directory/{id}",
            get(directory::directory_entry).post(directory::save_directory_entry),
        )
        .route(
            "/enroll",
            get(enrollment::start).post(enrollment::create_account),
        )
        .route(
            "/enroll/wizard",
            get(enrollment::wizard).post(enrollment::save),
        )
        .route(
            "/enroll/verify",
            get(enrollment::verify_form).post(enrollment::verify),
        )
        .route("/operator/enrollments", get(enrollment::queue))
        .route("/operator/enrollments/{id}", get(enrollment::review))
        .route(
            "/operator/enrollments/{id}/{what}",
            post(enrollment::decide),
        )
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
        .route(
            "/operator/authorizations",
            get(partner_authorizations::list),
        )
        .route(
            "/operator/authorizations/{id}",
            get(partner_authorizations::one).post(partner_authorizations::set),
        )
        .route("/operator/catalog", get(catalog::admin::list))
        .route(
            "/operator/catalog/products",
            post(catalog::admin::create_product),
        )
        .route(
            "/operator/catalog/products/{id}",
            post(catalog::admin::save_product),
        )
        .route(
            "/operator/catalog/offers",
            post(catalog::admin::create_offer),
        )
        .route(
            "/operator/catalog/offers/{id}",
            get(catalog::admin::offer).post(catalog::admin::save_offer),
        )
        .route(
            "/operator/catalog/offers/{id}/state",
            post(catalog::admin::set_state),
        )
        .route(
            "/operator/catalog/import",
            post(catalog::admin::import)
                .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024)),
        )
        .route(
            "/operator/catalog/imports/{id}",
            get(catalog::admin::import_status),
        )
        .route("/operator/benefits", get(benefits::operator_page))
        .route(
            "/operator/benefits/offers/{id}/confirm",
            post(benefits::confirm_offer),
        )
        .route(
            "/operator/benefits/requests/{id}",
            post(benefits::decide_request),
        )
        .route(
            "/operator/benefits/keys/import",
            post(benefits::import_keys)
                .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024)),
        )
        .route(
            "/operator/benefits/catalog/import",
            post(benefits::import_catalog)
                .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024)),
        )
        .route(
            "/operator/benefits/imports/{id}",
            get(benefits::import_status),
        )
        .route("/audit", get(audit::audit))
        .route("/operator/outbox", get(outbox::outbox))
        .route("/operator/outbox/{id}", get(outbox::outbox_message))
        .route("/lang/{code}", get(pages::set_language))
        .route("/static/{*path}", get(pages::asset))
        .layer(csrf)
        .layer(axum::middleware::from_fn(errors::retry_after))
}
