//! Request and response bodies of the REST API (`/v1`), shared by the server and client
//! commands. Requests refuse unknown fields so that a misspelt field is an error, not a no-op.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use utoipa::ToSchema;

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
}

/// A portal language.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Ja,
    En,
}

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

/// `POST /v1/relationshiprequests`: a new invitation link. With `send_to`, Keiro also emails
/// it (with `message` if given, else the draft); the link is kept in any edited text.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRelationshipRequest {
    /// What the link offers: `partnership` (a provider asks a reseller to approve it),
    /// `reseller_relationship` (a partner asks customers for a reseller relationship) or
    /// `three_way_relationship` (a reseller asks customers for relationships with itself and
    /// `provider_id`, one of its indirect providers) or `delegated_admin` (a delegated-admin
    /// authorized partner offers to administer customers).
    #[schema(example = "partnership")]
    pub kind: String,
    /// For `three_way_relationship`: the indirect provider's organization id.
    pub provider_id: Option<String>,
    pub send_to: Option<String>,
    #[schema(max_length = 10000)]
    pub message: Option<String>,
}

/// An invitation link as its organization sees it (never the token).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RelationshipRequest {
    pub id: String,
    pub kind: String,
    /// open, expired, revoked or used.
    pub status: String,
    pub created_by_name: String,
    pub recipient_email: Option<String>,
    pub use_count: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub used_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RelationshipRequestList {
    pub items: Vec<RelationshipRequest>,
    pub next_cursor: Option<String>,
}

/// The draft email for a link: edit the text if you like, but keep the link in it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InvitationDraft {
    pub subject: String,
    pub body: String,
    /// The draft as a mailto: URL, to open in a mail app.
    pub mailto: String,
}

/// The answer to `POST /v1/relationshiprequests`. `url` (which carries the secret token) and
/// `draft` are present only in the first answer; a replay with the same `Idempotency-Key` has
/// them null.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RelationshipRequestCreated {
    pub request: RelationshipRequest,
    pub url: Option<String>,
    pub draft: Option<InvitationDraft>,
    /// True when Keiro emailed the link to `send_to`.
    pub sent: bool,
}

/// What the page behind a link shows before sign-in: who invites and what accepting grants.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InvitationPreview {
    pub kind: String,
    /// open, expired, revoked or used: only an open link can be accepted.
    pub status: String,
    pub from_org_id: String,
    pub from_legal_name: String,
    pub from_partner_id: Option<String>,
    pub from_country: String,
    pub invited_by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
    /// What accepting grants, as stable codes (e.g. `orders_for_your_customers`,
    /// `admin_access_to_your_organization`).
    pub grants: Vec<String>,
    /// For `gdap_approval`: the relationship's name, roles and duration.
    pub gdap: Option<GdapTerms>,
}

/// The terms of a GDAP relationship shown before approval.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GdapTerms {
    pub display_name: String,
    pub roles: Vec<String>,
    pub duration_days: i64,
    pub auto_extend: bool,
    pub state: String,
}

/// `POST /v1/invitations/accept`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    #[schema(min_length = 1)]
    pub token: String,
    /// The confirmation box: must be true.
    pub confirm: bool,
}

/// The other side of a partnership as one side sees it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Partner {
    pub partnership_id: String,
    /// The other organization's id.
    pub id: String,
    pub legal_name: String,
    pub partner_id: Option<String>,
    pub country: String,
    pub email: String,
    pub phone: String,
    pub website: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub since: OffsetDateTime,
    /// Whether the provider has admin access to the reseller's organization.
    pub admin_access: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PartnerList {
    pub items: Vec<Partner>,
    pub next_cursor: Option<String>,
}

/// The answer to accepting an invitation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InvitationAccepted {
    pub kind: String,
    /// For `partnership`: the new indirect provider.
    pub partner: Option<Partner>,
    /// For relationship kinds: the partners the customer now has a relationship with.
    pub partners: Vec<PartnerContact>,
    /// For `gdap_approval`: the now active GDAP relationship.
    pub gdap: Option<GdapRelationship>,
}

/// A partner as its customer sees it, with contact details (R-ORG-2).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PartnerContact {
    pub id: String,
    /// The partner holds delegated admin over the customer (revocable by its global admin).
    pub delegated_admin: bool,
    pub legal_name: String,
    pub partner_id: Option<String>,
    pub email: String,
    pub phone: String,
    pub website: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub since: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PartnerContactList {
    pub items: Vec<PartnerContact>,
    pub next_cursor: Option<String>,
}

/// A customer on its partner's Customers page.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Customer {
    pub id: String,
    /// The caller holds delegated admin over this customer.
    pub delegated_admin: bool,
    pub legal_name: String,
    pub primary_domain: String,
    pub country: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub since: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CustomerList {
    pub items: Vec<Customer>,
    pub next_cursor: Option<String>,
}

/// `POST /v1/invitations/signup`: a new customer and its first global admin, through an open
/// relationship link (R-REL-4).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerSignUp {
    #[schema(min_length = 1)]
    pub token: String,
    #[schema(min_length = 1, max_length = 200)]
    pub company_name: String,
    /// Two-letter ISO code.
    #[schema(min_length = 2, max_length = 2)]
    pub country: String,
    pub primary_domain: String,
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: String,
    pub email: String,
    #[schema(min_length = 12, max_length = 256)]
    pub password: String,
}

/// The answer to a customer sign-up: the new ids and an API token for the new global admin
/// (shown once), to accept the link with.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CustomerSignedUp {
    pub organization_id: String,
    pub user_id: String,
    /// An API token for the new global admin, shown once: `null` when this answer replays an
    /// earlier one (Idempotency-Key).
    pub token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SharedCustomer {
    pub id: String,
    pub legal_name: String,
    pub primary_domain: String,
    pub country: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SharedCustomerList {
    pub items: Vec<SharedCustomer>,
    pub next_cursor: Option<String>,
}

/// Removing a partnership (R-PRT-6): `attest` confirms it is for a legitimate business purpose
/// under your contracts. No notice is sent to the other party.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemovePartnership {
    pub attest: bool,
}

/// A provider directory entry (R-PRT-7).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DirectoryEntry {
    pub provider_id: String,
    pub legal_name: String,
    pub partner_id: Option<String>,
    pub regions: Vec<String>,
    pub countries: Vec<String>,
    pub description: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub website: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DirectoryEntryList {
    pub items: Vec<DirectoryEntry>,
    pub next_cursor: Option<String>,
}

/// `PUT /v1/providerdirectory/{provider_id}` (operator staff).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutDirectoryEntry {
    #[serde(default)]
    pub regions: Vec<String>,
    /// Two-letter ISO codes of the countries served; at least one.
    #[schema(min_items = 1)]
    pub countries: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description: String,
    pub contact_email: String,
    pub contact_phone: String,
    #[serde(default)]
    pub website: String,
}

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

/// A catalog product (R-ORD-1).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Product {
    pub id: String,
    pub code: String,
    pub name_en: String,
    pub name_ja: String,
    pub description_en: String,
    pub description_ja: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProductList {
    pub items: Vec<Product>,
    pub next_cursor: Option<String>,
}

/// Operator staff: create a product, or replace its names and descriptions (the code stays).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutProduct {
    /// Letters, digits, hyphens and underscores (upper-cased).
    #[schema(min_length = 1, max_length = 64, pattern = r"^[A-Za-z0-9_-]+$")]
    pub code: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name_en: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name_ja: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description_en: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description_ja: String,
}

/// An offer: one SKU of a product on given terms (R-ORD-1).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Offer {
    pub id: String,
    pub product_id: String,
    pub product_code: String,
    pub product_name_en: String,
    pub product_name_ja: String,
    pub sku: String,
    pub name_en: String,
    pub name_ja: String,
    pub description_en: String,
    pub description_ja: String,
    /// monthly or annual.
    pub billing_cycle: String,
    pub term_months: i64,
    /// Price of one license for one billing period, in minor units of `currency`.
    pub unit_price_minor: i64,
    pub currency: String,
    pub min_quantity: i64,
    pub max_quantity: i64,
    /// Days of the trial, when the offer has one.
    pub trial_days: Option<i64>,
    /// An add-on needs a subscription to this offer.
    pub prerequisite_offer_id: Option<String>,
    /// Where it is sold (ISO 3166-1 alpha-2).
    pub countries: Vec<String>,
    /// available or retired.
    pub state: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OfferList {
    pub items: Vec<Offer>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BillingCycleParam {
    Monthly,
    Annual,
}

/// Operator staff: create an offer, or replace its terms (the SKU stays).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutOffer {
    pub product_id: String,
    #[schema(min_length = 1, max_length = 64, pattern = r"^[A-Za-z0-9_-]+$")]
    pub sku: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name_en: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name_ja: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description_en: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description_ja: String,
    pub billing_cycle: BillingCycleParam,
    /// A whole number of billing periods, at most 60 months.
    #[schema(minimum = 1, maximum = 60)]
    pub term_months: u32,
    #[schema(minimum = 0, maximum = 100_000_000_000_i64)]
    pub unit_price_minor: i64,
    #[schema(min_length = 3, max_length = 3, pattern = r"^[A-Za-z]{3}$")]
    pub currency: String,
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub min_quantity: i64,
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub max_quantity: i64,
    /// Days of the trial; absent or null: no trial.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 90)]
    pub trial_days: Option<i64>,
    #[serde(default)]
    pub prerequisite_offer_id: Option<String>,
    #[schema(min_items = 1)]
    pub countries: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OfferState {
    Available,
    Retired,
}

/// Operator staff: retire an offer (no new orders) or make it available again.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetOfferState {
    pub state: OfferState,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CatalogImportReport {
    pub rows: usize,
    pub products_created: usize,
    pub offers_created: usize,
    pub offers_updated: usize,
    pub errors: Vec<ImportRowError>,
}

/// One line of an order (R-ORD-3).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderLine {
    pub offer_id: String,
    /// Licenses, within the offer's bounds.
    #[schema(minimum = 1)]
    pub quantity: i64,
    /// Order the offer's trial instead of a paid term.
    #[serde(default)]
    pub trial: bool,
    /// Attribute the subscription to one of the caller's indirect resellers, by partner ID
    /// (it must have a reseller relationship with the customer too).
    #[serde(default)]
    pub reseller_partner_id: Option<String>,
}

/// `POST /v1/customers/{id}/orders`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrder {
    #[schema(min_items = 1, max_items = 50)]
    pub lines: Vec<OrderLine>,
}

/// An organization taking part in a subscription.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubscriptionParty {
    pub id: String,
    pub legal_name: String,
    pub partner_id: Option<String>,
}

/// A customer's subscription (R-ORD-3…6).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Subscription {
    pub id: String,
    pub customer: SubscriptionParty,
    pub offer_id: String,
    pub sku: String,
    pub offer_name_en: String,
    pub offer_name_ja: String,
    pub billing_cycle: String,
    pub unit_price_minor: i64,
    pub currency: String,
    pub min_quantity: i64,
    pub max_quantity: i64,
    pub order_id: String,
    /// Who sold it.
    pub seller: SubscriptionParty,
    /// The reseller it is attributed to (R-ORD-4).
    pub reseller: Option<SubscriptionParty>,
    /// Who handles its support requests (R-ORD-5).
    pub support_contact: Option<SubscriptionParty>,
    pub quantity: i64,
    /// active, suspended, cancelled or expired.
    pub state: String,
    /// While suspended: why (billing, fraud, customer_request, partner_request, compliance).
    pub suspension_reasons: Vec<String>,
    /// Paid: renews at the term's end. Trial: converts to paid at the trial's end.
    pub auto_renew: bool,
    pub trial: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub term_started_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub term_ends_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ended_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubscriptionList {
    pub items: Vec<Subscription>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Order {
    pub id: String,
    pub customer_id: String,
    pub placed_by_org_id: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    pub subscriptions: Vec<Subscription>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubscriptionHistoryEntry {
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: OffsetDateTime,
    /// created, quantity_changed, auto_renew_changed, suspended, suspension_lifted,
    /// reactivated, cancelled, converted, renewed, expired, reseller_changed,
    /// support_contact_changed.
    pub change: String,
    /// Null for the scheduler.
    pub actor_org_id: Option<String>,
    pub actor_user_id: Option<String>,
    pub details: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubscriptionHistory {
    pub items: Vec<SubscriptionHistoryEntry>,
    /// The cursor of the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetQuantity {
    #[schema(minimum = 1)]
    pub quantity: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetAutoRenew {
    pub auto_renew: bool,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuspensionReasonParam {
    Billing,
    Fraud,
    CustomerRequest,
    PartnerRequest,
    Compliance,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Suspension {
    pub reason: SuspensionReasonParam,
}

/// A reseller (or support contact) by partner ID; null removes it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPartnerRef {
    pub partner_id: Option<String>,
}

/// `POST /v1/indirectresellers/{id}/customers`: a new customer for this reseller with its
/// first subscriptions (R-ORD-2).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomerForReseller {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub legal_name: String,
    #[serde(default)]
    pub primary_domain: String,
    #[serde(default)]
    pub address_line1: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub postal_code: String,
    /// ISO 3166-1 alpha-2.
    #[schema(min_length = 2, max_length = 2, pattern = r"^[A-Za-z]{2}$")]
    pub country: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub contact_email: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub admin_full_name: String,
    pub admin_email: String,
    #[schema(min_items = 1, max_items = 50)]
    pub lines: Vec<OrderLine>,
}

/// The new customer: its admin account and temporary password (shown once; absent on an
/// idempotent replay) and its order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CustomerCreated {
    pub customer_id: String,
    pub legal_name: String,
    pub admin_email: String,
    pub temporary_password: Option<String>,
    pub order: Order,
}
