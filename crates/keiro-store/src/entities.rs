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

/// What a searched table shares (migration m0012): `search_text` follows its searched fields,
/// on every insert (the `before_save` hook, which `repo::insert` runs) and after every update
/// that changes one of them (`repo::reindex`), so searches compare one normalised text.
macro_rules! searched_by {
    ($($field:ident),+) => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl Model {
            /// The search form of the searched fields, as `search_text` must hold it.
            pub fn fresh_search_text(&self) -> String {
                keiro_domain::text::search_text(&[$(crate::entities::field_text(&self.$field)),+])
            }
        }

        #[async_trait::async_trait]
        impl ActiveModelBehavior for ActiveModel {
            async fn before_save<C>(mut self, _db: &C, _insert: bool) -> Result<Self, DbErr>
            where
                C: ConnectionTrait,
            {
                let fields = [$(self.$field.try_as_ref().map(|v| crate::entities::field_text(v))),+];
                if let Some(f) = fields.into_iter().collect::<Option<Vec<&str>>>() {
                    let text = keiro_domain::text::search_text(&f);
                    self.search_text = sea_orm::ActiveValue::Set(text);
                }
                Ok(self)
            }
        }

        impl crate::entities::Searched for Entity {
            fn search_col() -> Column {
                Column::SearchText
            }
            fn id_col() -> Column {
                Column::Id
            }
            fn fresh(m: &Model) -> String {
                m.fresh_search_text()
            }
        }
    };
}

/// A searched table: where its search text is and how it is made from a row.
pub trait Searched: sea_orm::EntityTrait {
    fn search_col() -> Self::Column;
    fn id_col() -> Self::Column;
    fn fresh(m: &Self::Model) -> String;
}

/// A searched field's text (an absent optional field searches as empty).
pub trait FieldText {
    fn text(&self) -> &str;
}
impl FieldText for String {
    fn text(&self) -> &str {
        self
    }
}
impl FieldText for Option<String> {
    fn text(&self) -> &str {
        self.as_deref().unwrap_or("")
    }
}
pub fn field_text<T: FieldText>(v: &T) -> &str {
    v.text()
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
pub mod invitation_use;
pub mod product_key;
pub mod product_key_order;

pub mod benefit;
pub mod benefit_allocation;
pub mod benefit_assignment;
pub mod benefit_download;
pub mod benefit_key;
pub mod benefit_level;
pub mod benefit_marketing_contact;
pub mod benefit_package;
pub mod benefit_request;

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
