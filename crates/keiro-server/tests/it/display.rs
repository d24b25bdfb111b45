//! Japanese conventions, per user (issue 14, point 4): each user reads times in their time zone
//! (Asia/Tokyo by default in Japanese, else the deployment's), in their language's format, in
//! the portal and in email; a bad zone is refused with its reason.

use crate::helpers::{PortalClient, mails_to};
use keiro_domain::{OrgKind, Role};
use keiro_testkit::{TEST_PASSWORD, TestApp, both_backends};
use time::macros::datetime;

both_backends!(r_x_3_times_read_in_each_users_zone_and_language);

async fn r_x_3_times_read_in_each_users_zone_and_language(app: TestApp) {
    app.clock.set(datetime!(2026-12-01 00:30 UTC));
    let u = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let mut c = PortalClient::new(&app);
    c.lang = "ja";
    c.sign_in(&u.email, TEST_PASSWORD).await;
    let csrf = c.csrf().await;
    // Japanese, no zone chosen: Asia/Tokyo, as 2026/12/01 09:30.
    let r = c
        .post(
            "/account/preferences",
            &[
                ("csrf", &csrf),
                ("full_name", "佐藤 花子"),
                ("language", "ja"),
                ("time_zone", "auto"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    c.post(
        "/account/tokens",
        &[("csrf", &csrf), ("name", "自動化"), ("days", "30")],
    )
    .await;
    let page = c.get("/account").await.text().await.unwrap();
    assert!(
        page.contains("日時は Asia/Tokyo で表示されます。"),
        "{page}"
    );
    assert!(
        page.contains("2026/12/01 09:30"),
        "the token's creation in Tokyo time: {page}"
    );
    let mail = mails_to(&app, &u.email).await;
    let token_mail = mail
        .iter()
        .find(|m| m.0 == "api-token-created")
        .expect("the token email");
    assert!(
        token_mail.2.contains("2026/12/31 09:30 (Asia/Tokyo)"),
        "{}",
        token_mail.2
    );
    // A chosen zone wins, in the portal and in email.
    let r = c
        .post(
            "/account/preferences",
            &[("csrf", &csrf), ("time_zone", "America/Los_Angeles")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = c.get("/account").await.text().await.unwrap();
    assert!(
        page.contains("2026/11/30 16:30"),
        "the same moment in Los Angeles: {page}"
    );
    assert!(page.contains("<option value=\"America/Los_Angeles\" selected>"));
    // English with no zone: the deployment's (UTC here), as 2026-12-01 00:30.
    let r = c
        .post(
            "/account/preferences",
            &[("csrf", &csrf), ("language", "en"), ("time_zone", "auto")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = c.get("/account").await.text().await.unwrap();
    assert!(
        page.contains("2026-12-01 00:30") && page.contains("Times are shown in Etc/UTC."),
        "{page}"
    );
    // Switching the language (the header's switch) is not an audited change; a new name is.
    let before = app.count("audit_records").await;
    let r = c
        .post(
            "/account/preferences",
            &[("csrf", &csrf), ("language", "ja"), ("next", "/account")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        app.count("audit_records").await,
        before,
        "a language switch leaves no row"
    );
    c.post(
        "/account/preferences",
        &[
            ("csrf", &csrf),
            ("language", "en"),
            ("full_name", "Hanako Sato"),
        ],
    )
    .await;
    assert_eq!(app.count("audit_records").await, before + 1);
    // A zone that is not one is refused with its reason, and nothing changes.
    let r = c
        .post(
            "/account/preferences",
            &[("csrf", &csrf), ("time_zone", "Mars/Olympus")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("time zone"));
}
