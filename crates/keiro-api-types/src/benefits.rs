//! Membership benefits (`/v1/benefits`, `/v1/benefitpackages`, `/v1/benefitallocations`,
//! `/v1/benefitkeypools`, R-BEN-1…3): the catalog operator staff keep, the packages partners
//! buy, the ledger of what each holds, and software keys.

use crate::ImportRowError;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// One level's share of a benefit.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BenefitLevel {
    /// action_pack, silver or gold.
    #[schema(example = "gold")]
    pub level: String,
    #[schema(minimum = 1, maximum = 100000)]
    pub quantity: i64,
    /// keys, seats, users, subscriptions, incidents, hours or offers (the kind's usual unit if
    /// empty).
    #[serde(default)]
    pub unit: String,
    /// A credit's amount per unit, in minor units of `currency`.
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
}

/// A software benefit's download for one language and operating system.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BenefitDownload {
    /// ja, en or multi.
    pub language: String,
    /// windows, macos, linux or any.
    pub os: String,
    #[schema(max_length = 2000)]
    pub url: String,
    #[serde(default)]
    pub label: String,
}

/// `POST /v1/benefits`, `PUT /v1/benefits/{id}`: a benefit of the catalog, whole.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutBenefit {
    /// 2 to 64 of a-z, 0-9 and dashes; it never changes.
    #[schema(example = "office-professional")]
    pub code: String,
    /// software, azure_monthly_credit, azure_annual_credit, license_subscription,
    /// visual_studio, technical_support, advisory_hours or go_to_market.
    pub kind: String,
    #[schema(max_length = 200)]
    pub name_ja: String,
    #[schema(max_length = 200)]
    pub name_en: String,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub description_ja: String,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub description_en: String,
    /// Special instructions shown with a key.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub instructions_ja: String,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub instructions_en: String,
    /// core or incremental (core if empty).
    #[serde(default)]
    pub tier: String,
    /// Months from the package's start, 1 to 36 (12 without it).
    #[schema(minimum = 1, maximum = 36)]
    pub months: Option<i64>,
    /// A license benefit: the SKU of the offer its key sets up.
    pub offer_sku: Option<String>,
    pub levels: Vec<BenefitLevel>,
    #[serde(default)]
    pub downloads: Vec<BenefitDownload>,
    /// available or retired (available if empty).
    #[serde(default)]
    pub state: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Benefit {
    pub id: String,
    pub code: String,
    pub kind: String,
    pub name_ja: String,
    pub name_en: String,
    pub description_ja: String,
    pub description_en: String,
    pub instructions_ja: String,
    pub instructions_en: String,
    pub tier: String,
    pub months: i64,
    pub offer_id: Option<String>,
    pub state: String,
    pub levels: Vec<BenefitLevel>,
    pub downloads: Vec<BenefitDownload>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BenefitList {
    pub items: Vec<Benefit>,
    pub next_cursor: Option<String>,
}

/// `POST /v1/benefitpackages`: buy the package of the partner's level (nothing to choose).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyBenefitPackage {}

/// A partner's benefit package for one year.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BenefitPackage {
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    /// The level it was bought for: action_pack, silver or gold.
    pub level: String,
    /// scheduled (a renewal), active, ended or cancelled.
    pub state: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub bought_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub cancelled_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BenefitPackageList {
    pub items: Vec<BenefitPackage>,
    pub next_cursor: Option<String>,
}

/// What a partner holds of one benefit through one package.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BenefitAllocation {
    pub id: String,
    pub package_id: String,
    pub benefit_id: String,
    pub benefit_code: String,
    pub kind: String,
    pub name_ja: String,
    pub name_en: String,
    /// core or incremental.
    pub tier: String,
    pub quantity: i64,
    pub unit: String,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub used: i64,
    pub left: i64,
    /// scheduled, active, expired or cancelled.
    pub state: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: OffsetDateTime,
    /// The last moment it may be activated.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
    /// Special instructions (software: follow them with the key).
    pub instructions_ja: String,
    pub instructions_en: String,
    pub downloads: Vec<BenefitDownload>,
    /// A technical benefit: when it was activated, and the IDs every user of the partner sees
    /// (its support requests carry them).
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub activated_at: Option<OffsetDateTime>,
    pub access_id: Option<String>,
    pub contract_id: Option<String>,
    /// none, pending (a go-to-market offer waiting for operator staff) or active.
    pub activation: String,
    /// A go-to-market offer: when operator staff confirmed it (then it is active until
    /// `expires_at`).
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub confirmed_at: Option<OffsetDateTime>,
    /// A monthly credit: when this month's credit lapses and the next month's starts.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub renews_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BenefitAllocationList {
    pub items: Vec<BenefitAllocation>,
    pub next_cursor: Option<String>,
}

/// `POST /v1/benefitallocations/{id}/keys`: get the next key of a software benefit.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GetBenefitKey {}

/// A key got from the operator's pool.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BenefitKey {
    pub id: String,
    pub allocation_id: String,
    pub benefit_id: String,
    pub last5: String,
    /// The key: in the first answer, and in lists for global admins and membership admins;
    /// null otherwise and in a replay.
    pub key: Option<String>,
    /// A software key: got. A license key: unused, redeemed, expired or revoked.
    pub state: String,
    /// Who got it (software) or redeemed it (license).
    pub got_by: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub got_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BenefitKeyList {
    pub items: Vec<BenefitKey>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BenefitKeyImportReport {
    pub rows: usize,
    pub imported: usize,
    pub errors: Vec<ImportRowError>,
}

/// A software benefit's key pool.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BenefitKeyPool {
    pub benefit_id: String,
    pub code: String,
    pub name_ja: String,
    pub name_en: String,
    pub available: i64,
    pub handed_out: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BenefitKeyPoolList {
    pub items: Vec<BenefitKeyPool>,
    pub next_cursor: Option<String>,
}

/// `POST /v1/benefitlicenseredemptions` (and `/preview`): a license benefit's key as typed, and
/// how it goes into the partner's subscription of its product.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedeemBenefitLicense {
    #[schema(max_length = 100)]
    pub key: String,
    /// add_seats (the end date stays: the seats run less than 12 months) or extend (the end
    /// date moves 12 months later).
    #[schema(example = "extend")]
    pub mode: String,
}

/// What redeeming a license key does: the seats and end date before and after.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BenefitLicensePreview {
    pub allocation_id: String,
    pub offer_id: String,
    pub offer_name_ja: String,
    pub offer_name_en: String,
    pub key_seats: i64,
    pub mode: String,
    /// The partner's subscription of the product, if it has one (else a new one is made).
    pub subscription_id: Option<String>,
    pub current_seats: Option<i64>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub current_ends_at: Option<OffsetDateTime>,
    pub seats: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: OffsetDateTime,
    pub new_subscription: bool,
    /// Seats added without extending: they run less than 12 months.
    pub under_a_year: bool,
    pub last5: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BenefitLicenseRedeemed {
    pub subscription: crate::Subscription,
    pub preview: BenefitLicensePreview,
}

/// `POST /v1/benefitpackages/{id}/cancellationrequests`: why the package should be cancelled.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestBenefitCancellation {
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// `POST /v1/benefitrequests/{id}/approve` and `/refuse`: operator staff's reason.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideBenefitRequest {
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// A partner's service request to the operator about its benefits: a cancellation (R-BEN-10),
/// a technical support request (R-BEN-7) or an advisory request (R-BEN-8).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BenefitRequest {
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    /// cancellation, technical_support or advisory.
    pub kind: String,
    pub package_id: Option<String>,
    /// The allocation a support or advisory request goes through.
    pub allocation_id: Option<String>,
    pub description: String,
    /// open, approved or refused (a cancellation); open or answered (support, advisory).
    pub state: String,
    pub opened_by: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub opened_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub decided_at: Option<OffsetDateTime>,
    /// Operator staff's reason (a cancellation) or answer (support, advisory).
    pub decision_reason: Option<String>,
    /// A technical support request: product or cloud, and the IDs it carries.
    pub topic: Option<String>,
    pub access_id: Option<String>,
    pub contract_id: Option<String>,
    /// An advisory request: the hours operator staff recorded with their answer.
    pub hours_used: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BenefitRequestList {
    pub items: Vec<BenefitRequest>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BenefitCatalogImportReport {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub errors: Vec<ImportRowError>,
}
