use sea_orm::entity::prelude::*;

/// A background job (keiro-domain `job`): `kind` says what it does with `input`; `state` is
/// queued → running (held by `claimed_by` until `lease_until`, Unix milliseconds) → done |
/// failed. `attempts` counts the claims, so a job taken over after its node stopped shows it.
/// `summary` is the outcome's counts (JSON object), `secrets` what the outcome shows once
/// (JSON, cleared by the first read), `input` is emptied when the job ends.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub kind: String,
    pub org_id: String,
    pub user_id: String,
    pub state: String,
    pub input: String,
    pub attempts: i64,
    pub claimed_by: Option<String>,
    pub lease_until: i64,
    pub done_count: i64,
    pub total_count: i64,
    pub summary: Option<String>,
    pub secrets: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub finished_at: Option<TimeDateTimeWithTimeZone>,
}

no_relations!();
