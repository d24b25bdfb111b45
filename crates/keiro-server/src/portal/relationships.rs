//! Portal pages for reseller relationships (R-REL-2…5, R-ORG-2): a partner's Customers page and
//! its relationship requests (alone, or three-way from the Indirect providers page), a new
//! customer's sign-up through a link, and a customer's own Partners page.

pub mod record;

use super::confirm::ConfirmPage;
use super::draft::draft_page;
use super::{Base, NoFields, PageResult, Portal, SignedForm, render, session_cookie, t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use axum_extra::extract::{Form, FormRejection};
use keiro_app::AppError;
use keiro_domain::Action;
use serde::Deserialize;

pub struct CustomerRow {
    pub id: String,
    pub delegated_admin: bool,
    pub name: String,
    pub domain: String,
    pub country: String,
    pub since: String,
    /// Live subscriptions the partner takes part in, and their attributed resellers.
    pub subscriptions: usize,
    pub resellers: String,
}

#[derive(Template)]
#[template(path = "relationships/customers.html")]
pub struct CustomersPage {
    pub b: Base,
    pub rows: Vec<CustomerRow>,
    pub q: String,
    pub sort: String,
    pub kind: String,
    pub reseller: String,
    /// The provider's resellers, for the filter (empty for others).
    pub resellers: Vec<(String, String)>,
    pub next: Option<String>,
    pub request_reason: Option<String>,
    /// The operator authorized this partner for delegated admin (R-REL-7).
    pub can_offer_dap: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    cursor: Option<String>,
    done: Option<String>,
    sort: Option<String>,
    kind: Option<String>,
    reseller: Option<String>,
}

/// The partner's customers: searchable by name or domain, paged (R-REL-2, R-REL-10).
pub async fn list(State(s): State<AppState>, p: Portal, Query(q): Query<ListQuery>) -> PageResult {
    use keiro_app::relationships::{CustomerFilter, CustomerSort};
    p.user()?;
    let ctx = p.ctx();
    let query = q.q.clone().unwrap_or_default();
    let sort_code = q.sort.clone().unwrap_or_else(|| "since".into());
    let sort = match sort_code.as_str() {
        "-since" => CustomerSort::SinceDesc,
        "name" => CustomerSort::Name,
        _ => CustomerSort::Since,
    };
    let kind = q.kind.clone().unwrap_or_default();
    let reseller = q.reseller.clone().filter(|r| !r.is_empty());
    let page = keiro_app::relationships::customers(
        &s.app,
        &ctx,
        CustomerFilter {
            q: q.q.as_deref(),
            sort,
            reseller: reseller.as_deref(),
            delegated_admin: match kind.as_str() {
                "delegated_admin" => Some(true),
                "reseller" => Some(false),
                _ => None,
            },
            cursor: q.cursor.as_deref().filter(|c| !c.is_empty()),
            limit: 50,
        },
    )
    .await
    .map_err(|e| p.app_error(e))?;
    // A provider filters by its resellers.
    let resellers = keiro_app::partnerships::list(
        &s.app,
        &ctx,
        keiro_app::partnerships::PartnerSide::Provider,
        None,
        None,
        200,
    )
    .await
    .map(|p| p.items)
    .unwrap_or_default();
    let mut b = p.base("customers-title");
    if let Some(done) = q.done.as_deref() {
        b.notice = super::i18n::try_t(p.lang, &format!("partners-done-{done}"), &[]);
    }
    let next = page.next_cursor.map(|c| {
        let qs = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("q", &query)
            .append_pair("sort", &sort_code)
            .append_pair("kind", &kind)
            .append_pair("reseller", reseller.as_deref().unwrap_or(""))
            .append_pair("cursor", &c)
            .finish();
        format!("/customers?{qs}")
    });
    Ok(render(&CustomersPage {
        rows: page
            .items
            .into_iter()
            .map(|c| CustomerRow {
                id: c.id,
                delegated_admin: c.delegated_admin,
                name: c.legal_name,
                domain: c.primary_domain,
                country: c.country,
                since: p.time(c.since),
                subscriptions: c.subscriptions,
                resellers: keiro_domain::display::list(&c.resellers, p.lang),
            })
            .collect(),
        q: query,
        next,
        sort: sort_code,
        kind,
        reseller: reseller.unwrap_or_default(),
        resellers: resellers
            .into_iter()
            .map(|r| (r.org_id, r.legal_name))
            .collect(),
        request_reason: p.reason(Action::RequestCustomerRelationship),
        can_offer_dap: p
            .session
            .as_ref()
            .is_some_and(|s| keiro_app::relationships::may_offer_delegated_admin(&s.user)),
        b,
    }))
}

/// "Request a reseller relationship": a link and its draft (R-REL-2).
pub async fn request(
    State(s): State<AppState>,
    SignedForm(p, NoFields {}): SignedForm<NoFields>,
) -> PageResult {
    let r = keiro_app::relationships::request(&s.app, &p.ctx(), Some(p.lang), None, None).await;
    draft_page(&p, r, "/customers")
}

/// "Offer delegated admin": a link a customer's global admin accepts (R-REL-7).
pub async fn offer_dap(
    State(s): State<AppState>,
    SignedForm(p, NoFields {}): SignedForm<NoFields>,
) -> PageResult {
    let r =
        keiro_app::relationships::offer_delegated_admin(&s.app, &p.ctx(), Some(p.lang), None, None)
            .await;
    draft_page(&p, r, "/customers")
}

/// "Invite a new customer" with one of the reseller's providers: one link, one acceptance
/// (R-REL-3).
pub async fn three_way(
    State(s): State<AppState>,
    Path(provider): Path<String>,
    SignedForm(p, NoFields {}): SignedForm<NoFields>,
) -> PageResult {
    let r = keiro_app::relationships::request_three_way(
        &s.app,
        &p.ctx(),
        &provider,
        Some(p.lang),
        None,
        None,
    )
    .await;
    draft_page(&p, r, "/indirect-providers")
}

pub struct PartnerRow {
    pub id: String,
    pub delegated_admin: bool,
    pub name: String,
    pub partner_id: String,
    pub email: String,
    pub phone: String,
    pub website: String,
    pub since: String,
}

#[derive(Template)]
#[template(path = "relationships/partners.html")]
pub struct PartnersPage {
    pub b: Base,
    pub rows: Vec<PartnerRow>,
    pub gdap: Vec<super::gdap::GdapRow>,
    pub manage_reason: Option<String>,
}

/// A customer's partners with their contact details (R-ORG-2).
pub async fn partners(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<ListQuery>,
) -> PageResult {
    p.user()?;
    let page = keiro_app::relationships::partners(&s.app, &p.ctx(), None, 200)
        .await
        .map_err(|e| p.app_error(e))?;
    let mut b = p.base("my-partners-title");
    match q.done.as_deref() {
        Some("accepted") => b.notice = Some(t(p.lang, "my-partners-accepted")),
        Some("dap_revoked") => b.notice = Some(t(p.lang, "my-partners-dap-revoked")),
        Some("gdap_approved") => b.notice = Some(t(p.lang, "partners-done-gdap_approved")),
        Some("gdap_terminated") => b.notice = Some(t(p.lang, "my-gdap-terminated")),
        _ => {}
    }
    Ok(render(&PartnersPage {
        rows: page
            .items
            .into_iter()
            .map(|c| PartnerRow {
                id: c.org_id,
                delegated_admin: c.delegated_admin,
                name: c.legal_name,
                partner_id: c.partner_id.unwrap_or_default(),
                email: c.email,
                phone: c.phone,
                website: c.website,
                since: p.time(c.since),
            })
            .collect(),
        manage_reason: p.reason(Action::ManagePartnerAccess),
        gdap: keiro_app::gdap::list(&s.app, &p.ctx(), None, 200)
            .await
            .map_err(|e| p.app_error(e))?
            .items
            .iter()
            .map(|v| super::gdap::gdap_row(&p, v, true))
            .collect(),
        b,
    }))
}

#[derive(Template)]
#[template(path = "relationships/signup.html")]
pub struct SignUpPage {
    pub b: Base,
    pub token: String,
    pub company: String,
    pub country: String,
    pub domain: String,
    pub full_name: String,
    pub email: String,
}

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// R-REL-4: the form a person whose company has no account fills in from a relationship link.
pub async fn signup_form(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<TokenQuery>,
) -> PageResult {
    let token = q.token.unwrap_or_default();
    // Only an open link of a relationship kind leads here.
    let preview = keiro_app::invitations::preview(&s.app, &token)
        .await
        .map_err(|_| p.error_page(StatusCode::NOT_FOUND, &t(p.lang, "invite-unknown")))?;
    if let Some(code) = preview.status.refusal() {
        return Err(p.error_page(StatusCode::CONFLICT, &t(p.lang, &format!("error-{code}"))));
    }
    Ok(render(&SignUpPage {
        b: p.base("signup-title"),
        token,
        company: String::new(),
        country: String::new(),
        domain: String::new(),
        full_name: String::new(),
        email: String::new(),
    }))
}

#[derive(Deserialize)]
pub struct SignUpForm {
    token: String,
    company_name: String,
    country: String,
    primary_domain: String,
    full_name: String,
    email: String,
    password: String,
}

pub async fn signup(
    State(s): State<AppState>,
    p: Portal,
    jar: CookieJar,
    f: Result<Form<SignUpForm>, FormRejection>,
) -> PageResult {
    let f = p.form(f)?;
    let n = keiro_app::relationships::NewCustomer {
        company_name: f.company_name.clone(),
        country: f.country.clone(),
        primary_domain: f.primary_domain.clone(),
        full_name: f.full_name.clone(),
        email: f.email.clone(),
        password: f.password.clone(),
    };
    match keiro_app::relationships::sign_up(&s.app, &p.ctx(), &f.token, n, None).await {
        Ok(_) => {
            let session =
                keiro_app::auth::sign_in(&s.app, &p.ctx(), &f.email, &f.password, &p.user_agent)
                    .await
                    .map_err(|e| p.app_error(e))?;
            let back = format!(
                "/invite?token={}",
                url::form_urlencoded::byte_serialize(f.token.as_bytes()).collect::<String>()
            );
            Ok((
                jar.add(session_cookie(&s, session.token, false)),
                Redirect::to(&back),
            )
                .into_response())
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let mut b = p.base("signup-title");
            b.error = Some(p.message_for(&e));
            let page = SignUpPage {
                b,
                token: f.token,
                company: f.company_name,
                country: f.country,
                domain: f.primary_domain,
                full_name: f.full_name,
                email: f.email,
            };
            Ok((crate::problem::status_of(&e), render(&page)).into_response())
        }
        Err(e) => Err(p.app_error(e)),
    }
}

/// The confirmation before removing a customer relationship (R-REL-6, with the attestation) or
/// revoking a partner's delegated admin (R-REL-7).
fn confirm(p: &Portal, status: StatusCode, action: String, removal: bool, name: &str) -> Response {
    let mut b = p.base(if removal {
        "remove-relationship-title"
    } else {
        "revoke-dap-title"
    });
    if status != StatusCode::OK {
        b.error = Some(t(p.lang, "error-attestation_required"));
    }
    let args = [("name", name.to_string())];
    let page = ConfirmPage {
        action,
        text: super::t_args(
            p.lang,
            if removal {
                "remove-relationship-text"
            } else {
                "revoke-dap-text"
            },
            &args,
        ),
        attestation: removal.then(|| t(p.lang, "remove-relationship-attestation")),
        note: t(
            p.lang,
            if removal {
                "remove-relationship-note"
            } else {
                "revoke-dap-note"
            },
        ),
        button: t(
            p.lang,
            if removal {
                "remove-relationship-yes"
            } else {
                "revoke-dap-yes"
            },
        ),
        back: if removal { "/customers" } else { "/partners" }.into(),
        b,
    };
    (status, render(&page)).into_response()
}

async fn customer_name(s: &AppState, p: &Portal, id: &str) -> Result<String, Response> {
    keiro_app::relationships::customer(&s.app, &p.ctx(), id)
        .await
        .map(|c| c.legal_name)
        .map_err(|e| p.app_error(e))
}

pub async fn remove_form(
    State(s): State<AppState>,
    p: Portal,
    Path(id): Path<String>,
) -> PageResult {
    p.user()?;
    p.session
        .as_ref()
        .map(|u| {
            u.user
                .require(Action::RemoveCustomerRelationship, "customer")
        })
        .transpose()
        .map_err(|e| p.app_error(e))?;
    let name = customer_name(&s, &p, &id).await?;
    Ok(confirm(
        &p,
        StatusCode::OK,
        format!("/customers/{id}/remove"),
        true,
        &name,
    ))
}

#[derive(Deserialize)]
pub struct RemoveForm {
    attest: Option<String>,
}

pub async fn remove(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<RemoveForm>,
) -> PageResult {
    let attest = f.attest.as_deref() == Some("yes");
    match keiro_app::relationships::remove(&s.app, &p.ctx(), &id, attest).await {
        Ok(()) => Ok(Redirect::to("/customers?done=relationship_removed").into_response()),
        Err(AppError::Validation(_)) => {
            let name = customer_name(&s, &p, &id).await?;
            Err(confirm(
                &p,
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("/customers/{id}/remove"),
                true,
                &name,
            ))
        }
        Err(e) => Err(p.app_error(e)),
    }
}

pub async fn revoke_dap_form(
    State(s): State<AppState>,
    p: Portal,
    Path(id): Path<String>,
) -> PageResult {
    p.user()?;
    let page = keiro_app::relationships::partners(&s.app, &p.ctx(), None, 200)
        .await
        .map_err(|e| p.app_error(e))?;
    let partner = page
        .items
        .into_iter()
        .find(|c| c.org_id == id)
        .ok_or_else(|| p.app_error(AppError::NotFound("partner")))?;
    Ok(confirm(
        &p,
        StatusCode::OK,
        format!("/partners/{id}/delegatedadmin"),
        false,
        &partner.legal_name,
    ))
}

pub async fn revoke_dap(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, NoFields {}): SignedForm<NoFields>,
) -> PageResult {
    keiro_app::relationships::revoke_delegated_admin(&s.app, &p.ctx(), &id)
        .await
        .map_err(|e| p.app_error(e))?;
    Ok(Redirect::to("/partners?done=dap_revoked").into_response())
}
