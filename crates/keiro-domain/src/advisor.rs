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

/// Most lines a purchase offer may have.
pub const MAX_OFFER_LINES: usize = 20;

/// Why the lines of a purchase offer, or a customer's choice among them, cannot be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinesRefusal {
    /// No line, or more than [`MAX_OFFER_LINES`].
    Count,
    /// The same offer twice.
    Repeated(String),
    /// A line the purchase offer does not have: the customer chooses among its lines only.
    NotOffered(String),
}

impl LinesRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            LinesRefusal::Count => "invalid_lines",
            LinesRefusal::Repeated(_) => "repeated_offer",
            LinesRefusal::NotOffered(_) => "line_not_offered",
        }
    }
    pub fn message(&self) -> String {
        match self {
            LinesRefusal::Count => format!("choose 1 to {MAX_OFFER_LINES} offers"),
            LinesRefusal::Repeated(id) => format!("offer {id} is listed twice"),
            LinesRefusal::NotOffered(id) => {
                format!("offer {id} is not part of this purchase offer")
            }
        }
    }
}

/// Checks the offers of a purchase offer's lines, as the advisor lists them: 1 to
/// [`MAX_OFFER_LINES`], each offer once (R-ADV-3). Bounds and countries are the catalog's rules.
pub fn check_offer_lines<'a>(ids: impl IntoIterator<Item = &'a str>) -> Result<(), LinesRefusal> {
    let mut seen: Vec<&str> = Vec::new();
    for id in ids {
        if seen.contains(&id) {
            return Err(LinesRefusal::Repeated(id.to_string()));
        }
        seen.push(id);
    }
    if seen.is_empty() || seen.len() > MAX_OFFER_LINES {
        return Err(LinesRefusal::Count);
    }
    Ok(())
}

/// Checks what a customer chose to buy from a purchase offer (R-ADV-3): at least one of its
/// lines, each once, and nothing it does not offer. Leaving a line out is the customer's right.
pub fn check_chosen_lines<'a>(
    offered: &[&str],
    chosen: impl IntoIterator<Item = &'a str> + Clone,
) -> Result<(), LinesRefusal> {
    check_offer_lines(chosen.clone())?;
    match chosen.into_iter().find(|c| !offered.contains(c)) {
        Some(id) => Err(LinesRefusal::NotOffered(id.to_string())),
        None => Ok(()),
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

    #[test]
    fn r_adv_3_a_customer_chooses_among_the_offered_lines() {
        assert_eq!(check_offer_lines(["a", "b"]), Ok(()));
        assert_eq!(check_offer_lines([]), Err(LinesRefusal::Count));
        assert_eq!(
            check_offer_lines(["a", "a"]),
            Err(LinesRefusal::Repeated("a".into()))
        );
        let many: Vec<String> = (0..=MAX_OFFER_LINES).map(|n| n.to_string()).collect();
        assert_eq!(
            check_offer_lines(many.iter().map(String::as_str)),
            Err(LinesRefusal::Count)
        );
        let offered = ["a", "b", "c"];
        assert_eq!(check_chosen_lines(&offered, ["b"]), Ok(()));
        assert_eq!(check_chosen_lines(&offered, ["c", "a"]), Ok(()));
        assert_eq!(
            check_chosen_lines(&offered, ["a", "x"]),
            Err(LinesRefusal::NotOffered("x".into()))
        );
        assert_eq!(check_chosen_lines(&offered, []), Err(LinesRefusal::Count));
        assert_eq!(
            LinesRefusal::NotOffered("x".into()).code(),
            "line_not_offered"
        );
    }
}
