//! The HTTP face of Keiro: the REST API under `/v1` (with `/openapi.json` and `/docs`), the
//! portal (server-rendered HTML, ja/en, htmx-enhanced, works without JavaScript), and the
//! background workers (outbox delivery, session clean-up). Handlers parse and authenticate,
//! then call keiro-app; they hold no business rules.

pub mod api;
pub mod config;
pub mod extract;
pub mod imports;
pub mod mailer;
pub mod portal;
pub mod problem;
pub mod router;
pub mod state;
pub mod worker;

pub use config::ServerConfig;
pub use router::router;
pub use state::AppState;

/// Serves `router` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
