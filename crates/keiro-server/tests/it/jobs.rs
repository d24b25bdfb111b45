//! Background jobs in the database (issue 13, ADR 0008): a CSV import uploaded to one node is
//! run by whichever node's worker claims it and shown by any node; a job whose node stopped is
//! taken over after its lease and says it restarted; claim secrets are shown once across nodes;
//! a node that lost its job changes nothing; a job that keeps stopping nodes is given up.

use crate::helpers::{PortalClient, location};
use keiro_domain::{OrgKind, Role};
use keiro_store::repo;
use keiro_testkit::{TEST_PASSWORD, TestApp, both_backends};
use time::Duration;

both_backends!(r_enr_2_r_ord_1_an_import_uploaded_to_one_node_is_shown_by_another);

/// Nodes without job workers: the test plays each node's worker.
mod taken_over {
    async fn on(backend: keiro_testkit::Backend) {
        let b = keiro_testkit::TestApp::builder(backend).without_job_worker();
        if let Some(app) = b.spawn().await {
            super::r_enr_2_an_import_whose_node_stopped_is_taken_over_and_says_so(app).await;
        }
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        on(keiro_testkit::Backend::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        on(keiro_testkit::Backend::Postgres).await
    }
}

/// Uploads `csv` as the portal form does, on the node at `base`; the progress page's path.
async fn upload(
    app: &TestApp,
    base: &str,
    cookie: &str,
    csrf: &str,
    path: &str,
    csv: &str,
) -> String {
    let body = format!(
        "--XB\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--XB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--XB--\r\n"
    );
    let r = app
        .http
        .post(format!("{base}{path}"))
        .header("cookie", cookie)
        .header("sec-fetch-site", "same-origin")
        .header("accept-language", "en")
        .header("content-type", "multipart/form-data; boundary=XB")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    location(&r)
}

/// Uploads [`REGISTRY_CSV`] to the registry import on the node at `base`.
async fn upload_registry(app: &TestApp, base: &str, cookie: &str, csrf: &str) -> String {
    let path = "/operator/registry/import";
    upload(app, base, cookie, csrf, path, REGISTRY_CSV).await
}

async fn page(app: &TestApp, base: &str, cookie: &str, path: &str) -> (u16, String) {
    let r = app
        .http
        .get(format!("{base}{path}"))
        .header("cookie", cookie)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Polls the page on `base` until the import's report is there.
async fn report(app: &TestApp, base: &str, cookie: &str, path: &str) -> String {
    for _ in 0..200 {
        let (status, html) = page(app, base, cookie, path).await;
        assert_eq!(status, 200, "{html}");
        if html.contains("id=\"import-summary\"") || html.contains("role=\"alert\"") {
            return html;
        }
        assert!(
            html.contains("http-equiv=\"refresh\""),
            "an unfinished import refreshes itself"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the import did not finish");
}

async fn operator(app: &TestApp) -> (String, String, String) {
    let op = app
        .org_with_user(OrgKind::Operator, "Operator", &[Role::OperatorAdmin])
        .await;
    let mut c = PortalClient::new(app);
    c.sign_in(&op.email, TEST_PASSWORD).await;
    let csrf = c.csrf_on("/operator/registry").await;
    (c.cookie.clone().unwrap(), csrf, op.org_id)
}

const REGISTRY_CSV: &str = "partner_id,organization_name,country,level,status\n4440001,Ueno Systems,JP,gold,active\n4440002,Bad Level,JP,diamond,active\n";

async fn r_enr_2_r_ord_1_an_import_uploaded_to_one_node_is_shown_by_another(app: TestApp) {
    let peer = app.peer().await;
    let (cookie, csrf, op_org) = operator(&app).await;
    let at = upload_registry(&app, &app.base_url, &cookie, &csrf).await;
    assert!(at.starts_with("/operator/registry/imports/"));
    // The other node shows progress, then the report, the row errors and the secret once.
    let html = report(&app, &peer.base_url, &cookie, &at).await;
    assert!(
        html.contains("2 rows, 1 created, 0 updated, 1 with errors"),
        "{html}"
    );
    assert!(html.contains("Choose a level: none, action_pack, silver or gold."));
    assert!(html.contains("id=\"import-secrets\"") && html.contains("4440001"));
    assert!(!html.contains("id=\"import-restarted\""), "it ran once");
    let (_, again) = page(&app, &app.base_url, &cookie, &at).await;
    assert!(
        !again.contains("id=\"import-secrets\""),
        "shown once, whichever node asks"
    );
    assert!(again.contains("id=\"import-secrets-shown\""), "{again}");
    assert!(again.contains("2 rows, 1 created"), "the report stays");
    assert_eq!(app.count("membership_records").await, 1);
    // The catalog import, uploaded to the other node and shown by the first.
    let csv = "product_code,sku,name_en,name_ja,billing_cycle,term_months,unit_price_minor,currency,countries\nJOBS,JOBS-1,Jobs Suite,ジョブ スイート,monthly,1,1200,JPY,JP\nJOBS,JOBS-2,Broken,壊れた,weekly,1,1,JPY,JP\n";
    let at2 = upload(
        &app,
        &peer.base_url,
        &cookie,
        &csrf,
        "/operator/catalog/import",
        csv,
    )
    .await;
    assert!(at2.starts_with("/operator/catalog/imports/"));
    let html = report(&app, &app.base_url, &cookie, &at2).await;
    assert!(
        html.contains("2 rows, 1 new products, 1 offers created, 0 updated, 1 with errors"),
        "{html}"
    );
    // A file that is not an import fails with its reason on the page.
    let at3 = upload(
        &app,
        &peer.base_url,
        &cookie,
        &csrf,
        "/operator/registry/import",
        "name\nx\n",
    )
    .await;
    let html = report(&app, &app.base_url, &cookie, &at3).await;
    assert!(html.contains("The import failed:"), "{html}");
    // The job's audit row, its rows and its report are in the database every node reads.
    let jobs = app.count("jobs").await;
    assert_eq!(jobs, 3);
    assert_eq!(
        app.count("job_lines").await,
        2,
        "one report line per refused row"
    );
    // Nobody else sees the job: another operator, on any node.
    let other = app
        .add_user(
            &op_org,
            "op2@operator.example",
            &[Role::OperatorAdmin],
            Some(TEST_PASSWORD),
        )
        .await
        .0;
    let mut o = PortalClient::new(&app);
    o.sign_in(&other.email, TEST_PASSWORD).await;
    let oc = o.cookie.clone().unwrap();
    assert_eq!(page(&app, &peer.base_url, &oc, &at).await.0, 404);
    assert_eq!(page(&app, &app.base_url, &oc, &at2).await.0, 404);
}

async fn r_enr_2_an_import_whose_node_stopped_is_taken_over_and_says_so(app: TestApp) {
    let peer = app.peer().await;
    let (cookie, csrf, _) = operator(&app).await;
    let at = upload_registry(&app, &app.base_url, &cookie, &csrf).await;
    let id = at.rsplit('/').next().unwrap().to_string();
    let (_, html) = page(&app, &peer.base_url, &cookie, &at).await;
    assert!(html.contains("Waiting to start"), "{html}");
    // A node claims the job and stops before finishing (its transaction never commits).
    let now = app.app.now();
    let ms = |t: time::OffsetDateTime| (t.unix_timestamp_nanos() / 1_000_000) as i64;
    let lease = Duration::seconds(app.app.config.job_lease_secs);
    let tx = app.app.db.begin().await.unwrap();
    let dead = repo::jobs::claim(&tx, "stopped-node", ms(now), ms(now + lease), &[], now)
        .await
        .unwrap()
        .expect("the queued job is claimable");
    tx.commit().await.unwrap();
    assert_eq!(dead.id, id);
    // While its lease runs, no other node takes it.
    assert_eq!(
        keiro_app::jobs::run_next(&peer.app, "node-2")
            .await
            .unwrap(),
        None
    );
    let (_, html) = page(&app, &app.base_url, &cookie, &at).await;
    assert!(html.contains("Importing: 0 of 0 rows"), "{html}");
    // After it, one node takes it over (two try at once; one wins).
    app.clock.advance(lease + Duration::seconds(1));
    let (a, b) = tokio::join!(
        keiro_app::jobs::run_next(&peer.app, "node-2"),
        keiro_app::jobs::run_next(&app.app, "node-3"),
    );
    let ran: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(ran, vec![id.clone()], "exactly one node ran the job");
    let html = report(&app, &app.base_url, &cookie, &at).await;
    assert!(html.contains("id=\"import-restarted\""), "{html}");
    assert!(html.contains("another server started it again"), "{html}");
    assert!(html.contains("2 rows, 1 created, 0 updated, 1 with errors"));
    assert!(
        html.contains("id=\"import-secrets\""),
        "the secrets of the run that counted"
    );
    assert_eq!(
        app.count("membership_records").await,
        1,
        "nothing imported twice"
    );
    // The stopped node, come back, cannot record an outcome over the one that counted.
    let tx = app.app.db.begin().await.unwrap();
    let late = repo::jobs::finish(&tx, (&id, "stopped-node", 1), "{}", None, 0, now)
        .await
        .unwrap();
    assert!(!late, "a node that lost its job changes nothing");
    let beat = repo::jobs::beat(&tx, (&id, "stopped-node", 1), (1, 2), ms(now + lease))
        .await
        .unwrap();
    assert!(!beat);
    tx.commit().await.unwrap();

    // A job that stops every node that runs it is given up after three starts.
    let at = upload_registry(&app, &peer.base_url, &cookie, &csrf).await;
    for n in 0..keiro_domain::job::MAX_ATTEMPTS {
        let now = app.app.now();
        let tx = app.app.db.begin().await.unwrap();
        repo::jobs::claim(
            &tx,
            &format!("crashing-{n}"),
            ms(now),
            ms(now + lease),
            &[],
            now,
        )
        .await
        .unwrap()
        .expect("claimable again once its lease ended");
        tx.commit().await.unwrap();
        app.clock.advance(lease + Duration::seconds(1));
    }
    assert!(
        keiro_app::jobs::run_next(&app.app, "node-1")
            .await
            .unwrap()
            .is_some()
    );
    let html = report(&app, &peer.base_url, &cookie, &at).await;
    assert!(
        html.contains("it stopped the server running it three times"),
        "{html}"
    );
    assert_eq!(app.count("membership_records").await, 1);
}
