//! Background work inside `keiro serve`: background jobs (CSV imports), outbox delivery,
//! subscription terms, GDAP transitions and clean-up of ended sessions. Safe on several nodes
//! at once: jobs and delivery claim rows with guarded updates, clean-up is idempotent.

use crate::state::AppState;
use keiro_app::mail::MailTransport;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// A name for this node in outbox claims: host, process and a random suffix.
pub fn node_id() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "node".into());
    format!(
        "{host}-{}-{}",
        std::process::id(),
        &uuid::Uuid::now_v7().simple().to_string()[24..]
    )
}

/// The background-job worker (ADR 0008): wakes when a job is submitted on this node, and
/// every second for jobs submitted elsewhere or left by a node that stopped; runs one job at a
/// time.
pub fn spawn_jobs(state: &AppState, node: String) -> JoinHandle<()> {
    let app = state.app.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = app.jobs.wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
            loop {
                match keiro_app::jobs::run_next(&app, &node).await {
                    Ok(Some(id)) => tracing::info!(job = %id, "job ended"),
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "job pass failed");
                        break;
                    }
                }
            }
        }
    })
}

pub fn spawn(state: AppState, transport: Arc<dyn MailTransport>) -> Vec<JoinHandle<()>> {
    let node = node_id();
    tracing::info!(node = %node, transport = %transport.describe(), "outbox worker started");
    let jobs = spawn_jobs(&state, node.clone());
    let every = Duration::from_secs(state.config.outbox_interval_secs.max(1));
    let s1 = state.clone();
    let outbox = tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            loop {
                match keiro_app::outbox::deliver_due(&s1.app, transport.as_ref(), &node, 50).await {
                    Ok(r) if r.sent + r.retrying + r.failed == 50 => continue,
                    Ok(r) => {
                        if r.sent + r.retrying + r.failed > 0 {
                            tracing::info!(
                                sent = r.sent,
                                retrying = r.retrying,
                                failed = r.failed,
                                "outbox pass"
                            );
                        }
                        break;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "outbox pass failed");
                        break;
                    }
                }
            }
        }
    });
    let s2_for_gdap = state.clone();
    let s2 = state;
    let sweeper = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let cutoff = s2.app.now() - time::Duration::days(7);
            let res = keiro_app::housekeeping::purge(&s2.app, cutoff).await;
            match res {
                Ok(n) if n > 0 => tracing::info!(
                    purged = n,
                    "ended sessions and idempotency records older than 7 days removed"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "session clean-up failed"),
            }
            // A million organizations' index merges in about 150 steps.
            match keiro_app::housekeeping::merge_search_index(&s2.app, 1000).await {
                Ok(n) if n > 0 => tracing::info!(steps = n, "organization search index merged"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "search index merge failed"),
            }
        }
    });
    // Scheduled transitions every minute: subscription terms and trials (R-ORD-6) and GDAP
    // (R-REL-8: expiring, auto-extension, expiry). Guarded updates make concurrent runs on
    // several nodes harmless; authorization does not wait for them.
    let s3 = s2_for_gdap;
    let gdap = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            match keiro_app::subscriptions::tick(&s3.app).await {
                Ok(r) if r != keiro_app::subscriptions::TickReport::default() => tracing::info!(
                    renewed = r.renewed,
                    converted = r.converted,
                    expired = r.expired,
                    "subscription terms ended"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "subscription terms failed"),
            }
            match keiro_app::gdap::tick(&s3.app).await {
                Ok(r) if r != keiro_app::gdap::TickReport::default() => tracing::info!(
                    expiring = r.expiring,
                    extended = r.extended,
                    expired = r.expired,
                    "GDAP transitions"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "GDAP transitions failed"),
            }
            match keiro_app::benefits::tick(&s3.app).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(partners = n, "benefit expiry notices queued"),
                Err(e) => tracing::warn!(error = %e, "benefit expiry notices failed"),
            }
        }
    });
    vec![jobs, outbox, sweeper, gdap]
}
