//! Invitation links (`invitations`): found by token hash; `use_once` takes a single-use link once,
//! guarded.

use super::*;
use invitation::Column as C;

pub async fn by_token_hash(
    c: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<invitation::Model>, StoreError> {
    unique(c, invitation::Entity::find().filter(C::TokenHash.eq(hash))).await
}

pub async fn get_in_org(
    c: &impl ConnectionTrait,
    org_id: &str,
    id: &str,
) -> Result<Option<invitation::Model>, StoreError> {
    row_in::<invitation::Entity>(c, id, (C::OrgId, org_id)).await
}

/// The organization's links of one kind, newest first; `state` filters on the stored state.
pub async fn list_in_org(
    c: &impl ConnectionTrait,
    org_id: &str,
    kind: &str,
    state: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<invitation::Model>, StoreError> {
    let mut sel = invitation::Entity::find()
        .filter(C::OrgId.eq(org_id))
        .filter(C::Kind.eq(kind));
    if let Some(s) = state {
        sel = sel.filter(C::State.eq(s));
    }
    keyset(c, sel, C::Id, cursor, limit, Order::Desc, |r| r.id.clone()).await
}

/// Uses a single-use link: true for exactly one caller, however many accept at once.
pub async fn use_once(
    c: &impl ConnectionTrait,
    id: &str,
    org_id: &str,
    user_id: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    invitation::Entity::update_many()
        .col_expr(C::State, Expr::value("used"))
        .incr(C::UseCount)
        .col_expr(C::UsedAt, Expr::value(Some(now)))
        .col_expr(C::UsedByOrg, Expr::value(Some(org_id.to_string())))
        .col_expr(C::UsedByUser, Expr::value(Some(user_id.to_string())))
        .filter(C::Id.eq(id))
        .filter(C::State.eq("open"))
        .filter(C::ExpiresAt.gt(now))
        .changed_one(c)
        .await
}

/// Counts one more use of a multi-use link, if it is still open and unexpired.
pub async fn use_again(
    c: &impl ConnectionTrait,
    id: &str,
    org_id: &str,
    user_id: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    invitation::Entity::update_many()
        .incr(C::UseCount)
        .col_expr(C::UsedAt, Expr::value(Some(now)))
        .col_expr(C::UsedByOrg, Expr::value(Some(org_id.to_string())))
        .col_expr(C::UsedByUser, Expr::value(Some(user_id.to_string())))
        .filter(C::Id.eq(id))
        .filter(C::State.eq("open"))
        .filter(C::ExpiresAt.gt(now))
        .changed_one(c)
        .await
}

/// Counts one more opening of an open link's page.
pub async fn count_open(c: &impl ConnectionTrait, id: &str) -> Result<(), StoreError> {
    invitation::Entity::update_many()
        .incr(C::OpenCount)
        .filter(C::Id.eq(id))
        .filter(C::State.eq("open"))
        .exec(c)
        .await?;
    Ok(())
}

/// Records whom Keiro emailed the link to.
pub async fn set_recipient(
    c: &impl ConnectionTrait,
    id: &str,
    email: &str,
) -> Result<(), StoreError> {
    invitation::Entity::update_many()
        .col_expr(C::RecipientEmail, Expr::value(Some(email.to_string())))
        .filter(C::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

/// Sets when an open link of the organization expires; false if it is not open (revoked or
/// used).
pub async fn set_expiry(
    c: &impl ConnectionTrait,
    org_id: &str,
    id: &str,
    expires_at: Ts,
) -> Result<bool, StoreError> {
    invitation::Entity::update_many()
        .col_expr(C::ExpiresAt, Expr::value(expires_at))
        .filter(C::Id.eq(id))
        .filter(C::OrgId.eq(org_id))
        .filter(C::State.eq("open"))
        .changed_one(c)
        .await
}

/// Revokes an open link of the organization; false if it was not open.
pub async fn revoke(
    c: &impl ConnectionTrait,
    org_id: &str,
    id: &str,
    by: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    invitation::Entity::update_many()
        .col_expr(C::State, Expr::value("revoked"))
        .col_expr(C::RevokedAt, Expr::value(Some(now)))
        .col_expr(C::RevokedBy, Expr::value(Some(by.to_string())))
        .filter(C::Id.eq(id))
        .filter(C::OrgId.eq(org_id))
        .filter(C::State.eq("open"))
        .changed_one(c)
        .await
}

/// Records a customer's use of a multi-use link; `Duplicate` if it used the link before.
pub async fn insert_use(
    c: &impl ConnectionTrait,
    m: invitation_use::Model,
) -> Result<(), StoreError> {
    super::insert(c, m).await
}

/// Revokes every open link of these kinds the organization holds (its advisor status was
/// revoked): how many.
pub async fn revoke_all_open(
    c: &impl ConnectionTrait,
    org_id: &str,
    kinds: &[&str],
    by: &str,
    now: Ts,
) -> Result<u64, StoreError> {
    Ok(invitation::Entity::update_many()
        .col_expr(C::State, Expr::value("revoked"))
        .col_expr(C::RevokedAt, Expr::value(Some(now)))
        .col_expr(C::RevokedBy, Expr::value(Some(by.to_string())))
        .filter(C::OrgId.eq(org_id))
        .filter(C::State.eq("open"))
        .filter(C::Kind.is_in(kinds.iter().copied()))
        .exec(c)
        .await?
        .rows_affected)
}
