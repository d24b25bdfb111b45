//! Test support: a [`TestApp`] running the real router on a real port over a fresh database
//! (SQLite file, or a PostgreSQL database created for the test and dropped afterwards), a
//! controllable clock, a real SMTP server ([`smtp::SmtpSink`], aiosmtpd) and a headless
//! Chromium ([`browser::Browser`]).
//!
//! Helpers named `db_…` write rows directly (the state a test starts from, made without the
//! flow that would make it); everything else goes through the API or keiro-app's use cases.
//! [`TestApp::as_user`] sends typed API requests; [`world::world`] is the commerce cast.
//!
//! A test whose external part is missing prints `skipped: …` and passes, unless
//! `KEIRO_TEST_STRICT=1` (CI), where a skip fails.

pub mod browser;
pub mod db;
pub mod request;
pub mod smtp;
pub mod world;

/// A Tokyo company's profile with this name and primary domain (tests and benches).
pub fn profile(name: &str, domain: &str) -> CompanyProfile {
    CompanyProfile {
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

use keiro_app::config::PasswordCost;
use keiro_app::{App, AppConfig, ManualClock};
use keiro_domain::{CompanyProfile, DelegatedAccess, OrgKind, ProgramRole, Role};
use keiro_server::{AppState, ServerConfig};
use std::net::SocketAddr;
use std::sync::Arc;

pub use db::{Backend, TestDb};

/// True when skips must fail (CI).
pub fn strict() -> bool {
    std::env::var("KEIRO_TEST_STRICT").is_ok_and(|v| v == "1" || v == "true")
}

/// Reports a skipped test; fails it under `KEIRO_TEST_STRICT=1`.
pub fn skip(reason: &str) {
    if strict() {
        panic!("KEIRO_TEST_STRICT=1 and this test cannot run: {reason}");
    }
    eprintln!("skipped: {reason}");
}

/// Runs one async test body on SQLite and on PostgreSQL: `both_backends!(my_test);` turns
/// `async fn my_test(app: TestApp)` into `my_test::sqlite` and `my_test::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = $crate::TestApp::builder($crate::Backend::Sqlite).spawn().await {
                    super::$name(app).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::TestApp::builder($crate::Backend::Postgres).spawn().await {
                    super::$name(app).await;
                }
            }
        }
    )+};
}

pub struct TestAppBuilder {
    backend: Backend,
    app_config: AppConfig,
    server_config: ServerConfig,
    job_worker: bool,
}

impl TestAppBuilder {
    pub fn app_config(mut self, f: impl FnOnce(&mut AppConfig)) -> Self {
        f(&mut self.app_config);
        self
    }
    pub fn server_config(mut self, f: impl FnOnce(&mut ServerConfig)) -> Self {
        f(&mut self.server_config);
        self
    }

    /// Without the background-job worker (which every node runs otherwise, even when the
    /// other workers are off): a test then runs jobs itself, on the node it chooses.
    pub fn without_job_worker(mut self) -> Self {
        self.job_worker = false;
        self
    }

    /// Starts the app, or `None` if the backend is unavailable (and not strict).
    pub async fn spawn(self) -> Option<TestApp> {
        let db = TestDb::create(self.backend).await?;
        let mut app = TestApp::start_on(db, self.app_config, self.server_config).await;
        if self.job_worker {
            app.job_worker = Some(keiro_server::worker::spawn_jobs(
                &app.state,
                "node-1".into(),
            ));
        }
        Some(app)
    }
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub base_url: String,
    pub app: App,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    pub http: reqwest::Client,
    pub data_dir: tempfile::TempDir,
    pub db: TestDb,
    server: tokio::task::JoinHandle<()>,
    job_worker: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
        if let Some(w) = &self.job_worker {
            w.abort();
        }
    }
}

/// Another server node on a test's database (see [`TestApp::peer`]).
pub struct Peer {
    pub base_url: String,
    /// Its use cases (its own pool and node-local state).
    pub app: App,
    server: tokio::task::JoinHandle<()>,
    job_worker: Option<tokio::task::JoinHandle<()>>,
}

impl Peer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.server.abort();
        if let Some(w) = &self.job_worker {
            w.abort();
        }
    }
}

/// A user made for a test, with a password it chose (no forced change).
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub password: String,
}

pub const TEST_PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    pub fn builder(backend: Backend) -> TestAppBuilder {
        let app_config = AppConfig {
            password_cost: PasswordCost::cheap_for_tests(),
            secret_key: keiro_app::secrets::SecretKey::new(
                "keiro-tests-deployment-secret-key-0123456789",
            )
            .ok(),
            ..AppConfig::default()
        };
        let server_config = ServerConfig {
            run_workers: false,
            // Tests play the proxy: `X-Forwarded-For` from loopback names the client's address.
            trusted_proxies: vec!["127.0.0.1".parse().expect("loopback")],
            ..ServerConfig::default()
        };
        TestAppBuilder {
            backend,
            app_config,
            server_config,
            job_worker: true,
        }
    }

    async fn start_on(
        db: TestDb,
        mut app_config: AppConfig,
        mut server_config: ServerConfig,
    ) -> TestApp {
        // Bind first so that links in emails point at this server.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        if app_config.public_url == AppConfig::default().public_url {
            app_config.public_url = format!("http://{addr}");
        }
        let data_dir = tempfile::tempdir().expect("temp dir");
        server_config.data_dir = data_dir.path().to_path_buf();
        server_config.database_url = Some(db.url.clone());
        let store = keiro_store::Db::connect(&db_options(&db.url))
            .await
            .expect("connect test database");
        store.migrate().await.expect("migrate test database");
        let clock = Arc::new(ManualClock::new(keiro_app::SystemClock.now_for_tests()));
        let app = App::new(store, clock.clone(), app_config);
        let state = AppState::new(app.clone(), server_config);
        if state.config.run_workers {
            let transport =
                keiro_server::mailer::from_config(&state.config).expect("mail transport");
            // The workers stop when the test's runtime ends.
            let _ = keiro_server::worker::spawn(state.clone(), transport);
        }
        let s = state.clone();
        let server = tokio::spawn(async move {
            let _ = keiro_server::serve(listener, s, std::future::pending()).await;
        });
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestApp {
            addr,
            base_url: format!("http://{addr}"),
            app,
            state,
            clock,
            http,
            data_dir,
            db,
            server,
            job_worker: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Creates an organization of `kind` with one user holding `roles` (partners are approved
    /// indirect resellers).
    pub async fn org_with_user(&self, kind: OrgKind, name: &str, roles: &[Role]) -> TestUser {
        let program_roles = if kind == OrgKind::Partner {
            vec![ProgramRole::IndirectReseller]
        } else {
            vec![]
        };
        self.org_with(kind, name, &program_roles, roles).await
    }

    /// An approved partner with these program roles and one user holding `roles`.
    pub async fn partner(
        &self,
        name: &str,
        program_roles: &[ProgramRole],
        roles: &[Role],
    ) -> TestUser {
        self.org_with(OrgKind::Partner, name, program_roles, roles)
            .await
    }

    /// A customer with one global admin.
    pub async fn customer_admin(&self, name: &str) -> TestUser {
        self.org_with_user(OrgKind::Customer, name, &[Role::GlobalAdmin])
            .await
    }

    /// An approved indirect reseller with one global admin.
    pub async fn reseller_admin(&self, name: &str) -> TestUser {
        self.partner(name, &[ProgramRole::IndirectReseller], &[Role::GlobalAdmin])
            .await
    }

    /// An approved indirect provider with one global admin.
    pub async fn provider_admin(&self, name: &str) -> TestUser {
        self.partner(name, &[ProgramRole::IndirectProvider], &[Role::GlobalAdmin])
            .await
    }

    /// Records an active reseller relationship between a partner and a customer (the rows the
    /// customer-relationship flows create; shared-customer views read them).
    pub async fn db_relate(&self, partner_org: &str, customer_org: &str) {
        let tx = self.app.db.begin().await.expect("begin");
        keiro_store::repo::insert(
            &tx,
            keiro_store::entities::customer_relationship::Model {
                id: uuid::Uuid::now_v7().to_string(),
                partner_org_id: partner_org.into(),
                customer_org_id: customer_org.into(),
                state: "active".into(),
                created_at: self.app.now(),
                ended_at: None,
            },
        )
        .await
        .expect("relationship");
        tx.commit().await.expect("commit");
    }

    /// Records an active provider ↔ reseller partnership, with the provider's admin access (the
    /// rows an accepted partnership request creates).
    pub async fn db_partner_up(&self, provider_org: &str, reseller_org: &str) {
        let tx = self.app.db.begin().await.expect("begin");
        let id = uuid::Uuid::now_v7().to_string();
        keiro_store::repo::insert(
            &tx,
            keiro_store::entities::partnership::Model {
                id: id.clone(),
                provider_org_id: provider_org.into(),
                reseller_org_id: reseller_org.into(),
                state: "active".into(),
                invitation_id: None,
                accepted_by: None,
                created_at: self.app.now(),
                removed_at: None,
                removed_by_org: None,
                removed_by_user: None,
            },
        )
        .await
        .expect("partnership");
        tx.commit().await.expect("commit");
    }

    /// Gives a partner organization its partner ID (the membership record's, on approval).
    pub async fn db_set_partner_id(&self, org_id: &str, partner_id: &str) {
        use keiro_store::entities::organization;
        use keiro_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        let tx = self.app.db.begin().await.expect("begin");
        organization::Entity::update_many()
            .col_expr(
                organization::Column::PartnerId,
                Expr::value(Some(partner_id.to_string())),
            )
            .filter(organization::Column::Id.eq(org_id))
            .exec(&tx)
            .await
            .expect("partner id");
        tx.commit().await.expect("commit");
    }

    /// Runs one SQL statement on the test's database (a fact no use case sets, such as the
    /// registry changing a level).
    pub async fn db_exec(&self, sql: &str) {
        use keiro_store::sea_orm::ConnectionTrait;
        let tx = self.app.db.begin().await.expect("begin");
        tx.execute_unprepared(sql).await.expect("sql");
        tx.commit().await.expect("commit");
    }

    /// Links a partner organization to a membership record of `level` (none, action_pack, silver,
    /// gold) and `status` (active, inactive, suspended), as enrollment does (R-BEN-2).
    pub async fn db_membership(&self, org_id: &str, level: &str, status: &str) {
        use keiro_store::entities::membership_record;
        let now = self.app.now();
        let tx = self.app.db.begin().await.expect("begin");
        let org = keiro_store::repo::orgs::get(&tx, org_id)
            .await
            .expect("org")
            .expect("org exists");
        let partner_id = match org.partner_id {
            Some(p) => p,
            None => format!(
                "9{:06}",
                (uuid::Uuid::now_v7().as_u128() % 1_000_000) as u64
            ),
        };
        keiro_store::repo::insert(
            &tx,
            membership_record::Model {
                id: uuid::Uuid::now_v7().to_string(),
                partner_id,
                organization_name: org.legal_name.clone(),
                country: org.country.clone(),
                level: level.into(),
                status: status.into(),
                expires_on: None,
                claim_secret_hash: String::new(),
                claimed_by_org_id: Some(org.id.clone()),
                version: 1,
                created_at: now,
                updated_at: now,
                search_text: String::new(),
            },
        )
        .await
        .expect("membership record");
        tx.commit().await.expect("commit");
    }

    /// A second `keiro serve` node on this test's database: its own connection pool, router
    /// and port, sharing nothing with the first but the database (and the test clock).
    pub async fn peer(&self) -> Peer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let store = keiro_store::Db::connect(&db_options(&self.db.url))
            .await
            .expect("connect peer");
        let app = App::new(store, self.clock.clone(), (*self.app.config).clone());
        let state = AppState::new(app.clone(), (*self.state.config).clone());
        // A peer runs jobs as its first node does.
        let job_worker = self
            .job_worker
            .is_some()
            .then(|| keiro_server::worker::spawn_jobs(&state, format!("peer-{addr}")));
        let server = tokio::spawn(async move {
            let _ = keiro_server::serve(listener, state, std::future::pending()).await;
        });
        Peer {
            base_url: format!("http://{addr}"),
            app,
            server,
            job_worker,
        }
    }

    /// The operator authorizes a partner for delegated admin (R-REL-7).
    pub async fn db_authorize_delegated_admin(&self, org_id: &str) {
        use keiro_store::entities::organization;
        use keiro_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        let tx = self.app.db.begin().await.expect("begin");
        organization::Entity::update_many()
            .col_expr(
                organization::Column::Authorizations,
                Expr::value(keiro_domain::PartnerAuthorization::DelegatedAdmin.code()),
            )
            .filter(organization::Column::Id.eq(org_id))
            .exec(&tx)
            .await
            .expect("authorize");
        tx.commit().await.expect("commit");
    }

    /// Sets a partner user's delegated access (none, limited, full).
    pub async fn db_set_delegated_access(&self, user_id: &str, access: DelegatedAccess) {
        use keiro_store::entities::user;
        use keiro_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        let tx = self.app.db.begin().await.expect("begin");
        user::Entity::update_many()
            .col_expr(user::Column::DelegatedAccess, Expr::value(access.code()))
            .filter(user::Column::Id.eq(user_id))
            .exec(&tx)
            .await
            .expect("set access");
        tx.commit().await.expect("commit");
    }

    async fn org_with(
        &self,
        kind: OrgKind,
        name: &str,
        program_roles: &[ProgramRole],
        roles: &[Role],
    ) -> TestUser {
        let tx = self.app.db.begin().await.expect("begin");
        let slug: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        // Names in Japanese only: a made-up ASCII domain.
        let slug = if slug.is_empty() {
            format!("org{}", &uuid::Uuid::now_v7().simple().to_string()[24..])
        } else {
            slug
        };
        let org = keiro_app::admin::insert_org(
            &tx,
            &self.app,
            keiro_app::admin::NewOrg {
                kind,
                profile: profile(name, &format!("{slug}.example")),
                program_roles: program_roles.to_vec(),
                authorizations: vec![],
                partner_id: None,
                enrolling: false,
            },
        )
        .await
        .expect("org");
        // Tests opt in to MFA (the program's default for partners) where they test it.
        keiro_store::repo::mfa::set_org_requirement(&tx, &org.id, false, self.app.now())
            .await
            .expect("mfa off");
        let user = self
            .add_user_in(
                &tx,
                &org,
                &format!(
                    "{}@{slug}.example",
                    roles.first().map(|r| r.code()).unwrap_or("user")
                ),
                roles,
                Some(TEST_PASSWORD),
            )
            .await;
        tx.commit().await.expect("commit");
        user.0
    }

    /// Adds a user to an existing organization; `password: None` gives a temporary password,
    /// returned as the second value.
    pub async fn add_user(
        &self,
        org_id: &str,
        email: &str,
        roles: &[Role],
        password: Option<&str>,
    ) -> (TestUser, Option<String>) {
        let tx = self.app.db.begin().await.expect("begin");
        let org = keiro_store::repo::orgs::get(&tx, org_id)
            .await
            .expect("org")
            .expect("org exists");
        let r = self.add_user_in(&tx, &org, email, roles, password).await;
        tx.commit().await.expect("commit");
        r
    }

    async fn add_user_in(
        &self,
        tx: &keiro_store::sea_orm::DatabaseTransaction,
        org: &keiro_store::entities::organization::Model,
        email: &str,
        roles: &[Role],
        password: Option<&str>,
    ) -> (TestUser, Option<String>) {
        let (u, temp) = keiro_app::admin::insert_user(
            tx,
            &self.app,
            org,
            keiro_app::admin::NewUser {
                email,
                full_name: "Test User",
                roles,
                delegated_access: DelegatedAccess::None,
                password,
            },
        )
        .await
        .expect("user");
        let pw = temp
            .clone()
            .unwrap_or_else(|| password.unwrap_or_default().to_string());
        (
            TestUser {
                id: u.id,
                org_id: org.id.clone(),
                email: u.email,
                password: pw,
            },
            temp,
        )
    }

    /// An API token for a user (through the same use case as the CLI).
    pub async fn token_for(&self, email: &str) -> String {
        keiro_app::admin::token_for_email(&self.app, email, "test", 30)
            .await
            .expect("token")
            .secret
            .expect("secret")
    }

    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// The number of rows in a table (to check that refused requests changed nothing).
    pub async fn count(&self, table: &str) -> i64 {
        use keiro_store::sea_orm::{ConnectionTrait, Statement};
        let c = self.app.db.reader();
        let row = c
            .query_one_raw(Statement::from_string(
                c.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count")
            .expect("row");
        row.try_get::<i64>("", "n").expect("n")
    }
}

/// Connection options for a test node: a longer wait for a connection than production's, as
/// tests create databases and run in parallel on a small machine.
fn db_options(url: &str) -> keiro_store::DbOptions {
    let mut o = keiro_store::DbOptions::new(url);
    o.connect_timeout = std::time::Duration::from_secs(30);
    o
}

/// Extension to start the manual clock at the real current time.
pub trait NowForTests {
    fn now_for_tests(&self) -> time::OffsetDateTime;
}

impl NowForTests for keiro_app::SystemClock {
    fn now_for_tests(&self) -> time::OffsetDateTime {
        keiro_app::Clock::now(self)
    }
}
