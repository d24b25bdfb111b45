//! Personal API tokens: created by a signed-in user, shown once, stored as a hash, expiring,
//! revocable. Creation accepts an `Idempotency-Key`; a replay returns the same token's
//! details but never its secret again (the secret is not stored anywhere).

use crate::audit::{self, Event};
use crate::idempotency::{self, Key};
use crate::secrets::{new_token, sha256_hex};
use crate::{App, AppError, AppResult, Ctx, CurrentUser, outbox};
use keiro_domain::{Action, Language};
use keiro_store::entities::api_token;
use keiro_store::repo::{self, Page};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
    pub prefix: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
}

impl From<api_token::Model> for TokenInfo {
    fn from(t: api_token::Model) -> Self {
        TokenInfo {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
            last_used_at: t.last_used_at,
        }
    }
}

/// A created token. `secret` is `Some` only in the first answer.
#[derive(Debug, Clone)]
pub struct Created {
    pub info: TokenInfo,
    pub secret: Option<String>,
    pub replayed: bool,
}

pub struct NewToken<'a> {
    pub name: &'a str,
    pub expires_in_days: Option<i64>,
}

fn validate(app: &App, req: &NewToken<'_>) -> AppResult<(String, i64)> {
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::validation(
            "name",
            "invalid_name",
            "a token name of 1 to 100 characters is required",
        ));
    }
    let days = req
        .expires_in_days
        .unwrap_or(app.config.api_token_default_days);
    if !(1..=app.config.api_token_max_days).contains(&days) {
        return Err(AppError::validation(
            "expires_in_days",
            "invalid_expiry",
            format!("a token lasts 1 to {} days", app.config.api_token_max_days),
        ));
    }
    Ok((name.to_string(), days))
}

pub async fn create(
    app: &App,
    ctx: &Ctx,
    req: NewToken<'_>,
    idem: Option<&str>,
) -> AppResult<Created> {
    let me = ctx.user()?;
    me.require(Action::ManageOwnAccount, "API token")?;
    let (name, days) = validate(app, &req)?;
    let key = match idem {
        Some(k) => Some(Key::new(
            &format!("apitokens:{}", me.user.id),
            k,
            &json!({ "name": name, "days": days }),
        )?),
        None => None,
    };
    if let Some(k) = &key
        && let Some(r) = idempotency::lookup(app.db.reader(), k).await?
    {
        return replay(r);
    }
    let created = issue(app, Some(ctx), me, &name, days, key.as_ref()).await;
    match (created, &key) {
        // A concurrent request with the same key committed first: answer as it did.
        (Err(AppError::Conflict { .. }), Some(k)) => {
            match idempotency::lookup(app.db.reader(), k).await? {
                Some(r) => replay(r),
                None => Err(AppError::Conflict {
                    code: "duplicate",
                    message: "try again".into(),
                }),
            }
        }
        (other, _) => other,
    }
}

fn replay(r: idempotency::Replay) -> AppResult<Created> {
    let info: TokenInfo =
        serde_json::from_value(r.body).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Created {
        info,
        secret: None,
        replayed: true,
    })
}

/// Issues a token for `me`; used by the API and by `keiro admin token create`.
pub async fn issue(
    app: &App,
    ctx: Option<&Ctx>,
    me: &CurrentUser,
    name: &str,
    days: i64,
    key: Option<&Key>,
) -> AppResult<Created> {
    if me.user.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    let now = app.now();
    let secret = new_token("kt_");
    let model = api_token::Model {
        id: Uuid::now_v7().to_string(),
        user_id: me.user.id.clone(),
        org_id: me.org.id.clone(),
        name: name.to_string(),
        token_hash: sha256_hex(&secret),
        prefix: secret[..7].to_string(),
        created_at: now,
        expires_at: now + Duration::days(days),
        revoked_at: None,
        last_used_at: None,
    };
    let info = TokenInfo::from(model.clone());
    let tx = app.db.begin().await?;
    repo::insert(&tx, model).await?;
    if let Some(k) = key {
        idempotency::store(
            &tx,
            k,
            201,
            &serde_json::to_value(&info).unwrap_or_default(),
            now,
        )
        .await?;
    }
    audit::record_as(
        &tx,
        Some(me),
        ctx.and_then(|c| c.request_id.as_deref()),
        now,
        Event::new("api_token.created", "api_token", &info.id)
            .in_org(&me.org.id)
            .details(json!({ "name": info.name, "expires_at": info.expires_at.to_string(), "via": if ctx.is_some() { "api" } else { "cli" } })),
    )
    .await?;
    outbox::enqueue_email(
        &tx,
        app,
        Some(&me.org.id),
        "api-token-created",
        &me.user.email,
        me.language().unwrap_or(Language::En),
        &[
            ("name", me.user.full_name.clone()),
            ("email", me.user.email.clone()),
            ("token_name", info.name.clone()),
            (
                "expires",
                crate::mail::time(
                    app,
                    info.expires_at,
                    me.language().unwrap_or(Language::En),
                    me.user.time_zone.as_deref(),
                ),
            ),
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(Created {
        info,
        secret: Some(secret),
        replayed: false,
    })
}

pub async fn list(
    app: &App,
    ctx: &Ctx,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<TokenInfo>> {
    let me = ctx.user()?;
    let p = repo::tokens::list_for_user(app.db.reader(), &me.user.id, cursor, limit).await?;
    Ok(Page {
        items: p.items.into_iter().map(TokenInfo::from).collect(),
        next_cursor: p.next_cursor,
    })
}

/// Revokes one of the caller's tokens. Idempotent: revoking a revoked token succeeds without
/// a second audit row. Another user's token id answers 404.
pub async fn revoke(app: &App, ctx: &Ctx, id: &str) -> AppResult<()> {
    let me = ctx.user()?;
    let now = app.now();
    let tx = app.db.begin().await?;
    if !repo::tokens::revoke(&tx, &me.user.id, id, now).await? {
        return match repo::tokens::get_for_user(&tx, &me.user.id, id).await? {
            Some(t) if t.revoked_at.is_some() => Ok(()),
            _ => Err(AppError::NotFound("API token")),
        };
    }
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("api_token.revoked", "api_token", id).in_org(&me.org.id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
