//! The outbox (R-X-4): messages are rows written in the transaction of the change that causes
//! them; [`deliver_due`] claims due rows (a guarded update per row, so two nodes never send the
//! same message), sends them, and records the outcome with exponential backoff.

use crate::mail::{self, MailTransport, OutgoingEmail};
use crate::{App, AppResult, Ctx};
use keiro_domain::{Action, Language};
use keiro_store::entities::outbox_message;
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::ConnectionTrait;
use time::Duration;
use uuid::Uuid;

/// One outbox message (an email, or an event held for delivery), as the store keeps it.
pub use keiro_store::entities::outbox_message::Model as Message;

/// Queues an email in the caller's transaction.
pub async fn enqueue_email(
    c: &impl ConnectionTrait,
    app: &App,
    org_id: Option<&str>,
    template: &str,
    to: &str,
    lang: Language,
    args: &[(&str, String)],
) -> AppResult<()> {
    let now = app.now();
    let (subject, body) = mail::render(template, lang, app.config.brand.name(lang), args);
    repo::insert(
        c,
        outbox_message::Model {
            id: Uuid::now_v7().to_string(),
            created_at: now,
            org_id: org_id.map(str::to_string),
            kind: "email".into(),
            template: template.into(),
            recipient: to.into(),
            language: lang.code().into(),
            subject,
            body_text: body,
            state: "pending".into(),
            attempts: 0,
            next_attempt_at: now,
            claimed_by: None,
            claimed_until: None,
            last_error: None,
            sent_at: None,
        },
    )
    .await?;
    Ok(())
}

/// Records a domain event (a relationship accepted, delegated admin granted or revoked, a GDAP
/// state change) in the outbox, in the transaction of the change, for each organization it
/// concerns. Kept `held`: no destination exists yet, so the email worker never claims it; a
/// webhook dispatcher will deliver these rows without touching the use cases.
pub async fn enqueue_event(
    c: &impl ConnectionTrait,
    app: &App,
    orgs: &[&str],
    name: &str,
    payload: serde_json::Value,
) -> AppResult<()> {
    let now = app.now();
    // One statement for all the organizations an event concerns.
    let body = payload.to_string();
    let rows = orgs
        .iter()
        .map(|org| outbox_message::Model {
            id: Uuid::now_v7().to_string(),
            created_at: now,
            org_id: Some(org.to_string()),
            kind: "event".into(),
            template: name.into(),
            recipient: org.to_string(),
            language: String::new(),
            subject: name.into(),
            body_text: body.clone(),
            state: "held".into(),
            attempts: 0,
            next_attempt_at: now,
            claimed_by: None,
            claimed_until: None,
            last_error: None,
            sent_at: None,
        })
        .collect();
    repo::insert_all(c, rows).await?;
    Ok(())
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

/// How long a claim lasts before another node may take the message over.
const LEASE: Duration = Duration::minutes(5);

/// Backoff after `attempts` failures: 30 s doubling, at most an hour.
pub fn backoff(attempts: i32) -> Duration {
    let secs = 30i64.saturating_mul(1i64 << attempts.clamp(0, 20));
    Duration::seconds(secs.min(3600))
}

/// One pass of the worker: claim up to `batch` due messages and deliver them.
pub async fn deliver_due(
    app: &App,
    transport: &dyn MailTransport,
    node: &str,
    batch: u64,
) -> AppResult<DeliveryReport> {
    let now = app.now();
    let tx = app.db.begin().await?;
    let claimed = repo::outbox::claim_due(&tx, node, now, now + LEASE, batch).await?;
    tx.commit().await?;
    let mut report = DeliveryReport::default();
    for m in claimed {
        let email = OutgoingEmail {
            id: m.id.clone(),
            from: app.config.mail_from.clone(),
            to: m.recipient.clone(),
            subject: m.subject.clone(),
            body_text: m.body_text.clone(),
            language: m.language.clone(),
        };
        let outcome = transport.send(&email).await;
        let tx = app.db.begin().await?;
        match outcome {
            Ok(()) => {
                if repo::outbox::mark_sent(&tx, &m.id, node, app.now()).await? {
                    report.sent += 1;
                }
            }
            Err(e) => {
                tracing::warn!(message_id = %m.id, error = %e, "email delivery failed");
                let give_up = m.attempts + 1 >= app.config.outbox_max_attempts;
                let retry_at = app.now() + backoff(m.attempts);
                if repo::outbox::mark_attempt_failed(&tx, &m.id, node, &e, retry_at, give_up)
                    .await?
                {
                    if give_up {
                        report.failed += 1
                    } else {
                        report.retrying += 1
                    }
                }
            }
        }
        tx.commit().await?;
    }
    Ok(report)
}

/// Operator staff: the outbox and its delivery state; `kind` "email" or "event" (emails are
/// for people, events for webhooks), `None` for both.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    (kind, state): (Option<&str>, Option<&str>),
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<outbox_message::Model>> {
    let me = ctx.user()?;
    me.require(Action::ViewOutbox, "outbox")?;
    if let Some(k) = kind
        && !["email", "event"].contains(&k)
    {
        return Err(crate::AppError::validation(
            "kind",
            "invalid_kind",
            "kind is email or event",
        ));
    }
    if let Some(s) = state
        && !["pending", "sending", "sent", "failed", "held"].contains(&s)
    {
        return Err(crate::AppError::validation(
            "state",
            "invalid_state",
            "state is one of pending, sending, sent, failed, held",
        ));
    }
    Ok(repo::outbox::list(app.db.reader(), (kind, state), cursor, limit).await?)
}

/// Operator staff: the names of the organizations events are recorded for (id → name).
pub async fn org_names(
    app: &App,
    ctx: &Ctx,
    ids: &[String],
) -> AppResult<std::collections::HashMap<String, String>> {
    ctx.user()?.require(Action::ViewOutbox, "outbox")?;
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    Ok(repo::orgs::names(app.db.reader(), &ids)
        .await?
        .into_iter()
        .collect())
}

pub async fn get(app: &App, ctx: &Ctx, id: &str) -> AppResult<outbox_message::Model> {
    let me = ctx.user()?;
    me.require(Action::ViewOutbox, "outbox message")?;
    repo::outbox::get(app.db.reader(), id)
        .await?
        .ok_or(crate::AppError::NotFound("outbox message"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff(0), Duration::seconds(30));
        assert_eq!(backoff(1), Duration::seconds(60));
        assert_eq!(backoff(10), Duration::hours(1));
        assert_eq!(backoff(100), Duration::hours(1));
    }
}
