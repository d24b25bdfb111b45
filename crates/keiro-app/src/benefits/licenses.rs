//! License-based cloud subscriptions (ライセンスベースのサブスクリプション, R-BEN-5): buying a
//! package makes each license benefit one product key of the allocation's seats, which only the
//! partner itself redeems, into its own organization. Redeeming asks whether to add the seats to
//! the partner's subscription of the product (its end date stays, so they run less than 12
//! months) or to move its end date 12 months later, shows the resulting seats and end date, and
//! applies it: one guarded redemption and one throttle, the product keys' own.

use super::conflict;
use super::software::key_refused;
use crate::advisor_sales::{Sale, sell};
use crate::audit::{self, Event};
use crate::idempotency::{self, Key, Outcome};
use crate::product_keys::{key_of, lookup, refused, take, throttle};
use crate::secrets::sha256_hex;
use crate::subscriptions::{SubscriptionView, record, view};
use crate::{App, AppResult, Ctx, CurrentUser};
use keiro_domain::Action;
use keiro_domain::benefit::{
    self as rules, AllocationState, KeyRefusal, LicenseMode, LicenseOutcome,
};
use keiro_domain::product_key::{self as pk, KeyState, Refusal};
use keiro_store::entities::{
    benefit_allocation, offer, product_key, product_key_order, subscription,
};
use keiro_store::repo;
use keiro_store::sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

/// Makes the key of a license allocation, in the purchase's transaction: an order of the
/// operator for the benefit's offer, one key of the allocation's seats that only `org` may
/// redeem, until the allocation expires.
pub(crate) async fn make_key(
    c: &impl ConnectionTrait,
    app: &App,
    operator_id: &str,
    offer_id: &str,
    a: &benefit_allocation::Model,
) -> AppResult<()> {
    let order = product_key_order::Model {
        id: Uuid::now_v7().to_string(),
        org_id: operator_id.to_string(),
        offer_id: offer_id.to_string(),
        quantity: 1,
        licenses: a.quantity,
        delegated_admin: false,
        created_by: None,
        created_at: a.created_at,
        expires_at: a.expires_at,
        for_org_id: Some(a.org_id.clone()),
        benefit_allocation_id: Some(a.id.clone()),
    };
    let id = Uuid::now_v7().to_string();
    let k = key_of(app, &id);
    let key = product_key::Model {
        id,
        order_id: order.id.clone(),
        org_id: operator_id.to_string(),
        key_hash: sha256_hex(&k),
        last5: pk::last5(&k).to_string(),
        state: KeyState::Unused.code().into(),
        expires_at: a.expires_at,
        created_at: a.created_at,
        redeemed_at: None,
        redeemed_by_org: None,
        redeemed_by_user: None,
        subscription_id: None,
        revoked_at: None,
        revoked_by: None,
    };
    repo::product_keys::insert_order(c, order, vec![key]).await?;
    Ok(())
}

/// What redeeming a license key will do, shown before it is confirmed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LicensePreview {
    pub allocation_id: String,
    pub offer_id: String,
    pub offer_name_ja: String,
    pub offer_name_en: String,
    /// Seats the key holds.
    pub key_seats: i64,
    pub mode: String,
    /// The partner's subscription of the product the key goes into, if it has one.
    pub subscription_id: Option<String>,
    pub current_seats: Option<i64>,
    pub current_ends_at: Option<OffsetDateTime>,
    pub seats: i64,
    pub ends_at: OffsetDateTime,
    pub new_subscription: bool,
    /// Seats added without extending: they run less than 12 months.
    pub under_a_year: bool,
    pub last5: String,
}

/// The key, its allocation and offer, the partner's subscription of the product, and the
/// outcome, checked for `me` at `now`.
struct Found {
    key: product_key::Model,
    order: product_key_order::Model,
    allocation: benefit_allocation::Model,
    offer: offer::Model,
    existing: Option<subscription::Model>,
    outcome: LicenseOutcome,
}

/// Who redeems: a global admin or membership admin of the partner (R-BEN-1).
fn redeemer(ctx: &Ctx) -> AppResult<&CurrentUser> {
    let me = super::partner_user(ctx)?;
    me.require(Action::ActivateBenefits, "license benefit")?;
    Ok(me)
}

async fn find(
    c: &impl ConnectionTrait,
    me: &CurrentUser,
    typed: &str,
    mode: LicenseMode,
    now: OffsetDateTime,
) -> AppResult<Found> {
    let (key, order) = lookup(c, typed, now).await?;
    let Some(for_org) = order.for_org_id.as_deref() else {
        return Err(refused(Refusal::NotABenefitKey));
    };
    if for_org != me.org.id {
        // Another partner's benefit: for its internal use only (R-BEN-5).
        return Err(refused(Refusal::InternalUse));
    }
    let allocation = match order.benefit_allocation_id.as_deref() {
        Some(a) => repo::benefits::allocation_in_org(c, &me.org.id, a).await?,
        None => None,
    }
    .ok_or_else(|| refused(Refusal::Unknown))?;
    let state = AllocationState::at(
        allocation.state == "cancelled",
        allocation.starts_at,
        allocation.expires_at,
        now,
    );
    if state != AllocationState::Active {
        return Err(key_refused(KeyRefusal::NotActive));
    }
    let offer = repo::catalog::offers::by_ids(c, vec![order.offer_id.clone()])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| refused(Refusal::OfferRetired))?;
    let existing = repo::subscriptions::active_of(c, &me.org.id, &offer.id).await?;
    let outcome = rules::license_outcome(
        existing.as_ref().map(|s| (s.quantity, s.term_ends_at)),
        order.licenses,
        mode,
        now,
    );
    Ok(Found {
        key,
        order,
        allocation,
        offer,
        existing,
        outcome,
    })
}

fn preview(f: &Found, mode: LicenseMode) -> LicensePreview {
    LicensePreview {
        allocation_id: f.allocation.id.clone(),
        offer_id: f.offer.id.clone(),
        offer_name_ja: f.offer.name_ja.clone(),
        offer_name_en: f.offer.name_en.clone(),
        key_seats: f.order.licenses,
        mode: mode.code().into(),
        subscription_id: f.existing.as_ref().map(|s| s.id.clone()),
        current_seats: f.existing.as_ref().map(|s| s.quantity),
        current_ends_at: f.existing.as_ref().map(|s| s.term_ends_at),
        seats: f.outcome.seats,
        ends_at: f.outcome.ends_at,
        new_subscription: f.outcome.new_subscription,
        under_a_year: f.outcome.under_a_year,
        last5: f.key.last5.clone(),
    }
}

/// What redeeming `typed` with `mode` would do, or why it cannot (throttled).
pub async fn check_license(
    app: &App,
    ctx: &Ctx,
    typed: &str,
    mode: &str,
) -> AppResult<LicensePreview> {
    let me = redeemer(ctx)?;
    let mode = LicenseMode::parse(mode)?;
    throttle(app, ctx, &me.org.id).await?;
    let f = find(app.db.reader(), me, typed, mode, app.now()).await?;
    Ok(preview(&f, mode))
}

/// A license key redeemed: the subscription it went into, and how.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LicenseRedeemed {
    pub subscription: SubscriptionView,
    pub preview: LicensePreview,
}

/// Redeems a license key into the partner's own organization (R-BEN-5): one transaction takes
/// the key (guarded, once), spends the allocation's seats, and adds the seats to the partner's
/// subscription of the product, moves its end 12 months later, or makes a new one (seller: the
/// operator; no partner of record; 12 months; no auto-renewal).
pub async fn redeem_license(
    app: &App,
    ctx: &Ctx,
    typed: &str,
    mode: &str,
    idem: Option<&str>,
) -> AppResult<Outcome<LicenseRedeemed>> {
    let me = redeemer(ctx)?;
    let mode = LicenseMode::parse(mode)?;
    let key = Key::of_user(
        "benefit_license",
        me,
        idem,
        &json!({ "key": sha256_hex(typed.trim()), "mode": mode.code() }),
    )?;
    idempotency::once(app, key, async |key| {
        throttle(app, ctx, &me.org.id).await?;
        let now = app.now();
        let tx = app.db.begin().await?;
        let f = find(&tx, me, typed, mode, now).await?;
        take(&tx, &f.key, &me.org.id, &me.user.id, now).await?;
        if !repo::benefits::use_units(&tx, &f.allocation.id, f.order.licenses, now).await? {
            return Err(key_refused(KeyRefusal::NotActive));
        }
        let sub = match &f.existing {
            None => {
                let sale = Sale {
                    customer_org_id: &me.org.id,
                    placed_by: me,
                    advisor_org_id: None,
                    term_months: Some(rules::PACKAGE_MONTHS),
                    via: "benefit_license",
                    source_id: &f.key.id,
                    trial: false,
                    auto_renew: false,
                };
                let (_, mut subs) =
                    sell(&tx, app, ctx, &sale, &[(f.offer.clone(), f.order.licenses)]).await?;
                subs.remove(0)
            }
            Some(old) => {
                let mut m = old.clone();
                m.quantity = f.outcome.seats;
                m.term_ends_at = f.outcome.ends_at;
                m.updated_at = now;
                if !repo::subscriptions::save(&tx, &m, old.version).await? {
                    return Err(conflict(
                        "subscription_changed",
                        "the subscription changed while the key was redeemed; try again",
                    ));
                }
                m.version = old.version + 1;
                let (change, details) = match mode {
                    LicenseMode::AddSeats => (
                        "quantity_changed",
                        json!({ "from": old.quantity, "to": m.quantity, "via": "benefit_license" }),
                    ),
                    LicenseMode::Extend => (
                        "term_extended",
                        json!({ "from": old.term_ends_at, "to": m.term_ends_at, "via": "benefit_license" }),
                    ),
                };
                record(&tx, app, ctx, &m, change, details).await?;
                m
            }
        };
        repo::product_keys::set_subscription(&tx, &f.key.id, &sub.id).await?;
        audit::record(
            &tx,
            ctx,
            now,
            Event::new("benefit_license.redeemed", "benefit_allocation", &f.allocation.id)
                .in_org(&me.org.id)
                .details(json!({ "last5": f.key.last5, "mode": mode.code(),
                    "subscription": sub.id, "seats": f.outcome.seats })),
        )
        .await?;
        let done = LicenseRedeemed {
            preview: preview(&f, mode),
            subscription: view(&tx, sub).await?,
        };
        idempotency::keep(&tx, key, 201, &done, now).await?;
        tx.commit().await?;
        Ok(done)
    })
    .await
}

/// The key of a license allocation, as its list shows it: in full for users who may redeem.
pub(crate) async fn license_keys(
    c: &impl ConnectionTrait,
    app: &App,
    me: &CurrentUser,
    a: &benefit_allocation::Model,
    now: OffsetDateTime,
) -> AppResult<Vec<super::GotKey>> {
    let shown = me.may(Action::ActivateBenefits);
    let rows = repo::product_keys::of_benefit_allocations(c, vec![a.id.clone()]).await?;
    let ids: Vec<String> = rows
        .iter()
        .filter_map(|(_, k)| k.redeemed_by_user.clone())
        .collect();
    let users = repo::users::names(c, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|(_, k)| super::GotKey {
            key: shown.then(|| pk::grouped(&key_of(app, &k.id))),
            got_by: k
                .redeemed_by_user
                .as_ref()
                .and_then(|id| users.iter().find(|u| &u.0 == id))
                .map(|u| u.1.clone()),
            state: KeyState::parse(&k.state)
                .unwrap_or(KeyState::Revoked)
                .shown(k.expires_at, now)
                .into(),
            id: k.id,
            allocation_id: a.id.clone(),
            benefit_id: a.benefit_id.clone(),
            last5: k.last5,
            got_at: k.redeemed_at,
        })
        .collect())
}
