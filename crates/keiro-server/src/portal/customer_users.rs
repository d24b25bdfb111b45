//! `/customers/{id}`: a partner user acting in a customer (app `customer_users`, R-REL-9): the
//! customer's users, adding one, roles and password resets, as far as its delegated admin or
//! GDAP roles allow.

use super::{
    Base, Choice, NoFields, PageResult, Portal, SignedForm, format, no_store, render, t, t_args,
};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use keiro_app::AppError;
use keiro_domain::{OrgKind, Role};
use serde::Deserialize;

impl CustomerUserRow {
    pub fn has(&self, code: &str) -> bool {
        self.codes.iter().any(|c| c == code)
    }
}

pub struct CustomerUserRow {
    pub id: String,
    /// The user's role codes (to tick the current ones).
    pub codes: Vec<String>,
    pub name: String,
    pub email: String,
    pub roles: String,
}

#[derive(Template)]
#[template(path = "customer_users/list.html")]
pub struct CustomerAdminPage {
    pub b: Base,
    pub customer_id: String,
    pub rows: Vec<CustomerUserRow>,
    pub roles: Vec<Choice>,
    /// A temporary password just set, shown once.
    pub secret: Option<(String, String)>,
}

async fn customer_page(
    s: &AppState,
    p: &Portal,
    id: &str,
    secret: Option<(String, String)>,
    status: StatusCode,
    error: Option<String>,
) -> PageResult {
    let ctx = p.ctx();
    let (name, users) = keiro_app::customer_users::list_named(&s.app, &ctx, id, None, None, 200)
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => p.error_page(
                StatusCode::NOT_FOUND,
                &t(p.lang, "customer-admin-no-rights"),
            ),
            e => p.app_error(e),
        })?;
    let mut b = p.base("customer-admin-title");
    b.title = t_args(p.lang, "customer-admin-heading", &[("name", name)]);
    b.error = error;
    let page = CustomerAdminPage {
        customer_id: id.to_string(),
        rows: users
            .items
            .into_iter()
            .map(|u| CustomerUserRow {
                roles: format::roles_text(p, &u.roles),
                codes: u.roles.clone(),
                id: u.id,
                name: u.full_name,
                email: u.email,
            })
            .collect(),
        roles: Role::catalog(OrgKind::Customer)
            .iter()
            .map(|r| Choice {
                code: r.code().into(),
                label: t(p.lang, &format!("role-{}", r.code())),
            })
            .collect(),
        secret,
        b,
    };
    Ok((status, no_store(render(&page))).into_response())
}

/// A customer, as a partner user acting for it sees it: its users, as far as the rights allow
/// (R-REL-9).
pub async fn customer(State(s): State<AppState>, p: Portal, Path(id): Path<String>) -> PageResult {
    p.user()?;
    customer_page(&s, &p, &id, None, StatusCode::OK, None).await
}

pub async fn customer_reset(
    State(s): State<AppState>,
    Path((id, user)): Path<(String, String)>,
    SignedForm(p, NoFields {}): SignedForm<NoFields>,
) -> PageResult {
    match keiro_app::customer_users::reset_password(&s.app, &p.ctx(), &id, &user).await {
        Ok((u, temp)) => {
            customer_page(&s, &p, &id, Some((u.email, temp)), StatusCode::OK, None).await
        }
        Err(e @ AppError::Forbidden { .. }) => {
            customer_page(
                &s,
                &p,
                &id,
                None,
                StatusCode::FORBIDDEN,
                Some(p.message_for(&e)),
            )
            .await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

#[derive(Deserialize)]
pub struct RolesForm {
    #[serde(default)]
    roles: Vec<String>,
}

/// Assigns a customer user's roles on the customer's behalf.
pub async fn customer_roles(
    State(s): State<AppState>,
    Path((id, user)): Path<(String, String)>,
    SignedForm(p, f): SignedForm<RolesForm>,
) -> PageResult {
    match keiro_app::customer_users::set_roles(&s.app, &p.ctx(), &id, &user, &f.roles, None).await {
        Ok(_) => Ok(Redirect::to(&format!("/customers/{id}/users")).into_response()),
        Err(
            e @ (AppError::Forbidden { .. } | AppError::Validation(_) | AppError::Conflict { .. }),
        ) => {
            let status = crate::problem::status_of(&e);
            customer_page(&s, &p, &id, None, status, Some(p.message_for(&e))).await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

#[derive(Deserialize)]
pub struct NewUserForm {
    email: String,
    full_name: String,
    #[serde(default)]
    roles: Vec<String>,
}

pub async fn customer_add_user(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<NewUserForm>,
) -> PageResult {
    match keiro_app::customer_users::create(
        &s.app,
        &p.ctx(),
        &id,
        &f.email,
        &f.full_name,
        &f.roles,
        None,
    )
    .await
    {
        Ok(o) => {
            let (u, temp) = o.value;
            let temp = temp.unwrap_or_default();
            customer_page(&s, &p, &id, Some((u.email, temp)), StatusCode::OK, None).await
        }
        Err(
            e @ (AppError::Forbidden { .. } | AppError::Validation(_) | AppError::Conflict { .. }),
        ) => {
            let status = crate::problem::status_of(&e);
            customer_page(&s, &p, &id, None, status, Some(p.message_for(&e))).await
        }
        Err(e) => Err(p.app_error(e)),
    }
}
