use sea_orm::entity::prelude::*;

/// The first answer to a create request with an `Idempotency-Key`, replayed on retries.
/// Unique on (scope, key): of two concurrent first requests exactly one commits.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub scope: String,
    pub key: String,
    pub request_hash: String,
    pub status: i32,
    pub response: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

no_relations!();
