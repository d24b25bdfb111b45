//! Who is acting, on which request. Loaded fresh from the database on every request, so a role
//! removed or a user deactivated counts at once on every node.

use crate::{AppError, AppResult};
use keiro_domain::{
    Action, Actor, DelegatedAccess, Language, OrgKind, Role, Target, UserId, decide,
};
use keiro_store::entities::{organization, user};
use keiro_store::repo;
use keiro_store::sea_orm::ConnectionTrait;

/// The signed-in user, with their organization and roles.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub actor: Actor,
    pub user: user::Model,
    pub org: organization::Model,
}

impl CurrentUser {
    /// The user with this id as an actor, or `None` if there is none or they are deactivated.
    pub async fn load(c: &impl ConnectionTrait, user_id: &str) -> AppResult<Option<CurrentUser>> {
        match repo::caller::by_user(c, user_id).await? {
            Some(p) => CurrentUser::of(p),
            None => Ok(None),
        }
    }

    /// The actor a principal read by `repo::caller` is, or `None` if the user is deactivated.
    pub fn of(p: repo::caller::Principal) -> AppResult<Option<CurrentUser>> {
        let repo::caller::Principal {
            user,
            org,
            roles,
            groups,
        } = p;
        if !user.active {
            return Ok(None);
        }
        let kind = OrgKind::parse(&org.kind)
            .ok_or(AppError::Internal(format!("unknown org kind {}", org.kind)))?;
        let actor = Actor {
            user_id: user
                .id
                .parse::<UserId>()
                .map_err(|e| AppError::Internal(e.to_string()))?,
            org_id: org
                .id
                .parse()
                .map_err(|e: uuid::Error| AppError::Internal(e.to_string()))?,
            org_kind: kind,
            roles: roles.iter().filter_map(|r| Role::parse(r)).collect(),
            delegated_access: DelegatedAccess::parse(&user.delegated_access).unwrap_or_default(),
            // Security groups are a partner's (R-GDAP); elsewhere they grant nothing.
            groups: if kind == OrgKind::Partner {
                groups.iter().filter_map(|g| g.parse().ok()).collect()
            } else {
                Vec::new()
            },
            org_approved: kind != OrgKind::Partner
                || org
                    .partner_status
                    .as_deref()
                    .is_none_or(|s| s == "approved"),
        };
        Ok(Some(CurrentUser { actor, user, org }))
    }

    pub fn language(&self) -> Option<Language> {
        self.user.language.as_deref().and_then(Language::parse)
    }

    /// The time zone this user reads times in, when reading `lang` (issue 14): their choice,
    /// else Asia/Tokyo in Japanese, else the deployment's `configured` zone.
    pub fn zone(&self, lang: Language, configured: &str) -> keiro_domain::display::Zone {
        keiro_domain::display::Zone::for_reader(self.user.time_zone.as_deref(), lang, configured)
    }

    /// May this user do `action` in their own organization?
    pub fn may(&self, action: Action) -> bool {
        decide(&self.actor, action, &Target::own(&self.actor)).is_allowed()
    }

    /// Refuses with the policy's reason unless allowed in their own organization.
    pub fn require(&self, action: Action, what: &'static str) -> AppResult<()> {
        match decide(&self.actor, action, &Target::own(&self.actor)) {
            keiro_domain::Decision::Allow => Ok(()),
            keiro_domain::Decision::Deny(r) => Err(AppError::denied(r, what)),
        }
    }
}

/// One request: the acting user (if signed in), the request id for audit rows, and the client
/// address for throttles.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub user: Option<CurrentUser>,
    pub request_id: Option<String>,
    pub client_ip: String,
}

impl Ctx {
    pub fn anonymous(request_id: Option<String>, client_ip: impl Into<String>) -> Self {
        Ctx {
            user: None,
            request_id,
            client_ip: client_ip.into(),
        }
    }

    /// The signed-in user, or `Unauthenticated`; also refuses users who still hold a temporary
    /// password (R-USR-2).
    pub fn user(&self) -> AppResult<&CurrentUser> {
        let u = self.user.as_ref().ok_or(AppError::Unauthenticated)?;
        if u.user.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        Ok(u)
    }

    /// The signed-in user even if they must still change their password (only for that change
    /// and for signing out).
    pub fn user_allowing_temporary(&self) -> AppResult<&CurrentUser> {
        self.user.as_ref().ok_or(AppError::Unauthenticated)
    }
}
