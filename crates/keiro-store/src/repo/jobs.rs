//! Background jobs (`jobs`, `job_lines`): a job is held by one node at a time. `claim` is one
//! guarded UPDATE per candidate (as the outbox's), and every later write of the running node
//! (`beat`, `finish`, `fail`) is guarded on the claim it holds (node and attempt), so a node
//! that lost its job (its lease ended and another took it over) changes nothing.

use super::*;
use job::Column as C;

/// Queued, or running under a lease that ended before `now_ms`.
fn claimable(now_ms: i64) -> Condition {
    Condition::any().add(C::State.eq("queued")).add(
        Condition::all()
            .add(C::State.eq("running"))
            .add(C::LeaseUntil.lt(now_ms)),
    )
}

/// The claim a running node holds on its job.
fn held(id: &str, node: &str, attempts: i64) -> Condition {
    Condition::all()
        .add(C::Id.eq(id))
        .add(C::State.eq("running"))
        .add(C::ClaimedBy.eq(node))
        .add(C::Attempts.eq(attempts))
}

/// The job `id`, only if `user_id` started it.
pub async fn get_for_user(c: &impl ConnectionTrait, id: &str, user_id: &str) -> Found<job::Model> {
    row_in::<job::Entity>(c, id, (C::UserId, user_id)).await
}

/// Takes the oldest claimable job for `node` until `lease_until_ms`, leaving out `skip` (the
/// jobs this node runs already). `None` when there is none, or every candidate was taken by
/// another node first.
pub async fn claim(
    c: &impl ConnectionTrait,
    node: &str,
    now_ms: i64,
    lease_until_ms: i64,
    skip: &[String],
    now: Ts,
) -> Found<job::Model> {
    let candidates = job::Entity::find()
        .select_only()
        .column(C::Id)
        .filter(claimable(now_ms))
        .filter(C::Id.is_not_in(skip.iter().cloned()))
        .order_by_asc(C::Id)
        .limit(5)
        .into_tuple::<String>()
        .all(c)
        .await?;
    for id in candidates {
        let taken = job::Entity::update_many()
            .col_expr(C::State, Expr::value("running"))
            .col_expr(C::ClaimedBy, Expr::value(Some(node.to_string())))
            .col_expr(C::LeaseUntil, Expr::value(lease_until_ms))
            .col_expr(C::DoneCount, Expr::value(0i64))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .incr(C::Attempts)
            .filter(C::Id.eq(id.as_str()))
            .filter(claimable(now_ms))
            .changed_one(c)
            .await?;
        if taken {
            return row_by_id::<job::Entity>(c, &id).await;
        }
    }
    Ok(None)
}

/// The running node's heartbeat: its progress, and a longer lease. False if it lost the job.
pub async fn beat(
    c: &impl ConnectionTrait,
    (id, node, attempts): (&str, &str, i64),
    (done, total): (i64, i64),
    lease_until_ms: i64,
) -> Result<bool, StoreError> {
    job::Entity::update_many()
        .col_expr(C::DoneCount, Expr::value(done))
        .col_expr(C::TotalCount, Expr::value(total))
        .col_expr(C::LeaseUntil, Expr::value(lease_until_ms))
        .filter(held(id, node, attempts))
        .changed_one(c)
        .await
}

/// The end of a running job, whatever its outcome: its input and lease let go. Guarded on the
/// claim the node holds.
fn ending(
    (id, node, attempts): (&str, &str, i64),
    state: &'static str,
    now: Ts,
) -> sea_orm::UpdateMany<job::Entity> {
    job::Entity::update_many()
        .col_expr(C::State, Expr::value(state))
        .col_expr(C::Input, Expr::value(""))
        .col_expr(C::LeaseUntil, Expr::value(0i64))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .col_expr(C::FinishedAt, Expr::value(Some(now)))
        .filter(held(id, node, attempts))
}

/// Ends the job with its outcome, in the transaction that committed the job's work: false if
/// the node lost the job (the caller rolls its work back).
pub async fn finish(
    c: &impl ConnectionTrait,
    hold: (&str, &str, i64),
    summary: &str,
    secrets: Option<String>,
    total: i64,
    now: Ts,
) -> Result<bool, StoreError> {
    ending(hold, "done", now)
        .col_expr(C::DoneCount, Expr::value(total))
        .col_expr(C::TotalCount, Expr::value(total))
        .col_expr(C::Summary, Expr::value(Some(summary.to_string())))
        .col_expr(C::Secrets, Expr::value(secrets))
        .changed_one(c)
        .await
}

/// Ends the job as failed with a problem code and its message; false if the node lost it.
pub async fn fail(
    c: &impl ConnectionTrait,
    hold: (&str, &str, i64),
    code: &str,
    message: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    let message: String = message.chars().take(2000).collect();
    ending(hold, "failed", now)
        .col_expr(C::ErrorCode, Expr::value(Some(code.to_string())))
        .col_expr(C::ErrorMessage, Expr::value(Some(message)))
        .changed_one(c)
        .await
}

/// Appends the per-row report of a job (in the transaction that finishes it).
pub async fn add_lines(
    c: &impl ConnectionTrait,
    lines: Vec<job_line::Model>,
) -> Result<(), StoreError> {
    for chunk in lines.chunks(500) {
        job_line::Entity::insert_many(
            chunk
                .iter()
                .cloned()
                .map(IntoActiveModel::into_active_model),
        )
        .exec_without_returning(c)
        .await?;
    }
    Ok(())
}

/// The per-row report of a job, in order.
pub async fn lines(
    c: &impl ConnectionTrait,
    job_id: &str,
) -> Result<Vec<job_line::Model>, StoreError> {
    Ok(job_line::Entity::find()
        .filter(job_line::Column::JobId.eq(job_id))
        .order_by_asc(job_line::Column::Seq)
        .all(c)
        .await?)
}

/// Clears what a finished job shows once: true for the one reader that cleared it (two nodes
/// serving the page at once never both show it).
pub async fn take_secrets(c: &impl ConnectionTrait, id: &str) -> Result<bool, StoreError> {
    job::Entity::update_many()
        .col_expr(C::Secrets, Expr::value(Option::<String>::None))
        .filter(C::Id.eq(id))
        .filter(C::Secrets.is_not_null())
        .changed_one(c)
        .await
}

/// Housekeeping: forgets what jobs finished before `unseen_before` still showed once (nobody
/// came back for it), and deletes jobs finished before `before` with their reports.
pub async fn purge(
    c: &impl ConnectionTrait,
    unseen_before: Ts,
    before: Ts,
) -> Result<u64, StoreError> {
    job::Entity::update_many()
        .col_expr(C::Secrets, Expr::value(Option::<String>::None))
        .filter(C::Secrets.is_not_null())
        .filter(C::FinishedAt.lt(unseen_before))
        .exec(c)
        .await?;
    let old = job::Entity::find()
        .select_only()
        .column(C::Id)
        .filter(C::FinishedAt.lt(before))
        .into_tuple::<String>()
        .all(c)
        .await?;
    if old.is_empty() {
        return Ok(0);
    }
    job_line::Entity::delete_many()
        .filter(job_line::Column::JobId.is_in(old.iter().cloned()))
        .exec(c)
        .await?;
    Ok(job::Entity::delete_many()
        .filter(C::Id.is_in(old))
        .exec(c)
        .await?
        .rows_affected)
}
