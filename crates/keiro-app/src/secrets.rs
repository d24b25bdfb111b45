//! Random secrets, their hashes, and password hashing. Tokens are 256-bit, shown once, and
//! stored only as SHA-256 (they are high-entropy, so a fast hash is right); passwords are argon2id.

use crate::AppError;
use crate::config::PasswordCost;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the operating system's random source failed");
    b
}

/// A 256-bit random token, URL-safe, with a prefix saying what it is for (`kt_`, `ks_` …).
pub fn new_token(prefix: &str) -> String {
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>())
    )
}

/// The SHA-256 of `s` in lower-case hex. Every authenticated request hashes its token or
/// cookie, so the hex is written straight into its buffer (the `hex` crate's char iterator
/// cost two thousand instructions more; issue 15).
pub fn sha256_hex(s: &str) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = Vec::with_capacity(64);
    for b in Sha256::digest(s.as_bytes()) {
        out.extend([DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0xf)]]);
    }
    String::from_utf8(out).expect("hex digits are ASCII")
}

/// The deployment's secret key (`KEIRO_SECRET_KEY`, or `secret.key` in the data folder): the
/// same on every node. Product keys are derived from it and their ids, so that only their
/// hashes are stored and a copy of the database alone reveals none (ADR 0010). Never printed.
#[derive(Clone, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct SecretKey(String);

impl SecretKey {
    /// At least 32 characters (`secret.key` holds 43: 256 random bits, base64), or any long
    /// passphrase.
    pub fn new(s: impl Into<String>) -> Result<Self, String> {
        let s = s.into().trim().to_string();
        if s.len() < 32 {
            return Err("the secret key must be at least 32 characters".into());
        }
        Ok(SecretKey(s))
    }

    /// A new random key, as `secret.key` holds it.
    pub fn generate() -> Self {
        SecretKey(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// HMAC-SHA256 of `label` under this key.
    pub fn derive(&self, label: &str) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let mut m = Hmac::<Sha256>::new_from_slice(self.0.as_bytes())
            .expect("HMAC takes a key of any length");
        m.update(label.as_bytes());
        m.finalize().into_bytes().into()
    }

    /// `plain` sealed for `purpose` (ChaCha20-Poly1305 under a key derived for the purpose,
    /// a random nonce, `bound_to` as associated data, so a sealed value moved to another row
    /// does not open): base64 of nonce and ciphertext.
    pub fn seal(&self, purpose: &str, bound_to: &str, plain: &str) -> String {
        use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
        let key = LessSafeKey::new(
            UnboundKey::new(
                &CHACHA20_POLY1305,
                &self.derive(&format!("keiro-seal:{purpose}")),
            )
            .expect("a 32-byte key"),
        );
        let nonce = random_bytes::<12>();
        let mut buf = plain.as_bytes().to_vec();
        key.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(bound_to.as_bytes()),
            &mut buf,
        )
        .expect("sealing a short text");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buf);
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(out)
    }

    /// What [`SecretKey::seal`] sealed, or `None` if it was sealed under another key, for
    /// another purpose or row, or was changed.
    pub fn open(&self, purpose: &str, bound_to: &str, sealed: &str) -> Option<String> {
        use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};
        let raw = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(sealed)
            .ok()?;
        if raw.len() < 12 + 16 {
            return None;
        }
        let (nonce, body) = raw.split_at(12);
        let key = LessSafeKey::new(
            UnboundKey::new(
                &CHACHA20_POLY1305,
                &self.derive(&format!("keiro-seal:{purpose}")),
            )
            .ok()?,
        );
        let mut buf = body.to_vec();
        let plain = key
            .open_in_place(
                Nonce::try_assume_unique_for_key(nonce).ok()?,
                Aad::from(bound_to.as_bytes()),
                &mut buf,
            )
            .ok()?;
        String::from_utf8(plain.to_vec()).ok()
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

pub fn ct_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// A temporary password people can type: 4 groups of 4 from an alphabet without look-alikes.
pub fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes = random_bytes::<32>();
    let chars: Vec<char> = bytes
        .iter()
        .take(16)
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

fn argon(cost: PasswordCost) -> Result<Argon2<'static>, AppError> {
    let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
        .map_err(|e| AppError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// At most one argon2 computation per CPU at a time. Each takes `memory_kib` (19 MiB in
/// production); unbounded, a burst of sign-ins ran dozens at once and grew the process to
/// gigabytes. Queued sign-ins wait here instead; the per-address limit keeps the queue short.
async fn hashing_permit() -> tokio::sync::SemaphorePermit<'static> {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let sem = PERMITS.get_or_init(|| {
        tokio::sync::Semaphore::new(
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
        )
    });
    sem.acquire()
        .await
        .expect("the hashing semaphore is never closed")
}

/// Hashes on a blocking thread: argon2 is deliberately slow and must not stall the runtime.
pub async fn hash_password(password: String, cost: PasswordCost) -> Result<String, AppError> {
    let _permit = hashing_permit().await;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(&random_bytes::<16>())
            .map_err(|e| AppError::Internal(e.to_string()))?;
        argon(cost)?
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("hashing: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// Verifies against a stored hash (its own parameters apply). With `None`, verifies against a
/// dummy hash so that an unknown email costs as much time as a wrong password.
pub async fn verify_password(
    password: String,
    stored: Option<String>,
    cost: PasswordCost,
) -> Result<bool, AppError> {
    let _permit = hashing_permit().await;
    tokio::task::spawn_blocking(move || {
        let stored = match stored {
            Some(s) => s,
            None => {
                let salt = SaltString::encode_b64(&[7u8; 16])
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                let dummy = argon(cost)?
                    .hash_password(b"dummy password for timing", &salt)
                    .map_err(|e| AppError::Internal(e.to_string()))?
                    .to_string();
                let _ = check(&dummy, &password);
                return Ok(false);
            }
        };
        Ok(check(&stored, &password))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

fn check(stored: &str, password: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_under_its_key_purpose_and_row() {
        let k = SecretKey::new("a".repeat(40)).unwrap();
        let s = k.seal("benefit-key", "row-1", "ABCDE-FGHIJ");
        assert!(!s.contains("ABCDE"));
        assert_ne!(
            s,
            k.seal("benefit-key", "row-1", "ABCDE-FGHIJ"),
            "a fresh nonce each time"
        );
        assert_eq!(
            k.open("benefit-key", "row-1", &s).as_deref(),
            Some("ABCDE-FGHIJ")
        );
        assert_eq!(k.open("benefit-key", "row-2", &s), None);
        assert_eq!(k.open("other", "row-1", &s), None);
        let other = SecretKey::new("b".repeat(40)).unwrap();
        assert_eq!(other.open("benefit-key", "row-1", &s), None);
        let mut tampered = s.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            k.open(
                "benefit-key",
                "row-1",
                std::str::from_utf8(&tampered).unwrap()
            ),
            None
        );
        assert_eq!(k.open("benefit-key", "row-1", "short"), None);
    }

    #[test]
    fn tokens_are_unique_and_prefixed() {
        let a = new_token("kt_");
        assert!(a.starts_with("kt_") && a.len() == 3 + 43);
        assert_ne!(a, new_token("kt_"));
    }

    #[test]
    fn sha256_hex_is_the_standard_digest() {
        // Stored token and session hashes depend on it: the FIPS 180-2 test vector.
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(sha256_hex(""), hex::encode(Sha256::digest(b"")));
    }

    #[test]
    fn temporary_password_shape() {
        let p = temporary_password();
        assert_eq!(p.len(), 19);
        assert_eq!(p.matches('-').count(), 3);
    }

    #[tokio::test]
    async fn hash_and_verify() {
        let cost = PasswordCost::cheap_for_tests();
        let h = hash_password("correct horse battery".into(), cost)
            .await
            .unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            verify_password("correct horse battery".into(), Some(h.clone()), cost)
                .await
                .unwrap()
        );
        assert!(
            !verify_password("wrong".into(), Some(h), cost)
                .await
                .unwrap()
        );
        assert!(!verify_password("x".into(), None, cost).await.unwrap());
    }
}
