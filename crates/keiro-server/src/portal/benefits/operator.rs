//! The operator console for benefits (/operator/benefits, R-BEN-2, R-BEN-3, R-BEN-7…10): the
//! partners' service requests (cancellations to approve or refuse with a reason, technical
//! support and advisory requests to answer, recording advisory hours used), the go-to-market
//! offers waiting for confirmation, every
//! partner's packages and a package's allocations, the software key pools with their CSV
//! import, and the benefit catalog with its CSV import. Imports run as jobs on any node.

use super::super::{Base, PageResult, Portal, SignedForm, no_store, render, t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use keiro_app::benefits as app;
use keiro_domain::Action;
use keiro_domain::job::JobKind;
use serde::Deserialize;

pub struct RequestRow {
    pub id: String,
    pub partner: String,
    pub kind: String,
    pub description: String,
    pub opened: String,
    pub by: String,
    pub state_code: String,
    pub state: String,
    pub decision: String,
    /// A support or advisory request (answered), not a cancellation (approved or refused).
    pub answerable: bool,
    pub advisory: bool,
    /// A support request's topic and the IDs it carries.
    pub topic: String,
    pub ids: String,
    pub hours: Option<i64>,
}

/// A go-to-market offer waiting for confirmation.
pub struct OfferRow {
    pub id: String,
    pub partner: String,
    pub name: String,
    pub activated: String,
    pub expires: String,
    /// The marketing contact: (name, email, phone and language).
    pub contact: Option<(String, String, String)>,
}

pub struct PackageRow {
    pub id: String,
    pub partner: String,
    pub level: String,
    pub state: String,
    pub period: String,
    pub bought: String,
}

pub struct AllocationRow {
    pub name: String,
    pub quantity: String,
    pub used: i64,
    pub state: String,
    pub expires: String,
}

pub struct PoolRow {
    pub name: String,
    pub code: String,
    pub available: i64,
    pub handed_out: i64,
}

pub struct BenefitRow {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub tier: String,
    pub levels: String,
    pub state: String,
}

#[derive(Template)]
#[template(path = "benefits/operator.html")]
pub struct OperatorPage {
    pub b: Base,
    pub view: String,
    pub tabs: Vec<(&'static str, String, bool)>,
    pub requests: Vec<RequestRow>,
    pub packages: Vec<PackageRow>,
    /// The package whose allocations are shown, and them.
    pub package: Option<(String, Vec<AllocationRow>)>,
    pub pools: Vec<PoolRow>,
    pub catalog: Vec<BenefitRow>,
    pub offers: Vec<OfferRow>,
}

#[derive(Deserialize)]
pub struct PageQuery {
    view: Option<String>,
    package: Option<String>,
    done: Option<String>,
}

const VIEWS: [&str; 5] = ["requests", "offers", "packages", "pools", "catalog"];

fn staff(p: &Portal) -> Result<(), axum::response::Response> {
    let me = p.user()?;
    me.require(Action::ManageBenefits, "page")
        .map_err(|e| p.app_error(e))
}

pub async fn page(State(s): State<AppState>, p: Portal, Query(q): Query<PageQuery>) -> PageResult {
    staff(&p)?;
    let notice = q
        .done
        .as_deref()
        .and_then(|d| super::super::i18n::try_t(p.lang, &format!("benefits-op-done-{d}"), &[]));
    show(&s, &p, q, StatusCode::OK, None, notice).await
}

async fn show(
    s: &AppState,
    p: &Portal,
    q: PageQuery,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> PageResult {
    let ctx = p.ctx();
    let lang = p.lang;
    let err = |e| p.app_error(e);
    let view = q
        .view
        .filter(|v| VIEWS.contains(&v.as_str()))
        .unwrap_or_else(|| "requests".into());
    let mut page = OperatorPage {
        b: p.base("benefits-op-title"),
        tabs: VIEWS
            .iter()
            .map(|v| (*v, t(lang, &format!("benefits-op-tab-{v}")), *v == view))
            .collect(),
        view: view.clone(),
        requests: vec![],
        packages: vec![],
        package: None,
        pools: vec![],
        catalog: vec![],
        offers: vec![],
    };
    page.b.error = error;
    page.b.notice = notice;
    let level = |l: &str| t(lang, &format!("benefit-level-{l}"));
    match view.as_str() {
        "requests" => {
            let rows = app::requests(&s.app, &ctx, None, None, None, 100)
                .await
                .map_err(err)?;
            page.requests = rows
                .items
                .into_iter()
                .map(|r| RequestRow {
                    answerable: r.kind != "cancellation",
                    advisory: r.kind == "advisory",
                    topic: r
                        .topic
                        .as_deref()
                        .map(|x| t(lang, &format!("benefits-topic-{x}")))
                        .unwrap_or_default(),
                    ids: match (&r.access_id, &r.contract_id) {
                        (Some(a), Some(c)) => format!("{a} / {c}"),
                        _ => String::new(),
                    },
                    hours: r.hours_used,
                    partner: r.org_name,
                    kind: t(lang, &format!("benefits-request-{}", r.kind)),
                    description: r.description,
                    opened: p.time(r.opened_at),
                    by: r.opened_by.unwrap_or_default(),
                    state: t(lang, &format!("benefits-request-state-{}", r.state)),
                    state_code: r.state,
                    decision: r.decision_reason.unwrap_or_default(),
                    id: r.id,
                })
                .collect();
        }
        "offers" => {
            let rows = app::pending(&s.app, &ctx, None, 200).await.map_err(err)?;
            page.offers = rows
                .items
                .into_iter()
                .map(|o| OfferRow {
                    partner: o.org_name,
                    name: o.allocation.benefit.name(lang).to_string(),
                    activated: o
                        .allocation
                        .activated_at
                        .map(|x| p.time(x))
                        .unwrap_or_default(),
                    expires: p.date(o.allocation.expires_at),
                    contact: o.contact.map(|c| {
                        let phone = format!("{} ({})", c.phone, c.language);
                        (c.user_name, c.email, phone)
                    }),
                    id: o.allocation.id,
                })
                .collect();
        }
        "packages" => {
            let rows = app::packages(&s.app, &ctx, None, None, 100)
                .await
                .map_err(err)?;
            page.packages = rows
                .items
                .into_iter()
                .map(|k| PackageRow {
                    partner: k.org_name,
                    level: level(&k.level),
                    state: t(lang, &format!("benefits-package-state-{}", k.state)),
                    period: format!("{} – {}", p.date(k.starts_at), p.date(k.ends_at)),
                    bought: p.time(k.bought_at),
                    id: k.id,
                })
                .collect();
            if let Some(id) = q.package.as_deref() {
                let rows = app::allocations(&s.app, &ctx, None, Some(id), None, None, 200)
                    .await
                    .map_err(err)?;
                let list = rows
                    .items
                    .into_iter()
                    .map(|a| AllocationRow {
                        name: a.benefit.name(lang).to_string(),
                        quantity: super::quantity(lang, &a),
                        used: a.used,
                        state: t(lang, &format!("benefit-state-{}", a.state)),
                        expires: p.date(a.expires_at),
                    })
                    .collect();
                page.package = Some((id.to_string(), list));
            }
        }
        "pools" => {
            let rows = app::pools(&s.app, &ctx, None, 200).await.map_err(err)?;
            page.pools = rows
                .items
                .into_iter()
                .map(|r| PoolRow {
                    name: super::name(lang, &r.name_ja, &r.name_en),
                    code: r.code,
                    available: r.available,
                    handed_out: r.handed_out,
                })
                .collect();
        }
        _ => {
            let rows = app::list(&s.app, &ctx, None, None, None, 200)
                .await
                .map_err(err)?;
            page.catalog = rows
                .items
                .into_iter()
                .map(|b| BenefitRow {
                    levels: b
                        .levels
                        .iter()
                        .map(|l| format!("{} {}", level(&l.level), l.quantity))
                        .collect::<Vec<_>>()
                        .join(" / "),
                    name: b.name(lang).to_string(),
                    kind: t(lang, &format!("benefit-kind-{}", b.kind)),
                    tier: t(lang, &format!("benefit-tier-{}", b.tier)),
                    state: t(lang, &format!("benefits-op-state-{}", b.state)),
                    code: b.code,
                })
                .collect();
        }
    }
    Ok((status, no_store(render(&page))).into_response())
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    hours: String,
}

/// The console's view again with a refusal's message.
async fn refused(s: &AppState, p: &Portal, view: &str, e: keiro_app::AppError) -> PageResult {
    match e {
        e @ (keiro_app::AppError::Validation(_) | keiro_app::AppError::Conflict { .. }) => {
            let q = PageQuery {
                view: Some(view.into()),
                package: None,
                done: None,
            };
            let status = crate::problem::status_of(&e);
            show(s, p, q, status, Some(p.message_for(&e)), None).await
        }
        e => Err(p.app_error(e)),
    }
}

/// Operator staff approve or refuse a cancellation with a reason, or answer a support or
/// advisory request (recording the advisory hours used).
pub async fn decide(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<DecideForm>,
) -> PageResult {
    staff(&p)?;
    let done = if f.decision == "answer" {
        let hours = match f.hours.trim() {
            "" => None,
            h => match h.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    let e = keiro_app::AppError::Conflict {
                        code: "hours_over_balance",
                        message: "hours are a whole number".into(),
                    };
                    return refused(&s, &p, "requests", e).await;
                }
            },
        };
        app::answer(&s.app, &p.ctx(), &id, &f.reason, hours).await
    } else {
        app::decide(&s.app, &p.ctx(), &id, f.decision == "approve", &f.reason).await
    };
    match done {
        Ok(v) => Ok(
            Redirect::to(&format!("/operator/benefits?done=request_{}", v.state)).into_response(),
        ),
        Err(e) => refused(&s, &p, "requests", e).await,
    }
}

/// Operator staff confirm a go-to-market offer a partner activated.
pub async fn confirm_offer(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, _f): SignedForm<DecideForm>,
) -> PageResult {
    staff(&p)?;
    match app::confirm(&s.app, &p.ctx(), &id).await {
        Ok(_) => {
            Ok(Redirect::to("/operator/benefits?view=offers&done=offer_confirmed").into_response())
        }
        Err(e) => refused(&s, &p, "offers", e).await,
    }
}

/// Queues a pool key import.
pub async fn import_keys(State(s): State<AppState>, p: Portal, mp: Multipart) -> PageResult {
    staff(&p)?;
    super::super::import::start(
        &s,
        &p,
        mp,
        JobKind::BenefitKeyImport,
        "/operator/benefits/imports",
    )
    .await
}

/// Queues a catalog import.
pub async fn import_catalog(State(s): State<AppState>, p: Portal, mp: Multipart) -> PageResult {
    staff(&p)?;
    super::super::import::start(
        &s,
        &p,
        mp,
        JobKind::BenefitCatalogImport,
        "/operator/benefits/imports",
    )
    .await
}

/// An import's progress, then its report.
pub async fn import_status(
    State(s): State<AppState>,
    p: Portal,
    Path(id): Path<String>,
) -> PageResult {
    staff(&p)?;
    super::super::import::status(&s, &p, &id, ("/operator/benefits", "benefits-op-title")).await
}
