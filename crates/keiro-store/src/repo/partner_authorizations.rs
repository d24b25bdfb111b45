//! Program authorizations of approved partners (`organizations.authorizations`), kept by
//! operator staff: the list they work from and the guarded write that changes one partner's.

use super::*;
use organization::Column as O;

/// Approved partners by id, searched by name or partner ID, optionally only those holding the
/// authorization `holding` (its code).
pub async fn list(
    c: &impl ConnectionTrait,
    q: Option<&str>,
    holding: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<organization::Model>, StoreError> {
    let mut sel = organization::Entity::find()
        .filter(O::Kind.eq("partner"))
        .filter(O::PartnerStatus.eq("approved"));
    if let Some(a) = holding {
        sel = sel.filter(contains_ci(O::Authorizations, a));
    }
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        sel = sel.filter(search(O::SearchText, q));
    }
    keyset(c, sel, O::Id, cursor, limit, Order::Asc, |r| r.id.clone()).await
}

/// Replaces a partner's authorizations (`stored`: comma-separated codes) if its row is still
/// at `version`; `Stale` otherwise.
pub async fn set(
    c: &impl ConnectionTrait,
    id: &str,
    version: i64,
    stored: &str,
    now: Ts,
) -> Result<(), StoreError> {
    one_or_stale(
        at_version(
            c,
            organization::Entity::update_many()
                .col_expr(O::Authorizations, Expr::value(stored))
                .col_expr(O::UpdatedAt, Expr::value(now)),
            (O::Id, id),
            (O::Version, version),
        )
        .await?,
    )
}
