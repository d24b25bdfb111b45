//! Countries as people choose them (issue 14, point 9): the program's markets by name in both
//! languages, for the forms' country lists. The stored value stays the ISO 3166-1 alpha-2 code.
//! A code not listed here (kept from an import, say) is still offered, by its code, so no form
//! loses it.

use crate::Language;

/// (ISO code, English name, Japanese name), Japan first, then by English name.
pub const COUNTRIES: [(&str, &str, &str); 40] = [
    ("JP", "Japan", "日本"),
    ("AR", "Argentina", "アルゼンチン"),
    ("AU", "Australia", "オーストラリア"),
    ("AT", "Austria", "オーストリア"),
    ("BE", "Belgium", "ベルギー"),
    ("BR", "Brazil", "ブラジル"),
    ("CA", "Canada", "カナダ"),
    ("CN", "China", "中国"),
    ("DK", "Denmark", "デンマーク"),
    ("FI", "Finland", "フィンランド"),
    ("FR", "France", "フランス"),
    ("DE", "Germany", "ドイツ"),
    ("HK", "Hong Kong", "香港"),
    ("IN", "India", "インド"),
    ("ID", "Indonesia", "インドネシア"),
    ("IE", "Ireland", "アイルランド"),
    ("IL", "Israel", "イスラエル"),
    ("IT", "Italy", "イタリア"),
    ("KR", "Korea, Republic of", "韓国"),
    ("MY", "Malaysia", "マレーシア"),
    ("MX", "Mexico", "メキシコ"),
    ("NL", "Netherlands", "オランダ"),
    ("NZ", "New Zealand", "ニュージーランド"),
    ("NO", "Norway", "ノルウェー"),
    ("PH", "Philippines", "フィリピン"),
    ("PL", "Poland", "ポーランド"),
    ("PT", "Portugal", "ポルトガル"),
    ("SA", "Saudi Arabia", "サウジアラビア"),
    ("SG", "Singapore", "シンガポール"),
    ("ZA", "South Africa", "南アフリカ"),
    ("ES", "Spain", "スペイン"),
    ("SE", "Sweden", "スウェーデン"),
    ("CH", "Switzerland", "スイス"),
    ("TW", "Taiwan", "台湾"),
    ("TH", "Thailand", "タイ"),
    ("TR", "Türkiye", "トルコ"),
    ("AE", "United Arab Emirates", "アラブ首長国連邦"),
    ("GB", "United Kingdom", "イギリス"),
    ("US", "United States", "アメリカ合衆国"),
    ("VN", "Viet Nam", "ベトナム"),
];

/// A country's name in `lang`, or its code when it is not listed.
pub fn name(code: &str, lang: Language) -> String {
    COUNTRIES
        .iter()
        .find(|(c, _, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, en, ja)| match lang {
            Language::Ja => (*ja).to_string(),
            Language::En => (*en).to_string(),
        })
        .unwrap_or_else(|| code.to_string())
}

/// The choices of a country list: (code, name, chosen), with `current` added by its code if it
/// is not listed.
pub fn choices(current: &str, lang: Language) -> Vec<(String, String, bool)> {
    let current = current.trim().to_ascii_uppercase();
    let mut v: Vec<(String, String, bool)> = COUNTRIES
        .iter()
        .map(|(c, en, ja)| {
            let n = match lang {
                Language::Ja => ja,
                Language::En => en,
            };
            (c.to_string(), format!("{n} ({c})"), *c == current)
        })
        .collect();
    if !current.is_empty() && !v.iter().any(|(c, _, _)| *c == current) {
        v.push((current.clone(), current, true));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_named_and_an_unlisted_code_is_kept() {
        assert_eq!(name("jp", Language::Ja), "日本");
        assert_eq!(name("US", Language::En), "United States");
        assert_eq!(name("ZZ", Language::En), "ZZ");
        let c = choices("JP", Language::Ja);
        assert_eq!(c[0], ("JP".into(), "日本 (JP)".into(), true));
        assert_eq!(c.iter().filter(|x| x.2).count(), 1);
        let kept = choices("LU", Language::En);
        assert_eq!(kept.last().unwrap(), &("LU".into(), "LU".into(), true));
        let codes: std::collections::HashSet<_> = COUNTRIES.iter().map(|c| c.0).collect();
        assert_eq!(codes.len(), COUNTRIES.len(), "each code once");
        assert!(
            COUNTRIES
                .iter()
                .all(|c| c.0.len() == 2 && c.0.bytes().all(|b| b.is_ascii_uppercase()))
        );
    }
}
