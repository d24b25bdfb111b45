//! Using benefits on the Benefits page, per kind (R-BEN-4, R-BEN-6…9, issue 18): who holds each
//! Azure credit and Visual Studio subscription, with Assign, Remove and Reassign (greyed with
//! the reason, or the date it becomes possible); technical support and advisory requests with
//! their forms; the marketing contact and the go-to-market offers' activation. What a row shows
//! is built here; the rules are keiro-app's.

use super::super::{PageResult, Portal, SignedForm, t, t_args};
use super::{Choice, refused};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use keiro_app::benefits::{self as app, AllocationView, AssignmentView, ContactView, RequestView};
use keiro_domain::Language;
use keiro_domain::benefit::{BenefitKind, SupportTopic};
use keiro_domain::display::money;
use serde::Deserialize;

/// Who holds one unit, as a row lists it.
pub struct HolderRow {
    pub id: String,
    pub slot: i64,
    pub name: String,
    pub email: String,
    pub since: String,
    /// A monthly credit's user may be removed.
    pub removable: bool,
    /// Users it may move to (empty: it cannot move now).
    pub move_to: Vec<Choice>,
    /// What moving it says: until when (annual credit), from when (Visual Studio), or why not.
    pub move_note: String,
}

/// A request sent through a benefit.
pub struct SentRequest {
    pub id: String,
    pub topic: String,
    pub description: String,
    pub opened: String,
    pub by: String,
    pub state_code: String,
    pub state: String,
    pub answer: String,
    pub hours: Option<i64>,
}

/// What a row adds for its kind.
#[derive(Default)]
pub struct Uses {
    /// credit, visual-studio, support, advisory or go-to-market ("" for the others).
    pub kind: &'static str,
    /// A credit: the amount per user and period, and (monthly) when it renews.
    pub amount_line: String,
    pub holders: Vec<HolderRow>,
    /// Users a free unit may be assigned to (global admins only).
    pub assign_to: Vec<Choice>,
    /// Why nothing can be assigned now (greyed), if so.
    pub assign_reason: Option<String>,
    pub requests: Vec<SentRequest>,
    /// Why no request can be sent now, if so.
    pub request_reason: Option<String>,
    pub topics: Vec<Choice>,
    /// none, pending or active (a go-to-market offer).
    pub activation: &'static str,
}

/// The page's data for the per-kind parts: the partner's users and who holds what.
pub struct Context {
    pub members: Vec<(String, String, String)>,
    pub holders: Vec<AssignmentView>,
    pub requests: Vec<RequestView>,
    pub why_not_assign: Option<String>,
    pub level: String,
    pub now: time::OffsetDateTime,
}

impl Context {
    pub async fn load(
        s: &AppState,
        p: &Portal,
        allocations: &[&AllocationView],
        why_not_assign: Option<String>,
        why_not_activate: bool,
        level: &str,
    ) -> Result<Self, axum::response::Response> {
        let ctx = p.ctx();
        let ids: Vec<String> = allocations.iter().map(|a| a.id.clone()).collect();
        let members = if why_not_assign.is_none() || !why_not_activate {
            app::members(&s.app, &ctx)
                .await
                .map_err(|e| p.app_error(e))?
        } else {
            vec![]
        };
        Ok(Context {
            members,
            holders: app::holders(&s.app, &ctx, ids.clone())
                .await
                .map_err(|e| p.app_error(e))?,
            requests: app::requests_through(&s.app, &ctx, ids)
                .await
                .map_err(|e| p.app_error(e))?,
            why_not_assign,
            level: level.to_string(),
            now: s.app.now(),
        })
    }
}

/// A user as a select box names them: the name, with the email only where two share it (a
/// phone's select box has no room for both).
fn label(members: &[(String, String, String)], m: &(String, String, String)) -> String {
    if members.iter().filter(|o| o.1 == m.1).count() > 1 || m.1.trim().is_empty() {
        format!("{} ({})", m.1, m.2)
    } else {
        m.1.clone()
    }
}

fn choices(members: &[(String, String, String)], skip: &[&str]) -> Vec<Choice> {
    members
        .iter()
        .filter(|m| !skip.contains(&m.0.as_str()))
        .map(|m| (m.0.clone(), label(members, m), false))
        .collect()
}

/// The per-kind part of `a`'s row.
pub fn uses(p: &Portal, c: &Context, a: &AllocationView) -> Uses {
    let lang = p.lang;
    let Some(kind) = a.kind() else {
        return Uses::default();
    };
    let active = a.state == "active";
    let mut u = Uses {
        activation: a.activation(),
        ..Uses::default()
    };
    match kind {
        BenefitKind::AzureMonthlyCredit
        | BenefitKind::AzureAnnualCredit
        | BenefitKind::VisualStudio => {
            u.kind = if kind == BenefitKind::VisualStudio {
                "visual-studio"
            } else {
                "credit"
            };
            if let (Some(m), Some(cur)) = (a.amount_minor, a.currency.as_deref()) {
                u.amount_line = match (kind, a.renews_at) {
                    (BenefitKind::AzureMonthlyCredit, Some(r)) => t_args(
                        lang,
                        "benefits-credit-monthly",
                        &[("amount", money(m, cur)), ("renews", p.date(r))],
                    ),
                    (BenefitKind::AzureMonthlyCredit, None) => t_args(
                        lang,
                        "benefits-credit-monthly-off",
                        &[("amount", money(m, cur))],
                    ),
                    _ => t_args(lang, "benefits-credit-annual", &[("amount", money(m, cur))]),
                };
            }
            let mine: Vec<&AssignmentView> = c
                .holders
                .iter()
                .filter(|g| g.allocation_id == a.id)
                .collect();
            let held: Vec<&str> = mine.iter().map(|g| g.user_id.as_str()).collect();
            let may = c.why_not_assign.is_none() && active;
            u.holders = mine
                .iter()
                .map(|g| holder(p, c, kind, g, may, &held))
                .collect();
            u.assign_reason = if let Some(w) = &c.why_not_assign {
                Some(w.clone())
            } else if !active {
                Some(t(lang, "error-benefit_not_active"))
            } else if a.left() == 0 {
                Some(t(lang, "error-no_assignment_left"))
            } else {
                None
            };
            if u.assign_reason.is_none() {
                u.assign_to = choices(&c.members, &held);
            }
        }
        BenefitKind::TechnicalSupport | BenefitKind::AdvisoryHours => {
            let support = kind == BenefitKind::TechnicalSupport;
            u.kind = if support { "support" } else { "advisory" };
            u.requests = c
                .requests
                .iter()
                .filter(|r| r.allocation_id.as_deref() == Some(a.id.as_str()))
                .map(|r| sent(p, r))
                .collect();
            u.request_reason = if !active {
                Some(t(lang, "error-benefit_not_active"))
            } else if support && a.activated_at.is_none() {
                Some(t(lang, "error-benefit_not_activated"))
            } else if a.left() == 0 {
                Some(t(
                    lang,
                    if support {
                        "error-no_incidents_left"
                    } else {
                        "error-no_hours_left"
                    },
                ))
            } else {
                None
            };
            let cloud = matches!(c.level.as_str(), "silver" | "gold");
            u.topics = SupportTopic::ALL
                .iter()
                .filter(|x| cloud || **x != SupportTopic::Cloud)
                .map(|x| {
                    let code = x.code();
                    (
                        code.to_string(),
                        t(lang, &format!("benefits-topic-{code}")),
                        *x == SupportTopic::Product,
                    )
                })
                .collect();
        }
        BenefitKind::GoToMarket => u.kind = "go-to-market",
        _ => {}
    }
    u
}

fn holder(
    p: &Portal,
    c: &Context,
    kind: BenefitKind,
    g: &AssignmentView,
    may: bool,
    held: &[&str],
) -> HolderRow {
    let lang = p.lang;
    let (move_to, move_note) = match kind {
        BenefitKind::AzureAnnualCredit => match g.transferable_until {
            Some(u) if c.now < u => (
                if may {
                    choices(&c.members, held)
                } else {
                    vec![]
                },
                t_args(lang, "benefits-transfer-until", &[("date", p.date(u))]),
            ),
            _ => (vec![], t(lang, "error-annual_credit_year_over")),
        },
        BenefitKind::VisualStudio => match g.reassignable_from {
            Some(f) if c.now < f => (
                vec![],
                t_args(lang, "benefits-reassign-from", &[("date", p.date(f))]),
            ),
            _ => (
                if may {
                    choices(&c.members, held)
                } else {
                    vec![]
                },
                String::new(),
            ),
        },
        _ => (vec![], String::new()),
    };
    HolderRow {
        id: g.id.clone(),
        slot: g.slot,
        name: g.user_name.clone(),
        email: g.user_email.clone(),
        since: p.date(g.assigned_at),
        removable: may && kind == BenefitKind::AzureMonthlyCredit,
        move_to,
        move_note,
    }
}

fn sent(p: &Portal, r: &RequestView) -> SentRequest {
    let lang = p.lang;
    SentRequest {
        id: r.id.clone(),
        topic: r
            .topic
            .as_deref()
            .map(|x| t(lang, &format!("benefits-topic-{x}")))
            .unwrap_or_else(|| t(lang, "benefits-request-advisory")),
        description: r.description.clone(),
        opened: p.time(r.opened_at),
        by: r.opened_by.clone().unwrap_or_default(),
        state: t(lang, &format!("benefits-request-state-{}", r.state)),
        state_code: r.state.clone(),
        answer: r.decision_reason.clone().unwrap_or_default(),
        hours: r.hours_used,
    }
}

/// The marketing contact block of the Go-to-market tab.
pub struct ContactBlock {
    pub current: Option<ContactView>,
    /// The form's users (the contact's chosen), for users who may change it.
    pub users: Vec<Choice>,
    pub languages: Vec<Choice>,
    /// Why the user cannot change it (greyed), if so.
    pub reason: Option<String>,
}

pub fn contact_block(
    lang: Language,
    current: Option<ContactView>,
    members: &[(String, String, String)],
    reason: Option<String>,
) -> ContactBlock {
    let chosen = current
        .as_ref()
        .map(|c| c.user_id.clone())
        .unwrap_or_default();
    let language = current
        .as_ref()
        .map(|c| c.language.clone())
        .unwrap_or_else(|| lang.code().to_string());
    ContactBlock {
        users: members
            .iter()
            .map(|m| (m.0.clone(), label(members, m), m.0 == chosen))
            .collect(),
        languages: Language::ALL
            .iter()
            .map(|l| {
                let name = match l {
                    Language::Ja => "日本語",
                    Language::En => "English",
                };
                (l.code().to_string(), name.to_string(), l.code() == language)
            })
            .collect(),
        current,
        reason,
    }
}

#[derive(Deserialize)]
pub struct UserForm {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    idem: String,
    #[serde(default)]
    tab: String,
}

fn tab_of(f: &UserForm) -> &str {
    if f.tab == "visual-studio" {
        "visual-studio"
    } else {
        "azure"
    }
}

fn back(tab: &str, open: &str, done: &str) -> PageResult {
    Ok(Redirect::to(&format!(
        "/benefits?tab={tab}&open={open}&done={done}#benefit-{open}"
    ))
    .into_response())
}

/// A global admin assigns a unit of a credit or Visual Studio allocation to a user.
pub async fn assign(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<UserForm>,
) -> PageResult {
    let idem = Some(f.idem.as_str()).filter(|k| !k.is_empty());
    match app::assign(&s.app, &p.ctx(), &id, &f.user_id, idem).await {
        Ok(_) => back(tab_of(&f), &id, "assigned"),
        Err(e) => refused(&s, &p, tab_of(&f), Some(id), e).await,
    }
}

/// A global admin removes a user from a monthly credit.
pub async fn remove(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<UserForm>,
) -> PageResult {
    match app::remove(&s.app, &p.ctx(), &id).await {
        Ok(g) => back(tab_of(&f), &g.allocation_id, "removed"),
        Err(e) => refused(&s, &p, tab_of(&f), None, e).await,
    }
}

/// A global admin moves an assignment to another user.
pub async fn reassign(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<UserForm>,
) -> PageResult {
    match app::reassign(&s.app, &p.ctx(), &id, &f.user_id).await {
        Ok(g) => back(tab_of(&f), &g.allocation_id, "moved"),
        Err(e) => refused(&s, &p, tab_of(&f), None, e).await,
    }
}

#[derive(Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    idem: String,
}

/// Any partner user sends a technical support or advisory request through a benefit.
pub async fn send_request(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<RequestForm>,
) -> PageResult {
    let idem = Some(f.idem.as_str()).filter(|k| !k.is_empty());
    let input = app::SupportInput {
        kind: f.kind.clone(),
        allocation_id: id.clone(),
        topic: Some(f.topic.clone()).filter(|x| !x.is_empty()),
        description: f.description.clone(),
    };
    match app::open_request(&s.app, &p.ctx(), input, idem).await {
        Ok(_) => back("technical", &id, "request_sent"),
        Err(e) => refused(&s, &p, "technical", Some(id), e).await,
    }
}

#[derive(Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    version: String,
}

/// A global admin or membership admin assigns or changes the marketing contact.
pub async fn set_contact(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<ContactForm>,
) -> PageResult {
    let input = app::ContactInput {
        user_id: f.user_id,
        email: f.email,
        phone: f.phone,
        language: f.language,
    };
    let version = f.version.parse::<i64>().ok();
    match app::set_contact(&s.app, &p.ctx(), input, version).await {
        Ok(_) => Ok(Redirect::to("/benefits?tab=go-to-market&done=contact_set").into_response()),
        Err(e) => refused(&s, &p, "go-to-market", None, e).await,
    }
}
