//! Benefits held by users (R-BEN-4, R-BEN-6, issue 18 points 1 and 2): a global admin assigns
//! a unit of an Azure credit or a Visual Studio subscription to a user of the partner, removes a
//! monthly credit's user, and moves the annual credit (within its year) or a Visual Studio
//! subscription (90 days after its assignment) to another user. Each change is one transaction
//! under the partner's row lock: the assignment row, the ledger's guarded `used`, the audit row,
//! the event and the emails to the users concerned.

use super::packages::allocation_row;
use super::partner_user;
use crate::audit::{self, Event};
use crate::idempotency::{self, Key, Outcome};
use crate::{App, AppError, AppResult, Ctx, CurrentUser, mail, outbox};
use keiro_domain::benefit::{self as rules, AllocationState, AssignRefusal, BenefitKind};
use keiro_domain::{Action, Language};
use keiro_store::entities::{benefit_allocation, benefit_assignment, user};
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

pub(crate) fn assign_refused(r: AssignRefusal) -> AppError {
    AppError::Conflict {
        code: r.code(),
        message: r.message(),
    }
}

/// Who holds one unit of an allocation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AssignmentView {
    pub id: String,
    pub allocation_id: String,
    pub kind: String,
    /// The unit held (1 to the allocation's quantity).
    pub slot: i64,
    pub user_id: String,
    pub user_name: String,
    pub user_email: String,
    /// active or ended.
    pub state: String,
    pub assigned_at: OffsetDateTime,
    pub assigned_by: Option<String>,
    pub ended_at: Option<OffsetDateTime>,
    /// removed, reassigned or transferred.
    pub end_reason: Option<String>,
    /// A Visual Studio subscription: from when it may be reassigned.
    pub reassignable_from: Option<OffsetDateTime>,
    /// The annual credit: until when it may be transferred (its year).
    pub transferable_until: Option<OffsetDateTime>,
    pub version: i64,
}

pub(crate) async fn assignment_views(
    c: &impl ConnectionTrait,
    rows: Vec<benefit_assignment::Model>,
) -> AppResult<Vec<AssignmentView>> {
    let mut ids: Vec<String> = rows.iter().map(|r| r.user_id.clone()).collect();
    ids.extend(rows.iter().filter_map(|r| r.assigned_by.clone()));
    let users = repo::users::names(c, &ids).await?;
    let mut aids: Vec<String> = rows.iter().map(|r| r.allocation_id.clone()).collect();
    aids.dedup();
    let mut allocations = Vec::new();
    for id in aids {
        if let Some(a) = repo::benefits::allocation(c, &id).await? {
            allocations.push(a);
        }
    }
    let who = |id: &str| users.iter().find(|u| u.0 == id);
    Ok(rows
        .into_iter()
        .map(|r| {
            let kind = BenefitKind::parse(&r.kind).unwrap_or(BenefitKind::VisualStudio);
            let starts = allocations
                .iter()
                .find(|a| a.id == r.allocation_id)
                .map(|a| a.starts_at)
                .unwrap_or(r.assigned_at);
            let (from, until) = rules::movable(kind, r.assigned_at, starts);
            let active = r.state == "active";
            AssignmentView {
                user_name: who(&r.user_id).map(|u| u.1.clone()).unwrap_or_default(),
                user_email: who(&r.user_id).map(|u| u.2.clone()).unwrap_or_default(),
                assigned_by: r.assigned_by.as_deref().and_then(who).map(|u| u.1.clone()),
                reassignable_from: from.filter(|_| active),
                transferable_until: until.filter(|_| active),
                id: r.id,
                allocation_id: r.allocation_id,
                kind: r.kind,
                slot: r.slot,
                user_id: r.user_id,
                state: r.state,
                assigned_at: r.assigned_at,
                ended_at: r.ended_at,
                end_reason: r.end_reason,
                version: r.version,
            }
        })
        .collect())
}

/// An active user of the partner (another organization's is not found).
async fn member(c: &impl ConnectionTrait, me: &CurrentUser, id: &str) -> AppResult<user::Model> {
    repo::users::get_in_org(c, &me.org.id, id)
        .await?
        .filter(|u| u.active)
        .ok_or(AppError::NotFound("user"))
}

/// The kinds `user_id` holds now (through allocations still running at `now`).
async fn held(
    c: &impl ConnectionTrait,
    org: &str,
    user_id: &str,
    now: OffsetDateTime,
) -> AppResult<Vec<BenefitKind>> {
    let mut kinds = Vec::new();
    for g in repo::benefit_assignments::held_by(c, org, user_id).await? {
        let live = repo::benefits::allocation(c, &g.allocation_id)
            .await?
            .is_some_and(|a| running(&a, now));
        if let (true, Ok(k)) = (live, BenefitKind::parse(&g.kind)) {
            kinds.push(k);
        }
    }
    Ok(kinds)
}

fn kind_of(a: &benefit_allocation::Model) -> AppResult<BenefitKind> {
    BenefitKind::parse(&a.kind).map_err(|_| assign_refused(AssignRefusal::NotAssignable))
}

fn running(a: &benefit_allocation::Model, now: OffsetDateTime) -> bool {
    AllocationState::at(a.state == "cancelled", a.starts_at, a.expires_at, now)
        == AllocationState::Active
}

/// Emails a user that a benefit was assigned to them (`benefit-assigned`) or left them
/// (`benefit-unassigned`), in their language.
async fn tell(
    c: &impl ConnectionTrait,
    app: &App,
    me: &CurrentUser,
    template: &str,
    u: &user::Model,
    a: &benefit_allocation::Model,
) -> AppResult<()> {
    let lang =
        u.language
            .as_deref()
            .and_then(Language::parse)
            .unwrap_or(if me.org.country == "JP" {
                Language::Ja
            } else {
                Language::En
            });
    let b = repo::benefits::get(c, &a.benefit_id).await?;
    let benefit = b
        .map(|b| match lang {
            Language::Ja => b.name_ja,
            Language::En => b.name_en,
        })
        .unwrap_or_default();
    outbox::enqueue_email(
        c,
        app,
        Some(&me.org.id),
        template,
        &u.email,
        lang,
        &[
            ("name", u.full_name.clone()),
            ("company", me.org.legal_name.clone()),
            ("benefit", benefit),
            ("expires", mail::date(app, a.expires_at, lang)),
        ],
    )
    .await
}

async fn record(
    c: &impl ConnectionTrait,
    app: &App,
    ctx: &Ctx,
    me: &CurrentUser,
    action: &str,
    g: &benefit_assignment::Model,
    details: serde_json::Value,
) -> AppResult<()> {
    let now = app.now();
    audit::record(
        c,
        ctx,
        now,
        Event::new(action, "benefit_assignment", &g.id)
            .in_org(&me.org.id)
            .details(details.clone()),
    )
    .await?;
    outbox::enqueue_event(c, app, &[&me.org.id], action, details).await
}

/// A global admin assigns a unit of an allocation to a user of the partner (R-BEN-4, R-BEN-6):
/// refused when every unit is assigned, when the user holds it already, and when the Azure
/// annual credit would meet another credit on one user.
pub async fn assign(
    app: &App,
    ctx: &Ctx,
    allocation_id: &str,
    user_id: &str,
    idem: Option<&str>,
) -> AppResult<Outcome<AssignmentView>> {
    let me = partner_user(ctx)?;
    let key = Key::of_org(
        "benefit_assignments",
        me,
        idem,
        &json!({ "allocation": allocation_id, "user": user_id }),
    )?;
    idempotency::once(app, key, async |key| {
        let now = app.now();
        let tx = app.db.begin().await?;
        let a = allocation_row(&tx, me, allocation_id).await?;
        me.require(Action::AssignBenefits, "benefit assignment")?;
        let kind = kind_of(&a)?;
        let u = member(&tx, me, user_id).await?;
        repo::orgs::lock(&tx, &me.org.id).await?;
        let holders = repo::benefit_assignments::active_of(&tx, vec![a.id.clone()]).await?;
        let holds_this = holders.iter().any(|g| g.user_id == u.id);
        let free = a.quantity - holders.len() as i64;
        let mine = held(&tx, &me.org.id, &u.id, now).await?;
        rules::may_assign(kind, running(&a, now), free, holds_this, &mine)
            .map_err(assign_refused)?;
        let slot = (1..=a.quantity)
            .find(|s| !holders.iter().any(|g| g.slot == *s))
            .ok_or(assign_refused(AssignRefusal::NoneLeft))?;
        if !repo::benefits::use_units(&tx, &a.id, 1, now).await? {
            return Err(assign_refused(AssignRefusal::NoneLeft));
        }
        let g = benefit_assignment::Model {
            id: Uuid::now_v7().to_string(),
            org_id: me.org.id.clone(),
            allocation_id: a.id.clone(),
            kind: a.kind.clone(),
            slot,
            user_id: u.id.clone(),
            state: "active".into(),
            assigned_by: Some(me.user.id.clone()),
            assigned_at: now,
            ended_by: None,
            ended_at: None,
            end_reason: None,
            version: 1,
        };
        repo::benefit_assignments::insert(&tx, g.clone())
            .await
            .map_err(|e| match e {
                keiro_store::StoreError::Duplicate(_) => {
                    assign_refused(AssignRefusal::AlreadyHolds)
                }
                e => e.into(),
            })?;
        record(
            &tx,
            app,
            ctx,
            me,
            "benefit_assignment.created",
            &g,
            json!({ "assignment": g.id, "allocation": a.id, "kind": a.kind, "user": u.id, "slot": slot }),
        )
        .await?;
        tell(&tx, app, me, "benefit-assigned", &u, &a).await?;
        let v = assignment_views(&tx, vec![g]).await?.remove(0);
        idempotency::keep(&tx, key, 201, &v, now).await?;
        tx.commit().await?;
        Ok(v)
    })
    .await
}

/// The assignment `id` of the partner, with its allocation, read in `c`; a global admin only.
async fn assignment_row(
    c: &impl ConnectionTrait,
    me: &CurrentUser,
    id: &str,
) -> AppResult<(benefit_assignment::Model, benefit_allocation::Model)> {
    let g = repo::benefit_assignments::in_org(c, &me.org.id, id)
        .await?
        .ok_or(AppError::NotFound("benefit_assignment"))?;
    me.require(Action::AssignBenefits, "benefit assignment")?;
    let a = repo::benefits::allocation(c, &g.allocation_id)
        .await?
        .ok_or(AppError::NotFound("benefit_allocation"))?;
    Ok((g, a))
}

/// A global admin removes a user from a monthly credit (at any time); the annual credit and a
/// Visual Studio subscription are never removed.
pub async fn remove(app: &App, ctx: &Ctx, id: &str) -> AppResult<AssignmentView> {
    let me = partner_user(ctx)?;
    let now = app.now();
    let tx = app.db.begin().await?;
    let (g, a) = assignment_row(&tx, me, id).await?;
    rules::may_remove(kind_of(&a)?).map_err(assign_refused)?;
    repo::orgs::lock(&tx, &me.org.id).await?;
    if !repo::benefit_assignments::end(&tx, &g.id, "removed", &me.user.id, now).await? {
        return Err(assign_refused(AssignRefusal::Ended));
    }
    if !repo::benefits::release_units(&tx, &a.id, 1).await? {
        return Err(AppError::Internal(
            "an assignment's unit was not in use".into(),
        ));
    }
    record(
        &tx,
        app,
        ctx,
        me,
        "benefit_assignment.removed",
        &g,
        json!({ "assignment": g.id, "allocation": a.id, "kind": a.kind, "user": g.user_id }),
    )
    .await?;
    if let Some(u) = repo::users::get_in_org(&tx, &me.org.id, &g.user_id).await? {
        tell(&tx, app, me, "benefit-unassigned", &u, &a).await?;
    }
    let fresh = repo::benefit_assignments::in_org(&tx, &me.org.id, &g.id)
        .await?
        .ok_or(AppError::NotFound("benefit_assignment"))?;
    let v = assignment_views(&tx, vec![fresh]).await?.remove(0);
    tx.commit().await?;
    Ok(v)
}

/// A global admin moves an assignment to another user of the partner: the annual credit within
/// its year (transferred), a Visual Studio subscription 90 days after its assignment
/// (reassigned). Both users are emailed; the new assignment is answered.
pub async fn reassign(app: &App, ctx: &Ctx, id: &str, user_id: &str) -> AppResult<AssignmentView> {
    let me = partner_user(ctx)?;
    let now = app.now();
    let tx = app.db.begin().await?;
    let (g, a) = assignment_row(&tx, me, id).await?;
    let kind = kind_of(&a)?;
    let to = member(&tx, me, user_id).await?;
    repo::orgs::lock(&tx, &me.org.id).await?;
    if g.state != "active" {
        return Err(assign_refused(AssignRefusal::Ended));
    }
    if !running(&a, now) {
        return Err(assign_refused(AssignRefusal::NotActive));
    }
    let mine = held(&tx, &me.org.id, &to.id, now).await?;
    rules::may_move(
        kind,
        g.assigned_at,
        a.starts_at,
        now,
        to.id == g.user_id,
        &mine,
    )
    .map_err(assign_refused)?;
    let holders = repo::benefit_assignments::active_of(&tx, vec![a.id.clone()]).await?;
    if holders.iter().any(|h| h.user_id == to.id) {
        return Err(assign_refused(AssignRefusal::AlreadyHolds));
    }
    let reason = if kind == BenefitKind::AzureAnnualCredit {
        "transferred"
    } else {
        "reassigned"
    };
    if !repo::benefit_assignments::end(&tx, &g.id, reason, &me.user.id, now).await? {
        return Err(assign_refused(AssignRefusal::Ended));
    }
    let next = benefit_assignment::Model {
        id: Uuid::now_v7().to_string(),
        user_id: to.id.clone(),
        state: "active".into(),
        assigned_by: Some(me.user.id.clone()),
        assigned_at: now,
        ended_by: None,
        ended_at: None,
        end_reason: None,
        version: 1,
        ..g.clone()
    };
    repo::benefit_assignments::insert(&tx, next.clone()).await?;
    record(
        &tx,
        app,
        ctx,
        me,
        "benefit_assignment.moved",
        &next,
        json!({ "assignment": next.id, "previous": g.id, "allocation": a.id, "kind": a.kind,
                "from": g.user_id, "to": to.id, "how": reason }),
    )
    .await?;
    tell(&tx, app, me, "benefit-assigned", &to, &a).await?;
    if let Some(from) = repo::users::get_in_org(&tx, &me.org.id, &g.user_id).await? {
        tell(&tx, app, me, "benefit-unassigned", &from, &a).await?;
    }
    let v = assignment_views(&tx, vec![next]).await?.remove(0);
    tx.commit().await?;
    Ok(v)
}

/// The partner's assignments, newest first, of one allocation, user and state (active or
/// ended) if given. Every partner user sees who holds what.
pub async fn assignments(
    app: &App,
    ctx: &Ctx,
    allocation_id: Option<&str>,
    user_id: Option<&str>,
    state: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<AssignmentView>> {
    let me = partner_user(ctx)?;
    if let Some(s) = state
        && !["active", "ended"].contains(&s)
    {
        return Err(AppError::validation(
            "state",
            "invalid_state",
            "state is active or ended",
        ));
    }
    let c = app.db.reader();
    let page = repo::benefit_assignments::list(
        c,
        &me.org.id,
        allocation_id,
        user_id,
        state,
        cursor,
        limit,
    )
    .await?;
    Ok(Page {
        items: assignment_views(c, page.items).await?,
        next_cursor: page.next_cursor,
    })
}

pub async fn assignment(app: &App, ctx: &Ctx, id: &str) -> AppResult<AssignmentView> {
    let me = partner_user(ctx)?;
    let c = app.db.reader();
    let g = repo::benefit_assignments::in_org(c, &me.org.id, id)
        .await?
        .ok_or(AppError::NotFound("benefit_assignment"))?;
    Ok(assignment_views(c, vec![g]).await?.remove(0))
}

/// The active assignments of these allocations (for the Benefits page).
pub async fn holders(
    app: &App,
    ctx: &Ctx,
    allocation_ids: Vec<String>,
) -> AppResult<Vec<AssignmentView>> {
    let me = partner_user(ctx)?;
    let c = app.db.reader();
    let rows = repo::benefit_assignments::active_of(c, allocation_ids)
        .await?
        .into_iter()
        .filter(|g| g.org_id == me.org.id)
        .collect();
    assignment_views(c, rows).await
}

/// The partner's active users a benefit may be assigned to, or be its marketing contact: (id,
/// name, email), for users who may assign or activate benefits.
pub async fn members(app: &App, ctx: &Ctx) -> AppResult<Vec<(String, String, String)>> {
    let me = partner_user(ctx)?;
    if !me.may(Action::AssignBenefits) {
        me.require(Action::ActivateBenefits, "benefit users")?;
    }
    let c = app.db.reader();
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = repo::users::list_in_org(c, &me.org.id, cursor.as_deref(), 200).await?;
        out.extend(
            page.items
                .into_iter()
                .filter(|u| u.active)
                .map(|u| (u.id, u.full_name, u.email)),
        );
        match page.next_cursor {
            Some(n) if out.len() < 2000 => cursor = Some(n),
            _ => return Ok(out),
        }
    }
}
