//! The page behind an invitation link: who invites, what accepting grants, and acceptance
//! (R-PRT-2, R-REL-3, R-REL-7, R-REL-8).

use super::{Base, PageResult, Portal, SignedForm, no_store, render, t, t_args};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use keiro_app::AppError;
use keiro_domain::invitation::InvitationKind;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "acceptance/invite.html")]
pub struct InvitePage {
    pub b: Base,
    pub token: String,
    pub heading: String,
    pub from: String,
    pub partner_id: String,
    pub country: String,
    pub invited_by: String,
    pub expires: String,
    pub grants: Vec<String>,
    /// Why the link cannot be used (expired, revoked, used), if so.
    pub closed: Option<String>,
    pub signed_in: bool,
    /// Why the signed-in user cannot accept, if so.
    pub refusal: Option<String>,
    pub signin_href: String,
    pub signup_href: String,
    /// For a GDAP approval link: its terms, translated.
    pub gdap_terms: Option<(String, String, String)>,
    /// A partnership link (else a customer relationship link).
    pub partnership: bool,
    pub approve_label: String,
    /// A trial invitation (R-ADV-2): what it offers.
    pub trial: Option<TrialFacts>,
    /// A purchase offer (R-ADV-3): its lines, to buy as they are or changed.
    pub purchase: Option<PurchaseFacts>,
    /// Made with the page: a double submit starts the trial once (R-ORD-7).
    pub idem: String,
}

/// What a trial invitation's page says of the trial and of the delegated admin offer.
pub struct TrialFacts {
    pub offer: String,
    pub length: String,
    pub advisor: String,
    /// What accepting the delegated admin offer grants, when it comes with the trial.
    pub dap_grants: Vec<String>,
}

/// What a purchase offer's page shows and lets the customer change.
pub struct PurchaseFacts {
    pub advisor: String,
    pub lines: Vec<PurchaseLine>,
    pub dap_grants: Vec<String>,
}

/// A line of a purchase offer: the advisor's suggestion, or what the customer last sent.
pub struct PurchaseLine {
    pub id: String,
    pub name: String,
    pub price: String,
    pub min: i64,
    pub max: i64,
    pub quantity: i64,
    pub chosen: bool,
    pub retired: bool,
    /// An add-on: the offer it needs (held already, or bought with it).
    pub addon_of: Option<String>,
}

fn dap_grants(lang: keiro_domain::Language, offered: bool) -> Vec<String> {
    if !offered {
        return vec![];
    }
    InvitationKind::DelegatedAdmin
        .grants()
        .iter()
        .map(|g| t(lang, &format!("invite-grant-{g}")))
        .collect()
}

async fn purchase_facts(
    s: &AppState,
    p: &Portal,
    token: &str,
    advisor: Option<&str>,
    kept: Option<&PurchaseForm>,
) -> Result<PurchaseFacts, AppError> {
    use keiro_domain::Language;
    let pp = keiro_app::purchase_offers::preview(&s.app, token, advisor).await?;
    let name = |en: &str, ja: &str| match p.lang {
        Language::Ja => ja.to_string(),
        Language::En => en.to_string(),
    };
    let names: std::collections::HashMap<&str, String> = pp
        .lines
        .iter()
        .map(|l| (l.offer_id.as_str(), name(&l.name_en, &l.name_ja)))
        .collect();
    let lines = pp
        .lines
        .iter()
        .map(|l| {
            let typed = kept.and_then(|k| k.quantity_of(&l.offer_id));
            PurchaseLine {
                id: l.offer_id.clone(),
                name: name(&l.name_en, &l.name_ja),
                price: format!(
                    "{} / {}",
                    keiro_domain::display::money(l.unit_price_minor, &l.currency),
                    t(p.lang, &format!("cycle-{}", l.billing_cycle))
                ),
                min: l.min_quantity,
                max: l.max_quantity,
                quantity: typed.unwrap_or(l.suggested),
                chosen: !l.retired && kept.is_none_or(|k| k.offer.contains(&l.offer_id)),
                retired: l.retired,
                addon_of: l
                    .prerequisite_offer_id
                    .as_deref()
                    .map(|pre| names.get(pre).cloned().unwrap_or_else(|| pre.to_string())),
            }
        })
        .collect();
    Ok(PurchaseFacts {
        advisor: advisor.unwrap_or_default().to_string(),
        lines,
        dap_grants: dap_grants(p.lang, pp.delegated_admin),
    })
}

#[derive(Deserialize)]
pub struct InviteQuery {
    token: Option<String>,
    /// A trial invitation's advisor code (its creator's partner ID), for people to read.
    advisor: Option<String>,
}

/// The page behind an invitation link: who invites, what accepting grants, and (for an eligible
/// signed-in user) the confirmation box and "Approve indirect provider" (R-PRT-2).
pub async fn invite(
    State(s): State<AppState>,
    p: Portal,
    jar: axum_extra::extract::cookie::CookieJar,
    Query(q): Query<InviteQuery>,
) -> PageResult {
    let token = q.token.unwrap_or_default();
    let advisor = q.advisor.as_deref();
    let page = invite_page(&s, &p, &token, advisor, StatusCode::OK, None, None).await?;
    // An advisor's open link counts as opened once per browser session (issue 16 point 7).
    let Ok(link) = keiro_app::invitations::preview(&s.app, &token).await else {
        return Ok(page);
    };
    if link.status != keiro_domain::invitation::LinkStatus::Open {
        return Ok(page);
    }
    match super::cookies::opened(&s, &jar, &link.id) {
        Some(cookie) => {
            keiro_app::advisor_sales::count_open(&s.app, link.kind, &link.id)
                .await
                .map_err(|e| p.app_error(e))?;
            Ok((jar.add(cookie), page).into_response())
        }
        None => Ok(page),
    }
}

pub(super) async fn invite_page(
    s: &AppState,
    p: &Portal,
    token: &str,
    advisor: Option<&str>,
    status: StatusCode,
    error: Option<String>,
    kept: Option<&PurchaseForm>,
) -> PageResult {
    let unknown = |e: AppError| match e {
        AppError::NotFound(_) => p.error_page(StatusCode::NOT_FOUND, &t(p.lang, "invite-unknown")),
        e => p.app_error(e),
    };
    let preview = keiro_app::invitations::preview(&s.app, token)
        .await
        .map_err(unknown)?;
    let trial = match preview.kind {
        InvitationKind::TrialInvitation => {
            let tp = keiro_app::trial_invitations::preview(&s.app, token, advisor)
                .await
                .map_err(unknown)?;
            Some(TrialFacts {
                offer: match p.lang {
                    keiro_domain::Language::Ja => tp.offer_name_ja,
                    keiro_domain::Language::En => tp.offer_name_en,
                },
                length: t_args(
                    p.lang,
                    "trial-length",
                    &[("days", tp.trial_days.to_string())],
                ),
                advisor: advisor.unwrap_or_default().to_string(),
                dap_grants: dap_grants(p.lang, tp.delegated_admin),
            })
        }
        _ => None,
    };
    let purchase = match preview.kind {
        InvitationKind::PurchaseOffer => Some(
            purchase_facts(s, p, token, advisor, kept)
                .await
                .map_err(unknown)?,
        ),
        _ => None,
    };
    let closed = preview
        .status
        .refusal()
        .map(|code| t(p.lang, &format!("error-{code}")));
    // Only a fully signed-in user accepts; anyone else is asked to sign in first.
    let user = p
        .session
        .as_ref()
        .filter(|_| p.user().is_ok())
        .map(|s| &s.user);
    let partnership = preview.kind == InvitationKind::Partnership;
    // Said before the click: why acceptance would be refused (rules in keiro-app).
    let refusal = user
        .and_then(|u| keiro_app::invitations::why_not(u, &preview))
        .map(|e| p.message_for(&e));
    let next = format!(
        "/invite?token={}",
        url::form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()
    );
    let mut b = p.base("invite-title");
    b.error = error;
    let page = InvitePage {
        heading: t_args(
            p.lang,
            &format!("invite-heading-{}", preview.kind.code()),
            &[("name", preview.from_org_name.clone())],
        ),
        gdap_terms: preview.gdap.as_ref().map(|g| {
            (
                g.display_name.clone(),
                g.roles
                    .iter()
                    .map(|r| t(p.lang, &format!("role-{r}")))
                    .collect::<Vec<_>>()
                    .join(", "),
                t_args(
                    p.lang,
                    if g.auto_extend {
                        "invite-gdap-duration-extend"
                    } else {
                        "invite-gdap-duration"
                    },
                    &[("days", g.duration_days.to_string())],
                ),
            )
        }),
        partnership,
        trial,
        purchase,
        idem: super::form::idem(),
        approve_label: t(
            p.lang,
            if partnership {
                "invite-approve"
            } else {
                "invite-accept-relationship"
            },
        ),
        token: token.to_string(),
        from: preview.from_org_name,
        partner_id: preview.from_partner_id.unwrap_or_default(),
        country: preview.from_country,
        invited_by: preview.invited_by,
        expires: p.time(preview.expires_at),
        grants: preview
            .kind
            .grants()
            .iter()
            .map(|g| t(p.lang, &format!("invite-grant-{g}")))
            .collect(),
        closed,
        signed_in: user.is_some(),
        refusal,
        signin_href: format!(
            "/signin?next={}",
            url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        ),
        signup_href: format!(
            "/invite/signup?token={}",
            url::form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()
        ),
        b,
    };
    Ok((status, no_store(render(&page))).into_response())
}

#[derive(Deserialize)]
pub struct AcceptForm {
    token: String,
    confirm: Option<String>,
}

pub async fn accept(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<AcceptForm>,
) -> PageResult {
    let confirmed = f.confirm.as_deref() == Some("yes");
    use keiro_app::acceptance::Accepted;
    match keiro_app::acceptance::accept(&s.app, &p.ctx(), &f.token, confirmed).await {
        Ok(Accepted::Partnership(_)) => {
            Ok(Redirect::to("/indirect-providers?done=accepted").into_response())
        }
        Ok(Accepted::Relationships(_)) => {
            Ok(Redirect::to("/partners?done=accepted").into_response())
        }
        Ok(Accepted::Gdap(_)) => Ok(Redirect::to("/partners?done=gdap_approved").into_response()),
        Err(
            e @ (AppError::Validation(_) | AppError::Conflict { .. } | AppError::Forbidden { .. }),
        ) => {
            let status = crate::problem::status_of(&e);
            invite_page(
                &s,
                &p,
                &f.token,
                None,
                status,
                Some(p.message_for(&e)),
                None,
            )
            .await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

#[derive(Deserialize)]
pub struct TrialForm {
    token: String,
    #[serde(default)]
    advisor: String,
    delegated_admin: Option<String>,
    #[serde(default)]
    idem: String,
}

/// Starts the trial of a trial invitation (R-ADV-2): delegated admin only if its box is ticked.
pub async fn start_trial(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<TrialForm>,
) -> PageResult {
    let advisor = Some(f.advisor.as_str()).filter(|a| !a.is_empty());
    let dap = f.delegated_admin.as_deref() == Some("yes");
    let idem = Some(f.idem.as_str()).filter(|k| !k.is_empty());
    match keiro_app::trial_invitations::start(&s.app, &p.ctx(), &f.token, advisor, dap, idem).await
    {
        Ok(o) => Ok(Redirect::to(&format!(
            "/subscriptions/{}?done=trial_started",
            o.value.subscription.id
        ))
        .into_response()),
        Err(
            e @ (AppError::Validation(_) | AppError::Conflict { .. } | AppError::Forbidden { .. }),
        ) => {
            let status = crate::problem::status_of(&e);
            invite_page(
                &s,
                &p,
                &f.token,
                advisor,
                status,
                Some(p.message_for(&e)),
                None,
            )
            .await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

/// A purchase offer's form: every line sends its `line` (offer id) and `quantity`, in order; a
/// ticked line also sends `offer`.
#[derive(Deserialize)]
pub struct PurchaseForm {
    token: String,
    #[serde(default)]
    advisor: String,
    #[serde(default)]
    line: Vec<String>,
    #[serde(default)]
    quantity: Vec<String>,
    #[serde(default)]
    offer: Vec<String>,
    delegated_admin: Option<String>,
    #[serde(default)]
    idem: String,
}

impl PurchaseForm {
    fn quantity_of(&self, id: &str) -> Option<i64> {
        self.line
            .iter()
            .zip(&self.quantity)
            .find(|(l, _)| *l == id)
            .and_then(|(_, q)| q.trim().parse().ok())
    }

    fn chosen(&self) -> Vec<keiro_app::purchase_offers::OfferLine> {
        super::form::ticked_lines(&self.line, &self.quantity, &self.offer)
    }
}

/// Buys through a purchase offer (R-ADV-3): the ticked lines with their counts, delegated admin
/// only if its box is ticked. A refusal shows the page again with what the customer chose.
pub async fn buy_offer(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<PurchaseForm>,
) -> PageResult {
    let advisor = Some(f.advisor.as_str()).filter(|a| !a.is_empty());
    let dap = f.delegated_admin.as_deref() == Some("yes");
    let idem = Some(f.idem.as_str()).filter(|k| !k.is_empty());
    match keiro_app::purchase_offers::buy(
        &s.app,
        &p.ctx(),
        &f.token,
        advisor,
        f.chosen(),
        dap,
        idem,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/subscriptions?done=purchased").into_response()),
        Err(
            e @ (AppError::Validation(_) | AppError::Conflict { .. } | AppError::Forbidden { .. }),
        ) => {
            let status = crate::problem::status_of(&e);
            let msg = Some(p.message_for(&e));
            invite_page(&s, &p, &f.token, advisor, status, msg, Some(&f)).await
        }
        Err(e) => Err(p.app_error(e)),
    }
}
