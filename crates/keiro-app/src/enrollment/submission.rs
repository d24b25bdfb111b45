//! Submitting an application and verifying its primary contact by a link sent to it
//! (R-ENR-3, R-ENR-4).

use super::*;

/// Submits (or resubmits) the application. Unverified contact: a verification link is emailed.
pub async fn submit(app: &App, ctx: &Ctx) -> AppResult<EnrollmentView> {
    let tx = app.db.begin().await?;
    let (mut e, me) = mine(&tx, ctx).await?;
    let org = repo::orgs::get(&tx, &e.org_id)
        .await?
        .ok_or(AppError::NotFound("organization"))?;
    let gaps = missing(&e, &org);
    if !gaps.is_empty() {
        return Err(AppError::validation(
            "enrollment",
            "enrollment_incomplete",
            format!("still missing: {}", gaps.join(", ")),
        ));
    }
    let verified = e.contact_verified_at.is_some();
    let Some(next) = state_of(&e)?.next(EnrollmentEvent::Submit { verified }) else {
        return Err(not_editable(&e));
    };
    let from = e.state.clone();
    let now = app.now();
    e.state = next.code().into();
    e.submitted_at = Some(now);
    repo::enrollments::save(&tx, &e, &from, now).await?;
    let lang = lang_of(&me);
    if next == EnrollmentState::PendingVerification {
        repo::verifications::retire_for(&tx, VERIFY_PURPOSE, &e.id, now).await?;
        let token = new_token("kv_");
        let expires = now + Duration::hours(app.config.verification_link_hours);
        repo::insert(
            &tx,
            email_verification::Model {
                id: Uuid::now_v7().to_string(),
                token_hash: sha256_hex(&token),
                purpose: VERIFY_PURPOSE.into(),
                subject_id: e.id.clone(),
                email: e.primary_contact_email.clone(),
                expires_at: expires,
                used_at: None,
                created_at: now,
            },
        )
        .await?;
        let link = format!(
            "{}/enroll/verify?token={token}",
            app.config.public_url.trim_end_matches('/')
        );
        notify(
            &tx,
            app,
            &e,
            &org.legal_name,
            lang,
            "enrollment-verify",
            &[
                ("link", link),
                ("expires", crate::mail::time(app, expires, lang, None)),
            ],
        )
        .await?;
    } else {
        notify(
            &tx,
            app,
            &e,
            &org.legal_name,
            lang,
            "enrollment-in-review",
            &[],
        )
        .await?;
    }
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("enrollment.submitted", "enrollment", &e.id)
            .in_org(&e.org_id)
            .details(json!({ "state": e.state })),
    )
    .await?;
    let e = repo::enrollments::get(&tx, &e.id)
        .await?
        .ok_or(AppError::NotFound("enrollment"))?;
    let v = view(&tx, &e).await?;
    tx.commit().await?;
    Ok(v)
}

/// Follows a verification link. Expired, used or unknown links change nothing and say why.
pub async fn verify(app: &App, ctx: &Ctx, token: &str) -> AppResult<String> {
    let now = app.now();
    let bad = |code: &'static str, m: &str| AppError::validation("token", code, m);
    if !token.starts_with("kv_") || token.len() > 100 {
        return Err(bad(
            "verification_link_invalid",
            "this verification link is not valid",
        ));
    }
    let tx = app.db.begin().await?;
    let v = repo::verifications::find(&tx, &sha256_hex(token))
        .await?
        .ok_or_else(|| {
            bad(
                "verification_link_invalid",
                "this verification link is not valid",
            )
        })?;
    if v.used_at.is_some() {
        return Err(bad(
            "verification_link_used",
            "this verification link was already used or replaced by a newer one",
        ));
    }
    if v.expires_at <= now {
        return Err(bad(
            "verification_link_expired",
            "this verification link has expired; submit the application again for a new one",
        ));
    }
    if !repo::verifications::use_once(&tx, &v.id, now).await? {
        return Err(bad(
            "verification_link_used",
            "this verification link was already used",
        ));
    }
    let mut e = repo::enrollments::get(&tx, &v.subject_id)
        .await?
        .ok_or(AppError::NotFound("enrollment"))?;
    if e.primary_contact_email != v.email {
        return Err(bad(
            "verification_link_used",
            "the primary contact changed since this link was sent",
        ));
    }
    let org = repo::orgs::get(&tx, &e.org_id)
        .await?
        .ok_or(AppError::NotFound("organization"))?;
    let from = e.state.clone();
    e.contact_verified_at = Some(now);
    if let Some(next) = state_of(&e)?.next(EnrollmentEvent::Verify) {
        e.state = next.code().into();
    }
    repo::enrollments::save(&tx, &e, &from, now).await?;
    let applicant = CurrentUser::load(&tx, &e.applicant_user_id).await?;
    let lang = applicant.as_ref().map(lang_of).unwrap_or(Language::En);
    if e.state == EnrollmentState::InReview.code() {
        notify(
            &tx,
            app,
            &e,
            &org.legal_name,
            lang,
            "enrollment-in-review",
            &[],
        )
        .await?;
    }
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("enrollment.contact_verified", "enrollment", &e.id)
            .in_org(&e.org_id)
            .details(json!({ "email": v.email, "state": e.state })),
    )
    .await?;
    tx.commit().await?;
    Ok(e.state)
}
