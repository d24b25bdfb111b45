//! Second factors: the TOTP secret and its last accepted step (a step is accepted once), recovery
//! codes (each used once), the organization's requirement.

use super::*;
use user::Column as U;

pub async fn set_pending_secret(
    c: &impl ConnectionTrait,
    user_id: &str,
    secret: &str,
) -> Result<(), StoreError> {
    user::Entity::update_many()
        .col_expr(U::MfaPendingSecret, Expr::value(Some(secret.to_string())))
        .filter(U::Id.eq(user_id))
        .exec(c)
        .await?;
    Ok(())
}

/// Turns MFA on with the pending secret, if it is still `secret` (guarded).
pub async fn enable(
    c: &impl ConnectionTrait,
    user_id: &str,
    secret: &str,
    step: i64,
    now: Ts,
) -> Result<bool, StoreError> {
    user::Entity::update_many()
        .col_expr(U::MfaSecret, Expr::value(Some(secret.to_string())))
        .col_expr(U::MfaPendingSecret, Expr::value(Option::<String>::None))
        .col_expr(U::MfaEnabled, Expr::value(true))
        .col_expr(U::MfaLastStep, Expr::value(Some(step)))
        .col_expr(U::UpdatedAt, Expr::value(now))
        .incr(U::Version)
        .filter(U::Id.eq(user_id))
        .filter(U::MfaPendingSecret.eq(secret))
        .changed_one(c)
        .await
}

/// Accepts a TOTP time step once: true only if it is later than the last accepted one.
pub async fn accept_step(
    c: &impl ConnectionTrait,
    user_id: &str,
    step: i64,
) -> Result<bool, StoreError> {
    user::Entity::update_many()
        .col_expr(U::MfaLastStep, Expr::value(Some(step)))
        .filter(U::Id.eq(user_id))
        .filter(U::MfaEnabled.eq(true))
        .filter(
            Condition::any()
                .add(U::MfaLastStep.is_null())
                .add(U::MfaLastStep.lt(step)),
        )
        .changed_one(c)
        .await
}

/// Removes MFA and its recovery codes.
pub async fn clear(c: &impl ConnectionTrait, user_id: &str, now: Ts) -> Result<(), StoreError> {
    user::Entity::update_many()
        .col_expr(U::MfaSecret, Expr::value(Option::<String>::None))
        .col_expr(U::MfaPendingSecret, Expr::value(Option::<String>::None))
        .col_expr(U::MfaEnabled, Expr::value(false))
        .col_expr(U::MfaLastStep, Expr::value(Option::<i64>::None))
        .col_expr(U::UpdatedAt, Expr::value(now))
        .incr(U::Version)
        .filter(U::Id.eq(user_id))
        .exec(c)
        .await?;
    mfa_recovery_code::Entity::delete_many()
        .filter(mfa_recovery_code::Column::UserId.eq(user_id))
        .exec(c)
        .await?;
    Ok(())
}

pub async fn replace_recovery_codes(
    c: &impl ConnectionTrait,
    user_id: &str,
    hashes: &[String],
    now: Ts,
) -> Result<(), StoreError> {
    mfa_recovery_code::Entity::delete_many()
        .filter(mfa_recovery_code::Column::UserId.eq(user_id))
        .exec(c)
        .await?;
    let rows = hashes.iter().map(|h| {
        mfa_recovery_code::ActiveModel::from(mfa_recovery_code::Model {
            id: uuid::Uuid::now_v7().to_string(),
            user_id: user_id.to_string(),
            code_hash: h.clone(),
            used_at: None,
            created_at: now,
        })
    });
    mfa_recovery_code::Entity::insert_many(rows)
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// Uses a recovery code once (guarded): true for exactly one caller.
pub async fn use_recovery_code(
    c: &impl ConnectionTrait,
    user_id: &str,
    hash: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    mfa_recovery_code::Entity::update_many()
        .col_expr(mfa_recovery_code::Column::UsedAt, Expr::value(Some(now)))
        .filter(mfa_recovery_code::Column::UserId.eq(user_id))
        .filter(mfa_recovery_code::Column::CodeHash.eq(hash))
        .filter(mfa_recovery_code::Column::UsedAt.is_null())
        .changed_one(c)
        .await
}

pub async fn unused_recovery_codes(
    c: &impl ConnectionTrait,
    user_id: &str,
) -> Result<u64, StoreError> {
    Ok(mfa_recovery_code::Entity::find()
        .filter(mfa_recovery_code::Column::UserId.eq(user_id))
        .filter(mfa_recovery_code::Column::UsedAt.is_null())
        .count(c)
        .await?)
}

pub async fn complete_session(
    c: &impl ConnectionTrait,
    session_id: &str,
) -> Result<bool, StoreError> {
    session::Entity::update_many()
        .col_expr(session::Column::MfaPending, Expr::value(false))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::MfaPending.eq(true))
        .changed_one(c)
        .await
}

pub async fn set_org_requirement(
    c: &impl ConnectionTrait,
    org_id: &str,
    required: bool,
    now: Ts,
) -> Result<(), StoreError> {
    organization::Entity::update_many()
        .col_expr(organization::Column::RequireMfa, Expr::value(required))
        .col_expr(organization::Column::UpdatedAt, Expr::value(now))
        .incr(organization::Column::Version)
        .filter(organization::Column::Id.eq(org_id))
        .exec(c)
        .await?;
    Ok(())
}
