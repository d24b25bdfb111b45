//! Portal pages for provider ↔ reseller partnerships (R-PRT-1…6) and the provider directory
//! (R-PRT-7): Indirect resellers (provider side), Indirect providers (reseller side), the draft
//! email behind "request partnership", the page behind an invitation link, confirmations that
//! state the attestation, and the directory. Rules live in keiro-app.

use super::confirm::ConfirmPage;
use super::draft::draft_page;
use super::paging::SearchQuery;
use super::{Base, NoFields, PageResult, Portal, SignedForm, paging, render, t, t_args};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use keiro_app::AppError;
use keiro_app::partnerships::{PartnerSide, PartnerView};
use keiro_domain::Action;
use keiro_domain::invitation::{InvitationKind, LinkStatus};
use serde::Deserialize;

/// Which page: the provider's Indirect resellers or the reseller's Indirect providers.
fn side_of(page: &str) -> Option<(PartnerSide, &'static str)> {
    match page {
        "indirect-resellers" => Some((PartnerSide::Provider, "indirect-resellers")),
        "indirect-providers" => Some((PartnerSide::Reseller, "indirect-providers")),
        _ => None,
    }
}

pub struct PartnerRow {
    pub id: String,
    pub name: String,
    pub partner_id: String,
    pub country: String,
    pub contact: String,
    pub since: String,
    pub admin_access: bool,
}

fn partner_row(p: &Portal, v: &PartnerView) -> PartnerRow {
    PartnerRow {
        id: v.org_id.clone(),
        name: v.legal_name.clone(),
        partner_id: v.partner_id.clone().unwrap_or_default(),
        country: v.country.clone(),
        contact: [v.email.as_str(), v.phone.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
        since: p.time(v.since),
        admin_access: v.admin_access,
    }
}

pub struct LinkRow {
    pub id: String,
    pub status: String,
    pub open: bool,
    pub created_by: String,
    pub recipient: String,
    pub created: String,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "partnerships/list.html")]
pub struct PartnersPage {
    pub b: Base,
    /// "indirect-resellers" or "indirect-providers".
    pub page: &'static str,
    pub provider_side: bool,
    /// This user may act with a reseller's admin access (not only the organization).
    pub may_use_access: bool,
    pub rows: Vec<PartnerRow>,
    pub q: String,
    pub next: Option<String>,
    pub request_reason: Option<String>,
    pub remove_reason: Option<String>,
    pub access_reason: Option<String>,
    pub request_customer_reason: Option<String>,
    /// Why "add new customer" (R-ORD-2) is closed to this user, if it is.
    pub order_reason: Option<String>,
    pub links: Vec<LinkRow>,
}

pub async fn resellers(s: State<AppState>, p: Portal, q: Query<SearchQuery>) -> PageResult {
    list(s, p, q, "indirect-resellers").await
}

pub async fn providers(s: State<AppState>, p: Portal, q: Query<SearchQuery>) -> PageResult {
    list(s, p, q, "indirect-providers").await
}

async fn list(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<SearchQuery>,
    page: &'static str,
) -> PageResult {
    p.user()?;
    let (side, page) = side_of(page).ok_or_else(|| p.error_page(StatusCode::NOT_FOUND, ""))?;
    let ctx = p.ctx();
    let query = q.q.clone().unwrap_or_default();
    let found = keiro_app::partnerships::list(
        &s.app,
        &ctx,
        side,
        q.q.as_deref(),
        paging::valid_cursor(q.cursor.as_deref()),
        50,
    )
    .await
    .map_err(|e| p.app_error(e))?;
    let provider_side = side == PartnerSide::Provider;
    let links = if provider_side {
        keiro_app::invitations::list(&s.app, &ctx, InvitationKind::Partnership, None, None, 20)
            .await
            .map_err(|e| p.app_error(e))?
            .items
            .into_iter()
            .map(|l| LinkRow {
                open: l.status == LinkStatus::Open,
                status: t(p.lang, &format!("link-status-{}", l.status.code())),
                id: l.id,
                created_by: l.created_by_name,
                recipient: l.recipient_email.unwrap_or_default(),
                created: p.time(l.created_at),
                expires: p.time(l.expires_at),
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut b = p.base(if provider_side {
        "resellers-title"
    } else {
        "providers-title"
    });
    if let Some(done) = q.done.as_deref() {
        b.notice = super::i18n::try_t(p.lang, &format!("partners-done-{done}"), &[]);
    }
    Ok(render(&PartnersPage {
        page,
        provider_side,
        may_use_access: p
            .user()
            .is_ok_and(keiro_app::partnerships::may_use_admin_access),
        rows: found.items.iter().map(|v| partner_row(&p, v)).collect(),
        next: paging::next_link(&format!("/{page}"), &query, found.next_cursor),
        q: query,
        request_reason: p.reason(Action::RequestPartnership),
        remove_reason: p.reason(Action::RemovePartnership),
        access_reason: p.reason(Action::ManageProviderAdminAccess),
        request_customer_reason: p.reason(Action::RequestCustomerRelationship),
        order_reason: p.reason(Action::PlaceOrders),
        links,
        b,
    }))
}

/// "Request partnership": a new link and its draft email (R-PRT-1). Shown once (no-store).
pub async fn request(
    State(s): State<AppState>,
    SignedForm(p, NoFields {}): SignedForm<NoFields>,
) -> PageResult {
    let r = keiro_app::partnerships::request(&s.app, &p.ctx(), Some(p.lang), None, None).await;
    draft_page(&p, r, "/indirect-resellers")
}

#[derive(Deserialize)]
pub struct SendForm {
    token: String,
    back: String,
    to: String,
    #[serde(default)]
    message: String,
}

/// Emails the (possibly edited) draft through Keiro; the link is kept in the text.
pub async fn send(State(s): State<AppState>, SignedForm(p, f): SignedForm<SendForm>) -> PageResult {
    keiro_app::invitations::send(&s.app, &p.ctx(), Some(p.lang), &f.token, &f.to, &f.message)
        .await
        .map_err(|e| p.app_error(e))?;
    let back = super::local_path(Some(&f.back)).unwrap_or("/dashboard");
    Ok(Redirect::to(&format!("{back}?done=sent")).into_response())
}

pub async fn revoke_link(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, NoFields {}): SignedForm<NoFields>,
) -> PageResult {
    keiro_app::invitations::revoke(&s.app, &p.ctx(), &id)
        .await
        .map_err(|e| p.app_error(e))?;
    Ok(Redirect::to("/indirect-resellers?done=revoked").into_response())
}

pub struct CustomerRow {
    pub name: String,
    pub domain: String,
    pub country: String,
}

#[derive(Template)]
#[template(path = "partnerships/shared_customers.html")]
pub struct CustomersPage {
    pub b: Base,
    pub page: &'static str,
    pub partner: PartnerRow,
    pub rows: Vec<CustomerRow>,
    pub q: String,
    pub next: Option<String>,
}

/// The customers both partners have a relationship with (R-PRT-3, R-PRT-5).
pub async fn reseller_customers(
    s: State<AppState>,
    p: Portal,
    Path(id): Path<String>,
    q: Query<SearchQuery>,
) -> PageResult {
    customers(s, p, "indirect-resellers", id, q).await
}

pub async fn provider_customers(
    s: State<AppState>,
    p: Portal,
    Path(id): Path<String>,
    q: Query<SearchQuery>,
) -> PageResult {
    customers(s, p, "indirect-providers", id, q).await
}

async fn customers(
    State(s): State<AppState>,
    p: Portal,
    page: &str,
    id: String,
    Query(q): Query<SearchQuery>,
) -> PageResult {
    p.user()?;
    let (side, page) = side_of(page).ok_or_else(|| p.app_error(AppError::NotFound("page")))?;
    let ctx = p.ctx();
    let partner = keiro_app::partnerships::get(&s.app, &ctx, side, &id)
        .await
        .map_err(|e| p.app_error(e))?;
    let query = q.q.clone().unwrap_or_default();
    let found = keiro_app::partnerships::shared_customers(
        &s.app,
        &ctx,
        side,
        &id,
        q.q.as_deref(),
        paging::valid_cursor(q.cursor.as_deref()),
        50,
    )
    .await
    .map_err(|e| p.app_error(e))?;
    let mut b = p.base("shared-customers-title");
    b.title = t_args(
        p.lang,
        "shared-customers-heading",
        &[("name", partner.legal_name.clone())],
    );
    Ok(render(&CustomersPage {
        page,
        partner: partner_row(&p, &partner),
        rows: found
            .items
            .into_iter()
            .map(|c| CustomerRow {
                name: c.legal_name,
                domain: c.primary_domain,
                country: c.country,
            })
            .collect(),
        next: paging::next_link(
            &format!("/{page}/{id}/customers"),
            &query,
            found.next_cursor,
        ),
        q: query,
        b,
    }))
}

pub struct UserRow {
    pub name: String,
    pub email: String,
    pub roles: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "partnerships/reseller_users.html")]
pub struct ResellerUsersPage {
    pub b: Base,
    pub rows: Vec<UserRow>,
}

/// A provider's view of a reseller's users through its admin access (R-PRT-4).
pub async fn reseller_users(
    State(s): State<AppState>,
    p: Portal,
    Path(id): Path<String>,
) -> PageResult {
    p.user()?;
    let ctx = p.ctx();
    let partner = keiro_app::partnerships::get(&s.app, &ctx, PartnerSide::Provider, &id)
        .await
        .map_err(|e| p.app_error(e))?;
    let users = keiro_app::partnerships::reseller_users(&s.app, &ctx, &id, None, None, 200)
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => p.error_page(
                StatusCode::NOT_FOUND,
                &t(p.lang, "reseller-users-no-access"),
            ),
            e => p.app_error(e),
        })?;
    let mut b = p.base("reseller-users-title");
    b.title = t_args(
        p.lang,
        "reseller-users-heading",
        &[("name", partner.legal_name.clone())],
    );
    Ok(render(&ResellerUsersPage {
        rows: users
            .items
            .into_iter()
            .map(|u| UserRow {
                name: u.full_name,
                email: u.email,
                roles: u
                    .roles
                    .iter()
                    .map(|r| t(p.lang, &format!("role-{r}")))
                    .collect::<Vec<_>>()
                    .join(", "),
                active: u.active,
            })
            .collect(),
        b,
    }))
}

fn confirm_page(
    p: &Portal,
    status: StatusCode,
    what: &str,
    page: &str,
    id: &str,
    name: &str,
) -> Response {
    let removal = what == "remove";
    let mut b = p.base(if removal {
        "remove-partnership-title"
    } else {
        "remove-access-title"
    });
    if status != StatusCode::OK {
        b.error = Some(t(p.lang, "error-attestation_required"));
    }
    let args = [("name", name.to_string())];
    let page_obj = ConfirmPage {
        action: format!("/{page}/{id}/{what}"),
        text: t_args(
            p.lang,
            if removal {
                "remove-partnership-text"
            } else {
                "remove-access-text"
            },
            &args,
        ),
        attestation: removal.then(|| t(p.lang, "remove-partnership-attestation")),
        note: t(
            p.lang,
            if removal {
                "remove-partnership-note"
            } else {
                "remove-access-note"
            },
        ),
        button: t(
            p.lang,
            if removal {
                "remove-partnership-yes"
            } else {
                "remove-access-yes"
            },
        ),
        back: format!("/{page}"),
        b,
    };
    (status, render(&page_obj)).into_response()
}

pub async fn reseller_confirm(
    s: State<AppState>,
    p: Portal,
    Path((id, what)): Path<(String, String)>,
) -> PageResult {
    confirm(s, p, "indirect-resellers", id, what).await
}

pub async fn provider_confirm(
    s: State<AppState>,
    p: Portal,
    Path((id, what)): Path<(String, String)>,
) -> PageResult {
    confirm(s, p, "indirect-providers", id, what).await
}

/// The confirmation before removing a partnership or the provider's admin access.
async fn confirm(
    State(s): State<AppState>,
    p: Portal,
    page: &str,
    id: String,
    what: String,
) -> PageResult {
    p.user()?;
    let (side, page) = side_of(page).ok_or_else(|| p.app_error(AppError::NotFound("page")))?;
    if what != "remove" && !(what == "adminaccess" && side == PartnerSide::Reseller) {
        return Err(p.app_error(AppError::NotFound("page")));
    }
    let partner = keiro_app::partnerships::get(&s.app, &p.ctx(), side, &id)
        .await
        .map_err(|e| p.app_error(e))?;
    Ok(confirm_page(
        &p,
        StatusCode::OK,
        &what,
        page,
        &id,
        &partner.legal_name,
    ))
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    attest: Option<String>,
    /// For admin access: "remove" or "restore".
    op: Option<String>,
}

pub async fn reseller_confirmed(
    s: State<AppState>,
    Path((id, what)): Path<(String, String)>,
    SignedForm(p, f): SignedForm<ConfirmForm>,
) -> PageResult {
    confirmed(s, p, "indirect-resellers", id, what, f).await
}

pub async fn provider_confirmed(
    s: State<AppState>,
    Path((id, what)): Path<(String, String)>,
    SignedForm(p, f): SignedForm<ConfirmForm>,
) -> PageResult {
    confirmed(s, p, "indirect-providers", id, what, f).await
}

async fn confirmed(
    State(s): State<AppState>,
    p: Portal,
    page: &str,
    id: String,
    what: String,
    f: ConfirmForm,
) -> PageResult {
    let (side, page) = side_of(page).ok_or_else(|| p.app_error(AppError::NotFound("page")))?;
    let ctx = p.ctx();
    match what.as_str() {
        "remove" => {
            let attest = f.attest.as_deref() == Some("yes");
            match keiro_app::partnerships::remove(&s.app, &ctx, side, &id, attest).await {
                Ok(()) => Ok(Redirect::to(&format!("/{page}?done=removed")).into_response()),
                Err(AppError::Validation(_)) => {
                    let partner = keiro_app::partnerships::get(&s.app, &ctx, side, &id)
                        .await
                        .map_err(|e| p.app_error(e))?;
                    Err(confirm_page(
                        &p,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "remove",
                        page,
                        &id,
                        &partner.legal_name,
                    ))
                }
                Err(e) => Err(p.app_error(e)),
            }
        }
        "adminaccess" if side == PartnerSide::Reseller => {
            let on = f.op.as_deref() == Some("restore");
            keiro_app::partnerships::set_admin_access(&s.app, &ctx, &id, on, None)
                .await
                .map_err(|e| p.app_error(e))?;
            let done = if on {
                "access_restored"
            } else {
                "access_removed"
            };
            Ok(Redirect::to(&format!("/{page}?done={done}")).into_response())
        }
        _ => Err(p.app_error(AppError::NotFound("page"))),
    }
}
