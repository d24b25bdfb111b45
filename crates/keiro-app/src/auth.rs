//! Sign-in, portal sessions, password change and API-token authentication (R-USR-2).

use crate::audit::{self, Event};
use crate::secrets::{ct_eq, hash_password, new_token, sha256_hex, verify_password};
use crate::{App, AppError, AppResult, Ctx, CurrentUser, outbox, throttle};
use keiro_domain::{Email, Language, password::check_new_password};
use keiro_store::entities::session;
use keiro_store::repo;
use serde_json::json;
use time::{Duration, OffsetDateTime};

/// A new portal session. `token` goes into the cookie and is never stored.
#[derive(Debug)]
pub struct NewSession {
    pub token: String,
    pub user: CurrentUser,
    pub expires_at: OffsetDateTime,
}

/// What sign-in counts, under which keys.
struct SignInKeys {
    /// Attempts from one client address.
    address: String,
    /// Attempts on one account, from anywhere (paced).
    account: String,
    /// Failures on one account from one address (refused for the window).
    pair: String,
    /// The owner signed in from this address: it skips the account's pace.
    known: String,
}

impl SignInKeys {
    fn new(email: &str, ip: &str) -> Self {
        SignInKeys {
            address: format!("signin-address:{ip}"),
            account: format!("signin-account:{email}"),
            pair: format!("signin-pair:{email}|{ip}"),
            known: format!("signin-known:{email}|{ip}"),
        }
    }
}

/// Email + password sign-in, limited per client address and per account.
pub async fn sign_in(
    app: &App,
    ctx: &Ctx,
    email: &str,
    password: &str,
    user_agent: &str,
) -> AppResult<NewSession> {
    let now = app.now();
    let limits = &app.throttle;
    let email = Email::parse(email).map_err(|_| AppError::InvalidCredentials)?;
    let keys = SignInKeys::new(email.as_str(), &ctx.client_ip);
    {
        // One short transaction counts the attempt where every node sees it.
        let tx = app.db.begin().await?;
        let r = async {
            let wait = throttle::hit(&tx, &limits.signin_ip, &keys.address, now).await?;
            throttle::limited(wait, "too_many_sign_ins_from_address")?;
            let wait = throttle::refused(&tx, &limits.signin_pair, &keys.pair, now).await?;
            throttle::limited(wait, "too_many_sign_in_failures")?;
            if !throttle::seen_within(&tx, &keys.known, limits.known_address, now).await? {
                let wait = throttle::hit(&tx, &limits.signin_account, &keys.account, now).await?;
                throttle::limited(wait, "sign_in_slowed")?;
            }
            Ok::<_, AppError>(())
        }
        .await;
        tx.commit().await?;
        r?;
    }
    let found = repo::users::find_by_email(app.db.reader(), email.as_str()).await?;
    let stored = found
        .as_ref()
        .filter(|u| u.active)
        .map(|u| u.password_hash.clone());
    let ok = verify_password(password.to_string(), stored, app.config.password_cost).await?;
    let user = match found {
        Some(u) if ok && u.active => u,
        other => {
            let tx = app.db.begin().await?;
            throttle::hit(&tx, &limits.signin_pair, &keys.pair, now).await?;
            if let Some(u) = other {
                audit::record(
                    &tx,
                    ctx,
                    now,
                    Event::new("user.sign_in_failed", "user", &u.id)
                        .in_org(&u.org_id)
                        .details(json!({ "client_ip": ctx.client_ip })),
                )
                .await?;
            }
            tx.commit().await?;
            return Err(AppError::InvalidCredentials);
        }
    };
    let current = CurrentUser::load(app.db.reader(), &user.id)
        .await?
        .ok_or(AppError::InvalidCredentials)?;
    let token = new_token("ks_");
    let expires_at = now + Duration::hours(app.config.session_absolute_hours);
    let tx = app.db.begin().await?;
    repo::insert(
        &tx,
        session::Model {
            id: sha256_hex(&token),
            user_id: user.id.clone(),
            created_at: now,
            last_seen_at: now,
            expires_at,
            revoked_at: None,
            client_ip: ctx.client_ip.clone(),
            user_agent: user_agent.chars().take(300).collect(),
            // With MFA set up, the password alone opens nothing: the session waits for a code.
            mfa_pending: user.mfa_enabled,
        },
    )
    .await?;
    throttle::reset(&tx, &keys.account).await?;
    throttle::reset(&tx, &keys.pair).await?;
    throttle::mark(&tx, &keys.known, limits.known_address, now).await?;
    audit::record_as(
        &tx,
        Some(&current),
        ctx.request_id.as_deref(),
        now,
        Event::new("session.created", "user", &user.id)
            .in_org(&user.org_id)
            .details(json!({ "client_ip": ctx.client_ip })),
    )
    .await?;
    tx.commit().await?;
    Ok(NewSession {
        token,
        user: current,
        expires_at,
    })
}

/// A live session: the signed-in user and the session row's id.
#[derive(Debug, Clone)]
pub struct LiveSession {
    pub session_id: String,
    pub user: CurrentUser,
    /// The password was accepted, the second factor not yet (see `mfa::verify_sign_in`).
    pub mfa_pending: bool,
}

/// Resolves a session cookie. Ends sessions idle for too long; refreshes `last_seen_at` at most
/// once a minute so that browsing is not a write per request.
pub async fn resolve_session(app: &App, token: &str) -> AppResult<Option<LiveSession>> {
    if !token.starts_with("ks_") || token.len() > 100 {
        return Ok(None);
    }
    let now = app.now();
    let id = sha256_hex(token);
    let Some((s, p)) = repo::caller::by_session(app.db.reader(), &id, now).await? else {
        return Ok(None);
    };
    if !ct_eq(&s.id, &id) {
        return Ok(None);
    }
    if s.last_seen_at + Duration::minutes(app.config.session_idle_minutes) <= now {
        let tx = app.db.begin().await?;
        repo::sessions::revoke(&tx, &id, now).await?;
        tx.commit().await?;
        return Ok(None);
    }
    let Some(user) = CurrentUser::of(p)? else {
        return Ok(None);
    };
    if now - s.last_seen_at >= Duration::minutes(1) {
        let tx = app.db.begin().await?;
        repo::sessions::touch(&tx, &id, now).await?;
        tx.commit().await?;
    }
    Ok(Some(LiveSession {
        session_id: id,
        user,
        mfa_pending: s.mfa_pending,
    }))
}

pub async fn sign_out(app: &App, ctx: &Ctx, session_id: &str) -> AppResult<()> {
    let now = app.now();
    let tx = app.db.begin().await?;
    if repo::sessions::revoke(&tx, session_id, now).await?
        && let Some(u) = &ctx.user
    {
        audit::record(
            &tx,
            ctx,
            now,
            Event::new("session.ended", "user", &u.user.id).in_org(&u.org.id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Changes the signed-in user's password (also the forced change after a temporary one). Every
/// other session of the user ends; the user is told by email.
pub async fn change_password(
    app: &App,
    ctx: &Ctx,
    keep_session: Option<&str>,
    current: &str,
    new: &str,
) -> AppResult<()> {
    let me = ctx.user_allowing_temporary()?;
    let now = app.now();
    let key = format!("pw:{}", me.user.id);
    app.count(
        &app.throttle.secret_attempts,
        &key,
        "too_many_password_attempts",
    )
    .await?;
    if !verify_password(
        current.to_string(),
        Some(me.user.password_hash.clone()),
        app.config.password_cost,
    )
    .await?
    {
        return Err(AppError::validation(
            "current_password",
            "wrong_current_password",
            "the current password is wrong",
        ));
    }
    // The current password was right: only wrong ones count (a weak new password does not).
    app.forget(&key).await?;
    check_new_password(new, &me.user.email)?;
    if new == current {
        return Err(AppError::validation(
            "new_password",
            "password_unchanged",
            "choose a password different from the current one",
        ));
    }
    let hash = hash_password(new.to_string(), app.config.password_cost).await?;
    let tx = app.db.begin().await?;
    repo::users::set_password(&tx, &me.user.id, me.user.version, &hash, false, now).await?;
    let ended = repo::sessions::revoke_all_for_user(&tx, &me.user.id, keep_session, now).await?;
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("user.password_changed", "user", &me.user.id)
            .in_org(&me.org.id)
            .details(json!({ "was_temporary": me.user.must_change_password, "other_sessions_ended": ended })),
    )
    .await?;
    let lang = me.language().unwrap_or(Language::En);
    outbox::enqueue_email(
        &tx,
        app,
        Some(&me.org.id),
        "password-changed",
        &me.user.email,
        lang,
        &[
            ("name", me.user.full_name.clone()),
            ("email", me.user.email.clone()),
            (
                "time",
                crate::mail::time(app, now, lang, me.user.time_zone.as_deref()),
            ),
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What an API request's bearer is known by: the SHA-256 of a well-formed `kt_…` token, or
/// `None` for anything else. Computed once per request, for its rate limit and its lookup.
pub fn token_hash(bearer: &str) -> Option<String> {
    (bearer.starts_with("kt_") && bearer.len() <= 100).then(|| sha256_hex(bearer))
}

/// Authenticates the API token whose hash is `hash` (see `token_hash`), in one read of the
/// token, its user, their organization, roles and groups. Returns the user and the token's id.
pub async fn authenticate_token(app: &App, hash: &str) -> AppResult<(CurrentUser, String)> {
    let now = app.now();
    let Some((t, p)) = repo::caller::by_token(app.db.reader(), hash).await? else {
        return Err(AppError::Unauthenticated);
    };
    if !ct_eq(&t.token_hash, hash) {
        return Err(AppError::Unauthenticated);
    }
    if t.revoked_at.is_some() {
        return Err(AppError::TokenRejected("this API token was revoked".into()));
    }
    if t.expires_at <= now {
        return Err(AppError::TokenRejected("this API token has expired".into()));
    }
    let user = CurrentUser::of(p)?.ok_or(AppError::Unauthenticated)?;
    if t.last_used_at
        .is_none_or(|l| now - l >= Duration::minutes(1))
    {
        let tx = app.db.begin().await?;
        repo::tokens::touch(&tx, &t.id, now).await?;
        tx.commit().await?;
    }
    Ok((user, t.id))
}
