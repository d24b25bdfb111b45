//! Idempotency records: one answer per `(scope, key)`, purged after seven days.

use super::*;

pub async fn find(
    c: &impl ConnectionTrait,
    scope: &str,
    key: &str,
) -> Result<Option<idempotency_record::Model>, StoreError> {
    unique(
        c,
        idempotency_record::Entity::find()
            .filter(idempotency_record::Column::Scope.eq(scope))
            .filter(idempotency_record::Column::Key.eq(key)),
    )
    .await
}

/// Forgets answers recorded before `before` (keys are remembered for 7 days).
pub async fn purge_before(c: &impl ConnectionTrait, before: Ts) -> Result<u64, StoreError> {
    Ok(idempotency_record::Entity::delete_many()
        .filter(idempotency_record::Column::CreatedAt.lt(before))
        .exec(c)
        .await?
        .rows_affected)
}
