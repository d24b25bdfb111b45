//! Go-to-market offers (市場投入オファー, R-BEN-9, issue 18 point 5): a global admin or
//! membership admin assigns the partner's marketing contact (a user of the partner, an email
//! other than that user's sign-in email, a phone number, a preferred language), who is emailed
//! the instructions in that language; every change is audited. Activating an offer needs the
//! contact (`technical::activate`) and leaves it pending until operator staff confirm it here;
//! then it shows active with its expiry date and the contact is told.

use super::packages::{AllocationView, allocation_views};
use super::{operator, partner_user};
use crate::audit::{self, Event};
use crate::{App, AppError, AppResult, Ctx, CurrentUser, mail, outbox};
use keiro_domain::benefit::{self as rules, ActivateRefusal, BenefitKind};
use keiro_domain::{Action, Language};
use keiro_store::entities::{benefit_marketing_contact, organization};
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

/// The partner's marketing contact.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContactView {
    pub user_id: String,
    pub user_name: String,
    /// Where the contact is written to (not their sign-in email).
    pub email: String,
    pub phone: String,
    pub language: String,
    pub updated_at: OffsetDateTime,
    pub updated_by: Option<String>,
    pub version: i64,
}

async fn contact_view(
    c: &impl ConnectionTrait,
    m: benefit_marketing_contact::Model,
) -> AppResult<ContactView> {
    let mut ids = vec![m.user_id.clone()];
    ids.extend(m.updated_by.clone());
    let users = repo::users::names(c, &ids).await?;
    let name = |id: &str| users.iter().find(|u| u.0 == id).map(|u| u.1.clone());
    Ok(ContactView {
        user_name: name(&m.user_id).unwrap_or_default(),
        updated_by: m.updated_by.as_deref().and_then(name),
        user_id: m.user_id,
        email: m.email,
        phone: m.phone,
        language: m.language,
        updated_at: m.updated_at,
        version: m.version,
    })
}

/// The partner's marketing contact, if one is assigned (every partner user sees it).
pub async fn contact(app: &App, ctx: &Ctx) -> AppResult<Option<ContactView>> {
    let me = partner_user(ctx)?;
    let c = app.db.reader();
    match repo::benefit_assignments::contact_of(c, &me.org.id).await? {
        Some(m) => Ok(Some(contact_view(c, m).await?)),
        None => Ok(None),
    }
}

/// A marketing contact as typed.
#[derive(Debug, Clone, Default)]
pub struct ContactInput {
    pub user_id: String,
    pub email: String,
    pub phone: String,
    pub language: String,
}

/// Emails the contact the go-to-market instructions (or that an offer is active) in their
/// language.
async fn write_to(
    c: &impl ConnectionTrait,
    app: &App,
    org: &organization::Model,
    template: &str,
    m: &benefit_marketing_contact::Model,
    extra: &[(&str, String)],
) -> AppResult<()> {
    let lang = Language::parse(&m.language).unwrap_or(Language::En);
    let name = repo::users::names(c, std::slice::from_ref(&m.user_id))
        .await?
        .into_iter()
        .next()
        .map(|u| u.1)
        .unwrap_or_default();
    let mut args = vec![
        ("name", name),
        ("company", org.legal_name.clone()),
        ("phone", m.phone.clone()),
    ];
    args.extend(extra.iter().map(|(k, v)| (*k, v.clone())));
    outbox::enqueue_email(c, app, Some(&org.id), template, &m.email, lang, &args).await
}

/// A global admin or membership admin assigns (or changes) the marketing contact; `if_match`
/// is the version read, if any. Refused: a user of another organization (404), the user's own
/// sign-in email (`contact_email_is_sign_in`), a bad phone or language. Audited, with an event
/// and the instructions emailed to the contact in their language.
pub async fn set_contact(
    app: &App,
    ctx: &Ctx,
    input: ContactInput,
    if_match: Option<i64>,
) -> AppResult<ContactView> {
    let me = partner_user(ctx)?;
    me.require(Action::ActivateBenefits, "marketing contact")?;
    let now = app.now();
    let tx = app.db.begin().await?;
    let u = repo::users::get_in_org(&tx, &me.org.id, &input.user_id)
        .await?
        .filter(|u| u.active)
        .ok_or(AppError::NotFound("user"))?;
    let checked = rules::marketing_contact(&u.email, &input.email, &input.phone, &input.language)?;
    let existing = repo::benefit_assignments::contact_of(&tx, &me.org.id).await?;
    // If-Match names the version read: none read, or another one, is a stale change.
    if if_match.is_some_and(|v| existing.as_ref().is_none_or(|e| e.version != v)) {
        return Err(AppError::PreconditionFailed);
    }
    let m = benefit_marketing_contact::Model {
        id: existing
            .as_ref()
            .map(|e| e.id.clone())
            .unwrap_or_else(|| Uuid::now_v7().to_string()),
        org_id: me.org.id.clone(),
        user_id: u.id.clone(),
        email: checked.email.clone(),
        phone: checked.phone.clone(),
        language: checked.language.code().into(),
        updated_by: Some(me.user.id.clone()),
        updated_at: now,
        version: existing.as_ref().map(|e| e.version + 1).unwrap_or(1),
    };
    match &existing {
        Some(e) => {
            repo::benefit_assignments::update_contact(&tx, &m, e.version)
                .await
                .map_err(|_| AppError::PreconditionFailed)?;
        }
        None => repo::benefit_assignments::insert_contact(&tx, m.clone())
            .await
            .map_err(|e| match e {
                keiro_store::StoreError::Duplicate(_) => AppError::PreconditionFailed,
                e => e.into(),
            })?,
    }
    let before = existing.as_ref().map(|e| {
        json!({ "user": e.user_id, "email": e.email, "phone": e.phone, "language": e.language })
    });
    let after =
        json!({ "user": m.user_id, "email": m.email, "phone": m.phone, "language": m.language });
    let action = if existing.is_some() {
        "benefit_marketing_contact.changed"
    } else {
        "benefit_marketing_contact.assigned"
    };
    audit::record(
        &tx,
        ctx,
        now,
        Event::new(action, "benefit_marketing_contact", &m.id)
            .in_org(&me.org.id)
            .details(json!({ "before": before, "after": after })),
    )
    .await?;
    outbox::enqueue_event(&tx, app, &[&me.org.id], action, after).await?;
    write_to(&tx, app, &me.org, "marketing-contact-assigned", &m, &[]).await?;
    let v = contact_view(&tx, m).await?;
    tx.commit().await?;
    Ok(v)
}

/// Why a go-to-market offer cannot be activated by `me` now for want of a contact, if so.
pub(crate) async fn need_contact(c: &impl ConnectionTrait, me: &CurrentUser) -> AppResult<()> {
    if repo::benefit_assignments::contact_of(c, &me.org.id)
        .await?
        .is_none()
    {
        return Err(super::technical::refused(
            ActivateRefusal::NoMarketingContact,
        ));
    }
    Ok(())
}

/// An offer waiting for operator staff, with its partner and contact.
#[derive(Debug, Clone)]
pub struct PendingOffer {
    pub allocation: AllocationView,
    pub org_name: String,
    pub contact: Option<ContactView>,
}

/// Operator staff's queue: every partner's activated go-to-market offers not yet confirmed,
/// oldest first.
pub async fn pending(
    app: &App,
    ctx: &Ctx,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<PendingOffer>> {
    operator(ctx)?;
    let c = app.db.reader();
    let now = app.now();
    let page = repo::benefits::pending(c, BenefitKind::GoToMarket.code(), cursor, limit).await?;
    let orgs = repo::orgs::by_ids(c, page.items.iter().map(|a| a.org_id.clone()).collect()).await?;
    let mut items = Vec::new();
    for a in allocation_views(c, page.items, now).await? {
        let contact = match repo::benefit_assignments::contact_of(c, &a.org_id).await? {
            Some(m) => Some(contact_view(c, m).await?),
            None => None,
        };
        items.push(PendingOffer {
            org_name: orgs
                .iter()
                .find(|o| o.id == a.org_id)
                .map(|o| o.legal_name.clone())
                .unwrap_or_default(),
            contact,
            allocation: a,
        });
    }
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

/// Operator staff confirm a pending go-to-market offer: it shows active with its expiry date,
/// and the partner's marketing contact is told. Guarded: one confirmation.
pub async fn confirm(app: &App, ctx: &Ctx, allocation_id: &str) -> AppResult<AllocationView> {
    let me = operator(ctx)?;
    let now = app.now();
    let tx = app.db.begin().await?;
    let a = repo::benefits::allocation(&tx, allocation_id)
        .await?
        .ok_or(AppError::NotFound("benefit_allocation"))?;
    if a.kind != BenefitKind::GoToMarket.code()
        || !repo::benefits::confirm(&tx, &a.id, &me.user.id, now).await?
    {
        return Err(super::technical::refused(ActivateRefusal::NotPending));
    }
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("benefit_allocation.confirmed", "benefit_allocation", &a.id)
            .in_org(&a.org_id)
            .details(json!({ "benefit": a.benefit_id })),
    )
    .await?;
    outbox::enqueue_event(
        &tx,
        app,
        &[&a.org_id],
        "benefit_allocation.confirmed",
        json!({ "allocation": a.id, "expires_at": audit::moment(a.expires_at) }),
    )
    .await?;
    let org = repo::orgs::get(&tx, &a.org_id)
        .await?
        .ok_or(AppError::NotFound("organization"))?;
    if let Some(m) = repo::benefit_assignments::contact_of(&tx, &a.org_id).await? {
        let lang = Language::parse(&m.language).unwrap_or(Language::En);
        let offer = repo::benefits::get(&tx, &a.benefit_id)
            .await?
            .map(|b| match lang {
                Language::Ja => b.name_ja,
                Language::En => b.name_en,
            })
            .unwrap_or_default();
        let expires = mail::date(app, a.expires_at, lang);
        write_to(
            &tx,
            app,
            &org,
            "go-to-market-active",
            &m,
            &[("benefit", offer), ("expires", expires)],
        )
        .await?;
    }
    let fresh = repo::benefits::allocation(&tx, &a.id)
        .await?
        .ok_or(AppError::NotFound("benefit_allocation"))?;
    let v = allocation_views(&tx, vec![fresh], now).await?.remove(0);
    tx.commit().await?;
    Ok(v)
}
