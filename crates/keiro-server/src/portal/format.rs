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
