use sea_orm::entity::prelude::*;

/// A customer's service request (R-CUS-1).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub customer_org_id: String,
    /// The customer itself, or the partner that opened it on the customer's behalf.
    pub opened_by_org: String,
    pub opened_by_user: Option<String>,
    pub title: String,
    pub description: String,
    pub severity: String,
    pub status: String,
    pub version: i64,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// The subscription it is about, if any: its support contact sees it (R-ORD-5).
    pub subscription_id: Option<String>,
}

no_relations!();
