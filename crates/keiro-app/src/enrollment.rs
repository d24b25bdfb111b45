//! Partner enrollment and its review (R-ENR-1…5, R-USR-6).
//!
//! An applicant creates a work account (a new partner organization, still "enrolling", and
//! its first user), then fills the application step by step: program role, membership record
//! (proved with its claim secret; active and in the organization's country), legal business
//! profile, primary and support contacts. Each step can be repeated and the wizard resumed.
//! Submitting sends a verification link to the primary contact; once verified the application
//! waits for the operator's review staff, who approve, reject with a reason, or ask for more
//! information. Every status change is emailed to the primary contact and audited.

use crate::admin::{NewOrg, NewUser, insert_org, insert_user};
use crate::audit::{self, Event};
use crate::idempotency::{self, Key, Outcome};
use crate::secrets::{ct_eq, new_token, sha256_hex};
use crate::{App, AppError, AppResult, Ctx, CurrentUser, outbox};
use keiro_domain::enrollment::{
    DEFAULT_WEBMAIL_DOMAINS, EnrollmentEvent, EnrollmentState, MembershipStatus, is_webmail,
    parse_partner_id,
};
use keiro_domain::{
    Action, CompanyProfile, DelegatedAccess, Email, Language, OrgKind, ProgramRole, Role,
};
use keiro_store::entities::{email_verification, enrollment, organization};
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::{ConnectionTrait, DatabaseTransaction};
use serde_json::json;
use time::Duration;
use uuid::Uuid;

mod review;
pub use review::*;

mod draft;
pub use draft::*;

mod submission;
pub use submission::*;

const VERIFY_PURPOSE: &str = "enrollment_primary_contact";

/// What a new applicant gives to create a work account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub company_name: String,
    pub country: String,
    pub primary_domain: String,
    pub full_name: String,
    pub email: String,
    pub password: String,
    pub program_role: String,
    /// The language the applicant enrolled in: their emails (verification first) use it.
    pub language: Option<Language>,
}

fn program_role(s: &str) -> AppResult<ProgramRole> {
    match ProgramRole::parse(s) {
        Some(r @ (ProgramRole::IndirectReseller | ProgramRole::IndirectProvider)) => Ok(r),
        _ => Err(AppError::validation(
            "program_role",
            "invalid_program_role",
            "enroll as indirect_reseller or indirect_provider",
        )),
    }
}

/// Creates the applicant's organization (enrolling), its first user and a draft application;
/// with `idem`, once per key (a replay answers the same user, and the caller signs in).
pub async fn create_account(
    app: &App,
    ctx: &Ctx,
    a: NewAccount,
    idem: Option<&str>,
) -> AppResult<Outcome<CurrentUser>> {
    // The fingerprint leaves the password out: a fast hash of it is never stored.
    let key = Key::maybe(
        "enrollment_accounts",
        idem,
        &json!({ "company_name": a.company_name, "country": a.country, "primary_domain": a.primary_domain,
            "full_name": a.full_name, "email": a.email, "program_role": a.program_role,
            "language": a.language.map(Language::code) }),
    )?;
    crate::admin::once_for_new_user(app, key, async |key| {
        create_account_once(app, ctx, a, key).await
    })
    .await
}

async fn create_account_once(
    app: &App,
    ctx: &Ctx,
    a: NewAccount,
    key: Option<&Key>,
) -> AppResult<String> {
    let now = app.now();
    let per_address = format!("enroll:{}", ctx.client_ip);
    app.count(
        &app.throttle.signin_ip,
        &per_address,
        "too_many_sign_ins_from_address",
    )
    .await?;
    let role = program_role(&a.program_role)?;
    keiro_domain::password::check_new_password(&a.password, &a.email)?;
    let tx = app.db.begin().await?;
    let org = insert_org(
        &tx,
        app,
        NewOrg {
            kind: OrgKind::Partner,
            profile: CompanyProfile {
                legal_name: a.company_name,
                address_line1: String::new(),
                address_line2: String::new(),
                city: String::new(),
                region: String::new(),
                postal_code: String::new(),
                country: a.country,
                phone: String::new(),
                email: String::new(),
                website: String::new(),
                primary_domain: a.primary_domain,
            },
            program_roles: vec![],
            authorizations: vec![],
            partner_id: None,
            enrolling: true,
        },
    )
    .await?;
    let (u, _) = insert_user(
        &tx,
        app,
        &org,
        NewUser {
            email: &a.email,
            full_name: &a.full_name,
            roles: &[Role::GlobalAdmin],
            delegated_access: DelegatedAccess::Full,
            password: Some(&a.password),
        },
    )
    .await?;
    if let Some(l) = a.language {
        repo::users::set_preferences(
            &tx,
            &u.id,
            u.version,
            &u.full_name,
            (Some(l.code()), None),
            now,
        )
        .await?;
    }
    // The applicant is the first primary contact, unless theirs is a web-mail address.
    let contact_email = match primary_email(app, &u.email) {
        Ok(e) => e.to_string(),
        Err(_) => String::new(),
    };
    let e = enrollment::Model {
        id: Uuid::now_v7().to_string(),
        org_id: org.id.clone(),
        applicant_user_id: u.id.clone(),
        program_role: role.code().into(),
        state: EnrollmentState::Draft.code().into(),
        membership_record_id: None,
        primary_contact_name: u.full_name.clone(),
        primary_contact_email: contact_email,
        primary_contact_phone: String::new(),
        support_email: String::new(),
        support_phone: String::new(),
        support_website: String::new(),
        contact_verified_at: None,
        submitted_at: None,
        review_note: String::new(),
        decided_by: None,
        decided_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    repo::insert(&tx, e.clone()).await?;
    audit::record_as(
        &tx,
        None,
        ctx.request_id.as_deref(),
        now,
        Event::new("enrollment.account_created", "enrollment", &e.id)
            .in_org(&org.id)
            .details(json!({ "email": u.email, "program_role": e.program_role })),
    )
    .await?;
    idempotency::keep(&tx, key, 201, &u.id, now).await?;
    tx.commit().await?;
    Ok(u.id)
}

/// The application as its applicant or a reviewer sees it.
#[derive(Debug, Clone)]
pub struct EnrollmentView {
    pub id: String,
    pub org_id: String,
    pub state: String,
    pub program_role: String,
    pub company: CompanyProfile,
    pub membership: Option<crate::registry::RecordView>,
    pub primary_contact_name: String,
    pub primary_contact_email: String,
    pub primary_contact_phone: String,
    pub primary_contact_verified: bool,
    pub support_email: String,
    pub support_phone: String,
    pub support_website: String,
    pub review_note: String,
    /// What is still missing before the application can be submitted.
    pub missing: Vec<&'static str>,
    pub version: i64,
}

fn missing(e: &enrollment::Model, org: &organization::Model) -> Vec<&'static str> {
    let mut m = vec![];
    if e.membership_record_id.is_none() {
        m.push("membership");
    }
    if org.address_line1.is_empty()
        || org.city.is_empty()
        || org.postal_code.is_empty()
        || org.phone.is_empty()
    {
        m.push("profile");
    }
    if e.primary_contact_name.trim().is_empty()
        || e.primary_contact_email.is_empty()
        || e.primary_contact_phone.is_empty()
    {
        m.push("primary_contact");
    }
    if e.support_email.is_empty() && e.support_phone.is_empty() {
        m.push("support_contact");
    }
    m
}

async fn view(c: &impl ConnectionTrait, e: &enrollment::Model) -> AppResult<EnrollmentView> {
    let org = repo::orgs::get(c, &e.org_id)
        .await?
        .ok_or(AppError::NotFound("organization"))?;
    let membership = match &e.membership_record_id {
        Some(id) => repo::registry::get(c, id)
            .await?
            .map(|m| crate::registry::view(&m)),
        None => None,
    };
    Ok(EnrollmentView {
        id: e.id.clone(),
        org_id: e.org_id.clone(),
        state: e.state.clone(),
        program_role: e.program_role.clone(),
        company: crate::orgs::profile_of(&org),
        membership,
        primary_contact_name: e.primary_contact_name.clone(),
        primary_contact_email: e.primary_contact_email.clone(),
        primary_contact_phone: e.primary_contact_phone.clone(),
        primary_contact_verified: e.contact_verified_at.is_some(),
        support_email: e.support_email.clone(),
        support_phone: e.support_phone.clone(),
        support_website: e.support_website.clone(),
        review_note: e.review_note.clone(),
        missing: missing(e, &org),
        version: e.version,
    })
}

/// The caller's own application, for a global admin of the applying organization.
async fn mine(c: &impl ConnectionTrait, ctx: &Ctx) -> AppResult<(enrollment::Model, CurrentUser)> {
    let me = ctx.user()?.clone();
    let e = repo::enrollments::for_org(c, &me.org.id)
        .await?
        .ok_or(AppError::NotFound("enrollment"))?;
    if !me.actor.roles.contains(&Role::GlobalAdmin) {
        return Err(AppError::denied(
            keiro_domain::DenyReason::RoleRequired(vec![Role::GlobalAdmin]),
            "enrollment",
        ));
    }
    Ok((e, me))
}

fn state_of(e: &enrollment::Model) -> AppResult<EnrollmentState> {
    EnrollmentState::parse(&e.state).ok_or(AppError::Internal(format!(
        "unknown enrollment state {}",
        e.state
    )))
}

fn not_editable(e: &enrollment::Model) -> AppError {
    AppError::Conflict {
        code: "enrollment_not_editable",
        message: format!("the application is {} and cannot be changed now", e.state),
    }
}

pub async fn get_mine(app: &App, ctx: &Ctx) -> AppResult<EnrollmentView> {
    let (e, _) = mine(app.db.reader(), ctx).await?;
    view(app.db.reader(), &e).await
}

fn lang_of(me: &CurrentUser) -> Language {
    me.language().unwrap_or(Language::En)
}

async fn notify(
    tx: &DatabaseTransaction,
    app: &App,
    e: &enrollment::Model,
    company: &str,
    lang: Language,
    template: &str,
    extra: &[(&str, String)],
) -> AppResult<()> {
    let mut args = vec![
        ("name", e.primary_contact_name.clone()),
        ("company", company.to_string()),
    ];
    args.extend(extra.iter().map(|(k, v)| (*k, v.clone())));
    outbox::enqueue_email(
        tx,
        app,
        Some(&e.org_id),
        template,
        &e.primary_contact_email,
        lang,
        &args,
    )
    .await
}

/// Why an organization may not create its reseller account (R-ENR-5), if so: only a partner
/// already in the program (it holds a partner ID) that is not an indirect reseller yet. The
/// portal offers the form only when this is `None`; [`reseller_account`] refuses with it.
pub fn reseller_account_refusal(org: &organization::Model) -> Option<AppError> {
    if org.kind != OrgKind::Partner.code() {
        return Some(AppError::NotFound("organization"));
    }
    if org
        .program_roles
        .split(',')
        .any(|r| r == ProgramRole::IndirectReseller.code())
    {
        return Some(AppError::Conflict {
            code: "already_reseller",
            message: "your organization is already an indirect reseller".into(),
        });
    }
    if org.partner_id.is_none() {
        return Some(AppError::Conflict {
            code: "enrollment_required",
            message: "enroll in the program first".into(),
        });
    }
    None
}

/// R-ENR-5: a partner already in the program creates its reseller account with only its
/// support contact details.
pub async fn reseller_account(
    app: &App,
    ctx: &Ctx,
    support_email: &str,
    support_phone: &str,
    support_website: &str,
) -> AppResult<Vec<String>> {
    let me = ctx.user()?;
    me.require(Action::EditCompanyProfile, "organization")?;
    if me.actor.org_kind != OrgKind::Partner {
        return Err(AppError::NotFound("organization"));
    }
    let se = match support_email.trim() {
        "" => String::new(),
        s => Email::parse(s)?.to_string(),
    };
    if se.is_empty() && support_phone.trim().is_empty() {
        return Err(AppError::validation(
            "support_email",
            "support_contact_required",
            "give a support email or phone for your customers",
        ));
    }
    let tx = app.db.begin().await?;
    let org = repo::orgs::get(&tx, &me.org.id)
        .await?
        .ok_or(AppError::NotFound("organization"))?;
    if let Some(e) = reseller_account_refusal(&org) {
        return Err(e);
    }
    let mut roles: Vec<String> = org
        .program_roles
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    roles.push(ProgramRole::IndirectReseller.code().into());
    let partner_id = org.partner_id.clone().ok_or(AppError::Conflict {
        code: "enrollment_required",
        message: "enroll in the program first".into(),
    })?;
    review::approve_org(&tx, &org.id, &partner_id, &roles.join(","), app.now()).await?;
    let now = app.now();
    match repo::enrollments::for_org(&tx, &org.id).await? {
        Some(mut e) => {
            let from = e.state.clone();
            e.support_email = se.clone();
            e.support_phone = support_phone.trim().to_string();
            e.support_website = support_website.trim().to_string();
            repo::enrollments::save(&tx, &e, &from, now).await?;
        }
        None => {
            repo::insert(
                &tx,
                enrollment::Model {
                    id: Uuid::now_v7().to_string(),
                    org_id: org.id.clone(),
                    applicant_user_id: me.user.id.clone(),
                    program_role: ProgramRole::IndirectReseller.code().into(),
                    state: EnrollmentState::Approved.code().into(),
                    membership_record_id: None,
                    primary_contact_name: me.user.full_name.clone(),
                    primary_contact_email: me.user.email.clone(),
                    primary_contact_phone: String::new(),
                    support_email: se.clone(),
                    support_phone: support_phone.trim().to_string(),
                    support_website: support_website.trim().to_string(),
                    contact_verified_at: None,
                    submitted_at: Some(now),
                    review_note: String::new(),
                    decided_by: None,
                    decided_at: Some(now),
                    version: 1,
                    created_at: now,
                    updated_at: now,
                },
            )
            .await?;
        }
    }
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("enrollment.reseller_account_created", "organization", &org.id)
            .in_org(&org.id)
            .details(json!({ "support_email": se, "support_phone": support_phone.trim(), "support_website": support_website.trim() })),
    )
    .await?;
    tx.commit().await?;
    Ok(roles)
}
