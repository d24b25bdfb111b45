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
pub const TEMPLATES: [&str; 7] = [
    "password-changed",
    "api-token-created",
    "enrollment-verify",
    "enrollment-in-review",
    "enrollment-more-info",
    "enrollment-approved",
    "enrollment-rejected",
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
                ];
                let (s, b) = render(t, lang, "Keiro", &args);
                assert!(
                    s.contains("Keiro") && !s.contains('{'),
                    "{t}/{lang:?} subject: {s}"
                );
                assert!(
                    b.contains("Aiko") && !b.contains("Unknown"),
                    "{t}/{lang:?} body: {b}"
                );
                assert!(!b.contains('\u{2068}'), "no bidi isolation marks");
            }
        }
        assert!(
            render("password-changed", Language::Ja, "K", &[])
                .0
                .contains("パスワード")
        );
    }
}
