//! R-REL-10 at scale: seeds one partner with N customers (1,000,000 by default) on SQLite or
//! PostgreSQL and reports p50/p99 of the Customers page use case (authorization and the real
//! query): the first page, a page 90% deep, the name sort, searches, and the delegated-admin
//! filter.
//!
//!   cargo run --release -p keiro-server --example customers_bench -- [COUNT] [DATABASE_URL]
//!
//! Without DATABASE_URL it uses a SQLite file in a temporary directory. For PostgreSQL, pass an
//! empty database's URL (the bench migrates it).

use keiro_app::relationships::{CustomerFilter, CustomerSort};
use keiro_app::{App, AppConfig, Ctx, CurrentUser, SystemClock};
use keiro_store::entities::{customer_relationship, delegated_right, organization};
use keiro_store::sea_orm::{ConnectionTrait, EntityTrait, Statement};
use keiro_store::{Db, DbOptions};
use std::sync::Arc;
use std::time::Instant;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = args
        .next()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db?mode=rwc", dir.path().display()));
    let db = Db::connect(&DbOptions::new(&url)).await.expect("connect");
    db.migrate().await.expect("migrate");
    let app = App::new(db.clone(), Arc::new(SystemClock), AppConfig::default());
    let now = app.now();

    // The partner and its admin, through the real use cases.
    let tx = db.begin().await.expect("begin");
    let partner = keiro_app::admin::insert_org(
        &tx,
        &app,
        keiro_app::admin::NewOrg {
            kind: keiro_domain::OrgKind::Partner,
            profile: profile("Bench Partner KK", "bench-partner.example"),
            program_roles: vec![keiro_domain::ProgramRole::IndirectProvider],
            authorizations: vec![],
            partner_id: None,
            enrolling: false,
        },
    )
    .await
    .expect("partner");
    let (user, _) = keiro_app::admin::insert_user(
        &tx,
        &app,
        &partner,
        keiro_app::admin::NewUser {
            email: "admin@bench-partner.example",
            full_name: "Bench Admin",
            roles: &[keiro_domain::Role::GlobalAdmin],
            delegated_access: keiro_domain::DelegatedAccess::Full,
            password: Some("a long enough bench password"),
        },
    )
    .await
    .expect("user");
    tx.commit().await.expect("commit");

    // N customers, each with an active relationship; every 10th with delegated admin.
    let started = Instant::now();
    let batch = 1000;
    let mut i = 0;
    while i < count {
        let n = batch.min(count - i);
        let mut orgs = Vec::with_capacity(n);
        let mut rels = Vec::with_capacity(n);
        let mut daps = Vec::new();
        for k in i..i + n {
            let id = uuid::Uuid::now_v7().to_string();
            let p = profile(&format!("Customer {k:07} KK"), &format!("c{k:07}.example"));
            let search = keiro_domain::text::search_text(&[&p.legal_name, &p.primary_domain, ""]);
            orgs.push(organization::ActiveModel::from(organization::Model {
                search_text: search,
                id: id.clone(),
                kind: "customer".into(),
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
                program_roles: String::new(),
                authorizations: String::new(),
                partner_id: None,
                require_mfa: false,
                partner_status: None,
                version: 1,
                created_at: now,
                updated_at: now,
            }));
            rels.push(customer_relationship::ActiveModel::from(
                customer_relationship::Model {
                    id: uuid::Uuid::now_v7().to_string(),
                    partner_org_id: partner.id.clone(),
                    customer_org_id: id.clone(),
                    state: "active".into(),
                    created_at: now,
                    ended_at: None,
                },
            ));
            if k % 10 == 0 {
                daps.push(delegated_right::ActiveModel::from(delegated_right::Model {
                    id: uuid::Uuid::now_v7().to_string(),
                    owner_org_id: id,
                    grantee_org_id: partner.id.clone(),
                    kind: "dap".into(),
                    source_id: None,
                    granted_at: now,
                    granted_by: None,
                    revoked_at: None,
                    revoked_by: None,
                }));
            }
        }
        let tx = db.begin().await.expect("begin");
        organization::Entity::insert_many(orgs)
            .exec_without_returning(&tx)
            .await
            .expect("orgs");
        customer_relationship::Entity::insert_many(rels)
            .exec_without_returning(&tx)
            .await
            .expect("relationships");
        if !daps.is_empty() {
            delegated_right::Entity::insert_many(daps)
                .exec_without_returning(&tx)
                .await
                .expect("rights");
        }
        tx.commit().await.expect("commit");
        i += n;
        if i % 100_000 == 0 {
            eprintln!("seeded {i} customers in {:.0?}", started.elapsed());
        }
    }
    let c = db.reader();
    if c.get_database_backend() == keiro_store::sea_orm::DbBackend::Postgres {
        c.execute_unprepared("ANALYZE").await.expect("analyze");
    } else {
        c.execute_unprepared("ANALYZE").await.ok();
    }
    println!(
        "seeded {count} customers in {:.1}s ({:?})",
        started.elapsed().as_secs_f64(),
        c.get_database_backend()
    );

    let me = CurrentUser::load(c, &user.id)
        .await
        .expect("load")
        .expect("user");
    let ctx = Ctx {
        user: Some(me),
        request_id: None,
        client_ip: "bench".into(),
    };
    // Cursors 90% deep, in both orders.
    let deep = (count * 9 / 10) as u64;
    let pg = c.get_database_backend() == keiro_store::sea_orm::DbBackend::Postgres;
    let ph = |n: usize| if pg { format!("${n}") } else { "?".to_string() };
    let row = c
        .query_one_raw(Statement::from_sql_and_values(
            c.get_database_backend(),
            format!(
                "SELECT r.id AS rid FROM customer_relationships r WHERE r.partner_org_id = {} \
                 ORDER BY r.id LIMIT 1 OFFSET {}",
                ph(1),
                ph(2)
            ),
            [partner.id.clone().into(), (deep as i64).into()],
        ))
        .await
        .expect("deep row")
        .expect("a row");
    let deep_since: String = row.try_get("", "rid").unwrap();
    let name_row = c
        .query_one_raw(Statement::from_sql_and_values(
            c.get_database_backend(),
            format!(
                "SELECT legal_name AS name, id AS oid FROM organizations WHERE kind = 'customer' \
                 ORDER BY legal_name, id LIMIT 1 OFFSET {}",
                ph(1)
            ),
            [(deep as i64).into()],
        ))
        .await
        .expect("deep name")
        .expect("a row");
    let deep_name = format!(
        "{}\t{}",
        name_row.try_get::<String>("", "name").unwrap(),
        name_row.try_get::<String>("", "oid").unwrap()
    );

    let cases: Vec<(&str, CustomerFilter)> = vec![
        (
            "first page (since)",
            CustomerFilter {
                limit: 50,
                ..Default::default()
            },
        ),
        (
            "page 90% deep (since)",
            CustomerFilter {
                cursor: Some(&deep_since),
                limit: 50,
                ..Default::default()
            },
        ),
        (
            "first page (name)",
            CustomerFilter {
                sort: CustomerSort::Name,
                limit: 50,
                ..Default::default()
            },
        ),
        (
            "page 90% deep (name)",
            CustomerFilter {
                sort: CustomerSort::Name,
                cursor: Some(&deep_name),
                limit: 50,
                ..Default::default()
            },
        ),
        (
            "search, 1 match (\"0654321\")",
            CustomerFilter {
                q: Some("0654321"),
                limit: 50,
                ..Default::default()
            },
        ),
        (
            "search, many matches (\"99\")",
            CustomerFilter {
                q: Some("99"),
                limit: 50,
                ..Default::default()
            },
        ),
        (
            "search, no match (\"zzz\")",
            CustomerFilter {
                q: Some("zzz"),
                limit: 50,
                ..Default::default()
            },
        ),
        (
            "delegated admin only, first page",
            CustomerFilter {
                delegated_admin: Some(true),
                limit: 50,
                ..Default::default()
            },
        ),
    ];
    let runs = 30;
    println!(
        "{:<36} {:>9} {:>9} {:>6}",
        "case", "p50 ms", "p99 ms", "rows"
    );
    for (name, f) in cases {
        let mut times = Vec::with_capacity(runs);
        let mut rows = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let page = keiro_app::relationships::customers(&app, &ctx, f.clone())
                .await
                .expect("query");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            rows = page.items.len();
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let p50 = times[runs / 2];
        let p99 = times[((runs as f64) * 0.99).ceil() as usize - 1];
        println!("{name:<36} {p50:>9.2} {p99:>9.2} {rows:>6}");
    }
}

fn profile(name: &str, domain: &str) -> keiro_domain::CompanyProfile {
    keiro_domain::CompanyProfile {
        legal_name: name.into(),
        address_line1: "1-1".into(),
        address_line2: String::new(),
        city: "Tokyo".into(),
        region: String::new(),
        postal_code: "100-0001".into(),
        country: "JP".into(),
        phone: "+81 3 0000 0000".into(),
        email: format!("info@{domain}"),
        website: String::new(),
        primary_domain: domain.into(),
    }
}
