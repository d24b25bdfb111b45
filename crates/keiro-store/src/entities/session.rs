use sea_orm::entity::prelude::*;

/// A portal session. `id` is the SHA-256 of the cookie value; the cookie itself is never stored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub last_seen_at: TimeDateTimeWithTimeZone,
    pub expires_at: TimeDateTimeWithTimeZone,
    pub revoked_at: Option<TimeDateTimeWithTimeZone>,
    pub client_ip: String,
    pub user_agent: String,
    /// Password accepted, second factor not yet.
    pub mfa_pending: bool,
}

no_relations!();
