//! The HTTP face of Keiro: the REST API under `/v1` (with `/openapi.json` and `/docs`), the
//! portal (server-rendered HTML, ja/en, htmx-enhanced, works without JavaScript), and the
//! background workers (outbox delivery, session clean-up). Handlers parse and authenticate,
//! then call keiro-app; they hold no business rules.

pub mod api;
pub mod config;
pub mod extract;
pub mod guard;
pub mod mailer;
pub mod portal;
pub mod problem;
pub mod proxy;
pub mod request_id;
pub mod router;
pub mod serve;
pub mod state;
pub mod worker;

pub use config::ServerConfig;
pub use router::router;
pub use state::AppState;

pub use serve::serve;
