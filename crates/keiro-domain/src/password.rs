use crate::ValidationError;

/// Rules for a password a person chooses. Length is what matters; composition rules only make
/// people write passwords down. A temporary password must be replaced, never reused (R-USR-2).
pub fn check_new_password(new: &str, email: &str) -> Result<(), ValidationError> {
    let err = |code, m: &str| Err(ValidationError::new("new_password", code, m));
    let chars = new.chars().count();
    if chars < 12 {
        return err(
            "password_too_short",
            "a password needs at least 12 characters",
        );
    }
    if chars > 256 {
        return err("password_too_long", "a password is at most 256 characters");
    }
    if new.trim().is_empty() {
        return err("password_too_short", "a password cannot be only spaces");
    }
    if new.eq_ignore_ascii_case(email) {
        return err(
            "password_is_email",
            "a password cannot be your email address",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_rules() {
        assert!(check_new_password("short", "a@b.co").is_err());
        assert!(check_new_password("long enough passphrase", "a@b.co").is_ok());
        assert!(check_new_password("user@example.com", "user@example.com").is_err());
    }
}
