//! Acting inside another organization: the rights rows the owner granted to the actor's
//! organization, turned into the policy's [`Target`]. Loaded on the connection of the action
//! itself, so a revocation counts from the very next request on every node.

use crate::{AppError, AppResult, CurrentUser};
use keiro_domain::{Action, Decision, Grant, OrgKind, Role, Target, decide};
use keiro_store::entities::organization;
use keiro_store::repo;
use keiro_store::sea_orm::ConnectionTrait;
use time::OffsetDateTime;

/// A provider's admin access to a partnered reseller's organization (R-PRT-4).
pub const PROVIDER_ADMIN: &str = "provider_admin";

/// Delegated admin over a customer (R-REL-3, R-REL-7): the customer's global admin rights for
/// partner users with full delegated access, password admin rights for limited access.
pub const DAP: &str = "dap";

/// The target for resources owned by `owner`, with the grants it gave the actor's organization
/// that are live at `now`: rights rows, and GDAP access assignments of relationships that are
/// active and not past their end.
pub async fn target(
    c: &impl ConnectionTrait,
    me: &CurrentUser,
    owner: &organization::Model,
    now: OffsetDateTime,
) -> AppResult<Target> {
    let owner_kind = OrgKind::parse(&owner.kind)
        .ok_or_else(|| AppError::Internal(format!("unknown org kind {}", owner.kind)))?;
    let mut grants = Vec::new();
    if owner.id != me.org.id {
        for r in repo::rights::live(c, &owner.id, &me.org.id).await? {
            if r.kind == PROVIDER_ADMIN || r.kind == DAP {
                grants.push(Grant::DelegatedAdmin);
            }
        }
        for a in repo::gdap::live_assignments(c, &owner.id, &me.org.id, now).await? {
            let Ok(group) = a.group_id.parse::<uuid::Uuid>() else {
                continue;
            };
            grants.push(Grant::GroupRoles {
                group,
                roles: a.roles.split(',').filter_map(Role::parse).collect(),
            });
        }
    }
    Ok(Target {
        owner: owner
            .id
            .parse()
            .map_err(|e: uuid::Error| AppError::Internal(e.to_string()))?,
        owner_kind,
        grants,
    })
}

/// Loads `owner_id` and refuses unless the actor may do `action` there (404 when the actor has
/// no rights there at all).
pub async fn require_in(
    c: &impl ConnectionTrait,
    me: &CurrentUser,
    owner_id: &str,
    action: Action,
    what: &'static str,
    now: OffsetDateTime,
) -> AppResult<organization::Model> {
    let owner = repo::orgs::get(c, owner_id)
        .await?
        .ok_or(AppError::NotFound(what))?;
    let t = target(c, me, &owner, now).await?;
    match decide(&me.actor, action, &t) {
        Decision::Allow => Ok(owner),
        Decision::Deny(r) => Err(AppError::denied(r, what)),
    }
}
