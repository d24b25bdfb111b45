//! The Benefits pages (特典, R-BEN-1…3, seed 003): the partner's membership level and package,
//! the button to buy (or renew) it, and seed 003's tabs (Software, Azure & cloud products,
//! Visual Studio subscriptions, Technical benefits, Go-to-market), each a list of the
//! allocations of its kinds whose details unfold in place. Software benefits get their keys
//! here (greyed with the reason for users without the role) and show the download for the
//! chosen language and operating system. The rules are in keiro-app.

mod licenses;
mod operator;
mod uses;
pub use licenses::{check as check_license, page as license_page, redeem as redeem_license};
pub use operator::{
    confirm_offer, decide as decide_request, import_catalog, import_keys, import_status,
    page as operator_page,
};
pub use uses::{assign, reassign, remove as remove_assignment, send_request, set_contact};

use super::{Base, PageResult, Portal, SignedForm, no_store, render, t, t_args};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use keiro_app::benefits::{self as app, AllocationView};
use keiro_domain::Language;
use keiro_domain::benefit::{BenefitKind, DOWNLOAD_LANGUAGES, DOWNLOAD_OS, Tab};
use keiro_domain::display::money;
use serde::Deserialize;

/// A tab of the page.
pub struct TabLink {
    pub code: &'static str,
    pub label: String,
    pub current: bool,
}

/// A key got, as a software row lists it.
pub struct KeyRow {
    /// The key, or its last five characters for users who may not get keys.
    pub key: String,
    pub by: String,
    pub at: String,
}

/// A license benefit's key, as its row shows it.
pub struct LicenseKeyRow {
    /// The key can be redeemed now (unused, its benefit active).
    pub redeemable: bool,
    /// The key in full for users who may redeem it, else its last five characters.
    pub shown: String,
    /// The key, for the redeem form (users who may redeem only).
    pub full: Option<String>,
    pub state: String,
    pub by: String,
    pub at: String,
}

/// A choice of a select box: (value, label, chosen).
pub type Choice = (String, String, bool);

/// One allocation, as a row of a tab.
pub struct Row {
    pub id: String,
    pub name: String,
    pub description: String,
    pub instructions: String,
    pub quantity: String,
    pub tier: String,
    pub state_code: String,
    pub state: String,
    pub expires: String,
    pub software: bool,
    /// Why nothing more can be taken from it now (shown in place of its action), if so.
    pub unusable: Option<String>,
    pub license: bool,
    /// A technical benefit: its (access ID, contract ID, activated on) once activated.
    pub technical: bool,
    pub support_ids: Option<(String, String, String)>,
    pub license_key: Option<LicenseKeyRow>,
    pub left: i64,
    pub keys: Vec<KeyRow>,
    pub languages: Vec<Choice>,
    pub oses: Vec<Choice>,
    /// The download for the chosen language and OS: (url, label).
    pub download: Option<(String, String)>,
    /// A language and OS were chosen and no download matches them.
    pub download_missing: bool,
    pub open: bool,
    /// What its kind adds: holders, requests, activation (issue 18).
    pub uses: uses::Uses,
}

#[derive(Template)]
#[template(path = "benefits/page.html")]
pub struct BenefitsPage {
    pub b: Base,
    pub level: String,
    /// The running package's period, and the renewal's if bought.
    pub package: Option<String>,
    pub renewal: Option<String>,
    /// The buy button's label and the line above it, when a package can be bought now.
    pub buy: Option<(String, String)>,
    pub tabs: Vec<TabLink>,
    pub tab: &'static str,
    pub rows: Vec<Row>,
    /// What the empty state says to do.
    pub empty_help: String,
    /// Why the user cannot get keys (greyed), if so.
    pub activate_reason: Option<String>,
    /// How a license key may be redeemed: (code, label, chosen).
    pub modes: Vec<(String, String, bool)>,
    /// The running package's id and why it cannot be cancelled (greyed), if so.
    pub cancel: Option<(String, Option<String>)>,
    /// The Go-to-market tab's marketing contact, and why an offer cannot be activated (the
    /// role, or no contact yet), if so.
    pub contact: Option<uses::ContactBlock>,
    pub gtm_reason: Option<String>,
    pub idem: String,
}

#[derive(Deserialize)]
pub struct PageQuery {
    tab: Option<String>,
    /// The allocation whose details are open.
    open: Option<String>,
    language: Option<String>,
    os: Option<String>,
    done: Option<String>,
}

fn name(lang: Language, ja: &str, en: &str) -> String {
    match lang {
        Language::Ja => ja.to_string(),
        Language::En => en.to_string(),
    }
}

/// "2 keys", "5 users × US$100.00".
fn quantity(lang: Language, a: &AllocationView) -> String {
    let n = t_args(
        lang,
        &format!("benefit-unit-{}", a.unit),
        &[("n", a.quantity.to_string())],
    );
    match (a.amount_minor, a.currency.as_deref()) {
        (Some(m), Some(c)) => format!("{n} × {}", money(m, c)),
        _ => n,
    }
}

pub async fn page(State(s): State<AppState>, p: Portal, Query(q): Query<PageQuery>) -> PageResult {
    p.user()?;
    let notice = q
        .done
        .as_deref()
        .and_then(|d| super::i18n::try_t(p.lang, &format!("benefits-done-{d}"), &[]));
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
    let o = app::overview(&s.app, &ctx)
        .await
        .map_err(|e| p.app_error(e))?;
    let tab = q
        .tab
        .as_deref()
        .and_then(Tab::parse)
        .unwrap_or(Tab::Software);
    let period = |pk: &app::PackageView| {
        t_args(
            lang,
            "benefits-period",
            &[
                ("starts", p.date(pk.starts_at)),
                ("ends", p.date(pk.ends_at)),
            ],
        )
    };
    let buy = o.buy.as_ref().ok().map(|_| {
        if o.current.is_some() {
            (t(lang, "benefits-renew"), t(lang, "benefits-renew-intro"))
        } else {
            (t(lang, "benefits-buy"), t(lang, "benefits-buy-intro"))
        }
    });
    let empty_help = match (&o.current, &o.buy) {
        (Some(_), _) => t(lang, "benefits-empty-tab"),
        (None, Ok(_)) => t(lang, "benefits-empty-buy"),
        (None, Err(e)) => format!("{} {}", p.message_for(e), t(lang, "benefits-empty-level")),
    };
    let activate_reason = o.why_not_activate.as_ref().map(|e| p.message_for(e));
    let listed: Vec<&AllocationView> = o
        .allocations
        .iter()
        .filter(|a| a.kind().is_some_and(|k| tab.lists(k)))
        .collect();
    let level = o
        .current
        .as_ref()
        .map(|k| k.level.clone())
        .unwrap_or_default();
    let cx = uses::Context::load(
        s,
        p,
        &listed,
        o.why_not_assign.as_ref().map(|e| p.message_for(e)),
        o.why_not_activate.is_some(),
        &level,
    )
    .await?;
    let (contact, gtm_reason) = if tab == Tab::GoToMarket {
        let current = app::contact(&s.app, &ctx)
            .await
            .map_err(|e| p.app_error(e))?;
        let why = if activate_reason.is_some() {
            activate_reason.clone()
        } else if current.is_none() {
            Some(t(lang, "error-marketing_contact_required"))
        } else {
            None
        };
        let block = uses::contact_block(lang, current, &cx.members, activate_reason.clone());
        (Some(block), why)
    } else {
        (None, None)
    };
    let mut rows = Vec::new();
    for a in listed {
        let software = a.kind() == Some(BenefitKind::Software);
        let license = a.kind() == Some(BenefitKind::LicenseSubscription);
        let open = q.open.as_deref() == Some(a.id.as_str());
        let got = if software || license {
            app::keys(&s.app, &ctx, &a.id, None, 200)
                .await
                .map_err(|e| p.app_error(e))?
                .items
        } else {
            vec![]
        };
        let license_key = if license {
            got.first().map(|k| LicenseKeyRow {
                redeemable: k.state == "unused" && a.why_not_use().is_none(),
                shown: k.key.clone().unwrap_or_else(|| format!("…{}", k.last5)),
                full: k.key.clone(),
                state: t(lang, &format!("key-state-{}", k.state)),
                by: k.got_by.clone().unwrap_or_default(),
                at: k.got_at.map(|t| p.time(t)).unwrap_or_default(),
            })
        } else {
            None
        };
        let keys = if software {
            got.into_iter()
                .map(|k| KeyRow {
                    key: k.key.unwrap_or_else(|| format!("…{}", k.last5)),
                    by: k.got_by.unwrap_or_default(),
                    at: k.got_at.map(|t| p.time(t)).unwrap_or_default(),
                })
                .collect()
        } else {
            vec![]
        };
        let chosen = |v: &Option<String>| v.clone().filter(|_| open).unwrap_or_default();
        let (language, os) = (chosen(&q.language), chosen(&q.os));
        let download = a
            .benefit
            .downloads
            .iter()
            .find(|d| d.language == language && d.os == os)
            .map(|d| {
                let label = if d.label.is_empty() {
                    a.benefit.name(lang).to_string()
                } else {
                    d.label.clone()
                };
                (d.url.clone(), label)
            });
        let pick = |all: &[&str], prefix: &str, cur: &str| -> Vec<Choice> {
            all.iter()
                .map(|c| (c.to_string(), t(lang, &format!("{prefix}{c}")), *c == cur))
                .collect()
        };
        rows.push(Row {
            id: a.id.clone(),
            name: a.benefit.name(lang).to_string(),
            description: name(lang, &a.benefit.description_ja, &a.benefit.description_en),
            instructions: name(lang, &a.benefit.instructions_ja, &a.benefit.instructions_en),
            quantity: quantity(lang, a),
            tier: t(lang, &format!("benefit-tier-{}", a.tier)),
            state_code: match (a.kind(), a.state.as_str(), a.activation()) {
                (Some(BenefitKind::GoToMarket), "active", "none") => "inactive".into(),
                (Some(BenefitKind::GoToMarket), "active", "pending") => "pending".into(),
                _ => a.state.clone(),
            },
            state: match (a.kind(), a.state.as_str(), a.activation()) {
                (Some(BenefitKind::GoToMarket), "active", x @ ("none" | "pending")) => {
                    t(lang, &format!("benefit-activation-{x}"))
                }
                _ => t(lang, &format!("benefit-state-{}", a.state)),
            },
            expires: p.date(a.expires_at),
            software,
            unusable: a
                .why_not_use()
                .map(|r| t(lang, &format!("error-{}", r.code()))),
            license,
            technical: a.kind() == Some(BenefitKind::TechnicalSupport),
            support_ids: a
                .access_id
                .clone()
                .zip(a.contract_id.clone())
                .map(|(x, c)| (x, c, a.activated_at.map(|t| p.date(t)).unwrap_or_default())),
            license_key,
            left: a.left(),
            keys,
            languages: pick(&DOWNLOAD_LANGUAGES, "benefit-language-", &language),
            oses: pick(&DOWNLOAD_OS, "benefit-os-", &os),
            download_missing: download.is_none() && !language.is_empty() && !os.is_empty(),
            download,
            open,
            uses: uses::uses(p, &cx, a),
        });
    }
    let cancel = match &o.current {
        Some(pk) => {
            let why = app::why_not_cancel(&s.app, &ctx, &pk.id)
                .await
                .map_err(|e| p.app_error(e))?;
            Some((pk.id.clone(), why.map(|e| p.message_for(&e))))
        }
        None => None,
    };
    let mut b = p.base("benefits-title");
    b.error = error;
    b.notice = notice;
    let page = BenefitsPage {
        b,
        level: t(lang, &format!("benefit-level-{}", o.level)),
        package: o.current.as_ref().map(period),
        renewal: o.renewal.as_ref().map(period),
        buy,
        tabs: Tab::ALL
            .iter()
            .map(|x| TabLink {
                code: x.code(),
                label: t(lang, &format!("benefits-tab-{}", x.code())),
                current: *x == tab,
            })
            .collect(),
        tab: tab.code(),
        rows,
        empty_help,
        activate_reason,
        modes: keiro_domain::benefit::LicenseMode::ALL
            .iter()
            .map(|m| {
                let c = m.code();
                (
                    c.to_string(),
                    t(lang, &format!("benefits-mode-{c}")),
                    c == "extend",
                )
            })
            .collect(),
        cancel,
        contact,
        gtm_reason,
        idem: super::form::idem(),
    };
    Ok((status, no_store(render(&page))).into_response())
}

/// A global admin or membership admin activates a technical benefit (its row opens with the
/// IDs) or a go-to-market offer (pending until operator staff confirm it).
pub async fn activate(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<IdemForm>,
) -> PageResult {
    let tab = if f.tab == "go-to-market" {
        "go-to-market"
    } else {
        "technical"
    };
    match app::activate(&s.app, &p.ctx(), &id).await {
        Ok(a) => {
            let done = if a.activation() == "pending" {
                "offer_pending"
            } else {
                "activated"
            };
            Ok(Redirect::to(&format!(
                "/benefits?tab={tab}&open={id}&done={done}#benefit-{id}"
            ))
            .into_response())
        }
        Err(e) => refused(&s, &p, tab, Some(id), e).await,
    }
}

#[derive(Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    idem: String,
}

/// A global admin asks the operator to cancel the running package for a refund.
pub async fn request_cancellation(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<CancelForm>,
) -> PageResult {
    let idem = Some(f.idem.as_str()).filter(|k| !k.is_empty());
    match app::request_cancellation(&s.app, &p.ctx(), &id, &f.reason, idem).await {
        Ok(_) => Ok(Redirect::to("/benefits?done=cancellation_requested").into_response()),
        Err(e) => refused(&s, &p, "software", None, e).await,
    }
}

#[derive(Deserialize)]
pub struct IdemForm {
    #[serde(default)]
    idem: String,
    #[serde(default)]
    tab: String,
}

fn idem_of(f: &IdemForm) -> Option<&str> {
    Some(f.idem.as_str()).filter(|k| !k.is_empty())
}

/// The page again with a refusal's message (the rules' own words, in the reader's language).
pub(super) async fn refused(
    s: &AppState,
    p: &Portal,
    tab: &str,
    open: Option<String>,
    e: keiro_app::AppError,
) -> PageResult {
    match e {
        e @ (keiro_app::AppError::Validation(_)
        | keiro_app::AppError::Conflict { .. }
        | keiro_app::AppError::Forbidden { .. }) => {
            let status = crate::problem::status_of(&e);
            let q = PageQuery {
                tab: Some(tab.to_string()),
                open,
                language: None,
                os: None,
                done: None,
            };
            show(s, p, q, status, Some(p.message_for(&e)), None).await
        }
        e => Err(p.app_error(e)),
    }
}

/// Any partner user buys (or renews) the package of its level.
pub async fn buy(State(s): State<AppState>, SignedForm(p, f): SignedForm<IdemForm>) -> PageResult {
    match app::buy(&s.app, &p.ctx(), idem_of(&f)).await {
        Ok(_) => Ok(Redirect::to("/benefits?done=package_bought").into_response()),
        Err(e) => refused(&s, &p, &f.tab, None, e).await,
    }
}

/// A global admin or membership admin gets the next key of a software benefit; the row opens
/// with the key listed.
pub async fn get_key(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<IdemForm>,
) -> PageResult {
    match app::get_key(&s.app, &p.ctx(), &id, idem_of(&f)).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/benefits?tab=software&open={id}&done=key_got#benefit-{id}"
        ))
        .into_response()),
        Err(e) => refused(&s, &p, "software", Some(id), e).await,
    }
}
