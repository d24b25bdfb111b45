use keiro_domain::{DenyReason, Role, ValidationError};
use keiro_store::StoreError;

/// Every way a use case can refuse or fail. Each has a stable `code` for API clients; the
/// server turns it into problem+json or an HTML page and never shows `Internal`'s text.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Validation(ValidationError),
    #[error("authentication required")]
    Unauthenticated,
    #[error("{0}")]
    TokenRejected(String),
    #[error("the email or password is wrong")]
    InvalidCredentials,
    #[error("you must change your temporary password before doing anything else")]
    PasswordChangeRequired,
    #[error("{message}")]
    Forbidden {
        code: &'static str,
        message: String,
        required_roles: Vec<Role>,
    },
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("the resource was changed by someone else; reload it and try again")]
    PreconditionFailed,
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    RateLimited {
        retry_after_secs: u64,
        code: &'static str,
    },
    #[error("this Idempotency-Key was already used with a different request")]
    IdempotencyKeyReused,
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation(v) => v.code,
            AppError::Unauthenticated => "unauthenticated",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::TokenRejected(_) => "invalid_token",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::Forbidden { code, .. } => code,
            AppError::NotFound(_) => "not_found",
            AppError::Conflict { code, .. } => code,
            AppError::PreconditionFailed => "precondition_failed",
            AppError::RateLimited { code, .. } => code,
            AppError::IdempotencyKeyReused => "idempotency_key_reused",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn validation(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        AppError::Validation(ValidationError::new(field, code, message))
    }

    /// The refusal for a policy denial: 404 for what the actor may not know exists.
    pub fn denied(reason: DenyReason, what: &'static str) -> Self {
        match reason {
            DenyReason::NotVisible => AppError::NotFound(what),
            DenyReason::RoleRequired(roles) => {
                let names: Vec<&str> = roles.iter().map(|r| r.code()).collect();
                AppError::Forbidden {
                    code: "role_required",
                    message: format!("this needs one of these roles: {}", names.join(", ")),
                    required_roles: roles,
                }
            }
            DenyReason::OperatorOnly => AppError::Forbidden {
                code: "operator_only",
                message: "only the operator's staff can do this".into(),
                required_roles: vec![Role::OperatorAdmin, Role::OperatorReviewer],
            },
            DenyReason::NotApproved => AppError::Forbidden {
                code: "enrollment_not_approved",
                message: "your organization's enrollment has not been approved yet".into(),
                required_roles: vec![],
            },
        }
    }
}

impl From<ValidationError> for AppError {
    fn from(v: ValidationError) -> Self {
        AppError::Validation(v)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate(m) => AppError::Conflict {
                code: "duplicate",
                message: format!("already exists ({m})"),
            },
            StoreError::Stale => AppError::PreconditionFailed,
            StoreError::Unavailable(m) | StoreError::ReadOnly(m) => AppError::Unavailable(m),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<keiro_store::sea_orm::DbErr> for AppError {
    fn from(e: keiro_store::sea_orm::DbErr) -> Self {
        StoreError::from(e).into()
    }
}
