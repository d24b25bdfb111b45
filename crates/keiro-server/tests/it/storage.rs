use keiro_app::mail::{MailTransport, OutgoingEmail};
use keiro_store::{Db, DbOptions, StoreError};
use keiro_testkit::{Backend, TestApp, TestDb, both_backends};
use std::sync::Mutex;

both_backends!(
    migrations_are_repeatable_and_refuse_newer_schemas,
    outbox_message_goes_out_once_with_two_nodes
);

async fn migrations_are_repeatable_and_refuse_newer_schemas(app: TestApp) {
    app.app.db.migrate().await.expect("a second run is a no-op");
    app.app.db.check_schema().await.expect("up to date");
    use keiro_store::sea_orm::ConnectionTrait;
    app.app.db.reader().execute_unprepared("INSERT INTO seaql_migrations (version, applied_at) VALUES ('m9999_from_the_future', 0)").await.unwrap();
    let other = Db::connect(&DbOptions::new(&app.db.url)).await.unwrap();
    let err = other.migrate().await.unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaTooNew(ref v) if v.contains("m9999")),
        "{err}"
    );
    assert!(err.to_string().contains("newer than this binary"));
}

/// Counts deliveries; slow enough that two nodes overlap.
struct Counting(Mutex<Vec<String>>);

#[async_trait::async_trait]
impl MailTransport for Counting {
    async fn send(&self, m: &OutgoingEmail) -> Result<(), String> {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        self.0.lock().unwrap().push(m.id.clone());
        Ok(())
    }
    fn describe(&self) -> String {
        "counting".into()
    }
}

async fn outbox_message_goes_out_once_with_two_nodes(app: TestApp) {
    let u = app
        .org_with_user(
            keiro_domain::OrgKind::Partner,
            "Sakura",
            &[keiro_domain::Role::GlobalAdmin],
        )
        .await;
    for _ in 0..12 {
        app.token_for(&u.email).await; // each queues one email
    }
    // A second "node": its own connection pool to the same database.
    let db2 = Db::connect(&DbOptions::new(&app.db.url)).await.unwrap();
    let app2 = keiro_app::App::new(db2, app.clock.clone(), (*app.app.config).clone());
    let sent = std::sync::Arc::new(Counting(Mutex::new(vec![])));
    let (a, b) = (app.app.clone(), app2.clone());
    let (s1, s2) = (sent.clone(), sent.clone());
    let n1 = tokio::spawn(async move {
        let mut n = 0;
        for _ in 0..10 {
            n += keiro_app::outbox::deliver_due(&a, s1.as_ref(), "node-1", 3)
                .await
                .unwrap()
                .sent;
        }
        n
    });
    let n2 = tokio::spawn(async move {
        let mut n = 0;
        for _ in 0..10 {
            n += keiro_app::outbox::deliver_due(&b, s2.as_ref(), "node-2", 3)
                .await
                .unwrap()
                .sent;
        }
        n
    });
    let total = n1.await.unwrap() + n2.await.unwrap();
    let ids = sent.0.lock().unwrap().clone();
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(ids.len(), 12, "every message sent");
    assert_eq!(unique.len(), 12, "no message sent twice");
    assert_eq!(total, 12);
}

#[tokio::test]
async fn unreachable_or_read_only_database_is_a_clear_error() {
    let err = Db::connect(&DbOptions {
        connect_timeout: std::time::Duration::from_secs(2),
        ..DbOptions::new("postgres://nobody@127.0.0.1:1/none")
    })
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err}");
    assert!(
        err.to_string()
            .starts_with("the database cannot be reached")
    );
    let err = Db::connect(&DbOptions::new("mysql://x")).await.unwrap_err();
    assert!(err.to_string().contains("unsupported database URL"));
    // A read-only SQLite database: opened, but migrations refuse with a clear error.
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    Db::connect(&DbOptions::new(&db.url))
        .await
        .unwrap()
        .migrate()
        .await
        .unwrap();
    let ro = db.url.replace("mode=rwc", "mode=ro");
    let dbro = Db::connect(&DbOptions::new(&ro)).await.unwrap();
    dbro.check_schema().await.expect("reads work");
    let tx = dbro.begin().await;
    let err = match tx {
        Err(e) => e,
        Ok(tx) => {
            use keiro_store::sea_orm::ConnectionTrait;
            let r = tx
                .execute_unprepared(
                    "INSERT INTO idempotency_records VALUES ('a','b','c','d',1,'e','2026-01-01')",
                )
                .await;
            StoreError::from(r.unwrap_err())
        }
    };
    assert!(matches!(err, StoreError::ReadOnly(_)), "{err}");
}
