//! R-REL-10 at scale: seeds one partner with N customers (1,000,000 by default) on SQLite or
//! PostgreSQL and reports p50/p99 of the Customers page use case (authorization and the real
//! query): the first page, a page 90% deep, the name sort, searches, and the delegated-admin
//! filter.
//!
//!   cargo run --release -p keiro-server --example customers_bench -- [COUNT [URL]]...
//!
//! Without a URL it uses a SQLite file in a temporary directory. For PostgreSQL, pass an empty
//! database's URL (the bench migrates it). A database an earlier run seeded (a SQLite URL such
//! as `sqlite:///tmp/c.db?mode=rwc`, or the same PostgreSQL URL) is measured again as it is.
//! Several `COUNT URL` pairs are measured in alternating rounds, each case on each database in
//! turn, so that a ratio between them (printed against the first) is measured in one run and the
//! machine's load falls on all of them alike.

use keiro_app::relationships::{CustomerFilter, CustomerSort};
use keiro_app::{App, AppConfig, Ctx, CurrentUser, SystemClock};
use keiro_store::entities::{customer_relationship, delegated_right, organization};
use keiro_store::sea_orm::{ConnectionTrait, EntityTrait, Statement};
use keiro_store::{Db, DbOptions};
use std::sync::Arc;
use std::time::Instant;

const ADMIN: &str = "admin@bench-partner.example";
const CASES: usize = 9;
const RUNS: usize = 200;

/// One database under measurement: its use-case entry points and the cursors and search term
/// its cases need (they depend on its size).
struct Target {
    label: String,
    app: App,
    ctx: Ctx,
    deep_since: String,
    deep_name: String,
    one: String,
}

impl Target {
    fn case(&self, i: usize) -> (String, CustomerFilter<'_>) {
        let base = CustomerFilter {
            limit: 50,
            ..Default::default()
        };
        match i {
            0 => ("first page (since)".into(), base),
            1 => (
                "page 90% deep (since)".into(),
                CustomerFilter {
                    cursor: Some(&self.deep_since),
                    ..base
                },
            ),
            2 => (
                "first page (name)".into(),
                CustomerFilter {
                    sort: CustomerSort::Name,
                    ..base
                },
            ),
            3 => (
                "page 90% deep (name)".into(),
                CustomerFilter {
                    sort: CustomerSort::Name,
                    cursor: Some(&self.deep_name),
                    ..base
                },
            ),
            // One customer's number, 65% of the way in: one match at any size.
            4 => (
                "search, 1 match (a number)".into(),
                CustomerFilter {
                    q: Some(&self.one),
                    ..base
                },
            ),
            5 => (
                "search, 2 characters (\"99\")".into(),
                CustomerFilter {
                    q: Some("99"),
                    ..base
                },
            ),
            // Customers whose number ends in 9 (their domain has "9."): as common at any size,
            // so the page fills after the same walk.
            6 => (
                "search, 2 characters (\"9.\")".into(),
                CustomerFilter {
                    q: Some("9."),
                    ..base
                },
            ),
            7 => (
                "search, no match (\"zzz\")".into(),
                CustomerFilter {
                    q: Some("zzz"),
                    ..base
                },
            ),
            _ => (
                "delegated admin only, first page".into(),
                CustomerFilter {
                    delegated_admin: Some(true),
                    ..base
                },
            ),
        }
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut targets = Vec::new();
    let mut i = 0;
    loop {
        let count: usize = args
            .get(i)
            .and_then(|a| a.parse().ok())
            .unwrap_or(1_000_000);
        let url = args.get(i + 1).cloned().unwrap_or_else(|| {
            format!(
                "sqlite://{}/bench{}.db?mode=rwc",
                dir.path().display(),
                targets.len()
            )
        });
        targets.push(target(count, &url).await);
        i += 2;
        if i >= args.len() {
            break;
        }
    }

    // Alternating rounds: each case on each target in turn.
    let mut times: Vec<Vec<Vec<f64>>> = vec![vec![Vec::new(); CASES]; targets.len()];
    let mut rows = vec![vec![0; CASES]; targets.len()];
    for _ in 0..RUNS {
        for case in 0..CASES {
            for (t, target) in targets.iter().enumerate() {
                let (_, f) = target.case(case);
                let started = Instant::now();
                let page = keiro_app::relationships::customers(&target.app, &target.ctx, f)
                    .await
                    .expect("query");
                times[t][case].push(started.elapsed().as_secs_f64() * 1000.0);
                rows[t][case] = page.items.len();
            }
        }
    }
    let pct = |v: &mut Vec<f64>, p: f64| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[(((v.len() as f64) * p).ceil() as usize).clamp(1, v.len()) - 1]
    };
    for (t, target) in targets.iter().enumerate() {
        println!("\n{}", target.label);
        println!(
            "{:<34} {:>8} {:>8} {:>5} {:>9}",
            "case", "p50 ms", "p99 ms", "rows", "p50 ratio"
        );
        for case in 0..CASES {
            let p50 = pct(&mut times[t][case], 0.5);
            let p99 = pct(&mut times[t][case], 0.99);
            let first = pct(&mut times[0][case], 0.5);
            println!(
                "{:<34} {p50:>8.2} {p99:>8.2} {:>5} {:>8.2}×",
                target.case(case).0,
                rows[t][case],
                p50 / first
            );
        }
    }
}

/// Connects to (and migrates) one database, seeds it unless an earlier run did, and finds the
/// cursors its cases need.
async fn target(count: usize, url: &str) -> Target {
    let db = Db::connect(&DbOptions::new(url)).await.expect("connect");
    db.migrate().await.expect("migrate");
    let app = App::new(db.clone(), Arc::new(SystemClock), AppConfig::default());
    // A database seeded by an earlier run (a SQLite file or a PostgreSQL database given by URL)
    // is reused as it is, so the queries can be measured again without seeding for minutes.
    let existing = keiro_store::repo::users::find_by_email(db.reader(), ADMIN)
        .await
        .expect("look up");
    let user = match existing {
        Some(user) => user,
        None => seed(&db, &app, count).await,
    };
    // As the worker's hourly housekeeping leaves SQLite's full-text index: merged.
    let steps = keiro_app::housekeeping::merge_search_index(&app, 1000)
        .await
        .expect("merge");
    if steps > 0 {
        eprintln!("merged the search index in {steps} steps");
    }
    let c = db.reader();
    // The partner's customers as seeded (a reused database keeps its own count).
    let count = c
        .query_one_raw(Statement::from_string(
            c.get_database_backend(),
            "SELECT COUNT(*) AS n FROM customer_relationships",
        ))
        .await
        .expect("count")
        .and_then(|r| r.try_get::<i64>("", "n").ok())
        .unwrap_or(0) as usize;
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
            [user.org_id.clone().into(), (deep as i64).into()],
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
    Target {
        label: format!("{count} customers, {:?}", c.get_database_backend()),
        app,
        ctx,
        deep_since,
        deep_name,
        one: format!("{:07}", count * 65 / 100),
    }
}

/// One partner and its admin through the real use cases, then `count` customers, each with an
/// active relationship; every 10th with delegated admin.
async fn seed(db: &Db, app: &App, count: usize) -> keiro_store::entities::user::Model {
    let now = app.now();
    // The partner and its admin, through the real use cases.
    let tx = db.begin().await.expect("begin");
    let partner = keiro_app::admin::insert_org(
        &tx,
        app,
        keiro_app::admin::NewOrg {
            kind: keiro_domain::OrgKind::Partner,
            profile: keiro_testkit::profile("Bench Partner KK", "bench-partner.example"),
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
        app,
        &partner,
        keiro_app::admin::NewUser {
            email: ADMIN,
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
            let p =
                keiro_testkit::profile(&format!("Customer {k:07} KK"), &format!("c{k:07}.example"));
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
    // As production finds it after autovacuum: PostgreSQL's VACUUM sets the visibility map
    // (index-only scans of the covering index) and flushes the trigram index's pending list;
    // both backends get fresh planner statistics.
    if c.get_database_backend() == keiro_store::sea_orm::DbBackend::Postgres {
        c.execute_unprepared("VACUUM ANALYZE")
            .await
            .expect("vacuum");
    } else {
        c.execute_unprepared("ANALYZE").await.expect("analyze");
    }
    println!(
        "seeded {count} customers in {:.1}s ({:?})",
        started.elapsed().as_secs_f64(),
        c.get_database_backend()
    );
    user
}
