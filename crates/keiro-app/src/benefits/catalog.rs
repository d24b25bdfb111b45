//! The benefit catalog (R-BEN-2): operator staff create and change benefits, each with its kind,
//! names, description and special instructions in both languages, core or incremental, how long
//! it lasts, its share per level and (software) its downloads; partners read what is available.

use super::operator;
use crate::audit::{self, Event};
use crate::idempotency::{self, Key, Outcome};
use crate::{App, AppError, AppResult, Ctx};
use keiro_domain::Action;
use keiro_domain::benefit::{
    self as rules, BenefitKind, DOWNLOAD_LANGUAGES, DOWNLOAD_OS, LevelQuantity, Tier, Unit,
};
use keiro_domain::enrollment::MembershipLevel;
use keiro_store::entities::{benefit, benefit_download, benefit_level};
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// A level's share of a benefit.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LevelShare {
    pub level: String,
    pub quantity: i64,
    pub unit: String,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
}

/// A software download for one language and operating system.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Download {
    pub language: String,
    pub os: String,
    pub url: String,
    pub label: String,
}

/// A benefit of the catalog.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BenefitView {
    pub id: String,
    pub code: String,
    pub kind: String,
    pub name_ja: String,
    pub name_en: String,
    pub description_ja: String,
    pub description_en: String,
    pub instructions_ja: String,
    pub instructions_en: String,
    pub tier: String,
    pub months: i64,
    pub offer_id: Option<String>,
    pub state: String,
    pub levels: Vec<LevelShare>,
    pub downloads: Vec<Download>,
    pub version: i64,
}

impl BenefitView {
    pub fn name(&self, lang: keiro_domain::Language) -> &str {
        match lang {
            keiro_domain::Language::Ja => &self.name_ja,
            _ => &self.name_en,
        }
    }
}

/// What operator staff give for a benefit (a create, or the whole benefit again to change it).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BenefitInput {
    pub code: String,
    pub kind: String,
    pub name_ja: String,
    pub name_en: String,
    pub description_ja: String,
    pub description_en: String,
    pub instructions_ja: String,
    pub instructions_en: String,
    /// core or incremental (core if empty).
    pub tier: String,
    /// Months from the package's start (12 if not given).
    pub months: Option<i64>,
    /// A license benefit: the SKU of the offer its key sets up.
    pub offer_sku: Option<String>,
    pub levels: Vec<LevelShare>,
    pub downloads: Vec<Download>,
    /// available or retired (available if empty).
    pub state: String,
}

pub(crate) fn view(
    b: benefit::Model,
    levels: &[benefit_level::Model],
    downloads: &[benefit_download::Model],
) -> BenefitView {
    let mut ls: Vec<&benefit_level::Model> =
        levels.iter().filter(|l| l.benefit_id == b.id).collect();
    ls.sort_by_key(|l| {
        MembershipLevel::ALL
            .iter()
            .position(|m| m.code() == l.level)
            .unwrap_or(9)
    });
    BenefitView {
        levels: ls
            .into_iter()
            .map(|l| LevelShare {
                level: l.level.clone(),
                quantity: l.quantity,
                unit: l.unit.clone(),
                amount_minor: l.amount_minor,
                currency: l.currency.clone(),
            })
            .collect(),
        downloads: downloads
            .iter()
            .filter(|d| d.benefit_id == b.id)
            .map(|d| Download {
                language: d.language.clone(),
                os: d.os.clone(),
                url: d.url.clone(),
                label: d.label.clone(),
            })
            .collect(),
        id: b.id,
        code: b.code,
        kind: b.kind,
        name_ja: b.name_ja,
        name_en: b.name_en,
        description_ja: b.description_ja,
        description_en: b.description_en,
        instructions_ja: b.instructions_ja,
        instructions_en: b.instructions_en,
        tier: b.tier,
        months: b.months,
        offer_id: b.offer_id,
        state: b.state,
        version: b.version,
    }
}

/// Benefits with their levels and downloads, read in two statements.
pub(crate) async fn views(
    c: &impl ConnectionTrait,
    rows: Vec<benefit::Model>,
) -> AppResult<Vec<BenefitView>> {
    let ids: Vec<String> = rows.iter().map(|b| b.id.clone()).collect();
    let levels = repo::benefits::levels_of(c, ids.clone()).await?;
    let downloads = repo::benefits::downloads_of(c, ids).await?;
    Ok(rows
        .into_iter()
        .map(|b| view(b, &levels, &downloads))
        .collect())
}

/// A checked input: the rows to write.
pub(crate) struct Checked {
    pub(crate) code: String,
    kind: BenefitKind,
    tier: Tier,
    months: i64,
    offer_id: Option<String>,
    state: &'static str,
    levels: Vec<LevelQuantity>,
    downloads: Vec<Download>,
}

fn required(field: &'static str, v: &str) -> AppResult<()> {
    if v.trim().is_empty() {
        return Err(AppError::validation(
            field,
            "required",
            format!("{field} is required"),
        ));
    }
    at_most(field, v, 200)
}

/// At most `max` characters.
fn at_most(field: &'static str, v: &str, max: usize) -> AppResult<()> {
    if v.chars().count() > max {
        return Err(AppError::validation(
            field,
            "too_long",
            format!("{field} has at most {max} characters"),
        ));
    }
    Ok(())
}

/// Checks a benefit's input against the rules of its kind.
pub(crate) async fn check(c: &impl ConnectionTrait, i: &BenefitInput) -> AppResult<Checked> {
    let code = rules::code(&i.code)?;
    let kind = BenefitKind::parse(&i.kind)?;
    required("name_ja", &i.name_ja)?;
    required("name_en", &i.name_en)?;
    for (f, v) in [
        ("description_ja", &i.description_ja),
        ("description_en", &i.description_en),
        ("instructions_ja", &i.instructions_ja),
        ("instructions_en", &i.instructions_en),
    ] {
        at_most(f, v, 4000)?;
    }
    let tier = if i.tier.trim().is_empty() {
        Tier::Core
    } else {
        Tier::parse(&i.tier)?
    };
    let months = rules::months(i.months.unwrap_or(rules::PACKAGE_MONTHS))?;
    let state = match i.state.trim() {
        "" | "available" => "available",
        "retired" => "retired",
        _ => {
            return Err(AppError::validation(
                "state",
                "invalid_state",
                "state is available or retired",
            ));
        }
    };
    let mut levels = Vec::with_capacity(i.levels.len());
    for l in &i.levels {
        let level = MembershipLevel::parse(&l.level).ok_or_else(|| {
            AppError::validation(
                "levels",
                "invalid_level",
                "levels are action_pack, silver or gold",
            )
        })?;
        let unit = if l.unit.trim().is_empty() {
            kind.units()[0]
        } else {
            Unit::from_code(l.unit.trim()).ok_or_else(|| {
                AppError::validation("levels", "invalid_unit", "not a unit of benefits")
            })?
        };
        levels.push(LevelQuantity {
            level,
            quantity: l.quantity,
            unit,
            amount_minor: l.amount_minor,
            currency: l
                .currency
                .as_ref()
                .map(|c| c.trim().to_ascii_uppercase())
                .filter(|c| !c.is_empty()),
        });
    }
    rules::check_levels(kind, &levels)?;
    let offer_id = match (kind, i.offer_sku.as_deref().map(str::trim)) {
        (BenefitKind::LicenseSubscription, Some(sku)) if !sku.is_empty() => Some(
            repo::catalog::offers::by_sku(c, &sku.to_ascii_uppercase())
                .await?
                .ok_or_else(|| {
                    AppError::validation("offer_sku", "unknown_offer", "no offer has this SKU")
                })?
                .id,
        ),
        (BenefitKind::LicenseSubscription, _) => {
            return Err(AppError::validation(
                "offer_sku",
                "required",
                "a license benefit names the offer its key sets up",
            ));
        }
        (_, Some(s)) if !s.is_empty() => {
            return Err(AppError::validation(
                "offer_sku",
                "offer_not_allowed",
                "only a license benefit sets up an offer",
            ));
        }
        _ => None,
    };
    let mut downloads: Vec<Download> = Vec::new();
    for d in &i.downloads {
        if kind != BenefitKind::Software {
            return Err(AppError::validation(
                "downloads",
                "downloads_not_allowed",
                "only software benefits have downloads",
            ));
        }
        let language = d.language.trim().to_ascii_lowercase();
        let os = d.os.trim().to_ascii_lowercase();
        if !DOWNLOAD_LANGUAGES.contains(&language.as_str()) || !DOWNLOAD_OS.contains(&os.as_str()) {
            return Err(AppError::validation(
                "downloads",
                "invalid_download",
                "a download is for ja, en or multi, and windows, macos, linux or any",
            ));
        }
        at_most("downloads", &d.label, 200)?;
        let url = d.url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2000 {
            return Err(AppError::validation(
                "downloads",
                "invalid_url",
                "a download's link is an http(s) URL",
            ));
        }
        if downloads
            .iter()
            .any(|o| o.language == language && o.os == os)
        {
            return Err(AppError::validation(
                "downloads",
                "duplicate_download",
                "one download per language and operating system",
            ));
        }
        downloads.push(Download {
            language,
            os,
            url: url.to_string(),
            label: d.label.trim().to_string(),
        });
    }
    Ok(Checked {
        code,
        kind,
        tier,
        months,
        offer_id,
        state,
        levels,
        downloads,
    })
}

fn rows(
    id: &str,
    i: &BenefitInput,
    ch: &Checked,
    version: i64,
    created_at: time::OffsetDateTime,
    now: time::OffsetDateTime,
) -> (
    benefit::Model,
    Vec<benefit_level::Model>,
    Vec<benefit_download::Model>,
) {
    let b = benefit::Model {
        id: id.to_string(),
        code: ch.code.clone(),
        kind: ch.kind.code().into(),
        name_ja: i.name_ja.trim().into(),
        name_en: i.name_en.trim().into(),
        description_ja: i.description_ja.trim().into(),
        description_en: i.description_en.trim().into(),
        instructions_ja: i.instructions_ja.trim().into(),
        instructions_en: i.instructions_en.trim().into(),
        tier: ch.tier.code().into(),
        months: ch.months,
        offer_id: ch.offer_id.clone(),
        state: ch.state.into(),
        version,
        created_at,
        updated_at: now,
    };
    let levels = ch
        .levels
        .iter()
        .map(|l| benefit_level::Model {
            id: Uuid::now_v7().to_string(),
            benefit_id: id.to_string(),
            level: l.level.code().into(),
            quantity: l.quantity,
            unit: l.unit.code().into(),
            amount_minor: l.amount_minor,
            currency: l.currency.clone(),
        })
        .collect();
    let downloads = ch
        .downloads
        .iter()
        .map(|d| benefit_download::Model {
            id: Uuid::now_v7().to_string(),
            benefit_id: id.to_string(),
            language: d.language.clone(),
            os: d.os.clone(),
            url: d.url.clone(),
            label: d.label.clone(),
        })
        .collect();
    (b, levels, downloads)
}

/// Writes a checked benefit, new or changed (guarded on `version`), in the caller's
/// transaction; whether it was created.
pub(crate) async fn write(
    c: &impl ConnectionTrait,
    i: &BenefitInput,
    ch: Checked,
    existing: Option<&benefit::Model>,
    now: time::OffsetDateTime,
) -> AppResult<(String, bool)> {
    match existing {
        Some(old) => {
            let (b, l, d) = rows(&old.id, i, &ch, old.version, old.created_at, now);
            if b.kind != old.kind && repo::benefits::is_allocated(c, &old.id).await? {
                return Err(AppError::validation(
                    "kind",
                    "kind_fixed",
                    "partners hold this benefit: its kind can no longer change",
                ));
            }
            repo::benefits::update(c, &b, old.version, l, d).await?;
            Ok((old.id.clone(), false))
        }
        None => {
            let id = Uuid::now_v7().to_string();
            let (b, l, d) = rows(&id, i, &ch, 1, now, now);
            repo::benefits::insert(c, b, l, d).await?;
            Ok((id, true))
        }
    }
}

async fn read(c: &impl ConnectionTrait, id: &str) -> AppResult<BenefitView> {
    let b = repo::benefits::get(c, id)
        .await?
        .ok_or(AppError::NotFound("benefit"))?;
    Ok(views(c, vec![b]).await?.remove(0))
}

/// Operator staff add a benefit to the catalog (its code unique).
pub async fn create(
    app: &App,
    ctx: &Ctx,
    input: BenefitInput,
    idem: Option<&str>,
) -> AppResult<Outcome<BenefitView>> {
    let me = operator(ctx)?;
    let key = Key::of_org(
        "benefits",
        me,
        idem,
        &serde_json::to_value(&input).unwrap_or_default(),
    )?;
    idempotency::once(app, key, async |key| {
        let ch = check(app.db.reader(), &input).await?;
        let now = app.now();
        let tx = app.db.begin().await?;
        if repo::benefits::by_code(&tx, &ch.code).await?.is_some() {
            return Err(AppError::Conflict {
                code: "duplicate_code",
                message: "another benefit has this code".into(),
            });
        }
        let (id, _) = write(&tx, &input, ch, None, now).await?;
        let v = read(&tx, &id).await?;
        audit::record(
            &tx,
            ctx,
            now,
            Event::new("benefit.created", "benefit", &id)
                .in_org(&me.org.id)
                .details(json!({ "code": v.code, "kind": v.kind })),
        )
        .await?;
        idempotency::keep(&tx, key, 201, &v, now).await?;
        tx.commit().await?;
        Ok(v)
    })
    .await
}

/// Operator staff change a benefit, guarded on the version they read (If-Match). What partners
/// already hold keeps its quantities: a change counts from the next package.
pub async fn update(
    app: &App,
    ctx: &Ctx,
    id: &str,
    input: BenefitInput,
    if_version: Option<i64>,
) -> AppResult<BenefitView> {
    let me = operator(ctx)?;
    let ch = check(app.db.reader(), &input).await?;
    let now = app.now();
    let tx = app.db.begin().await?;
    let old = repo::benefits::get(&tx, id)
        .await?
        .ok_or(AppError::NotFound("benefit"))?;
    if if_version.is_some_and(|v| v != old.version) {
        return Err(AppError::PreconditionFailed);
    }
    if ch.code != old.code {
        return Err(AppError::validation(
            "code",
            "code_fixed",
            "a benefit's code does not change",
        ));
    }
    write(&tx, &input, ch, Some(&old), now).await?;
    let v = read(&tx, id).await?;
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("benefit.updated", "benefit", id)
            .in_org(&me.org.id)
            .details(json!({ "code": v.code, "state": v.state })),
    )
    .await?;
    tx.commit().await?;
    Ok(v)
}

/// Who reads the catalog: operator staff (every benefit) and partner users (available ones).
fn reader(ctx: &Ctx) -> AppResult<bool> {
    let me = ctx.user()?;
    if me.may(Action::ManageBenefits) {
        return Ok(true);
    }
    me.require(Action::BuyBenefitPackage, "benefits")?;
    Ok(false)
}

/// The catalog, oldest first, of one kind if given (`state`: operator staff only).
pub async fn list(
    app: &App,
    ctx: &Ctx,
    kind: Option<&str>,
    state: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<BenefitView>> {
    let staff = reader(ctx)?;
    let kind = kind.map(BenefitKind::parse).transpose()?;
    let state = if staff { state } else { Some("available") };
    let c = app.db.reader();
    let page = repo::benefits::list(c, kind.map(BenefitKind::code), state, cursor, limit).await?;
    Ok(Page {
        items: views(c, page.items).await?,
        next_cursor: page.next_cursor,
    })
}

/// One benefit (a retired one for operator staff only).
pub async fn get(app: &App, ctx: &Ctx, id: &str) -> AppResult<BenefitView> {
    let staff = reader(ctx)?;
    let v = read(app.db.reader(), id).await?;
    if !staff && v.state != "available" {
        return Err(AppError::NotFound("benefit"));
    }
    Ok(v)
}
