//! The operator's catalog (R-ORD-1): operator staff create and edit products and offers, retire
//! and restore offers, and import both from CSV; partners browse the available offers, by the
//! country of the customer they are selling to.

use crate::audit::{self, Event};
use crate::idempotency::{self, Key, Outcome};
use crate::registry::{RowError, read_table};
use crate::{App, AppError, AppResult, Ctx, CurrentUser};
use keiro_domain::Action;
use keiro_domain::catalog::{self, BillingCycle, OfferFacts, OfferSpec, ProductSpec};
use keiro_store::entities::{offer, product};
use keiro_store::repo::catalog::{offers, products};
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// The stored codes of an offer's states ([`keiro_domain::catalog::OfferState`]).
pub const AVAILABLE: &str = keiro_domain::catalog::OfferState::Available.code();
pub const RETIRED: &str = keiro_domain::catalog::OfferState::Retired.code();

mod import;
pub use import::*;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProductView {
    pub id: String,
    pub code: String,
    pub name_en: String,
    pub name_ja: String,
    pub description_en: String,
    pub description_ja: String,
    pub version: i64,
}

fn product_view(m: product::Model) -> ProductView {
    ProductView {
        id: m.id,
        code: m.code,
        name_en: m.name_en,
        name_ja: m.name_ja,
        description_en: m.description_en,
        description_ja: m.description_ja,
        version: m.version,
    }
}

/// An offer with its product's code and names, as everyone sees it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OfferView {
    pub id: String,
    pub product_id: String,
    pub product_code: String,
    pub product_name_en: String,
    pub product_name_ja: String,
    pub sku: String,
    pub name_en: String,
    pub name_ja: String,
    pub description_en: String,
    pub description_ja: String,
    pub billing_cycle: String,
    pub term_months: i64,
    pub unit_price_minor: i64,
    pub currency: String,
    pub min_quantity: i64,
    pub max_quantity: i64,
    pub trial_days: Option<i64>,
    pub prerequisite_offer_id: Option<String>,
    pub countries: Vec<String>,
    pub state: String,
    pub version: i64,
}

impl OfferView {
    /// The offer's name in a portal language.
    pub fn name(&self, lang: keiro_domain::Language) -> &str {
        match lang {
            keiro_domain::Language::Ja => &self.name_ja,
            keiro_domain::Language::En => &self.name_en,
        }
    }
}

/// What an order line or a quantity change is checked against: the stored offer and the
/// countries where it is sold. The one place that says what "available" means.
pub fn facts(o: &offer::Model, countries: Vec<String>) -> OfferFacts {
    OfferFacts {
        id: o.id.clone(),
        available: o.state == AVAILABLE,
        min_quantity: o.min_quantity,
        max_quantity: o.max_quantity,
        trial_days: o.trial_days,
        prerequisite_offer_id: o.prerequisite_offer_id.clone(),
        countries,
    }
}

/// Offers with their products and countries, loaded in three queries whatever their number.
pub async fn offer_views(
    c: &impl ConnectionTrait,
    rows: Vec<offer::Model>,
) -> AppResult<Vec<OfferView>> {
    let ids: Vec<String> = rows.iter().map(|o| o.id.clone()).collect();
    let mut countries = offers::countries(c, ids).await?;
    let mut pids: Vec<String> = rows.iter().map(|o| o.product_id.clone()).collect();
    pids.sort();
    pids.dedup();
    let prods: HashMap<String, product::Model> = products::by_ids(c, pids)
        .await?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    Ok(rows
        .into_iter()
        .map(|o| {
            let p = prods.get(&o.product_id);
            OfferView {
                countries: countries.remove(&o.id).unwrap_or_default(),
                product_code: p.map(|p| p.code.clone()).unwrap_or_default(),
                product_name_en: p.map(|p| p.name_en.clone()).unwrap_or_default(),
                product_name_ja: p.map(|p| p.name_ja.clone()).unwrap_or_default(),
                id: o.id,
                product_id: o.product_id,
                sku: o.sku,
                name_en: o.name_en,
                name_ja: o.name_ja,
                description_en: o.description_en,
                description_ja: o.description_ja,
                billing_cycle: o.billing_cycle,
                term_months: o.term_months,
                unit_price_minor: o.unit_price_minor,
                currency: o.currency,
                min_quantity: o.min_quantity,
                max_quantity: o.max_quantity,
                trial_days: o.trial_days,
                prerequisite_offer_id: o.prerequisite_offer_id,
                state: o.state,
                version: o.version,
            }
        })
        .collect())
}

pub async fn offer_view(c: &impl ConnectionTrait, id: &str) -> AppResult<Option<OfferView>> {
    let Some(o) = offers::get(c, id).await? else {
        return Ok(None);
    };
    Ok(offer_views(c, vec![o]).await?.pop())
}

fn operator(ctx: &Ctx) -> AppResult<&CurrentUser> {
    let me = ctx.user()?;
    me.require(Action::ManageCatalog, "catalog")?;
    Ok(me)
}

fn duplicate(field: &'static str, what: &str) -> AppError {
    AppError::Conflict {
        code: "duplicate",
        message: format!("another {what} already has this {field}"),
    }
}

pub async fn create_product(
    app: &App,
    ctx: &Ctx,
    spec: ProductSpec,
    idem: Option<&str>,
) -> AppResult<Outcome<ProductView>> {
    let me = ctx.user()?;
    let key = Key::of_user(
        "catalog",
        me,
        idem,
        &json!({ "op": "create_product", "spec": format!("{spec:?}") }),
    )?;
    idempotency::once(app, key, async |key| {
        create_product_once(app, ctx, spec, key).await
    })
    .await
}

async fn create_product_once(
    app: &App,
    ctx: &Ctx,
    spec: ProductSpec,
    key: Option<&Key>,
) -> AppResult<ProductView> {
    let me = operator(ctx)?;
    let p = ProductSpec::parse(spec)?;
    let now = app.now();
    let m = product::Model {
        search_text: String::new(),
        id: Uuid::now_v7().to_string(),
        code: p.code,
        name_en: p.name_en,
        name_ja: p.name_ja,
        description_en: p.description_en,
        description_ja: p.description_ja,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let tx = app.db.begin().await?;
    repo::insert(&tx, m.clone()).await.map_err(|e| match e {
        keiro_store::StoreError::Duplicate(_) => duplicate("code", "product"),
        other => other.into(),
    })?;
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("product.created", "product", &m.id)
            .in_org(&me.org.id)
            .details(json!({ "code": m.code })),
    )
    .await?;
    idempotency::keep(&tx, key, 201, &product_view(m.clone()), app.now()).await?;
    tx.commit().await?;
    Ok(product_view(m))
}

pub async fn update_product(
    app: &App,
    ctx: &Ctx,
    id: &str,
    spec: ProductSpec,
    if_version: Option<i64>,
) -> AppResult<ProductView> {
    let me = operator(ctx)?;
    let p = ProductSpec::parse(spec)?;
    let tx = app.db.begin().await?;
    let mut m = products::get(&tx, id)
        .await?
        .ok_or(AppError::NotFound("product"))?;
    if if_version.is_some_and(|v| v != m.version) {
        return Err(AppError::PreconditionFailed);
    }
    if p.code != m.code {
        return Err(AppError::validation(
            "code",
            "code_immutable",
            "a product's code never changes; create a new product instead",
        ));
    }
    let version = m.version;
    m.name_en = p.name_en;
    m.name_ja = p.name_ja;
    m.description_en = p.description_en;
    m.description_ja = p.description_ja;
    m.updated_at = app.now();
    if !products::update(&tx, &m, version).await? {
        return Err(AppError::PreconditionFailed);
    }
    m.version = version + 1;
    audit::record(
        &tx,
        ctx,
        app.now(),
        Event::new("product.updated", "product", &m.id).in_org(&me.org.id),
    )
    .await?;
    tx.commit().await?;
    Ok(product_view(m))
}

pub async fn list_products(
    app: &App,
    ctx: &Ctx,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<ProductView>> {
    let me = ctx.user()?;
    me.require(Action::ViewCatalog, "products")?;
    let page = products::list(app.db.reader(), q, cursor, limit).await?;
    Ok(Page {
        items: page.items.into_iter().map(product_view).collect(),
        next_cursor: page.next_cursor,
    })
}

/// An offer as the operator enters it: the product by id, the terms, the prerequisite by id.
#[derive(Debug, Clone)]
pub struct OfferInput {
    pub product_id: String,
    pub spec: OfferSpec,
}

/// Checks the product and the prerequisite (it exists, is not an add-on's own offer).
async fn check_refs(
    c: &impl ConnectionTrait,
    input: &OfferInput,
    own_id: Option<&str>,
) -> AppResult<()> {
    if products::get(c, &input.product_id).await?.is_none() {
        return Err(AppError::validation(
            "product_id",
            "unknown_product",
            "no product has this id",
        ));
    }
    if let Some(p) = &input.spec.prerequisite_offer_id {
        if Some(p.as_str()) == own_id {
            return Err(AppError::validation(
                "prerequisite_offer_id",
                "invalid_prerequisite",
                "an offer cannot be its own prerequisite",
            ));
        }
        if offers::get(c, p).await?.is_none() {
            return Err(AppError::validation(
                "prerequisite_offer_id",
                "unknown_prerequisite",
                "no offer has this id",
            ));
        }
    }
    Ok(())
}

fn offer_model(
    id: String,
    input: OfferInput,
    state: &str,
    now: time::OffsetDateTime,
) -> offer::Model {
    let s = input.spec;
    offer::Model {
        search_text: String::new(),
        id,
        product_id: input.product_id,
        sku: s.sku,
        name_en: s.name_en,
        name_ja: s.name_ja,
        description_en: s.description_en,
        description_ja: s.description_ja,
        billing_cycle: s.billing_cycle.code().into(),
        term_months: s.term_months.into(),
        unit_price_minor: s.unit_price_minor,
        currency: s.currency,
        min_quantity: s.min_quantity,
        max_quantity: s.max_quantity,
        trial_days: s.trial_days,
        prerequisite_offer_id: s.prerequisite_offer_id,
        state: state.into(),
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

pub async fn create_offer(
    app: &App,
    ctx: &Ctx,
    input: OfferInput,
    idem: Option<&str>,
) -> AppResult<Outcome<OfferView>> {
    let me = ctx.user()?;
    let key = Key::of_user(
        "catalog",
        me,
        idem,
        &json!({ "op": "create_offer", "input": format!("{input:?}") }),
    )?;
    idempotency::once(app, key, async |key| {
        create_offer_once(app, ctx, input, key).await
    })
    .await
}

async fn create_offer_once(
    app: &App,
    ctx: &Ctx,
    mut input: OfferInput,
    key: Option<&Key>,
) -> AppResult<OfferView> {
    let me = operator(ctx)?;
    input.spec = OfferSpec::parse(input.spec)?;
    let tx = app.db.begin().await?;
    check_refs(&tx, &input, None).await?;
    let countries = input.spec.countries.clone();
    let m = offer_model(Uuid::now_v7().to_string(), input, AVAILABLE, app.now());
    offers::insert(&tx, m.clone(), &countries)
        .await
        .map_err(|e| match e {
            keiro_store::StoreError::Duplicate(_) => duplicate("sku", "offer"),
            other => other.into(),
        })?;
    audit::record(
        &tx,
        ctx,
        app.now(),
        Event::new("offer.created", "offer", &m.id)
            .in_org(&me.org.id)
            .details(json!({ "sku": m.sku, "countries": countries })),
    )
    .await?;
    let v = offer_view(&tx, &m.id)
        .await?
        .ok_or(AppError::Internal("offer vanished".into()))?;
    idempotency::keep(&tx, key, 201, &v, app.now()).await?;
    tx.commit().await?;
    Ok(v)
}

/// Replaces an offer's terms (If-Match). The SKU never changes; subscriptions keep the offer,
/// and later changes follow its new bounds.
pub async fn update_offer(
    app: &App,
    ctx: &Ctx,
    id: &str,
    mut input: OfferInput,
    if_version: Option<i64>,
) -> AppResult<OfferView> {
    let me = operator(ctx)?;
    input.spec = OfferSpec::parse(input.spec)?;
    let tx = app.db.begin().await?;
    let old = offers::get(&tx, id)
        .await?
        .ok_or(AppError::NotFound("offer"))?;
    if if_version.is_some_and(|v| v != old.version) {
        return Err(AppError::PreconditionFailed);
    }
    if input.spec.sku != old.sku {
        return Err(AppError::validation(
            "sku",
            "sku_immutable",
            "an offer's SKU never changes; create a new offer instead",
        ));
    }
    check_refs(&tx, &input, Some(id)).await?;
    let countries = input.spec.countries.clone();
    let mut m = offer_model(old.id.clone(), input, &old.state, app.now());
    m.created_at = old.created_at;
    if !offers::update(&tx, &m, old.version, &countries).await? {
        return Err(AppError::PreconditionFailed);
    }
    audit::record(
        &tx,
        ctx,
        app.now(),
        Event::new("offer.updated", "offer", id)
            .in_org(&me.org.id)
            .details(json!({ "sku": m.sku })),
    )
    .await?;
    let v = offer_view(&tx, id)
        .await?
        .ok_or(AppError::NotFound("offer"))?;
    tx.commit().await?;
    Ok(v)
}

/// Retires an offer (no new orders; existing subscriptions go on) or makes it available again.
pub async fn set_offer_state(
    app: &App,
    ctx: &Ctx,
    id: &str,
    available: bool,
    if_version: Option<i64>,
) -> AppResult<OfferView> {
    let me = operator(ctx)?;
    let tx = app.db.begin().await?;
    let mut m = offers::get(&tx, id)
        .await?
        .ok_or(AppError::NotFound("offer"))?;
    if if_version.is_some_and(|v| v != m.version) {
        return Err(AppError::PreconditionFailed);
    }
    let to = if available { AVAILABLE } else { RETIRED };
    if m.state == to {
        return Err(AppError::Conflict {
            code: "unchanged",
            message: format!("the offer is already {to}"),
        });
    }
    let countries = offers::countries(&tx, vec![m.id.clone()])
        .await?
        .remove(&m.id)
        .unwrap_or_default();
    let version = m.version;
    m.state = to.into();
    m.updated_at = app.now();
    if !offers::update(&tx, &m, version, &countries).await? {
        return Err(AppError::PreconditionFailed);
    }
    audit::record(
        &tx,
        ctx,
        app.now(),
        Event::new(
            if available {
                "offer.made_available"
            } else {
                "offer.retired"
            },
            "offer",
            id,
        )
        .in_org(&me.org.id),
    )
    .await?;
    let v = offer_view(&tx, id)
        .await?
        .ok_or(AppError::NotFound("offer"))?;
    tx.commit().await?;
    Ok(v)
}

/// Which offers to browse.
#[derive(Debug, Clone, Default)]
pub struct OfferFilter<'a> {
    pub q: Option<&'a str>,
    pub country: Option<&'a str>,
    /// A partner's customer: only offers sold in its country (R-ORD-1).
    pub customer: Option<&'a str>,
    /// Operator staff only: available or retired (partners always see available offers).
    pub state: Option<&'a str>,
    pub product: Option<&'a str>,
    pub cursor: Option<&'a str>,
    pub limit: u64,
}

/// Offers: operator staff see the whole catalog; partners see available offers, by the country
/// of one of their customers (or a country they name).
pub async fn list_offers(app: &App, ctx: &Ctx, f: OfferFilter<'_>) -> AppResult<Page<OfferView>> {
    let me = ctx.user()?;
    me.require(Action::ViewCatalog, "offers")?;
    let c = app.db.reader();
    let operator = me.may(Action::ManageCatalog);
    if let Some(s) = f.state
        && ![AVAILABLE, RETIRED].contains(&s)
    {
        return Err(AppError::validation(
            "state",
            "invalid_state",
            "state is available or retired",
        ));
    }
    let mut country = match f.country {
        Some(k) => Some(catalog::country(k).map_err(|mut e| {
            e.field = "country";
            e
        })?),
        None => None,
    };
    if let Some(cu) = f.customer {
        if repo::relationships::active_between(c, &me.org.id, cu)
            .await?
            .is_none()
        {
            return Err(AppError::NotFound("customer"));
        }
        country = Some(
            repo::orgs::get(c, cu)
                .await?
                .ok_or(AppError::NotFound("customer"))?
                .country,
        );
    }
    let state = if operator { f.state } else { Some(AVAILABLE) };
    let page = offers::list(
        c,
        &offers::OfferQuery {
            q: f.q,
            country: country.as_deref(),
            state,
            product: f.product,
            cursor: f.cursor,
            limit: f.limit,
        },
    )
    .await?;
    Ok(Page {
        items: offer_views(c, page.items).await?,
        next_cursor: page.next_cursor,
    })
}

/// One offer: any state for operator staff, available ones for partners.
pub async fn get_offer(app: &App, ctx: &Ctx, id: &str) -> AppResult<OfferView> {
    let me = ctx.user()?;
    me.require(Action::ViewCatalog, "offer")?;
    let v = offer_view(app.db.reader(), id)
        .await?
        .ok_or(AppError::NotFound("offer"))?;
    if v.state != AVAILABLE && !me.may(Action::ManageCatalog) {
        return Err(AppError::NotFound("offer"));
    }
    Ok(v)
}
