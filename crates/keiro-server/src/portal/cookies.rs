//! The portal's cookies: the session (HTTP-only, SameSite=Lax, Secure behind TLS) and the
//! language of a visitor who is not signed in.

use crate::state::AppState;
use axum_extra::extract::cookie::{Cookie, SameSite};

pub const SESSION_COOKIE: &str = "keiro_session";
pub const LANG_COOKIE: &str = "keiro_lang";

pub fn session_cookie(state: &AppState, value: String, clear: bool) -> Cookie<'static> {
    let mut c = Cookie::build((SESSION_COOKIE, value))
        .path("/")
        .http_only(true)
        .secure(state.config.secure_cookies)
        .same_site(SameSite::Lax)
        .build();
    if clear {
        c.make_removal();
    }
    c
}
