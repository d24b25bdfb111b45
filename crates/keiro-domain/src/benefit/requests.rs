//! Requests a partner sends the operator through its benefits (R-BEN-7, R-BEN-8, R-BEN-9, issue
//! 18 points 3 to 5): a technical support request uses one incident of an activated technical
//! benefit (signature cloud support only for Silver and Gold); an advisory request (テクニカル
//! プリセールスと展開の要求) needs no activation, and operator staff record the hours its answer
//! used; a go-to-market offer is activated only once a marketing contact is assigned, and is
//! pending until operator staff confirm it.

use crate::ValidationError;
use crate::email::Email;
use crate::enrollment::MembershipLevel;

/// What a technical support request is about (seed 003).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportTopic {
    /// Microsoft 製品サポート: recent on-premises products (every level).
    Product,
    /// 署名クラウド サポート: cloud products (Silver and Gold only).
    Cloud,
}

impl SupportTopic {
    pub const ALL: [SupportTopic; 2] = [SupportTopic::Product, SupportTopic::Cloud];
    pub fn code(self) -> &'static str {
        match self {
            SupportTopic::Product => "product",
            SupportTopic::Cloud => "cloud",
        }
    }
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|t| t.code() == s.trim())
            .ok_or_else(|| {
                ValidationError::new("topic", "invalid_topic", "topic is product or cloud")
            })
    }
}

/// The kinds of requests to the operator about benefits.
pub const REQUEST_KINDS: [&str; 3] = ["cancellation", "technical_support", "advisory"];

/// Why a support or advisory request cannot be sent, or an answer recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestRefusal {
    /// Support requests go through a technical benefit, advisory ones through advisory hours.
    WrongBenefit,
    /// The allocation is not active (scheduled, expired or cancelled).
    NotActive,
    /// The technical benefit is not activated yet, so it has no access ID and contract ID.
    NotActivated,
    /// Every incident was used.
    NoIncidentsLeft,
    /// Signature cloud support is for Silver and Gold.
    CloudNotIncluded,
    /// Every advisory hour was used.
    NoHoursLeft,
    /// The hours recorded are more than are left.
    HoursOver,
    /// Only support and advisory requests are answered (a cancellation is decided).
    NotAnswerable,
    /// A cancellation is approved or refused, never answered.
    NotACancellation,
}

impl RequestRefusal {
    pub fn code(self) -> &'static str {
        match self {
            RequestRefusal::WrongBenefit => "wrong_benefit_for_request",
            RequestRefusal::NotActive => "benefit_not_active",
            RequestRefusal::NotActivated => "benefit_not_activated",
            RequestRefusal::NoIncidentsLeft => "no_incidents_left",
            RequestRefusal::CloudNotIncluded => "cloud_support_not_included",
            RequestRefusal::NoHoursLeft => "no_hours_left",
            RequestRefusal::HoursOver => "hours_over_balance",
            RequestRefusal::NotAnswerable => "request_not_answerable",
            RequestRefusal::NotACancellation => "not_a_cancellation_request",
        }
    }
    pub fn message(self) -> &'static str {
        match self {
            RequestRefusal::WrongBenefit => {
                "a technical support request goes through a technical benefit, an advisory request through partner advisory hours"
            }
            RequestRefusal::NotActive => "this benefit is not active",
            RequestRefusal::NotActivated => {
                "activate the technical benefit first: its access ID and contract ID go with every support request"
            }
            RequestRefusal::NoIncidentsLeft => {
                "every support incident of this benefit was used; more come with next year's package"
            }
            RequestRefusal::CloudNotIncluded => {
                "signature cloud support is for Silver and Gold partners; Action Pack includes product support incidents"
            }
            RequestRefusal::NoHoursLeft => "every partner advisory hour was used",
            RequestRefusal::HoursOver => "more hours than the partner has left",
            RequestRefusal::NotAnswerable => {
                "only technical support and advisory requests are answered"
            }
            RequestRefusal::NotACancellation => {
                "only cancellation requests are approved or refused; answer this one"
            }
        }
    }
}

/// May a technical support request on `topic` be sent through a technical benefit of a package
/// at `level`, active or not, activated or not, with `left` incidents?
pub fn may_open_support(
    level: MembershipLevel,
    topic: SupportTopic,
    active: bool,
    activated: bool,
    left: i64,
) -> Result<(), RequestRefusal> {
    if !active {
        return Err(RequestRefusal::NotActive);
    }
    if !activated {
        return Err(RequestRefusal::NotActivated);
    }
    if topic == SupportTopic::Cloud
        && !matches!(level, MembershipLevel::Silver | MembershipLevel::Gold)
    {
        return Err(RequestRefusal::CloudNotIncluded);
    }
    if left <= 0 {
        return Err(RequestRefusal::NoIncidentsLeft);
    }
    Ok(())
}

/// The hours operator staff record for an answer: 0 (none used) to the hours left.
pub fn hours_used(hours: i64, left: i64) -> Result<i64, RequestRefusal> {
    if hours < 0 || hours > left {
        return Err(RequestRefusal::HoursOver);
    }
    Ok(hours)
}

/// A request's text: 1 to 4000 characters.
pub fn description(s: &str) -> Result<String, ValidationError> {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > 4000 {
        return Err(ValidationError::new(
            "description",
            "description_required",
            "describe the request in 1 to 4000 characters",
        ));
    }
    Ok(s.to_string())
}

/// A marketing contact as typed: the user, an email different from the user's sign-in email,
/// a phone number and a preferred language (seed 003's 市場投入 steps a to c).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketingContact {
    pub email: String,
    pub phone: String,
    pub language: crate::Language,
}

/// Checks a marketing contact against the chosen user's sign-in email.
pub fn marketing_contact(
    sign_in_email: &str,
    email: &str,
    phone: &str,
    language: &str,
) -> Result<MarketingContact, ValidationError> {
    use unicode_normalization::UnicodeNormalization;
    let typed: String = email.nfkc().collect();
    let email = Email::parse(&typed)?.as_str().to_string();
    if email == sign_in_email.trim().to_lowercase() {
        return Err(ValidationError::new(
            "email",
            "contact_email_is_sign_in",
            "give an email address other than the one this user signs in with",
        ));
    }
    let phone: String = phone.nfkc().collect::<String>().trim().to_string();
    let digits = phone.chars().filter(|c| c.is_ascii_digit()).count();
    if !(6..=20).contains(&digits)
        || phone.chars().count() > 32
        || phone
            .chars()
            .any(|c| !(c.is_ascii_digit() || " +-().".contains(c)))
    {
        return Err(ValidationError::new(
            "phone",
            "invalid_phone",
            "a phone number has 6 to 20 digits and may contain spaces and + - ( ) .",
        ));
    }
    let language = crate::Language::parse(language.trim()).ok_or_else(|| {
        ValidationError::new("language", "invalid_language", "language is ja or en")
    })?;
    Ok(MarketingContact {
        email,
        phone,
        language,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use MembershipLevel::*;

    #[test]
    fn r_ben_7_a_support_request_uses_an_incident_of_an_activated_benefit() {
        let p = SupportTopic::Product;
        let c = SupportTopic::Cloud;
        assert_eq!(may_open_support(ActionPack, p, true, true, 1), Ok(()));
        assert_eq!(
            may_open_support(ActionPack, c, true, true, 1),
            Err(RequestRefusal::CloudNotIncluded)
        );
        assert_eq!(may_open_support(Silver, c, true, true, 1), Ok(()));
        assert_eq!(
            may_open_support(Gold, p, true, true, 0),
            Err(RequestRefusal::NoIncidentsLeft)
        );
        assert_eq!(
            may_open_support(Gold, p, true, false, 3),
            Err(RequestRefusal::NotActivated)
        );
        assert_eq!(
            may_open_support(Gold, p, false, true, 3),
            Err(RequestRefusal::NotActive)
        );
        assert_eq!(SupportTopic::parse("cloud").unwrap(), c);
        assert_eq!(SupportTopic::parse("x").unwrap_err().code, "invalid_topic");
    }

    #[test]
    fn r_ben_8_hours_recorded_fit_the_balance() {
        assert_eq!(hours_used(0, 5), Ok(0));
        assert_eq!(hours_used(5, 5), Ok(5));
        assert_eq!(hours_used(6, 5), Err(RequestRefusal::HoursOver));
        assert_eq!(hours_used(-1, 5), Err(RequestRefusal::HoursOver));
    }

    #[test]
    fn r_ben_9_a_marketing_contact_has_another_email_a_phone_and_a_language() {
        let c = marketing_contact(
            "ga@p.example",
            " Ｍarketing@P.example",
            "03-1234-5678",
            "ja",
        )
        .unwrap();
        assert_eq!(c.email, "marketing@p.example");
        assert_eq!(c.language, crate::Language::Ja);
        let same = marketing_contact("ga@p.example", "GA@p.example", "0312345678", "en");
        assert_eq!(same.unwrap_err().code, "contact_email_is_sign_in");
        let phone = marketing_contact("ga@p.example", "m@p.example", "call me", "en");
        assert_eq!(phone.unwrap_err().code, "invalid_phone");
        let lang = marketing_contact("ga@p.example", "m@p.example", "+81 3 1234 5678", "fr");
        assert_eq!(lang.unwrap_err().code, "invalid_language");
    }
}
