//! Portal sessions: touched, revoked, ended ones purged. A live session and its user are read
//! by `caller::by_session`.

use super::*;

pub async fn touch(c: &impl ConnectionTrait, id: &str, now: Ts) -> Result<(), StoreError> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .filter(session::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

pub async fn revoke(c: &impl ConnectionTrait, id: &str, now: Ts) -> Result<bool, StoreError> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Some(now)))
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::RevokedAt.is_null())
        .changed_one(c)
        .await
}

/// Ends every session of a user except `keep` (after a password change).
pub async fn revoke_all_for_user(
    c: &impl ConnectionTrait,
    user_id: &str,
    keep: Option<&str>,
    now: Ts,
) -> Result<u64, StoreError> {
    let mut q = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Some(now)))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null());
    if let Some(k) = keep {
        q = q.filter(session::Column::Id.ne(k));
    }
    Ok(q.exec(c).await?.rows_affected)
}

/// Deletes sessions that ended before `before`; they authenticate nothing any more.
pub async fn purge_ended(c: &impl ConnectionTrait, before: Ts) -> Result<u64, StoreError> {
    Ok(session::Entity::delete_many()
        .filter(
            Condition::any()
                .add(session::Column::ExpiresAt.lt(before))
                .add(session::Column::RevokedAt.lt(before)),
        )
        .exec(c)
        .await?
        .rows_affected)
}
