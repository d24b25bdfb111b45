//! Provider ↔ reseller partnerships (R-PRT-1…6): a provider's request link, the reseller's
//! acceptance, both sides' lists and shared customers, the provider's admin access to the
//! reseller's organization (a rights row the reseller can remove), and removal by either side.

use crate::audit::{self, Event};
use crate::invitations::{self, Issued, SendTo};
use crate::orgs::partner_facts;
use crate::rights::{self, PROVIDER_ADMIN};
use crate::users::UserView;
use crate::{App, AppError, AppResult, Ctx, CurrentUser};
use keiro_domain::invitation::InvitationKind;
use keiro_domain::partnership::{self, Refusal};
use keiro_domain::{Action, Language};
use keiro_store::entities::invitation;
use keiro_store::entities::{delegated_right, organization, partnership as row};
use keiro_store::repo::partnerships::Side;
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::ConnectionTrait;
use keiro_store::sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

fn refused(r: Refusal) -> AppError {
    AppError::Forbidden {
        code: r.code(),
        message: r.message().into(),
        required_roles: vec![],
    }
}

/// Creates a partnership request link (provider side, R-PRT-1), with its draft in `lang` (the
/// page's language, else the user's), and emails it when asked (in the same transaction).
pub async fn request(
    app: &App,
    ctx: &Ctx,
    lang: Option<Language>,
    idem: Option<&str>,
    send_to: Option<SendTo>,
) -> AppResult<Issued> {
    let me = ctx.user()?;
    me.require(Action::RequestPartnership, "partnership request")?;
    partnership::may_request(&partner_facts(&me.org)).map_err(refused)?;
    invitations::issue(
        app,
        ctx,
        me,
        InvitationKind::Partnership,
        json!({}),
        lang,
        idem,
        send_to,
        None,
    )
    .await
}

/// One side's view of a partnership: the other organization and the state of the provider's
/// admin access to the reseller.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartnerView {
    pub partnership_id: String,
    pub org_id: String,
    pub legal_name: String,
    pub partner_id: Option<String>,
    pub country: String,
    pub email: String,
    pub phone: String,
    pub website: String,
    pub since: OffsetDateTime,
    pub admin_access: bool,
}

async fn partner_view(
    c: &impl ConnectionTrait,
    p: &row::Model,
    other: &organization::Model,
) -> AppResult<PartnerView> {
    let admin_access = repo::rights::live(c, &p.reseller_org_id, &p.provider_org_id)
        .await?
        .iter()
        .any(|r| r.kind == PROVIDER_ADMIN);
    Ok(PartnerView {
        partnership_id: p.id.clone(),
        org_id: other.id.clone(),
        legal_name: other.legal_name.clone(),
        partner_id: other.partner_id.clone(),
        country: other.country.clone(),
        email: other.email.clone(),
        phone: other.phone.clone(),
        website: other.website.clone(),
        since: p.created_at,
        admin_access,
    })
}

/// Accepts a partnership request as the signed-in reseller (R-PRT-2): only an approved indirect
/// reseller, only an admin, only with the confirmation ticked. One transaction takes the link
/// (guarded: exactly one of concurrent acceptances wins), creates the partnership and the
/// provider's admin access (R-PRT-4), audits, and tells the requester.
pub(crate) async fn accept_link(
    tx: &DatabaseTransaction,
    app: &App,
    ctx: &Ctx,
    link: &invitation::Model,
    confirmed: bool,
) -> AppResult<PartnerView> {
    let me = ctx.user()?;
    let provider = repo::orgs::get(tx, &link.org_id)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    partnership::may_accept(
        &partner_facts(&provider),
        &partner_facts(&me.org),
        provider.id == me.org.id,
    )
    .map_err(refused)?;
    me.require(Action::AcceptPartnership, "partnership")?;
    if !confirmed {
        return Err(AppError::validation(
            "confirm",
            "confirmation_required",
            "tick the confirmation box to approve the indirect provider",
        ));
    }
    if repo::partnerships::active_between(tx, &provider.id, &me.org.id)
        .await?
        .is_some()
    {
        return Err(already());
    }
    invitations::take(tx, app, link, me).await?;
    let now = app.now();
    let p = row::Model {
        id: Uuid::now_v7().to_string(),
        provider_org_id: provider.id.clone(),
        reseller_org_id: me.org.id.clone(),
        state: partnership::PartnershipState::Active.code().into(),
        invitation_id: Some(link.id.clone()),
        accepted_by: Some(me.user.id.clone()),
        created_at: now,
        removed_at: None,
        removed_by_org: None,
        removed_by_user: None,
    };
    repo::insert(tx, p.clone()).await.map_err(|e| match e {
        keiro_store::StoreError::Duplicate(_) => already(),
        other => other.into(),
    })?;
    grant_admin(tx, app, ctx, me, &p).await?;
    audit::record(
        tx,
        ctx,
        now,
        Event::new("partnership.accepted", "partnership", &p.id)
            .in_org(&provider.id)
            .details(
                json!({ "provider": provider.id, "reseller": me.org.id, "invitation": link.id }),
            ),
    )
    .await?;
    invitations::notify_creator(
        tx,
        app,
        link,
        &provider.id,
        "partnership-accepted",
        &[
            ("reseller", me.org.legal_name.clone()),
            ("company", provider.legal_name.clone()),
        ],
        &[],
    )
    .await?;
    let v = partner_view(tx, &p, &provider).await?;
    Ok(v)
}

fn already() -> AppError {
    AppError::Conflict {
        code: Refusal::AlreadyPartners.code(),
        message: Refusal::AlreadyPartners.message().into(),
    }
}

async fn grant_admin(
    c: &impl ConnectionTrait,
    app: &App,
    ctx: &Ctx,
    me: &CurrentUser,
    p: &row::Model,
) -> AppResult<()> {
    let id = Uuid::now_v7().to_string();
    repo::insert(
        c,
        delegated_right::Model {
            id: id.clone(),
            owner_org_id: p.reseller_org_id.clone(),
            grantee_org_id: p.provider_org_id.clone(),
            kind: PROVIDER_ADMIN.into(),
            source_id: Some(p.id.clone()),
            granted_at: app.now(),
            granted_by: Some(me.user.id.clone()),
            revoked_at: None,
            revoked_by: None,
        },
    )
    .await
    .map_err(|e| match e {
        keiro_store::StoreError::Duplicate(_) => AppError::Conflict {
            code: "admin_access_exists",
            message: "the provider already has admin access".into(),
        },
        other => other.into(),
    })?;
    audit::record(
        c,
        ctx,
        app.now(),
        Event::new("delegated_right.granted", "delegated_right", &id)
            .in_org(&p.provider_org_id)
            .details(json!({ "kind": PROVIDER_ADMIN, "owner": p.reseller_org_id, "grantee": p.provider_org_id })),
    )
    .await
}

/// Which side the caller is on, from the page or route it came through.
pub use keiro_store::repo::partnerships::Side as PartnerSide;

fn pair<'a>(side: Side, me: &'a str, other: &'a str) -> (&'a str, &'a str) {
    match side {
        Side::Provider => (me, other),
        Side::Reseller => (other, me),
    }
}

/// The caller's active partners on `side` (R-PRT-3): resellers for a provider, providers for a
/// reseller; searchable by name or partner ID.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    side: Side,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<PartnerView>> {
    let me = ctx.user()?;
    me.require(Action::ViewPartnerships, "partnerships")?;
    let c = app.db.reader();
    let page = repo::partnerships::list(c, &me.org.id, side, q, cursor, limit).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for (p, o) in &page.items {
        items.push(partner_view(c, p, o).await?);
    }
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

/// The active partnership with `other` on `side`, or 404.
async fn active(
    c: &impl ConnectionTrait,
    me: &CurrentUser,
    side: Side,
    other: &str,
) -> AppResult<(row::Model, organization::Model)> {
    let (provider, reseller) = pair(side, &me.org.id, other);
    let p = repo::partnerships::active_between(c, provider, reseller)
        .await?
        .ok_or(AppError::NotFound("partnership"))?;
    let o = repo::orgs::get(c, other)
        .await?
        .ok_or(AppError::NotFound("partnership"))?;
    Ok((p, o))
}

pub async fn get(app: &App, ctx: &Ctx, side: Side, other: &str) -> AppResult<PartnerView> {
    let me = ctx.user()?;
    me.require(Action::ViewPartnerships, "partnership")?;
    let c = app.db.reader();
    let (p, o) = active(c, me, side, other).await?;
    partner_view(c, &p, &o).await
}

/// A customer as a partnership's shared-customer list shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CustomerSummary {
    pub id: String,
    pub legal_name: String,
    pub primary_domain: String,
    pub country: String,
}

/// Customers both partners have a relationship with (R-PRT-3), and none that only one of them
/// has (R-PRT-5).
pub async fn shared_customers(
    app: &App,
    ctx: &Ctx,
    side: Side,
    other: &str,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<CustomerSummary>> {
    let me = ctx.user()?;
    me.require(Action::ViewPartnerships, "partnership")?;
    let c = app.db.reader();
    active(c, me, side, other).await?;
    let page =
        repo::relationships::shared_customers(c, &me.org.id, other, q, cursor, limit).await?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|o| CustomerSummary {
                id: o.id,
                legal_name: o.legal_name,
                primary_domain: o.primary_domain,
                country: o.country,
            })
            .collect(),
        next_cursor: page.next_cursor,
    })
}

/// Ends the partnership from either side, after the attestation (R-PRT-6). Customers and their
/// relationships stay; delegated admin over customers is untouched; the provider's admin access
/// to the reseller, which came with the partnership, ends with it. No notice is sent to the
/// other party: only the audit log records it.
pub async fn remove(app: &App, ctx: &Ctx, side: Side, other: &str, attest: bool) -> AppResult<()> {
    let me = ctx.user()?;
    me.require(Action::RemovePartnership, "partnership")?;
    partnership::check_attestation(attest)?;
    let tx = app.db.begin().await?;
    let (p, _) = active(&tx, me, side, other).await?;
    let now = app.now();
    if !repo::partnerships::remove(&tx, &p.id, &me.org.id, &me.user.id, now).await? {
        return Err(AppError::NotFound("partnership"));
    }
    let had_access = repo::rights::revoke(
        &tx,
        &p.reseller_org_id,
        &p.provider_org_id,
        PROVIDER_ADMIN,
        &me.user.id,
        now,
    )
    .await?;
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("partnership.removed", "partnership", &p.id)
            .in_org(other)
            .details(json!({
                "provider": p.provider_org_id,
                "reseller": p.reseller_org_id,
                "attested": true,
                "admin_access_ended": had_access,
                "notice_sent": false,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The reseller removes (`on = false`) or restores its provider's admin access to its own
/// organization without ending the partnership (R-PRT-4). Takes effect on the next request.
pub async fn set_admin_access(
    app: &App,
    ctx: &Ctx,
    provider: &str,
    on: bool,
    if_access: Option<bool>,
) -> AppResult<PartnerView> {
    let me = ctx.user()?;
    me.require(Action::ManageProviderAdminAccess, "partnership")?;
    let tx = app.db.begin().await?;
    let (p, o) = active(&tx, me, Side::Reseller, provider).await?;
    // If-Match on the access state (ETag `"a1"` granted, `"a0"` removed): refused if another
    // admin changed it since it was read.
    if let Some(expected) = if_access
        && partner_view(&tx, &p, &o).await?.admin_access != expected
    {
        return Err(AppError::PreconditionFailed);
    }
    let now = app.now();
    if on {
        grant_admin(&tx, app, ctx, me, &p).await?;
    } else {
        if !repo::rights::revoke(&tx, &me.org.id, provider, PROVIDER_ADMIN, &me.user.id, now)
            .await?
        {
            return Err(AppError::Conflict {
                code: "no_admin_access",
                message: "the provider has no admin access to remove".into(),
            });
        }
        audit::record(
            &tx,
            ctx,
            now,
            Event::new("delegated_right.revoked", "partnership", &p.id)
                .in_org(provider)
                .details(
                    json!({ "kind": PROVIDER_ADMIN, "owner": me.org.id, "grantee": provider }),
                ),
        )
        .await?;
    }
    let v = partner_view(&tx, &p, &o).await?;
    tx.commit().await?;
    Ok(v)
}

/// A provider's view of a partnered reseller's users, through its admin access (R-PRT-4): the
/// rights row is read with the query, so removed access is refused on the very next request.
/// Whether this user may use the admin access a reseller gave the provider (R-PRT-4): the
/// access is the organization's, acting with it needs the user's own roles and delegated
/// access. The Indirect resellers page links to a reseller's users only for such users.
pub fn may_use_admin_access(me: &CurrentUser) -> bool {
    let target = keiro_domain::Target {
        owner: uuid::Uuid::nil().into(),
        owner_kind: keiro_domain::OrgKind::Partner,
        grants: vec![keiro_domain::Grant::DelegatedAdmin],
    };
    keiro_domain::decide(&me.actor, Action::ViewUsers, &target).is_allowed()
}

pub async fn reseller_users(
    app: &App,
    ctx: &Ctx,
    reseller: &str,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<UserView>> {
    let me = ctx.user()?;
    let c = app.db.reader();
    let org = rights::require_in(c, me, reseller, Action::ViewUsers, "reseller", app.now()).await?;
    let page = repo::users::search_in_org(c, &org.id, q, cursor, limit).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for u in page.items {
        items.push(crate::users::view(c, u).await?);
    }
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}
