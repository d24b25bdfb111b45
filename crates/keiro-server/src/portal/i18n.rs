//! Portal strings in Japanese and English (R-X-3), from `locales/*/portal.ftl`.

use fluent_templates::{Loader, fluent_bundle::FluentValue};
use keiro_domain::Language;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

fluent_templates::static_loader! {
    static PORTAL = {
        locales: "./locales",
        fallback_language: "en",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The two languages' identifiers, parsed once (parsing one per lookup was a tenth of its cost).
fn id(lang: Language) -> &'static fluent_templates::LanguageIdentifier {
    static IDS: LazyLock<[fluent_templates::LanguageIdentifier; 2]> =
        LazyLock::new(|| Language::ALL.map(|l| l.code().parse().expect("static language tag")));
    &IDS[slot(lang)]
}

fn slot(lang: Language) -> usize {
    match lang {
        Language::Ja => 0,
        Language::En => 1,
    }
}

/// One language's messages without arguments, by key, as formatted.
type Formatted = RwLock<HashMap<Box<str>, String>>;

/// The message `key` without arguments. Each one is formatted once per language and then
/// served from memory: Fluent negotiates the fallback chain and formats the pattern again on
/// every lookup, 2,400 instructions a string and a quarter of a page (issue 15). Only keys the
/// catalog holds are kept, so what is remembered is bounded by the catalog, whatever keys
/// requests bring.
pub fn t(lang: Language, key: &str) -> String {
    static MEMO: LazyLock<[Formatted; 2]> = LazyLock::new(Default::default);
    let memo = &MEMO[slot(lang)];
    if let Some(text) = memo.read().ok().and_then(|m| m.get(key).cloned()) {
        return text;
    }
    match PORTAL.try_lookup(id(lang), key) {
        Some(text) => {
            if let Ok(mut m) = memo.write() {
                m.insert(key.into(), text.clone());
            }
            text
        }
        None => PORTAL.lookup(id(lang), key),
    }
}

/// An argument as Fluent sees it: a whole number (no leading zero, so ids and codes stay text)
/// is a number, so that plural variants (`[one]`) select on it.
fn value(v: &str) -> FluentValue<'static> {
    match v.parse::<i64>() {
        Ok(n) if !v.starts_with('0') || v == "0" => FluentValue::from(n),
        _ => FluentValue::from(v.to_string()),
    }
}

pub fn t_args(lang: Language, key: &str, args: &[(&str, String)]) -> String {
    let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(k, v)| (Cow::Owned(k.to_string()), value(v)))
        .collect();
    PORTAL.lookup_with_args(id(lang), key, &map)
}

/// The message if it exists in the catalog (with its arguments), so that unknown error codes
/// can fall back to the use case's own English text.
pub fn try_t(lang: Language, key: &str, args: &[(&str, String)]) -> Option<String> {
    let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(k, v)| (Cow::Owned(k.to_string()), value(v)))
        .collect();
    PORTAL.try_lookup_with_args(id(lang), key, &map)
}

#[cfg(test)]
mod numbers {
    use super::*;

    #[test]
    fn whole_numbers_select_plurals_and_keep_their_digits() {
        assert_eq!(
            t_args(Language::En, "offer-term", &[("months", "1".into())]),
            "1 month"
        );
        assert_eq!(
            t_args(Language::En, "offer-term", &[("months", "12".into())]),
            "12 months"
        );
        assert_eq!(
            t_args(Language::En, "benefit-unit-keys", &[("n", "100000".into())]),
            "100000 keys"
        );
        assert_eq!(
            t_args(Language::Ja, "benefit-unit-keys", &[("n", "1".into())]),
            "1 個のキー"
        );
        // A code with a leading zero stays text.
        assert_eq!(
            t_args(Language::En, "benefits-keys-left", &[("n", "007".into())]),
            "007 left"
        );
    }
}

#[cfg(test)]
mod glossary {
    //! The Japanese texts keep one term per concept (docs/GLOSSARY.md, issue 14).

    const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

    fn japanese_texts() -> Vec<(String, String)> {
        [
            "crates/keiro-server/locales/ja",
            "crates/keiro-app/locales/ja",
        ]
        .iter()
        .flat_map(|dir| std::fs::read_dir(format!("{ROOT}/{dir}")).expect("a locale folder"))
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).expect("readable"),
            )
        })
        .collect()
    }

    /// (日本語, never) of each row of the glossary's table.
    fn rows() -> Vec<(String, Vec<String>)> {
        let doc = std::fs::read_to_string(format!("{ROOT}/docs/GLOSSARY.md")).expect("GLOSSARY.md");
        doc.lines()
            .filter(|l| l.starts_with('|') && !l.starts_with("|---") && !l.starts_with("| concept"))
            .map(|l| {
                let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
                let never = cells[3]
                    .split(" / ")
                    .map(str::to_string)
                    .filter(|s| !s.is_empty());
                (cells[2].to_string(), never.collect())
            })
            .collect()
    }

    #[test]
    fn glossary_terms_are_used_and_their_rivals_never() {
        let texts = japanese_texts();
        let rows = rows();
        assert!(rows.len() >= 8, "the glossary has its rows");
        let mut problems = Vec::new();
        for (term, never) in &rows {
            if !texts.iter().any(|(_, t)| t.contains(term.as_str())) {
                problems.push(format!("{term}: no Japanese text uses it"));
            }
            for bad in never {
                for (file, text) in &texts {
                    for (n, line) in text.lines().enumerate() {
                        if line.contains(bad.as_str()) {
                            problems.push(format!("{file}:{}: {bad} (use {term}): {line}", n + 1));
                        }
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
