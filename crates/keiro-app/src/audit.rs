//! The append-only audit log (R-X-1). [`record`] is called inside the transaction of every state
//! change, so a change and its audit row commit or roll back together.

use crate::{AppError, AppResult, Ctx, CurrentUser};
use keiro_domain::{Action, OrgKind};
use keiro_store::entities::audit_record;
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::ConnectionTrait;
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

/// One row of the audit log, as the store keeps it.
pub use keiro_store::entities::audit_record::Model as Record;
/// What the audit log may be filtered by.
pub use keiro_store::repo::audit::Filter;

/// Every action the audit log records, so readers can choose one from a list and each has a
/// name in both languages (the portal's `action-…` keys, checked by a test). Writing an action
/// not listed here fails in debug builds: every test that reaches it says so.
pub const ACTIONS: &[&str] = &[
    "api_token.created",
    "api_token.revoked",
    "benefit.created",
    "benefit.updated",
    "benefit_allocation.activated",
    "benefit_allocation.confirmed",
    "benefit_assignment.created",
    "benefit_assignment.moved",
    "benefit_assignment.removed",
    "benefit_key.got",
    "benefit_keys.imported",
    "benefit_license.redeemed",
    "benefit_package.bought",
    "benefit_package.cancelled",
    "benefit_pool.empty",
    "benefit_marketing_contact.assigned",
    "benefit_marketing_contact.changed",
    "benefit_request.answered",
    "benefit_request.approved",
    "benefit_request.opened",
    "benefit_request.refused",
    "benefits.imported",
    "catalog.imported",
    "delegated_admin.granted",
    "delegated_admin.revoked",
    "delegated_right.granted",
    "delegated_right.revoked",
    "directory.entry_created",
    "directory.entry_deleted",
    "directory.entry_updated",
    "enrollment.account_created",
    "enrollment.approved",
    "enrollment.contact_verified",
    "enrollment.contacts_saved",
    "enrollment.draft_saved",
    "enrollment.membership_saved",
    "enrollment.more_info_requested",
    "enrollment.profile_saved",
    "enrollment.program_role_saved",
    "enrollment.rejected",
    "enrollment.reseller_account_created",
    "enrollment.submitted",
    "gdap.access_assigned",
    "gdap.access_removed",
    "gdap.activated",
    "gdap.approval_requested",
    "gdap.created",
    "gdap.expired",
    "gdap.expiring",
    "gdap.extended",
    "gdap.terminated",
    "invitation.created",
    "invitation.extended",
    "invitation.revoked",
    "invitation.sent",
    "job.submitted",
    "membership_record.created",
    "membership_record.secret_replaced",
    "membership_record.updated",
    "membership_records.imported",
    "offer.created",
    "offer.made_available",
    "offer.retired",
    "offer.updated",
    "order.placed",
    "organization.authorizations_changed",
    "organization.created",
    "organization.mfa_requirement_set",
    "organization.profile_updated",
    "partnership.accepted",
    "partnership.removed",
    "product.created",
    "product.updated",
    "product_key.redeemed",
    "product_key.revoked",
    "product_keys.exported",
    "product_keys.ordered",
    "relationship.accepted",
    "relationship.removed",
    "security_group.created",
    "security_group.member_added",
    "security_group.member_removed",
    "service_request.note_added",
    "service_request.opened",
    "service_request.status_changed",
    "session.created",
    "session.ended",
    "session.mfa_verified",
    "subscription.auto_renew_changed",
    "subscription.cancelled",
    "subscription.converted",
    "subscription.created",
    "subscription.expired",
    "subscription.partner_of_record_changed",
    "subscription.quantity_changed",
    "subscription.reactivated",
    "subscription.renewed",
    "subscription.reseller_changed",
    "subscription.support_contact_changed",
    "subscription.suspended",
    "subscription.term_extended",
    "subscription.suspension_lifted",
    "user.created",
    "user.deactivated",
    "user.deleted",
    "user.mfa_enabled",
    "user.mfa_reset",
    "user.password_changed",
    "user.password_reset",
    "user.preferences_updated",
    "user.reactivated",
    "user.sign_in_failed",
    "user.updated",
];

/// What happened and to what.
pub struct Event<'a> {
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: &'a str,
    pub target_org_id: Option<&'a str>,
    pub on_behalf_of_org_id: Option<&'a str>,
    pub details: Value,
}

impl<'a> Event<'a> {
    pub fn new(action: &'a str, target_type: &'a str, target_id: &'a str) -> Self {
        Event {
            action,
            target_type,
            target_id,
            target_org_id: None,
            on_behalf_of_org_id: None,
            details: Value::Null,
        }
    }
    pub fn in_org(mut self, org: &'a str) -> Self {
        self.target_org_id = Some(org);
        self
    }
    /// The organization on whose behalf a partner user acted (R-CUS-1, R-X-1).
    pub fn on_behalf_of(mut self, org: &'a str) -> Self {
        self.on_behalf_of_org_id = Some(org);
        self
    }
    pub fn details(mut self, d: Value) -> Self {
        self.details = d;
        self
    }
}

/// A moment in an audit row's details: RFC 3339, in UTC (rows are read by machines too).
pub fn moment(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Writes one audit row, attributed to the request's user (or to no one, for system actions).
pub async fn record(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    now: OffsetDateTime,
    e: Event<'_>,
) -> AppResult<()> {
    record_all(c, vec![row(ctx, now, e)]).await
}

/// [`record`] for an explicit actor (or none).
pub async fn record_as(
    c: &impl ConnectionTrait,
    who: Option<&CurrentUser>,
    request_id: Option<&str>,
    now: OffsetDateTime,
    e: Event<'_>,
) -> AppResult<()> {
    record_all(c, vec![row_as(who, request_id, now, e)]).await
}

/// The audit row [`record`] would write, for a change that writes several rows in one
/// statement with [`record_all`].
pub fn row(ctx: &Ctx, now: OffsetDateTime, e: Event<'_>) -> audit_record::Model {
    row_as(ctx.user.as_ref(), ctx.request_id.as_deref(), now, e)
}

fn row_as(
    who: Option<&CurrentUser>,
    request_id: Option<&str>,
    now: OffsetDateTime,
    e: Event<'_>,
) -> audit_record::Model {
    debug_assert!(
        ACTIONS.contains(&e.action),
        "audit action {} is not in audit::ACTIONS",
        e.action
    );
    audit_record::Model {
        id: Uuid::now_v7().to_string(),
        occurred_at: now,
        actor_user_id: who.map(|u| u.user.id.clone()),
        actor_org_id: who.map(|u| u.org.id.clone()),
        on_behalf_of_org_id: e.on_behalf_of_org_id.map(str::to_string),
        action: e.action.to_string(),
        target_type: e.target_type.to_string(),
        target_id: e.target_id.to_string(),
        target_org_id: e.target_org_id.map(str::to_string),
        details: if e.details.is_null() {
            "{}".into()
        } else {
            e.details.to_string()
        },
        request_id: request_id.map(str::to_string),
    }
}

/// Writes these audit rows in one statement.
pub async fn record_all(c: &impl ConnectionTrait, rows: Vec<audit_record::Model>) -> AppResult<()> {
    repo::insert_all(c, rows).await?;
    Ok(())
}

/// Lists what the caller may see: operator staff everything, others what their organization
/// took part in.
pub async fn list(
    app: &crate::App,
    ctx: &Ctx,
    filter: &repo::audit::Filter,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<audit_record::Model>> {
    let me = ctx.user()?;
    me.require(Action::ViewAuditLog, "audit log")?;
    let vis = if me.actor.org_kind == OrgKind::Operator {
        repo::audit::Visibility::All
    } else {
        repo::audit::Visibility::Org(me.org.id.clone())
    };
    if let (Some(f), Some(t)) = (filter.from, filter.to)
        && f > t
    {
        return Err(AppError::validation(
            "from",
            "invalid_range",
            "`from` must be before `to`",
        ));
    }
    Ok(repo::audit::list(app.db.reader(), &vis, filter, cursor, limit).await?)
}

/// An audit row with the names its ids stand for, as people read it.
#[derive(Debug, Clone)]
pub struct Named {
    pub record: Record,
    /// "Full name <email>", or `None` for the system.
    pub actor: Option<String>,
    pub actor_org: Option<String>,
    pub on_behalf_of: Option<String>,
    /// The target's name when it is a user or an organization.
    pub target_name: Option<String>,
    pub target_org: Option<String>,
}

/// [`list`], with names of people and organizations looked up once per page.
pub async fn list_named(
    app: &crate::App,
    ctx: &Ctx,
    filter: &repo::audit::Filter,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<Named>> {
    let page = list(app, ctx, filter, cursor, limit).await?;
    let c = app.db.reader();
    let mut user_ids: Vec<String> = Vec::new();
    let mut org_ids: Vec<String> = Vec::new();
    for r in &page.items {
        user_ids.extend(r.actor_user_id.clone());
        org_ids.extend(r.actor_org_id.clone());
        org_ids.extend(r.on_behalf_of_org_id.clone());
        org_ids.extend(r.target_org_id.clone());
        match r.target_type.as_str() {
            "user" => user_ids.push(r.target_id.clone()),
            "organization" => org_ids.push(r.target_id.clone()),
            _ => {}
        }
    }
    for v in [&mut user_ids, &mut org_ids] {
        v.sort();
        v.dedup();
    }
    let users: std::collections::HashMap<String, String> = repo::users::names(c, &user_ids)
        .await?
        .into_iter()
        .map(|(id, name, email)| (id, format!("{name} <{email}>")))
        .collect();
    let orgs: std::collections::HashMap<String, String> =
        repo::orgs::names(c, &org_ids).await?.into_iter().collect();
    let org = |id: &Option<String>| id.as_ref().and_then(|i| orgs.get(i).cloned());
    let items = page
        .items
        .into_iter()
        .map(|r| Named {
            actor: r
                .actor_user_id
                .as_ref()
                .map(|u| users.get(u).cloned().unwrap_or_else(|| u.clone())),
            actor_org: org(&r.actor_org_id),
            on_behalf_of: org(&r.on_behalf_of_org_id),
            target_name: match r.target_type.as_str() {
                "user" => users.get(&r.target_id).cloned(),
                "organization" => orgs.get(&r.target_id).cloned(),
                _ => None,
            },
            target_org: org(&r.target_org_id),
            record: r,
        })
        .collect();
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}
