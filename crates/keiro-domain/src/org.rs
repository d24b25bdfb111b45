use crate::ValidationError;

/// The three kinds of organization (tenant) in a program (R-ORG-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrgKind {
    Operator,
    Partner,
    Customer,
}

impl OrgKind {
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Operator => "operator",
            OrgKind::Partner => "partner",
            OrgKind::Customer => "customer",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "operator" => Some(OrgKind::Operator),
            "partner" => Some(OrgKind::Partner),
            "customer" => Some(OrgKind::Customer),
            _ => None,
        }
    }
}

/// A partner's program roles (R-ORG-1). A partner may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProgramRole {
    IndirectProvider,
    IndirectReseller,
    DirectPartner,
}

impl ProgramRole {
    pub const ALL: [ProgramRole; 3] = [
        ProgramRole::IndirectProvider,
        ProgramRole::IndirectReseller,
        ProgramRole::DirectPartner,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ProgramRole::IndirectProvider => "indirect_provider",
            ProgramRole::IndirectReseller => "indirect_reseller",
            ProgramRole::DirectPartner => "direct_partner",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == s)
    }
}

/// Authorizations the operator grants a partner (R-ORG-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartnerAuthorization {
    SubscriptionAdvisor,
    DelegatedAdmin,
}

impl PartnerAuthorization {
    pub const ALL: [PartnerAuthorization; 2] = [
        PartnerAuthorization::SubscriptionAdvisor,
        PartnerAuthorization::DelegatedAdmin,
    ];
    pub fn code(self) -> &'static str {
        match self {
            PartnerAuthorization::SubscriptionAdvisor => "subscription_advisor",
            PartnerAuthorization::DelegatedAdmin => "delegated_admin",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == s)
    }
    /// The authorizations stored as comma-separated codes, in [`Self::ALL`]'s order (codes this
    /// build does not know are left out).
    pub fn set_of(stored: &str) -> Vec<Self> {
        let held: Vec<&str> = stored.split(',').map(str::trim).collect();
        Self::ALL
            .into_iter()
            .filter(|a| held.contains(&a.code()))
            .collect()
    }
    /// How a set is stored: its codes in [`Self::ALL`]'s order, each once, comma-separated.
    pub fn stored(set: &[Self]) -> String {
        Self::ALL
            .into_iter()
            .filter(|a| set.contains(a))
            .map(Self::code)
            .collect::<Vec<_>>()
            .join(",")
    }
    /// What going from `held` to `wanted` grants and revokes, in [`Self::ALL`]'s order.
    pub fn change(held: &[Self], wanted: &[Self]) -> AuthorizationChange {
        AuthorizationChange {
            granted: Self::ALL
                .into_iter()
                .filter(|a| wanted.contains(a) && !held.contains(a))
                .collect(),
            revoked: Self::ALL
                .into_iter()
                .filter(|a| held.contains(a) && !wanted.contains(a))
                .collect(),
        }
    }
}

/// A change of a partner's authorizations: what it gains and what it loses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthorizationChange {
    pub granted: Vec<PartnerAuthorization>,
    pub revoked: Vec<PartnerAuthorization>,
}

impl AuthorizationChange {
    pub fn is_empty(&self) -> bool {
        self.granted.is_empty() && self.revoked.is_empty()
    }
}

/// The company profile every organization has (R-ORG-1). Built only through [`CompanyProfile::parse`]
/// so that a stored profile is always a valid one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyProfile {
    pub legal_name: String,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub primary_domain: String,
}

impl CompanyProfile {
    /// Validates and normalises a profile as entered.
    pub fn parse(mut p: CompanyProfile) -> Result<Self, ValidationError> {
        fn trim(s: &mut String) {
            *s = s.trim().to_string();
        }
        for f in [
            &mut p.legal_name,
            &mut p.address_line1,
            &mut p.address_line2,
            &mut p.city,
            &mut p.region,
            &mut p.postal_code,
            &mut p.country,
            &mut p.phone,
            &mut p.email,
            &mut p.website,
            &mut p.primary_domain,
        ] {
            trim(f);
        }
        if p.legal_name.is_empty() || p.legal_name.chars().count() > 200 {
            return Err(ValidationError::new(
                "legal_name",
                "invalid_legal_name",
                "a legal name of 1 to 200 characters is required",
            ));
        }
        p.country = p.country.to_ascii_uppercase();
        if p.country.len() != 2 || !p.country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ValidationError::new(
                "country",
                "invalid_country",
                "country must be a two-letter ISO code such as JP",
            ));
        }
        if !p.email.is_empty() {
            p.email = crate::Email::parse(&p.email)?.as_str().to_string();
        }
        p.primary_domain = p.primary_domain.to_ascii_lowercase();
        if !p.primary_domain.is_empty() && !is_domain(&p.primary_domain) {
            return Err(ValidationError::new(
                "primary_domain",
                "invalid_domain",
                "primary domain must look like example.co.jp",
            ));
        }
        if p.phone
            .chars()
            .any(|c| !(c.is_ascii_digit() || " +-().".contains(c)))
        {
            return Err(ValidationError::new(
                "phone",
                "invalid_phone",
                "a phone number may contain digits, spaces and + - ( ) .",
            ));
        }
        Ok(p)
    }
}

/// True for a plausible DNS name: labels of letters, digits and hyphens, at least one dot.
pub fn is_domain(s: &str) -> bool {
    s.len() <= 253
        && s.contains('.')
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> CompanyProfile {
        CompanyProfile {
            legal_name: " Contoso KK ".into(),
            address_line1: "1-2-3 Marunouchi".into(),
            address_line2: String::new(),
            city: "Tokyo".into(),
            region: String::new(),
            postal_code: "100-0005".into(),
            country: "jp".into(),
            phone: "+81 3-1234-5678".into(),
            email: "Info@Contoso.co.jp".into(),
            website: "https://contoso.co.jp".into(),
            primary_domain: "Contoso.co.jp".into(),
        }
    }

    #[test]
    fn r_adv_1_authorizations_stored_and_changed() {
        use PartnerAuthorization::{DelegatedAdmin as D, SubscriptionAdvisor as S};
        assert_eq!(PartnerAuthorization::set_of(""), vec![]);
        assert_eq!(
            PartnerAuthorization::set_of("delegated_admin,bogus,subscription_advisor"),
            vec![S, D]
        );
        assert_eq!(
            PartnerAuthorization::stored(&[D, S, D]),
            "subscription_advisor,delegated_admin"
        );
        assert_eq!(PartnerAuthorization::stored(&[]), "");
        let c = PartnerAuthorization::change(&[D], &[S]);
        assert_eq!(c.granted, vec![S]);
        assert_eq!(c.revoked, vec![D]);
        assert!(PartnerAuthorization::change(&[S, D], &[D, S]).is_empty());
    }

    #[test]
    fn r_org_1_profile_normalised() {
        let p = CompanyProfile::parse(profile()).unwrap();
        assert_eq!(p.legal_name, "Contoso KK");
        assert_eq!(p.country, "JP");
        assert_eq!(p.email, "info@contoso.co.jp");
        assert_eq!(p.primary_domain, "contoso.co.jp");
    }

    #[test]
    fn r_org_1_profile_rejects_bad_country_and_domain() {
        let mut p = profile();
        p.country = "Japan".into();
        assert_eq!(
            CompanyProfile::parse(p).unwrap_err().code,
            "invalid_country"
        );
        let mut p = profile();
        p.primary_domain = "not a domain".into();
        assert_eq!(CompanyProfile::parse(p).unwrap_err().code, "invalid_domain");
    }
}
