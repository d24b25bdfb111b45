//! The parts every page shares ([`Base`]): the brand, the signed-in user, the form token, and
//! the navigation, which follows what the user's roles allow among the pages that concern their
//! organization at all.

use super::{Portal, t, t_args};
use keiro_app::CurrentUser;
use keiro_domain::{Action, Language};

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
    pub(super) invalid: super::request::InvalidField,
}

impl Base {
    pub fn t(&self, key: &str) -> String {
        t(self.lang, key)
    }
    pub fn ta(&self, key: &str, name: &str, value: &str) -> String {
        t_args(self.lang, key, &[(name, value.to_string())])
    }
    /// The choices of a country list, `value` chosen (see `keiro_domain::country`).
    pub fn countries(&self, value: &str) -> Vec<(String, String, bool)> {
        keiro_domain::country::choices(value, self.lang)
    }
    /// The form field the page's error is about, if a validation error named one.
    pub fn invalid_field(&self) -> Option<&'static str> {
        self.error.as_ref().and(self.invalid.get())
    }
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }
}

/// The navigation a user sees follows what their roles allow, among the pages that concern
/// their organization at all ([`nav_applies`]).
pub const NAV: [(&str, &str, Option<Action>); 24] = [
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
    ("/advisor", "nav-advisor", Some(Action::UseAdvisorTools)),
    ("/benefits", "nav-benefits", Some(Action::BuyBenefitPackage)),
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
        "/operator/authorizations",
        "nav-authorizations",
        Some(Action::ManagePartnerAuthorizations),
    ),
    (
        "/operator/catalog",
        "nav-catalog-admin",
        Some(Action::ManageCatalog),
    ),
    (
        "/operator/benefits",
        "nav-benefits-admin",
        Some(Action::ManageBenefits),
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
        "/gdap" | "/security-groups" | "/advisor" | "/benefits" => {
            u.actor.org_kind == OrgKind::Partner
        }
        _ => !action.is_some_and(|a| a.is_operator_task()) || u.actor.org_kind == OrgKind::Operator,
    }
}

impl Portal {
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
            invalid: self.invalid.clone(),
        }
    }
}
