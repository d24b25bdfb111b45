//! Purchase offers (購入プラン, R-ADV-3, ADR 0010): a subscription advisor offers customers
//! chosen offers with a suggested license count each, optionally with a delegated admin offer,
//! through a reusable link that stays open as long as its creator chose (at most a year). A
//! customer's global or billing admin reviews it, may change each count within the offer's
//! bounds or leave lines out, and buys: one transaction writes the order and its subscriptions
//! (seller: the operator; partner of record: the advisor) and, if accepted, the delegated admin
//! grant. A customer buys once through a link; a retried request answers the first answer.

use crate::advisor_sales::{
    Sale, check_standing, find_link, grant_dap, payload, record_use, require_tools, sell,
    tool_refused, why_not_customer_admin,
};
use crate::idempotency::{self, Key, Outcome};
use crate::invitations::{self, Issued, SendTo};
use crate::secrets::sha256_hex;
use crate::subscriptions::{SubscriptionView, views_knowing};
use crate::{App, AppError, AppResult, Ctx, CurrentUser, catalog};
use keiro_domain::Language;
use keiro_domain::advisor::{self, LinesRefusal};
use keiro_domain::catalog::{self as cat, LineRefusal};
use keiro_domain::invitation::InvitationKind;
use keiro_store::entities::{invitation, offer, organization};
use keiro_store::repo;
use keiro_store::sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// One line of a purchase offer: an offer and a license count (suggested by the advisor, or
/// chosen by the customer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferLine {
    pub offer_id: String,
    pub quantity: i64,
}

/// What a new purchase offer offers.
#[derive(Debug, Clone)]
pub struct PurchaseInput {
    pub lines: Vec<OfferLine>,
    /// Where the customers are (ISO 3166-1 alpha-2): every offer must be sold there.
    pub country: String,
    pub delegated_admin: bool,
    /// How long the link stays open (1 to 365 days; 30 by default).
    pub expires_in_days: Option<i64>,
}

fn lines_refused(r: LinesRefusal) -> AppError {
    AppError::validation("lines", r.code(), r.message())
}

fn line_error(n: usize, r: &LineRefusal) -> AppError {
    AppError::validation(
        "lines",
        r.code(),
        format!("line {}: {}", n + 1, r.message()),
    )
}

/// The offers of these lines with their facts, in the lines' order; an unknown one is refused
/// with its line number.
async fn offers_of(
    c: &impl ConnectionTrait,
    lines: &[OfferLine],
) -> AppResult<Vec<(offer::Model, cat::OfferFacts)>> {
    let ids: Vec<String> = lines.iter().map(|l| l.offer_id.clone()).collect();
    let (offers, mut countries) = repo::catalog::offers::by_ids_with_countries(c, ids).await?;
    lines
        .iter()
        .enumerate()
        .map(|(n, l)| {
            let o = offers
                .iter()
                .find(|o| o.id == l.offer_id)
                .cloned()
                .ok_or_else(|| {
                    AppError::validation(
                        "lines",
                        "unknown_offer",
                        format!("line {}: no offer has this id", n + 1),
                    )
                })?;
            let facts = catalog::facts(&o, countries.remove(&o.id).unwrap_or_default());
            Ok((o, facts))
        })
        .collect()
}

fn trimmed(lines: Vec<OfferLine>) -> Vec<OfferLine> {
    lines
        .into_iter()
        .map(|l| OfferLine {
            offer_id: l.offer_id.trim().to_string(),
            quantity: l.quantity,
        })
        .collect()
}

/// Creates a purchase offer link with its draft email (and sends it when asked). Each line is
/// an offer sold in `country` with a count within its bounds; an add-on's prerequisite is in
/// the offer too, or the customer's to hold (checked when a customer buys).
pub async fn create(
    app: &App,
    ctx: &Ctx,
    input: PurchaseInput,
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
    let lines = trimmed(input.lines);
    advisor::check_offer_lines(lines.iter().map(|l| l.offer_id.as_str())).map_err(lines_refused)?;
    let offers = offers_of(app.db.reader(), &lines).await?;
    let in_offer: Vec<&str> = lines.iter().map(|l| l.offer_id.as_str()).collect();
    for (n, ((_, facts), l)) in offers.iter().zip(&lines).enumerate() {
        match cat::check_line(facts, l.quantity, false, &country, &in_offer) {
            Ok(()) | Err(LineRefusal::PrerequisiteMissing { .. }) => {}
            Err(r) => return Err(line_error(n, &r)),
        }
    }
    invitations::issue(
        app,
        ctx,
        me,
        InvitationKind::PurchaseOffer,
        json!({ "lines": lines, "country": country, "dap": input.delegated_admin }),
        lang,
        idem,
        send_to,
        Some(days),
    )
    .await
}

/// The lines stored with a purchase offer.
pub fn lines_of(payload: &serde_json::Value) -> Vec<OfferLine> {
    serde_json::from_value(payload["lines"].clone()).unwrap_or_default()
}

/// A line of a purchase offer as its page shows it.
#[derive(Debug, Clone)]
pub struct PreviewLine {
    pub offer_id: String,
    pub name_en: String,
    pub name_ja: String,
    pub suggested: i64,
    pub min_quantity: i64,
    pub max_quantity: i64,
    pub unit_price_minor: i64,
    pub currency: String,
    pub billing_cycle: String,
    pub term_months: i64,
    /// The offer has been retired since the link was made: it can no longer be bought.
    pub retired: bool,
    pub prerequisite_offer_id: Option<String>,
}

/// What a purchase offer's page shows before anyone signs in.
#[derive(Debug, Clone)]
pub struct PurchasePreview {
    pub link: invitations::Preview,
    pub country: String,
    pub delegated_admin: bool,
    pub lines: Vec<PreviewLine>,
}

async fn find_offer(
    c: &impl ConnectionTrait,
    token: &str,
    advisor_code: Option<&str>,
) -> AppResult<(invitation::Model, organization::Model)> {
    find_link(c, InvitationKind::PurchaseOffer, token, advisor_code).await
}

pub async fn preview(
    app: &App,
    token: &str,
    advisor_code: Option<&str>,
) -> AppResult<PurchasePreview> {
    let c = app.db.reader();
    let (m, _) = find_offer(c, token, advisor_code).await?;
    let link = invitations::preview(app, token).await?;
    let p = payload(&m);
    let stored = lines_of(&p);
    let offers =
        repo::catalog::offers::by_ids(c, stored.iter().map(|l| l.offer_id.clone()).collect())
            .await?;
    let lines = stored
        .into_iter()
        .filter_map(|l| {
            let o = offers.iter().find(|o| o.id == l.offer_id)?;
            Some(PreviewLine {
                offer_id: o.id.clone(),
                name_en: o.name_en.clone(),
                name_ja: o.name_ja.clone(),
                suggested: l.quantity,
                min_quantity: o.min_quantity,
                max_quantity: o.max_quantity,
                unit_price_minor: o.unit_price_minor,
                currency: o.currency.clone(),
                billing_cycle: o.billing_cycle.clone(),
                term_months: o.term_months,
                retired: o.state != "available",
                prerequisite_offer_id: o.prerequisite_offer_id.clone(),
            })
        })
        .collect();
    Ok(PurchasePreview {
        link,
        country: p["country"].as_str().unwrap_or_default().to_string(),
        delegated_admin: p["dap"].as_bool() == Some(true),
        lines,
    })
}

/// What a customer bought through a purchase offer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bought {
    pub order_id: String,
    pub subscriptions: Vec<SubscriptionView>,
    /// Whether the advisor now holds delegated admin over the customer.
    pub delegated_admin: bool,
}

/// The customer's global or billing admin buys through the purchase offer behind `token`: the
/// `lines` it chose among the offer's (counts within each offer's bounds), accepting the
/// delegated admin offer or not. Once per customer and link (R-ADV-3); with an `idem` key, a
/// retried request answers the first answer again (R-ORD-7).
pub async fn buy(
    app: &App,
    ctx: &Ctx,
    token: &str,
    advisor_code: Option<&str>,
    lines: Vec<OfferLine>,
    delegated_admin: bool,
    idem: Option<&str>,
) -> AppResult<Outcome<Bought>> {
    let me = ctx.user()?;
    let lines = trimmed(lines);
    let key = match idem {
        Some(k) => Some(Key::new(
            &format!("purchase_offer:{}", me.user.id),
            k,
            &json!({ "link": sha256_hex(token.trim()), "lines": lines, "dap": delegated_admin }),
        )?),
        None => None,
    };
    if let Some(o) = idempotency::replayed(app.db.reader(), key.as_ref()).await? {
        return Ok(o);
    }
    let result = buy_once(
        app,
        ctx,
        me,
        token,
        advisor_code,
        &lines,
        delegated_admin,
        key.as_ref(),
    )
    .await;
    idempotency::settle(app.db.reader(), key.as_ref(), result).await
}

#[allow(clippy::too_many_arguments)]
async fn buy_once(
    app: &App,
    ctx: &Ctx,
    me: &CurrentUser,
    token: &str,
    advisor_code: Option<&str>,
    lines: &[OfferLine],
    delegated_admin: bool,
    key: Option<&Key>,
) -> AppResult<Bought> {
    let tx = app.db.begin().await?;
    let (link, advisor) = find_offer(&tx, token, advisor_code).await?;
    if let Some(e) = why_not_customer_admin(me, "purchase offer") {
        return Err(e);
    }
    let now = app.now();
    if let Some(e) = invitations::refusal(invitations::status_of(&link, now)?) {
        return Err(e);
    }
    let p = payload(&link);
    check_standing(&advisor, p["dap"].as_bool() == Some(true), delegated_admin)?;
    let offered = lines_of(&p);
    let offered: Vec<&str> = offered.iter().map(|l| l.offer_id.as_str()).collect();
    advisor::check_chosen_lines(&offered, lines.iter().map(|l| l.offer_id.as_str()))
        .map_err(lines_refused)?;
    let offers = offers_of(&tx, lines).await?;
    // An add-on's prerequisite is held already, or bought in the same order.
    let prerequisites = offers
        .iter()
        .filter_map(|(o, _)| o.prerequisite_offer_id.clone())
        .collect();
    let mut held = repo::subscriptions::held_offers(&tx, &me.org.id, prerequisites).await?;
    held.extend(lines.iter().map(|l| l.offer_id.clone()));
    let held: Vec<&str> = held.iter().map(String::as_str).collect();
    for (n, ((_, facts), l)) in offers.iter().zip(lines).enumerate() {
        cat::check_line(facts, l.quantity, false, &me.org.country, &held)
            .map_err(|r| line_error(n, &r))?;
    }
    invitations::take(&tx, app, &link, me).await?;
    let sale = Sale {
        customer_org_id: &me.org.id,
        placed_by: me,
        advisor_org_id: Some(&advisor.id),
        term_months: None,
        via: InvitationKind::PurchaseOffer.code(),
        source_id: &link.id,
        trial: false,
        auto_renew: true,
    };
    let bought: Vec<(offer::Model, i64)> = offers
        .iter()
        .zip(lines)
        .map(|((o, _), l)| (o.clone(), l.quantity))
        .collect();
    let (order_id, subs) = sell(&tx, app, ctx, &sale, &bought).await?;
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
            "offer_already_bought",
            "your organization has already bought through this purchase offer",
        ),
    )
    .await?;
    let done = Bought {
        order_id,
        subscriptions: views_knowing(
            &tx,
            subs,
            bought.into_iter().map(|(o, _)| o).collect(),
            vec![me.org.clone(), advisor],
        )
        .await?,
        delegated_admin,
    };
    if let Some(k) = key {
        idempotency::store(
            &tx,
            k,
            201,
            &serde_json::to_value(&done).unwrap_or_default(),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(done)
}

/// Keeps a purchase offer open `days` from now (see [`crate::advisor_sales::extend`]).
pub async fn extend(
    app: &App,
    ctx: &Ctx,
    id: &str,
    days: Option<i64>,
) -> AppResult<invitations::LinkView> {
    crate::advisor_sales::extend(app, ctx, InvitationKind::PurchaseOffer, id, days).await
}
