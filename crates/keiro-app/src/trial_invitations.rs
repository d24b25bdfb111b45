//! Trial invitations (R-ADV-2, ADR 0010): a subscription advisor invites customers to a trial
//! of one offer, optionally with a delegated admin offer, through a reusable link that stays
//! open as long as its creator chose (at most a year). A customer's global or billing admin
//! starts the trial: the operator sells it, the advisor is its partner of record, and it
//! follows the trial lifecycle of every subscription. Accepting delegated admin is a separate
//! choice on the same page and grants exactly what R-REL-7's offer grants.

use crate::advisor_sales::{
    Sale, check_standing, find_link, grant_dap, offer_with_countries, payload, record_use,
    require_tools, sell, tool_refused, why_not_customer_admin,
};
use crate::idempotency::{self, Key, Outcome};
use crate::invitations::{self, Issued, SendTo};
use crate::secrets::sha256_hex;
use crate::subscriptions::{SubscriptionView, view};
use crate::{App, AppError, AppResult, Ctx, CurrentUser};
use keiro_domain::Language;
use keiro_domain::advisor;
use keiro_domain::catalog::{self as cat, LineRefusal};
use keiro_domain::invitation::InvitationKind;
use keiro_store::entities::{invitation, offer, organization};
use keiro_store::repo;
use keiro_store::sea_orm::ConnectionTrait;
use serde_json::json;

fn line_refused(field: &'static str, r: LineRefusal) -> AppError {
    AppError::validation(field, r.code(), r.message())
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
    let (_, facts) =
        offer_with_countries(app.db.reader(), "offer_id", input.offer_id.trim()).await?;
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
    Ok(crate::advisor_sales::offerable(app, ctx, country, None)
        .await?
        .into_iter()
        .filter(|o| o.trial_days.is_some_and(|d| d > 0))
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

async fn find_trial(
    c: &impl ConnectionTrait,
    token: &str,
    advisor_code: Option<&str>,
) -> AppResult<(invitation::Model, organization::Model)> {
    find_link(c, InvitationKind::TrialInvitation, token, advisor_code).await
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
    if let Some(e) = why_not_customer_admin(me, "trial") {
        return Err(e);
    }
    let now = app.now();
    if let Some(e) = invitations::refusal(invitations::status_of(&link, now)?) {
        return Err(e);
    }
    let p = payload(&link);
    check_standing(&advisor, p["dap"].as_bool() == Some(true), delegated_admin)?;
    let (o, facts) =
        offer_with_countries(&tx, "offer_id", p["offer_id"].as_str().unwrap_or_default()).await?;
    let held = match &facts.prerequisite_offer_id {
        Some(pre) => repo::subscriptions::held_offers(&tx, &me.org.id, vec![pre.clone()]).await?,
        None => Vec::new(),
    };
    let held: Vec<&str> = held.iter().map(String::as_str).collect();
    check_trial(&facts, &me.org.country, &held)?;
    invitations::take(&tx, app, &link, me).await?;
    let sale = Sale {
        customer_org_id: &me.org.id,
        placed_by: me,
        advisor_org_id: Some(&advisor.id),
        term_months: None,
        via: InvitationKind::TrialInvitation.code(),
        source_id: &link.id,
        trial: true,
        auto_renew: false,
    };
    let quantity = o.min_quantity.max(1);
    let (_, mut subs) = sell(&tx, app, ctx, &sale, &[(o, quantity)]).await?;
    if delegated_admin {
        grant_dap(&tx, app, ctx, me, &advisor.id, &link.id, sale.via).await?;
    }
    record_use(
        &tx,
        &link,
        me,
        &subs,
        delegated_admin,
        now,
        (
            "trial_already_started",
            "your organization has already started this trial",
        ),
    )
    .await?;
    let started = Started {
        subscription: view(&tx, subs.remove(0)).await?,
        delegated_admin,
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

/// Keeps a trial invitation open `days` from now (see [`crate::advisor_sales::extend`]).
pub async fn extend(
    app: &App,
    ctx: &Ctx,
    id: &str,
    days: Option<i64>,
) -> AppResult<invitations::LinkView> {
    crate::advisor_sales::extend(app, ctx, InvitationKind::TrialInvitation, id, days).await
}
