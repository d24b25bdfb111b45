//! Rate limits that hold across nodes and restarts (ADR 0002). Every counter is a row of the
//! database that all nodes share (`repo::throttle`), moved by guarded writes; nothing here
//! lives in one node's memory except the API's leases, which are taken from the shared counter
//! ahead (so the limit still holds: a lease a node loses is simply never used).
//!
//! Sign-in is limited three ways: attempts per client address; failures per account *and*
//! address (a hard refusal for the window); and attempts per account, *paced* rather than
//! locked: after a few, each next attempt waits 1 s, 2 s, 4 s … up to a minute after the one
//! before, so guessing from many addresses is slowed to one try a minute while the owner is
//! never shut out for long. An address the owner signed in from recently skips the pace.

use crate::secrets::sha256_hex;
use crate::{App, AppConfig, AppError, AppResult};
use keiro_store::entities::rate_counter;
use keiro_store::repo;
use keiro_store::sea_orm::ConnectionTrait;
use std::collections::HashMap;
use std::sync::Mutex;
use time::{Duration, OffsetDateTime};

/// How one kind of event is limited.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Events allowed in one window; more are refused until the window ends.
    pub limit: u32,
    pub window: Duration,
    /// Pacing after `free` events in the window: the next waits 1 s, the one after 2 s, …
    pub pace: Option<Pace>,
}

#[derive(Debug, Clone, Copy)]
pub struct Pace {
    pub free: u32,
    pub cap: Duration,
}

impl Rule {
    pub const fn per(limit: u32, window: Duration) -> Self {
        Rule {
            limit,
            window,
            pace: None,
        }
    }

    /// Seconds to wait before the next event, after the `count`-th of the window.
    fn pause_after(&self, count: i64) -> i64 {
        match self.pace {
            Some(p) if count >= i64::from(p.free) => {
                let exp = (count - i64::from(p.free)).min(20) as u32;
                (1i64 << exp).min(p.cap.whole_seconds())
            }
            _ => 0,
        }
    }

    fn refusal(&self, m: &rate_counter::Model, now_ms: i64) -> Option<u64> {
        if m.count >= i64::from(self.limit) {
            return Some(secs_until(m.window_start + ms(self.window), now_ms));
        }
        (now_ms < m.next_at).then(|| secs_until(m.next_at, now_ms))
    }
}

fn ms(d: Duration) -> i64 {
    d.whole_milliseconds() as i64
}

fn millis(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

fn secs_until(at_ms: i64, now_ms: i64) -> u64 {
    (((at_ms - now_ms) + 999) / 1000).max(1) as u64
}

/// The limits of this deployment, from its configuration.
#[derive(Debug)]
pub struct Throttles {
    /// Sign-in attempts per client address.
    pub signin_ip: Rule,
    /// Sign-in attempts per account, paced.
    pub signin_account: Rule,
    /// Failed sign-ins per account and client address: then refused for the window.
    pub signin_pair: Rule,
    /// How long an address the owner signed in from skips the account's pace.
    pub known_address: Duration,
    /// Wrong secrets a signed-in user may try (MFA codes, the current password, a claim
    /// secret) before waiting for the window.
    pub secret_attempts: Rule,
    /// API requests per token or client address.
    pub api: Rule,
    /// Invitation emails Keiro sends on an organization's behalf (anti-spam).
    pub invitation_emails: Rule,
    /// Product key attempts per customer and per client address (R-ADV-4).
    pub product_keys: Rule,
    leases: Mutex<HashMap<String, Lease>>,
}

/// Events a node took from a shared counter ahead, for its window.
#[derive(Debug, Clone, Copy)]
struct Lease {
    window_start: i64,
    left: u32,
}

impl Throttles {
    pub fn new(c: &AppConfig) -> Self {
        let window = Duration::minutes(c.signin_account_window_minutes);
        Throttles {
            signin_ip: Rule::per(c.signin_attempts_per_ip_per_minute, Duration::minutes(1)),
            signin_account: Rule {
                limit: u32::MAX,
                window,
                pace: Some(Pace {
                    free: c.signin_failures_per_account,
                    cap: Duration::minutes(1),
                }),
            },
            signin_pair: Rule::per(c.signin_failures_per_account, window),
            known_address: Duration::days(30),
            secret_attempts: Rule::per(c.signin_failures_per_account, window),
            api: Rule::per(c.api_requests_per_minute, Duration::minutes(1)),
            invitation_emails: Rule::per(c.invitation_emails_per_hour, Duration::hours(1)),
            product_keys: Rule::per(c.product_key_attempts_per_hour, Duration::hours(1)),
            leases: Mutex::new(HashMap::new()),
        }
    }

    /// One more request of `key` from this node's lease, if it holds one for the current
    /// window with events left.
    fn use_lease(&self, key: &str, now_ms: i64) -> bool {
        let window = ms(self.api.window);
        let mut leases = self.leases.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(l) = leases.get_mut(key)
            && now_ms < l.window_start + window
            && l.left > 0
        {
            l.left -= 1;
            return true;
        }
        if leases.len() > 50_000 {
            leases.retain(|_, l| now_ms < l.window_start + window);
        }
        false
    }

    fn keep_lease(&self, key: &str, lease: Lease) {
        let mut leases = self.leases.lock().unwrap_or_else(|e| e.into_inner());
        leases.insert(key.to_string(), lease);
    }
}

impl App {
    /// Counts one API request of `key` (a token or an address): from this node's lease while
    /// it lasts, else by taking the next lease (a twentieth of the limit) from the shared
    /// counter. `RateLimited` once the limit of the window is reached.
    pub async fn api_request(&self, key: &str) -> AppResult<()> {
        let now = self.now();
        if self.throttle.use_lease(key, millis(now)) {
            return Ok(());
        }
        let rule = self.throttle.api;
        let tx = self.db.begin().await?;
        let taken = take(&tx, &rule, key, (rule.limit / 20).max(1), now).await?;
        tx.commit().await?;
        match taken {
            Taken::Granted { n, window_start } => {
                let left = n - 1;
                self.throttle.keep_lease(key, Lease { window_start, left });
                Ok(())
            }
            Taken::Wait(secs) => limited(Some(secs), "rate_limited"),
        }
    }

    /// Counts one event of `key` in a transaction of its own (it counts whatever the use case
    /// does next); `RateLimited` with `code` if the rule refuses it now.
    pub async fn count(&self, rule: &Rule, key: &str, code: &'static str) -> AppResult<()> {
        let tx = self.db.begin().await?;
        let wait = hit(&tx, rule, key, self.now()).await?;
        tx.commit().await?;
        limited(wait, code)
    }

    /// `RateLimited` with `code` if the rule refuses the next event of `key` now (nothing is
    /// counted).
    pub async fn check(&self, rule: &Rule, key: &str, code: &'static str) -> AppResult<()> {
        limited(
            refused(self.db.reader(), rule, key, self.now()).await?,
            code,
        )
    }

    /// Forgets what was counted for `key` (the owner got it right).
    pub async fn forget(&self, key: &str) -> AppResult<()> {
        let tx = self.db.begin().await?;
        reset(&tx, key).await?;
        Ok(tx.commit().await?)
    }
}

/// `RateLimited` with `code` when there is a wait.
pub fn limited(wait: Option<u64>, code: &'static str) -> AppResult<()> {
    match wait {
        Some(retry_after_secs) => Err(AppError::RateLimited {
            retry_after_secs,
            code,
        }),
        None => Ok(()),
    }
}

enum Taken {
    Granted { n: u32, window_start: i64 },
    Wait(u64),
}

/// Counts one event of `key`; seconds to wait instead if the rule refuses it now (a refused
/// event is not counted).
pub async fn hit(
    c: &impl ConnectionTrait,
    rule: &Rule,
    key: &str,
    now: OffsetDateTime,
) -> AppResult<Option<u64>> {
    Ok(match take(c, rule, key, 1, now).await? {
        Taken::Granted { .. } => None,
        Taken::Wait(secs) => Some(secs),
    })
}

/// Seconds to wait if the rule refuses the next event of `key` now, without counting.
pub async fn refused(
    c: &impl ConnectionTrait,
    rule: &Rule,
    key: &str,
    now: OffsetDateTime,
) -> AppResult<Option<u64>> {
    let now_ms = millis(now);
    Ok(repo::throttle::get(c, &sha256_hex(key))
        .await?
        .filter(|m| now_ms < m.window_start + ms(rule.window))
        .and_then(|m| rule.refusal(&m, now_ms)))
}

/// Forgets counters that stopped mattering (housekeeping); how many.
pub async fn purge_expired(c: &impl ConnectionTrait, now: OffsetDateTime) -> AppResult<u64> {
    Ok(repo::throttle::purge_expired(c, millis(now)).await?)
}

/// Forgets what was counted for `key` (the owner got it right).
pub async fn reset(c: &impl ConnectionTrait, key: &str) -> AppResult<()> {
    Ok(repo::throttle::reset(c, &sha256_hex(key)).await?)
}

/// Notes `key` as seen now, for `seen_within` up to `keep` from now (an address the owner
/// signed in from).
pub async fn mark(
    c: &impl ConnectionTrait,
    key: &str,
    keep: Duration,
    now: OffsetDateTime,
) -> AppResult<()> {
    let key = sha256_hex(key);
    repo::throttle::reset(c, &key).await?;
    let now_ms = millis(now);
    let m = rate_counter::Model {
        key,
        window_start: now_ms,
        count: 1,
        next_at: now_ms,
        expires_at: now_ms + ms(keep),
    };
    repo::throttle::start(c, m).await?;
    Ok(())
}

/// Whether `key` was counted within the last `within` (an address the owner signed in from).
pub async fn seen_within(
    c: &impl ConnectionTrait,
    key: &str,
    within: Duration,
    now: OffsetDateTime,
) -> AppResult<bool> {
    Ok(repo::throttle::get(c, &sha256_hex(key))
        .await?
        .is_some_and(|m| millis(now) < m.window_start + ms(within)))
}

/// Takes up to `want` events from the shared counter of `key`. A lost race (another node moved
/// the counter since it was read) reads again; after a few, the event waits a second.
async fn take(
    c: &impl ConnectionTrait,
    rule: &Rule,
    key: &str,
    want: u32,
    now: OffsetDateTime,
) -> AppResult<Taken> {
    let k = sha256_hex(key);
    let now_ms = millis(now);
    let counter = |window_start: i64, count: i64| {
        let next_at = now_ms + 1000 * rule.pause_after(count);
        rate_counter::Model {
            key: k.clone(),
            window_start,
            count,
            next_at,
            expires_at: next_at.max(window_start + ms(rule.window)),
        }
    };
    let fresh = |n: u32| counter(now_ms, i64::from(n));
    for _ in 0..8 {
        let n = want.min(rule.limit).max(1);
        let Some(seen) = repo::throttle::get(c, &k).await? else {
            if repo::throttle::start(c, fresh(n)).await? {
                return Ok(Taken::Granted {
                    n,
                    window_start: now_ms,
                });
            }
            continue;
        };
        if now_ms >= seen.window_start + ms(rule.window) {
            if repo::throttle::advance(c, &seen, &fresh(n)).await? {
                return Ok(Taken::Granted {
                    n,
                    window_start: now_ms,
                });
            }
            continue;
        }
        if let Some(secs) = rule.refusal(&seen, now_ms) {
            return Ok(Taken::Wait(secs));
        }
        let n = n.min((i64::from(rule.limit) - seen.count) as u32);
        let next = counter(seen.window_start, seen.count + i64::from(n));
        if repo::throttle::advance(c, &seen, &next).await? {
            return Ok(Taken::Granted {
                n,
                window_start: seen.window_start,
            });
        }
    }
    Ok(Taken::Wait(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pace_doubles_up_to_its_cap() {
        let r = Rule {
            limit: u32::MAX,
            window: Duration::minutes(15),
            pace: Some(Pace {
                free: 5,
                cap: Duration::minutes(1),
            }),
        };
        let pauses: Vec<i64> = (1..=13).map(|n| r.pause_after(n)).collect();
        assert_eq!(pauses, [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(Rule::per(5, Duration::minutes(1)).pause_after(9), 0);
    }
}
