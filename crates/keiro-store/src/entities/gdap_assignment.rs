use sea_orm::entity::prelude::*;

/// An access assignment: a security group gets a subset of a GDAP relationship's roles.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gdap_assignments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub gdap_id: String,
    pub group_id: String,
    /// Comma-separated customer role codes.
    pub roles: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub removed_at: Option<TimeDateTimeWithTimeZone>,
}

no_relations!();
