//! Multi-factor authentication with TOTP (RFC 6238): set-up with a QR code and ten single-use
//! recovery codes, the second step of sign-in, an organization setting that requires it (on
//! by default for partners), and an operator's reset. A code is accepted once: the last
//! accepted time step is kept and only a later one passes (a guarded write).

use crate::audit::{self, Event};
use crate::secrets::{random_bytes, sha256_hex};
use crate::{App, AppError, AppResult, Ctx, CurrentUser, throttle};
use keiro_domain::Action;
use keiro_store::repo;
use serde_json::json;
use totp_rs::{Algorithm, Secret, Totp};

const STEP: u64 = 30;
const RECOVERY_CODES: usize = 10;

/// The TOTP of a base32 secret: SHA-1, 6 digits, 30 s, one step of clock skew either way.
fn totp(secret_b32: &str) -> AppResult<Totp> {
    let secret = Secret::try_from_base32(secret_b32)
        .map_err(|e| AppError::Internal(format!("bad TOTP secret: {e:?}")))?;
    totp_rs::Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(STEP)
        .with_secret(secret)
        .build()
        .map_err(|e| AppError::Internal(format!("TOTP: {e:?}")))
}

fn unix(app: &App) -> u64 {
    app.now().unix_timestamp().max(0) as u64
}

/// What an authenticator app needs: the secret and the `otpauth://` URL (shown as a QR code).
#[derive(Debug, Clone)]
pub struct Setup {
    pub secret: String,
    pub otpauth_url: String,
    /// The QR code of `otpauth_url` as an SVG document.
    pub qr_svg: String,
}

fn otpauth_url(app: &App, me: &CurrentUser, secret: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    let issuer = &app.config.brand.name_en;
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period={STEP}",
        enc(issuer),
        enc(&me.user.email),
        enc(issuer)
    )
}

/// An SVG QR code (no image library: one `<path>` of the dark modules).
pub fn qr_svg(text: &str) -> String {
    use qrcodegen::{QrCode, QrCodeEcc};
    let Ok(qr) = QrCode::encode_text(text, QrCodeEcc::Medium) else {
        return String::new();
    };
    let (size, border) = (qr.size(), 4);
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    let dim = size + border * 2;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {dim} {dim}\" width=\"200\" height=\"200\" role=\"img\" aria-label=\"QR code\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    )
}

/// Starts (or restarts) set-up: a new pending secret, effective once a code confirms it.
pub async fn start_setup(app: &App, ctx: &Ctx) -> AppResult<Setup> {
    let me = ctx.user()?;
    me.require(Action::ManageOwnAccount, "account")?;
    if me.user.mfa_enabled {
        return Err(AppError::Conflict {
            code: "mfa_already_enabled",
            message: "MFA is already set up".into(),
        });
    }
    let secret = Secret::from(random_bytes::<20>()).to_base32();
    let tx = app.db.begin().await?;
    repo::mfa::set_pending_secret(&tx, &me.user.id, &secret).await?;
    tx.commit().await?;
    let url = otpauth_url(app, me, &secret);
    Ok(Setup {
        qr_svg: qr_svg(&url),
        otpauth_url: url,
        secret,
    })
}

/// The set-up in progress (to show the QR code again after a wrong first code).
pub fn pending_setup(app: &App, ctx: &Ctx) -> AppResult<Option<Setup>> {
    let me = ctx.user()?;
    Ok(me.user.mfa_pending_secret.clone().map(|secret| {
        let url = otpauth_url(app, me, &secret);
        Setup {
            qr_svg: qr_svg(&url),
            otpauth_url: url,
            secret,
        }
    }))
}

fn new_recovery_codes() -> Vec<String> {
    const A: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let b = random_bytes::<12>();
            let s: String = b.iter().map(|x| A[*x as usize % A.len()] as char).collect();
            format!("{}-{}", &s[..6], &s[6..])
        })
        .collect()
}

fn bad_code() -> AppError {
    AppError::validation(
        "code",
        "mfa_code_invalid",
        "the code is wrong or was already used; wait for the next code",
    )
}

/// Confirms set-up with a first code; returns the recovery codes (shown once).
pub async fn confirm_setup(app: &App, ctx: &Ctx, code: &str) -> AppResult<Vec<String>> {
    let me = ctx.user()?;
    let pending = me
        .user
        .mfa_pending_secret
        .clone()
        .ok_or(AppError::Conflict {
            code: "mfa_setup_not_started",
            message: "start MFA set-up first".into(),
        })?;
    let t = totp(&pending)?;
    let step = t.check(code.trim(), unix(app)).ok_or_else(bad_code)?;
    let codes = new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| sha256_hex(c)).collect();
    let now = app.now();
    let tx = app.db.begin().await?;
    if !repo::mfa::enable(&tx, &me.user.id, &pending, step as i64, now).await? {
        return Err(AppError::Conflict {
            code: "mfa_setup_not_started",
            message: "start MFA set-up again".into(),
        });
    }
    repo::mfa::replace_recovery_codes(&tx, &me.user.id, &hashes, now).await?;
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("user.mfa_enabled", "user", &me.user.id).in_org(&me.org.id),
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// The second step of sign-in: a TOTP code (each accepted once) or a recovery code (each
/// usable once). Completes the session.
pub async fn verify_sign_in(app: &App, ctx: &Ctx, session_id: &str, code: &str) -> AppResult<()> {
    let me = ctx.user_allowing_temporary()?;
    let now = app.now();
    let key = format!("mfa:{}", me.user.id);
    let rule = &app.throttle.secret_attempts;
    app.count(rule, &key, "too_many_mfa_attempts").await?;
    let secret = me.user.mfa_secret.clone().ok_or(AppError::Conflict {
        code: "mfa_not_enabled",
        message: "MFA is not set up".into(),
    })?;
    let code = code.trim().to_lowercase();
    let tx = app.db.begin().await?;
    let how = if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        let t = totp(&secret)?;
        match t.check(&code, unix(app)) {
            Some(step) if repo::mfa::accept_step(&tx, &me.user.id, step as i64).await? => "totp",
            _ => "",
        }
    } else if repo::mfa::use_recovery_code(&tx, &me.user.id, &sha256_hex(&code), now).await? {
        "recovery_code"
    } else {
        ""
    };
    if how.is_empty() {
        return Err(bad_code());
    }
    repo::mfa::complete_session(&tx, session_id).await?;
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("session.mfa_verified", "user", &me.user.id)
            .in_org(&me.org.id)
            .details(json!({ "method": how })),
    )
    .await?;
    throttle::reset(&tx, &key).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn recovery_codes_left(app: &App, ctx: &Ctx) -> AppResult<u64> {
    let me = ctx.user()?;
    Ok(repo::mfa::unused_recovery_codes(app.db.reader(), &me.user.id).await?)
}

/// Global admins decide whether their organization requires MFA.
pub async fn set_org_requirement(app: &App, ctx: &Ctx, required: bool) -> AppResult<()> {
    let me = ctx.user()?;
    me.require(Action::EditCompanyProfile, "organization")?;
    let now = app.now();
    let tx = app.db.begin().await?;
    repo::mfa::set_org_requirement(&tx, &me.org.id, required, now).await?;
    audit::record(
        &tx,
        ctx,
        now,
        Event::new(
            "organization.mfa_requirement_set",
            "organization",
            &me.org.id,
        )
        .in_org(&me.org.id)
        .details(json!({ "required": required })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Operator staff reset a user's MFA (lost device): MFA and recovery codes removed, every
/// session ended; where the organization requires MFA, the user sets it up again at sign-in.
pub async fn operator_reset(app: &App, ctx: &Ctx, user_id: &str) -> AppResult<()> {
    let me = ctx.user()?;
    me.require(Action::ResetUserMfa, "user")?;
    let now = app.now();
    let tx = app.db.begin().await?;
    let u = repo::users::get_for_auth(&tx, user_id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    repo::mfa::clear(&tx, &u.id, now).await?;
    let ended = repo::sessions::revoke_all_for_user(&tx, &u.id, None, now).await?;
    audit::record(
        &tx,
        ctx,
        now,
        Event {
            on_behalf_of_org_id: None,
            ..Event::new("user.mfa_reset", "user", &u.id)
                .in_org(&u.org_id)
                .details(json!({ "sessions_ended": ended, "by": "operator" }))
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The code an authenticator shows at unix time `t` (for tests and the demo).
pub fn code_at(secret_b32: &str, t: u64) -> AppResult<String> {
    Ok(totp(secret_b32)?.generate(t).to_string())
}
