//! `/catalog`: the offers a partner may sell, by the customer's country (app `catalog`). The
//! operator's catalog pages are [`admin`].

use super::{Base, PageResult, Portal, render, t, t_args};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use keiro_app::AppError;
use keiro_app::catalog::{OfferFilter, OfferView};
use keiro_domain::display::money;
use serde::Deserialize;

pub mod admin;

/// An offer as a choice in a form or a row in a list.
pub struct OfferRow {
    pub id: String,
    pub label: String,
    pub sku: String,
    pub price: String,
    pub cycle: String,
    pub term: String,
    pub bounds: String,
    pub trial: String,
    pub countries: String,
    pub state: String,
    pub addon: bool,
}

pub fn offer_row(p: &Portal, o: &OfferView) -> OfferRow {
    OfferRow {
        id: o.id.clone(),
        label: format!(
            "{} — {} / {}",
            o.name(p.lang),
            money(o.unit_price_minor, &o.currency),
            t(p.lang, &format!("cycle-{}", o.billing_cycle))
        ),
        sku: o.sku.clone(),
        price: money(o.unit_price_minor, &o.currency),
        cycle: t(p.lang, &format!("cycle-{}", o.billing_cycle)),
        term: t_args(
            p.lang,
            "offer-term",
            &[("months", o.term_months.to_string())],
        ),
        bounds: format!("{}–{}", o.min_quantity, o.max_quantity),
        trial: o
            .trial_days
            .map(|d| t_args(p.lang, "offer-trial-days", &[("days", d.to_string())]))
            .unwrap_or_default(),
        countries: o.countries.join(" "),
        state: t(p.lang, &format!("offer-state-{}", o.state)),
        addon: o.prerequisite_offer_id.is_some(),
    }
}

/// The available offers sold in a country (or a customer's), at most 200.
pub(super) async fn offers_for(
    s: &AppState,
    p: &Portal,
    customer: Option<&str>,
    country: Option<&str>,
) -> Result<Vec<OfferView>, AppError> {
    Ok(keiro_app::catalog::list_offers(
        &s.app,
        &p.ctx(),
        OfferFilter {
            customer,
            country,
            state: Some(keiro_app::catalog::AVAILABLE),
            limit: 200,
            ..Default::default()
        },
    )
    .await?
    .items)
}

#[derive(Template)]
#[template(path = "catalog/offers.html")]
pub struct CatalogPage {
    pub b: Base,
    pub rows: Vec<OfferRow>,
    pub q: String,
    pub country: String,
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub struct CatalogQuery {
    q: Option<String>,
    country: Option<String>,
    cursor: Option<String>,
}

/// Partners browse the available offers, by country and name (R-ORD-1).
pub async fn catalog(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<CatalogQuery>,
) -> PageResult {
    p.user()?;
    let country = q.country.clone().filter(|c| !c.trim().is_empty());
    let search = q.q.clone().filter(|c| !c.trim().is_empty());
    let page = keiro_app::catalog::list_offers(
        &s.app,
        &p.ctx(),
        OfferFilter {
            q: search.as_deref(),
            country: country.as_deref(),
            state: Some(keiro_app::catalog::AVAILABLE),
            cursor: q.cursor.as_deref().filter(|c| !c.is_empty()),
            limit: 50,
            ..Default::default()
        },
    )
    .await
    .map_err(|e| p.app_error(e))?;
    let next = page.next_cursor.map(|c| {
        let qs = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("q", search.as_deref().unwrap_or(""))
            .append_pair("country", country.as_deref().unwrap_or(""))
            .append_pair("cursor", &c)
            .finish();
        format!("/catalog?{qs}")
    });
    Ok(render(&CatalogPage {
        rows: page.items.iter().map(|o| offer_row(&p, o)).collect(),
        q: search.unwrap_or_default(),
        country: country.unwrap_or_default(),
        next,
        b: p.base("catalog-title"),
    }))
}
