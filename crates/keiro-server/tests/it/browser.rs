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
