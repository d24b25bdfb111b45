//! Trial invitations (R-ADV-2, ADR 0010): a subscription advisor invites customers to a trial
//! of one offer, optionally with a delegated admin offer, through a reusable link that stays
//! open as long as its creator chose (at most a year). A customer's global or billing admin
//! starts the trial: the operator sells it, the advisor is its partner of record, and it
//! follows the trial lifecycle of every subscription. Accepting delegated admin is a separate
//! choice on the same page and grants exactly what R-REL-7's offer grants.

use crate::idempotency::{self, Key, Outcome};
use crate::invitations::{self, Issued, SendTo};
use crate::secrets::sha256_hex;
use crate::subscriptions::{SubscriptionView, first_term, record, view};
use crate::{App, AppError, AppResult, Ctx, CurrentUser, catalog, relationships};
use keiro_domain::advisor::{self, ToolRefusal, ToolUser};
use keiro_domain::catalog::{self as cat, LineRefusal};
use keiro_domain::invitation::InvitationKind;
use keiro_domain::{Action, Language, OrgKind, PartnerAuthorization, Role};
use keiro_store::entities::{invitation, invitation_use, offer, order, organization, subscription};
use keiro_store::repo;
use keiro_store::sea_orm::ConnectionTrait;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

fn tool_refused(r: ToolRefusal) -> AppError {
    AppError::Forbidden {
        code: r.code(),
        message: r.message().into(),
        required_roles: vec![],
    }
}

fn line_refused(field: &'static str, r: LineRefusal) -> AppError {
    AppError::validation(field, r.code(), r.message())
}

/// May `me` use the advisor tools? The reason names what is missing (R-ADV-1).
pub fn why_not_tools(me: &CurrentUser) -> Option<AppError> {
    if let Err(e) = me.require(Action::UseAdvisorTools, "advisor tools") {
        return Some(e);
    }
    advisor::may_use_tools(&ToolUser {
        org_kind: me.actor.org_kind,
        org_approved: me.actor.org_approved,
        authorizations: &me.org.authorizations,
        global_admin: me.actor.roles.contains(&Role::GlobalAdmin),
        delegated_access: me.actor.delegated_access,
    })
    .err()
    .map(tool_refused)
}

pub(crate) fn require_tools(me: &CurrentUser) -> AppResult<()> {
    why_not_tools(me).map_or(Ok(()), Err)
}

/// Is this organization an approved, advisor-authorized partner now?
fn is_advisor(o: &organization::Model) -> bool {
    o.kind == OrgKind::Partner.code()
        && o.partner_status.as_deref() == Some("approved")
        && PartnerAuthorization::set_of(&o.authorizations)
            .contains(&PartnerAuthorization::SubscriptionAdvisor)
}

/// What a new trial invitation offers.
#[derive(Debug, Clone)]
pub struct TrialInput {
    pub offer_id: String,
    /// Where the invited customers are (ISO 3166-1 alpha-2): the offer must be sold there.
    pub country: String,
    /// Whether a delegated admin offer comes with it.
    pub delegated_admin: bool,
    /// How long the link stays open (1 to 365 days; 30 by default).
    pub expires_in_days: Option<i64>,
}

async fn offer_with_countries(
    c: &impl ConnectionTrait,
    id: &str,
) -> AppResult<(offer::Model, cat::OfferFacts)> {
    let o = repo::catalog::offers::get(c, id)
        .await?
        .ok_or_else(|| AppError::validation("offer_id", "unknown_offer", "no offer has this id"))?;
    let countries = repo::catalog::offers::countries(c, vec![o.id.clone()])
        .await?
        .remove(&o.id)
        .unwrap_or_default();
    let facts = catalog::facts(&o, countries);
    Ok((o, facts))
}

/// Checks that the offer can be tried in `country`: sold there, with a trial. An add-on's
/// prerequisite is the customer's to hold, checked when a customer starts the trial.
fn check_trial(facts: &cat::OfferFacts, country: &str, held: &[&str]) -> AppResult<()> {
    match cat::check_line(facts, facts.min_quantity.max(1), true, country, held) {
        Ok(()) => Ok(()),
        Err(LineRefusal::PrerequisiteMissing { .. }) if held.is_empty() => Ok(()),
        Err(r) => Err(line_refused("offer_id", r)),
    }
}

/// Creates a trial invitation link with its draft email (and sends it when asked).
pub async fn create(
    app: &App,
    ctx: &Ctx,
    input: TrialInput,
    lang: Option<Language>,
    idem: Option<&str>,
    send_to: Option<SendTo>,
) -> AppResult<Issued> {
    let me = ctx.user()?;
    require_tools(me)?;
    if input.delegated_admin {
        advisor::may_offer_delegated_admin(&me.org.authorizations).map_err(tool_refused)?;
    }
    let days = advisor::link_days(input.expires_in_days)?;
    let country = cat::country(&input.country).map_err(|mut e| {
        e.field = "country";
        e
    })?;
    let (_, facts) = offer_with_countries(app.db.reader(), input.offer_id.trim()).await?;
    check_trial(&facts, &country, &[])?;
    invitations::issue(
        app,
        ctx,
        me,
        InvitationKind::TrialInvitation,
        json!({ "offer_id": facts.id, "country": country, "dap": input.delegated_admin }),
        lang,
        idem,
        send_to,
        Some(days),
    )
    .await
}

/// The offers an advisor may invite to a trial of in `country`: sold there, with a trial.
pub async fn trial_offers(app: &App, ctx: &Ctx, country: &str) -> AppResult<Vec<offer::Model>> {
    let me = ctx.user()?;
    require_tools(me)?;
    let country = cat::country(country)?;
    let page = repo::catalog::offers::list(
        app.db.reader(),
        &repo::catalog::offers::OfferQuery {
            q: None,
            country: Some(&country),
            state: Some("available"),
            product: None,
            cursor: None,
            limit: 200,
        },
    )
    .await?;
    Ok(page
        .items
        .into_iter()
        .filter(|o| o.trial_days.is_some_and(|d| d > 0))
        .collect())
}

/// The names of these offers (English, Japanese) by id, for lists of links.
pub async fn offer_names(
    app: &App,
    ids: Vec<String>,
) -> AppResult<std::collections::HashMap<String, (String, String)>> {
    Ok(repo::catalog::offers::by_ids(app.db.reader(), ids)
        .await?
        .into_iter()
        .map(|o| (o.id, (o.name_en, o.name_ja)))
        .collect())
}

/// What a trial invitation's page shows before anyone signs in.
#[derive(Debug, Clone)]
pub struct TrialPreview {
    pub link: invitations::Preview,
    pub offer_id: String,
    pub offer_name_en: String,
    pub offer_name_ja: String,
    pub trial_days: i64,
    pub country: String,
    /// A delegated admin offer comes with it: what accepting it grants (R-REL-7).
    pub delegated_admin: bool,
}

fn payload(link: &invitation::Model) -> serde_json::Value {
    serde_json::from_str(&link.payload).unwrap_or_default()
}

/// The trial invitation behind `token`. A link of another kind, or an `advisor` code that is
/// not its creator's partner ID, is not found: only the token says which link it is.
async fn find_trial(
    c: &impl ConnectionTrait,
    token: &str,
    advisor_code: Option<&str>,
) -> AppResult<(invitation::Model, organization::Model)> {
    let link = invitations::find(c, token).await?;
    if invitations::kind_of(&link)? != InvitationKind::TrialInvitation {
        return Err(AppError::NotFound("invitation"));
    }
    let creator = repo::orgs::get(c, &link.org_id)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    if let Some(code) = advisor_code.map(str::trim).filter(|c| !c.is_empty())
        && creator.partner_id.as_deref() != Some(code)
    {
        return Err(AppError::NotFound("invitation"));
    }
    Ok((link, creator))
}

pub async fn preview(
    app: &App,
    token: &str,
    advisor_code: Option<&str>,
) -> AppResult<TrialPreview> {
    let c = app.db.reader();
    let (m, _) = find_trial(c, token, advisor_code).await?;
    let link = invitations::preview(app, token).await?;
    let p = payload(&m);
    let offer_id = p["offer_id"].as_str().unwrap_or_default().to_string();
    let o = repo::catalog::offers::get(c, &offer_id).await?;
    Ok(TrialPreview {
        link,
        offer_name_en: o.as_ref().map(|o| o.name_en.clone()).unwrap_or_default(),
        offer_name_ja: o.as_ref().map(|o| o.name_ja.clone()).unwrap_or_default(),
        trial_days: o.and_then(|o| o.trial_days).unwrap_or_default(),
        offer_id,
        country: p["country"].as_str().unwrap_or_default().to_string(),
        delegated_admin: p["dap"].as_bool() == Some(true),
    })
}

/// A trial started through a link.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Started {
    pub subscription: SubscriptionView,
    /// Whether the advisor now holds delegated admin over the customer.
    pub delegated_admin: bool,
}

/// The customer's global or billing admin starts the trial of the link behind `token`,
/// accepting the delegated admin offer that comes with it or not. One transaction: the use
/// (once per customer), the order and the trial subscription (seller: the operator; partner of
/// record: the advisor) and, if accepted, the relationship and the delegated admin right.
/// With an `idem` key, a retried request answers the first answer again (R-ORD-7).
pub async fn start(
    app: &App,
    ctx: &Ctx,
    token: &str,
    advisor_code: Option<&str>,
    delegated_admin: bool,
    idem: Option<&str>,
) -> AppResult<Outcome<Started>> {
    let me = ctx.user()?;
    let key = match idem {
        Some(k) => Some(Key::new(
            &format!("trial_start:{}", me.user.id),
            k,
            &json!({ "link": sha256_hex(token.trim()), "dap": delegated_admin }),
        )?),
        None => None,
    };
    if let Some(o) = idempotency::replayed(app.db.reader(), key.as_ref()).await? {
        return Ok(o);
    }
    let result = start_once(
        app,
        ctx,
        me,
        token,
        advisor_code,
        delegated_admin,
        key.as_ref(),
    )
    .await;
    idempotency::settle(app.db.reader(), key.as_ref(), result).await
}

async fn start_once(
    app: &App,
    ctx: &Ctx,
    me: &CurrentUser,
    token: &str,
    advisor_code: Option<&str>,
    delegated_admin: bool,
    key: Option<&Key>,
) -> AppResult<Started> {
    let tx = app.db.begin().await?;
    let (link, advisor) = find_trial(&tx, token, advisor_code).await?;
    if me.actor.org_kind != OrgKind::Customer {
        return Err(AppError::Forbidden {
            code: "not_a_customer",
            message: "a customer's global or billing admin starts a trial".into(),
            required_roles: vec![],
        });
    }
    me.require(Action::AcceptAdvisorOffers, "trial")?;
    let now = app.now();
    if let Some(e) = invitations::refusal(invitations::status_of(&link, now)?) {
        return Err(e);
    }
    // The advisor's standing is read again now: a revocation committed meanwhile wins.
    if !is_advisor(&advisor) {
        return Err(AppError::Conflict {
            code: "invitation_revoked",
            message: "this invitation link was withdrawn by its sender".into(),
        });
    }
    let p = payload(&link);
    let offered_dap = p["dap"].as_bool() == Some(true);
    if delegated_admin && !offered_dap {
        return Err(AppError::validation(
            "delegated_admin",
            "no_delegated_admin_offer",
            "this invitation comes without a delegated admin offer",
        ));
    }
    if delegated_admin {
        advisor::may_offer_delegated_admin(&advisor.authorizations).map_err(tool_refused)?;
    }
    let (o, facts) = offer_with_countries(&tx, p["offer_id"].as_str().unwrap_or_default()).await?;
    let held = match &facts.prerequisite_offer_id {
        Some(pre) => repo::subscriptions::held_offers(&tx, &me.org.id, vec![pre.clone()]).await?,
        None => Vec::new(),
    };
    let held: Vec<&str> = held.iter().map(String::as_str).collect();
    check_trial(&facts, &me.org.country, &held)?;
    let operator = repo::orgs::find_operator(&tx)
        .await?
        .ok_or(AppError::Internal("no operator organization".into()))?;
    invitations::take(&tx, app, &link, me).await?;
    let order_id = Uuid::now_v7().to_string();
    repo::subscriptions::insert_order(
        &tx,
        order::Model {
            id: order_id.clone(),
            customer_org_id: me.org.id.clone(),
            placed_by_org_id: me.org.id.clone(),
            placed_by_user_id: Some(me.user.id.clone()),
            created_at: now,
        },
    )
    .await?;
    let (starts, ends) = first_term(&o, true, now);
    let s = subscription::Model {
        id: Uuid::now_v7().to_string(),
        customer_org_id: me.org.id.clone(),
        offer_id: o.id.clone(),
        order_id,
        seller_org_id: operator.id.clone(),
        reseller_org_id: None,
        support_contact_org_id: None,
        partner_of_record_org_id: Some(advisor.id.clone()),
        quantity: o.min_quantity.max(1),
        state: "active".into(),
        suspension_reasons: String::new(),
        auto_renew: false,
        trial: true,
        term_started_at: starts,
        term_ends_at: ends,
        ended_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    repo::insert(&tx, s.clone()).await?;
    record(
        &tx,
        app,
        ctx,
        &s,
        "created",
        json!({ "quantity": s.quantity, "trial": true, "via": "trial_invitation", "invitation": link.id }),
    )
    .await?;
    let mut dap = false;
    if delegated_admin {
        let kind = InvitationKind::TrialInvitation.code();
        if repo::relationships::active_between(&tx, &advisor.id, &me.org.id)
            .await?
            .is_none()
        {
            relationships::insert_relationship(
                &tx,
                app,
                ctx,
                &advisor.id,
                &me.org.id,
                &link.id,
                kind,
            )
            .await?;
        }
        if !relationships::has_dap(&tx, &me.org.id, &advisor.id).await? {
            relationships::insert_dap(&tx, app, ctx, me, &advisor.id, &link.id, kind).await?;
        }
        dap = true;
    }
    repo::invitations::insert_use(
        &tx,
        invitation_use::Model {
            id: Uuid::now_v7().to_string(),
            invitation_id: link.id.clone(),
            customer_org_id: me.org.id.clone(),
            user_id: me.user.id.clone(),
            subscription_ids: s.id.clone(),
            delegated_admin: dap,
            used_at: now,
        },
    )
    .await
    .map_err(|e| match e {
        keiro_store::StoreError::Duplicate(_) => AppError::Conflict {
            code: "trial_already_started",
            message: "your organization has already started this trial".into(),
        },
        other => other.into(),
    })?;
    let started = Started {
        subscription: view(&tx, s).await?,
        delegated_admin: dap,
    };
    if let Some(k) = key {
        idempotency::store(
            &tx,
            k,
            201,
            &serde_json::to_value(&started).unwrap_or_default(),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(started)
}

/// Keeps an advisor's link open `days` from now (1 to 365), even if it had expired; a revoked
/// link stays revoked. Audited.
pub async fn extend(
    app: &App,
    ctx: &Ctx,
    id: &str,
    days: Option<i64>,
) -> AppResult<invitations::LinkView> {
    let me = ctx.user()?;
    require_tools(me)?;
    let days = advisor::link_days(days)?;
    let tx = app.db.begin().await?;
    let link = repo::invitations::get_in_org(&tx, &me.org.id, id)
        .await?
        .filter(|l| ADVISOR_KINDS.iter().any(|k| k.code() == l.kind))
        .ok_or(AppError::NotFound("invitation"))?;
    let now = app.now();
    let until = now + time::Duration::days(days);
    if !repo::invitations::set_expiry(&tx, &me.org.id, id, until).await? {
        return Err(AppError::Conflict {
            code: "invitation_not_open",
            message: "only an open invitation link can be extended".into(),
        });
    }
    crate::audit::record(
        &tx,
        ctx,
        now,
        crate::audit::Event::new("invitation.extended", "invitation", id)
            .in_org(&me.org.id)
            .details(json!({
                "kind": link.kind,
                "from": crate::audit::moment(link.expires_at),
                "to": crate::audit::moment(until),
            })),
    )
    .await?;
    let fresh = repo::invitations::get_in_org(&tx, &me.org.id, id)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    tx.commit().await?;
    invitations::view(&fresh, now)
}

/// The link kinds an advisor's revocation withdraws at once.
pub const ADVISOR_KINDS: [InvitationKind; 1] = [InvitationKind::TrialInvitation];

/// Withdraws every open advisor link of `org`, in the caller's transaction (its advisor status
/// was revoked): how many.
pub(crate) async fn revoke_all(
    c: &impl ConnectionTrait,
    org: &str,
    by: &str,
    now: OffsetDateTime,
) -> AppResult<u64> {
    let kinds: Vec<&str> = ADVISOR_KINDS.iter().map(|k| k.code()).collect();
    Ok(repo::invitations::revoke_all_open(c, org, &kinds, by, now).await?)
}
