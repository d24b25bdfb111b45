//! Users and their roles: an email belongs to one user; roles replaced as a set; searches in one
//! organization.

use super::*;

/// (id, full name, email) of the users among `ids` (deleted ones are left out).
pub async fn names(
    c: &impl ConnectionTrait,
    ids: &[String],
) -> Result<Vec<(String, String, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::FullName)
        .column(user::Column::Email)
        .filter(user::Column::Id.is_in(ids.iter().cloned()))
        .into_tuple::<(String, String, String)>()
        .all(c)
        .await?)
}

pub async fn insert(
    c: &impl ConnectionTrait,
    m: user::Model,
    roles: &[&str],
) -> Result<(), StoreError> {
    let (uid, org) = (m.id.clone(), m.org_id.clone());
    super::insert(c, m).await?;
    set_roles(c, &uid, &org, roles).await
}

pub async fn set_roles(
    c: &impl ConnectionTrait,
    user_id: &str,
    org_id: &str,
    roles: &[&str],
) -> Result<(), StoreError> {
    user_role::Entity::delete_many()
        .filter(user_role::Column::UserId.eq(user_id))
        .exec(c)
        .await?;
    if roles.is_empty() {
        return Ok(());
    }
    let rows = roles.iter().map(|r| user_role::ActiveModel {
        user_id: Set(user_id.to_string()),
        role: Set((*r).to_owned()),
        org_id: Set(org_id.to_string()),
    });
    user_role::Entity::insert_many(rows)
        .exec_without_returning(c)
        .await?;
    Ok(())
}

pub async fn roles_of(c: &impl ConnectionTrait, user_id: &str) -> Result<Vec<String>, StoreError> {
    Ok(user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .order_by_asc(user_role::Column::Role)
        .all(c)
        .await?
        .into_iter()
        .map(|r| r.role)
        .collect())
}

pub async fn find_by_email(
    c: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, StoreError> {
    unique(
        c,
        user::Entity::find().filter(user::Column::Email.eq(email)),
    )
    .await
}

/// A user by id, only if it belongs to `org_id` (tenant scope).
pub async fn get_in_org(
    c: &impl ConnectionTrait,
    org_id: &str,
    id: &str,
) -> Result<Option<user::Model>, StoreError> {
    row_in::<user::Entity>(c, id, (user::Column::OrgId, org_id)).await
}

/// Unscoped lookup, for authentication only (the session or token already names the user).
pub async fn get_for_auth(
    c: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<user::Model>, StoreError> {
    row_by_id::<user::Entity>(c, id).await
}

pub async fn list_in_org(
    c: &impl ConnectionTrait,
    org_id: &str,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<user::Model>, StoreError> {
    let sel = user::Entity::find().filter(user::Column::OrgId.eq(org_id));
    keyset(c, sel, user::Column::Id, cursor, limit, Order::Asc, |u| {
        u.id.clone()
    })
    .await
}

/// Users of `org_id` whose name or email contains `q` (case-insensitive on both backends:
/// LOWER on both sides, LIKE wildcards in `q` escaped), in id order.
pub async fn search_in_org(
    c: &impl ConnectionTrait,
    org_id: &str,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<user::Model>, StoreError> {
    let mut sel = user::Entity::find().filter(user::Column::OrgId.eq(org_id));
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        sel = sel.filter(search(user::Column::SearchText, q));
    }
    keyset(c, sel, user::Column::Id, cursor, limit, Order::Asc, |u| {
        u.id.clone()
    })
    .await
}

/// Guarded update of what an administrator edits about a user.
pub async fn update_admin_fields(
    c: &impl ConnectionTrait,
    org_id: &str,
    id: &str,
    version: i64,
    full_name: &str,
    delegated_access: &str,
    now: Ts,
) -> Result<(), StoreError> {
    one_or_stale(
        user::Entity::update_many()
            .col_expr(user::Column::FullName, Expr::value(full_name))
            .col_expr(user::Column::DelegatedAccess, Expr::value(delegated_access))
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .incr(user::Column::Version)
            .filter(user::Column::Id.eq(id))
            .filter(user::Column::OrgId.eq(org_id))
            .filter(user::Column::Version.eq(version))
            .changed_one(c)
            .await?,
    )?;
    reindex::<user::Entity>(c, id).await
}

pub async fn set_active(
    c: &impl ConnectionTrait,
    org_id: &str,
    id: &str,
    active: bool,
    now: Ts,
) -> Result<bool, StoreError> {
    user::Entity::update_many()
        .col_expr(user::Column::Active, Expr::value(active))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .incr(user::Column::Version)
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::OrgId.eq(org_id))
        .filter(user::Column::Active.eq(!active))
        .changed_one(c)
        .await
}

/// Deletes a user of `org_id`; sessions, tokens and roles go with it (foreign keys).
pub async fn delete(c: &impl ConnectionTrait, org_id: &str, id: &str) -> Result<bool, StoreError> {
    user::Entity::delete_many()
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::OrgId.eq(org_id))
        .changed_one(c)
        .await
}

/// Active users of `org_id` holding `role`.
/// The active users of an organization holding `role`, by id (the people a notice goes to).
pub async fn active_with_role(
    c: &impl ConnectionTrait,
    org_id: &str,
    role: &str,
) -> Result<Vec<user::Model>, StoreError> {
    let ids: Vec<String> = user_role::Entity::find()
        .select_only()
        .column(user_role::Column::UserId)
        .filter(user_role::Column::OrgId.eq(org_id))
        .filter(user_role::Column::Role.eq(role))
        .into_tuple()
        .all(c)
        .await?;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Id)
        .all(c)
        .await?)
}

pub async fn count_active_with_role(
    c: &impl ConnectionTrait,
    org_id: &str,
    role: &str,
) -> Result<u64, StoreError> {
    Ok(active_with_role(c, org_id, role).await?.len() as u64)
}

/// Guarded password change: applies only if the row is still at `version`.
pub async fn set_password(
    c: &impl ConnectionTrait,
    id: &str,
    version: i64,
    hash: &str,
    must_change: bool,
    now: Ts,
) -> Result<(), StoreError> {
    let upd = user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(user::Column::MustChangePassword, Expr::value(must_change))
        .col_expr(user::Column::PasswordChangedAt, Expr::value(now))
        .col_expr(user::Column::UpdatedAt, Expr::value(now));
    let ids = (user::Column::Id, id);
    one_or_stale(at_version(c, upd, ids, (user::Column::Version, version)).await?)
}

/// Guarded update of the profile fields a user edits about themselves.
pub async fn set_preferences(
    c: &impl ConnectionTrait,
    id: &str,
    version: i64,
    full_name: &str,
    (language, time_zone): (Option<&str>, Option<&str>),
    now: Ts,
) -> Result<(), StoreError> {
    let upd = user::Entity::update_many()
        .col_expr(user::Column::FullName, Expr::value(full_name))
        .col_expr(
            user::Column::Language,
            Expr::value(language.map(str::to_string)),
        )
        .col_expr(
            user::Column::TimeZone,
            Expr::value(time_zone.map(str::to_string)),
        )
        .col_expr(user::Column::UpdatedAt, Expr::value(now));
    let ids = (user::Column::Id, id);
    one_or_stale(at_version(c, upd, ids, (user::Column::Version, version)).await?)?;
    reindex::<user::Entity>(c, id).await
}
