//! The operator's catalog pages (R-ORD-1): every offer with its state, new products and offers,
//! editing an offer (If-Match through the form's version), retiring and restoring, and the CSV
//! import with a progress page.

use super::{OfferRow, offer_row};
use crate::portal::{Base, PageResult, Portal, SignedForm, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use keiro_app::AppError;
use keiro_app::catalog::{OfferFilter, OfferInput, OfferView, ProductView};
use keiro_domain::Action;
use keiro_domain::catalog::{BillingCycle, OfferSpec, ProductSpec};
use serde::Deserialize;

fn require(p: &Portal) -> Result<(), Response> {
    p.user()?;
    match p.reason(Action::ManageCatalog) {
        Some(r) => Err(p.error_page(StatusCode::FORBIDDEN, &r)),
        None => Ok(()),
    }
}

/// The offer form's fields, as entered (kept on a refusal so nothing typed is lost).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OfferFields {
    #[serde(default)]
    pub product_id: String,
    #[serde(default)]
    pub sku: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub name_ja: String,
    #[serde(default)]
    pub description_en: String,
    #[serde(default)]
    pub description_ja: String,
    #[serde(default)]
    pub billing_cycle: String,
    #[serde(default)]
    pub term_months: String,
    #[serde(default)]
    pub unit_price_minor: String,
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub min_quantity: String,
    #[serde(default)]
    pub max_quantity: String,
    #[serde(default)]
    pub trial_days: String,
    #[serde(default)]
    pub prerequisite_offer_id: String,
    #[serde(default)]
    pub countries: String,
}

impl OfferFields {
    fn of(o: &OfferView) -> Self {
        OfferFields {
            product_id: o.product_id.clone(),
            sku: o.sku.clone(),
            name_en: o.name_en.clone(),
            name_ja: o.name_ja.clone(),
            description_en: o.description_en.clone(),
            description_ja: o.description_ja.clone(),
            billing_cycle: o.billing_cycle.clone(),
            term_months: o.term_months.to_string(),
            unit_price_minor: o.unit_price_minor.to_string(),
            currency: o.currency.clone(),
            min_quantity: o.min_quantity.to_string(),
            max_quantity: o.max_quantity.to_string(),
            trial_days: o.trial_days.map(|d| d.to_string()).unwrap_or_default(),
            prerequisite_offer_id: o.prerequisite_offer_id.clone().unwrap_or_default(),
            countries: o.countries.join(" "),
        }
    }

    /// The offer these fields describe, or the first field that is not a number.
    fn input(&self) -> Result<OfferInput, AppError> {
        fn num<T: std::str::FromStr>(field: &'static str, v: &str) -> Result<T, AppError> {
            v.trim().parse().map_err(|_| {
                AppError::validation(
                    field,
                    "invalid_number",
                    format!("{field} is a whole number"),
                )
            })
        }
        Ok(OfferInput {
            product_id: self.product_id.clone(),
            spec: OfferSpec {
                sku: self.sku.clone(),
                name_en: self.name_en.clone(),
                name_ja: self.name_ja.clone(),
                description_en: self.description_en.clone(),
                description_ja: self.description_ja.clone(),
                billing_cycle: BillingCycle::parse(&self.billing_cycle)?,
                term_months: num("term_months", &self.term_months)?,
                unit_price_minor: num("unit_price_minor", &self.unit_price_minor)?,
                currency: self.currency.clone(),
                min_quantity: num("min_quantity", &self.min_quantity)?,
                max_quantity: num("max_quantity", &self.max_quantity)?,
                trial_days: match self.trial_days.trim() {
                    "" => None,
                    d => Some(num("trial_days", d)?),
                },
                prerequisite_offer_id: Some(self.prerequisite_offer_id.clone())
                    .filter(|p| !p.trim().is_empty()),
                countries: self
                    .countries
                    .split([' ', ',', ';'])
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
                    .collect(),
            },
        })
    }
}

#[derive(Template)]
#[template(path = "catalog/admin.html")]
pub struct CatalogAdminPage {
    pub b: Base,
    pub rows: Vec<OfferRow>,
    pub q: String,
    pub state: String,
    pub next: Option<String>,
    pub products: Vec<ProductView>,
    /// All offers, as prerequisite choices: (id, SKU).
    pub prerequisites: Vec<(String, String)>,
    pub f: OfferFields,
    /// The offer being edited: (id, version, state).
    pub editing: Option<(String, i64, String)>,
}

#[derive(Deserialize)]
pub struct AdminQuery {
    q: Option<String>,
    state: Option<String>,
    cursor: Option<String>,
    done: Option<String>,
}

async fn page(
    s: &AppState,
    p: &Portal,
    q: &AdminQuery,
    f: OfferFields,
    editing: Option<(String, i64, String)>,
    status: StatusCode,
    error: Option<String>,
) -> PageResult {
    let ctx = p.ctx();
    let search = q.q.clone().filter(|x| !x.trim().is_empty());
    let state = q.state.clone().filter(|x| !x.is_empty());
    let offers = keiro_app::catalog::list_offers(
        &s.app,
        &ctx,
        OfferFilter {
            q: search.as_deref(),
            state: state.as_deref(),
            cursor: q.cursor.as_deref().filter(|c| !c.is_empty()),
            limit: 50,
            ..Default::default()
        },
    )
    .await
    .map_err(|e| p.app_error(e))?;
    let all = keiro_app::catalog::list_offers(
        &s.app,
        &ctx,
        OfferFilter {
            limit: 200,
            ..Default::default()
        },
    )
    .await
    .map_err(|e| p.app_error(e))?;
    let products = keiro_app::catalog::list_products(&s.app, &ctx, None, None, 200)
        .await
        .map_err(|e| p.app_error(e))?;
    let mut b = p.base("catalog-admin-title");
    b.error = error;
    if let Some(d) = q.done.as_deref() {
        b.notice = crate::portal::i18n::try_t(p.lang, &format!("catalog-done-{d}"), &[]);
    }
    let next = offers.next_cursor.map(|c| {
        let qs = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("q", search.as_deref().unwrap_or(""))
            .append_pair("state", state.as_deref().unwrap_or(""))
            .append_pair("cursor", &c)
            .finish();
        format!("/operator/catalog?{qs}")
    });
    let page = CatalogAdminPage {
        rows: offers.items.iter().map(|o| offer_row(p, o)).collect(),
        q: search.unwrap_or_default(),
        state: state.unwrap_or_default(),
        next,
        products: products.items,
        prerequisites: all
            .items
            .iter()
            .filter(|o| editing.as_ref().is_none_or(|(id, _, _)| *id != o.id))
            .map(|o| (o.id.clone(), o.sku.clone()))
            .collect(),
        f,
        editing,
        b,
    };
    Ok((status, render(&page)).into_response())
}

/// The whole catalog, with the forms to add products and offers and to import.
pub async fn list(State(s): State<AppState>, p: Portal, Query(q): Query<AdminQuery>) -> PageResult {
    require(&p)?;
    let f = OfferFields {
        billing_cycle: "monthly".into(),
        term_months: "1".into(),
        currency: "JPY".into(),
        min_quantity: "1".into(),
        max_quantity: "300".into(),
        countries: "JP".into(),
        ..Default::default()
    };
    page(&s, &p, &q, f, None, StatusCode::OK, None).await
}

fn no_query() -> AdminQuery {
    AdminQuery {
        q: None,
        state: None,
        cursor: None,
        done: None,
    }
}

fn refusal(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Validation(_) | AppError::Conflict { .. } | AppError::PreconditionFailed
    )
}

#[derive(Deserialize)]
pub struct ProductForm {
    code: String,
    name_en: String,
    name_ja: String,
}

pub async fn create_product(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<ProductForm>,
) -> PageResult {
    require(&p)?;
    let spec = ProductSpec {
        code: f.code,
        name_en: f.name_en,
        name_ja: f.name_ja,
        description_en: String::new(),
        description_ja: String::new(),
    };
    match keiro_app::catalog::create_product(&s.app, &p.ctx(), spec, None).await {
        Ok(_) => Ok(Redirect::to("/operator/catalog?done=product").into_response()),
        Err(e) if refusal(&e) => {
            let status = crate::problem::status_of(&e);
            page(
                &s,
                &p,
                &no_query(),
                OfferFields::default(),
                None,
                status,
                Some(p.message_for(&e)),
            )
            .await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

#[derive(Deserialize)]
pub struct ProductEditForm {
    version: i64,
    code: String,
    name_en: String,
    name_ja: String,
    #[serde(default)]
    description_en: String,
    #[serde(default)]
    description_ja: String,
}

/// Replaces a product's names and descriptions (the form's version is the If-Match).
pub async fn save_product(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<ProductEditForm>,
) -> PageResult {
    require(&p)?;
    let spec = ProductSpec {
        code: f.code,
        name_en: f.name_en,
        name_ja: f.name_ja,
        description_en: f.description_en,
        description_ja: f.description_ja,
    };
    match keiro_app::catalog::update_product(&s.app, &p.ctx(), &id, spec, Some(f.version)).await {
        Ok(_) => Ok(Redirect::to("/operator/catalog?done=product_saved").into_response()),
        Err(e) if refusal(&e) => {
            let status = crate::problem::status_of(&e);
            page(
                &s,
                &p,
                &no_query(),
                OfferFields::default(),
                None,
                status,
                Some(p.message_for(&e)),
            )
            .await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

#[derive(Deserialize)]
pub struct OfferForm {
    #[serde(default)]
    version: Option<i64>,
    #[serde(flatten)]
    fields: OfferFields,
}

pub async fn create_offer(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<OfferForm>,
) -> PageResult {
    require(&p)?;
    let r = match f.fields.input() {
        Ok(input) => keiro_app::catalog::create_offer(&s.app, &p.ctx(), input, None)
            .await
            .map(|o| o.value),
        Err(e) => Err(e),
    };
    match r {
        Ok(o) => Ok(
            Redirect::to(&format!("/operator/catalog/offers/{}?done=created", o.id))
                .into_response(),
        ),
        Err(e) if refusal(&e) => {
            let status = crate::problem::status_of(&e);
            page(
                &s,
                &p,
                &no_query(),
                f.fields,
                None,
                status,
                Some(p.message_for(&e)),
            )
            .await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

/// One offer's edit form, with retire or restore.
pub async fn offer(
    State(s): State<AppState>,
    p: Portal,
    Path(id): Path<String>,
    Query(q): Query<AdminQuery>,
) -> PageResult {
    require(&p)?;
    let o = keiro_app::catalog::get_offer(&s.app, &p.ctx(), &id)
        .await
        .map_err(|e| p.app_error(e))?;
    let editing = Some((o.id.clone(), o.version, o.state.clone()));
    page(
        &s,
        &p,
        &q,
        OfferFields::of(&o),
        editing,
        StatusCode::OK,
        None,
    )
    .await
}

pub async fn save_offer(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<OfferForm>,
) -> PageResult {
    require(&p)?;
    let r = match f.fields.input() {
        Ok(input) => {
            keiro_app::catalog::update_offer(&s.app, &p.ctx(), &id, input, f.version).await
        }
        Err(e) => Err(e),
    };
    match r {
        Ok(_) => {
            Ok(Redirect::to(&format!("/operator/catalog/offers/{id}?done=saved")).into_response())
        }
        Err(e) if refusal(&e) => {
            let status = crate::problem::status_of(&e);
            let o = keiro_app::catalog::get_offer(&s.app, &p.ctx(), &id)
                .await
                .map_err(|e| p.app_error(e))?;
            let editing = Some((
                o.id.clone(),
                f.version.unwrap_or(o.version),
                o.state.clone(),
            ));
            page(
                &s,
                &p,
                &no_query(),
                f.fields,
                editing,
                status,
                Some(p.message_for(&e)),
            )
            .await
        }
        Err(e) => Err(p.app_error(e)),
    }
}

#[derive(Deserialize)]
pub struct StateForm {
    version: i64,
    state: String,
}

pub async fn set_state(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<StateForm>,
) -> PageResult {
    require(&p)?;
    let available = f.state == keiro_app::catalog::AVAILABLE;
    match keiro_app::catalog::set_offer_state(&s.app, &p.ctx(), &id, available, Some(f.version))
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/operator/catalog/offers/{id}?done={}", f.state))
                .into_response(),
        ),
        Err(e) if refusal(&e) => {
            Err(p.error_page(crate::problem::status_of(&e), &p.message_for(&e)))
        }
        Err(e) => Err(p.app_error(e)),
    }
}

/// Queues an import (a job any node runs) and sends the browser to its progress page.
pub async fn import(State(s): State<AppState>, p: Portal, mp: Multipart) -> PageResult {
    require(&p)?;
    crate::portal::import::start(
        &s,
        &p,
        mp,
        keiro_domain::job::JobKind::CatalogImport,
        "/operator/catalog/imports",
    )
    .await
}

pub async fn import_status(
    p: Portal,
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> PageResult {
    require(&p)?;
    crate::portal::import::status(&s, &p, &id, ("/operator/catalog", "catalog-admin-title")).await
}
