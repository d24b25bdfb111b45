//! The dashboard's work (issue 14, point 7): what waits for this user, counted through the use
//! cases that hold the rules. Each count is taken as the user, so what their roles do not
//! show them is left out.

use crate::{
    App, AppError, AppResult, Ctx, enrollment, gdap, invitations, service_requests, subscriptions,
};
use keiro_domain::OrgKind;
use keiro_domain::invitation::{InvitationKind, InvitationState};
use time::Duration;

/// One kind of waiting work: how many, and where it is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Work {
    /// `gdap-awaiting-customer`, `gdap-awaiting-you`, `service-requests-open`,
    /// `subscriptions-ending`, `applications-to-review`, `partnership-requests-open`.
    pub kind: &'static str,
    pub count: usize,
    pub href: String,
}

/// What a refusal means here: the user's roles do not show them this work.
fn shown<T>(r: AppResult<T>) -> AppResult<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(AppError::Forbidden { .. } | AppError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Days ahead in which an ending term or trial counts as waiting.
pub const ENDING_WITHIN_DAYS: i64 = 30;

/// The work waiting for the caller, in the order the dashboard shows it (only what there is).
pub async fn work(app: &App, ctx: &Ctx) -> AppResult<Vec<Work>> {
    let me = ctx.user()?;
    let mut out = Vec::new();
    let mut add = |kind: &'static str, count: usize, href: &str| {
        if count > 0 {
            out.push(Work {
                kind,
                count,
                href: href.to_string(),
            });
        }
    };
    let kind = me.actor.org_kind;
    if let Some(p) = shown(gdap::list(app, ctx, None, 200).await)? {
        let pending = p
            .items
            .iter()
            .filter(|g| g.state == "approval_pending")
            .count();
        match kind {
            OrgKind::Customer => add("gdap-awaiting-you", pending, "/gdap"),
            _ => add("gdap-awaiting-customer", pending, "/gdap"),
        }
    }
    if kind == OrgKind::Customer
        && let Some(p) = shown(service_requests::list(app, ctx, &me.org.id, None, 200).await)?
    {
        let open = p
            .items
            .iter()
            .filter(|r| {
                keiro_domain::service_request::Status::parse(&r.status)
                    .is_ok_and(keiro_domain::service_request::Status::is_open)
            })
            .count();
        add("service-requests-open", open, "/support");
    }
    if kind != OrgKind::Operator
        && let Some(p) = shown(subscriptions::list(app, ctx, None, None, None, 500).await)?
    {
        let until = app.now() + Duration::days(ENDING_WITHIN_DAYS);
        let ending = p
            .items
            .iter()
            .filter(|s| s.state == "active" && s.term_ends_at <= until)
            .count();
        add("subscriptions-ending", ending, "/subscriptions");
    }
    if kind == OrgKind::Operator
        && let Some(p) = shown(enrollment::queue(app, ctx, Some("in_review"), None, 200).await)?
    {
        add(
            "applications-to-review",
            p.items.len(),
            "/operator/enrollments",
        );
    }
    if kind == OrgKind::Partner
        && let Some(p) = shown(
            invitations::list(
                app,
                ctx,
                InvitationKind::Partnership,
                Some(InvitationState::Open),
                None,
                200,
            )
            .await,
        )?
    {
        let open = p.items.iter().filter(|l| l.expires_at > app.now()).count();
        add("partnership-requests-open", open, "/indirect-resellers");
    }
    Ok(out)
}
