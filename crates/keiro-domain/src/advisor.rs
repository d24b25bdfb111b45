//! Subscription advisor tools (R-ADV-1…3, ADR 0010): who may use them, and the rules of the
//! links they send. Pure rules: keiro-app feeds them what it read in the transaction.

use crate::error::ValidationError;
use crate::{DelegatedAccess, OrgKind, PartnerAuthorization};

/// Why someone may not use the advisor tools, or may not add a delegated admin offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolRefusal {
    /// The organization is not an authorized subscription advisor (operator staff decide).
    NotSubscriptionAdvisor,
    /// The user is neither a global admin nor has delegated access to supported customers
    /// (seed 000: that setting is what lets a user create trial invitations and offers).
    NoDelegatedAccess,
    /// A delegated admin offer needs the delegated admin authorization.
    NotDelegatedAdminAuthorized,
}

impl ToolRefusal {
    pub fn code(self) -> &'static str {
        match self {
            ToolRefusal::NotSubscriptionAdvisor => "not_subscription_advisor",
            ToolRefusal::NoDelegatedAccess => "no_delegated_access",
            ToolRefusal::NotDelegatedAdminAuthorized => "not_delegated_admin_authorized",
        }
    }
    pub fn message(self) -> &'static str {
        match self {
            ToolRefusal::NotSubscriptionAdvisor => {
                "only partners authorized as subscription advisors can use these tools"
            }
            ToolRefusal::NoDelegatedAccess => {
                "your delegated access to supported customers must be limited or full (ask a global admin)"
            }
            ToolRefusal::NotDelegatedAdminAuthorized => {
                "only partners authorized for delegated admin can offer it"
            }
        }
    }
}

/// What the tools' policy needs to know of the user and their organization.
#[derive(Debug, Clone)]
pub struct ToolUser<'a> {
    pub org_kind: OrgKind,
    pub org_approved: bool,
    /// The organization's authorizations, as stored.
    pub authorizations: &'a str,
    pub global_admin: bool,
    pub delegated_access: DelegatedAccess,
}

/// May this user create and manage trial invitations, purchase offers and product keys?
pub fn may_use_tools(u: &ToolUser<'_>) -> Result<(), ToolRefusal> {
    let advisor = u.org_kind == OrgKind::Partner
        && u.org_approved
        && PartnerAuthorization::set_of(u.authorizations)
            .contains(&PartnerAuthorization::SubscriptionAdvisor);
    if !advisor {
        return Err(ToolRefusal::NotSubscriptionAdvisor);
    }
    if !u.global_admin && u.delegated_access == DelegatedAccess::None {
        return Err(ToolRefusal::NoDelegatedAccess);
    }
    Ok(())
}

/// May the organization add a delegated admin offer to what it sends?
pub fn may_offer_delegated_admin(authorizations: &str) -> Result<(), ToolRefusal> {
    if PartnerAuthorization::set_of(authorizations).contains(&PartnerAuthorization::DelegatedAdmin)
    {
        Ok(())
    } else {
        Err(ToolRefusal::NotDelegatedAdminAuthorized)
    }
}

/// The longest a trial invitation or purchase offer may stay open (seed 000: one year).
pub const MAX_LINK_DAYS: i64 = 365;
/// How long one stays open unless its creator chooses.
pub const DEFAULT_LINK_DAYS: i64 = 30;

/// The number of days a link stays open, as its creator chose (1 to [`MAX_LINK_DAYS`]).
pub fn link_days(days: Option<i64>) -> Result<i64, ValidationError> {
    match days.unwrap_or(DEFAULT_LINK_DAYS) {
        d @ 1..=MAX_LINK_DAYS => Ok(d),
        _ => Err(ValidationError::new(
            "expires_in_days",
            "invalid_expiry",
            "a link stays open for 1 to 365 days",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(auth: &str, global_admin: bool, access: DelegatedAccess) -> ToolUser<'_> {
        ToolUser {
            org_kind: OrgKind::Partner,
            org_approved: true,
            authorizations: auth,
            global_admin,
            delegated_access: access,
        }
    }

    #[test]
    fn r_adv_1_only_advisors_with_delegated_access_or_global_admins() {
        use DelegatedAccess::{Full, Limited, None};
        assert_eq!(
            may_use_tools(&user("subscription_advisor", true, None)),
            Ok(())
        );
        assert_eq!(
            may_use_tools(&user("subscription_advisor", false, Limited)),
            Ok(())
        );
        assert_eq!(
            may_use_tools(&user("subscription_advisor", false, Full)),
            Ok(())
        );
        assert_eq!(
            may_use_tools(&user("subscription_advisor", false, None)),
            Err(ToolRefusal::NoDelegatedAccess)
        );
        assert_eq!(
            may_use_tools(&user("delegated_admin", true, Full)),
            Err(ToolRefusal::NotSubscriptionAdvisor)
        );
        let mut u = user("subscription_advisor", true, Full);
        u.org_approved = false;
        assert_eq!(may_use_tools(&u), Err(ToolRefusal::NotSubscriptionAdvisor));
        u.org_approved = true;
        u.org_kind = OrgKind::Customer;
        assert_eq!(may_use_tools(&u), Err(ToolRefusal::NotSubscriptionAdvisor));
        assert_eq!(
            may_offer_delegated_admin("subscription_advisor"),
            Err(ToolRefusal::NotDelegatedAdminAuthorized)
        );
        assert_eq!(
            may_offer_delegated_admin("subscription_advisor,delegated_admin"),
            Ok(())
        );
    }

    #[test]
    fn r_adv_2_links_stay_open_at_most_a_year() {
        assert_eq!(link_days(None), Ok(DEFAULT_LINK_DAYS));
        assert_eq!(link_days(Some(365)), Ok(365));
        assert_eq!(link_days(Some(1)), Ok(1));
        assert!(link_days(Some(366)).is_err());
        assert!(link_days(Some(0)).is_err());
        assert!(link_days(Some(-5)).is_err());
    }
}
