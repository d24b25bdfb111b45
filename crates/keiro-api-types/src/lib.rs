//! Request and response bodies of the REST API (`/v1`), shared by the server and client
//! commands. Requests refuse unknown fields so that a misspelt field is an error, not a no-op.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use utoipa::ToSchema;

mod benefit_uses;
mod benefits;
mod catalog;
pub mod codes;
mod enrollment;
mod gdap;
mod partner_authorizations;
mod partnerships;
mod product_keys;
mod purchase_offers;
mod service_requests;
mod trial_invitations;
pub use benefit_uses::*;
pub use benefits::*;
pub use catalog::*;
pub use enrollment::*;
pub use gdap::*;
pub use partner_authorizations::*;
pub use partnerships::*;
pub use product_keys::*;
pub use purchase_offers::*;
pub use service_requests::*;
pub use trial_invitations::*;

/// An error, as `application/problem+json` (RFC 9457). `code` is stable; `detail` is prose.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub code: String,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// For validation errors: which field, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For `role_required`: the roles that would allow the action.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_roles: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub status: String,
    pub database: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserInfo {
    pub id: String,
    pub email: String,
    pub full_name: String,
    /// "ja", "en", or null when the browser's language applies.
    pub language: Option<String>,
    /// The IANA time zone the portal and emails show times in; null: Asia/Tokyo when reading
    /// Japanese, else the deployment's zone.
    pub time_zone: Option<String>,
    pub must_change_password: bool,
    /// none, limited or full administration of supported customers (R-USR-4).
    pub delegated_access: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrganizationInfo {
    pub id: String,
    /// operator, partner or customer.
    pub kind: String,
    pub legal_name: String,
    pub country: String,
    pub partner_id: Option<String>,
    pub program_roles: Vec<String>,
    pub authorizations: Vec<String>,
}

/// `GET /v1/me`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub user: UserInfo,
    pub organization: OrganizationInfo,
    pub roles: Vec<String>,
}

/// `PATCH /v1/me`. Send `If-Match` with the ETag of `GET /v1/me` to avoid lost updates.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub full_name: Option<String>,
    /// "ja" or "en"; null to follow the browser.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<Language>)]
    pub language: Option<Option<String>>,
    /// An IANA time zone such as "Asia/Tokyo"; null to follow the language's default.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64, example = "Asia/Tokyo")]
    pub time_zone: Option<Option<String>>,
}

code_schema!(Language, keiro_domain::Language, Some("A portal language."));

/// `POST /v1/me/password`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    /// 12 to 256 characters, not the email address.
    #[schema(min_length = 12, max_length = 256)]
    pub new_password: String,
}

/// `POST /v1/apitokens`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiToken {
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: String,
    /// 1 to 365; 90 when absent.
    #[schema(minimum = 1, maximum = 365)]
    pub expires_in_days: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    /// The first characters of the secret, to tell tokens apart.
    pub prefix: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<OffsetDateTime>,
}

/// The answer to `POST /v1/apitokens`. `token` is the secret, present only in the first
/// answer; a replay with the same `Idempotency-Key` has `token: null`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreatedApiToken {
    pub token: Option<String>,
    #[serde(flatten)]
    pub api_token: ApiToken,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiTokenList {
    pub items: Vec<ApiToken>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditRecord {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: OffsetDateTime,
    pub actor_user_id: Option<String>,
    pub actor_org_id: Option<String>,
    pub on_behalf_of_org_id: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub target_org_id: Option<String>,
    pub details: Value,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditRecordList {
    pub items: Vec<AuditRecord>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OutboxMessage {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    pub kind: String,
    pub template: String,
    pub recipient: String,
    pub language: String,
    pub subject: String,
    /// pending, sending, sent or failed.
    pub state: String,
    pub attempts: i32,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub next_attempt_at: OffsetDateTime,
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OutboxMessageList {
    pub items: Vec<OutboxMessage>,
    pub next_cursor: Option<String>,
}

/// Distinguishes an absent field (keep) from an explicit null (clear).
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Option<String>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            None => s.serialize_none(),
            Some(inner) => inner.serialize(s),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(d).map(Some)
    }
}

/// An organization's company profile (R-ORG-1). Also the body of `PUT /v1/organization/profile`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompanyProfile {
    #[schema(min_length = 1, max_length = 200)]
    pub legal_name: String,
    #[serde(default)]
    pub address_line1: String,
    #[serde(default)]
    pub address_line2: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, e.g. JP.
    #[schema(pattern = "^[A-Za-z]{2}$")]
    pub country: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub primary_domain: String,
}

/// `GET /v1/organization/profile`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Organization {
    pub id: String,
    pub kind: String,
    pub partner_id: Option<String>,
    pub program_roles: Vec<String>,
    pub authorizations: Vec<String>,
    pub profile: CompanyProfile,
    /// Whether the caller may edit the profile (global admins only).
    pub can_edit: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct User {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub roles: Vec<String>,
    /// none, limited or full administration of supported customers (partners only).
    pub delegated_access: String,
    pub active: bool,
    pub must_change_password: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserList {
    pub items: Vec<User>,
    pub next_cursor: Option<String>,
}

/// `POST /v1/users`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub email: String,
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: String,
    /// Role codes of the caller's organization kind, e.g. ["sales_agent"].
    #[schema(min_items = 1)]
    pub roles: Vec<String>,
    /// Partners only: none (default), limited or full.
    pub delegated_access: Option<String>,
}

/// The answer to `POST /v1/users` and to a password reset: the temporary password is shown
/// in this answer only (null on an idempotent replay).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UserWithPassword {
    pub user: User,
    pub temporary_password: Option<String>,
}

/// `PATCH /v1/users/{id}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    pub full_name: Option<String>,
    pub roles: Option<Vec<String>>,
    pub delegated_access: Option<String>,
}
