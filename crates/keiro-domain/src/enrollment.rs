//! The enrollment state machine (R-ENR-1…4) and the rules around it: membership records
//! (R-ENR-2) and web-mail domains (R-ENR-3).

use crate::ValidationError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnrollmentState {
    /// Being filled in by the applicant.
    Draft,
    /// Submitted; the primary contact has not yet followed the verification link.
    PendingVerification,
    /// Waiting for the operator's review staff.
    InReview,
    /// Review staff asked for more information; the applicant edits and resubmits.
    MoreInfoRequested,
    Approved,
    Rejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrollmentEvent {
    /// The applicant submits (or resubmits); `verified` tells whether the primary contact's
    /// current email has been verified already.
    Submit {
        verified: bool,
    },
    Verify,
    Approve,
    Reject,
    RequestInfo,
}

impl EnrollmentState {
    pub const ALL: [EnrollmentState; 6] = [
        EnrollmentState::Draft,
        EnrollmentState::PendingVerification,
        EnrollmentState::InReview,
        EnrollmentState::MoreInfoRequested,
        EnrollmentState::Approved,
        EnrollmentState::Rejected,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EnrollmentState::Draft => "draft",
            EnrollmentState::PendingVerification => "pending_verification",
            EnrollmentState::InReview => "in_review",
            EnrollmentState::MoreInfoRequested => "more_info_requested",
            EnrollmentState::Approved => "approved",
            EnrollmentState::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }

    /// The applicant may change the application only while it is theirs to edit.
    pub fn editable(self) -> bool {
        matches!(
            self,
            EnrollmentState::Draft | EnrollmentState::MoreInfoRequested
        )
    }

    pub fn is_final(self) -> bool {
        matches!(self, EnrollmentState::Approved | EnrollmentState::Rejected)
    }

    /// The state after `event`, or `None` if the event does not apply in this state.
    pub fn next(self, event: EnrollmentEvent) -> Option<EnrollmentState> {
        use EnrollmentEvent as E;
        use EnrollmentState as S;
        match (self, event) {
            (S::Draft | S::MoreInfoRequested, E::Submit { verified: true }) => Some(S::InReview),
            (S::Draft | S::MoreInfoRequested, E::Submit { verified: false }) => {
                Some(S::PendingVerification)
            }
            (S::PendingVerification, E::Verify) => Some(S::InReview),
            (S::InReview, E::Approve) => Some(S::Approved),
            (S::InReview, E::Reject) => Some(S::Rejected),
            (S::InReview, E::RequestInfo) => Some(S::MoreInfoRequested),
            _ => None,
        }
    }
}

/// Membership levels of the registry (and, later, of benefits: R-BEN-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipLevel {
    None,
    ActionPack,
    Silver,
    Gold,
}

impl MembershipLevel {
    pub const ALL: [MembershipLevel; 4] = [
        MembershipLevel::None,
        MembershipLevel::ActionPack,
        MembershipLevel::Silver,
        MembershipLevel::Gold,
    ];
    pub fn code(self) -> &'static str {
        match self {
            MembershipLevel::None => "none",
            MembershipLevel::ActionPack => "action_pack",
            MembershipLevel::Silver => "silver",
            MembershipLevel::Gold => "gold",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Self::ALL.into_iter().find(|l| l.code() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipStatus {
    Active,
    Inactive,
    Suspended,
}

impl MembershipStatus {
    pub const ALL: [MembershipStatus; 3] = [
        MembershipStatus::Active,
        MembershipStatus::Inactive,
        MembershipStatus::Suspended,
    ];
    pub fn code(self) -> &'static str {
        match self {
            MembershipStatus::Active => "active",
            MembershipStatus::Inactive => "inactive",
            MembershipStatus::Suspended => "suspended",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|l| l.code() == s)
    }
}

/// A partner ID: 5 to 10 digits (the program this is modelled on uses 7-digit MPN IDs).
pub fn parse_partner_id(s: &str) -> Result<String, ValidationError> {
    // NFKC first: full-width digits typed on a Japanese keyboard are the same ID.
    use unicode_normalization::UnicodeNormalization;
    let s: String = s.nfkc().collect();
    let s = s.trim();
    if (5..=10).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.to_string())
    } else {
        Err(ValidationError::new(
            "partner_id",
            "invalid_partner_id",
            "a partner ID is 5 to 10 digits",
        ))
    }
}

/// Web-mail domains refused for a primary contact (R-ENR-3): the built-in list, extendable
/// by configuration.
pub const DEFAULT_WEBMAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "yahoo.co.jp",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "outlook.com",
    "outlook.jp",
    "hotmail.com",
    "hotmail.co.jp",
    "live.com",
    "live.jp",
    "msn.com",
    "gmx.com",
    "mail.com",
    "proton.me",
    "protonmail.com",
    "yandex.com",
    "zoho.com",
    "docomo.ne.jp",
    "ezweb.ne.jp",
    "softbank.ne.jp",
];

/// True if `domain` is, or is a subdomain of, one of `list`.
pub fn is_webmail(domain: &str, list: &[String]) -> bool {
    let d = domain.trim().to_ascii_lowercase();
    list.iter().any(|w| {
        let w = w.trim().to_ascii_lowercase();
        d == w || d.ends_with(&format!(".{w}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn r_enr_4_review_paths() {
        use EnrollmentEvent as E;
        use EnrollmentState as S;
        assert_eq!(
            S::Draft.next(E::Submit { verified: false }),
            Some(S::PendingVerification)
        );
        assert_eq!(S::PendingVerification.next(E::Verify), Some(S::InReview));
        assert_eq!(S::InReview.next(E::RequestInfo), Some(S::MoreInfoRequested));
        assert_eq!(
            S::MoreInfoRequested.next(E::Submit { verified: true }),
            Some(S::InReview)
        );
        assert_eq!(S::InReview.next(E::Approve), Some(S::Approved));
        assert_eq!(
            S::PendingVerification.next(E::Approve),
            None,
            "no approval before verification"
        );
        assert_eq!(S::Draft.next(E::Approve), None);
    }

    #[test]
    fn r_enr_3_webmail() {
        let list: Vec<String> = DEFAULT_WEBMAIL_DOMAINS
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(is_webmail("gmail.com", &list));
        assert!(is_webmail("Mail.Yahoo.co.jp", &list));
        assert!(!is_webmail("contoso.co.jp", &list));
        assert!(!is_webmail("notgmail.com", &list));
    }

    #[test]
    fn partner_ids() {
        assert!(parse_partner_id(" 1234567 ").is_ok());
        assert_eq!(parse_partner_id("１２３４５６７").unwrap(), "1234567");
        assert!(parse_partner_id("12a4567").is_err());
        assert!(parse_partner_id("123").is_err());
    }

    fn any_state() -> impl Strategy<Value = EnrollmentState> {
        proptest::sample::select(EnrollmentState::ALL.to_vec())
    }
    fn any_event() -> impl Strategy<Value = EnrollmentEvent> {
        prop_oneof![
            any::<bool>().prop_map(|verified| EnrollmentEvent::Submit { verified }),
            Just(EnrollmentEvent::Verify),
            Just(EnrollmentEvent::Approve),
            Just(EnrollmentEvent::Reject),
            Just(EnrollmentEvent::RequestInfo),
        ]
    }

    proptest! {
        /// Final states never change; approval is only ever reached from review.
        #[test]
        fn final_states_are_final_and_approval_needs_review(s in any_state(), e in any_event()) {
            if s.is_final() {
                prop_assert_eq!(s.next(e), None);
            }
            if s.next(e) == Some(EnrollmentState::Approved) {
                prop_assert_eq!(s, EnrollmentState::InReview);
            }
        }

        /// Any sequence of events from a draft passes verification before review.
        #[test]
        fn review_needs_verified_contact(events in proptest::collection::vec(any_event(), 0..12)) {
            let mut s = EnrollmentState::Draft;
            let mut verified = false;
            for e in events {
                let e = match e { EnrollmentEvent::Submit { .. } => EnrollmentEvent::Submit { verified }, other => other };
                if let Some(n) = s.next(e) {
                    if e == EnrollmentEvent::Verify { verified = true; }
                    if n == EnrollmentState::InReview { prop_assert!(verified); }
                    s = n;
                }
            }
        }
    }
}
