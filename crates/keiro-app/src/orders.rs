//! Orders (R-ORD-2, R-ORD-3, R-ORD-7, R-REL-1): subscriptions for an existing customer, and a new
//! customer created for a reseller together with its first subscriptions. Each is one
//! transaction with its audit rows, history entries and events, and accepts an
//! `Idempotency-Key`: a retry returns the first answer and buys nothing twice, across nodes.

use crate::admin::{NewOrg, NewUser, insert_org, insert_user};
use crate::audit::{self, Event};
use crate::idempotency::{self, Key, Outcome};
use crate::rights::DAP;
use crate::subscriptions::{self, SubscriptionView, attributable_reseller, first_term};
use crate::{App, AppError, AppResult, Ctx, CurrentUser, outbox};
use keiro_domain::catalog as cat;
use keiro_domain::{Action, CompanyProfile, DelegatedAccess, OrgKind, Role};
use keiro_store::entities::{
    customer_relationship, delegated_right, offer, order, organization, subscription,
};
use keiro_store::repo;
use keiro_store::sea_orm::{ConnectionTrait, DatabaseTransaction};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

/// Most lines one order may have.
pub const MAX_LINES: usize = 50;

/// One line of an order: an offer and a license count, a trial if the offer has one, and
/// optionally the reseller (by partner ID) the subscription is attributed to (R-ORD-3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub offer_id: String,
    pub quantity: i64,
    #[serde(default)]
    pub trial: bool,
    #[serde(default)]
    pub reseller_partner_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderView {
    pub id: String,
    pub customer_org_id: String,
    pub placed_by_org_id: String,
    pub created_at: OffsetDateTime,
    pub subscriptions: Vec<SubscriptionView>,
}

fn line_error(n: usize, code: &'static str, message: impl std::fmt::Display) -> AppError {
    AppError::validation("lines", code, format!("line {}: {message}", n + 1))
}

/// A line checked against its offer, with the reseller it is attributed to.
struct Checked {
    offer: offer::Model,
    line: Line,
    reseller: Option<String>,
}

/// Checks every line (R-ORD-2, R-ORD-3): offers exist and are sold in the customer's country,
/// quantities within bounds, trials offered, add-on prerequisites held or in the same order,
/// attributed resellers partnered with the seller and related to the customer (a provider
/// ordering for a reseller's customer needs both relationships, R-REL-1).
async fn check_lines(
    c: &impl ConnectionTrait,
    me: &CurrentUser,
    customer: &organization::Model,
    lines: &[Line],
    reseller_of_new_customer: Option<&str>,
) -> AppResult<Vec<Checked>> {
    if lines.is_empty() || lines.len() > MAX_LINES {
        return Err(AppError::validation(
            "lines",
            "invalid_lines",
            format!("an order has 1 to {MAX_LINES} lines"),
        ));
    }
    let ids: Vec<String> = lines.iter().map(|l| l.offer_id.clone()).collect();
    let (offers, mut countries) = repo::catalog::offers::by_ids_with_countries(c, ids).await?;
    // An add-on's prerequisite is held, or ordered in the same order.
    let prerequisites: Vec<String> = offers
        .iter()
        .filter_map(|o| o.prerequisite_offer_id.clone())
        .collect();
    let mut held = repo::subscriptions::held_offers(c, &customer.id, prerequisites).await?;
    held.extend(lines.iter().map(|l| l.offer_id.clone()));
    let held: Vec<&str> = held.iter().map(String::as_str).collect();
    let mut out = Vec::with_capacity(lines.len());
    for (n, l) in lines.iter().enumerate() {
        let o = offers
            .iter()
            .find(|o| o.id == l.offer_id)
            .cloned()
            .ok_or_else(|| line_error(n, "unknown_offer", "no offer has this id"))?;
        let countries = countries.remove(&o.id).unwrap_or_default();
        let facts = crate::catalog::facts(&o, countries);
        cat::check_line(&facts, l.quantity, l.trial, &customer.country, &held)
            .map_err(|r| line_error(n, r.code(), r.message()))?;
        let reseller = match (
            reseller_of_new_customer,
            l.reseller_partner_id
                .as_deref()
                .filter(|p| !p.trim().is_empty()),
        ) {
            (Some(r), _) => Some(r.to_string()),
            (None, None) => None,
            (None, Some(p)) => {
                let r = attributable_reseller(c, &me.org, &customer.id, p, "lines")
                    .await
                    .map_err(|e| line_error(n, e.code(), e))?;
                Some(r.id)
            }
        };
        out.push(Checked {
            offer: o,
            line: l.clone(),
            reseller,
        });
    }
    Ok(out)
}

/// Writes the order and its subscriptions, each with its history entry and events.
/// What `write_order` checks of the customer as it writes.
enum Guard {
    /// An existing customer: the caller's active relationship with it.
    Related,
    /// A customer created in the same transaction.
    NewInThisTransaction,
}

async fn write_order(
    tx: &DatabaseTransaction,
    app: &App,
    ctx: &Ctx,
    me: &CurrentUser,
    customer: &organization::Model,
    lines: Vec<Checked>,
    guard: Guard,
) -> AppResult<OrderView> {
    let offers: Vec<offer::Model> = lines.iter().map(|c| c.offer.clone()).collect();
    let customer_org = customer.clone();
    let customer = customer.id.as_str();
    let now = app.now();
    let o = order::Model {
        id: Uuid::now_v7().to_string(),
        customer_org_id: customer.to_string(),
        placed_by_org_id: me.org.id.clone(),
        placed_by_user_id: Some(me.user.id.clone()),
        created_at: now,
    };
    match guard {
        Guard::Related => {
            // The relationship is checked again by the insert itself, inside the transaction
            // (R-REL-1): ended since the lines were checked, no order is written.
            if !repo::subscriptions::insert_order_if_related(tx, o.clone(), &me.org.id).await? {
                return Err(AppError::NotFound("customer"));
            }
        }
        Guard::NewInThisTransaction => repo::subscriptions::insert_order(tx, o.clone()).await?,
    }
    let mut rows = Vec::with_capacity(lines.len());
    // The subscriptions' audit rows and the order's go in one statement.
    let mut audit_rows = Vec::with_capacity(lines.len() + 1);
    for c in lines {
        let (start, ends) = first_term(&c.offer, c.line.trial, now);
        let s = subscription::Model {
            id: Uuid::now_v7().to_string(),
            customer_org_id: customer.to_string(),
            offer_id: c.offer.id.clone(),
            order_id: o.id.clone(),
            seller_org_id: me.org.id.clone(),
            reseller_org_id: c.reseller,
            support_contact_org_id: None,
            partner_of_record_org_id: None,
            quantity: c.line.quantity,
            state: "active".into(),
            suspension_reasons: String::new(),
            // A paid subscription renews by default; a trial ends unless auto-renew (convert
            // to paid) is turned on.
            auto_renew: !c.line.trial,
            trial: c.line.trial,
            term_started_at: start,
            term_ends_at: ends,
            ended_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        repo::insert(tx, s.clone()).await?;
        subscriptions::record_deferring_audit(
            tx,
            app,
            ctx,
            &s,
            "created",
            json!({ "order": o.id, "sku": c.offer.sku, "quantity": s.quantity, "trial": s.trial, "reseller": s.reseller_org_id }),
            &mut audit_rows,
        )
        .await?;
        rows.push(s);
    }
    audit_rows.push(audit::row(
        ctx,
        now,
        Event::new("order.placed", "order", &o.id)
            .in_org(customer)
            .details(json!({ "subscriptions": rows.iter().map(|s| &s.id).collect::<Vec<_>>() })),
    ));
    audit::record_all(tx, audit_rows).await?;
    Ok(OrderView {
        id: o.id,
        customer_org_id: o.customer_org_id,
        placed_by_org_id: o.placed_by_org_id,
        created_at: o.created_at,
        // The offers and parties are at hand (a reseller line's organization is read).
        subscriptions: subscriptions::views_knowing(
            tx,
            rows,
            offers,
            vec![customer_org, me.org.clone()],
        )
        .await?,
    })
}

fn key_for(
    me: &CurrentUser,
    idem: Option<&str>,
    op: &str,
    body: serde_json::Value,
) -> AppResult<Option<Key>> {
    idem.map(|k| {
        Key::new(
            &format!("orders:{}", me.org.id),
            k,
            &json!({ "op": op, "body": body }),
        )
    })
    .transpose()
}

/// Orders subscriptions for an existing customer (R-ORD-3). Only a partner with an active
/// reseller relationship with the customer may; a customer it has none with does not exist for
/// it (R-REL-1).
pub async fn place(
    app: &App,
    ctx: &Ctx,
    customer_id: &str,
    lines: Vec<Line>,
    idem: Option<&str>,
) -> AppResult<Outcome<OrderView>> {
    let me = ctx.user()?;
    me.require(Action::PlaceOrders, "orders")?;
    let key = key_for(
        me,
        idem,
        "order",
        json!({ "customer": customer_id, "lines": lines }),
    )?;
    // No lookup of the key first: a first request (nearly every one) would pay a round trip
    // for nothing. A replay runs into the key's unique record at the end, or into a rule its
    // own first order now breaks, or finds the relationship ended; its transaction rolls back
    // and `settle` answers with the stored first answer (or refuses a reused key).
    // The lines are checked on a reader, so the write transaction (SQLite's single writer)
    // holds only the writes; the relationship is checked again inside it (R-REL-1).
    let c = app.db.reader();
    let prepared = async {
        let customer = repo::relationships::related_customer(c, &me.org.id, customer_id)
            .await?
            .ok_or(AppError::NotFound("customer"))?;
        let checked = check_lines(c, me, &customer, &lines, None).await?;
        Ok::<_, AppError>((customer, checked))
    };
    let result = async {
        let (customer, checked) = prepared.await?;
        let tx = app.db.begin().await?;
        let v = write_order(&tx, app, ctx, me, &customer, checked, Guard::Related).await?;
        if let Some(k) = &key {
            idempotency::store(
                &tx,
                k,
                201,
                &serde_json::to_value(&v).unwrap_or_default(),
                app.now(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(v)
    }
    .await;
    idempotency::settle(app.db.reader(), key.as_ref(), result).await
}

/// A new customer's details, as the provider enters them for a reseller (R-ORD-2).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewCustomerOrder {
    pub reseller_org_id: String,
    pub legal_name: String,
    pub primary_domain: String,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    /// The prefecture or state.
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub phone: String,
    pub contact_email: String,
    pub admin_full_name: String,
    pub admin_email: String,
    pub lines: Vec<Line>,
}

impl NewCustomerOrder {
    /// The company profile the customer organization gets.
    pub fn profile(&self) -> CompanyProfile {
        CompanyProfile {
            legal_name: self.legal_name.clone(),
            address_line1: self.address_line1.clone(),
            address_line2: self.address_line2.clone(),
            city: self.city.clone(),
            region: self.region.clone(),
            postal_code: self.postal_code.clone(),
            country: self.country.clone(),
            phone: self.phone.clone(),
            email: self.contact_email.clone(),
            website: String::new(),
            primary_domain: self.primary_domain.clone(),
        }
    }
}

/// What the confirmation page shows once: the new customer, its admin account name and
/// temporary password (never again, not on a replay), and the order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewCustomerCreated {
    pub customer_org_id: String,
    pub legal_name: String,
    pub admin_email: String,
    #[serde(skip)]
    pub temporary_password: Option<String>,
    pub order: OrderView,
}

/// The steps before submitting (R-ORD-2): checks the details (and, with `with_lines`, the
/// lines) without writing anything, so each wizard step refuses what submit would refuse. The
/// reseller must be one of the caller's partnered indirect resellers; it is returned.
pub async fn check_new_customer(
    app: &App,
    ctx: &Ctx,
    n: &NewCustomerOrder,
    with_lines: bool,
) -> AppResult<organization::Model> {
    Ok(check_new(app, ctx, n, with_lines).await?.0)
}

/// [`check_new_customer`], with the checked lines.
async fn check_new(
    app: &App,
    ctx: &Ctx,
    n: &NewCustomerOrder,
    with_lines: bool,
) -> AppResult<(organization::Model, Vec<Checked>)> {
    let me = ctx.user()?;
    me.require(Action::PlaceOrders, "orders")?;
    let c = app.db.reader();
    let reseller = repo::partnerships::active_between(c, &me.org.id, &n.reseller_org_id)
        .await?
        .ok_or(AppError::NotFound("reseller"))?;
    let reseller = repo::orgs::get(c, &reseller.reseller_org_id)
        .await?
        .ok_or(AppError::NotFound("reseller"))?;
    let p = CompanyProfile::parse(n.profile())?;
    keiro_domain::Email::parse(&n.admin_email).map_err(|mut e| {
        e.field = "admin_email";
        e
    })?;
    if n.admin_full_name.trim().is_empty() || n.admin_full_name.trim().chars().count() > 200 {
        return Err(AppError::validation(
            "admin_full_name",
            "invalid_full_name",
            "a name of 1 to 200 characters is required",
        ));
    }
    if repo::users::find_by_email(c, &n.admin_email.trim().to_lowercase())
        .await?
        .is_some()
    {
        return Err(AppError::Conflict {
            code: "email_taken",
            message: "a user with this email already exists".into(),
        });
    }
    let checked = if with_lines {
        // The customer does not exist yet: its lines are checked against its country, with no
        // subscriptions held.
        let draft = organization::Model {
            search_text: String::new(),
            id: String::new(),
            country: p.country.clone(),
            ..reseller.clone()
        };
        check_lines(c, me, &draft, &n.lines, Some(&reseller.id)).await?
    } else {
        Vec::new()
    };
    Ok((reseller, checked))
}

/// Submits the new-customer wizard (R-ORD-2): in one transaction, the customer organization,
/// its first global admin with a temporary password, the reseller's and the provider's
/// reseller relationships, the reseller's delegated admin over the customer, and the
/// subscriptions (attributed to the reseller). Nothing is written if any part is refused.
pub async fn create_customer(
    app: &App,
    ctx: &Ctx,
    n: NewCustomerOrder,
    idem: Option<&str>,
) -> AppResult<Outcome<NewCustomerCreated>> {
    let me = ctx.user()?;
    me.require(Action::PlaceOrders, "orders")?;
    let key = key_for(
        me,
        idem,
        "new_customer",
        serde_json::to_value(&n).unwrap_or_default(),
    )?;
    if let Some(o) = idempotency::replayed(app.db.reader(), key.as_ref()).await? {
        return Ok(o);
    }
    // Checked on a reader: the write transaction holds only the writes.
    let (_, checked) = check_new(app, ctx, &n, true).await?;
    let result = async {
        let tx = app.db.begin().await?;
        let now = app.now();
        repo::partnerships::active_between(&tx, &me.org.id, &n.reseller_org_id)
            .await?
            .ok_or(AppError::NotFound("reseller"))?;
        let org = insert_org(
            &tx,
            app,
            NewOrg {
                kind: OrgKind::Customer,
                profile: n.profile(),
                program_roles: vec![],
                authorizations: vec![],
                partner_id: None,
                enrolling: false,
            },
        )
        .await?;
        let (admin, temp) = insert_user(
            &tx,
            app,
            &org,
            NewUser {
                email: &n.admin_email,
                full_name: &n.admin_full_name,
                roles: &[Role::GlobalAdmin],
                delegated_access: DelegatedAccess::None,
                password: None,
            },
        )
        .await?;
        audit::record(
            &tx,
            ctx,
            now,
            Event::new("organization.created", "organization", &org.id)
                .in_org(&org.id)
                .details(json!({ "kind": "customer", "via": "new_customer_for_reseller", "reseller": n.reseller_org_id, "admin": admin.email })),
        )
        .await?;
        for partner in [&n.reseller_org_id, &me.org.id] {
            let id = Uuid::now_v7().to_string();
            repo::insert(
                &tx,
                customer_relationship::Model {
                    id: id.clone(),
                    partner_org_id: partner.clone(),
                    customer_org_id: org.id.clone(),
                    state: "active".into(),
                    created_at: now,
                    ended_at: None,
                },
            )
            .await?;
            outbox::enqueue_event(
                &tx,
                app,
                &[partner, &org.id],
                "relationship.accepted",
                json!({ "relationship": id, "partner": partner, "customer": org.id, "via": "new_customer" }),
            )
            .await?;
        }
        // The reseller administers the customer on its behalf (seed 004).
        let right = Uuid::now_v7().to_string();
        repo::insert(
            &tx,
            delegated_right::Model {
                id: right.clone(),
                owner_org_id: org.id.clone(),
                grantee_org_id: n.reseller_org_id.clone(),
                kind: DAP.into(),
                source_id: None,
                granted_at: now,
                granted_by: Some(me.user.id.clone()),
                revoked_at: None,
                revoked_by: None,
            },
        )
        .await?;
        audit::record(
            &tx,
            ctx,
            now,
            Event::new("delegated_admin.granted", "delegated_right", &right)
                .in_org(&n.reseller_org_id)
                .details(json!({ "owner": org.id, "grantee": n.reseller_org_id, "via": "new_customer_for_reseller" })),
        )
        .await?;
        let order = write_order(
            &tx,
            app,
            ctx,
            me,
            &org,
            checked,
            Guard::NewInThisTransaction,
        )
        .await?;
        let v = NewCustomerCreated {
            customer_org_id: org.id.clone(),
            legal_name: org.legal_name.clone(),
            admin_email: admin.email.clone(),
            temporary_password: temp,
            order,
        };
        if let Some(k) = &key {
            idempotency::store(&tx, k, 201, &serde_json::to_value(&v).unwrap_or_default(), now)
                .await?;
        }
        tx.commit().await?;
        Ok(v)
    }
    .await;
    idempotency::settle(app.db.reader(), key.as_ref(), result).await
}
