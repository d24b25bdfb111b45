//! Service requests (R-CUS-1, R-REL-9): a customer's support cases, opened and followed by the
//! customer's admins or by partner users acting with the customer's rights.

use crate::ValidationError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Business stopped.
    Critical,
    High,
    Normal,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Critical, Severity::High, Severity::Normal];
    pub fn code(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Normal => "normal",
        }
    }
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|x| x.code() == s)
            .ok_or_else(|| {
                ValidationError::new(
                    "severity",
                    "invalid_severity",
                    "severity is critical, high or normal",
                )
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    InProgress,
    Resolved,
    Closed,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Open,
        Status::InProgress,
        Status::Resolved,
        Status::Closed,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|x| x.code() == s)
            .ok_or_else(|| {
                ValidationError::new(
                    "status",
                    "invalid_status",
                    "status is open, in_progress, resolved or closed",
                )
            })
    }
    /// Still waiting for someone: open or in progress (a resolved or closed request is not).
    pub fn is_open(self) -> bool {
        matches!(self, Status::Open | Status::InProgress)
    }
    /// A closed request is final; anything else may move to any other status (a resolved
    /// request reopens when the problem comes back).
    pub fn may_become(self, to: Status) -> bool {
        self != Status::Closed && self != to
    }
}

/// Checks a title (1–200 characters) and a text (1–5000 characters), trimmed.
pub fn check_text(field: &'static str, value: &str, max: usize) -> Result<String, ValidationError> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max {
        return Err(ValidationError::new(
            field,
            "invalid_text",
            format!("{field} needs 1 to {max} characters"),
        ));
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_cus_1_status_rules() {
        assert!(Status::Open.may_become(Status::InProgress));
        assert!(Status::Resolved.may_become(Status::Open), "reopen");
        assert!(!Status::Closed.may_become(Status::Open), "closed is final");
        assert!(!Status::Open.may_become(Status::Open));
        assert!(Status::InProgress.is_open() && !Status::Resolved.is_open());
        assert_eq!(
            Severity::parse("urgent").unwrap_err().code,
            "invalid_severity"
        );
        assert_eq!(Status::parse("done").unwrap_err().code, "invalid_status");
        assert_eq!(
            check_text("title", "  ", 200).unwrap_err().code,
            "invalid_text"
        );
        assert_eq!(check_text("title", " ok ", 200).unwrap(), "ok");
    }
}
