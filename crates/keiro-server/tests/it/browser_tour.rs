//! Every page a demo user reaches, at a phone's width, in Japanese and English (issue 14,
//! points 1 and 3). Each kind of demo user signs in, and the tour follows the navigation and
//! every link on those pages. On each page there must be no control with less than WCAG AA
//! contrast, no document wider than the phone, and no error status from a link the portal
//! showed. The navigation opens behind its menu button without JavaScript's help.

use fantoccini::Locator;
use keiro_testkit::browser::Browser;
use keiro_testkit::{Backend, TestApp};
use std::collections::{BTreeSet, VecDeque};

/// One of each kind of user, from the demo world.
const USERS: [&str; 6] = [
    "admin@operator.keiro.example",
    "admin@sakura-dist.example",
    "sales@sakura-dist.example",
    "admin@fuji-reseller.example",
    "admin@contoso.example",
    "user@contoso.example",
];

/// Pages a tour visits per user at most (the navigation, then the links on those pages).
const PAGES_PER_USER: usize = 40;

/// Links the tour does not follow: leaving the portal, changing the session, raw files.
fn followed(href: &str) -> bool {
    href.starts_with('/')
        && !href.starts_with("//")
        && ![
            "/signout",
            "/lang/",
            "/static/",
            "/v1",
            "/openapi",
            "/docs",
            "/api-docs",
        ]
        .iter()
        .any(|p| href.starts_with(p))
        && !href.contains("export")
        && !href.ends_with(".csv")
}

/// Fills the sign-in form shown and sends it.
async fn submit_sign_in(c: &fantoccini::Client, email: &str, password: &str) {
    for (id, v) in [("email", email), ("password", password)] {
        let field = c.find(Locator::Id(id)).await.unwrap();
        field.send_keys(v).await.unwrap();
    }
    let submit = c.find(Locator::Id("signin-submit")).await.unwrap();
    submit.click().await.unwrap();
}

const LINKS_JS: &str = "return Array.from(document.querySelectorAll('nav.side a[href], main a[href]')).map(a => a.getAttribute('href').split('#')[0]);";

async fn tour(lang: &str) {
    let Some(app) = TestApp::builder(Backend::Sqlite)
        .app_config(|c| c.signin_attempts_per_ip_per_minute = 1000)
        .spawn()
        .await
    else {
        return;
    };
    let logins = keiro_app::demo::seed(&app.app)
        .await
        .expect("demo world")
        .logins;
    let mut problems = Vec::new();
    let mut visited = 0;
    for email in USERS {
        let login = logins
            .iter()
            .find(|l| l.email == email)
            .expect("a demo user");
        let Some(browser) = Browser::start_phone(lang).await else {
            return;
        };
        let c = &browser.client;
        c.goto(&app.url("/signin")).await.unwrap();
        problems.extend(browser.audit().await);
        submit_sign_in(c, email, &login.password).await;
        // The navigation waits behind the menu button until it is pressed.
        let nav = c.wait().for_element(Locator::Id("side-nav")).await.unwrap();
        assert!(
            !nav.is_displayed().await.unwrap(),
            "{email}: the navigation is folded on a phone"
        );
        c.find(Locator::Id("menu-button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        assert!(
            nav.is_displayed().await.unwrap(),
            "{email}: the menu button opens it"
        );
        problems.extend(browser.audit().await);
        let mut seen = BTreeSet::from(["/dashboard".to_string()]);
        let mut queue: VecDeque<(String, u8)> = VecDeque::new();
        let first = c.execute(LINKS_JS, vec![]).await.unwrap();
        for h in first
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|h| h.as_str())
        {
            if followed(h) && seen.insert(h.to_string()) {
                queue.push_back((h.to_string(), 1));
            }
        }
        let mut pages = 0;
        while let Some((path, depth)) = queue.pop_front() {
            if pages == PAGES_PER_USER {
                break;
            }
            pages += 1;
            c.goto(&app.url(&path)).await.unwrap();
            problems.extend(
                browser
                    .audit()
                    .await
                    .into_iter()
                    .map(|p| format!("{email} {p}")),
            );
            if depth < 2 {
                let links = c.execute(LINKS_JS, vec![]).await.unwrap();
                for h in links
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|h| h.as_str())
                {
                    if followed(h) && seen.insert(h.to_string()) {
                        queue.push_back((h.to_string(), depth + 1));
                    }
                }
            }
        }
        visited += pages;
        browser.close().await;
    }
    // A newcomer: the enrollment page and the wizard's one form (issue 14, point 8).
    if let Some(browser) = Browser::start_phone(lang).await {
        let c = &browser.client;
        c.goto(&app.url("/enroll")).await.unwrap();
        problems.extend(
            browser
                .audit()
                .await
                .into_iter()
                .map(|p| format!("newcomer {p}")),
        );
        for (id, v) in [
            ("company_name", "神田ソフトウェア株式会社"),
            ("primary_domain", "kanda-soft.example"),
            ("full_name", "神田 一郎"),
            ("email", "ichiro@kanda-soft.example"),
            ("password", "a long enough passphrase"),
        ] {
            c.find(Locator::Id(id))
                .await
                .unwrap()
                .send_keys(v)
                .await
                .unwrap();
        }
        c.find(Locator::Id("enroll-create"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait()
            .for_element(Locator::Id("wizard-form"))
            .await
            .unwrap();
        problems.extend(
            browser
                .audit()
                .await
                .into_iter()
                .map(|p| format!("newcomer {p}")),
        );
        visited += 2;
        browser.close().await;
    }
    eprintln!("tour ({lang}): {visited} pages over {} users", USERS.len());
    assert!(
        visited > 60,
        "the tour reached the portal's pages ({visited})"
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_x_3_every_page_fits_a_phone_and_every_control_is_legible_japanese() {
    tour("ja").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_x_3_every_page_fits_a_phone_and_every_control_is_legible_english() {
    tour("en").await;
}

/// The audit itself: it finds white text on white, a page wider than the phone, a select box
/// that cuts its option, and passes the
/// portal's own link-styled button (which drew white on white before issue 14).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_audit_finds_illegible_controls_and_sideways_scrolling() {
    let Some(app) = TestApp::builder(Backend::Sqlite).spawn().await else {
        return;
    };
    let Some(browser) = Browser::start_phone("en").await else {
        return;
    };
    let bad = "<!doctype html><meta name=viewport content='width=device-width,initial-scale=1'><main><button style='color:#fff;background:#fff'>Invisible</button>\
               <div style='width:900px'>wide</div><select id=narrow style='width:8em'><option>Fuji Reseller GK (2000001)</option></select></main>";
    let url = format!("data:text/html,{}", urlencode(bad));
    browser.client.goto(&url).await.unwrap();
    let found = browser.audit().await;
    assert!(
        found
            .iter()
            .any(|p| p.contains("contrast 1.00:1") && p.contains("Invisible")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.contains("px wide in a 390 px viewport")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.contains("select#narrow cuts \"Fuji Reseller GK (2000001)\"")),
        "{found:?}"
    );
    // The portal's own style sheet, on one of its pages, with the controls that drew white on
    // white before, and a table with a long unbroken value.
    browser.client.goto(&app.url("/signin")).await.unwrap();
    let add = "document.querySelector('main').insertAdjacentHTML('beforeend', arguments[0]);";
    let html = format!(
        "<form><button type=submit class=link>Reset password</button></form><table><thead><tr>\
         <th>A</th><th>B</th></tr></thead><tbody><tr><td>{}</td><td>x</td></tr></tbody></table>",
        "unbrokentext".repeat(30)
    );
    browser
        .client
        .execute(add, vec![serde_json::Value::String(html)])
        .await
        .unwrap();
    let found = browser.audit().await;
    assert!(found.is_empty(), "{found:?}");
    browser.close().await;
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// A form sent back with an error marks the field it names and moves the focus there
/// (issue 14, point 9).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_usr_1_an_invalid_field_is_marked_and_focused() {
    use keiro_domain::{OrgKind, Role};
    let Some(app) = TestApp::builder(Backend::Sqlite).spawn().await else {
        return;
    };
    let Some(browser) = Browser::start("ja").await else {
        return;
    };
    let admin = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let c = &browser.client;
    c.goto(&app.url("/signin")).await.unwrap();
    submit_sign_in(c, &admin.email, keiro_testkit::TEST_PASSWORD).await;
    c.wait().for_element(Locator::Id("side-nav")).await.unwrap();
    c.goto(&app.url("/users/new")).await.unwrap();
    // Spaces pass the browser's `required`; the server refuses a blank name.
    c.find(Locator::Id("full_name"))
        .await
        .unwrap()
        .send_keys("   ")
        .await
        .unwrap();
    c.find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys("new@sakura.example")
        .await
        .unwrap();
    let role = Locator::Css("input[name='roles'][value='sales_agent']");
    c.find(role).await.unwrap().click().await.unwrap();
    c.find(Locator::Id("new-user-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("form-error"))
        .await
        .unwrap();
    // The page's script moves the focus once it has run, which may be just after the message
    // shows: wait for it (up to 5 s), then compare.
    let want = serde_json::json!(["full_name", "true", "form-error"]);
    let mut state = serde_json::Value::Null;
    for _ in 0..50 {
        state = c
            .execute(
                "return [document.activeElement.name, document.activeElement.getAttribute('aria-invalid'), \
                 document.activeElement.getAttribute('aria-describedby')]",
                vec![],
            )
            .await
            .unwrap();
        if state == want {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let msg = c.find(Locator::Id("form-error")).await.unwrap();
    let msg = msg.text().await.unwrap();
    assert_eq!(state, want, "{msg}");
    browser.close().await;
}
