//! `/users`: user management in the user's organization (app `users`): the list, a new user
//! with a temporary password shown once, roles and delegated access, password reset,
//! deactivation and deletion (R-USR-1…4).

use super::{Base, DoneQuery, PageResult, Portal, SignedForm, no_store, render, t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use keiro_app::AppError;
use keiro_app::users::{NewUserInput, UserChanges, UserView};
use keiro_domain::{Action, OrgKind, Role};
use serde::Deserialize;

/// A user row as pages show it.
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub roles: String,
    pub access: String,
    pub active: bool,
    pub must_change: bool,
}

fn row(p: &Portal, u: &UserView) -> UserRow {
    UserRow {
        id: u.id.clone(),
        email: u.email.clone(),
        full_name: u.full_name.clone(),
        roles: u
            .roles
            .iter()
            .map(|r| t(p.lang, &format!("role-{r}")))
            .collect::<Vec<_>>()
            .join(", "),
        access: t(p.lang, &format!("access-{}", u.delegated_access)),
        active: u.active,
        must_change: u.must_change_password,
    }
}

#[derive(Template)]
#[template(path = "users/list.html")]
pub struct UsersPage {
    pub b: Base,
    pub q: String,
    pub rows: Vec<UserRow>,
    pub next: Option<String>,
    pub add_reason: Option<String>,
}

#[derive(Deserialize)]
pub struct UsersQuery {
    q: Option<String>,
    cursor: Option<String>,
    done: Option<String>,
}

pub async fn users(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<UsersQuery>,
) -> PageResult {
    p.user()?;
    let cursor = q
        .cursor
        .as_deref()
        .filter(|c| uuid::Uuid::parse_str(c).is_ok());
    let page = keiro_app::users::list(&s.app, &p.ctx(), q.q.as_deref(), cursor, 50)
        .await
        .map_err(|e| p.app_error(e))?;
    let mut b = p.base("users-title");
    if q.done.as_deref() == Some("deleted") {
        b.notice = Some(t(p.lang, "user-deleted"));
    }
    let query = q.q.clone().unwrap_or_default();
    let next = page.next_cursor.map(|c| {
        let qs = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("q", &query)
            .append_pair("cursor", &c)
            .finish();
        format!("/users?{qs}")
    });
    Ok(render(&UsersPage {
        rows: page.items.iter().map(|u| row(&p, u)).collect(),
        q: query,
        next,
        add_reason: p.reason(Action::ManageUsers),
        b,
    }))
}

/// A role checkbox on the user forms.
pub struct RoleChoice {
    pub code: &'static str,
    pub label: String,
    pub checked: bool,
    /// Set when this user may not grant or remove it (global admin for non-global admins).
    pub locked: bool,
}

fn role_choices(p: &Portal, kind: OrgKind, selected: &[String]) -> Vec<RoleChoice> {
    let can_grant_ga = p
        .session
        .as_ref()
        .is_some_and(|s| s.user.may(Action::GrantGlobalAdmin));
    Role::catalog(kind)
        .iter()
        .map(|r| RoleChoice {
            code: r.code(),
            label: t(p.lang, &format!("role-{}", r.code())),
            checked: selected.iter().any(|s| s == r.code()),
            locked: matches!(r, Role::GlobalAdmin | Role::OperatorAdmin) && !can_grant_ga,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "users/new.html")]
pub struct NewUserPage {
    pub b: Base,
    pub email: String,
    pub full_name: String,
    pub roles: Vec<RoleChoice>,
    pub partner: bool,
    pub access: String,
}

pub async fn new_user(p: Portal) -> PageResult {
    let u = p.user()?;
    if let Err(e) = u.require(Action::ManageUsers, "users") {
        return Err(p.app_error(e));
    }
    let kind = u.actor.org_kind;
    Ok(render(&NewUserPage {
        b: p.base("user-new-title"),
        email: String::new(),
        full_name: String::new(),
        roles: role_choices(&p, kind, &[]),
        partner: kind == OrgKind::Partner,
        access: "none".into(),
    }))
}

#[derive(Deserialize)]
pub struct NewUserForm {
    email: String,
    full_name: String,
    #[serde(default)]
    roles: Vec<String>,
    delegated_access: Option<String>,
}

#[derive(Template)]
#[template(path = "users/created.html")]
pub struct UserCreatedPage {
    pub b: Base,
    pub user: UserRow,
    pub password: String,
    pub heading: String,
}

pub async fn create_user(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<NewUserForm>,
) -> PageResult {
    let me = p.user()?;
    let kind = me.actor.org_kind;
    let input = NewUserInput {
        email: f.email.clone(),
        full_name: f.full_name.clone(),
        roles: f.roles.clone(),
        delegated_access: f.delegated_access.clone(),
    };
    match keiro_app::users::create(&s.app, &p.ctx(), input, None).await {
        Ok(c) => Ok(no_store(render(&UserCreatedPage {
            b: p.base("user-created-title"),
            user: row(&p, &c.user),
            password: c.temporary_password.unwrap_or_default(),
            heading: t(p.lang, "user-created-title"),
        }))),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let mut b = p.base("user-new-title");
            b.error = Some(p.message_for(&e));
            Ok((
                crate::problem::status_of(&e),
                render(&NewUserPage {
                    b,
                    email: f.email,
                    full_name: f.full_name,
                    roles: role_choices(&p, kind, &f.roles),
                    partner: kind == OrgKind::Partner,
                    access: f.delegated_access.unwrap_or_else(|| "none".into()),
                }),
            )
                .into_response())
        }
        Err(e) => Err(p.app_error(e)),
    }
}

#[derive(Template)]
#[template(path = "users/one.html")]
pub struct UserPage {
    pub b: Base,
    pub user: UserRow,
    pub version: i64,
    pub roles: Vec<RoleChoice>,
    pub partner: bool,
    pub access: String,
    pub manage_reason: Option<String>,
    pub reset_reason: Option<String>,
    pub is_self: bool,
}

async fn user_page(
    s: &AppState,
    p: &Portal,
    id: &str,
    notice: Option<String>,
    error: Option<(StatusCode, String)>,
) -> PageResult {
    let me = p.user()?;
    let u = keiro_app::users::get(&s.app, &p.ctx(), id)
        .await
        .map_err(|e| p.app_error(e))?;
    let kind = me.actor.org_kind;
    let mut b = p.base("user-title");
    b.notice = notice;
    let status = error.as_ref().map(|(s, _)| *s).unwrap_or(StatusCode::OK);
    b.error = error.map(|(_, m)| m);
    // Whether this user may act on that one, with the reason if not.
    let target_roles: Vec<Role> = u.roles.iter().filter_map(|r| Role::parse(r)).collect();
    let on_target = |a: Action| {
        p.reason(a).or_else(|| {
            keiro_domain::may_act_on_user(&me.actor.roles, &target_roles, a)
                .err()
                .map(|r| p.message_for(&AppError::denied(r, "user")))
        })
    };
    let page = UserPage {
        user: row(p, &u),
        version: u.version,
        roles: role_choices(p, kind, &u.roles),
        partner: kind == OrgKind::Partner,
        access: u.delegated_access.clone(),
        manage_reason: on_target(Action::ManageUsers),
        reset_reason: on_target(Action::ResetUserPassword),
        is_self: u.id == me.user.id,
        b,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn user(
    State(s): State<AppState>,
    p: Portal,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let notice = match q.done.as_deref() {
        Some("saved") => Some(t(p.lang, "user-saved")),
        _ => None,
    };
    user_page(&s, &p, &id, notice, None).await
}

#[derive(Deserialize)]
pub struct EditUserForm {
    version: i64,
    full_name: String,
    #[serde(default)]
    roles: Vec<String>,
    delegated_access: Option<String>,
}

pub async fn save_user(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<EditUserForm>,
) -> PageResult {
    let ch = UserChanges {
        full_name: Some(f.full_name),
        roles: Some(f.roles),
        delegated_access: f.delegated_access,
    };
    match keiro_app::users::update(&s.app, &p.ctx(), &id, ch, Some(f.version)).await {
        Ok(_) => Ok(Redirect::to(&format!("/users/{id}?done=saved")).into_response()),
        Err(
            e @ (AppError::Validation(_)
            | AppError::Conflict { .. }
            | AppError::PreconditionFailed
            | AppError::Forbidden { .. }),
        ) => {
            let msg = p.message_for(&e);
            user_page(
                &s,
                &p,
                &id,
                None,
                Some((crate::problem::status_of(&e), msg)),
            )
            .await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

#[derive(Deserialize)]
pub struct UserActionForm {
    #[serde(default)]
    confirm: Option<String>,
}

pub async fn reset_user_password(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, _f): SignedForm<UserActionForm>,
) -> PageResult {
    let (u, temp) = keiro_app::users::reset_password(&s.app, &p.ctx(), &id)
        .await
        .map_err(|e| p.app_error(e))?;
    Ok(no_store(render(&UserCreatedPage {
        b: p.base("user-reset-done"),
        user: row(&p, &u),
        password: temp,
        heading: t(p.lang, "user-reset-done"),
    })))
}

pub async fn set_user_active(
    State(s): State<AppState>,
    Path((id, what)): Path<(String, String)>,
    SignedForm(p, _f): SignedForm<UserActionForm>,
) -> PageResult {
    let active = match what.as_str() {
        "reactivate" => true,
        "deactivate" => false,
        _ => return Err(p.error_page(StatusCode::NOT_FOUND, &t(p.lang, "error-not_found"))),
    };
    match keiro_app::users::set_active(&s.app, &p.ctx(), &id, active).await {
        Ok(_) => Ok(Redirect::to(&format!("/users/{id}?done=saved")).into_response()),
        Err(e @ AppError::Conflict { .. }) => {
            let msg = p.message_for(&e);
            user_page(&s, &p, &id, None, Some((StatusCode::CONFLICT, msg))).await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

pub async fn delete_user(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<UserActionForm>,
) -> PageResult {
    if f.confirm.as_deref() != Some("yes") {
        let msg = t(p.lang, "error-confirm_required");
        return user_page(
            &s,
            &p,
            &id,
            None,
            Some((StatusCode::UNPROCESSABLE_ENTITY, msg)),
        )
        .await;
    }
    match keiro_app::users::delete(&s.app, &p.ctx(), &id).await {
        Ok(()) => Ok(Redirect::to("/users?done=deleted").into_response()),
        Err(e @ AppError::Conflict { .. }) => {
            let msg = p.message_for(&e);
            user_page(&s, &p, &id, None, Some((StatusCode::CONFLICT, msg))).await
        }
        Err(e) => Err(p.app_error(e)),
    }
}
