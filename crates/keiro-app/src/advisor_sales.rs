//! What the subscription advisor tools share (R-ADV-1…5, ADR 0010): who may use them, the
//! advisor's standing read again at the moment of use, the link behind a token, the direct sale
//! (seller: the operator; partner of record: the advisor) and the delegated admin grant that
//! may come with it, a customer's use of a link, and extending or withdrawing links. The kinds
//! (`trial_invitations`, `purchase_offers`, `product_keys`) hold only their own rules.

use crate::invitations;
use crate::subscriptions::{first_term, record};
use crate::{App, AppError, AppResult, Ctx, CurrentUser, catalog, relationships};
use keiro_domain::advisor::{self, ToolRefusal, ToolUser};
use keiro_domain::catalog as cat;
use keiro_domain::invitation::InvitationKind;
use keiro_domain::{Action, OrgKind, PartnerAuthorization, Role};
use keiro_store::entities::{invitation, invitation_use, offer, order, organization, subscription};
use keiro_store::repo;
use keiro_store::sea_orm::{ConnectionTrait, DatabaseTransaction};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

pub(crate) fn tool_refused(r: ToolRefusal) -> AppError {
    AppError::Forbidden {
        code: r.code(),
        message: r.message().into(),
        required_roles: vec![],
    }
}

/// May `me` use the advisor tools? The reason names what is missing (R-ADV-1).
pub fn why_not_tools(me: &CurrentUser) -> Option<AppError> {
    if let Err(e) = me.require(Action::UseAdvisorTools, "advisor tools") {
        return Some(e);
    }
    advisor::may_use_tools(&ToolUser {
        org_kind: me.actor.org_kind,
        org_approved: me.actor.org_approved,
        authorizations: &me.org.authorizations,
        global_admin: me.actor.roles.contains(&Role::GlobalAdmin),
        delegated_access: me.actor.delegated_access,
    })
    .err()
    .map(tool_refused)
}

pub(crate) fn require_tools(me: &CurrentUser) -> AppResult<()> {
    why_not_tools(me).map_or(Ok(()), Err)
}

/// Is this organization an approved, advisor-authorized partner now?
pub(crate) fn is_advisor(o: &organization::Model) -> bool {
    o.kind == OrgKind::Partner.code()
        && o.partner_status.as_deref() == Some("approved")
        && PartnerAuthorization::set_of(&o.authorizations)
            .contains(&PartnerAuthorization::SubscriptionAdvisor)
}

/// Why the signed-in user cannot buy or start what an advisor offers, if so: only a customer's
/// global or billing admin can (seed 000).
pub fn why_not_customer_admin(me: &CurrentUser, what: &'static str) -> Option<AppError> {
    if me.actor.org_kind != OrgKind::Customer {
        return Some(AppError::Forbidden {
            code: "not_a_customer",
            message: "only a customer's global or billing admin can accept this".into(),
            required_roles: vec![],
        });
    }
    me.require(Action::AcceptAdvisorOffers, what).err()
}

/// The offer `id` with the countries it is sold in.
pub(crate) async fn offer_with_countries(
    c: &impl ConnectionTrait,
    field: &'static str,
    id: &str,
) -> AppResult<(offer::Model, cat::OfferFacts)> {
    let o = repo::catalog::offers::get(c, id)
        .await?
        .ok_or_else(|| AppError::validation(field, "unknown_offer", "no offer has this id"))?;
    let countries = repo::catalog::offers::countries(c, vec![o.id.clone()])
        .await?
        .remove(&o.id)
        .unwrap_or_default();
    let facts = catalog::facts(&o, countries);
    Ok((o, facts))
}

/// What a link of an advisor's kind carries, as stored.
pub(crate) fn payload(link: &invitation::Model) -> Value {
    serde_json::from_str(&link.payload).unwrap_or_default()
}

/// The link of `kind` behind `token`, with its creator. A link of another kind, or an
/// `advisor` code that is not its creator's partner ID, is not found: only the token says
/// which link it is.
pub(crate) async fn find_link(
    c: &impl ConnectionTrait,
    kind: InvitationKind,
    token: &str,
    advisor_code: Option<&str>,
) -> AppResult<(invitation::Model, organization::Model)> {
    let link = invitations::find(c, token).await?;
    if invitations::kind_of(&link)? != kind {
        return Err(AppError::NotFound("invitation"));
    }
    let creator = repo::orgs::get(c, &link.org_id)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    if let Some(code) = advisor_code.map(str::trim).filter(|c| !c.is_empty())
        && creator.partner_id.as_deref() != Some(code)
    {
        return Err(AppError::NotFound("invitation"));
    }
    Ok((link, creator))
}

/// Checks, inside the transaction that uses it, that the advisor may still sell through what
/// it sent: still an advisor (a revocation committed meanwhile wins), and, when the customer
/// accepts delegated admin, that it was offered and the advisor is still authorized for it.
pub(crate) fn check_standing(
    advisor: &organization::Model,
    dap_offered: bool,
    dap_accepted: bool,
) -> AppResult<()> {
    if !is_advisor(advisor) {
        return Err(AppError::Conflict {
            code: "invitation_revoked",
            message: "this was withdrawn by its sender".into(),
        });
    }
    if dap_accepted && !dap_offered {
        return Err(AppError::validation(
            "delegated_admin",
            "no_delegated_admin_offer",
            "this comes without a delegated admin offer",
        ));
    }
    if dap_accepted {
        advisor::may_offer_delegated_admin(&advisor.authorizations).map_err(tool_refused)?;
    }
    Ok(())
}

/// A direct sale by the operator: to a customer on an advisor's behalf, or to a partner for
/// its license benefit.
pub(crate) struct Sale<'a> {
    pub customer_org_id: &'a str,
    /// Who placed it: the customer's admin, or the advisor for a customer it administers.
    pub placed_by: &'a CurrentUser,
    /// The advisor named partner of record (none for a benefit).
    pub advisor_org_id: Option<&'a str>,
    /// The term in months, when not the offer's (a license benefit's year).
    pub term_months: Option<i64>,
    /// How it came (`trial_invitation`, `purchase_offer`, `product_key`) and from which row.
    pub via: &'static str,
    pub source_id: &'a str,
    pub trial: bool,
    /// Whether the subscriptions renew at the end of their term (a product key pays one term).
    pub auto_renew: bool,
}

/// Writes one order and its subscriptions, in the caller's transaction: sold by the operator,
/// the advisor their partner of record, each with its history entry, audit row and events.
pub(crate) async fn sell(
    tx: &DatabaseTransaction,
    app: &App,
    ctx: &Ctx,
    sale: &Sale<'_>,
    lines: &[(offer::Model, i64)],
) -> AppResult<(String, Vec<subscription::Model>)> {
    let operator = repo::orgs::find_operator(tx)
        .await?
        .ok_or(AppError::Internal("no operator organization".into()))?;
    let now = app.now();
    let order_id = Uuid::now_v7().to_string();
    repo::subscriptions::insert_order(
        tx,
        order::Model {
            id: order_id.clone(),
            customer_org_id: sale.customer_org_id.to_string(),
            placed_by_org_id: sale.placed_by.org.id.clone(),
            placed_by_user_id: Some(sale.placed_by.user.id.clone()),
            created_at: now,
        },
    )
    .await?;
    let mut out = Vec::with_capacity(lines.len());
    for (o, quantity) in lines {
        let (starts, mut ends) = first_term(o, sale.trial, now);
        if let Some(m) = sale.term_months {
            ends = keiro_domain::subscription::add_months(starts, m.clamp(1, 600) as u32);
        }
        let s = subscription::Model {
            id: Uuid::now_v7().to_string(),
            customer_org_id: sale.customer_org_id.to_string(),
            offer_id: o.id.clone(),
            order_id: order_id.clone(),
            seller_org_id: operator.id.clone(),
            reseller_org_id: None,
            support_contact_org_id: None,
            partner_of_record_org_id: sale.advisor_org_id.map(str::to_string),
            quantity: *quantity,
            state: "active".into(),
            suspension_reasons: String::new(),
            auto_renew: sale.auto_renew,
            trial: sale.trial,
            term_started_at: starts,
            term_ends_at: ends,
            ended_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        repo::insert(tx, s.clone()).await?;
        record(
            tx,
            app,
            ctx,
            &s,
            "created",
            json!({ "quantity": s.quantity, "trial": s.trial, "sku": o.sku, "via": sale.via, "source": sale.source_id }),
        )
        .await?;
        out.push(s);
    }
    Ok((order_id, out))
}

/// The customer's admin `me` accepted the delegated admin offer that came with `source`: the
/// advisor gets a reseller relationship (if it had none) and delegated admin (if it had not),
/// exactly as R-REL-7's offer grants. In the caller's transaction.
pub(crate) async fn grant_dap(
    tx: &DatabaseTransaction,
    app: &App,
    ctx: &Ctx,
    me: &CurrentUser,
    advisor_org_id: &str,
    source_id: &str,
    via: &'static str,
) -> AppResult<()> {
    if repo::relationships::active_between(tx, advisor_org_id, &me.org.id)
        .await?
        .is_none()
    {
        relationships::insert_relationship(
            tx,
            app,
            ctx,
            advisor_org_id,
            &me.org.id,
            source_id,
            via,
        )
        .await?;
    }
    if !relationships::has_dap(tx, &me.org.id, advisor_org_id).await? {
        relationships::insert_dap(tx, app, ctx, me, advisor_org_id, source_id, via).await?;
    }
    Ok(())
}

/// Records the customer's one use of a multi-use link; a second is `409 already` (the same
/// customer starting or buying twice through one link).
pub(crate) async fn record_use(
    tx: &DatabaseTransaction,
    link: &invitation::Model,
    me: &CurrentUser,
    subscriptions: &[subscription::Model],
    dap: bool,
    now: OffsetDateTime,
    already: (&'static str, &'static str),
) -> AppResult<()> {
    repo::invitations::insert_use(
        tx,
        invitation_use::Model {
            id: Uuid::now_v7().to_string(),
            invitation_id: link.id.clone(),
            customer_org_id: me.org.id.clone(),
            user_id: me.user.id.clone(),
            subscription_ids: subscriptions
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(","),
            delegated_admin: dap,
            used_at: now,
        },
    )
    .await
    .map_err(|e| match e {
        keiro_store::StoreError::Duplicate(_) => AppError::Conflict {
            code: already.0,
            message: already.1.into(),
        },
        other => other.into(),
    })
}

/// Counts one opening of an advisor's open link (the invitation page calls it once per
/// browser session; a link of another kind is not counted).
pub async fn count_open(app: &App, kind: InvitationKind, link_id: &str) -> AppResult<()> {
    if ADVISOR_KINDS.contains(&kind) {
        let tx = app.db.begin().await?;
        repo::invitations::count_open(&tx, link_id).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The link kinds an advisor's revocation withdraws at once.
pub const ADVISOR_KINDS: [InvitationKind; 2] = [
    InvitationKind::TrialInvitation,
    InvitationKind::PurchaseOffer,
];

/// Keeps an advisor's link open `days` from now (1 to 365), even if it had expired; a revoked
/// link stays revoked. Audited.
pub async fn extend(
    app: &App,
    ctx: &Ctx,
    kind: InvitationKind,
    id: &str,
    days: Option<i64>,
) -> AppResult<invitations::LinkView> {
    let me = ctx.user()?;
    require_tools(me)?;
    let days = advisor::link_days(days)?;
    let tx = app.db.begin().await?;
    let link = repo::invitations::get_in_org(&tx, &me.org.id, id)
        .await?
        .filter(|l| l.kind == kind.code())
        .ok_or(AppError::NotFound("invitation"))?;
    let now = app.now();
    let until = now + time::Duration::days(days);
    if !repo::invitations::set_expiry(&tx, &me.org.id, id, until).await? {
        return Err(AppError::Conflict {
            code: "invitation_not_open",
            message: "only an open invitation link can be extended".into(),
        });
    }
    crate::audit::record(
        &tx,
        ctx,
        now,
        crate::audit::Event::new("invitation.extended", "invitation", id)
            .in_org(&me.org.id)
            .details(json!({
                "kind": link.kind,
                "from": crate::audit::moment(link.expires_at),
                "to": crate::audit::moment(until),
            })),
    )
    .await?;
    let fresh = repo::invitations::get_in_org(&tx, &me.org.id, id)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    tx.commit().await?;
    invitations::view(&fresh, now)
}

/// Withdraws every open advisor link and unused product key of `org`, in the caller's
/// transaction (its advisor status was revoked): how many of each.
pub(crate) async fn revoke_all(
    c: &impl ConnectionTrait,
    org: &str,
    by: &str,
    now: OffsetDateTime,
) -> AppResult<(u64, u64)> {
    let kinds: Vec<&str> = ADVISOR_KINDS.iter().map(|k| k.code()).collect();
    let links = repo::invitations::revoke_all_open(c, org, &kinds, by, now).await?;
    let keys = crate::product_keys::revoke_all(c, org, by, now).await?;
    Ok((links, keys))
}

/// The offers an advisor may offer customers in `country`: available and sold there, matching
/// `q` (name or SKU) if given; at most 200.
pub async fn offerable(
    app: &App,
    ctx: &Ctx,
    country: &str,
    q: Option<&str>,
) -> AppResult<Vec<offer::Model>> {
    let me = ctx.user()?;
    require_tools(me)?;
    let country = cat::country(country)?;
    let page = repo::catalog::offers::list(
        app.db.reader(),
        &repo::catalog::offers::OfferQuery {
            q: q.map(str::trim).filter(|q| !q.is_empty()),
            country: Some(&country),
            state: Some("available"),
            product: None,
            cursor: None,
            limit: 200,
        },
    )
    .await?;
    Ok(page.items)
}

/// The names of these offers (English, Japanese) by id, for lists of links and keys.
pub async fn offer_names(
    app: &App,
    ids: Vec<String>,
) -> AppResult<std::collections::HashMap<String, (String, String)>> {
    Ok(repo::catalog::offers::by_ids(app.db.reader(), ids)
        .await?
        .into_iter()
        .map(|o| (o.id, (o.name_en, o.name_ja)))
        .collect())
}
