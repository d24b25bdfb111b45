//! Portal pages for partner enrollment (the applicant's wizard and the verification link) and
//! for the operator's review queue. Rules live in keiro-app's `enrollment` module.

use super::{Base, DoneQuery, PageResult, Portal, SignedForm, render, session_cookie, t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use axum_extra::extract::{Form, FormRejection};
use keiro_app::AppError;
use keiro_app::enrollment::{Claim, Contacts, Decision, Draft, EnrollmentView, NewAccount};
use keiro_domain::CompanyProfile;
use serde::Deserialize;

/// Errors the applicant can fix on the same page.
fn fixable(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Validation(_) | AppError::Conflict { .. } | AppError::RateLimited { .. }
    )
}

#[derive(Template)]
#[template(path = "enrollment/start.html")]
pub struct EnrollPage {
    pub b: Base,
    pub company: String,
    pub country: String,
    pub domain: String,
    pub full_name: String,
    pub email: String,
    pub role: String,
}

pub async fn start(p: Portal) -> PageResult {
    if p.session.is_some() {
        return Ok(Redirect::to("/enroll/wizard").into_response());
    }
    Ok(render(&EnrollPage {
        b: p.base("enroll-title"),
        company: String::new(),
        country: "JP".into(),
        domain: String::new(),
        full_name: String::new(),
        email: String::new(),
        role: "indirect_reseller".into(),
    }))
}

#[derive(Deserialize)]
pub struct AccountForm {
    company_name: String,
    country: String,
    primary_domain: String,
    full_name: String,
    email: String,
    password: String,
    program_role: String,
}

pub async fn create_account(
    State(s): State<AppState>,
    p: Portal,
    jar: CookieJar,
    f: Result<Form<AccountForm>, FormRejection>,
) -> PageResult {
    let f = p.form(f)?;
    let a = NewAccount {
        company_name: f.company_name.clone(),
        country: f.country.clone(),
        primary_domain: f.primary_domain.clone(),
        full_name: f.full_name.clone(),
        email: f.email.clone(),
        password: f.password.clone(),
        program_role: f.program_role.clone(),
        language: Some(p.lang),
    };
    match keiro_app::enrollment::create_account(&s.app, &p.ctx(), a, None).await {
        Ok(_) => {
            let session =
                keiro_app::auth::sign_in(&s.app, &p.ctx(), &f.email, &f.password, &p.user_agent)
                    .await
                    .map_err(|e| p.app_error(e))?;
            Ok((
                jar.add(session_cookie(&s, session.token, false)),
                Redirect::to("/enroll/wizard"),
            )
                .into_response())
        }
        Err(e) if fixable(&e) => {
            let mut b = p.base("enroll-title");
            b.error = Some(p.message_for(&e));
            let page = EnrollPage {
                b,
                company: f.company_name,
                country: f.country,
                domain: f.primary_domain,
                full_name: f.full_name,
                email: f.email,
                role: f.program_role,
            };
            Ok((crate::problem::status_of(&e), render(&page)).into_response())
        }
        Err(e) => Err(p.app_error(e)),
    }
}

#[derive(Template)]
#[template(path = "enrollment/wizard.html")]
pub struct WizardPage {
    pub b: Base,
    pub e: EnrollmentView,
    pub state_label: String,
    pub editable: bool,
    pub missing: Vec<String>,
    /// The linked record's partner ID, or the one just typed.
    pub partner_id: String,
}

async fn wizard_page(
    s: &AppState,
    p: &Portal,
    notice: Option<String>,
    error: Option<(StatusCode, String)>,
    typed: Option<WizardForm>,
) -> PageResult {
    p.user()?;
    let mut e = keiro_app::enrollment::get_mine(&s.app, &p.ctx())
        .await
        .map_err(|e| p.app_error(e))?;
    let mut b = p.base("wizard-title");
    b.notice = notice;
    let status = error.as_ref().map(|x| x.0).unwrap_or(StatusCode::OK);
    b.error = error.map(|x| x.1);
    let editable = matches!(e.state.as_str(), "draft" | "more_info_requested");
    let mut partner_id = e
        .membership
        .as_ref()
        .map(|m| m.partner_id.clone())
        .unwrap_or_default();
    // A refused save shows what was typed, not what is stored: nothing typed is lost.
    if let Some(f) = typed {
        e.program_role = f.program_role;
        e.company = CompanyProfile::from(f.fields);
        e.primary_contact_name = f.primary_contact_name;
        e.primary_contact_email = f.primary_contact_email;
        e.primary_contact_phone = f.primary_contact_phone;
        e.support_email = f.support_email;
        e.support_phone = f.support_phone;
        e.support_website = f.support_website;
        partner_id = f.partner_id;
    }
    let page = WizardPage {
        state_label: t(p.lang, &format!("state-{}", e.state)),
        missing: e
            .missing
            .iter()
            .map(|m| t(p.lang, &format!("missing-{m}")))
            .collect(),
        editable,
        partner_id,
        e,
        b,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn wizard(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let notice = match q.done.as_deref() {
        Some("saved") => Some(t(p.lang, "step-saved")),
        Some("submitted") => Some(t(p.lang, "wizard-submitted")),
        _ => None,
    };
    wizard_page(&s, &p, notice, None, None).await
}

/// The whole wizard in one form: every section is saved together, so nothing typed in one is
/// lost by saving another.
#[derive(Deserialize)]
pub struct WizardForm {
    program_role: String,
    #[serde(default)]
    partner_id: String,
    #[serde(default)]
    claim_secret: String,
    /// All string fields, so flattening is safe with form encoding.
    #[serde(flatten)]
    fields: super::ProfileFields,
    #[serde(default)]
    primary_contact_name: String,
    #[serde(default)]
    primary_contact_email: String,
    #[serde(default)]
    primary_contact_phone: String,
    #[serde(default)]
    support_email: String,
    #[serde(default)]
    support_phone: String,
    #[serde(default)]
    support_website: String,
    /// "submit" (the second button) submits after saving.
    #[serde(default)]
    then: String,
}

impl WizardForm {
    fn draft(&self) -> Draft {
        let claim = Some(Claim {
            partner_id: self.partner_id.clone(),
            claim_secret: self.claim_secret.clone(),
        });
        Draft {
            program_role: self.program_role.clone(),
            claim,
            profile: CompanyProfile::from(self.fields.clone()),
            contacts: Contacts {
                primary_contact_name: self.primary_contact_name.clone(),
                primary_contact_email: self.primary_contact_email.clone(),
                primary_contact_phone: self.primary_contact_phone.clone(),
                support_email: self.support_email.clone(),
                support_phone: self.support_phone.clone(),
                support_website: self.support_website.clone(),
            },
        }
    }
}

pub async fn save(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<WizardForm>,
) -> PageResult {
    let ctx = p.ctx();
    let submit = f.then == "submit";
    let mut r = keiro_app::enrollment::save_draft(&s.app, &ctx, f.draft(), None).await;
    if submit && r.is_ok() {
        r = keiro_app::enrollment::submit(&s.app, &ctx).await;
    }
    match r {
        Ok(_) => {
            let done = if submit { "submitted" } else { "saved" };
            Ok(Redirect::to(&format!("/enroll/wizard?done={done}")).into_response())
        }
        Err(e) if fixable(&e) => {
            let msg = p.message_for(&e);
            let err = Some((crate::problem::status_of(&e), msg));
            wizard_page(&s, &p, None, err, Some(f)).await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

#[derive(Template)]
#[template(path = "enrollment/verify.html")]
pub struct VerifyPage {
    pub b: Base,
    pub token: String,
    pub done: bool,
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// The link from the email shows a button: opening a link (mail scanners do) changes nothing.
pub async fn verify_form(p: Portal, Query(q): Query<TokenQuery>) -> Response {
    render(&VerifyPage {
        b: p.base("verify-title"),
        token: q.token,
        done: false,
    })
}

pub async fn verify(
    State(s): State<AppState>,
    p: Portal,
    f: Result<Form<TokenQuery>, FormRejection>,
) -> PageResult {
    let f = p.form(f)?;
    match keiro_app::enrollment::verify(&s.app, &p.ctx(), &f.token).await {
        Ok(_) => Ok(render(&VerifyPage {
            b: p.base("verify-title"),
            token: String::new(),
            done: true,
        })),
        Err(e) if fixable(&e) => {
            Ok(p.error_page(StatusCode::UNPROCESSABLE_ENTITY, &p.message_for(&e)))
        }
        Err(e) => Err(p.app_error(e)),
    }
}

pub struct QueueRow {
    pub id: String,
    pub company: String,
    pub country: String,
    pub role: String,
    pub state: String,
}

#[derive(Template)]
#[template(path = "enrollment/queue.html")]
pub struct QueuePage {
    pub b: Base,
    pub state: String,
    pub states: Vec<(&'static str, String)>,
    pub rows: Vec<QueueRow>,
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub struct QueueQuery {
    state: Option<String>,
    cursor: Option<String>,
}

pub async fn queue(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<QueueQuery>,
) -> PageResult {
    p.user()?;
    let state = q.state.clone().filter(|s| !s.is_empty());
    let cursor = q
        .cursor
        .as_deref()
        .filter(|c| uuid::Uuid::parse_str(c).is_ok());
    let page = keiro_app::enrollment::queue(&s.app, &p.ctx(), state.as_deref(), cursor, 50)
        .await
        .map_err(|e| p.app_error(e))?;
    let states = [
        "in_review",
        "pending_verification",
        "more_info_requested",
        "draft",
        "approved",
        "rejected",
    ]
    .into_iter()
    .map(|c| (c, t(p.lang, &format!("state-{c}"))))
    .collect();
    let next = page.next_cursor.map(|c| {
        format!(
            "/operator/enrollments?state={}&cursor={c}",
            state.clone().unwrap_or_default()
        )
    });
    Ok(render(&QueuePage {
        b: p.base("review-title"),
        rows: page
            .items
            .into_iter()
            .map(|e| QueueRow {
                id: e.id,
                company: e.company.legal_name,
                country: e.company.country,
                role: t(p.lang, &format!("program-{}", e.program_role)),
                state: t(p.lang, &format!("state-{}", e.state)),
            })
            .collect(),
        state: state.unwrap_or_default(),
        states,
        next,
    }))
}

#[derive(Template)]
#[template(path = "enrollment/review.html")]
pub struct ReviewPage {
    pub b: Base,
    pub e: EnrollmentView,
    pub state_label: String,
    pub role: String,
    pub in_review: bool,
}

async fn review_page(
    s: &AppState,
    p: &Portal,
    id: &str,
    notice: Option<String>,
    error: Option<(StatusCode, String)>,
) -> PageResult {
    p.user()?;
    let e = keiro_app::enrollment::get(&s.app, &p.ctx(), id)
        .await
        .map_err(|e| p.app_error(e))?;
    let mut b = p.base("review-title");
    b.notice = notice;
    let status = error.as_ref().map(|x| x.0).unwrap_or(StatusCode::OK);
    b.error = error.map(|x| x.1);
    let page = ReviewPage {
        state_label: t(p.lang, &format!("state-{}", e.state)),
        role: t(p.lang, &format!("program-{}", e.program_role)),
        in_review: e.state == "in_review",
        e,
        b,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn review(
    State(s): State<AppState>,
    p: Portal,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let notice = q.done.is_some().then(|| t(p.lang, "review-decided"));
    review_page(&s, &p, &id, notice, None).await
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    note: String,
}

pub async fn decide(
    State(s): State<AppState>,
    Path((id, what)): Path<(String, String)>,
    SignedForm(p, f): SignedForm<DecisionForm>,
) -> PageResult {
    let d = match what.as_str() {
        "approve" => Decision::Approve,
        "reject" => Decision::Reject,
        "requestinfo" => Decision::RequestInfo,
        _ => return Err(p.error_page(StatusCode::NOT_FOUND, &t(p.lang, "error-not_found"))),
    };
    match keiro_app::enrollment::decide(&s.app, &p.ctx(), &id, d, &f.note).await {
        Ok(_) => Ok(Redirect::to(&format!("/operator/enrollments/{id}?done=1")).into_response()),
        Err(e) if fixable(&e) => {
            let msg = p.message_for(&e);
            review_page(
                &s,
                &p,
                &id,
                None,
                Some((crate::problem::status_of(&e), msg)),
            )
            .await
        }
        Err(e) => Err(p.app_error(e)),
    }
}
