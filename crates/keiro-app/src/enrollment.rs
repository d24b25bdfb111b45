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
            "full_name": a.full_name, "email": a.email, "program_role": a.program_role }),
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
    let e = enrollment::Model {
        id: Uuid::now_v7().to_string(),
        org_id: org.id.clone(),
        applicant_user_id: u.id.clone(),
        program_role: role.code().into(),
        state: EnrollmentState::Draft.code().into(),
        membership_record_id: None,
        primary_contact_name: u.full_name.clone(),
        primary_contact_email: String::new(),
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
    if e.primary_contact_email.is_empty() || e.primary_contact_phone.is_empty() {
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

/// Applies `change` to the caller's editable application in one transaction, then audits it;
/// with `if_version`, only if the application is still at that version (If-Match).
async fn edit<F>(
    app: &App,
    ctx: &Ctx,
    step: &str,
    if_version: Option<i64>,
    change: F,
) -> AppResult<EnrollmentView>
where
    F: for<'a> FnOnce(
        &'a DatabaseTransaction,
        &'a mut enrollment::Model,
        &'a CurrentUser,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = AppResult<serde_json::Value>> + Send + 'a>,
    >,
{
    let tx = app.db.begin().await?;
    let (mut e, me) = mine(&tx, ctx).await?;
    if if_version.is_some_and(|v| v != e.version) {
        return Err(AppError::PreconditionFailed);
    }
    if !state_of(&e)?.editable() {
        return Err(not_editable(&e));
    }
    let from = e.state.clone();
    let details = change(&tx, &mut e, &me).await?;
    repo::enrollments::save(&tx, &e, &from, app.now()).await?;
    audit::record(
        &tx,
        ctx,
        app.now(),
        Event::new(&format!("enrollment.{step}_saved"), "enrollment", &e.id)
            .in_org(&e.org_id)
            .details(details),
    )
    .await?;
    let e = repo::enrollments::get(&tx, &e.id)
        .await?
        .ok_or(AppError::NotFound("enrollment"))?;
    let v = view(&tx, &e).await?;
    tx.commit().await?;
    Ok(v)
}

pub async fn set_program_role(
    app: &App,
    ctx: &Ctx,
    role: &str,
    if_version: Option<i64>,
) -> AppResult<EnrollmentView> {
    let role = program_role(role)?;
    edit(app, ctx, "program_role", if_version, move |_, e, _| {
        Box::pin(async move {
            e.program_role = role.code().into();
            Ok(json!({ "program_role": e.program_role }))
        })
    })
    .await
}

/// Links a membership record, proving control with its claim secret (R-ENR-2).
pub async fn link_membership(
    app: &App,
    ctx: &Ctx,
    partner_id: &str,
    claim_secret: &str,
    if_version: Option<i64>,
) -> AppResult<EnrollmentView> {
    let partner_id = parse_partner_id(partner_id)?;
    let me = ctx.user()?;
    let key = format!("claim:{}", me.org.id);
    let now = app.now();
    let rule = &app.throttle.secret_attempts;
    app.count(rule, &key, "too_many_claim_attempts").await?;
    let secret = claim_secret.trim().to_string();
    let result = edit(app, ctx, "membership", if_version, move |tx, e, me| {
        Box::pin(async move {
            let refuse = |code: &'static str, m: &str| AppError::validation("partner_id", code, m);
            let rec = repo::registry::by_partner_id(tx, &partner_id).await?;
            let Some(rec) = rec.filter(|r| ct_eq(&r.claim_secret_hash, &sha256_hex(&secret))) else {
                // One message for "no such ID" and "wrong secret": no probing for valid IDs.
                return Err(refuse("membership_claim_failed", "the partner ID and claim secret do not match a membership record"));
            };
            if MembershipStatus::parse(&rec.status) != Some(MembershipStatus::Active) || rec.expires_on.is_some_and(|d| d < now.date()) {
                return Err(refuse("membership_not_active", "this membership record is not active; renew it with the operator first"));
            }
            if rec.country != me.org.country {
                return Err(refuse(
                    "membership_country_mismatch",
                    &format!("this membership record is in {}, your organization in {}: they must be the same", rec.country, me.org.country),
                ));
            }
            if !repo::registry::claim(tx, &rec.id, &me.org.id, now).await? {
                return Err(AppError::Conflict { code: "membership_already_claimed", message: "another organization has already linked this membership record".into() });
            }
            if let Some(old) = e.membership_record_id.as_deref().filter(|o| *o != rec.id) {
                repo::registry::release(tx, old, &me.org.id).await?;
            }
            e.membership_record_id = Some(rec.id.clone());
            Ok(json!({ "partner_id": rec.partner_id }))
        })
    })
    .await;
    if result.is_ok() {
        app.forget(&key).await?;
    }
    result
}

/// The legal business profile (R-ENR-1). The country is fixed once a membership record is linked.
pub async fn set_profile(
    app: &App,
    ctx: &Ctx,
    p: CompanyProfile,
    if_version: Option<i64>,
) -> AppResult<EnrollmentView> {
    let p = CompanyProfile::parse(p)?;
    for (field, v) in [
        ("address_line1", &p.address_line1),
        ("city", &p.city),
        ("postal_code", &p.postal_code),
        ("phone", &p.phone),
    ] {
        if v.is_empty() {
            return Err(AppError::validation(
                field,
                "required",
                format!("{field} is required for enrollment"),
            ));
        }
    }
    let now = app.now();
    edit(app, ctx, "profile", if_version, move |tx, e, me| {
        Box::pin(async move {
            if e.membership_record_id.is_some() && p.country != me.org.country {
                return Err(AppError::validation(
                    "country",
                    "membership_country_mismatch",
                    "the country must stay that of the linked membership record",
                ));
            }
            let org = repo::orgs::get(tx, &me.org.id)
                .await?
                .ok_or(AppError::NotFound("organization"))?;
            repo::orgs::update_profile(tx, &org.id, org.version, &p, now).await?;
            Ok(json!({ "legal_name": p.legal_name, "country": p.country }))
        })
    })
    .await
}

#[derive(Debug, Clone)]
pub struct Contacts {
    pub primary_contact_name: String,
    pub primary_contact_email: String,
    pub primary_contact_phone: String,
    pub support_email: String,
    pub support_phone: String,
    pub support_website: String,
}

fn webmail_list(app: &App) -> Vec<String> {
    DEFAULT_WEBMAIL_DOMAINS
        .iter()
        .map(|s| s.to_string())
        .chain(app.config.webmail_domains.iter().cloned())
        .collect()
}

/// Primary and customer-support contacts (R-ENR-1, R-ENR-3). A changed primary email must be
/// verified again.
pub async fn set_contacts(
    app: &App,
    ctx: &Ctx,
    c: Contacts,
    if_version: Option<i64>,
) -> AppResult<EnrollmentView> {
    let name = c.primary_contact_name.trim().to_string();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::validation(
            "primary_contact_name",
            "invalid_full_name",
            "a name of 1 to 200 characters is required",
        ));
    }
    let email = Email::parse(&c.primary_contact_email).map_err(|mut e| {
        e.field = "primary_contact_email";
        AppError::Validation(e)
    })?;
    if is_webmail(email.domain(), &webmail_list(app)) {
        return Err(AppError::validation(
            "primary_contact_email",
            "webmail_not_allowed",
            "use an address of your organization's own domain, not a web-mail service such as Gmail or Outlook.com",
        ));
    }
    let phone = c.primary_contact_phone.trim().to_string();
    if phone.is_empty()
        || phone
            .chars()
            .any(|ch| !(ch.is_ascii_digit() || " +-().".contains(ch)))
    {
        return Err(AppError::validation(
            "primary_contact_phone",
            "invalid_phone",
            "a phone number may contain digits, spaces and + - ( ) .",
        ));
    }
    let support_email = match c.support_email.trim() {
        "" => String::new(),
        s => Email::parse(s)
            .map_err(|mut e| {
                e.field = "support_email";
                AppError::Validation(e)
            })?
            .to_string(),
    };
    if support_email.is_empty() && c.support_phone.trim().is_empty() {
        return Err(AppError::validation(
            "support_email",
            "support_contact_required",
            "give a support email or phone for your customers",
        ));
    }
    let (sp, sw) = (
        c.support_phone.trim().to_string(),
        c.support_website.trim().to_string(),
    );
    edit(app, ctx, "contacts", if_version, move |_, e, _| {
        Box::pin(async move {
            if e.primary_contact_email != email.as_str() {
                e.contact_verified_at = None;
            }
            e.primary_contact_name = name;
            e.primary_contact_email = email.to_string();
            e.primary_contact_phone = phone;
            e.support_email = support_email;
            e.support_phone = sp;
            e.support_website = sw;
            Ok(json!({ "primary_contact_email": e.primary_contact_email }))
        })
    })
    .await
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
