//! Invitation links, for every kind: a random token stored as its SHA-256, a kind, the
//! organization and user that created it, an expiry, revocation by its creator's organization,
//! and single- or multi-use acceptance. A leaf: issuing, finding, revoking, previewing and
//! taking a use. Accepting a link (which kind does what) is [`crate::acceptance`], which hands
//! each kind the link it found, inside one transaction.

use crate::audit::{self, Event};
use crate::idempotency::{self, Key};
use crate::secrets::{new_token, sha256_hex};
use crate::{App, AppError, AppResult, Ctx, CurrentUser, mail, outbox, throttle};
use keiro_domain::invitation::{InvitationKind, InvitationState, LinkStatus, Usage, keep_link};
use keiro_domain::{Action, Email, Language};
use keiro_store::entities::invitation;
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::{ConnectionTrait, DatabaseTransaction};
use serde::{Deserialize, Serialize};
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
    /// How often its page was opened, once per browser session (advisor links).
    pub open_count: i64,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
    /// What the link offers (its kind's own fields: a trial's offer, a DAP offer).
    pub payload: Value,
    /// Its URL, in lists, for kinds shown again (an advisor's links).
    pub url: Option<String>,
}

pub fn view(m: &invitation::Model, now: OffsetDateTime) -> AppResult<LinkView> {
    Ok(LinkView {
        id: m.id.clone(),
        kind: kind_of(m)?,
        status: status_of(m, now)?,
        created_by_name: m.created_by_name.clone(),
        recipient_email: m.recipient_email.clone(),
        use_count: m.use_count,
        open_count: m.open_count,
        created_at: m.created_at,
        expires_at: m.expires_at,
        used_at: m.used_at,
        payload: serde_json::from_str(&m.payload).unwrap_or(Value::Null),
        url: None,
    })
}

pub(crate) fn kind_of(m: &invitation::Model) -> AppResult<InvitationKind> {
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

/// The address of an advisor's link: the invitation page, with the advisor's partner ID for
/// people to read (seed 000: the URL carries the code that says who the advisor is). Only the
/// token says which link it is.
pub fn advisor_url(app: &App, token: &str, partner_id: &str) -> String {
    format!("{}&advisor={partner_id}", url(app, token))
}

/// The address of a link of `kind` created by `org`.
fn url_of(
    app: &App,
    kind: InvitationKind,
    token: &str,
    org: &keiro_store::entities::organization::Model,
) -> String {
    match kind {
        InvitationKind::TrialInvitation | InvitationKind::PurchaseOffer => {
            advisor_url(app, token, org.partner_id.as_deref().unwrap_or_default())
        }
        _ => url(app, token),
    }
}

/// The action that governs links of a kind: creating and revoking them.
fn manage_action(kind: InvitationKind) -> Action {
    match kind {
        InvitationKind::Partnership => Action::RequestPartnership,
        InvitationKind::ResellerRelationship
        | InvitationKind::ThreeWayRelationship
        | InvitationKind::DelegatedAdmin => Action::RequestCustomerRelationship,
        InvitationKind::GdapApproval => Action::ManageGdap,
        InvitationKind::TrialInvitation | InvitationKind::PurchaseOffer => Action::UseAdvisorTools,
    }
}

fn view_action(kind: InvitationKind) -> Action {
    match kind {
        InvitationKind::Partnership => Action::ViewPartnerships,
        InvitationKind::ResellerRelationship
        | InvitationKind::ThreeWayRelationship
        | InvitationKind::DelegatedAdmin => Action::ViewCustomers,
        InvitationKind::GdapApproval => Action::ViewGdap,
        InvitationKind::TrialInvitation | InvitationKind::PurchaseOffer => Action::UseAdvisorTools,
    }
}

/// The token of a link its organization may see again: HMAC of the deployment's secret key
/// and the link's id (only its hash is stored, as for every link).
fn derived_token(app: &App, id: &str) -> String {
    use base64::Engine;
    format!(
        "ki_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(app.secret_key().derive(&format!("keiro-advisor-link:{id}")))
    )
}

/// The URL of a link shown again, if its kind is and its token derives again (the secret key
/// unchanged).
fn url_again(
    app: &App,
    m: &invitation::Model,
    org: &keiro_store::entities::organization::Model,
) -> Option<String> {
    let kind = InvitationKind::parse(&m.kind)?;
    if !kind.shown_again() {
        return None;
    }
    let token = derived_token(app, &m.id);
    (sha256_hex(&token) == m.token_hash).then(|| url_of(app, kind, &token, org))
}

/// Creates a link inside the caller's transaction; returns the row and its token (to be shown
/// once). It stays open `valid_days` (else the deployment's default). The caller has
/// authorized the action and writes the audit row.
pub(crate) async fn create(
    tx: &DatabaseTransaction,
    app: &App,
    me: &CurrentUser,
    kind: InvitationKind,
    payload: Value,
    valid_days: Option<i64>,
) -> AppResult<(invitation::Model, String)> {
    let now = app.now();
    let id = Uuid::now_v7().to_string();
    let token = if kind.shown_again() {
        derived_token(app, &id)
    } else {
        new_token("ki_")
    };
    let m = invitation::Model {
        id,
        kind: kind.code().into(),
        token_hash: sha256_hex(&token),
        org_id: me.org.id.clone(),
        created_by: Some(me.user.id.clone()),
        created_by_name: me.user.full_name.clone(),
        recipient_email: None,
        payload: payload.to_string(),
        state: InvitationState::Open.code().into(),
        use_count: 0,
        open_count: 0,
        expires_at: now
            + Duration::days(
                valid_days
                    .unwrap_or(app.config.invitation_valid_days)
                    .max(1),
            ),
        created_at: now,
        revoked_at: None,
        revoked_by: None,
        used_at: None,
        used_by_org: None,
        used_by_user: None,
    };
    repo::insert(tx, m.clone()).await?;
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
            .map(|m| {
                view(m, now).map(|v| LinkView {
                    url: url_again(app, m, &me.org),
                    ..v
                })
            })
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
    pub id: String,
    pub kind: InvitationKind,
    pub status: LinkStatus,
    pub from_org_id: String,
    pub from_org_name: String,
    pub from_partner_id: Option<String>,
    pub from_country: String,
    pub invited_by: String,
    pub expires_at: OffsetDateTime,
    /// For a GDAP approval link: what exactly is asked (name, roles, duration, auto-extend).
    pub gdap: Option<GdapAsk>,
}

/// The terms of a GDAP relationship, as its approval page shows them before anyone decides.
#[derive(Debug, Clone)]
pub struct GdapAsk {
    pub display_name: String,
    pub roles: Vec<String>,
    pub duration_days: i64,
    pub auto_extend: bool,
    pub state: String,
}

pub async fn preview(app: &App, token: &str) -> AppResult<Preview> {
    let c = app.db.reader();
    let m = find(c, token).await?;
    let org = repo::orgs::get(c, &m.org_id)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    Ok(Preview {
        id: m.id.clone(),
        kind: kind_of(&m)?,
        status: status_of(&m, app.now())?,
        from_org_id: org.id,
        from_org_name: org.legal_name,
        from_partner_id: org.partner_id,
        from_country: org.country,
        gdap: match payload_gdap(&m) {
            Some(id) => repo::gdap::get(c, &id).await?.map(|g| GdapAsk {
                display_name: g.display_name,
                roles: g
                    .roles
                    .split(',')
                    .filter(|r| !r.is_empty())
                    .map(str::to_string)
                    .collect(),
                duration_days: g.duration_days,
                auto_extend: g.auto_extend,
                state: g.state,
            }),
            None => None,
        },
        invited_by: m.created_by_name,
        expires_at: m.expires_at,
    })
}

fn payload_gdap(m: &invitation::Model) -> Option<String> {
    let v: Value = serde_json::from_str(&m.payload).ok()?;
    v["gdap_id"].as_str().map(str::to_string)
}

/// The draft email of a link, to send from the user's own mail app (R-PRT-1, R-REL-2).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Draft {
    pub subject: String,
    pub body: String,
    pub mailto: String,
}

/// Whom Keiro should email a new link to, and the (possibly edited) text; without a text, the
/// draft is sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendTo {
    pub to: String,
    pub message: Option<String>,
}

/// A new link: its URL and draft only in the first answer (the token is a secret shown once).
#[derive(Debug, Clone)]
pub struct Issued {
    pub link: LinkView,
    /// The secret token (also inside `url`), for sending the link later from the draft page.
    pub token: Option<String>,
    pub url: Option<String>,
    pub draft: Option<Draft>,
    pub replayed: bool,
}

/// The draft and email templates of a kind.
fn templates(kind: InvitationKind) -> (&'static str, &'static str) {
    match kind {
        InvitationKind::Partnership => ("partnership-draft", "partnership-request"),
        InvitationKind::ResellerRelationship => ("relationship-draft", "relationship-request"),
        InvitationKind::ThreeWayRelationship => ("three-way-draft", "relationship-request"),
        InvitationKind::DelegatedAdmin => ("dap-draft", "relationship-request"),
        InvitationKind::GdapApproval => ("gdap-draft", "relationship-request"),
        InvitationKind::TrialInvitation => ("trial-draft", "advisor-invitation"),
        InvitationKind::PurchaseOffer => ("purchase-draft", "advisor-invitation"),
    }
}

fn lang_of(me: &CurrentUser) -> Language {
    me.language().unwrap_or(Language::En)
}

fn draft(
    app: &App,
    me: &CurrentUser,
    kind: InvitationKind,
    lang: Language,
    url: &str,
    expires: OffsetDateTime,
    provider: &str,
) -> Draft {
    let (subject, body) = mail::render_draft(
        templates(kind).0,
        lang,
        app.config.brand.name(lang),
        &[
            ("company", me.org.legal_name.clone()),
            ("partner_id", me.org.partner_id.clone().unwrap_or_default()),
            ("link", url.to_string()),
            ("expires", crate::mail::time(app, expires, lang, None)),
            ("sender", me.user.full_name.clone()),
            ("provider", provider.to_string()),
        ],
    );
    let mailto = mail::mailto("", &subject, &body);
    Draft {
        subject,
        body,
        mailto,
    }
}

/// Creates a link of `kind` for the caller's organization, with its draft in `lang` (else the
/// user's language), and emails it when asked, in one transaction: a refused email (bad
/// address, too many sent) leaves no orphan link. The caller has authorized the action.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn issue(
    app: &App,
    ctx: &Ctx,
    me: &CurrentUser,
    kind: InvitationKind,
    payload: Value,
    lang: Option<Language>,
    idem: Option<&str>,
    send_to: Option<SendTo>,
    valid_days: Option<i64>,
) -> AppResult<Issued> {
    let lang = lang.unwrap_or_else(|| lang_of(me));
    let recipient = send_to.as_ref().map(|s| Email::parse(&s.to)).transpose()?;
    let key = match idem {
        Some(k) => Some(Key::new(
            &format!("invitation:{}:{}", kind.code(), me.user.id),
            k,
            &json!({ "payload": payload, "send_to": send_to, "valid_days": valid_days }),
        )?),
        None => None,
    };
    if let Some(k) = &key
        && let Some(r) = idempotency::lookup(app.db.reader(), k).await?
    {
        let id = r.body["id"].as_str().unwrap_or_default();
        let m = repo::invitations::get_in_org(app.db.reader(), &me.org.id, id)
            .await?
            .ok_or(AppError::NotFound("invitation"))?;
        return Ok(Issued {
            link: view(&m, app.now())?,
            token: None,
            url: None,
            draft: None,
            replayed: true,
        });
    }
    let tx = app.db.begin().await?;
    let (m, token) = create(&tx, app, me, kind, payload, valid_days).await?;
    if let Some(k) = &key {
        // The token is a secret shown once: a replay answers with the link's id only.
        idempotency::store(&tx, k, 201, &json!({ "id": m.id }), app.now()).await?;
    }
    audit::record(
        &tx,
        ctx,
        app.now(),
        Event::new("invitation.created", "invitation", &m.id)
            .in_org(&me.org.id)
            .details(
                json!({ "kind": kind.code(), "expires_at": crate::audit::moment(m.expires_at) }),
            ),
    )
    .await?;
    let link_url = url_of(app, kind, &token, &me.org);
    // A three-way link names the reseller's provider in its text.
    let provider = match payload_provider(&m) {
        Some(id) => repo::orgs::get(&tx, &id)
            .await?
            .map(|o| o.legal_name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let d = draft(app, me, kind, lang, &link_url, m.expires_at, &provider);
    if let (Some(to), Some(s)) = (&recipient, &send_to) {
        let text = s.message.as_deref().unwrap_or(&d.body);
        email_link(&tx, app, ctx, me, kind, lang, &m.id, &link_url, to, text).await?;
    }
    let fresh = repo::invitations::get_in_org(&tx, &me.org.id, &m.id)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    tx.commit().await?;
    Ok(Issued {
        link: view(&fresh, app.now())?,
        draft: Some(d),
        url: Some(link_url),
        token: Some(token),
        replayed: false,
    })
}

fn payload_provider(m: &invitation::Model) -> Option<String> {
    let v: Value = serde_json::from_str(&m.payload).ok()?;
    v["provider_org_id"].as_str().map(str::to_string)
}

/// Queues the invitation email (the link kept in the text), records the recipient and audits,
/// inside the caller's transaction. Limited per organization and hour: Keiro is no spam relay.
#[allow(clippy::too_many_arguments)]
async fn email_link(
    tx: &DatabaseTransaction,
    app: &App,
    ctx: &Ctx,
    me: &CurrentUser,
    kind: InvitationKind,
    lang: Language,
    link_id: &str,
    link_url: &str,
    to: &Email,
    message: &str,
) -> AppResult<()> {
    if message.chars().count() > 10_000 {
        return Err(AppError::validation(
            "message",
            "message_too_long",
            "the message has at most 10000 characters",
        ));
    }
    let per_org = format!("invitations:{}", me.org.id);
    let rule = &app.throttle.invitation_emails;
    let wait = throttle::hit(tx, rule, &per_org, app.now()).await?;
    throttle::limited(wait, "too_many_invitations")?;
    outbox::enqueue_email(
        tx,
        app,
        Some(&me.org.id),
        templates(kind).1,
        to.as_str(),
        lang,
        &[
            ("message", keep_link(message, link_url)),
            ("company", me.org.legal_name.clone()),
            ("sender", me.user.full_name.clone()),
        ],
    )
    .await?;
    repo::invitations::set_recipient(tx, link_id, to.as_str()).await?;
    audit::record(
        tx,
        ctx,
        app.now(),
        Event::new("invitation.sent", "invitation", link_id)
            .in_org(&me.org.id)
            .details(json!({ "kind": kind.code(), "to": to.as_str() })),
    )
    .await
}

/// Emails an existing open link of the caller's organization through Keiro (the draft page's
/// "Send"), with the text as the user edited it.
pub async fn send(
    app: &App,
    ctx: &Ctx,
    lang: Option<Language>,
    token: &str,
    to: &str,
    message: &str,
) -> AppResult<()> {
    let me = ctx.user()?;
    let to = Email::parse(to)?;
    let tx = app.db.begin().await?;
    let link = find(&tx, token).await?;
    if link.org_id != me.org.id {
        return Err(AppError::NotFound("invitation"));
    }
    let kind = kind_of(&link)?;
    me.require(manage_action(kind), "invitation")?;
    if let Some(e) = refusal(status_of(&link, app.now())?) {
        return Err(e);
    }
    let link_url = url_of(app, kind, token, &me.org);
    let lang = lang.unwrap_or_else(|| lang_of(me));
    email_link(
        &tx, app, ctx, me, kind, lang, &link.id, &link_url, &to, message,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Tells the person who created a link that it was accepted (in the accepting transaction, in
/// their language), if they are still an active user. `args` are the template's arguments
/// besides the recipient's `name`.
pub(crate) async fn notify_creator(
    tx: &DatabaseTransaction,
    app: &App,
    link: &invitation::Model,
    org_id: &str,
    template: &str,
    args: &[(&str, String)],
    times: &[(&str, OffsetDateTime)],
) -> AppResult<()> {
    let Some(creator) = link.created_by.as_deref() else {
        return Ok(());
    };
    let Some(u) = repo::users::get_for_auth(tx, creator).await? else {
        return Ok(());
    };
    if !u.active {
        return Ok(());
    }
    let lang = u
        .language
        .as_deref()
        .and_then(Language::parse)
        .unwrap_or(Language::En);
    let mut all = vec![("name", u.full_name.clone())];
    all.extend(args.iter().cloned());
    for (k, t) in times {
        all.push((k, crate::mail::time(app, *t, lang, u.time_zone.as_deref())));
    }
    outbox::enqueue_email(tx, app, Some(org_id), template, &u.email, lang, &all).await
}

/// Why the signed-in user's organization could not accept a link, if so: the accepting side's
/// rules of its kind (program role, organization kind, roles), so the link's page can say it
/// before the click. Acceptance itself checks them again, with the inviting side's standing.
pub fn why_not(me: &CurrentUser, p: &Preview) -> Option<AppError> {
    use keiro_domain::{OrgKind, ProgramRole, partnership, relationship};
    let forbidden = |code: &'static str, message: &'static str| AppError::Forbidden {
        code,
        message: message.into(),
        required_roles: vec![],
    };
    let inviter = |roles: Vec<ProgramRole>| partnership::PartnerFacts {
        kind: OrgKind::Partner,
        approved: true,
        program_roles: roles,
    };
    if crate::advisor_sales::ADVISOR_KINDS.contains(&p.kind) {
        return crate::advisor_sales::why_not_customer_admin(me, "invitation");
    }
    let (refused, action) = match p.kind {
        InvitationKind::Partnership => (
            partnership::may_accept(
                &inviter(vec![ProgramRole::IndirectProvider]),
                &crate::orgs::partner_facts(&me.org),
                me.org.id == p.from_org_id,
            )
            .err()
            .map(|r| forbidden(r.code(), r.message())),
            Action::AcceptPartnership,
        ),
        _ => (
            relationship::may_accept(me.actor.org_kind, &inviter(vec![]))
                .err()
                .map(|r| forbidden(r.code(), r.message())),
            Action::AcceptPartnerRelationship,
        ),
    };
    refused.or_else(|| me.require(action, "invitation").err())
}
