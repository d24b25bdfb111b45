use fantoccini::Locator;
use keiro_domain::{OrgKind, Role};
use keiro_testkit::browser::Browser;
use keiro_testkit::{Backend, TestApp};

/// R-USR-2 / R-X-3 in a real browser: temporary password → forced change → dashboard.
async fn first_sign_in(lang: &str, expect_forced: &str, expect_welcome: &str) {
    let Some(app) = TestApp::builder(Backend::Sqlite).spawn().await else {
        return;
    };
    let Some(browser) = Browser::start(lang).await else {
        return;
    };
    let admin = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let (u, temp) = app
        .add_user(
            &admin.org_id,
            "newhire@sakura.example",
            &[Role::SalesAgent],
            None,
        )
        .await;
    let temp = temp.unwrap();
    let c = &browser.client;
    let result: Result<(), fantoccini::error::CmdError> = async {
        // Chromium treats 127.0.0.1 as a secure context, so Secure cookies work on plain HTTP.
        c.goto(&app.url("/")).await?;
        c.wait()
            .for_element(Locator::Id("email"))
            .await?
            .send_keys(&u.email)
            .await?;
        c.find(Locator::Id("password"))
            .await?
            .send_keys(&temp)
            .await?;
        c.find(Locator::Id("signin-submit")).await?.click().await?;
        let notice = c
            .wait()
            .for_element(Locator::Id("forced-notice"))
            .await?
            .text()
            .await?;
        assert!(
            notice.contains(expect_forced),
            "forced change notice: {notice}"
        );
        c.find(Locator::Id("current_password"))
            .await?
            .send_keys(&temp)
            .await?;
        c.find(Locator::Id("new_password"))
            .await?
            .send_keys("my own long passphrase")
            .await?;
        c.find(Locator::Id("confirm_password"))
            .await?
            .send_keys("my own long passphrase")
            .await?;
        c.find(Locator::Id("password-submit"))
            .await?
            .click()
            .await?;
        let welcome = c
            .wait()
            .for_element(Locator::Id("welcome"))
            .await?
            .text()
            .await?;
        assert!(welcome.contains(expect_welcome), "dashboard: {welcome}");
        let html_lang = c.find(Locator::Css("html")).await?.attr("lang").await?;
        assert_eq!(html_lang.as_deref(), Some(&lang[..2]));
        browser.screenshot(&format!("dashboard-{lang}")).await;
        Ok(())
    }
    .await;
    if let Err(e) = result {
        browser
            .screenshot(&format!("failure-first-sign-in-{lang}"))
            .await;
        panic!("browser journey failed: {e}");
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_usr_2_browser_first_sign_in_english() {
    first_sign_in("en-US", "temporary password", "Welcome, Test User").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_usr_2_browser_first_sign_in_japanese() {
    first_sign_in("ja", "一時パスワード", "ようこそ、Test User さん").await;
}

/// R-USR-1 in a real browser: an admin adds a user, reads the temporary password once; the
/// user signs in with it and must change it first.
async fn add_user_then_first_sign_in(lang: &str, created_heading: &str, forced: &str) {
    let Some(app) = TestApp::builder(Backend::Sqlite).spawn().await else {
        return;
    };
    let Some(browser) = Browser::start(lang).await else {
        return;
    };
    let admin = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let c = &browser.client;
    let result: Result<(), fantoccini::error::CmdError> = async {
        c.goto(&app.url("/signin")).await?;
        c.wait()
            .for_element(Locator::Id("email"))
            .await?
            .send_keys(&admin.email)
            .await?;
        c.find(Locator::Id("password"))
            .await?
            .send_keys(keiro_testkit::TEST_PASSWORD)
            .await?;
        c.find(Locator::Id("signin-submit")).await?.click().await?;
        c.wait().for_element(Locator::Id("welcome")).await?;
        c.goto(&app.url("/users")).await?;
        c.wait()
            .for_element(Locator::Id("add-user"))
            .await?
            .click()
            .await?;
        c.wait()
            .for_element(Locator::Id("full_name"))
            .await?
            .send_keys("鈴木 一郎")
            .await?;
        c.find(Locator::Id("email"))
            .await?
            .send_keys("ichiro@sakura.example")
            .await?;
        c.find(Locator::Css("input[name=roles][value=sales_agent]"))
            .await?
            .click()
            .await?;
        c.find(Locator::Id("new-user-submit"))
            .await?
            .click()
            .await?;
        // Wait for an element only the next page has, then read it (no stale reads).
        let temp = c
            .wait()
            .for_element(Locator::Id("temp-password"))
            .await?
            .text()
            .await?;
        let h1 = c.find(Locator::Css("h1")).await?.text().await?;
        assert!(h1.contains(created_heading), "{h1}");
        assert_eq!(temp.len(), 19);
        c.find(Locator::Id("signout")).await?.click().await?;
        c.wait().for_element(Locator::Id("signin-submit")).await?;
        c.find(Locator::Id("email"))
            .await?
            .send_keys("ichiro@sakura.example")
            .await?;
        c.find(Locator::Id("password"))
            .await?
            .send_keys(&temp)
            .await?;
        c.find(Locator::Id("signin-submit")).await?.click().await?;
        let notice = c
            .wait()
            .for_element(Locator::Id("forced-notice"))
            .await?
            .text()
            .await?;
        assert!(notice.contains(forced), "{notice}");
        browser
            .screenshot(&format!("new-user-forced-change-{lang}"))
            .await;
        Ok(())
    }
    .await;
    if let Err(e) = result {
        browser
            .screenshot(&format!("failure-add-user-{lang}"))
            .await;
        panic!("browser journey failed: {e}");
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_usr_1_browser_add_user_english() {
    add_user_then_first_sign_in("en-US", "User added", "temporary password").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_usr_1_browser_add_user_japanese() {
    add_user_then_first_sign_in("ja", "ユーザーを追加しました", "一時パスワード").await;
}

/// Clicks and waits until the page (or the htmx-swapped body) is replaced: the old `<main>`
/// goes stale. Needed where the next page has the same elements as this one.
pub(crate) async fn click_and_wait(
    c: &fantoccini::Client,
    button: Locator<'_>,
) -> Result<(), fantoccini::error::CmdError> {
    let old = c.find(Locator::Id("main")).await?;
    c.find(button).await?.click().await?;
    for _ in 0..200 {
        if old.attr("id").await.is_err() {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    Ok(())
}

/// Fills the sign-up form behind an invitation link for 北斗商事株式会社 (its first global
/// admin, hanako@hokuto.example) and sends it. The country is chosen from a list, by its code.
/// Signs in on the sign-in form in front of the browser with the test password.
pub(crate) async fn sign_in(
    c: &fantoccini::Client,
    email: &str,
) -> Result<(), fantoccini::error::CmdError> {
    let el = c.wait().for_element(Locator::Id("email")).await?;
    el.clear().await?;
    el.send_keys(email).await?;
    c.find(Locator::Id("password"))
        .await?
        .send_keys(keiro_testkit::TEST_PASSWORD)
        .await?;
    click_and_wait(c, Locator::Id("signin-submit")).await
}

/// The text of the element with this id, once it is there.
pub(crate) async fn text_of(
    c: &fantoccini::Client,
    id: &str,
) -> Result<String, fantoccini::error::CmdError> {
    c.wait().for_element(Locator::Id(id)).await?.text().await
}

pub(crate) async fn sign_up_hokuto(
    c: &fantoccini::Client,
) -> Result<(), fantoccini::error::CmdError> {
    c.wait()
        .for_element(Locator::Id("country"))
        .await?
        .select_by_value("JP")
        .await?;
    for (id, v) in [
        ("company_name", "北斗商事株式会社"),
        ("primary_domain", "hokuto.example"),
        ("full_name", "北斗 花子"),
        ("email", "hanako@hokuto.example"),
        ("password", "a long enough passphrase"),
    ] {
        c.find(Locator::Id(id)).await?.send_keys(v).await?;
    }
    click_and_wait(c, Locator::Id("signup-submit")).await
}

/// A SQLite test app whose outbox worker delivers to `sink` every second.
pub(crate) async fn app_mailing_to(sink: &keiro_testkit::smtp::SmtpSink) -> Option<TestApp> {
    TestApp::builder(Backend::Sqlite)
        .server_config(|c| {
            c.run_workers = true;
            c.outbox_interval_secs = 1;
            c.smtp = Some(keiro_server::config::SmtpConfig {
                host: "127.0.0.1".into(),
                port: sink.port,
                security: "none".into(),
                username: None,
                password: None,
            });
        })
        .spawn()
        .await
}

/// Waits for a message to `to` on the SMTP server.
pub(crate) async fn mail_to(sink: &keiro_testkit::smtp::SmtpSink, to: &str) -> String {
    for _ in 0..200 {
        if let Some(m) = sink
            .messages()
            .into_iter()
            .find(|m| m.contains(&format!("To: {to}")))
        {
            return m;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no mail to {to}");
}

/// R-ENR-1…4 in a real browser, with real email: account creation → wizard → submit → the
/// verification link read from the SMTP server → review staff approve in the portal → the
/// applicant signs in as an approved partner.
async fn whole_enrollment(lang: &str, expect_in_review: &str, expect_approved: &str) {
    use keiro_testkit::smtp::{SmtpSink, body_text};
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let Some(app) = crate::browser::app_mailing_to(&sink).await else {
        return;
    };
    let Some(browser) = Browser::start(lang).await else {
        return;
    };
    let op = app
        .org_with_user(OrgKind::Operator, "Operator", &[Role::OperatorReviewer])
        .await;
    let op_tok = app.token_for(&op.email).await;
    let rec: serde_json::Value = app
        .http
        .post(app.url("/v1/membershiprecords"))
        .bearer_auth(&op_tok)
        .json(&serde_json::json!({"partner_id": "4440001", "organization_name": "Kaede", "country": "JP", "level": "gold", "status": "active"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = rec["claim_secret"].as_str().unwrap().to_string();
    let c = &browser.client;
    let fill = |id: &'static str, v: String| async move {
        let el = c.wait().for_element(Locator::Id(id)).await?;
        el.clear().await?;
        el.send_keys(&v).await
    };
    let result: Result<(), fantoccini::error::CmdError> = async {
        c.goto(&app.url("/enroll")).await?;
        fill("company_name", "楓システムズ株式会社".into()).await?;
        fill("primary_domain", "kaede.example".into()).await?;
        fill("full_name", "木村 楓".into()).await?;
        fill("email", "kaede@kaede.example".into()).await?;
        fill("password", "a long enough passphrase".into()).await?;
        click_and_wait(c, Locator::Id("enroll-create")).await?;
        // One form: every section is filled, then saved and submitted at once.
        c.wait().for_element(Locator::Id("wizard-form")).await?;
        let prefilled = c
            .find(Locator::Id("primary_contact_email"))
            .await?
            .prop("value")
            .await?;
        assert_eq!(prefilled.as_deref(), Some("kaede@kaede.example"));
        for (id, v) in [
            ("partner_id", "4440001"),
            ("claim_secret", secret.as_str()),
            ("postal_code", "150-0002"),
            ("city", "Shibuya-ku"),
            ("address_line1", "2-2-2 Shibuya"),
            ("phone", "+81 3-5555-0000"),
            ("primary_contact_email", "kaede.kimura@kaede.example"),
            ("primary_contact_phone", "+81 90 0000 0000"),
            ("support_email", "support@kaede.example"),
        ] {
            fill(id, v.into()).await?;
        }
        click_and_wait(c, Locator::Id("enroll-submit")).await?;
        c.wait()
            .for_element(Locator::Css(
                "#enrollment-state[data-state=pending_verification]",
            ))
            .await?;
        // The verification email, from the real SMTP server.
        let body = body_text(&mail_to(&sink, "kaede.kimura@kaede.example").await);
        let link = body
            .split_whitespace()
            .find(|w| w.contains("/enroll/verify?token="))
            .expect("a link")
            .to_string();
        c.goto(&link).await?;
        c.wait()
            .for_element(Locator::Id("verify-confirm"))
            .await?
            .click()
            .await?;
        c.wait().for_element(Locator::Id("verify-done")).await?;
        c.goto(&app.url("/enroll/wizard")).await?;
        let state = c
            .wait()
            .for_element(Locator::Id("enrollment-state"))
            .await?
            .text()
            .await?;
        assert!(state.contains(expect_in_review), "{state}");
        // Review staff approve in the portal.
        c.find(Locator::Id("signout")).await?.click().await?;
        c.wait().for_element(Locator::Id("signin-submit")).await?;
        fill("email", op.email.clone()).await?;
        fill("password", keiro_testkit::TEST_PASSWORD.into()).await?;
        c.find(Locator::Id("signin-submit")).await?.click().await?;
        c.wait().for_element(Locator::Id("welcome")).await?;
        c.goto(&app.url("/operator/enrollments?state=in_review"))
            .await?;
        c.wait()
            .for_element(Locator::Css("#review-table a"))
            .await?
            .click()
            .await?;
        c.wait()
            .for_element(Locator::Id("review-approve"))
            .await?
            .click()
            .await?;
        let st = c.wait().for_element(Locator::Css(".notice")).await?;
        let _ = st.text().await?;
        let state = c.find(Locator::Id("review-state")).await?.text().await?;
        assert!(state.contains(expect_approved), "{state}");
        browser
            .screenshot(&format!("enrollment-approved-{lang}"))
            .await;
        Ok(())
    }
    .await;
    if let Err(e) = result {
        browser
            .screenshot(&format!("failure-enrollment-{lang}"))
            .await;
        panic!("browser journey failed: {e}");
    }
    // The approval email reached the primary contact too: verify, in review, approved.
    let mut to_contact = 0;
    for _ in 0..200 {
        to_contact = sink
            .messages()
            .iter()
            .filter(|m| m.contains("To: kaede.kimura@kaede.example"))
            .count();
        if to_contact >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(to_contact, 3, "verify, in review, approved");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_enr_browser_whole_enrollment_english() {
    whole_enrollment("en-US", "In review", "Approved").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_enr_browser_whole_enrollment_japanese() {
    whole_enrollment("ja", "審査中", "承認済み").await;
}

/// MFA in a real browser: forced set-up (QR code, key, first code, recovery codes), then a
/// sign-in with a code from the authenticator.
async fn mfa_journey(lang: &str, expect_on_heading: &str) {
    let Some(app) = TestApp::builder(Backend::Sqlite).spawn().await else {
        return;
    };
    let Some(browser) = Browser::start(lang).await else {
        return;
    };
    let admin = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let tx = app.app.db.begin().await.unwrap();
    keiro_store::repo::mfa::set_org_requirement(&tx, &admin.org_id, true, app.app.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let c = &browser.client;
    let code = |secret: &str| {
        keiro_app::mfa::code_at(secret, app.app.now().unix_timestamp() as u64).unwrap()
    };
    let result: Result<(), fantoccini::error::CmdError> = async {
        c.goto(&app.url("/signin")).await?;
        c.wait()
            .for_element(Locator::Id("email"))
            .await?
            .send_keys(&admin.email)
            .await?;
        c.find(Locator::Id("password"))
            .await?
            .send_keys(keiro_testkit::TEST_PASSWORD)
            .await?;
        c.find(Locator::Id("signin-submit")).await?.click().await?;
        c.wait().for_element(Locator::Id("mfa-required")).await?;
        c.find(Locator::Id("mfa-start")).await?.click().await?;
        let secret = c
            .wait()
            .for_element(Locator::Id("mfa-secret"))
            .await?
            .text()
            .await?;
        assert!(
            c.find(Locator::Css(".qr svg")).await.is_ok(),
            "QR code shown"
        );
        c.find(Locator::Id("code"))
            .await?
            .send_keys(&code(&secret))
            .await?;
        c.find(Locator::Id("mfa-confirm")).await?.click().await?;
        let codes = c
            .wait()
            .for_element(Locator::Id("recovery-codes"))
            .await?
            .text()
            .await?;
        assert_eq!(codes.lines().count(), 10);
        let h1 = c.find(Locator::Css("h1")).await?.text().await?;
        assert!(h1.contains(expect_on_heading), "{h1}");
        c.find(Locator::Id("signout")).await?.click().await?;
        c.wait().for_element(Locator::Id("signin-submit")).await?;
        c.find(Locator::Id("email"))
            .await?
            .send_keys(&admin.email)
            .await?;
        c.find(Locator::Id("password"))
            .await?
            .send_keys(keiro_testkit::TEST_PASSWORD)
            .await?;
        c.find(Locator::Id("signin-submit")).await?.click().await?;
        c.wait().for_element(Locator::Id("mfa-verify")).await?;
        app.clock.advance(time::Duration::seconds(30));
        c.find(Locator::Id("code"))
            .await?
            .send_keys(&code(&secret))
            .await?;
        c.find(Locator::Id("mfa-verify")).await?.click().await?;
        c.wait().for_element(Locator::Id("welcome")).await?;
        browser.screenshot(&format!("mfa-signed-in-{lang}")).await;
        Ok(())
    }
    .await;
    if let Err(e) = result {
        browser.screenshot(&format!("failure-mfa-{lang}")).await;
        panic!("browser journey failed: {e}");
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mfa_browser_setup_and_sign_in_english() {
    mfa_journey("en-US", "Your recovery codes").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mfa_browser_setup_and_sign_in_japanese() {
    mfa_journey("ja", "回復コード").await;
}
