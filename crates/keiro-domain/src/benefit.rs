//! Membership benefits (メンバーシップ特典, R-BEN-1…10, seed 003, ADR 0011): what a benefit of the
//! catalog is (its kind, the unit its quantity counts, core or incremental), which tab of the
//! Benefits page shows it, when a package may be bought and where it starts, and when a
//! package may still be cancelled for a refund. Pure: the caller brings the clock's reading.

use crate::ValidationError;
use crate::enrollment::{MembershipLevel, MembershipStatus};
use time::{Duration, OffsetDateTime};

mod activation;
mod assignment;
mod requests;
pub use activation::*;
pub use assignment::*;
pub use requests::*;

/// What a benefit is (seed 003). Part 2 adds behaviour per kind on the same ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BenefitKind {
    /// Licensed software: product keys from the operator's pool, downloads by language and OS.
    Software,
    /// Azure monthly credit (100 USD a month or the local equivalent), held by users.
    AzureMonthlyCredit,
    /// Azure annual lump-sum credit, held by one user.
    AzureAnnualCredit,
    /// A license-based cloud subscription, redeemed with a key into the partner's own
    /// organization.
    LicenseSubscription,
    /// Visual Studio subscriptions, assigned to users.
    VisualStudio,
    /// Product support incidents and signature cloud support.
    TechnicalSupport,
    /// Partner advisory hours.
    AdvisoryHours,
    /// Go-to-market offers, confirmed by operator staff.
    GoToMarket,
}

impl BenefitKind {
    pub const ALL: [BenefitKind; 8] = [
        BenefitKind::Software,
        BenefitKind::AzureMonthlyCredit,
        BenefitKind::AzureAnnualCredit,
        BenefitKind::LicenseSubscription,
        BenefitKind::VisualStudio,
        BenefitKind::TechnicalSupport,
        BenefitKind::AdvisoryHours,
        BenefitKind::GoToMarket,
    ];
    pub fn code(self) -> &'static str {
        match self {
            BenefitKind::Software => "software",
            BenefitKind::AzureMonthlyCredit => "azure_monthly_credit",
            BenefitKind::AzureAnnualCredit => "azure_annual_credit",
            BenefitKind::LicenseSubscription => "license_subscription",
            BenefitKind::VisualStudio => "visual_studio",
            BenefitKind::TechnicalSupport => "technical_support",
            BenefitKind::AdvisoryHours => "advisory_hours",
            BenefitKind::GoToMarket => "go_to_market",
        }
    }
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| {
                ValidationError::new(
                    "kind",
                    "invalid_benefit_kind",
                    "kind is software, azure_monthly_credit, azure_annual_credit, \
                     license_subscription, visual_studio, technical_support, advisory_hours or \
                     go_to_market",
                )
            })
    }
    /// The tab of the Benefits page that lists it (seed 003's tabs).
    pub fn tab(self) -> Tab {
        match self {
            BenefitKind::Software => Tab::Software,
            BenefitKind::AzureMonthlyCredit
            | BenefitKind::AzureAnnualCredit
            | BenefitKind::LicenseSubscription => Tab::AzureCloud,
            BenefitKind::VisualStudio => Tab::VisualStudio,
            BenefitKind::TechnicalSupport | BenefitKind::AdvisoryHours => Tab::Technical,
            BenefitKind::GoToMarket => Tab::GoToMarket,
        }
    }
    /// The units its quantity may count (the first is the usual one).
    pub fn units(self) -> &'static [Unit] {
        match self {
            BenefitKind::Software => &[Unit::Keys],
            BenefitKind::AzureMonthlyCredit | BenefitKind::AzureAnnualCredit => &[Unit::Users],
            BenefitKind::LicenseSubscription => &[Unit::Seats],
            BenefitKind::VisualStudio => &[Unit::Subscriptions],
            BenefitKind::TechnicalSupport => &[Unit::Incidents],
            BenefitKind::AdvisoryHours => &[Unit::Hours],
            BenefitKind::GoToMarket => &[Unit::Offers],
        }
    }
    /// Whether each unit of it also carries an amount of money (a credit).
    pub fn has_amount(self) -> bool {
        matches!(
            self,
            BenefitKind::AzureMonthlyCredit | BenefitKind::AzureAnnualCredit
        )
    }
}

/// The tabs of the Benefits page, in seed 003's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Software,
    AzureCloud,
    VisualStudio,
    Technical,
    GoToMarket,
}

impl Tab {
    pub const ALL: [Tab; 5] = [
        Tab::Software,
        Tab::AzureCloud,
        Tab::VisualStudio,
        Tab::Technical,
        Tab::GoToMarket,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Tab::Software => "software",
            Tab::AzureCloud => "azure",
            Tab::VisualStudio => "visual-studio",
            Tab::Technical => "technical",
            Tab::GoToMarket => "go-to-market",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == s)
    }
    /// Whether a benefit of `kind` is listed on this tab.
    pub fn lists(self, kind: BenefitKind) -> bool {
        kind.tab() == self
    }
}

/// What a benefit's quantity counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Keys,
    Seats,
    Users,
    Subscriptions,
    Incidents,
    Hours,
    Offers,
}

impl Unit {
    pub const ALL: [Unit; 7] = [
        Unit::Keys,
        Unit::Seats,
        Unit::Users,
        Unit::Subscriptions,
        Unit::Incidents,
        Unit::Hours,
        Unit::Offers,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Unit::Keys => "keys",
            Unit::Seats => "seats",
            Unit::Users => "users",
            Unit::Subscriptions => "subscriptions",
            Unit::Incidents => "incidents",
            Unit::Hours => "hours",
            Unit::Offers => "offers",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.code() == s)
    }
}

/// Core benefits come with the level; incremental ones are added to it (seed 003's 特典の種類).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tier {
    Core,
    Incremental,
}

impl Tier {
    pub const ALL: [Tier; 2] = [Tier::Core, Tier::Incremental];
    pub fn code(self) -> &'static str {
        match self {
            Tier::Core => "core",
            Tier::Incremental => "incremental",
        }
    }
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|t| t.code() == s)
            .ok_or_else(|| {
                ValidationError::new("tier", "invalid_tier", "tier is core or incremental")
            })
    }
}

/// The levels that hold benefits (a partner with no level has none).
pub const BENEFIT_LEVELS: [MembershipLevel; 3] = [
    MembershipLevel::ActionPack,
    MembershipLevel::Silver,
    MembershipLevel::Gold,
];

/// How long a package runs.
pub const PACKAGE_MONTHS: i64 = 12;
/// How long before a running package ends its renewal may be bought.
pub const RENEWAL_WINDOW_DAYS: i64 = 90;
/// How long after its purchase a package may be cancelled for a refund (R-BEN-10).
pub const CANCELLATION_DAYS: i64 = 30;
/// Longest a benefit may last (months from its package's start).
pub const MAX_MONTHS: i64 = 36;
/// Most a level's quantity of one benefit may be.
pub const MAX_QUANTITY: i64 = 100_000;

/// A benefit code: 2 to 64 of a-z, 0-9 and dashes, after NFKC and lower-casing (what operator
/// staff type and CSV files name).
pub fn code(s: &str) -> Result<String, ValidationError> {
    use unicode_normalization::UnicodeNormalization;
    let c: String = s.nfkc().collect::<String>().trim().to_ascii_lowercase();
    let ok = (2..=64).contains(&c.len())
        && c.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !c.starts_with('-');
    if ok {
        Ok(c)
    } else {
        Err(ValidationError::new(
            "code",
            "invalid_benefit_code",
            "a benefit code is 2 to 64 letters a-z, digits and dashes",
        ))
    }
}

/// One level's share of a benefit, checked against its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelQuantity {
    pub level: MembershipLevel,
    pub quantity: i64,
    pub unit: Unit,
    /// For a credit: the amount each unit holds, in minor units, with its currency.
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
}

/// Checks the levels of a benefit of `kind`: at least one, each a benefit level once, a
/// quantity of 1 to [`MAX_QUANTITY`] in a unit of the kind, and an amount exactly for credits.
pub fn check_levels(kind: BenefitKind, levels: &[LevelQuantity]) -> Result<(), ValidationError> {
    let bad = |code: &'static str, msg: String| Err(ValidationError::new("levels", code, msg));
    if levels.is_empty() {
        return bad(
            "no_levels",
            "a benefit belongs to at least one level".into(),
        );
    }
    for (i, l) in levels.iter().enumerate() {
        if !BENEFIT_LEVELS.contains(&l.level) {
            return bad(
                "invalid_level",
                "levels are action_pack, silver or gold".into(),
            );
        }
        if levels[..i].iter().any(|o| o.level == l.level) {
            return bad(
                "duplicate_level",
                format!("{} is listed twice", l.level.code()),
            );
        }
        if !(1..=MAX_QUANTITY).contains(&l.quantity) {
            return bad(
                "invalid_benefit_quantity",
                format!("a quantity is 1 to {MAX_QUANTITY}"),
            );
        }
        if !kind.units().contains(&l.unit) {
            let units: Vec<&str> = kind.units().iter().map(|u| u.code()).collect();
            return bad(
                "invalid_unit",
                format!("a {} benefit counts {}", kind.code(), units.join(" or ")),
            );
        }
        match (kind.has_amount(), l.amount_minor, &l.currency) {
            (true, Some(a), Some(c))
                if a > 0 && c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) => {}
            (true, _, _) => {
                return bad(
                    "amount_required",
                    "a credit has an amount above zero and its currency".into(),
                );
            }
            (false, None, None) => {}
            (false, _, _) => {
                return bad(
                    "amount_not_allowed",
                    format!("a {} benefit has no amount", kind.code()),
                );
            }
        }
    }
    Ok(())
}

/// How many months a benefit lasts from its package's start (1 to [`MAX_MONTHS`]).
pub fn months(m: i64) -> Result<i64, ValidationError> {
    if (1..=MAX_MONTHS).contains(&m) {
        Ok(m)
    } else {
        Err(ValidationError::new(
            "months",
            "invalid_months",
            format!("a benefit lasts 1 to {MAX_MONTHS} months"),
        ))
    }
}

/// Months are added on the calendar as subscription terms are (the day clamped to the month's
/// last).
pub use crate::subscription::add_months;

/// Why a partner cannot buy a package now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuyRefusal {
    /// No membership record is linked, or it has no level.
    NoLevel,
    /// The membership record is inactive or suspended.
    MembershipNotActive,
    /// The catalog has no benefit for the level.
    NoBenefitsForLevel,
    /// A package is running and its renewal may be bought only in its last 90 days.
    RenewalTooEarly,
    /// The next year's package is bought already.
    RenewalBought,
}

impl BuyRefusal {
    pub fn code(self) -> &'static str {
        match self {
            BuyRefusal::NoLevel => "no_membership_level",
            BuyRefusal::MembershipNotActive => "membership_not_active",
            BuyRefusal::NoBenefitsForLevel => "no_benefits_for_level",
            BuyRefusal::RenewalTooEarly => "renewal_too_early",
            BuyRefusal::RenewalBought => "renewal_already_bought",
        }
    }
    pub fn message(self) -> &'static str {
        match self {
            BuyRefusal::NoLevel => {
                "your organization has no membership level (Action Pack, Silver or Gold); benefits come with a membership at one of these levels"
            }
            BuyRefusal::MembershipNotActive => {
                "your membership record is not active; the operator can tell you why"
            }
            BuyRefusal::NoBenefitsForLevel => "the operator offers no benefits for your level yet",
            BuyRefusal::RenewalTooEarly => {
                "your package is running; its renewal can be bought in its last 90 days"
            }
            BuyRefusal::RenewalBought => "next year's package is bought already",
        }
    }
}

/// A package as the buying rule sees it: when it runs, unless cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
}

/// Where a package bought at `now` starts, given the partner's level and status and its live
/// (not cancelled) packages: now if none runs, else when the last one ends, and only in the
/// running package's last [`RENEWAL_WINDOW_DAYS`] days and once.
pub fn next_start(
    level: MembershipLevel,
    status: MembershipStatus,
    live: &[Period],
    now: OffsetDateTime,
) -> Result<OffsetDateTime, BuyRefusal> {
    if !BENEFIT_LEVELS.contains(&level) {
        return Err(BuyRefusal::NoLevel);
    }
    if status != MembershipStatus::Active {
        return Err(BuyRefusal::MembershipNotActive);
    }
    let Some(last) = live
        .iter()
        .filter(|p| p.ends_at > now)
        .max_by_key(|p| p.ends_at)
    else {
        return Ok(now);
    };
    if last.starts_at > now {
        return Err(BuyRefusal::RenewalBought);
    }
    if last.ends_at - now > Duration::days(RENEWAL_WINDOW_DAYS) {
        return Err(BuyRefusal::RenewalTooEarly);
    }
    Ok(last.ends_at)
}

/// Why a package cannot be cancelled for a refund (R-BEN-10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelRefusal {
    /// More than 30 days since the purchase.
    WindowPassed,
    /// A software benefit was activated (a key was got).
    SoftwareActivated,
    /// A license benefit's key was redeemed (its seats are in use).
    LicenseRedeemed,
    /// The package is cancelled already.
    AlreadyCancelled,
    /// A cancellation request is waiting for operator staff.
    AlreadyRequested,
}

impl CancelRefusal {
    pub fn code(self) -> &'static str {
        match self {
            CancelRefusal::WindowPassed => "cancellation_window_passed",
            CancelRefusal::SoftwareActivated => "software_benefit_activated",
            CancelRefusal::LicenseRedeemed => "license_benefit_redeemed",
            CancelRefusal::AlreadyCancelled => "package_cancelled",
            CancelRefusal::AlreadyRequested => "cancellation_requested",
        }
    }
    pub fn message(self) -> &'static str {
        match self {
            CancelRefusal::WindowPassed => {
                "a package can be cancelled for a refund within 30 days of its purchase"
            }
            CancelRefusal::SoftwareActivated => {
                "a software key of this package was got, so it can no longer be cancelled for a refund"
            }
            CancelRefusal::LicenseRedeemed => {
                "a license key of this package was redeemed, so it can no longer be cancelled for a refund"
            }
            CancelRefusal::AlreadyCancelled => "this package is cancelled",
            CancelRefusal::AlreadyRequested => {
                "a cancellation request for this package is waiting for the operator"
            }
        }
    }
}

/// What the cancellation rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackageUse {
    pub software_keys_got: i64,
    pub license_keys_redeemed: i64,
    pub cancelled: bool,
    pub request_open: bool,
}

/// May a package bought at `bought_at` be cancelled at `now`? Within [`CANCELLATION_DAYS`]
/// of its purchase and while no software key of it was got (R-BEN-10), nor (Keiro's own rule:
/// its seats would stay in use after the refund) a license key redeemed.
pub fn may_cancel(
    bought_at: OffsetDateTime,
    now: OffsetDateTime,
    u: PackageUse,
) -> Result<(), CancelRefusal> {
    let PackageUse {
        software_keys_got,
        license_keys_redeemed,
        cancelled,
        request_open,
    } = u;
    if cancelled {
        return Err(CancelRefusal::AlreadyCancelled);
    }
    if request_open {
        return Err(CancelRefusal::AlreadyRequested);
    }
    if now - bought_at > Duration::days(CANCELLATION_DAYS) {
        return Err(CancelRefusal::WindowPassed);
    }
    may_approve(PackageUse {
        software_keys_got,
        license_keys_redeemed,
        cancelled,
        request_open: false,
    })
}

/// May operator staff approve a cancellation asked in time? Only if the package is still not
/// cancelled and was not used since (no software key got, no license key redeemed).
pub fn may_approve(u: PackageUse) -> Result<(), CancelRefusal> {
    if u.cancelled {
        return Err(CancelRefusal::AlreadyCancelled);
    }
    if u.software_keys_got > 0 {
        return Err(CancelRefusal::SoftwareActivated);
    }
    if u.license_keys_redeemed > 0 {
        return Err(CancelRefusal::LicenseRedeemed);
    }
    Ok(())
}

/// An allocation's state as people see it: cancelled is stored, expiry follows from the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllocationState {
    /// Its package starts later (a renewal bought ahead).
    Scheduled,
    Active,
    Expired,
    Cancelled,
}

impl AllocationState {
    pub fn code(self) -> &'static str {
        match self {
            AllocationState::Scheduled => "scheduled",
            AllocationState::Active => "active",
            AllocationState::Expired => "expired",
            AllocationState::Cancelled => "cancelled",
        }
    }
    /// The state of an allocation stored as `cancelled` or not, running from `starts_at` to
    /// `expires_at`, at `now`.
    pub fn at(
        cancelled: bool,
        starts_at: OffsetDateTime,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Self {
        if cancelled {
            AllocationState::Cancelled
        } else if now < starts_at {
            AllocationState::Scheduled
        } else if now >= expires_at {
            AllocationState::Expired
        } else {
            AllocationState::Active
        }
    }
}

/// Languages a download may be in (codes; `multi` for one package of several).
pub const DOWNLOAD_LANGUAGES: [&str; 3] = ["ja", "en", "multi"];
/// Operating systems a download may be for.
pub const DOWNLOAD_OS: [&str; 4] = ["windows", "macos", "linux", "any"];

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn lq(level: MembershipLevel, unit: Unit) -> LevelQuantity {
        LevelQuantity {
            level,
            quantity: 5,
            unit,
            amount_minor: None,
            currency: None,
        }
    }

    #[test]
    fn r_ben_2_levels_are_checked_against_the_kind() {
        use MembershipLevel as L;
        assert!(check_levels(BenefitKind::Software, &[lq(L::Gold, Unit::Keys)]).is_ok());
        let e = check_levels(BenefitKind::Software, &[]).unwrap_err();
        assert_eq!(e.code, "no_levels");
        let e = check_levels(BenefitKind::Software, &[lq(L::None, Unit::Keys)]).unwrap_err();
        assert_eq!(e.code, "invalid_level");
        let e = check_levels(
            BenefitKind::Software,
            &[lq(L::Gold, Unit::Keys), lq(L::Gold, Unit::Keys)],
        )
        .unwrap_err();
        assert_eq!(e.code, "duplicate_level");
        let e = check_levels(BenefitKind::Software, &[lq(L::Gold, Unit::Seats)]).unwrap_err();
        assert_eq!(e.code, "invalid_unit");
        let e =
            check_levels(BenefitKind::AzureMonthlyCredit, &[lq(L::Gold, Unit::Users)]).unwrap_err();
        assert_eq!(e.code, "amount_required");
        let mut credit = lq(L::Gold, Unit::Users);
        credit.amount_minor = Some(10_000);
        credit.currency = Some("USD".into());
        assert!(check_levels(BenefitKind::AzureMonthlyCredit, &[credit.clone()]).is_ok());
        let e = check_levels(
            BenefitKind::Software,
            &[LevelQuantity {
                unit: Unit::Keys,
                ..credit
            }],
        )
        .unwrap_err();
        assert_eq!(e.code, "amount_not_allowed");
    }

    #[test]
    fn every_kind_has_a_tab_and_a_unit() {
        for k in BenefitKind::ALL {
            assert!(Tab::ALL.iter().filter(|t| t.lists(k)).count() == 1);
            assert!(!k.units().is_empty());
            assert_eq!(BenefitKind::parse(k.code()).unwrap(), k);
        }
    }

    #[test]
    fn codes_are_normalised() {
        assert_eq!(code("Ｏｆｆｉｃｅ-365").unwrap(), "office-365");
        assert!(code("a").is_err());
        assert!(code("-x").is_err());
        assert!(code("ab cd").is_err());
    }

    #[test]
    fn r_ben_1_a_package_starts_now_or_when_the_last_ends() {
        use MembershipLevel as L;
        use MembershipStatus as S;
        let now = datetime!(2026-12-04 00:00 UTC);
        assert_eq!(next_start(L::Gold, S::Active, &[], now), Ok(now));
        assert_eq!(
            next_start(L::None, S::Active, &[], now),
            Err(BuyRefusal::NoLevel)
        );
        assert_eq!(
            next_start(L::Gold, S::Suspended, &[], now),
            Err(BuyRefusal::MembershipNotActive)
        );
        let running = Period {
            starts_at: datetime!(2026-06-01 00:00 UTC),
            ends_at: datetime!(2027-06-01 00:00 UTC),
        };
        assert_eq!(
            next_start(L::Gold, S::Active, &[running], now),
            Err(BuyRefusal::RenewalTooEarly)
        );
        let late = datetime!(2027-04-01 00:00 UTC);
        assert_eq!(
            next_start(L::Gold, S::Active, &[running], late),
            Ok(running.ends_at)
        );
        let renewal = Period {
            starts_at: running.ends_at,
            ends_at: datetime!(2028-06-01 00:00 UTC),
        };
        assert_eq!(
            next_start(L::Gold, S::Active, &[running, renewal], late),
            Err(BuyRefusal::RenewalBought)
        );
        // An ended package is history: the next one starts now.
        let after = datetime!(2027-07-01 00:00 UTC);
        assert_eq!(
            next_start(L::Silver, S::Active, &[running], after),
            Ok(after)
        );
    }

    #[test]
    fn r_ben_10_cancellation_within_30_days_without_software_keys() {
        let bought = datetime!(2026-12-01 00:00 UTC);
        let day30 = bought + Duration::days(30);
        let fresh = PackageUse {
            software_keys_got: 0,
            license_keys_redeemed: 0,
            cancelled: false,
            request_open: false,
        };
        assert_eq!(may_cancel(bought, day30, fresh), Ok(()));
        assert_eq!(
            may_cancel(bought, day30 + Duration::seconds(1), fresh),
            Err(CancelRefusal::WindowPassed)
        );
        let with = |f: fn(&mut PackageUse)| {
            let mut u = fresh;
            f(&mut u);
            may_cancel(bought, day30, u)
        };
        assert_eq!(
            with(|u| u.software_keys_got = 1),
            Err(CancelRefusal::SoftwareActivated)
        );
        assert_eq!(
            with(|u| u.license_keys_redeemed = 1),
            Err(CancelRefusal::LicenseRedeemed)
        );
        assert_eq!(
            with(|u| u.cancelled = true),
            Err(CancelRefusal::AlreadyCancelled)
        );
        assert_eq!(
            with(|u| u.request_open = true),
            Err(CancelRefusal::AlreadyRequested)
        );
    }

    #[test]
    fn an_allocations_state_follows_the_clock() {
        let s = datetime!(2026-12-01 00:00 UTC);
        let e = datetime!(2027-12-01 00:00 UTC);
        use AllocationState as A;
        assert_eq!(A::at(false, s, e, s - Duration::days(1)), A::Scheduled);
        assert_eq!(A::at(false, s, e, s), A::Active);
        assert_eq!(A::at(false, s, e, e), A::Expired);
        assert_eq!(A::at(true, s, e, s), A::Cancelled);
    }
}
