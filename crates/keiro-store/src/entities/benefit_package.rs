use sea_orm::entity::prelude::*;

/// A partner's benefit package for one year (R-BEN-1): the level it was bought for, who bought
/// it and when, when it runs. `seq` numbers a partner's packages (unique with `org_id`, so two
/// purchases at once cannot both land). `state` is active or cancelled.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "benefit_packages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub org_id: String,
    pub seq: i64,
    pub level: String,
    pub state: String,
    pub bought_by: Option<String>,
    pub bought_at: TimeDateTimeWithTimeZone,
    pub starts_at: TimeDateTimeWithTimeZone,
    pub ends_at: TimeDateTimeWithTimeZone,
    pub cancelled_at: Option<TimeDateTimeWithTimeZone>,
    pub version: i64,
}

no_relations!();
