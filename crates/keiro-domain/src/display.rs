//! How values read for people (issue 14, point 4), for the portal and for emails alike. A time
//! is shown in the reader's time zone, in the format of the reader's language (2026/12/01 09:30
//! in Japanese). Money is shown by currency (¥1,874 with no decimals, $12.50). Lists are joined
//! as the language joins them (「、」 in Japanese).

use crate::Language;
use time::OffsetDateTime;
use time_tz::{OffsetDateTimeExt, TimeZone, Tz, timezones};

/// An IANA time zone (`Asia/Tokyo`).
#[derive(Clone, Copy)]
pub struct Zone(&'static Tz);

impl std::fmt::Debug for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Zone {
    pub const TOKYO: &'static str = "Asia/Tokyo";

    /// The zone of an IANA name, if it is one.
    pub fn parse(name: &str) -> Option<Zone> {
        timezones::get_by_name(name.trim()).map(Zone)
    }

    pub fn utc() -> Zone {
        Zone::parse("UTC").expect("the zone database has UTC")
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// The zone a user reads times in: their own if they chose one, else Asia/Tokyo for
    /// Japanese readers, else the deployment's (`configured`, UTC if that is not a zone).
    pub fn for_reader(chosen: Option<&str>, lang: Language, configured: &str) -> Zone {
        chosen
            .and_then(Zone::parse)
            .or_else(|| {
                (lang == Language::Ja)
                    .then(|| Zone::parse(Self::TOKYO))
                    .flatten()
            })
            .or_else(|| Zone::parse(configured))
            .unwrap_or_else(Zone::utc)
    }

    /// The zones offered to choose from: the common ones of the program's markets first.
    pub const OFFERED: [&'static str; 14] = [
        "Asia/Tokyo",
        "UTC",
        "Asia/Seoul",
        "Asia/Shanghai",
        "Asia/Singapore",
        "Asia/Kolkata",
        "Australia/Sydney",
        "Europe/London",
        "Europe/Berlin",
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
        "Pacific/Honolulu",
    ];
}

impl Zone {
    /// A wall-clock time a reader typed in this zone, as a moment (the earlier of two in the
    /// hour a clock goes back; a time skipped when it goes forward is read an hour later).
    pub fn moment(&self, wall: time::PrimitiveDateTime) -> OffsetDateTime {
        use time_tz::PrimitiveDateTimeExt;
        match wall.assume_timezone(self.0) {
            time_tz::OffsetResult::Some(t) | time_tz::OffsetResult::Ambiguous(t, _) => t,
            time_tz::OffsetResult::None => {
                (wall + time::Duration::hours(1)).assume_timezone_utc(self.0)
            }
        }
    }
}

fn local(t: OffsetDateTime, zone: Zone) -> OffsetDateTime {
    t.to_timezone(zone.0)
}

/// A moment as a reader sees it: `2026/12/01 09:30` in Japanese, `2026-12-01 09:30` in English.
pub fn date_time(t: OffsetDateTime, lang: Language, zone: Zone) -> String {
    let l = local(t, zone);
    format!("{} {:02}:{:02}", date_of(l, lang), l.hour(), l.minute())
}

/// The day of a moment, as a reader sees it: `2026/12/01`, `2026-12-01`.
pub fn date(t: OffsetDateTime, lang: Language, zone: Zone) -> String {
    date_of(local(t, zone), lang)
}

fn date_of(l: OffsetDateTime, lang: Language) -> String {
    let sep = match lang {
        Language::Ja => '/',
        Language::En => '-',
    };
    format!(
        "{}{sep}{:02}{sep}{:02}",
        l.year(),
        u8::from(l.month()),
        l.day()
    )
}

/// Items joined as the language lists them: 「A、B」, "A, B".
pub fn list<S: AsRef<str>>(items: &[S], lang: Language) -> String {
    let sep = match lang {
        Language::Ja => "、",
        Language::En => ", ",
    };
    items
        .iter()
        .map(|s| s.as_ref())
        .collect::<Vec<_>>()
        .join(sep)
}

/// An amount in minor units by its currency: `¥1,874`, `$12.50`, `€0.05`; a currency without a
/// symbol here keeps its code (`1,000 KRW`, `12.500 KWD`).
pub fn money(minor: i64, currency: &str) -> String {
    let digits = crate::catalog::minor_digits(currency);
    let scale = 10i128.pow(digits);
    let (sign, abs) = if minor < 0 {
        ("-", -(minor as i128))
    } else {
        ("", minor as i128)
    };
    let whole = (abs / scale).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let number = if digits == 0 {
        grouped
    } else {
        format!("{grouped}.{:0width$}", abs % scale, width = digits as usize)
    };
    let symbol = match currency {
        "JPY" => Some("¥"),
        "USD" => Some("$"),
        "EUR" => Some("€"),
        "GBP" => Some("£"),
        _ => None,
    };
    match symbol {
        Some(s) => format!("{sign}{s}{number}"),
        None => format!("{sign}{number} {currency}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_read_in_the_readers_zone_and_language() {
        let t = datetime!(2026-12-01 00:30 UTC);
        let tokyo = Zone::parse("Asia/Tokyo").unwrap();
        assert_eq!(date_time(t, Language::Ja, tokyo), "2026/12/01 09:30");
        assert_eq!(date_time(t, Language::En, tokyo), "2026-12-01 09:30");
        assert_eq!(date_time(t, Language::En, Zone::utc()), "2026-12-01 00:30");
        let la = Zone::parse("America/Los_Angeles").unwrap();
        assert_eq!(
            date(t, Language::En, la),
            "2026-11-30",
            "the day before, in California"
        );
        assert_eq!(
            date(datetime!(2026-07-01 07:30 UTC), Language::En, la),
            "2026-07-01"
        );
        assert_eq!(
            date_time(datetime!(2026-07-01 12:00 UTC), Language::En, la),
            "2026-07-01 05:00",
            "summer time"
        );
    }

    #[test]
    fn a_typed_time_is_read_in_the_readers_zone() {
        let tokyo = Zone::parse("Asia/Tokyo").unwrap();
        let wall = time::macros::datetime!(2026-12-01 09:30);
        assert_eq!(tokyo.moment(wall), datetime!(2026-12-01 00:30 UTC));
        assert_eq!(Zone::utc().moment(wall), datetime!(2026-12-01 09:30 UTC));
    }

    #[test]
    fn the_readers_zone_defaults_to_tokyo_for_japanese() {
        assert_eq!(
            Zone::for_reader(None, Language::Ja, "UTC").name(),
            "Asia/Tokyo"
        );
        assert_eq!(
            Zone::for_reader(None, Language::En, "UTC").name(),
            "Etc/UTC"
        );
        assert_eq!(
            Zone::for_reader(None, Language::En, "Europe/Berlin").name(),
            "Europe/Berlin"
        );
        assert_eq!(
            Zone::for_reader(Some("America/New_York"), Language::Ja, "UTC").name(),
            "America/New_York",
            "a chosen zone wins"
        );
        assert_eq!(
            Zone::for_reader(Some("Mars/Olympus"), Language::En, "nowhere").name(),
            "Etc/UTC"
        );
        for z in Zone::OFFERED {
            assert!(Zone::parse(z).is_some(), "{z}");
        }
    }

    #[test]
    fn money_reads_by_currency() {
        assert_eq!(money(1874, "JPY"), "¥1,874");
        assert_eq!(money(1_234_567, "JPY"), "¥1,234,567");
        assert_eq!(money(1250, "USD"), "$12.50");
        assert_eq!(money(5, "EUR"), "€0.05");
        assert_eq!(money(-1250, "GBP"), "-£12.50");
        assert_eq!(money(1000, "KRW"), "1,000 KRW");
        assert_eq!(money(12_500, "KWD"), "12.500 KWD");
    }

    #[test]
    fn lists_join_as_the_language_does() {
        assert_eq!(
            list(&["全体管理者", "管理エージェント"], Language::Ja),
            "全体管理者、管理エージェント"
        );
        assert_eq!(
            list(&["Global admin", "Admin agent"], Language::En),
            "Global admin, Admin agent"
        );
    }
}
