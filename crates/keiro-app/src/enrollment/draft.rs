//! The applicant's draft (R-ENR-1…3): each step on its own (the API's PUTs, strict), or the
//! whole wizard saved at once (the portal), where what is not filled yet is left for the
//! "missing" list and only what is given is checked.

use super::*;

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

/// A membership record to link: its partner ID and the claim secret that proves control.
#[derive(Debug, Clone)]
pub struct Claim {
    pub partner_id: String,
    pub claim_secret: String,
}

/// Counts a claim attempt against the organization (the secret may not be guessed).
async fn count_claim(app: &App, ctx: &Ctx) -> AppResult<String> {
    let key = format!("claim:{}", ctx.user()?.org.id);
    let rule = &app.throttle.secret_attempts;
    app.count(rule, &key, "too_many_claim_attempts").await?;
    Ok(key)
}

/// Links the record in `tx` if the secret matches, it is active, in `country` (the
/// organization's, as this save leaves it) and no other organization holds it.
async fn apply_claim(
    tx: &DatabaseTransaction,
    e: &mut enrollment::Model,
    org_id: &str,
    country: &str,
    c: &Claim,
    now: time::OffsetDateTime,
) -> AppResult<String> {
    let refuse = |code: &'static str, m: &str| AppError::validation("partner_id", code, m);
    let partner_id = parse_partner_id(&c.partner_id)?;
    let secret = c.claim_secret.trim();
    let rec = repo::registry::by_partner_id(tx, &partner_id).await?;
    let Some(rec) = rec.filter(|r| ct_eq(&r.claim_secret_hash, &sha256_hex(secret))) else {
        // One message for "no such ID" and "wrong secret": no probing for valid IDs.
        return Err(refuse(
            "membership_claim_failed",
            "the partner ID and claim secret do not match a membership record",
        ));
    };
    if MembershipStatus::parse(&rec.status) != Some(MembershipStatus::Active)
        || rec.expires_on.is_some_and(|d| d < now.date())
    {
        return Err(refuse(
            "membership_not_active",
            "this membership record is not active; renew it with the operator first",
        ));
    }
    if rec.country != country {
        return Err(refuse(
            "membership_country_mismatch",
            &format!(
                "this membership record is in {}, your organization in {country}: they must be the same",
                rec.country
            ),
        ));
    }
    if !repo::registry::claim(tx, &rec.id, org_id, now).await? {
        return Err(AppError::Conflict {
            code: "membership_already_claimed",
            message: "another organization has already linked this membership record".into(),
        });
    }
    if let Some(old) = e.membership_record_id.as_deref().filter(|o| *o != rec.id) {
        repo::registry::release(tx, old, org_id).await?;
    }
    e.membership_record_id = Some(rec.id.clone());
    Ok(rec.partner_id)
}

/// Links a membership record, proving control with its claim secret (R-ENR-2).
pub async fn link_membership(
    app: &App,
    ctx: &Ctx,
    partner_id: &str,
    claim_secret: &str,
    if_version: Option<i64>,
) -> AppResult<EnrollmentView> {
    let key = count_claim(app, ctx).await?;
    let now = app.now();
    let c = Claim {
        partner_id: partner_id.into(),
        claim_secret: claim_secret.into(),
    };
    let result = edit(app, ctx, "membership", if_version, move |tx, e, me| {
        Box::pin(async move {
            let pid = apply_claim(tx, e, &me.org.id, &me.org.country, &c, now).await?;
            Ok(json!({ "partner_id": pid }))
        })
    })
    .await;
    if result.is_ok() {
        app.forget(&key).await?;
    }
    result
}

/// The profile fields enrollment needs before it can be submitted.
fn required_profile(p: &CompanyProfile) -> AppResult<()> {
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
    Ok(())
}

/// Saves the organization's profile in `tx`; the country must stay the linked record's.
async fn apply_profile(
    tx: &DatabaseTransaction,
    e: &enrollment::Model,
    org_id: &str,
    p: &CompanyProfile,
    now: time::OffsetDateTime,
) -> AppResult<()> {
    if let Some(id) = &e.membership_record_id {
        let rec = repo::registry::get(tx, id).await?;
        if rec.is_some_and(|r| r.country != p.country) {
            return Err(AppError::validation(
                "country",
                "membership_country_mismatch",
                "the country must stay that of the linked membership record",
            ));
        }
    }
    let org = repo::orgs::get(tx, org_id)
        .await?
        .ok_or(AppError::NotFound("organization"))?;
    repo::orgs::update_profile(tx, &org.id, org.version, p, now).await?;
    Ok(())
}

/// The legal business profile (R-ENR-1). The country is fixed once a membership record is linked.
pub async fn set_profile(
    app: &App,
    ctx: &Ctx,
    p: CompanyProfile,
    if_version: Option<i64>,
) -> AppResult<EnrollmentView> {
    let p = CompanyProfile::parse(p)?;
    required_profile(&p)?;
    let now = app.now();
    edit(app, ctx, "profile", if_version, move |tx, e, me| {
        Box::pin(async move {
            apply_profile(tx, e, &me.org.id, &p, now).await?;
            Ok(json!({ "legal_name": p.legal_name, "country": p.country }))
        })
    })
    .await
}

#[derive(Debug, Clone, Default)]
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

/// Whether an address may be the primary contact's: a valid one outside web-mail services.
pub(super) fn primary_email(app: &App, s: &str) -> AppResult<Email> {
    let email = Email::parse(s).map_err(|mut e| {
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
    Ok(email)
}

/// Checks and trims the contacts. `complete`: all that submission needs must be there (one
/// step); otherwise only what is given is checked, and the rest waits in the missing list.
fn checked_contacts(app: &App, c: Contacts, complete: bool) -> AppResult<Contacts> {
    let name = c.primary_contact_name.trim().to_string();
    if (complete || !name.is_empty()) && (name.is_empty() || name.chars().count() > 200) {
        return Err(AppError::validation(
            "primary_contact_name",
            "invalid_full_name",
            "a name of 1 to 200 characters is required",
        ));
    }
    let email = match c.primary_contact_email.trim() {
        "" if !complete => String::new(),
        s => primary_email(app, s)?.to_string(),
    };
    let phone = c.primary_contact_phone.trim().to_string();
    if (complete || !phone.is_empty())
        && (phone.is_empty()
            || phone
                .chars()
                .any(|ch| !(ch.is_ascii_digit() || " +-().".contains(ch))))
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
    let support_phone = c.support_phone.trim().to_string();
    if complete && support_email.is_empty() && support_phone.is_empty() {
        return Err(AppError::validation(
            "support_email",
            "support_contact_required",
            "give a support email or phone for your customers",
        ));
    }
    Ok(Contacts {
        primary_contact_name: name,
        primary_contact_email: email,
        primary_contact_phone: phone,
        support_email,
        support_phone,
        support_website: c.support_website.trim().to_string(),
    })
}

/// Writes checked contacts; a changed primary email must be verified again.
fn apply_contacts(e: &mut enrollment::Model, c: Contacts) {
    if e.primary_contact_email != c.primary_contact_email {
        e.contact_verified_at = None;
    }
    e.primary_contact_name = c.primary_contact_name;
    e.primary_contact_email = c.primary_contact_email;
    e.primary_contact_phone = c.primary_contact_phone;
    e.support_email = c.support_email;
    e.support_phone = c.support_phone;
    e.support_website = c.support_website;
}

/// Primary and customer-support contacts (R-ENR-1, R-ENR-3). A changed primary email must be
/// verified again.
pub async fn set_contacts(
    app: &App,
    ctx: &Ctx,
    c: Contacts,
    if_version: Option<i64>,
) -> AppResult<EnrollmentView> {
    let c = checked_contacts(app, c, true)?;
    edit(app, ctx, "contacts", if_version, move |_, e, _| {
        Box::pin(async move {
            apply_contacts(e, c);
            Ok(json!({ "primary_contact_email": e.primary_contact_email }))
        })
    })
    .await
}

/// Whether `c` names the record already linked, with no secret: the link stays as it is.
async fn kept_link(tx: &DatabaseTransaction, e: &enrollment::Model, c: &Claim) -> AppResult<bool> {
    if !c.claim_secret.trim().is_empty() {
        return Ok(false);
    }
    let Some(id) = &e.membership_record_id else {
        return Ok(false);
    };
    let linked = repo::registry::get(tx, id).await?;
    let typed = parse_partner_id(&c.partner_id).ok();
    Ok(linked.is_some_and(|r| typed.as_deref() == Some(r.partner_id.as_str())))
}

/// The whole wizard as the applicant left it (issue 14): nothing typed in one section is lost
/// by saving another.
#[derive(Debug, Clone)]
pub struct Draft {
    pub program_role: String,
    /// The partner ID and claim secret as typed. The linked record's own ID with no secret
    /// keeps the link; another ID, or a secret, links anew.
    pub claim: Option<Claim>,
    pub profile: CompanyProfile,
    pub contacts: Contacts,
}

/// Saves every section of the draft in one transaction with one audit row: all of it, or
/// nothing and the reason. What is empty waits in the missing list until submission.
pub async fn save_draft(
    app: &App,
    ctx: &Ctx,
    d: Draft,
    if_version: Option<i64>,
) -> AppResult<EnrollmentView> {
    let role = program_role(&d.program_role)?;
    let profile = CompanyProfile::parse(d.profile)?;
    let contacts = checked_contacts(app, d.contacts, false)?;
    // Only a typed secret is a guess worth counting; an empty one never matches.
    let claim = d
        .claim
        .filter(|c| !(c.partner_id.trim().is_empty() && c.claim_secret.trim().is_empty()));
    let key = match &claim {
        Some(c) if !c.claim_secret.trim().is_empty() => Some(count_claim(app, ctx).await?),
        _ => None,
    };
    let now = app.now();
    let result = edit(app, ctx, "draft", if_version, move |tx, e, me| {
        Box::pin(async move {
            e.program_role = role.code().into();
            let linked = match &claim {
                Some(c) if !kept_link(tx, e, c).await? => {
                    Some(apply_claim(tx, e, &me.org.id, &profile.country, c, now).await?)
                }
                _ => None,
            };
            apply_profile(tx, e, &me.org.id, &profile, now).await?;
            apply_contacts(e, contacts);
            Ok(
                json!({ "program_role": e.program_role, "partner_id": linked,
                "legal_name": profile.legal_name, "country": profile.country,
                "primary_contact_email": e.primary_contact_email }),
            )
        })
    })
    .await;
    if let (Ok(_), Some(key)) = (&result, key) {
        app.forget(&key).await?;
    }
    result
}
