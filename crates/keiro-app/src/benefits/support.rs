//! Sending the operator a request through a benefit (R-BEN-7, R-BEN-8, issue 18 points 3 and 4):
//! any partner user opens a technical support request through an activated technical benefit
//! (it carries the access ID and contract ID and uses one incident, on the ledger's guarded
//! write; signature cloud support only for Silver and Gold), or a technical presales and
//! deployment request through partner advisory hours (no activation, no assignment; operator
//! staff record the hours when they answer).

use super::packages::allocation_row;
use super::partner_user;
use super::requests::{RequestView, request_refused, request_views};
use crate::audit::{self, Event};
use crate::idempotency::{self, Key, Outcome};
use crate::{App, AppError, AppResult, Ctx, outbox};
use keiro_domain::benefit::{
    self as rules, AllocationState, BenefitKind, RequestRefusal, SupportTopic,
};
use keiro_domain::enrollment::MembershipLevel;
use keiro_store::entities::benefit_request;
use keiro_store::repo;
use serde_json::json;
use uuid::Uuid;

/// What a partner user sends: through which allocation, of which kind, about what.
#[derive(Debug, Clone)]
pub struct SupportInput {
    /// technical_support or advisory.
    pub kind: String,
    pub allocation_id: String,
    /// product or cloud (a technical support request).
    pub topic: Option<String>,
    pub description: String,
}

/// Any partner user sends the operator a technical support or advisory request through one of
/// the partner's allocations. Refusals: wrong_benefit_for_request, benefit_not_active,
/// benefit_not_activated, cloud_support_not_included, no_incidents_left, no_hours_left.
pub async fn open_request(
    app: &App,
    ctx: &Ctx,
    input: SupportInput,
    idem: Option<&str>,
) -> AppResult<Outcome<RequestView>> {
    let me = partner_user(ctx)?;
    let description = rules::description(&input.description)?;
    let support = match input.kind.as_str() {
        "technical_support" => true,
        "advisory" => false,
        _ => {
            return Err(AppError::validation(
                "kind",
                "invalid_kind",
                "kind is technical_support or advisory",
            ));
        }
    };
    let topic = if support {
        Some(SupportTopic::parse(input.topic.as_deref().unwrap_or(""))?)
    } else {
        None
    };
    let key = Key::of_org(
        "benefit_requests",
        me,
        idem,
        &json!({ "kind": input.kind, "allocation": input.allocation_id,
                 "topic": topic.map(|t| t.code()), "description": description }),
    )?;
    idempotency::once(app, key, async |key| {
        let now = app.now();
        let tx = app.db.begin().await?;
        let a = allocation_row(&tx, me, &input.allocation_id).await?;
        let wanted = if support {
            BenefitKind::TechnicalSupport
        } else {
            BenefitKind::AdvisoryHours
        };
        if a.kind != wanted.code() {
            return Err(request_refused(RequestRefusal::WrongBenefit));
        }
        let active = AllocationState::at(a.state == "cancelled", a.starts_at, a.expires_at, now)
            == AllocationState::Active;
        let left = (a.quantity - a.used).max(0);
        if let Some(t) = topic {
            let p = repo::benefits::package(&tx, &a.package_id)
                .await?
                .ok_or(AppError::NotFound("benefit_package"))?;
            let level = MembershipLevel::parse(&p.level).unwrap_or(MembershipLevel::None);
            rules::may_open_support(level, t, active, a.activated_at.is_some(), left)
                .map_err(request_refused)?;
            if !repo::benefits::use_units(&tx, &a.id, 1, now).await? {
                return Err(request_refused(RequestRefusal::NoIncidentsLeft));
            }
        } else if !active {
            return Err(request_refused(RequestRefusal::NotActive));
        } else if left == 0 {
            return Err(request_refused(RequestRefusal::NoHoursLeft));
        }
        let r = benefit_request::Model {
            id: Uuid::now_v7().to_string(),
            org_id: me.org.id.clone(),
            kind: input.kind.clone(),
            package_id: Some(a.package_id.clone()),
            allocation_id: Some(a.id.clone()),
            description: description.clone(),
            state: "open".into(),
            opened_by: Some(me.user.id.clone()),
            opened_at: now,
            decided_by: None,
            decided_at: None,
            decision_reason: None,
            version: 1,
            topic: topic.map(|t| t.code().to_string()),
            access_id: a.access_id.clone().filter(|_| support),
            contract_id: a.contract_id.clone().filter(|_| support),
            hours_used: None,
        };
        repo::benefits::insert_request(&tx, r.clone()).await?;
        audit::record(
            &tx,
            ctx,
            now,
            Event::new("benefit_request.opened", "benefit_request", &r.id)
                .in_org(&me.org.id)
                .details(json!({ "kind": r.kind, "allocation": a.id, "topic": r.topic })),
        )
        .await?;
        let mut to = vec![me.org.id.as_str()];
        let op = repo::orgs::find_operator(&tx).await?;
        if let Some(op) = &op {
            to.push(op.id.as_str());
        }
        outbox::enqueue_event(
            &tx,
            app,
            &to,
            "benefit_request.opened",
            json!({ "request": r.id, "kind": r.kind, "allocation": a.id, "topic": r.topic,
                    "access_id": r.access_id, "contract_id": r.contract_id }),
        )
        .await?;
        let v = request_views(&tx, vec![r]).await?.remove(0);
        idempotency::keep(&tx, key, 201, &v, now).await?;
        tx.commit().await?;
        Ok(v)
    })
    .await
}
