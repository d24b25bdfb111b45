use sea_orm::entity::prelude::*;

/// One rate counter shared by every node: `count` events since `window_start`; the next event
/// is not allowed before `next_at` (Unix milliseconds). `key` is the SHA-256 of what is
/// counted (an account, an address, a token).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rate_counters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub window_start: i64,
    pub count: i64,
    pub next_at: i64,
    /// When the row stops mattering (its window is over and nothing waits).
    pub expires_at: i64,
}

no_relations!();
