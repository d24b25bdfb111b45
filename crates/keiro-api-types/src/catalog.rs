//! The catalog, orders and subscriptions (R-ORD-1…7).

use super::*;

/// A catalog product (R-ORD-1).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Product {
    pub id: String,
    pub code: String,
    pub name_en: String,
    pub name_ja: String,
    pub description_en: String,
    pub description_ja: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProductList {
    pub items: Vec<Product>,
    pub next_cursor: Option<String>,
}

/// Operator staff: create a product, or replace its names and descriptions (the code stays).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutProduct {
    /// Letters, digits, hyphens and underscores (upper-cased).
    #[schema(min_length = 1, max_length = 64, pattern = r"^[A-Za-z0-9_-]+$")]
    pub code: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name_en: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name_ja: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description_en: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description_ja: String,
}

/// An offer: one SKU of a product on given terms (R-ORD-1).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Offer {
    pub id: String,
    pub product_id: String,
    pub product_code: String,
    pub product_name_en: String,
    pub product_name_ja: String,
    pub sku: String,
    pub name_en: String,
    pub name_ja: String,
    pub description_en: String,
    pub description_ja: String,
    /// monthly or annual.
    pub billing_cycle: String,
    pub term_months: i64,
    /// Price of one license for one billing period, in minor units of `currency`.
    pub unit_price_minor: i64,
    pub currency: String,
    pub min_quantity: i64,
    pub max_quantity: i64,
    /// Days of the trial, when the offer has one.
    pub trial_days: Option<i64>,
    /// An add-on needs a subscription to this offer.
    pub prerequisite_offer_id: Option<String>,
    /// Where it is sold (ISO 3166-1 alpha-2).
    pub countries: Vec<String>,
    /// available or retired.
    pub state: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OfferList {
    pub items: Vec<Offer>,
    pub next_cursor: Option<String>,
}

crate::code_schema!(BillingCycleParam, keiro_domain::catalog::BillingCycle);

/// Operator staff: create an offer, or replace its terms (the SKU stays).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutOffer {
    pub product_id: String,
    #[schema(min_length = 1, max_length = 64, pattern = r"^[A-Za-z0-9_-]+$")]
    pub sku: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name_en: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name_ja: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description_en: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description_ja: String,
    #[serde(with = "crate::codes::one")]
    #[schema(value_type = BillingCycleParam)]
    pub billing_cycle: keiro_domain::catalog::BillingCycle,
    /// A whole number of billing periods, at most 60 months.
    #[schema(minimum = 1, maximum = 60)]
    pub term_months: u32,
    #[schema(minimum = 0, maximum = 100_000_000_000_i64)]
    pub unit_price_minor: i64,
    #[schema(min_length = 3, max_length = 3, pattern = r"^[A-Za-z]{3}$")]
    pub currency: String,
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub min_quantity: i64,
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub max_quantity: i64,
    /// Days of the trial; absent or null: no trial.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 90)]
    pub trial_days: Option<i64>,
    #[serde(default)]
    pub prerequisite_offer_id: Option<String>,
    #[schema(min_items = 1)]
    pub countries: Vec<String>,
}

crate::code_schema!(OfferState, keiro_domain::catalog::OfferState);

/// Operator staff: retire an offer (no new orders) or make it available again.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetOfferState {
    #[serde(with = "crate::codes::one")]
    #[schema(value_type = OfferState)]
    pub state: keiro_domain::catalog::OfferState,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CatalogImportReport {
    pub rows: usize,
    pub products_created: usize,
    pub offers_created: usize,
    pub offers_updated: usize,
    pub errors: Vec<ImportRowError>,
}

/// One line of an order (R-ORD-3).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderLine {
    pub offer_id: String,
    /// Licenses, within the offer's bounds.
    #[schema(minimum = 1)]
    pub quantity: i64,
    /// Order the offer's trial instead of a paid term.
    #[serde(default)]
    pub trial: bool,
    /// Attribute the subscription to one of the caller's indirect resellers, by partner ID
    /// (it must have a reseller relationship with the customer too).
    #[serde(default)]
    pub reseller_partner_id: Option<String>,
}

/// `POST /v1/customers/{id}/orders`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrder {
    #[schema(min_items = 1, max_items = 50)]
    pub lines: Vec<OrderLine>,
}

/// An organization taking part in a subscription.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubscriptionParty {
    pub id: String,
    pub legal_name: String,
    pub partner_id: Option<String>,
}

/// A customer's subscription (R-ORD-3…6).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Subscription {
    pub id: String,
    pub customer: SubscriptionParty,
    pub offer_id: String,
    pub sku: String,
    pub offer_name_en: String,
    pub offer_name_ja: String,
    pub billing_cycle: String,
    pub unit_price_minor: i64,
    pub currency: String,
    pub min_quantity: i64,
    pub max_quantity: i64,
    pub order_id: String,
    /// Who sold it.
    pub seller: SubscriptionParty,
    /// The reseller it is attributed to (R-ORD-4).
    pub reseller: Option<SubscriptionParty>,
    /// Who handles its support requests (R-ORD-5).
    pub support_contact: Option<SubscriptionParty>,
    /// The subscription advisor named on it (R-ADV-5): told of every change, changes nothing.
    pub partner_of_record: Option<SubscriptionParty>,
    pub quantity: i64,
    /// active, suspended, cancelled or expired.
    pub state: String,
    /// While suspended: why (billing, fraud, customer_request, partner_request, compliance).
    pub suspension_reasons: Vec<String>,
    /// Paid: renews at the term's end. Trial: converts to paid at the trial's end.
    pub auto_renew: bool,
    pub trial: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub term_started_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub term_ends_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ended_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubscriptionList {
    pub items: Vec<Subscription>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Order {
    pub id: String,
    pub customer_id: String,
    pub placed_by_org_id: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    pub subscriptions: Vec<Subscription>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubscriptionHistoryEntry {
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: OffsetDateTime,
    /// created, quantity_changed, auto_renew_changed, suspended, suspension_lifted,
    /// reactivated, cancelled, converted, renewed, expired, reseller_changed,
    /// support_contact_changed.
    pub change: String,
    /// Null for the scheduler.
    pub actor_org_id: Option<String>,
    pub actor_user_id: Option<String>,
    pub details: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubscriptionHistory {
    pub items: Vec<SubscriptionHistoryEntry>,
    /// The cursor of the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetQuantity {
    #[schema(minimum = 1)]
    pub quantity: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetAutoRenew {
    pub auto_renew: bool,
}

crate::code_schema!(
    SuspensionReasonParam,
    keiro_domain::subscription::SuspensionReason
);

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Suspension {
    #[serde(with = "crate::codes::one")]
    #[schema(value_type = SuspensionReasonParam)]
    pub reason: keiro_domain::subscription::SuspensionReason,
}

/// A reseller (or support contact) by partner ID; null removes it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPartnerRef {
    pub partner_id: Option<String>,
}

/// `POST /v1/indirectresellers/{id}/customers`: a new customer for this reseller with its
/// first subscriptions (R-ORD-2).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomerForReseller {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub legal_name: String,
    #[serde(default)]
    pub primary_domain: String,
    #[serde(default)]
    pub address_line1: String,
    #[serde(default)]
    pub address_line2: String,
    #[serde(default)]
    pub city: String,
    /// The prefecture or state (東京都, CA).
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub postal_code: String,
    /// ISO 3166-1 alpha-2.
    #[schema(min_length = 2, max_length = 2, pattern = r"^[A-Za-z]{2}$")]
    pub country: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub contact_email: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub admin_full_name: String,
    pub admin_email: String,
    #[schema(min_items = 1, max_items = 50)]
    pub lines: Vec<OrderLine>,
}

/// The new customer: its admin account and temporary password (shown once; absent on an
/// idempotent replay) and its order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CustomerCreated {
    pub customer_id: String,
    pub legal_name: String,
    pub admin_email: String,
    pub temporary_password: Option<String>,
    pub order: Order,
}
