//! The operator's directory of authorized indirect providers (R-PRT-7). Resellers search it
//! by country; only operator staff edit it.

use crate::{Email, ValidationError};

/// A directory entry as entered, validated by [`DirectoryEntry::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryEntry {
    /// Free-form regions served ("Kanto", "APAC"), at most 20, each 1–60 characters.
    pub regions: Vec<String>,
    /// ISO 3166-1 alpha-2 codes, upper case, at least one, no duplicates.
    pub countries: Vec<String>,
    pub description: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub website: String,
}

impl DirectoryEntry {
    pub fn parse(mut e: DirectoryEntry) -> Result<Self, ValidationError> {
        let mut regions: Vec<String> = Vec::new();
        for r in e.regions.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
            if r.chars().count() > 60 {
                return Err(ValidationError::new(
                    "regions",
                    "invalid_region",
                    "a region has at most 60 characters",
                ));
            }
            if !regions.iter().any(|x| x == r) {
                regions.push(r.to_string());
            }
        }
        if regions.len() > 20 {
            return Err(ValidationError::new(
                "regions",
                "invalid_region",
                "at most 20 regions",
            ));
        }
        e.regions = regions;
        let mut countries: Vec<String> = Vec::new();
        for c in e
            .countries
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
        {
            let c = parse_country(c)?;
            if !countries.contains(&c) {
                countries.push(c);
            }
        }
        if countries.is_empty() {
            return Err(ValidationError::new(
                "countries",
                "countries_required",
                "list at least one country the provider serves",
            ));
        }
        countries.sort();
        e.countries = countries;
        e.description = e.description.trim().to_string();
        if e.description.chars().count() > 2000 {
            return Err(ValidationError::new(
                "description",
                "invalid_description",
                "a description has at most 2000 characters",
            ));
        }
        e.contact_email = Email::parse(e.contact_email.trim())?.as_str().to_string();
        e.contact_phone = e.contact_phone.trim().to_string();
        if e.contact_phone.is_empty()
            || e.contact_phone
                .chars()
                .any(|c| !(c.is_ascii_digit() || " +-().".contains(c)))
        {
            return Err(ValidationError::new(
                "contact_phone",
                "invalid_phone",
                "a phone number may contain digits, spaces and + - ( ) .",
            ));
        }
        e.website = e.website.trim().to_string();
        let web_ok = e.website.is_empty()
            || e.website.starts_with("https://")
            || e.website.starts_with("http://");
        if !web_ok {
            return Err(ValidationError::new(
                "website",
                "invalid_website",
                "a website starts with https://",
            ));
        }
        Ok(e)
    }
}

/// A two-letter country code, normalised to upper case.
pub fn parse_country(c: &str) -> Result<String, ValidationError> {
    let c = c.trim().to_ascii_uppercase();
    if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err(ValidationError::new(
            "country",
            "invalid_country",
            "country must be a two-letter ISO code such as JP",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> DirectoryEntry {
        DirectoryEntry {
            regions: vec![" Kanto ".into(), "".into(), "Kanto".into(), "Kansai".into()],
            countries: vec!["jp".into(), "US".into(), "JP".into()],
            description: " Distribution and support ".into(),
            contact_email: "Partners@Dist.example".into(),
            contact_phone: "+81 3-0000-0000".into(),
            website: "https://dist.example".into(),
        }
    }

    #[test]
    fn r_prt_7_entry_normalised() {
        let e = DirectoryEntry::parse(entry()).unwrap();
        assert_eq!(e.regions, vec!["Kanto", "Kansai"]);
        assert_eq!(e.countries, vec!["JP", "US"]);
        assert_eq!(e.contact_email, "partners@dist.example");
        assert_eq!(e.description, "Distribution and support");
    }

    #[test]
    fn r_prt_7_entry_refusals() {
        let mut e = entry();
        e.countries = vec!["Japan".into()];
        assert_eq!(
            DirectoryEntry::parse(e).unwrap_err().code,
            "invalid_country"
        );
        let mut e = entry();
        e.countries = vec![];
        assert_eq!(
            DirectoryEntry::parse(e).unwrap_err().code,
            "countries_required"
        );
        let mut e = entry();
        e.website = "javascript:alert(1)".into();
        assert_eq!(
            DirectoryEntry::parse(e).unwrap_err().code,
            "invalid_website"
        );
        let mut e = entry();
        e.contact_phone = "call me".into();
        assert_eq!(DirectoryEntry::parse(e).unwrap_err().code, "invalid_phone");
    }
}
