//! Background jobs (ADR 0008): long-running work a user starts (a CSV import today; bulk
//! operations and benefit key imports later) kept as rows, so any node may run it and any node
//! may show it. The rules here are pure: which jobs a worker may take, and when one has been
//! tried too often.

/// What a job does. Each kind names the use case that runs it (keiro-app `jobs::run`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// The operator's membership registry CSV (R-ENR-2).
    RegistryImport,
    /// The operator's catalog CSV (R-ORD-1).
    CatalogImport,
    /// Keys for the operator's benefit key pools (R-BEN-3).
    BenefitKeyImport,
    /// The operator's benefit catalog (R-BEN-2).
    BenefitCatalogImport,
}

impl JobKind {
    pub const ALL: [JobKind; 4] = [
        JobKind::RegistryImport,
        JobKind::CatalogImport,
        JobKind::BenefitKeyImport,
        JobKind::BenefitCatalogImport,
    ];
    pub fn code(self) -> &'static str {
        match self {
            JobKind::RegistryImport => "registry_import",
            JobKind::CatalogImport => "catalog_import",
            JobKind::BenefitKeyImport => "benefit_key_import",
            JobKind::BenefitCatalogImport => "benefit_catalog_import",
        }
    }
}

/// Where a job is: queued → running (claimed by one node until its lease ends) → done | failed.
/// A running job whose lease ended (its node died) is queued again in effect: the next worker
/// takes it over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Queued,
    Running,
    Done,
    Failed,
}

impl JobState {
    pub const ALL: [JobState; 4] = [
        JobState::Queued,
        JobState::Running,
        JobState::Done,
        JobState::Failed,
    ];
    pub fn code(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }
    pub fn finished(self) -> bool {
        matches!(self, JobState::Done | JobState::Failed)
    }
}

impl crate::code::Code for JobKind {
    const ALL: &'static [Self] = &Self::ALL;
    fn code(self) -> &'static str {
        self.code()
    }
}

impl crate::code::Code for JobState {
    const ALL: &'static [Self] = &Self::ALL;
    fn code(self) -> &'static str {
        self.code()
    }
}

/// How many times a job is started before it is failed for good: a job that kills its node
/// every time must not take every node down in turn.
pub const MAX_ATTEMPTS: i64 = 3;

/// May a worker take this job now? Queued, or running on a node whose lease has ended.
pub fn claimable(state: JobState, lease_until_ms: i64, now_ms: i64) -> bool {
    match state {
        JobState::Queued => true,
        JobState::Running => lease_until_ms < now_ms,
        JobState::Done | JobState::Failed => false,
    }
}

/// Was the job started more than once (its first node stopped)? The page says so.
pub fn restarted(attempts: i64) -> bool {
    attempts > 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Code;

    #[test]
    fn a_running_job_is_taken_over_only_after_its_lease() {
        assert!(claimable(JobState::Queued, 0, 10));
        assert!(!claimable(JobState::Running, 10, 10));
        assert!(claimable(JobState::Running, 9, 10));
        assert!(!claimable(JobState::Done, 0, 10));
        assert!(!claimable(JobState::Failed, 0, 10));
    }

    #[test]
    fn codes_read_back() {
        for k in JobKind::ALL {
            assert_eq!(JobKind::from_code(k.code()), Some(k));
        }
        for s in JobState::ALL {
            assert_eq!(JobState::from_code(s.code()), Some(s));
        }
        assert!(JobState::Done.finished() && !JobState::Running.finished());
        assert!(!restarted(1) && restarted(2));
    }
}
