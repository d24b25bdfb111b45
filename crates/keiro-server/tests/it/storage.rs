use keiro_app::mail::{MailTransport, OutgoingEmail};
use keiro_store::{Db, DbOptions, StoreError};
use keiro_testkit::{Backend, TestApp, TestDb, both_backends};
use std::sync::Mutex;

both_backends!(
    migrations_are_repeatable_and_refuse_newer_schemas,
    outbox_message_goes_out_once_with_two_nodes,
    invitation_use_guards_single_and_multi_use,
);

/// The store's guards behind every invitation kind: a single-use link is taken once, a
/// multi-use link many times, and neither after expiry or revocation; two live partnerships
/// (or rights) for one pair cannot exist.
async fn invitation_use_guards_single_and_multi_use(app: TestApp) {
    use keiro_store::entities::{delegated_right, invitation, partnership};
    use keiro_store::repo::{invitations, rights};
    let p = app.provider_admin("Distri").await;
    let r = app.reseller_admin("Resell").await;
    let now = app.app.now();
    let link = |id: &str, hash: &str| invitation::Model {
        id: id.into(),
        kind: "partnership".into(),
        token_hash: hash.into(),
        org_id: p.org_id.clone(),
        created_by: Some(p.id.clone()),
        created_by_name: "Test".into(),
        recipient_email: None,
        payload: "{}".into(),
        state: "open".into(),
        use_count: 0,
        open_count: 0,
        expires_at: now + time::Duration::days(1),
        created_at: now,
        revoked_at: None,
        revoked_by: None,
        used_at: None,
        used_by_org: None,
        used_by_user: None,
    };
    let db = app.app.db.begin().await.unwrap();
    keiro_store::repo::insert(&db, link("00000000-0000-7000-8000-000000000001", "a"))
        .await
        .unwrap();
    keiro_store::repo::insert(&db, link("00000000-0000-7000-8000-000000000002", "b"))
        .await
        .unwrap();
    keiro_store::repo::insert(&db, link("00000000-0000-7000-8000-000000000003", "c"))
        .await
        .unwrap();
    let (one, many, gone) = (
        "00000000-0000-7000-8000-000000000001",
        "00000000-0000-7000-8000-000000000002",
        "00000000-0000-7000-8000-000000000003",
    );
    assert!(
        invitations::use_once(&db, one, &r.org_id, &r.id, now)
            .await
            .unwrap()
    );
    assert!(
        !invitations::use_once(&db, one, &r.org_id, &r.id, now)
            .await
            .unwrap()
    );
    for _ in 0..3 {
        assert!(
            invitations::use_again(&db, many, &r.org_id, &r.id, now)
                .await
                .unwrap()
        );
    }
    let later = now + time::Duration::days(2);
    assert!(
        !invitations::use_again(&db, many, &r.org_id, &r.id, later)
            .await
            .unwrap(),
        "expired"
    );
    assert!(
        invitations::revoke(&db, &p.org_id, gone, &p.id, now)
            .await
            .unwrap()
    );
    assert!(
        !invitations::use_again(&db, gone, &r.org_id, &r.id, now)
            .await
            .unwrap(),
        "revoked"
    );
    assert!(
        !invitations::revoke(&db, &r.org_id, many, &r.id, now)
            .await
            .unwrap(),
        "another org's link"
    );
    db.commit().await.unwrap();
    let used = invitations::get_in_org(app.app.db.reader(), &p.org_id, many)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((used.use_count, used.state.as_str()), (3, "open"));

    // The database itself refuses a second live partnership or right for one pair.
    let row = |id: &str| partnership::Model {
        id: id.into(),
        provider_org_id: p.org_id.clone(),
        reseller_org_id: r.org_id.clone(),
        state: "active".into(),
        invitation_id: None,
        accepted_by: None,
        created_at: now,
        removed_at: None,
        removed_by_org: None,
        removed_by_user: None,
    };
    let right = |id: &str| delegated_right::Model {
        id: id.into(),
        owner_org_id: r.org_id.clone(),
        grantee_org_id: p.org_id.clone(),
        kind: "provider_admin".into(),
        source_id: None,
        granted_at: now,
        granted_by: None,
        revoked_at: None,
        revoked_by: None,
    };
    let db = app.app.db.begin().await.unwrap();
    keiro_store::repo::insert(&db, row("00000000-0000-7000-8000-0000000000a1"))
        .await
        .unwrap();
    keiro_store::repo::insert(&db, right("00000000-0000-7000-8000-0000000000b1"))
        .await
        .unwrap();
    db.commit().await.unwrap();
    let db = app.app.db.begin().await.unwrap();
    let err = keiro_store::repo::insert(&db, row("00000000-0000-7000-8000-0000000000a2"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err}");
    drop(db);
    let db = app.app.db.begin().await.unwrap();
    let err = keiro_store::repo::insert(&db, right("00000000-0000-7000-8000-0000000000b2"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate(_)), "{err}");
    drop(db);
    // Once revoked, the right can be granted again.
    let db = app.app.db.begin().await.unwrap();
    assert!(
        rights::revoke(&db, &r.org_id, &p.org_id, "provider_admin", &r.id, now)
            .await
            .unwrap()
    );
    keiro_store::repo::insert(&db, right("00000000-0000-7000-8000-0000000000b3"))
        .await
        .unwrap();
    db.commit().await.unwrap();
}

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
