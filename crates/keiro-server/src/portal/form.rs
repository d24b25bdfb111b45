//! Reading forms. [`SignedForm`] is the extractor of every handler that changes something for a
//! signed-in user: it reads the body (a readable 413 or 422 page when it cannot), requires the
//! user fully signed in (else the redirect to the missing step) and checks the form token (403),
//! in that order, once. The sign-in steps themselves (password change, MFA) read their form with
//! [`Portal::form`] and choose their own step.

use super::{Portal, t};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header};
use axum::response::Response;
use serde::de::DeserializeOwned;

impl Portal {
    /// A form body, or a readable page (not a plain-text 4xx) when it cannot be read.
    pub fn form<T>(
        &self,
        f: Result<axum_extra::extract::Form<T>, axum_extra::extract::FormRejection>,
    ) -> Result<T, Response> {
        f.map(|axum_extra::extract::Form(v)| v)
            .map_err(|e| self.unreadable_form(e.status()))
    }

    /// The page for a form that cannot be read: too large (413), or anything else (422).
    fn unreadable_form(&self, status: StatusCode) -> Response {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            self.error_page(status, &t(self.lang, "error-too_large"))
        } else {
            self.error_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &t(self.lang, "error-invalid_form"),
            )
        }
    }
}

/// A signed-in user's form: the request's [`Portal`] and the form's fields.
pub struct SignedForm<T>(pub Portal, pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for SignedForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let p = Portal::from_request_parts(&mut parts, state).await?;
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        // The body is read once (within the route's size limit) and parsed twice: the fields,
        // and the form token, whatever fields `T` has.
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| p.unreadable_form(e.status()))?;
        let fields = is_form
            .then(|| serde_html_form::from_bytes::<T>(&bytes).ok())
            .flatten()
            .ok_or_else(|| p.unreadable_form(StatusCode::UNPROCESSABLE_ENTITY))?;
        p.user()?;
        let token = url::form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        p.check_csrf(&token)?;
        Ok(SignedForm(p, fields))
    }
}

/// The company profile fields of a portal form (profile page and enrollment wizard).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ProfileFields {
    pub legal_name: String,
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
    pub country: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub primary_domain: String,
}

impl From<ProfileFields> for keiro_domain::CompanyProfile {
    fn from(f: ProfileFields) -> Self {
        keiro_domain::CompanyProfile {
            legal_name: f.legal_name,
            address_line1: f.address_line1,
            address_line2: f.address_line2,
            city: f.city,
            region: f.region,
            postal_code: f.postal_code,
            country: f.country,
            phone: f.phone,
            email: f.email,
            website: f.website,
            primary_domain: f.primary_domain,
        }
    }
}

/// One choice of a select or a set of checkboxes: the code sent back, the label shown.
pub struct Choice {
    pub code: String,
    pub label: String,
}

/// A fresh idempotency key for a form that creates or changes something: submitting it twice
/// (a double click, a reload) does it once.
pub fn idem() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The lines a form of offers and counts sends (a purchase offer's, when it is made and when it
/// is bought): every row sends its `line` (offer id) and `quantity`, in order, and a ticked row
/// also `offer`. The ticked rows with their counts; a count that is not a number is 0, which
/// the rules refuse as out of bounds.
pub fn ticked_lines(
    line: &[String],
    quantity: &[String],
    offer: &[String],
) -> Vec<keiro_app::purchase_offers::OfferLine> {
    line.iter()
        .zip(quantity)
        .filter(|(id, _)| offer.contains(id))
        .map(|(id, q)| keiro_app::purchase_offers::OfferLine {
            offer_id: id.clone(),
            quantity: q.trim().parse().unwrap_or(0),
        })
        .collect()
}
