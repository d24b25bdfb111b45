//! Granular delegated admin (GDAP, R-REL-8): a named relationship between a partner and a
//! customer with a set of customer roles and a limited duration. States: created → approval
//! pending → active → expiring (its last 30 days) → expired, or terminated by either side.
//! Access reaches partner users only through access assignments of a subset of the roles to a
//! partner security group.

use crate::{OrgKind, Role, ValidationError};

/// Shortest and longest duration (never permanent).
pub const MIN_DAYS: i64 = 1;
pub const MAX_DAYS: i64 = 730;
/// An active relationship shows as expiring in its last days.
pub const EXPIRING_DAYS: i64 = 30;
/// Auto-extension adds this many days.
pub const EXTEND_DAYS: i64 = 180;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GdapState {
    Created,
    ApprovalPending,
    Active,
    Expiring,
    Expired,
    Terminated,
}

impl GdapState {
    pub const ALL: [GdapState; 6] = [
        GdapState::Created,
        GdapState::ApprovalPending,
        GdapState::Active,
        GdapState::Expiring,
        GdapState::Expired,
        GdapState::Terminated,
    ];
    pub fn code(self) -> &'static str {
        match self {
            GdapState::Created => "created",
            GdapState::ApprovalPending => "approval_pending",
            GdapState::Active => "active",
            GdapState::Expiring => "expiring",
            GdapState::Expired => "expired",
            GdapState::Terminated => "terminated",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
    /// States in which the relationship grants its assigned roles (until its end time).
    pub fn grants_access(self) -> bool {
        matches!(self, GdapState::Active | GdapState::Expiring)
    }
    /// States either side may terminate from.
    pub fn terminable(self) -> bool {
        matches!(
            self,
            GdapState::Created
                | GdapState::ApprovalPending
                | GdapState::Active
                | GdapState::Expiring
        )
    }
}

/// What the scheduled job does to a relationship at `now` (times as comparable values: `ends`
/// is its end, `expiring_from` = end − 30 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheduled {
    Nothing,
    /// Enter the expiring window.
    MarkExpiring,
    /// Auto-extend: add 180 days (never with the global admin role).
    Extend,
    Expire,
}

pub fn scheduled<T: PartialOrd>(
    state: GdapState,
    auto_extend: bool,
    now: T,
    expiring_from: T,
    ends: T,
) -> Scheduled {
    if !state.grants_access() {
        return Scheduled::Nothing;
    }
    if now >= ends {
        return Scheduled::Expire;
    }
    if now >= expiring_from {
        return if auto_extend {
            Scheduled::Extend
        } else if state == GdapState::Active {
            Scheduled::MarkExpiring
        } else {
            Scheduled::Nothing
        };
    }
    Scheduled::Nothing
}

/// A relationship as the partner asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GdapRequest {
    pub display_name: String,
    pub roles: Vec<Role>,
    pub duration_days: i64,
    pub auto_extend: bool,
}

impl GdapRequest {
    /// Validates: a name of 1–50 characters, at least one customer role, 1 day to 2 years, and
    /// no auto-extension together with the global admin role.
    pub fn parse(
        display_name: &str,
        role_codes: &[String],
        duration_days: i64,
        auto_extend: bool,
    ) -> Result<Self, ValidationError> {
        let display_name = display_name.trim().to_string();
        if display_name.is_empty() || display_name.chars().count() > 50 {
            return Err(ValidationError::new(
                "display_name",
                "invalid_display_name",
                "a display name of 1 to 50 characters is required",
            ));
        }
        let mut roles = Vec::new();
        for c in role_codes {
            let r = Role::parse(c)
                .filter(|r| r.valid_for(OrgKind::Customer))
                .ok_or_else(|| {
                    ValidationError::new(
                        "roles",
                        "invalid_role",
                        format!("{c} is not a customer role"),
                    )
                })?;
            if !roles.contains(&r) {
                roles.push(r);
            }
        }
        if roles.is_empty() {
            return Err(ValidationError::new(
                "roles",
                "roles_required",
                "choose at least one customer role",
            ));
        }
        roles.sort();
        if !(MIN_DAYS..=MAX_DAYS).contains(&duration_days) {
            return Err(ValidationError::new(
                "duration_days",
                "invalid_duration",
                "a duration of 1 day to 2 years (730 days); GDAP is never permanent",
            ));
        }
        if auto_extend && roles.contains(&Role::GlobalAdmin) {
            return Err(ValidationError::new(
                "auto_extend",
                "auto_extend_with_global_admin",
                "a relationship with the global admin role cannot auto-extend",
            ));
        }
        Ok(GdapRequest {
            display_name,
            roles,
            duration_days,
            auto_extend,
        })
    }
}

/// An access assignment gives a security group a non-empty subset of the relationship's roles.
pub fn check_assignment(
    relationship: &[Role],
    codes: &[String],
) -> Result<Vec<Role>, ValidationError> {
    let mut roles = Vec::new();
    for c in codes {
        let r = Role::parse(c)
            .filter(|r| relationship.contains(r))
            .ok_or_else(|| {
                ValidationError::new(
                    "roles",
                    "role_not_in_relationship",
                    format!("{c} is not one of the relationship's roles"),
                )
            })?;
        if !roles.contains(&r) {
            roles.push(r);
        }
    }
    if roles.is_empty() {
        return Err(ValidationError::new(
            "roles",
            "roles_required",
            "choose at least one of the relationship's roles",
        ));
    }
    roles.sort();
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn r_rel_8_request_rules() {
        let ok = GdapRequest::parse(" Helpdesk ", &codes(&["password_admin", "user"]), 90, true)
            .unwrap();
        assert_eq!(ok.display_name, "Helpdesk");
        assert_eq!(ok.roles, vec![Role::PasswordAdmin, Role::User]);
        let code = |r: Result<GdapRequest, ValidationError>| r.unwrap_err().code;
        assert_eq!(
            code(GdapRequest::parse("x", &codes(&["user"]), 0, false)),
            "invalid_duration"
        );
        assert_eq!(
            code(GdapRequest::parse("x", &codes(&["user"]), 731, false)),
            "invalid_duration"
        );
        assert!(GdapRequest::parse("x", &codes(&["user"]), 730, false).is_ok());
        assert!(GdapRequest::parse("x", &codes(&["user"]), 1, false).is_ok());
        assert_eq!(
            code(GdapRequest::parse("x", &codes(&["global_admin"]), 30, true)),
            "auto_extend_with_global_admin"
        );
        assert_eq!(
            code(GdapRequest::parse("x", &codes(&["admin_agent"]), 30, false)),
            "invalid_role"
        );
        assert_eq!(
            code(GdapRequest::parse("x", &[], 30, false)),
            "roles_required"
        );
        assert_eq!(
            code(GdapRequest::parse("", &codes(&["user"]), 30, false)),
            "invalid_display_name"
        );
    }

    #[test]
    fn r_rel_8_assignments_are_subsets() {
        let rel = [Role::PasswordAdmin, Role::User];
        assert_eq!(
            check_assignment(&rel, &codes(&["user"])).unwrap(),
            vec![Role::User]
        );
        assert_eq!(
            check_assignment(&rel, &codes(&["global_admin"]))
                .unwrap_err()
                .code,
            "role_not_in_relationship"
        );
        assert_eq!(
            check_assignment(&rel, &[]).unwrap_err().code,
            "roles_required"
        );
    }

    #[test]
    fn r_rel_8_scheduled_transitions() {
        use GdapState::*;
        // expiring_from = 70, ends = 100
        assert_eq!(scheduled(Active, false, 10, 70, 100), Scheduled::Nothing);
        assert_eq!(
            scheduled(Active, false, 70, 70, 100),
            Scheduled::MarkExpiring
        );
        assert_eq!(scheduled(Expiring, false, 80, 70, 100), Scheduled::Nothing);
        assert_eq!(scheduled(Expiring, false, 100, 70, 100), Scheduled::Expire);
        assert_eq!(scheduled(Active, true, 75, 70, 100), Scheduled::Extend);
        assert_eq!(
            scheduled(Active, true, 100, 70, 100),
            Scheduled::Expire,
            "past its end it expires"
        );
        assert_eq!(
            scheduled(ApprovalPending, false, 200, 70, 100),
            Scheduled::Nothing
        );
        assert_eq!(
            scheduled(Terminated, false, 200, 70, 100),
            Scheduled::Nothing
        );
        assert!(Active.grants_access() && Expiring.grants_access() && !Expired.grants_access());
        for s in GdapState::ALL {
            assert_eq!(GdapState::parse(s.code()), Some(s));
        }
    }
}
