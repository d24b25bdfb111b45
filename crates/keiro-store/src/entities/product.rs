use sea_orm::entity::prelude::*;

/// A catalog product (R-ORD-1); offers sell its SKUs.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub code: String,
    pub name_en: String,
    pub name_ja: String,
    pub description_en: String,
    pub description_ja: String,
    pub version: i64,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// The search form of the searched fields (kept by the store; migration m0012).
    pub search_text: String,
}

searched_by!(code, name_en, name_ja);
