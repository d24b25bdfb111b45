use sea_orm::entity::prelude::*;

/// The ledger (ADR 0011): what a partner holds of one benefit through one package, how much,
/// how much of it is used, and until when it may be activated (`expires_at`). `used` moves only
/// by a guarded write. `state` is active or cancelled (expiry follows from the clock).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "benefit_allocations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub package_id: String,
    pub org_id: String,
    pub benefit_id: String,
    pub kind: String,
    pub tier: String,
    pub quantity: i64,
    pub unit: String,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub used: i64,
    pub state: String,
    pub starts_at: TimeDateTimeWithTimeZone,
    pub expires_at: TimeDateTimeWithTimeZone,
    /// Whether the partner was told that it expires in 30 days.
    pub expiry_notified: bool,
    pub version: i64,
    pub created_at: TimeDateTimeWithTimeZone,
    /// A technical benefit's activation (R-BEN-7): once, with the IDs every user then sees.
    pub activated_at: Option<TimeDateTimeWithTimeZone>,
    pub activated_by: Option<String>,
    pub access_id: Option<String>,
    pub contract_id: Option<String>,
    /// A go-to-market offer's confirmation by operator staff (R-BEN-9): pending until then.
    pub confirmed_at: Option<TimeDateTimeWithTimeZone>,
    pub confirmed_by: Option<String>,
}

no_relations!();
