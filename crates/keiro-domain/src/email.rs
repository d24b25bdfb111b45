use crate::ValidationError;
use std::fmt;

/// An email address, trimmed and lower-cased so that uniqueness is case-insensitive (R-USR-1).
/// The check is deliberately simple (one `@`, a dotted domain, no spaces): the verification link
/// is what proves an address, not a regex.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let s = input.trim().to_lowercase();
        let bad = |m: &str| Err(ValidationError::new("email", "invalid_email", m));
        if s.is_empty() {
            return bad("an email address is required");
        }
        if s.len() > 254 {
            return bad("an email address is at most 254 characters");
        }
        let Some((local, domain)) = s.split_once('@') else {
            return bad("an email address needs an @");
        };
        if local.is_empty() || local.len() > 64 || domain.contains('@') {
            return bad("the part before @ is missing or too long");
        }
        if !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return bad("the domain after @ is not valid");
        }
        if s.chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ',')
        {
            return bad("an email address may not contain spaces or <>,");
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.split_once('@').map(|(_, d)| d).unwrap_or("")
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises_case_and_space() {
        assert_eq!(
            Email::parse("  Aiko@Example.CO.jp ").unwrap().as_str(),
            "aiko@example.co.jp"
        );
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "no-at",
            "a@b",
            "@x.com",
            "a@@x.com",
            "a b@x.com",
            "a@.x.com",
            "a@x..com",
            "a@x.com.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics_and_is_idempotent(s in ".{0,80}") {
            if let Ok(e) = Email::parse(&s) {
                prop_assert_eq!(Email::parse(e.as_str()).unwrap(), e);
            }
        }
    }
}
