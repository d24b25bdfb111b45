//! Product keys (プロダクト キー, R-ADV-4, ADR 0010). An advisor orders N keys for an offer
//! (each sets up one subscription of `licenses` licenses for the offer's term, optionally with a
//! delegated admin offer); its authorized users see them and export the unused ones as CSV. A
//! customer's global or billing admin (or a partner with delegated admin rights in it) enters a
//! key, sees what it sets up, and confirms: one guarded redemption, so a key works once however
//! many enter it at once. Keys are derived from the deployment's secret key and their ids; only
//! their SHA-256 and last five characters are stored, audit rows show only the last five, and
//! attempts are throttled per customer and per client address.

use crate::advisor_sales::{
    Sale, check_standing, grant_dap, is_advisor, offer_with_countries, require_tools, sell,
    tool_refused,
};
use crate::audit::{self, Event};
use crate::idempotency::{self, Key, Outcome};
use crate::secrets::sha256_hex;
use crate::subscriptions::{SubscriptionView, view};
use crate::{App, AppError, AppResult, Ctx, CurrentUser, relationships};
use keiro_domain::catalog::{self as cat, LineRefusal};
use keiro_domain::product_key::{self as pk, KeyState, Refusal};
use keiro_domain::{Action, OrgKind, advisor};
use keiro_store::entities::{offer, organization, product_key, product_key_order};
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

/// The key with this id, as its buyer reads it (canonical: 25 characters, no dashes).
pub(crate) fn key_of(app: &App, id: &str) -> String {
    pk::from_seed(&app.secret_key().derive(&format!("keiro-product-key:{id}")))
}

pub(crate) fn refused(r: Refusal) -> AppError {
    match r {
        Refusal::Malformed
        | Refusal::Unknown
        | Refusal::OfferRetired
        | Refusal::NotSoldInCountry
        | Refusal::NotABenefitKey => AppError::validation("key", r.code(), r.message()),
        Refusal::AlreadyUsed | Refusal::Expired | Refusal::Revoked => AppError::Conflict {
            code: r.code(),
            message: r.message().into(),
        },
        Refusal::NotAnAdmin | Refusal::InternalUse => AppError::Forbidden {
            code: r.code(),
            message: r.message().into(),
            required_roles: vec![],
        },
    }
}

/// What an order of keys is for.
#[derive(Debug, Clone)]
pub struct OrderInput {
    pub offer_id: String,
    /// Where the customers are: the offer must be sold there.
    pub country: String,
    /// How many keys (1 to 500).
    pub quantity: i64,
    /// Licenses each key sets up (the offer's minimum if not given).
    pub licenses: Option<i64>,
    pub delegated_admin: bool,
    /// How long the keys can be entered (1 to 1095 days; 365 by default).
    pub expires_in_days: Option<i64>,
}

/// An order of keys. `keys` (grouped, as people type them) only in the first answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyOrderView {
    pub id: String,
    pub offer_id: String,
    pub quantity: i64,
    pub licenses: i64,
    pub delegated_admin: bool,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    #[serde(default)]
    pub keys: Vec<String>,
}

/// Orders `quantity` keys for an offer sold in `country`. With an `idem` key a retry answers
/// the order again, without its keys (the CSV export has them).
pub async fn order(
    app: &App,
    ctx: &Ctx,
    input: OrderInput,
    idem: Option<&str>,
) -> AppResult<Outcome<KeyOrderView>> {
    let me = ctx.user()?;
    require_tools(me)?;
    if input.delegated_admin {
        advisor::may_offer_delegated_admin(&me.org.authorizations).map_err(tool_refused)?;
    }
    let quantity = pk::order_size(input.quantity)?;
    let days = pk::valid_days(input.expires_in_days)?;
    let country = cat::country(&input.country).map_err(|mut e| {
        e.field = "country";
        e
    })?;
    let (o, facts) =
        offer_with_countries(app.db.reader(), "offer_id", input.offer_id.trim()).await?;
    let licenses = input.licenses.unwrap_or(o.min_quantity.max(1));
    match cat::check_line(&facts, licenses, false, &country, &[]) {
        Ok(()) | Err(LineRefusal::PrerequisiteMissing { .. }) => {}
        Err(LineRefusal::QuantityOutOfBounds { .. }) => {
            return Err(AppError::validation(
                "licenses",
                "quantity_out_of_bounds",
                format!(
                    "a key sets up {} to {} licenses of this offer",
                    o.min_quantity, o.max_quantity
                ),
            ));
        }
        Err(r) => return Err(AppError::validation("offer_id", r.code(), r.message())),
    }
    let key = idem
        .map(|k| {
            Key::new(
                &format!("product_keys:{}", me.org.id),
                k,
                &json!({ "offer": o.id, "country": country, "quantity": quantity,
                    "licenses": licenses, "dap": input.delegated_admin, "days": days }),
            )
        })
        .transpose()?;
    if let Some(o) = idempotency::replayed(app.db.reader(), key.as_ref()).await? {
        return Ok(o);
    }
    let result = async {
        let now = app.now();
        let order = product_key_order::Model {
            id: Uuid::now_v7().to_string(),
            org_id: me.org.id.clone(),
            offer_id: o.id.clone(),
            quantity,
            licenses,
            delegated_admin: input.delegated_admin,
            created_by: Some(me.user.id.clone()),
            created_at: now,
            expires_at: now + time::Duration::days(days),
            for_org_id: None,
            benefit_allocation_id: None,
        };
        let mut keys = Vec::with_capacity(quantity as usize);
        let rows = (0..quantity)
            .map(|_| {
                let id = Uuid::now_v7().to_string();
                let k = key_of(app, &id);
                let row = product_key::Model {
                    id,
                    order_id: order.id.clone(),
                    org_id: me.org.id.clone(),
                    key_hash: sha256_hex(&k),
                    last5: pk::last5(&k).to_string(),
                    state: KeyState::Unused.code().into(),
                    expires_at: order.expires_at,
                    created_at: now,
                    redeemed_at: None,
                    redeemed_by_org: None,
                    redeemed_by_user: None,
                    subscription_id: None,
                    revoked_at: None,
                    revoked_by: None,
                };
                keys.push(pk::grouped(&k));
                row
            })
            .collect();
        let tx = app.db.begin().await?;
        repo::product_keys::insert_order(&tx, order.clone(), rows).await?;
        audit::record(
            &tx,
            ctx,
            now,
            Event::new("product_keys.ordered", "product_key_order", &order.id)
                .in_org(&me.org.id)
                .details(
                    json!({ "offer": o.sku, "quantity": quantity, "licenses": licenses,
                    "delegated_admin": input.delegated_admin }),
                ),
        )
        .await?;
        let v = order_view(order);
        if let Some(k) = &key {
            idempotency::store(
                &tx,
                k,
                201,
                &serde_json::to_value(&v).unwrap_or_default(),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(KeyOrderView { keys, ..v })
    }
    .await;
    idempotency::settle(app.db.reader(), key.as_ref(), result).await
}

fn order_view(o: product_key_order::Model) -> KeyOrderView {
    KeyOrderView {
        id: o.id,
        offer_id: o.offer_id,
        quantity: o.quantity,
        licenses: o.licenses,
        delegated_admin: o.delegated_admin,
        created_at: o.created_at,
        expires_at: o.expires_at,
        keys: vec![],
    }
}

/// A key as its buyer's list shows it: never the key, only its last five characters.
#[derive(Debug, Clone)]
pub struct KeyView {
    pub id: String,
    pub order_id: String,
    pub offer_id: String,
    pub licenses: i64,
    pub last5: String,
    /// unused, redeemed, expired or revoked.
    pub state: &'static str,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub redeemed_at: Option<OffsetDateTime>,
    /// The customer that redeemed it.
    pub redeemed_by: Option<String>,
    pub subscription_id: Option<String>,
}

/// The advisor's keys, newest first (`state`: unused, redeemed, expired or revoked).
pub async fn list(
    app: &App,
    ctx: &Ctx,
    state: Option<&str>,
    order: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<KeyView>> {
    let me = ctx.user()?;
    require_tools(me)?;
    // Expiry follows from the clock: the store filters on it, so that pages stay full.
    use repo::product_keys::Shown;
    let now = app.now();
    let shown = match state {
        None => None,
        Some("unused") => Some(Shown::Unused(now)),
        Some("expired") => Some(Shown::Expired(now)),
        Some(s) => Some(Shown::Stored(
            KeyState::parse(s)
                .filter(|k| *k != KeyState::Unused)
                .map(KeyState::code)
                .ok_or_else(|| {
                    AppError::validation(
                        "state",
                        "invalid_state",
                        "state is unused, redeemed, expired or revoked",
                    )
                })?,
        )),
    };
    let c = app.db.reader();
    let page = repo::product_keys::list_in_org(c, &me.org.id, shown, order, cursor, limit).await?;
    let orders = repo::product_keys::orders_by_ids(
        c,
        page.items.iter().map(|k| k.order_id.clone()).collect(),
    )
    .await?;
    let customers = repo::orgs::by_ids(
        c,
        page.items
            .iter()
            .filter_map(|k| k.redeemed_by_org.clone())
            .collect(),
    )
    .await?;
    let items = page
        .items
        .into_iter()
        .map(|k| {
            let o = orders.iter().find(|o| o.id == k.order_id);
            KeyView {
                state: KeyState::parse(&k.state)
                    .unwrap_or(KeyState::Revoked)
                    .shown(k.expires_at, now),
                offer_id: o.map(|o| o.offer_id.clone()).unwrap_or_default(),
                licenses: o.map(|o| o.licenses).unwrap_or_default(),
                redeemed_by: k
                    .redeemed_by_org
                    .as_ref()
                    .and_then(|id| customers.iter().find(|c| &c.id == id))
                    .map(|c| c.legal_name.clone()),
                id: k.id,
                order_id: k.order_id,
                last5: k.last5,
                created_at: k.created_at,
                expires_at: k.expires_at,
                redeemed_at: k.redeemed_at,
                subscription_id: k.subscription_id,
            }
        })
        .collect();
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

/// The advisor's unused keys (of one order, if given) as CSV, in full: key, offer SKU, licenses,
/// last day. Audited with their number. A key that does not derive again (the deployment's
/// secret key changed) stops the export with `secret_key_changed`.
pub async fn export_unused(app: &App, ctx: &Ctx, order: Option<&str>) -> AppResult<String> {
    let me = ctx.user()?;
    require_tools(me)?;
    let now = app.now();
    let tx = app.db.begin().await?;
    let keys = repo::product_keys::unused_in_org(&tx, &me.org.id, order, now).await?;
    let orders =
        repo::product_keys::orders_by_ids(&tx, keys.iter().map(|k| k.order_id.clone()).collect())
            .await?;
    let offers: Vec<offer::Model> =
        repo::catalog::offers::by_ids(&tx, orders.iter().map(|o| o.offer_id.clone()).collect())
            .await?;
    let mut csv = String::from("key,offer_sku,licenses,expires_at\r\n");
    for k in &keys {
        let typed = key_of(app, &k.id);
        if sha256_hex(&typed) != k.key_hash {
            return Err(AppError::Conflict {
                code: "secret_key_changed",
                message: "these keys were made under another secret key of this deployment (KEIRO_SECRET_KEY); restore that key to export them".into(),
            });
        }
        let o = orders.iter().find(|o| o.id == k.order_id);
        let sku = o
            .and_then(|o| offers.iter().find(|f| f.id == o.offer_id))
            .map(|f| f.sku.clone())
            .unwrap_or_default();
        csv.push_str(&format!(
            "{},{},{},{}\r\n",
            pk::grouped(&typed),
            sku,
            o.map(|o| o.licenses).unwrap_or_default(),
            audit::moment(k.expires_at)
        ));
    }
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("product_keys.exported", "organization", &me.org.id)
            .in_org(&me.org.id)
            .details(json!({ "count": keys.len(), "order": order })),
    )
    .await?;
    tx.commit().await?;
    Ok(csv)
}

/// Revokes one of the advisor's unused keys: it can no longer be entered. Audited (last five
/// characters only).
pub async fn revoke(app: &App, ctx: &Ctx, id: &str) -> AppResult<()> {
    let me = ctx.user()?;
    require_tools(me)?;
    let tx = app.db.begin().await?;
    let k = repo::product_keys::get_in_org(&tx, &me.org.id, id)
        .await?
        .ok_or(AppError::NotFound("product_key"))?;
    let now = app.now();
    if !repo::product_keys::revoke(&tx, &me.org.id, id, &me.user.id, now).await? {
        return Err(AppError::Conflict {
            code: "key_not_unused",
            message: "only an unused key can be revoked".into(),
        });
    }
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("product_key.revoked", "product_key", id)
            .in_org(&me.org.id)
            .details(json!({ "last5": k.last5 })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes every unused key of an advisor whose advisor status was revoked, in the caller's
/// transaction: how many.
pub(crate) async fn revoke_all(
    c: &impl ConnectionTrait,
    org: &str,
    by: &str,
    now: OffsetDateTime,
) -> AppResult<u64> {
    Ok(repo::product_keys::revoke_all_unused(c, org, by, now).await?)
}

/// What entering a key will set up, shown before it is confirmed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyPreview {
    pub offer_id: String,
    pub offer_name_en: String,
    pub offer_name_ja: String,
    pub licenses: i64,
    pub term_months: i64,
    pub billing_cycle: String,
    pub unit_price_minor: i64,
    pub currency: String,
    /// The key's buyer, who becomes partner of record.
    pub advisor_name: String,
    pub advisor_partner_id: Option<String>,
    /// A delegated admin offer comes with the key, for the customer's admin to accept or not.
    pub delegated_admin_offer: bool,
    pub last5: String,
}

/// Who enters a key for `customer_id`: the customer's global or billing admin, or a partner
/// user allowed to order for a customer it has delegated admin rights in. Anyone else gets
/// `not_an_admin`; a customer the partner does not administer does not exist for it.
async fn enterer(
    c: &impl ConnectionTrait,
    me: &CurrentUser,
    customer_id: &str,
) -> AppResult<organization::Model> {
    let not_admin = || refused(Refusal::NotAnAdmin);
    match me.actor.org_kind {
        OrgKind::Customer if me.org.id == customer_id => {
            me.require(Action::AcceptAdvisorOffers, "product key")
                .map_err(|_| not_admin())?;
            Ok(me.org.clone())
        }
        OrgKind::Partner if relationships::has_dap(c, customer_id, &me.org.id).await? => {
            me.require(Action::PlaceOrders, "product key")
                .map_err(|_| not_admin())?;
            repo::orgs::get(c, customer_id)
                .await?
                .ok_or(AppError::NotFound("customer"))
        }
        _ => Err(AppError::NotFound("customer")),
    }
}

/// Counts one attempt for the organization entering a key and for the client address (R-ADV-4,
/// R-BEN-5).
pub(crate) async fn throttle(app: &App, ctx: &Ctx, customer_id: &str) -> AppResult<()> {
    let rule = &app.throttle.product_keys;
    app.count(
        rule,
        &format!("product_key:customer:{customer_id}"),
        "too_many_key_attempts",
    )
    .await?;
    app.count(
        rule,
        &format!("product_key:address:{}", ctx.client_ip),
        "too_many_key_attempts",
    )
    .await
}

/// The key `typed` names, with its order, buyer and offer, checked for `customer` at `now`.
struct Found {
    key: product_key::Model,
    order: product_key_order::Model,
    advisor: organization::Model,
    offer: offer::Model,
}

/// The key `typed` names and its order, if it can still be entered at `now`: the lookup both
/// advisors' keys and partners' license benefit keys go through.
pub(crate) async fn lookup(
    c: &impl ConnectionTrait,
    typed: &str,
    now: OffsetDateTime,
) -> AppResult<(product_key::Model, product_key_order::Model)> {
    let canonical = pk::canonical(typed).map_err(|_| refused(Refusal::Malformed))?;
    let key = repo::product_keys::by_hash(c, &sha256_hex(&canonical))
        .await?
        .ok_or_else(|| refused(Refusal::Unknown))?;
    if let Some(r) = Refusal::of_state(
        KeyState::parse(&key.state).unwrap_or(KeyState::Revoked),
        key.expires_at,
        now,
    ) {
        return Err(refused(r));
    }
    let order = repo::product_keys::order(c, &key.order_id)
        .await?
        .ok_or_else(|| refused(Refusal::Unknown))?;
    Ok((key, order))
}

/// Takes the key for `org`, guarded: one caller wins however many enter it at once; the others
/// learn why it can no longer be entered.
pub(crate) async fn take(
    tx: &impl ConnectionTrait,
    key: &product_key::Model,
    org: &str,
    user: &str,
    now: OffsetDateTime,
) -> AppResult<()> {
    if repo::product_keys::redeem(tx, &key.id, org, user, now).await? {
        return Ok(());
    }
    let fresh = repo::product_keys::get_in_org(tx, &key.org_id, &key.id)
        .await?
        .ok_or_else(|| refused(Refusal::Unknown))?;
    let r = Refusal::of_state(
        KeyState::parse(&fresh.state).unwrap_or(KeyState::Revoked),
        fresh.expires_at,
        now,
    )
    .unwrap_or(Refusal::AlreadyUsed);
    Err(refused(r))
}

async fn find(
    c: &impl ConnectionTrait,
    typed: &str,
    customer: &organization::Model,
    now: OffsetDateTime,
) -> AppResult<Found> {
    let (key, order) = lookup(c, typed, now).await?;
    if order.for_org_id.is_some() {
        // A partner's license benefit: never a customer's (R-BEN-5).
        return Err(refused(Refusal::InternalUse));
    }
    let advisor = repo::orgs::get(c, &key.org_id)
        .await?
        .filter(is_advisor)
        .ok_or_else(|| refused(Refusal::Revoked))?;
    let (offer, facts) = offer_with_countries(c, "key", &order.offer_id).await?;
    let held = match &facts.prerequisite_offer_id {
        Some(pre) => repo::subscriptions::held_offers(c, &customer.id, vec![pre.clone()]).await?,
        None => Vec::new(),
    };
    let held: Vec<&str> = held.iter().map(String::as_str).collect();
    cat::check_line(&facts, order.licenses, false, &customer.country, &held).map_err(
        |r| match r {
            LineRefusal::OfferUnavailable => refused(Refusal::OfferRetired),
            LineRefusal::NotSoldInCountry => refused(Refusal::NotSoldInCountry),
            r => AppError::validation("key", r.code(), r.message()),
        },
    )?;
    Ok(Found {
        key,
        order,
        advisor,
        offer,
    })
}

/// What entering `typed` for `customer_id` would set up, or why it cannot (throttled).
pub async fn check(app: &App, ctx: &Ctx, customer_id: &str, typed: &str) -> AppResult<KeyPreview> {
    let me = ctx.user()?;
    let c = app.db.reader();
    let customer = enterer(c, me, customer_id).await?;
    throttle(app, ctx, &customer.id).await?;
    let f = find(c, typed, &customer, app.now()).await?;
    Ok(KeyPreview {
        offer_id: f.offer.id,
        offer_name_en: f.offer.name_en,
        offer_name_ja: f.offer.name_ja,
        licenses: f.order.licenses,
        term_months: f.offer.term_months,
        billing_cycle: f.offer.billing_cycle,
        unit_price_minor: f.offer.unit_price_minor,
        currency: f.offer.currency,
        advisor_name: f.advisor.legal_name,
        advisor_partner_id: f.advisor.partner_id,
        delegated_admin_offer: f.order.delegated_admin && me.actor.org_kind == OrgKind::Customer,
        last5: f.key.last5,
    })
}

/// A key redeemed: the subscription it set up.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Redeemed {
    pub subscription: SubscriptionView,
    /// Whether the key's buyer now holds delegated admin over the customer.
    pub delegated_admin: bool,
}

/// Enters `typed` for `customer_id` and confirms: one transaction takes the key (guarded: two
/// customers at the same moment, one subscription), writes the subscription (seller: the
/// operator; partner of record: the key's buyer; the offer's term; no auto-renewal) and, if
/// the customer's admin accepts the key's delegated admin offer, the grant.
pub async fn redeem(
    app: &App,
    ctx: &Ctx,
    customer_id: &str,
    typed: &str,
    delegated_admin: bool,
    idem: Option<&str>,
) -> AppResult<Outcome<Redeemed>> {
    let me = ctx.user()?;
    let key = idem
        .map(|k| {
            Key::new(
                &format!("product_key_redemption:{}", me.user.id),
                k,
                &json!({ "customer": customer_id, "key": sha256_hex(typed.trim()), "dap": delegated_admin }),
            )
        })
        .transpose()?;
    if let Some(o) = idempotency::replayed(app.db.reader(), key.as_ref()).await? {
        return Ok(o);
    }
    let result = async {
        let customer = enterer(app.db.reader(), me, customer_id).await?;
        throttle(app, ctx, &customer.id).await?;
        let now = app.now();
        let tx = app.db.begin().await?;
        let f = find(&tx, typed, &customer, now).await?;
        let dap = delegated_admin && me.actor.org_kind == OrgKind::Customer;
        check_standing(&f.advisor, f.order.delegated_admin, dap)?;
        take(&tx, &f.key, &customer.id, &me.user.id, now).await?;
        let sale = Sale {
            customer_org_id: &customer.id,
            placed_by: me,
            advisor_org_id: Some(&f.advisor.id),
            term_months: None,
            via: "product_key",
            source_id: &f.key.id,
            trial: false,
            auto_renew: false,
        };
        let (_, mut subs) = sell(&tx, app, ctx, &sale, &[(f.offer, f.order.licenses)]).await?;
        let sub = subs.remove(0);
        repo::product_keys::set_subscription(&tx, &f.key.id, &sub.id).await?;
        if dap {
            grant_dap(&tx, app, ctx, me, &f.advisor.id, &f.key.id, sale.via).await?;
        }
        audit::record(
            &tx,
            ctx,
            now,
            Event::new("product_key.redeemed", "product_key", &f.key.id)
                .in_org(&customer.id)
                .details(json!({ "last5": f.key.last5, "subscription": sub.id,
                    "partner_of_record": f.advisor.id, "delegated_admin": dap })),
        )
        .await?;
        let done = Redeemed {
            subscription: view(&tx, sub).await?,
            delegated_admin: dap,
        };
        if let Some(k) = &key {
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
    .await;
    idempotency::settle(app.db.reader(), key.as_ref(), result).await
}
