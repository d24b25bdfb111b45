//! Subscriptions (R-ORD-4…7): who sees them, who changes them, the changes (quantity,
//! auto-renew, suspension with reasons, cancellation, trial conversion, reseller attribution,
//! support contact) and the scheduler that ends terms and trials.
//!
//! Who sees what: a customer's global and billing admins see all of its subscriptions; a partner
//! sees those it sold, those attributed to it as reseller, those it is the support contact
//! for and those it is partner of record of; nobody else sees anything (404). Who changes: the seller or the attributed reseller,
//! and only while it has an active reseller relationship with the customer (R-REL-1).
//!
//! Every change is a guarded write on the subscription's version (`If-Match`), with a history
//! entry, an audit row and an outbox event in the same transaction, and accepts an
//! `Idempotency-Key` (R-ORD-7).

use crate::audit::{self, Event};
use crate::idempotency::{self, Key, Outcome};
use crate::{App, AppError, AppResult, Ctx, CurrentUser, outbox};
use keiro_domain::catalog as cat;
use keiro_domain::subscription::{self as sub, Change, Scheduled, State, SuspensionReason};
use keiro_domain::{Action, OrgKind, ProgramRole};
use keiro_store::entities::{offer, organization, subscription, subscription_event};
use keiro_store::repo::subscriptions::{self as store, Visible};
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// A party to a subscription, named.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Party {
    pub org_id: String,
    pub legal_name: String,
    pub partner_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubscriptionView {
    pub id: String,
    pub customer: Party,
    pub offer_id: String,
    pub sku: String,
    pub offer_name_en: String,
    pub offer_name_ja: String,
    pub billing_cycle: String,
    pub unit_price_minor: i64,
    pub currency: String,
    pub min_quantity: i64,
    pub max_quantity: i64,
    pub order_id: String,
    /// Who placed the order.
    pub seller: Party,
    /// The reseller it is attributed to (R-ORD-4).
    pub reseller: Option<Party>,
    /// Who handles its support requests (R-ORD-5).
    pub support_contact: Option<Party>,
    /// The subscription advisor named on it (R-ADV-5, ADR 0010).
    pub partner_of_record: Option<Party>,
    pub quantity: i64,
    pub state: String,
    pub suspension_reasons: Vec<String>,
    pub auto_renew: bool,
    pub trial: bool,
    pub term_started_at: OffsetDateTime,
    pub term_ends_at: OffsetDateTime,
    pub ended_at: Option<OffsetDateTime>,
    pub version: i64,
    pub created_at: OffsetDateTime,
}

impl SubscriptionView {
    pub fn offer_name(&self, lang: keiro_domain::Language) -> &str {
        match lang {
            keiro_domain::Language::Ja => &self.offer_name_ja,
            keiro_domain::Language::En => &self.offer_name_en,
        }
    }
}

fn party(orgs: &HashMap<String, organization::Model>, id: &str) -> Party {
    let o = orgs.get(id);
    Party {
        org_id: id.to_string(),
        legal_name: o.map(|o| o.legal_name.clone()).unwrap_or_default(),
        partner_id: o.and_then(|o| o.partner_id.clone()),
    }
}

/// Subscriptions with their offers and parties, in three queries whatever their number.
pub async fn views(
    c: &impl ConnectionTrait,
    rows: Vec<subscription::Model>,
) -> AppResult<Vec<SubscriptionView>> {
    views_knowing(c, rows, Vec::new(), Vec::new()).await
}

/// `views`, when the caller already holds some of the offers and organizations (an order just
/// placed holds them all): only the missing ones are read.
pub async fn views_knowing(
    c: &impl ConnectionTrait,
    rows: Vec<subscription::Model>,
    known_offers: Vec<offer::Model>,
    known_orgs: Vec<organization::Model>,
) -> AppResult<Vec<SubscriptionView>> {
    let mut offers: HashMap<String, offer::Model> = known_offers
        .into_iter()
        .map(|o| (o.id.clone(), o))
        .collect();
    let mut offer_ids: Vec<String> = rows
        .iter()
        .map(|s| s.offer_id.clone())
        .filter(|id| !offers.contains_key(id))
        .collect();
    offer_ids.sort();
    offer_ids.dedup();
    if !offer_ids.is_empty() {
        for o in repo::catalog::offers::by_ids(c, offer_ids).await? {
            offers.insert(o.id.clone(), o);
        }
    }
    let mut orgs: HashMap<String, organization::Model> =
        known_orgs.into_iter().map(|o| (o.id.clone(), o)).collect();
    let mut org_ids: Vec<String> = rows
        .iter()
        .flat_map(|s| {
            [
                Some(s.customer_org_id.clone()),
                Some(s.seller_org_id.clone()),
                s.reseller_org_id.clone(),
                s.support_contact_org_id.clone(),
                s.partner_of_record_org_id.clone(),
            ]
        })
        .flatten()
        .filter(|id| !orgs.contains_key(id))
        .collect();
    org_ids.sort();
    org_ids.dedup();
    if !org_ids.is_empty() {
        for o in repo::orgs::by_ids(c, org_ids).await? {
            orgs.insert(o.id.clone(), o);
        }
    }
    Ok(rows
        .into_iter()
        .map(|s| {
            let o = offers.get(&s.offer_id);
            SubscriptionView {
                customer: party(&orgs, &s.customer_org_id),
                seller: party(&orgs, &s.seller_org_id),
                reseller: s.reseller_org_id.as_deref().map(|r| party(&orgs, r)),
                support_contact: s.support_contact_org_id.as_deref().map(|r| party(&orgs, r)),
                partner_of_record: s
                    .partner_of_record_org_id
                    .as_deref()
                    .map(|r| party(&orgs, r)),
                sku: o.map(|o| o.sku.clone()).unwrap_or_default(),
                offer_name_en: o.map(|o| o.name_en.clone()).unwrap_or_default(),
                offer_name_ja: o.map(|o| o.name_ja.clone()).unwrap_or_default(),
                billing_cycle: o.map(|o| o.billing_cycle.clone()).unwrap_or_default(),
                unit_price_minor: o.map(|o| o.unit_price_minor).unwrap_or_default(),
                currency: o.map(|o| o.currency.clone()).unwrap_or_default(),
                min_quantity: o.map(|o| o.min_quantity).unwrap_or_default(),
                max_quantity: o.map(|o| o.max_quantity).unwrap_or_default(),
                id: s.id,
                offer_id: s.offer_id,
                order_id: s.order_id,
                quantity: s.quantity,
                state: s.state,
                suspension_reasons: SuspensionReason::parse_set(&s.suspension_reasons)
                    .into_iter()
                    .map(|r| r.code().to_string())
                    .collect(),
                auto_renew: s.auto_renew,
                trial: s.trial,
                term_started_at: s.term_started_at,
                term_ends_at: s.term_ends_at,
                ended_at: s.ended_at,
                version: s.version,
                created_at: s.created_at,
            }
        })
        .collect())
}

pub async fn view(c: &impl ConnectionTrait, m: subscription::Model) -> AppResult<SubscriptionView> {
    views(c, vec![m])
        .await?
        .pop()
        .ok_or(AppError::Internal("subscription view".into()))
}

/// Does the partner organization take part in this subscription? The same rule as
/// `repo::subscriptions::involves`, which lists by it in SQL: change both together.
fn involves(org: &str, s: &subscription::Model) -> bool {
    // A partner also holds subscriptions of its own (a license benefit's, R-BEN-5).
    s.customer_org_id == org
        || s.seller_org_id == org
        || s.reseller_org_id.as_deref() == Some(org)
        || s.support_contact_org_id.as_deref() == Some(org)
        || s.partner_of_record_org_id.as_deref() == Some(org)
}

/// May `me` see this subscription? (Otherwise it does not exist for them.)
fn visible(me: &CurrentUser, s: &subscription::Model) -> bool {
    me.may(Action::ViewSubscriptions)
        && match me.actor.org_kind {
            OrgKind::Customer => s.customer_org_id == me.org.id,
            OrgKind::Partner => involves(&me.org.id, s),
            OrgKind::Operator => false,
        }
}

/// Refuses unless `me` may change the subscription: 404 if it is not theirs to see; 403 for a
/// support contact or without the roles; 403 `no_reseller_relationship` once the partner's
/// relationship with the customer has ended (R-REL-1).
async fn require_manager(
    c: &impl ConnectionTrait,
    me: &CurrentUser,
    s: &subscription::Model,
) -> AppResult<()> {
    if !visible(me, s) {
        return Err(AppError::NotFound("subscription"));
    }
    // A customer sees its subscriptions; its partner changes them (issue 14: say so, rather
    // than name roles no customer user can hold).
    if me.actor.org_kind == OrgKind::Customer {
        return Err(AppError::Forbidden {
            code: "managed_by_partner",
            message: "your partner manages this subscription: ask them to change it".into(),
            required_roles: vec![],
        });
    }
    me.require(Action::ManageSubscriptions, "subscription")?;
    let mine = s.seller_org_id == me.org.id || s.reseller_org_id.as_deref() == Some(&me.org.id);
    let supports = s.support_contact_org_id.as_deref() == Some(&me.org.id);
    if !mine && !supports {
        return Err(AppError::Forbidden {
            code: "partner_of_record_only",
            message: "the partner of record is told of changes to this subscription but does not change it".into(),
            required_roles: vec![],
        });
    }
    if !mine {
        return Err(AppError::Forbidden {
            code: "support_contact_only",
            message: "a support contact sees this subscription but only its seller or reseller changes it".into(),
            required_roles: vec![],
        });
    }
    no_relationship_refusal(c, &me.org.id, &s.customer_org_id).await
}

/// R-REL-1: a partner transacts only with customers it has an active reseller relationship with.
pub(crate) async fn no_relationship_refusal(
    c: &impl ConnectionTrait,
    partner: &str,
    customer: &str,
) -> AppResult<()> {
    if repo::relationships::active_between(c, partner, customer)
        .await?
        .is_none()
    {
        return Err(AppError::Forbidden {
            code: "no_reseller_relationship",
            message: "your organization has no reseller relationship with this customer".into(),
            required_roles: vec![],
        });
    }
    Ok(())
}

/// The subscriptions `me` may see: a customer its own (`customer` must then be its own id or
/// absent), a partner those it takes part in, optionally of one customer.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    customer: Option<&str>,
    state: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<SubscriptionView>> {
    let me = ctx.user()?;
    me.require(Action::ViewSubscriptions, "subscriptions")?;
    if let Some(s) = state {
        State::parse(s)?;
    }
    let c = app.db.reader();
    let vis = match me.actor.org_kind {
        OrgKind::Customer => {
            if customer.is_some_and(|cu| cu != me.org.id) {
                return Err(AppError::NotFound("customer"));
            }
            Visible::Customer(&me.org.id)
        }
        _ => Visible::Partner {
            org: &me.org.id,
            customer,
        },
    };
    // A customer the partner knows: related now, or named by one of its subscriptions.
    // Any other id, existing or not, is 404 (never an empty list that confirms it exists).
    if let Visible::Partner {
        org,
        customer: Some(cu),
    } = &vis
        && repo::relationships::active_between(c, org, cu)
            .await?
            .is_none()
        && store::list(c, &vis, None, None, 1).await?.items.is_empty()
    {
        return Err(AppError::NotFound("customer"));
    }
    let page = store::list(c, &vis, state, cursor, limit).await?;
    Ok(Page {
        items: views(c, page.items).await?,
        next_cursor: page.next_cursor,
    })
}

pub async fn get(app: &App, ctx: &Ctx, id: &str) -> AppResult<SubscriptionView> {
    let me = ctx.user()?;
    let c = app.db.reader();
    let s = store::get(c, id)
        .await?
        .filter(|s| visible(me, s))
        .ok_or(AppError::NotFound("subscription"))?;
    view(c, s).await
}

/// Why `me` may not change this subscription, if they may not (for greying the page's forms
/// with the reason): the same check every change makes.
pub async fn why_not_change(app: &App, ctx: &Ctx, id: &str) -> AppResult<Option<AppError>> {
    let me = ctx.user()?;
    let c = app.db.reader();
    let s = store::get(c, id)
        .await?
        .ok_or(AppError::NotFound("subscription"))?;
    match require_manager(c, me, &s).await {
        Ok(()) => Ok(None),
        Err(e @ (AppError::Forbidden { .. } | AppError::NotFound(_))) => Ok(Some(e)),
        Err(e) => Err(e),
    }
}

/// One entry of a subscription's history.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub occurred_at: OffsetDateTime,
    pub change: String,
    pub actor_org_id: Option<String>,
    pub actor_user_id: Option<String>,
    pub details: Value,
}

pub async fn history(
    app: &App,
    ctx: &Ctx,
    id: &str,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<HistoryEntry>> {
    let me = ctx.user()?;
    let c = app.db.reader();
    store::get(c, id)
        .await?
        .filter(|s| visible(me, s))
        .ok_or(AppError::NotFound("subscription"))?;
    let p = store::history(c, id, cursor, limit).await?;
    Ok(Page {
        items: p
            .items
            .into_iter()
            .map(|h| HistoryEntry {
                occurred_at: h.occurred_at,
                change: h.change,
                actor_org_id: h.actor_org_id,
                actor_user_id: h.actor_user_id,
                details: serde_json::from_str(&h.details).unwrap_or(Value::Null),
            })
            .collect(),
        next_cursor: p.next_cursor,
    })
}

/// Records a change: a history entry, an audit row and an event for every party, in the
/// caller's transaction. `who` is None for the scheduler.
pub(crate) async fn record(
    c: &impl ConnectionTrait,
    app: &App,
    ctx: &Ctx,
    s: &subscription::Model,
    change: &str,
    details: Value,
) -> AppResult<()> {
    let mut audit_rows = Vec::with_capacity(1);
    record_deferring_audit(c, app, ctx, s, change, details, &mut audit_rows).await?;
    audit::record_all(c, audit_rows).await
}

/// [`record`], but the audit row goes into `audit_rows` for the caller to write with others in
/// one statement (an order: its subscriptions' rows and its own).
pub(crate) async fn record_deferring_audit(
    c: &impl ConnectionTrait,
    app: &App,
    ctx: &Ctx,
    s: &subscription::Model,
    change: &str,
    details: Value,
    audit_rows: &mut Vec<keiro_store::entities::audit_record::Model>,
) -> AppResult<()> {
    let now = app.now();
    let who = ctx.user.as_ref();
    store::insert_event(
        c,
        subscription_event::Model {
            id: Uuid::now_v7().to_string(),
            subscription_id: s.id.clone(),
            occurred_at: now,
            actor_org_id: who.map(|u| u.org.id.clone()),
            actor_user_id: who.map(|u| u.user.id.clone()),
            change: change.to_string(),
            details: details.to_string(),
        },
    )
    .await?;
    let name = format!("subscription.{change}");
    audit_rows.push(audit::row(
        ctx,
        now,
        Event::new(&name, "subscription", &s.id)
            .in_org(&s.customer_org_id)
            .details(details.clone()),
    ));
    let mut parties: Vec<&str> = vec![&s.customer_org_id, &s.seller_org_id];
    for p in [
        &s.reseller_org_id,
        &s.support_contact_org_id,
        &s.partner_of_record_org_id,
    ]
    .into_iter()
    .flatten()
    {
        if !parties.contains(&p.as_str()) {
            parties.push(p);
        }
    }
    crate::partner_of_record::notify(c, app, s, change).await?;
    outbox::enqueue_event(
        c,
        app,
        &parties,
        &name,
        json!({ "subscription": s.id, "customer": s.customer_org_id, "change": change, "details": details }),
    )
    .await
}

/// A change somebody asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "op")]
pub enum Request {
    Quantity {
        quantity: i64,
    },
    AutoRenew {
        auto_renew: bool,
    },
    Suspend {
        reason: String,
    },
    Resume {
        reason: String,
    },
    Cancel,
    ConvertTrial,
    /// The reseller it is attributed to, by partner ID, or none (R-ORD-4).
    Reseller {
        partner_id: Option<String>,
    },
    /// The support contact, by the partner ID of one of the seller's resellers, or none
    /// (the seller itself) (R-ORD-5).
    SupportContact {
        partner_id: Option<String>,
    },
}

fn refused(r: sub::Refusal) -> AppError {
    AppError::Conflict {
        code: r.code(),
        message: r.message().into(),
    }
}

/// The reseller a subscription of `customer` may be attributed to or supported by, by its
/// partner ID (R-ORD-4, R-ORD-5): one of the seller's partnered indirect resellers that has
/// its own reseller relationship with the customer (R-REL-1). The one rule for orders and for
/// later changes, so attribution never exposes a customer to an unrelated reseller.
pub(crate) async fn attributable_reseller(
    c: &impl ConnectionTrait,
    seller: &organization::Model,
    customer_id: &str,
    partner_id: &str,
    field: &'static str,
) -> AppResult<organization::Model> {
    let not = || {
        AppError::validation(
            field,
            "not_a_partnered_reseller",
            "this partner ID is not one of your indirect resellers",
        )
    };
    let is_provider = seller
        .program_roles
        .split(',')
        .any(|r| r == ProgramRole::IndirectProvider.code());
    if !is_provider {
        return Err(not());
    }
    let r = repo::orgs::by_partner_id(c, partner_id.trim())
        .await?
        .ok_or_else(not)?;
    repo::partnerships::active_between(c, &seller.id, &r.id)
        .await?
        .ok_or_else(not)?;
    if repo::relationships::active_between(c, &r.id, customer_id)
        .await?
        .is_none()
    {
        return Err(AppError::validation(
            field,
            "reseller_not_related",
            "this reseller has no reseller relationship with the customer",
        ));
    }
    Ok(r)
}

/// Applies one change to a subscription (If-Match on `if_version`), idempotently by `idem`.
pub async fn change(
    app: &App,
    ctx: &Ctx,
    id: &str,
    req: Request,
    if_version: Option<i64>,
    idem: Option<&str>,
) -> AppResult<Outcome<SubscriptionView>> {
    let me = ctx.user()?;
    let key = match idem {
        Some(k) => Some(Key::new(
            &format!("subscriptions:{}", me.org.id),
            k,
            &json!({ "subscription": id, "change": req, "if": if_version }),
        )?),
        None => None,
    };
    if let Some(o) = idempotency::replayed(app.db.reader(), key.as_ref()).await? {
        return Ok(o);
    }
    let result = async {
        let tx = app.db.begin().await?;
        let old = store::get(&tx, id)
            .await?
            .ok_or(AppError::NotFound("subscription"))?;
        require_manager(&tx, me, &old).await?;
        if if_version.is_some_and(|v| v != old.version) {
            return Err(AppError::PreconditionFailed);
        }
        let state = State::parse(&old.state)?;
        let reasons = SuspensionReason::parse_set(&old.suspension_reasons);
        let now = app.now();
        let mut m = old.clone();
        let (name, details) = match &req {
            Request::Quantity { quantity } => {
                sub::may_change_quantity(state, old.quantity, *quantity).map_err(refused)?;
                let o = repo::catalog::offers::get(&tx, &old.offer_id)
                    .await?
                    .ok_or(AppError::NotFound("offer"))?;
                cat::check_quantity(
                    &crate::catalog::facts(&o, Vec::new()),
                    *quantity,
                )
                .map_err(|r| AppError::validation("quantity", r.code(), r.message()))?;
                m.quantity = *quantity;
                ("quantity_changed", json!({ "from": old.quantity, "to": quantity }))
            }
            Request::AutoRenew { auto_renew } => {
                sub::may_set_auto_renew(state, old.auto_renew, *auto_renew).map_err(refused)?;
                m.auto_renew = *auto_renew;
                ("auto_renew_changed", json!({ "auto_renew": auto_renew }))
            }
            Request::Suspend { reason } | Request::Resume { reason } => {
                let why = SuspensionReason::parse(reason)?;
                let c = if matches!(req, Request::Suspend { .. }) {
                    Change::Suspend(why)
                } else {
                    Change::Resume(why)
                };
                let (s, r) = sub::apply(state, &reasons, c).map_err(refused)?;
                m.state = s.code().into();
                m.suspension_reasons = SuspensionReason::join(&r);
                let name = if matches!(c, Change::Suspend(_)) {
                    "suspended"
                } else if s == State::Active {
                    "reactivated"
                } else {
                    "suspension_lifted"
                };
                (name, json!({ "reason": why.code(), "reasons": r.iter().map(|x| x.code()).collect::<Vec<_>>() }))
            }
            Request::Cancel => {
                let (s, _) = sub::apply(state, &reasons, Change::Cancel).map_err(refused)?;
                m.state = s.code().into();
                m.suspension_reasons = String::new();
                m.auto_renew = false;
                m.ended_at = Some(now);
                ("cancelled", json!({ "from": state.code() }))
            }
            Request::ConvertTrial => {
                sub::may_convert_trial(state, old.trial).map_err(refused)?;
                convert(&tx, &mut m, now).await?;
                ("converted", json!({ "term_ends_at": m.term_ends_at }))
            }
            Request::Reseller { partner_id } | Request::SupportContact { partner_id } => {
                if old.seller_org_id != me.org.id {
                    return Err(seller_only());
                }
                if state.is_final() {
                    return Err(refused(sub::Refusal::Final));
                }
                let to = match partner_id.as_deref().filter(|p| !p.trim().is_empty()) {
                    Some(p) => Some(
                        attributable_reseller(&tx, &me.org, &old.customer_org_id, p, "partner_id")
                            .await?
                            .id,
                    ),
                    None => None,
                };
                let (slot, name) = if matches!(req, Request::Reseller { .. }) {
                    (&mut m.reseller_org_id, "reseller_changed")
                } else {
                    (&mut m.support_contact_org_id, "support_contact_changed")
                };
                if *slot == to {
                    return Err(refused(sub::Refusal::Unchanged));
                }
                let from = std::mem::replace(slot, to.clone());
                (name, json!({ "from": from, "to": to }))
            }
        };
        m.updated_at = now;
        if !store::save(&tx, &m, old.version).await? {
            return Err(AppError::PreconditionFailed);
        }
        m.version = old.version + 1;
        record(&tx, app, ctx, &m, name, details).await?;
        let v = view(&tx, m).await?;
        if let Some(k) = &key {
            idempotency::store(&tx, k, 200, &serde_json::to_value(&v).unwrap_or_default(), now)
                .await?;
        }
        tx.commit().await?;
        Ok(v)
    }
    .await;
    idempotency::settle(app.db.reader(), key.as_ref(), result).await
}

fn seller_only() -> AppError {
    AppError::Forbidden {
        code: "seller_only",
        message:
            "only the partner that sold the subscription names its reseller or support contact"
                .into(),
        required_roles: vec![],
    }
}

/// A trial becomes paid: a full term of its offer starts now (or at the trial's end, for the
/// scheduler), auto-renew stays on.
async fn convert(
    c: &impl ConnectionTrait,
    m: &mut subscription::Model,
    from: OffsetDateTime,
) -> AppResult<()> {
    let o = repo::catalog::offers::get(c, &m.offer_id)
        .await?
        .ok_or(AppError::NotFound("offer"))?;
    m.trial = false;
    m.auto_renew = true;
    m.term_started_at = from;
    m.term_ends_at = sub::add_months(from, o.term_months.clamp(1, 600) as u32);
    Ok(())
}

/// What one scheduler pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub renewed: usize,
    pub converted: usize,
    pub expired: usize,
}

/// Ends terms and trials that are due at the injected clock (R-ORD-6): renews active paid
/// subscriptions with auto-renew, converts trials with auto-renew on, expires the rest. Each
/// change is a guarded write, so several nodes may run this at once and a second pass changes
/// nothing.
pub async fn tick(app: &App) -> AppResult<TickReport> {
    let now = app.now();
    let ctx = Ctx::anonymous(None, "scheduler");
    let mut report = TickReport::default();
    for old in store::due(app.db.reader(), now, 500).await? {
        let Ok(state) = State::parse(&old.state) else {
            continue;
        };
        let step = sub::scheduled(state, old.trial, old.auto_renew, now, old.term_ends_at);
        let tx = app.db.begin().await?;
        let mut m = old.clone();
        let (name, details) = match step {
            Scheduled::Nothing => continue,
            Scheduled::Renew => {
                let o = repo::catalog::offers::get(&tx, &m.offer_id)
                    .await?
                    .ok_or(AppError::NotFound("offer"))?;
                let months = o.term_months.clamp(1, 600) as u32;
                // Catch up on terms missed while no scheduler ran.
                while m.term_ends_at <= now {
                    m.term_started_at = m.term_ends_at;
                    m.term_ends_at = sub::add_months(m.term_ends_at, months);
                }
                ("renewed", json!({ "term_ends_at": m.term_ends_at }))
            }
            Scheduled::ConvertTrial => {
                convert(&tx, &mut m, old.term_ends_at).await?;
                ("converted", json!({ "term_ends_at": m.term_ends_at }))
            }
            Scheduled::Expire => {
                m.state = State::Expired.code().into();
                m.suspension_reasons = String::new();
                m.ended_at = Some(old.term_ends_at);
                (
                    "expired",
                    json!({ "from": state.code(), "trial": old.trial }),
                )
            }
        };
        m.updated_at = now;
        if store::save(&tx, &m, old.version).await? {
            m.version = old.version + 1;
            record(&tx, app, &ctx, &m, name, details).await?;
            match step {
                Scheduled::Renew => report.renewed += 1,
                Scheduled::ConvertTrial => report.converted += 1,
                Scheduled::Expire => report.expired += 1,
                Scheduled::Nothing => {}
            }
        }
        tx.commit().await?;
    }
    Ok(report)
}

/// A new subscription's term: a trial's days, or the offer's months.
pub(crate) fn first_term(
    o: &offer::Model,
    trial: bool,
    now: OffsetDateTime,
) -> (OffsetDateTime, OffsetDateTime) {
    let ends = match (trial, o.trial_days) {
        (true, Some(d)) => now + Duration::days(d),
        _ => sub::add_months(now, o.term_months.clamp(1, 600) as u32),
    };
    (now, ends)
}
