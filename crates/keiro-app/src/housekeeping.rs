//! Clean-up that any node may run, at any time, any number of times: rows past their use are
//! deleted (ended sessions, idempotency records older than the cut-off, rate counters past their
//! window, jobs finished before the cut-off; what a job showed once is forgotten an hour after it
//! ended). The worker runs it hourly with a cut-off of seven days.

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
