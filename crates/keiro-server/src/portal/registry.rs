//! Portal pages for the membership registry (operator staff): list and search, add (claim
//! secret shown once), edit, replace the secret, and CSV import with progress.

use super::{Base, Portal, no_store, render, t, t_args};
use crate::imports::Report;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{Form, FormRejection};
use keiro_app::AppError;
use keiro_app::registry::{RecordInput, RecordView};
use keiro_domain::Action;
use serde::Deserialize;

type PageResult = Result<Response, Response>;

fn require(p: &Portal) -> Result<(), Response> {
    let u = p.user()?;
    u.require(Action::ManageMembershipRegistry, "page")
        .map_err(|e| p.app_error(e))
}

#[derive(Template)]
#[template(path = "registry.html")]
pub struct RegistryPage {
    pub b: Base,
    pub q: String,
    pub rows: Vec<RecordView>,
    pub next: Option<String>,
    pub input: RecordInput,
    pub secret: Option<(String, String)>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    cursor: Option<String>,
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

pub async fn list(State(s): State<AppState>, p: Portal, Query(q): Query<ListQuery>) -> PageResult {
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
    csrf: String,
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
    p: Portal,
    f: Result<Form<RecordForm>, FormRejection>,
) -> PageResult {
    let f = p.form(f)?;
    require(&p)?;
    p.check_csrf(&f.csrf)?;
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
#[template(path = "registry_record.html")]
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

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
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
    p: Portal,
    Path(id): Path<String>,
    f: Result<Form<RecordForm>, FormRejection>,
) -> PageResult {
    let f = p.form(f)?;
    require(&p)?;
    p.check_csrf(&f.csrf)?;
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

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn new_secret(
    State(s): State<AppState>,
    p: Portal,
    Path(id): Path<String>,
    f: Result<Form<CsrfForm>, FormRejection>,
) -> PageResult {
    let f = p.form(f)?;
    require(&p)?;
    p.check_csrf(&f.csrf)?;
    let secret = keiro_app::registry::new_secret(&s.app, &p.ctx(), &id)
        .await
        .map_err(|e| p.app_error(e))?;
    record_page(&s, &p, &id, None, Some(secret), None).await
}

/// Reads an uploaded CSV import (`csrf` and `file` fields, UTF-8), checking the form token;
/// a readable error page otherwise. Shared by the registry and the catalog imports.
pub async fn csv_upload(p: &Portal, mut mp: Multipart) -> Result<String, Response> {
    let (mut csrf, mut csv) = (String::new(), None);
    let bad = |p: &Portal| {
        p.error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &t(p.lang, "error-invalid_csv"),
        )
    };
    while let Some(field) = mp.next_field().await.map_err(|_| bad(p))? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(|_| bad(p))?,
            Some("file") => {
                let bytes = field.bytes().await.map_err(|_| bad(p))?;
                csv = Some(keiro_app::registry::decode_csv(&bytes).map_err(|e| {
                    p.error_page(StatusCode::UNPROCESSABLE_ENTITY, &p.message_for(&e))
                })?);
            }
            _ => {}
        }
    }
    p.check_csrf(&csrf)?;
    csv.ok_or_else(|| bad(p))
}

/// Starts an import in the background and sends the browser to its progress page.
pub async fn import(State(s): State<AppState>, p: Portal, mp: Multipart) -> PageResult {
    require(&p)?;
    let csv = csv_upload(&p, mp).await?;
    let me = p.user()?;
    let (id, job) = s.imports.start(&me.user.id);
    let (app, ctx) = (s.app.clone(), p.ctx());
    tokio::spawn(async move {
        let r = keiro_app::registry::import_csv(&app, &ctx, &csv, &|d, t| job.progress(d, t)).await;
        job.finish(r.map(Report::Registry).map_err(|e| e.to_string()));
    });
    Ok(Redirect::to(&format!("/operator/registry/imports/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "import.html")]
pub struct ImportPage {
    pub b: Base,
    pub running: Option<String>,
    pub summary: Option<String>,
    pub failed: Option<String>,
    pub errors: Vec<keiro_app::registry::RowError>,
    /// Claim secrets of new registry records, shown once.
    pub secrets: Vec<(String, String)>,
    /// Where the page leads back to: (path, label).
    pub back: (String, String),
}

/// The progress page of an import, then its report (shared by the registry and the catalog).
pub fn import_page(p: &Portal, job: &crate::imports::Job, back: (&str, &str)) -> Response {
    let mut page = ImportPage {
        b: p.base("import-title"),
        running: None,
        summary: None,
        failed: None,
        errors: vec![],
        secrets: vec![],
        back: (back.0.to_string(), t(p.lang, back.1)),
    };
    match job.take_report() {
        None => {
            let (done, total) = crate::imports::progress(job);
            page.running = Some(t_args(
                p.lang,
                "import-running",
                &[("done", done.to_string()), ("total", total.to_string())],
            ));
        }
        Some(Err(m)) => page.failed = Some(t_args(p.lang, "import-failed", &[("message", m)])),
        Some(Ok(Report::Registry(r))) => {
            page.summary = Some(t_args(
                p.lang,
                "import-done",
                &[
                    ("rows", r.rows.to_string()),
                    ("created", r.created.to_string()),
                    ("updated", r.updated.to_string()),
                    ("errors", r.errors.len().to_string()),
                ],
            ));
            page.errors = r.errors;
            page.secrets = r.secrets;
        }
        Some(Ok(Report::Catalog(r))) => {
            page.summary = Some(t_args(
                p.lang,
                "catalog-import-done",
                &[
                    ("rows", r.rows.to_string()),
                    ("products", r.products_created.to_string()),
                    ("created", r.offers_created.to_string()),
                    ("updated", r.offers_updated.to_string()),
                    ("errors", r.errors.len().to_string()),
                ],
            ));
            page.errors = r.errors;
        }
    }
    no_store(render(&page))
}

pub async fn import_status(
    p: Portal,
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> PageResult {
    require(&p)?;
    let me = p.user()?;
    let Some(job) = s.imports.get(&id, &me.user.id) else {
        return Err(p.error_page(StatusCode::NOT_FOUND, &t(p.lang, "error-not_found")));
    };
    Ok(import_page(
        &p,
        &job,
        ("/operator/registry", "registry-title"),
    ))
}
