//! Product keys (R-ADV-4, ADR 0010): 25 characters in five groups of five, from an alphabet
//! without look-alike characters, so that a key read off paper or a screen is typed right. A key
//! is made from 32 bytes the caller derives (HMAC of the deployment key and the key's id); what
//! people type is brought back to its canonical form before it is hashed and looked up.

use unicode_normalization::UnicodeNormalization;

/// No vowels (no words spelled, no O or I to take for 0 or 1), and none of 0, 1, 5, L, N, S, Z.
pub const ALPHABET: &[u8; 24] = b"BCDFGHJKMPQRTVWXY2346789";
/// Characters in a key.
pub const LEN: usize = 25;
/// Characters in a group.
pub const GROUP: usize = 5;

/// Why typed text is not a product key (before any lookup).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// Not 25 characters once spaces and dashes are taken out.
    Length,
    /// A character outside the alphabet.
    Character,
}

/// The key made from `seed`: the 25 lowest base-24 digits of the 32 bytes read as one
/// big-endian number. 2^256 is about 2^141 times 24^25, so a uniform seed gives keys as good as
/// uniform.
pub fn from_seed(seed: &[u8; 32]) -> String {
    let mut n = *seed;
    let mut out = Vec::with_capacity(LEN);
    for _ in 0..LEN {
        // Divide the 256-bit number by 24 in place; the remainder is the next digit.
        let mut rem: u32 = 0;
        for b in n.iter_mut() {
            let cur = (rem << 8) | u32::from(*b);
            *b = (cur / 24) as u8;
            rem = cur % 24;
        }
        out.push(ALPHABET[rem as usize]);
    }
    out.into_iter().map(char::from).collect()
}

/// What someone typed, in canonical form (25 characters of the alphabet, no separators): NFKC
/// (full-width characters become ASCII), upper case, spaces and dashes of any width removed.
pub fn canonical(typed: &str) -> Result<String, Malformed> {
    let s: String = typed
        .nfkc()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '‐' | '‑' | '–' | '—' | 'ー'))
        .flat_map(char::to_uppercase)
        .collect();
    if s.chars().count() != LEN {
        return Err(Malformed::Length);
    }
    if !s.bytes().all(|b| ALPHABET.contains(&b)) {
        return Err(Malformed::Character);
    }
    Ok(s)
}

/// A canonical key as people read it: `XXXXX-XXXXX-XXXXX-XXXXX-XXXXX`.
pub fn grouped(key: &str) -> String {
    key.as_bytes()
        .chunks(GROUP)
        .map(|g| String::from_utf8_lossy(g).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The last five characters, all an audit row or a list shows of a key.
pub fn last5(key: &str) -> &str {
    &key[key.len().saturating_sub(GROUP)..]
}

/// Most keys one order may have.
pub const MAX_KEYS_PER_ORDER: i64 = 500;
/// How long a key can be entered unless its buyer chooses (days), and the longest.
pub const DEFAULT_VALID_DAYS: i64 = 365;
pub const MAX_VALID_DAYS: i64 = 1095;

/// The number of keys in an order (1 to [`MAX_KEYS_PER_ORDER`]).
pub fn order_size(n: i64) -> Result<i64, crate::error::ValidationError> {
    if (1..=MAX_KEYS_PER_ORDER).contains(&n) {
        Ok(n)
    } else {
        Err(crate::error::ValidationError::new(
            "quantity",
            "invalid_key_count",
            "an order has 1 to 500 keys",
        ))
    }
}

/// How many days the keys of an order can be entered (1 to [`MAX_VALID_DAYS`]).
pub fn valid_days(days: Option<i64>) -> Result<i64, crate::error::ValidationError> {
    match days.unwrap_or(DEFAULT_VALID_DAYS) {
        d @ 1..=MAX_VALID_DAYS => Ok(d),
        _ => Err(crate::error::ValidationError::new(
            "expires_in_days",
            "invalid_expiry",
            "keys can be entered for 1 to 1095 days",
        )),
    }
}

/// The stored state of a key. Expiry is not stored: it follows from the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    Unused,
    Redeemed,
    Revoked,
}

impl KeyState {
    pub fn code(self) -> &'static str {
        match self {
            KeyState::Unused => "unused",
            KeyState::Redeemed => "redeemed",
            KeyState::Revoked => "revoked",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [KeyState::Unused, KeyState::Redeemed, KeyState::Revoked]
            .into_iter()
            .find(|k| k.code() == s)
    }
    /// What the key's list shows: `expired` for an unused key past its last day.
    pub fn shown<T: PartialOrd>(self, expires_at: T, now: T) -> &'static str {
        match self {
            KeyState::Unused if now >= expires_at => "expired",
            s => s.code(),
        }
    }
}

/// Why a key cannot be entered, each with its own code and message (R-ADV-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Malformed,
    Unknown,
    AlreadyUsed,
    Expired,
    Revoked,
    OfferRetired,
    NotSoldInCountry,
    /// Only a customer's global or billing admin, or a partner with delegated admin rights in
    /// the customer, enters a key.
    NotAnAdmin,
    /// A partner's license benefit key entered by anyone but the partner itself: benefit
    /// licenses are for the partner's internal use (R-BEN-5).
    InternalUse,
    /// An advisor's key entered as a license benefit's.
    NotABenefitKey,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Malformed => "malformed_key",
            Refusal::Unknown => "unknown_key",
            Refusal::AlreadyUsed => "already_used",
            Refusal::Expired => "key_expired",
            Refusal::Revoked => "key_revoked",
            Refusal::OfferRetired => "offer_retired",
            Refusal::NotSoldInCountry => "not_sold_in_country",
            Refusal::NotAnAdmin => "not_an_admin",
            Refusal::InternalUse => "benefit_key_internal_use",
            Refusal::NotABenefitKey => "not_a_benefit_key",
        }
    }
    pub fn message(self) -> &'static str {
        match self {
            Refusal::Malformed => {
                "a product key is 25 letters and digits in five groups (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)"
            }
            Refusal::Unknown => {
                "no product key matches what was entered; check it for typing errors"
            }
            Refusal::AlreadyUsed => "this product key has already been used",
            Refusal::Expired => "this product key has expired",
            Refusal::Revoked => "this product key was revoked by its buyer",
            Refusal::OfferRetired => "the offer of this product key is no longer sold",
            Refusal::NotSoldInCountry => {
                "the offer of this product key is not sold in your country"
            }
            Refusal::NotAnAdmin => {
                "only a customer's global or billing admin, or its delegated admin partner, enters a product key"
            }
            Refusal::InternalUse => {
                "this key is a partner's membership benefit, for its internal use: only that partner redeems it, in its own organization"
            }
            Refusal::NotABenefitKey => {
                "this product key is not a membership benefit's; a customer enters it under Subscriptions"
            }
        }
    }
    /// Why an unexpired-or-not key in `state` cannot be entered at `now`, if so.
    pub fn of_state<T: PartialOrd>(state: KeyState, expires_at: T, now: T) -> Option<Self> {
        match state {
            KeyState::Redeemed => Some(Refusal::AlreadyUsed),
            KeyState::Revoked => Some(Refusal::Revoked),
            KeyState::Unused if now >= expires_at => Some(Refusal::Expired),
            KeyState::Unused => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn r_adv_4_a_key_is_25_characters_in_five_groups() {
        let k = from_seed(&[7; 32]);
        assert_eq!(k.len(), LEN);
        assert!(k.bytes().all(|b| ALPHABET.contains(&b)));
        let g = grouped(&k);
        assert_eq!(g.len(), 29);
        assert_eq!(g.split('-').count(), 5);
        assert_eq!(last5(&k), &k[20..]);
        // Different seeds, different keys; the same seed, the same key.
        assert_ne!(from_seed(&[7; 32]), from_seed(&[8; 32]));
        assert_eq!(from_seed(&[7; 32]), k);
    }

    #[test]
    fn r_adv_4_typed_keys_are_brought_to_canonical_form() {
        let k = from_seed(&[42; 32]);
        let g = grouped(&k);
        assert_eq!(canonical(&g).unwrap(), k);
        assert_eq!(canonical(&g.to_lowercase()).unwrap(), k);
        // Full-width, with spaces and a Japanese long-vowel mark instead of a dash.
        let wide: String = g
            .chars()
            .map(|c| match c {
                '-' => 'ー',
                c => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            })
            .collect();
        assert_eq!(canonical(&format!(" {wide} ")).unwrap(), k);
        assert_eq!(canonical(&k[..24]), Err(Malformed::Length));
        let mut bad = k.clone();
        bad.replace_range(0..1, "O");
        assert_eq!(canonical(&bad), Err(Malformed::Character));
        assert_eq!(canonical(""), Err(Malformed::Length));
    }

    #[test]
    fn the_alphabet_has_no_look_alikes_and_no_repeats() {
        for c in b"AEIOU015LNSZ" {
            assert!(!ALPHABET.contains(c), "{}", *c as char);
        }
        let mut v = ALPHABET.to_vec();
        v.sort();
        v.dedup();
        assert_eq!(v.len(), ALPHABET.len());
    }

    proptest! {
        #[test]
        fn every_key_made_reads_back(seed in proptest::array::uniform32(any::<u8>())) {
            let k = from_seed(&seed);
            prop_assert_eq!(canonical(&grouped(&k)).unwrap(), k);
        }

        #[test]
        fn anything_typed_is_refused_or_canonical(s in "\\PC{0,40}") {
            if let Ok(k) = canonical(&s) {
                prop_assert_eq!(k.len(), LEN);
                prop_assert!(k.bytes().all(|b| ALPHABET.contains(&b)));
            }
        }
    }

    #[test]
    fn r_adv_4_each_refusal_has_its_own_code_and_state_decides_first() {
        use std::collections::HashSet;
        let all = [
            Refusal::Malformed,
            Refusal::Unknown,
            Refusal::AlreadyUsed,
            Refusal::Expired,
            Refusal::Revoked,
            Refusal::OfferRetired,
            Refusal::NotSoldInCountry,
            Refusal::NotAnAdmin,
        ];
        let codes: HashSet<_> = all.iter().map(|r| r.code()).collect();
        assert_eq!(codes.len(), all.len());
        assert_eq!(Refusal::of_state(KeyState::Unused, 10, 9), None);
        assert_eq!(
            Refusal::of_state(KeyState::Unused, 10, 10),
            Some(Refusal::Expired)
        );
        assert_eq!(
            Refusal::of_state(KeyState::Redeemed, 10, 11),
            Some(Refusal::AlreadyUsed)
        );
        assert_eq!(
            Refusal::of_state(KeyState::Revoked, 10, 1),
            Some(Refusal::Revoked)
        );
        assert_eq!(KeyState::Unused.shown(10, 11), "expired");
        assert_eq!(KeyState::Redeemed.shown(10, 11), "redeemed");
        for k in [KeyState::Unused, KeyState::Redeemed, KeyState::Revoked] {
            assert_eq!(KeyState::parse(k.code()), Some(k));
        }
        assert!(order_size(0).is_err() && order_size(501).is_err() && order_size(500).is_ok());
        assert_eq!(valid_days(None), Ok(DEFAULT_VALID_DAYS));
        assert!(valid_days(Some(1096)).is_err());
    }
}
