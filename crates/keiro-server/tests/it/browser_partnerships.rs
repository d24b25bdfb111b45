//! R-PRT-1…6 in a real browser, in both languages, with real email: the provider requests a
//! partnership and sends the draft through Keiro, the reseller opens the emailed link, signs in
//! and approves, both lists show each other, the reseller removes the provider's admin access,
//! and the provider removes the partnership after the attestation.

use crate::browser::{click_and_wait, mail_to, sign_in, text_of};
use fantoccini::Locator;
use keiro_domain::{DelegatedAccess, ProgramRole, Role};
use keiro_testkit::browser::Browser;

type R<T> = Result<T, fantoccini::error::CmdError>;

struct Words {
    approve: &'static str,
    no_access: &'static str,
    no_notice: &'static str,
}

async fn partnership_journey(lang: &str, w: Words) {
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
    let p = app.provider_admin("桜ディストリビューション").await;
    app.db_set_delegated_access(&p.id, DelegatedAccess::Full)
        .await;
    let r = app.reseller_admin("富士リセラー").await;
    let c = &browser.client;
    let result: R<()> = async {
        // The provider requests a partnership and sends the draft with an edit that drops the link.
        c.goto(&app.url("/signin?next=/indirect-resellers")).await?;
        sign_in(c, &p.email).await?;
        c.wait().for_element(Locator::Id("partners-none")).await?;
        click_and_wait(c, Locator::Id("request-partnership")).await?;
        let link = c
            .wait()
            .for_element(Locator::Id("draft-link"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        assert!(link.contains("/invite?token=ki_"), "{link}");
        let body = c
            .find(Locator::Id("draft-body"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        assert!(body.contains(&link), "the draft carries the link");
        let mailto = c
            .find(Locator::Id("open-mail"))
            .await?
            .attr("href")
            .await?
            .unwrap_or_default();
        assert!(mailto.starts_with("mailto:?subject="), "{mailto}");
        let token = link.rsplit("token=").next().unwrap().to_string();
        assert!(mailto.contains(&token), "the mailto body keeps the link");
        let draft = c.find(Locator::Id("draft-body")).await?;
        draft.clear().await?;
        draft
            .send_keys("Please approve us as your provider.")
            .await?;
        // With JavaScript the mail link follows the edit and still carries the link.
        let mailto = c
            .find(Locator::Id("open-mail"))
            .await?
            .attr("href")
            .await?
            .unwrap_or_default();
        assert!(
            mailto.contains("Please%20approve") && mailto.contains(&token),
            "{mailto}"
        );
        browser
            .screenshot(&format!("partnership-draft-{lang}"))
            .await;
        c.find(Locator::Id("send-to"))
            .await?
            .send_keys(&r.email)
            .await?;
        click_and_wait(c, Locator::Id("send-draft")).await?;
        c.wait().for_element(Locator::Id("links-table")).await?;

        // The reseller gets the email; the link was put back into the edited text.
        let mail = body_text(&mail_to(&sink, &r.email).await);
        assert!(
            mail.contains("Please approve us as your provider."),
            "{mail}"
        );
        assert!(
            mail.contains(&link),
            "the emailed text keeps the link: {mail}"
        );
        click_and_wait(c, Locator::Id("signout")).await?;

        // The link's page says who invites and what approving grants, before sign-in.
        c.goto(&link).await?;
        let heading = text_of(c, "invite-heading").await?;
        assert!(heading.contains("桜ディストリビューション"), "{heading}");
        assert_eq!(
            c.find_all(Locator::Css("#invite-grants li")).await?.len(),
            2
        );
        click_and_wait(c, Locator::Id("invite-signin")).await?;
        sign_in(c, &r.email).await?;
        // Back on the link's page: without the box ticked, a clear refusal.
        c.wait().for_element(Locator::Id("accept-form")).await?;
        let approve = c
            .find(Locator::Id("approve-provider"))
            .await?
            .text()
            .await?;
        assert_eq!(approve, w.approve);
        click_and_wait(c, Locator::Id("approve-provider")).await?;
        c.wait().for_element(Locator::Id("form-error")).await?;
        c.wait()
            .for_element(Locator::Id("accept-confirm"))
            .await?
            .click()
            .await?;
        click_and_wait(c, Locator::Id("approve-provider")).await?;
        let row = c
            .wait()
            .for_element(Locator::Id("partners-table"))
            .await?
            .text()
            .await?;
        assert!(row.contains("桜ディストリビューション"), "{row}");
        browser
            .screenshot(&format!("partnership-providers-{lang}"))
            .await;

        // The reseller removes the provider's admin access; the partnership stays.
        click_and_wait(c, Locator::Css(".remove-access")).await?;
        c.wait().for_element(Locator::Id("confirm-form")).await?;
        click_and_wait(c, Locator::Id("confirm-yes")).await?;
        c.wait()
            .for_element(Locator::Css(".restore-access"))
            .await?;
        click_and_wait(c, Locator::Id("signout")).await?;

        // The provider sees the reseller, without admin access, and its users page refuses.
        c.goto(&app.url("/signin?next=/indirect-resellers")).await?;
        sign_in(c, &p.email).await?;
        let row = c
            .wait()
            .for_element(Locator::Id("partners-table"))
            .await?
            .text()
            .await?;
        assert!(row.contains("富士リセラー"), "{row}");
        assert!(
            c.find_all(Locator::Css(".reseller-users"))
                .await?
                .is_empty()
        );
        c.goto(&app.url(&format!("/indirect-resellers/{}/users", r.org_id)))
            .await?;
        let refused = c
            .wait()
            .for_element(Locator::Css("main"))
            .await?
            .text()
            .await?;
        assert!(refused.contains(w.no_access), "{refused}");

        // The provider removes the partnership: attestation, and the UI says no notice is sent.
        c.goto(&app.url("/indirect-resellers")).await?;
        click_and_wait(c, Locator::Css(".remove-partnership")).await?;
        let note = text_of(c, "no-notice").await?;
        assert!(note.contains(w.no_notice), "{note}");
        c.find(Locator::Id("attestation")).await?;
        click_and_wait(c, Locator::Id("confirm-yes")).await?;
        c.wait().for_element(Locator::Id("form-error")).await?;
        c.find(Locator::Id("attest")).await?.click().await?;
        click_and_wait(c, Locator::Id("confirm-yes")).await?;
        c.wait().for_element(Locator::Id("partners-none")).await?;
        browser
            .screenshot(&format!("partnership-removed-{lang}"))
            .await;
        Ok(())
    }
    .await;
    if let Err(e) = result {
        browser
            .screenshot(&format!("failure-partnership-{lang}"))
            .await;
        panic!("browser journey failed: {e}");
    }
    browser.close().await;
    assert_eq!(app.count("partnerships").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_prt_browser_partnership_journey_english() {
    partnership_journey(
        "en-US",
        Words {
            approve: "Approve indirect provider",
            no_access: "no admin access",
            no_notice: "No notice is sent",
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_prt_browser_partnership_journey_japanese() {
    partnership_journey(
        "ja",
        Words {
            approve: "間接プロバイダーを承認する",
            no_access: "管理者アクセス権がありません",
            no_notice: "通知は送信されません",
        },
    )
    .await;
}

/// R-REL-2 and R-REL-4 in a real browser, with real email: a reseller requests a relationship
/// and sends the link through Keiro; an existing customer's global admin signs in from the
/// emailed link and accepts; a new customer creates its account through the same link and
/// accepts; both are on the reseller's Customers page, and each customer sees the reseller's
/// contact details.
async fn relationship_journey(lang: &str, accept_label: &str, signup_heading: &str) {
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
    let r = app.reseller_admin("富士リセラー").await;
    let cust = app
        .org_with_user(
            keiro_domain::OrgKind::Customer,
            "Contoso",
            &[Role::GlobalAdmin],
        )
        .await;
    let c = &browser.client;
    let result: R<()> = async {
        c.goto(&app.url("/signin?next=/customers")).await?;
        sign_in(c, &r.email).await?;
        c.wait().for_element(Locator::Id("customers-none")).await?;
        click_and_wait(c, Locator::Id("request-relationship")).await?;
        let link = c
            .wait()
            .for_element(Locator::Id("draft-link"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        c.find(Locator::Id("send-to"))
            .await?
            .send_keys(&cust.email)
            .await?;
        click_and_wait(c, Locator::Id("send-draft")).await?;
        c.wait().for_element(Locator::Id("customers-none")).await?;
        let mail = body_text(&mail_to(&sink, &cust.email).await);
        assert!(mail.contains(&link), "{mail}");
        click_and_wait(c, Locator::Id("signout")).await?;

        // An existing customer: sign in from the link, tick, accept.
        c.goto(&link).await?;
        click_and_wait(c, Locator::Id("invite-signin")).await?;
        sign_in(c, &cust.email).await?;
        c.wait()
            .for_element(Locator::Id("accept-confirm"))
            .await?
            .click()
            .await?;
        let label = c
            .find(Locator::Id("approve-provider"))
            .await?
            .text()
            .await?;
        assert_eq!(label, accept_label);
        click_and_wait(c, Locator::Id("approve-provider")).await?;
        let partners = c
            .wait()
            .for_element(Locator::Id("my-partners-table"))
            .await?
            .text()
            .await?;
        assert!(
            partners.contains("富士リセラー") && partners.contains("+81 3 0000 0000"),
            "{partners}"
        );
        click_and_wait(c, Locator::Id("signout")).await?;

        // A new customer: create the company's account through the same link, then accept.
        c.goto(&link).await?;
        click_and_wait(c, Locator::Id("invite-signup")).await?;
        let heading = c
            .wait()
            .for_element(Locator::Css("main h1"))
            .await?
            .text()
            .await?;
        assert_eq!(heading, signup_heading);
        crate::browser::sign_up_hokuto(c).await?;
        c.wait()
            .for_element(Locator::Id("accept-confirm"))
            .await?
            .click()
            .await?;
        click_and_wait(c, Locator::Id("approve-provider")).await?;
        c.wait()
            .for_element(Locator::Id("my-partners-table"))
            .await?;
        browser
            .screenshot(&format!("relationship-partners-{lang}"))
            .await;
        click_and_wait(c, Locator::Id("signout")).await?;

        // The reseller has both customers.
        c.goto(&app.url("/signin?next=/customers")).await?;
        sign_in(c, &r.email).await?;
        let table = c
            .wait()
            .for_element(Locator::Id("customers-table"))
            .await?
            .text()
            .await?;
        assert!(
            table.contains("Contoso") && table.contains("北斗商事株式会社"),
            "{table}"
        );
        Ok(())
    }
    .await;
    if let Err(e) = result {
        browser
            .screenshot(&format!("failure-relationship-{lang}"))
            .await;
        panic!("browser journey failed: {e}");
    }
    browser.close().await;
    assert_eq!(app.count("customer_relationships").await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_rel_browser_relationship_journey_english() {
    relationship_journey(
        "en-US",
        "Accept the relationship",
        "Create your company's account",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_rel_browser_relationship_journey_japanese() {
    relationship_journey("ja", "関係を承諾する", "会社のアカウントを作成する").await;
}

/// R-REL-8 and R-REL-9 in a real browser, with real email: a partner creates a GDAP relationship,
/// gives a security group its role, and sends the approval link; the customer's global admin
/// approves it from the email after seeing the roles; a helpdesk user in the group then resets a
/// customer user's password and sees the temporary password once.
async fn gdap_journey(lang: &str, active: &str) {
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
    let p = app
        .partner(
            "富士リセラー",
            &[ProgramRole::IndirectReseller],
            &[Role::GlobalAdmin, Role::AdminAgent],
        )
        .await;
    let (helper, _) = app
        .add_user(
            &p.org_id,
            "help@fuji.example",
            &[Role::HelpdeskAgent],
            Some(keiro_testkit::TEST_PASSWORD),
        )
        .await;
    let cust = app
        .org_with_user(
            keiro_domain::OrgKind::Customer,
            "Contoso",
            &[Role::GlobalAdmin],
        )
        .await;
    let (worker, _) = app
        .add_user(
            &cust.org_id,
            "worker@contoso.example",
            &[Role::User],
            Some(keiro_testkit::TEST_PASSWORD),
        )
        .await;
    app.db_relate(&p.org_id, &cust.org_id).await;
    let c = &browser.client;
    let result: R<()> = async {
        // The partner: a security group with the helper in it.
        c.goto(&app.url("/signin?next=/security-groups")).await?;
        sign_in(c, &p.email).await?;
        c.wait()
            .for_element(Locator::Id("group-name"))
            .await?
            .send_keys("Helpdesk team")
            .await?;
        click_and_wait(c, Locator::Id("group-create")).await?;
        let add = c
            .wait()
            .for_element(Locator::Css(".add-member select"))
            .await?;
        add.select_by_value(&helper.id).await?;
        click_and_wait(c, Locator::Css(".add-member button")).await?;
        let members = c
            .wait()
            .for_element(Locator::Css(".group ul"))
            .await?
            .text()
            .await?;
        assert!(members.contains("help@fuji.example"), "{members}");

        // A relationship for Contoso with the password admin role, assigned to the group.
        c.goto(&app.url("/gdap")).await?;
        c.wait()
            .for_element(Locator::Id("display_name"))
            .await?
            .send_keys("Helpdesk")
            .await?;
        c.find(Locator::Id("customer_id"))
            .await?
            .select_by_value(&cust.org_id)
            .await?;
        c.find(Locator::Id("role-password_admin"))
            .await?
            .click()
            .await?;
        let days = c.find(Locator::Id("duration_days")).await?;
        days.clear().await?;
        days.send_keys("90").await?;
        click_and_wait(c, Locator::Id("gdap-create")).await?;
        c.wait().for_element(Locator::Id("assign-form")).await?;
        c.find(Locator::Id("assign-password_admin"))
            .await?
            .click()
            .await?;
        click_and_wait(c, Locator::Id("assign-submit")).await?;
        c.wait()
            .for_element(Locator::Id("assignments-table"))
            .await?;
        click_and_wait(c, Locator::Id("gdap-request")).await?;
        c.wait()
            .for_element(Locator::Id("send-to"))
            .await?
            .send_keys(&cust.email)
            .await?;
        click_and_wait(c, Locator::Id("send-draft")).await?;
        c.wait().for_element(Locator::Id("gdap-state")).await?;
        let mail = body_text(&mail_to(&sink, &cust.email).await);
        let link = mail
            .split_whitespace()
            .find(|w| w.contains("/invite?token="))
            .expect("the link is in the email")
            .to_string();
        click_and_wait(c, Locator::Id("signout")).await?;

        // The customer sees the roles and the duration, then approves.
        c.goto(&link).await?;
        click_and_wait(c, Locator::Id("invite-signin")).await?;
        sign_in(c, &cust.email).await?;
        let roles = c
            .wait()
            .for_element(Locator::Id("gdap-roles"))
            .await?
            .text()
            .await?;
        assert!(!roles.is_empty());
        c.find(Locator::Id("accept-confirm")).await?.click().await?;
        click_and_wait(c, Locator::Id("approve-provider")).await?;
        let table = c
            .wait()
            .for_element(Locator::Id("my-gdap-table"))
            .await?
            .text()
            .await?;
        assert!(
            table.contains("Helpdesk") && table.contains(active),
            "{table}"
        );
        click_and_wait(c, Locator::Id("signout")).await?;

        // The helper, through the group, resets the customer user's password.
        c.goto(&app.url(&format!("/signin?next=/customers/{}/users", cust.org_id)))
            .await?;
        sign_in(c, &helper.email).await?;
        c.wait()
            .for_element(Locator::Id("customer-users-table"))
            .await?;
        let row = c
            .find(Locator::Css(&format!(
                "tr[data-user='{}'] .reset-password",
                worker.email
            )))
            .await?;
        let old = c.find(Locator::Id("main")).await?;
        row.click().await?;
        for _ in 0..200 {
            if old.attr("id").await.is_err() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        let temp = c
            .wait()
            .for_element(Locator::Id("temp-password"))
            .await?
            .text()
            .await?;
        assert!(temp.len() >= 12, "{temp}");
        browser.screenshot(&format!("gdap-reset-{lang}")).await;
        Ok(())
    }
    .await;
    if let Err(e) = result {
        browser.screenshot(&format!("failure-gdap-{lang}")).await;
        panic!("browser journey failed: {e}");
    }
    browser.close().await;
    let audit = keiro_store::repo::audit::list(
        app.app.db.reader(),
        &keiro_store::repo::audit::Visibility::Org(cust.org_id.clone()),
        &keiro_store::repo::audit::Filter {
            action: Some("user.password_reset".into()),
            ..Default::default()
        },
        None,
        10,
    )
    .await
    .unwrap();
    assert_eq!(
        audit.items[0].actor_user_id.as_deref(),
        Some(helper.id.as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_rel_8_browser_gdap_journey_english() {
    gdap_journey("en-US", "Active").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_rel_8_browser_gdap_journey_japanese() {
    gdap_journey("ja", "有効").await;
}
