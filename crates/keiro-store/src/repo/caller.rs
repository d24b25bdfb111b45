//! Who is calling, read in ONE statement (issue 15): an API token's or a portal session's row
//! joined to its user and the user's organization, with the user's roles and security groups
//! aggregated into the same row. Every authenticated request runs exactly one of these, always
//! with the same SQL text, so the connection's statement cache prepares it once and reuses it.
//! Nothing is cached between requests: a removed role, a deactivated user, a revoked token or an
//! ended session counts from the next request on every node.

use super::Ts;
use crate::StoreError;
use crate::entities::{api_token, organization, session, user};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryResult, Statement, Value};
use std::sync::OnceLock;

/// A user with their organization, role codes (sorted) and security group ids, as stored.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: user::Model,
    pub org: organization::Model,
    pub roles: Vec<String>,
    pub groups: Vec<String>,
}

/// The token with this hash, and who holds it.
pub async fn by_token(
    c: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<(api_token::Model, Principal)>, StoreError> {
    let sql = &sql(c.get_database_backend()).token;
    let row = one(c, sql, vec![token_hash.into()]).await?;
    row.map(|r| {
        let at = &mut 0;
        Ok((token(&r, at)?, principal(&r, at)?))
    })
    .transpose()
}

/// The live (not revoked, not expired at `now`) session with this id, and whose it is.
pub async fn by_session(
    c: &impl ConnectionTrait,
    id: &str,
    now: Ts,
) -> Result<Option<(session::Model, Principal)>, StoreError> {
    let sql = &sql(c.get_database_backend()).session;
    let row = one(c, sql, vec![id.into(), now.into()]).await?;
    row.map(|r| {
        let at = &mut 0;
        Ok((session(&r, at)?, principal(&r, at)?))
    })
    .transpose()
}

/// The user with this id, with their organization, roles and groups.
pub async fn by_user(c: &impl ConnectionTrait, id: &str) -> Result<Option<Principal>, StoreError> {
    let sql = &sql(c.get_database_backend()).user;
    let row = one(c, sql, vec![id.into()]).await?;
    row.map(|r| principal(&r, &mut 0)).transpose()
}

async fn one(
    c: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Option<QueryResult>, StoreError> {
    let stmt = Statement::from_sql_and_values(c.get_database_backend(), sql, values);
    Ok(c.query_one_raw(stmt).await?)
}

/// Decodes a model from consecutive columns of a row by position: no column name is formatted
/// or looked up (by name, decoding was a sixth of a request). The fields are named once, and
/// that one list makes both the SELECT's columns and the struct literal, so the compiler sees
/// every field is there and the order cannot drift.
macro_rules! positional {
    ($decode:ident, $columns:ident, $($model:ident)::+ { $($f:ident),+ $(,)? }) => {
        const $columns: &[&str] = &[$(stringify!($f)),+];
        fn $decode(r: &QueryResult, at: &mut usize) -> Result<$($model)::+, DbErr> {
            Ok($($model)::+ {
                $($f: {
                    let v = r.try_get_by_index(*at)?;
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
    api_token::Model {
        id,
        user_id,
        org_id,
        name,
        token_hash,
        prefix,
        created_at,
        expires_at,
        revoked_at,
        last_used_at,
    }
);
positional!(
    session,
    SESSION,
    session::Model {
        id,
        user_id,
        created_at,
        last_seen_at,
        expires_at,
        revoked_at,
        client_ip,
        user_agent,
        mfa_pending,
    }
);

/// The user, organization, roles and groups from column `at` on.
fn principal(r: &QueryResult, at: &mut usize) -> Result<Principal, StoreError> {
    let user = user_at(r, at)?;
    let org = org_at(r, at)?;
    let mut list = || -> Result<Vec<String>, StoreError> {
        let joined: Option<String> = r.try_get_by_index(*at)?;
        *at += 1;
        let mut v: Vec<String> = joined
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        v.sort_unstable();
        Ok(v)
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
