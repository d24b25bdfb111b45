//! Closed sets of codes (states, reasons, cycles): one enum each, spelled once, here in the
//! domain, with a stable code per variant. The API reads and writes them through [`Code`]
//! (`keiro_api_types::codes`), the OpenAPI document lists their codes from [`Code::ALL`], and
//! the store keeps the code.

/// A closed set of codes.
pub trait Code: Copy + Sized + 'static {
    /// Every variant, in the order lists show them.
    const ALL: &'static [Self];
    /// The variant's stable code.
    fn code(self) -> &'static str;
    /// The variant of a code, if it is one.
    fn from_code(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == s)
    }
}

impl Code for crate::subscription::SuspensionReason {
    const ALL: &'static [Self] = &Self::ALL;
    fn code(self) -> &'static str {
        self.code()
    }
}

impl Code for crate::catalog::BillingCycle {
    const ALL: &'static [Self] = &Self::ALL;
    fn code(self) -> &'static str {
        self.code()
    }
}

impl Code for crate::catalog::OfferState {
    const ALL: &'static [Self] = &Self::ALL;
    fn code(self) -> &'static str {
        self.code()
    }
}

impl Code for crate::PartnerAuthorization {
    const ALL: &'static [Self] = &Self::ALL;
    fn code(self) -> &'static str {
        self.code()
    }
}

impl Code for crate::Language {
    const ALL: &'static [Self] = &Self::ALL;
    fn code(self) -> &'static str {
        self.code()
    }
}

#[cfg(test)]
mod tests {
    use super::Code;
    use crate::catalog::BillingCycle;
    use crate::subscription::SuspensionReason;

    #[test]
    fn every_code_reads_back_as_its_variant() {
        for r in <SuspensionReason as Code>::ALL {
            assert_eq!(SuspensionReason::from_code(Code::code(*r)), Some(*r));
        }
        for c in <BillingCycle as Code>::ALL {
            assert_eq!(BillingCycle::from_code(Code::code(*c)), Some(*c));
        }
        assert_eq!(SuspensionReason::from_code("Billing"), None);
    }
}
