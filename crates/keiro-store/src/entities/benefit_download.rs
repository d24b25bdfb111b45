use sea_orm::entity::prelude::*;

/// A software benefit's download for one language and operating system (R-BEN-3).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "benefit_downloads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub benefit_id: String,
    pub language: String,
    pub os: String,
    pub url: String,
    pub label: String,
}

no_relations!();
