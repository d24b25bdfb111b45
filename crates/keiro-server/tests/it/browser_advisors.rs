//! R-ADV-2 in a real browser, in both languages: a new customer opens an advisor's trial
//! invitation, sees who invites it to what before signing in, creates its organization through
//! the link and starts the trial accepting the delegated admin offer. The advisor creates the
//! link on its overview page (パートナーの概要). R-ADV-3 likewise: an advisor makes a purchase
//! offer of two lines, and a customer's global admin lowers one count, leaves the other out and
//! buys.

use crate::browser::{click_and_wait, sign_in};
use crate::helpers::json_of;
use fantoccini::Locator;
use keiro_testkit::browser::Browser;
use keiro_testkit::world::world;
use keiro_testkit::{Backend, TestApp};
use serde_json::json;

struct Words {
    heading: &'static str,
    length: &'static str,
    started: &'static str,
}

async fn trial_journey(lang: &str, w: Words) {
    let Some(app) = TestApp::builder(Backend::Sqlite).spawn().await else {
        return;
    };
    let Some(browser) = Browser::start(lang).await else {
        return;
    };
    let world = world(&app).await;
    let (adv, _) = crate::helpers::advisor(
        &app,
        &world.op,
        json!(["subscription_advisor", "delegated_admin"]),
    )
    .await;
    let at = app.token_for(&adv.email).await;
    let c = &browser.client;
    let result: Result<(), fantoccini::error::CmdError> = async {
        // The advisor creates the invitation on its overview page, with delegated admin.
        c.goto(&app.url("/signin?next=/advisor")).await?;
        sign_in(c, &adv.email).await?;
        c.wait()
            .for_element(Locator::Id("trial-with-dap"))
            .await?
            .click()
            .await?;
        click_and_wait(c, Locator::Id("trial-create")).await?;
        let link = c
            .wait()
            .for_element(Locator::Id("draft-link"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        assert!(link.ends_with("&advisor=4440001"), "{link}");
        click_and_wait(c, Locator::Id("draft-done")).await?;
        c.wait().for_element(Locator::Id("trials-table")).await?;
        browser
            .screenshot(&format!("advisor-overview-{lang}"))
            .await;
        click_and_wait(c, Locator::Id("signout")).await?;
        // Before signing in: who invites, the offer, the trial's length, the DAP offer.
        c.goto(&link).await?;
        let heading = c
            .wait()
            .for_element(Locator::Id("invite-heading"))
            .await?
            .text()
            .await?;
        assert_eq!(heading, w.heading);
        assert_eq!(
            c.find(Locator::Id("trial-length")).await?.text().await?,
            w.length
        );
        assert!(c.find(Locator::Id("trial-dap-grants")).await.is_ok());
        browser.screenshot(&format!("trial-invite-{lang}")).await;
        // A new customer creates its organization through the link.
        click_and_wait(c, Locator::Id("invite-signup")).await?;
        crate::browser::sign_up_hokuto(c).await?;
        // Back on the invitation, signed in: accept DAP and start the trial.
        c.wait()
            .for_element(Locator::Id("trial-dap"))
            .await?
            .click()
            .await?;
        click_and_wait(c, Locator::Id("start-trial")).await?;
        let notice = c
            .wait()
            .for_element(Locator::Css("[role=status]"))
            .await?
            .text()
            .await?;
        assert!(notice.contains(w.started), "{notice}");
        let por = c.find(Locator::Id("sub-por")).await?.text().await?;
        assert!(
            por.contains("Advisor Partners KK") && por.contains("4440001"),
            "{por}"
        );
        browser.screenshot(&format!("trial-started-{lang}")).await;
        Ok(())
    }
    .await;
    if let Err(e) = result {
        browser.screenshot(&format!("failure-trial-{lang}")).await;
        panic!("browser journey failed: {e}");
    }
    browser.close().await;
    // The advisor holds delegated admin over the new customer.
    let customers = json_of(app.get("/v1/customers", &at).await, 200).await;
    assert_eq!(customers["items"][0]["legal_name"], "北斗商事株式会社");
    assert_eq!(customers["items"][0]["delegated_admin"], true);
}

#[tokio::test]
async fn r_adv_2_browser_new_customer_starts_a_trial_with_delegated_admin_japanese() {
    trial_journey(
        "ja",
        Words {
            heading: "Advisor Partners KK が貴社を試用版に招待しています",
            length: "30 日間",
            started: "試用版を開始しました。",
        },
    )
    .await;
}

#[tokio::test]
async fn r_adv_2_browser_new_customer_starts_a_trial_with_delegated_admin_english() {
    trial_journey(
        "en",
        Words {
            heading: "Advisor Partners KK invites your organization to a trial",
            length: "30 days",
            started: "Your trial has started.",
        },
    )
    .await;
}

struct BuyWords {
    heading: &'static str,
    bought: &'static str,
}

async fn purchase_journey(lang: &str, w: BuyWords) {
    let Some(app) = TestApp::builder(Backend::Sqlite).spawn().await else {
        return;
    };
    let Some(browser) = Browser::start(lang).await else {
        return;
    };
    let world = world(&app).await;
    let (adv, _) = crate::helpers::advisor(&app, &world.op, json!(["subscription_advisor"])).await;
    let cu = app.customer_admin("Customer Portal KK").await;
    let c = &browser.client;
    let result: Result<(), fantoccini::error::CmdError> = async {
        // The advisor picks the base offer (10 licenses) and its add-on (5) for a new offer.
        c.goto(&app.url("/signin?next=/advisor/offers/new")).await?;
        sign_in(c, &adv.email).await?;
        c.wait()
            .for_element(Locator::Id(&format!("pick-{}", world.base)))
            .await?
            .click()
            .await?;
        let qty = c.find(Locator::Id(&format!("qty-{}", world.base))).await?;
        qty.clear().await?;
        qty.send_keys("10").await?;
        c.find(Locator::Id(&format!("pick-{}", world.addon)))
            .await?
            .click()
            .await?;
        let qty = c.find(Locator::Id(&format!("qty-{}", world.addon))).await?;
        qty.clear().await?;
        qty.send_keys("5").await?;
        browser.screenshot(&format!("purchase-new-{lang}")).await;
        click_and_wait(c, Locator::Id("offer-create")).await?;
        let link = c
            .wait()
            .for_element(Locator::Id("draft-link"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        assert!(link.ends_with("&advisor=4440001"), "{link}");
        click_and_wait(c, Locator::Id("draft-done")).await?;
        c.wait().for_element(Locator::Id("offers-table")).await?;
        click_and_wait(c, Locator::Id("signout")).await?;
        // The customer sees the offer before signing in, then signs in from it.
        c.goto(&link).await?;
        let heading = c
            .wait()
            .for_element(Locator::Id("invite-heading"))
            .await?
            .text()
            .await?;
        assert_eq!(heading, w.heading);
        assert!(c.find(Locator::Id("purchase-lines")).await.is_ok());
        click_and_wait(c, Locator::Id("invite-signin")).await?;
        sign_in(c, &cu.email).await?;
        // Lowers the base line to 3 and leaves the add-on out.
        let qty = c
            .wait()
            .for_element(Locator::Id(&format!("qty-{}", world.base)))
            .await?;
        assert_eq!(qty.prop("value").await?.as_deref(), Some("10"));
        qty.clear().await?;
        qty.send_keys("3").await?;
        c.find(Locator::Id(&format!("buy-{}", world.addon)))
            .await?
            .click()
            .await?;
        browser.screenshot(&format!("purchase-invite-{lang}")).await;
        click_and_wait(c, Locator::Id("purchase-buy")).await?;
        let notice = c
            .wait()
            .for_element(Locator::Css("[role=status]"))
            .await?
            .text()
            .await?;
        assert!(notice.contains(w.bought), "{notice}");
        browser.screenshot(&format!("purchase-done-{lang}")).await;
        Ok(())
    }
    .await;
    if let Err(e) = result {
        browser
            .screenshot(&format!("failure-purchase-{lang}"))
            .await;
        panic!("browser journey failed: {e}");
    }
    browser.close().await;
    let ct = app.token_for(&cu.email).await;
    let mine = json_of(app.get("/v1/subscriptions", &ct).await, 200).await;
    let items = mine["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{mine}");
    assert_eq!(items[0]["quantity"], 3);
    assert_eq!(
        items[0]["partner_of_record"]["legal_name"],
        "Advisor Partners KK"
    );
}

#[tokio::test]
async fn r_adv_3_browser_customer_buys_a_purchase_offer_after_lowering_a_count_japanese() {
    purchase_journey(
        "ja",
        BuyWords {
            heading: "Advisor Partners KK から貴社への購入プラン",
            bought: "購入が完了しました。",
        },
    )
    .await;
}

#[tokio::test]
async fn r_adv_3_browser_customer_buys_a_purchase_offer_after_lowering_a_count_english() {
    purchase_journey(
        "en",
        BuyWords {
            heading: "Advisor Partners KK has prepared a purchase offer for your organization",
            bought: "Your purchase is complete.",
        },
    )
    .await;
}

struct KeyWords {
    redeemed: &'static str,
}

/// R-ADV-4 in a real browser: the advisor buys keys on its overview page and sees them once; a
/// customer's global admin enters one from its Subscriptions page, sees what it sets up, accepts
/// the delegated admin offer and confirms.
async fn key_journey(lang: &str, w: KeyWords) {
    let Some(app) = TestApp::builder(Backend::Sqlite).spawn().await else {
        return;
    };
    let Some(browser) = Browser::start(lang).await else {
        return;
    };
    let world = world(&app).await;
    let (adv, _) = crate::helpers::advisor(
        &app,
        &world.op,
        json!(["subscription_advisor", "delegated_admin"]),
    )
    .await;
    let cu = app.customer_admin("Customer Portal KK").await;
    let c = &browser.client;
    let result: Result<(), fantoccini::error::CmdError> = async {
        c.goto(&app.url("/signin?next=/advisor")).await?;
        sign_in(c, &adv.email).await?;
        let offer = c.wait().for_element(Locator::Id("keys-offer")).await?;
        offer.select_by_value(&world.base).await?;
        let n = c.find(Locator::Id("keys-quantity")).await?;
        n.clear().await?;
        n.send_keys("2").await?;
        let l = c.find(Locator::Id("keys-licenses")).await?;
        l.clear().await?;
        l.send_keys("4").await?;
        c.find(Locator::Id("keys-with-dap")).await?.click().await?;
        click_and_wait(c, Locator::Id("keys-order")).await?;
        let key = c
            .wait()
            .for_element(Locator::Css("#new-keys li code"))
            .await?
            .text()
            .await?;
        assert_eq!(key.len(), 29, "{key}");
        browser.screenshot(&format!("keys-ordered-{lang}")).await;
        click_and_wait(c, Locator::Id("keys-done")).await?;
        c.wait().for_element(Locator::Id("keys-table")).await?;
        browser.screenshot(&format!("keys-overview-{lang}")).await;
        click_and_wait(c, Locator::Id("signout")).await?;
        // The customer's admin enters it, lower case, from its Subscriptions page.
        c.goto(&app.url("/signin?next=/subscriptions")).await?;
        sign_in(c, &cu.email).await?;
        click_and_wait(c, Locator::Id("redeem-key-link")).await?;
        c.wait()
            .for_element(Locator::Id("key"))
            .await?
            .send_keys(&key.to_lowercase())
            .await?;
        click_and_wait(c, Locator::Id("key-next")).await?;
        let licenses = c
            .wait()
            .for_element(Locator::Id("key-licenses"))
            .await?
            .text()
            .await?;
        assert_eq!(licenses, "4");
        let por = c.find(Locator::Id("key-por")).await?.text().await?;
        assert!(por.contains("Advisor Partners KK (4440001)"), "{por}");
        c.find(Locator::Id("key-dap")).await?.click().await?;
        browser.screenshot(&format!("key-confirm-{lang}")).await;
        click_and_wait(c, Locator::Id("key-redeem")).await?;
        let notice = c
            .wait()
            .for_element(Locator::Css("[role=status]"))
            .await?
            .text()
            .await?;
        assert!(notice.contains(w.redeemed), "{notice}");
        browser.screenshot(&format!("key-redeemed-{lang}")).await;
        Ok(())
    }
    .await;
    if let Err(e) = result {
        browser.screenshot(&format!("failure-key-{lang}")).await;
        panic!("browser journey failed: {e}");
    }
    browser.close().await;
    let ct = app.token_for(&cu.email).await;
    let mine = json_of(app.get("/v1/subscriptions", &ct).await, 200).await;
    assert_eq!(mine["items"][0]["quantity"], 4);
    let partners = json_of(app.get("/v1/partners", &ct).await, 200).await;
    assert_eq!(partners["items"][0]["delegated_admin"], true);
}

#[tokio::test]
async fn r_adv_4_browser_customer_redeems_a_product_key_japanese() {
    key_journey(
        "ja",
        KeyWords {
            redeemed: "プロダクト キーを使用して、サブスクリプションを設定しました。",
        },
    )
    .await;
}

#[tokio::test]
async fn r_adv_4_browser_customer_redeems_a_product_key_english() {
    key_journey(
        "en",
        KeyWords {
            redeemed: "The product key was redeemed",
        },
    )
    .await;
}
