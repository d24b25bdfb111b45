use sea_orm::entity::prelude::*;

/// One line of a job's per-row report (a CSV row that could not be imported), in order.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub job_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub line: i64,
    pub field: String,
    pub code: String,
    pub message: String,
}

no_relations!();
