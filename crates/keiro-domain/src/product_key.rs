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
}
