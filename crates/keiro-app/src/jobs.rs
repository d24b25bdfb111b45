//! Background jobs (ADR 0008): long-running work a user starts, kept as rows so that any node
//! runs it and any node shows it. `submit` stores the job (with its input) and its audit row in
//! one transaction; each node's worker calls [`run_next`], which claims one job (a guarded
//! update, as the outbox), runs it in ONE transaction that also records its outcome, and gives
//! it up if another node took it over. A node that dies mid-job leaves its transaction rolled
//! back and its lease running out; the next worker starts the job again, and the page says so.

use crate::audit::{self, Event};
use crate::registry::RowError;
use crate::{App, AppError, AppResult, Ctx, CurrentUser};
use keiro_domain::code::Code;
use keiro_domain::job::{self, JobKind, JobState};
use keiro_store::entities::{job as job_row, job_line};
use keiro_store::repo;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What a finished job reports: its counts (named as the page's message names them), the
/// per-row report, and what is shown once (claim secrets).
#[derive(Debug, Clone, Default)]
pub struct JobOutput {
    pub summary: BTreeMap<String, i64>,
    pub lines: Vec<RowError>,
    pub secrets: Vec<(String, String)>,
}

impl From<crate::registry::ImportReport> for JobOutput {
    fn from(r: crate::registry::ImportReport) -> Self {
        JobOutput {
            summary: counts(&[
                ("rows", r.rows),
                ("created", r.created),
                ("updated", r.updated),
                ("errors", r.errors.len()),
            ]),
            lines: r.errors,
            secrets: r.secrets,
        }
    }
}

impl From<crate::catalog::CatalogImportReport> for JobOutput {
    fn from(r: crate::catalog::CatalogImportReport) -> Self {
        JobOutput {
            summary: counts(&[
                ("rows", r.rows),
                ("products", r.products_created),
                ("created", r.offers_created),
                ("updated", r.offers_updated),
                ("errors", r.errors.len()),
            ]),
            lines: r.errors,
            secrets: vec![],
        }
    }
}

impl From<crate::benefits::KeyImportReport> for JobOutput {
    fn from(r: crate::benefits::KeyImportReport) -> Self {
        JobOutput {
            summary: counts(&[
                ("rows", r.rows),
                ("created", r.imported),
                ("errors", r.errors.len()),
            ]),
            lines: r.errors,
            secrets: vec![],
        }
    }
}

impl From<crate::benefits::CatalogImportReport> for JobOutput {
    fn from(r: crate::benefits::CatalogImportReport) -> Self {
        JobOutput {
            summary: counts(&[
                ("rows", r.rows),
                ("created", r.created),
                ("updated", r.updated),
                ("errors", r.errors.len()),
            ]),
            lines: r.errors,
            secrets: vec![],
        }
    }
}

fn counts(c: &[(&str, usize)]) -> BTreeMap<String, i64> {
    c.iter().map(|(k, v)| (k.to_string(), *v as i64)).collect()
}

/// A job as its page shows it.
#[derive(Debug, Clone)]
pub struct JobView {
    pub id: String,
    pub kind: JobKind,
    pub state: JobState,
    pub done: i64,
    pub total: i64,
    /// Started again after the node running it stopped.
    pub restarted: bool,
    pub summary: BTreeMap<String, i64>,
    pub lines: Vec<RowError>,
    /// Shown to the first reader of the finished job only, on whichever node.
    pub secrets: Vec<(String, String)>,
    /// The problem code and message of a failed job.
    pub error: Option<(String, String)>,
}

/// This node's share: the progress of the jobs it runs (fresher than the row, which is written
/// once a second; on SQLite the row waits for the job's transaction), and a bell that wakes
/// its worker when a job is submitted here.
#[derive(Default)]
pub struct Local {
    running: Mutex<HashMap<String, Arc<Progress>>>,
    pub wake: tokio::sync::Notify,
}

#[derive(Default)]
struct Progress {
    done: AtomicUsize,
    total: AtomicUsize,
}

impl Progress {
    fn get(&self) -> (i64, i64) {
        (
            self.done.load(Ordering::Relaxed) as i64,
            self.total.load(Ordering::Relaxed) as i64,
        )
    }
}

impl Local {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Progress>>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }
    fn progress(&self, id: &str) -> Option<(i64, i64)> {
        self.map().get(id).map(|p| p.get())
    }
    fn ids(&self) -> Vec<String> {
        self.map().keys().cloned().collect()
    }
}

/// Checks that the user may start a job of `kind` (the same check runs again when it starts).
fn authorize(ctx: &Ctx, kind: JobKind) -> AppResult<&CurrentUser> {
    match kind {
        JobKind::RegistryImport => crate::registry::may_import(ctx)?,
        JobKind::CatalogImport => crate::catalog::may_import(ctx)?,
        JobKind::BenefitKeyImport => crate::benefits::may_import_keys(ctx)?,
        JobKind::BenefitCatalogImport => crate::benefits::may_import_catalog(ctx)?,
    }
    ctx.user()
}

/// Queues a job of `kind` on `input` (an uploaded file's text): the row and its audit row in
/// one transaction; returns its id. This node's worker is woken to start it at once.
pub async fn submit(app: &App, ctx: &Ctx, kind: JobKind, input: String) -> AppResult<String> {
    let me = authorize(ctx, kind)?;
    let id = uuid::Uuid::now_v7().to_string();
    let now = app.now();
    let tx = app.db.begin().await?;
    repo::insert(
        &tx,
        job_row::Model {
            id: id.clone(),
            kind: kind.code().into(),
            org_id: me.org.id.clone(),
            user_id: me.user.id.clone(),
            state: JobState::Queued.code().into(),
            input,
            attempts: 0,
            claimed_by: None,
            lease_until: 0,
            done_count: 0,
            total_count: 0,
            summary: None,
            secrets: None,
            error_code: None,
            error_message: None,
            created_at: now,
            updated_at: now,
            finished_at: None,
        },
    )
    .await?;
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("job.submitted", "job", &id)
            .in_org(&me.org.id)
            .details(serde_json::json!({ "kind": kind.code() })),
    )
    .await?;
    tx.commit().await?;
    app.jobs.wake.notify_one();
    Ok(id)
}

/// One of the user's jobs (404 for anyone else's). Reading a finished job's secrets clears
/// them (a guarded update), so they are shown once, whichever node serves the page.
pub async fn view(app: &App, ctx: &Ctx, id: &str) -> AppResult<JobView> {
    let me = ctx.user()?;
    let not_found = AppError::NotFound("job");
    let j = repo::jobs::get_for_user(app.db.reader(), id, &me.user.id)
        .await?
        .ok_or(not_found)?;
    let kind = JobKind::from_code(&j.kind).ok_or(AppError::NotFound("job"))?;
    let state = JobState::from_code(&j.state).ok_or(AppError::NotFound("job"))?;
    let (done, total) = app
        .jobs
        .progress(&j.id)
        .unwrap_or((j.done_count, j.total_count));
    let mut v = JobView {
        id: j.id.clone(),
        kind,
        state,
        done,
        total,
        restarted: job::restarted(j.attempts),
        summary: BTreeMap::new(),
        lines: vec![],
        secrets: vec![],
        error: j
            .error_code
            .clone()
            .map(|c| (c, j.error_message.clone().unwrap_or_default())),
    };
    if state == JobState::Done {
        v.summary = j
            .summary
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default();
        v.lines = repo::jobs::lines(app.db.reader(), &j.id)
            .await?
            .into_iter()
            .map(|l| RowError {
                line: l.line as usize,
                field: l.field,
                code: l.code,
                message: l.message,
            })
            .collect();
        if let Some(s) = j.secrets.as_deref() {
            let tx = app.db.begin().await?;
            if repo::jobs::take_secrets(&tx, &j.id).await? {
                v.secrets = serde_json::from_str(s).unwrap_or_default();
            }
            tx.commit().await?;
        }
    }
    Ok(v)
}

/// Forgets this node's progress of a job and stops its heartbeat, however the run ends.
struct Running<'a> {
    local: &'a Local,
    id: String,
    beat: tokio::task::JoinHandle<()>,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.beat.abort();
        self.local.map().remove(&self.id);
    }
}

fn ms(t: time::OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// One pass of a node's worker: claims the oldest job it may take and runs it to its end.
/// Returns the id of the job it ran (whatever its outcome), or `None` when there was none.
pub async fn run_next(app: &App, node: &str) -> AppResult<Option<String>> {
    let lease = time::Duration::seconds(app.config.job_lease_secs.max(1));
    let now = app.now();
    let tx = app.db.begin().await?;
    let claimed =
        repo::jobs::claim(&tx, node, ms(now), ms(now + lease), &app.jobs.ids(), now).await?;
    tx.commit().await?;
    let Some(j) = claimed else {
        return Ok(None);
    };
    let hold = (j.id.as_str(), node, j.attempts);
    let kind = JobKind::from_code(&j.kind);
    if j.attempts > job::MAX_ATTEMPTS || kind.is_none() {
        let (code, message) = match kind {
            None => (
                "job_unknown_kind",
                format!("no worker runs jobs of kind {}", j.kind),
            ),
            Some(_) => (
                "job_gave_up",
                format!("the job stopped its node {} times", job::MAX_ATTEMPTS),
            ),
        };
        tracing::warn!(job = %j.id, code, "job failed for good");
        let tx = app.db.begin().await?;
        repo::jobs::fail(&tx, hold, code, &message, app.now()).await?;
        tx.commit().await?;
        return Ok(Some(j.id));
    }
    let kind = kind.expect("checked above");
    if j.attempts > 1 {
        tracing::info!(job = %j.id, attempt = j.attempts, "job taken over from a stopped node");
    }
    let progress = Arc::new(Progress::default());
    app.jobs.map().insert(j.id.clone(), progress.clone());
    let _running = Running {
        local: &app.jobs,
        id: j.id.clone(),
        beat: tokio::spawn(heartbeat(
            app.clone(),
            (j.id.clone(), node.to_string(), j.attempts),
            progress.clone(),
            lease,
        )),
    };
    // The job acts as the user who started it, with the rights they hold now.
    let ctx = Ctx {
        user: CurrentUser::load(app.db.reader(), &j.user_id).await?,
        request_id: Some(format!("job-{}", j.id)),
        client_ip: String::new(),
    };
    let on_row = |done: usize, total: usize| {
        progress.total.store(total, Ordering::Relaxed);
        progress.done.store(done, Ordering::Relaxed);
    };
    let tx = app.db.begin().await?;
    let outcome: AppResult<JobOutput> = match kind {
        JobKind::RegistryImport => crate::registry::import_in(app, &ctx, &tx, &j.input, &on_row)
            .await
            .map(Into::into),
        JobKind::CatalogImport => crate::catalog::import_in(app, &ctx, &tx, &j.input, &on_row)
            .await
            .map(Into::into),
        JobKind::BenefitKeyImport => {
            crate::benefits::import_keys_in(app, &ctx, &tx, &j.input, &on_row)
                .await
                .map(Into::into)
        }
        JobKind::BenefitCatalogImport => {
            crate::benefits::import_catalog_in(app, &ctx, &tx, &j.input, &on_row)
                .await
                .map(Into::into)
        }
    };
    match outcome {
        Ok(out) => {
            let total = progress.get().1;
            let secrets = (!out.secrets.is_empty())
                .then(|| serde_json::to_string(&out.secrets).unwrap_or_default());
            let summary = serde_json::to_string(&out.summary).unwrap_or_default();
            if repo::jobs::finish(&tx, hold, &summary, secrets, total, app.now()).await? {
                let lines = out
                    .lines
                    .into_iter()
                    .enumerate()
                    .map(|(n, l)| job_line::Model {
                        job_id: j.id.clone(),
                        seq: n as i64,
                        line: l.line as i64,
                        field: l.field,
                        code: l.code,
                        message: l.message,
                    })
                    .collect();
                repo::jobs::add_lines(&tx, lines).await?;
                tx.commit().await?;
            } else {
                // Another node took the job over: its run counts, this one is rolled back.
                tracing::warn!(job = %j.id, "job lost to another node; its work is rolled back");
            }
        }
        Err(e) => {
            drop(tx);
            if let AppError::Internal(m) = &e {
                tracing::error!(job = %j.id, error = %m, "job failed");
            }
            let tx = app.db.begin().await?;
            repo::jobs::fail(&tx, hold, e.code(), &e.to_string(), app.now()).await?;
            tx.commit().await?;
        }
    }
    Ok(Some(j.id))
}

/// Renews the job's lease with its progress every second (or a third of the lease, if
/// shorter) until the run ends or the job is lost.
async fn heartbeat(
    app: App,
    (id, node, attempts): (String, String, i64),
    progress: Arc<Progress>,
    lease: time::Duration,
) {
    let every =
        std::time::Duration::from_millis((lease.whole_milliseconds() / 3).clamp(100, 1000) as u64);
    loop {
        tokio::time::sleep(every).await;
        let beat = async {
            let tx = app.db.begin().await?;
            let kept = repo::jobs::beat(
                &tx,
                (&id, &node, attempts),
                progress.get(),
                ms(app.now() + lease),
            )
            .await?;
            tx.commit().await?;
            AppResult::Ok(kept)
        };
        match beat.await {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => tracing::debug!(job = %id, error = %e, "job heartbeat not written"),
        }
    }
}
