//! `/organization`: the company profile (app `orgs`), editable by global admins, and a partner's
//! reseller account (R-ENR-5) where the app says it may have one.

use super::{Base, DoneQuery, PageResult, Portal, SignedForm, render, t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use keiro_app::AppError;
use keiro_domain::{Action, CompanyProfile};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "orgs/profile.html")]
pub struct ProfilePage {
    pub b: Base,
    pub p: CompanyProfile,
    pub kind: String,
    pub partner_id: String,
    pub version: i64,
    pub readonly_reason: Option<String>,
    pub require_mfa: bool,
    /// An approved partner with a partner ID that is not a reseller yet (R-ENR-5).
    pub can_become_reseller: bool,
}

pub async fn profile(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    p.user()?;
    let (org, _) = keiro_app::orgs::get(&s.app, &p.ctx())
        .await
        .map_err(|e| p.app_error(e))?;
    let mut b = p.base("profile-title");
    match q.done.as_deref() {
        Some("saved") => b.notice = Some(t(p.lang, "profile-saved")),
        Some("reseller") => b.notice = Some(t(p.lang, "reseller-done")),
        _ => {}
    }
    Ok(render(&ProfilePage {
        b,
        p: keiro_app::orgs::profile_of(&org),
        kind: t(p.lang, &format!("org-kind-{}", org.kind)),
        partner_id: org.partner_id.clone().unwrap_or_default(),
        version: org.version,
        readonly_reason: p.reason(Action::EditCompanyProfile),
        require_mfa: org.require_mfa,
        can_become_reseller: keiro_app::enrollment::reseller_account_refusal(&org).is_none(),
    }))
}

#[derive(Deserialize)]
pub struct ProfileForm {
    version: i64,
    legal_name: String,
    #[serde(default)]
    address_line1: String,
    #[serde(default)]
    address_line2: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    postal_code: String,
    country: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    primary_domain: String,
}

pub async fn save_profile(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<ProfileForm>,
) -> PageResult {
    let prof = CompanyProfile {
        legal_name: f.legal_name,
        address_line1: f.address_line1,
        address_line2: f.address_line2,
        city: f.city,
        region: f.region,
        postal_code: f.postal_code,
        country: f.country,
        phone: f.phone,
        email: f.email,
        website: f.website,
        primary_domain: f.primary_domain,
    };
    match keiro_app::orgs::update(&s.app, &p.ctx(), prof.clone(), Some(f.version)).await {
        Ok(_) => Ok(Redirect::to("/organization?done=saved").into_response()),
        Err(e @ (AppError::Validation(_) | AppError::PreconditionFailed)) => {
            let mut b = p.base("profile-title");
            b.error = Some(p.message_for(&e));
            let status = crate::problem::status_of(&e);
            let (org, _) = keiro_app::orgs::get(&s.app, &p.ctx())
                .await
                .map_err(|e| p.app_error(e))?;
            Ok((
                status,
                render(&ProfilePage {
                    b,
                    p: prof,
                    kind: t(p.lang, &format!("org-kind-{}", org.kind)),
                    partner_id: org.partner_id.clone().unwrap_or_default(),
                    version: org.version,
                    readonly_reason: None,
                    require_mfa: org.require_mfa,
                    can_become_reseller: keiro_app::enrollment::reseller_account_refusal(&org)
                        .is_none(),
                }),
            )
                .into_response())
        }
        Err(e) => Err(p.app_error(e)),
    }
}

#[derive(Deserialize)]
pub struct ResellerForm {
    #[serde(default)]
    support_email: String,
    #[serde(default)]
    support_phone: String,
    #[serde(default)]
    support_website: String,
}

/// R-ENR-5: an enrolled partner creates its reseller account with its support contact only.
pub async fn become_reseller(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<ResellerForm>,
) -> PageResult {
    match keiro_app::enrollment::reseller_account(
        &s.app,
        &p.ctx(),
        &f.support_email,
        &f.support_phone,
        &f.support_website,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/organization?done=reseller").into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            Ok(p.error_page(crate::problem::status_of(&e), &p.message_for(&e)))
        }
        Err(e) => Err(p.app_error(e)),
    }
}
