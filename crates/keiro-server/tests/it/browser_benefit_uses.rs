//! Benefits used per kind in a real browser, in both languages (R-BEN-6, R-BEN-9, issue 18): a
//! global admin assigns a Visual Studio subscription to a user and reads from when it may be
//! reassigned, while a sales agent sees Assign greyed with the reason; a membership admin
//! assigns the marketing contact (their sign-in email refused with the reason) and activates a
//! go-to-market offer, which is pending until operator staff confirm it in their queue, and then
//! shows active with its expiry date.

use crate::benefits::{add_benefit, member};
use crate::browser::{click_and_wait, sign_in, text_of as text};
use crate::helpers::{json_of, post};
use fantoccini::Locator;
use keiro_domain::Role;
use keiro_testkit::browser::Browser;
use keiro_testkit::world::world;
use keiro_testkit::{Backend, TEST_PASSWORD, TestApp};
use serde_json::json;

async fn allocation(app: &TestApp, t: &str, kind: &str) -> String {
    let v = json_of(
        app.get(&format!("/v1/benefitallocations?kind={kind}"), t)
            .await,
        200,
    )
    .await;
    v["items"][0]["id"].as_str().unwrap().to_string()
}

async fn open_row(c: &fantoccini::Client, id: &str) -> Result<(), fantoccini::error::CmdError> {
    c.wait()
        .for_element(Locator::Css(&format!("#benefit-{id} summary")))
        .await?
        .click()
        .await
}

struct StudioWords {
    reason: &'static str,
    assigned: &'static str,
    from: &'static str,
}

async fn visual_studio_journey(lang: &str, w: StudioWords) {
    let Some(app) = TestApp::builder(Backend::Sqlite).spawn().await else {
        return;
    };
    let Some(browser) = Browser::start(lang).await else {
        return;
    };
    let world = world(&app).await;
    add_benefit(
        &app,
        &world.op,
        json!({"code": "vs-enterprise", "kind": "visual_studio",
        "name_ja": "Visual Studio Enterprise", "name_en": "Visual Studio Enterprise",
        "levels": [{"level": "gold", "quantity": 2}]}),
    )
    .await;
    let (ga, sales, _) = member(&app, "Studio KK", "gold").await;
    json_of(
        post(&app, &sales, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;
    let id = allocation(&app, &sales, "visual_studio").await;
    let c = &browser.client;
    let result: Result<(), fantoccini::error::CmdError> = async {
        // A sales agent sees who holds what, with Assign greyed and the reason.
        c.goto(&app.url("/signin?next=/benefits?tab=visual-studio"))
            .await?;
        sign_in(c, "sales@studiokk.example").await?;
        open_row(c, &id).await?;
        let button = c.find(Locator::Id(&format!("assign-{id}"))).await?;
        assert_eq!(button.attr("disabled").await?.as_deref(), Some("true"));
        let why = text(c, &format!("assign-reason-{id}")).await?;
        assert!(why.contains(w.reason), "{why}");
        click_and_wait(c, Locator::Id("signout")).await?;
        // The global admin assigns one to the membership admin.
        c.goto(&app.url("/signin?next=/benefits?tab=visual-studio"))
            .await?;
        sign_in(c, &ga.email).await?;
        open_row(c, &id).await?;
        let member_id =
            keiro_store::repo::users::find_by_email(app.app.db.reader(), "member@studiokk.example")
                .await
                .unwrap()
                .unwrap()
                .id;
        c.find(Locator::Id(&format!("assign-user-{id}")))
            .await?
            .select_by_value(&member_id)
            .await?;
        click_and_wait(c, Locator::Id(&format!("assign-{id}"))).await?;
        let notice = c
            .wait()
            .for_element(Locator::Css(".notice"))
            .await?
            .text()
            .await?;
        assert!(notice.contains(w.assigned), "{notice}");
        let holders = text(c, &format!("holders-{id}")).await?;
        assert!(holders.contains("member@studiokk.example"), "{holders}");
        assert!(holders.contains(w.from), "{holders}");
        browser
            .screenshot(&format!("benefits-visual-studio-{lang}"))
            .await;
        assert_eq!(browser.audit().await, Vec::<String>::new());
        Ok(())
    }
    .await;
    if let Err(e) = result {
        browser
            .screenshot(&format!("failure-benefits-vs-{lang}"))
            .await;
        panic!("browser journey failed: {e}");
    }
    browser.close().await;
}

#[tokio::test]
async fn r_ben_6_browser_a_global_admin_assigns_a_visual_studio_subscription_japanese() {
    visual_studio_journey(
        "ja",
        StudioWords {
            reason: "全体管理者",
            assigned: "割り当てました",
            from: "再割り当てできます",
        },
    )
    .await;
}

#[tokio::test]
async fn r_ben_6_browser_a_global_admin_assigns_a_visual_studio_subscription_english() {
    visual_studio_journey(
        "en",
        StudioWords {
            reason: "Global admin",
            assigned: "Assigned",
            from: "Can be reassigned",
        },
    )
    .await;
}

struct MarketWords {
    same_email: &'static str,
    saved: &'static str,
    pending: &'static str,
    confirmed: &'static str,
    active: &'static str,
}

async fn go_to_market_journey(lang: &str, w: MarketWords) {
    let Some(app) = TestApp::builder(Backend::Sqlite).spawn().await else {
        return;
    };
    let Some(browser) = Browser::start(lang).await else {
        return;
    };
    let world = world(&app).await;
    add_benefit(&app, &world.op, json!({"code": "gold-core-gtm", "kind": "go_to_market",
        "name_ja": "ゴールド コア", "name_en": "Gold core", "levels": [{"level": "gold", "quantity": 1}]}))
    .await;
    let (_, sales, _) = member(&app, "Market KK", "gold").await;
    json_of(
        post(&app, &sales, "/v1/benefitpackages", json!({})).await,
        201,
    )
    .await;
    let id = allocation(&app, &sales, "go_to_market").await;
    let op = keiro_store::repo::orgs::find_operator(app.app.db.reader())
        .await
        .unwrap()
        .unwrap();
    app.add_user(
        &op.id,
        "confirm@operator.example",
        &[Role::OperatorAdmin],
        Some(TEST_PASSWORD),
    )
    .await;
    let c = &browser.client;
    let result: Result<(), fantoccini::error::CmdError> = async {
        c.goto(&app.url("/signin?next=/benefits?tab=go-to-market"))
            .await?;
        sign_in(c, "member@marketkk.example").await?;
        // No contact yet: Activate is greyed with the reason.
        open_row(c, &id).await?;
        let button = c.find(Locator::Id(&format!("activate-{id}"))).await?;
        assert_eq!(button.attr("disabled").await?.as_deref(), Some("true"));
        // The contact's sign-in email is refused with the reason; another one is taken.
        let member_id =
            keiro_store::repo::users::find_by_email(app.app.db.reader(), "member@marketkk.example")
                .await
                .unwrap()
                .unwrap()
                .id;
        let fill = async |email: &str| -> Result<(), fantoccini::error::CmdError> {
            c.wait()
                .for_element(Locator::Id("contact-user"))
                .await?
                .select_by_value(&member_id)
                .await?;
            let e = c.find(Locator::Id("contact-email")).await?;
            e.clear().await?;
            e.send_keys(email).await?;
            let ph = c.find(Locator::Id("contact-phone")).await?;
            ph.clear().await?;
            ph.send_keys("03-1234-5678").await?;
            c.find(Locator::Id("contact-language"))
                .await?
                .select_by_value(lang)
                .await?;
            click_and_wait(c, Locator::Id("contact-save")).await
        };
        fill("member@marketkk.example").await?;
        let error = c
            .wait()
            .for_element(Locator::Css(".error"))
            .await?
            .text()
            .await?;
        assert!(error.contains(w.same_email), "{error}");
        fill("marketing@marketkk.example").await?;
        let notice = c
            .wait()
            .for_element(Locator::Css(".notice"))
            .await?
            .text()
            .await?;
        assert!(notice.contains(w.saved), "{notice}");
        assert_eq!(
            text(c, "contact-current-email").await?,
            "marketing@marketkk.example"
        );
        // Activating makes it pending.
        open_row(c, &id).await?;
        click_and_wait(c, Locator::Id(&format!("activate-{id}"))).await?;
        let state = text(c, &format!("gtm-state-{id}")).await?;
        assert!(state.contains(w.pending), "{state}");
        browser
            .screenshot(&format!("benefits-go-to-market-{lang}"))
            .await;
        click_and_wait(c, Locator::Id("signout")).await?;
        // Operator staff confirm it from their queue.
        c.goto(&app.url("/signin?next=/operator/benefits?view=offers"))
            .await?;
        sign_in(c, "confirm@operator.example").await?;
        let row = text(c, &format!("offer-{id}")).await?;
        assert!(
            row.contains("Market KK") && row.contains("marketing@marketkk.example"),
            "{row}"
        );
        click_and_wait(c, Locator::Id(&format!("confirm-{id}"))).await?;
        let notice = c
            .wait()
            .for_element(Locator::Css(".notice"))
            .await?
            .text()
            .await?;
        assert!(notice.contains(w.confirmed), "{notice}");
        click_and_wait(c, Locator::Id("signout")).await?;
        // The partner now sees it active, with its expiry date.
        c.goto(&app.url("/signin?next=/benefits?tab=go-to-market"))
            .await?;
        sign_in(c, "sales@marketkk.example").await?;
        open_row(c, &id).await?;
        let state = text(c, &format!("gtm-state-{id}")).await?;
        assert!(state.contains(w.active), "{state}");
        assert_eq!(browser.audit().await, Vec::<String>::new());
        Ok(())
    }
    .await;
    if let Err(e) = result {
        browser
            .screenshot(&format!("failure-benefits-gtm-{lang}"))
            .await;
        panic!("browser journey failed: {e}");
    }
    browser.close().await;
}

#[tokio::test]
async fn r_ben_9_browser_a_marketing_contact_then_an_offer_operator_staff_confirm_japanese() {
    go_to_market_journey(
        "ja",
        MarketWords {
            same_email: "サインインに使うメール アドレスとは異なる",
            saved: "マーケティング担当者を保存",
            pending: "確認待ち",
            confirmed: "オファーを確認しました",
            active: "まで利用できます",
        },
    )
    .await;
}

#[tokio::test]
async fn r_ben_9_browser_a_marketing_contact_then_an_offer_operator_staff_confirm_english() {
    go_to_market_journey(
        "en",
        MarketWords {
            same_email: "other than the one this user signs in with",
            saved: "marketing contact is saved",
            pending: "Pending",
            confirmed: "offer is confirmed",
            active: "use it until",
        },
    )
    .await;
}
