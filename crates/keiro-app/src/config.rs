use serde::{Deserialize, Serialize};

/// The operator's brand and cloud variant (R-X-2): configuration, never code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Brand {
    /// Product name shown in the portal header and emails, per language.
    pub name_en: String,
    pub name_ja: String,
    /// The operator's legal name, e.g. for email footers.
    pub operator_en: String,
    pub operator_ja: String,
    /// e.g. "global" or "sovereign-jp": shown beside the name when not "global".
    pub cloud_variant: String,
    /// CSS colour of the header.
    pub accent_color: String,
}

impl Default for Brand {
    fn default() -> Self {
        Brand {
            name_en: "Keiro Partner Center".into(),
            name_ja: "Keiro パートナー センター".into(),
            operator_en: "Keiro Cloud".into(),
            operator_ja: "Keiro クラウド".into(),
            cloud_variant: "global".into(),
            accent_color: "#1f4e79".into(),
        }
    }
}

impl Brand {
    pub fn name(&self, lang: keiro_domain::Language) -> &str {
        match lang {
            keiro_domain::Language::Ja => &self.name_ja,
            keiro_domain::Language::En => &self.name_en,
        }
    }
}

/// argon2id cost. Production uses OWASP's recommended minimum; tests use the cheapest.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordCost {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for PasswordCost {
    fn default() -> Self {
        PasswordCost {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl PasswordCost {
    pub fn cheap_for_tests() -> Self {
        PasswordCost {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct AppConfig {
    pub brand: Brand,
    /// Base URL people reach the portal at, for links in emails.
    pub public_url: String,
    /// From address of outgoing email.
    pub mail_from: String,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    pub password_cost: PasswordCost,
    /// Sign-in failures per account and client address before that address is refused for
    /// the window; also the attempts per account before each next one is paced (ADR 0002),
    /// and the wrong MFA codes, current passwords and claim secrets allowed per window.
    pub signin_failures_per_account: u32,
    pub signin_account_window_minutes: i64,
    /// Sign-in attempts allowed per client address per minute.
    pub signin_attempts_per_ip_per_minute: u32,
    /// API requests allowed per token (or per address when anonymous) per minute.
    pub api_requests_per_minute: u32,
    pub api_token_default_days: i64,
    pub api_token_max_days: i64,
    /// Delivery attempts before an outbox message is marked failed.
    pub outbox_max_attempts: i32,
    /// Web-mail domains refused for primary contacts, added to the built-in list (R-ENR-3).
    pub webmail_domains: Vec<String>,
    /// Hours an email verification link stays valid.
    pub verification_link_hours: i64,
    /// Days an invitation link (partnership request, …) stays valid.
    pub invitation_valid_days: i64,
    /// Invitation emails Keiro sends per organization per hour; more wait (no spam relay).
    pub invitation_emails_per_hour: u32,
    /// Seconds a node holds a background job without a heartbeat before another node takes
    /// it over (ADR 0008); the running node renews it every second.
    pub job_lease_secs: i64,
    /// The time zone times are shown in for a user who chose none and does not read Japanese
    /// (Japanese readers default to Asia/Tokyo), an IANA name.
    pub time_zone: String,
    /// The deployment's secret key, the same on every node (`KEIRO_SECRET_KEY`); without it
    /// `keiro serve` keeps one in `secret.key` in the data folder.
    pub secret_key: Option<crate::secrets::SecretKey>,
    /// Product key attempts (checks and redemptions) per customer, and per client address,
    /// per hour (keys are bearer secrets: guessing is slowed).
    pub product_key_attempts_per_hour: u32,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            brand: Brand::default(),
            public_url: "http://127.0.0.1:8080".into(),
            mail_from: "Keiro Partner Center <no-reply@keiro.invalid>".into(),
            session_idle_minutes: 60,
            session_absolute_hours: 12,
            password_cost: PasswordCost::default(),
            signin_failures_per_account: 5,
            signin_account_window_minutes: 15,
            signin_attempts_per_ip_per_minute: 30,
            api_requests_per_minute: 1200,
            api_token_default_days: 90,
            api_token_max_days: 365,
            outbox_max_attempts: 8,
            webmail_domains: Vec::new(),
            verification_link_hours: 72,
            invitation_valid_days: keiro_domain::invitation::DEFAULT_VALID_DAYS,
            invitation_emails_per_hour: 50,
            job_lease_secs: 60,
            time_zone: "UTC".into(),
            secret_key: None,
            product_key_attempts_per_hour: 30,
        }
    }
}
