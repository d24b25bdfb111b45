//! Repository functions. Every function that reads tenant data takes the organization it is
//! scoped to; state changes are guarded writes that check the number of rows they changed.

use crate::StoreError;
use crate::entities::*;
use sea_orm::Order;
use sea_orm::prelude::*;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, Condition, ConnectionTrait, IntoActiveModel, QueryOrder, QuerySelect,
};
use time::OffsetDateTime;

pub type Ts = OffsetDateTime;

/// A row looked up by its key, or `None`.
pub type Found<M> = Result<Option<M>, StoreError>;

/// A page of rows plus the cursor of the next page. Cursors are the last row's id: ids are
/// UUIDv7, so id order is creation order and a keyset query on the primary key stays fast.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

fn page<T>(mut rows: Vec<T>, limit: u64, id_of: impl Fn(&T) -> String) -> Page<T> {
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(&id_of)
    } else {
        None
    };
    Page {
        items: rows,
        next_cursor,
    }
}

/// Inserts one row as it is (no RETURNING: the same statement on both backends). Tables whose
/// rows need more than that (a user's roles, an offer's countries) have their own `insert`.
pub async fn insert<M, A>(c: &impl ConnectionTrait, m: M) -> Result<(), StoreError>
where
    M: ModelTrait + IntoActiveModel<A>,
    A: ActiveModelTrait<Entity = M::Entity> + sea_orm::ActiveModelBehavior + Send,
{
    // The entity's own `before_save` runs first (a searched table fills its search text).
    let am = A::before_save(m.into_active_model(), c, true).await?;
    M::Entity::insert(am).exec_without_returning(c).await?;
    Ok(())
}

/// The values a `group_concat` / `string_agg(…, ',')` column joined (codes and ids, which never
/// hold a comma), sorted; none for NULL.
pub(crate) fn aggregated(joined: Option<&str>) -> Vec<String> {
    let mut v: Vec<String> = joined
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    v.sort_unstable();
    v
}

/// Inserts these rows of one table in one statement (nothing for none).
pub async fn insert_all<M, A>(c: &impl ConnectionTrait, rows: Vec<M>) -> Result<(), StoreError>
where
    M: ModelTrait + IntoActiveModel<A>,
    A: ActiveModelTrait<Entity = M::Entity> + sea_orm::ActiveModelBehavior + Send,
{
    let mut ams = Vec::with_capacity(rows.len());
    for m in rows {
        ams.push(A::before_save(m.into_active_model(), c, true).await?);
    }
    if !ams.is_empty() {
        M::Entity::insert_many(ams)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

/// Rewrites the search text of row `id` of a searched table from its fields, after an update
/// that changed one of them (the search form is made here, not in SQL: SQLite has no NFKC).
async fn reindex<E>(c: &impl ConnectionTrait, id: &str) -> Result<(), StoreError>
where
    E: Searched,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<String>,
{
    if let Some(m) = row_by_id::<E>(c, id).await? {
        E::update_many()
            .col_expr(E::search_col(), Expr::value(E::fresh(&m)))
            .filter(E::id_col().eq(id))
            .exec(c)
            .await?;
    }
    Ok(())
}

/// The rows whose search text contains the search form of `q` (NFKC, lower case; `%`, `_`
/// and `\\` taken literally): one comparison on both backends, over one indexed column.
fn search(col: impl sea_orm::sea_query::IntoColumnRef, q: &str) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::LikeExpr;
    Expr::col(col).like(
        LikeExpr::new(format!(
            "%{}%",
            like_escaped(&keiro_domain::text::search_form(q))
        ))
        .escape('\\'),
    )
}

fn like_escaped(q: &str) -> String {
    q.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The row a filter on a unique key selects, read without `LIMIT`: sea-orm's `.one()` binds
/// the limit as a parameter, and SQLite re-prepares a statement with a bound `LIMIT` on every
/// execution (42 % of an authenticated request's instructions; issue 15).
async fn unique<E: EntityTrait>(
    c: &impl ConnectionTrait,
    sel: sea_orm::Select<E>,
) -> Result<Option<E::Model>, StoreError> {
    Ok(sel.all(c).await?.into_iter().next())
}

/// `col = 'code'`, with the code written into the SQL text rather than bound, for a state that
/// a partial index's WHERE names (`state = 'active'`). SQLite decides from a bound value whether
/// such an index applies, and then re-prepares the statement on every execution: two of those
/// were a quarter of the Customers page (issue 15). `code` is a constant of the code, never
/// input.
fn is_code(
    col: impl sea_orm::sea_query::IntoColumnRef,
    code: &'static str,
) -> sea_orm::sea_query::SimpleExpr {
    assert!(
        code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
        "a state code, not {code:?}"
    );
    Expr::col(col).eq(Expr::cust(format!("'{code}'")))
}

/// The first `n` rows of `sel` (which ends with its ORDER BY), with `LIMIT n` written into the
/// SQL text instead of bound: SQLite re-prepares a statement with a bound LIMIT on every
/// execution (see `unique`), and a list's limit takes few values, so each stays prepared.
async fn first_n<E: EntityTrait>(
    c: &impl ConnectionTrait,
    sel: sea_orm::Select<E>,
    n: u64,
) -> Result<Vec<E::Model>, StoreError> {
    let stmt = limited(
        sea_orm::QueryTrait::build(&sel, c.get_database_backend()),
        n,
    );
    Ok(E::find().from_raw_sql(stmt).all(c).await?)
}

/// `stmt` (ending with its ORDER BY) limited to `n` rows, the number written into the text.
fn limited(mut stmt: sea_orm::Statement, n: u64) -> sea_orm::Statement {
    stmt.sql = format!("{} LIMIT {n}", stmt.sql);
    stmt
}

/// The row with this id, if there is one.
async fn row_by_id<E>(c: &impl ConnectionTrait, id: &str) -> Result<Option<E::Model>, StoreError>
where
    E: EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<String>,
{
    unique(c, E::find_by_id(id.to_string())).await
}

/// The row with this id, only if its `col` is `owner` (a tenant-scoped read: another
/// organization's row is `None`, as if it did not exist).
async fn row_in<E>(
    c: &impl ConnectionTrait,
    id: &str,
    (col, owner): (E::Column, &str),
) -> Result<Option<E::Model>, StoreError>
where
    E: EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<String>,
{
    unique(c, E::find_by_id(id.to_string()).filter(col.eq(owner))).await
}

/// One keyset page of `sel` after `cursor`: oldest first, or newest first, on the id column
/// (ids are UUIDv7, so id order is creation order). Reads `limit + 1` rows to know whether
/// another page follows.
async fn keyset<E: EntityTrait>(
    c: &impl ConnectionTrait,
    sel: sea_orm::Select<E>,
    id: E::Column,
    cursor: Option<&str>,
    limit: u64,
    order: Order,
    id_of: impl Fn(&E::Model) -> String,
) -> Result<Page<E::Model>, StoreError> {
    let sel = match cursor {
        Some(cur) if order == Order::Asc => sel.filter(id.gt(cur)),
        Some(cur) => sel.filter(id.lt(cur)),
        None => sel,
    };
    let rows = first_n(c, sel.order_by(id, order), limit + 1).await?;
    Ok(page(rows, limit, id_of))
}

/// Runs `upd` on the row `id` only if its version is still `version`, and bumps the version:
/// whether it changed the row (a lost race or a stale read changes nothing).
async fn at_version<E: EntityTrait>(
    c: &impl ConnectionTrait,
    upd: sea_orm::UpdateMany<E>,
    (id_col, id): (E::Column, &str),
    (version_col, version): (E::Column, i64),
) -> Result<bool, StoreError> {
    upd.incr(version_col)
        .filter(id_col.eq(id))
        .filter(version_col.eq(version))
        .changed_one(c)
        .await
}

/// Pairs each row of a page with the organization `org_of` names, in one query for the page;
/// a row whose organization is not there is left out.
async fn with_orgs<M>(
    c: &impl ConnectionTrait,
    p: Page<M>,
    org_of: impl Fn(&M) -> &str,
) -> Result<Page<(M, organization::Model)>, StoreError> {
    let ids: Vec<String> = p.items.iter().map(|r| org_of(r).to_string()).collect();
    let orgs = organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids))
        .all(c)
        .await?;
    let items = p
        .items
        .into_iter()
        .filter_map(|r| {
            let o = orgs.iter().find(|o| o.id == org_of(&r))?.clone();
            Some((r, o))
        })
        .collect();
    Ok(Page {
        items,
        next_cursor: p.next_cursor,
    })
}

/// Adds one to a column (a version or a counter) in the same statement.
trait Incr<E: EntityTrait> {
    fn incr(self, col: E::Column) -> Self;
}

impl<E: EntityTrait> Incr<E> for sea_orm::UpdateMany<E> {
    fn incr(self, col: E::Column) -> Self {
        self.col_expr(col, Expr::col(col).add(1))
    }
}

/// Runs a guarded write: whether it changed exactly the one row it aims at (a guard that no
/// longer holds changes none).
trait ChangedOne {
    async fn changed_one(self, c: &impl ConnectionTrait) -> Result<bool, StoreError>;
}

impl<E: EntityTrait> ChangedOne for sea_orm::UpdateMany<E> {
    async fn changed_one(self, c: &impl ConnectionTrait) -> Result<bool, StoreError> {
        Ok(self.exec(c).await?.rows_affected == 1)
    }
}

impl<E: EntityTrait> ChangedOne for sea_orm::DeleteMany<E> {
    async fn changed_one(self, c: &impl ConnectionTrait) -> Result<bool, StoreError> {
        Ok(self.exec(c).await?.rows_affected == 1)
    }
}

/// `Ok` when a guarded write changed its one row; `Stale` when it changed none (the row moved
/// on since it was read, or is not there).
fn one_or_stale(changed_one: bool) -> Result<(), StoreError> {
    if changed_one {
        Ok(())
    } else {
        Err(StoreError::Stale)
    }
}

/// `col` contains `q`, case-insensitively, with `%`, `_` and `\\` in `q` taken literally.
/// LOWER on both sides and an explicit ESCAPE behave the same on SQLite and PostgreSQL.
fn contains_ci<C: sea_orm::ColumnTrait>(col: C, q: &str) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Func, LikeExpr};
    let escaped = like_escaped(&q.to_lowercase());
    Expr::expr(Func::lower(Expr::col(col))).like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

pub mod orgs;
pub mod partner_authorizations;

pub mod users;

pub mod caller;

pub mod sessions;

pub mod tokens;

pub mod audit;

pub mod outbox;

pub mod idempotency;

pub mod registry;

pub mod enrollments;

pub mod verifications;

pub mod mfa;

pub mod benefit_assignments;
pub mod benefits;
pub mod invitations;
pub mod product_keys;

pub mod partnerships;

pub mod rights;

pub mod relationships;

pub mod directory;

pub mod gdap;

pub mod groups;

pub mod service_requests;

pub mod catalog;
pub mod jobs;
pub mod subscriptions;
pub mod throttle;
