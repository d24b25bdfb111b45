use crate::helpers::{PortalClient, between, location, problem};
use keiro_domain::{OrgKind, Role};
use keiro_testkit::{TEST_PASSWORD, TestApp, both_backends};

both_backends!(mfa_setup_sign_in_replay_recovery_and_reset);

fn code(app: &TestApp, secret: &str) -> String {
    keiro_app::mfa::code_at(secret, app.app.now().unix_timestamp() as u64).unwrap()
}

async fn mfa_setup_sign_in_replay_recovery_and_reset(app: TestApp) {
    let ga = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let (sales, _) = app
        .add_user(
            &ga.org_id,
            "sales@sakura.example",
            &[Role::SalesAgent],
            Some(TEST_PASSWORD),
        )
        .await;
    let mut c = PortalClient::new(&app);
    c.sign_in(&ga.email, TEST_PASSWORD).await;
    // Only a global admin sets the organization's requirement.
    let mut s = PortalClient::new(&app);
    s.sign_in(&sales.email, TEST_PASSWORD).await;
    let scsrf = s.csrf().await;
    assert_eq!(
        s.post("/organization/mfa", &[("csrf", &scsrf), ("required", "on")])
            .await
            .status(),
        403
    );
    let csrf = c.csrf().await;
    assert_eq!(
        location(
            &c.post("/organization/mfa", &[("csrf", &csrf), ("required", "on")])
                .await
        ),
        "/organization?done=saved"
    );
    // Now every page leads to set-up first.
    let r = c.get("/users").await;
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/account/mfa".to_string())
    );
    assert!(
        c.get("/account/mfa")
            .await
            .text()
            .await
            .unwrap()
            .contains("id=\"mfa-required\"")
    );
    let html = c
        .post("/account/mfa/setup", &[("csrf", &csrf)])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<svg") && html.contains("QR code"),
        "a QR code is shown"
    );
    let secret = between(&html, "id=\"mfa-secret\">", "<");
    let r = c
        .post(
            "/account/mfa/confirm",
            &[("csrf", &csrf), ("code", "000000")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text().await.unwrap().contains("id=\"mfa-secret\""),
        "a wrong first code shows the set-up again"
    );
    let first = code(&app, &secret);
    let r = c
        .post("/account/mfa/confirm", &[("csrf", &csrf), ("code", &first)])
        .await;
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    let codes: Vec<String> = html
        .split("<li><code>")
        .skip(1)
        .map(|x| x[..x.find('<').unwrap()].to_string())
        .collect();
    assert_eq!(codes.len(), 10);
    assert_eq!(
        c.get("/users").await.status(),
        200,
        "set up: pages open again"
    );
    // Sign in again: the password alone opens nothing.
    let mut d = PortalClient::new(&app);
    let r = d.sign_in(&ga.email, TEST_PASSWORD).await;
    assert!(location(&r).starts_with("/signin/mfa"));
    let r = d.get("/dashboard").await;
    assert_eq!(location(&r), "/signin/mfa");
    let dcsrf = d.csrf_on("/signin/mfa").await;
    let r = d
        .post(
            "/signin/mfa",
            &[("csrf", &dcsrf), ("code", &first), ("next", "/users")],
        )
        .await;
    assert_eq!(
        r.status(),
        422,
        "the code used at set-up cannot be replayed"
    );
    assert!(r.text().await.unwrap().contains("already used"));
    app.clock.advance(time::Duration::seconds(30));
    let next = code(&app, &secret);
    assert_eq!(
        location(
            &d.post(
                "/signin/mfa",
                &[("csrf", &dcsrf), ("code", &next), ("next", "/users")]
            )
            .await
        ),
        "/users"
    );
    assert_eq!(d.get("/users").await.status(), 200);
    // A recovery code works once.
    let mut e = PortalClient::new(&app);
    e.sign_in(&ga.email, TEST_PASSWORD).await;
    let ecsrf = e.csrf_on("/signin/mfa").await;
    assert_eq!(
        location(
            &e.post(
                "/signin/mfa",
                &[("csrf", &ecsrf), ("code", &codes[0].to_uppercase())]
            )
            .await
        ),
        "/dashboard"
    );
    let mut f = PortalClient::new(&app);
    f.sign_in(&ga.email, TEST_PASSWORD).await;
    let fcsrf = f.csrf_on("/signin/mfa").await;
    assert_eq!(
        f.post("/signin/mfa", &[("csrf", &fcsrf), ("code", &codes[0])])
            .await
            .status(),
        422
    );
    // Operator staff reset it (lost phone): sessions end; set-up is required again.
    let op = app
        .org_with_user(OrgKind::Operator, "Operator", &[Role::OperatorReviewer])
        .await;
    let ot = app.token_for(&op.email).await;
    let gt = app.token_for(&ga.email).await;
    let r = app
        .http
        .post(app.url(&format!("/v1/operator/users/{}/resetmfa", ga.id)))
        .bearer_auth(&gt)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.1["code"], "operator_only");
    let r = app
        .http
        .post(app.url(&format!("/v1/operator/users/{}/resetmfa", ga.id)))
        .bearer_auth(&ot)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(d.get("/users").await.status(), 303, "every session ended");
    let mut g = PortalClient::new(&app);
    assert_eq!(
        location(&g.sign_in(&ga.email, TEST_PASSWORD).await),
        "/dashboard"
    );
    assert_eq!(location(&g.get("/dashboard").await), "/account/mfa");
    let audit: serde_json::Value = app
        .get("/v1/auditrecords?limit=200", &ot)
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["target_id"] == ga.id.as_str())
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    for a in ["user.mfa_enabled", "session.mfa_verified", "user.mfa_reset"] {
        assert!(actions.contains(&a), "{a}: {actions:?}");
    }
}
