//! Background CSV imports with progress the portal can show. Node-local and safe to lose: the
//! import itself is one transaction; losing this state (a restart) only loses the progress page.
//! Behind several nodes, the progress page needs sticky sessions to find its job.

use keiro_app::catalog::CatalogImportReport;
use keiro_app::registry::ImportReport;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What an import reports when it is done.
#[derive(Debug, Clone)]
pub enum Report {
    Registry(ImportReport),
    Catalog(CatalogImportReport),
}

#[derive(Debug, Default)]
pub struct Job {
    pub owner_user_id: String,
    pub done: AtomicUsize,
    pub total: AtomicUsize,
    pub result: Mutex<Option<Result<Report, String>>>,
    started: Mutex<Option<Instant>>,
}

impl Job {
    /// The finished report, with the claim secrets removed after this first read (shown once).
    pub fn take_report(&self) -> Option<Result<Report, String>> {
        let mut r = self.result.lock().unwrap_or_else(|e| e.into_inner());
        let out = r.clone();
        if let Some(Ok(Report::Registry(rep))) = r.as_mut() {
            rep.secrets.clear();
        }
        out
    }

    /// A progress callback for the import function.
    pub fn progress(&self, done: usize, total: usize) {
        self.total.store(total, Ordering::Relaxed);
        self.done.store(done, Ordering::Relaxed);
    }

    pub fn finish(&self, r: Result<Report, String>) {
        *self.result.lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
    }
}

#[derive(Debug, Default)]
pub struct ImportJobs {
    jobs: Mutex<HashMap<String, Arc<Job>>>,
}

impl ImportJobs {
    pub fn start(&self, owner_user_id: &str) -> (String, Arc<Job>) {
        let id = uuid::Uuid::now_v7().to_string();
        let job = Arc::new(Job {
            owner_user_id: owner_user_id.to_string(),
            started: Mutex::new(Some(Instant::now())),
            ..Default::default()
        });
        let mut jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        // Forget jobs older than an hour.
        jobs.retain(|_, j| {
            j.started
                .lock()
                .map(|s| s.is_some_and(|t| t.elapsed() < Duration::from_secs(3600)))
                .unwrap_or(false)
        });
        jobs.insert(id.clone(), job.clone());
        (id, job)
    }

    /// A job, only for the user who started it.
    pub fn get(&self, id: &str, user_id: &str) -> Option<Arc<Job>> {
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .filter(|j| j.owner_user_id == user_id)
            .cloned()
    }
}

pub fn progress(job: &Job) -> (usize, usize) {
    (
        job.done.load(Ordering::Relaxed),
        job.total.load(Ordering::Relaxed),
    )
}
