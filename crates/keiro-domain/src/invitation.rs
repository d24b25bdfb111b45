//! Invitation links: one mechanism for every "send someone a link that offers something" in the
//! program (partnership requests now; reseller relationships, trial invitations and purchase
//! offers later). A link carries a random token (only its hash is stored), knows its kind, who
//! created it and when it expires, and is single- or multi-use as its kind says.

/// What a link offers. Each kind decides whether it can be used once or many times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvitationKind {
    /// A provider asks a reseller to approve it as indirect provider (R-PRT-1). Single-use: it
    /// creates one partnership.
    Partnership,
    /// A partner asks customers for a reseller relationship (R-REL-2, R-REL-4). Multi-use: like
    /// the seed's link "customized for the partner", it can go to many customers.
    ResellerRelationship,
    /// A reseller asks customers for relationships with itself and one of its indirect providers
    /// at once (R-REL-3). Multi-use.
    ThreeWayRelationship,
    /// A delegated-admin authorized partner offers to administer customers (R-REL-7): effective
    /// only once a customer's global admin accepts. Multi-use.
    DelegatedAdmin,
    /// A customer's global admin approves one GDAP relationship (R-REL-8). Single-use.
    GdapApproval,
    /// A subscription advisor invites customers to a trial of one offer, optionally with a
    /// delegated admin offer (R-ADV-2). Multi-use; each customer starts it once.
    TrialInvitation,
    /// A subscription advisor offers customers chosen offers with suggested license counts,
    /// optionally with a delegated admin offer (R-ADV-3). Multi-use; each customer buys once.
    PurchaseOffer,
}

/// How often a link of a kind may be accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    SingleUse,
    /// Reusable for many recipients until it expires or is revoked (trial invitations,
    /// purchase offers: R-ADV-2, R-ADV-3).
    MultiUse,
}

impl InvitationKind {
    pub const ALL: [InvitationKind; 7] = [
        InvitationKind::Partnership,
        InvitationKind::ResellerRelationship,
        InvitationKind::ThreeWayRelationship,
        InvitationKind::DelegatedAdmin,
        InvitationKind::GdapApproval,
        InvitationKind::TrialInvitation,
        InvitationKind::PurchaseOffer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InvitationKind::Partnership => "partnership",
            InvitationKind::ResellerRelationship => "reseller_relationship",
            InvitationKind::ThreeWayRelationship => "three_way_relationship",
            InvitationKind::DelegatedAdmin => "delegated_admin",
            InvitationKind::GdapApproval => "gdap_approval",
            InvitationKind::TrialInvitation => "trial_invitation",
            InvitationKind::PurchaseOffer => "purchase_offer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// What accepting grants, as stable codes the link's page explains (R-PRT-4).
    pub fn grants(self) -> &'static [&'static str] {
        match self {
            InvitationKind::Partnership => &[
                "orders_for_your_customers",
                "admin_access_to_your_organization",
            ],
            InvitationKind::ResellerRelationship => &["reseller_of_record"],
            InvitationKind::ThreeWayRelationship => &[
                "reseller_of_record",
                "provider_orders_for_you",
                "reseller_admin_access",
            ],
            InvitationKind::DelegatedAdmin => &["reseller_of_record", "delegated_admin"],
            InvitationKind::GdapApproval => &["gdap_roles"],
            InvitationKind::TrialInvitation => &["trial_subscription", "partner_of_record"],
            InvitationKind::PurchaseOffer => &["subscriptions_you_buy", "partner_of_record"],
        }
    }

    /// Whether its organization may see the link again after it was made: an advisor's links
    /// are posted on websites and sent for months (seed 000), so their token is derived from
    /// the deployment's secret key and their id, and shown again to the tools' users. Every
    /// other link is shown once.
    pub fn shown_again(self) -> bool {
        matches!(
            self,
            InvitationKind::TrialInvitation | InvitationKind::PurchaseOffer
        )
    }

    pub fn usage(self) -> Usage {
        match self {
            InvitationKind::Partnership | InvitationKind::GdapApproval => Usage::SingleUse,
            InvitationKind::ResellerRelationship
            | InvitationKind::ThreeWayRelationship
            | InvitationKind::DelegatedAdmin
            | InvitationKind::TrialInvitation
            | InvitationKind::PurchaseOffer => Usage::MultiUse,
        }
    }
}

/// The stored state of a link. Expiry is not stored: it follows from the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationState {
    Open,
    /// A single-use link that was accepted.
    Used,
    Revoked,
}

impl InvitationState {
    pub fn code(self) -> &'static str {
        match self {
            InvitationState::Open => "open",
            InvitationState::Used => "used",
            InvitationState::Revoked => "revoked",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Self::Open),
            "used" => Some(Self::Used),
            "revoked" => Some(Self::Revoked),
            _ => None,
        }
    }
}

/// What a link is, as its page shows it: usable, or why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStatus {
    Open,
    Expired,
    Revoked,
    Used,
}

impl LinkStatus {
    pub fn code(self) -> &'static str {
        match self {
            LinkStatus::Open => "open",
            LinkStatus::Expired => "expired",
            LinkStatus::Revoked => "revoked",
            LinkStatus::Used => "used",
        }
    }

    /// The status of a link in `state` that expires at `expires_at`, seen at `now`. A revoked
    /// or used link says so even after it has expired: that is the more useful reason.
    pub fn of<T: PartialOrd>(state: InvitationState, expires_at: T, now: T) -> Self {
        match state {
            InvitationState::Revoked => LinkStatus::Revoked,
            InvitationState::Used => LinkStatus::Used,
            InvitationState::Open if now >= expires_at => LinkStatus::Expired,
            InvitationState::Open => LinkStatus::Open,
        }
    }

    /// The stable refusal code for accepting a link in this status, if it cannot be accepted.
    pub fn refusal(self) -> Option<&'static str> {
        match self {
            LinkStatus::Open => None,
            LinkStatus::Expired => Some("invitation_expired"),
            LinkStatus::Revoked => Some("invitation_revoked"),
            LinkStatus::Used => Some("invitation_used"),
        }
    }
}

/// Default validity of a new link (configurable).
pub const DEFAULT_VALID_DAYS: i64 = 30;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_prt_1_partnership_links_are_single_use() {
        assert_eq!(InvitationKind::Partnership.usage(), Usage::SingleUse);
        assert_eq!(
            InvitationKind::parse("partnership"),
            Some(InvitationKind::Partnership)
        );
        assert_eq!(InvitationKind::parse("nope"), None);
        for k in InvitationKind::ALL {
            assert_eq!(InvitationKind::parse(k.code()), Some(k));
            assert!(!k.grants().is_empty());
        }
        assert_eq!(
            InvitationKind::ResellerRelationship.usage(),
            Usage::MultiUse,
            "R-REL-2: one partner link for many customers"
        );
    }

    #[test]
    fn link_status_follows_state_then_clock() {
        use InvitationState as S;
        assert_eq!(LinkStatus::of(S::Open, 10, 9), LinkStatus::Open);
        assert_eq!(LinkStatus::of(S::Open, 10, 10), LinkStatus::Expired);
        assert_eq!(LinkStatus::of(S::Revoked, 10, 11), LinkStatus::Revoked);
        assert_eq!(LinkStatus::of(S::Used, 10, 1), LinkStatus::Used);
        assert_eq!(LinkStatus::Open.refusal(), None);
        assert_eq!(LinkStatus::Expired.refusal(), Some("invitation_expired"));
        for s in [S::Open, S::Used, S::Revoked] {
            assert_eq!(S::parse(s.code()), Some(s));
        }
    }
}

/// The text of an invitation as finally sent: the user may edit the draft, but the link must
/// stay in it (R-PRT-1, R-REL-2). If an edit dropped or broke the link, it is added back at the
/// end.
pub fn keep_link(text: &str, link: &str) -> String {
    let text = text.trim_end();
    if text.contains(link) {
        text.to_string()
    } else if text.is_empty() {
        link.to_string()
    } else {
        format!("{text}\n\n{link}")
    }
}

#[cfg(test)]
mod keep_link_tests {
    use super::keep_link;

    #[test]
    fn r_prt_1_link_survives_editing() {
        let link = "https://pc.example/invite?token=ki_abc";
        let kept = format!("Hello,\n{link}\nBye");
        assert_eq!(keep_link(&kept, link), kept);
        assert_eq!(
            keep_link("Hello, please accept", link),
            format!("Hello, please accept\n\n{link}")
        );
        // A truncated link does not count as the link.
        let broken = "Hello https://pc.example/invite?token=ki_a";
        assert!(keep_link(broken, link).ends_with(link));
        assert_eq!(keep_link("  ", link), link);
    }
}
