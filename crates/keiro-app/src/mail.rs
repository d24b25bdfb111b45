//! Email: templates in Japanese and English (fluent), and the transport interface the outbox
//! worker delivers through (SMTP or `.eml` files; both in keiro-server).

use fluent_templates::{Loader, fluent_bundle::FluentValue};
use keiro_domain::Language;
use std::{borrow::Cow, collections::HashMap};

fluent_templates::static_loader! {
    static MAIL = {
        locales: "./locales",
        fallback_language: "en",
        // Bidi isolation marks would show up as garbage in plain-text mail.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// Templates the outbox knows. Each has `<name>-subject` and `<name>-body` in every language.
pub const TEMPLATES: [&str; 24] = [
    "password-changed",
    "api-token-created",
    "enrollment-verify",
    "enrollment-in-review",
    "enrollment-more-info",
    "enrollment-approved",
    "enrollment-rejected",
    "partnership-request",
    "partnership-accepted",
    "relationship-request",
    "relationship-accepted",
    "gdap-approved",
    "partner-authorizations-changed",
    "por-subscription-changed",
    "advisor-invitation",
    "benefit-package-granted",
    "benefit-package-renewed",
    "benefit-package-cancelled",
    "benefits-expiring",
    "benefit-pool-empty",
    "benefit-assigned",
    "benefit-unassigned",
    "marketing-contact-assigned",
    "go-to-market-active",
];

/// Drafts the portal shows a user to send from their own mail app (R-PRT-1): no footer.
pub const DRAFTS: [&str; 7] = [
    "partnership-draft",
    "relationship-draft",
    "three-way-draft",
    "dap-draft",
    "gdap-draft",
    "trial-draft",
    "purchase-draft",
];

/// Renders a template into (subject, body) in `lang`, footer included.
pub fn render(
    template: &str,
    lang: Language,
    brand: &str,
    args: &[(&str, String)],
) -> (String, String) {
    let id = lang_id(lang);
    let mut map: HashMap<Cow<'static, str>, FluentValue<'_>> = HashMap::new();
    map.insert("brand".into(), FluentValue::from(brand.to_string()));
    for (k, v) in args {
        map.insert(Cow::Owned(k.to_string()), FluentValue::from(v.clone()));
    }
    let subject = MAIL.lookup_with_args(&id, &format!("{template}-subject"), &map);
    let body = MAIL.lookup_with_args(&id, &format!("{template}-body"), &map);
    let footer = MAIL.lookup_with_args(&id, "mail-footer", &map);
    (subject, format!("{body}\n\n--\n{footer}\n"))
}

/// A phrase of the mail catalog without arguments (a name put into a template's argument).
pub fn phrase(lang: Language, key: &str) -> String {
    MAIL.lookup(&lang_id(lang), key)
}

/// Renders a draft into (subject, body) in `lang`, without Keiro's footer.
pub fn render_draft(
    template: &str,
    lang: Language,
    brand: &str,
    args: &[(&str, String)],
) -> (String, String) {
    let id = lang_id(lang);
    let mut map: HashMap<Cow<'static, str>, FluentValue<'_>> = HashMap::new();
    map.insert("brand".into(), FluentValue::from(brand.to_string()));
    for (k, v) in args {
        map.insert(Cow::Owned(k.to_string()), FluentValue::from(v.clone()));
    }
    let subject = MAIL.lookup_with_args(&id, &format!("{template}-subject"), &map);
    let body = MAIL.lookup_with_args(&id, &format!("{template}-body"), &map);
    (subject, body)
}

/// A `mailto:` URL (RFC 6068): everything but unreserved characters percent-encoded, so a
/// space is %20 (mail apps do not read `+` as a space).
/// A moment in an email, as its recipient reads it: in their time zone (`zone`, their choice if
/// they are a user who chose one; else their language's) and their language's format, with the
/// zone named (an email has no account page to say it): `2026/12/01 09:30 (Asia/Tokyo)`.
pub fn time(
    app: &crate::App,
    t: time::OffsetDateTime,
    lang: Language,
    zone: Option<&str>,
) -> String {
    let z = keiro_domain::display::Zone::for_reader(zone, lang, &app.config.time_zone);
    format!(
        "{} ({})",
        keiro_domain::display::date_time(t, lang, z),
        z.name()
    )
}

/// A day in an email, in the recipient's language's zone and format: `2026/12/01`.
pub fn date(app: &crate::App, t: time::OffsetDateTime, lang: Language) -> String {
    let z = keiro_domain::display::Zone::for_reader(None, lang, &app.config.time_zone);
    keiro_domain::display::date(t, lang, z)
}

pub fn mailto(to: &str, subject: &str, body: &str) -> String {
    fn enc(s: &str) -> String {
        let mut out = String::with_capacity(s.len() * 3);
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }
    let body = body.replace("\r\n", "\n").replace('\n', "\r\n");
    format!(
        "mailto:{}?subject={}&body={}",
        enc(to).replace("%40", "@"),
        enc(subject),
        enc(&body)
    )
}

fn lang_id(lang: Language) -> fluent_templates::LanguageIdentifier {
    lang.code().parse().expect("static language tag")
}

/// A message ready to go out.
#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    pub id: String,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub body_text: String,
    pub language: String,
}

/// Where email goes. Errors are strings because they are stored on the outbox row as-is.
#[async_trait::async_trait]
pub trait MailTransport: Send + Sync {
    async fn send(&self, m: &OutgoingEmail) -> Result<(), String>;
    fn describe(&self) -> String;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_x_4_every_template_renders_in_both_languages() {
        for t in TEMPLATES {
            for lang in Language::ALL {
                let args = [
                    ("name", "Aiko".to_string()),
                    ("email", "aiko@example.jp".to_string()),
                    ("time", "2026-01-01 00:00".to_string()),
                    ("token_name", "ci".to_string()),
                    ("expires", "2026-04-01".to_string()),
                    ("company", "Contoso".to_string()),
                    ("link", "https://x/enroll/verify?token=t".to_string()),
                    ("note", "why".to_string()),
                    ("partner_id", "1234567".to_string()),
                    ("message", "Dear Aiko, please accept.".to_string()),
                    ("sender", "Aiko".to_string()),
                    ("reseller", "Fabrikam".to_string()),
                    ("customer", "Northwind".to_string()),
                    ("relationship", "Helpdesk".to_string()),
                    ("ends", "2027-01-01 00:00".to_string()),
                    ("starts", "2026-01-01".to_string()),
                    ("level", "Gold".to_string()),
                    ("benefit", "Office".to_string()),
                    ("benefits", "Office".to_string()),
                    ("granted", "Subscription advisor".to_string()),
                    ("revoked", "none".to_string()),
                    ("current", "Subscription advisor".to_string()),
                    ("reason", "agreement".to_string()),
                    ("offer", "Microsoft 365 Business Basic".to_string()),
                    ("change", "quantity changed".to_string()),
                    ("subscription", "0190".to_string()),
                    ("quantity", "10".to_string()),
                    ("state", "active".to_string()),
                    ("phone", "03-1234-5678".to_string()),
                ];
                let (s, b) = render(t, lang, "Keiro", &args);
                assert!(
                    (s.contains("Keiro") || s.contains("Contoso")) && !s.contains('{'),
                    "{t}/{lang:?} subject: {s}"
                );
                assert!(
                    b.contains("Aiko") && !b.contains("Unknown"),
                    "{t}/{lang:?} body: {b}"
                );
                assert!(!b.contains('\u{2068}'), "no bidi isolation marks");
            }
        }
        for t in DRAFTS {
            for lang in Language::ALL {
                let (s, b) = render_draft(
                    t,
                    lang,
                    "Keiro",
                    &[
                        ("company", "Contoso".into()),
                        ("partner_id", "1234567".into()),
                        ("link", "https://x/invite?token=t".into()),
                        ("expires", "2026-04-01".into()),
                        ("sender", "Aiko".into()),
                        ("provider", "Sakura".into()),
                    ],
                );
                assert!(
                    s.contains("Contoso") && !s.contains('{'),
                    "{t}/{lang:?}: {s}"
                );
                assert!(b.contains("https://x/invite?token=t") && !b.contains("Unknown"));
                assert!(!b.contains("--"), "drafts carry no footer");
            }
        }
        assert_eq!(
            mailto("a@b.jp", "Hi there", "x+y\n&z"),
            "mailto:a@b.jp?subject=Hi%20there&body=x%2By%0D%0A%26z"
        );
        assert!(
            render("password-changed", Language::Ja, "K", &[])
                .0
                .contains("パスワード")
        );
    }
}
