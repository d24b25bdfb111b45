use sea_orm::entity::prelude::*;

/// A partner's marketing contact for go-to-market offers (R-BEN-9): a user of the partner, an
/// email other than the one that user signs in with, a phone number and a preferred language.
/// One per partner.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "benefit_marketing_contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub org_id: String,
    pub user_id: String,
    pub email: String,
    pub phone: String,
    pub language: String,
    pub updated_by: Option<String>,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub version: i64,
}

no_relations!();
