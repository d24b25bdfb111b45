//! Errors as `application/problem+json` with a stable `code`. Internal errors are logged with
//! the request id and answered with a generic text: nothing internal leaks.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use keiro_api_types::{FieldError, Problem};
use keiro_app::AppError;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An API error: either a use-case error or a problem the HTTP layer found itself.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub problem: Problem,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            problem: Problem {
                type_: format!("https://keiro.dev/problems/{code}"),
                title: status.canonical_reason().unwrap_or("Error").to_string(),
                status: status.as_u16(),
                code: code.to_string(),
                detail: detail.into(),
                request_id: None,
                errors: vec![],
                required_roles: vec![],
            },
            retry_after: None,
        }
    }

    pub fn field(mut self, field: &str, code: &str, message: &str) -> Self {
        self.problem.errors.push(FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        });
        self
    }
}

/// The HTTP status of a use-case error.
pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Unauthenticated | AppError::InvalidCredentials | AppError::TokenRejected(_) => {
            StatusCode::UNAUTHORIZED
        }
        AppError::PasswordChangeRequired | AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        AppError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let status = status_of(&e);
        let detail = match &e {
            AppError::Internal(m) => {
                tracing::error!(error = %m, "internal error");
                "something went wrong on our side; the request id identifies it in our logs"
                    .to_string()
            }
            AppError::Unavailable(m) => {
                tracing::error!(error = %m, "service unavailable");
                "the service is temporarily unavailable; try again shortly".to_string()
            }
            other => other.to_string(),
        };
        let mut api = ApiError::new(status, e.code(), detail);
        match e {
            AppError::Validation(v) => api = api.field(v.field, v.code, &v.message),
            AppError::Forbidden { required_roles, .. } => {
                api.problem.required_roles = required_roles
                    .iter()
                    .map(|r| r.code().to_string())
                    .collect()
            }
            AppError::RateLimited {
                retry_after_secs, ..
            } => api.retry_after = Some(retry_after_secs),
            _ => {}
        }
        api
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status, axum::Json(&self.problem)).into_response();
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(s) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
