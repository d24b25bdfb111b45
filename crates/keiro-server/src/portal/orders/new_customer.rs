//! The new-customer wizard (R-ORD-2): details, subscriptions, review, then one transaction
//! that creates the customer for a reseller; cancel leaves nothing.

use super::*;

#[derive(Template)]
#[template(path = "orders/new_customer.html")]
pub struct WizardPage {
    pub b: Base,
    pub reseller_id: String,
    pub reseller_name: String,
    /// details, subscriptions, review, done.
    pub step: &'static str,
    pub f: WizardFields,
    pub offers: Vec<(OfferRow, String)>,
    /// Review: (offer, quantity, price) of each line.
    pub lines: Vec<(String, i64, String)>,
    /// Done: the admin account and its temporary password, shown once.
    pub created: Option<(String, String, String)>,
}

/// The wizard's state, carried in the form from step to step (nothing is stored until submit,
/// so cancel leaves nothing behind).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WizardFields {
    #[serde(default)]
    pub idem: String,
    #[serde(default)]
    pub legal_name: String,
    #[serde(default)]
    pub primary_domain: String,
    #[serde(default)]
    pub address_line1: String,
    #[serde(default)]
    pub address_line2: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub contact_email: String,
    #[serde(default)]
    pub admin_full_name: String,
    #[serde(default)]
    pub admin_email: String,
    /// "offer id:quantity" pairs of the subscriptions step, comma-separated.
    #[serde(default)]
    pub lines: String,
}

impl WizardFields {
    fn order(&self, reseller: &str) -> NewCustomerOrder {
        NewCustomerOrder {
            reseller_org_id: reseller.to_string(),
            legal_name: self.legal_name.clone(),
            primary_domain: self.primary_domain.clone(),
            address_line1: self.address_line1.clone(),
            address_line2: self.address_line2.clone(),
            city: self.city.clone(),
            region: self.region.clone(),
            postal_code: self.postal_code.clone(),
            country: self.country.clone(),
            phone: self.phone.clone(),
            contact_email: self.contact_email.clone(),
            admin_full_name: self.admin_full_name.clone(),
            admin_email: self.admin_email.clone(),
            lines: self.parsed_lines(),
        }
    }

    /// The address as the review shows it, in its country's order.
    pub fn address(&self, lang: &keiro_domain::Language) -> String {
        crate::portal::format::address(
            *lang,
            &self.country,
            &self.postal_code,
            &self.region,
            &self.city,
            &self.address_line1,
            &self.address_line2,
        )
    }

    /// The details, carried through the later steps as hidden fields.
    pub fn carried(&self) -> Vec<(&'static str, String)> {
        vec![
            ("legal_name", self.legal_name.clone()),
            ("primary_domain", self.primary_domain.clone()),
            ("address_line1", self.address_line1.clone()),
            ("address_line2", self.address_line2.clone()),
            ("city", self.city.clone()),
            ("region", self.region.clone()),
            ("postal_code", self.postal_code.clone()),
            ("country", self.country.clone()),
            ("phone", self.phone.clone()),
            ("contact_email", self.contact_email.clone()),
            ("admin_full_name", self.admin_full_name.clone()),
            ("admin_email", self.admin_email.clone()),
        ]
    }

    fn parsed_lines(&self) -> Vec<Line> {
        self.lines
            .split(',')
            .filter_map(|l| l.split_once(':'))
            .filter_map(|(o, q)| {
                Some(Line {
                    offer_id: o.to_string(),
                    quantity: q.parse().ok()?,
                    trial: false,
                    reseller_partner_id: None,
                })
            })
            .collect()
    }

    fn quantity_of(&self, offer: &str) -> String {
        self.parsed_lines()
            .iter()
            .find(|l| l.offer_id == offer)
            .map(|l| l.quantity.to_string())
            .unwrap_or_default()
    }
}

async fn reseller_name(s: &AppState, p: &Portal, id: &str) -> Result<String, Response> {
    keiro_app::partnerships::get(
        &s.app,
        &p.ctx(),
        keiro_app::partnerships::PartnerSide::Provider,
        id,
    )
    .await
    .map(|r| r.legal_name)
    .map_err(|e| p.app_error(e))
}

async fn wizard_page(
    s: &AppState,
    p: &Portal,
    reseller: &str,
    step: &'static str,
    f: WizardFields,
    status: StatusCode,
    error: Option<String>,
) -> PageResult {
    let reseller_name = reseller_name(s, p, reseller).await?;
    let offers = if step == "subscriptions" || step == "review" {
        offers_for(s, p, None, Some(&f.country))
            .await
            .map_err(|e| p.app_error(e))?
    } else {
        Vec::new()
    };
    let lines = f
        .parsed_lines()
        .iter()
        .filter_map(|l| {
            offers.iter().find(|o| o.id == l.offer_id).map(|o| {
                (
                    o.name(p.lang).to_string(),
                    l.quantity,
                    money(o.unit_price_minor.saturating_mul(l.quantity), &o.currency),
                )
            })
        })
        .collect();
    let mut b = p.base("newcust-title");
    b.error = error;
    let page = WizardPage {
        offers: offers
            .iter()
            .map(|o| (offer_row(p, o), f.quantity_of(&o.id)))
            .collect(),
        reseller_id: reseller.to_string(),
        reseller_name,
        step,
        lines,
        created: None,
        f,
        b,
    };
    Ok((status, no_store(render(&page))).into_response())
}

/// "Add new customer" from the Indirect resellers page (R-ORD-2): the wizard's first step, with
/// the reseller preselected.
pub async fn new_customer(
    State(s): State<AppState>,
    p: Portal,
    Path(reseller): Path<String>,
) -> PageResult {
    let me = p.user()?;
    if let Some(r) = p.reason(Action::PlaceOrders) {
        return Err(p.error_page(StatusCode::FORBIDDEN, &r));
    }
    let f = WizardFields {
        idem: idem(),
        country: me.org.country.clone(),
        ..Default::default()
    };
    wizard_page(&s, &p, &reseller, "details", f, StatusCode::OK, None).await
}

/// The wizard's steps: `go` names the step asked for (subscriptions, review, submit, back to
/// details or subscriptions, or cancel).
pub async fn new_customer_step(
    State(s): State<AppState>,
    p: Portal,
    Path(reseller): Path<String>,
    f: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> PageResult {
    let pairs = p.form(f)?;
    p.user()?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    p.check_csrf(&get("csrf"))?;
    let go = get("go");
    let mut f = WizardFields {
        idem: get("idem"),
        legal_name: get("legal_name"),
        primary_domain: get("primary_domain"),
        address_line1: get("address_line1"),
        address_line2: get("address_line2"),
        city: get("city"),
        region: get("region"),
        postal_code: get("postal_code"),
        country: get("country"),
        phone: get("phone"),
        contact_email: get("contact_email"),
        admin_full_name: get("admin_full_name"),
        admin_email: get("admin_email"),
        lines: get("lines"),
    };
    // The subscriptions step sends one quantity per offer (`qty_<offer id>`).
    if pairs.iter().any(|(n, _)| n.starts_with("qty_")) {
        let mut lines = Vec::new();
        for (n, v) in &pairs {
            if let Some(o) = n.strip_prefix("qty_") {
                let v = v.trim();
                if v.is_empty() || v == "0" {
                    continue;
                }
                match keiro_domain::subscription::parse_quantity(v) {
                    Ok(q) => lines.push(format!("{o}:{q}")),
                    Err(e) => {
                        let msg = p.message_for(&AppError::Validation(e));
                        return wizard_page(
                            &s,
                            &p,
                            &reseller,
                            "subscriptions",
                            f,
                            StatusCode::UNPROCESSABLE_ENTITY,
                            Some(msg),
                        )
                        .await;
                    }
                }
            }
        }
        f.lines = lines.join(",");
    }
    let ctx = p.ctx();
    let refused = |e: AppError, step: &'static str, f: WizardFields| {
        let (s, p, reseller) = (&s, &p, &reseller);
        async move {
            match e {
                e @ (AppError::Validation(_)
                | AppError::Conflict { .. }
                | AppError::Forbidden { .. }
                | AppError::IdempotencyKeyReused) => {
                    let status = crate::problem::status_of(&e);
                    let msg = p.message_for(&e);
                    wizard_page(s, p, reseller, step, f, status, Some(msg)).await
                }
                e => Err(p.app_error(e)),
            }
        }
    };
    match go.as_str() {
        "cancel" => {
            Ok(Redirect::to("/indirect-resellers?done=new-customer-cancelled").into_response())
        }
        "details" => wizard_page(&s, &p, &reseller, "details", f, StatusCode::OK, None).await,
        "subscriptions" => {
            match keiro_app::orders::check_new_customer(&s.app, &ctx, &f.order(&reseller), false)
                .await
            {
                Ok(_) => {
                    wizard_page(&s, &p, &reseller, "subscriptions", f, StatusCode::OK, None).await
                }
                Err(e) => refused(e, "details", f).await,
            }
        }
        "review" => {
            match keiro_app::orders::check_new_customer(&s.app, &ctx, &f.order(&reseller), true)
                .await
            {
                Ok(_) => wizard_page(&s, &p, &reseller, "review", f, StatusCode::OK, None).await,
                Err(e) => refused(e, "subscriptions", f).await,
            }
        }
        "submit" => {
            let key = Some(f.idem.clone()).filter(|k| !k.is_empty());
            match keiro_app::orders::create_customer(
                &s.app,
                &ctx,
                f.order(&reseller),
                key.as_deref(),
            )
            .await
            {
                Ok(o) => {
                    let reseller_name = reseller_name(&s, &p, &reseller).await?;
                    let v = o.value;
                    let page = WizardPage {
                        b: p.base("newcust-title"),
                        reseller_id: reseller.clone(),
                        reseller_name,
                        step: "done",
                        f: WizardFields::default(),
                        offers: vec![],
                        lines: v
                            .order
                            .subscriptions
                            .iter()
                            .map(|s| (s.offer_name(p.lang).to_string(), s.quantity, String::new()))
                            .collect(),
                        created: Some((
                            v.legal_name,
                            v.admin_email,
                            v.temporary_password
                                .unwrap_or_else(|| t(p.lang, "newcust-password-shown")),
                        )),
                    };
                    Ok(no_store(render(&page)))
                }
                Err(e) => refused(e, "review", f).await,
            }
        }
        _ => Err(p.error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &t(p.lang, "error-invalid_form"),
        )),
    }
}
