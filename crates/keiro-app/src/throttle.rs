//! Node-local fixed-window counters for rate limits. Losing them (a restart) only lets an
//! attacker start over, which the limits tolerate; they are never the only defence.

use crate::AppConfig;
use std::collections::HashMap;
use std::sync::Mutex;
use time::{Duration, OffsetDateTime};

#[derive(Debug)]
pub struct Limiter {
    limit: u32,
    window: Duration,
    slots: Mutex<HashMap<String, (OffsetDateTime, u32)>>,
}

impl Limiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Limiter {
            limit,
            window,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds to wait if `key` is over its limit now, without counting.
    pub fn blocked_for(&self, key: &str, now: OffsetDateTime) -> Option<u64> {
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        match slots.get(key) {
            Some((start, n)) if *n >= self.limit && now < *start + self.window => {
                Some(((*start + self.window - now).whole_seconds().max(1)) as u64)
            }
            _ => None,
        }
    }

    /// Counts one event; returns seconds to wait if this event is over the limit.
    pub fn hit(&self, key: &str, now: OffsetDateTime) -> Option<u64> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        if slots.len() > 50_000 {
            let window = self.window;
            slots.retain(|_, (start, _)| now < *start + window);
        }
        let e = slots.entry(key.to_string()).or_insert((now, 0));
        if now >= e.0 + self.window {
            *e = (now, 0);
        }
        e.1 += 1;
        if e.1 > self.limit {
            Some(((e.0 + self.window - now).whole_seconds().max(1)) as u64)
        } else {
            None
        }
    }

    pub fn reset(&self, key: &str) {
        self.slots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

#[derive(Debug)]
pub struct Throttles {
    /// Failed sign-ins per account.
    pub signin_account: Limiter,
    /// Sign-in attempts per client address.
    pub signin_ip: Limiter,
    /// API requests per token or client address.
    pub api: Limiter,
    /// Invitation emails Keiro sends on an organization's behalf, per hour (anti-spam).
    pub invitation_emails: Limiter,
}

impl Throttles {
    pub fn new(c: &AppConfig) -> Self {
        Throttles {
            signin_account: Limiter::new(
                c.signin_failures_per_account,
                Duration::minutes(c.signin_account_window_minutes),
            ),
            signin_ip: Limiter::new(c.signin_attempts_per_ip_per_minute, Duration::minutes(1)),
            api: Limiter::new(c.api_requests_per_minute, Duration::minutes(1)),
            invitation_emails: Limiter::new(c.invitation_emails_per_hour, Duration::hours(1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_limits_and_resets() {
        let l = Limiter::new(2, Duration::minutes(1));
        let t = OffsetDateTime::UNIX_EPOCH;
        assert_eq!(l.hit("a", t), None);
        assert_eq!(l.hit("a", t), None);
        assert_eq!(l.hit("a", t + Duration::seconds(10)), Some(50));
        assert_eq!(l.blocked_for("a", t + Duration::seconds(10)), Some(50));
        assert_eq!(l.hit("b", t), None, "keys are independent");
        assert_eq!(
            l.hit("a", t + Duration::minutes(1)),
            None,
            "a new window starts over"
        );
    }
}
