//! Provider ↔ reseller partnerships: one active per pair (partial unique index).

use super::*;
use partnership::Column as C;

pub async fn active_between(
    c: &impl ConnectionTrait,
    provider: &str,
    reseller: &str,
) -> Result<Option<partnership::Model>, StoreError> {
    unique(
        c,
        partnership::Entity::find()
            .filter(C::ProviderOrgId.eq(provider))
            .filter(C::ResellerOrgId.eq(reseller))
            .filter(is_code((partnership::Entity, C::State), "active")),
    )
    .await
}

/// Which side of the partnership the listing organization is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// List the organization's resellers (it is the provider).
    Provider,
    /// List the organization's providers (it is the reseller).
    Reseller,
}

/// Active partnerships of `org_id` on `side`, oldest first, optionally searched by the other
/// side's name or partner ID; each with the other organization.
pub async fn list(
    c: &impl ConnectionTrait,
    org_id: &str,
    side: Side,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<(partnership::Model, organization::Model)>, StoreError> {
    let (mine, other) = match side {
        Side::Provider => (C::ProviderOrgId, C::ResellerOrgId),
        Side::Reseller => (C::ResellerOrgId, C::ProviderOrgId),
    };
    let mut sel = partnership::Entity::find()
        .filter(mine.eq(org_id))
        .filter(is_code((partnership::Entity, C::State), "active"));
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        use organization::Column as O;
        let matching = sea_orm::sea_query::Query::select()
            .column(O::Id)
            .from(organization::Entity)
            .cond_where(search(O::SearchText, q))
            .to_owned();
        sel = sel.filter(Expr::col(other).in_subquery(matching));
    }
    let p = keyset(c, sel, C::Id, cursor, limit, Order::Asc, |r| r.id.clone()).await?;
    with_orgs(c, p, |r| match side {
        Side::Provider => &r.reseller_org_id,
        Side::Reseller => &r.provider_org_id,
    })
    .await
}

/// Ends an active partnership; false if it was not active any more.
pub async fn remove(
    c: &impl ConnectionTrait,
    id: &str,
    by_org: &str,
    by_user: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    partnership::Entity::update_many()
        .col_expr(C::State, Expr::value("removed"))
        .col_expr(C::RemovedAt, Expr::value(Some(now)))
        .col_expr(C::RemovedByOrg, Expr::value(Some(by_org.to_string())))
        .col_expr(C::RemovedByUser, Expr::value(Some(by_user.to_string())))
        .filter(C::Id.eq(id))
        .filter(is_code((partnership::Entity, C::State), "active"))
        .changed_one(c)
        .await
}
