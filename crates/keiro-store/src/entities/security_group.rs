use sea_orm::entity::prelude::*;

/// A partner's security group (R-REL-8): GDAP roles are assigned to groups, not people.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "security_groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub name_key: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

no_relations!();
