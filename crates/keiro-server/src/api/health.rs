//! `GET /healthz`: the load balancer probe.

use crate::state::AppState;
use axum::{Json, extract::State, http::StatusCode};
use keiro_api_types::Health;

/// Liveness and readiness for load balancers: 200 when the database answers, 503 otherwise.
#[utoipa::path(operation_id = "get_health", get, path = "/healthz", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn healthz(State(s): State<AppState>) -> (StatusCode, Json<Health>) {
    match s.app.db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok".into(),
                database: "ok".into(),
            }),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "unavailable".into(),
                    database: "unreachable".into(),
                }),
            )
        }
    }
}
