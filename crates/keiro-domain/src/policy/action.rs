//! The actions a user may ask to do, one variant each, with what the policy needs to know of
//! them (operator tasks, home-only actions). Which roles allow which action is
//! [`super::role_allows`].

/// Something a user asks to do. New capabilities add variants here and rows to [`role_allows`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Change one's own password, language, API tokens. Every signed-in user may.
    ManageOwnAccount,
    ViewCompanyProfile,
    EditCompanyProfile,
    ViewUsers,
    ManageUsers,
    ResetUserPassword,
    /// Give someone the global admin role; more than managing users (R-USR-3).
    GrantGlobalAdmin,
    ViewAuditLog,
    /// Operator only: the outgoing message queue and its delivery state.
    ViewOutbox,
    /// Operator only: import and edit membership registry records (R-ENR-2).
    ManageMembershipRegistry,
    /// Operator only: review partner enrollments (R-ENR-4).
    ReviewEnrollments,
    /// Operator only: reset a user's MFA (a support task), in any organization.
    ResetUserMfa,
    /// Operator only: grant and revoke a partner's program authorizations (subscription
    /// advisor, delegated admin), with a reason.
    ManagePartnerAuthorizations,
    /// See the organization's indirect resellers or providers and the customers shared with
    /// them (R-PRT-3).
    ViewPartnerships,
    /// A provider creates (and revokes) partnership request links (R-PRT-1).
    RequestPartnership,
    /// A reseller approves an indirect provider (R-PRT-2).
    AcceptPartnership,
    /// Either side ends a partnership (R-PRT-6).
    RemovePartnership,
    /// A reseller removes (or restores) its provider's admin access to its organization (R-PRT-4).
    ManageProviderAdminAccess,
    /// Search the directory of authorized indirect providers (R-PRT-7).
    ViewProviderDirectory,
    /// Operator only: maintain the provider directory (R-PRT-7).
    ManageProviderDirectory,
    /// A partner's Customers page (R-REL-2, R-REL-10).
    ViewCustomers,
    /// A partner asks customers for reseller relationships (R-REL-2, R-REL-3).
    RequestCustomerRelationship,
    /// A customer accepts a partner's relationship request (R-REL-2).
    AcceptPartnerRelationship,
    /// A customer sees its partners and their contact details (R-ORG-2).
    ViewPartners,
    /// A partner ends its reseller relationship with a customer (R-REL-6).
    RemoveCustomerRelationship,
    /// A customer revokes a partner's delegated admin (R-REL-7) or terminates GDAP (R-REL-8).
    ManagePartnerAccess,
    /// A partner sees its GDAP relationships (R-REL-8).
    ViewGdap,
    /// A partner creates GDAP relationships, asks for approval, assigns roles, terminates.
    ManageGdap,
    /// A partner manages its security groups and their members (R-REL-8).
    ManageSecurityGroups,
    /// Open and follow a customer's service requests (R-CUS-1): the customer's admins, or
    /// partner users through the customer's rights.
    ManageServiceRequests,
    /// Operator only: products, offers and their CSV import (R-ORD-1).
    ManageCatalog,
    /// Browse the offers sold in a customer's country (R-ORD-1).
    ViewCatalog,
    /// Order subscriptions for a customer the partner has a reseller relationship with, or
    /// create a new customer for a reseller (R-ORD-2, R-ORD-3, R-REL-1).
    PlaceOrders,
    /// See subscriptions: a customer its own, a partner those of its customers (R-ORD-6).
    ViewSubscriptions,
    /// Change a subscription the partner sold or is attributed: quantity, auto-renew,
    /// suspension, cancellation, reseller attribution, support contact (R-ORD-4…6).
    ManageSubscriptions,
    /// A customer names (or clears) the subscription advisor that is partner of record of
    /// one of its subscriptions (R-ADV-5).
    SetPartnerOfRecord,
    /// A subscription advisor's users create and manage trial invitations, purchase offers and
    /// product keys (R-ADV-1); who exactly is `advisor::may_use_tools`.
    UseAdvisorTools,
    /// A customer starts a trial or buys through an advisor's link, or enters a product key
    /// (R-ADV-2…4): its global and billing admins.
    AcceptAdvisorOffers,
    /// See the partner's membership benefits and buy its benefit package: every partner user
    /// (R-BEN-1, seed 003: buying needs no admin role).
    BuyBenefitPackage,
    /// Activate benefits and get their keys (R-BEN-1): global admin or membership admin.
    ActivateBenefits,
    /// Assign benefits to the partner's employees, and ask to cancel a package (R-BEN-1,
    /// R-BEN-10): global admin.
    AssignBenefits,
    /// Operator staff: the benefit catalog, key pools, every partner's packages and their
    /// cancellation requests (R-BEN-2, R-BEN-10).
    ManageBenefits,
}

impl Action {
    pub const ALL: [Action; 42] = [
        Action::ManageOwnAccount,
        Action::ViewCompanyProfile,
        Action::EditCompanyProfile,
        Action::ViewUsers,
        Action::ManageUsers,
        Action::ResetUserPassword,
        Action::GrantGlobalAdmin,
        Action::ViewAuditLog,
        Action::ViewOutbox,
        Action::ManageMembershipRegistry,
        Action::ReviewEnrollments,
        Action::ResetUserMfa,
        Action::ManagePartnerAuthorizations,
        Action::ViewPartnerships,
        Action::RequestPartnership,
        Action::AcceptPartnership,
        Action::RemovePartnership,
        Action::ManageProviderAdminAccess,
        Action::ViewProviderDirectory,
        Action::ManageProviderDirectory,
        Action::ViewCustomers,
        Action::RequestCustomerRelationship,
        Action::AcceptPartnerRelationship,
        Action::ViewPartners,
        Action::RemoveCustomerRelationship,
        Action::ManagePartnerAccess,
        Action::ViewGdap,
        Action::ManageGdap,
        Action::ManageSecurityGroups,
        Action::ManageServiceRequests,
        Action::ManageCatalog,
        Action::ViewCatalog,
        Action::PlaceOrders,
        Action::ViewSubscriptions,
        Action::ManageSubscriptions,
        Action::SetPartnerOfRecord,
        Action::UseAdvisorTools,
        Action::AcceptAdvisorOffers,
        Action::BuyBenefitPackage,
        Action::ActivateBenefits,
        Action::AssignBenefits,
        Action::ManageBenefits,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::ManageOwnAccount => "manage_own_account",
            Action::ViewCompanyProfile => "view_company_profile",
            Action::EditCompanyProfile => "edit_company_profile",
            Action::ViewUsers => "view_users",
            Action::ManageUsers => "manage_users",
            Action::ResetUserPassword => "reset_user_password",
            Action::GrantGlobalAdmin => "grant_global_admin",
            Action::ViewAuditLog => "view_audit_log",
            Action::ViewOutbox => "view_outbox",
            Action::ManageMembershipRegistry => "manage_membership_registry",
            Action::ReviewEnrollments => "review_enrollments",
            Action::ResetUserMfa => "reset_user_mfa",
            Action::ManagePartnerAuthorizations => "manage_partner_authorizations",
            Action::ViewPartnerships => "view_partnerships",
            Action::RequestPartnership => "request_partnership",
            Action::AcceptPartnership => "accept_partnership",
            Action::RemovePartnership => "remove_partnership",
            Action::ManageProviderAdminAccess => "manage_provider_admin_access",
            Action::ViewProviderDirectory => "view_provider_directory",
            Action::ManageProviderDirectory => "manage_provider_directory",
            Action::ViewCustomers => "view_customers",
            Action::RequestCustomerRelationship => "request_customer_relationship",
            Action::AcceptPartnerRelationship => "accept_partner_relationship",
            Action::ViewPartners => "view_partners",
            Action::RemoveCustomerRelationship => "remove_customer_relationship",
            Action::ManagePartnerAccess => "manage_partner_access",
            Action::ViewGdap => "view_gdap",
            Action::ManageGdap => "manage_gdap",
            Action::ManageSecurityGroups => "manage_security_groups",
            Action::ManageServiceRequests => "manage_service_requests",
            Action::ManageCatalog => "manage_catalog",
            Action::ViewCatalog => "view_catalog",
            Action::PlaceOrders => "place_orders",
            Action::ViewSubscriptions => "view_subscriptions",
            Action::ManageSubscriptions => "manage_subscriptions",
            Action::SetPartnerOfRecord => "set_partner_of_record",
            Action::UseAdvisorTools => "use_advisor_tools",
            Action::AcceptAdvisorOffers => "accept_advisor_offers",
            Action::BuyBenefitPackage => "buy_benefit_package",
            Action::ActivateBenefits => "activate_benefits",
            Action::AssignBenefits => "assign_benefits",
            Action::ManageBenefits => "manage_benefits",
        }
    }

    /// Actions only the operator's staff perform, and only in the operator organization.
    pub fn is_operator_task(self) -> bool {
        matches!(
            self,
            Action::ViewOutbox
                | Action::ManageMembershipRegistry
                | Action::ReviewEnrollments
                | Action::ResetUserMfa
                | Action::ManagePartnerAuthorizations
                | Action::ManageProviderDirectory
                | Action::ManageCatalog
                | Action::ManageBenefits
        )
    }

    /// Actions about the actor's own organization's standing that nobody performs through
    /// delegated rights: a provider with admin access to a reseller must not end or widen its
    /// own partnership from the reseller's side.
    pub fn is_home_only(self) -> bool {
        matches!(
            self,
            Action::ManageOwnAccount
                // A partner acting for a customer must not name itself partner of record.
                | Action::SetPartnerOfRecord
                | Action::UseAdvisorTools
                | Action::AcceptAdvisorOffers
                // A provider acting in a reseller never spends the reseller's benefits.
                | Action::BuyBenefitPackage
                | Action::ActivateBenefits
                | Action::AssignBenefits
                | Action::ViewPartnerships
                | Action::RequestPartnership
                | Action::AcceptPartnership
                | Action::RemovePartnership
                | Action::ManageProviderAdminAccess
                | Action::ViewProviderDirectory
                | Action::ViewCustomers
                | Action::RequestCustomerRelationship
                | Action::AcceptPartnerRelationship
                | Action::ViewPartners
                | Action::RemoveCustomerRelationship
                | Action::ManagePartnerAccess
                | Action::ViewGdap
                | Action::ManageGdap
                | Action::ManageSecurityGroups
                | Action::ViewCatalog
                | Action::PlaceOrders
                | Action::ViewSubscriptions
                | Action::ManageSubscriptions
        )
    }
}
