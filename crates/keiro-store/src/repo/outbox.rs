//! The outbox (`outbox_messages`): `claim_due` takes each message with one guarded UPDATE, so two
//! nodes never send one twice.

use super::*;
use outbox_message::Column as C;

/// Claims up to `limit` due messages for `node` until `lease_until`. Each claim is a guarded
/// UPDATE on one row; a row another node claimed first changes 0 rows and is skipped, so a
/// message is never held by two nodes (portable: no SKIP LOCKED needed).
pub async fn claim_due(
    c: &impl ConnectionTrait,
    node: &str,
    now: Ts,
    lease_until: Ts,
    limit: u64,
) -> Result<Vec<outbox_message::Model>, StoreError> {
    let due = || {
        Condition::any()
            .add(
                Condition::all()
                    .add(C::State.eq("pending"))
                    .add(C::NextAttemptAt.lte(now)),
            )
            .add(
                Condition::all()
                    .add(C::State.eq("sending"))
                    .add(C::ClaimedUntil.lt(now)),
            )
    };
    let candidates = outbox_message::Entity::find()
        .select_only()
        .column(C::Id)
        .filter(due())
        .order_by_asc(C::NextAttemptAt)
        .limit(limit)
        .into_tuple::<String>()
        .all(c)
        .await?;
    let mut claimed = Vec::new();
    for id in candidates {
        let changed = outbox_message::Entity::update_many()
            .col_expr(C::State, Expr::value("sending"))
            .col_expr(C::ClaimedBy, Expr::value(Some(node.to_string())))
            .col_expr(C::ClaimedUntil, Expr::value(Some(lease_until)))
            .filter(C::Id.eq(id.as_str()))
            .filter(due())
            .changed_one(c)
            .await?;
        if changed && let Some(m) = row_by_id::<outbox_message::Entity>(c, &id).await? {
            claimed.push(m);
        }
    }
    Ok(claimed)
}

/// Marks a claimed message sent; false if this node no longer holds the claim.
pub async fn mark_sent(
    c: &impl ConnectionTrait,
    id: &str,
    node: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    outbox_message::Entity::update_many()
        .col_expr(C::State, Expr::value("sent"))
        .col_expr(C::SentAt, Expr::value(Some(now)))
        .incr(C::Attempts)
        .col_expr(C::ClaimedUntil, Expr::value(Option::<Ts>::None))
        .col_expr(C::LastError, Expr::value(Option::<String>::None))
        .filter(C::Id.eq(id))
        .filter(C::State.eq("sending"))
        .filter(C::ClaimedBy.eq(node))
        .changed_one(c)
        .await
}

/// Records a failed attempt: back to pending at `retry_at`, or failed for good when `give_up`.
pub async fn mark_attempt_failed(
    c: &impl ConnectionTrait,
    id: &str,
    node: &str,
    error: &str,
    retry_at: Ts,
    give_up: bool,
) -> Result<bool, StoreError> {
    outbox_message::Entity::update_many()
        .col_expr(
            C::State,
            Expr::value(if give_up { "failed" } else { "pending" }),
        )
        .col_expr(C::NextAttemptAt, Expr::value(retry_at))
        .incr(C::Attempts)
        .col_expr(C::ClaimedUntil, Expr::value(Option::<Ts>::None))
        .col_expr(
            C::LastError,
            Expr::value(Some(error.chars().take(2000).collect::<String>())),
        )
        .filter(C::Id.eq(id))
        .filter(C::State.eq("sending"))
        .filter(C::ClaimedBy.eq(node))
        .changed_one(c)
        .await
}

/// Newest first; `kind` is "email" or "event", `None` for both.
pub async fn list(
    c: &impl ConnectionTrait,
    (kind, state): (Option<&str>, Option<&str>),
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<outbox_message::Model>, StoreError> {
    let mut q = outbox_message::Entity::find();
    if let Some(k) = kind {
        q = q.filter(C::Kind.eq(k));
    }
    if let Some(s) = state {
        q = q.filter(C::State.eq(s));
    }
    keyset(c, q, C::Id, cursor, limit, Order::Desc, |r| r.id.clone()).await
}

pub async fn get(c: &impl ConnectionTrait, id: &str) -> Found<outbox_message::Model> {
    row_by_id::<outbox_message::Entity>(c, id).await
}
