use sea_orm::entity::prelude::*;

/// A message to deliver, written in the same transaction as the change that causes it.
/// `state`: pending → sending (claimed by one node until `claimed_until`) → sent | failed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub org_id: Option<String>,
    pub kind: String,
    pub template: String,
    pub recipient: String,
    pub language: String,
    pub subject: String,
    pub body_text: String,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: TimeDateTimeWithTimeZone,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<TimeDateTimeWithTimeZone>,
    pub last_error: Option<String>,
    pub sent_at: Option<TimeDateTimeWithTimeZone>,
}

no_relations!();
