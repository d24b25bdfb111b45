//! Program authorizations of partners, kept by operator staff (`/v1/partnerauthorizations`).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

crate::code_schema!(
    PartnerAuthorizationCode,
    keiro_domain::PartnerAuthorization,
    Some("A program authorization: subscription_advisor or delegated_admin.")
);

/// An approved partner and the program authorizations it holds.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PartnerAuthorizations {
    pub organization_id: String,
    pub partner_id: String,
    pub name: String,
    pub country: String,
    #[serde(with = "crate::codes::many")]
    #[schema(value_type = Vec<PartnerAuthorizationCode>)]
    pub authorizations: Vec<keiro_domain::PartnerAuthorization>,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PartnerAuthorizationsList {
    pub items: Vec<PartnerAuthorizations>,
    pub next_cursor: Option<String>,
}

/// `PUT /v1/partnerauthorizations/{organization_id}`: the authorizations the partner holds
/// from now on. A change needs a reason; the partner's primary contact receives it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPartnerAuthorizations {
    #[serde(with = "crate::codes::many")]
    #[schema(value_type = Vec<PartnerAuthorizationCode>, max_items = 2)]
    pub authorizations: Vec<keiro_domain::PartnerAuthorization>,
    /// Why (1 to 1000 characters); not needed when nothing changes.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub reason: String,
}

/// One past change of a partner's authorizations, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PartnerAuthorizationChange {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// "Full name <email>" of the staff member.
    pub by: Option<String>,
    pub granted: Vec<String>,
    pub revoked: Vec<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PartnerAuthorizationHistory {
    pub items: Vec<PartnerAuthorizationChange>,
    pub next_cursor: Option<String>,
}
