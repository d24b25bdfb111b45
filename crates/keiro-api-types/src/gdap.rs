//! Granular delegated admin: relationships, access assignments, security groups (R-REL-8), and
//! a customer user's roles set by a partner (R-REL-9).

use super::*;

/// A granular delegated admin relationship (R-REL-8).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GdapRelationship {
    pub id: String,
    pub partner_id: String,
    pub partner_name: String,
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub display_name: String,
    /// Customer role codes.
    pub roles: Vec<String>,
    pub duration_days: i64,
    pub auto_extend: bool,
    /// created, approval_pending, active, expiring, expired or terminated.
    pub state: String,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub starts_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ends_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GdapRelationshipList {
    pub items: Vec<GdapRelationship>,
    pub next_cursor: Option<String>,
}

/// `POST /v1/delegatedadminrelationships`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGdapRelationship {
    /// Unique among the partner's relationships; 1–50 characters.
    #[schema(min_length = 1, max_length = 50)]
    pub display_name: String,
    /// The customer, if the relationship is for one customer only.
    pub customer_id: Option<String>,
    /// Customer role codes, e.g. ["password_admin"].
    #[schema(min_items = 1)]
    pub roles: Vec<String>,
    /// 1 to 730 days; GDAP is never permanent.
    #[schema(minimum = 1, maximum = 730)]
    pub duration_days: i64,
    /// Extend by 180 days at the end; not allowed with the global admin role.
    #[serde(default)]
    pub auto_extend: bool,
}

/// `POST /v1/delegatedadminrelationships/{id}/requestapproval`: optionally emailed by Keiro.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestGdapApproval {
    pub send_to: Option<String>,
    #[schema(max_length = 10000)]
    pub message: Option<String>,
}

/// `PUT /v1/customers/{id}/users/{user_id}/roles`: a customer user's roles, set by a partner.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetUserRoles {
    /// Customer role codes, at least one.
    #[schema(min_items = 1)]
    pub roles: Vec<String>,
}

/// `POST /v1/delegatedadminrelationships/{id}/approve` (the named customer's global admin).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveGdap {
    /// The confirmation box: must be true.
    pub confirm: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AccessAssignment {
    pub id: String,
    pub group_id: String,
    pub roles: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AccessAssignmentList {
    pub items: Vec<AccessAssignment>,
    /// The cursor of the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAccessAssignment {
    #[schema(min_length = 1)]
    pub group_id: String,
    /// A non-empty subset of the relationship's roles.
    #[schema(min_items = 1)]
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    /// Member user ids.
    pub members: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SecurityGroupList {
    pub items: Vec<SecurityGroup>,
    /// The cursor of the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSecurityGroup {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddGroupMember {
    #[schema(min_length = 1)]
    pub user_id: String,
}
