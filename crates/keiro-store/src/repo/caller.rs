//! Who is calling, read in ONE statement (issue 15): an API token's or a portal session's row
//! joined to its user and the user's organization, with the user's roles and security groups
//! aggregated into the same row. Every authenticated request runs exactly one of these, always
//! with the same SQL text, so the connection's statement cache prepares it once and reuses it.
//! Nothing is cached between requests: a removed role, a deactivated user, a revoked token or an
//! ended session counts from the next request on every node.

use super::Ts;
use crate::StoreError;
use crate::entities::{organization, user};
use sea_orm::sqlx::{self, Row, postgres::PgRow, sqlite::SqliteRow};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, RuntimeErr, Statement};
use std::sync::{Arc, OnceLock};

/// A user with their organization, role codes (sorted) and security group ids, as stored.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: user::Model,
    pub org: organization::Model,
    pub roles: Vec<String>,
    pub groups: Vec<String>,
}

/// What authenticating needs of an API token row (the rest of it is never read per request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenState {
    pub id: String,
    pub token_hash: String,
    pub expires_at: Ts,
    pub revoked_at: Option<Ts>,
    pub last_used_at: Option<Ts>,
}

/// What resolving a session needs of its row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionState {
    pub id: String,
    pub last_seen_at: Ts,
    pub mfa_pending: bool,
}

/// The token with this hash, and who holds it. Read straight through the pool's driver, not
/// the ORM's query path (issue 15: its futures and value wrappers were a fifth of a request).
pub async fn by_token(
    c: &DatabaseConnection,
    token_hash: &str,
) -> Result<Option<(TokenState, Principal)>, StoreError> {
    let sql = &sql(c.get_database_backend()).token;
    fetch(c, sql, token_hash, None, |r| {
        let at = &mut 0;
        Ok((token(r, at)?, principal(r, at)?))
    })
    .await
}

/// The live (not revoked, not expired at `now`) session with this id, and whose it is.
pub async fn by_session(
    c: &DatabaseConnection,
    id: &str,
    now: Ts,
) -> Result<Option<(SessionState, Principal)>, StoreError> {
    let sql = &sql(c.get_database_backend()).session;
    fetch(c, sql, id, Some(now), |r| {
        let at = &mut 0;
        Ok((session(r, at)?, principal(r, at)?))
    })
    .await
}

/// The user with this id, with their organization, roles and groups, on any connection (a
/// transaction too).
pub async fn by_user(c: &impl ConnectionTrait, id: &str) -> Result<Option<Principal>, StoreError> {
    let backend = c.get_database_backend();
    let stmt = Statement::from_sql_and_values(backend, &sql(backend).user, [id.into()]);
    let Some(r) = c.query_one_raw(stmt).await? else {
        return Ok(None);
    };
    let at = &mut 0;
    let p = if let Some(row) = r.try_as_sqlite_row() {
        principal(row, at)
    } else if let Some(row) = r.try_as_pg_row() {
        principal(row, at)
    } else {
        return Err(unsupported(backend));
    };
    Ok(Some(p.map_err(query_err)?))
}

/// One row of `sql` bound to `id` (and `now`), read from the pool and decoded.
async fn fetch<T>(
    c: &DatabaseConnection,
    sql: &'static str,
    id: &str,
    now: Option<Ts>,
    decode: impl Fn(&dyn Cells) -> Result<T, sqlx::Error>,
) -> Result<Option<T>, StoreError> {
    // The same statement on either backend's pool (their row types differ).
    macro_rules! on {
        ($pool:expr) => {{
            let mut q = sqlx::query(sql).bind(id);
            if let Some(now) = now {
                q = q.bind(now);
            }
            let row = q.fetch_optional($pool).await;
            row.map_err(driver_err)?.map(|r| decode(&r))
        }};
    }
    let decoded = match c.get_database_backend() {
        DbBackend::Sqlite => on!(c.get_sqlite_connection_pool()),
        DbBackend::Postgres => on!(c.get_postgres_connection_pool()),
        b => return Err(unsupported(b)),
    };
    decoded.transpose().map_err(query_err)
}

/// The driver's error as the ORM would have reported it: no connection to be had is
/// `ConnectionAcquire` (the API's 503), anything else a query error.
fn driver_err(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::PoolTimedOut => DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout),
        sqlx::Error::PoolClosed => {
            DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::ConnectionClosed)
        }
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) => {
            DbErr::Conn(RuntimeErr::SqlxError(Arc::new(e)))
        }
        e => return query_err(e),
    }
    .into()
}

fn query_err(e: sqlx::Error) -> StoreError {
    DbErr::Query(RuntimeErr::SqlxError(Arc::new(e))).into()
}

fn unsupported(b: DbBackend) -> StoreError {
    DbErr::Custom(format!("the caller's statement has no {b:?} form")).into()
}

/// A row of either backend, read by column position.
trait Cells {
    fn text(&self, i: usize) -> Result<Option<String>, sqlx::Error>;
    fn int(&self, i: usize) -> Result<Option<i64>, sqlx::Error>;
    fn flag(&self, i: usize) -> Result<Option<bool>, sqlx::Error>;
    fn time(&self, i: usize) -> Result<Option<Ts>, sqlx::Error>;
}

macro_rules! cells {
    ($($row:ty),+) => {$(
        impl Cells for $row {
            fn text(&self, i: usize) -> Result<Option<String>, sqlx::Error> {
                self.try_get(i)
            }
            fn int(&self, i: usize) -> Result<Option<i64>, sqlx::Error> {
                self.try_get(i)
            }
            fn flag(&self, i: usize) -> Result<Option<bool>, sqlx::Error> {
                self.try_get(i)
            }
            fn time(&self, i: usize) -> Result<Option<Ts>, sqlx::Error> {
                self.try_get(i)
            }
        }
    )+};
}
cells!(SqliteRow, PgRow);

/// A field type, read from a cell.
trait Cell: Sized {
    fn read(r: &dyn Cells, i: usize) -> Result<Self, sqlx::Error>;
}

fn present<T>(v: Option<T>, i: usize) -> Result<T, sqlx::Error> {
    v.ok_or_else(|| sqlx::Error::ColumnDecode {
        index: i.to_string(),
        source: "NULL in a column that holds a value".into(),
    })
}

macro_rules! cell {
    ($($t:ty => $get:ident),+) => {$(
        impl Cell for $t {
            fn read(r: &dyn Cells, i: usize) -> Result<Self, sqlx::Error> {
                present(r.$get(i)?, i)
            }
        }
        impl Cell for Option<$t> {
            fn read(r: &dyn Cells, i: usize) -> Result<Self, sqlx::Error> {
                r.$get(i)
            }
        }
    )+};
}
cell!(String => text, i64 => int, bool => flag, Ts => time);

/// Decodes a struct from consecutive columns of a row by position: no column name is
/// formatted or looked up (by name, decoding was a sixth of a request). The fields are named
/// once, and that one list makes both the SELECT's columns and the struct literal, so the
/// compiler sees every field is there and the order cannot drift.
macro_rules! positional {
    ($decode:ident, $columns:ident, $($model:ident)::+ { $($f:ident),+ $(,)? }) => {
        const $columns: &[&str] = &[$(stringify!($f)),+];
        fn $decode(r: &dyn Cells, at: &mut usize) -> Result<$($model)::+, sqlx::Error> {
            Ok($($model)::+ {
                $($f: {
                    let v = Cell::read(r, *at)?;
                    *at += 1;
                    v
                }),+
            })
        }
    };
}

positional!(
    user_at,
    USER,
    user::Model {
        id,
        org_id,
        email,
        full_name,
        password_hash,
        must_change_password,
        language,
        delegated_access,
        active,
        version,
        password_changed_at,
        created_at,
        updated_at,
        mfa_secret,
        mfa_pending_secret,
        mfa_enabled,
        mfa_last_step,
        time_zone,
        search_text,
    }
);
positional!(
    org_at,
    ORG,
    organization::Model {
        id,
        kind,
        legal_name,
        address_line1,
        address_line2,
        city,
        region,
        postal_code,
        country,
        phone,
        email,
        website,
        primary_domain,
        program_roles,
        authorizations,
        partner_id,
        require_mfa,
        partner_status,
        version,
        created_at,
        updated_at,
        search_text,
    }
);
positional!(
    token,
    TOKEN,
    TokenState {
        id,
        token_hash,
        expires_at,
        revoked_at,
        last_used_at,
    }
);
positional!(
    session,
    SESSION,
    SessionState {
        id,
        last_seen_at,
        mfa_pending,
    }
);

/// The user, organization, roles and groups from column `at` on.
fn principal(r: &dyn Cells, at: &mut usize) -> Result<Principal, sqlx::Error> {
    let user = user_at(r, at)?;
    let org = org_at(r, at)?;
    let mut list = || -> Result<Vec<String>, sqlx::Error> {
        let joined: Option<String> = Cell::read(r, *at)?;
        *at += 1;
        Ok(super::aggregated(joined.as_deref()))
    };
    let roles = list()?;
    let groups = list()?;
    Ok(Principal {
        user,
        org,
        roles,
        groups,
    })
}

/// The three statements of one backend, made once.
struct Sql {
    token: String,
    session: String,
    user: String,
}

fn sql(backend: DbBackend) -> &'static Sql {
    static SQLITE: OnceLock<Sql> = OnceLock::new();
    static POSTGRES: OnceLock<Sql> = OnceLock::new();
    let cell = if backend == DbBackend::Sqlite {
        &SQLITE
    } else {
        &POSTGRES
    };
    cell.get_or_init(|| make(backend))
}

fn make(backend: DbBackend) -> Sql {
    let (agg, p1, p2) = match backend {
        DbBackend::Sqlite => ("group_concat", "?", "?"),
        _ => ("string_agg", "$1", "$2"),
    };
    // Role codes and group ids never hold a comma.
    let principal = format!(
        "{users}, {orgs}, \
         (SELECT {agg}(r.\"role\", ',') FROM \"user_roles\" r WHERE r.\"user_id\" = u.\"id\") AS \"k_roles\", \
         (SELECT {agg}(g.\"group_id\", ',') FROM \"security_group_members\" g WHERE g.\"user_id\" = u.\"id\") AS \"k_groups\"",
        users = columns("u", USER),
        orgs = columns("o", ORG),
    );
    let joined = "JOIN \"organizations\" o ON o.\"id\" = u.\"org_id\"";
    Sql {
        token: format!(
            "SELECT {t}, {principal} FROM \"api_tokens\" t JOIN \"users\" u ON u.\"id\" = t.\"user_id\" {joined} \
             WHERE t.\"token_hash\" = {p1}",
            t = columns("t", TOKEN),
        ),
        session: format!(
            "SELECT {s}, {principal} FROM \"sessions\" s JOIN \"users\" u ON u.\"id\" = s.\"user_id\" {joined} \
             WHERE s.\"id\" = {p1} AND s.\"revoked_at\" IS NULL AND s.\"expires_at\" > {p2}",
            s = columns("s", SESSION),
        ),
        user: format!("SELECT {principal} FROM \"users\" u {joined} WHERE u.\"id\" = {p1}"),
    }
}

/// `a."col", …` for these columns.
fn columns(alias: &str, names: &[&str]) -> String {
    names
        .iter()
        .map(|c| format!("{alias}.\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
