use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_request_notes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub request_id: String,
    pub author_org_id: String,
    pub author_user_id: Option<String>,
    pub author_name: String,
    pub body: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

no_relations!();
