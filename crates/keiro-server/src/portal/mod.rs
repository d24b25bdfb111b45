//! The portal: server-rendered pages (askama), ja/en (fluent), enhanced by htmx but complete
//! without JavaScript. Forms are protected twice against CSRF: tower-http's Fetch-Metadata check
//! on every unsafe request, and a per-session token in every form of a signed-in user.

mod catalog_admin;
mod commerce;
mod customers;
mod enroll;
mod errors;
mod gdap;
mod i18n;
mod mfa;
mod pages;
mod partners;
mod people;
mod registry;
mod support;

pub use errors::{not_found_page, plain_page};

use crate::extract::{client_ip, request_id};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::{HeaderValue, StatusCode, header, request::Parts};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use keiro_app::auth::LiveSession;
use keiro_app::{AppError, Ctx, CurrentUser};
use keiro_domain::{Action, Language};
use tower_http::csrf::CsrfLayer;

pub use i18n::{t, t_args};

pub const SESSION_COOKIE: &str = "keiro_session";
pub const LANG_COOKIE: &str = "keiro_lang";

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

/// Everything a portal handler needs about the request. Never rejects: pages decide whether
/// they need a signed-in user.
pub struct Portal {
    pub state: AppState,
    pub lang: Language,
    pub session: Option<LiveSession>,
    session_token: Option<String>,
    pub request_id: Option<String>,
    pub client_ip: String,
    pub path: String,
    pub user_agent: String,
}

impl FromRequestParts<AppState> for Portal {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar.get(SESSION_COOKIE).map(|c| c.value().to_string());
        let session = match &token {
            Some(t) => keiro_app::auth::resolve_session(&state.app, t)
                .await
                .map_err(|e| plain_error(e, request_id(parts)))?,
            None => None,
        };
        let accept = parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let lang = session
            .as_ref()
            .and_then(|s| s.user.language())
            .or_else(|| {
                jar.get(LANG_COOKIE)
                    .and_then(|c| Language::parse(c.value()))
            })
            .unwrap_or_else(|| Language::from_accept_language(accept));
        Ok(Portal {
            state: state.clone(),
            lang,
            session_token: session.as_ref().and(token),
            session,
            request_id: request_id(parts),
            client_ip: client_ip(parts),
            path: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into()),
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string(),
        })
    }
}

fn plain_error(e: AppError, rid: Option<String>) -> Response {
    tracing::error!(error = %e, "portal: cannot resolve session");
    let msg = t_args(
        Language::En,
        "error-internal",
        &[("request_id", rid.unwrap_or_default())],
    );
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Html(format!(
            "<!doctype html><meta charset=utf-8><title>500</title><p>{msg}</p>"
        )),
    )
        .into_response()
}

/// A page's navigation entry.
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// The signed-in user, as the page chrome shows them.
pub struct Chrome {
    pub name: String,
    pub email: String,
    pub org_name: String,
}

/// The parts every page shares.
pub struct Base {
    pub lang: Language,
    pub brand: String,
    pub variant: Option<String>,
    pub accent: String,
    pub title: String,
    pub user: Option<Chrome>,
    pub nav: Vec<NavItem>,
    pub csrf: String,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub path: String,
}

impl Base {
    pub fn t(&self, key: &str) -> String {
        t(self.lang, key)
    }
    pub fn ta(&self, key: &str, name: &str, value: &str) -> String {
        t_args(self.lang, key, &[(name, value.to_string())])
    }
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }
}

/// The navigation a user sees follows what their roles allow, among the pages that concern
/// their organization at all ([`nav_applies`]).
pub const NAV: [(&str, &str, Option<Action>); 20] = [
    ("/dashboard", "nav-dashboard", None),
    (
        "/organization",
        "nav-profile",
        Some(Action::ViewCompanyProfile),
    ),
    ("/users", "nav-users", Some(Action::ViewUsers)),
    ("/customers", "nav-customers", Some(Action::ViewCustomers)),
    ("/partners", "nav-partners", Some(Action::ViewPartners)),
    (
        "/subscriptions",
        "nav-subscriptions",
        Some(Action::ViewSubscriptions),
    ),
    ("/catalog", "nav-catalog", Some(Action::ViewCatalog)),
    (
        "/support",
        "nav-support",
        Some(Action::ManageServiceRequests),
    ),
    ("/gdap", "nav-gdap", Some(Action::ViewGdap)),
    (
        "/security-groups",
        "nav-security-groups",
        Some(Action::ManageSecurityGroups),
    ),
    (
        "/indirect-resellers",
        "nav-indirect-resellers",
        Some(Action::ViewPartnerships),
    ),
    (
        "/indirect-providers",
        "nav-indirect-providers",
        Some(Action::ViewPartnerships),
    ),
    (
        "/provider-directory",
        "nav-provider-directory",
        Some(Action::ViewProviderDirectory),
    ),
    ("/account", "nav-account", None),
    ("/audit", "nav-audit", Some(Action::ViewAuditLog)),
    (
        "/operator/enrollments",
        "nav-review",
        Some(Action::ReviewEnrollments),
    ),
    (
        "/operator/registry",
        "nav-registry",
        Some(Action::ManageMembershipRegistry),
    ),
    (
        "/operator/catalog",
        "nav-catalog-admin",
        Some(Action::ManageCatalog),
    ),
    ("/operator/outbox", "nav-outbox", Some(Action::ViewOutbox)),
    ("/docs/", "nav-api-docs", None),
];

/// Whether a page concerns the user's organization at all: operator pages for the operator,
/// Indirect resellers for providers, Indirect providers for resellers, the provider directory
/// for partners and the operator. Within those, roles decide (and greyed cards say why).
pub fn nav_applies(href: &str, action: Option<Action>, u: &CurrentUser) -> bool {
    use keiro_domain::{OrgKind, ProgramRole};
    let has = |r: ProgramRole| {
        u.actor.org_kind == OrgKind::Partner
            && u.org.program_roles.split(',').any(|x| x == r.code())
    };
    match href {
        "/indirect-resellers" => has(ProgramRole::IndirectProvider),
        "/indirect-providers" => has(ProgramRole::IndirectReseller),
        "/provider-directory" => u.actor.org_kind != OrgKind::Customer,
        "/customers" | "/catalog" => u.actor.org_kind == OrgKind::Partner,
        "/subscriptions" => u.actor.org_kind != OrgKind::Operator,
        "/partners" | "/support" => u.actor.org_kind == OrgKind::Customer,
        "/gdap" | "/security-groups" => u.actor.org_kind == OrgKind::Partner,
        _ => !action.is_some_and(|a| a.is_operator_task()) || u.actor.org_kind == OrgKind::Operator,
    }
}

impl Portal {
    pub fn ctx(&self) -> Ctx {
        Ctx {
            user: self.session.as_ref().map(|s| s.user.clone()),
            request_id: self.request_id.clone(),
            client_ip: self.client_ip.clone(),
        }
    }

    /// The signed-in user; otherwise a redirect to sign-in, or to the forced password change.
    /// The signed-in user, fully authenticated: password changed, second factor given, and MFA
    /// set up where the (approved) organization requires it. Otherwise a redirect to the step
    /// that is missing.
    pub fn user(&self) -> Result<&CurrentUser, Response> {
        let u = self.user_for_mfa_setup()?;
        if u.org.require_mfa && u.actor.org_approved && !u.user.mfa_enabled {
            return Err(Redirect::to("/account/mfa").into_response());
        }
        Ok(u)
    }

    /// Signed in with password and second factor, but perhaps without MFA set up yet.
    pub fn user_for_mfa_setup(&self) -> Result<&CurrentUser, Response> {
        let u = self.user_allowing_temporary()?;
        if u.user.must_change_password {
            return Err(Redirect::to("/password/change").into_response());
        }
        Ok(u)
    }

    /// Signed in with a password, perhaps still owing the second factor: only for the MFA step
    /// and for signing out.
    pub fn session_user(&self) -> Result<&CurrentUser, Response> {
        match &self.session {
            Some(s) => Ok(&s.user),
            None => {
                let next =
                    url::form_urlencoded::byte_serialize(self.path.as_bytes()).collect::<String>();
                Err(Redirect::to(&format!("/signin?next={next}")).into_response())
            }
        }
    }

    /// Fully signed in (second factor given), perhaps with a temporary password still to change.
    pub fn user_allowing_temporary(&self) -> Result<&CurrentUser, Response> {
        let u = self.session_user()?;
        if self.session.as_ref().is_some_and(|s| s.mfa_pending) {
            return Err(Redirect::to("/signin/mfa").into_response());
        }
        Ok(u)
    }

    /// The form token of this session: derived from the session secret, so nothing is stored
    /// and it dies with the session.
    pub fn csrf_token(&self) -> String {
        match &self.session_token {
            Some(tok) => keiro_app::secrets::sha256_hex(&format!("csrf:{tok}"))[..32].to_string(),
            None => String::new(),
        }
    }

    /// A form body, or a readable page (not a plain-text 4xx) when it cannot be read.
    pub fn form<T>(
        &self,
        f: Result<axum_extra::extract::Form<T>, axum_extra::extract::FormRejection>,
    ) -> Result<T, Response> {
        f.map(|axum_extra::extract::Form(v)| v).map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                self.error_page(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &t(self.lang, "error-too_large"),
                )
            } else {
                self.error_page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &t(self.lang, "error-invalid_form"),
                )
            }
        })
    }

    pub fn check_csrf(&self, given: &str) -> Result<(), Response> {
        let expected = self.csrf_token();
        if !expected.is_empty() && keiro_app::secrets::ct_eq(&expected, given) {
            Ok(())
        } else {
            Err(self.error_page(StatusCode::FORBIDDEN, &t(self.lang, "error-csrf")))
        }
    }

    pub fn base(&self, title_key: &str) -> Base {
        let brand = &self.state.app.config.brand;
        let user = self.session.as_ref().map(|s| &s.user);
        let nav = match user {
            // A partner still enrolling sees only its application and its account.
            _ if self.session.as_ref().is_some_and(|s| s.mfa_pending) => vec![],
            Some(u) if !u.user.must_change_password && !u.actor.org_approved => [
                ("/enroll/wizard", "nav-enrollment"),
                ("/account", "nav-account"),
            ]
            .into_iter()
            .map(|(href, key)| NavItem {
                href,
                label: t(self.lang, key),
                current: self.path.starts_with(href),
            })
            .collect(),
            Some(u) if !u.user.must_change_password => NAV
                .iter()
                .filter(|(href, _, a)| nav_applies(href, *a, u) && a.is_none_or(|a| u.may(a)))
                .map(|(href, key, _)| NavItem {
                    href,
                    label: t(self.lang, key),
                    current: self.path.starts_with(href),
                })
                .collect(),
            _ => vec![],
        };
        Base {
            lang: self.lang,
            brand: brand.name(self.lang).to_string(),
            variant: (brand.cloud_variant != "global").then(|| brand.cloud_variant.clone()),
            accent: brand.accent_color.clone(),
            title: t(self.lang, title_key),
            user: user.map(|u| Chrome {
                name: u.user.full_name.clone(),
                email: u.user.email.clone(),
                org_name: u.org.legal_name.clone(),
            }),
            nav,
            csrf: self.csrf_token(),
            notice: None,
            error: None,
            path: self.path.clone(),
        }
    }

    /// Why an action is closed to this user, in their language (greyed actions say why).
    pub fn reason(&self, action: Action) -> Option<String> {
        let u = self.session.as_ref()?;
        u.user
            .require(action, "page")
            .err()
            .map(|e| self.message_for(&e))
    }

    /// A use-case error, in the user's language.
    pub fn message_for(&self, e: &AppError) -> String {
        let key = format!("error-{}", e.code());
        let args: Vec<(&str, String)> = match e {
            AppError::Forbidden { required_roles, .. } => vec![(
                "roles",
                required_roles
                    .iter()
                    .map(|r| t(self.lang, &format!("role-{}", r.code())))
                    .collect::<Vec<_>>()
                    .join(", "),
            )],
            AppError::RateLimited {
                retry_after_secs, ..
            } => vec![("secs", retry_after_secs.to_string())],
            AppError::Internal(_) => {
                vec![("request_id", self.request_id.clone().unwrap_or_default())]
            }
            _ => vec![],
        };
        i18n::try_t(self.lang, &key, &args).unwrap_or_else(|| e.to_string())
    }

    pub fn app_error(&self, e: AppError) -> Response {
        if matches!(e, AppError::Unauthenticated) {
            return self
                .user_allowing_temporary()
                .err()
                .unwrap_or_else(|| Redirect::to("/signin").into_response());
        }
        if matches!(e, AppError::PasswordChangeRequired) {
            return Redirect::to("/password/change").into_response();
        }
        if let AppError::Internal(m) = &e {
            tracing::error!(error = %m, "internal error");
        }
        let status = crate::problem::status_of(&e);
        self.error_page(status, &self.message_for(&e))
    }

    pub fn error_page(&self, status: StatusCode, message: &str) -> Response {
        let page = pages::ErrorPage {
            b: self.base("error-title"),
            message: message.to_string(),
        };
        (status, render(&page)).into_response()
    }
}

/// A same-site path, or nothing: redirects never lead to another site (no open redirect;
/// `//host` and `/\\host` are other sites to a browser).
pub fn local_path(next: Option<&str>) -> Option<&str> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\"))
}

/// Where to go after signing in: a same-site path other than sign-in itself, else the dashboard.
pub fn safe_next(next: Option<&str>) -> String {
    local_path(next)
        .filter(|n| !n.starts_with("/signin"))
        .unwrap_or("/dashboard")
        .to_string()
}

/// Marks a response that shows a secret once (a temporary password, a token) as not cacheable.
pub fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The company profile fields of a portal form (profile page and enrollment wizard).
#[derive(Debug, serde::Deserialize)]
pub struct ProfileFields {
    pub legal_name: String,
    #[serde(default)]
    pub address_line1: String,
    #[serde(default)]
    pub address_line2: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub postal_code: String,
    pub country: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub primary_domain: String,
}

impl From<ProfileFields> for keiro_domain::CompanyProfile {
    fn from(f: ProfileFields) -> Self {
        keiro_domain::CompanyProfile {
            legal_name: f.legal_name,
            address_line1: f.address_line1,
            address_line2: f.address_line2,
            city: f.city,
            region: f.region,
            postal_code: f.postal_code,
            country: f.country,
            phone: f.phone,
            email: f.email,
            website: f.website,
            primary_domain: f.primary_domain,
        }
    }
}

pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

pub fn session_cookie(state: &AppState, value: String, clear: bool) -> Cookie<'static> {
    let mut c = Cookie::build((SESSION_COOKIE, value))
        .path("/")
        .http_only(true)
        .secure(state.config.secure_cookies)
        .same_site(SameSite::Lax)
        .build();
    if clear {
        c.make_removal();
    }
    c
}

/// The 404 page for non-API paths (no session lookup: cheap for scanners).
#[cfg(test)]
mod tests {
    use super::{local_path, safe_next};

    #[test]
    fn redirects_stay_on_this_site() {
        for evil in [
            "//evil.example/x",
            "/\\evil.example",
            "https://evil.example",
            "evil.example",
            "",
        ] {
            assert_eq!(local_path(Some(evil)), None, "{evil:?}");
            assert_eq!(safe_next(Some(evil)), "/dashboard", "{evil:?}");
        }
        assert_eq!(safe_next(Some("/users?q=sato")), "/users?q=sato");
        assert_eq!(
            safe_next(Some("/signin?next=/x")),
            "/dashboard",
            "no loop back to sign-in"
        );
        assert_eq!(safe_next(None), "/dashboard");
        assert_eq!(local_path(Some("/signin")), Some("/signin"));
    }
}
