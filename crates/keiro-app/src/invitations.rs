//! Invitation links, for every kind (R-PRT-1 now; relationship requests and offers later): a
//! random token stored as its SHA-256, a kind, the organization and user that created it, an
//! expiry, revocation by its creator's organization, and single- or multi-use acceptance. The
//! kind-specific effect of accepting lives with the kind (e.g. [`crate::partnerships::accept`]).

use crate::audit::{self, Event};
use crate::secrets::{new_token, sha256_hex};
use crate::{App, AppError, AppResult, Ctx, CurrentUser};
use keiro_domain::Action;
use keiro_domain::invitation::{InvitationKind, InvitationState, LinkStatus, Usage};
use keiro_store::entities::invitation;
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::{ConnectionTrait, DatabaseTransaction};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// A link as its creator's organization sees it (never the token, which is shown once).
#[derive(Debug, Clone)]
pub struct LinkView {
    pub id: String,
    pub kind: InvitationKind,
    pub status: LinkStatus,
    pub created_by_name: String,
    pub recipient_email: Option<String>,
    pub use_count: i64,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
}

pub fn view(m: &invitation::Model, now: OffsetDateTime) -> AppResult<LinkView> {
    Ok(LinkView {
        id: m.id.clone(),
        kind: kind_of(m)?,
        status: status_of(m, now)?,
        created_by_name: m.created_by_name.clone(),
        recipient_email: m.recipient_email.clone(),
        use_count: m.use_count,
        created_at: m.created_at,
        expires_at: m.expires_at,
        used_at: m.used_at,
    })
}

fn kind_of(m: &invitation::Model) -> AppResult<InvitationKind> {
    InvitationKind::parse(&m.kind)
        .ok_or_else(|| AppError::Internal(format!("unknown invitation kind {}", m.kind)))
}

pub fn status_of(m: &invitation::Model, now: OffsetDateTime) -> AppResult<LinkStatus> {
    let state = InvitationState::parse(&m.state)
        .ok_or_else(|| AppError::Internal(format!("unknown invitation state {}", m.state)))?;
    Ok(LinkStatus::of(state, m.expires_at, now))
}

/// The address a link opens: the portal's invitation page.
pub fn url(app: &App, token: &str) -> String {
    format!(
        "{}/invite?token={token}",
        app.config.public_url.trim_end_matches('/')
    )
}

/// The action that governs links of a kind: creating and revoking them.
fn manage_action(kind: InvitationKind) -> Action {
    match kind {
        InvitationKind::Partnership => Action::RequestPartnership,
    }
}

fn view_action(kind: InvitationKind) -> Action {
    match kind {
        InvitationKind::Partnership => Action::ViewPartnerships,
    }
}

/// Creates a link inside the caller's transaction; returns the row and its token (to be shown
/// once). The caller has authorized the action and writes the audit row.
pub(crate) async fn create(
    tx: &DatabaseTransaction,
    app: &App,
    me: &CurrentUser,
    kind: InvitationKind,
    payload: Value,
) -> AppResult<(invitation::Model, String)> {
    let now = app.now();
    let token = new_token("ki_");
    let m = invitation::Model {
        id: Uuid::now_v7().to_string(),
        kind: kind.code().into(),
        token_hash: sha256_hex(&token),
        org_id: me.org.id.clone(),
        created_by: Some(me.user.id.clone()),
        created_by_name: me.user.full_name.clone(),
        recipient_email: None,
        payload: payload.to_string(),
        state: InvitationState::Open.code().into(),
        use_count: 0,
        expires_at: now + Duration::days(app.config.invitation_valid_days.max(1)),
        created_at: now,
        revoked_at: None,
        revoked_by: None,
        used_at: None,
        used_by_org: None,
        used_by_user: None,
    };
    repo::invitations::insert(tx, m.clone()).await?;
    Ok((m, token))
}

/// Finds a link by its token; unknown tokens are `NotFound("invitation")`.
pub async fn find(c: &impl ConnectionTrait, token: &str) -> AppResult<invitation::Model> {
    let token = token.trim();
    if token.is_empty() || token.len() > 200 {
        return Err(AppError::NotFound("invitation"));
    }
    repo::invitations::by_token_hash(c, &sha256_hex(token))
        .await?
        .ok_or(AppError::NotFound("invitation"))
}

/// The refusal for a link that cannot be accepted, with its stable code.
pub fn refusal(status: LinkStatus) -> Option<AppError> {
    let code = status.refusal()?;
    let message = match status {
        LinkStatus::Expired => "this invitation link has expired; ask the sender for a new one",
        LinkStatus::Revoked => "this invitation link was withdrawn by its sender",
        LinkStatus::Used => "this invitation link has already been used",
        LinkStatus::Open => return None,
    };
    Some(AppError::Conflict {
        code,
        message: message.into(),
    })
}

/// Takes one use of the link inside the accepting transaction, guarded so that a single-use
/// link is taken by exactly one of any number of concurrent acceptances. On refusal the caller
/// rolls back and nothing changes.
pub(crate) async fn take(
    tx: &DatabaseTransaction,
    app: &App,
    link: &invitation::Model,
    me: &CurrentUser,
) -> AppResult<()> {
    let now = app.now();
    if let Some(e) = refusal(status_of(link, now)?) {
        return Err(e);
    }
    let took = match kind_of(link)?.usage() {
        Usage::SingleUse => {
            repo::invitations::use_once(tx, &link.id, &me.org.id, &me.user.id, now).await?
        }
        Usage::MultiUse => {
            repo::invitations::use_again(tx, &link.id, &me.org.id, &me.user.id, now).await?
        }
    };
    if took {
        return Ok(());
    }
    // Someone else took it (or it was revoked) since we read it: say which.
    let fresh = repo::invitations::by_token_hash(tx, &link.token_hash)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    Err(
        refusal(status_of(&fresh, now)?).unwrap_or(AppError::Conflict {
            code: "invitation_used",
            message: "this invitation link has already been used".into(),
        }),
    )
}

/// The organization's links of a kind, newest first.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    kind: InvitationKind,
    state: Option<InvitationState>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<LinkView>> {
    let me = ctx.user()?;
    me.require(view_action(kind), "invitations")?;
    let now = app.now();
    let page = repo::invitations::list_in_org(
        app.db.reader(),
        &me.org.id,
        kind.code(),
        state.map(|s| s.code()),
        cursor,
        limit,
    )
    .await?;
    Ok(Page {
        items: page
            .items
            .iter()
            .map(|m| view(m, now))
            .collect::<AppResult<_>>()?,
        next_cursor: page.next_cursor,
    })
}

pub async fn get(app: &App, ctx: &Ctx, id: &str) -> AppResult<LinkView> {
    let me = ctx.user()?;
    let m = repo::invitations::get_in_org(app.db.reader(), &me.org.id, id)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    me.require(view_action(kind_of(&m)?), "invitation")?;
    view(&m, app.now())
}

/// Withdraws an open link of the caller's organization. Acceptances already made stand.
pub async fn revoke(app: &App, ctx: &Ctx, id: &str) -> AppResult<LinkView> {
    let me = ctx.user()?;
    let tx = app.db.begin().await?;
    let m = repo::invitations::get_in_org(&tx, &me.org.id, id)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    me.require(manage_action(kind_of(&m)?), "invitation")?;
    let now = app.now();
    if !repo::invitations::revoke(&tx, &me.org.id, id, &me.user.id, now).await? {
        return Err(AppError::Conflict {
            code: "invitation_not_open",
            message: "only an open invitation link can be revoked".into(),
        });
    }
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("invitation.revoked", "invitation", id)
            .in_org(&me.org.id)
            .details(json!({ "kind": m.kind })),
    )
    .await?;
    let fresh = repo::invitations::get_in_org(&tx, &me.org.id, id)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    tx.commit().await?;
    view(&fresh, now)
}

/// What the page behind a link shows before anyone signs in: who invites, what accepting
/// grants, and whether the link can still be used.
#[derive(Debug, Clone)]
pub struct Preview {
    pub kind: InvitationKind,
    pub status: LinkStatus,
    pub from_org_id: String,
    pub from_org_name: String,
    pub from_partner_id: Option<String>,
    pub from_country: String,
    pub invited_by: String,
    pub expires_at: OffsetDateTime,
}

pub async fn preview(app: &App, token: &str) -> AppResult<Preview> {
    let c = app.db.reader();
    let m = find(c, token).await?;
    let org = repo::orgs::get(c, &m.org_id)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    Ok(Preview {
        kind: kind_of(&m)?,
        status: status_of(&m, app.now())?,
        from_org_id: org.id,
        from_org_name: org.legal_name,
        from_partner_id: org.partner_id,
        from_country: org.country,
        invited_by: m.created_by_name,
        expires_at: m.expires_at,
    })
}
