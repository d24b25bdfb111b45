//! Product keys (`product_keys`, `product_key_orders`): found by hash; `redeem` takes an unused,
//! unexpired key once, guarded, however many enter it at once.

use super::*;
use product_key::Column as C;

pub async fn by_hash(c: &impl ConnectionTrait, hash: &str) -> Found<product_key::Model> {
    unique(c, product_key::Entity::find().filter(C::KeyHash.eq(hash))).await
}

pub async fn get_in_org(
    c: &impl ConnectionTrait,
    org_id: &str,
    id: &str,
) -> Found<product_key::Model> {
    row_in::<product_key::Entity>(c, id, (C::OrgId, org_id)).await
}

pub async fn order(c: &impl ConnectionTrait, id: &str) -> Found<product_key_order::Model> {
    Ok(product_key_order::Entity::find_by_id(id.to_string())
        .one(c)
        .await?)
}

pub async fn orders_by_ids(
    c: &impl ConnectionTrait,
    ids: Vec<String>,
) -> Result<Vec<product_key_order::Model>, StoreError> {
    Ok(product_key_order::Entity::find()
        .filter(product_key_order::Column::Id.is_in(ids))
        .all(c)
        .await?)
}

/// Inserts an order and its keys in one statement each.
pub async fn insert_order(
    c: &impl ConnectionTrait,
    o: product_key_order::Model,
    keys: Vec<product_key::Model>,
) -> Result<(), StoreError> {
    super::insert(c, o).await?;
    for chunk in keys.chunks(100) {
        product_key::Entity::insert_many(
            chunk
                .iter()
                .cloned()
                .map(sea_orm::IntoActiveModel::into_active_model),
        )
        .exec_without_returning(c)
        .await?;
    }
    Ok(())
}

/// Which keys a list shows, by state as people see it (expiry follows from the clock).
#[derive(Debug, Clone, Copy)]
pub enum Shown {
    Unused(Ts),
    Expired(Ts),
    Stored(&'static str),
}

/// The organization's keys, newest first, in one state if given (`order`: of one order).
pub async fn list_in_org(
    c: &impl ConnectionTrait,
    org_id: &str,
    state: Option<Shown>,
    order: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<product_key::Model>, StoreError> {
    let mut sel = product_key::Entity::find().filter(C::OrgId.eq(org_id));
    sel = match state {
        None => sel,
        Some(Shown::Unused(now)) => sel
            .filter(C::State.eq("unused"))
            .filter(C::ExpiresAt.gt(now)),
        Some(Shown::Expired(now)) => sel
            .filter(C::State.eq("unused"))
            .filter(C::ExpiresAt.lte(now)),
        Some(Shown::Stored(s)) => sel.filter(C::State.eq(s)),
    };
    if let Some(o) = order {
        sel = sel.filter(C::OrderId.eq(o));
    }
    keyset(c, sel, C::Id, cursor, limit, Order::Desc, |r| r.id.clone()).await
}

/// The organization's unused, unexpired keys (of one order, if given), oldest first.
pub async fn unused_in_org(
    c: &impl ConnectionTrait,
    org_id: &str,
    order: Option<&str>,
    now: Ts,
) -> Result<Vec<product_key::Model>, StoreError> {
    let mut sel = product_key::Entity::find()
        .filter(C::OrgId.eq(org_id))
        .filter(C::State.eq("unused"))
        .filter(C::ExpiresAt.gt(now));
    if let Some(o) = order {
        sel = sel.filter(C::OrderId.eq(o));
    }
    Ok(sel.order_by_asc(C::Id).all(c).await?)
}

/// Takes an unused, unexpired key: true for exactly one caller.
pub async fn redeem(
    c: &impl ConnectionTrait,
    id: &str,
    org_id: &str,
    user_id: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    product_key::Entity::update_many()
        .col_expr(C::State, Expr::value("redeemed"))
        .col_expr(C::RedeemedAt, Expr::value(Some(now)))
        .col_expr(C::RedeemedByOrg, Expr::value(Some(org_id.to_string())))
        .col_expr(C::RedeemedByUser, Expr::value(Some(user_id.to_string())))
        .filter(C::Id.eq(id))
        .filter(C::State.eq("unused"))
        .filter(C::ExpiresAt.gt(now))
        .changed_one(c)
        .await
}

/// Records the subscription a redeemed key set up.
pub async fn set_subscription(
    c: &impl ConnectionTrait,
    id: &str,
    subscription_id: &str,
) -> Result<(), StoreError> {
    product_key::Entity::update_many()
        .col_expr(
            C::SubscriptionId,
            Expr::value(Some(subscription_id.to_string())),
        )
        .filter(C::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

/// Revokes an unused key of the organization; false if it was not unused.
pub async fn revoke(
    c: &impl ConnectionTrait,
    org_id: &str,
    id: &str,
    by: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    product_key::Entity::update_many()
        .col_expr(C::State, Expr::value("revoked"))
        .col_expr(C::RevokedAt, Expr::value(Some(now)))
        .col_expr(C::RevokedBy, Expr::value(Some(by.to_string())))
        .filter(C::Id.eq(id))
        .filter(C::OrgId.eq(org_id))
        .filter(C::State.eq("unused"))
        .changed_one(c)
        .await
}

/// Revokes every unused key of the organization (its advisor status was revoked): how many.
pub async fn revoke_all_unused(
    c: &impl ConnectionTrait,
    org_id: &str,
    by: &str,
    now: Ts,
) -> Result<u64, StoreError> {
    Ok(product_key::Entity::update_many()
        .col_expr(C::State, Expr::value("revoked"))
        .col_expr(C::RevokedAt, Expr::value(Some(now)))
        .col_expr(C::RevokedBy, Expr::value(Some(by.to_string())))
        .filter(C::OrgId.eq(org_id))
        .filter(C::State.eq("unused"))
        .exec(c)
        .await?
        .rows_affected)
}

/// The keys made for these license benefit allocations, with their orders.
pub async fn of_benefit_allocations(
    c: &impl ConnectionTrait,
    allocation_ids: Vec<String>,
) -> Result<Vec<(product_key_order::Model, product_key::Model)>, StoreError> {
    let orders = product_key_order::Entity::find()
        .filter(product_key_order::Column::BenefitAllocationId.is_in(allocation_ids))
        .all(c)
        .await?;
    let keys = product_key::Entity::find()
        .filter(C::OrderId.is_in(orders.iter().map(|o| o.id.clone())))
        .order_by_asc(C::Id)
        .all(c)
        .await?;
    Ok(keys
        .into_iter()
        .filter_map(|k| {
            let o = orders.iter().find(|o| o.id == k.order_id)?.clone();
            Some((o, k))
        })
        .collect())
}

/// Revokes the unused keys made for these license benefit allocations (their package was
/// cancelled): how many.
pub async fn revoke_for_allocations(
    c: &impl ConnectionTrait,
    allocation_ids: Vec<String>,
    by: &str,
    now: Ts,
) -> Result<u64, StoreError> {
    let orders: Vec<String> = product_key_order::Entity::find()
        .filter(product_key_order::Column::BenefitAllocationId.is_in(allocation_ids))
        .all(c)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    Ok(product_key::Entity::update_many()
        .col_expr(C::State, Expr::value("revoked"))
        .col_expr(C::RevokedAt, Expr::value(Some(now)))
        .col_expr(C::RevokedBy, Expr::value(Some(by.to_string())))
        .filter(C::OrderId.is_in(orders))
        .filter(C::State.eq("unused"))
        .exec(c)
        .await?
        .rows_affected)
}
