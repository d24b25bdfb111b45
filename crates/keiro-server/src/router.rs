//! The whole HTTP surface and its middleware: request ids (set or kept, and echoed), tracing,
//! panic → 500 problem, timeouts, compression, body limits, security headers.

use crate::problem::ApiError;
use crate::state::AppState;
use crate::{api, guard, portal};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::time::Duration;
use tower::{Service, ServiceBuilder};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa_swagger_ui::SwaggerUi;

/// Every route of Keiro, with its state. The middleware goes around it once, in `service`.
pub fn router(state: AppState) -> Router {
    let (api_routes, openapi) = api::routes();
    Router::new()
        .merge(api_routes)
        .merge(SwaggerUi::new("/docs").external_url_unchecked("/openapi.json", openapi))
        .merge(portal::routes(&state))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

/// The whole HTTP service: the router inside the middleware, outermost first. The layers wrap
/// the router once rather than each route (`Router::layer` wraps every route in each layer,
/// boxed, and a request then clones and drops a dozen boxes: 15 % of `GET /v1/me`; issue 15).
pub fn service(
    state: AppState,
) -> impl Service<Request, Response = Response, Error = Infallible, Future: Send + 'static>
+ Clone
+ Send
+ Sync
+ 'static {
    let max_body = state.config.max_body_bytes;
    // Served over https (the public URL says so): browsers keep to https for a year.
    let hsts = state
        .app
        .config
        .public_url
        .starts_with("https://")
        .then(|| HeaderValue::from_static("max-age=31536000"));
    ServiceBuilder::new()
        .map_response(IntoResponse::into_response)
        .layer(SetRequestIdLayer::new(HeaderName::from_static("x-request-id"), crate::request_id::RequestIds::new()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetResponseHeaderLayer::if_not_present(header::STRICT_TRANSPORT_SECURITY, hsts))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(axum::middleware::from_fn(guard::security_headers))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("handler panicked");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on our side").into_response()
        }))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
        .layer(CompressionLayer::new())
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::text))
        .service(router(state))
}

pub(crate) fn wants_problem(req: &Request) -> bool {
    let p = req.uri().path();
    p.starts_with("/v1") || p == "/healthz" || p.starts_with("/openapi")
}

async fn not_found(req: Request) -> Response {
    if wants_problem(&req) {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("there is no API route {}", req.uri().path()),
        )
        .into_response()
    } else {
        portal::not_found_page(&req).into_response()
    }
}

async fn method_not_allowed(req: Request) -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{} is not allowed on {}", req.method(), req.uri().path()),
    )
    .into_response()
}
