//! Requests from partners to the operator about their benefits (R-BEN-7, R-BEN-8, R-BEN-10):
//! cancellations (decided in `cancellation`), technical support requests and advisory requests
//! (opened in `support`). Here: how a request reads, the lists (a partner its own, operator
//! staff everyone's), and operator staff's answer to a support or advisory request, which for
//! an advisory request records the hours used on the ledger's guarded write.

use super::{conflict, operator, partner_user};
use crate::audit::{self, Event};
use crate::{App, AppError, AppResult, Ctx, outbox};
use keiro_domain::Action;
use keiro_domain::benefit::{self as rules, REQUEST_KINDS, RequestRefusal};
use keiro_store::entities::benefit_request;
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;

pub(crate) fn request_refused(r: RequestRefusal) -> AppError {
    AppError::Conflict {
        code: r.code(),
        message: r.message().into(),
    }
}

/// A request to the operator about a partner's benefits.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestView {
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    /// cancellation, technical_support or advisory.
    pub kind: String,
    pub package_id: Option<String>,
    /// The allocation a support or advisory request goes through.
    pub allocation_id: Option<String>,
    pub description: String,
    /// open, approved or refused (a cancellation); open or answered (support, advisory).
    pub state: String,
    pub opened_by: Option<String>,
    pub opened_at: OffsetDateTime,
    pub decided_at: Option<OffsetDateTime>,
    /// Operator staff's reason (a cancellation) or answer (support, advisory).
    pub decision_reason: Option<String>,
    /// A technical support request: product or cloud, and the IDs it carries (R-BEN-7).
    pub topic: Option<String>,
    pub access_id: Option<String>,
    pub contract_id: Option<String>,
    /// An advisory request: the hours its answer used (R-BEN-8).
    pub hours_used: Option<i64>,
    pub version: i64,
}

pub(crate) async fn request_views(
    c: &impl ConnectionTrait,
    rows: Vec<benefit_request::Model>,
) -> AppResult<Vec<RequestView>> {
    let orgs = repo::orgs::by_ids(c, rows.iter().map(|r| r.org_id.clone()).collect()).await?;
    let ids: Vec<String> = rows.iter().filter_map(|r| r.opened_by.clone()).collect();
    let users = repo::users::names(c, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| RequestView {
            org_name: orgs
                .iter()
                .find(|o| o.id == r.org_id)
                .map(|o| o.legal_name.clone())
                .unwrap_or_default(),
            opened_by: r
                .opened_by
                .as_ref()
                .and_then(|id| users.iter().find(|u| &u.0 == id))
                .map(|u| u.1.clone()),
            id: r.id,
            org_id: r.org_id,
            kind: r.kind,
            package_id: r.package_id,
            allocation_id: r.allocation_id,
            description: r.description,
            state: r.state,
            opened_at: r.opened_at,
            decided_at: r.decided_at,
            decision_reason: r.decision_reason,
            topic: r.topic,
            access_id: r.access_id,
            contract_id: r.contract_id,
            hours_used: r.hours_used,
            version: r.version,
        })
        .collect())
}

/// A reason of 1 to 1000 characters.
pub(crate) fn reason(field: &'static str, s: &str) -> AppResult<String> {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > 1000 {
        return Err(AppError::validation(
            field,
            "reason_required",
            "give a reason of 1 to 1000 characters",
        ));
    }
    Ok(s.to_string())
}

/// Requests, newest first: a partner's own; every partner's for operator staff (`state`: open,
/// approved, refused or answered; `kind`: cancellation, technical_support or advisory).
pub async fn requests(
    app: &App,
    ctx: &Ctx,
    state: Option<&str>,
    kind: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<RequestView>> {
    let me = ctx.user()?;
    let org = if me.may(Action::ManageBenefits) {
        None
    } else {
        Some(partner_user(ctx)?.org.id.clone())
    };
    if let Some(s) = state
        && !["open", "approved", "refused", "answered"].contains(&s)
    {
        return Err(AppError::validation(
            "state",
            "invalid_state",
            "state is open, approved, refused or answered",
        ));
    }
    if let Some(k) = kind
        && !REQUEST_KINDS.contains(&k)
    {
        return Err(AppError::validation(
            "kind",
            "invalid_kind",
            "kind is cancellation, technical_support or advisory",
        ));
    }
    let c = app.db.reader();
    let page = repo::benefits::requests(c, org.as_deref(), state, kind, cursor, limit).await?;
    Ok(Page {
        items: request_views(c, page.items).await?,
        next_cursor: page.next_cursor,
    })
}

/// One request: the partner's own, or anyone's for operator staff.
pub async fn request(app: &App, ctx: &Ctx, id: &str) -> AppResult<RequestView> {
    let me = ctx.user()?;
    let c = app.db.reader();
    let row = if me.may(Action::ManageBenefits) {
        repo::benefits::request(c, id).await?
    } else {
        repo::benefits::request_in_org(c, &partner_user(ctx)?.org.id, id).await?
    };
    let r = row.ok_or(AppError::NotFound("benefit_request"))?;
    Ok(request_views(c, vec![r]).await?.remove(0))
}

/// Operator staff answer an open technical support or advisory request (R-BEN-7, R-BEN-8);
/// for an advisory request they record the hours it used (0 to the hours left), spent on the
/// ledger in the same transaction. The partner sees the answer; an event tells its systems.
pub async fn answer(
    app: &App,
    ctx: &Ctx,
    id: &str,
    text: &str,
    hours: Option<i64>,
) -> AppResult<RequestView> {
    let me = operator(ctx)?;
    let text = reason("answer", text)?;
    let now = app.now();
    let tx = app.db.begin().await?;
    let r = repo::benefits::request(&tx, id)
        .await?
        .ok_or(AppError::NotFound("benefit_request"))?;
    if r.kind == "cancellation" {
        return Err(request_refused(RequestRefusal::NotAnswerable));
    }
    if r.state != "open" {
        return Err(conflict(
            "request_decided",
            "this request was answered already",
        ));
    }
    let hours = if r.kind == "advisory" {
        let a = match &r.allocation_id {
            Some(aid) => repo::benefits::allocation(&tx, aid).await?,
            None => None,
        }
        .ok_or(AppError::NotFound("benefit_allocation"))?;
        let h = rules::hours_used(hours.unwrap_or(0), (a.quantity - a.used).max(0))
            .map_err(request_refused)?;
        if h > 0 && !repo::benefits::use_units(&tx, &a.id, h, now).await? {
            return Err(request_refused(RequestRefusal::HoursOver));
        }
        Some(h)
    } else {
        None
    };
    if !repo::benefits::answer_request(&tx, id, &me.user.id, text.clone(), hours, now).await? {
        return Err(conflict(
            "request_decided",
            "this request was answered already",
        ));
    }
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("benefit_request.answered", "benefit_request", id)
            .in_org(&r.org_id)
            .details(json!({ "kind": r.kind, "hours_used": hours })),
    )
    .await?;
    outbox::enqueue_event(
        &tx,
        app,
        &[&r.org_id],
        "benefit_request.answered",
        json!({ "request": id, "kind": r.kind, "allocation": r.allocation_id, "hours_used": hours }),
    )
    .await?;
    let fresh = repo::benefits::request(&tx, id)
        .await?
        .ok_or(AppError::NotFound("benefit_request"))?;
    let v = request_views(&tx, vec![fresh]).await?.remove(0);
    tx.commit().await?;
    Ok(v)
}

/// The requests sent through these allocations of the partner, newest first (for the Benefits
/// page).
pub async fn requests_through(
    app: &App,
    ctx: &Ctx,
    allocation_ids: Vec<String>,
) -> AppResult<Vec<RequestView>> {
    let me = partner_user(ctx)?;
    let c = app.db.reader();
    let rows = repo::benefits::requests_of_allocations(c, allocation_ids)
        .await?
        .into_iter()
        .filter(|r| r.org_id == me.org.id)
        .collect();
    request_views(c, rows).await
}
