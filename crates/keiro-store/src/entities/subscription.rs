use sea_orm::entity::prelude::*;

/// A customer's subscription to an offer (R-ORD-3…6). `seller_org_id` placed the order;
/// `reseller_org_id` is the reseller it is attributed to (R-ORD-4); the support contact
/// handles its support requests (R-ORD-5). The partner of record is the subscription advisor
/// named on it (ADR 0010): sold through its link or key, or chosen by the customer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscriptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub customer_org_id: String,
    pub offer_id: String,
    pub order_id: String,
    pub seller_org_id: String,
    pub reseller_org_id: Option<String>,
    pub support_contact_org_id: Option<String>,
    pub partner_of_record_org_id: Option<String>,
    pub quantity: i64,
    pub state: String,
    /// Comma-separated suspension reason codes while suspended.
    pub suspension_reasons: String,
    pub auto_renew: bool,
    pub trial: bool,
    pub term_started_at: TimeDateTimeWithTimeZone,
    pub term_ends_at: TimeDateTimeWithTimeZone,
    pub ended_at: Option<TimeDateTimeWithTimeZone>,
    pub version: i64,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

no_relations!();
