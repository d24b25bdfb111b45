//! The organization's company profile (R-ORG-1, R-ORG-2): every user sees it, only a global
//! admin edits it.

use crate::audit::{self, Event};
use crate::{App, AppError, AppResult, Ctx};
use keiro_domain::{Action, CompanyProfile};
use keiro_store::entities::organization;
use keiro_store::repo;
use serde_json::json;

/// An organization, as the store keeps it.
pub use keiro_store::entities::organization::Model as Organization;

pub fn profile_of(o: &organization::Model) -> CompanyProfile {
    CompanyProfile {
        legal_name: o.legal_name.clone(),
        address_line1: o.address_line1.clone(),
        address_line2: o.address_line2.clone(),
        city: o.city.clone(),
        region: o.region.clone(),
        postal_code: o.postal_code.clone(),
        country: o.country.clone(),
        phone: o.phone.clone(),
        email: o.email.clone(),
        website: o.website.clone(),
        primary_domain: o.primary_domain.clone(),
    }
}

/// The caller's organization (fresh from the database) and whether they may edit it.
pub async fn get(app: &App, ctx: &Ctx) -> AppResult<(organization::Model, bool)> {
    let me = ctx.user()?;
    me.require(Action::ViewCompanyProfile, "organization")?;
    let org = repo::orgs::get(app.db.reader(), &me.org.id)
        .await?
        .ok_or(AppError::NotFound("organization"))?;
    Ok((org, me.may(Action::EditCompanyProfile)))
}

/// Replaces the profile; with `if_version`, only if unchanged since read.
pub async fn update(
    app: &App,
    ctx: &Ctx,
    p: CompanyProfile,
    if_version: Option<i64>,
) -> AppResult<organization::Model> {
    let me = ctx.user()?;
    me.require(Action::EditCompanyProfile, "organization")?;
    let p = CompanyProfile::parse(p)?;
    let tx = app.db.begin().await?;
    let org = repo::orgs::get(&tx, &me.org.id)
        .await?
        .ok_or(AppError::NotFound("organization"))?;
    if if_version.is_some_and(|v| v != org.version) {
        return Err(AppError::PreconditionFailed);
    }
    let before = profile_of(&org);
    repo::orgs::update_profile(&tx, &org.id, org.version, &p, app.now()).await?;
    let changed: Vec<&str> = [
        ("legal_name", before.legal_name != p.legal_name),
        (
            "address",
            before.address_line1 != p.address_line1
                || before.address_line2 != p.address_line2
                || before.city != p.city
                || before.region != p.region
                || before.postal_code != p.postal_code,
        ),
        ("country", before.country != p.country),
        ("phone", before.phone != p.phone),
        ("email", before.email != p.email),
        ("website", before.website != p.website),
        ("primary_domain", before.primary_domain != p.primary_domain),
    ]
    .into_iter()
    .filter_map(|(k, c)| c.then_some(k))
    .collect();
    audit::record(
        &tx,
        ctx,
        app.now(),
        Event::new("organization.profile_updated", "organization", &org.id)
            .in_org(&org.id)
            .details(json!({ "changed": changed })),
    )
    .await?;
    let org = repo::orgs::get(&tx, &me.org.id)
        .await?
        .ok_or(AppError::NotFound("organization"))?;
    tx.commit().await?;
    Ok(org)
}

/// What the partnership rules need to know about an organization.
pub fn partner_facts(o: &organization::Model) -> keiro_domain::partnership::PartnerFacts {
    keiro_domain::partnership::PartnerFacts {
        kind: keiro_domain::OrgKind::parse(&o.kind).unwrap_or(keiro_domain::OrgKind::Customer),
        approved: o.partner_status.as_deref() == Some("approved"),
        program_roles: o
            .program_roles
            .split(',')
            .filter_map(keiro_domain::ProgramRole::parse)
            .collect(),
    }
}

/// Whom a partner's emails about its standing go to, in which language.
pub(crate) struct Contact {
    pub name: String,
    pub email: String,
    pub lang: keiro_domain::Language,
}

/// The organization's primary contact (from its enrollment, else its own email, else its first
/// active global admin), in the language that contact chose as a user, else its country's:
/// `None` if it has none.
pub(crate) async fn contact(
    c: &impl keiro_store::sea_orm::ConnectionTrait,
    o: &organization::Model,
) -> AppResult<Option<Contact>> {
    use keiro_domain::Language;
    let (name, email) = match repo::enrollments::for_org(c, &o.id).await? {
        Some(e) if !e.primary_contact_email.is_empty() => {
            (e.primary_contact_name, e.primary_contact_email)
        }
        _ if !o.email.is_empty() => (o.legal_name.clone(), o.email.clone()),
        _ => match repo::users::active_with_role(c, &o.id, keiro_domain::Role::GlobalAdmin.code())
            .await?
            .into_iter()
            .next()
        {
            Some(u) => (u.full_name, u.email),
            None => return Ok(None),
        },
    };
    let lang = match repo::users::find_by_email(c, &email).await? {
        Some(u) => u.language.as_deref().and_then(Language::parse),
        None => None,
    }
    .unwrap_or(if o.country == "JP" {
        Language::Ja
    } else {
        Language::En
    });
    Ok(Some(Contact { name, email, lang }))
}
