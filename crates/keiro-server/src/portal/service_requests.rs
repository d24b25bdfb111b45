//! Portal pages for service requests (R-CUS-1): a customer's admins at `/support`, partner users
//! under `/customers/{id}/servicerequests` with the customer's rights. One pair of pages serves
//! both; the customer's own id is just another customer id to them.

use super::{Base, PageResult, Portal, SignedForm, render, t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use keiro_app::AppError;
use keiro_app::service_requests::RequestView;
use keiro_domain::service_request::{Severity, Status};
use serde::Deserialize;

pub struct Row {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub status: String,
    pub updated: String,
}

pub struct Choice {
    pub code: &'static str,
    pub label: String,
}

#[derive(Template)]
#[template(path = "service_requests/list.html")]
pub struct ListPage {
    pub b: Base,
    pub base: String,
    pub rows: Vec<Row>,
    pub severities: Vec<Choice>,
    /// The customer's subscriptions the user sees, for "about" (id, offer name).
    pub subscriptions: Vec<(String, String)>,
}

fn row(p: &Portal, v: RequestView) -> Row {
    Row {
        id: v.id,
        title: v.title,
        severity: t(p.lang, &format!("sr-severity-{}", v.severity)),
        status: t(p.lang, &format!("sr-status-{}", v.status)),
        updated: p.time(v.updated_at),
    }
}

/// The customer's own service requests.
pub async fn mine(p: Portal) -> PageResult {
    let u = p.user()?;
    Ok(Redirect::to(&format!("/customers/{}/servicerequests", u.org.id)).into_response())
}

async fn list_page(
    s: &AppState,
    p: &Portal,
    id: &str,
    status: StatusCode,
    error: Option<String>,
) -> PageResult {
    let page = keiro_app::service_requests::list(&s.app, &p.ctx(), id, None, 100)
        .await
        .map_err(|e| p.app_error(e))?;
    let subscriptions = keiro_app::subscriptions::list(&s.app, &p.ctx(), Some(id), None, None, 200)
        .await
        .map(|pg| {
            pg.items
                .into_iter()
                .filter(|v| !matches!(v.state.as_str(), "cancelled" | "expired"))
                .map(|v| {
                    (
                        v.id.clone(),
                        format!("{} × {}", v.offer_name(p.lang), v.quantity),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut b = p.base("sr-title");
    b.error = error;
    let page = ListPage {
        subscriptions,
        base: format!("/customers/{id}/servicerequests"),
        rows: page.items.into_iter().map(|v| row(p, v)).collect(),
        severities: Severity::ALL
            .iter()
            .map(|s| Choice {
                code: s.code(),
                label: t(p.lang, &format!("sr-severity-{}", s.code())),
            })
            .collect(),
        b,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn list(State(s): State<AppState>, p: Portal, Path(id): Path<String>) -> PageResult {
    p.user()?;
    list_page(&s, &p, &id, StatusCode::OK, None).await
}

#[derive(Deserialize)]
pub struct NewForm {
    title: String,
    description: String,
    severity: String,
    #[serde(default)]
    subscription: String,
}

pub async fn create(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<NewForm>,
) -> PageResult {
    match keiro_app::service_requests::create(
        &s.app,
        &p.ctx(),
        &id,
        &f.title,
        &f.description,
        &f.severity,
        Some(f.subscription.as_str()),
        None,
    )
    .await
    {
        Ok(o) => Ok(
            Redirect::to(&format!("/customers/{id}/servicerequests/{}", o.value.id))
                .into_response(),
        ),
        Err(e @ AppError::Validation(_)) => {
            list_page(
                &s,
                &p,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(p.message_for(&e)),
            )
            .await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

pub struct NoteRow {
    pub author: String,
    pub body: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "service_requests/one.html")]
pub struct OnePage {
    pub b: Base,
    pub base: String,
    pub v: Row,
    pub description: String,
    pub closed: bool,
    pub version: i64,
    pub notes: Vec<NoteRow>,
    pub statuses: Vec<Choice>,
}

async fn one_page(
    s: &AppState,
    p: &Portal,
    id: &str,
    rid: &str,
    status: StatusCode,
    error: Option<String>,
) -> PageResult {
    let v = keiro_app::service_requests::get(&s.app, &p.ctx(), id, rid)
        .await
        .map_err(|e| p.app_error(e))?;
    let mut b = p.base("sr-title");
    b.title = v.title.clone();
    b.error = error;
    let page = OnePage {
        base: format!("/customers/{id}/servicerequests"),
        closed: v.status == Status::Closed.code(),
        version: v.version,
        description: v.description.clone(),
        notes: v
            .notes
            .iter()
            .map(|n| NoteRow {
                author: n.author_name.clone(),
                body: n.body.clone(),
                at: p.time(n.created_at),
            })
            .collect(),
        statuses: Status::ALL
            .iter()
            .map(|s| Choice {
                code: s.code(),
                label: t(p.lang, &format!("sr-status-{}", s.code())),
            })
            .collect(),
        v: row(p, v),
        b,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn one(
    State(s): State<AppState>,
    p: Portal,
    Path((id, rid)): Path<(String, String)>,
) -> PageResult {
    p.user()?;
    one_page(&s, &p, &id, &rid, StatusCode::OK, None).await
}

#[derive(Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    note: String,
    status: Option<String>,
    version: Option<i64>,
}

/// Adds a note, or changes the status (with the version read, so a concurrent change is told).
pub async fn update(
    State(s): State<AppState>,
    Path((id, rid)): Path<(String, String)>,
    SignedForm(p, f): SignedForm<UpdateForm>,
) -> PageResult {
    let ctx = p.ctx();
    let r = match &f.status {
        Some(st) => {
            keiro_app::service_requests::set_status(&s.app, &ctx, &id, &rid, st, f.version).await
        }
        None => keiro_app::service_requests::add_note(&s.app, &ctx, &id, &rid, &f.note, None)
            .await
            .map(|o| o.value),
    };
    match r {
        Ok(_) => {
            Ok(Redirect::to(&format!("/customers/{id}/servicerequests/{rid}")).into_response())
        }
        Err(
            e
            @ (AppError::Validation(_) | AppError::Conflict { .. } | AppError::PreconditionFailed),
        ) => {
            let status = crate::problem::status_of(&e);
            one_page(&s, &p, &id, &rid, status, Some(p.message_for(&e))).await
        }
        Err(e) => Err(p.app_error(e)),
    }
}
