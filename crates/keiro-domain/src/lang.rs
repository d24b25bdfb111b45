/// The portal and email languages (R-X-3). Japanese first: the program this is modelled on is
/// Japanese, and an unknown preference falls back to English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    Ja,
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Ja, Language::En];

    pub fn code(self) -> &'static str {
        match self {
            Language::Ja => "ja",
            Language::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let primary = s.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ja" => Some(Language::Ja),
            "en" => Some(Language::En),
            _ => None,
        }
    }

    /// Picks the best supported language from an `Accept-Language` header value, honouring
    /// q-values; English when nothing matches.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(f32, Language)> = None;
        for part in header.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Language::parse(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Language::En)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_highest_q() {
        assert_eq!(
            Language::from_accept_language("ja-JP,ja;q=0.9,en;q=0.8"),
            Language::Ja
        );
        assert_eq!(
            Language::from_accept_language("fr, en;q=0.5, ja;q=0.4"),
            Language::En
        );
        assert_eq!(Language::from_accept_language("de"), Language::En);
        assert_eq!(Language::from_accept_language(""), Language::En);
    }
}
