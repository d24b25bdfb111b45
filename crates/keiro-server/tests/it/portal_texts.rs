//! Texts that fit their flow (issue 14, point 5), read on the demo world's pages: each kind of
//! link's draft has its own words, the relationship removal speaks of the relationship and
//! warns that no notice is sent, a customer is told its partner manages a subscription, and an
//! empty search says nothing matched.

use crate::helpers::{PortalClient, between};
use keiro_testkit::{TestApp, both_backends};

both_backends!(each_flow_speaks_its_own_words);

/// A page's main part as read: HTML's escapes undone.
fn main_text(html: &str) -> String {
    between(html, "<main", "</main>")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

fn password(demo: &keiro_app::demo::Demo, email: &str) -> String {
    demo.logins
        .iter()
        .find(|l| l.email == email)
        .unwrap_or_else(|| panic!("{email} in the demo"))
        .password
        .clone()
}

async fn signed_in<'a>(
    app: &'a TestApp,
    lang: &'static str,
    email: &str,
    pw: &str,
) -> PortalClient<'a> {
    let mut c = PortalClient::new(app);
    c.lang = lang;
    assert_eq!(c.sign_in(email, pw).await.status(), 303);
    // The language follows the browser until the user chooses.
    c
}

async fn each_flow_speaks_its_own_words(app: TestApp) {
    let demo = keiro_app::demo::seed(&app.app).await.expect("demo world");
    let sakura = "admin@sakura-dist.example";
    let pw = password(&demo, sakura);
    for lang in ["en", "ja"] {
        let mut c = signed_in(&app, lang, sakura, &pw).await;
        // A reseller relationship's draft: the customer's words, a link for many customers.
        let csrf = c.csrf_on("/customers").await;
        let html = c
            .post("/customers/request", &[("csrf", &csrf)])
            .await
            .text()
            .await
            .unwrap();
        let page = main_text(&html);
        let (never, always): (&[&str], &[&str]) = match lang {
            "en" => (
                &["partnership", "Reseller's email", "Works once"],
                &[
                    "Your reseller relationship link",
                    "Several customers can use this same link",
                    "Email of the customer's global admin",
                ],
            ),
            _ => (
                &["パートナーシップ", "リセラーのメール", "1 回だけ"],
                &[
                    "リセラー関係の要求のリンク",
                    "同じリンクを複数の顧客が使用できます",
                    "顧客の全体管理者のメール アドレス",
                ],
            ),
        };
        for w in never {
            assert!(
                !page.contains(w),
                "{lang}: the relationship draft says {w:?}"
            );
        }
        for w in always {
            assert!(
                page.contains(w),
                "{lang}: the relationship draft lacks {w:?}"
            );
        }
        // A partnership's draft: the reseller's words, a link that works once.
        let csrf = c.csrf_on("/indirect-resellers").await;
        let html = c
            .post("/indirect-resellers/request", &[("csrf", &csrf)])
            .await
            .text()
            .await
            .unwrap();
        let page = main_text(&html);
        let want: &[&str] = match lang {
            "en" => &["Your partnership link", "Works once", "Reseller's email"],
            _ => &[
                "パートナーシップのリンク",
                "1 回だけ使用でき",
                "リセラーのメール アドレス",
            ],
        };
        for w in want {
            assert!(
                page.contains(w),
                "{lang}: the partnership draft lacks {w:?}"
            );
        }

        // The removal speaks of the reseller relationship, and its "no notice" is a warning.
        let list = c.get("/customers").await.text().await.unwrap();
        let contoso = between(&list, "data-customer=\"", "\"");
        let html = c
            .get(&format!("/customers/{contoso}/remove"))
            .await
            .text()
            .await
            .unwrap();
        let attestation = between(&html, "id=\"attestation\">", "</p>");
        match lang {
            "en" => assert!(
                attestation.contains("reseller relationship")
                    && !attestation.contains("partnership"),
                "{attestation}"
            ),
            _ => assert!(
                attestation.contains("リセラー関係") && !attestation.contains("パートナーシップ"),
                "{attestation}"
            ),
        }
        assert!(
            html.contains("class=\"warning\" role=\"note\" id=\"no-notice\""),
            "{html}"
        );
        assert!(!html.contains("class=\"notice\" id=\"no-notice\""));

        // An empty search says nothing matched (and how to see all), not "no customers yet".
        let html = c
            .get("/customers?q=zzzz-nothing")
            .await
            .text()
            .await
            .unwrap();
        let none = between(&html, "id=\"customers-none\"", "</p>");
        match lang {
            "en" => assert!(
                none.contains("Nothing matches your search") && !none.contains("No customers yet"),
                "{none}"
            ),
            _ => assert!(
                none.contains("一致するものはありません") && !none.contains("顧客はまだいません"),
                "{none}"
            ),
        }
        assert!(none.contains("href=\"/customers\""));
    }

    // A customer's admin opens a subscription its partner manages: told so, no empty roles.
    let contoso = "admin@contoso.example";
    let c = signed_in(&app, "en", contoso, &password(&demo, contoso)).await;
    let list = c.get("/subscriptions").await.text().await.unwrap();
    let id = between(&list, "href=\"/subscriptions/", "\"");
    let html = c
        .get(&format!("/subscriptions/{id}"))
        .await
        .text()
        .await
        .unwrap();
    let reason = between(&html, "id=\"manage-reason\">", "</p>");
    assert!(
        reason.contains("Your partner manages this subscription"),
        "{reason}"
    );
    assert!(!html.contains("It needs one of"), "{html}");
}
