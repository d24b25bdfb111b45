//! Rate counters shared by every node (ADR 0002). A counter moves only by a guarded write on
//! the values it was read with, so two nodes counting one key at once never lose an event:
//! one write wins, the other reads again. The rules (limits, windows, delays) are keiro-app's.

use super::*;
use rate_counter::Column as C;
use sea_orm::TryInsertResult;

/// The counter of `key`, if it has one.
pub async fn get(c: &impl ConnectionTrait, key: &str) -> Found<rate_counter::Model> {
    row_by_id::<rate_counter::Entity>(c, key).await
}

/// Starts the counter of a key that has none; false if another node started it first.
pub async fn start(c: &impl ConnectionTrait, m: rate_counter::Model) -> Result<bool, StoreError> {
    let r = rate_counter::Entity::insert(m.into_active_model())
        .on_conflict_do_nothing_on([C::Key])
        .exec_without_returning(c)
        .await?;
    Ok(matches!(r, TryInsertResult::Inserted(1)))
}

/// Moves a counter from `seen` (as it was read) to `next`; false if another node moved it
/// since.
pub async fn advance(
    c: &impl ConnectionTrait,
    seen: &rate_counter::Model,
    next: &rate_counter::Model,
) -> Result<bool, StoreError> {
    rate_counter::Entity::update_many()
        .col_expr(C::WindowStart, Expr::value(next.window_start))
        .col_expr(C::Count, Expr::value(next.count))
        .col_expr(C::NextAt, Expr::value(next.next_at))
        .col_expr(C::ExpiresAt, Expr::value(next.expires_at))
        .filter(C::Key.eq(seen.key.as_str()))
        .filter(C::WindowStart.eq(seen.window_start))
        .filter(C::Count.eq(seen.count))
        .changed_one(c)
        .await
}

/// Forgets the counter of `key` (a sign-in that succeeded).
pub async fn reset(c: &impl ConnectionTrait, key: &str) -> Result<(), StoreError> {
    rate_counter::Entity::delete_by_id(key.to_string())
        .exec(c)
        .await?;
    Ok(())
}

/// Forgets counters that stopped mattering before `now_ms` (housekeeping).
pub async fn purge_expired(c: &impl ConnectionTrait, now_ms: i64) -> Result<u64, StoreError> {
    Ok(rate_counter::Entity::delete_many()
        .filter(C::ExpiresAt.lt(now_ms))
        .exec(c)
        .await?
        .rows_affected)
}
