//! The operator's catalog (R-ORD-1): products, and the offers that sell one SKU of a product on
//! given terms (billing cycle, term, price, quantity bounds, trial, add-on prerequisite, the
//! countries where it is sold). Built only through the `parse` constructors, so a stored offer
//! is always a valid one. Order lines are checked against an offer here too ([`check_line`]).

use crate::ValidationError;

/// Whether an offer can be ordered: available, or retired by operator staff (no new orders;
/// subscriptions bought before keep running).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferState {
    Available,
    Retired,
}

impl OfferState {
    pub const ALL: [OfferState; 2] = [OfferState::Available, OfferState::Retired];
    pub const fn code(self) -> &'static str {
        match self {
            OfferState::Available => "available",
            OfferState::Retired => "retired",
        }
    }
}

/// How often a subscription is billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillingCycle {
    Monthly,
    Annual,
}

impl BillingCycle {
    pub const ALL: [BillingCycle; 2] = [BillingCycle::Monthly, BillingCycle::Annual];
    pub fn code(self) -> &'static str {
        match self {
            BillingCycle::Monthly => "monthly",
            BillingCycle::Annual => "annual",
        }
    }
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| {
                ValidationError::new(
                    "billing_cycle",
                    "invalid_billing_cycle",
                    "billing_cycle is monthly or annual",
                )
            })
    }
    /// Months in one billing period.
    pub fn months(self) -> u32 {
        match self {
            BillingCycle::Monthly => 1,
            BillingCycle::Annual => 12,
        }
    }
}

/// Longest term an offer may have (five years).
pub const MAX_TERM_MONTHS: u32 = 60;
/// Largest license count of any offer.
pub const MAX_QUANTITY: i64 = 1_000_000;
/// Longest trial.
pub const MAX_TRIAL_DAYS: i64 = 90;
/// Highest unit price in minor units (a sanity bound, far above any real price).
pub const MAX_UNIT_PRICE: i64 = 100_000_000_000;

/// A product: the thing an offer sells (a SKU of it). Names in both portal languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductSpec {
    /// Stable code, unique in the catalog: upper-case letters, digits and hyphens.
    pub code: String,
    pub name_en: String,
    pub name_ja: String,
    pub description_en: String,
    pub description_ja: String,
}

impl ProductSpec {
    pub fn parse(mut p: ProductSpec) -> Result<Self, ValidationError> {
        p.code = code("code", &p.code)?;
        p.name_en = name("name_en", &p.name_en)?;
        p.name_ja = name("name_ja", &p.name_ja)?;
        p.description_en = description("description_en", &p.description_en)?;
        p.description_ja = description("description_ja", &p.description_ja)?;
        Ok(p)
    }
}

/// An offer's terms as the operator enters them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferSpec {
    pub sku: String,
    pub name_en: String,
    pub name_ja: String,
    pub description_en: String,
    pub description_ja: String,
    pub billing_cycle: BillingCycle,
    pub term_months: u32,
    /// Price of one license for one billing period, in minor units of `currency`.
    pub unit_price_minor: i64,
    /// ISO 4217, upper case.
    pub currency: String,
    pub min_quantity: i64,
    pub max_quantity: i64,
    /// `Some(days)`: a trial of that length can be ordered.
    pub trial_days: Option<i64>,
    /// An add-on: the customer must hold (or order with it) a subscription to this offer.
    pub prerequisite_offer_id: Option<String>,
    /// ISO 3166-1 alpha-2, upper case, sorted, without duplicates.
    pub countries: Vec<String>,
}

impl OfferSpec {
    pub fn parse(mut o: OfferSpec) -> Result<Self, ValidationError> {
        o.sku = code("sku", &o.sku)?;
        o.name_en = name("name_en", &o.name_en)?;
        o.name_ja = name("name_ja", &o.name_ja)?;
        o.description_en = description("description_en", &o.description_en)?;
        o.description_ja = description("description_ja", &o.description_ja)?;
        if o.term_months == 0
            || o.term_months > MAX_TERM_MONTHS
            || !o.term_months.is_multiple_of(o.billing_cycle.months())
        {
            return Err(ValidationError::new(
                "term_months",
                "invalid_term",
                format!(
                    "the term is 1 to {MAX_TERM_MONTHS} months and a whole number of billing periods"
                ),
            ));
        }
        if !(0..=MAX_UNIT_PRICE).contains(&o.unit_price_minor) {
            return Err(ValidationError::new(
                "unit_price_minor",
                "invalid_price",
                "the unit price is a non-negative amount in minor units",
            ));
        }
        o.currency = o.currency.trim().to_ascii_uppercase();
        if o.currency.len() != 3 || !o.currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ValidationError::new(
                "currency",
                "invalid_currency",
                "currency is a three-letter ISO 4217 code such as JPY",
            ));
        }
        if o.min_quantity < 1 || o.max_quantity < o.min_quantity || o.max_quantity > MAX_QUANTITY {
            return Err(ValidationError::new(
                "max_quantity",
                "invalid_quantity_bounds",
                format!(
                    "quantities run from a minimum of at least 1 to a maximum of at most {MAX_QUANTITY}"
                ),
            ));
        }
        if let Some(d) = o.trial_days
            && !(1..=MAX_TRIAL_DAYS).contains(&d)
        {
            return Err(ValidationError::new(
                "trial_days",
                "invalid_trial",
                format!("a trial lasts 1 to {MAX_TRIAL_DAYS} days"),
            ));
        }
        o.prerequisite_offer_id = o
            .prerequisite_offer_id
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        let mut countries = Vec::new();
        for c in &o.countries {
            countries.push(country(c)?);
        }
        countries.sort();
        countries.dedup();
        if countries.is_empty() {
            return Err(ValidationError::new(
                "countries",
                "offer_countries_required",
                "an offer is sold in at least one country",
            ));
        }
        o.countries = countries;
        Ok(o)
    }
}

/// An ISO 3166-1 alpha-2 code, upper-cased.
pub fn country(s: &str) -> Result<String, ValidationError> {
    let c = s.trim().to_ascii_uppercase();
    if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err(ValidationError::new(
            "countries",
            "invalid_country",
            format!("{s:?} is not a two-letter ISO country code such as JP"),
        ))
    }
}

fn code(field: &'static str, s: &str) -> Result<String, ValidationError> {
    let c = s.trim().to_ascii_uppercase();
    if c.is_empty()
        || c.len() > 64
        || !c
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    {
        return Err(ValidationError::new(
            field,
            "invalid_code",
            format!("{field} is 1 to 64 letters, digits, hyphens or underscores"),
        ));
    }
    Ok(c)
}

fn name(field: &'static str, s: &str) -> Result<String, ValidationError> {
    let n = s.trim();
    if n.is_empty() || n.chars().count() > 200 {
        return Err(ValidationError::new(
            field,
            "invalid_catalog_name",
            format!("{field} needs 1 to 200 characters"),
        ));
    }
    Ok(n.to_string())
}

fn description(field: &'static str, s: &str) -> Result<String, ValidationError> {
    let d = s.trim();
    if d.chars().count() > 2000 {
        return Err(ValidationError::new(
            field,
            "invalid_description",
            format!("{field} has at most 2000 characters"),
        ));
    }
    Ok(d.to_string())
}

/// Digits after the decimal point of a currency's minor unit (ISO 4217; the common ones).
pub fn minor_digits(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "VND" | "CLP" | "ISK" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
        _ => 2,
    }
}

/// What an order line needs to know about its offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferFacts {
    pub id: String,
    pub available: bool,
    pub min_quantity: i64,
    pub max_quantity: i64,
    pub trial_days: Option<i64>,
    pub prerequisite_offer_id: Option<String>,
    pub countries: Vec<String>,
}

/// Why an order line (or a quantity change) is refused. Codes are stable for API clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineRefusal {
    /// The offer is retired.
    OfferUnavailable,
    /// The offer is not sold in the customer's country.
    NotSoldInCountry,
    /// The quantity is outside the offer's bounds.
    QuantityOutOfBounds { min: i64, max: i64 },
    /// An add-on needs its prerequisite offer, held or ordered with it.
    PrerequisiteMissing { prerequisite: String },
    /// The offer has no trial.
    NoTrial,
}

impl LineRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            LineRefusal::OfferUnavailable => "offer_unavailable",
            LineRefusal::NotSoldInCountry => "not_sold_in_country",
            LineRefusal::QuantityOutOfBounds { .. } => "quantity_out_of_bounds",
            LineRefusal::PrerequisiteMissing { .. } => "prerequisite_missing",
            LineRefusal::NoTrial => "no_trial",
        }
    }

    pub fn message(&self) -> String {
        match self {
            LineRefusal::OfferUnavailable => "this offer is no longer sold".into(),
            LineRefusal::NotSoldInCountry => {
                "this offer is not sold in the customer's country".into()
            }
            LineRefusal::QuantityOutOfBounds { min, max } => {
                format!("the quantity must be from {min} to {max}")
            }
            LineRefusal::PrerequisiteMissing { prerequisite } => format!(
                "this add-on needs a subscription to offer {prerequisite}, held or ordered with it"
            ),
            LineRefusal::NoTrial => "this offer has no trial".into(),
        }
    }
}

/// Checks a quantity against an offer's bounds (orders and quantity changes alike).
pub fn check_quantity(offer: &OfferFacts, quantity: i64) -> Result<(), LineRefusal> {
    if (offer.min_quantity..=offer.max_quantity).contains(&quantity) {
        Ok(())
    } else {
        Err(LineRefusal::QuantityOutOfBounds {
            min: offer.min_quantity,
            max: offer.max_quantity,
        })
    }
}

/// Checks one order line (R-ORD-2, R-ORD-3): the offer is sold, in the customer's country, the
/// quantity is within bounds, a trial exists if one is asked for, and an add-on's prerequisite
/// is among `held` (offer ids of the customer's live subscriptions and of the order's lines).
pub fn check_line(
    offer: &OfferFacts,
    quantity: i64,
    trial: bool,
    customer_country: &str,
    held: &[&str],
) -> Result<(), LineRefusal> {
    if !offer.available {
        return Err(LineRefusal::OfferUnavailable);
    }
    if !offer.countries.iter().any(|c| c == customer_country) {
        return Err(LineRefusal::NotSoldInCountry);
    }
    check_quantity(offer, quantity)?;
    if trial && offer.trial_days.is_none() {
        return Err(LineRefusal::NoTrial);
    }
    if let Some(p) = &offer.prerequisite_offer_id
        && !held.contains(&p.as_str())
    {
        return Err(LineRefusal::PrerequisiteMissing {
            prerequisite: p.clone(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> OfferSpec {
        OfferSpec {
            sku: " m365-bp-annual ".into(),
            name_en: "Business Premium (annual)".into(),
            name_ja: "Business Premium (年間)".into(),
            description_en: String::new(),
            description_ja: String::new(),
            billing_cycle: BillingCycle::Monthly,
            term_months: 12,
            unit_price_minor: 2750,
            currency: "jpy".into(),
            min_quantity: 1,
            max_quantity: 300,
            trial_days: Some(30),
            prerequisite_offer_id: Some("  ".into()),
            countries: vec!["jp".into(), "US".into(), "JP".into()],
        }
    }

    #[test]
    fn r_ord_1_offer_normalised() {
        let o = OfferSpec::parse(spec()).unwrap();
        assert_eq!(o.sku, "M365-BP-ANNUAL");
        assert_eq!(o.currency, "JPY");
        assert_eq!(o.countries, vec!["JP", "US"]);
        assert_eq!(o.prerequisite_offer_id, None);
    }

    #[test]
    fn r_ord_1_offer_rules() {
        let bad = |f: fn(&mut OfferSpec)| {
            let mut s = spec();
            f(&mut s);
            OfferSpec::parse(s).unwrap_err().code
        };
        assert_eq!(bad(|s| s.term_months = 0), "invalid_term");
        assert_eq!(bad(|s| s.term_months = 61), "invalid_term");
        assert_eq!(
            bad(|s| {
                s.billing_cycle = BillingCycle::Annual;
                s.term_months = 18
            }),
            "invalid_term",
            "an annual offer's term is whole years"
        );
        assert_eq!(bad(|s| s.unit_price_minor = -1), "invalid_price");
        assert_eq!(bad(|s| s.currency = "YEN!".into()), "invalid_currency");
        assert_eq!(bad(|s| s.min_quantity = 0), "invalid_quantity_bounds");
        assert_eq!(
            bad(|s| {
                s.min_quantity = 10;
                s.max_quantity = 5
            }),
            "invalid_quantity_bounds"
        );
        assert_eq!(bad(|s| s.trial_days = Some(0)), "invalid_trial");
        assert_eq!(bad(|s| s.countries = vec![]), "offer_countries_required");
        assert_eq!(
            bad(|s| s.countries = vec!["Japan".into()]),
            "invalid_country"
        );
        assert_eq!(bad(|s| s.sku = "has space".into()), "invalid_code");
        assert_eq!(bad(|s| s.name_ja = " ".into()), "invalid_catalog_name");
    }

    fn facts() -> OfferFacts {
        OfferFacts {
            id: "addon".into(),
            available: true,
            min_quantity: 5,
            max_quantity: 10,
            trial_days: None,
            prerequisite_offer_id: Some("base".into()),
            countries: vec!["JP".into()],
        }
    }

    #[test]
    fn r_ord_3_order_lines_follow_the_offer() {
        let f = facts();
        assert_eq!(check_line(&f, 5, false, "JP", &["base"]), Ok(()));
        assert_eq!(
            check_line(&f, 4, false, "JP", &["base"]),
            Err(LineRefusal::QuantityOutOfBounds { min: 5, max: 10 })
        );
        assert_eq!(
            check_line(&f, 11, false, "JP", &["base"])
                .unwrap_err()
                .code(),
            "quantity_out_of_bounds"
        );
        assert_eq!(
            check_line(&f, 5, false, "US", &["base"]),
            Err(LineRefusal::NotSoldInCountry)
        );
        assert_eq!(
            check_line(&f, 5, false, "JP", &[]).unwrap_err().code(),
            "prerequisite_missing"
        );
        assert_eq!(
            check_line(&f, 5, true, "JP", &["base"]),
            Err(LineRefusal::NoTrial)
        );
        let retired = OfferFacts {
            available: false,
            ..facts()
        };
        assert_eq!(
            check_line(&retired, 5, false, "JP", &["base"]),
            Err(LineRefusal::OfferUnavailable)
        );
    }
}
