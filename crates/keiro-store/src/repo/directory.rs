//! The provider directory (`provider_directory_entries`, `provider_directory_countries`): one entry
//! per provider.

use super::*;
use directory_entry::Column as C;

pub async fn get_for_provider(
    c: &impl ConnectionTrait,
    provider: &str,
) -> Result<Option<directory_entry::Model>, StoreError> {
    unique(
        c,
        directory_entry::Entity::find().filter(C::ProviderOrgId.eq(provider)),
    )
    .await
}

pub async fn countries(
    c: &impl ConnectionTrait,
    entry_id: &str,
) -> Result<Vec<String>, StoreError> {
    Ok(directory_country::Entity::find()
        .filter(directory_country::Column::EntryId.eq(entry_id))
        .order_by_asc(directory_country::Column::Country)
        .all(c)
        .await?
        .into_iter()
        .map(|r| r.country)
        .collect())
}

async fn set_countries(
    c: &impl ConnectionTrait,
    entry_id: &str,
    countries: &[String],
) -> Result<(), StoreError> {
    directory_country::Entity::delete_many()
        .filter(directory_country::Column::EntryId.eq(entry_id))
        .exec(c)
        .await?;
    for country in countries {
        directory_country::Entity::insert(directory_country::ActiveModel {
            entry_id: Set(entry_id.to_string()),
            country: Set(country.clone()),
        })
        .exec_without_returning(c)
        .await?;
    }
    Ok(())
}

pub async fn insert(
    c: &impl ConnectionTrait,
    m: directory_entry::Model,
    countries: &[String],
) -> Result<(), StoreError> {
    let id = m.id.clone();
    super::insert(c, m).await?;
    set_countries(c, &id, countries).await
}

/// Guarded update: `Stale` unless the stored version is `m.version`.
pub async fn update(
    c: &impl ConnectionTrait,
    m: &directory_entry::Model,
    countries: &[String],
    now: Ts,
) -> Result<(), StoreError> {
    let changed = at_version(
        c,
        directory_entry::Entity::update_many()
            .col_expr(C::Regions, Expr::value(m.regions.clone()))
            .col_expr(C::Description, Expr::value(m.description.clone()))
            .col_expr(C::ContactEmail, Expr::value(m.contact_email.clone()))
            .col_expr(C::ContactPhone, Expr::value(m.contact_phone.clone()))
            .col_expr(C::Website, Expr::value(m.website.clone()))
            .col_expr(C::UpdatedBy, Expr::value(m.updated_by.clone()))
            .col_expr(C::UpdatedAt, Expr::value(now)),
        (C::Id, &m.id),
        (C::Version, m.version),
    )
    .await?;
    if !changed {
        return Err(StoreError::Stale);
    }
    set_countries(c, &m.id, countries).await
}

pub async fn delete(c: &impl ConnectionTrait, id: &str) -> Result<bool, StoreError> {
    directory_entry::Entity::delete_many()
        .filter(C::Id.eq(id))
        .changed_one(c)
        .await
}

/// Entries serving `country` (all when None), searched by provider name, paged by entry
/// id; each with its provider organization.
pub async fn search(
    c: &impl ConnectionTrait,
    country: Option<&str>,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<(directory_entry::Model, organization::Model)>, StoreError> {
    use sea_orm::sea_query::Query;
    let mut sel = directory_entry::Entity::find();
    if let Some(country) = country {
        sel = sel.filter(
            Expr::col(C::Id).in_subquery(
                Query::select()
                    .column(directory_country::Column::EntryId)
                    .from(directory_country::Entity)
                    .and_where(Expr::col(directory_country::Column::Country).eq(country))
                    .to_owned(),
            ),
        );
    }
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        use organization::Column as O;
        sel = sel.filter(
            Expr::col(C::ProviderOrgId).in_subquery(
                Query::select()
                    .column(O::Id)
                    .from(organization::Entity)
                    .cond_where(super::search(O::SearchText, q))
                    .to_owned(),
            ),
        );
    }
    let p = keyset(c, sel, C::Id, cursor, limit, Order::Asc, |r| r.id.clone()).await?;
    with_orgs(c, p, |e| &e.provider_org_id).await
}
