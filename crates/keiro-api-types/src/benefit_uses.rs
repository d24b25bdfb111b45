//! Using benefits per kind (issue 18, R-BEN-4, R-BEN-6…9): assignments of credits and Visual
//! Studio subscriptions to users (`/v1/benefitassignments`), technical support and advisory
//! requests (`POST /v1/benefitrequests`, answered by operator staff), the partner's marketing
//! contact (`/v1/benefitmarketingcontact`) and the go-to-market confirmation queue.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// `POST /v1/benefitassignments`: a global admin assigns a unit of an allocation to a user.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBenefitAssignment {
    /// An Azure credit or Visual Studio allocation of the partner.
    #[schema(min_length = 1)]
    pub allocation_id: String,
    /// A user of the partner's organization.
    #[schema(min_length = 1)]
    pub user_id: String,
}

/// `POST /v1/benefitassignments/{id}/reassign`: move it to another user (the annual credit
/// within its year, a Visual Studio subscription 90 days after its assignment).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReassignBenefitAssignment {
    #[schema(min_length = 1)]
    pub user_id: String,
}

/// Who holds one unit of an allocation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BenefitAssignment {
    pub id: String,
    pub allocation_id: String,
    /// azure_monthly_credit, azure_annual_credit or visual_studio.
    pub kind: String,
    /// The unit held (1 to the allocation's quantity).
    pub slot: i64,
    pub user_id: String,
    pub user_name: String,
    pub user_email: String,
    /// active or ended.
    pub state: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub assigned_at: OffsetDateTime,
    pub assigned_by: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ended_at: Option<OffsetDateTime>,
    /// removed, reassigned or transferred.
    pub end_reason: Option<String>,
    /// A Visual Studio subscription: from when it may be reassigned.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub reassignable_from: Option<OffsetDateTime>,
    /// The annual credit: until when it may be transferred.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub transferable_until: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BenefitAssignmentList {
    pub items: Vec<BenefitAssignment>,
    pub next_cursor: Option<String>,
}

/// `POST /v1/benefitrequests`: a technical support request through an activated technical
/// benefit, or a technical presales and deployment request through partner advisory hours.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBenefitRequest {
    /// technical_support or advisory.
    pub kind: String,
    #[schema(min_length = 1)]
    pub allocation_id: String,
    /// A technical support request: product (on-premises products) or cloud (signature cloud
    /// support, Silver and Gold).
    #[serde(default)]
    pub topic: Option<String>,
    #[schema(min_length = 1, max_length = 4000)]
    pub description: String,
}

/// `POST /v1/benefitrequests/{id}/answer`: operator staff answer a support or advisory request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBenefitRequest {
    #[schema(min_length = 1, max_length = 1000)]
    pub answer: String,
    /// An advisory request: the hours the answer used (0 to the hours left).
    #[serde(default)]
    #[schema(minimum = 0)]
    pub hours_used: Option<i64>,
}

/// The partner's marketing contact for go-to-market offers (R-BEN-9).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BenefitMarketingContact {
    pub user_id: String,
    pub user_name: String,
    /// Where the contact is written to; never the user's sign-in email.
    pub email: String,
    pub phone: String,
    /// ja or en: the language the contact is written to in.
    pub language: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    pub updated_by: Option<String>,
}

/// `PUT /v1/benefitmarketingcontact`: assign or change the marketing contact.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutBenefitMarketingContact {
    #[schema(min_length = 1)]
    pub user_id: String,
    #[schema(min_length = 3, max_length = 254)]
    pub email: String,
    #[schema(min_length = 1, max_length = 32)]
    pub phone: String,
    /// ja or en.
    pub language: String,
}

/// A go-to-market offer waiting for operator staff's confirmation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PendingBenefitOffer {
    pub allocation: crate::BenefitAllocation,
    pub org_id: String,
    pub org_name: String,
    pub contact: Option<BenefitMarketingContact>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PendingBenefitOfferList {
    pub items: Vec<PendingBenefitOffer>,
    pub next_cursor: Option<String>,
}
