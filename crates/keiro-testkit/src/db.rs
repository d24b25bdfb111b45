//! A fresh database per test. SQLite: a file in a temporary folder. PostgreSQL: a database
//! created from `KEIRO_TEST_POSTGRES_URL` and dropped (WITH FORCE) when the test ends.

use keiro_store::sea_orm::sqlx::{self, AssertSqlSafe, Connection, Executor, PgConnection};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub async fn create(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("keiro.db").display()
                );
                Some(TestDb {
                    backend,
                    url,
                    _dir: Some(dir),
                    pg: None,
                })
            }
            Backend::Postgres => {
                let Ok(admin) = std::env::var("KEIRO_TEST_POSTGRES_URL") else {
                    crate::skip("PostgreSQL test: KEIRO_TEST_POSTGRES_URL is not set");
                    return None;
                };
                let name = format!("keiro_t_{}", uuid::Uuid::now_v7().simple());
                let mut conn = match PgConnection::connect(&admin).await {
                    Ok(c) => c,
                    Err(e) => {
                        crate::skip(&format!(
                            "PostgreSQL test: cannot connect to KEIRO_TEST_POSTGRES_URL: {e}"
                        ));
                        return None;
                    }
                };
                conn.execute(sqlx::raw_sql(AssertSqlSafe(format!(
                    "CREATE DATABASE {name}"
                ))))
                .await
                .expect("create test database");
                let _ = conn.close().await;
                let mut u = url::Url::parse(&admin).expect("KEIRO_TEST_POSTGRES_URL is a URL");
                u.set_path(&name);
                Some(TestDb {
                    backend,
                    url: u.to_string(),
                    _dir: None,
                    pg: Some((admin, name)),
                })
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg.take() {
            // Drop runs outside any runtime we may block: use a thread with its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async move {
                    if let Ok(mut c) = PgConnection::connect(&admin).await {
                        let _ = c
                            .execute(sqlx::raw_sql(AssertSqlSafe(format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))))
                            .await;
                        let _ = c.close().await;
                    }
                });
            })
            .join();
        }
    }
}
