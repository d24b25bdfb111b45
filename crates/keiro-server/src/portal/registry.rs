//! Portal pages for the membership registry (operator staff): list and search, add (claim
//! secret shown once), edit, replace the secret, and CSV import with progress.

use super::paging::SearchQuery;
use super::{Base, DoneQuery, NoFields, PageResult, Portal, SignedForm, no_store, render, t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use keiro_app::AppError;
use keiro_app::registry::{RecordInput, RecordView};
use keiro_domain::Action;
use serde::Deserialize;

fn require(p: &Portal) -> Result<(), Response> {
    let u = p.user()?;
    u.require(Action::ManageMembershipRegistry, "page")
        .map_err(|e| p.app_error(e))
}

#[derive(Template)]
#[template(path = "registry/list.html")]
pub struct RegistryPage {
    pub b: Base,
    pub q: String,
    pub rows: Vec<RecordView>,
    pub next: Option<String>,
    pub input: RecordInput,
    pub secret: Option<(String, String)>,
}

fn blank() -> RecordInput {
    RecordInput {
        partner_id: String::new(),
        organization_name: String::new(),
        country: "JP".into(),
        level: "none".into(),
        status: "active".into(),
        expires_on: None,
    }
}

async fn registry_page(
    s: &AppState,
    p: &Portal,
    q: Option<String>,
    cursor: Option<&str>,
    input: RecordInput,
    secret: Option<(String, String)>,
    error: Option<(StatusCode, String)>,
) -> PageResult {
    require(p)?;
    let page = keiro_app::registry::list(&s.app, &p.ctx(), q.as_deref(), cursor, 50)
        .await
        .map_err(|e| p.app_error(e))?;
    let mut b = p.base("registry-title");
    let status = error.as_ref().map(|x| x.0).unwrap_or(StatusCode::OK);
    b.error = error.map(|x| x.1);
    let query = q.unwrap_or_default();
    let next = page.next_cursor.map(|c| {
        let qs = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("q", &query)
            .append_pair("cursor", &c)
            .finish();
        format!("/operator/registry?{qs}")
    });
    Ok(no_store(
        (
            status,
            render(&RegistryPage {
                b,
                q: query,
                rows: page.items,
                next,
                input,
                secret,
            }),
        )
            .into_response(),
    ))
}

pub async fn list(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<SearchQuery>,
) -> PageResult {
    let cursor = q
        .cursor
        .as_deref()
        .filter(|c| uuid::Uuid::parse_str(c).is_ok());
    registry_page(
        &s,
        &p,
        q.q.filter(|x| !x.is_empty()),
        cursor,
        blank(),
        None,
        None,
    )
    .await
}

#[derive(Deserialize)]
pub struct RecordForm {
    #[serde(default)]
    partner_id: String,
    organization_name: String,
    country: String,
    level: String,
    status: String,
    #[serde(default)]
    expires_on: String,
    version: Option<i64>,
}

impl RecordForm {
    fn input(&self) -> RecordInput {
        RecordInput {
            partner_id: self.partner_id.clone(),
            organization_name: self.organization_name.clone(),
            country: self.country.clone(),
            level: self.level.clone(),
            status: self.status.clone(),
            expires_on: Some(self.expires_on.clone()),
        }
    }
}

pub async fn create(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<RecordForm>,
) -> PageResult {
    require(&p)?;
    match keiro_app::registry::create(&s.app, &p.ctx(), f.input(), None).await {
        Ok(o) => {
            let (r, secret) = o.value;
            let secret = secret.unwrap_or_default();
            registry_page(
                &s,
                &p,
                None,
                None,
                blank(),
                Some((r.partner_id, secret)),
                None,
            )
            .await
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let msg = p.message_for(&e);
            registry_page(
                &s,
                &p,
                None,
                None,
                f.input(),
                None,
                Some((crate::problem::status_of(&e), msg)),
            )
            .await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

#[derive(Template)]
#[template(path = "registry/record.html")]
pub struct RecordPage {
    pub b: Base,
    pub r: RecordView,
    pub secret: Option<String>,
}

async fn record_page(
    s: &AppState,
    p: &Portal,
    id: &str,
    notice: Option<String>,
    secret: Option<String>,
    error: Option<(StatusCode, String)>,
) -> PageResult {
    require(p)?;
    let r = keiro_app::registry::get(&s.app, &p.ctx(), id)
        .await
        .map_err(|e| p.app_error(e))?;
    let mut b = p.base("registry-edit");
    b.notice = notice;
    let status = error.as_ref().map(|x| x.0).unwrap_or(StatusCode::OK);
    b.error = error.map(|x| x.1);
    Ok(no_store(
        (status, render(&RecordPage { b, r, secret })).into_response(),
    ))
}

pub async fn record(
    State(s): State<AppState>,
    p: Portal,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let notice = q.done.is_some().then(|| t(p.lang, "registry-saved"));
    record_page(&s, &p, &id, notice, None, None).await
}

pub async fn update(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<RecordForm>,
) -> PageResult {
    require(&p)?;
    match keiro_app::registry::update(&s.app, &p.ctx(), &id, f.input(), f.version).await {
        Ok(_) => Ok(Redirect::to(&format!("/operator/registry/{id}?done=1")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::PreconditionFailed)) => {
            let msg = p.message_for(&e);
            record_page(
                &s,
                &p,
                &id,
                None,
                None,
                Some((crate::problem::status_of(&e), msg)),
            )
            .await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

pub async fn new_secret(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, NoFields {}): SignedForm<NoFields>,
) -> PageResult {
    require(&p)?;
    let secret = keiro_app::registry::new_secret(&s.app, &p.ctx(), &id)
        .await
        .map_err(|e| p.app_error(e))?;
    record_page(&s, &p, &id, None, Some(secret), None).await
}

/// Queues an import (a job any node runs) and sends the browser to its progress page.
pub async fn import(State(s): State<AppState>, p: Portal, mp: Multipart) -> PageResult {
    require(&p)?;
    super::import::start(
        &s,
        &p,
        mp,
        keiro_domain::job::JobKind::RegistryImport,
        "/operator/registry/imports",
    )
    .await
}

pub async fn import_status(
    p: Portal,
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> PageResult {
    require(&p)?;
    super::import::status(&s, &p, &id, ("/operator/registry", "registry-title")).await
}
