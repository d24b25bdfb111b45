use sea_orm::entity::prelude::*;

/// An invitation link (R-PRT-1 and later kinds). Only the token's SHA-256 is stored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub kind: String,
    #[sea_orm(unique)]
    pub token_hash: String,
    /// The organization that offers something through the link.
    pub org_id: String,
    pub created_by: Option<String>,
    /// Kept so the link's page can name who invited, even if that user is deleted later.
    pub created_by_name: String,
    /// Set when Keiro itself emailed the link.
    pub recipient_email: Option<String>,
    /// What the link offers, as JSON; its shape depends on the kind.
    pub payload: String,
    /// open, used or revoked.
    pub state: String,
    pub use_count: i64,
    /// How often its page was opened, once per browser session (advisor links; m0018).
    pub open_count: i64,
    pub expires_at: TimeDateTimeWithTimeZone,
    pub created_at: TimeDateTimeWithTimeZone,
    pub revoked_at: Option<TimeDateTimeWithTimeZone>,
    pub revoked_by: Option<String>,
    pub used_at: Option<TimeDateTimeWithTimeZone>,
    pub used_by_org: Option<String>,
    pub used_by_user: Option<String>,
}

no_relations!();
