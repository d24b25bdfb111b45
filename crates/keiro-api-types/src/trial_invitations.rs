//! Trial invitations of subscription advisors (`/v1/trialinvitations`, R-ADV-2).

use crate::{InvitationPreview, Subscription};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /v1/trialinvitations`: one offer with a trial, where it is sold, and the options.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTrialInvitation {
    pub offer_id: String,
    /// Where the invited customers are (ISO 3166-1 alpha-2): the offer must be sold there.
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

/// What a trial invitation's page shows before sign-in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TrialInvitationPreview {
    pub invitation: InvitationPreview,
    pub offer_id: String,
    pub offer_name_en: String,
    pub offer_name_ja: String,
    pub trial_days: i64,
    pub country: String,
    /// A delegated admin offer comes with it; accepting it is the customer's separate choice.
    pub delegated_admin: bool,
    /// What accepting the delegated admin offer grants (R-REL-7), when it comes with it.
    pub delegated_admin_grants: Vec<String>,
}

/// `POST /v1/trialinvitations/start`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartTrial {
    /// The token from the link.
    pub token: String,
    /// The advisor's partner ID from the link, if given: it must be the link's.
    pub advisor: Option<String>,
    /// Accept the delegated admin offer that comes with the invitation.
    #[serde(default)]
    pub delegated_admin: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TrialStarted {
    pub subscription: Subscription,
    /// Whether the advisor now holds delegated admin over the customer.
    pub delegated_admin: bool,
}

/// `POST /v1/trialinvitations/{id}/extend`: keep the link open this many days from now.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendTrialInvitation {
    #[schema(minimum = 1, maximum = 365)]
    pub expires_in_days: i64,
}
