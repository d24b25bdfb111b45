//! The membership registry (`membership_records`): a record is claimed by one organization
//! (guarded).

use super::*;
use membership_record::Column as C;

pub async fn get(c: &impl ConnectionTrait, id: &str) -> Found<membership_record::Model> {
    row_by_id::<membership_record::Entity>(c, id).await
}

pub async fn by_partner_id(
    c: &impl ConnectionTrait,
    partner_id: &str,
) -> Result<Option<membership_record::Model>, StoreError> {
    unique(
        c,
        membership_record::Entity::find().filter(C::PartnerId.eq(partner_id)),
    )
    .await
}

/// The record an organization linked at enrollment (its membership level, R-BEN-2).
pub async fn claimed_by(
    c: &impl ConnectionTrait,
    org_id: &str,
) -> Result<Option<membership_record::Model>, StoreError> {
    unique(
        c,
        membership_record::Entity::find().filter(C::ClaimedByOrgId.eq(org_id)),
    )
    .await
}

pub async fn list(
    c: &impl ConnectionTrait,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<membership_record::Model>, StoreError> {
    let mut sel = membership_record::Entity::find();
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        sel = sel.filter(search(C::SearchText, q));
    }
    keyset(c, sel, C::Id, cursor, limit, Order::Asc, |r| r.id.clone()).await
}

/// Guarded update of the record's data (not its secret or claim).
pub async fn update(
    c: &impl ConnectionTrait,
    m: &membership_record::Model,
    now: Ts,
) -> Result<(), StoreError> {
    one_or_stale(
        membership_record::Entity::update_many()
            .col_expr(
                C::OrganizationName,
                Expr::value(m.organization_name.clone()),
            )
            .col_expr(C::Country, Expr::value(m.country.clone()))
            .col_expr(C::Level, Expr::value(m.level.clone()))
            .col_expr(C::Status, Expr::value(m.status.clone()))
            .col_expr(C::ExpiresOn, Expr::value(m.expires_on))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .incr(C::Version)
            .filter(C::Id.eq(m.id.as_str()))
            .filter(C::Version.eq(m.version))
            .changed_one(c)
            .await?,
    )?;
    reindex::<membership_record::Entity>(c, &m.id).await
}

pub async fn set_secret(
    c: &impl ConnectionTrait,
    id: &str,
    hash: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    membership_record::Entity::update_many()
        .col_expr(C::ClaimSecretHash, Expr::value(hash))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .incr(C::Version)
        .filter(C::Id.eq(id))
        .changed_one(c)
        .await
}

/// Claims the record for `org_id` unless another organization holds it (guarded write).
pub async fn claim(
    c: &impl ConnectionTrait,
    id: &str,
    org_id: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    membership_record::Entity::update_many()
        .col_expr(C::ClaimedByOrgId, Expr::value(Some(org_id.to_string())))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.eq(id))
        .filter(
            Condition::any()
                .add(C::ClaimedByOrgId.is_null())
                .add(C::ClaimedByOrgId.eq(org_id)),
        )
        .changed_one(c)
        .await
}

/// Frees a claim held by `org_id` (when an application moves to another record).
pub async fn release(c: &impl ConnectionTrait, id: &str, org_id: &str) -> Result<(), StoreError> {
    membership_record::Entity::update_many()
        .col_expr(C::ClaimedByOrgId, Expr::value(Option::<String>::None))
        .filter(C::Id.eq(id))
        .filter(C::ClaimedByOrgId.eq(org_id))
        .exec(c)
        .await?;
    Ok(())
}
