//! The authorization policy: one pure function, [`decide`].
//!
//! An actor's *effective roles* in the organization that owns a resource are its own roles when
//! it acts at home, and otherwise the union of the rights rows that organization granted to the
//! actor's organization (DAP, GDAP assignments, a provider's admin access to a partnered
//! reseller). The owner's role table ([`role_allows`]) then decides. The store loads those rows in
//! the same transaction as the action, so a revocation counts from the very next request.

use crate::{OrgId, OrgKind, Role, UserId};
use uuid::Uuid;

mod action;
pub use action::Action;

/// How much of a customer's admin rights a partner user receives through delegated admin (R-USR-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DelegatedAccess {
    #[default]
    None,
    /// The customer's password admin rights.
    Limited,
    /// The customer's global admin rights.
    Full,
}

impl DelegatedAccess {
    pub fn code(self) -> &'static str {
        match self {
            DelegatedAccess::None => "none",
            DelegatedAccess::Limited => "limited",
            DelegatedAccess::Full => "full",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "none" => Some(Self::None),
            "limited" => Some(Self::Limited),
            "full" => Some(Self::Full),
            _ => None,
        }
    }
}

/// Who is acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub org_id: OrgId,
    pub org_kind: OrgKind,
    pub roles: Vec<Role>,
    pub delegated_access: DelegatedAccess,
    /// Partner security groups the user belongs to (for GDAP assignments).
    pub groups: Vec<Uuid>,
    /// False while the actor's partner organization is enrolling (or was rejected): it may then
    /// only manage its own account and its application (R-ENR-4).
    pub org_approved: bool,
}

/// A right the owner organization granted to the actor's organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    /// DAP over a customer, or a provider's admin access to a partnered reseller: the owner's
    /// global admin rights for partner users with full delegated access; for limited access the
    /// password admin rights where the owner has that role (customers), nothing otherwise.
    DelegatedAdmin,
    /// A GDAP access assignment: these roles, to members of this security group.
    GroupRoles { group: Uuid, roles: Vec<Role> },
}

/// The organization that owns the resource, and the rights it granted to the actor's organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub owner: OrgId,
    pub owner_kind: OrgKind,
    pub grants: Vec<Grant>,
}

impl Target {
    /// A resource of the actor's own organization.
    pub fn own(actor: &Actor) -> Self {
        Target {
            owner: actor.org_id,
            owner_kind: actor.org_kind,
            grants: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny(DenyReason),
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allow)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DenyReason {
    /// The actor has no rights in the owner organization at all: answer as if it did not exist.
    NotVisible,
    /// The actor may see the organization but needs one of these roles there.
    RoleRequired(Vec<Role>),
    /// Only the operator's staff do this.
    OperatorOnly,
    /// The actor's partner organization is not approved yet.
    NotApproved,
}

impl DenyReason {
    pub fn code(&self) -> &'static str {
        match self {
            DenyReason::NotVisible => "not_found",
            DenyReason::RoleRequired(_) => "role_required",
            DenyReason::OperatorOnly => "operator_only",
            DenyReason::NotApproved => "enrollment_not_approved",
        }
    }
}

/// The role table: may a holder of `role` in an organization of kind `kind` do `action` there?
pub fn role_allows(kind: OrgKind, role: Role, action: Action) -> bool {
    use Action as A;
    use Role as R;
    if !role.valid_for(kind) {
        return false;
    }
    match (kind, action) {
        (_, A::ManageOwnAccount) => true,
        (
            OrgKind::Operator,
            A::ViewCompanyProfile
            | A::ViewOutbox
            | A::ViewAuditLog
            | A::ViewUsers
            | A::ReviewEnrollments
            | A::ManageMembershipRegistry
            | A::ResetUserMfa
            | A::ManagePartnerAuthorizations
            | A::ViewProviderDirectory
            | A::ManageProviderDirectory,
        ) => true,
        (
            OrgKind::Operator,
            A::EditCompanyProfile
            | A::ManageUsers
            | A::ResetUserPassword
            | A::GrantGlobalAdmin
            | A::ManageCatalog,
        ) => role == R::OperatorAdmin,
        (OrgKind::Operator, A::ViewCatalog) => true,
        // Commerce is the partners' (R-REL-1): operator staff keep the catalog, customers see
        // what they hold.
        (OrgKind::Operator, A::PlaceOrders | A::ViewSubscriptions | A::ManageSubscriptions) => {
            false
        }
        (OrgKind::Customer, A::ViewCatalog | A::PlaceOrders | A::ManageSubscriptions) => false,
        (OrgKind::Customer, A::ViewSubscriptions) => {
            matches!(role, R::GlobalAdmin | R::BillingAdmin)
        }
        // Seed 000: the customer's global admin names the partner of record.
        (OrgKind::Customer, A::SetPartnerOfRecord) => role == R::GlobalAdmin,
        (OrgKind::Operator | OrgKind::Partner, A::SetPartnerOfRecord) => false,
        // Who inside an advisor uses its tools is `advisor::may_use_tools` (delegated access,
        // not a role); customers start trials and buy through its links as admins (seed 000).
        (OrgKind::Partner, A::UseAdvisorTools) => true,
        (OrgKind::Operator | OrgKind::Customer, A::UseAdvisorTools) => false,
        (OrgKind::Customer, A::AcceptAdvisorOffers) => {
            matches!(role, R::GlobalAdmin | R::BillingAdmin)
        }
        (OrgKind::Operator | OrgKind::Partner, A::AcceptAdvisorOffers) => false,
        // Seed 003: buying needs no admin role; activating and getting keys needs a global
        // admin or membership (MPN partner) admin; assigning to employees a global admin.
        (OrgKind::Partner, A::BuyBenefitPackage) => true,
        (OrgKind::Partner, A::ActivateBenefits) => {
            matches!(role, R::GlobalAdmin | R::MembershipAdmin)
        }
        (OrgKind::Partner, A::AssignBenefits) => role == R::GlobalAdmin,
        (
            OrgKind::Operator | OrgKind::Customer,
            A::BuyBenefitPackage | A::ActivateBenefits | A::AssignBenefits,
        ) => false,
        // Operator staff keep the benefit catalog and pools and handle cancellations.
        (OrgKind::Operator, A::ManageBenefits) => true,
        // Seed 004's roles for customers and orders: global admin, admin agent, sales agent.
        (OrgKind::Partner, A::ViewCatalog | A::PlaceOrders | A::ManageSubscriptions) => {
            matches!(role, R::GlobalAdmin | R::AdminAgent | R::SalesAgent)
        }
        (OrgKind::Partner, A::ViewSubscriptions) => matches!(
            role,
            R::GlobalAdmin | R::AdminAgent | R::SalesAgent | R::HelpdeskAgent | R::BillingAdmin
        ),
        (
            _,
            A::ViewOutbox
            | A::ManageMembershipRegistry
            | A::ReviewEnrollments
            | A::ResetUserMfa
            | A::ManagePartnerAuthorizations
            | A::ManageProviderDirectory
            | A::ManageCatalog
            | A::ManageBenefits,
        ) => false,
        // Partnerships are between partners; the seed's roles for the Indirect resellers page
        // are global admin, user management admin, admin agent and sales agent (seed 004).
        (
            OrgKind::Operator | OrgKind::Customer,
            A::ViewPartnerships
            | A::RequestPartnership
            | A::AcceptPartnership
            | A::RemovePartnership
            | A::ManageProviderAdminAccess,
        ) => false,
        (OrgKind::Customer, A::ViewProviderDirectory) => false,
        // Customers: seed 001's roles for the customer list and relationship requests are admin
        // agent and sales agent; helpdesk agents see the list to help customers.
        (
            OrgKind::Operator | OrgKind::Customer,
            A::ViewCustomers | A::RequestCustomerRelationship | A::RemoveCustomerRelationship,
        ) => false,
        (OrgKind::Partner, A::RemoveCustomerRelationship) => {
            matches!(role, R::GlobalAdmin | R::AdminAgent | R::SalesAgent)
        }
        (OrgKind::Customer, A::ManagePartnerAccess) => role == R::GlobalAdmin,
        (
            OrgKind::Operator | OrgKind::Customer,
            A::ViewGdap | A::ManageGdap | A::ManageSecurityGroups,
        ) => false,
        // GDAP is administration of customers: admin agents and global admins; user management
        // admins keep security group membership (R-REL-8).
        (OrgKind::Partner, A::ViewGdap | A::ManageGdap) => {
            matches!(role, R::GlobalAdmin | R::AdminAgent)
        }
        (OrgKind::Partner, A::ManageSecurityGroups) => {
            matches!(role, R::GlobalAdmin | R::UserManagementAdmin)
        }
        // Service requests belong to customers; partners act on them through the customer's
        // rights (a limited delegated admin is a password admin there and may open them).
        (OrgKind::Operator | OrgKind::Partner, A::ManageServiceRequests) => false,
        (OrgKind::Customer, A::ManageServiceRequests) => matches!(
            role,
            R::GlobalAdmin | R::UserManagementAdmin | R::PasswordAdmin | R::BillingAdmin
        ),
        (OrgKind::Operator | OrgKind::Partner, A::ManagePartnerAccess) => false,
        (OrgKind::Partner, A::ViewCustomers) => matches!(
            role,
            R::GlobalAdmin | R::AdminAgent | R::SalesAgent | R::HelpdeskAgent
        ),
        (OrgKind::Partner, A::RequestCustomerRelationship) => {
            matches!(role, R::GlobalAdmin | R::AdminAgent | R::SalesAgent)
        }
        // A customer's global admin accepts (R-REL-2); every customer user sees its partners'
        // contact details (R-ORG-2).
        (OrgKind::Customer, A::AcceptPartnerRelationship) => role == R::GlobalAdmin,
        (OrgKind::Customer, A::ViewPartners) => true,
        (OrgKind::Operator | OrgKind::Partner, A::AcceptPartnerRelationship | A::ViewPartners) => {
            false
        }
        (OrgKind::Partner, A::ViewProviderDirectory) => true,
        (OrgKind::Partner, A::ViewPartnerships) => matches!(
            role,
            R::GlobalAdmin | R::UserManagementAdmin | R::AdminAgent | R::SalesAgent
        ),
        (OrgKind::Partner, A::RequestPartnership) => {
            matches!(role, R::GlobalAdmin | R::AdminAgent | R::SalesAgent)
        }
        // Accepting gives the provider admin access to the organization, and removing ends
        // a commercial arrangement: admin roles only (R-PRT-2).
        (OrgKind::Partner, A::AcceptPartnership | A::RemovePartnership) => {
            matches!(role, R::GlobalAdmin | R::AdminAgent)
        }
        (OrgKind::Partner, A::ManageProviderAdminAccess) => role == R::GlobalAdmin,
        (OrgKind::Partner, A::ViewCompanyProfile) => true,
        (OrgKind::Customer, A::ViewCompanyProfile) => true,
        (_, A::EditCompanyProfile | A::GrantGlobalAdmin | A::ViewAuditLog) => {
            role == R::GlobalAdmin
        }
        // A customer's password admin resets users' passwords, so it sees the users (R-USR-5).
        (OrgKind::Customer, A::ViewUsers) => matches!(
            role,
            R::GlobalAdmin | R::UserManagementAdmin | R::PasswordAdmin
        ),
        (_, A::ViewUsers | A::ManageUsers) => {
            matches!(role, R::GlobalAdmin | R::UserManagementAdmin)
        }
        (OrgKind::Customer, A::ResetUserPassword) => {
            matches!(
                role,
                R::GlobalAdmin | R::UserManagementAdmin | R::PasswordAdmin
            )
        }
        (_, A::ResetUserPassword) => matches!(role, R::GlobalAdmin | R::UserManagementAdmin),
    }
}

/// The actor's roles in the target organization.
pub fn effective_roles(actor: &Actor, target: &Target) -> Vec<Role> {
    if actor.org_id == target.owner {
        let mut r = actor.roles.clone();
        r.retain(|role| role.valid_for(target.owner_kind));
        return r;
    }
    // Customers and the operator never act inside another organization through grants.
    if actor.org_kind != OrgKind::Partner {
        return Vec::new();
    }
    let mut roles = Vec::new();
    for grant in &target.grants {
        match grant {
            Grant::DelegatedAdmin => match actor.delegated_access {
                DelegatedAccess::Full => roles.push(Role::GlobalAdmin),
                DelegatedAccess::Limited if Role::PasswordAdmin.valid_for(target.owner_kind) => {
                    roles.push(Role::PasswordAdmin)
                }
                _ => {}
            },
            Grant::GroupRoles {
                group,
                roles: granted,
            } => {
                if actor.groups.contains(group) {
                    roles.extend(
                        granted
                            .iter()
                            .copied()
                            .filter(|r| r.valid_for(target.owner_kind)),
                    );
                }
            }
        }
    }
    roles.sort();
    roles.dedup();
    roles
}

/// The one authorization decision. Pure: everything it needs is in its arguments.
pub fn decide(actor: &Actor, action: Action, target: &Target) -> Decision {
    if !actor.org_approved && action != Action::ManageOwnAccount {
        return Decision::Deny(DenyReason::NotApproved);
    }
    if action.is_operator_task()
        && (actor.org_kind != OrgKind::Operator || target.owner != actor.org_id)
    {
        return Decision::Deny(if actor.org_id == target.owner {
            DenyReason::OperatorOnly
        } else {
            DenyReason::NotVisible
        });
    }
    let roles = effective_roles(actor, target);
    if actor.org_id != target.owner && roles.is_empty() {
        return Decision::Deny(DenyReason::NotVisible);
    }
    if action.is_home_only() && actor.org_id != target.owner {
        return Decision::Deny(DenyReason::NotVisible);
    }
    if action == Action::ManageOwnAccount {
        // Self-service is about the actor's own account, never another organization's.
        return Decision::Allow;
    }
    if roles
        .iter()
        .any(|r| role_allows(target.owner_kind, *r, action))
    {
        Decision::Allow
    } else {
        let needed: Vec<Role> = Role::catalog(target.owner_kind)
            .iter()
            .copied()
            .filter(|r| role_allows(target.owner_kind, *r, action))
            .collect();
        Decision::Deny(DenyReason::RoleRequired(needed))
    }
}

/// What an actor may do to another user of the same organization, given both users' roles
/// (R-USR-3). Only a global admin acts on a global admin or grants that role; a user
/// management admin manages everyone else; a password admin (customers) resets only users who
/// hold no admin role. The caller has already checked the action itself with [`decide`].
pub fn may_act_on_user(
    actor_roles: &[Role],
    target_roles: &[Role],
    action: Action,
) -> Result<(), DenyReason> {
    let actor_is_ga =
        actor_roles.contains(&Role::GlobalAdmin) || actor_roles.contains(&Role::OperatorAdmin);
    if actor_is_ga {
        return Ok(());
    }
    let needs_ga = || Err(DenyReason::RoleRequired(vec![Role::GlobalAdmin]));
    if target_roles.contains(&Role::GlobalAdmin) || target_roles.contains(&Role::OperatorAdmin) {
        return needs_ga();
    }
    let manager = actor_roles.contains(&Role::UserManagementAdmin);
    match action {
        Action::ResetUserPassword if manager => Ok(()),
        Action::ResetUserPassword if target_roles.iter().any(|r| r.is_admin()) => {
            Err(DenyReason::RoleRequired(vec![
                Role::GlobalAdmin,
                Role::UserManagementAdmin,
            ]))
        }
        Action::ResetUserPassword => Ok(()),
        _ if manager => Ok(()),
        _ => needs_ga(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn r_usr_3_who_may_act_on_whom() {
        use Role::*;
        assert!(may_act_on_user(&[GlobalAdmin], &[GlobalAdmin], Action::ManageUsers).is_ok());
        assert!(
            may_act_on_user(
                &[UserManagementAdmin],
                &[GlobalAdmin],
                Action::ResetUserPassword
            )
            .is_err()
        );
        assert!(
            may_act_on_user(
                &[UserManagementAdmin],
                &[AdminAgent, BillingAdmin],
                Action::ManageUsers
            )
            .is_ok()
        );
        assert!(may_act_on_user(&[PasswordAdmin], &[User], Action::ResetUserPassword).is_ok());
        assert!(
            may_act_on_user(&[PasswordAdmin], &[BillingAdmin], Action::ResetUserPassword).is_err()
        );
        assert!(may_act_on_user(&[PasswordAdmin], &[User], Action::ManageUsers).is_err());
    }

    fn actor(kind: OrgKind, roles: &[Role]) -> Actor {
        Actor {
            user_id: UserId::new(),
            org_id: OrgId::new(),
            org_kind: kind,
            roles: roles.to_vec(),
            delegated_access: DelegatedAccess::None,
            groups: vec![],
            org_approved: true,
        }
    }

    #[test]
    fn r_enr_4_enrolling_partner_only_manages_own_account() {
        let mut a = actor(OrgKind::Partner, &[Role::GlobalAdmin]);
        a.org_approved = false;
        assert!(decide(&a, Action::ManageOwnAccount, &Target::own(&a)).is_allowed());
        for action in Action::ALL
            .into_iter()
            .filter(|x| *x != Action::ManageOwnAccount)
        {
            assert_eq!(
                decide(&a, action, &Target::own(&a)),
                Decision::Deny(DenyReason::NotApproved)
            );
        }
    }

    fn customer_target(grants: Vec<Grant>) -> Target {
        Target {
            owner: OrgId::new(),
            owner_kind: OrgKind::Customer,
            grants,
        }
    }

    #[test]
    fn r_usr_3_user_management_admin_cannot_grant_global_admin() {
        let a = actor(OrgKind::Partner, &[Role::UserManagementAdmin]);
        assert!(decide(&a, Action::ManageUsers, &Target::own(&a)).is_allowed());
        assert_eq!(
            decide(&a, Action::GrantGlobalAdmin, &Target::own(&a)),
            Decision::Deny(DenyReason::RoleRequired(vec![Role::GlobalAdmin]))
        );
    }

    #[test]
    fn r_usr_3_sales_agent_sees_profile_but_cannot_edit() {
        let a = actor(OrgKind::Partner, &[Role::SalesAgent]);
        assert!(decide(&a, Action::ViewCompanyProfile, &Target::own(&a)).is_allowed());
        assert!(!decide(&a, Action::EditCompanyProfile, &Target::own(&a)).is_allowed());
    }

    #[test]
    fn r_usr_4_delegated_access_levels() {
        let mut a = actor(OrgKind::Partner, &[Role::AdminAgent]);
        let t = customer_target(vec![Grant::DelegatedAdmin]);
        // No delegated access: the customer is not visible at all.
        assert_eq!(
            decide(&a, Action::ResetUserPassword, &t),
            Decision::Deny(DenyReason::NotVisible)
        );
        a.delegated_access = DelegatedAccess::Limited;
        assert!(decide(&a, Action::ResetUserPassword, &t).is_allowed());
        assert!(!decide(&a, Action::GrantGlobalAdmin, &t).is_allowed());
        assert!(!decide(&a, Action::ManageUsers, &t).is_allowed());
        a.delegated_access = DelegatedAccess::Full;
        assert!(decide(&a, Action::GrantGlobalAdmin, &t).is_allowed());
    }

    #[test]
    fn r_rel_8_gdap_roles_apply_only_to_group_members() {
        let group = Uuid::now_v7();
        let mut a = actor(OrgKind::Partner, &[Role::HelpdeskAgent]);
        let t = customer_target(vec![Grant::GroupRoles {
            group,
            roles: vec![Role::PasswordAdmin],
        }]);
        assert_eq!(
            decide(&a, Action::ResetUserPassword, &t),
            Decision::Deny(DenyReason::NotVisible)
        );
        a.groups.push(group);
        assert!(decide(&a, Action::ResetUserPassword, &t).is_allowed());
        assert!(!decide(&a, Action::ManageUsers, &t).is_allowed());
    }

    #[test]
    fn outbox_is_operator_only() {
        let op = actor(OrgKind::Operator, &[Role::OperatorReviewer]);
        assert!(decide(&op, Action::ViewOutbox, &Target::own(&op)).is_allowed());
        assert!(decide(&op, Action::ReviewEnrollments, &Target::own(&op)).is_allowed());
        assert!(decide(&op, Action::ManageMembershipRegistry, &Target::own(&op)).is_allowed());
        let p = actor(OrgKind::Partner, &[Role::GlobalAdmin]);
        assert_eq!(
            decide(&p, Action::ViewOutbox, &Target::own(&p)),
            Decision::Deny(DenyReason::OperatorOnly)
        );
    }

    #[test]
    fn operator_staff_never_act_as_customer_admin() {
        let mut op = actor(OrgKind::Operator, &[Role::OperatorAdmin]);
        op.delegated_access = DelegatedAccess::Full;
        let t = customer_target(vec![Grant::DelegatedAdmin]);
        assert_eq!(
            decide(&op, Action::ManageUsers, &t),
            Decision::Deny(DenyReason::NotVisible)
        );
    }

    fn any_kind() -> impl Strategy<Value = OrgKind> {
        prop_oneof![
            Just(OrgKind::Operator),
            Just(OrgKind::Partner),
            Just(OrgKind::Customer)
        ]
    }
    fn any_role() -> impl Strategy<Value = Role> {
        proptest::sample::select(Role::ALL.to_vec())
    }
    fn any_action() -> impl Strategy<Value = Action> {
        proptest::sample::select(Action::ALL.to_vec())
    }
    fn any_access() -> impl Strategy<Value = DelegatedAccess> {
        prop_oneof![
            Just(DelegatedAccess::None),
            Just(DelegatedAccess::Limited),
            Just(DelegatedAccess::Full)
        ]
    }
    fn any_grants() -> impl Strategy<Value = Vec<Grant>> {
        proptest::collection::vec(
            prop_oneof![
                Just(Grant::DelegatedAdmin),
                proptest::collection::vec(any_role(), 0..4).prop_map(|roles| Grant::GroupRoles {
                    group: Uuid::from_u128(7),
                    roles
                }),
            ],
            0..3,
        )
    }

    proptest! {
        /// Without any rights row, another organization's resources are invisible.
        #[test]
        fn cross_org_without_grants_is_never_visible(kind in any_kind(), owner_kind in any_kind(),
                roles in proptest::collection::vec(any_role(), 0..5), action in any_action(), access in any_access()) {
            let mut a = actor(kind, &roles);
            a.delegated_access = access;
            a.groups.push(Uuid::from_u128(7));
            let t = Target { owner: OrgId::new(), owner_kind, grants: vec![] };
            prop_assert_eq!(decide(&a, action, &t), Decision::Deny(DenyReason::NotVisible));
        }

        /// Holding more roles never takes a permission away.
        #[test]
        fn more_roles_never_deny_more(kind in any_kind(), roles in proptest::collection::vec(any_role(), 0..5),
                extra in any_role(), action in any_action()) {
            let a = actor(kind, &roles);
            let t = Target::own(&a);
            let mut b = a.clone();
            b.roles.push(extra);
            if decide(&a, action, &t).is_allowed() {
                prop_assert!(decide(&b, action, &t).is_allowed());
            }
        }

        /// Limited delegated access never reaches beyond the customer's password admin rights.
        #[test]
        fn limited_access_is_at_most_password_admin(roles in proptest::collection::vec(any_role(), 0..5), action in any_action()) {
            let mut a = actor(OrgKind::Partner, &roles);
            a.delegated_access = DelegatedAccess::Limited;
            let t = customer_target(vec![Grant::DelegatedAdmin]);
            if decide(&a, action, &t).is_allowed() {
                prop_assert!(role_allows(OrgKind::Customer, Role::PasswordAdmin, action));
            }
        }

        /// Operator tasks are performed by operator staff in the operator organization only.
        #[test]
        fn operator_tasks_need_an_operator(kind in any_kind(), roles in proptest::collection::vec(any_role(), 0..5),
                grants in any_grants(), access in any_access(), own in any::<bool>()) {
            let mut a = actor(kind, &roles);
            a.delegated_access = access;
            let t = if own { Target::own(&a) } else { Target { owner: OrgId::new(), owner_kind: OrgKind::Operator, grants } };
            if decide(&a, Action::ViewOutbox, &t).is_allowed() {
                prop_assert_eq!(kind, OrgKind::Operator);
                prop_assert!(own);
            }
        }

        /// Nobody but a global admin ever acts on a global admin.
        #[test]
        fn only_global_admins_touch_global_admins(actor in proptest::collection::vec(any_role(), 0..5),
                target in proptest::collection::vec(any_role(), 0..4), action in any_action()) {
            let mut target = target;
            target.push(Role::GlobalAdmin);
            if may_act_on_user(&actor, &target, action).is_ok() {
                prop_assert!(actor.contains(&Role::GlobalAdmin) || actor.contains(&Role::OperatorAdmin));
            }
        }

        /// Partnership and directory actions are never performed through delegated rights.
        #[test]
        fn r_prt_4_home_only_actions_never_cross(roles in proptest::collection::vec(any_role(), 0..5),
                grants in any_grants(), access in any_access(), action in any_action()) {
            prop_assume!(action.is_home_only());
            let mut a = actor(OrgKind::Partner, &roles);
            a.delegated_access = access;
            a.groups.push(Uuid::from_u128(7));
            let t = Target { owner: OrgId::new(), owner_kind: OrgKind::Partner, grants };
            prop_assert_eq!(decide(&a, action, &t), Decision::Deny(DenyReason::NotVisible));
        }

        /// A role that is not in the owner's catalog grants nothing there.
        #[test]
        fn foreign_roles_grant_nothing(kind in any_kind(), role in any_role(), action in any_action()) {
            prop_assume!(!role.valid_for(kind) && action != Action::ManageOwnAccount);
            let a = actor(kind, &[role]);
            prop_assert!(!decide(&a, action, &Target::own(&a)).is_allowed());
        }
    }
}
