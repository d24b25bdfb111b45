//! Who holds which unit of an allocation (ADR 0011 part 2): Azure credits and Visual Studio
//! subscriptions assigned to users, and the partner's marketing contact. Callers hold the
//! partner's row lock while they choose a slot; the partial unique indexes (one active holder
//! per slot, one active slot per user and allocation) stop a second node besides, and `end`
//! ends an assignment for exactly one caller.

use super::*;
use benefit_assignment::Column as G;
use benefit_marketing_contact::Column as C;

pub async fn insert(
    c: &impl ConnectionTrait,
    a: benefit_assignment::Model,
) -> Result<(), StoreError> {
    super::insert(c, a).await
}

pub async fn in_org(
    c: &impl ConnectionTrait,
    org_id: &str,
    id: &str,
) -> Found<benefit_assignment::Model> {
    row_in::<benefit_assignment::Entity>(c, id, (G::OrgId, org_id)).await
}

/// The active assignments of these allocations, by slot.
pub async fn active_of(
    c: &impl ConnectionTrait,
    allocation_ids: Vec<String>,
) -> Result<Vec<benefit_assignment::Model>, StoreError> {
    Ok(benefit_assignment::Entity::find()
        .filter(G::AllocationId.is_in(allocation_ids))
        .filter(is_code(G::State, "active"))
        .order_by_asc(G::Slot)
        .all(c)
        .await?)
}

/// The active assignments a user of the partner holds, of any allocation.
pub async fn held_by(
    c: &impl ConnectionTrait,
    org_id: &str,
    user_id: &str,
) -> Result<Vec<benefit_assignment::Model>, StoreError> {
    Ok(benefit_assignment::Entity::find()
        .filter(G::OrgId.eq(org_id))
        .filter(G::UserId.eq(user_id))
        .filter(is_code(G::State, "active"))
        .all(c)
        .await?)
}

/// The partner's assignments, newest first, of one allocation, user and state if given.
pub async fn list(
    c: &impl ConnectionTrait,
    org_id: &str,
    allocation_id: Option<&str>,
    user_id: Option<&str>,
    state: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<benefit_assignment::Model>, StoreError> {
    let mut sel = benefit_assignment::Entity::find().filter(G::OrgId.eq(org_id));
    if let Some(a) = allocation_id {
        sel = sel.filter(G::AllocationId.eq(a));
    }
    if let Some(u) = user_id {
        sel = sel.filter(G::UserId.eq(u));
    }
    if let Some(s) = state {
        sel = sel.filter(G::State.eq(s));
    }
    keyset(c, sel, G::Id, cursor, limit, Order::Desc, |r| r.id.clone()).await
}

/// Ends an active assignment (removed, reassigned or transferred): true for the one caller
/// that ended it.
pub async fn end(
    c: &impl ConnectionTrait,
    id: &str,
    reason: &str,
    by: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    benefit_assignment::Entity::update_many()
        .col_expr(G::State, Expr::value("ended"))
        .col_expr(G::EndReason, Expr::value(Some(reason.to_string())))
        .col_expr(G::EndedBy, Expr::value(Some(by.to_string())))
        .col_expr(G::EndedAt, Expr::value(Some(now)))
        .incr(G::Version)
        .filter(G::Id.eq(id))
        .filter(is_code(G::State, "active"))
        .changed_one(c)
        .await
}

// ---- The marketing contact ---------------------------------------------------------------

pub async fn contact_of(
    c: &impl ConnectionTrait,
    org_id: &str,
) -> Found<benefit_marketing_contact::Model> {
    unique(
        c,
        benefit_marketing_contact::Entity::find().filter(C::OrgId.eq(org_id)),
    )
    .await
}

/// Inserts the partner's first contact (a second insert at once fails on the unique index).
pub async fn insert_contact(
    c: &impl ConnectionTrait,
    m: benefit_marketing_contact::Model,
) -> Result<(), StoreError> {
    super::insert(c, m).await
}

/// Replaces the contact, guarded on the version it was read at.
pub async fn update_contact(
    c: &impl ConnectionTrait,
    m: &benefit_marketing_contact::Model,
    version: i64,
) -> Result<(), StoreError> {
    let upd = benefit_marketing_contact::Entity::update_many()
        .col_expr(C::UserId, Expr::value(m.user_id.clone()))
        .col_expr(C::Email, Expr::value(m.email.clone()))
        .col_expr(C::Phone, Expr::value(m.phone.clone()))
        .col_expr(C::Language, Expr::value(m.language.clone()))
        .col_expr(C::UpdatedBy, Expr::value(m.updated_by.clone()))
        .col_expr(C::UpdatedAt, Expr::value(m.updated_at));
    one_or_stale(at_version(c, upd, (C::Id, &m.id), (C::Version, version)).await?)
}
