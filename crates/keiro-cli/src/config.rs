//! Layered configuration: built-in defaults → `keiro.toml` → `KEIRO_*` environment variables →
//! command-line flags. `keiro serve` with none of them just works (SQLite in ./keiro-data).

use crate::DbArgs;
use anyhow::{Context, Result};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use keiro_app::AppConfig;
use keiro_server::ServerConfig;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Config {
    #[serde(flatten)]
    pub server: ServerConfig,
    #[serde(flatten)]
    pub app: AppConfig,
}

pub fn load(file: Option<&Path>, db: &DbArgs, listen: Option<String>) -> Result<Config> {
    let mut f = Figment::from(Serialized::defaults(Config::default()));
    match file {
        Some(p) => {
            if !p.exists() {
                anyhow::bail!("the configuration file {} does not exist", p.display());
            }
            f = f.merge(Toml::file(p));
        }
        None => f = f.merge(Toml::file("keiro.toml")),
    }
    f = f.merge(Env::prefixed("KEIRO_").ignore(&["CONFIG"]).split("__"));
    if let Some(l) = listen {
        f = f.merge(("listen", l));
    }
    if let Some(d) = &db.data_dir {
        f = f.merge(("data_dir", d));
    }
    if let Some(u) = &db.database_url {
        f = f.merge(("database_url", u));
    }
    f.extract().context("invalid configuration")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_env_and_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("KEIRO_DATABASE_URL", "postgres://env@localhost/keiro");
            jail.set_env("KEIRO_BRAND__NAME_EN", "Sovereign Partner Hub");
            let c = load(None, &DbArgs::default(), None).unwrap();
            assert_eq!(
                c.server.database_url.as_deref(),
                Some("postgres://env@localhost/keiro")
            );
            assert_eq!(c.app.brand.name_en, "Sovereign Partner Hub");
            let args = DbArgs {
                data_dir: None,
                database_url: Some("sqlite://x.db".into()),
            };
            let c = load(None, &args, Some("0.0.0.0:9".into())).unwrap();
            assert_eq!(c.server.database_url.as_deref(), Some("sqlite://x.db"));
            assert_eq!(c.server.listen, "0.0.0.0:9");
            Ok(())
        });
    }

    #[test]
    fn r_x_2_brand_from_file() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "keiro.toml",
                "[brand]\nname_en = \"Ōkami Cloud Partners\"\ncloud_variant = \"sovereign-jp\"\n",
            )?;
            let c = load(None, &DbArgs::default(), None).unwrap();
            assert_eq!(c.app.brand.name_en, "Ōkami Cloud Partners");
            assert_eq!(c.app.brand.cloud_variant, "sovereign-jp");
            Ok(())
        });
    }

    #[test]
    fn trusted_proxies_from_file_and_env_and_a_clear_error() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "keiro.toml",
                "trusted_proxies = [\"10.0.0.5\", \"10.0.1.0/24\"]\nmail_dir = \"/srv/outbox\"\n",
            )?;
            let c = load(None, &DbArgs::default(), None).unwrap();
            let p: Vec<String> = c
                .server
                .trusted_proxies
                .iter()
                .map(|n| n.to_string())
                .collect();
            assert_eq!(p, ["10.0.0.5/32", "10.0.1.0/24"]);
            assert_eq!(c.server.outbox_dir(), std::path::Path::new("/srv/outbox"));
            jail.set_env("KEIRO_TRUSTED_PROXIES", "[\"::1\"]");
            let c = load(None, &DbArgs::default(), None).unwrap();
            assert_eq!(c.server.trusted_proxies[0].to_string(), "::1/128");
            jail.set_env("KEIRO_TRUSTED_PROXIES", "[\"proxy.example\"]");
            let e = format!("{:#}", load(None, &DbArgs::default(), None).unwrap_err());
            assert!(e.contains("not an IP address or a CIDR range"), "{e}");
            Ok(())
        });
    }
}
