//! Which characters Keiro takes in text people send (R-X-1): no NUL or other control
//! characters, which no name, message or identifier needs and which PostgreSQL cannot store.
//! Tab, line feed and carriage return stay allowed in free text (messages, notes, CSV), never
//! in a URL's path or query.

/// The longest string a JSON body may hold, in characters: above every field's own limit (the
/// longest, a message, takes 10,000), so no request reaches a use case with an unbounded string.
pub const MAX_JSON_STRING: usize = 20_000;
/// The longest value of one query parameter or path segment, in characters.
pub const MAX_URL_VALUE: usize = 2_000;

/// Whether `c` is refused in free text: C0 controls other than tab, LF and CR, DEL, and the
/// C1 controls (U+0080–U+009F).
pub fn is_refused(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// Whether `c` is refused in a URL's path or query: every control character.
pub fn is_refused_in_url(c: char) -> bool {
    c.is_control()
}

/// The first refused character of `s`, if any.
pub fn first_refused(s: &str) -> Option<char> {
    s.chars().find(|&c| is_refused(c))
}

/// What is wrong with a piece of text taken from a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadText {
    /// A control character (`control_character`).
    Control(char),
    /// Bytes that are not UTF-8 (`invalid_utf8`).
    NotUtf8,
    /// A string longer than the limit given (`too_long`).
    TooLong(usize),
}

impl BadText {
    pub fn code(self) -> &'static str {
        match self {
            BadText::Control(_) => "control_character",
            BadText::NotUtf8 => "invalid_utf8",
            BadText::TooLong(_) => "too_long",
        }
    }
}

/// Checks a percent-encoded path or query (`+` is a space in a query): each segment or
/// parameter, decoded, must be UTF-8 without control characters and at most `MAX_URL_VALUE`
/// characters.
pub fn check_url_component(raw: &str) -> Result<(), BadText> {
    for part in raw.split(['/', '&', '=']) {
        let bytes = percent_decode(part.as_bytes());
        let s = std::str::from_utf8(&bytes).map_err(|_| BadText::NotUtf8)?;
        if let Some(c) = s.chars().find(|&c| is_refused_in_url(c)) {
            return Err(BadText::Control(c));
        }
        if s.chars().count() > MAX_URL_VALUE {
            return Err(BadText::TooLong(MAX_URL_VALUE));
        }
    }
    Ok(())
}

/// Checks an `application/x-www-form-urlencoded` body: each decoded value is UTF-8 free text.
pub fn check_form(raw: &[u8]) -> Result<(), BadText> {
    for part in raw.split(|&b| b == b'&' || b == b'=') {
        let bytes = percent_decode(part);
        let s = std::str::from_utf8(&bytes).map_err(|_| BadText::NotUtf8)?;
        if let Some(c) = first_refused(s) {
            return Err(BadText::Control(c));
        }
    }
    Ok(())
}

/// Checks a JSON text without parsing it: no refused character raw or as a `\u` escape (a
/// literal tab or newline inside a string is invalid JSON and left to the parser), and no
/// string over `MAX_JSON_STRING` characters.
pub fn check_json(raw: &[u8]) -> Result<(), BadText> {
    let mut i = 0;
    // The characters of the string being read, when inside one.
    let mut in_string: Option<usize> = None;
    while i < raw.len() {
        if let Some(n) = in_string.as_mut() {
            // Count characters by their first byte (an escape counts as one, the closing
            // quote none).
            if raw[i] & 0xc0 != 0x80 && raw[i] != b'"' {
                *n += 1;
            }
            if *n > MAX_JSON_STRING {
                return Err(BadText::TooLong(MAX_JSON_STRING));
            }
        }
        match raw[i] {
            b'"' => {
                in_string = match in_string {
                    Some(_) => None,
                    None => Some(0),
                };
                i += 1;
            }
            b'\\' if raw.get(i + 1) == Some(&b'u') => {
                let hex = raw
                    .get(i + 2..i + 6)
                    .and_then(|h| std::str::from_utf8(h).ok());
                if let Some(cp) = hex.and_then(|h| u32::from_str_radix(h, 16).ok())
                    && let Some(c) = char::from_u32(cp)
                    && is_refused(c)
                {
                    return Err(BadText::Control(c));
                }
                i += 6;
            }
            b'\\' => i += 2,
            b @ (0..=0x1f | 0x7f) if !matches!(b, b'\t' | b'\n' | b'\r') => {
                return Err(BadText::Control(b as char));
            }
            // C1 controls in UTF-8 are 0xC2 0x80..=0x9F.
            0xc2 if raw.get(i + 1).is_some_and(|b| (0x80..=0x9f).contains(b)) => {
                return Err(BadText::Control(char::from(raw[i + 1])));
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// Checks raw bytes of a text file of any ASCII-compatible encoding (UTF-8, Shift_JIS): no C0
/// control other than tab, LF and CR, and no DEL.
pub fn check_text_bytes(raw: &[u8]) -> Result<(), BadText> {
    match raw
        .iter()
        .find(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f)
    {
        Some(&b) => Err(BadText::Control(b as char)),
        None => Ok(()),
    }
}

fn percent_decode(raw: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'%' if i + 2 < raw.len() => match (hex(raw[i + 1]), hex(raw[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_keeps_tabs_and_newlines_but_not_nul() {
        assert_eq!(first_refused("a\tb\nc\r\n東京"), None);
        assert_eq!(first_refused("a\u{0}b"), Some('\u{0}'));
        assert_eq!(first_refused("a\u{7f}"), Some('\u{7f}'));
        assert_eq!(first_refused("a\u{85}"), Some('\u{85}'));
    }

    #[test]
    fn url_components() {
        assert_eq!(check_url_component("q=%E6%9D%B1%E4%BA%AC+x"), Ok(()));
        assert_eq!(check_url_component("q=a%00b"), Err(BadText::Control('\0')));
        assert_eq!(check_url_component("q=a%09b"), Err(BadText::Control('\t')));
        assert_eq!(check_url_component("q=%FF"), Err(BadText::NotUtf8));
        assert_eq!(check_url_component("q=100%"), Ok(()));
        assert_eq!(check_url_component("q=%4"), Ok(()));
        let long = format!("q={}&r=1", "a".repeat(MAX_URL_VALUE));
        assert_eq!(check_url_component(&long), Ok(()));
        let over = format!("q={}", "%E6%9D%B1".repeat(MAX_URL_VALUE + 1));
        assert_eq!(
            check_url_component(&over),
            Err(BadText::TooLong(MAX_URL_VALUE))
        );
    }

    #[test]
    fn forms() {
        assert_eq!(check_form(b"name=a+b&note=line1%0D%0Aline2"), Ok(()));
        assert_eq!(check_form(b"name=a%00"), Err(BadText::Control('\0')));
        assert_eq!(check_form(b"name=%C3"), Err(BadText::NotUtf8));
    }

    #[test]
    fn json() {
        assert_eq!(
            check_json(br#"{"a":"x\n\t\u0009\u000a","b":"\\u0000"}"#),
            Ok(())
        );
        assert_eq!(
            check_json(br#"{"a":"x\u0000"}"#),
            Err(BadText::Control('\0'))
        );
        assert_eq!(
            check_json(br#"{"a":"x\u001F"}"#),
            Err(BadText::Control('\u{1f}'))
        );
        assert_eq!(
            check_json(br#"{"a\u0007":1}"#),
            Err(BadText::Control('\u{7}'))
        );
        assert_eq!(
            check_json("{\"a\":\"\u{85}\"}".as_bytes()),
            Err(BadText::Control('\u{85}'))
        );
        assert_eq!(check_json("{\"a\":\"東京\"}".as_bytes()), Ok(()));
        let long = format!("{{\"a\":\"{}\",\"b\":1}}", "東".repeat(MAX_JSON_STRING));
        assert_eq!(check_json(long.as_bytes()), Ok(()));
        let over = format!("{{\"a\":\"{}\"}}", "x".repeat(MAX_JSON_STRING + 1));
        assert_eq!(
            check_json(over.as_bytes()),
            Err(BadText::TooLong(MAX_JSON_STRING))
        );
        // Escaped quotes do not end a string.
        let escaped = format!("{{\"a\":\"{}\\\"{}\"}}", "x".repeat(MAX_JSON_STRING), "y");
        assert_eq!(
            check_json(escaped.as_bytes()),
            Err(BadText::TooLong(MAX_JSON_STRING))
        );
    }

    #[test]
    fn text_files_in_any_ascii_encoding() {
        assert_eq!(check_text_bytes(b"a,b\r\nc\td\n"), Ok(()));
        assert_eq!(check_text_bytes(b"a\0b"), Err(BadText::Control('\0')));
        // Shift_JIS 東京 (93 8C 8B 9E) is fine.
        assert_eq!(check_text_bytes(&[0x93, 0x8c, 0x8b, 0x9e]), Ok(()));
    }
}

/// Text in the form every search compares (R-REL-10; issue 14): Unicode NFKC, then lower case.
/// Half-width katakana meets full-width (ｺﾝﾄｿ → コントソ), full-width Latin meets ASCII
/// (ＣＯＮＴＯＳＯ → contoso), and case does not matter. The stored search text and the query
/// both pass through here, so both backends compare the same strings.
pub fn search_form(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkc().flat_map(char::to_lowercase).collect()
}

/// The search text of a row: the search form of each searched field, joined by a separator
/// that no query can contain (a control character, refused in every request), so a match
/// never spans two fields.
pub fn search_text(fields: &[&str]) -> String {
    fields
        .iter()
        .map(|f| search_form(f))
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

#[cfg(test)]
mod search_tests {
    use super::*;

    #[test]
    fn half_width_katakana_full_width_latin_and_case_meet() {
        assert_eq!(search_form("ｺﾝﾄｿ"), "コントソ");
        assert_eq!(search_form("株式会社ｺﾝﾄｿ"), "株式会社コントソ");
        assert_eq!(search_form("ＣＯＮＴＯＳＯ Trading"), "contoso trading");
        assert_eq!(search_form("ｶﾞｲﾄﾞ"), "ガイド", "a voiced mark joins its kana");
        assert!(search_form("株式会社コントソ").contains(&search_form("ｺﾝﾄｿ")));
        assert_eq!(search_text(&["Ａ", "b"]), "a\u{1f}b");
        assert!(is_refused('\u{1f}'), "no request can carry the separator");
    }
}
