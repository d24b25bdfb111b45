//! The partner of record (R-ADV-5, ADR 0010): the subscription advisor named on a
//! subscription. The customer's global admin sets, changes or clears it by partner ID (an
//! approved, advisor-authorized partner); the partner of record sees the subscription, is told
//! of every change to it (an event and an email to its admin agents, each in their language)
//! and never changes it.

use crate::subscriptions::{SubscriptionView, record, view};
use crate::{App, AppError, AppResult, Ctx, mail, outbox};
use keiro_domain::subscription::{self as sub, State};
use keiro_domain::{Action, Language, OrgKind, PartnerAuthorization, Role};
use keiro_store::entities::{organization, subscription};
use keiro_store::repo;
use keiro_store::repo::subscriptions as store;
use keiro_store::sea_orm::ConnectionTrait;
use serde_json::json;

/// The change name of a new, changed or cleared partner of record.
pub const CHANGED: &str = "partner_of_record_changed";

/// An approved partner holding the subscription advisor authorization, by partner ID.
pub(crate) async fn advisor(
    c: &impl ConnectionTrait,
    partner_id: &str,
    field: &'static str,
) -> AppResult<organization::Model> {
    let not = || {
        AppError::validation(
            field,
            "not_a_subscription_advisor",
            "this partner ID is not an authorized subscription advisor",
        )
    };
    let id = keiro_domain::enrollment::parse_partner_id(partner_id).map_err(|_| not())?;
    let o = repo::orgs::by_partner_id(c, &id).await?.ok_or_else(not)?;
    let authorized = o.partner_status.as_deref() == Some("approved")
        && PartnerAuthorization::set_of(&o.authorizations)
            .contains(&PartnerAuthorization::SubscriptionAdvisor);
    if !authorized {
        return Err(not());
    }
    Ok(o)
}

/// Sets (`Some` partner ID) or clears (`None`) the partner of record of one of the caller's
/// subscriptions, if it is still at `if_version` (when given).
pub async fn set(
    app: &App,
    ctx: &Ctx,
    id: &str,
    partner_id: Option<&str>,
    if_version: Option<i64>,
) -> AppResult<SubscriptionView> {
    let me = ctx.user()?;
    let tx = app.db.begin().await?;
    let old = store::get(&tx, id)
        .await?
        .filter(|s| me.actor.org_kind == OrgKind::Customer && s.customer_org_id == me.org.id)
        .filter(|_| me.may(Action::ViewSubscriptions))
        .ok_or(AppError::NotFound("subscription"))?;
    me.require(Action::SetPartnerOfRecord, "subscription")?;
    if if_version.is_some_and(|v| v != old.version) {
        return Err(AppError::PreconditionFailed);
    }
    if State::parse(&old.state)?.is_final() {
        return Err(AppError::Conflict {
            code: sub::Refusal::Final.code(),
            message: sub::Refusal::Final.message().into(),
        });
    }
    let to = match partner_id.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Some(advisor(&tx, p, "partner_id").await?.id),
        None => None,
    };
    if old.partner_of_record_org_id == to {
        return Err(AppError::Conflict {
            code: sub::Refusal::Unchanged.code(),
            message: sub::Refusal::Unchanged.message().into(),
        });
    }
    let now = app.now();
    let mut m = old.clone();
    m.partner_of_record_org_id = to.clone();
    m.updated_at = now;
    if !store::save(&tx, &m, old.version).await? {
        return Err(AppError::PreconditionFailed);
    }
    m.version = old.version + 1;
    let from = old.partner_of_record_org_id.clone();
    let details = json!({ "from": from, "to": to });
    record(&tx, app, ctx, &m, CHANGED, details.clone()).await?;
    // The partner of record it had is told it no longer is (the new one was told by `record`).
    if let Some(gone) = from.as_deref() {
        outbox::enqueue_event(
            &tx,
            app,
            &[gone],
            "subscription.partner_of_record_changed",
            json!({ "subscription": m.id, "customer": m.customer_org_id, "change": CHANGED, "details": details }),
        )
        .await?;
        notify_org(&tx, app, &m, gone, "removed").await?;
    }
    let v = view(&tx, m).await?;
    tx.commit().await?;
    Ok(v)
}

/// Emails the partner of record of `s`, if it has one, about `change` (called by
/// `subscriptions::record` for every change, in the change's transaction).
pub(crate) async fn notify(
    c: &impl ConnectionTrait,
    app: &App,
    s: &subscription::Model,
    change: &str,
) -> AppResult<()> {
    // A trial that expires is a trial that ended, as the partner of record reads it.
    let change = if change == "expired" && s.trial {
        "trial_ended"
    } else {
        change
    };
    match s.partner_of_record_org_id.as_deref() {
        Some(por) => notify_org(c, app, s, por, change).await,
        None => Ok(()),
    }
}

/// Emails the admin agents of `por` about `change` of `s`, each in their language.
async fn notify_org(
    c: &impl ConnectionTrait,
    app: &App,
    s: &subscription::Model,
    por: &str,
    change: &str,
) -> AppResult<()> {
    let agents = repo::users::active_with_role(c, por, Role::AdminAgent.code()).await?;
    if agents.is_empty() {
        return Ok(());
    }
    let customer = repo::orgs::get(c, &s.customer_org_id)
        .await?
        .map(|o| o.legal_name)
        .unwrap_or_default();
    let offer = repo::catalog::offers::get(c, &s.offer_id).await?;
    for u in agents {
        let lang = u
            .language
            .as_deref()
            .and_then(Language::parse)
            .unwrap_or(Language::Ja);
        let offer_name = offer
            .as_ref()
            .map(|o| match lang {
                Language::Ja => o.name_ja.clone(),
                Language::En => o.name_en.clone(),
            })
            .unwrap_or_default();
        outbox::enqueue_email(
            c,
            app,
            Some(por),
            "por-subscription-changed",
            &u.email,
            lang,
            &[
                ("name", u.full_name.clone()),
                ("customer", customer.clone()),
                ("offer", offer_name),
                (
                    "change",
                    mail::phrase(lang, &format!("por-change-{change}")),
                ),
                ("subscription", s.id.clone()),
                ("quantity", s.quantity.to_string()),
                (
                    "state",
                    mail::phrase(lang, &format!("por-state-{}", s.state)),
                ),
            ],
        )
        .await?;
    }
    Ok(())
}

/// The subscriptions the caller's organization is partner of record of, with their customers
/// (R-ADV-5: the advisor's list of its POR customers and subscriptions).
pub async fn mine(
    app: &App,
    ctx: &Ctx,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<keiro_store::repo::Page<SubscriptionView>> {
    let me = ctx.user()?;
    me.require(Action::ViewSubscriptions, "subscriptions")?;
    if me.actor.org_kind != OrgKind::Partner {
        return Err(AppError::NotFound("subscriptions"));
    }
    let c = app.db.reader();
    let page = store::of_partner_of_record(c, &me.org.id, cursor, limit).await?;
    Ok(keiro_store::repo::Page {
        items: crate::subscriptions::views(c, page.items).await?,
        next_cursor: page.next_cursor,
    })
}
