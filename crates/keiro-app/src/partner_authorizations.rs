//! Program authorizations (ADR 0010, issue 16 point 1): operator staff grant and revoke a
//! partner's "subscription advisor" and "delegated admin" authorizations, with a reason. One
//! guarded write on the organization's version, its audit row and the email to the partner's
//! primary contact commit together; the audit rows are the history.

use crate::audit::{self, Event};
use crate::{App, AppError, AppResult, Ctx, CurrentUser, mail, outbox};
use keiro_domain::{Action, AuthorizationChange, OrgKind, PartnerAuthorization};
use keiro_store::entities::organization;
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::DatabaseTransaction;
use serde_json::json;

/// The audit action of a change (also what the history is read from).
pub const CHANGED: &str = "organization.authorizations_changed";

/// A reason is required: the partner reads it in the email, and auditors in the history.
pub const MAX_REASON: usize = 1000;

/// One approved partner and the authorizations it holds.
#[derive(Debug, Clone)]
pub struct PartnerView {
    pub organization_id: String,
    pub partner_id: String,
    pub name: String,
    pub country: String,
    pub authorizations: Vec<PartnerAuthorization>,
    pub version: i64,
    pub updated_at: time::OffsetDateTime,
}

impl PartnerView {
    pub fn holds(&self, a: &PartnerAuthorization) -> bool {
        self.authorizations.contains(a)
    }
}

/// One past change, newest first in [`history`].
#[derive(Debug, Clone)]
pub struct ChangeView {
    pub at: time::OffsetDateTime,
    pub by: Option<String>,
    pub granted: Vec<String>,
    pub revoked: Vec<String>,
    pub reason: String,
}

fn view(o: &organization::Model) -> PartnerView {
    PartnerView {
        organization_id: o.id.clone(),
        partner_id: o.partner_id.clone().unwrap_or_default(),
        name: o.legal_name.clone(),
        country: o.country.clone(),
        authorizations: PartnerAuthorization::set_of(&o.authorizations),
        version: o.version,
        updated_at: o.updated_at,
    }
}

fn require(ctx: &Ctx) -> AppResult<&CurrentUser> {
    let me = ctx.user()?;
    me.require(
        Action::ManagePartnerAuthorizations,
        "partner authorizations",
    )?;
    Ok(me)
}

/// The codes of `wanted`, each known; a validation error names the first unknown one.
pub fn parse_wanted(wanted: &[String]) -> AppResult<Vec<PartnerAuthorization>> {
    wanted
        .iter()
        .map(|w| {
            PartnerAuthorization::parse(w.trim()).ok_or_else(|| {
                AppError::validation(
                    "authorizations",
                    "invalid_authorization",
                    format!(
                        "{w:?} is not an authorization: use subscription_advisor or delegated_admin"
                    ),
                )
            })
        })
        .collect()
}

/// Approved partners, searched by name or partner ID, optionally only those holding `holding`.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    q: Option<&str>,
    holding: Option<PartnerAuthorization>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<PartnerView>> {
    require(ctx)?;
    let p = repo::partner_authorizations::list(
        app.db.reader(),
        q,
        holding.map(PartnerAuthorization::code),
        cursor,
        limit,
    )
    .await?;
    Ok(Page {
        items: p.items.iter().map(view).collect(),
        next_cursor: p.next_cursor,
    })
}

/// The partner (an approved partner organization; anything else is not found).
async fn partner(
    c: &impl keiro_store::sea_orm::ConnectionTrait,
    id: &str,
) -> AppResult<organization::Model> {
    let o = repo::orgs::get(c, id)
        .await?
        .filter(|o| o.kind == OrgKind::Partner.code())
        .ok_or(AppError::NotFound("partner"))?;
    if o.partner_status.as_deref() != Some("approved") {
        return Err(AppError::Conflict {
            code: "partner_not_approved",
            message: "only an approved partner holds program authorizations".into(),
        });
    }
    Ok(o)
}

pub async fn get(app: &App, ctx: &Ctx, id: &str) -> AppResult<PartnerView> {
    require(ctx)?;
    Ok(view(&partner(app.db.reader(), id).await?))
}

/// The partner's past changes, newest first, a page at a time.
pub async fn history(
    app: &App,
    ctx: &Ctx,
    id: &str,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<ChangeView>> {
    require(ctx)?;
    let filter = repo::audit::Filter {
        action: Some(CHANGED.into()),
        target_org_id: Some(id.into()),
        ..Default::default()
    };
    let rows = audit::list_named(app, ctx, &filter, cursor, limit).await?;
    let codes = |d: &serde_json::Value, k: &str| -> Vec<String> {
        d[k].as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(Page {
        next_cursor: rows.next_cursor,
        items: rows
            .items
            .into_iter()
            .map(|n| {
                let d: serde_json::Value =
                    serde_json::from_str(&n.record.details).unwrap_or_default();
                ChangeView {
                    at: n.record.occurred_at,
                    by: n.actor,
                    granted: codes(&d, "granted"),
                    revoked: codes(&d, "revoked"),
                    reason: d["reason"].as_str().unwrap_or_default().to_string(),
                }
            })
            .collect(),
    })
}

/// Sets the partner's authorizations to `wanted`, with a reason, if its row is still at
/// `if_version` (when given). No change writes nothing. A change is audited and emailed to
/// the partner's primary contact, in one transaction with the write.
pub async fn set(
    app: &App,
    ctx: &Ctx,
    id: &str,
    wanted: Vec<PartnerAuthorization>,
    reason: &str,
    if_version: Option<i64>,
) -> AppResult<PartnerView> {
    let me = require(ctx)?;
    let reason = reason.trim();
    let tx = app.db.begin().await?;
    let o = partner(&tx, id).await?;
    if if_version.is_some_and(|v| v != o.version) {
        return Err(AppError::PreconditionFailed);
    }
    let held = PartnerAuthorization::set_of(&o.authorizations);
    let change = PartnerAuthorization::change(&held, &wanted);
    if change.is_empty() {
        return Ok(view(&o));
    }
    if reason.is_empty() || reason.chars().count() > MAX_REASON {
        return Err(AppError::validation(
            "reason",
            "reason_required",
            format!("give the reason for the change (1 to {MAX_REASON} characters)"),
        ));
    }
    let now = app.now();
    let stored = PartnerAuthorization::stored(&wanted);
    repo::partner_authorizations::set(&tx, id, o.version, &stored, now).await?;
    // Revoking advisor status withdraws its open links at once (ADR 0010); subscriptions
    // already bought keep their partner of record.
    let (links_revoked, keys_revoked) = if change
        .revoked
        .contains(&PartnerAuthorization::SubscriptionAdvisor)
    {
        crate::advisor_sales::revoke_all(&tx, id, &me.user.id, now).await?
    } else {
        (0, 0)
    };
    let codes = |v: &[PartnerAuthorization]| v.iter().map(|a| a.code()).collect::<Vec<_>>();
    audit::record(
        &tx,
        ctx,
        now,
        Event::new(CHANGED, "organization", id)
            .in_org(id)
            .details(json!({
                "granted": codes(&change.granted),
                "revoked": codes(&change.revoked),
                "now": codes(&wanted),
                "reason": reason,
                "by_org": me.org.id,
                "links_revoked": links_revoked,
                "keys_revoked": keys_revoked,
            })),
    )
    .await?;
    notify(&tx, app, &o, &change, &wanted, reason).await?;
    let o = partner(&tx, id).await?;
    tx.commit().await?;
    Ok(view(&o))
}

/// Emails the change to the partner's primary contact (from its application; the company's
/// address for a partner created without one), in their language.
async fn notify(
    tx: &DatabaseTransaction,
    app: &App,
    o: &organization::Model,
    change: &AuthorizationChange,
    now: &[PartnerAuthorization],
    reason: &str,
) -> AppResult<()> {
    let Some(crate::orgs::Contact { name, email, lang }) = crate::orgs::contact(tx, o).await?
    else {
        return Ok(());
    };
    let names = |v: &[PartnerAuthorization]| {
        if v.is_empty() {
            mail::phrase(lang, "authorization-none")
        } else {
            v.iter()
                .map(|a| mail::phrase(lang, &format!("authorization-{}", a.code())))
                .collect::<Vec<_>>()
                .join(mail::phrase(lang, "list-separator").as_str())
        }
    };
    outbox::enqueue_email(
        tx,
        app,
        Some(&o.id),
        "partner-authorizations-changed",
        &email,
        lang,
        &[
            ("name", name),
            ("company", o.legal_name.clone()),
            ("partner_id", o.partner_id.clone().unwrap_or_default()),
            ("granted", names(&change.granted)),
            ("revoked", names(&change.revoked)),
            ("current", names(now)),
            ("reason", reason.to_string()),
        ],
    )
    .await
}
