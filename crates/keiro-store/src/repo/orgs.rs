//! Organizations: `lock` takes the organization's row lock, for invariants over several rows.

use super::*;

pub async fn get(c: &impl ConnectionTrait, id: &str) -> Found<organization::Model> {
    row_by_id::<organization::Entity>(c, id).await
}

/// Several organizations in one query (for lists that name them).
pub async fn by_ids(
    c: &impl ConnectionTrait,
    ids: Vec<String>,
) -> Result<Vec<organization::Model>, StoreError> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids))
        .all(c)
        .await?)
}

/// The approved partner holding this partner ID.
pub async fn by_partner_id(
    c: &impl ConnectionTrait,
    partner_id: &str,
) -> Result<Option<organization::Model>, StoreError> {
    let sel = organization::Entity::find()
        .filter(organization::Column::PartnerId.eq(partner_id))
        .filter(organization::Column::Kind.eq("partner"));
    unique(c, sel).await
}

pub async fn find_operator(
    c: &impl ConnectionTrait,
) -> Result<Option<organization::Model>, StoreError> {
    // A deployment has one operator organization: read without a bound LIMIT (see `unique`).
    let sel = organization::Entity::find()
        .filter(organization::Column::Kind.eq("operator"))
        .order_by_asc(organization::Column::Id);
    unique(c, sel).await
}

pub async fn count(c: &impl ConnectionTrait) -> Result<u64, StoreError> {
    Ok(organization::Entity::find().count(c).await?)
}

/// Approved partners holding the indirect provider program role, by name (for the
/// operator's directory maintenance), searched by name.
pub async fn approved_providers(
    c: &impl ConnectionTrait,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<organization::Model>, StoreError> {
    use organization::Column as O;
    let mut sel = organization::Entity::find()
        .filter(O::Kind.eq("partner"))
        .filter(O::PartnerStatus.eq("approved"))
        .filter(contains_ci(O::ProgramRoles, "indirect_provider"));
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        sel = sel.filter(search(O::SearchText, q));
    }
    keyset(c, sel, O::Id, cursor, limit, Order::Asc, |r| r.id.clone()).await
}

/// Serialises changes to one organization's users for the rest of the transaction: a
/// write to the organization row takes its row lock on PostgreSQL (SQLite's single writer
/// already serialises). Used where an invariant spans rows, like "one global admin remains".
pub async fn lock(c: &impl ConnectionTrait, id: &str) -> Result<(), StoreError> {
    one_or_stale(
        organization::Entity::update_many()
            .incr(organization::Column::Version)
            .filter(organization::Column::Id.eq(id))
            .changed_one(c)
            .await?,
    )
}

/// A partner's standing in the program: its status (enrolling, approved, rejected) and, on
/// approval, its partner ID and program roles. `Duplicate` if another organization holds
/// the partner ID.
pub async fn set_partner_standing(
    c: &impl ConnectionTrait,
    id: &str,
    status: &str,
    partner_id: Option<&str>,
    program_roles: Option<&str>,
    now: Ts,
) -> Result<(), StoreError> {
    use organization::Column as C;
    let mut q = organization::Entity::update_many()
        .col_expr(C::PartnerStatus, Expr::value(Some(status.to_string())))
        .col_expr(C::UpdatedAt, Expr::value(now));
    if let Some(p) = partner_id {
        q = q.col_expr(C::PartnerId, Expr::value(Some(p.to_string())));
    }
    if let Some(r) = program_roles {
        q = q.col_expr(C::ProgramRoles, Expr::value(r));
    }
    q.filter(C::Id.eq(id)).exec(c).await?;
    reindex::<organization::Entity>(c, id).await
}

/// Guarded profile update: applies only at `version`.
pub async fn update_profile(
    c: &impl ConnectionTrait,
    id: &str,
    version: i64,
    p: &keiro_domain::CompanyProfile,
    now: Ts,
) -> Result<(), StoreError> {
    use organization::Column as C;
    let changed = at_version(
        c,
        organization::Entity::update_many()
            .col_expr(C::LegalName, Expr::value(p.legal_name.clone()))
            .col_expr(C::AddressLine1, Expr::value(p.address_line1.clone()))
            .col_expr(C::AddressLine2, Expr::value(p.address_line2.clone()))
            .col_expr(C::City, Expr::value(p.city.clone()))
            .col_expr(C::Region, Expr::value(p.region.clone()))
            .col_expr(C::PostalCode, Expr::value(p.postal_code.clone()))
            .col_expr(C::Country, Expr::value(p.country.clone()))
            .col_expr(C::Phone, Expr::value(p.phone.clone()))
            .col_expr(C::Email, Expr::value(p.email.clone()))
            .col_expr(C::Website, Expr::value(p.website.clone()))
            .col_expr(C::PrimaryDomain, Expr::value(p.primary_domain.clone()))
            .col_expr(C::UpdatedAt, Expr::value(now)),
        (C::Id, id),
        (C::Version, version),
    )
    .await?;
    one_or_stale(changed)?;
    reindex::<organization::Entity>(c, id).await
}

/// The names of these organizations: (id, legal name), in no particular order.
pub async fn names(
    c: &impl ConnectionTrait,
    ids: &[String],
) -> Result<Vec<(String, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .column(organization::Column::LegalName)
        .filter(organization::Column::Id.is_in(ids.iter().cloned()))
        .into_tuple::<(String, String)>()
        .all(c)
        .await?)
}

/// SQLite: one bounded step of merging the organizations' full-text index (`org_search`) into a
/// single segment, writing about `pages` pages; whether there was anything to merge. Every
/// committed write adds a small segment and FTS5 merges them only by level, so a busy index
/// keeps a dozen segments that each search reads. PostgreSQL: nothing to do (autovacuum
/// flushes the trigram index's short pending list), always `false`.
///
/// `tx` is a transaction so that both readings of `total_changes()` come from its connection.
pub async fn merge_search_index(
    tx: &sea_orm::DatabaseTransaction,
    pages: u32,
) -> Result<bool, StoreError> {
    if tx.get_database_backend() != sea_orm::DbBackend::Sqlite {
        return Ok(false);
    }
    let changes = || async {
        let row = tx
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "SELECT total_changes() AS n",
            ))
            .await?;
        match row {
            Some(r) => Ok::<i64, StoreError>(r.try_get("", "n")?),
            None => Ok(0),
        }
    };
    let before = changes().await?;
    tx.execute_raw(sea_orm::Statement::from_sql_and_values(
        sea_orm::DbBackend::Sqlite,
        "INSERT INTO org_search (org_search, rank) VALUES ('merge', ?)",
        [(-i64::from(Ord::max(pages, 1))).into()],
    ))
    .await?;
    // FTS5: fewer than two changes means the step found nothing to merge.
    Ok(changes().await? - before >= 2)
}
