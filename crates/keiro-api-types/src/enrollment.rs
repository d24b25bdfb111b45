//! The membership registry and partner enrollment (R-ENR-1…5).

use super::*;

/// `POST /v1/membershiprecords`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipRecordInput {
    #[schema(pattern = "^[0-9]{5,10}$")]
    pub partner_id: String,
    pub organization_name: String,
    #[schema(pattern = "^[A-Za-z]{2}$")]
    pub country: String,
    /// none, action_pack, silver or gold.
    pub level: String,
    /// active, inactive or suspended.
    pub status: String,
    /// YYYY-MM-DD.
    pub expires_on: Option<String>,
}

/// `PUT /v1/membershiprecords/{id}` (the partner ID cannot change).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipRecordUpdate {
    pub organization_name: String,
    #[schema(pattern = "^[A-Za-z]{2}$")]
    pub country: String,
    pub level: String,
    pub status: String,
    pub expires_on: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MembershipRecord {
    pub id: String,
    pub partner_id: String,
    pub organization_name: String,
    pub country: String,
    pub level: String,
    pub status: String,
    pub expires_on: Option<String>,
    /// Whether an organization has linked it.
    pub claimed: bool,
}

/// A record with its claim secret, shown in this answer only.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MembershipRecordWithSecret {
    pub record: MembershipRecord,
    /// Shown once: `null` when this answer replays an earlier one (Idempotency-Key).
    pub claim_secret: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MembershipRecordList {
    pub items: Vec<MembershipRecord>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportRowError {
    pub line: usize,
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ClaimSecret {
    pub partner_id: String,
    pub claim_secret: String,
}

/// The result of a CSV import: rows with errors were skipped, the rest applied.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub errors: Vec<ImportRowError>,
    /// Claim secrets of the created records, shown in this answer only.
    pub secrets: Vec<ClaimSecret>,
}

/// `POST /v1/enrollment/accounts`: a new work account to enroll with.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEnrollmentAccount {
    pub company_name: String,
    #[schema(pattern = "^[A-Za-z]{2}$")]
    pub country: String,
    pub primary_domain: String,
    pub full_name: String,
    pub email: String,
    #[schema(min_length = 12, max_length = 256)]
    pub password: String,
    /// indirect_reseller or indirect_provider.
    pub program_role: String,
    /// `ja` or `en`: the language of the applicant's emails (the verification link first) and
    /// pages. Without it, English until the applicant chooses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Language>, nullable = false)]
    pub language: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Enrollment {
    pub id: String,
    pub org_id: String,
    /// draft, pending_verification, in_review, more_info_requested, approved, rejected.
    pub state: String,
    pub program_role: String,
    pub company: CompanyProfile,
    pub membership: Option<MembershipRecord>,
    pub primary_contact_name: String,
    pub primary_contact_email: String,
    pub primary_contact_phone: String,
    pub primary_contact_verified: bool,
    pub support_email: String,
    pub support_phone: String,
    pub support_website: String,
    /// The reviewer's question or reason.
    pub review_note: String,
    /// Steps still missing before submission: membership, profile, primary_contact, support_contact.
    pub missing: Vec<String>,
}

/// The answer to account creation: the application and an API token (7 days) to go on with it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EnrollmentAccountCreated {
    pub user_id: String,
    pub enrollment: Enrollment,
    /// An API token for the new user, shown once: `null` when this answer replays an earlier
    /// one (Idempotency-Key); sign in for a new one.
    pub token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EnrollmentList {
    pub items: Vec<Enrollment>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkMembership {
    pub partner_id: String,
    pub claim_secret: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentProgramRole {
    /// indirect_reseller or indirect_provider.
    pub program_role: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentContacts {
    pub primary_contact_name: String,
    /// Not a web-mail address; verified by a link.
    pub primary_contact_email: String,
    pub primary_contact_phone: String,
    #[serde(default)]
    pub support_email: String,
    #[serde(default)]
    pub support_phone: String,
    #[serde(default)]
    pub support_website: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyEmail {
    pub token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VerificationResult {
    /// The application's state after verification.
    pub state: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewNote {
    /// The reason (reject) or question (request information); optional for approval.
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResellerAccount {
    #[serde(default)]
    pub support_email: String,
    #[serde(default)]
    pub support_phone: String,
    #[serde(default)]
    pub support_website: String,
}

/// `POST /v1/enrollment/reselleraccount`: the program roles the organization holds afterwards.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ResellerAccountCreated {
    pub program_roles: Vec<String>,
}
