//! Granular delegated admin (R-REL-8): a partner creates a named relationship with customer
//! roles and a duration, sends its approval link, a customer's global admin approves it, and the
//! partner assigns subsets of its roles to security groups. Either side terminates it; the
//! scheduled job ([`tick`]) marks the last 30 days as expiring, auto-extends, and expires.
//! Authorization never waits for the job: a relationship past its end grants nothing.

use crate::audit::{self, Event};
use crate::idempotency::{self, Key, Outcome};
use crate::invitations::{self, Issued, SendTo};
use crate::orgs::partner_facts;
use crate::{App, AppError, AppResult, Ctx, CurrentUser, outbox};
use keiro_domain::gdap::{self, GdapRequest, GdapState, Scheduled};
use keiro_domain::invitation::InvitationKind;
use keiro_domain::{Action, Language, OrgKind, Role};
use keiro_store::entities::invitation;
use keiro_store::entities::{gdap_assignment, gdap_relationship, security_group};
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::ConnectionTrait;
use keiro_store::sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

mod groups;
pub use groups::*;

/// A relationship as either side sees it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GdapView {
    pub id: String,
    pub partner_org_id: String,
    pub partner_name: String,
    pub customer_org_id: Option<String>,
    pub customer_name: Option<String>,
    pub display_name: String,
    pub roles: Vec<String>,
    pub duration_days: i64,
    pub auto_extend: bool,
    pub state: String,
    pub starts_at: Option<OffsetDateTime>,
    pub ends_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

fn roles_of(m: &gdap_relationship::Model) -> Vec<Role> {
    m.roles.split(',').filter_map(Role::parse).collect()
}

fn state_of(m: &gdap_relationship::Model) -> AppResult<GdapState> {
    GdapState::parse(&m.state)
        .ok_or_else(|| AppError::Internal(format!("unknown GDAP state {}", m.state)))
}

async fn view(c: &impl ConnectionTrait, m: gdap_relationship::Model) -> AppResult<GdapView> {
    let partner_name = repo::orgs::get(c, &m.partner_org_id)
        .await?
        .map(|o| o.legal_name)
        .unwrap_or_default();
    let customer_name = match &m.customer_org_id {
        Some(id) => repo::orgs::get(c, id).await?.map(|o| o.legal_name),
        None => None,
    };
    Ok(GdapView {
        roles: roles_of(&m).iter().map(|r| r.code().to_string()).collect(),
        id: m.id,
        partner_org_id: m.partner_org_id,
        partner_name,
        customer_org_id: m.customer_org_id,
        customer_name,
        display_name: m.display_name,
        duration_days: m.duration_days,
        auto_extend: m.auto_extend,
        state: m.state,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        created_at: m.created_at,
    })
}

/// What the partner asks for.
#[derive(Debug, Clone, Serialize)]
pub struct NewGdap {
    pub display_name: String,
    pub customer_id: Option<String>,
    pub roles: Vec<String>,
    pub duration_days: i64,
    pub auto_extend: bool,
}

/// Creates a relationship in state `created` (R-REL-8). The display name is unique per partner.
pub async fn create(
    app: &App,
    ctx: &Ctx,
    n: NewGdap,
    idem: Option<&str>,
) -> AppResult<Outcome<GdapView>> {
    let me = ctx.user()?;
    let key = Key::of_user(
        "gdap",
        me,
        idem,
        &json!({ "op": "create", "relationship": n }),
    )?;
    idempotency::once(app, key, async |key| create_once(app, ctx, n, key).await).await
}

async fn create_once(app: &App, ctx: &Ctx, n: NewGdap, key: Option<&Key>) -> AppResult<GdapView> {
    let me = ctx.user()?;
    me.require(Action::ManageGdap, "GDAP relationship")?;
    if !partner_facts(&me.org).approved {
        return Err(AppError::denied(
            keiro_domain::DenyReason::NotApproved,
            "GDAP relationship",
        ));
    }
    let req = GdapRequest::parse(&n.display_name, &n.roles, n.duration_days, n.auto_extend)?;
    let tx = app.db.begin().await?;
    // Naming a customer needs a reseller relationship with it (ADR 0006): the request starts
    // from the partner's own customer list. Any other id, a customer's, a partner's or none,
    // is the same 404, and nothing of that organization is echoed.
    if let Some(c) = &n.customer_id
        && repo::relationships::active_between(&tx, &me.org.id, c)
            .await?
            .is_none()
    {
        return Err(AppError::NotFound("customer"));
    }
    let now = app.now();
    let m = gdap_relationship::Model {
        id: Uuid::now_v7().to_string(),
        partner_org_id: me.org.id.clone(),
        customer_org_id: n.customer_id.clone(),
        display_name_key: req.display_name.to_lowercase(),
        display_name: req.display_name.clone(),
        roles: req
            .roles
            .iter()
            .map(|r| r.code())
            .collect::<Vec<_>>()
            .join(","),
        duration_days: req.duration_days,
        auto_extend: req.auto_extend,
        state: GdapState::Created.code().into(),
        starts_at: None,
        ends_at: None,
        created_at: now,
        created_by: Some(me.user.id.clone()),
        approved_by: None,
        terminated_at: None,
        terminated_by_org: None,
        invitation_id: None,
    };
    repo::insert(&tx, m.clone()).await.map_err(|e| match e {
        keiro_store::StoreError::Duplicate(_) => AppError::Conflict {
            code: "display_name_taken",
            message: "your organization already has a GDAP relationship with this name".into(),
        },
        other => other.into(),
    })?;
    event(&tx, app, ctx, &m, "gdap.created").await?;
    let v = view(&tx, m).await?;
    idempotency::keep(&tx, key, 201, &v, app.now()).await?;
    tx.commit().await?;
    Ok(v)
}

/// Every GDAP state change is an event: an audit row both sides see (R-REL-8, R-X-1) and an
/// outbox event for each side.
async fn event(
    c: &impl ConnectionTrait,
    app: &App,
    ctx: &Ctx,
    m: &gdap_relationship::Model,
    name: &str,
) -> AppResult<()> {
    let now = app.now();
    // The customer is the target; the partner is recorded as the party whose delegated access
    // it is, so both sides see every state change, including the scheduler's.
    let e = Event::new(name, "gdap_relationship", &m.id)
        .in_org(m.customer_org_id.as_deref().unwrap_or(&m.partner_org_id))
        .on_behalf_of(&m.partner_org_id)
        .details(json!({
            "partner": m.partner_org_id,
            "customer": m.customer_org_id,
            "display_name": m.display_name,
            "roles": m.roles,
            "state": m.state,
            "ends_at": m.ends_at.map(crate::audit::moment),
            "by": if ctx.user.is_some() { "user" } else { "scheduler" },
        }));
    audit::record(c, ctx, now, e).await?;
    let orgs: Vec<&str> = [
        Some(m.partner_org_id.as_str()),
        m.customer_org_id.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    outbox::enqueue_event(
        c,
        app,
        &orgs,
        name,
        json!({
            "gdap_id": m.id,
            "partner": m.partner_org_id,
            "customer": m.customer_org_id,
            "state": m.state,
            "roles": m.roles,
            "ends_at": m.ends_at.map(crate::audit::moment),
        }),
    )
    .await
}

fn visible(me: &CurrentUser, m: &gdap_relationship::Model) -> bool {
    m.partner_org_id == me.org.id || m.customer_org_id.as_deref() == Some(&me.org.id)
}

/// The caller's relationships: a partner's own (GDAP roles), or those of which the caller's
/// customer organization is the customer.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<GdapView>> {
    let me = ctx.user()?;
    let c = app.db.reader();
    let page = if me.actor.org_kind == OrgKind::Customer {
        me.require(Action::ViewPartners, "GDAP relationships")?;
        repo::gdap::list(c, None, Some(&me.org.id), cursor, limit).await?
    } else {
        me.require(Action::ViewGdap, "GDAP relationships")?;
        repo::gdap::list(c, Some(&me.org.id), None, cursor, limit).await?
    };
    let mut items = Vec::with_capacity(page.items.len());
    for m in page.items {
        items.push(view(c, m).await?);
    }
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

pub async fn get(app: &App, ctx: &Ctx, id: &str) -> AppResult<GdapView> {
    let me = ctx.user()?;
    let c = app.db.reader();
    let m = repo::gdap::get(c, id)
        .await?
        .filter(|m| visible(me, m))
        .ok_or(AppError::NotFound("GDAP relationship"))?;
    me.require(
        if me.actor.org_kind == OrgKind::Customer {
            Action::ViewPartners
        } else {
            Action::ViewGdap
        },
        "GDAP relationship",
    )?;
    view(c, m).await
}

/// Moves a created relationship to approval pending and issues its approval link (single-use,
/// with a draft). Asking again while pending issues a new link; one approval wins.
pub async fn request_approval(
    app: &App,
    ctx: &Ctx,
    id: &str,
    lang: Option<Language>,
    idem: Option<&str>,
    send_to: Option<SendTo>,
) -> AppResult<Issued> {
    let me = ctx.user()?;
    me.require(Action::ManageGdap, "GDAP relationship")?;
    let tx = app.db.begin().await?;
    let m = repo::gdap::get(&tx, id)
        .await?
        .filter(|m| m.partner_org_id == me.org.id)
        .ok_or(AppError::NotFound("GDAP relationship"))?;
    if !repo::gdap::set_pending(&tx, id, &me.org.id).await? {
        return Err(AppError::Conflict {
            code: "gdap_not_requestable",
            message: format!(
                "a relationship in state {} cannot ask for approval",
                m.state
            ),
        });
    }
    if m.state == GdapState::Created.code() {
        let mut moved = m.clone();
        moved.state = GdapState::ApprovalPending.code().into();
        event(&tx, app, ctx, &moved, "gdap.approval_requested").await?;
    }
    tx.commit().await?;
    invitations::issue(
        app,
        ctx,
        me,
        InvitationKind::GdapApproval,
        json!({ "gdap_id": id }),
        lang,
        idem,
        send_to,
        None,
    )
    .await
}

/// Approves a relationship through its link, as a customer's global admin (R-REL-8): it becomes
/// active now and ends after its duration.
pub(crate) async fn approve_link(
    tx: &DatabaseTransaction,
    app: &App,
    ctx: &Ctx,
    link: &invitation::Model,
    confirmed: bool,
) -> AppResult<GdapView> {
    let me = ctx.user()?;
    let payload: serde_json::Value = serde_json::from_str(&link.payload).unwrap_or_default();
    let id = payload["gdap_id"].as_str().unwrap_or_default().to_string();
    let m = repo::gdap::get(tx, &id)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    let partner = repo::orgs::get(tx, &m.partner_org_id)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    keiro_domain::relationship::may_accept(me.actor.org_kind, &partner_facts(&partner)).map_err(
        |r| AppError::Forbidden {
            code: r.code(),
            message: r.message().into(),
            required_roles: vec![],
        },
    )?;
    if m.customer_org_id.as_deref().is_some_and(|c| c != me.org.id) {
        return Err(AppError::Forbidden {
            code: "other_customer",
            message: "this relationship was made for another customer".into(),
            required_roles: vec![],
        });
    }
    me.require(Action::AcceptPartnerRelationship, "GDAP relationship")?;
    if !confirmed {
        return Err(AppError::validation(
            "confirm",
            "confirmation_required",
            "tick the confirmation box to approve the relationship",
        ));
    }
    invitations::take(tx, app, link, me).await?;
    let now = app.now();
    let ends = now + Duration::days(m.duration_days);
    if !repo::gdap::approve(tx, &id, &me.org.id, &me.user.id, now, ends).await? {
        return Err(AppError::Conflict {
            code: "gdap_not_pending",
            message: "this relationship is no longer waiting for approval".into(),
        });
    }
    let m = repo::gdap::get(tx, &id)
        .await?
        .ok_or(AppError::NotFound("GDAP relationship"))?;
    event(tx, app, ctx, &m, "gdap.activated").await?;
    invitations::notify_creator(
        tx,
        app,
        link,
        &partner.id,
        "gdap-approved",
        &[
            ("customer", me.org.legal_name.clone()),
            ("relationship", m.display_name.clone()),
        ],
        &[("ends", ends)],
    )
    .await?;
    let v = view(tx, m).await?;
    Ok(v)
}

/// Approves, from the customer's admin center, a pending relationship that names the caller's
/// organization (no link needed: the partner named this customer). Declining is terminating.
pub async fn approve_named(app: &App, ctx: &Ctx, id: &str, confirmed: bool) -> AppResult<GdapView> {
    let me = ctx.user()?;
    let tx = app.db.begin().await?;
    let m = repo::gdap::get(&tx, id)
        .await?
        .filter(|m| m.customer_org_id.as_deref() == Some(&me.org.id))
        .ok_or(AppError::NotFound("GDAP relationship"))?;
    me.require(Action::AcceptPartnerRelationship, "GDAP relationship")?;
    if !confirmed {
        return Err(AppError::validation(
            "confirm",
            "confirmation_required",
            "tick the confirmation box to approve the relationship",
        ));
    }
    let now = app.now();
    let ends = now + Duration::days(m.duration_days);
    if !repo::gdap::approve(&tx, id, &me.org.id, &me.user.id, now, ends).await? {
        return Err(AppError::Conflict {
            code: "gdap_not_pending",
            message: "this relationship is not waiting for approval".into(),
        });
    }
    let m = repo::gdap::get(&tx, id)
        .await?
        .ok_or(AppError::NotFound("GDAP relationship"))?;
    event(&tx, app, ctx, &m, "gdap.activated").await?;
    let v = view(&tx, m).await?;
    tx.commit().await?;
    Ok(v)
}

/// Terminates a relationship from either side: the partner (GDAP admins) or the customer's
/// global admin. Its roles stop at once.
pub async fn terminate(app: &App, ctx: &Ctx, id: &str) -> AppResult<GdapView> {
    let me = ctx.user()?;
    let tx = app.db.begin().await?;
    let m = repo::gdap::get(&tx, id)
        .await?
        .filter(|m| visible(me, m))
        .ok_or(AppError::NotFound("GDAP relationship"))?;
    me.require(
        if m.partner_org_id == me.org.id {
            Action::ManageGdap
        } else {
            Action::ManagePartnerAccess
        },
        "GDAP relationship",
    )?;
    let now = app.now();
    if !repo::gdap::terminate(&tx, id, &me.org.id, now).await? {
        return Err(AppError::Conflict {
            code: "gdap_not_terminable",
            message: format!("a relationship in state {} cannot be terminated", m.state),
        });
    }
    let m = repo::gdap::get(&tx, id)
        .await?
        .ok_or(AppError::NotFound("GDAP relationship"))?;
    event(&tx, app, ctx, &m, "gdap.terminated").await?;
    let v = view(&tx, m).await?;
    tx.commit().await?;
    Ok(v)
}

/// An access assignment as the partner sees it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AssignmentView {
    pub id: String,
    pub group_id: String,
    pub roles: Vec<String>,
    pub created_at: OffsetDateTime,
}

fn assignment_view(a: gdap_assignment::Model) -> AssignmentView {
    AssignmentView {
        id: a.id,
        group_id: a.group_id,
        roles: a
            .roles
            .split(',')
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect(),
        created_at: a.created_at,
    }
}

async fn own(
    c: &impl ConnectionTrait,
    me: &CurrentUser,
    id: &str,
) -> AppResult<gdap_relationship::Model> {
    repo::gdap::get(c, id)
        .await?
        .filter(|m| m.partner_org_id == me.org.id)
        .ok_or(AppError::NotFound("GDAP relationship"))
}

pub async fn assignments(
    app: &App,
    ctx: &Ctx,
    id: &str,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<AssignmentView>> {
    let me = ctx.user()?;
    me.require(Action::ViewGdap, "GDAP relationship")?;
    let c = app.db.reader();
    own(c, me, id).await?;
    let p = repo::gdap::assignments(c, id, cursor, limit).await?;
    Ok(Page {
        items: p.items.into_iter().map(assignment_view).collect(),
        next_cursor: p.next_cursor,
    })
}

/// Gives one of the partner's security groups a subset of the relationship's roles.
pub async fn assign(
    app: &App,
    ctx: &Ctx,
    id: &str,
    group_id: &str,
    roles: &[String],
    idem: Option<&str>,
) -> AppResult<Outcome<AssignmentView>> {
    let me = ctx.user()?;
    let key = Key::of_user(
        "gdap",
        me,
        idem,
        &json!({ "op": "assign", "relationship": id, "group": group_id, "roles": roles }),
    )?;
    idempotency::once(app, key, async |key| {
        assign_once(app, ctx, id, group_id, roles, key).await
    })
    .await
}

async fn assign_once(
    app: &App,
    ctx: &Ctx,
    id: &str,
    group_id: &str,
    roles: &[String],
    key: Option<&Key>,
) -> AppResult<AssignmentView> {
    let me = ctx.user()?;
    me.require(Action::ManageGdap, "GDAP relationship")?;
    let tx = app.db.begin().await?;
    let m = own(&tx, me, id).await?;
    let roles = gdap::check_assignment(&roles_of(&m), roles)?;
    if matches!(state_of(&m)?, GdapState::Expired | GdapState::Terminated) {
        return Err(AppError::Conflict {
            code: "gdap_over",
            message: "the relationship has ended".into(),
        });
    }
    repo::groups::get_in_org(&tx, &me.org.id, group_id)
        .await?
        .ok_or_else(|| {
            AppError::validation("group_id", "unknown_group", "no such security group")
        })?;
    let a = gdap_assignment::Model {
        id: Uuid::now_v7().to_string(),
        gdap_id: id.to_string(),
        group_id: group_id.to_string(),
        roles: roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(","),
        created_at: app.now(),
        removed_at: None,
    };
    repo::gdap::insert_assignment(&tx, a.clone())
        .await
        .map_err(|e| match e {
            keiro_store::StoreError::Duplicate(_) => AppError::Conflict {
                code: "assignment_exists",
                message: "this group already has an assignment in this relationship".into(),
            },
            other => other.into(),
        })?;
    audit::record(
        &tx,
        ctx,
        app.now(),
        Event::new("gdap.access_assigned", "gdap_relationship", id)
            .in_org(m.customer_org_id.as_deref().unwrap_or(&me.org.id))
            .details(json!({ "group": group_id, "roles": a.roles })),
    )
    .await?;
    idempotency::keep(&tx, key, 201, &assignment_view(a.clone()), app.now()).await?;
    tx.commit().await?;
    Ok(assignment_view(a))
}

pub async fn unassign(app: &App, ctx: &Ctx, id: &str, assignment: &str) -> AppResult<()> {
    let me = ctx.user()?;
    me.require(Action::ManageGdap, "GDAP relationship")?;
    let tx = app.db.begin().await?;
    let m = own(&tx, me, id).await?;
    if !repo::gdap::remove_assignment(&tx, id, assignment, app.now()).await? {
        return Err(AppError::NotFound("access assignment"));
    }
    audit::record(
        &tx,
        ctx,
        app.now(),
        Event::new("gdap.access_removed", "gdap_relationship", id)
            .in_org(m.customer_org_id.as_deref().unwrap_or(&me.org.id))
            .details(json!({ "assignment": assignment })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What one run of the scheduler changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub expiring: u32,
    pub extended: u32,
    pub expired: u32,
}

/// The scheduled GDAP transitions at the clock's now: active → expiring in the last 30 days,
/// auto-extension by 180 days, expiry at the end. Every step is a guarded update, so several
/// nodes running it at once apply each transition once.
pub async fn tick(app: &App) -> AppResult<TickReport> {
    let now = app.now();
    let mut report = TickReport::default();
    let ctx = Ctx::anonymous(None, "scheduler");
    let due = repo::gdap::due(
        app.db.reader(),
        now + Duration::days(gdap::EXPIRING_DAYS),
        500,
    )
    .await?;
    for m in due {
        let (Some(ends), Ok(state)) = (m.ends_at, state_of(&m)) else {
            continue;
        };
        let tx = app.db.begin().await?;
        let step = gdap::scheduled(
            state,
            m.auto_extend,
            now,
            ends - Duration::days(gdap::EXPIRING_DAYS),
            ends,
        );
        let (changed, name) = match step {
            Scheduled::Nothing => (false, ""),
            Scheduled::MarkExpiring => (
                repo::gdap::transition(&tx, &m.id, "active", "expiring").await?,
                "gdap.expiring",
            ),
            Scheduled::Extend => (
                repo::gdap::extend(&tx, &m.id, ends, ends + Duration::days(gdap::EXTEND_DAYS))
                    .await?,
                "gdap.extended",
            ),
            Scheduled::Expire => (
                repo::gdap::transition(&tx, &m.id, state.code(), "expired").await?,
                "gdap.expired",
            ),
        };
        if changed {
            let fresh = repo::gdap::get(&tx, &m.id)
                .await?
                .ok_or(AppError::NotFound("GDAP relationship"))?;
            event(&tx, app, &ctx, &fresh, name).await?;
            match step {
                Scheduled::MarkExpiring => report.expiring += 1,
                Scheduled::Extend => report.extended += 1,
                Scheduled::Expire => report.expired += 1,
                Scheduled::Nothing => {}
            }
        }
        tx.commit().await?;
    }
    Ok(report)
}
