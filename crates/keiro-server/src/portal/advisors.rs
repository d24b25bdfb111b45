//! The advisor's overview page (パートナーの概要, R-ADV-1…5, issue 16 point 7): its trial
//! invitations and purchase offers with their state and the customers who started a trial or
//! bought, a form for a new trial invitation (its link and draft email are shown once; a new
//! purchase offer has its own page, `offers`), and the subscriptions it is partner of record
//! of. Users who may not use the tools see why, in place of the forms.

mod keys;
mod offers;
pub use keys::{export_keys, order_keys, revoke_key};
pub use offers::{create_offer, extend_offer, new_offer, revoke_offer};

use super::{Base, PageResult, Portal, SignedForm, no_store, render, t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use keiro_app::AppError;
use keiro_app::advisor_sales::{offer_names, why_not_tools};
use keiro_app::invitations::LinkView;
use keiro_app::trial_invitations::{self as trials, TrialInput};
use keiro_domain::Language;
use keiro_domain::invitation::InvitationKind;
use serde::Deserialize;

/// A trial invitation or purchase offer as a row of the overview.
pub struct LinkRow {
    pub id: String,
    /// What it offers: the offer's name, or each line's name and suggested count.
    pub offer: String,
    pub dap: bool,
    pub created: String,
    pub expires: String,
    pub status_code: String,
    pub status: String,
    pub customers: i64,
    /// How often its page was opened (once per browser session).
    pub opened: i64,
    /// Its URL, to copy again.
    pub url: Option<String>,
    pub by: String,
}

/// A subscription the advisor is partner of record of.
pub struct PorRow {
    pub id: String,
    pub customer: String,
    pub offer: String,
    pub state: String,
    pub quantity: i64,
    pub trial: bool,
}

#[derive(Template)]
#[template(path = "advisors/overview.html")]
pub struct OverviewPage {
    pub b: Base,
    /// Why the user cannot create links, if so (greyed form).
    pub tools_reason: Option<String>,
    /// Why a delegated admin offer cannot come with a link, if so.
    pub dap_reason: Option<String>,
    /// Offers with a trial sold in `country`: (id, name, trial days).
    pub offers: Vec<(String, String, i64)>,
    pub country: String,
    pub links: Vec<LinkRow>,
    pub offer_links: Vec<LinkRow>,
    /// Offers keys can be bought for in `country`: (id, name, min, max licenses).
    pub key_offers: Vec<(String, String, i64, i64)>,
    pub keys: Vec<keys::KeyRow>,
    pub por: Vec<PorRow>,
    /// Made with the page: a double submit creates one link.
    pub idem: String,
}

#[derive(Deserialize)]
pub struct OverviewQuery {
    country: Option<String>,
    done: Option<String>,
}

pub async fn overview(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<OverviewQuery>,
) -> PageResult {
    let country = q
        .country
        .filter(|c| c.len() == 2)
        .unwrap_or_else(|| "JP".into());
    let notice = q
        .done
        .as_deref()
        .and_then(|d| super::i18n::try_t(p.lang, &format!("advisor-done-{d}"), &[]));
    overview_page(&s, &p, &country, StatusCode::OK, None, notice).await
}

pub(super) async fn overview_page(
    s: &AppState,
    p: &Portal,
    country: &str,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> PageResult {
    let me = p.user()?;
    let ctx = p.ctx();
    // The page is the advisor's: anyone else has nothing here.
    me.require(keiro_domain::Action::UseAdvisorTools, "page")
        .map_err(|e| p.app_error(e))?;
    let tools_reason = why_not_tools(me).map(|e| p.message_for(&e));
    let dap_reason = keiro_domain::advisor::may_offer_delegated_admin(&me.org.authorizations)
        .err()
        .map(|r| t(p.lang, &format!("error-{}", r.code())));
    let key_offers = if tools_reason.is_none() {
        keiro_app::advisor_sales::offerable(&s.app, &ctx, country, None)
            .await
            .map_err(|e| p.app_error(e))?
            .into_iter()
            .map(|o| {
                let name = match p.lang {
                    Language::Ja => o.name_ja,
                    Language::En => o.name_en,
                };
                (o.id, name, o.min_quantity, o.max_quantity)
            })
            .collect()
    } else {
        vec![]
    };
    let keys = if tools_reason.is_none() {
        keys::rows(s, p).await?
    } else {
        vec![]
    };
    let offers = if tools_reason.is_none() {
        trials::trial_offers(&s.app, &ctx, country)
            .await
            .map_err(|e| p.app_error(e))?
            .into_iter()
            .map(|o| {
                let name = match p.lang {
                    keiro_domain::Language::Ja => o.name_ja,
                    keiro_domain::Language::En => o.name_en,
                };
                (o.id, name, o.trial_days.unwrap_or_default())
            })
            .collect()
    } else {
        vec![]
    };
    let links = link_rows(s, p, InvitationKind::TrialInvitation).await?;
    let offer_links = link_rows(s, p, InvitationKind::PurchaseOffer).await?;
    let por = match keiro_app::partner_of_record::mine(&s.app, &ctx, None, 100).await {
        Ok(page) => page
            .items
            .into_iter()
            .map(|v| PorRow {
                offer: v.offer_name(p.lang).to_string(),
                customer: v.customer.legal_name.clone(),
                state: t(p.lang, &format!("sub-state-{}", v.state)),
                quantity: v.quantity,
                trial: v.trial,
                id: v.id,
            })
            .collect(),
        // Without the role to see subscriptions, the list stays empty (its roles are named
        // on the Subscriptions page).
        Err(AppError::Forbidden { .. }) => vec![],
        Err(e) => return Err(p.app_error(e)),
    };
    let mut b = p.base("advisor-title");
    b.error = error;
    b.notice = notice;
    let page = OverviewPage {
        b,
        tools_reason,
        dap_reason,
        offers,
        country: country.to_string(),
        links,
        offer_links,
        key_offers,
        keys,
        por,
        idem: super::form::idem(),
    };
    Ok((status, no_store(render(&page))).into_response())
}

fn name(
    lang: Language,
    names: &std::collections::HashMap<String, (String, String)>,
    id: &str,
) -> String {
    names
        .get(id)
        .map(|(en, ja)| match lang {
            Language::Ja => ja.clone(),
            Language::En => en.clone(),
        })
        .unwrap_or_default()
}

/// The advisor's links of `kind`, newest first, as rows.
async fn link_rows(
    s: &AppState,
    p: &Portal,
    kind: InvitationKind,
) -> Result<Vec<LinkRow>, axum::response::Response> {
    let links: Vec<LinkView> =
        keiro_app::invitations::list(&s.app, &p.ctx(), kind, None, None, 100)
            .await
            .map_err(|e| p.app_error(e))?
            .items;
    let offers_of = |l: &LinkView| -> Vec<(String, Option<i64>)> {
        match kind {
            InvitationKind::PurchaseOffer => keiro_app::purchase_offers::lines_of(&l.payload)
                .into_iter()
                .map(|l| (l.offer_id, Some(l.quantity)))
                .collect(),
            _ => l.payload["offer_id"]
                .as_str()
                .map(|id| vec![(id.to_string(), None)])
                .unwrap_or_default(),
        }
    };
    let names = offer_names(
        &s.app,
        links
            .iter()
            .flat_map(|l| offers_of(l).into_iter().map(|(id, _)| id))
            .collect(),
    )
    .await
    .map_err(|e| p.app_error(e))?;
    Ok(links
        .into_iter()
        .map(|l| LinkRow {
            offer: offers_of(&l)
                .iter()
                .map(|(id, n)| match n {
                    Some(n) => format!("{} × {n}", name(p.lang, &names, id)),
                    None => name(p.lang, &names, id),
                })
                .collect::<Vec<_>>()
                .join(", "),
            dap: l.payload["dap"].as_bool() == Some(true),
            id: l.id,
            created: p.time(l.created_at),
            expires: p.time(l.expires_at),
            status_code: l.status.code().to_string(),
            status: t(p.lang, &format!("link-status-{}", l.status.code())),
            customers: l.use_count,
            opened: l.open_count,
            url: l.url.clone(),
            by: l.created_by_name,
        })
        .collect())
}

#[derive(Deserialize)]
pub struct TrialForm {
    offer_id: String,
    country: String,
    delegated_admin: Option<String>,
    #[serde(default)]
    expires_in_days: String,
    #[serde(default)]
    idem: String,
}

/// Creates a trial invitation and shows its link and draft email, once.
pub async fn create_trial(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<TrialForm>,
) -> PageResult {
    let days = match f.expires_in_days.trim() {
        "" => None,
        d => match d.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => Some(0),
        },
    };
    let input = TrialInput {
        offer_id: f.offer_id,
        country: f.country.clone(),
        delegated_admin: f.delegated_admin.as_deref() == Some("yes"),
        expires_in_days: days,
    };
    let idem = Some(f.idem.as_str()).filter(|k| !k.is_empty());
    match trials::create(&s.app, &p.ctx(), input, Some(p.lang), idem, None).await {
        Ok(r) if r.replayed => Ok(Redirect::to("/advisor").into_response()),
        Ok(r) => super::draft::draft_page(&p, Ok(r), "/advisor"),
        Err(e @ (AppError::Validation(_) | AppError::Forbidden { .. })) => {
            let status = crate::problem::status_of(&e);
            overview_page(&s, &p, &f.country, status, Some(p.message_for(&e)), None).await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

pub async fn revoke_trial(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, super::NoFields {}): SignedForm<super::NoFields>,
) -> PageResult {
    revoke_link(&s, &p, &id).await
}

/// Revokes one of the advisor's links (either kind: the link's kind decides who may).
pub(super) async fn revoke_link(s: &AppState, p: &Portal, id: &str) -> PageResult {
    match keiro_app::invitations::revoke(&s.app, &p.ctx(), id).await {
        Ok(_) => Ok(Redirect::to("/advisor?done=revoked").into_response()),
        Err(e @ AppError::Conflict { .. }) => {
            let status = crate::problem::status_of(&e);
            overview_page(s, p, "JP", status, Some(p.message_for(&e)), None).await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

#[derive(Deserialize)]
pub struct ExtendForm {
    #[serde(default)]
    pub(super) expires_in_days: String,
}

pub async fn extend_trial(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<ExtendForm>,
) -> PageResult {
    extend_link(&s, &p, InvitationKind::TrialInvitation, &id, &f).await
}

pub(super) async fn extend_link(
    s: &AppState,
    p: &Portal,
    kind: InvitationKind,
    id: &str,
    f: &ExtendForm,
) -> PageResult {
    let days = f.expires_in_days.trim().parse::<i64>().unwrap_or(0);
    match keiro_app::advisor_sales::extend(&s.app, &p.ctx(), kind, id, Some(days)).await {
        Ok(_) => Ok(Redirect::to("/advisor?done=extended").into_response()),
        Err(
            e @ (AppError::Validation(_) | AppError::Conflict { .. } | AppError::Forbidden { .. }),
        ) => {
            let status = crate::problem::status_of(&e);
            overview_page(s, p, "JP", status, Some(p.message_for(&e)), None).await
        }
        Err(e) => Err(p.app_error(e)),
    }
}
