//! Benefits held by users (R-BEN-4, R-BEN-6, issue 18 points 1 and 2): Azure credits and Visual
//! Studio subscriptions are assigned by a global admin to users of the partner's organization.
//! A monthly credit's users come and go at any time and each month's credit lapses; the annual
//! credit is held by one user, never removed, and transferred to another only within its year;
//! a user who holds the annual credit holds no other credit at the same time; a Visual Studio
//! subscription is reassigned only 90 days after the assignment it replaces.

use super::{BenefitKind, add_months};
use time::{Duration, OffsetDateTime};

/// How long a Visual Studio subscription stays with its user before it may be reassigned.
pub const REASSIGN_DAYS: i64 = 90;
/// How long the annual credit's year runs from its allocation's start (then no transfer).
pub const CREDIT_YEAR_MONTHS: u32 = 12;

/// Whether benefits of `kind` are assigned to users.
pub fn assignable(kind: BenefitKind) -> bool {
    matches!(
        kind,
        BenefitKind::AzureMonthlyCredit
            | BenefitKind::AzureAnnualCredit
            | BenefitKind::VisualStudio
    )
}

/// Whether `kind` is a credit benefit (what the annual credit may not be combined with).
pub fn is_credit(kind: BenefitKind) -> bool {
    kind.has_amount()
}

/// Why a benefit cannot be assigned, removed or moved to another user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignRefusal {
    /// Not a credit nor Visual Studio.
    NotAssignable,
    /// The allocation is not active (scheduled, expired or cancelled).
    NotActive,
    /// Every unit of the allocation is assigned.
    NoneLeft,
    /// The user holds this benefit already.
    AlreadyHolds,
    /// The annual credit and another credit on one user.
    NotCombinable,
    /// The annual credit is never removed (it is transferred).
    AnnualNotRemovable,
    /// A Visual Studio subscription is reassigned, not removed.
    VisualStudioNotRemovable,
    /// A monthly credit's user is removed and another added; it is not moved.
    MonthlyNotTransferable,
    /// A Visual Studio subscription is reassigned only 90 days after its assignment.
    TooEarly(OffsetDateTime),
    /// The annual credit's year is over: it stays with its user.
    YearOver,
    /// Moved to the user who holds it.
    SameUser,
    /// The assignment was removed or moved already.
    Ended,
}

impl AssignRefusal {
    pub fn code(self) -> &'static str {
        match self {
            AssignRefusal::NotAssignable => "benefit_not_assignable",
            AssignRefusal::NotActive => "benefit_not_active",
            AssignRefusal::NoneLeft => "no_assignment_left",
            AssignRefusal::AlreadyHolds => "user_already_assigned",
            AssignRefusal::NotCombinable => "credit_not_combinable",
            AssignRefusal::AnnualNotRemovable => "annual_credit_not_removable",
            AssignRefusal::VisualStudioNotRemovable => "visual_studio_not_removable",
            AssignRefusal::MonthlyNotTransferable => "monthly_credit_not_transferable",
            AssignRefusal::TooEarly(_) => "reassign_too_early",
            AssignRefusal::YearOver => "annual_credit_year_over",
            AssignRefusal::SameUser => "same_user",
            AssignRefusal::Ended => "assignment_ended",
        }
    }
    pub fn message(self) -> String {
        match self {
            AssignRefusal::NotAssignable => {
                "only Azure credits and Visual Studio subscriptions are assigned to users".into()
            }
            AssignRefusal::NotActive => "this benefit is not active".into(),
            AssignRefusal::NoneLeft => "every unit of this benefit is assigned".into(),
            AssignRefusal::AlreadyHolds => "this user holds this benefit already".into(),
            AssignRefusal::NotCombinable => {
                "a user who holds the Azure annual credit cannot hold another credit at the same time, nor the reverse".into()
            }
            AssignRefusal::AnnualNotRemovable => {
                "the Azure annual credit cannot be removed; within its year it can be transferred to another user".into()
            }
            AssignRefusal::VisualStudioNotRemovable => {
                "a Visual Studio subscription is not removed; it can be reassigned to another user 90 days after its assignment".into()
            }
            AssignRefusal::MonthlyNotTransferable => {
                "remove this user from the monthly credit and add the other one".into()
            }
            AssignRefusal::TooEarly(at) => format!(
                "a Visual Studio subscription can be reassigned 90 days after its assignment, from {}",
                at.date()
            ),
            AssignRefusal::YearOver => {
                "the Azure annual credit's year is over, so it can no longer be transferred".into()
            }
            AssignRefusal::SameUser => "this user holds it already".into(),
            AssignRefusal::Ended => "this assignment was removed or moved already".into(),
        }
    }
}

/// What the assigning rules look at for one user: the credit kinds they hold now.
pub fn may_hold(kind: BenefitKind, held: &[BenefitKind]) -> Result<(), AssignRefusal> {
    if !is_credit(kind) {
        return Ok(());
    }
    let annual = BenefitKind::AzureAnnualCredit;
    let credits: Vec<BenefitKind> = held.iter().copied().filter(|k| is_credit(*k)).collect();
    if (kind == annual && !credits.is_empty()) || credits.contains(&annual) {
        return Err(AssignRefusal::NotCombinable);
    }
    Ok(())
}

/// May a unit of an allocation of `kind` be assigned to a user who holds `held` (credit kinds
/// and whether they hold this allocation already), with `free` units left?
pub fn may_assign(
    kind: BenefitKind,
    active: bool,
    free: i64,
    holds_this: bool,
    held: &[BenefitKind],
) -> Result<(), AssignRefusal> {
    if !assignable(kind) {
        return Err(AssignRefusal::NotAssignable);
    }
    if !active {
        return Err(AssignRefusal::NotActive);
    }
    if holds_this {
        return Err(AssignRefusal::AlreadyHolds);
    }
    if free <= 0 {
        return Err(AssignRefusal::NoneLeft);
    }
    may_hold(kind, held)
}

/// May an assignment of `kind` be removed? Only a monthly credit's.
pub fn may_remove(kind: BenefitKind) -> Result<(), AssignRefusal> {
    match kind {
        BenefitKind::AzureAnnualCredit => Err(AssignRefusal::AnnualNotRemovable),
        BenefitKind::VisualStudio => Err(AssignRefusal::VisualStudioNotRemovable),
        BenefitKind::AzureMonthlyCredit => Ok(()),
        _ => Err(AssignRefusal::NotAssignable),
    }
}

/// From when an assignment of `kind` made at `assigned_at` (of an allocation starting at
/// `starts_at`) may move to another user, and until when: a Visual Studio subscription from 90
/// days after its assignment; the annual credit until its year ends.
pub fn movable(
    kind: BenefitKind,
    assigned_at: OffsetDateTime,
    starts_at: OffsetDateTime,
) -> (Option<OffsetDateTime>, Option<OffsetDateTime>) {
    match kind {
        BenefitKind::VisualStudio => (Some(assigned_at + Duration::days(REASSIGN_DAYS)), None),
        BenefitKind::AzureAnnualCredit => (None, Some(add_months(starts_at, CREDIT_YEAR_MONTHS))),
        _ => (None, None),
    }
}

/// May an assignment of `kind` move at `now` to a user who holds `held`?
pub fn may_move(
    kind: BenefitKind,
    assigned_at: OffsetDateTime,
    starts_at: OffsetDateTime,
    now: OffsetDateTime,
    same_user: bool,
    held: &[BenefitKind],
) -> Result<(), AssignRefusal> {
    if kind == BenefitKind::AzureMonthlyCredit {
        return Err(AssignRefusal::MonthlyNotTransferable);
    }
    if !assignable(kind) {
        return Err(AssignRefusal::NotAssignable);
    }
    if same_user {
        return Err(AssignRefusal::SameUser);
    }
    let (from, until) = movable(kind, assigned_at, starts_at);
    if let Some(f) = from
        && now < f
    {
        return Err(AssignRefusal::TooEarly(f));
    }
    if let Some(u) = until
        && now >= u
    {
        return Err(AssignRefusal::YearOver);
    }
    may_hold(kind, held)
}

/// When a monthly credit running from `starts_at` renews next after `now` (each month's credit
/// lapses then): the first monthly anniversary of its start after `now`.
pub fn monthly_renewal(starts_at: OffsetDateTime, now: OffsetDateTime) -> OffsetDateTime {
    let mut m: u32 = 1;
    loop {
        let at = add_months(starts_at, m);
        if at > now || m > 1200 {
            return at;
        }
        m += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const M: BenefitKind = BenefitKind::AzureMonthlyCredit;
    const A: BenefitKind = BenefitKind::AzureAnnualCredit;
    const VS: BenefitKind = BenefitKind::VisualStudio;

    #[test]
    fn r_ben_4_the_annual_credit_is_never_combined_with_another_credit() {
        assert_eq!(may_hold(M, &[A]), Err(AssignRefusal::NotCombinable));
        assert_eq!(may_hold(A, &[M]), Err(AssignRefusal::NotCombinable));
        assert_eq!(may_hold(A, &[VS]), Ok(()));
        assert_eq!(may_hold(VS, &[A]), Ok(()));
        assert_eq!(may_hold(M, &[M, VS]), Ok(()));
        assert_eq!(
            may_assign(M, true, 0, false, &[]),
            Err(AssignRefusal::NoneLeft)
        );
        assert_eq!(
            may_assign(M, true, 1, true, &[]),
            Err(AssignRefusal::AlreadyHolds)
        );
        assert_eq!(
            may_assign(BenefitKind::Software, true, 1, false, &[]),
            Err(AssignRefusal::NotAssignable)
        );
        assert_eq!(
            may_assign(VS, false, 1, false, &[]),
            Err(AssignRefusal::NotActive)
        );
    }

    #[test]
    fn r_ben_4_only_a_monthly_credit_user_is_removed_the_annual_moves_within_its_year() {
        assert_eq!(may_remove(M), Ok(()));
        assert_eq!(may_remove(A), Err(AssignRefusal::AnnualNotRemovable));
        assert_eq!(may_remove(VS), Err(AssignRefusal::VisualStudioNotRemovable));
        let start = datetime!(2026-12-04 00:00 UTC);
        let within = datetime!(2027-12-03 23:00 UTC);
        assert_eq!(may_move(A, start, start, within, false, &[]), Ok(()));
        assert_eq!(
            may_move(A, start, start, datetime!(2027-12-04 00:00 UTC), false, &[]),
            Err(AssignRefusal::YearOver)
        );
        assert_eq!(
            may_move(A, start, start, within, false, &[M]),
            Err(AssignRefusal::NotCombinable)
        );
        assert_eq!(
            may_move(M, start, start, within, false, &[]),
            Err(AssignRefusal::MonthlyNotTransferable)
        );
        assert_eq!(
            may_move(A, start, start, within, true, &[]),
            Err(AssignRefusal::SameUser)
        );
    }

    #[test]
    fn r_ben_6_visual_studio_moves_90_days_after_its_assignment() {
        let start = datetime!(2026-12-01 00:00 UTC);
        let assigned = datetime!(2026-12-04 09:00 UTC);
        let from = datetime!(2027-03-04 09:00 UTC);
        assert_eq!(movable(VS, assigned, start), (Some(from), None));
        let early = may_move(VS, assigned, start, from - Duration::seconds(1), false, &[]);
        assert_eq!(early, Err(AssignRefusal::TooEarly(from)));
        assert!(early.unwrap_err().message().contains("2027-03-04"));
        assert_eq!(may_move(VS, assigned, start, from, false, &[]), Ok(()));
    }

    #[test]
    fn r_ben_4_a_monthly_credit_renews_on_its_monthly_anniversary() {
        let start = datetime!(2026-01-31 00:00 UTC);
        assert_eq!(
            monthly_renewal(start, datetime!(2026-02-10 00:00 UTC)),
            datetime!(2026-02-28 00:00 UTC)
        );
        assert_eq!(
            monthly_renewal(start, datetime!(2026-01-31 00:00 UTC)),
            datetime!(2026-02-28 00:00 UTC)
        );
        assert_eq!(
            monthly_renewal(start, datetime!(2026-03-01 00:00 UTC)),
            datetime!(2026-03-31 00:00 UTC)
        );
    }
}
