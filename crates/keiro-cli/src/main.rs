//! `keiro`: the one binary. `serve` runs the portal, API and workers; `migrate`, `admin` and
//! `demo` manage a database. Configuration: defaults → keiro.toml → KEIRO_* env → flags.

mod config;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use keiro_app::{App, SystemClock};
use keiro_server::{AppState, ServerConfig};
use keiro_store::{Db, DbOptions};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "keiro",
    version,
    about = "Keiro: a self-hostable partner center for two-tier channel programs"
)]
struct Cli {
    /// Configuration file (default: ./keiro.toml if it exists).
    #[arg(long, global = true, env = "KEIRO_CONFIG")]
    config: Option<PathBuf>,
    /// Log format: text for people, json for machines.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// Where the data lives; shared by every command.
#[derive(Args, Clone, Default)]
struct DbArgs {
    /// Folder for the SQLite database, the email outbox and other files.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://USER@HOST/DB (also KEIRO_DATABASE_URL).
    #[arg(long)]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the portal, the REST API and the background workers.
    Serve {
        /// Address to listen on.
        #[arg(long)]
        listen: Option<String>,
        #[command(flatten)]
        db: DbArgs,
        /// Seed the demo world and print its sign-ins before serving.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Operator administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Seed the demo world into an existing database and print its sign-ins.
    Demo {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create the operator organization and its first admin; prints a temporary password once.
    Init {
        /// Email of the first operator admin.
        #[arg(long)]
        email: String,
        /// Full name of the first operator admin.
        #[arg(long, default_value = "Operator Admin")]
        name: String,
        /// Legal name of the operator organization.
        #[arg(long, default_value = "Program Operator")]
        operator: String,
        /// Country of the operator (ISO 3166 alpha-2).
        #[arg(long, default_value = "JP")]
        country: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// API tokens for scripting.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for a user and print it (shown once).
    Create {
        #[arg(long)]
        email: String,
        /// A name to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days until it expires.
        #[arg(long, default_value_t = 90)]
        days: i64,
        #[command(flatten)]
        db: DbArgs,
    },
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn,tower_http=info".into()
    });
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => b.json().flatten_event(true).init(),
        LogFormat::Text => b.init(),
    }
}

async fn open(cfg: &config::Config, migrate: bool) -> Result<App> {
    std::fs::create_dir_all(&cfg.server.data_dir).with_context(|| {
        format!(
            "cannot create the data folder {}",
            cfg.server.data_dir.display()
        )
    })?;
    let url = cfg.server.database_url();
    let mut opts = DbOptions::new(&url);
    opts.pool_size = cfg.server.database_pool_size;
    let db = Db::connect(&opts)
        .await
        .with_context(|| format!("opening {}", keiro_store::db::redact(&url)))?;
    if migrate {
        db.migrate().await.context("applying migrations")?;
    } else {
        db.check_schema().await?;
    }
    let mut app_cfg = cfg.app.clone();
    if app_cfg.secret_key.is_none() {
        app_cfg.secret_key = Some(secret_file(&cfg.server.data_dir)?);
    }
    Ok(App::new(db, Arc::new(SystemClock), app_cfg))
}

/// The deployment's secret key kept in `secret.key` in the data folder (made on first start,
/// readable by its owner only), when `KEIRO_SECRET_KEY` does not give it. Nodes that do not
/// share the folder are given the same key through `KEIRO_SECRET_KEY`.
fn secret_file(dir: &std::path::Path) -> Result<keiro_app::secrets::SecretKey> {
    use keiro_app::secrets::SecretKey;
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let path = dir.join("secret.key");
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
    {
        Ok(mut f) => {
            let key = SecretKey::generate();
            f.write_all(key.expose().as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            tracing::info!(path = %path.display(), "made the deployment's secret key");
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let s = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            SecretKey::new(s).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
        }
        Err(e) => Err(e).with_context(|| format!("creating {}", path.display())),
    }
}

/// `s` padded to `width` terminal columns (CJK characters take two), so Japanese names line up.
fn pad(s: &str, width: usize) -> String {
    let wide = |c: char| {
        matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
    };
    let cols: usize = s.chars().map(|c| if wide(c) { 2 } else { 1 }).sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(cols)))
}

fn print_demo(demo: &keiro_app::demo::Demo) {
    let logins = &demo.logins;
    tracing::info!(sign_ins = logins.len(), "demo world seeded");
    println!("\nDemo sign-ins (passwords are shown only now):");
    println!(
        "{:<32} {:<36} {:<32} password",
        "organization", "email", "roles"
    );
    for l in logins {
        let pw = if l.must_change {
            format!("{} (temporary: must be changed)", l.password)
        } else {
            l.password.clone()
        };
        println!(
            "{} {:<36} {:<32} {}",
            pad(&l.organization, 32),
            l.email,
            l.roles,
            pw
        );
    }
    println!("\nTo try enrollment, open /enroll (or \"Enroll as a partner\" on the sign-in page)");
    println!("with country Japan and this membership record:");
    for c in &demo.claims {
        match &c.claim_secret {
            Some(secret) => println!(
                "  partner ID {}  claim secret {secret}  ({}; shown only now)",
                c.partner_id, c.organization
            ),
            None => println!(
                "  partner ID {} ({}) is linked to an application already: operator staff \
                 create another under Membership registry.",
                c.partner_id, c.organization
            ),
        }
    }
    println!();
}

/// mimalloc, not glibc's malloc (ADR 0009): freed memory goes back to the system instead of
/// staying in per-thread arenas (a sign-in flood's 19 MiB argon2 buffers kept the process at
/// ≈ 400 MiB for good), and allocating costs fewer instructions on every request.
/// Built without transparent huge pages (`no_thp`): with them every first touch of its arena
/// made 2 MiB resident, 30 MiB of mostly empty huge pages at start.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    init_logs(cli.log_format);
    match cli.command {
        Command::Serve { listen, db, demo } => {
            let started = Instant::now();
            let cfg = config::load(cli.config.as_deref(), &db, listen)?;
            let app = open(&cfg, true).await?;
            if demo {
                print_demo(&keiro_app::demo::seed(&app).await?);
            } else if keiro_store::repo::orgs::find_operator(app.db.reader())
                .await?
                .is_none()
            {
                tracing::warn!(
                    "no operator organization yet: run `keiro admin init --email you@example.com`, or `keiro serve --demo`"
                );
            }
            serve(app, cfg.server, started).await
        }
        Command::Migrate { db } => {
            let cfg = config::load(cli.config.as_deref(), &db, None)?;
            open(&cfg, true).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::Demo { db } => {
            let cfg = config::load(cli.config.as_deref(), &db, None)?;
            let app = open(&cfg, true).await?;
            print_demo(&keiro_app::demo::seed(&app).await?);
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::Init {
                    email,
                    name,
                    operator,
                    country,
                    db,
                },
        } => {
            let cfg = config::load(cli.config.as_deref(), &db, None)?;
            let app = open(&cfg, true).await?;
            let done =
                keiro_app::admin::init_operator(&app, &operator, &country, &email, &name).await?;
            println!("Operator organization created ({}).", done.org_id);
            println!(
                "Sign in as {} with this temporary password (shown only now; it must be changed at first sign-in):",
                done.email
            );
            println!("{}", done.temporary_password);
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::Token {
                    command:
                        TokenCommand::Create {
                            email,
                            name,
                            days,
                            db,
                        },
                },
        } => {
            let cfg = config::load(cli.config.as_deref(), &db, None)?;
            let app = open(&cfg, false).await?;
            let t = keiro_app::admin::token_for_email(&app, &email, &name, days).await?;
            eprintln!(
                "Token {:?} for {email}, expires {} (shown only now):",
                t.info.name, t.info.expires_at
            );
            println!("{}", t.secret.unwrap_or_default());
            Ok(())
        }
    }
}

async fn serve(app: App, server: ServerConfig, started: Instant) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(&server.listen)
        .await
        .with_context(|| format!("cannot listen on {}", server.listen))?;
    let addr = listener.local_addr()?;
    for w in keiro_server::config::several_node_warnings(&server, &app.config) {
        tracing::warn!("{w}");
        eprintln!("warning: {w}");
    }
    let state = AppState::new(app, server.clone());
    let workers = if server.run_workers {
        let transport = keiro_server::mailer::from_config(&server).map_err(anyhow::Error::msg)?;
        keiro_server::worker::spawn(state.clone(), transport)
    } else {
        vec![]
    };
    tracing::info!(%addr, ready_ms = started.elapsed().as_millis() as u64, "keiro is ready");
    println!("Keiro is listening on http://{addr}");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    };
    keiro_server::serve(listener, state, shutdown).await?;
    for w in workers {
        w.abort();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_secret_key_file_is_made_once_then_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let made = super::secret_file(dir.path()).unwrap();
        let again = super::secret_file(dir.path()).unwrap();
        assert_eq!(made, again);
        assert!(made.expose().len() >= 32);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("secret.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::write(dir.path().join("secret.key"), "short").unwrap();
        assert!(
            super::secret_file(dir.path()).is_err(),
            "a short key is refused"
        );
        assert_eq!(format!("{made:?}"), "SecretKey(<redacted>)");
    }
}
