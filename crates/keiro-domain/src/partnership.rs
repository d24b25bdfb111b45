//! Provider ↔ reseller partnerships (R-PRT-1…6): who may ask, who may accept, and the states.

use crate::{OrgKind, ProgramRole, ValidationError};

/// What the rules need to know about one side of a partnership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerFacts {
    pub kind: OrgKind,
    /// The operator approved the partner's enrollment.
    pub approved: bool,
    pub program_roles: Vec<ProgramRole>,
}

impl PartnerFacts {
    fn is(&self, role: ProgramRole) -> bool {
        self.kind == OrgKind::Partner && self.approved && self.program_roles.contains(&role)
    }
}

/// Why a partnership cannot be requested or accepted. Codes are stable for API clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Only an approved indirect provider asks for partnerships.
    NotIndirectProvider,
    /// Only an enrolled, approved indirect reseller accepts (R-PRT-2).
    NotIndirectReseller,
    /// A partner holding both program roles cannot partner with itself.
    OwnOrganization,
    /// The provider that sent the link is no longer an approved provider.
    ProviderUnavailable,
    /// The two are already partners.
    AlreadyPartners,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotIndirectProvider => "not_indirect_provider",
            Refusal::NotIndirectReseller => "not_indirect_reseller",
            Refusal::OwnOrganization => "own_organization",
            Refusal::ProviderUnavailable => "provider_unavailable",
            Refusal::AlreadyPartners => "already_partners",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Refusal::NotIndirectProvider => {
                "only an approved indirect provider can request partnerships"
            }
            Refusal::NotIndirectReseller => {
                "only an enrolled, approved indirect reseller can approve an indirect provider"
            }
            Refusal::OwnOrganization => "an organization cannot partner with itself",
            Refusal::ProviderUnavailable => {
                "the organization that sent this link is no longer an approved indirect provider"
            }
            Refusal::AlreadyPartners => "these organizations are already partners",
        }
    }
}

/// May this organization create partnership requests (R-PRT-1)?
pub fn may_request(provider: &PartnerFacts) -> Result<(), Refusal> {
    if provider.is(ProgramRole::IndirectProvider) {
        Ok(())
    } else {
        Err(Refusal::NotIndirectProvider)
    }
}

/// May `reseller` accept a request from `provider` (R-PRT-2)? `same` is true when both are
/// one organization.
pub fn may_accept(
    provider: &PartnerFacts,
    reseller: &PartnerFacts,
    same: bool,
) -> Result<(), Refusal> {
    if !reseller.is(ProgramRole::IndirectReseller) {
        return Err(Refusal::NotIndirectReseller);
    }
    if same {
        return Err(Refusal::OwnOrganization);
    }
    if !provider.is(ProgramRole::IndirectProvider) {
        return Err(Refusal::ProviderUnavailable);
    }
    Ok(())
}

/// A partnership's state. A removed partnership stays in the database for the audit trail; the
/// two may partner again later (a new row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartnershipState {
    Active,
    Removed,
}

impl PartnershipState {
    pub fn code(self) -> &'static str {
        match self {
            PartnershipState::Active => "active",
            PartnershipState::Removed => "removed",
        }
    }
}

/// Removing a partnership needs the remover to attest to a legitimate business purpose
/// (R-PRT-6); the API takes `attest: true`, the portal a ticked box.
pub fn check_attestation(attested: bool) -> Result<(), ValidationError> {
    if attested {
        Ok(())
    } else {
        Err(ValidationError::new(
            "attest",
            "attestation_required",
            "confirm that removing this partnership is for a legitimate business purpose under your contracts",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partner(roles: &[ProgramRole]) -> PartnerFacts {
        PartnerFacts {
            kind: OrgKind::Partner,
            approved: true,
            program_roles: roles.to_vec(),
        }
    }

    #[test]
    fn r_prt_1_only_approved_providers_request() {
        assert!(may_request(&partner(&[ProgramRole::IndirectProvider])).is_ok());
        assert_eq!(
            may_request(&partner(&[ProgramRole::IndirectReseller])),
            Err(Refusal::NotIndirectProvider)
        );
        let mut p = partner(&[ProgramRole::IndirectProvider]);
        p.approved = false;
        assert_eq!(may_request(&p), Err(Refusal::NotIndirectProvider));
    }

    #[test]
    fn r_prt_2_only_approved_resellers_accept() {
        let prov = partner(&[ProgramRole::IndirectProvider]);
        let res = partner(&[ProgramRole::IndirectReseller]);
        assert!(may_accept(&prov, &res, false).is_ok());
        let mut enrolling = res.clone();
        enrolling.approved = false;
        assert_eq!(
            may_accept(&prov, &enrolling, false),
            Err(Refusal::NotIndirectReseller)
        );
        let customer = PartnerFacts {
            kind: OrgKind::Customer,
            approved: true,
            program_roles: vec![ProgramRole::IndirectReseller],
        };
        assert_eq!(
            may_accept(&prov, &customer, false),
            Err(Refusal::NotIndirectReseller)
        );
        assert_eq!(
            may_accept(&prov, &partner(&[ProgramRole::DirectPartner]), false),
            Err(Refusal::NotIndirectReseller)
        );
        let both = partner(&[ProgramRole::IndirectProvider, ProgramRole::IndirectReseller]);
        assert_eq!(
            may_accept(&both, &both, true),
            Err(Refusal::OwnOrganization)
        );
        assert_eq!(
            may_accept(&partner(&[]), &res, false),
            Err(Refusal::ProviderUnavailable)
        );
    }

    #[test]
    fn r_prt_6_removal_needs_attestation() {
        assert!(check_attestation(true).is_ok());
        assert_eq!(
            check_attestation(false).unwrap_err().code,
            "attestation_required"
        );
    }
}
