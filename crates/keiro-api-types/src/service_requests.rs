//! Service requests (R-CUS-1, R-ORD-5).

use super::*;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceRequestNote {
    pub author_name: String,
    pub author_org_id: String,
    pub body: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

/// A customer's service request (R-CUS-1); the list leaves `notes` empty.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceRequest {
    pub id: String,
    pub customer_id: String,
    /// The customer, or the partner that opened it on the customer's behalf.
    pub opened_by_org: String,
    pub title: String,
    pub description: String,
    /// critical, high or normal.
    pub severity: String,
    /// open, in_progress, resolved or closed.
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    /// The subscription it is about, if any; that subscription's designated support contact
    /// works on it (R-ORD-5).
    pub subscription_id: Option<String>,
    pub notes: Vec<ServiceRequestNote>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceRequestList {
    pub items: Vec<ServiceRequest>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateServiceRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(min_length = 1, max_length = 5000)]
    pub description: String,
    /// critical, high or normal.
    pub severity: String,
    /// The customer's subscription it is about (required from a support contact).
    #[serde(default)]
    pub subscription_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddServiceRequestNote {
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetServiceRequestStatus {
    /// open, in_progress, resolved or closed (closed is final).
    pub status: String,
}
