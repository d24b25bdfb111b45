//! API tokens: listed, touched and revoked within the user's own. A token and its holder are
//! read by `caller::by_token`.

use super::*;

pub async fn list_for_user(
    c: &impl ConnectionTrait,
    user_id: &str,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<api_token::Model>, StoreError> {
    let sel = api_token::Entity::find().filter(api_token::Column::UserId.eq(user_id));
    let id = api_token::Column::Id;
    keyset(c, sel, id, cursor, limit, Order::Desc, |t| t.id.clone()).await
}

/// A token of this user (tenant scope: another user's id finds nothing).
pub async fn get_for_user(
    c: &impl ConnectionTrait,
    user_id: &str,
    id: &str,
) -> Result<Option<api_token::Model>, StoreError> {
    row_in::<api_token::Entity>(c, id, (api_token::Column::UserId, user_id)).await
}

/// Revokes a token of this user; false if there is no such live token.
pub async fn revoke(
    c: &impl ConnectionTrait,
    user_id: &str,
    id: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Some(now)))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .changed_one(c)
        .await
}

pub async fn touch(c: &impl ConnectionTrait, id: &str, now: Ts) -> Result<(), StoreError> {
    api_token::Entity::update_many()
        .col_expr(api_token::Column::LastUsedAt, Expr::value(Some(now)))
        .filter(api_token::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}
