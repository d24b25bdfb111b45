//! Customer relationships: one active per partner and customer; the Customers page as one keyset
//! query; shared customers.

use super::*;
use customer_relationship::Column as C;

fn customers_of(partner: &str) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(C::CustomerOrgId)
        .from(customer_relationship::Entity)
        .and_where(Expr::col(C::PartnerOrgId).eq(partner))
        .and_where(is_code(C::State, "active"))
        .to_owned()
}

pub async fn active_between(
    c: &impl ConnectionTrait,
    partner: &str,
    customer: &str,
) -> Result<Option<customer_relationship::Model>, StoreError> {
    unique(
        c,
        customer_relationship::Entity::find()
            .filter(C::PartnerOrgId.eq(partner))
            .filter(C::CustomerOrgId.eq(customer))
            .filter(is_code((customer_relationship::Entity, C::State), "active")),
    )
    .await
}

/// The customer organization `customer`, only if `partner` has an active relationship with it:
/// the relationship's check and the customer's row in one statement (an order needs both).
pub async fn related_customer(
    c: &impl ConnectionTrait,
    partner: &str,
    customer: &str,
) -> Found<organization::Model> {
    let related = sea_orm::sea_query::Query::select()
        .column(C::CustomerOrgId)
        .from(customer_relationship::Entity)
        .and_where(Expr::col(C::PartnerOrgId).eq(partner))
        .and_where(Expr::col(C::CustomerOrgId).eq(customer))
        .and_where(is_code(C::State, "active"))
        .to_owned();
    let sel = organization::Entity::find_by_id(customer.to_string())
        .filter(organization::Column::Kind.eq("customer"))
        .filter(organization::Column::Id.in_subquery(related));
    unique(c, sel).await
}

/// Ends an active relationship; false if there was none.
pub async fn end(
    c: &impl ConnectionTrait,
    partner: &str,
    customer: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    customer_relationship::Entity::update_many()
        .col_expr(C::State, Expr::value("ended"))
        .col_expr(C::EndedAt, Expr::value(Some(now)))
        .filter(C::PartnerOrgId.eq(partner))
        .filter(C::CustomerOrgId.eq(customer))
        .filter(is_code((customer_relationship::Entity, C::State), "active"))
        .changed_one(c)
        .await
}

/// How a partner's Customers page is ordered (R-REL-10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Oldest relationship first (relationship ids are UUIDv7: creation order).
    #[default]
    Since,
    /// Newest relationship first.
    SinceDesc,
    /// By legal name, then id.
    Name,
}

/// Which of a partner's customers to show.
#[derive(Debug, Clone, Default)]
pub struct CustomerQuery<'a> {
    pub q: Option<&'a str>,
    pub sort: Sort,
    /// Only customers this other partner (a partnered reseller) also has.
    pub shared_with: Option<&'a str>,
    /// Some(true): only customers over which the partner holds delegated admin; Some(false):
    /// only those without.
    pub delegated_admin: Option<bool>,
    pub cursor: Option<&'a str>,
    pub limit: u64,
}

/// A partner's customers (active relationships), keyset-paged in the chosen order, searched
/// by name or domain (case-insensitive substring on both backends) and filtered. Driven from
/// the partner's relationship rows joined to organizations, so the first and the deepest
/// pages cost the same; each row comes with its relationship.
pub async fn customers(
    c: &impl ConnectionTrait,
    partner: &str,
    f: &CustomerQuery<'_>,
) -> Result<Page<(organization::Model, customer_relationship::Model, bool)>, StoreError> {
    use organization::Column as O;
    use sea_orm::sea_query::{Alias, Query};
    let r = Alias::new("r");
    let o = Alias::new("o");
    // Does the partner hold live delegated admin over the row's customer? `LIMIT 1` keeps the
    // subquery correlated: without it the bundled SQLite turns EXISTS into a join and builds a
    // bloom filter over every right of the partner first (26 ms at a million customers, where
    // one indexed probe per row costs 1 ms). The grantee is the row's own partner, so the SQL
    // binds nothing and reads the same on both backends.
    let live = || {
        Expr::cust(
            "EXISTS (SELECT 1 FROM delegated_rights d WHERE d.owner_org_id = r.customer_org_id \
             AND d.grantee_org_id = r.partner_org_id AND d.kind = 'dap' \
             AND d.revoked_at IS NULL LIMIT 1)",
        )
    };
    let mut q = Query::select();
    q.expr_as(Expr::col((r.clone(), C::Id)), Alias::new("rel_id"))
        .expr_as(
            Expr::col((r.clone(), C::CreatedAt)),
            Alias::new("rel_created_at"),
        )
        .column((o.clone(), sea_orm::sea_query::Asterisk));
    let on = Expr::col((o.clone(), O::Id)).equals((r.clone(), C::CustomerOrgId));
    if f.sort == Sort::Name {
        // Walk customers in name order (ix_orgs_name) and look each relationship up by its
        // unique index: the first and deep pages stay cheap. SQLite keeps the left table of
        // a CROSS JOIN as the outer loop; PostgreSQL's planner chooses by itself.
        let jt = if c.get_database_backend() == sea_orm::DbBackend::Sqlite {
            sea_orm::sea_query::JoinType::CrossJoin
        } else {
            sea_orm::sea_query::JoinType::InnerJoin
        };
        // A CROSS JOIN carries no ON clause: the join condition goes into WHERE.
        q.from_as(organization::Entity, o.clone())
            .join_as(jt, customer_relationship::Entity, r.clone(), on.clone())
            .and_where(on);
    } else {
        q.from_as(customer_relationship::Entity, r.clone()).join_as(
            sea_orm::sea_query::JoinType::InnerJoin,
            organization::Entity,
            o.clone(),
            on,
        );
    }
    q.and_where(Expr::col((r.clone(), C::PartnerOrgId)).eq(partner))
        .and_where(is_code((r.clone(), C::State), "active"));
    // Searched in its search form (NFKC, lower case), as the rows' search text is kept.
    let text =
        f.q.map(str::trim)
            .filter(|t| !t.is_empty())
            .map(keiro_domain::text::search_form);
    // Three characters or more go through a trigram index: SQLite's FTS5 table (a phrase
    // query is a literal substring match), PostgreSQL's pg_trgm index under LIKE. Shorter ones
    // walk the relationships' covering index (below).
    let short = text.as_deref().is_some_and(|t| t.chars().count() < 3);
    let fts = text
        .as_deref()
        .filter(|_| !short && c.get_database_backend() == sea_orm::DbBackend::Sqlite);
    if let Some(t) = fts {
        let phrase = format!("\"{}\"", t.replace('"', "\"\""));
        q.and_where(
            Expr::col((r.clone(), C::CustomerOrgId)).in_subquery(
                Query::select()
                    .column(Alias::new("org_id"))
                    .from(Alias::new("org_search"))
                    .and_where(Expr::cust_with_values("org_search MATCH ?", [phrase]))
                    .to_owned(),
            ),
        );
    } else if let Some(text) = &text {
        // Fewer than three characters: no trigram index serves it, so the partner's
        // relationships are walked in page order on their covering index, which carries each
        // customer's search text (m0014), until the page is full.
        if short {
            q.cond_where(search((r.clone(), Alias::new("search_text")), text));
        } else {
            q.cond_where(search((o.clone(), O::SearchText), text));
        }
    }
    if let Some(other) = f.shared_with {
        q.and_where(Expr::col((r.clone(), C::CustomerOrgId)).in_subquery(customers_of(other)));
    }
    if let Some(dap) = f.delegated_admin {
        q.and_where(if dap { live() } else { live().not() });
    }
    match f.sort {
        Sort::Since => {
            if let Some(cur) = f.cursor {
                q.and_where(Expr::col((r.clone(), C::Id)).gt(cur));
            }
            q.order_by((r.clone(), C::Id), sea_orm::Order::Asc);
        }
        Sort::SinceDesc => {
            if let Some(cur) = f.cursor {
                q.and_where(Expr::col((r.clone(), C::Id)).lt(cur));
            }
            q.order_by((r.clone(), C::Id), sea_orm::Order::Desc);
        }
        Sort::Name => {
            // The cursor is "name<TAB>id" of the last row: rows after it in (name, id) order.
            // A row-value comparison: both backends turn it into one index range.
            if let Some((name, id)) = f.cursor.and_then(|c| c.split_once('\t')) {
                q.and_where(
                    Expr::tuple([
                        Expr::col((o.clone(), O::LegalName)),
                        Expr::col((o.clone(), O::Id)),
                    ])
                    .gt(Expr::tuple([Expr::val(name), Expr::val(id)])),
                );
            }
            q.order_by((o.clone(), O::LegalName), sea_orm::Order::Asc)
                .order_by((o.clone(), O::Id), sea_orm::Order::Asc);
        }
    }
    let rows = c
        .query_all_raw(limited(c.get_database_backend().build(&q), f.limit + 1))
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let org = <organization::Model as sea_orm::FromQueryResult>::from_query_result(&row, "")?;
        let rel = customer_relationship::Model {
            id: row.try_get("", "rel_id")?,
            partner_org_id: partner.to_string(),
            customer_org_id: org.id.clone(),
            state: "active".into(),
            created_at: row.try_get("", "rel_created_at")?,
            ended_at: None,
        };
        // Filtered on delegated admin, the filter has already said which it is.
        items.push((org, rel, f.delegated_admin.unwrap_or(false)));
    }
    // Otherwise one indexed lookup for the page (a correlated EXISTS in the select list makes
    // PostgreSQL hash every right first).
    if !items.is_empty() && f.delegated_admin.is_none() {
        let ids: Vec<String> = items.iter().map(|(o, _, _)| o.id.clone()).collect();
        let with_dap: Vec<String> = delegated_right::Entity::find()
            .filter(delegated_right::Column::GranteeOrgId.eq(partner))
            .filter(delegated_right::Column::Kind.eq("dap"))
            .filter(delegated_right::Column::RevokedAt.is_null())
            .filter(delegated_right::Column::OwnerOrgId.is_in(ids))
            .all(c)
            .await?
            .into_iter()
            .map(|d| d.owner_org_id)
            .collect();
        for (o, _, dap) in items.iter_mut() {
            *dap = with_dap.contains(&o.id);
        }
    }
    let sort = f.sort;
    Ok(page(items, f.limit, |(o, r, _)| match sort {
        Sort::Name => format!("{}\t{}", o.legal_name, o.id),
        Sort::Since | Sort::SinceDesc => r.id.clone(),
    }))
}

/// A customer's partners (active relationships), oldest relationship first.
pub async fn partners(
    c: &impl ConnectionTrait,
    customer: &str,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<(customer_relationship::Model, organization::Model)>, StoreError> {
    let sel = customer_relationship::Entity::find()
        .filter(C::CustomerOrgId.eq(customer))
        .filter(is_code((customer_relationship::Entity, C::State), "active"));
    let p = keyset(c, sel, C::Id, cursor, limit, Order::Asc, |r| r.id.clone()).await?;
    with_orgs(c, p, |r| &r.partner_org_id).await
}

/// Customers with an active relationship to both `a` and `b` (R-PRT-3): what a provider and
/// its reseller share, and nothing either has alone (R-PRT-5). Paged by customer id, searched
/// by name or domain.
pub async fn shared_customers(
    c: &impl ConnectionTrait,
    a: &str,
    b: &str,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<organization::Model>, StoreError> {
    use organization::Column as O;
    let mut sel = organization::Entity::find()
        .filter(O::Kind.eq("customer"))
        .filter(Expr::col(O::Id).in_subquery(customers_of(a)))
        .filter(Expr::col(O::Id).in_subquery(customers_of(b)));
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        sel = sel.filter(search(O::SearchText, q));
    }
    keyset(c, sel, O::Id, cursor, limit, Order::Asc, |r| r.id.clone()).await
}
