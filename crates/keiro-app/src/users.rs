//! User management inside one's own organization (R-USR-1, R-USR-3, R-USR-4): list and search,
//! add (temporary password shown once), edit roles and delegated access, reset a password,
//! deactivate and reactivate, delete. Every change holds the organization's lock so that "at
//! least one active global admin remains" cannot be broken by two admins at once.

use crate::admin::{NewUser, insert_user};
use crate::audit::{self, Event};
use crate::idempotency::{self, Key};
use crate::secrets::{hash_password, temporary_password};
use crate::{App, AppError, AppResult, Ctx, CurrentUser};
use keiro_domain::{Action, DelegatedAccess, OrgKind, Role, may_act_on_user};
use keiro_store::entities::user;
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A user as administrators see them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub roles: Vec<String>,
    pub delegated_access: String,
    pub active: bool,
    pub must_change_password: bool,
    pub version: i64,
}

pub(crate) async fn view(
    c: &impl keiro_store::sea_orm::ConnectionTrait,
    u: user::Model,
) -> AppResult<UserView> {
    let roles = repo::users::roles_of(c, &u.id).await?;
    Ok(UserView {
        id: u.id,
        email: u.email,
        full_name: u.full_name,
        roles,
        delegated_access: u.delegated_access,
        active: u.active,
        must_change_password: u.must_change_password,
        version: u.version,
    })
}

fn roles_of(codes: &[String]) -> Vec<Role> {
    codes.iter().filter_map(|c| Role::parse(c)).collect()
}

/// Parses role codes for an organization of `kind`; unknown or foreign roles are refused.
pub fn parse_roles(kind: OrgKind, codes: &[String]) -> AppResult<Vec<Role>> {
    if codes.is_empty() {
        return Err(AppError::validation(
            "roles",
            "roles_required",
            "a user needs at least one role",
        ));
    }
    let mut roles = Vec::new();
    for c in codes {
        let r = Role::parse(c)
            .filter(|r| r.valid_for(kind))
            .ok_or_else(|| {
                AppError::validation(
                    "roles",
                    "invalid_role",
                    format!("{c} is not a role of a {} organization", kind.code()),
                )
            })?;
        if !roles.contains(&r) {
            roles.push(r);
        }
    }
    roles.sort();
    Ok(roles)
}

fn parse_access(kind: OrgKind, s: Option<&str>) -> AppResult<DelegatedAccess> {
    let a = match s {
        None => DelegatedAccess::None,
        Some(s) => DelegatedAccess::parse(s).ok_or_else(|| {
            AppError::validation(
                "delegated_access",
                "invalid_delegated_access",
                "delegated_access is none, limited or full",
            )
        })?,
    };
    if kind != OrgKind::Partner && a != DelegatedAccess::None {
        return Err(AppError::validation(
            "delegated_access",
            "invalid_delegated_access",
            "only partner users administer customers on their behalf",
        ));
    }
    Ok(a)
}

fn deny(r: keiro_domain::DenyReason) -> AppError {
    AppError::denied(r, "user")
}

pub async fn list(
    app: &App,
    ctx: &Ctx,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<UserView>> {
    let me = ctx.user()?;
    me.require(Action::ViewUsers, "users")?;
    let page = repo::users::search_in_org(app.db.reader(), &me.org.id, q, cursor, limit).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for u in page.items {
        items.push(view(app.db.reader(), u).await?);
    }
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

pub async fn get(app: &App, ctx: &Ctx, id: &str) -> AppResult<UserView> {
    let me = ctx.user()?;
    me.require(Action::ViewUsers, "user")?;
    let u = repo::users::get_in_org(app.db.reader(), &me.org.id, id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    view(app.db.reader(), u).await
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewUserInput {
    pub email: String,
    pub full_name: String,
    pub roles: Vec<String>,
    pub delegated_access: Option<String>,
}

/// A created user; `temporary_password` only in the first answer (never on a replay).
#[derive(Debug, Clone)]
pub struct Created {
    pub user: UserView,
    pub temporary_password: Option<String>,
    pub replayed: bool,
}

pub async fn create(
    app: &App,
    ctx: &Ctx,
    input: NewUserInput,
    idem: Option<&str>,
) -> AppResult<Created> {
    let me = ctx.user()?;
    me.require(Action::ManageUsers, "users")?;
    let roles = parse_roles(me.actor.org_kind, &input.roles)?;
    if roles.contains(&Role::GlobalAdmin) || roles.contains(&Role::OperatorAdmin) {
        me.require(Action::GrantGlobalAdmin, "users")?;
    }
    let access = parse_access(me.actor.org_kind, input.delegated_access.as_deref())?;
    let key = match idem {
        Some(k) => Some(Key::new(
            &format!("users:{}", me.user.id),
            k,
            &serde_json::to_value(&input).unwrap_or_default(),
        )?),
        None => None,
    };
    if let Some(k) = &key
        && let Some(r) = idempotency::lookup(app.db.reader(), k).await?
    {
        return replay(r);
    }
    let result = async {
        let tx = app.db.begin().await?;
        let (u, temp) = insert_user(
            &tx,
            app,
            &me.org,
            NewUser { email: &input.email, full_name: &input.full_name, roles: &roles, delegated_access: access, password: None },
        )
        .await?;
        let v = view(&tx, u).await?;
        if let Some(k) = &key {
            idempotency::store(&tx, k, 201, &serde_json::to_value(&v).unwrap_or_default(), app.now()).await?;
        }
        audit::record(
            &tx,
            ctx,
            app.now(),
            Event::new("user.created", "user", &v.id)
                .in_org(&me.org.id)
                .details(json!({ "email": v.email, "roles": v.roles, "delegated_access": v.delegated_access })),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, AppError>(Created { user: v, temporary_password: temp, replayed: false })
    }
    .await;
    match (result, &key) {
        (
            Err(AppError::Conflict {
                code: "duplicate", ..
            }),
            Some(k),
        ) => match idempotency::lookup(app.db.reader(), k).await? {
            Some(r) => replay(r),
            None => Err(AppError::Conflict {
                code: "duplicate",
                message: "try again".into(),
            }),
        },
        (other, _) => other,
    }
}

fn replay(r: idempotency::Replay) -> AppResult<Created> {
    let user: UserView =
        serde_json::from_value(r.body).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Created {
        user,
        temporary_password: None,
        replayed: true,
    })
}

/// Loads the target inside the transaction, after taking the organization's lock, and checks
/// that the actor may act on it.
async fn target(
    tx: &DatabaseTransaction,
    me: &CurrentUser,
    id: &str,
    action: Action,
) -> AppResult<(user::Model, Vec<Role>)> {
    repo::orgs::lock(tx, &me.org.id).await?;
    let u = repo::users::get_in_org(tx, &me.org.id, id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let roles = roles_of(&repo::users::roles_of(tx, &u.id).await?);
    may_act_on_user(&me.actor.roles, &roles, action).map_err(deny)?;
    Ok((u, roles))
}

/// Fails the transaction if the organization would be left without an active global admin.
async fn keep_a_global_admin(tx: &DatabaseTransaction, me: &CurrentUser) -> AppResult<()> {
    let role = if me.actor.org_kind == OrgKind::Operator {
        Role::OperatorAdmin
    } else {
        Role::GlobalAdmin
    };
    if repo::users::count_active_with_role(tx, &me.org.id, role.code()).await? == 0 {
        return Err(AppError::Conflict {
            code: "last_global_admin",
            message: format!(
                "the organization must keep at least one active {}",
                role.code()
            ),
        });
    }
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub full_name: Option<String>,
    pub roles: Option<Vec<String>>,
    pub delegated_access: Option<String>,
}

/// Edits a user's name, roles and delegated access. With `if_version`, only if unchanged.
pub async fn update(
    app: &App,
    ctx: &Ctx,
    id: &str,
    ch: UserChanges,
    if_version: Option<i64>,
) -> AppResult<UserView> {
    let me = ctx.user()?;
    me.require(Action::ManageUsers, "user")?;
    // Input first, then the precondition and the rules that need the stored user.
    let parsed_roles = ch
        .roles
        .as_ref()
        .map(|r| parse_roles(me.actor.org_kind, r))
        .transpose()?;
    let parsed_access = ch
        .delegated_access
        .as_ref()
        .map(|a| parse_access(me.actor.org_kind, Some(a)))
        .transpose()?;
    if ch
        .full_name
        .as_ref()
        .is_some_and(|n| n.trim().is_empty() || n.trim().chars().count() > 200)
    {
        return Err(AppError::validation(
            "full_name",
            "invalid_full_name",
            "a name of 1 to 200 characters is required",
        ));
    }
    let tx = app.db.begin().await?;
    let (u, old_roles) = target(&tx, me, id, Action::ManageUsers).await?;
    if if_version.is_some_and(|v| v != u.version) {
        return Err(AppError::PreconditionFailed);
    }
    let new_roles = parsed_roles.unwrap_or_else(|| old_roles.clone());
    let touches_ga =
        |rs: &[Role]| rs.contains(&Role::GlobalAdmin) || rs.contains(&Role::OperatorAdmin);
    if touches_ga(&new_roles) != touches_ga(&old_roles) {
        me.require(Action::GrantGlobalAdmin, "user")?;
    }
    let access = parsed_access
        .unwrap_or_else(|| DelegatedAccess::parse(&u.delegated_access).unwrap_or_default());
    let name = ch
        .full_name
        .as_ref()
        .map(|n| n.trim().to_string())
        .unwrap_or_else(|| u.full_name.clone());
    let now = app.now();
    repo::users::update_admin_fields(&tx, &me.org.id, &u.id, u.version, &name, access.code(), now)
        .await?;
    let codes: Vec<&str> = new_roles.iter().map(|r| r.code()).collect();
    repo::users::set_roles(&tx, &u.id, &me.org.id, &codes).await?;
    keep_a_global_admin(&tx, me).await?;
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("user.updated", "user", &u.id)
            .in_org(&me.org.id)
            .details(json!({
                "full_name": name,
                "roles_before": old_roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
                "roles": codes,
                "delegated_access": access.code(),
            })),
    )
    .await?;
    let u = repo::users::get_in_org(&tx, &me.org.id, id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let v = view(&tx, u).await?;
    tx.commit().await?;
    Ok(v)
}

/// Gives the user a new temporary password (returned once) and ends their sessions.
pub async fn reset_password(app: &App, ctx: &Ctx, id: &str) -> AppResult<(UserView, String)> {
    let me = ctx.user()?;
    me.require(Action::ResetUserPassword, "user")?;
    let temp = temporary_password();
    let hash = hash_password(temp.clone(), app.config.password_cost).await?;
    let tx = app.db.begin().await?;
    let (u, _) = target(&tx, me, id, Action::ResetUserPassword).await?;
    let now = app.now();
    repo::users::set_password(&tx, &u.id, u.version, &hash, true, now).await?;
    let ended = repo::sessions::revoke_all_for_user(&tx, &u.id, None, now).await?;
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("user.password_reset", "user", &u.id)
            .in_org(&me.org.id)
            .details(json!({ "sessions_ended": ended })),
    )
    .await?;
    let u = repo::users::get_in_org(&tx, &me.org.id, id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let v = view(&tx, u).await?;
    tx.commit().await?;
    Ok((v, temp))
}

/// Deactivates or reactivates a user. A deactivated user's sessions and tokens stop at once
/// (they are checked against the user row on every request).
pub async fn set_active(app: &App, ctx: &Ctx, id: &str, active: bool) -> AppResult<UserView> {
    let me = ctx.user()?;
    me.require(Action::ManageUsers, "user")?;
    if !active && id == me.user.id {
        return Err(AppError::Conflict {
            code: "cannot_deactivate_self",
            message: "you cannot deactivate your own account".into(),
        });
    }
    let tx = app.db.begin().await?;
    let (u, _) = target(&tx, me, id, Action::ManageUsers).await?;
    let now = app.now();
    if repo::users::set_active(&tx, &me.org.id, &u.id, active, now).await? {
        keep_a_global_admin(&tx, me).await?;
        let action = if active {
            "user.reactivated"
        } else {
            "user.deactivated"
        };
        audit::record(
            &tx,
            ctx,
            now,
            Event::new(action, "user", &u.id).in_org(&me.org.id),
        )
        .await?;
    }
    let u = repo::users::get_in_org(&tx, &me.org.id, id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let v = view(&tx, u).await?;
    tx.commit().await?;
    Ok(v)
}

pub async fn delete(app: &App, ctx: &Ctx, id: &str) -> AppResult<()> {
    let me = ctx.user()?;
    me.require(Action::ManageUsers, "user")?;
    if id == me.user.id {
        return Err(AppError::Conflict {
            code: "cannot_delete_self",
            message: "you cannot delete your own account".into(),
        });
    }
    let tx = app.db.begin().await?;
    let (u, roles) = target(&tx, me, id, Action::ManageUsers).await?;
    repo::users::delete(&tx, &me.org.id, &u.id).await?;
    keep_a_global_admin(&tx, me).await?;
    audit::record(
        &tx,
        ctx,
        app.now(),
        Event::new("user.deleted", "user", &u.id)
            .in_org(&me.org.id)
            .details(json!({ "email": u.email, "roles": roles.iter().map(|r| r.code()).collect::<Vec<_>>() })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
