//! Technical benefits (技術関連の特典, R-BEN-7, issue 18 point 3): a global admin or membership
//! admin activates them once; activation makes an access ID and a contract ID that every user of
//! the partner then sees, and that its support requests carry.

use super::packages::{AllocationView, allocation_row, allocation_views};
use crate::audit::{self, Event};
use crate::secrets::random_bytes;
use crate::{App, AppError, AppResult, Ctx, outbox};
use keiro_domain::Action;
use keiro_domain::benefit::{self as rules, ActivateRefusal, AllocationState, BenefitKind};
use keiro_store::repo;
use serde_json::json;

fn refused(r: ActivateRefusal) -> AppError {
    AppError::Conflict {
        code: r.code(),
        message: r.message().into(),
    }
}

/// Activates a technical benefit (once, guarded), in one transaction with its audit row and
/// event: the allocation with its access ID and contract ID.
pub async fn activate(app: &App, ctx: &Ctx, allocation_id: &str) -> AppResult<AllocationView> {
    let me = super::partner_user(ctx)?;
    let now = app.now();
    let tx = app.db.begin().await?;
    let a = allocation_row(&tx, me, allocation_id).await?;
    me.require(Action::ActivateBenefits, "technical benefit")?;
    if a.kind != BenefitKind::TechnicalSupport.code() {
        return Err(refused(ActivateRefusal::NotTechnical));
    }
    if a.activated_at.is_some() {
        return Err(refused(ActivateRefusal::AlreadyActivated));
    }
    let (access, contract) = rules::support_ids(&random_bytes::<32>());
    if !repo::benefits::activate(&tx, &a.id, &me.user.id, (&access, &contract), now).await? {
        let state = AllocationState::at(a.state == "cancelled", a.starts_at, a.expires_at, now);
        return Err(refused(if state == AllocationState::Active {
            ActivateRefusal::AlreadyActivated
        } else {
            ActivateRefusal::NotActive
        }));
    }
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("benefit_allocation.activated", "benefit_allocation", &a.id)
            .in_org(&me.org.id)
            .details(json!({ "benefit": a.benefit_id, "access_id": access })),
    )
    .await?;
    outbox::enqueue_event(
        &tx,
        app,
        &[&me.org.id],
        "benefit_allocation.activated",
        json!({ "allocation": a.id, "access_id": access, "contract_id": contract }),
    )
    .await?;
    let fresh = repo::benefits::allocation(&tx, &a.id)
        .await?
        .ok_or(AppError::NotFound("benefit_allocation"))?;
    let v = allocation_views(&tx, vec![fresh], now).await?.remove(0);
    tx.commit().await?;
    Ok(v)
}
