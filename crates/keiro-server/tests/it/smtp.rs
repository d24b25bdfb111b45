use keiro_app::mail::MailTransport;
use keiro_domain::{OrgKind, Role};
use keiro_server::config::SmtpConfig;
use keiro_server::mailer::{FileMailer, SmtpMailer};
use keiro_testkit::smtp::SmtpSink;
use keiro_testkit::{Backend, TEST_PASSWORD, TestApp};
use serde_json::json;

fn smtp(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        security: "none".into(),
        username: None,
        password: None,
    }
}

/// R-X-4: a password change emails the user, in their language, through a real SMTP server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_x_4_password_change_notice_delivered_by_smtp_in_users_language() {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let Some(app) = TestApp::builder(Backend::Sqlite).spawn().await else {
        return;
    };
    let u = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let tok = app.token_for(&u.email).await;
    let r = app
        .http
        .patch(app.url("/v1/me"))
        .bearer_auth(&tok)
        .json(&json!({"language": "ja"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app
        .http
        .post(app.url("/v1/me/password"))
        .bearer_auth(&tok)
        .json(
            &json!({"current_password": TEST_PASSWORD, "new_password": "another long passphrase"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let mailer = SmtpMailer::new(&smtp(sink.port)).unwrap();
    let report = keiro_app::outbox::deliver_due(&app.app, &mailer, "node-a", 10)
        .await
        .unwrap();
    assert_eq!(report.sent, 2, "token notice and password notice");
    let msgs = sink.wait_for(2).await;
    let pw = msgs
        .iter()
        .find(|m| m.contains("=?utf-8?") || m.contains("Subject:"))
        .unwrap();
    assert!(msgs.iter().all(|m| m.contains(&format!("To: {}", u.email))));
    let all = msgs.join("\n");
    assert!(all.contains("Message-ID: <"), "{pw}");
    // Nothing is sent twice.
    let again = keiro_app::outbox::deliver_due(&app.app, &mailer, "node-a", 10)
        .await
        .unwrap();
    assert_eq!(again.sent, 0);
    assert_eq!(sink.messages().len(), 2);
    // The Japanese subject is encoded; decode-free check on the body's plain text instead.
    let outbox: serde_json::Value = {
        let op = app
            .org_with_user(OrgKind::Operator, "Op", &[Role::OperatorAdmin])
            .await;
        let t = app.token_for(&op.email).await;
        app.get("/v1/outbox?state=sent", &t)
            .await
            .json()
            .await
            .unwrap()
    };
    let subjects: Vec<&str> = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["subject"].as_str().unwrap())
        .collect();
    assert!(
        subjects
            .iter()
            .any(|s| s.contains("パスワードが変更されました")),
        "{subjects:?}"
    );
}

/// A dead SMTP server: the message stays queued with backoff, then fails after the last attempt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_x_4_delivery_retries_with_backoff_then_fails() {
    let Some(app) = TestApp::builder(Backend::Sqlite)
        .app_config(|c| c.outbox_max_attempts = 3)
        .spawn()
        .await
    else {
        return;
    };
    let u = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    app.token_for(&u.email).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port(); // closed again: nobody listens
    let mailer = SmtpMailer::new(&smtp(port)).unwrap();
    let r = keiro_app::outbox::deliver_due(&app.app, &mailer, "n", 10)
        .await
        .unwrap();
    assert_eq!((r.sent, r.retrying), (0, 1));
    let r = keiro_app::outbox::deliver_due(&app.app, &mailer, "n", 10)
        .await
        .unwrap();
    assert_eq!(
        r.retrying + r.sent + r.failed,
        0,
        "not due again before the backoff"
    );
    app.clock.advance(time::Duration::seconds(31));
    assert_eq!(
        keiro_app::outbox::deliver_due(&app.app, &mailer, "n", 10)
            .await
            .unwrap()
            .retrying,
        1
    );
    app.clock.advance(time::Duration::seconds(61));
    assert_eq!(
        keiro_app::outbox::deliver_due(&app.app, &mailer, "n", 10)
            .await
            .unwrap()
            .failed,
        1
    );
    let op = app
        .org_with_user(OrgKind::Operator, "Op", &[Role::OperatorAdmin])
        .await;
    let t = app.token_for(&op.email).await;
    let failed: serde_json::Value = app
        .get("/v1/outbox?state=failed", &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(failed["items"][0]["attempts"], 3);
    assert!(
        failed["items"][0]["last_error"]
            .as_str()
            .unwrap()
            .contains("SMTP")
    );
    // Once the server is back, nothing more is attempted for a failed message.
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let r = keiro_app::outbox::deliver_due(
        &app.app,
        &SmtpMailer::new(&smtp(sink.port)).unwrap(),
        "n",
        10,
    )
    .await
    .unwrap();
    assert_eq!(r.sent, 1, "only the operator's own token notice");
}

/// Without SMTP the default transport writes .eml files into the data folder.
#[tokio::test]
async fn r_x_4_default_outbox_writes_eml_files() {
    let Some(app) = TestApp::builder(Backend::Sqlite).spawn().await else {
        return;
    };
    let u = app.customer_admin("Contoso").await;
    app.token_for(&u.email).await;
    let dir = app.data_dir.path().join("outbox");
    let m = FileMailer::new(dir.clone()).unwrap();
    assert!(m.describe().contains("outbox"));
    assert_eq!(
        keiro_app::outbox::deliver_due(&app.app, &m, "n", 10)
            .await
            .unwrap()
            .sent,
        1
    );
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .collect();
    assert_eq!(files.len(), 1);
    let eml = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(eml.contains(&format!("To: {}", u.email)) && eml.contains("API token"));
}

/// The worker inside the server delivers by itself: no test calls deliver_due here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_x_4_server_worker_delivers_queued_mail_over_smtp() {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let Some(app) = TestApp::builder(Backend::Postgres)
        .server_config(|c| {
            c.run_workers = true;
            c.outbox_interval_secs = 1;
            c.smtp = Some(smtp(sink.port));
        })
        .spawn()
        .await
    else {
        return;
    };
    let u = app.customer_admin("Contoso").await;
    app.token_for(&u.email).await;
    let msgs = sink.wait_for(1).await;
    assert_eq!(msgs.len(), 1, "the worker sent the queued notice");
    assert!(msgs[0].contains(&format!("To: {}", u.email)));
}
