//! Cancelling a package for a refund (R-BEN-10, seed 003): within 30 days of its purchase, and
//! while no software key of it was got (nor, Keiro's own rule, a license key redeemed), a
//! global admin asks the operator through a service request; operator staff approve or refuse
//! it with a reason. Approval cancels the package and its allocations and revokes its unused
//! license keys, in one transaction with its audit row, event and email.

use super::packages::{notify, package_row};
use super::requests::{RequestView, reason, request_refused, request_views};
use super::{conflict, operator, partner_user};
use crate::audit::{self, Event};
use crate::idempotency::{self, Key, Outcome};
use crate::{App, AppError, AppResult, Ctx, outbox};
use keiro_domain::Action;
use keiro_domain::benefit::{self as rules, CancelRefusal, PackageUse, RequestRefusal};
use keiro_store::entities::{benefit_package, benefit_request};
use keiro_store::repo;
use keiro_store::sea_orm::ConnectionTrait;
use serde_json::json;
use uuid::Uuid;

pub(crate) fn cancel_refused(r: CancelRefusal) -> AppError {
    AppError::Conflict {
        code: r.code(),
        message: r.message().into(),
    }
}

/// What the rule looks at for `p`, read in `c`.
async fn use_of(c: &impl ConnectionTrait, p: &benefit_package::Model) -> AppResult<PackageUse> {
    let ids: Vec<String> = repo::benefits::allocations_of(c, vec![p.id.clone()])
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let software = repo::benefits::keys_of(c, ids.clone()).await?.len() as i64;
    let licenses = repo::product_keys::of_benefit_allocations(c, ids)
        .await?
        .iter()
        .filter(|(_, k)| k.state == "redeemed")
        .count() as i64;
    let open = repo::benefits::requests_of_package(c, &p.id)
        .await?
        .iter()
        .any(|r| r.state == "open" && r.kind == KIND);
    Ok(PackageUse {
        software_keys_got: software,
        license_keys_redeemed: licenses,
        cancelled: p.state == "cancelled",
        request_open: open,
    })
}

const KIND: &str = "cancellation";

/// Why the package cannot be cancelled now, if so (the reason a greyed button shows).
pub async fn why_not_cancel(app: &App, ctx: &Ctx, package_id: &str) -> AppResult<Option<AppError>> {
    let me = partner_user(ctx)?;
    if let Err(e) = me.require(Action::AssignBenefits, "benefit package") {
        return Ok(Some(e));
    }
    let c = app.db.reader();
    let p = package_row(c, me, package_id).await?;
    let u = use_of(c, &p).await?;
    Ok(rules::may_cancel(p.bought_at, app.now(), u)
        .err()
        .map(cancel_refused))
}

/// A global admin asks the operator to cancel a package for a refund (R-BEN-10): refused with
/// the rule's reason after day 30, after a software key was got, or while a request is open.
pub async fn request_cancellation(
    app: &App,
    ctx: &Ctx,
    package_id: &str,
    why: &str,
    idem: Option<&str>,
) -> AppResult<Outcome<RequestView>> {
    let me = partner_user(ctx)?;
    let why = reason("reason", why)?;
    let key = Key::of_org(
        "benefit_cancellation",
        me,
        idem,
        &json!({ "package": package_id, "reason": why }),
    )?;
    idempotency::once(app, key, async |key| {
        let now = app.now();
        let tx = app.db.begin().await?;
        let p = package_row(&tx, me, package_id).await?;
        me.require(Action::AssignBenefits, "benefit package")?;
        repo::orgs::lock(&tx, &me.org.id).await?;
        let u = use_of(&tx, &p).await?;
        rules::may_cancel(p.bought_at, now, u).map_err(cancel_refused)?;
        let r = benefit_request::Model {
            id: Uuid::now_v7().to_string(),
            org_id: me.org.id.clone(),
            kind: KIND.into(),
            package_id: Some(p.id.clone()),
            allocation_id: None,
            description: why.clone(),
            state: "open".into(),
            opened_by: Some(me.user.id.clone()),
            opened_at: now,
            decided_by: None,
            decided_at: None,
            decision_reason: None,
            version: 1,
            topic: None,
            access_id: None,
            contract_id: None,
            hours_used: None,
        };
        repo::benefits::insert_request(&tx, r.clone())
            .await
            .map_err(|e| match e {
                keiro_store::StoreError::Duplicate(_) => {
                    cancel_refused(CancelRefusal::AlreadyRequested)
                }
                e => e.into(),
            })?;
        audit::record(
            &tx,
            ctx,
            now,
            Event::new("benefit_request.opened", "benefit_request", &r.id)
                .in_org(&me.org.id)
                .details(json!({ "kind": KIND, "package": p.id })),
        )
        .await?;
        if let Some(op) = repo::orgs::find_operator(&tx).await? {
            outbox::enqueue_event(
                &tx,
                app,
                &[&me.org.id, &op.id],
                "benefit_request.opened",
                json!({ "request": r.id, "kind": KIND, "package": p.id }),
            )
            .await?;
        }
        let v = request_views(&tx, vec![r]).await?.remove(0);
        idempotency::keep(&tx, key, 201, &v, now).await?;
        tx.commit().await?;
        Ok(v)
    })
    .await
}

/// Operator staff decide an open request with a reason. Approving a cancellation cancels the
/// package and its allocations and revokes its unused license keys; the partner is emailed. A
/// request whose package was used since (a key got) cannot be approved.
pub async fn decide(
    app: &App,
    ctx: &Ctx,
    id: &str,
    approve: bool,
    why: &str,
) -> AppResult<RequestView> {
    let me = operator(ctx)?;
    let why = reason("reason", why)?;
    let now = app.now();
    let tx = app.db.begin().await?;
    let r = repo::benefits::request(&tx, id)
        .await?
        .ok_or(AppError::NotFound("benefit_request"))?;
    if r.kind != KIND {
        return Err(request_refused(RequestRefusal::NotACancellation));
    }
    if r.state != "open" {
        return Err(conflict(
            "request_decided",
            "this request was decided already",
        ));
    }
    let org = repo::orgs::get(&tx, &r.org_id)
        .await?
        .ok_or(AppError::NotFound("organization"))?;
    let p = match &r.package_id {
        Some(pid) => repo::benefits::package(&tx, pid).await?,
        None => None,
    }
    .ok_or(AppError::NotFound("benefit_package"))?;
    if approve {
        // Asked within the window: only use since then, or a cancellation, stops it now.
        rules::may_approve(use_of(&tx, &p).await?).map_err(cancel_refused)?;
    }
    let state = if approve { "approved" } else { "refused" };
    if !repo::benefits::decide_request(&tx, id, state, &me.user.id, Some(why.clone()), now).await? {
        return Err(conflict(
            "request_decided",
            "this request was decided already",
        ));
    }
    if approve {
        if !repo::benefits::cancel_package(&tx, &p.id, now).await? {
            return Err(cancel_refused(CancelRefusal::AlreadyCancelled));
        }
        let ids: Vec<String> = repo::benefits::allocations_of(&tx, vec![p.id.clone()])
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect();
        repo::product_keys::revoke_for_allocations(&tx, ids, &me.user.id, now).await?;
        audit::record(
            &tx,
            ctx,
            now,
            Event::new("benefit_package.cancelled", "benefit_package", &p.id)
                .in_org(&org.id)
                .details(json!({ "request": id, "reason": why })),
        )
        .await?;
        notify(&tx, app, &org, "benefit-package-cancelled", &p, Some(&why)).await?;
    }
    audit::record(
        &tx,
        ctx,
        now,
        Event::new(
            if approve {
                "benefit_request.approved"
            } else {
                "benefit_request.refused"
            },
            "benefit_request",
            id,
        )
        .in_org(&org.id)
        .details(json!({ "kind": r.kind, "reason": why })),
    )
    .await?;
    outbox::enqueue_event(
        &tx,
        app,
        &[&org.id],
        &format!("benefit_request.{state}"),
        json!({ "request": id, "package": p.id, "reason": why }),
    )
    .await?;
    let fresh = repo::benefits::request(&tx, id)
        .await?
        .ok_or(AppError::NotFound("benefit_request"))?;
    let v = request_views(&tx, vec![fresh]).await?.remove(0);
    tx.commit().await?;
    Ok(v)
}
