//! Service requests (R-CUS-1, R-REL-9): a customer's support cases. The customer's admins open
//! and follow them at home; partner users do so on the customer's behalf with the rights the
//! customer granted. Both sides see the same requests and notes; every change is audited with
//! who acted on whose behalf.

use crate::audit::{self, Event};
use crate::{App, AppError, AppResult, Ctx, CurrentUser, rights};
use keiro_domain::service_request::{Severity, Status, check_text};
use keiro_domain::{Action, OrgKind};
use keiro_store::entities::{organization, service_request, service_request_note};
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NoteView {
    pub author_name: String,
    pub author_org_id: String,
    pub body: String,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestView {
    pub id: String,
    pub customer_org_id: String,
    pub opened_by_org: String,
    pub title: String,
    pub description: String,
    pub severity: String,
    pub status: String,
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub notes: Vec<NoteView>,
}

async fn view(
    c: &impl ConnectionTrait,
    m: service_request::Model,
    with_notes: bool,
) -> AppResult<RequestView> {
    let notes = if with_notes {
        repo::service_requests::notes(c, &m.id)
            .await?
            .into_iter()
            .map(|n| NoteView {
                author_name: n.author_name,
                author_org_id: n.author_org_id,
                body: n.body,
                created_at: n.created_at,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(RequestView {
        id: m.id,
        customer_org_id: m.customer_org_id,
        opened_by_org: m.opened_by_org,
        title: m.title,
        description: m.description,
        severity: m.severity,
        status: m.status,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        notes,
    })
}

/// The customer whose requests these are, if the actor may work on them: its own organization
/// (a customer's admins) or a customer that granted the actor's organization the rights.
async fn customer(
    c: &impl ConnectionTrait,
    app: &App,
    me: &CurrentUser,
    customer: &str,
) -> AppResult<organization::Model> {
    let org = if customer == me.org.id {
        me.require(Action::ManageServiceRequests, "service requests")?;
        me.org.clone()
    } else {
        rights::require_in(
            c,
            me,
            customer,
            Action::ManageServiceRequests,
            "customer",
            app.now(),
        )
        .await?
    };
    if org.kind != OrgKind::Customer.code() {
        return Err(AppError::NotFound("customer"));
    }
    Ok(org)
}

fn event<'a>(name: &'a str, id: &'a str, org: &'a str, me: &'a CurrentUser) -> Event<'a> {
    let e = Event::new(name, "service_request", id).in_org(org);
    if me.org.id == org {
        e
    } else {
        e.on_behalf_of(org)
    }
}

pub async fn list(
    app: &App,
    ctx: &Ctx,
    customer_id: &str,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<RequestView>> {
    let me = ctx.user()?;
    let c = app.db.reader();
    let org = customer(c, app, me, customer_id).await?;
    let page = repo::service_requests::list(c, &org.id, cursor, limit).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for m in page.items {
        items.push(view(c, m, false).await?);
    }
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

pub async fn get(app: &App, ctx: &Ctx, customer_id: &str, id: &str) -> AppResult<RequestView> {
    let me = ctx.user()?;
    let c = app.db.reader();
    let org = customer(c, app, me, customer_id).await?;
    let m = repo::service_requests::get_in_customer(c, &org.id, id)
        .await?
        .ok_or(AppError::NotFound("service request"))?;
    view(c, m, true).await
}

pub async fn create(
    app: &App,
    ctx: &Ctx,
    customer_id: &str,
    title: &str,
    description: &str,
    severity: &str,
) -> AppResult<RequestView> {
    let me = ctx.user()?;
    let title = check_text("title", title, 200)?;
    let description = check_text("description", description, 5000)?;
    let severity = Severity::parse(severity)?;
    let tx = app.db.begin().await?;
    let org = customer(&tx, app, me, customer_id).await?;
    let now = app.now();
    let m = service_request::Model {
        id: Uuid::now_v7().to_string(),
        customer_org_id: org.id.clone(),
        opened_by_org: me.org.id.clone(),
        opened_by_user: Some(me.user.id.clone()),
        title,
        description,
        severity: severity.code().into(),
        status: Status::Open.code().into(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    repo::service_requests::insert(&tx, m.clone()).await?;
    audit::record(
        &tx,
        ctx,
        now,
        event("service_request.opened", &m.id, &org.id, me)
            .details(json!({ "title": m.title, "severity": m.severity })),
    )
    .await?;
    let v = view(&tx, m, true).await?;
    tx.commit().await?;
    Ok(v)
}

pub async fn add_note(
    app: &App,
    ctx: &Ctx,
    customer_id: &str,
    id: &str,
    body: &str,
) -> AppResult<RequestView> {
    let me = ctx.user()?;
    let body = check_text("body", body, 5000)?;
    let tx = app.db.begin().await?;
    let org = customer(&tx, app, me, customer_id).await?;
    let m = repo::service_requests::get_in_customer(&tx, &org.id, id)
        .await?
        .ok_or(AppError::NotFound("service request"))?;
    if m.status == Status::Closed.code() {
        return Err(AppError::Conflict {
            code: "service_request_closed",
            message: "a closed service request takes no more notes".into(),
        });
    }
    let now = app.now();
    repo::service_requests::insert_note(
        &tx,
        service_request_note::Model {
            id: Uuid::now_v7().to_string(),
            request_id: m.id.clone(),
            author_org_id: me.org.id.clone(),
            author_user_id: Some(me.user.id.clone()),
            author_name: format!("{} ({})", me.user.full_name, me.org.legal_name),
            body,
            created_at: now,
        },
    )
    .await?;
    repo::service_requests::touch(&tx, &m.id, now).await?;
    audit::record(
        &tx,
        ctx,
        now,
        event("service_request.note_added", &m.id, &org.id, me),
    )
    .await?;
    let m = repo::service_requests::get_in_customer(&tx, &org.id, id)
        .await?
        .ok_or(AppError::NotFound("service request"))?;
    let v = view(&tx, m, true).await?;
    tx.commit().await?;
    Ok(v)
}

/// Changes the status; with `if_version`, only if unchanged since read. Closed is final.
pub async fn set_status(
    app: &App,
    ctx: &Ctx,
    customer_id: &str,
    id: &str,
    status: &str,
    if_version: Option<i64>,
) -> AppResult<RequestView> {
    let me = ctx.user()?;
    let to = Status::parse(status)?;
    let tx = app.db.begin().await?;
    let org = customer(&tx, app, me, customer_id).await?;
    let m = repo::service_requests::get_in_customer(&tx, &org.id, id)
        .await?
        .ok_or(AppError::NotFound("service request"))?;
    if if_version.is_some_and(|v| v != m.version) {
        return Err(AppError::PreconditionFailed);
    }
    let from = Status::parse(&m.status)?;
    if !from.may_become(to) {
        return Err(AppError::Conflict {
            code: "invalid_status_change",
            message: format!("a {} request cannot become {}", from.code(), to.code()),
        });
    }
    let now = app.now();
    repo::service_requests::set_status(&tx, &m.id, m.version, from.code(), to.code(), now).await?;
    audit::record(
        &tx,
        ctx,
        now,
        event("service_request.status_changed", &m.id, &org.id, me)
            .details(json!({ "from": from.code(), "to": to.code() })),
    )
    .await?;
    let m = repo::service_requests::get_in_customer(&tx, &org.id, id)
        .await?
        .ok_or(AppError::NotFound("service request"))?;
    let v = view(&tx, m, true).await?;
    tx.commit().await?;
    Ok(v)
}
