//! Portal pages for granular delegated admin (R-REL-8) and for acting in a customer (R-REL-9):
//! the partner's GDAP relationships, one relationship with its access assignments, security
//! groups, and a customer's page where a partner user does what its rights allow.

use super::draft::draft_page;
use super::{Base, Choice, DoneQuery, NoFields, PageResult, Portal, SignedForm, format, render, t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use keiro_app::AppError;
use keiro_app::gdap::{GdapView, NewGdap};
use keiro_domain::{Action, OrgKind, Role};
use serde::Deserialize;

mod groups;
pub use groups::*;

pub struct GdapRow {
    pub id: String,
    pub name: String,
    pub other: String,
    pub roles: String,
    pub state_code: String,
    pub state: String,
    pub ends: String,
    pub terminable: bool,
}

pub fn gdap_row(p: &Portal, v: &GdapView, customer_side: bool) -> GdapRow {
    let state = keiro_domain::gdap::GdapState::parse(&v.state);
    GdapRow {
        id: v.id.clone(),
        name: v.display_name.clone(),
        other: if customer_side {
            v.partner_name.clone()
        } else {
            v.customer_name.clone().unwrap_or_default()
        },
        roles: format::roles_text(p, &v.roles),
        state_code: v.state.clone(),
        state: t(p.lang, &format!("gdap-state-{}", v.state)),
        ends: v.ends_at.map(|t| p.time(t)).unwrap_or_default(),
        terminable: state.is_some_and(|s| s.terminable()),
    }
}

#[derive(Template)]
#[template(path = "gdap/list.html")]
pub struct GdapListPage {
    pub b: Base,
    pub rows: Vec<GdapRow>,
    pub roles: Vec<Choice>,
    pub customers: Vec<Choice>,
    pub manage_reason: Option<String>,
    pub name: String,
    pub days: String,
}

async fn list_page(
    s: &AppState,
    p: &Portal,
    status: StatusCode,
    error: Option<String>,
    name: String,
    days: String,
) -> PageResult {
    let ctx = p.ctx();
    let page = keiro_app::gdap::list(&s.app, &ctx, None, 200)
        .await
        .map_err(|e| p.app_error(e))?;
    let customers = keiro_app::relationships::customers(
        &s.app,
        &ctx,
        keiro_app::relationships::CustomerFilter {
            limit: 200,
            ..Default::default()
        },
    )
    .await
    .map(|c| c.items)
    .unwrap_or_default();
    let mut b = p.base("gdap-title");
    b.error = error;
    let page = GdapListPage {
        rows: page.items.iter().map(|v| gdap_row(p, v, false)).collect(),
        roles: Role::catalog(OrgKind::Customer)
            .iter()
            .map(|r| Choice {
                code: r.code().into(),
                label: t(p.lang, &format!("role-{}", r.code())),
            })
            .collect(),
        customers: customers
            .into_iter()
            .map(|c| Choice {
                code: c.id,
                label: c.legal_name,
            })
            .collect(),
        manage_reason: p.reason(Action::ManageGdap),
        name,
        days,
        b,
    };
    Ok((status, render(&page)).into_response())
}

/// The partner's GDAP relationships and the form for a new one.
pub async fn list(State(s): State<AppState>, p: Portal) -> PageResult {
    p.user()?;
    list_page(&s, &p, StatusCode::OK, None, String::new(), "90".into()).await
}

#[derive(Deserialize)]
pub struct NewForm {
    display_name: String,
    #[serde(default)]
    customer_id: String,
    #[serde(default)]
    roles: Vec<String>,
    duration_days: String,
    auto_extend: Option<String>,
}

pub async fn create(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<NewForm>,
) -> PageResult {
    let days = f.duration_days.trim().parse::<i64>().unwrap_or(0);
    let n = NewGdap {
        display_name: f.display_name.clone(),
        customer_id: Some(f.customer_id.clone()).filter(|c| !c.is_empty()),
        roles: f.roles.clone(),
        duration_days: days,
        auto_extend: f.auto_extend.as_deref() == Some("yes"),
    };
    match keiro_app::gdap::create(&s.app, &p.ctx(), n, None).await {
        Ok(o) => Ok(Redirect::to(&format!("/gdap/{}", o.value.id)).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let status = crate::problem::status_of(&e);
            list_page(
                &s,
                &p,
                status,
                Some(p.message_for(&e)),
                f.display_name,
                f.duration_days,
            )
            .await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

pub struct AssignmentRow {
    pub id: String,
    pub group: String,
    pub roles: String,
}

#[derive(Template)]
#[template(path = "gdap/one.html")]
pub struct GdapPage {
    pub b: Base,
    pub g: GdapRow,
    pub duration_days: i64,
    pub auto_extend: bool,
    pub can_request: bool,
    pub assignments: Vec<AssignmentRow>,
    pub groups: Vec<Choice>,
    pub roles: Vec<Choice>,
    pub manage_reason: Option<String>,
}

/// One relationship: its terms, state, approval request, access assignments, termination.
pub async fn one(
    State(s): State<AppState>,
    p: Portal,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    p.user()?;
    let ctx = p.ctx();
    let v = keiro_app::gdap::get(&s.app, &ctx, &id)
        .await
        .map_err(|e| p.app_error(e))?;
    // The portal shows up to the API's largest page of each.
    let groups = keiro_app::gdap::groups(&s.app, &ctx, None, 200)
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let assignments = keiro_app::gdap::assignments(&s.app, &ctx, &id, None, 200)
        .await
        .map_err(|e| p.app_error(e))?
        .items;
    let mut b = p.base("gdap-title");
    b.title = v.display_name.clone();
    if let Some(done) = q.done.as_deref() {
        b.notice = super::i18n::try_t(p.lang, &format!("gdap-done-{done}"), &[]);
    }
    let page = GdapPage {
        g: gdap_row(&p, &v, false),
        duration_days: v.duration_days,
        auto_extend: v.auto_extend,
        can_request: matches!(v.state.as_str(), "created" | "approval_pending"),
        assignments: assignments
            .into_iter()
            .map(|a| AssignmentRow {
                group: groups
                    .iter()
                    .find(|g| g.id == a.group_id)
                    .map(|g| g.name.clone())
                    .unwrap_or_default(),
                roles: format::roles_text(&p, &a.roles),
                id: a.id,
            })
            .collect(),
        groups: groups
            .into_iter()
            .map(|g| Choice {
                code: g.id,
                label: g.name,
            })
            .collect(),
        roles: v
            .roles
            .iter()
            .map(|r| Choice {
                code: r.clone(),
                label: t(p.lang, &format!("role-{r}")),
            })
            .collect(),
        manage_reason: p.reason(Action::ManageGdap),
        b,
    };
    Ok(render(&page))
}

pub async fn request_approval(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, NoFields {}): SignedForm<NoFields>,
) -> PageResult {
    let r =
        keiro_app::gdap::request_approval(&s.app, &p.ctx(), &id, Some(p.lang), None, None).await;
    draft_page(&p, r, &format!("/gdap/{id}"))
}

#[derive(Deserialize)]
pub struct AssignForm {
    group_id: String,
    #[serde(default)]
    roles: Vec<String>,
}

pub async fn assign(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<AssignForm>,
) -> PageResult {
    keiro_app::gdap::assign(&s.app, &p.ctx(), &id, &f.group_id, &f.roles, None)
        .await
        .map_err(|e| p.app_error(e))?;
    Ok(Redirect::to(&format!("/gdap/{id}?done=assigned")).into_response())
}

pub async fn unassign(
    State(s): State<AppState>,
    Path((id, assignment)): Path<(String, String)>,
    SignedForm(p, NoFields {}): SignedForm<NoFields>,
) -> PageResult {
    keiro_app::gdap::unassign(&s.app, &p.ctx(), &id, &assignment)
        .await
        .map_err(|e| p.app_error(e))?;
    Ok(Redirect::to(&format!("/gdap/{id}?done=unassigned")).into_response())
}

#[derive(Deserialize)]
pub struct ApproveForm {
    confirm: Option<String>,
}

/// The customer's admin center approves a pending relationship that names it.
pub async fn approve(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<ApproveForm>,
) -> PageResult {
    keiro_app::gdap::approve_named(&s.app, &p.ctx(), &id, f.confirm.as_deref() == Some("yes"))
        .await
        .map_err(|e| p.app_error(e))?;
    Ok(Redirect::to("/partners?done=gdap_approved").into_response())
}

/// Terminates from either side: the partner's page or the customer's Partners page.
pub async fn terminate(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, NoFields {}): SignedForm<NoFields>,
) -> PageResult {
    let u = p.user()?;
    keiro_app::gdap::terminate(&s.app, &p.ctx(), &id)
        .await
        .map_err(|e| p.app_error(e))?;
    Ok(if u.actor.org_kind == OrgKind::Customer {
        Redirect::to("/partners?done=gdap_terminated")
    } else {
        Redirect::to(&format!("/gdap/{id}?done=terminated"))
    }
    .into_response())
}
