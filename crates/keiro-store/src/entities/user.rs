use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub org_id: String,
    #[sea_orm(unique)]
    pub email: String,
    pub full_name: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub language: Option<String>,
    pub delegated_access: String,
    pub active: bool,
    pub version: i64,
    pub password_changed_at: TimeDateTimeWithTimeZone,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// Base32 TOTP secret once MFA is set up.
    pub mfa_secret: Option<String>,
    /// A secret being set up, until the first code confirms it.
    pub mfa_pending_secret: Option<String>,
    pub mfa_enabled: bool,
    /// The last accepted TOTP time step: a code is accepted once (no replay).
    pub mfa_last_step: Option<i64>,
    /// The IANA time zone the user reads times in, if they chose one.
    pub time_zone: Option<String>,
    /// The search form of the searched fields (kept by the store; migration m0012).
    pub search_text: String,
}

searched_by!(full_name, email);
