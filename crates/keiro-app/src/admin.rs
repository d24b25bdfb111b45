//! Operator bootstrap and scripting: `keiro admin init` and `keiro admin token create`.
//! Also the shared helpers that create organizations and users (used by the demo world and,
//! later, by enrollment and user management).

use crate::audit::{self, Event};
use crate::secrets::{hash_password, temporary_password};
use crate::{App, AppError, AppResult, CurrentUser, tokens};
use keiro_domain::{
    CompanyProfile, DelegatedAccess, Email, OrgKind, PartnerAuthorization, ProgramRole, Role,
};
use keiro_store::entities::{organization, user};
use keiro_store::repo;
use keiro_store::sea_orm::ConnectionTrait;
use serde_json::json;
use uuid::Uuid;

/// What a new organization is.
pub struct NewOrg {
    pub kind: OrgKind,
    pub profile: CompanyProfile,
    pub program_roles: Vec<ProgramRole>,
    pub authorizations: Vec<PartnerAuthorization>,
    pub partner_id: Option<String>,
    /// A partner still enrolling (otherwise partners are created approved: demo, tests).
    pub enrolling: bool,
}

pub async fn insert_org(
    c: &impl ConnectionTrait,
    app: &App,
    o: NewOrg,
) -> AppResult<organization::Model> {
    let p = CompanyProfile::parse(o.profile)?;
    let now = app.now();
    let m = organization::Model {
        search_text: String::new(),
        id: Uuid::now_v7().to_string(),
        kind: o.kind.code().into(),
        legal_name: p.legal_name,
        address_line1: p.address_line1,
        address_line2: p.address_line2,
        city: p.city,
        region: p.region,
        postal_code: p.postal_code,
        country: p.country,
        phone: p.phone,
        email: p.email,
        website: p.website,
        primary_domain: p.primary_domain,
        program_roles: o
            .program_roles
            .iter()
            .map(|r| r.code())
            .collect::<Vec<_>>()
            .join(","),
        authorizations: o
            .authorizations
            .iter()
            .map(|a| a.code())
            .collect::<Vec<_>>()
            .join(","),
        partner_id: o.partner_id,
        // The program this is modelled on requires MFA for partner organizations.
        require_mfa: o.kind == OrgKind::Partner,
        partner_status: (o.kind == OrgKind::Partner)
            .then(|| if o.enrolling { "enrolling" } else { "approved" }.to_string()),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    repo::insert(c, m.clone()).await?;
    Ok(m)
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub full_name: &'a str,
    pub roles: &'a [Role],
    pub delegated_access: DelegatedAccess,
    /// `None`: a temporary password is generated, returned once, and must be changed (R-USR-1/2).
    pub password: Option<&'a str>,
}

/// Creates a user in `org`; returns it with the temporary password if one was generated.
pub async fn insert_user(
    c: &impl ConnectionTrait,
    app: &App,
    org: &organization::Model,
    u: NewUser<'_>,
) -> AppResult<(user::Model, Option<String>)> {
    let email = Email::parse(u.email)?;
    let kind = OrgKind::parse(&org.kind).ok_or(AppError::Internal("bad org kind".into()))?;
    if u.roles.is_empty() {
        return Err(AppError::validation(
            "roles",
            "roles_required",
            "a user needs at least one role",
        ));
    }
    if let Some(bad) = u.roles.iter().find(|r| !r.valid_for(kind)) {
        return Err(AppError::validation(
            "roles",
            "invalid_role",
            format!(
                "{} is not a role of a {} organization",
                bad.code(),
                kind.code()
            ),
        ));
    }
    let name = u.full_name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::validation(
            "full_name",
            "invalid_full_name",
            "a name of 1 to 200 characters is required",
        ));
    }
    if repo::users::find_by_email(c, email.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::Conflict {
            code: "email_taken",
            message: "a user with this email already exists".into(),
        });
    }
    let (password, temporary) = match u.password {
        Some(p) => (p.to_string(), None),
        None => {
            let t = temporary_password();
            (t.clone(), Some(t))
        }
    };
    let now = app.now();
    let m = user::Model {
        time_zone: None,
        search_text: String::new(),
        id: Uuid::now_v7().to_string(),
        org_id: org.id.clone(),
        email: email.as_str().to_string(),
        full_name: name.to_string(),
        password_hash: hash_password(password, app.config.password_cost).await?,
        must_change_password: temporary.is_some(),
        language: None,
        delegated_access: u.delegated_access.code().into(),
        active: true,
        version: 1,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
        mfa_secret: None,
        mfa_pending_secret: None,
        mfa_enabled: false,
        mfa_last_step: None,
    };
    let codes: Vec<&str> = u.roles.iter().map(|r| r.code()).collect();
    repo::users::insert(c, m.clone(), &codes)
        .await
        .map_err(|e| {
            if e.is_duplicate_of("email") {
                AppError::Conflict {
                    code: "email_taken",
                    message: "a user with this email already exists".into(),
                }
            } else {
                e.into()
            }
        })?;
    Ok((m, temporary))
}

/// Result of `keiro admin init`.
#[derive(Debug)]
pub struct Initialized {
    pub org_id: String,
    pub email: String,
    pub temporary_password: String,
}

/// Creates the operator organization and its first admin, with a temporary password shown once.
pub async fn init_operator(
    app: &App,
    operator_name: &str,
    country: &str,
    email: &str,
    full_name: &str,
) -> AppResult<Initialized> {
    let tx = app.db.begin().await?;
    if repo::orgs::find_operator(&tx).await?.is_some() {
        return Err(AppError::Conflict {
            code: "already_initialized",
            message: "the operator organization already exists; sign in with its admin, or use `keiro demo`".into(),
        });
    }
    let org = insert_org(
        &tx,
        app,
        NewOrg {
            kind: OrgKind::Operator,
            profile: CompanyProfile {
                legal_name: operator_name.into(),
                address_line1: String::new(),
                address_line2: String::new(),
                city: String::new(),
                region: String::new(),
                postal_code: String::new(),
                country: country.into(),
                phone: String::new(),
                email: String::new(),
                website: String::new(),
                primary_domain: String::new(),
            },
            program_roles: vec![],
            authorizations: vec![],
            partner_id: None,
            enrolling: false,
        },
    )
    .await?;
    let (u, temp) = insert_user(
        &tx,
        app,
        &org,
        NewUser {
            email,
            full_name,
            roles: &[Role::OperatorAdmin],
            delegated_access: DelegatedAccess::None,
            password: None,
        },
    )
    .await?;
    let now = app.now();
    audit::record_as(
        &tx,
        None,
        None,
        now,
        Event::new("organization.created", "organization", &org.id)
            .in_org(&org.id)
            .details(json!({ "kind": "operator", "via": "cli" })),
    )
    .await?;
    audit::record_as(
        &tx,
        None,
        None,
        now,
        Event::new("user.created", "user", &u.id)
            .in_org(&org.id)
            .details(json!({ "email": u.email, "roles": ["operator_admin"], "via": "cli" })),
    )
    .await?;
    tx.commit().await?;
    Ok(Initialized {
        org_id: org.id,
        email: u.email,
        temporary_password: temp.unwrap_or_default(),
    })
}

/// `keiro admin token create`: a token for scripting, for an existing user who has chosen a password.
pub async fn token_for_email(
    app: &App,
    email: &str,
    name: &str,
    days: i64,
) -> AppResult<tokens::Created> {
    let email = Email::parse(email)?;
    let u = repo::users::find_by_email(app.db.reader(), email.as_str())
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let me = CurrentUser::load(app.db.reader(), &u.id)
        .await?
        .ok_or(AppError::NotFound("active user"))?;
    if !(1..=app.config.api_token_max_days).contains(&days) {
        return Err(AppError::validation(
            "days",
            "invalid_expiry",
            format!("a token lasts 1 to {} days", app.config.api_token_max_days),
        ));
    }
    tokens::issue(app, None, &me, name, days, None).await
}

/// A sign-up that creates a user, at most once per key: `work` creates the user and stores
/// its id with `idempotency::keep`; the answer is that user, freshly loaded, whether it was
/// created now or by the first request with the key.
pub async fn once_for_new_user<F>(
    app: &App,
    key: Option<crate::idempotency::Key>,
    work: F,
) -> AppResult<crate::idempotency::Outcome<CurrentUser>>
where
    F: AsyncFnOnce(Option<&crate::idempotency::Key>) -> AppResult<String>,
{
    let o = crate::idempotency::once_as(app, key, work, |id: String| id).await?;
    let me = CurrentUser::load(app.db.reader(), &o.value)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    Ok(crate::idempotency::Outcome {
        value: me,
        replayed: o.replayed,
    })
}
