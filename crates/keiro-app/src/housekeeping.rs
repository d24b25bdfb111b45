//! Clean-up that any node may run, at any time, any number of times: rows past their use are
//! deleted (ended sessions, idempotency records older than the cut-off, rate counters past their
//! window, jobs finished before the cut-off; what a job showed once is forgotten an hour after it
//! ended). The worker runs it hourly with a cut-off of seven days, then merges SQLite's
//! full-text index of organizations.

use crate::{App, AppResult, throttle};
use keiro_store::repo;
use time::OffsetDateTime;

/// Deletes ended sessions, idempotency records and finished jobs from before `cutoff`, and
/// rate counters that stopped mattering; the number deleted.
pub async fn purge(app: &App, cutoff: OffsetDateTime) -> AppResult<u64> {
    let tx = app.db.begin().await?;
    let n = repo::sessions::purge_ended(&tx, cutoff).await?
        + repo::idempotency::purge_before(&tx, cutoff).await?
        + throttle::purge_expired(&tx, app.now()).await?
        + repo::jobs::purge(&tx, app.now() - time::Duration::hours(1), cutoff).await?;
    tx.commit().await?;
    Ok(n)
}

/// Merges SQLite's full-text index of organizations back into one segment, in steps of about
/// a megabyte, each its own short transaction so that writers wait milliseconds, at most
/// `max_steps` of them; the steps that did work (0 on PostgreSQL, or when it is merged). At a
/// million organizations a fragmented index (a dozen segments) doubles a search's time; this
/// brings it back. Any node may run it at any time.
pub async fn merge_search_index(app: &App, max_steps: u32) -> AppResult<u32> {
    let mut steps = 0;
    while steps < max_steps {
        let tx = app.db.begin().await?;
        let worked = repo::orgs::merge_search_index(&tx, 256).await?;
        tx.commit().await?;
        if !worked {
            break;
        }
        steps += 1;
    }
    Ok(steps)
}
