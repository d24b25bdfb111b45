//! SeaORM entities. Ids are UUIDv7 text; times are UTC `OffsetDateTime`; sets of codes
//! (program roles, authorizations) are comma-separated text where they are never queried by
//! member, and a table where they are (`user_roles`).

pub mod organization {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "organizations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub kind: String,
        pub legal_name: String,
        pub address_line1: String,
        pub address_line2: String,
        pub city: String,
        pub region: String,
        pub postal_code: String,
        pub country: String,
        pub phone: String,
        pub email: String,
        pub website: String,
        pub primary_domain: String,
        pub program_roles: String,
        pub authorizations: String,
        #[sea_orm(unique)]
        pub partner_id: Option<String>,
        pub require_mfa: bool,
        /// Partners: enrolling, approved or rejected. None for the operator and customers.
        pub partner_status: Option<String>,
        pub version: i64,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod user {
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
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod user_role {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "user_roles")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub role: String,
        pub org_id: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod session {
    use sea_orm::entity::prelude::*;

    /// A portal session. `id` is the SHA-256 of the cookie value; the cookie itself is never stored.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub user_id: String,
        pub created_at: TimeDateTimeWithTimeZone,
        pub last_seen_at: TimeDateTimeWithTimeZone,
        pub expires_at: TimeDateTimeWithTimeZone,
        pub revoked_at: Option<TimeDateTimeWithTimeZone>,
        pub client_ip: String,
        pub user_agent: String,
        /// Password accepted, second factor not yet.
        pub mfa_pending: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod api_token {
    use sea_orm::entity::prelude::*;

    /// A personal API token. Only the SHA-256 of the secret is stored; `prefix` lets people tell
    /// their tokens apart without revealing them.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_tokens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub user_id: String,
        pub org_id: String,
        pub name: String,
        #[sea_orm(unique)]
        pub token_hash: String,
        pub prefix: String,
        pub created_at: TimeDateTimeWithTimeZone,
        pub expires_at: TimeDateTimeWithTimeZone,
        pub revoked_at: Option<TimeDateTimeWithTimeZone>,
        pub last_used_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_record {
    use sea_orm::entity::prelude::*;

    /// One state change (R-X-1). Append-only: database triggers refuse UPDATE and DELETE.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_records")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub occurred_at: TimeDateTimeWithTimeZone,
        pub actor_user_id: Option<String>,
        pub actor_org_id: Option<String>,
        pub on_behalf_of_org_id: Option<String>,
        pub action: String,
        pub target_type: String,
        pub target_id: String,
        pub target_org_id: Option<String>,
        pub details: String,
        pub request_id: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod outbox_message {
    use sea_orm::entity::prelude::*;

    /// A message to deliver, written in the same transaction as the change that causes it.
    /// `state`: pending → sending (claimed by one node until `claimed_until`) → sent | failed.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "outbox_messages")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub created_at: TimeDateTimeWithTimeZone,
        pub org_id: Option<String>,
        pub kind: String,
        pub template: String,
        pub recipient: String,
        pub language: String,
        pub subject: String,
        pub body_text: String,
        pub state: String,
        pub attempts: i32,
        pub next_attempt_at: TimeDateTimeWithTimeZone,
        pub claimed_by: Option<String>,
        pub claimed_until: Option<TimeDateTimeWithTimeZone>,
        pub last_error: Option<String>,
        pub sent_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod idempotency_record {
    use sea_orm::entity::prelude::*;

    /// The first answer to a create request with an `Idempotency-Key`, replayed on retries.
    /// Unique on (scope, key): of two concurrent first requests exactly one commits.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "idempotency_records")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub scope: String,
        pub key: String,
        pub request_hash: String,
        pub status: i32,
        pub response: String,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod membership_record {
    use sea_orm::entity::prelude::*;

    /// A record of the operator's membership registry (R-ENR-2).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "membership_records")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        #[sea_orm(unique)]
        pub partner_id: String,
        pub organization_name: String,
        pub country: String,
        /// none, action_pack, silver or gold.
        pub level: String,
        /// active, inactive or suspended.
        pub status: String,
        pub expires_on: Option<TimeDate>,
        pub claim_secret_hash: String,
        pub claimed_by_org_id: Option<String>,
        pub version: i64,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod enrollment {
    use sea_orm::entity::prelude::*;

    /// A partner's application (R-ENR-1…4), one per organization.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "enrollments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub org_id: String,
        pub applicant_user_id: String,
        pub program_role: String,
        /// draft, pending_verification, in_review, more_info_requested, approved, rejected.
        pub state: String,
        pub membership_record_id: Option<String>,
        pub primary_contact_name: String,
        pub primary_contact_email: String,
        pub primary_contact_phone: String,
        pub support_email: String,
        pub support_phone: String,
        pub support_website: String,
        pub contact_verified_at: Option<TimeDateTimeWithTimeZone>,
        pub submitted_at: Option<TimeDateTimeWithTimeZone>,
        /// The reviewer's reason (rejection) or question (more information).
        #[sea_orm(column_type = "Text")]
        pub review_note: String,
        pub decided_by: Option<String>,
        pub decided_at: Option<TimeDateTimeWithTimeZone>,
        pub version: i64,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod email_verification {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "email_verifications")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        #[sea_orm(unique)]
        pub token_hash: String,
        pub purpose: String,
        pub subject_id: String,
        pub email: String,
        pub expires_at: TimeDateTimeWithTimeZone,
        pub used_at: Option<TimeDateTimeWithTimeZone>,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod mfa_recovery_code {
    use sea_orm::entity::prelude::*;

    /// A single-use recovery code (stored as SHA-256).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mfa_recovery_codes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub user_id: String,
        #[sea_orm(unique)]
        pub code_hash: String,
        pub used_at: Option<TimeDateTimeWithTimeZone>,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod invitation {
    use sea_orm::entity::prelude::*;

    /// An invitation link (R-PRT-1 and later kinds). Only the token's SHA-256 is stored.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "invitations")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub kind: String,
        #[sea_orm(unique)]
        pub token_hash: String,
        /// The organization that offers something through the link.
        pub org_id: String,
        pub created_by: Option<String>,
        /// Kept so the link's page can name who invited, even if that user is deleted later.
        pub created_by_name: String,
        /// Set when Keiro itself emailed the link.
        pub recipient_email: Option<String>,
        /// What the link offers, as JSON; its shape depends on the kind.
        pub payload: String,
        /// open, used or revoked.
        pub state: String,
        pub use_count: i64,
        pub expires_at: TimeDateTimeWithTimeZone,
        pub created_at: TimeDateTimeWithTimeZone,
        pub revoked_at: Option<TimeDateTimeWithTimeZone>,
        pub revoked_by: Option<String>,
        pub used_at: Option<TimeDateTimeWithTimeZone>,
        pub used_by_org: Option<String>,
        pub used_by_user: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod partnership {
    use sea_orm::entity::prelude::*;

    /// A provider ↔ reseller partnership (R-PRT-2…6). Removed rows stay for the record.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "partnerships")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub provider_org_id: String,
        pub reseller_org_id: String,
        /// active or removed.
        pub state: String,
        pub invitation_id: Option<String>,
        pub accepted_by: Option<String>,
        pub created_at: TimeDateTimeWithTimeZone,
        pub removed_at: Option<TimeDateTimeWithTimeZone>,
        pub removed_by_org: Option<String>,
        pub removed_by_user: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod delegated_right {
    use sea_orm::entity::prelude::*;

    /// A right the owner organization granted to the grantee organization: today a provider's
    /// admin access to a partnered reseller (`provider_admin`); delegated admin over customers
    /// joins it. Live while `revoked_at` is null.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "delegated_rights")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub owner_org_id: String,
        pub grantee_org_id: String,
        pub kind: String,
        /// The row that gave the right (a partnership).
        pub source_id: Option<String>,
        pub granted_at: TimeDateTimeWithTimeZone,
        pub granted_by: Option<String>,
        pub revoked_at: Option<TimeDateTimeWithTimeZone>,
        pub revoked_by: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod customer_relationship {
    use sea_orm::entity::prelude::*;

    /// A partner's reseller relationship with a customer (R-REL-1). Shared-customer views of a
    /// partnership read these rows.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "customer_relationships")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub partner_org_id: String,
        pub customer_org_id: String,
        /// active or ended.
        pub state: String,
        pub created_at: TimeDateTimeWithTimeZone,
        pub ended_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod directory_entry {
    use sea_orm::entity::prelude::*;

    /// An authorized indirect provider's directory entry (R-PRT-7), maintained by operator staff.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "provider_directory_entries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        #[sea_orm(unique)]
        pub provider_org_id: String,
        /// JSON array of region names.
        pub regions: String,
        pub description: String,
        pub contact_email: String,
        pub contact_phone: String,
        pub website: String,
        pub version: i64,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
        pub updated_by: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod directory_country {
    use sea_orm::entity::prelude::*;

    /// A country a directory entry serves (searchable through an index).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "provider_directory_countries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub entry_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub country: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod gdap_relationship {
    use sea_orm::entity::prelude::*;

    /// A granular delegated admin relationship (R-REL-8).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "gdap_relationships")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub partner_org_id: String,
        /// Set when named at creation, or by the approving customer.
        pub customer_org_id: Option<String>,
        pub display_name: String,
        /// Lower-cased display name: unique per partner.
        pub display_name_key: String,
        /// Comma-separated customer role codes.
        pub roles: String,
        pub duration_days: i64,
        pub auto_extend: bool,
        pub state: String,
        pub starts_at: Option<TimeDateTimeWithTimeZone>,
        pub ends_at: Option<TimeDateTimeWithTimeZone>,
        pub created_at: TimeDateTimeWithTimeZone,
        pub created_by: Option<String>,
        pub approved_by: Option<String>,
        pub terminated_at: Option<TimeDateTimeWithTimeZone>,
        pub terminated_by_org: Option<String>,
        pub invitation_id: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod security_group {
    use sea_orm::entity::prelude::*;

    /// A partner's security group (R-REL-8): GDAP roles are assigned to groups, not people.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "security_groups")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub org_id: String,
        pub name: String,
        pub name_key: String,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod security_group_member {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "security_group_members")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub group_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod gdap_assignment {
    use sea_orm::entity::prelude::*;

    /// An access assignment: a security group gets a subset of a GDAP relationship's roles.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "gdap_assignments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub gdap_id: String,
        pub group_id: String,
        /// Comma-separated customer role codes.
        pub roles: String,
        pub created_at: TimeDateTimeWithTimeZone,
        pub removed_at: Option<TimeDateTimeWithTimeZone>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod service_request {
    use sea_orm::entity::prelude::*;

    /// A customer's service request (R-CUS-1).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "service_requests")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub customer_org_id: String,
        /// The customer itself, or the partner that opened it on the customer's behalf.
        pub opened_by_org: String,
        pub opened_by_user: Option<String>,
        pub title: String,
        pub description: String,
        pub severity: String,
        pub status: String,
        pub version: i64,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
        /// The subscription it is about, if any: its support contact sees it (R-ORD-5).
        pub subscription_id: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod service_request_note {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "service_request_notes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub request_id: String,
        pub author_org_id: String,
        pub author_user_id: Option<String>,
        pub author_name: String,
        pub body: String,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod product {
    use sea_orm::entity::prelude::*;

    /// A catalog product (R-ORD-1); offers sell its SKUs.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "products")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        #[sea_orm(unique)]
        pub code: String,
        pub name_en: String,
        pub name_ja: String,
        pub description_en: String,
        pub description_ja: String,
        pub version: i64,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod offer {
    use sea_orm::entity::prelude::*;

    /// An offer: one SKU of a product on given terms (R-ORD-1). `state` is available or retired.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "offers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub product_id: String,
        #[sea_orm(unique)]
        pub sku: String,
        pub name_en: String,
        pub name_ja: String,
        pub description_en: String,
        pub description_ja: String,
        pub billing_cycle: String,
        pub term_months: i64,
        pub unit_price_minor: i64,
        pub currency: String,
        pub min_quantity: i64,
        pub max_quantity: i64,
        pub trial_days: Option<i64>,
        pub prerequisite_offer_id: Option<String>,
        pub state: String,
        pub version: i64,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod offer_country {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "offer_countries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub offer_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub country: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod order {
    use sea_orm::entity::prelude::*;

    /// One order: the subscriptions it created carry its id.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "orders")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub customer_org_id: String,
        pub placed_by_org_id: String,
        pub placed_by_user_id: Option<String>,
        pub created_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod subscription {
    use sea_orm::entity::prelude::*;

    /// A customer's subscription to an offer (R-ORD-3…6). `seller_org_id` placed the order;
    /// `reseller_org_id` is the reseller it is attributed to (R-ORD-4); the support contact
    /// handles its support requests (R-ORD-5).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "subscriptions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub customer_org_id: String,
        pub offer_id: String,
        pub order_id: String,
        pub seller_org_id: String,
        pub reseller_org_id: Option<String>,
        pub support_contact_org_id: Option<String>,
        pub quantity: i64,
        pub state: String,
        /// Comma-separated suspension reason codes while suspended.
        pub suspension_reasons: String,
        pub auto_renew: bool,
        pub trial: bool,
        pub term_started_at: TimeDateTimeWithTimeZone,
        pub term_ends_at: TimeDateTimeWithTimeZone,
        pub ended_at: Option<TimeDateTimeWithTimeZone>,
        pub version: i64,
        pub created_at: TimeDateTimeWithTimeZone,
        pub updated_at: TimeDateTimeWithTimeZone,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod subscription_event {
    use sea_orm::entity::prelude::*;

    /// One entry of a subscription's history: what changed, when, and who changed it.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "subscription_history")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub subscription_id: String,
        pub occurred_at: TimeDateTimeWithTimeZone,
        pub actor_org_id: Option<String>,
        pub actor_user_id: Option<String>,
        pub change: String,
        /// JSON.
        pub details: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
