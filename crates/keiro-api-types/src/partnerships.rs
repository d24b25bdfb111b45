//! Invitation links, partnerships, customers and their partners, the provider directory
//! (R-PRT-1…7, R-REL-1…7).

use super::*;

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
    /// How often the link's page was opened, once per browser session (advisor links; 0 for
    /// other kinds).
    pub open_count: i64,
    /// The link's URL again, in lists of an advisor's links (trial invitations, purchase
    /// offers); null elsewhere: other links are shown once.
    pub url: Option<String>,
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
