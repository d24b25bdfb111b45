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
    /// Origins allowed to post forms besides the request's own and the public URL's.
    pub trusted_origins: Vec<String>,
    /// Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` / `Forwarded` is
    /// believed about the client's address; nobody else's is.
    pub trusted_proxies: Vec<crate::proxy::IpNet>,
    pub smtp: Option<SmtpConfig>,
    /// Where the `.eml` outbox writes without SMTP; default `outbox/` in the data folder.
    /// Several nodes share one folder (or use SMTP), so an email is found in one place.
    pub mail_dir: Option<PathBuf>,
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
            trusted_proxies: vec![],
            smtp: None,
            mail_dir: None,
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
        self.mail_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("outbox"))
    }
}

/// What an operator running several nodes on this configuration should change: the `.eml`
/// outbox in a node's own data folder on a shared PostgreSQL, an https public URL with cookies
/// that are not `Secure`.
pub fn several_node_warnings(s: &ServerConfig, app: &keiro_app::AppConfig) -> Vec<String> {
    let mut w = Vec::new();
    if s.database_url().starts_with("postgres") && s.smtp.is_none() && s.mail_dir.is_none() {
        w.push(format!(
            "email goes to .eml files in {} on this node only; with several nodes on one \
             PostgreSQL, configure [smtp] or a mail_dir that every node shares",
            s.outbox_dir().display()
        ));
    }
    if app.public_url.starts_with("https://") && !s.secure_cookies {
        w.push("the public URL is https but secure_cookies is off: cookies would also travel over plain HTTP".into());
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_nodes_are_warned_of_a_node_local_outbox_and_insecure_cookies() {
        let app = keiro_app::AppConfig::default();
        let sqlite = ServerConfig::default();
        assert!(several_node_warnings(&sqlite, &app).is_empty());
        let pg = ServerConfig {
            database_url: Some("postgres://keiro@db/keiro".into()),
            ..ServerConfig::default()
        };
        let w = several_node_warnings(&pg, &app);
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("[smtp] or a mail_dir"), "{}", w[0]);
        let shared = ServerConfig {
            mail_dir: Some("/srv/keiro/outbox".into()),
            ..pg.clone()
        };
        assert!(several_node_warnings(&shared, &app).is_empty());
        let https = keiro_app::AppConfig {
            public_url: "https://partners.example.com".into(),
            ..app
        };
        let plain = ServerConfig {
            secure_cookies: false,
            ..ServerConfig::default()
        };
        assert!(several_node_warnings(&plain, &https)[0].contains("secure_cookies"));
    }
}
