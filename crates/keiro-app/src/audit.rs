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

/// Writes one audit row, attributed to the request's user (or to no one, for system actions).
/// A moment in an audit row's details: RFC 3339, in UTC (rows are read by machines too).
pub fn moment(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub async fn record(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    now: OffsetDateTime,
    e: Event<'_>,
) -> AppResult<()> {
    record_as(c, ctx.user.as_ref(), ctx.request_id.as_deref(), now, e).await
}

pub async fn record_as(
    c: &impl ConnectionTrait,
    who: Option<&CurrentUser>,
    request_id: Option<&str>,
    now: OffsetDateTime,
    e: Event<'_>,
) -> AppResult<()> {
    repo::insert(
        c,
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
        },
    )
    .await?;
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
