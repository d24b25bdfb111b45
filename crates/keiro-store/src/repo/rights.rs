//! Rights rows (`delegated_rights`): one live right per owner, grantee and kind, read with the
//! request.

use super::*;
use delegated_right::Column as C;

/// The live rights `owner` granted to `grantee`. Read in the same transaction as the action
/// they authorize, so a revocation counts from the very next request.
pub async fn live(
    c: &impl ConnectionTrait,
    owner: &str,
    grantee: &str,
) -> Result<Vec<delegated_right::Model>, StoreError> {
    Ok(delegated_right::Entity::find()
        .filter(C::OwnerOrgId.eq(owner))
        .filter(C::GranteeOrgId.eq(grantee))
        .filter(C::RevokedAt.is_null())
        .all(c)
        .await?)
}

/// Revokes the live right of `kind`; false if there was none.
pub async fn revoke(
    c: &impl ConnectionTrait,
    owner: &str,
    grantee: &str,
    kind: &str,
    by: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    delegated_right::Entity::update_many()
        .col_expr(C::RevokedAt, Expr::value(Some(now)))
        .col_expr(C::RevokedBy, Expr::value(Some(by.to_string())))
        .filter(C::OwnerOrgId.eq(owner))
        .filter(C::GranteeOrgId.eq(grantee))
        .filter(C::Kind.eq(kind))
        .filter(C::RevokedAt.is_null())
        .changed_one(c)
        .await
}
