//! Product keys of subscription advisors (`/v1/productkeys`,
//! `/v1/customers/{id}/productkeyredemptions`, R-ADV-4).

use crate::Subscription;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// `POST /v1/productkeys`: an order of keys for one offer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProductKeys {
    pub offer_id: String,
    /// Where the customers are (ISO 3166-1 alpha-2): the offer must be sold there.
    #[schema(example = "JP")]
    pub country: String,
    /// How many keys: 1 to 500.
    #[schema(minimum = 1, maximum = 500)]
    pub quantity: i64,
    /// Licenses each key sets up, within the offer's bounds (its minimum without it).
    #[schema(minimum = 1)]
    pub licenses: Option<i64>,
    /// A delegated admin offer comes with the keys (delegated-admin authorized partners only).
    #[serde(default)]
    pub delegated_admin: bool,
    /// How long the keys can be entered: 1 to 1095 days (365 without it).
    #[schema(minimum = 1, maximum = 1095)]
    pub expires_in_days: Option<i64>,
}

/// An order of product keys. `keys` are in the first answer only (a replay has none: export
/// the unused ones as CSV).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProductKeyOrder {
    pub id: String,
    pub offer_id: String,
    pub quantity: i64,
    pub licenses: i64,
    pub delegated_admin: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
    /// The keys, `XXXXX-XXXXX-XXXXX-XXXXX-XXXXX`; null in a replay.
    pub keys: Option<Vec<String>>,
}

/// A key as its buyer's list shows it: only its last five characters.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProductKey {
    pub id: String,
    pub order_id: String,
    pub offer_id: String,
    pub licenses: i64,
    /// The key's last five characters.
    pub last5: String,
    /// unused, redeemed, expired or revoked.
    pub state: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub redeemed_at: Option<OffsetDateTime>,
    /// The customer that redeemed it.
    pub redeemed_by: Option<String>,
    pub subscription_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProductKeyList {
    pub items: Vec<ProductKey>,
    pub next_cursor: Option<String>,
}

/// `POST /v1/customers/{id}/productkeyredemptions` (and `/preview`): the key as typed (any
/// width, with or without dashes).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedeemProductKey {
    #[schema(max_length = 100)]
    pub key: String,
    /// Accept the delegated admin offer that comes with the key (a customer's admin only).
    #[serde(default)]
    pub delegated_admin: bool,
}

/// What a key will set up, before it is confirmed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProductKeyPreview {
    pub offer_id: String,
    pub offer_name_en: String,
    pub offer_name_ja: String,
    pub licenses: i64,
    pub term_months: i64,
    pub billing_cycle: String,
    pub unit_price_minor: i64,
    pub currency: String,
    /// The key's buyer: the subscription's partner of record.
    pub partner_of_record_name: String,
    pub partner_of_record_partner_id: Option<String>,
    /// A delegated admin offer comes with the key: the customer's admin accepts it or not.
    pub delegated_admin_offer: bool,
    /// What accepting it grants (R-REL-7), when it comes with the key.
    pub delegated_admin_grants: Vec<String>,
    pub last5: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProductKeyRedeemed {
    pub subscription: Subscription,
    /// Whether the key's buyer now holds delegated admin over the customer.
    pub delegated_admin: bool,
}
