//! Purchase offers of subscription advisors (`/v1/purchaseoffers`, R-ADV-3).

use crate::{InvitationPreview, Subscription};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An offer and a license count: suggested by the advisor, or chosen by the customer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PurchaseOfferLine {
    pub offer_id: String,
    #[schema(minimum = 1)]
    pub quantity: i64,
}

/// `POST /v1/purchaseoffers`: the offers with their suggested counts, where they are sold, and
/// the options.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePurchaseOffer {
    /// 1 to 20 offers, each once, each sold in `country`, counts within the offer's bounds.
    #[schema(min_items = 1, max_items = 20)]
    pub lines: Vec<PurchaseOfferLine>,
    /// Where the customers are (ISO 3166-1 alpha-2).
    #[schema(example = "JP")]
    pub country: String,
    /// A delegated admin offer comes with it (delegated-admin authorized partners only).
    #[serde(default)]
    pub delegated_admin: bool,
    /// How long the link stays open: 1 to 365 days (30 without it).
    #[schema(minimum = 1, maximum = 365)]
    pub expires_in_days: Option<i64>,
    /// Keiro emails the link there (with `message`, or the draft).
    pub send_to: Option<String>,
    #[schema(max_length = 10000)]
    pub message: Option<String>,
}

/// A line of a purchase offer as its page shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PurchaseOfferPreviewLine {
    pub offer_id: String,
    pub offer_name_en: String,
    pub offer_name_ja: String,
    /// The advisor's suggested license count.
    pub suggested_quantity: i64,
    pub min_quantity: i64,
    pub max_quantity: i64,
    /// Price of one license per billing period, in the currency's minor unit (yen: whole yen).
    pub unit_price_minor: i64,
    pub currency: String,
    pub billing_cycle: String,
    pub term_months: i64,
    /// Retired since the offer was made: it can no longer be bought.
    pub retired: bool,
    /// An add-on's prerequisite: held already, or bought in the same purchase.
    pub prerequisite_offer_id: Option<String>,
}

/// What a purchase offer's page shows before sign-in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PurchaseOfferPreview {
    pub invitation: InvitationPreview,
    pub country: String,
    pub lines: Vec<PurchaseOfferPreviewLine>,
    /// A delegated admin offer comes with it; accepting it is the customer's separate choice.
    pub delegated_admin: bool,
    /// What accepting the delegated admin offer grants (R-REL-7), when it comes with it.
    pub delegated_admin_grants: Vec<String>,
}

/// `POST /v1/purchaseoffers/buy`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyPurchaseOffer {
    /// The token from the link.
    pub token: String,
    /// The advisor's partner ID from the link, if given: it must be the link's.
    pub advisor: Option<String>,
    /// The lines bought: some or all of the offer's, with counts within each offer's bounds.
    #[schema(min_items = 1, max_items = 20)]
    pub lines: Vec<PurchaseOfferLine>,
    /// Accept the delegated admin offer that comes with the purchase offer.
    #[serde(default)]
    pub delegated_admin: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PurchaseOfferBought {
    pub order_id: String,
    pub subscriptions: Vec<Subscription>,
    /// Whether the advisor now holds delegated admin over the customer.
    pub delegated_admin: bool,
}
