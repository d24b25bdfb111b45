//! The demo world (`keiro serve --demo`, `keiro demo`): an operator, an indirect provider, two
//! indirect resellers, customers, and a user for each role, so the portal is never empty.
//! Running it again keeps what exists and gives the demo users fresh passwords, printed once.

use crate::admin::{NewOrg, NewUser, insert_org, insert_user};
use crate::audit::{self, Event};
use crate::secrets::{hash_password, temporary_password};
use crate::{App, AppResult};
use keiro_domain::{
    CompanyProfile, DelegatedAccess, OrgKind, PartnerAuthorization, ProgramRole, Role,
};
use keiro_store::repo;
use serde_json::json;

mod advisors;
mod benefits;
mod enrollment;
pub use enrollment::DemoClaim;

/// What `keiro serve --demo` prints once: the sign-ins, and the record a newcomer enrolls with.
#[derive(Debug, Clone)]
pub struct Demo {
    pub logins: Vec<DemoLogin>,
    pub claims: Vec<DemoClaim>,
}

/// A demo sign-in, printed for the person running the demo.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub organization: String,
    pub email: String,
    pub roles: String,
    pub password: String,
    pub must_change: bool,
}

struct OrgSpec {
    kind: OrgKind,
    name: &'static str,
    domain: &'static str,
    partner_id: Option<&'static str>,
    program_roles: &'static [ProgramRole],
    authorizations: &'static [PartnerAuthorization],
    users: &'static [(&'static str, &'static str, &'static [Role], DelegatedAccess)],
}

const WORLD: &[OrgSpec] = &[
    OrgSpec {
        kind: OrgKind::Operator,
        name: "Keiro Cloud Operations",
        domain: "operator.keiro.example",
        partner_id: None,
        program_roles: &[],
        authorizations: &[],
        users: &[
            (
                "admin",
                "Operator Admin",
                &[Role::OperatorAdmin],
                DelegatedAccess::None,
            ),
            (
                "review",
                "審査 担当 (Reviewer)",
                &[Role::OperatorReviewer],
                DelegatedAccess::None,
            ),
        ],
    },
    OrgSpec {
        kind: OrgKind::Partner,
        name: "Sakura Distribution KK",
        domain: "sakura-dist.example",
        partner_id: Some("1000001"),
        program_roles: &[ProgramRole::IndirectProvider],
        authorizations: &[PartnerAuthorization::DelegatedAdmin],
        users: &[
            (
                "admin",
                "佐藤 花子",
                &[Role::GlobalAdmin, Role::AdminAgent],
                DelegatedAccess::Full,
            ),
            (
                "users",
                "User Admin",
                &[Role::UserManagementAdmin],
                DelegatedAccess::None,
            ),
            (
                "billing",
                "Billing Admin",
                &[Role::BillingAdmin],
                DelegatedAccess::None,
            ),
            (
                "agent",
                "Admin Agent",
                &[Role::AdminAgent],
                DelegatedAccess::Full,
            ),
            (
                "sales",
                "Sales Agent",
                &[Role::SalesAgent],
                DelegatedAccess::None,
            ),
            (
                "helpdesk",
                "Helpdesk Agent",
                &[Role::HelpdeskAgent],
                DelegatedAccess::Limited,
            ),
            (
                "membership",
                "Membership Admin",
                &[Role::MembershipAdmin],
                DelegatedAccess::None,
            ),
        ],
    },
    OrgSpec {
        kind: OrgKind::Partner,
        name: "Fuji Reseller GK",
        domain: "fuji-reseller.example",
        partner_id: Some("2000001"),
        program_roles: &[ProgramRole::IndirectReseller],
        authorizations: &[
            PartnerAuthorization::SubscriptionAdvisor,
            PartnerAuthorization::DelegatedAdmin,
        ],
        users: &[
            (
                "admin",
                "Fuji Admin",
                &[Role::GlobalAdmin, Role::AdminAgent],
                DelegatedAccess::Full,
            ),
            (
                "sales",
                "Fuji Sales",
                &[Role::SalesAgent],
                DelegatedAccess::None,
            ),
        ],
    },
    OrgSpec {
        kind: OrgKind::Partner,
        name: "Minato IT Solutions",
        domain: "minato-it.example",
        partner_id: Some("2000002"),
        program_roles: &[ProgramRole::IndirectReseller],
        authorizations: &[],
        users: &[(
            "admin",
            "Minato Admin",
            &[Role::GlobalAdmin, Role::AdminAgent],
            DelegatedAccess::Full,
        )],
    },
    OrgSpec {
        kind: OrgKind::Customer,
        name: "Contoso Trading Co.",
        domain: "contoso.example",
        partner_id: None,
        program_roles: &[],
        authorizations: &[],
        users: &[
            (
                "admin",
                "Contoso Global Admin",
                &[Role::GlobalAdmin],
                DelegatedAccess::None,
            ),
            (
                "pwadmin",
                "Contoso Password Admin",
                &[Role::PasswordAdmin],
                DelegatedAccess::None,
            ),
            ("user", "Contoso User", &[Role::User], DelegatedAccess::None),
        ],
    },
    OrgSpec {
        kind: OrgKind::Customer,
        name: "Northwind Foods",
        domain: "northwind.example",
        partner_id: None,
        program_roles: &[],
        authorizations: &[],
        users: &[(
            "admin",
            "Northwind Admin",
            &[Role::GlobalAdmin],
            DelegatedAccess::None,
        )],
    },
    OrgSpec {
        kind: OrgKind::Customer,
        name: "Adatum Clinic",
        domain: "adatum.example",
        partner_id: None,
        program_roles: &[],
        authorizations: &[],
        users: &[(
            "admin",
            "Adatum Admin",
            &[Role::GlobalAdmin],
            DelegatedAccess::None,
        )],
    },
];

/// Seeds (or refreshes) the demo world. Demo users get one shared fresh password, except the
/// `newhire@` user, who gets a temporary one to show the forced password change.
pub async fn seed(app: &App) -> AppResult<Demo> {
    let shared = temporary_password();
    let mut logins = Vec::new();
    let tx = app.db.begin().await?;
    let existing_operator = repo::orgs::find_operator(&tx).await?;
    let mut ids: Vec<(&str, String)> = Vec::new();
    for spec in WORLD {
        let email_of = |local: &str| format!("{local}@{}", spec.domain);
        let org = match spec.kind {
            OrgKind::Operator if existing_operator.is_some() => {
                existing_operator.clone().unwrap_or_else(|| unreachable!())
            }
            _ => match repo::users::find_by_email(&tx, &email_of(spec.users[0].0)).await? {
                Some(u) => repo::orgs::get(&tx, &u.org_id)
                    .await?
                    .ok_or(crate::AppError::NotFound("organization"))?,
                None => {
                    let org = insert_org(
                        &tx,
                        app,
                        NewOrg {
                            kind: spec.kind,
                            profile: CompanyProfile {
                                legal_name: spec.name.into(),
                                address_line1: "1-1 Chiyoda".into(),
                                address_line2: String::new(),
                                city: "Tokyo".into(),
                                region: "Tokyo".into(),
                                postal_code: "100-0001".into(),
                                country: "JP".into(),
                                phone: "+81 3-0000-0000".into(),
                                email: format!("contact@{}", spec.domain),
                                website: format!("https://{}", spec.domain),
                                primary_domain: spec.domain.into(),
                            },
                            program_roles: spec.program_roles.to_vec(),
                            authorizations: spec.authorizations.to_vec(),
                            partner_id: spec.partner_id.map(str::to_string),
                            enrolling: false,
                        },
                    )
                    .await?;
                    // The demo world is for a quick tour: MFA is off there; a global admin turns
                    // it on under Company profile.
                    repo::mfa::set_org_requirement(&tx, &org.id, false, app.now()).await?;
                    audit::record_as(
                        &tx,
                        None,
                        None,
                        app.now(),
                        Event::new("organization.created", "organization", &org.id)
                            .in_org(&org.id)
                            .details(json!({ "kind": spec.kind.code(), "via": "demo" })),
                    )
                    .await?;
                    org
                }
            },
        };
        ids.push((spec.name, org.id.clone()));
        for (local, name, roles, access) in spec.users {
            let email = email_of(local);
            let roles_text = roles
                .iter()
                .map(|r| r.code())
                .collect::<Vec<_>>()
                .join(", ");
            match repo::users::find_by_email(&tx, &email).await? {
                Some(u) => {
                    let hash = hash_password(shared.clone(), app.config.password_cost).await?;
                    repo::users::set_password(&tx, &u.id, u.version, &hash, false, app.now())
                        .await?;
                    audit::record_as(
                        &tx,
                        None,
                        None,
                        app.now(),
                        Event::new("user.password_reset", "user", &u.id)
                            .in_org(&org.id)
                            .details(json!({ "via": "demo" })),
                    )
                    .await?;
                }
                None => {
                    let (u, _) = insert_user(
                        &tx,
                        app,
                        &org,
                        NewUser {
                            email: &email,
                            full_name: name,
                            roles,
                            delegated_access: *access,
                            password: Some(&shared),
                        },
                    )
                    .await?;
                    audit::record_as(
                        &tx,
                        None,
                        None,
                        app.now(),
                        Event::new("user.created", "user", &u.id)
                            .in_org(&org.id)
                            .details(json!({ "email": email, "roles": roles_text, "via": "demo" })),
                    )
                    .await?;
                }
            }
            logins.push(DemoLogin {
                organization: spec.name.into(),
                email,
                roles: roles_text,
                password: shared.clone(),
                must_change: false,
            });
        }
        if spec.kind == OrgKind::Partner && spec.partner_id == Some("1000001") {
            let email = email_of("newhire");
            let temp = temporary_password();
            let hash = hash_password(temp.clone(), app.config.password_cost).await?;
            match repo::users::find_by_email(&tx, &email).await? {
                Some(u) => {
                    repo::users::set_password(&tx, &u.id, u.version, &hash, true, app.now()).await?
                }
                None => {
                    let (u, _) = insert_user(
                        &tx,
                        app,
                        &org,
                        NewUser {
                            email: &email,
                            full_name: "New Hire",
                            roles: &[Role::SalesAgent],
                            delegated_access: DelegatedAccess::None,
                            password: Some(&temp),
                        },
                    )
                    .await?;
                    repo::users::set_password(&tx, &u.id, u.version, &hash, true, app.now())
                        .await?;
                }
            }
            logins.push(DemoLogin {
                organization: spec.name.into(),
                email,
                roles: "sales_agent".into(),
                password: temp,
                must_change: true,
            });
        }
    }
    seed_partnerships(&tx, app, &ids).await?;
    seed_catalog(&tx, app, &ids).await?;
    tx.commit().await?;
    advisors::seed(app).await?;
    benefits::seed(app).await?;
    let (applicant, claim) = enrollment::seed(app, &shared).await?;
    logins.push(applicant);
    Ok(Demo {
        logins,
        claims: vec![claim],
    })
}

/// The demo's channel: Sakura Distribution is Fuji Reseller's indirect provider (with admin
/// access); they share Contoso, which gave Fuji delegated admin; each has one customer of its
/// own; Sakura is in the provider directory. Minato IT has no provider yet, to try a partnership
/// request. Idempotent.
async fn seed_partnerships(
    tx: &keiro_store::sea_orm::DatabaseTransaction,
    app: &App,
    ids: &[(&str, String)],
) -> AppResult<()> {
    use keiro_store::entities::{
        customer_relationship, delegated_right, directory_entry, partnership,
    };
    use uuid::Uuid;
    let id = |name: &str| {
        ids.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, id)| id.clone())
    };
    let (Some(sakura), Some(fuji), Some(contoso), Some(northwind), Some(adatum)) = (
        id("Sakura Distribution KK"),
        id("Fuji Reseller GK"),
        id("Contoso Trading Co."),
        id("Northwind Foods"),
        id("Adatum Clinic"),
    ) else {
        return Ok(());
    };
    let now = app.now();
    if repo::partnerships::active_between(tx, &sakura, &fuji)
        .await?
        .is_none()
    {
        let pid = Uuid::now_v7().to_string();
        repo::insert(
            tx,
            partnership::Model {
                id: pid.clone(),
                provider_org_id: sakura.clone(),
                reseller_org_id: fuji.clone(),
                state: "active".into(),
                invitation_id: None,
                accepted_by: None,
                created_at: now,
                removed_at: None,
                removed_by_org: None,
                removed_by_user: None,
            },
        )
        .await?;
        repo::insert(
            tx,
            delegated_right::Model {
                id: Uuid::now_v7().to_string(),
                owner_org_id: fuji.clone(),
                grantee_org_id: sakura.clone(),
                kind: crate::rights::PROVIDER_ADMIN.into(),
                source_id: Some(pid),
                granted_at: now,
                granted_by: None,
                revoked_at: None,
                revoked_by: None,
            },
        )
        .await?;
        // Fuji administers Contoso under delegated admin (a customer's admin center shows it,
        // and Fuji's admin can open Contoso's users).
        repo::insert(
            tx,
            delegated_right::Model {
                id: Uuid::now_v7().to_string(),
                owner_org_id: contoso.clone(),
                grantee_org_id: fuji.clone(),
                kind: crate::rights::DAP.into(),
                source_id: None,
                granted_at: now,
                granted_by: None,
                revoked_at: None,
                revoked_by: None,
            },
        )
        .await?;
        for (partner, customer) in [
            (&sakura, &contoso),
            (&fuji, &contoso),
            (&fuji, &northwind),
            (&sakura, &adatum),
        ] {
            repo::insert(
                tx,
                customer_relationship::Model {
                    id: Uuid::now_v7().to_string(),
                    partner_org_id: partner.clone(),
                    customer_org_id: customer.clone(),
                    state: "active".into(),
                    created_at: now,
                    ended_at: None,
                },
            )
            .await?;
        }
    }
    if repo::directory::get_for_provider(tx, &sakura)
        .await?
        .is_none()
    {
        repo::directory::insert(
            tx,
            directory_entry::Model {
                id: Uuid::now_v7().to_string(),
                provider_org_id: sakura.clone(),
                regions: r#"["Kanto","Kansai","Kyushu"]"#.into(),
                description:
                    "Distribution, billing and first-line support for resellers across Japan."
                        .into(),
                contact_email: "partners@sakura-dist.example".into(),
                contact_phone: "+81 3-0000-0000".into(),
                website: "https://sakura-dist.example".into(),
                version: 1,
                created_at: now,
                updated_at: now,
                updated_by: None,
            },
            &["JP".to_string()],
        )
        .await?;
    }
    Ok(())
}

/// The demo catalog and its subscriptions: one product with monthly, annual and add-on offers
/// (Japan and the US), an enterprise offer; Contoso holds the provider's sale attributed to
/// Fuji (which supports it) and Fuji's add-on; Northwind a trial and an annual subscription;
/// Adatum the provider's enterprise subscription. Only seeded once.
async fn seed_catalog(
    tx: &keiro_store::sea_orm::DatabaseTransaction,
    app: &App,
    ids: &[(&str, String)],
) -> AppResult<()> {
    use keiro_store::entities::{offer, order, product, subscription, subscription_event};
    use keiro_store::repo::catalog::{offers, products};
    use uuid::Uuid;
    if products::by_code(tx, "K365-BIZ").await?.is_some() {
        return Ok(());
    }
    let id = |name: &str| {
        ids.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, id)| id.clone())
    };
    let now = app.now();
    let mut offer_ids = std::collections::HashMap::new();
    for (code, en, ja, offers_of) in [
        (
            "K365-BIZ",
            "Keiro 365 Business",
            "Keiro 365 ビジネス",
            vec![
                (
                    "K365-BIZ-M",
                    "Business Standard (monthly)",
                    "Business Standard (月額)",
                    "monthly",
                    1,
                    1874,
                    "JPY",
                    1,
                    300,
                    Some(30),
                    None,
                    &["JP"][..],
                ),
                (
                    "K365-BIZ-Y",
                    "Business Standard (annual)",
                    "Business Standard (年間)",
                    "annual",
                    12,
                    20_600,
                    "JPY",
                    1,
                    300,
                    None,
                    None,
                    &["JP"][..],
                ),
                (
                    "K365-BIZ-M-US",
                    "Business Standard (monthly, US)",
                    "Business Standard (月額、米国)",
                    "monthly",
                    1,
                    1250,
                    "USD",
                    1,
                    300,
                    Some(30),
                    None,
                    &["US"][..],
                ),
                (
                    "K365-DEF-M",
                    "Defender add-on (monthly)",
                    "Defender アドオン (月額)",
                    "monthly",
                    1,
                    450,
                    "JPY",
                    1,
                    300,
                    None,
                    Some("K365-BIZ-M"),
                    &["JP"][..],
                ),
            ],
        ),
        (
            "K365-ENT",
            "Keiro 365 Enterprise",
            "Keiro 365 エンタープライズ",
            vec![(
                "K365-E3-Y",
                "Enterprise E3 (annual)",
                "Enterprise E3 (年間)",
                "annual",
                12,
                54_000,
                "JPY",
                5,
                100_000,
                None,
                None,
                &["JP", "US"][..],
            )],
        ),
    ] {
        let pid = Uuid::now_v7().to_string();
        repo::insert(
            tx,
            product::Model {
                search_text: String::new(),
                id: pid.clone(),
                code: code.into(),
                name_en: en.into(),
                name_ja: ja.into(),
                description_en: format!("{en}: mail, documents, meetings and storage."),
                description_ja: format!("{ja}: メール、文書、会議、ストレージ。"),
                version: 1,
                created_at: now,
                updated_at: now,
            },
        )
        .await?;
        for (
            sku,
            name_en,
            name_ja,
            cycle,
            term,
            price,
            currency,
            min,
            max,
            trial,
            prereq,
            countries,
        ) in offers_of
        {
            let oid = Uuid::now_v7().to_string();
            offers::insert(
                tx,
                offer::Model {
                    search_text: String::new(),
                    id: oid.clone(),
                    product_id: pid.clone(),
                    sku: sku.into(),
                    name_en: name_en.into(),
                    name_ja: name_ja.into(),
                    description_en: String::new(),
                    description_ja: String::new(),
                    billing_cycle: cycle.into(),
                    term_months: term,
                    unit_price_minor: price,
                    currency: currency.into(),
                    min_quantity: min,
                    max_quantity: max,
                    trial_days: trial,
                    prerequisite_offer_id: prereq.and_then(|p| offer_ids.get(p).cloned()),
                    state: crate::catalog::AVAILABLE.into(),
                    version: 1,
                    created_at: now,
                    updated_at: now,
                },
                &countries.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            )
            .await?;
            offer_ids.insert(sku, oid);
        }
    }
    let (Some(sakura), Some(fuji), Some(contoso), Some(northwind), Some(adatum)) = (
        id("Sakura Distribution KK"),
        id("Fuji Reseller GK"),
        id("Contoso Trading Co."),
        id("Northwind Foods"),
        id("Adatum Clinic"),
    ) else {
        return Ok(());
    };
    /// (customer, seller, attributed reseller and support contact, SKU, licenses, trial)
    type Sale<'a> = (
        &'a String,
        &'a String,
        Option<&'a String>,
        &'static str,
        i64,
        bool,
    );
    let sales: [Sale; 5] = [
        (&contoso, &sakura, Some(&fuji), "K365-BIZ-M", 25, false),
        (&contoso, &fuji, None, "K365-DEF-M", 25, false),
        (&northwind, &fuji, None, "K365-BIZ-Y", 10, false),
        (&northwind, &fuji, None, "K365-BIZ-M", 3, true),
        (&adatum, &sakura, None, "K365-E3-Y", 40, false),
    ];
    for (customer, seller, reseller, sku, quantity, trial) in sales {
        let Some(oid) = offer_ids.get(sku) else {
            continue;
        };
        let o = offers::get(tx, oid)
            .await?
            .ok_or(crate::AppError::NotFound("offer"))?;
        let order_id = Uuid::now_v7().to_string();
        repo::subscriptions::insert_order(
            tx,
            order::Model {
                id: order_id.clone(),
                customer_org_id: customer.clone(),
                placed_by_org_id: seller.clone(),
                placed_by_user_id: None,
                created_at: now,
            },
        )
        .await?;
        let (start, ends) = crate::subscriptions::first_term(&o, trial, now);
        let sid = Uuid::now_v7().to_string();
        repo::insert(
            tx,
            subscription::Model {
                id: sid.clone(),
                customer_org_id: customer.clone(),
                offer_id: oid.clone(),
                order_id,
                seller_org_id: seller.clone(),
                reseller_org_id: reseller.cloned(),
                support_contact_org_id: reseller.cloned(),
                partner_of_record_org_id: None,
                quantity,
                state: "active".into(),
                suspension_reasons: String::new(),
                auto_renew: !trial,
                trial,
                term_started_at: start,
                term_ends_at: ends,
                ended_at: None,
                version: 1,
                created_at: now,
                updated_at: now,
            },
        )
        .await?;
        repo::subscriptions::insert_event(
            tx,
            subscription_event::Model {
                id: Uuid::now_v7().to_string(),
                subscription_id: sid,
                occurred_at: now,
                actor_org_id: None,
                actor_user_id: None,
                change: "created".into(),
                details: json!({ "via": "demo", "sku": sku, "quantity": quantity }).to_string(),
            },
        )
        .await?;
    }
    Ok(())
}
