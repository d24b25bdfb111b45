//! Email verification links: found by hash; used once (guarded).

use super::*;
use email_verification::Column as C;

pub async fn find(
    c: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<email_verification::Model>, StoreError> {
    unique(
        c,
        email_verification::Entity::find().filter(C::TokenHash.eq(hash)),
    )
    .await
}

/// Uses the link once: true for exactly one caller, however many click at the same moment.
pub async fn use_once(c: &impl ConnectionTrait, id: &str, now: Ts) -> Result<bool, StoreError> {
    email_verification::Entity::update_many()
        .col_expr(C::UsedAt, Expr::value(Some(now)))
        .filter(C::Id.eq(id))
        .filter(C::UsedAt.is_null())
        .filter(C::ExpiresAt.gt(now))
        .changed_one(c)
        .await
}

/// Retires the unused links of a subject (a new link replaces them).
pub async fn retire_for(
    c: &impl ConnectionTrait,
    purpose: &str,
    subject_id: &str,
    now: Ts,
) -> Result<(), StoreError> {
    email_verification::Entity::update_many()
        .col_expr(C::UsedAt, Expr::value(Some(now)))
        .filter(C::Purpose.eq(purpose))
        .filter(C::SubjectId.eq(subject_id))
        .filter(C::UsedAt.is_null())
        .exec(c)
        .await?;
    Ok(())
}
