//! GDAP relationships and their access assignments: transitions guarded on the state;
//! `live_assignments` grants nothing past `ends_at`.

use super::*;
use gdap_relationship::Column as C;

pub async fn get(c: &impl ConnectionTrait, id: &str) -> Found<gdap_relationship::Model> {
    row_by_id::<gdap_relationship::Entity>(c, id).await
}

/// A partner's relationships, or a customer's (by `customer`), newest first.
pub async fn list(
    c: &impl ConnectionTrait,
    partner: Option<&str>,
    customer: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<gdap_relationship::Model>, StoreError> {
    let mut sel = gdap_relationship::Entity::find();
    if let Some(p) = partner {
        sel = sel.filter(C::PartnerOrgId.eq(p));
    }
    if let Some(cu) = customer {
        sel = sel.filter(C::CustomerOrgId.eq(cu));
    }
    keyset(c, sel, C::Id, cursor, limit, Order::Desc, |r| r.id.clone()).await
}

/// created → approval pending (or stays pending); false in any other state.
pub async fn set_pending(
    c: &impl ConnectionTrait,
    id: &str,
    partner: &str,
) -> Result<bool, StoreError> {
    gdap_relationship::Entity::update_many()
        .col_expr(C::State, Expr::value("approval_pending"))
        .filter(C::Id.eq(id))
        .filter(C::PartnerOrgId.eq(partner))
        .filter(C::State.is_in(["created", "approval_pending"]))
        .changed_one(c)
        .await
}

/// approval pending → active for `customer` from `starts` to `ends`; guarded so one approval
/// wins, and only by the named customer when one was named.
pub async fn approve(
    c: &impl ConnectionTrait,
    id: &str,
    customer: &str,
    by: &str,
    starts: Ts,
    ends: Ts,
) -> Result<bool, StoreError> {
    gdap_relationship::Entity::update_many()
        .col_expr(C::State, Expr::value("active"))
        .col_expr(C::CustomerOrgId, Expr::value(Some(customer.to_string())))
        .col_expr(C::ApprovedBy, Expr::value(Some(by.to_string())))
        .col_expr(C::StartsAt, Expr::value(Some(starts)))
        .col_expr(C::EndsAt, Expr::value(Some(ends)))
        .filter(C::Id.eq(id))
        .filter(C::State.eq("approval_pending"))
        .filter(
            Condition::any()
                .add(C::CustomerOrgId.is_null())
                .add(C::CustomerOrgId.eq(customer)),
        )
        .changed_one(c)
        .await
}

/// Terminates a relationship that is not over yet.
pub async fn terminate(
    c: &impl ConnectionTrait,
    id: &str,
    by_org: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    gdap_relationship::Entity::update_many()
        .col_expr(C::State, Expr::value("terminated"))
        .col_expr(C::TerminatedAt, Expr::value(Some(now)))
        .col_expr(C::TerminatedByOrg, Expr::value(Some(by_org.to_string())))
        .filter(C::Id.eq(id))
        .filter(C::State.is_in(["created", "approval_pending", "active", "expiring"]))
        .changed_one(c)
        .await
}

/// Moves a relationship from `from` to `to` (scheduled transitions); false if it moved on.
pub async fn transition(
    c: &impl ConnectionTrait,
    id: &str,
    from: &str,
    to: &str,
) -> Result<bool, StoreError> {
    gdap_relationship::Entity::update_many()
        .col_expr(C::State, Expr::value(to))
        .filter(C::Id.eq(id))
        .filter(C::State.eq(from))
        .changed_one(c)
        .await
}

/// Auto-extension: a new end, guarded by the old one (one node extends once).
pub async fn extend(
    c: &impl ConnectionTrait,
    id: &str,
    old_end: Ts,
    new_end: Ts,
) -> Result<bool, StoreError> {
    gdap_relationship::Entity::update_many()
        .col_expr(C::EndsAt, Expr::value(Some(new_end)))
        .col_expr(C::State, Expr::value("active"))
        .filter(C::Id.eq(id))
        .filter(C::EndsAt.eq(old_end))
        .filter(C::State.is_in(["active", "expiring"]))
        .changed_one(c)
        .await
}

/// Granting relationships whose end is before `until`: what the scheduled job looks at.
pub async fn due(
    c: &impl ConnectionTrait,
    until: Ts,
    limit: u64,
) -> Result<Vec<gdap_relationship::Model>, StoreError> {
    let sel = gdap_relationship::Entity::find()
        .filter(C::State.is_in(["active", "expiring"]))
        .filter(C::EndsAt.lte(until))
        .order_by_asc(C::EndsAt);
    first_n(c, sel, limit).await
}

/// The live access assignments `customer` gave `partner` through GDAP at `now`: the
/// relationship is active or expiring and not past its end (so an expired relationship
/// grants nothing at the moment it expires, before any job runs).
pub async fn live_assignments(
    c: &impl ConnectionTrait,
    customer: &str,
    partner: &str,
    now: Ts,
) -> Result<Vec<gdap_assignment::Model>, StoreError> {
    use sea_orm::sea_query::Query;
    let live = Query::select()
        .column(C::Id)
        .from(gdap_relationship::Entity)
        .and_where(Expr::col(C::CustomerOrgId).eq(customer))
        .and_where(Expr::col(C::PartnerOrgId).eq(partner))
        .and_where(Expr::col(C::State).is_in(["active", "expiring"]))
        .and_where(Expr::col(C::EndsAt).gt(now))
        .to_owned();
    Ok(gdap_assignment::Entity::find()
        .filter(Expr::col(gdap_assignment::Column::GdapId).in_subquery(live))
        .filter(gdap_assignment::Column::RemovedAt.is_null())
        .all(c)
        .await?)
}

pub async fn insert_assignment(
    c: &impl ConnectionTrait,
    m: gdap_assignment::Model,
) -> Result<(), StoreError> {
    super::insert(c, m).await?;
    Ok(())
}

/// A relationship's live assignments, oldest first, `limit` after the cursor `after`.
pub async fn assignments(
    c: &impl ConnectionTrait,
    gdap_id: &str,
    after: Option<&str>,
    limit: u64,
) -> Result<Page<gdap_assignment::Model>, StoreError> {
    use gdap_assignment::Column as A;
    let sel = gdap_assignment::Entity::find()
        .filter(A::GdapId.eq(gdap_id))
        .filter(A::RemovedAt.is_null());
    keyset(c, sel, A::Id, after, limit, Order::Asc, |m| m.id.clone()).await
}

pub async fn remove_assignment(
    c: &impl ConnectionTrait,
    gdap_id: &str,
    id: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    gdap_assignment::Entity::update_many()
        .col_expr(gdap_assignment::Column::RemovedAt, Expr::value(Some(now)))
        .filter(gdap_assignment::Column::Id.eq(id))
        .filter(gdap_assignment::Column::GdapId.eq(gdap_id))
        .filter(gdap_assignment::Column::RemovedAt.is_null())
        .changed_one(c)
        .await
}
