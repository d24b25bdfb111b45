//! Using a benefit (R-BEN-3, R-BEN-5, R-BEN-7): why a software key cannot be got, what
//! redeeming a license key does to the partner's seats and end date, and a technical benefit's
//! activation with its access ID and contract ID.

use super::{PACKAGE_MONTHS, add_months};
use crate::ValidationError;
use time::OffsetDateTime;

/// Why a software key cannot be got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRefusal {
    /// Not a software benefit.
    NotSoftware,
    /// The allocation is not active (scheduled, expired or cancelled).
    NotActive,
    /// Every key the allocation holds was got.
    AllKeysGot,
    /// The operator's pool for the product has no key left.
    PoolEmpty,
}

impl KeyRefusal {
    pub fn code(self) -> &'static str {
        match self {
            KeyRefusal::NotSoftware => "not_a_software_benefit",
            KeyRefusal::NotActive => "benefit_not_active",
            KeyRefusal::AllKeysGot => "all_keys_got",
            KeyRefusal::PoolEmpty => "key_pool_empty",
        }
    }
    pub fn message(self) -> &'static str {
        match self {
            KeyRefusal::NotSoftware => "only a software benefit has keys to get",
            KeyRefusal::NotActive => "this benefit is not active",
            KeyRefusal::AllKeysGot => "every key of this benefit was got already",
            KeyRefusal::PoolEmpty => {
                "no key of this product is available right now; the operator has been told and will add keys"
            }
        }
    }
}

/// How a license benefit's key is redeemed into the partner's existing subscription of its
/// product (R-BEN-5, seed 003).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LicenseMode {
    /// Add the key's seats; the end date stays, so they run less than 12 months.
    AddSeats,
    /// Move the end date 12 months later; the seats stay.
    Extend,
}

impl LicenseMode {
    pub const ALL: [LicenseMode; 2] = [LicenseMode::AddSeats, LicenseMode::Extend];
    pub fn code(self) -> &'static str {
        match self {
            LicenseMode::AddSeats => "add_seats",
            LicenseMode::Extend => "extend",
        }
    }
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|m| m.code() == s.trim())
            .ok_or_else(|| {
                ValidationError::new("mode", "invalid_mode", "mode is add_seats or extend")
            })
    }
}

/// What redeeming a license key leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LicenseOutcome {
    /// No subscription of the product yet: a new one of the key's seats for 12 months.
    pub new_subscription: bool,
    pub seats: i64,
    pub ends_at: OffsetDateTime,
    /// The seats run less than 12 months from now (seats added without extending).
    pub under_a_year: bool,
}

/// The seats and end date after redeeming a key of `key_seats` at `now`, into the partner's
/// subscription of the product (`existing`: its seats and end) if it has one (R-BEN-5).
pub fn license_outcome(
    existing: Option<(i64, OffsetDateTime)>,
    key_seats: i64,
    mode: LicenseMode,
    now: OffsetDateTime,
) -> LicenseOutcome {
    match (existing, mode) {
        (None, _) => LicenseOutcome {
            new_subscription: true,
            seats: key_seats,
            ends_at: add_months(now, PACKAGE_MONTHS as u32),
            under_a_year: false,
        },
        (Some((seats, ends)), LicenseMode::AddSeats) => LicenseOutcome {
            new_subscription: false,
            seats: seats + key_seats,
            ends_at: ends,
            under_a_year: ends < add_months(now, PACKAGE_MONTHS as u32),
        },
        (Some((seats, ends)), LicenseMode::Extend) => LicenseOutcome {
            new_subscription: false,
            seats,
            ends_at: add_months(ends.max(now), PACKAGE_MONTHS as u32),
            under_a_year: false,
        },
    }
}

/// Why a benefit cannot be activated (R-BEN-7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivateRefusal {
    /// Only technical benefits and go-to-market offers are activated.
    NotActivatable,
    /// It was activated already (its IDs are shown, or the operator is confirming it).
    AlreadyActivated,
    /// The allocation is not active (scheduled, expired or cancelled).
    NotActive,
    /// A go-to-market offer needs the partner's marketing contact first (R-BEN-9).
    NoMarketingContact,
    /// Operator staff confirm only a go-to-market offer waiting for them.
    NotPending,
}

impl ActivateRefusal {
    pub fn code(self) -> &'static str {
        match self {
            ActivateRefusal::NotActivatable => "benefit_not_activatable",
            ActivateRefusal::AlreadyActivated => "already_activated",
            ActivateRefusal::NotActive => "benefit_not_active",
            ActivateRefusal::NoMarketingContact => "marketing_contact_required",
            ActivateRefusal::NotPending => "activation_not_pending",
        }
    }
    pub fn message(self) -> &'static str {
        match self {
            ActivateRefusal::NotActivatable => {
                "only technical benefits and go-to-market offers are activated"
            }
            ActivateRefusal::AlreadyActivated => "this benefit is activated already",
            ActivateRefusal::NotActive => "this benefit is not active",
            ActivateRefusal::NoMarketingContact => {
                "assign your company's marketing contact first: they receive the follow-up on active go-to-market offers"
            }
            ActivateRefusal::NotPending => "this offer is not waiting for confirmation",
        }
    }
}

/// A technical benefit's access ID and contract ID, made from 32 random bytes: the access ID in
/// the product keys' look-alike-free alphabet (`XXXXX-XXXXX`), the contract ID ten digits.
pub fn support_ids(seed: &[u8; 32]) -> (String, String) {
    let k = crate::product_key::from_seed(seed);
    let n = u64::from_be_bytes([
        seed[24], seed[25], seed[26], seed[27], seed[28], seed[29], seed[30], seed[31],
    ]);
    (
        format!("{}-{}", &k[..5], &k[5..10]),
        format!("{:010}", n % 10_000_000_000),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn r_ben_5_adding_seats_keeps_the_end_extending_moves_it_a_year() {
        let now = datetime!(2026-12-04 00:00 UTC);
        let ends = datetime!(2027-06-01 00:00 UTC);
        let add = license_outcome(Some((10, ends)), 5, LicenseMode::AddSeats, now);
        assert_eq!((add.seats, add.ends_at, add.under_a_year), (15, ends, true));
        let ext = license_outcome(Some((10, ends)), 5, LicenseMode::Extend, now);
        assert_eq!(
            (ext.seats, ext.ends_at, ext.under_a_year),
            (10, datetime!(2028-06-01 00:00 UTC), false)
        );
        let new = license_outcome(None, 5, LicenseMode::AddSeats, now);
        assert!(new.new_subscription);
        assert_eq!(
            (new.seats, new.ends_at),
            (5, datetime!(2027-12-04 00:00 UTC))
        );
        assert_eq!(LicenseMode::parse("extend").unwrap(), LicenseMode::Extend);
        assert_eq!(LicenseMode::parse("more").unwrap_err().code, "invalid_mode");
    }

    #[test]
    fn r_ben_7_support_ids_read_well() {
        let (a, c) = support_ids(&[9; 32]);
        assert_eq!(a.len(), 11);
        assert_eq!(a.as_bytes()[5], b'-');
        assert_eq!(c.len(), 10);
        assert!(c.bytes().all(|b| b.is_ascii_digit()));
        assert_ne!(support_ids(&[8; 32]).0, a);
    }
}
