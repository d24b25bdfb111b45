//! The role catalog (R-USR-3, R-USR-5) and the operator's own staff roles.

use crate::OrgKind;

/// A role a user holds in their own organization, or an effective role a partner user holds in
/// a customer's organization through delegated rights. Which roles exist depends on the kind of
/// organization; see [`Role::valid_for`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Partner and customer: everything in the organization.
    GlobalAdmin,
    /// Partner and customer: manage users, but never grant global admin.
    UserManagementAdmin,
    /// Partner and customer: invoices, purchases.
    BillingAdmin,
    /// Partner: administers customers on their behalf, places orders.
    AdminAgent,
    /// Partner: customers, orders, subscriptions; no admin rights over customers.
    SalesAgent,
    /// Partner: service requests and password resets for customers.
    HelpdeskAgent,
    /// Partner: the membership (MPN partner admin) role for benefits.
    MembershipAdmin,
    /// Customer: reset passwords of non-admin users.
    PasswordAdmin,
    /// Customer: an ordinary user.
    User,
    /// Operator: all operator tasks, including operator users.
    OperatorAdmin,
    /// Operator: enrollment review and support tasks.
    OperatorReviewer,
}

impl Role {
    pub const ALL: [Role; 11] = [
        Role::GlobalAdmin,
        Role::UserManagementAdmin,
        Role::BillingAdmin,
        Role::AdminAgent,
        Role::SalesAgent,
        Role::HelpdeskAgent,
        Role::MembershipAdmin,
        Role::PasswordAdmin,
        Role::User,
        Role::OperatorAdmin,
        Role::OperatorReviewer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::GlobalAdmin => "global_admin",
            Role::UserManagementAdmin => "user_management_admin",
            Role::BillingAdmin => "billing_admin",
            Role::AdminAgent => "admin_agent",
            Role::SalesAgent => "sales_agent",
            Role::HelpdeskAgent => "helpdesk_agent",
            Role::MembershipAdmin => "membership_admin",
            Role::PasswordAdmin => "password_admin",
            Role::User => "user",
            Role::OperatorAdmin => "operator_admin",
            Role::OperatorReviewer => "operator_reviewer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == s)
    }

    /// The roles an organization of this kind can give its users.
    pub fn catalog(kind: OrgKind) -> &'static [Role] {
        match kind {
            OrgKind::Operator => &[Role::OperatorAdmin, Role::OperatorReviewer],
            OrgKind::Partner => &[
                Role::GlobalAdmin,
                Role::UserManagementAdmin,
                Role::BillingAdmin,
                Role::AdminAgent,
                Role::SalesAgent,
                Role::HelpdeskAgent,
                Role::MembershipAdmin,
            ],
            OrgKind::Customer => &[
                Role::GlobalAdmin,
                Role::PasswordAdmin,
                Role::UserManagementAdmin,
                Role::BillingAdmin,
                Role::User,
            ],
        }
    }

    /// Roles with administrative power over the organization or its customers: only a global
    /// admin or a user management admin may reset their passwords.
    pub fn is_admin(self) -> bool {
        !matches!(self, Role::SalesAgent | Role::HelpdeskAgent | Role::User)
    }

    pub fn valid_for(self, kind: OrgKind) -> bool {
        Self::catalog(kind).contains(&self)
    }
}
