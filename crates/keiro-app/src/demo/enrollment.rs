//! The demo world's enrollment (issue 14): a membership record a newcomer can enroll with (its
//! claim secret printed at start), and an application waiting in the review queue. The
//! application is made through the same use cases an applicant's browser calls.

use super::DemoLogin;
use crate::enrollment::{Claim, Contacts, Draft, NewAccount};
use crate::registry::RecordInput;
use crate::secrets::{hash_password, new_token, sha256_hex};
use crate::{App, AppResult, Ctx, CurrentUser};
use keiro_domain::{CompanyProfile, Language};
use keiro_store::repo;
use time::Duration;

/// A membership record to enroll with, and its claim secret (`None` once an application holds
/// the record: the secret is then spent).
#[derive(Debug, Clone)]
pub struct DemoClaim {
    pub partner_id: String,
    pub organization: String,
    pub claim_secret: Option<String>,
}

const NEWCOMER: (&str, &str) = ("3000001", "Kanda Software KK");
const APPLICANT: (&str, &str, &str) = (
    "3000002",
    "新宿クラウドシステムズ株式会社",
    "shinjuku-cloud.example",
);

/// Creates the record, or gives an unclaimed one a fresh secret; `None` if it is claimed.
async fn record(app: &App, partner_id: &str, name: &str) -> AppResult<Option<String>> {
    let secret = new_token("kc_");
    let tx = app.db.begin().await?;
    match repo::registry::by_partner_id(&tx, partner_id).await? {
        Some(r) if r.claimed_by_org_id.is_some() => return Ok(None),
        Some(r) => {
            repo::registry::set_secret(&tx, &r.id, &sha256_hex(&secret), app.now()).await?;
        }
        None => {
            let input = RecordInput {
                partner_id: partner_id.into(),
                organization_name: name.into(),
                country: "JP".into(),
                level: "silver".into(),
                status: "active".into(),
                expires_on: Some((app.now() + Duration::days(365)).date().to_string()),
            };
            let m = crate::registry::record_for(&input, sha256_hex(&secret), app.now())?;
            repo::insert(&tx, m).await?;
        }
    }
    tx.commit().await?;
    Ok(Some(secret))
}

/// Seeds both; returns the applicant's sign-in and the record a newcomer enrolls with.
pub(super) async fn seed(app: &App, password: &str) -> AppResult<(DemoLogin, DemoClaim)> {
    let claim = DemoClaim {
        partner_id: NEWCOMER.0.into(),
        organization: NEWCOMER.1.into(),
        claim_secret: record(app, NEWCOMER.0, NEWCOMER.1).await?,
    };
    let email = format!("applicant@{}", APPLICANT.2);
    let login = DemoLogin {
        organization: APPLICANT.1.into(),
        email: email.clone(),
        roles: "global_admin (applicant)".into(),
        password: password.into(),
        must_change: false,
    };
    if let Some(u) = repo::users::find_by_email(app.db.reader(), &email).await? {
        let hash = hash_password(password.to_string(), app.config.password_cost).await?;
        let tx = app.db.begin().await?;
        repo::users::set_password(&tx, &u.id, u.version, &hash, false, app.now()).await?;
        tx.commit().await?;
        return Ok((login, claim));
    }
    let Some(secret) = record(app, APPLICANT.0, APPLICANT.1).await? else {
        return Ok((login, claim));
    };
    let anon = Ctx::anonymous(None, "demo");
    let account = NewAccount {
        company_name: APPLICANT.1.into(),
        country: "JP".into(),
        primary_domain: APPLICANT.2.into(),
        full_name: "高橋 健".into(),
        email: email.clone(),
        password: password.into(),
        program_role: "indirect_reseller".into(),
        language: Some(Language::Ja),
    };
    let user_id = crate::enrollment::create_account(app, &anon, account, None)
        .await?
        .value
        .user
        .id;
    let me = CurrentUser::load(app.db.reader(), &user_id)
        .await?
        .ok_or(crate::AppError::NotFound("user"))?;
    let ctx = Ctx {
        user: Some(me),
        ..anon
    };
    let draft = Draft {
        program_role: "indirect_reseller".into(),
        claim: Some(Claim {
            partner_id: APPLICANT.0.into(),
            claim_secret: secret,
        }),
        profile: CompanyProfile {
            legal_name: APPLICANT.1.into(),
            address_line1: "西新宿 2-8-1".into(),
            address_line2: String::new(),
            city: "新宿区".into(),
            region: "東京都".into(),
            postal_code: "163-8001".into(),
            country: "JP".into(),
            phone: "+81 3-5321-0000".into(),
            email: String::new(),
            website: format!("https://{}", APPLICANT.2),
            primary_domain: APPLICANT.2.into(),
        },
        contacts: Contacts {
            primary_contact_name: "高橋 健".into(),
            primary_contact_email: email.clone(),
            primary_contact_phone: "+81 90-0000-0002".into(),
            support_email: format!("support@{}", APPLICANT.2),
            support_phone: String::new(),
            support_website: String::new(),
        },
    };
    let v = crate::enrollment::save_draft(app, &ctx, draft, None).await?;
    // The demo applicant has confirmed their address already, so the application goes
    // straight to the review queue (the link by email is tried with a new enrollment).
    let tx = app.db.begin().await?;
    let mut e = repo::enrollments::get(&tx, &v.id)
        .await?
        .ok_or(crate::AppError::NotFound("enrollment"))?;
    e.contact_verified_at = Some(app.now());
    let from = e.state.clone();
    repo::enrollments::save(&tx, &e, &from, app.now()).await?;
    tx.commit().await?;
    crate::enrollment::submit(app, &ctx).await?;
    Ok((login, claim))
}
