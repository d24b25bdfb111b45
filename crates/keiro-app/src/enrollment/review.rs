//! Review of applications by operator staff (R-ENR-4): the queue, one application, and the
//! decisions (approve, reject, ask for more information), each emailed to the primary contact.

use super::*;

fn reviewer(ctx: &Ctx) -> AppResult<&CurrentUser> {
    let me = ctx.user()?;
    me.require(Action::ReviewEnrollments, "enrollment")?;
    Ok(me)
}

pub async fn queue(
    app: &App,
    ctx: &Ctx,
    state: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<EnrollmentView>> {
    reviewer(ctx)?;
    if let Some(s) = state {
        EnrollmentState::parse(s).ok_or_else(|| {
            AppError::validation("state", "invalid_state", "unknown enrollment state")
        })?;
    }
    let p = repo::enrollments::queue(app.db.reader(), state, cursor, limit).await?;
    let mut items = Vec::with_capacity(p.items.len());
    for e in &p.items {
        items.push(view(app.db.reader(), e).await?);
    }
    Ok(Page {
        items,
        next_cursor: p.next_cursor,
    })
}

pub async fn get(app: &App, ctx: &Ctx, id: &str) -> AppResult<EnrollmentView> {
    reviewer(ctx)?;
    let e = repo::enrollments::get(app.db.reader(), id)
        .await?
        .ok_or(AppError::NotFound("enrollment"))?;
    view(app.db.reader(), &e).await
}

/// A reviewer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
    RequestInfo,
}

pub async fn decide(
    app: &App,
    ctx: &Ctx,
    id: &str,
    decision: Decision,
    note: &str,
) -> AppResult<EnrollmentView> {
    let me = reviewer(ctx)?;
    let note = note.trim();
    if decision != Decision::Approve && (note.is_empty() || note.chars().count() > 2000) {
        return Err(AppError::validation(
            "note",
            "note_required",
            "give the reason or question (1 to 2000 characters)",
        ));
    }
    let tx = app.db.begin().await?;
    let mut e = repo::enrollments::get(&tx, id)
        .await?
        .ok_or(AppError::NotFound("enrollment"))?;
    let event = match decision {
        Decision::Approve => EnrollmentEvent::Approve,
        Decision::Reject => EnrollmentEvent::Reject,
        Decision::RequestInfo => EnrollmentEvent::RequestInfo,
    };
    let Some(next) = state_of(&e)?.next(event) else {
        return Err(AppError::Conflict {
            code: "enrollment_not_in_review",
            message: format!("the application is {}, not in review", e.state),
        });
    };
    let now = app.now();
    let from = e.state.clone();
    e.state = next.code().into();
    e.review_note = note.to_string();
    e.decided_by = Some(me.user.id.clone());
    e.decided_at = Some(now);
    repo::enrollments::save(&tx, &e, &from, now).await?;
    let org = repo::orgs::get(&tx, &e.org_id)
        .await?
        .ok_or(AppError::NotFound("organization"))?;
    let applicant = CurrentUser::load(&tx, &e.applicant_user_id).await?;
    let lang = applicant.as_ref().map(lang_of).unwrap_or(Language::En);
    match decision {
        Decision::Approve => {
            let rec_id = e
                .membership_record_id
                .clone()
                .ok_or(AppError::Internal("approved without membership".into()))?;
            let rec = repo::registry::get(&tx, &rec_id)
                .await?
                .ok_or(AppError::NotFound("membership record"))?;
            let mut roles: Vec<String> = org
                .program_roles
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            if !roles.contains(&e.program_role) {
                roles.push(e.program_role.clone());
            }
            approve_org(&tx, &org.id, &rec.partner_id, &roles.join(","), now).await?;
            // R-USR-6: the enrolling user becomes global admin and admin agent.
            if let Some(a) = &applicant {
                let mut codes: Vec<&str> = a.actor.roles.iter().map(|r| r.code()).collect();
                for r in [Role::GlobalAdmin.code(), Role::AdminAgent.code()] {
                    if !codes.contains(&r) {
                        codes.push(r);
                    }
                }
                repo::users::set_roles(&tx, &a.user.id, &org.id, &codes).await?;
            }
            notify(
                &tx,
                app,
                &e,
                &org.legal_name,
                lang,
                "enrollment-approved",
                &[("partner_id", rec.partner_id.clone())],
            )
            .await?;
        }
        Decision::Reject => {
            repo::orgs::set_partner_standing(&tx, &org.id, "rejected", None, None, now).await?;
            if let Some(rec) = &e.membership_record_id {
                repo::registry::release(&tx, rec, &org.id).await?;
            }
            notify(
                &tx,
                app,
                &e,
                &org.legal_name,
                lang,
                "enrollment-rejected",
                &[("note", note.to_string())],
            )
            .await?;
        }
        Decision::RequestInfo => {
            notify(
                &tx,
                app,
                &e,
                &org.legal_name,
                lang,
                "enrollment-more-info",
                &[("note", note.to_string())],
            )
            .await?;
        }
    }
    audit::record(
        &tx,
        ctx,
        now,
        Event::new(&format!("enrollment.{}", e.state), "enrollment", &e.id)
            .in_org(&e.org_id)
            .details(json!({ "note": note })),
    )
    .await?;
    let e = repo::enrollments::get(&tx, id)
        .await?
        .ok_or(AppError::NotFound("enrollment"))?;
    let v = view(&tx, &e).await?;
    tx.commit().await.map_err(AppError::from)?;
    Ok(v)
}

/// Approves a partner: status, partner ID, program roles.
pub(super) async fn approve_org(
    tx: &DatabaseTransaction,
    org_id: &str,
    partner_id: &str,
    program_roles: &str,
    now: time::OffsetDateTime,
) -> AppResult<()> {
    repo::orgs::set_partner_standing(
        tx,
        org_id,
        "approved",
        Some(partner_id),
        Some(program_roles),
        now,
    )
    .await
    .map_err(|e| match e {
        keiro_store::StoreError::Duplicate(_) => AppError::Conflict {
            code: "partner_id_taken",
            message: "another organization already holds this partner ID".into(),
        },
        other => other.into(),
    })
}
