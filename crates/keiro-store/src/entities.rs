//! SeaORM entities. Ids are UUIDv7 text; times are UTC `OffsetDateTime`; sets of codes
//! (program roles, authorizations) are comma-separated text where they are never queried by
//! member, and a table where they are (`user_roles`).

/// What every entity here shares: no relations (joins are written in `repo/`, where the query
/// is), and the default active-model behaviour.
macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod organization;

pub mod user;

pub mod user_role;

pub mod session;

pub mod api_token;

pub mod audit_record;

pub mod outbox_message;

pub mod idempotency_record;

pub mod membership_record;

pub mod enrollment;

pub mod email_verification;

pub mod mfa_recovery_code;

pub mod invitation;

pub mod partnership;

pub mod delegated_right;

pub mod customer_relationship;

pub mod directory_entry;

pub mod directory_country;

pub mod gdap_relationship;

pub mod security_group;

pub mod security_group_member;

pub mod gdap_assignment;

pub mod service_request;

pub mod service_request_note;

pub mod product;

pub mod offer;

pub mod offer_country;

pub mod order;

pub mod subscription;

pub mod subscription_event;

pub mod rate_counter;

pub mod job;

pub mod job_line;
