//! How the portal shows values. One place, so that dates, times and amounts read the same on
//! every page.

/// A moment, as the portal shows it.
pub fn time(t: time::OffsetDateTime) -> String {
    keiro_app::auth::fmt_time(t)
}

/// Role codes as their names in the reader's language, comma-separated.
pub fn roles_text(p: &super::Portal, codes: &[String]) -> String {
    codes
        .iter()
        .map(|r| super::t(p.lang, &format!("role-{r}")))
        .collect::<Vec<_>>()
        .join(", ")
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
    use super::wait;
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
