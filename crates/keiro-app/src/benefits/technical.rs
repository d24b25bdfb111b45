//! Activating a benefit (R-BEN-7, R-BEN-9, issue 18 points 3 and 5): a global admin or
//! membership admin activates a technical benefit (技術関連の特典) once, which makes an access ID
//! and a contract ID that every user of the partner then sees and its support requests carry;
//! or a go-to-market offer, once the marketing contact is assigned, which is then pending until
//! operator staff confirm it (`marketing::confirm`).

use super::packages::{AllocationView, allocation_row, allocation_views};
use crate::audit::{self, Event};
use crate::secrets::random_bytes;
use crate::{App, AppError, AppResult, Ctx, outbox};
use keiro_domain::Action;
use keiro_domain::benefit::{self as rules, ActivateRefusal, AllocationState, BenefitKind};
use keiro_store::repo;
use serde_json::json;

pub(crate) fn refused(r: ActivateRefusal) -> AppError {
    AppError::Conflict {
        code: r.code(),
        message: r.message().into(),
    }
}

/// Activates a technical benefit or a go-to-market offer (once, guarded), in one transaction
/// with its audit row and event: the allocation with its access ID and contract ID, or pending.
pub async fn activate(app: &App, ctx: &Ctx, allocation_id: &str) -> AppResult<AllocationView> {
    let me = super::partner_user(ctx)?;
    let now = app.now();
    let tx = app.db.begin().await?;
    let a = allocation_row(&tx, me, allocation_id).await?;
    me.require(Action::ActivateBenefits, "benefit activation")?;
    let technical = a.kind == BenefitKind::TechnicalSupport.code();
    if !technical && a.kind != BenefitKind::GoToMarket.code() {
        return Err(refused(ActivateRefusal::NotActivatable));
    }
    if a.activated_at.is_some() {
        return Err(refused(ActivateRefusal::AlreadyActivated));
    }
    if !technical {
        super::marketing::need_contact(&tx, me).await?;
    }
    let (access, contract) = if technical {
        let (x, c) = rules::support_ids(&random_bytes::<32>());
        (Some(x), Some(c))
    } else {
        (None, None)
    };
    let ids = (access.as_deref(), contract.as_deref());
    if !repo::benefits::activate(&tx, &a.id, &me.user.id, ids, now).await? {
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
            .details(json!({ "benefit": a.benefit_id, "kind": a.kind, "access_id": access })),
    )
    .await?;
    outbox::enqueue_event(
        &tx,
        app,
        &[&me.org.id],
        "benefit_allocation.activated",
        json!({ "allocation": a.id, "kind": a.kind, "access_id": access, "contract_id": contract,
                "pending": !technical }),
    )
    .await?;
    let fresh = repo::benefits::allocation(&tx, &a.id)
        .await?
        .ok_or(AppError::NotFound("benefit_allocation"))?;
    let v = allocation_views(&tx, vec![fresh], now).await?.remove(0);
    tx.commit().await?;
    Ok(v)
}
