use sea_orm::entity::prelude::*;

/// A benefit of the operator's catalog (R-BEN-2): its kind, names, description and special
/// instructions in both languages, core or incremental, how many months it lasts from its
/// package's start, and for a license benefit the offer its key sets up. Its share per level is
/// in `benefit_levels`. `state` is available or retired.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "benefits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub code: String,
    pub kind: String,
    pub name_ja: String,
    pub name_en: String,
    pub description_ja: String,
    pub description_en: String,
    pub instructions_ja: String,
    pub instructions_en: String,
    pub tier: String,
    pub months: i64,
    pub offer_id: Option<String>,
    pub state: String,
    pub version: i64,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

no_relations!();
