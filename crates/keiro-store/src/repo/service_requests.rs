//! Service requests and their notes, read only within the customer they concern.

use super::*;
use service_request::Column as C;

pub async fn get_in_customer(
    c: &impl ConnectionTrait,
    customer: &str,
    id: &str,
) -> Result<Option<service_request::Model>, StoreError> {
    row_in::<service_request::Entity>(c, id, (C::CustomerOrgId, customer)).await
}

/// A customer's requests, newest first; with `about`, only those about these subscriptions.
pub async fn list(
    c: &impl ConnectionTrait,
    customer: &str,
    about: Option<&[String]>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<service_request::Model>, StoreError> {
    let mut sel = service_request::Entity::find().filter(C::CustomerOrgId.eq(customer));
    if let Some(subs) = about {
        sel = sel.filter(C::SubscriptionId.is_in(subs.to_vec()));
    }
    keyset(c, sel, C::Id, cursor, limit, Order::Desc, |r| r.id.clone()).await
}

/// Guarded status change: `Stale` unless the row is still at `version` and `from`.
pub async fn set_status(
    c: &impl ConnectionTrait,
    id: &str,
    version: i64,
    from: &str,
    to: &str,
    now: Ts,
) -> Result<(), StoreError> {
    one_or_stale(
        service_request::Entity::update_many()
            .col_expr(C::Status, Expr::value(to))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .incr(C::Version)
            .filter(C::Id.eq(id))
            .filter(C::Version.eq(version))
            .filter(C::Status.eq(from))
            .changed_one(c)
            .await?,
    )
}

pub async fn touch(c: &impl ConnectionTrait, id: &str, now: Ts) -> Result<(), StoreError> {
    service_request::Entity::update_many()
        .col_expr(C::UpdatedAt, Expr::value(now))
        .incr(C::Version)
        .filter(C::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

pub async fn insert_note(
    c: &impl ConnectionTrait,
    m: service_request_note::Model,
) -> Result<(), StoreError> {
    super::insert(c, m).await?;
    Ok(())
}

pub async fn notes(
    c: &impl ConnectionTrait,
    request: &str,
) -> Result<Vec<service_request_note::Model>, StoreError> {
    Ok(service_request_note::Entity::find()
        .filter(service_request_note::Column::RequestId.eq(request))
        .order_by_asc(service_request_note::Column::Id)
        .all(c)
        .await?)
}
