//! A partner user managing a customer's users on the customer's behalf (R-REL-9, R-CUS-1,
//! R-USR-4): exactly what the rights the customer granted allow — delegated admin (full: the
//! customer's global admin rights; limited: its password admin rights, per the partner user's
//! delegated access) and, later, GDAP roles. The rights rows are read in the transaction of the
//! change, and every change is audited with the acting partner and user and the customer.

use crate::admin::{NewUser, insert_user};
use crate::audit::{self, Event};
use crate::idempotency::{self, Key, Outcome};
use crate::secrets::{hash_password, temporary_password};
use crate::users::{UserView, parse_roles};
use crate::{App, AppError, AppResult, Ctx, CurrentUser, rights};
use keiro_domain::{Action, DelegatedAccess, OrgKind, Role, decide, may_act_on_user};
use keiro_store::entities::organization;
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::ConnectionTrait;
use serde_json::json;

/// The customer organization, if the actor may do `action` there.
async fn customer_for(
    c: &impl ConnectionTrait,
    app: &App,
    me: &CurrentUser,
    customer: &str,
    action: Action,
) -> AppResult<organization::Model> {
    let org = rights::require_in(c, me, customer, action, "customer", app.now()).await?;
    if org.kind != OrgKind::Customer.code() {
        return Err(AppError::NotFound("customer"));
    }
    Ok(org)
}

pub async fn list(
    app: &App,
    ctx: &Ctx,
    customer: &str,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<UserView>> {
    Ok(list_named(app, ctx, customer, q, cursor, limit).await?.1)
}

/// [`list`], with the customer's name (the portal page's heading): one rights check for both.
pub async fn list_named(
    app: &App,
    ctx: &Ctx,
    customer: &str,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<(String, Page<UserView>)> {
    let me = ctx.user()?;
    let c = app.db.reader();
    let org = customer_for(c, app, me, customer, Action::ViewUsers).await?;
    let page = repo::users::search_in_org(c, &org.id, q, cursor, limit).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for u in page.items {
        items.push(crate::users::view(c, u).await?);
    }
    let page = Page {
        items,
        next_cursor: page.next_cursor,
    };
    Ok((org.legal_name, page))
}

/// One user of the customer, as far as the caller's rights in it reach.
pub async fn get(app: &App, ctx: &Ctx, customer: &str, user_id: &str) -> AppResult<UserView> {
    let me = ctx.user()?;
    let c = app.db.reader();
    let org = customer_for(c, app, me, customer, Action::ViewUsers).await?;
    let u = repo::users::get_in_org(c, &org.id, user_id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    crate::users::view(c, u).await
}

/// Creates a user in the customer with a temporary password (returned once). Creating a global
/// admin needs the customer's global admin rights (full delegated access).
pub async fn create(
    app: &App,
    ctx: &Ctx,
    customer: &str,
    email: &str,
    full_name: &str,
    roles: &[String],
    idem: Option<&str>,
) -> AppResult<Outcome<(UserView, Option<String>)>> {
    let me = ctx.user()?;
    let key = Key::of_user(
        "customer_users",
        me,
        idem,
        &json!({ "op": "create", "customer": customer, "email": email, "full_name": full_name, "roles": roles }),
    )?;
    idempotency::once_with_secret(app, key, async |key| {
        create_once(app, ctx, customer, email, full_name, roles, key).await
    })
    .await
}

async fn create_once(
    app: &App,
    ctx: &Ctx,
    customer: &str,
    email: &str,
    full_name: &str,
    roles: &[String],
    key: Option<&Key>,
) -> AppResult<(UserView, String)> {
    let me = ctx.user()?;
    let roles = parse_roles(OrgKind::Customer, roles)?;
    let tx = app.db.begin().await?;
    let org = customer_for(&tx, app, me, customer, Action::ManageUsers).await?;
    if roles.contains(&Role::GlobalAdmin) {
        let t = rights::target(&tx, me, &org, app.now()).await?;
        if let keiro_domain::Decision::Deny(r) = decide(&me.actor, Action::GrantGlobalAdmin, &t) {
            return Err(AppError::denied(r, "customer"));
        }
    }
    let (u, temp) = insert_user(
        &tx,
        app,
        &org,
        NewUser {
            email,
            full_name,
            roles: &roles,
            delegated_access: DelegatedAccess::None,
            password: None,
        },
    )
    .await?;
    let temp = temp.ok_or_else(|| AppError::Internal("no temporary password".into()))?;
    let v = crate::users::view(&tx, u).await?;
    audit::record(
        &tx,
        ctx,
        app.now(),
        Event::new("user.created", "user", &v.id)
            .in_org(&org.id)
            .on_behalf_of(&org.id)
            .details(json!({ "email": v.email, "roles": v.roles, "by_partner": me.org.id })),
    )
    .await?;
    idempotency::keep(&tx, key, 201, &v, app.now()).await?;
    tx.commit().await?;
    Ok((v, temp))
}

/// Gives a customer user a new temporary password (returned once) and ends their sessions. A
/// password admin (limited delegated access) resets only users without an admin role.
pub async fn reset_password(
    app: &App,
    ctx: &Ctx,
    customer: &str,
    user_id: &str,
) -> AppResult<(UserView, String)> {
    let me = ctx.user()?;
    let temp = temporary_password();
    let hash = hash_password(temp.clone(), app.config.password_cost).await?;
    let tx = app.db.begin().await?;
    let org = customer_for(&tx, app, me, customer, Action::ResetUserPassword).await?;
    let u = repo::users::get_in_org(&tx, &org.id, user_id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let target_roles: Vec<Role> = repo::users::roles_of(&tx, &u.id)
        .await?
        .iter()
        .filter_map(|r| Role::parse(r))
        .collect();
    let t = rights::target(&tx, me, &org, app.now()).await?;
    let effective = keiro_domain::policy::effective_roles(&me.actor, &t);
    may_act_on_user(&effective, &target_roles, Action::ResetUserPassword)
        .map_err(|r| AppError::denied(r, "user"))?;
    let now = app.now();
    repo::users::set_password(&tx, &u.id, u.version, &hash, true, now).await?;
    let ended = repo::sessions::revoke_all_for_user(&tx, &u.id, None, now).await?;
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("user.password_reset", "user", &u.id)
            .in_org(&org.id)
            .on_behalf_of(&org.id)
            .details(json!({ "sessions_ended": ended, "by_partner": me.org.id })),
    )
    .await?;
    let u = repo::users::get_in_org(&tx, &org.id, user_id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let v = crate::users::view(&tx, u).await?;
    tx.commit().await?;
    Ok((v, temp))
}

/// Assigns a customer user's roles on the customer's behalf (R-REL-9). Giving or taking the
/// global admin role needs the customer's global admin rights; the customer keeps at least one
/// active global admin (checked under the customer's lock, like at home).
pub async fn set_roles(
    app: &App,
    ctx: &Ctx,
    customer: &str,
    user_id: &str,
    roles: &[String],
    if_version: Option<i64>,
) -> AppResult<UserView> {
    let me = ctx.user()?;
    let new_roles = parse_roles(OrgKind::Customer, roles)?;
    let tx = app.db.begin().await?;
    let org = customer_for(&tx, app, me, customer, Action::ManageUsers).await?;
    repo::orgs::lock(&tx, &org.id).await?;
    let u = repo::users::get_in_org(&tx, &org.id, user_id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let old: Vec<Role> = repo::users::roles_of(&tx, &u.id)
        .await?
        .iter()
        .filter_map(|r| Role::parse(r))
        .collect();
    let t = rights::target(&tx, me, &org, app.now()).await?;
    let effective = keiro_domain::policy::effective_roles(&me.actor, &t);
    may_act_on_user(&effective, &old, Action::ManageUsers)
        .map_err(|r| AppError::denied(r, "user"))?;
    if old.contains(&Role::GlobalAdmin) != new_roles.contains(&Role::GlobalAdmin)
        && let keiro_domain::Decision::Deny(r) = decide(&me.actor, Action::GrantGlobalAdmin, &t)
    {
        return Err(AppError::denied(r, "user"));
    }
    // Guarded on the user's version: the customer's own admin may have changed the roles
    // since the partner read them (If-Match), and two writers never both win.
    if if_version.is_some_and(|v| v != u.version) {
        return Err(AppError::PreconditionFailed);
    }
    repo::users::update_admin_fields(
        &tx,
        &org.id,
        &u.id,
        u.version,
        &u.full_name,
        &u.delegated_access,
        app.now(),
    )
    .await?;
    let codes: Vec<&str> = new_roles.iter().map(|r| r.code()).collect();
    repo::users::set_roles(&tx, &u.id, &org.id, &codes).await?;
    if repo::users::count_active_with_role(&tx, &org.id, Role::GlobalAdmin.code()).await? == 0 {
        return Err(AppError::Conflict {
            code: "last_global_admin",
            message: "the customer must keep at least one active global admin".into(),
        });
    }
    audit::record(
        &tx,
        ctx,
        app.now(),
        Event::new("user.updated", "user", &u.id)
            .in_org(&org.id)
            .on_behalf_of(&org.id)
            .details(json!({
                "roles_before": old.iter().map(|r| r.code()).collect::<Vec<_>>(),
                "roles": codes,
                "by_partner": me.org.id,
            })),
    )
    .await?;
    let u = repo::users::get_in_org(&tx, &org.id, user_id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let v = crate::users::view(&tx, u).await?;
    tx.commit().await?;
    Ok(v)
}
