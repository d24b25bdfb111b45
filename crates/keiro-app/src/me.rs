//! The signed-in user's own account: who they are, and their preferences (name, language).

use crate::audit::{self, Event};
use crate::{App, AppError, AppResult, Ctx, CurrentUser};
use keiro_domain::{Action, Language};
use keiro_store::repo;
use serde_json::json;

pub fn get(ctx: &Ctx) -> AppResult<&CurrentUser> {
    ctx.user()
}

#[derive(Debug, Default)]
pub struct Preferences<'a> {
    pub full_name: Option<&'a str>,
    /// `Some(None)` clears the choice (back to the browser's language).
    pub language: Option<Option<&'a str>>,
    /// An IANA time zone; `Some(None)` clears the choice (back to the language's default).
    pub time_zone: Option<Option<&'a str>>,
}

/// A language as the API and forms send it: exactly "ja" or "en".
pub fn language(l: &str) -> AppResult<Language> {
    Language::parse(l).filter(|x| x.code() == l).ok_or_else(|| {
        AppError::validation(
            "language",
            "invalid_language",
            "language is \"ja\" or \"en\"",
        )
    })
}

/// Updates preferences; with `if_version`, only if the user row is still at that version
/// (ETag/If-Match).
pub async fn update(
    app: &App,
    ctx: &Ctx,
    p: Preferences<'_>,
    if_version: Option<i64>,
) -> AppResult<CurrentUser> {
    // With a temporary password only the language may change (to read the change page in
    // it); everything else waits for the new password (R-USR-2).
    let me = if p.full_name.is_some() {
        ctx.user()?
    } else {
        ctx.user_allowing_temporary()?
    };
    me.require(Action::ManageOwnAccount, "account")?;
    let full_name = match p.full_name {
        Some(n) => {
            let n = n.trim();
            if n.is_empty() || n.chars().count() > 200 {
                return Err(AppError::validation(
                    "full_name",
                    "invalid_full_name",
                    "a name of 1 to 200 characters is required",
                ));
            }
            n.to_string()
        }
        None => me.user.full_name.clone(),
    };
    let language = match p.language {
        Some(Some(l)) => Some(language(l)?.code().to_string()),
        Some(None) => None,
        None => me.user.language.clone(),
    };
    let time_zone = match p.time_zone {
        Some(Some(z)) => Some(
            keiro_domain::display::Zone::parse(z)
                .ok_or_else(|| {
                    AppError::validation(
                        "time_zone",
                        "invalid_time_zone",
                        "time_zone is an IANA time zone such as Asia/Tokyo",
                    )
                })
                .map(|_| z.trim().to_string())?,
        ),
        Some(None) => None,
        None => me.user.time_zone.clone(),
    };
    // Input is checked before the precondition: a bad request is bad at any version.
    if if_version.is_some_and(|v| v != me.user.version) {
        return Err(AppError::PreconditionFailed);
    }
    let now = app.now();
    let tx = app.db.begin().await?;
    repo::users::set_preferences(
        &tx,
        &me.user.id,
        me.user.version,
        &full_name,
        (language.as_deref(), time_zone.as_deref()),
        now,
    )
    .await?;
    // Switching the language is the reader's own comfort, not a change others must trace
    // (issue 14): only a name or a time zone makes an audit row.
    let audited = full_name != me.user.full_name || time_zone != me.user.time_zone;
    if audited {
        audit::record(
            &tx,
            ctx,
            now,
            Event::new("user.preferences_updated", "user", &me.user.id)
                .in_org(&me.org.id)
                .details(
                    json!({ "full_name": full_name, "language": language, "time_zone": time_zone }),
                ),
        )
        .await?;
    }
    tx.commit().await?;
    CurrentUser::load(app.db.reader(), &me.user.id)
        .await?
        .ok_or(AppError::NotFound("user"))
}
