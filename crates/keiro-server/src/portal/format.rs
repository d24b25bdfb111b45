//! How the portal shows values. One place, so that dates, times and amounts read the same on
//! every page.

impl super::Portal {
    /// A moment as this reader sees it: in their time zone, in their language's format
    /// (2026/12/01 09:30 in Japanese).
    pub fn time(&self, t: time::OffsetDateTime) -> String {
        keiro_domain::display::date_time(t, self.lang, self.zone)
    }

    /// The day of a moment as this reader sees it (2026/12/01).
    pub fn date(&self, t: time::OffsetDateTime) -> String {
        keiro_domain::display::date(t, self.lang, self.zone)
    }
}

/// A postal address in its country's order. Japan: 〒 and the postal code, then prefecture,
/// city and street, from the largest to the smallest, with no separators (〒100-0001
/// 東京都千代田区千代田1-1). Elsewhere: street, city, region and postal code, then the country,
/// comma-separated. Empty parts are left out.
pub fn address(
    _lang: keiro_domain::Language,
    country: &str,
    postal: &str,
    region: &str,
    city: &str,
    line1: &str,
    line2: &str,
) -> String {
    let parts = |v: &[&str], sep: &str| {
        v.iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(sep)
    };
    if country.eq_ignore_ascii_case("JP") {
        let postal = postal.trim();
        let postal = if postal.is_empty() {
            String::new()
        } else {
            format!("〒{postal}")
        };
        // Japanese parts run together; romanised ones keep a space between words.
        let mut street = String::new();
        for part in [region, city, line1]
            .map(str::trim)
            .into_iter()
            .filter(|p| !p.is_empty())
        {
            let ascii_join = street
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_alphanumeric())
                || part
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric());
            if !street.is_empty() && ascii_join {
                street.push(' ');
            }
            street.push_str(part);
        }
        parts(&[&postal, &street, line2], " ")
    } else {
        let region_postal = parts(&[region, postal], " ");
        parts(&[line1, line2, city, &region_postal, country], ", ")
    }
}

/// Role codes as their names in the reader's language, listed as the language lists them.
pub fn roles_text(p: &super::Portal, codes: &[String]) -> String {
    let names: Vec<String> = codes
        .iter()
        .map(|r| super::t(p.lang, &format!("role-{r}")))
        .collect();
    keiro_domain::display::list(&names, p.lang)
}

/// A wait before trying again, as people say it: seconds under two minutes, else whole minutes
/// (rounded up, never shorter than the real wait).
pub fn wait(lang: keiro_domain::Language, secs: u64) -> String {
    use keiro_domain::Language;
    let minutes = secs.div_ceil(60);
    match (lang, secs < 120) {
        (Language::Ja, true) => format!("{secs} 秒"),
        (Language::Ja, false) => format!("{minutes} 分"),
        (Language::En, true) if secs == 1 => "1 second".into(),
        (Language::En, true) => format!("{secs} seconds"),
        (Language::En, false) => format!("{minutes} minutes"),
    }
}

#[cfg(test)]
mod tests {
    use super::{address, wait};

    #[test]
    fn addresses_read_in_their_countrys_order() {
        use keiro_domain::Language::{En, Ja};
        assert_eq!(
            address(
                Ja,
                "JP",
                "100-0001",
                "東京都",
                "千代田区",
                "千代田1-1",
                "丸の内ビル 3F"
            ),
            "〒100-0001 東京都千代田区千代田1-1 丸の内ビル 3F"
        );
        assert_eq!(
            address(En, "JP", "", "大阪府", "大阪市", "北区1-2", ""),
            "大阪府大阪市北区1-2",
            "a Japanese address keeps its order in either language"
        );
        assert_eq!(
            address(En, "US", "98052", "WA", "Redmond", "1 Microsoft Way", ""),
            "1 Microsoft Way, Redmond, WA 98052, US"
        );
        assert_eq!(address(Ja, "JP", "", "", "", "", ""), "");
        assert_eq!(
            address(
                En,
                "JP",
                "100-0001",
                "Tokyo",
                "Chiyoda-ku",
                "1-1 Chiyoda",
                ""
            ),
            "〒100-0001 Tokyo Chiyoda-ku 1-1 Chiyoda",
            "a romanised Japanese address keeps its words apart"
        );
    }
    use keiro_domain::Language::{En, Ja};

    #[test]
    fn waits_read_in_seconds_then_minutes() {
        assert_eq!(wait(En, 1), "1 second");
        assert_eq!(wait(En, 60), "60 seconds");
        assert_eq!(wait(En, 900), "15 minutes");
        assert_eq!(wait(En, 841), "15 minutes");
        assert_eq!(wait(Ja, 30), "30 秒");
        assert_eq!(wait(Ja, 900), "15 分");
    }
}
