//! The confirmation page of an action that cannot be undone (removing a partnership, a
//! relationship, the provider's admin access): what it does, an attestation to tick where the
//! program asks for one, and the button that does it.

use super::Base;
use askama::Template;

#[derive(Template)]
#[template(path = "confirm.html")]
pub struct ConfirmPage {
    pub b: Base,
    pub action: String,
    pub text: String,
    /// The attestation the user must confirm (removal only).
    pub attestation: Option<String>,
    pub note: String,
    pub button: String,
    pub back: String,
}
