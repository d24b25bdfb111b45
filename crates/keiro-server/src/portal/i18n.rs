//! Portal strings in Japanese and English (R-X-3), from `locales/*/portal.ftl`.

use fluent_templates::{Loader, fluent_bundle::FluentValue};
use keiro_domain::Language;
use std::{borrow::Cow, collections::HashMap};

fluent_templates::static_loader! {
    static PORTAL = {
        locales: "./locales",
        fallback_language: "en",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

fn id(lang: Language) -> fluent_templates::LanguageIdentifier {
    lang.code().parse().expect("static language tag")
}

pub fn t(lang: Language, key: &str) -> String {
    PORTAL.lookup(&id(lang), key)
}

pub fn t_args(lang: Language, key: &str, args: &[(&str, String)]) -> String {
    let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(k, v)| (Cow::Owned(k.to_string()), FluentValue::from(v.clone())))
        .collect();
    PORTAL.lookup_with_args(&id(lang), key, &map)
}

/// The message if it exists in the catalog (with its arguments), so that unknown error codes
/// can fall back to the use case's own English text.
pub fn try_t(lang: Language, key: &str, args: &[(&str, String)]) -> Option<String> {
    let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(k, v)| (Cow::Owned(k.to_string()), FluentValue::from(v.clone())))
        .collect();
    PORTAL.try_lookup_with_args(&id(lang), key, &map)
}
