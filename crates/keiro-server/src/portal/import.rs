//! CSV imports in the portal (the membership registry, the catalog): the upload form's reading,
//! the job started in the background, and its progress page, then its per-row report.

use super::{Base, PageResult, Portal, no_store, render, t, t_args};
use crate::imports::{Job, Report};
use crate::state::AppState;
use askama::Template;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::future::Future;
use std::sync::Arc;

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

/// Runs an import of the uploaded CSV in the background (`run` gets the app, the user's context,
/// the text and a progress callback's job) and sends the browser to its progress page,
/// `{at}/{id}`.
pub async fn start<F, Fut>(s: &AppState, p: &Portal, mp: Multipart, at: &str, run: F) -> PageResult
where
    F: FnOnce(keiro_app::App, keiro_app::Ctx, String, Arc<Job>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let csv = csv_upload(p, mp).await?;
    let me = p.user()?;
    let (id, job) = s.imports.start(&me.user.id);
    tokio::spawn(run(s.app.clone(), p.ctx(), csv, job));
    Ok(Redirect::to(&format!("{at}/{id}")).into_response())
}

/// The progress page of one of the user's imports (404 for anyone else's), leading back to
/// `back`: (path, label key).
pub fn status(s: &AppState, p: &Portal, id: &str, back: (&str, &str)) -> PageResult {
    let me = p.user()?;
    let Some(job) = s.imports.get(id, &me.user.id) else {
        return Err(p.error_page(StatusCode::NOT_FOUND, &t(p.lang, "error-not_found")));
    };
    Ok(import_page(p, &job, back))
}
