//! The portal's cookies: the session (HTTP-only, SameSite=Lax, Secure behind TLS) and the
//! language of a visitor who is not signed in.

use crate::state::AppState;
use axum_extra::extract::cookie::{Cookie, SameSite};

pub const SESSION_COOKIE: &str = "keiro_session";
pub const LANG_COOKIE: &str = "keiro_lang";
/// The advisor links this browser session opened (ids), so that a reload is not counted again.
pub const OPENED_COOKIE: &str = "keiro_opened";
/// How many link ids the cookie keeps (the latest).
const OPENED_KEPT: usize = 10;

/// Whether this browser session opened link `id` before; if not, the cookie that says it has
/// (a session cookie: it ends with the browser session).
pub fn opened(
    state: &AppState,
    jar: &axum_extra::extract::cookie::CookieJar,
    id: &str,
) -> Option<Cookie<'static>> {
    let seen: Vec<String> = jar
        .get(OPENED_COOKIE)
        .map(|c| c.value().split('.').map(str::to_string).collect())
        .unwrap_or_default();
    if seen.iter().any(|s| s == id) {
        return None;
    }
    let mut kept: Vec<String> = seen
        .into_iter()
        .filter(|s| s.len() == 36 && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'))
        .collect();
    kept.push(id.to_string());
    let from = kept.len().saturating_sub(OPENED_KEPT);
    Some(
        Cookie::build((OPENED_COOKIE, kept[from..].join(".")))
            .path("/invite")
            .http_only(true)
            .secure(state.config.secure_cookies)
            .same_site(SameSite::Lax)
            .build(),
    )
}

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
