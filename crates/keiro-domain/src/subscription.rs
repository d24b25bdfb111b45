//! The subscription lifecycle (R-ORD-6): active, suspended (with one or more recorded reasons),
//! cancelled and expired (both final); quantity changes within the offer's bounds; auto-renew;
//! the scheduled end of a term or a trial as a pure function of the clock ([`scheduled`]).

use crate::ValidationError;
use time::{Date, Month, OffsetDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Active,
    Suspended,
    Cancelled,
    Expired,
}

impl State {
    pub const ALL: [State; 4] = [
        State::Active,
        State::Suspended,
        State::Cancelled,
        State::Expired,
    ];
    pub fn code(self) -> &'static str {
        match self {
            State::Active => "active",
            State::Suspended => "suspended",
            State::Cancelled => "cancelled",
            State::Expired => "expired",
        }
    }
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|x| x.code() == s)
            .ok_or_else(|| {
                ValidationError::new(
                    "state",
                    "invalid_state",
                    "state is active, suspended, cancelled or expired",
                )
            })
    }
    /// Cancelled and expired subscriptions never change again.
    pub fn is_final(self) -> bool {
        matches!(self, State::Cancelled | State::Expired)
    }
    /// Live subscriptions count as held (an add-on's prerequisite).
    pub fn is_live(self) -> bool {
        !self.is_final()
    }
}

/// Why a subscription is suspended. Several may hold at once; it is active again when the
/// last one is lifted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SuspensionReason {
    /// Payment overdue.
    Billing,
    /// Suspected fraud or abuse.
    Fraud,
    /// The customer asked for it.
    CustomerRequest,
    /// The partner asked for it.
    PartnerRequest,
    /// A legal or compliance hold.
    Compliance,
}

impl SuspensionReason {
    pub const ALL: [SuspensionReason; 5] = [
        SuspensionReason::Billing,
        SuspensionReason::Fraud,
        SuspensionReason::CustomerRequest,
        SuspensionReason::PartnerRequest,
        SuspensionReason::Compliance,
    ];
    pub fn code(self) -> &'static str {
        match self {
            SuspensionReason::Billing => "billing",
            SuspensionReason::Fraud => "fraud",
            SuspensionReason::CustomerRequest => "customer_request",
            SuspensionReason::PartnerRequest => "partner_request",
            SuspensionReason::Compliance => "compliance",
        }
    }
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|x| x.code() == s)
            .ok_or_else(|| {
                ValidationError::new(
                    "reason",
                    "invalid_reason",
                    "reason is billing, fraud, customer_request, partner_request or compliance",
                )
            })
    }
    /// Parses the stored, comma-separated set (unknown codes are dropped).
    pub fn parse_set(s: &str) -> Vec<SuspensionReason> {
        let mut v: Vec<_> = s.split(',').filter_map(|c| Self::parse(c).ok()).collect();
        v.sort();
        v.dedup();
        v
    }
    pub fn join(set: &[SuspensionReason]) -> String {
        set.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
    }
}

/// A change somebody asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Suspend(SuspensionReason),
    Resume(SuspensionReason),
    Cancel,
}

/// Why a change is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Cancelled or expired subscriptions do not change.
    Final,
    /// Only an active subscription changes its quantity or converts from trial.
    NotActive,
    /// That reason already holds.
    AlreadySuspendedFor,
    /// That reason does not hold.
    NotSuspendedFor,
    /// Nothing would change.
    Unchanged,
    /// Only a trial converts to paid.
    NotATrial,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Final => "subscription_final",
            Refusal::NotActive => "subscription_not_active",
            Refusal::AlreadySuspendedFor => "already_suspended_for_reason",
            Refusal::NotSuspendedFor => "not_suspended_for_reason",
            Refusal::Unchanged => "unchanged",
            Refusal::NotATrial => "not_a_trial",
        }
    }
    pub fn message(self) -> &'static str {
        match self {
            Refusal::Final => "a cancelled or expired subscription cannot change",
            Refusal::NotActive => "only an active subscription can do this",
            Refusal::AlreadySuspendedFor => "the subscription is already suspended for this reason",
            Refusal::NotSuspendedFor => "the subscription is not suspended for this reason",
            Refusal::Unchanged => "this would change nothing",
            Refusal::NotATrial => "only a trial subscription converts to paid",
        }
    }
}

/// The state and suspension reasons after `change`, or why it is refused.
pub fn apply(
    state: State,
    reasons: &[SuspensionReason],
    change: Change,
) -> Result<(State, Vec<SuspensionReason>), Refusal> {
    if state.is_final() {
        return Err(Refusal::Final);
    }
    let mut r = reasons.to_vec();
    match change {
        Change::Suspend(why) => {
            if r.contains(&why) {
                return Err(Refusal::AlreadySuspendedFor);
            }
            r.push(why);
            r.sort();
            Ok((State::Suspended, r))
        }
        Change::Resume(why) => {
            if !r.contains(&why) {
                return Err(Refusal::NotSuspendedFor);
            }
            r.retain(|x| *x != why);
            let s = if r.is_empty() {
                State::Active
            } else {
                State::Suspended
            };
            Ok((s, r))
        }
        Change::Cancel => Ok((State::Cancelled, Vec::new())),
    }
}

/// May the quantity become `to`? (The offer's bounds are checked by `catalog::check_quantity`.)
pub fn may_change_quantity(state: State, from: i64, to: i64) -> Result<(), Refusal> {
    if state.is_final() {
        return Err(Refusal::Final);
    }
    if state != State::Active {
        return Err(Refusal::NotActive);
    }
    if from == to {
        return Err(Refusal::Unchanged);
    }
    Ok(())
}

/// May auto-renew be set to `to`?
pub fn may_set_auto_renew(state: State, from: bool, to: bool) -> Result<(), Refusal> {
    if state.is_final() {
        return Err(Refusal::Final);
    }
    if from == to {
        return Err(Refusal::Unchanged);
    }
    Ok(())
}

/// May a trial be converted to paid now?
pub fn may_convert_trial(state: State, trial: bool) -> Result<(), Refusal> {
    if state.is_final() {
        return Err(Refusal::Final);
    }
    if !trial {
        return Err(Refusal::NotATrial);
    }
    if state != State::Active {
        return Err(Refusal::NotActive);
    }
    Ok(())
}

/// What the scheduler does to a subscription whose term (or trial) ends at `ends_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheduled {
    Nothing,
    /// An active paid subscription with auto-renew starts its next term.
    Renew,
    /// An active trial with auto-renew on becomes a paid subscription.
    ConvertTrial,
    /// Otherwise it expires (suspended subscriptions never renew).
    Expire,
}

pub fn scheduled(
    state: State,
    trial: bool,
    auto_renew: bool,
    now: OffsetDateTime,
    ends_at: OffsetDateTime,
) -> Scheduled {
    if state.is_final() || now < ends_at {
        return Scheduled::Nothing;
    }
    match (state, trial, auto_renew) {
        (State::Active, false, true) => Scheduled::Renew,
        (State::Active, true, true) => Scheduled::ConvertTrial,
        _ => Scheduled::Expire,
    }
}

/// `t` plus `months` calendar months, the day clamped to the end of a shorter month (31 Jan + 1
/// month = 28 or 29 Feb), the time of day kept.
pub fn add_months(t: OffsetDateTime, months: u32) -> OffsetDateTime {
    let total = t.year() * 12 + (t.month() as i32 - 1) + months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).unwrap_or(Month::January);
    let last = time::util::days_in_month(month, year);
    let day = t.day().min(last);
    match Date::from_calendar_date(year, month, day) {
        Ok(d) => t.replace_date(d),
        Err(_) => t,
    }
}

/// A requested quantity, as entered: a whole number of licenses.
pub fn parse_quantity(s: &str) -> Result<i64, ValidationError> {
    s.trim()
        .parse::<i64>()
        .ok()
        .filter(|q| *q > 0)
        .ok_or_else(|| {
            ValidationError::new(
                "quantity",
                "invalid_quantity",
                "the quantity is a whole number of licenses, at least 1",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    use SuspensionReason::*;

    #[test]
    fn r_ord_6_suspension_reasons_stack() {
        let (s, r) = apply(State::Active, &[], Change::Suspend(Billing)).unwrap();
        assert_eq!((s, r.clone()), (State::Suspended, vec![Billing]));
        let (s, r) = apply(s, &r, Change::Suspend(Fraud)).unwrap();
        assert_eq!((s, r.clone()), (State::Suspended, vec![Billing, Fraud]));
        assert_eq!(
            apply(s, &r, Change::Suspend(Fraud)),
            Err(Refusal::AlreadySuspendedFor)
        );
        let (s, r) = apply(s, &r, Change::Resume(Billing)).unwrap();
        assert_eq!(s, State::Suspended, "still held for fraud");
        assert_eq!(
            apply(s, &r, Change::Resume(Billing)),
            Err(Refusal::NotSuspendedFor)
        );
        let (s, r) = apply(s, &r, Change::Resume(Fraud)).unwrap();
        assert_eq!((s, r), (State::Active, vec![]));
        let (s, _) = apply(State::Suspended, &[Billing], Change::Cancel).unwrap();
        assert_eq!(s, State::Cancelled);
        for end in [State::Cancelled, State::Expired] {
            assert_eq!(apply(end, &[], Change::Cancel), Err(Refusal::Final));
            assert_eq!(
                apply(end, &[], Change::Suspend(Billing)),
                Err(Refusal::Final)
            );
        }
        assert_eq!(
            SuspensionReason::parse_set("fraud,billing,,nope,billing"),
            vec![Billing, Fraud]
        );
        assert_eq!(SuspensionReason::join(&[Billing, Fraud]), "billing,fraud");
    }

    #[test]
    fn r_ord_6_quantity_and_auto_renew_rules() {
        assert_eq!(may_change_quantity(State::Active, 5, 6), Ok(()));
        assert_eq!(
            may_change_quantity(State::Active, 5, 5),
            Err(Refusal::Unchanged)
        );
        assert_eq!(
            may_change_quantity(State::Suspended, 5, 6),
            Err(Refusal::NotActive)
        );
        assert_eq!(
            may_change_quantity(State::Cancelled, 5, 6),
            Err(Refusal::Final)
        );
        assert_eq!(may_set_auto_renew(State::Suspended, true, false), Ok(()));
        assert_eq!(
            may_set_auto_renew(State::Active, true, true),
            Err(Refusal::Unchanged)
        );
        assert_eq!(may_convert_trial(State::Active, true), Ok(()));
        assert_eq!(
            may_convert_trial(State::Active, false),
            Err(Refusal::NotATrial)
        );
        assert_eq!(parse_quantity(" 12 "), Ok(12));
        assert_eq!(parse_quantity("0").unwrap_err().code, "invalid_quantity");
        assert_eq!(parse_quantity("1.5").unwrap_err().code, "invalid_quantity");
    }

    #[test]
    fn r_ord_6_term_end_renews_converts_or_expires() {
        let end = datetime!(2027-01-31 09:00 UTC);
        let before = datetime!(2027-01-31 08:59:59 UTC);
        assert_eq!(
            scheduled(State::Active, false, true, before, end),
            Scheduled::Nothing
        );
        assert_eq!(
            scheduled(State::Active, false, true, end, end),
            Scheduled::Renew
        );
        assert_eq!(
            scheduled(State::Active, false, false, end, end),
            Scheduled::Expire
        );
        assert_eq!(
            scheduled(State::Active, true, true, end, end),
            Scheduled::ConvertTrial
        );
        assert_eq!(
            scheduled(State::Active, true, false, end, end),
            Scheduled::Expire
        );
        assert_eq!(
            scheduled(State::Suspended, false, true, end, end),
            Scheduled::Expire,
            "a suspended subscription does not renew"
        );
        assert_eq!(
            scheduled(State::Cancelled, false, true, end, end),
            Scheduled::Nothing
        );
    }

    #[test]
    fn months_are_calendar_months() {
        assert_eq!(
            add_months(datetime!(2027-01-31 09:00 UTC), 1),
            datetime!(2027-02-28 09:00 UTC)
        );
        assert_eq!(
            add_months(datetime!(2028-01-31 09:00 UTC), 1),
            datetime!(2028-02-29 09:00 UTC)
        );
        assert_eq!(
            add_months(datetime!(2026-12-01 00:00 UTC), 12),
            datetime!(2027-12-01 00:00 UTC)
        );
        assert_eq!(
            add_months(datetime!(2026-11-15 00:00 UTC), 3),
            datetime!(2027-02-15 00:00 UTC)
        );
    }
}
