//! Membership benefits in a real browser, in both languages (R-BEN-1, R-BEN-3, R-BEN-5): a
//! membership admin gets a software key, reads it with the special instructions and picks the
//! download for a language and OS, while a sales agent sees the button greyed with the reason;
//! a global admin redeems a license benefit's key choosing to extend the end date by 12 months.

use crate::benefits::{add_benefit, import_keys, license, member, software};
use crate::browser::{click_and_wait, sign_in, text_of as text};
use crate::helpers::{json_of, post};
use fantoccini::Locator;
use keiro_testkit::browser::Browser;
use keiro_testkit::world::world;
use keiro_testkit::{Backend, TestApp};
use serde_json::{Value, json};

async fn allocation(app: &TestApp, t: &str, code: &str) -> String {
    let v = json_of(app.get("/v1/benefitallocations", t).await, 200).await;
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["benefit_code"] == code)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

struct KeyWords {
    got: &'static str,
    instructions: &'static str,
    reason: &'static str,
}

async fn software_journey(lang: &str, w: KeyWords) {
    let Some(app) = TestApp::builder(Backend::Sqlite).spawn().await else {
        return;
    };
    let Some(browser) = Browser::start(lang).await else {
        return;
    };
    let world = world(&app).await;
    add_benefit(&app, &world.op, software()).await;
    import_keys(&app, &world.op, "office-pro", &["AAAAA-BBBBB-CCCCC-11111"]).await;
    let (_, sales, _) = member(&app, "Gold Partner KK", "gold").await;
    json_of(
        post(&app, &sales, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;
    let id = allocation(&app, &sales, "office-pro").await;
    let c = &browser.client;
    let result: Result<(), fantoccini::error::CmdError> = async {
        // A sales agent sees the benefit, with Get key greyed and the reason.
        c.goto(&app.url("/signin?next=/benefits")).await?;
        sign_in(c, "sales@goldpartnerkk.example").await?;
        c.wait()
            .for_element(Locator::Css(&format!("#benefit-{id} summary")))
            .await?
            .click()
            .await?;
        let button = c.find(Locator::Id(&format!("get-key-{id}"))).await?;
        assert_eq!(button.attr("disabled").await?.as_deref(), Some("true"));
        let why = text(c, &format!("get-key-reason-{id}")).await?;
        assert!(why.contains(w.reason), "{why}");
        click_and_wait(c, Locator::Id("signout")).await?;
        // The membership admin gets the key.
        c.goto(&app.url("/signin?next=/benefits")).await?;
        sign_in(c, "member@goldpartnerkk.example").await?;
        c.wait()
            .for_element(Locator::Css(&format!("#benefit-{id} summary")))
            .await?
            .click()
            .await?;
        let instructions = text(c, &format!("instructions-{id}")).await?;
        assert!(instructions.contains(w.instructions), "{instructions}");
        click_and_wait(c, Locator::Id(&format!("get-key-{id}"))).await?;
        let notice = c
            .wait()
            .for_element(Locator::Css(".notice"))
            .await?
            .text()
            .await?;
        assert!(notice.contains(w.got), "{notice}");
        let keys = text(c, &format!("keys-{id}")).await?;
        assert!(keys.contains("AAAAA-BBBBB-CCCCC-11111"), "{keys}");
        // Then the download for a language and an operating system.
        c.find(Locator::Css(&format!("#language-{id} option[value='en']")))
            .await?
            .click()
            .await?;
        c.find(Locator::Css(&format!("#os-{id} option[value='macos']")))
            .await?
            .click()
            .await?;
        click_and_wait(c, Locator::Id(&format!("download-show-{id}"))).await?;
        let link = c
            .wait()
            .for_element(Locator::Id(&format!("download-link-{id}")))
            .await?;
        assert_eq!(
            link.attr("href").await?.as_deref(),
            Some("https://downloads.example/office-en-mac.pkg")
        );
        browser
            .screenshot(&format!("benefits-software-{lang}"))
            .await;
        assert_eq!(browser.audit().await, Vec::<String>::new());
        Ok(())
    }
    .await;
    if let Err(e) = result {
        browser
            .screenshot(&format!("failure-benefits-{lang}"))
            .await;
        panic!("browser journey failed: {e}");
    }
    browser.close().await;
}

#[tokio::test]
async fn r_ben_3_browser_a_membership_admin_gets_a_key_and_a_download_japanese() {
    software_journey(
        "ja",
        KeyWords {
            got: "キーを取得しました",
            instructions: "30 日以内にライセンス認証",
            reason: "メンバーシップ管理者",
        },
    )
    .await;
}

#[tokio::test]
async fn r_ben_3_browser_a_membership_admin_gets_a_key_and_a_download_english() {
    software_journey(
        "en",
        KeyWords {
            got: "Here is your key",
            instructions: "Activate within 30 days",
            reason: "membership",
        },
    )
    .await;
}

struct LicenseWords {
    extend: &'static str,
    done: &'static str,
}

async fn license_journey(lang: &str, w: LicenseWords) {
    let Some(app) = TestApp::builder(Backend::Sqlite).spawn().await else {
        return;
    };
    let Some(browser) = Browser::start(lang).await else {
        return;
    };
    let world = world(&app).await;
    add_benefit(&app, &world.op, license("licenses-a", 5)).await;
    add_benefit(&app, &world.op, license("licenses-b", 3)).await;
    let (gold, sales, ma) = member(&app, "Gold Partner KK", "gold").await;
    json_of(
        post(&app, &sales, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;
    // The first key made the partner's subscription of the product.
    let a = allocation(&app, &ma, "licenses-a").await;
    let key_a = json_of(
        app.get(&format!("/v1/benefitallocations/{a}/keys"), &ma)
            .await,
        200,
    )
    .await["items"][0]["key"]
        .as_str()
        .unwrap()
        .to_string();
    let first: Value = json_of(
        post(
            &app,
            &ma,
            "/v1/benefitlicenseredemptions",
            json!({"key": key_a, "mode": "add_seats"}),
        )
        .await,
        201,
    )
    .await;
    let sub = first["subscription"]["id"].as_str().unwrap().to_string();
    let ends = first["subscription"]["term_ends_at"]
        .as_str()
        .unwrap()
        .to_string();
    let b = allocation(&app, &ma, "licenses-b").await;
    let c = &browser.client;
    let result: Result<(), fantoccini::error::CmdError> = async {
        c.goto(&app.url("/signin?next=%2Fbenefits%3Ftab%3Dazure"))
            .await?;
        sign_in(c, &gold.email).await?;
        c.wait()
            .for_element(Locator::Css(&format!("#benefit-{b} summary")))
            .await?
            .click()
            .await?;
        c.find(Locator::Id(&format!("mode-extend-{b}")))
            .await?
            .click()
            .await?;
        click_and_wait(c, Locator::Id(&format!("redeem-{b}"))).await?;
        let mode = text(c, "redeem-mode").await?;
        assert!(mode.contains(w.extend), "{mode}");
        let now = text(c, "redeem-now").await?;
        let after = text(c, "redeem-after").await?;
        assert!(
            now.starts_with('5') && after.starts_with('5'),
            "{now} / {after}"
        );
        let year: i32 = ends[..4].parse().unwrap();
        assert!(after.contains(&(year + 1).to_string()), "{after}");
        browser
            .screenshot(&format!("benefits-license-{lang}"))
            .await;
        assert_eq!(browser.audit().await, Vec::<String>::new());
        click_and_wait(c, Locator::Id("redeem-button")).await?;
        let notice = c
            .wait()
            .for_element(Locator::Css(".notice"))
            .await?
            .text()
            .await?;
        assert!(notice.contains(w.done), "{notice}");
        assert!(c.current_url().await?.path().ends_with(&sub));
        Ok(())
    }
    .await;
    if let Err(e) = result {
        browser.screenshot(&format!("failure-license-{lang}")).await;
        panic!("browser journey failed: {e}");
    }
    browser.close().await;
    let ga = app.token_for(&gold.email).await;
    let s = json_of(app.get(&format!("/v1/subscriptions/{sub}"), &ga).await, 200).await;
    let before =
        time::OffsetDateTime::parse(&ends, &time::format_description::well_known::Rfc3339).unwrap();
    let after = time::OffsetDateTime::parse(
        s["term_ends_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(after, keiro_domain::benefit::add_months(before, 12));
    assert_eq!(s["quantity"], 5);
}

#[tokio::test]
async fn r_ben_5_browser_a_global_admin_redeems_a_license_key_extending_japanese() {
    license_journey(
        "ja",
        LicenseWords {
            extend: "終了日を 12 か月延長する",
            done: "ライセンス特典のキーを引き換えました",
        },
    )
    .await;
}

#[tokio::test]
async fn r_ben_5_browser_a_global_admin_redeems_a_license_key_extending_english() {
    license_journey(
        "en",
        LicenseWords {
            extend: "Extend the end date by 12 months",
            done: "license benefit's key was redeemed",
        },
    )
    .await;
}
