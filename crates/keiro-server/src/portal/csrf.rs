//! The form token of a signed-in session. Forms are protected twice against CSRF: tower-http's
//! Fetch-Metadata check on every unsafe request (see `routes`), and this per-session token in
//! every form of a signed-in user, checked once for every handler by [`super::form::SignedForm`].

use super::{Portal, t};
use axum::http::StatusCode;
use axum::response::Response;

impl Portal {
    /// The form token of this session: derived from the session secret, so nothing is stored
    /// and it dies with the session.
    pub fn csrf_token(&self) -> String {
        match &self.session_token {
            Some(tok) => keiro_app::secrets::sha256_hex(&format!("csrf:{tok}"))[..32].to_string(),
            None => String::new(),
        }
    }

    pub fn check_csrf(&self, given: &str) -> Result<(), Response> {
        let expected = self.csrf_token();
        if !expected.is_empty() && keiro_app::secrets::ct_eq(&expected, given) {
            Ok(())
        } else {
            Err(self.error_page(StatusCode::FORBIDDEN, &t(self.lang, "error-csrf")))
        }
    }
}

/// A form with no field but its token (a button that does one thing).
#[derive(serde::Deserialize)]
pub struct NoFields {}

/// The token field of any form (other fields are ignored).
#[derive(serde::Deserialize, Default)]
pub struct TokenField {
    #[serde(default)]
    pub csrf: String,
}
