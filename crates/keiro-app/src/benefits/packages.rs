//! Benefit packages and the ledger (R-BEN-1, R-BEN-2): a partner user buys the package of the
//! level its membership record says (no admin role needed), for one year from now or, as a
//! renewal, from the end of the running one; the purchase grants one allocation per benefit of
//! that level, with its audit row, event and email, in one transaction under the partner's
//! lock. A level change counts from the next package.

use super::{catalog, conflict, partner_user, why_not};
use crate::audit::{self, Event};
use crate::idempotency::{self, Key, Outcome};
use crate::{App, AppError, AppResult, Ctx, CurrentUser, mail, outbox};
use keiro_domain::benefit::{self as rules, AllocationState, BenefitKind, BuyRefusal, Period};
use keiro_domain::enrollment::{MembershipLevel, MembershipStatus};
use keiro_domain::{Action, OrgKind};
use keiro_store::entities::{benefit_allocation, benefit_package, organization};
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

pub(crate) fn buy_refused(r: BuyRefusal) -> AppError {
    AppError::Conflict {
        code: r.code(),
        message: r.message().into(),
    }
}

/// A package as partners and operator staff see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PackageView {
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    pub level: String,
    /// scheduled, active, ended or cancelled.
    pub state: String,
    pub bought_at: OffsetDateTime,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub cancelled_at: Option<OffsetDateTime>,
    pub version: i64,
}

fn package_state(p: &benefit_package::Model, now: OffsetDateTime) -> &'static str {
    if p.state == "cancelled" {
        "cancelled"
    } else if now < p.starts_at {
        "scheduled"
    } else if now >= p.ends_at {
        "ended"
    } else {
        "active"
    }
}

pub(crate) fn package_view(
    p: benefit_package::Model,
    org_name: &str,
    now: OffsetDateTime,
) -> PackageView {
    PackageView {
        state: package_state(&p, now).into(),
        id: p.id,
        org_id: p.org_id,
        org_name: org_name.into(),
        level: p.level,
        bought_at: p.bought_at,
        starts_at: p.starts_at,
        ends_at: p.ends_at,
        cancelled_at: p.cancelled_at,
        version: p.version,
    }
}

/// One allocation of the ledger, with what its benefit says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AllocationView {
    pub id: String,
    pub org_id: String,
    pub package_id: String,
    pub benefit: catalog::BenefitView,
    pub kind: String,
    pub tier: String,
    pub quantity: i64,
    pub unit: String,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub used: i64,
    /// scheduled, active, expired or cancelled.
    pub state: String,
    pub starts_at: OffsetDateTime,
    /// The last moment it may be activated.
    pub expires_at: OffsetDateTime,
    /// A technical benefit's activation and the IDs every user of the partner sees (R-BEN-7).
    pub activated_at: Option<OffsetDateTime>,
    pub access_id: Option<String>,
    pub contract_id: Option<String>,
    /// A go-to-market offer's confirmation by operator staff (pending until then, R-BEN-9).
    pub confirmed_at: Option<OffsetDateTime>,
    /// A monthly credit: when this month's credit lapses and the next one starts (R-BEN-4).
    pub renews_at: Option<OffsetDateTime>,
    pub version: i64,
}

impl AllocationView {
    /// Where its activation stands: none, pending (a go-to-market offer operator staff have not
    /// confirmed yet) or active.
    pub fn activation(&self) -> &'static str {
        match (self.activated_at, self.confirmed_at, self.kind()) {
            (None, _, _) => "none",
            (Some(_), None, Some(BenefitKind::GoToMarket)) => "pending",
            _ => "active",
        }
    }
    pub fn left(&self) -> i64 {
        (self.quantity - self.used).max(0)
    }
    pub fn kind(&self) -> Option<BenefitKind> {
        BenefitKind::parse(&self.kind).ok()
    }
    /// Why nothing more can be taken from it now, if so: not active, or (software) every key
    /// got. The refusal its use cases give, for a page to show in place of the action.
    pub fn why_not_use(&self) -> Option<keiro_domain::benefit::KeyRefusal> {
        use keiro_domain::benefit::KeyRefusal;
        if self.state != AllocationState::Active.code() {
            Some(KeyRefusal::NotActive)
        } else if self.kind() == Some(BenefitKind::Software) && self.left() == 0 {
            Some(KeyRefusal::AllKeysGot)
        } else {
            None
        }
    }
}

pub(crate) async fn allocation_views(
    c: &impl ConnectionTrait,
    rows: Vec<benefit_allocation::Model>,
    now: OffsetDateTime,
) -> AppResult<Vec<AllocationView>> {
    let mut ids: Vec<String> = rows.iter().map(|a| a.benefit_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let benefits = catalog::views(c, repo::benefits::by_ids(c, ids).await?).await?;
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            let b = benefits.iter().find(|b| b.id == a.benefit_id)?.clone();
            let state = AllocationState::at(a.state == "cancelled", a.starts_at, a.expires_at, now);
            let monthly = a.kind == BenefitKind::AzureMonthlyCredit.code();
            Some(AllocationView {
                state: state.code().into(),
                renews_at: (monthly && state == AllocationState::Active)
                    .then(|| rules::monthly_renewal(a.starts_at, now).min(a.expires_at)),
                confirmed_at: a.confirmed_at,
                id: a.id,
                org_id: a.org_id,
                package_id: a.package_id,
                benefit: b,
                kind: a.kind,
                tier: a.tier,
                quantity: a.quantity,
                unit: a.unit,
                amount_minor: a.amount_minor,
                currency: a.currency,
                used: a.used,
                starts_at: a.starts_at,
                expires_at: a.expires_at,
                activated_at: a.activated_at,
                access_id: a.access_id,
                contract_id: a.contract_id,
                version: a.version,
            })
        })
        .collect())
}

/// The partner's level as its membership record says now (none without a record).
async fn level_of(
    c: &impl ConnectionTrait,
    org_id: &str,
) -> AppResult<(MembershipLevel, MembershipStatus)> {
    Ok(match repo::registry::claimed_by(c, org_id).await? {
        Some(r) => (
            MembershipLevel::parse(&r.level).unwrap_or(MembershipLevel::None),
            MembershipStatus::parse(&r.status).unwrap_or(MembershipStatus::Inactive),
        ),
        None => (MembershipLevel::None, MembershipStatus::Inactive),
    })
}

fn periods(packages: &[benefit_package::Model]) -> Vec<Period> {
    packages
        .iter()
        .filter(|p| p.state != "cancelled")
        .map(|p| Period {
            starts_at: p.starts_at,
            ends_at: p.ends_at,
        })
        .collect()
}

/// Where a package bought now would start, or why none can be bought.
async fn may_buy(
    c: &impl ConnectionTrait,
    org_id: &str,
    now: OffsetDateTime,
) -> AppResult<Result<(OffsetDateTime, MembershipLevel), BuyRefusal>> {
    let (level, status) = level_of(c, org_id).await?;
    let packages = repo::benefits::packages_of(c, org_id).await?;
    Ok(rules::next_start(level, status, &periods(&packages), now).map(|start| (start, level)))
}

/// The Benefits page: the partner's level, the package running now (and a renewal bought
/// ahead), the running package's allocations, and what the signed-in user may do.
#[derive(Debug)]
pub struct Overview {
    pub level: String,
    pub membership_active: bool,
    pub current: Option<PackageView>,
    pub renewal: Option<PackageView>,
    pub allocations: Vec<AllocationView>,
    /// Where a package bought now would start, or why none can be.
    pub buy: Result<OffsetDateTime, AppError>,
    /// Why the user cannot activate benefits or get keys (R-BEN-1), if so.
    pub why_not_activate: Option<AppError>,
    /// Why the user cannot assign benefits or ask to cancel (R-BEN-1), if so.
    pub why_not_assign: Option<AppError>,
}

pub async fn overview(app: &App, ctx: &Ctx) -> AppResult<Overview> {
    let me = partner_user(ctx)?;
    let c = app.db.reader();
    let now = app.now();
    let (level, status) = level_of(c, &me.org.id).await?;
    let packages = repo::benefits::packages_of(c, &me.org.id).await?;
    let buy = rules::next_start(level, status, &periods(&packages), now).map_err(buy_refused);
    let live = |p: &&benefit_package::Model| p.state != "cancelled";
    let current = packages
        .iter()
        .filter(live)
        .find(|p| p.starts_at <= now && now < p.ends_at)
        .cloned();
    let renewal = packages
        .iter()
        .filter(live)
        .find(|p| p.starts_at > now)
        .cloned();
    let allocations = match &current {
        Some(p) => {
            let rows = repo::benefits::allocations_of(c, vec![p.id.clone()]).await?;
            allocation_views(c, rows, now).await?
        }
        None => Vec::new(),
    };
    Ok(Overview {
        level: level.code().into(),
        membership_active: status == MembershipStatus::Active,
        current: current.map(|p| package_view(p, &me.org.legal_name, now)),
        renewal: renewal.map(|p| package_view(p, &me.org.legal_name, now)),
        allocations,
        buy,
        why_not_activate: why_not(me, Action::ActivateBenefits),
        why_not_assign: why_not(me, Action::AssignBenefits),
    })
}

/// A partner user buys the package of its level (R-BEN-1): from now, or from the end of the
/// running package as its renewal (in its last 90 days). One transaction under the partner's
/// lock writes the package, one allocation per benefit of the level, the audit row, the event
/// and the email; a retry with the same `Idempotency-Key` answers the same package.
pub async fn buy(app: &App, ctx: &Ctx, idem: Option<&str>) -> AppResult<Outcome<PackageView>> {
    let me = partner_user(ctx)?;
    let key = Key::of_org("benefit_packages", me, idem, &json!({}))?;
    idempotency::once(app, key, async |key| {
        let now = app.now();
        let tx = app.db.begin().await?;
        repo::orgs::lock(&tx, &me.org.id).await?;
        let (start, level) = may_buy(&tx, &me.org.id, now).await?.map_err(buy_refused)?;
        let grants = repo::benefits::for_level(&tx, level.code()).await?;
        if grants.is_empty() {
            return Err(buy_refused(BuyRefusal::NoBenefitsForLevel));
        }
        let seq = repo::benefits::packages_of(&tx, &me.org.id)
            .await?
            .iter()
            .map(|p| p.seq)
            .max()
            .unwrap_or(0)
            + 1;
        let p = benefit_package::Model {
            id: Uuid::now_v7().to_string(),
            org_id: me.org.id.clone(),
            seq,
            level: level.code().into(),
            state: "active".into(),
            bought_by: Some(me.user.id.clone()),
            bought_at: now,
            starts_at: start,
            ends_at: rules::add_months(start, rules::PACKAGE_MONTHS as u32),
            cancelled_at: None,
            version: 1,
        };
        let allocations: Vec<benefit_allocation::Model> = grants
            .iter()
            .map(|(b, share)| benefit_allocation::Model {
                id: Uuid::now_v7().to_string(),
                package_id: p.id.clone(),
                org_id: me.org.id.clone(),
                benefit_id: b.id.clone(),
                kind: b.kind.clone(),
                tier: b.tier.clone(),
                quantity: share.quantity,
                unit: share.unit.clone(),
                amount_minor: share.amount_minor,
                currency: share.currency.clone(),
                used: 0,
                state: "active".into(),
                starts_at: start,
                expires_at: rules::add_months(start, b.months.clamp(1, rules::MAX_MONTHS) as u32),
                expiry_notified: false,
                version: 1,
                created_at: now,
                activated_at: None,
                activated_by: None,
                access_id: None,
                contract_id: None,
                confirmed_at: None,
                confirmed_by: None,
            })
            .collect();
        let count = allocations.len();
        let licenses: Vec<(String, benefit_allocation::Model)> = allocations
            .iter()
            .filter_map(|a| {
                let (b, _) = grants.iter().find(|(b, _)| b.id == a.benefit_id)?;
                let offer = b.offer_id.clone()?;
                (a.kind == BenefitKind::LicenseSubscription.code()).then(|| (offer, a.clone()))
            })
            .collect();
        repo::benefits::insert_package(&tx, p.clone(), allocations)
            .await
            .map_err(|e| match e {
                keiro_store::StoreError::Duplicate(_) => conflict(
                    "package_being_bought",
                    "another purchase just landed; reload",
                ),
                e => e.into(),
            })?;
        if !licenses.is_empty() {
            let operator = repo::orgs::find_operator(&tx)
                .await?
                .ok_or(AppError::Internal("no operator organization".into()))?;
            for (offer, a) in &licenses {
                super::licenses::make_key(&tx, app, &operator.id, offer, a).await?;
            }
        }
        let renewal = start > now;
        audit::record(
            &tx,
            ctx,
            now,
            Event::new("benefit_package.bought", "benefit_package", &p.id)
                .in_org(&me.org.id)
                .details(
                    json!({ "level": p.level, "starts_at": audit::moment(p.starts_at),
                    "allocations": count, "renewal": renewal }),
                ),
        )
        .await?;
        outbox::enqueue_event(
            &tx,
            app,
            &[&me.org.id],
            "benefit_package.bought",
            json!({ "package": p.id, "level": p.level, "renewal": renewal }),
        )
        .await?;
        let template = if renewal {
            "benefit-package-renewed"
        } else {
            "benefit-package-granted"
        };
        notify(&tx, app, &me.org, template, &p, None).await?;
        let v = package_view(p, &me.org.legal_name, now);
        idempotency::keep(&tx, key, 201, &v, now).await?;
        tx.commit().await?;
        Ok(v)
    })
    .await
}

/// Emails the partner's contact about a package (granted, renewed, cancelled) in their
/// language.
pub(crate) async fn notify(
    c: &impl ConnectionTrait,
    app: &App,
    org: &organization::Model,
    template: &str,
    p: &benefit_package::Model,
    reason: Option<&str>,
) -> AppResult<()> {
    let Some(to) = crate::orgs::contact(c, org).await? else {
        return Ok(());
    };
    let day = |t| mail::date(app, t, to.lang);
    outbox::enqueue_email(
        c,
        app,
        Some(&org.id),
        template,
        &to.email,
        to.lang,
        &[
            ("name", to.name.clone()),
            ("company", org.legal_name.clone()),
            (
                "level",
                mail::phrase(to.lang, &format!("level-{}", p.level)),
            ),
            ("starts", day(p.starts_at)),
            ("ends", day(p.ends_at)),
            ("reason", reason.unwrap_or_default().to_string()),
        ],
    )
    .await
}

/// Whose packages a list shows: a partner its own; operator staff every partner's (or one's).
fn scope<'a>(me: &'a CurrentUser, org: Option<&'a str>) -> AppResult<Option<&'a str>> {
    if me.may(Action::ManageBenefits) {
        return Ok(org);
    }
    me.require(Action::BuyBenefitPackage, "benefits")?;
    Ok(Some(&me.org.id))
}

/// Packages, newest first: a partner's own, or for operator staff every partner's (`org`:
/// one partner's).
pub async fn packages(
    app: &App,
    ctx: &Ctx,
    org: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<PackageView>> {
    let me = ctx.user()?;
    let org = scope(me, org)?;
    let c = app.db.reader();
    let page = repo::benefits::all_packages(c, org, cursor, limit).await?;
    let names =
        repo::orgs::by_ids(c, page.items.iter().map(|p| p.org_id.clone()).collect()).await?;
    let now = app.now();
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|p| {
                let name = names
                    .iter()
                    .find(|o| o.id == p.org_id)
                    .map(|o| o.legal_name.clone())
                    .unwrap_or_default();
                package_view(p, &name, now)
            })
            .collect(),
        next_cursor: page.next_cursor,
    })
}

/// The package `id`, the partner's own or (operator staff) anyone's; another partner's is 404.
pub(crate) async fn package_row(
    c: &impl ConnectionTrait,
    me: &CurrentUser,
    id: &str,
) -> AppResult<benefit_package::Model> {
    let row = if me.may(Action::ManageBenefits) {
        repo::benefits::package(c, id).await?
    } else {
        me.require(Action::BuyBenefitPackage, "benefits")?;
        repo::benefits::package_in_org(c, &me.org.id, id).await?
    };
    row.ok_or(AppError::NotFound("benefit_package"))
}

pub async fn package(app: &App, ctx: &Ctx, id: &str) -> AppResult<PackageView> {
    let me = ctx.user()?;
    let c = app.db.reader();
    let p = package_row(c, me, id).await?;
    let name = repo::orgs::get(c, &p.org_id)
        .await?
        .map(|o| o.legal_name)
        .unwrap_or_default();
    Ok(package_view(p, &name, app.now()))
}

/// Allocations, newest first: the partner's own, or for operator staff those of `org`
/// (required) — of one package and kind if given.
pub async fn allocations(
    app: &App,
    ctx: &Ctx,
    org: Option<&str>,
    package: Option<&str>,
    kind: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<AllocationView>> {
    let me = ctx.user()?;
    let kind = kind.map(BenefitKind::parse).transpose()?;
    let c = app.db.reader();
    let org = match scope(me, org)? {
        Some(o) => o.to_string(),
        None => match package {
            Some(p) => package_row(c, me, p).await?.org_id,
            None => {
                return Err(AppError::validation(
                    "org_id",
                    "required",
                    "operator staff name the partner (org_id) or the package (package_id)",
                ));
            }
        },
    };
    let page = repo::benefits::allocations_in_org(
        c,
        &org,
        package,
        kind.map(BenefitKind::code),
        cursor,
        limit,
    )
    .await?;
    Ok(Page {
        items: allocation_views(c, page.items, app.now()).await?,
        next_cursor: page.next_cursor,
    })
}

/// The allocation `id`, the partner's own or (operator staff) anyone's; another partner's is 404.
pub(crate) async fn allocation_row(
    c: &impl ConnectionTrait,
    me: &CurrentUser,
    id: &str,
) -> AppResult<benefit_allocation::Model> {
    let row = if me.may(Action::ManageBenefits) {
        repo::benefits::allocation(c, id).await?
    } else {
        me.require(Action::BuyBenefitPackage, "benefits")?;
        if me.actor.org_kind != OrgKind::Partner {
            return Err(AppError::NotFound("benefit_allocation"));
        }
        repo::benefits::allocation_in_org(c, &me.org.id, id).await?
    };
    row.ok_or(AppError::NotFound("benefit_allocation"))
}

pub async fn allocation(app: &App, ctx: &Ctx, id: &str) -> AppResult<AllocationView> {
    let me = ctx.user()?;
    let c = app.db.reader();
    let a = allocation_row(c, me, id).await?;
    Ok(allocation_views(c, vec![a], app.now()).await?.remove(0))
}
