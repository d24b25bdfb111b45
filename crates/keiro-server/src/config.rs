use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// SMTP relay settings. Absent: email is written as `.eml` files in the data folder.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// "none" (plain, for local relays and tests), "starttls" or "tls".
    #[serde(default = "default_security")]
    pub security: String,
    pub username: Option<String>,
    pub password: Option<String>,
}

fn default_security() -> String {
    "starttls".into()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerConfig {
    pub listen: String,
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; default: `keiro.db` in the data folder.
    pub database_url: Option<String>,
    pub database_pool_size: u32,
    /// Set the `Secure` flag on cookies. Only turn off for plain-HTTP development on a LAN.
    pub secure_cookies: bool,
    /// Origins allowed to post forms besides the request's own (e.g. behind a proxy).
    pub trusted_origins: Vec<String>,
    pub smtp: Option<SmtpConfig>,
    /// Seconds between outbox passes.
    pub outbox_interval_secs: u64,
    /// Run the background workers (off in some tests that drive them by hand).
    pub run_workers: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Seconds a client may take to send a request's line and headers before the connection
    /// is closed.
    pub header_read_timeout_secs: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("keiro-data"),
            database_url: None,
            database_pool_size: 8,
            secure_cookies: true,
            trusted_origins: vec![],
            smtp: None,
            outbox_interval_secs: 5,
            run_workers: true,
            max_body_bytes: 256 * 1024,
            header_read_timeout_secs: 20,
        }
    }
}

impl ServerConfig {
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(u) => u.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("keiro.db").display()
            ),
        }
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }
}
