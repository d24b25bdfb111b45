//! The connection loop: HTTP/1.1 with limits a public listener needs. A client gets
//! `header_read_timeout_secs` (20 by default) to send a request's head (a connection that never finishes its
//! headers is closed, so idle sockets cannot pile up), and a head over `MAX_HEAD_BYTES` is
//! refused with 431. On shutdown the listener closes and open connections finish their
//! current request.

use crate::router;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::pin::pin;
use std::time::Duration;
use tower::ServiceExt;

/// The largest request head (request line and headers) taken; larger answers 431.
pub const MAX_HEAD_BYTES: usize = 32 * 1024;

/// Serves Keiro on `listener` until `shutdown` resolves, then lets open requests finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let header_timeout = Duration::from_secs(state.config.header_read_timeout_secs.max(1));
    let app = router::service(state);
    let (closing_tx, closing_rx) = tokio::sync::watch::channel(false);
    let mut shutdown = pin!(shutdown);
    loop {
        let (io, addr) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let svc = app
            .clone()
            .map_request(move |mut req: hyper::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(addr));
                req.map(Body::new)
            });
        let mut closing = closing_rx.clone();
        // Held until the connection ends: shutdown waits for every holder.
        let alive = closing_rx.clone();
        tokio::spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .max_buf_size(MAX_HEAD_BYTES);
            let conn = http.serve_connection(TokioIo::new(io), TowerToHyperService::new(svc));
            let mut conn = pin!(conn);
            let closed = async move {
                let _ = closing.wait_for(|c| *c).await;
            };
            tokio::select! {
                r = conn.as_mut() => {
                    if let Err(e) = r {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                }
                _ = closed => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            drop(alive);
        });
    }
    drop(listener);
    let _ = closing_tx.send(true);
    drop(closing_rx);
    closing_tx.closed().await;
    Ok(())
}
