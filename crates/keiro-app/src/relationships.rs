//! Reseller relationships with customers (R-REL-1…5): a partner's request link (alone, or a
//! reseller's together with one of its indirect providers), acceptance by a customer's global
//! admin, sign-up of a new customer through the link, the partner's Customers page and the
//! customer's view of its partners with their contact details (R-ORG-2).

mod record;
pub use record::{Account, Closed, CustomerRecord, Part, record};

use crate::admin::{NewOrg, NewUser, insert_org, insert_user};
use crate::audit::{self, Event};
use crate::idempotency::{self, Key, Outcome};
use crate::invitations::{self, Issued, SendTo};
use crate::orgs::partner_facts;
use crate::rights::DAP;
use crate::{App, AppError, AppResult, Ctx, CurrentUser, outbox};
use keiro_domain::invitation::InvitationKind;
use keiro_domain::relationship::{self, Refusal};
use keiro_domain::{Action, CompanyProfile, DelegatedAccess, Language, OrgKind, Role};
use keiro_store::entities::invitation;
use keiro_store::entities::{customer_relationship, delegated_right, organization};
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

fn refused(r: Refusal) -> AppError {
    match r {
        Refusal::AlreadyRelated => AppError::Conflict {
            code: r.code(),
            message: r.message().into(),
        },
        _ => AppError::Forbidden {
            code: r.code(),
            message: r.message().into(),
            required_roles: vec![],
        },
    }
}

fn has_dap_authorization(o: &organization::Model) -> bool {
    o.authorizations.split(',').any(|a| a == "delegated_admin")
}

/// Creates a reseller relationship request link (R-REL-2) with its draft; emails it if asked.
pub async fn request(
    app: &App,
    ctx: &Ctx,
    lang: Option<Language>,
    idem: Option<&str>,
    send_to: Option<SendTo>,
) -> AppResult<Issued> {
    let me = ctx.user()?;
    me.require(Action::RequestCustomerRelationship, "relationship request")?;
    relationship::may_request(&partner_facts(&me.org)).map_err(refused)?;
    invitations::issue(
        app,
        ctx,
        me,
        InvitationKind::ResellerRelationship,
        json!({}),
        lang,
        idem,
        send_to,
        None,
    )
    .await
}

/// Creates a three-way link (R-REL-3): one acceptance makes the customer's relationships with
/// the reseller and with `provider`, one of its indirect providers. The reseller also gets
/// delegated admin over the customer when the operator authorized it for delegated admin.
pub async fn request_three_way(
    app: &App,
    ctx: &Ctx,
    provider: &str,
    lang: Option<Language>,
    idem: Option<&str>,
    send_to: Option<SendTo>,
) -> AppResult<Issued> {
    let me = ctx.user()?;
    me.require(Action::RequestCustomerRelationship, "relationship request")?;
    let partnered = repo::partnerships::active_between(app.db.reader(), provider, &me.org.id)
        .await?
        .is_some();
    relationship::may_request_three_way(&partner_facts(&me.org), partnered).map_err(refused)?;
    invitations::issue(
        app,
        ctx,
        me,
        InvitationKind::ThreeWayRelationship,
        json!({ "provider_org_id": provider, "dap": has_dap_authorization(&me.org) }),
        lang,
        idem,
        send_to,
        None,
    )
    .await
}

/// Creates a delegated admin offer link (R-REL-7): only partners the operator authorized for
/// delegated admin; effective only when a customer's global admin accepts it.
pub async fn offer_delegated_admin(
    app: &App,
    ctx: &Ctx,
    lang: Option<Language>,
    idem: Option<&str>,
    send_to: Option<SendTo>,
) -> AppResult<Issued> {
    let me = ctx.user()?;
    me.require(Action::RequestCustomerRelationship, "delegated admin offer")?;
    relationship::may_offer_delegated_admin(
        &partner_facts(&me.org),
        has_dap_authorization(&me.org),
    )
    .map_err(refused)?;
    invitations::issue(
        app,
        ctx,
        me,
        InvitationKind::DelegatedAdmin,
        json!({}),
        lang,
        idem,
        send_to,
        None,
    )
    .await
}

/// A partner as a customer sees it, with its contact details (R-ORG-2).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartnerContact {
    pub org_id: String,
    /// The partner holds delegated admin over the customer (R-REL-7).
    pub delegated_admin: bool,
    pub legal_name: String,
    pub partner_id: Option<String>,
    pub email: String,
    pub phone: String,
    pub website: String,
    pub since: OffsetDateTime,
}

fn contact(o: &organization::Model, since: OffsetDateTime, dap: bool) -> PartnerContact {
    PartnerContact {
        org_id: o.id.clone(),
        delegated_admin: dap,
        legal_name: o.legal_name.clone(),
        partner_id: o.partner_id.clone(),
        email: o.email.clone(),
        phone: o.phone.clone(),
        website: o.website.clone(),
        since,
    }
}

/// Accepts a relationship link as the signed-in customer's global admin (R-REL-2, R-REL-3):
/// one transaction takes a use of the link, creates the relationships it names that do not
/// exist yet (and the reseller's delegated admin of a three-way link), audits each, and tells
/// the link's creator. Returns the partners the customer now has.
pub(crate) async fn accept_link(
    tx: &DatabaseTransaction,
    app: &App,
    ctx: &Ctx,
    link: &invitation::Model,
    confirmed: bool,
) -> AppResult<Vec<PartnerContact>> {
    let me = ctx.user()?;
    let kind = InvitationKind::parse(&link.kind).ok_or(AppError::NotFound("invitation"))?;
    let reseller = repo::orgs::get(tx, &link.org_id)
        .await?
        .ok_or(AppError::NotFound("invitation"))?;
    relationship::may_accept(me.actor.org_kind, &partner_facts(&reseller)).map_err(refused)?;
    me.require(Action::AcceptPartnerRelationship, "relationship")?;
    if !confirmed {
        return Err(AppError::validation(
            "confirm",
            "confirmation_required",
            "tick the confirmation box to accept the relationship",
        ));
    }
    let payload: serde_json::Value = serde_json::from_str(&link.payload).unwrap_or_default();
    let mut partners = vec![reseller.clone()];
    if kind == InvitationKind::ThreeWayRelationship {
        let provider_id = payload["provider_org_id"].as_str().unwrap_or_default();
        let provider = repo::orgs::get(tx, provider_id).await?;
        let partnered = repo::partnerships::active_between(tx, provider_id, &reseller.id)
            .await?
            .is_some();
        match provider {
            Some(p) if partnered && partner_facts(&p).approved => partners.push(p),
            _ => return Err(refused(Refusal::PartnerUnavailable)),
        }
    }
    let mut new = Vec::new();
    for p in &partners {
        if repo::relationships::active_between(tx, &p.id, &me.org.id)
            .await?
            .is_none()
        {
            new.push(p.clone());
        }
    }
    // Delegated admin comes with a DAP offer, and with a three-way link when the reseller was
    // authorized for it (R-REL-3, R-REL-7); the authorization is checked again now.
    let wants_dap = match kind {
        InvitationKind::DelegatedAdmin => {
            if !has_dap_authorization(&reseller) {
                return Err(refused(Refusal::PartnerUnavailable));
            }
            true
        }
        InvitationKind::ThreeWayRelationship => {
            payload["dap"].as_bool() == Some(true) && has_dap_authorization(&reseller)
        }
        _ => false,
    };
    let grant_dap = wants_dap && !has_dap(tx, &me.org.id, &reseller.id).await?;
    if new.is_empty() && !grant_dap {
        return Err(refused(Refusal::AlreadyRelated));
    }
    invitations::take(tx, app, link, me).await?;
    let now = app.now();
    for p in &new {
        insert_relationship(tx, app, ctx, &p.id, &me.org.id, &link.id, kind.code()).await?;
    }
    if grant_dap {
        insert_dap(tx, app, ctx, me, &reseller.id, &link.id, kind.code()).await?;
    }
    invitations::notify_creator(
        tx,
        app,
        link,
        &reseller.id,
        "relationship-accepted",
        &[
            ("customer", me.org.legal_name.clone()),
            ("company", reseller.legal_name.clone()),
        ],
        &[],
    )
    .await?;
    let mut out = Vec::with_capacity(partners.len());
    for p in &partners {
        out.push(contact(p, now, has_dap(tx, &me.org.id, &p.id).await?));
    }
    Ok(out)
}

/// A new customer's company and first global admin, created through a relationship link.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    pub company_name: String,
    pub country: String,
    pub primary_domain: String,
    pub full_name: String,
    pub email: String,
    pub password: String,
}

/// R-REL-4: a person whose company has no account yet creates the customer organization and its
/// first global admin through an open relationship link or trial invitation (R-ADV-2; only
/// through one: no open self-registration), then accepts like any customer.
/// With `idem`, once per key: a replay answers the same user (the password is left out of the
/// fingerprint, so no fast hash of it is stored).
pub async fn sign_up(
    app: &App,
    ctx: &Ctx,
    token: &str,
    n: NewCustomer,
    idem: Option<&str>,
) -> AppResult<Outcome<CurrentUser>> {
    let key = Key::maybe(
        "customer_sign_ups",
        idem,
        &json!({ "token": crate::secrets::sha256_hex(token), "company_name": n.company_name, "country": n.country,
            "primary_domain": n.primary_domain, "full_name": n.full_name, "email": n.email }),
    )?;
    crate::admin::once_for_new_user(app, key, async |key| {
        sign_up_once(app, ctx, token, n, key).await
    })
    .await
}

async fn sign_up_once(
    app: &App,
    ctx: &Ctx,
    token: &str,
    n: NewCustomer,
    key: Option<&Key>,
) -> AppResult<String> {
    let now = app.now();
    let per_address = format!("signup:{}", ctx.client_ip);
    app.count(
        &app.throttle.signin_ip,
        &per_address,
        "too_many_sign_ins_from_address",
    )
    .await?;
    keiro_domain::password::check_new_password(&n.password, &n.email)?;
    let tx = app.db.begin().await?;
    let link = invitations::find(&tx, token).await?;
    if !matches!(
        InvitationKind::parse(&link.kind),
        Some(
            InvitationKind::ResellerRelationship
                | InvitationKind::ThreeWayRelationship
                | InvitationKind::TrialInvitation
                | InvitationKind::PurchaseOffer
        )
    ) {
        return Err(AppError::NotFound("invitation"));
    }
    if let Some(e) = invitations::refusal(invitations::status_of(&link, now)?) {
        return Err(e);
    }
    let org = insert_org(
        &tx,
        app,
        NewOrg {
            kind: OrgKind::Customer,
            profile: CompanyProfile {
                legal_name: n.company_name,
                address_line1: String::new(),
                address_line2: String::new(),
                city: String::new(),
                region: String::new(),
                postal_code: String::new(),
                country: n.country,
                phone: String::new(),
                email: String::new(),
                website: String::new(),
                primary_domain: n.primary_domain,
            },
            program_roles: vec![],
            authorizations: vec![],
            partner_id: None,
            enrolling: false,
        },
    )
    .await?;
    let (u, _) = insert_user(
        &tx,
        app,
        &org,
        NewUser {
            email: &n.email,
            full_name: &n.full_name,
            roles: &[Role::GlobalAdmin],
            delegated_access: DelegatedAccess::None,
            password: Some(&n.password),
        },
    )
    .await?;
    audit::record_as(
        &tx,
        None,
        ctx.request_id.as_deref(),
        now,
        Event::new("organization.created", "organization", &org.id)
            .in_org(&org.id)
            .details(json!({ "kind": "customer", "via": "invitation", "invitation": link.id, "admin": u.email })),
    )
    .await?;
    idempotency::keep(&tx, key, 201, &u.id, now).await?;
    tx.commit().await?;
    Ok(u.id)
}

/// A customer as its partner's Customers page shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CustomerView {
    pub id: String,
    /// The partner holds delegated admin over this customer.
    pub delegated_admin: bool,
    pub legal_name: String,
    pub primary_domain: String,
    pub country: String,
    pub since: OffsetDateTime,
    /// The customer's live subscriptions the caller takes part in (the list only).
    pub subscriptions: usize,
    /// The resellers those subscriptions are attributed to, by name (the list only).
    pub resellers: Vec<String>,
}

pub use keiro_store::repo::relationships::Sort as CustomerSort;

/// What the Customers page asks for (R-REL-10).
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter<'a> {
    pub q: Option<&'a str>,
    pub sort: CustomerSort,
    /// A provider's filter: only customers it shares with this partnered reseller.
    pub reseller: Option<&'a str>,
    pub delegated_admin: Option<bool>,
    pub cursor: Option<&'a str>,
    pub limit: u64,
}

/// The caller's customers: those with an active relationship to its organization, and no
/// others (R-REL-5); paged, sorted, searched and filtered in one query (R-REL-10).
pub async fn customers(
    app: &App,
    ctx: &Ctx,
    f: CustomerFilter<'_>,
) -> AppResult<Page<CustomerView>> {
    let me = ctx.user()?;
    me.require(Action::ViewCustomers, "customers")?;
    let c = app.db.reader();
    if let Some(reseller) = f.reseller
        && repo::partnerships::active_between(c, &me.org.id, reseller)
            .await?
            .is_none()
    {
        return Err(AppError::NotFound("reseller"));
    }
    let page = repo::relationships::customers(
        c,
        &me.org.id,
        &repo::relationships::CustomerQuery {
            q: f.q,
            sort: f.sort,
            shared_with: f.reseller,
            delegated_admin: f.delegated_admin,
            cursor: f.cursor,
            limit: f.limit,
        },
    )
    .await?;
    // One query for the page's subscriptions, one for the names of their resellers.
    let ids: Vec<String> = page.items.iter().map(|(o, _, _)| o.id.clone()).collect();
    let subs = repo::subscriptions::summary_for(c, &me.org.id, &ids).await?;
    let mut reseller_ids: Vec<String> = subs.iter().filter_map(|(_, r)| r.clone()).collect();
    reseller_ids.sort();
    reseller_ids.dedup();
    let names = repo::orgs::names(c, &reseller_ids).await?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|(o, r, dap)| {
                let mine: Vec<_> = subs.iter().filter(|(cu, _)| *cu == o.id).collect();
                let mut resellers: Vec<String> = mine
                    .iter()
                    .filter_map(|(_, r)| r.as_ref())
                    .filter_map(|r| names.iter().find(|(id, _)| id == r).map(|(_, n)| n.clone()))
                    .collect();
                resellers.sort();
                resellers.dedup();
                CustomerView {
                    delegated_admin: dap,
                    id: o.id,
                    legal_name: o.legal_name,
                    primary_domain: o.primary_domain,
                    country: o.country,
                    since: r.created_at,
                    subscriptions: mine.len(),
                    resellers,
                }
            })
            .collect(),
        next_cursor: page.next_cursor,
    })
}

/// One of the caller's customers (an active relationship), else 404.
pub async fn customer(app: &App, ctx: &Ctx, id: &str) -> AppResult<CustomerView> {
    Ok(customer_row(app, ctx, id).await?.0)
}

/// [`customer`], with the customer's row (the record shows more of it): one read of each.
async fn customer_row(
    app: &App,
    ctx: &Ctx,
    id: &str,
) -> AppResult<(CustomerView, organization::Model)> {
    let me = ctx.user()?;
    me.require(Action::ViewCustomers, "customer")?;
    let c = app.db.reader();
    let rel = repo::relationships::active_between(c, &me.org.id, id)
        .await?
        .ok_or(AppError::NotFound("customer"))?;
    let o = repo::orgs::get(c, id)
        .await?
        .ok_or(AppError::NotFound("customer"))?;
    let view = CustomerView {
        delegated_admin: has_dap(c, &o.id, &me.org.id).await?,
        id: o.id.clone(),
        legal_name: o.legal_name.clone(),
        primary_domain: o.primary_domain.clone(),
        country: o.country.clone(),
        since: rel.created_at,
        subscriptions: 0,
        resellers: vec![],
    };
    Ok((view, o))
}

/// Whether the caller may offer delegated admin (R-REL-7), for greying the action.
pub fn may_offer_delegated_admin(me: &CurrentUser) -> bool {
    me.may(Action::RequestCustomerRelationship)
        && relationship::may_offer_delegated_admin(
            &partner_facts(&me.org),
            has_dap_authorization(&me.org),
        )
        .is_ok()
}

/// The caller's (customer's) partners with their contact details (R-ORG-2).
pub async fn partners(
    app: &App,
    ctx: &Ctx,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<PartnerContact>> {
    let me = ctx.user()?;
    me.require(Action::ViewPartners, "partners")?;
    let c = app.db.reader();
    let page = repo::relationships::partners(c, &me.org.id, cursor, limit).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for (r, o) in &page.items {
        items.push(contact(
            o,
            r.created_at,
            has_dap(c, &me.org.id, &o.id).await?,
        ));
    }
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

pub(crate) async fn has_dap(
    c: &impl keiro_store::sea_orm::ConnectionTrait,
    customer: &str,
    partner: &str,
) -> AppResult<bool> {
    Ok(repo::rights::live(c, customer, partner)
        .await?
        .iter()
        .any(|r| r.kind == DAP))
}

/// Ends the caller's reseller relationship with a customer, after the attestation (R-REL-6):
/// the customer leaves the Customers page, the partner's delegated admin (DAP) over it ends,
/// granular delegated admin (GDAP) is kept, and no notice is sent: only the audit log records it.
pub async fn remove(app: &App, ctx: &Ctx, customer: &str, attest: bool) -> AppResult<()> {
    let me = ctx.user()?;
    me.require(Action::RemoveCustomerRelationship, "customer")?;
    keiro_domain::partnership::check_attestation(attest)?;
    let tx = app.db.begin().await?;
    let now = app.now();
    if !repo::relationships::end(&tx, &me.org.id, customer, now).await? {
        return Err(AppError::NotFound("customer"));
    }
    let dap_removed =
        repo::rights::revoke(&tx, customer, &me.org.id, DAP, &me.user.id, now).await?;
    if dap_removed {
        outbox::enqueue_event(
            &tx,
            app,
            &[&me.org.id, customer],
            "delegated_admin.revoked",
            json!({ "partner": me.org.id, "customer": customer, "via": "relationship_removed" }),
        )
        .await?;
    }
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("relationship.removed", "customer_relationship", customer)
            .in_org(customer)
            .details(json!({
                "partner": me.org.id,
                "customer": customer,
                "attested": true,
                "delegated_admin_removed": dap_removed,
                "notice_sent": false,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The customer's global admin revokes a partner's delegated admin at any time (R-REL-7); the
/// relationship stays. Effective on the partner's next request.
pub async fn revoke_delegated_admin(
    app: &App,
    ctx: &Ctx,
    partner: &str,
) -> AppResult<PartnerContact> {
    let me = ctx.user()?;
    me.require(Action::ManagePartnerAccess, "partner")?;
    let tx = app.db.begin().await?;
    let rel = repo::relationships::active_between(&tx, partner, &me.org.id)
        .await?
        .ok_or(AppError::NotFound("partner"))?;
    let now = app.now();
    if !repo::rights::revoke(&tx, &me.org.id, partner, DAP, &me.user.id, now).await? {
        return Err(AppError::Conflict {
            code: "no_delegated_admin",
            message: "this partner has no delegated admin to revoke".into(),
        });
    }
    outbox::enqueue_event(
        &tx,
        app,
        &[partner, &me.org.id],
        "delegated_admin.revoked",
        json!({ "partner": partner, "customer": me.org.id, "via": "customer" }),
    )
    .await?;
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("delegated_admin.revoked", "customer_relationship", &rel.id)
            .in_org(partner)
            .details(json!({ "owner": me.org.id, "grantee": partner })),
    )
    .await?;
    let o = repo::orgs::get(&tx, partner)
        .await?
        .ok_or(AppError::NotFound("partner"))?;
    tx.commit().await?;
    Ok(contact(&o, rel.created_at, false))
}

/// Starts a reseller relationship between `partner` and `customer` through the link `link_id`
/// of kind `via`: the row, its event and its audit row, in the caller's transaction.
pub(crate) async fn insert_relationship(
    tx: &DatabaseTransaction,
    app: &App,
    ctx: &Ctx,
    partner: &str,
    customer: &str,
    link_id: &str,
    via: &str,
) -> AppResult<()> {
    let now = app.now();
    let id = Uuid::now_v7().to_string();
    repo::insert(
        tx,
        customer_relationship::Model {
            id: id.clone(),
            partner_org_id: partner.to_string(),
            customer_org_id: customer.to_string(),
            state: "active".into(),
            created_at: now,
            ended_at: None,
        },
    )
    .await
    .map_err(|e| match e {
        keiro_store::StoreError::Duplicate(_) => refused(Refusal::AlreadyRelated),
        other => other.into(),
    })?;
    outbox::enqueue_event(
        tx,
        app,
        &[partner, customer],
        "relationship.accepted",
        json!({ "relationship": id, "partner": partner, "customer": customer }),
    )
    .await?;
    audit::record(
        tx,
        ctx,
        now,
        Event::new("relationship.accepted", "customer_relationship", &id)
            .in_org(partner)
            .details(json!({ "partner": partner, "customer": customer, "invitation": link_id, "kind": via })),
    )
    .await
}

/// Grants `grantee` delegated admin (DAP) over the caller's customer organization through
/// the link `link_id` of kind `via` (R-REL-7): the right, its event and its audit row.
pub(crate) async fn insert_dap(
    tx: &DatabaseTransaction,
    app: &App,
    ctx: &Ctx,
    me: &CurrentUser,
    grantee: &str,
    link_id: &str,
    via: &str,
) -> AppResult<()> {
    let now = app.now();
    let id = Uuid::now_v7().to_string();
    repo::insert(
        tx,
        delegated_right::Model {
            id: id.clone(),
            owner_org_id: me.org.id.clone(),
            grantee_org_id: grantee.to_string(),
            kind: DAP.into(),
            source_id: Some(link_id.to_string()),
            granted_at: now,
            granted_by: Some(me.user.id.clone()),
            revoked_at: None,
            revoked_by: None,
        },
    )
    .await?;
    outbox::enqueue_event(
        tx,
        app,
        &[grantee, &me.org.id],
        "delegated_admin.granted",
        json!({ "partner": grantee, "customer": me.org.id }),
    )
    .await?;
    audit::record(
        tx,
        ctx,
        now,
        Event::new("delegated_admin.granted", "delegated_right", &id)
            .in_org(grantee)
            .details(json!({ "owner": me.org.id, "grantee": grantee, "via": via })),
    )
    .await
}
