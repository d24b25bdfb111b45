use sea_orm::entity::prelude::*;

/// A partner's service request to the operator about its benefits (R-BEN-10; part 2 adds
/// technical support and advisory requests, issue 18): its kind, the package or allocation it is about,
/// and operator staff's decision with its reason. `state` is open, approved or refused (a cancellation)
/// or answered (support, advisory); one open cancellation per package.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "benefit_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub org_id: String,
    pub kind: String,
    pub package_id: Option<String>,
    pub allocation_id: Option<String>,
    pub description: String,
    pub state: String,
    pub opened_by: Option<String>,
    pub opened_at: TimeDateTimeWithTimeZone,
    pub decided_by: Option<String>,
    pub decided_at: Option<TimeDateTimeWithTimeZone>,
    pub decision_reason: Option<String>,
    pub version: i64,
    /// A technical support request's topic (product or cloud) and the IDs it carries.
    pub topic: Option<String>,
    pub access_id: Option<String>,
    pub contract_id: Option<String>,
    /// The advisory hours operator staff recorded with their answer.
    pub hours_used: Option<i64>,
}

no_relations!();
