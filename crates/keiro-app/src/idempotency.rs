//! `Idempotency-Key` support (R-ORD-7 and every create). The record is written in the same
//! transaction as the change it answers for, and (scope, key) is unique: of two concurrent first
//! requests exactly one commits, and the other replays its answer.

use crate::{AppError, AppResult};
use keiro_store::entities::idempotency_record;
use keiro_store::repo;
use keiro_store::sea_orm::ConnectionTrait;
use serde_json::Value;
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct Key {
    pub scope: String,
    pub key: String,
    pub request_hash: String,
}

impl Key {
    /// Keys are 1..=255 visible ASCII characters; the request is fingerprinted by its body.
    pub fn new(scope: &str, key: &str, request: &Value) -> AppResult<Key> {
        if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(AppError::validation(
                "Idempotency-Key",
                "invalid_idempotency_key",
                "an Idempotency-Key is 1 to 255 visible ASCII characters",
            ));
        }
        Ok(Key {
            scope: scope.to_string(),
            key: key.to_string(),
            request_hash: crate::secrets::sha256_hex(&request.to_string()),
        })
    }
}

impl Key {
    /// The key of a request that may carry one (`None` without an `Idempotency-Key`).
    pub fn maybe(scope: &str, key: Option<&str>, request: &Value) -> AppResult<Option<Key>> {
        key.map(|k| Key::new(scope, k, request)).transpose()
    }

    /// [`Key::maybe`] in the scope of one user's creates of a capability (`"{capability}:{user}"`).
    pub fn of_user(
        capability: &str,
        me: &crate::CurrentUser,
        key: Option<&str>,
        request: &Value,
    ) -> AppResult<Option<Key>> {
        Key::maybe(&format!("{capability}:{}", me.user.id), key, request)
    }

    /// [`Key::maybe`] in the scope of one organization's creates of a capability.
    pub fn of_org(
        capability: &str,
        me: &crate::CurrentUser,
        key: Option<&str>,
        request: &Value,
    ) -> AppResult<Option<Key>> {
        Key::maybe(&format!("{capability}:{}", me.org.id), key, request)
    }
}

/// Runs a create at most once per key: an earlier answer to the key is replayed; otherwise
/// `work` runs (storing its answer with [`keep`] inside its transaction) and a lost race on
/// the key replays the winner ([`settle`]).
pub async fn once<T, F>(app: &crate::App, key: Option<Key>, work: F) -> AppResult<Outcome<T>>
where
    T: serde::de::DeserializeOwned,
    F: AsyncFnOnce(Option<&Key>) -> AppResult<T>,
{
    if let Some(o) = replayed(app.db.reader(), key.as_ref()).await? {
        return Ok(o);
    }
    let result = work(key.as_ref()).await;
    settle(app.db.reader(), key.as_ref(), result).await
}

/// [`once`] for a create whose first answer carries a secret (a temporary password, a claim
/// secret): the secret is never stored, so a replay answers `None` in its place.
pub async fn once_with_secret<T, F>(
    app: &crate::App,
    key: Option<Key>,
    work: F,
) -> AppResult<Outcome<(T, Option<String>)>>
where
    T: serde::de::DeserializeOwned,
    F: AsyncFnOnce(Option<&Key>) -> AppResult<(T, String)>,
{
    once_as(
        app,
        key,
        async |k| work(k).await.map(|(v, secret)| (v, Some(secret))),
        |v: T| (v, None),
    )
    .await
}

/// [`once`] for a create whose answer is more than what is stored: `work` stores an `S` with
/// [`keep`] and answers a `T`; a replay makes its `T` from the stored `S`.
pub async fn once_as<S, T, F>(
    app: &crate::App,
    key: Option<Key>,
    work: F,
    from_stored: impl Fn(S) -> T,
) -> AppResult<Outcome<T>>
where
    S: serde::de::DeserializeOwned,
    F: AsyncFnOnce(Option<&Key>) -> AppResult<T>,
{
    let replay = |o: Outcome<S>| Outcome {
        value: from_stored(o.value),
        replayed: o.replayed,
    };
    if let Some(o) = replayed::<S>(app.db.reader(), key.as_ref()).await? {
        return Ok(replay(o));
    }
    match work(key.as_ref()).await {
        Ok(value) => Ok(Outcome {
            value,
            replayed: false,
        }),
        Err(e) => settle::<S>(app.db.reader(), key.as_ref(), Err(e))
            .await
            .map(replay),
    }
}

/// Stores the answer `value` under `key` (if any) inside the change's transaction.
pub async fn keep<T: serde::Serialize>(
    c: &impl ConnectionTrait,
    key: Option<&Key>,
    status: u16,
    value: &T,
    now: OffsetDateTime,
) -> AppResult<()> {
    match key {
        Some(k) => {
            let body =
                serde_json::to_value(value).map_err(|e| AppError::Internal(e.to_string()))?;
            store(c, k, status, &body, now).await
        }
        None => Ok(()),
    }
}

/// A stored first answer.
#[derive(Debug, Clone)]
pub struct Replay {
    pub status: u16,
    pub body: Value,
}

/// Looks for an earlier answer to this key: `Ok(Some)` to replay, an error if the key was used
/// with a different request.
pub async fn lookup(c: &impl ConnectionTrait, k: &Key) -> AppResult<Option<Replay>> {
    match repo::idempotency::find(c, &k.scope, &k.key).await? {
        None => Ok(None),
        Some(r) if r.request_hash != k.request_hash => Err(AppError::IdempotencyKeyReused),
        Some(r) => Ok(Some(Replay {
            status: r.status as u16,
            body: serde_json::from_str(&r.response).unwrap_or(Value::Null),
        })),
    }
}

/// Stores the answer inside the change's transaction. A `Duplicate` error means a concurrent
/// request with the same key won; the caller rolls back and replays.
pub async fn store(
    c: &impl ConnectionTrait,
    k: &Key,
    status: u16,
    body: &Value,
    now: OffsetDateTime,
) -> AppResult<()> {
    repo::insert(
        c,
        idempotency_record::Model {
            id: uuid::Uuid::now_v7().to_string(),
            scope: k.scope.clone(),
            key: k.key.clone(),
            request_hash: k.request_hash.clone(),
            status: status as i32,
            response: body.to_string(),
            created_at: now,
        },
    )
    .await
    .map_err(AppError::from)
}

/// The answer of a use case that accepts an `Idempotency-Key`, and whether it replays the
/// answer of an earlier request with the same key (nothing was done again).
#[derive(Debug, Clone)]
pub struct Outcome<T> {
    pub value: T,
    pub replayed: bool,
}

fn decode<T: serde::de::DeserializeOwned>(r: Replay) -> AppResult<Outcome<T>> {
    Ok(Outcome {
        value: serde_json::from_value(r.body).map_err(|e| AppError::Internal(e.to_string()))?,
        replayed: true,
    })
}

/// Before a change: the earlier answer to this key, if there is one (an error if the key was
/// used with a different request).
pub async fn replayed<T: serde::de::DeserializeOwned>(
    c: &impl ConnectionTrait,
    key: Option<&Key>,
) -> AppResult<Option<Outcome<T>>> {
    match key {
        Some(k) => match lookup(c, k).await? {
            Some(r) => decode(r).map(Some),
            None => Ok(None),
        },
        None => Ok(None),
    }
}

/// After a change's transaction: its own answer, or, when it lost a race on the key (a
/// concurrent request with the same key committed first, so storing the key was a duplicate),
/// the winner's answer. Any other error stands.
pub async fn settle<T: serde::de::DeserializeOwned>(
    c: &impl ConnectionTrait,
    key: Option<&Key>,
    result: AppResult<T>,
) -> AppResult<Outcome<T>> {
    match (result, key) {
        (Ok(value), _) => Ok(Outcome {
            value,
            replayed: false,
        }),
        // A concurrent request with the same key may have committed first: this one then
        // failed on the key's unique record, or on a rule the winner's change now breaks
        // (a name taken, a state moved on). Either way the winner's answer is the answer.
        (Err(e), Some(k)) if !matches!(e, AppError::IdempotencyKeyReused) => {
            match lookup(c, k).await? {
                Some(r) => decode(r),
                None => Err(e),
            }
        }
        (Err(e), _) => Err(e),
    }
}
