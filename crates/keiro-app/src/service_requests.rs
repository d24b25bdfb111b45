//! Service requests (R-CUS-1, R-REL-9): a customer's support cases. The customer's admins open
//! and follow them at home; partner users do so on the customer's behalf with the rights the
//! customer granted. Both sides see the same requests and notes; every change is audited with
//! who acted on whose behalf.

use crate::audit::{self, Event};
use crate::idempotency::{self, Key, Outcome};
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
    pub subscription_id: Option<String>,
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
        subscription_id: m.subscription_id,
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

/// How the actor reaches a customer's requests.
enum Reach {
    /// The customer's own admins, or a partner with the customer's rights: every request.
    All(organization::Model),
    /// A partner designated as support contact of these live subscriptions of the customer
    /// (R-ORD-5): the requests about them, and only those.
    Supported(organization::Model, Vec<String>),
}

impl Reach {
    fn org(&self) -> &organization::Model {
        match self {
            Reach::All(o) | Reach::Supported(o, _) => o,
        }
    }

    /// Refuses (404) a request the actor may not see.
    fn admits(&self, m: &service_request::Model) -> AppResult<()> {
        match self {
            Reach::All(_) => Ok(()),
            Reach::Supported(_, subs)
                if m.subscription_id.as_ref().is_some_and(|s| subs.contains(s)) =>
            {
                Ok(())
            }
            Reach::Supported(..) => Err(AppError::NotFound("service request")),
        }
    }
}

async fn reach(
    c: &impl ConnectionTrait,
    app: &App,
    me: &CurrentUser,
    customer_id: &str,
) -> AppResult<Reach> {
    match customer(c, app, me, customer_id).await {
        Ok(org) => Ok(Reach::All(org)),
        Err(e @ (AppError::NotFound(_) | AppError::Forbidden { .. }))
            if me.actor.org_kind == OrgKind::Partner && me.may(Action::ViewSubscriptions) =>
        {
            let subs = repo::subscriptions::supported_by(c, customer_id, &me.org.id).await?;
            if subs.is_empty() {
                return Err(e);
            }
            let org = repo::orgs::get(c, customer_id)
                .await?
                .ok_or(AppError::NotFound("customer"))?;
            Ok(Reach::Supported(org, subs))
        }
        Err(e) => Err(e),
    }
}

/// A request of the customer the actor may see.
async fn one(c: &impl ConnectionTrait, r: &Reach, id: &str) -> AppResult<service_request::Model> {
    let m = repo::service_requests::get_in_customer(c, &r.org().id, id)
        .await?
        .ok_or(AppError::NotFound("service request"))?;
    r.admits(&m)?;
    Ok(m)
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
    let r = reach(c, app, me, customer_id).await?;
    let about = match &r {
        Reach::All(_) => None,
        Reach::Supported(_, subs) => Some(subs.as_slice()),
    };
    let page = repo::service_requests::list(c, &r.org().id, about, cursor, limit).await?;
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
    let r = reach(c, app, me, customer_id).await?;
    let m = one(c, &r, id).await?;
    view(c, m, true).await
}

pub async fn create(
    app: &App,
    ctx: &Ctx,
    customer_id: &str,
    title: &str,
    description: &str,
    severity: &str,
    subscription: Option<&str>,
    idem: Option<&str>,
) -> AppResult<Outcome<RequestView>> {
    let me = ctx.user()?;
    let key = Key::of_org(
        "service_requests",
        me,
        idem,
        &json!({ "op": "open", "customer": customer_id, "title": title, "description": description, "severity": severity, "subscription": subscription }),
    )?;
    if let Some(o) = idempotency::replayed(app.db.reader(), key.as_ref()).await? {
        return Ok(o);
    }
    let result = open(
        app,
        ctx,
        me,
        customer_id,
        title,
        description,
        severity,
        subscription,
        key.as_ref(),
    )
    .await;
    idempotency::settle(app.db.reader(), key.as_ref(), result).await
}

async fn open(
    app: &App,
    ctx: &Ctx,
    me: &CurrentUser,
    customer_id: &str,
    title: &str,
    description: &str,
    severity: &str,
    subscription: Option<&str>,
    key: Option<&Key>,
) -> AppResult<RequestView> {
    let title = check_text("title", title, 200)?;
    let description = check_text("description", description, 5000)?;
    let severity = Severity::parse(severity)?;
    let tx = app.db.begin().await?;
    let r = reach(&tx, app, me, customer_id).await?;
    let org = r.org().clone();
    let subscription = subscription.map(str::trim).filter(|s| !s.is_empty());
    if let Some(sid) = subscription
        && repo::subscriptions::get(&tx, sid)
            .await?
            .is_none_or(|s| s.customer_org_id != org.id)
    {
        return Err(AppError::validation(
            "subscription_id",
            "unknown_subscription",
            "no subscription of this customer has this id",
        ));
    }
    // A support contact opens requests about the subscriptions it supports only.
    if let Reach::Supported(_, subs) = &r
        && !subscription.is_some_and(|s| subs.iter().any(|x| x == s))
    {
        return Err(AppError::validation(
            "subscription_id",
            "subscription_required",
            "as a support contact, name one of the subscriptions you support",
        ));
    }
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
        subscription_id: subscription.map(str::to_string),
    };
    repo::insert(&tx, m.clone()).await?;
    audit::record(
        &tx,
        ctx,
        now,
        event("service_request.opened", &m.id, &org.id, me).details(
            json!({ "title": m.title, "severity": m.severity, "subscription": m.subscription_id }),
        ),
    )
    .await?;
    let v = view(&tx, m, true).await?;
    idempotency::keep(&tx, key, 201, &v, now).await?;
    tx.commit().await?;
    Ok(v)
}

pub async fn add_note(
    app: &App,
    ctx: &Ctx,
    customer_id: &str,
    id: &str,
    body: &str,
    idem: Option<&str>,
) -> AppResult<Outcome<RequestView>> {
    let me = ctx.user()?;
    let key = Key::of_org(
        "service_requests",
        me,
        idem,
        &json!({ "op": "note", "customer": customer_id, "request": id, "body": body }),
    )?;
    if let Some(o) = idempotency::replayed(app.db.reader(), key.as_ref()).await? {
        return Ok(o);
    }
    let result = note(app, ctx, me, customer_id, id, body, key.as_ref()).await;
    idempotency::settle(app.db.reader(), key.as_ref(), result).await
}

async fn note(
    app: &App,
    ctx: &Ctx,
    me: &CurrentUser,
    customer_id: &str,
    id: &str,
    body: &str,
    key: Option<&Key>,
) -> AppResult<RequestView> {
    let body = check_text("body", body, 5000)?;
    let tx = app.db.begin().await?;
    let r = reach(&tx, app, me, customer_id).await?;
    let org = r.org().clone();
    let m = one(&tx, &r, id).await?;
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
    idempotency::keep(&tx, key, 201, &v, now).await?;
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
    let r = reach(&tx, app, me, customer_id).await?;
    let org = r.org().clone();
    let m = one(&tx, &r, id).await?;
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
