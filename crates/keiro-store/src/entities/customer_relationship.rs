use sea_orm::entity::prelude::*;

/// A partner's reseller relationship with a customer (R-REL-1). Shared-customer views of a
/// partnership read these rows.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customer_relationships")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub partner_org_id: String,
    pub customer_org_id: String,
    /// active or ended.
    pub state: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub ended_at: Option<TimeDateTimeWithTimeZone>,
}

no_relations!();
