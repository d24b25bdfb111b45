//! CSV imports in the portal (the membership registry, the catalog): the upload form's reading,
//! the job queued in the database (ADR 0008: any node runs it), and its progress page, then its
//! per-row report, on whichever node answers.

use super::{Base, PageResult, Portal, i18n, no_store, render, t, t_args};
use crate::state::AppState;
use askama::Template;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use keiro_app::jobs::JobView;
use keiro_domain::job::{JobKind, JobState};

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
    /// Still to finish: the page refreshes itself.
    pub running: Option<String>,
    pub restarted: Option<String>,
    pub summary: Option<String>,
    pub failed: Option<String>,
    pub errors: Vec<keiro_app::registry::RowError>,
    /// Claim secrets of new registry records, shown once.
    pub secrets: Vec<(String, String)>,
    /// Said instead of the secrets when they were shown before.
    pub secrets_shown: Option<String>,
    /// Where the page leads back to: (path, label).
    pub back: (String, String),
}

/// The message that sums up a finished job of `kind`; its arguments are the job's counts.
fn done_key(kind: JobKind) -> &'static str {
    match kind {
        JobKind::RegistryImport => "import-done",
        JobKind::CatalogImport => "catalog-import-done",
        JobKind::BenefitKeyImport => "benefit-keys-import-done",
        JobKind::BenefitCatalogImport => "benefit-catalog-import-done",
    }
}

/// The progress page of an import, then its report (shared by the registry and the catalog).
fn import_page(p: &Portal, job: JobView, back: (&str, &str)) -> Response {
    let lang = p.lang;
    let mut page = ImportPage {
        b: p.base("import-title"),
        running: None,
        restarted: job.restarted.then(|| t(lang, "import-restarted")),
        summary: None,
        failed: None,
        errors: vec![],
        secrets: vec![],
        secrets_shown: None,
        back: (back.0.to_string(), t(lang, back.1)),
    };
    match job.state {
        JobState::Queued => page.running = Some(t(lang, "import-queued")),
        JobState::Running => {
            page.running = Some(t_args(
                lang,
                "import-running",
                &[
                    ("done", job.done.to_string()),
                    ("total", job.total.to_string()),
                ],
            ))
        }
        JobState::Failed => {
            let (code, message) = job.error.unwrap_or_default();
            let args = [("request_id", format!("job-{}", job.id))];
            let message = i18n::try_t(lang, &format!("error-{code}"), &args).unwrap_or(message);
            page.failed = Some(t_args(lang, "import-failed", &[("message", message)]));
        }
        JobState::Done => {
            let args: Vec<(&str, String)> = job
                .summary
                .iter()
                .map(|(k, v)| (k.as_str(), v.to_string()))
                .collect();
            page.summary = Some(t_args(lang, done_key(job.kind), &args));
            page.errors = job.lines;
            let created = job.summary.get("created").copied().unwrap_or(0);
            if job.secrets.is_empty() && job.kind == JobKind::RegistryImport && created > 0 {
                page.secrets_shown = Some(t(lang, "import-secrets-shown"));
            }
            page.secrets = job.secrets;
        }
    }
    no_store(render(&page))
}

/// Queues an import of the uploaded CSV as a job of `kind` and sends the browser to its
/// progress page, `{at}/{id}`.
pub async fn start(s: &AppState, p: &Portal, mp: Multipart, kind: JobKind, at: &str) -> PageResult {
    let csv = csv_upload(p, mp).await?;
    let id = keiro_app::jobs::submit(&s.app, &p.ctx(), kind, csv)
        .await
        .map_err(|e| p.app_error(e))?;
    Ok(Redirect::to(&format!("{at}/{id}")).into_response())
}

/// The progress page of one of the user's imports (404 for anyone else's), leading back to
/// `back`: (path, label key).
pub async fn status(s: &AppState, p: &Portal, id: &str, back: (&str, &str)) -> PageResult {
    p.user()?;
    match keiro_app::jobs::view(&s.app, &p.ctx(), id).await {
        Ok(job) => Ok(import_page(p, job, back)),
        Err(keiro_app::AppError::NotFound(_)) => {
            Err(p.error_page(StatusCode::NOT_FOUND, &t(p.lang, "error-not_found")))
        }
        Err(e) => Err(p.app_error(e)),
    }
}
