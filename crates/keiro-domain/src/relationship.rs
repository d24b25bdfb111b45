//! Reseller relationships between partners and customers (R-REL-1…5): who may ask, who may
//! accept.

use crate::partnership::PartnerFacts;
use crate::{OrgKind, ProgramRole};

/// Why a relationship cannot be requested or accepted. Codes are stable for API clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Only an approved partner asks customers for relationships.
    NotAPartner,
    /// Only a customer organization accepts a reseller relationship.
    NotACustomer,
    /// A three-way invitation names one of the reseller's indirect providers (R-REL-3).
    NoPartnership,
    /// The customer already has an active relationship with every partner the link names.
    AlreadyRelated,
    /// The partner that sent the link is no longer an approved partner.
    PartnerUnavailable,
    /// Only partners the operator authorized for delegated admin offer it (R-REL-7).
    NotDelegatedAdminAuthorized,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotAPartner => "not_an_approved_partner",
            Refusal::NotACustomer => "not_a_customer",
            Refusal::NoPartnership => "no_partnership",
            Refusal::AlreadyRelated => "already_related",
            Refusal::PartnerUnavailable => "partner_unavailable",
            Refusal::NotDelegatedAdminAuthorized => "not_delegated_admin_authorized",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Refusal::NotAPartner => "only an approved partner can ask customers for relationships",
            Refusal::NotACustomer => {
                "only a customer organization's global admin accepts a reseller relationship"
            }
            Refusal::NoPartnership => "that organization is not one of your indirect providers",
            Refusal::AlreadyRelated => "your organization already has this relationship",
            Refusal::PartnerUnavailable => {
                "the organization that sent this link is no longer an approved partner"
            }
            Refusal::NotDelegatedAdminAuthorized => {
                "only partners authorized for delegated admin can offer it"
            }
        }
    }
}

/// May this partner ask customers for a reseller relationship (R-REL-2)?
pub fn may_request(partner: &PartnerFacts) -> Result<(), Refusal> {
    if partner.kind == OrgKind::Partner && partner.approved {
        Ok(())
    } else {
        Err(Refusal::NotAPartner)
    }
}

/// May this reseller invite customers together with a provider (R-REL-3)? `partnered` is true
/// when the two have an active partnership.
pub fn may_request_three_way(reseller: &PartnerFacts, partnered: bool) -> Result<(), Refusal> {
    may_request(reseller)?;
    if !reseller
        .program_roles
        .contains(&ProgramRole::IndirectReseller)
        || !partnered
    {
        return Err(Refusal::NoPartnership);
    }
    Ok(())
}

/// May this partner offer delegated admin (R-REL-7)? `authorized` is the operator's
/// delegated-admin authorization.
pub fn may_offer_delegated_admin(partner: &PartnerFacts, authorized: bool) -> Result<(), Refusal> {
    may_request(partner)?;
    if authorized {
        Ok(())
    } else {
        Err(Refusal::NotDelegatedAdminAuthorized)
    }
}

/// May an organization of `kind` accept a relationship offered by `partner`?
pub fn may_accept(kind: OrgKind, partner: &PartnerFacts) -> Result<(), Refusal> {
    if kind != OrgKind::Customer {
        return Err(Refusal::NotACustomer);
    }
    if !(partner.kind == OrgKind::Partner && partner.approved) {
        return Err(Refusal::PartnerUnavailable);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partner(roles: &[ProgramRole], approved: bool) -> PartnerFacts {
        PartnerFacts {
            kind: OrgKind::Partner,
            approved,
            program_roles: roles.to_vec(),
        }
    }

    #[test]
    fn r_rel_2_approved_partners_request_customers_accept() {
        assert!(may_request(&partner(&[ProgramRole::DirectPartner], true)).is_ok());
        assert_eq!(
            may_request(&partner(&[ProgramRole::IndirectReseller], false)),
            Err(Refusal::NotAPartner)
        );
        let p = partner(&[ProgramRole::IndirectReseller], true);
        assert!(may_accept(OrgKind::Customer, &p).is_ok());
        assert_eq!(may_accept(OrgKind::Partner, &p), Err(Refusal::NotACustomer));
        assert_eq!(
            may_accept(OrgKind::Customer, &partner(&[], false)),
            Err(Refusal::PartnerUnavailable)
        );
    }

    #[test]
    fn r_rel_7_only_authorized_partners_offer_delegated_admin() {
        let p = partner(&[ProgramRole::IndirectReseller], true);
        assert!(may_offer_delegated_admin(&p, true).is_ok());
        assert_eq!(
            may_offer_delegated_admin(&p, false),
            Err(Refusal::NotDelegatedAdminAuthorized)
        );
        assert_eq!(
            may_offer_delegated_admin(&partner(&[], false), true),
            Err(Refusal::NotAPartner)
        );
    }

    #[test]
    fn r_rel_3_three_way_needs_a_partnered_reseller() {
        let r = partner(&[ProgramRole::IndirectReseller], true);
        assert!(may_request_three_way(&r, true).is_ok());
        assert_eq!(
            may_request_three_way(&r, false),
            Err(Refusal::NoPartnership)
        );
        let direct = partner(&[ProgramRole::DirectPartner], true);
        assert_eq!(
            may_request_three_way(&direct, true),
            Err(Refusal::NoPartnership)
        );
    }
}
