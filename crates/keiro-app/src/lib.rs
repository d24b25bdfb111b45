//! Keiro's use cases, one module per capability. This is the only place rules are enforced:
//! every state-changing function authorizes (keiro-domain's `decide`), checks invariants, and
//! writes the change, its audit row and any outbox rows in ONE transaction. The portal and the
//! REST API both call these functions and hold no rules of their own.

pub mod acceptance;
pub mod admin;
pub mod advisor_sales;
pub mod audit;
pub mod auth;
pub mod benefits;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod context;
pub mod customer_users;
pub mod dashboard;
pub mod demo;
pub mod directory;
pub mod enrollment;
pub mod error;
pub mod gdap;
pub mod housekeeping;
pub mod idempotency;
pub mod invitations;
pub mod jobs;
pub mod mail;
pub mod me;
pub mod mfa;
pub mod orders;
pub mod orgs;
pub mod outbox;
pub mod partner_authorizations;
pub mod partner_of_record;
pub mod partnerships;
pub mod product_keys;
pub mod purchase_offers;
pub mod registry;
pub mod relationships;
pub mod rights;
pub mod secrets;
pub mod service_requests;
pub mod subscriptions;
pub mod throttle;
pub mod tokens;
pub mod trial_invitations;
pub mod users;

use std::sync::Arc;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::AppConfig;
pub use context::{Ctx, CurrentUser};
pub use error::AppError;
pub use keiro_store::Db;
pub use keiro_store::repo::Page;

pub type AppResult<T> = Result<T, AppError>;

/// Everything a use case needs: the database, the clock, configuration, and this node's
/// own share of the throttles (API leases) and of the jobs it runs; both are safe to lose.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<AppConfig>,
    pub throttle: Arc<throttle::Throttles>,
    /// This node's view of the background jobs it runs (their rows are shared).
    pub jobs: Arc<jobs::Local>,
}

impl App {
    pub fn new(db: Db, clock: Arc<dyn Clock>, config: AppConfig) -> Self {
        let throttle = Arc::new(throttle::Throttles::new(&config));
        App {
            db,
            clock,
            config: Arc::new(config),
            throttle,
            jobs: Arc::default(),
        }
    }

    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    /// The deployment's secret key. Without one configured (examples, a bare `App::new`), a
    /// key made for this process: what it derived cannot be derived again after a restart,
    /// which the product keys' export detects and says.
    pub fn secret_key(&self) -> &secrets::SecretKey {
        static FALLBACK: std::sync::OnceLock<secrets::SecretKey> = std::sync::OnceLock::new();
        match &self.config.secret_key {
            Some(k) => k,
            None => FALLBACK.get_or_init(|| {
                tracing::warn!("no secret key configured: using one for this process only");
                secrets::SecretKey::generate()
            }),
        }
    }
}
