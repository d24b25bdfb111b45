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

no_relations!();
