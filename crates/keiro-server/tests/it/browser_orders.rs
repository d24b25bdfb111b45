//! R-ORD-2, R-ORD-3, R-ORD-6 in a real browser, in both languages: a provider adds a new customer
//! for its reseller through the wizard (cancelled once: nothing is left; a count out of bounds
//! is refused in the user's language; then submitted: the admin account and temporary password
//! are shown once), adds a subscription to an existing customer and changes its license count.

use crate::browser::click_and_wait;
use fantoccini::{Client, Locator};
use keiro_testkit::browser::Browser;
use keiro_testkit::world::world;
use keiro_testkit::{Backend, TestApp};

type R<T> = Result<T, fantoccini::error::CmdError>;

async fn fill(c: &Client, id: &str, value: &str) -> R<()> {
    let el = c.wait().for_element(Locator::Id(id)).await?;
    el.clear().await?;
    el.send_keys(value).await
}

async fn text_of(c: &Client, css: &str) -> R<String> {
    c.wait().for_element(Locator::Css(css)).await?.text().await
}

struct Words {
    cancelled: &'static str,
    out_of_bounds: &'static str,
    ordered: &'static str,
    quantity_changed: &'static str,
    history_quantity: &'static str,
}

async fn details(c: &Client, name: &str, admin: &str) -> R<()> {
    fill(c, "legal_name", name).await?;
    fill(c, "primary_domain", "northwind.example").await?;
    fill(c, "postal_code", "530-0001").await?;
    fill(c, "region", "大阪府").await?;
    fill(c, "city", "大阪市北区").await?;
    fill(c, "address_line1", "梅田 2-2").await?;
    fill(c, "admin_full_name", "北風 太郎").await?;
    fill(c, "admin_email", admin).await?;
    click_and_wait(c, Locator::Id("newcust-next")).await
}

async fn orders_journey(lang: &str, w: Words) {
    let Some(app) = TestApp::builder(Backend::Sqlite).spawn().await else {
        return;
    };
    let Some(browser) = Browser::start(lang).await else {
        return;
    };
    let world = world(&app).await;
    let c = &browser.client;
    let orgs = app.count("organizations").await;
    let result: R<()> = async {
        c.goto(&app.url("/signin?next=/indirect-resellers")).await?;
        fill(c, "email", &world.provider.email).await?;
        fill(c, "password", keiro_testkit::TEST_PASSWORD).await?;
        click_and_wait(c, Locator::Id("signin-submit")).await?;

        // "Add new customer" on the reseller's row opens the wizard with the reseller preselected.
        let row = format!(
            "tr[data-partner='{}'] a.new-customer",
            world.reseller.org_id
        );
        c.wait().for_element(Locator::Css(&row)).await?;
        click_and_wait(c, Locator::Css(&row)).await?;
        let intro = text_of(c, "main").await?;
        assert!(intro.contains("Resell GK"), "{intro}");
        details(c, "Northwind Foods", "admin@northwind.example").await?;
        // Subscriptions: the offers sold in the customer's country; then cancel.
        let qty = format!("qty-{}", world.base);
        fill(c, &qty, "20").await?;
        click_and_wait(c, Locator::Id("newcust-next")).await?;
        let review = text_of(c, "#newcust-lines").await?;
        assert!(review.contains("20"), "{review}");
        click_and_wait(c, Locator::Id("newcust-cancel")).await?;
        assert_eq!(text_of(c, "p.notice").await?, w.cancelled);
        assert_eq!(
            app.count("organizations").await,
            orgs,
            "cancel leaves nothing behind"
        );

        // Again, with a count over the offer's maximum: refused in the user's language.
        click_and_wait(c, Locator::Css(&row)).await?;
        details(c, "Northwind Foods", "admin@northwind.example").await?;
        fill(c, &qty, "301").await?;
        click_and_wait(c, Locator::Id("newcust-next")).await?;
        assert_eq!(text_of(c, "#form-error").await?, w.out_of_bounds);
        fill(c, &qty, "20").await?;
        fill(c, &format!("qty-{}", world.addon), "5").await?;
        click_and_wait(c, Locator::Id("newcust-next")).await?;
        // The review shows the address in Japanese order, prefecture included.
        assert_eq!(
            text_of(c, "#newcust-address").await?,
            "〒530-0001 大阪府大阪市北区梅田 2-2"
        );
        browser.screenshot(&format!("wizard-review-{lang}")).await;
        click_and_wait(c, Locator::Id("newcust-submit")).await?;
        // The confirmation shows the admin account and the temporary password once.
        let account = text_of(c, "#admin-account").await?;
        let temp = text_of(c, "#temp-password").await?;
        assert_eq!(account, "admin@northwind.example");
        assert_eq!(temp.len(), 19, "{temp}");
        browser.screenshot(&format!("wizard-done-{lang}")).await;
        assert_eq!(app.count("organizations").await, orgs + 1);
        assert_eq!(app.count("subscriptions").await, 2);
        let res = app
            .http
            .post(app.url("/signin"))
            .header("sec-fetch-site", "same-origin")
            .form(&[
                ("email", account.as_str()),
                ("password", temp.as_str()),
                ("next", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(crate::helpers::location(&res), "/password/change");

        // An existing customer: its record, its subscriptions page, "add subscription", then
        // the count.
        c.goto(&app.url("/customers")).await?;
        let link = format!(
            "tr[data-customer='{}'] a.open-customer",
            world.customer.org_id
        );
        c.wait().for_element(Locator::Css(&link)).await?;
        click_and_wait(c, Locator::Css(&link)).await?;
        click_and_wait(c, Locator::Id("record-subscriptions")).await?;
        c.wait()
            .for_element(Locator::Id("offer_id"))
            .await?
            .select_by_value(&world.base)
            .await?;
        fill(c, "quantity", "5").await?;
        click_and_wait(c, Locator::Id("add-subscription")).await?;
        assert_eq!(text_of(c, "p.notice").await?, w.ordered);
        assert_eq!(text_of(c, "#sub-quantity").await?, "5");
        fill(c, "quantity", "12").await?;
        click_and_wait(c, Locator::Id("save-quantity")).await?;
        assert_eq!(text_of(c, "p.notice").await?, w.quantity_changed);
        assert_eq!(text_of(c, "#sub-quantity").await?, "12");
        let history = text_of(c, "#history-table").await?;
        assert!(history.contains(w.history_quantity), "{history}");
        browser.screenshot(&format!("subscription-{lang}")).await;
        Ok(())
    }
    .await;
    if result.is_err() {
        browser
            .screenshot(&format!("orders-journey-failed-{lang}"))
            .await;
    }
    browser.close().await;
    result.expect("orders journey");
    // The changes went through the use cases: the subscription's history names the provider.
    let subs = keiro_store::repo::subscriptions::list(
        app.app.db.reader(),
        &keiro_store::repo::subscriptions::Visible::Customer(&world.customer.org_id),
        None,
        None,
        10,
    )
    .await
    .unwrap();
    assert_eq!(subs.items.len(), 1);
    assert_eq!(subs.items[0].quantity, 12);
    assert_eq!(subs.items[0].seller_org_id, world.provider.org_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_ord_2_r_ord_3_browser_orders_journey_english() {
    orders_journey(
        "en-US",
        Words {
            cancelled: "The new customer was cancelled. Nothing was created.",
            out_of_bounds: "The number of licenses is outside the offer's limits.",
            ordered: "The subscription was ordered.",
            quantity_changed: "The number of licenses was changed.",
            history_quantity: "Licenses changed",
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_ord_2_r_ord_3_browser_orders_journey_japanese() {
    orders_journey(
        "ja",
        Words {
            cancelled: "新しい顧客の追加を取り消しました。何も作成されていません。",
            out_of_bounds: "ライセンス数がオファーの範囲外です。",
            ordered: "サブスクリプションを注文しました。",
            quantity_changed: "ライセンス数を変更しました。",
            history_quantity: "ライセンス数の変更",
        },
    )
    .await;
}
