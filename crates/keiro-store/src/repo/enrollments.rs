//! Partner applications (`enrollments`): one per organization; `save` is guarded on the state it
//! read.

use super::*;
use enrollment::Column as C;

pub async fn for_org(
    c: &impl ConnectionTrait,
    org_id: &str,
) -> Result<Option<enrollment::Model>, StoreError> {
    unique(c, enrollment::Entity::find().filter(C::OrgId.eq(org_id))).await
}

pub async fn get(c: &impl ConnectionTrait, id: &str) -> Found<enrollment::Model> {
    row_by_id::<enrollment::Entity>(c, id).await
}

/// The review queue, oldest first (first come, first served).
pub async fn queue(
    c: &impl ConnectionTrait,
    state: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<enrollment::Model>, StoreError> {
    let mut sel = enrollment::Entity::find();
    if let Some(s) = state {
        sel = sel.filter(C::State.eq(s));
    }
    keyset(c, sel, C::Id, cursor, limit, Order::Asc, |r| r.id.clone()).await
}

/// Writes the whole row if it is still at `m.version` and in state `from` (guarded).
pub async fn save(
    c: &impl ConnectionTrait,
    m: &enrollment::Model,
    from: &str,
    now: Ts,
) -> Result<(), StoreError> {
    one_or_stale(
        enrollment::Entity::update_many()
            .col_expr(C::ProgramRole, Expr::value(m.program_role.clone()))
            .col_expr(C::State, Expr::value(m.state.clone()))
            .col_expr(
                C::MembershipRecordId,
                Expr::value(m.membership_record_id.clone()),
            )
            .col_expr(
                C::PrimaryContactName,
                Expr::value(m.primary_contact_name.clone()),
            )
            .col_expr(
                C::PrimaryContactEmail,
                Expr::value(m.primary_contact_email.clone()),
            )
            .col_expr(
                C::PrimaryContactPhone,
                Expr::value(m.primary_contact_phone.clone()),
            )
            .col_expr(C::SupportEmail, Expr::value(m.support_email.clone()))
            .col_expr(C::SupportPhone, Expr::value(m.support_phone.clone()))
            .col_expr(C::SupportWebsite, Expr::value(m.support_website.clone()))
            .col_expr(C::ContactVerifiedAt, Expr::value(m.contact_verified_at))
            .col_expr(C::SubmittedAt, Expr::value(m.submitted_at))
            .col_expr(C::ReviewNote, Expr::value(m.review_note.clone()))
            .col_expr(C::DecidedBy, Expr::value(m.decided_by.clone()))
            .col_expr(C::DecidedAt, Expr::value(m.decided_at))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .incr(C::Version)
            .filter(C::Id.eq(m.id.as_str()))
            .filter(C::Version.eq(m.version))
            .filter(C::State.eq(from))
            .changed_one(c)
            .await?,
    )
}
