//! A minimal axum server answering GET /v1/me with a small JSON body: the ceiling that
//! `bench/run.sh` and `bench/instructions.sh` compare Keiro's /v1/me against, measured in the same run.

use axum::{Json, Router, routing::get};

/// The allocator `keiro` itself uses, so that the two compare like for like.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18190".into());
    let app = Router::new().route(
        "/v1/me",
        get(|| async { Json(serde_json::json!({"user": {"email": "bench@example.com"}, "roles": ["global_admin"]})) }),
    );
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    axum::serve(listener, app).await.expect("serve");
}
