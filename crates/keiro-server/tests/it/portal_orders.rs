//! The catalog, subscriptions and the new-customer wizard in the portal over HTTP (R-ORD-1…6),
//! on both backends: operator catalog forms and CSV import, what each side sees, refusals
//! shown as readable pages, greyed actions with their reason.

use crate::helpers::{PortalClient, between, location};
use keiro_domain::{OrgKind, Role};
use keiro_testkit::world::world;
use keiro_testkit::{TEST_PASSWORD, TestApp, both_backends};
use serde_json::json;

both_backends!(
    r_ord_1_portal_operator_keeps_the_catalog,
    r_ord_6_portal_subscription_changes_and_refusals,
    r_ord_2_portal_wizard_refuses_and_leaves_nothing,
    r_ord_6_portal_navigation_and_who_sees_what,
);

async fn operator_client(app: &TestApp) -> PortalClient<'_> {
    let (op, _) = app
        .add_user(
            &app.org_with_user(OrgKind::Operator, "Op Two", &[Role::OperatorReviewer])
                .await
                .org_id,
            "cat-admin@operator.example",
            &[Role::OperatorAdmin],
            Some(TEST_PASSWORD),
        )
        .await;
    let mut c = PortalClient::new(app);
    c.sign_in(&op.email, TEST_PASSWORD).await;
    c
}

async fn r_ord_1_portal_operator_keeps_the_catalog(app: TestApp) {
    let w = world(&app).await;
    let mut c = operator_client(&app).await;
    let html = c.get("/operator/catalog").await.text().await.unwrap();
    assert!(html.contains("id=\"offers-table\"") && html.contains("BASE-M"));
    let csrf = c.csrf().await;
    // A product, then an offer through the form; a refused offer keeps what was typed.
    let r = c
        .post(
            "/operator/catalog/products",
            &[
                ("csrf", &csrf),
                ("code", "teams"),
                ("name_en", "Teams"),
                ("name_ja", "チームズ"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/operator/catalog?done=product");
    // Its names and descriptions are edited with the page's version as the If-Match.
    let teams =
        crate::helpers::json_of(app.get("/v1/products?q=teams", &w.op).await, 200).await["items"]
            [0]["id"]
            .as_str()
            .unwrap()
            .to_string();
    let edit_product = |version: &'static str| {
        let (csrf, teams) = (csrf.clone(), teams.clone());
        let c = &c;
        async move {
            let mut c2 = PortalClient {
                app: c.app,
                cookie: c.cookie.clone(),
                lang: c.lang,
            };
            c2.post(
                &format!("/operator/catalog/products/{teams}"),
                &[
                    ("csrf", csrf.as_str()),
                    ("version", version),
                    ("code", "TEAMS"),
                    ("name_en", "Teams"),
                    ("name_ja", "チームズ"),
                    ("description_ja", "会議とチャット"),
                ],
            )
            .await
        }
    };
    assert_eq!(
        location(&edit_product("1").await),
        "/operator/catalog?done=product_saved"
    );
    assert_eq!(
        edit_product("1").await.status(),
        412,
        "a stale form is refused"
    );
    let html = c.get("/operator/catalog").await.text().await.unwrap();
    assert!(html.contains("会議とチャット"));
    let form = |sku: &'static str, max: &'static str| {
        vec![
            ("product_id", w.product.clone()),
            ("sku", sku.to_string()),
            ("name_en", "Teams Essentials".to_string()),
            ("name_ja", "Teams Essentials (日本語)".to_string()),
            ("billing_cycle", "monthly".to_string()),
            ("term_months", "1".to_string()),
            ("unit_price_minor", "430".to_string()),
            ("currency", "JPY".to_string()),
            ("min_quantity", "1".to_string()),
            ("max_quantity", max.to_string()),
            ("trial_days", String::new()),
            ("prerequisite_offer_id", String::new()),
            ("countries", "JP US".to_string()),
        ]
    };
    let post_offer = |fields: Vec<(&'static str, String)>, path: String| {
        let csrf = csrf.clone();
        let c = &c;
        async move {
            let mut body: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
            body.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            let mut c2 = PortalClient {
                app: c.app,
                cookie: c.cookie.clone(),
                lang: c.lang,
            };
            c2.post(&path, &body).await
        }
    };
    let r = post_offer(form("TEAMS-E", "0"), "/operator/catalog/offers".into()).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("The minimum is at least 1 and not above the maximum"),
        "{html}"
    );
    assert!(
        html.contains("value=\"TEAMS-E\""),
        "the form keeps what was typed"
    );
    let r = post_offer(form("TEAMS-E", "25"), "/operator/catalog/offers".into()).await;
    let edit = location(&r);
    assert!(
        edit.starts_with("/operator/catalog/offers/") && edit.ends_with("?done=created"),
        "{edit}"
    );
    let page = c.get(&edit).await.text().await.unwrap();
    assert!(page.contains("The offer was added and is available."));
    let version = between(&page, "name=\"version\" value=\"", "\"");
    let path = edit.trim_end_matches("?done=created").to_string();
    // Edit (the form's version is the If-Match), then a stale form is refused readably.
    let mut edited = form("TEAMS-E", "50");
    edited.push(("version", version.clone()));
    let r = post_offer(edited.clone(), path.clone()).await;
    assert_eq!(location(&r), format!("{path}?done=saved"));
    let r = post_offer(edited, path.clone()).await;
    assert_eq!(r.status(), 412);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Someone else changed this in the meantime.")
    );
    let page = c.get(&path).await.text().await.unwrap();
    let version = between(&page, "name=\"version\" value=\"", "\"");
    let r = c
        .post(
            &format!("{path}/state"),
            &[("csrf", &csrf), ("version", &version), ("state", "retired")],
        )
        .await;
    assert_eq!(location(&r), format!("{path}?done=retired"));
    let page = c.get(&path).await.text().await.unwrap();
    assert!(page.contains("id=\"restore-offer\""));
    // CSV import: progress page, then the report with translated row errors.
    let csv = "product_code,sku,name_en,name_ja,billing_cycle,term_months,unit_price_minor,currency,countries\nTEAMS,TEAMS-P,Teams Premium,チームズ プレミアム,monthly,1,1000,JPY,JP\nTEAMS,TEAMS-X,Bad,悪い,monthly,0,1000,JPY,JP\n";
    let body = format!(
        "--XB\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--XB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--XB--\r\n"
    );
    let r = app
        .http
        .post(app.url("/operator/catalog/import"))
        .header("cookie", c.cookie.clone().unwrap())
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "multipart/form-data; boundary=XB")
        .body(body)
        .send()
        .await
        .unwrap();
    let progress = location(&r);
    assert!(
        progress.starts_with("/operator/catalog/imports/"),
        "{progress}"
    );
    let mut html = String::new();
    for _ in 0..100 {
        html = c.get(&progress).await.text().await.unwrap();
        if html.contains("id=\"import-summary\"") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        html.contains("2 rows, 0 new products, 1 offers created, 0 updated, 1 with errors"),
        "{html}"
    );
    assert!(html.contains("The term is 1 to 60 months"));
    // Partners have no catalog administration; they browse what is sold (not the retired offer).
    let mut p = PortalClient::new(&app);
    p.sign_in(&w.provider.email, TEST_PASSWORD).await;
    assert_eq!(p.get("/operator/catalog").await.status(), 403);
    let catalog = p.get("/catalog?country=US").await.text().await.unwrap();
    assert!(
        catalog.contains("US-ONLY") && !catalog.contains("BASE-M") && !catalog.contains("TEAMS-E"),
        "{catalog}"
    );
}

async fn r_ord_6_portal_subscription_changes_and_refusals(app: TestApp) {
    let w = world(&app).await;
    let sub = crate::helpers::json_of(
        app.http
            .post(app.url(&format!("/v1/customers/{}/orders", w.customer.org_id)))
            .bearer_auth(&w.pt)
            .json(&json!({"lines": [{"offer_id": w.base, "quantity": 3}]}))
            .send()
            .await
            .unwrap(),
        201,
    )
    .await["subscriptions"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut c = PortalClient::new(&app);
    c.sign_in(&w.provider.email, TEST_PASSWORD).await;
    let page = c
        .get(&format!("/subscriptions/{sub}"))
        .await
        .text()
        .await
        .unwrap();
    let csrf = between(&page, "name=\"csrf\" value=\"", "\"");
    let version = between(&page, "name=\"version\" value=\"", "\"");
    let idem = between(&page, "name=\"idem\" value=\"", "\"");
    assert_eq!(version, "1");
    // Suspend for billing; the resubmitted form (same key) changes nothing more.
    for _ in 0..2 {
        let r = c
            .post(
                &format!("/subscriptions/{sub}/suspend"),
                &[
                    ("csrf", &csrf),
                    ("version", "1"),
                    ("idem", &idem),
                    ("reason", "billing"),
                ],
            )
            .await;
        assert_eq!(location(&r), format!("/subscriptions/{sub}?done=suspend"));
    }
    let page = c
        .get(&format!("/subscriptions/{sub}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Suspended") && page.contains("Billing (payment overdue)"));
    assert_eq!(between(&page, "name=\"version\" value=\"", "\""), "2");
    // A stale page is refused readably; cancel needs the box.
    let r = c
        .post(
            &format!("/subscriptions/{sub}/autorenew"),
            &[
                ("csrf", &csrf),
                ("version", "1"),
                ("idem", "x-1"),
                ("auto_renew", "off"),
            ],
        )
        .await;
    assert_eq!(r.status(), 412);
    let r = c
        .post(
            &format!("/subscriptions/{sub}/cancel"),
            &[("csrf", &csrf), ("version", "2"), ("idem", "x-2")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Tick the box to confirm."));
    let r = c
        .post(
            &format!("/subscriptions/{sub}/quantity"),
            &[
                ("csrf", &csrf),
                ("version", "2"),
                ("idem", "x-3"),
                ("quantity", "4"),
            ],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Only an active subscription can do this.")
    );
    let r = c
        .post(
            &format!("/subscriptions/{sub}/resume"),
            &[
                ("csrf", &csrf),
                ("version", "2"),
                ("idem", "x-4"),
                ("reason", "billing"),
            ],
        )
        .await;
    assert_eq!(location(&r), format!("/subscriptions/{sub}?done=resume"));
    // Out of bounds through a forged form: the offer's limits hold.
    let r = c
        .post(
            &format!("/subscriptions/{sub}/quantity"),
            &[
                ("csrf", &csrf),
                ("version", "3"),
                ("idem", "x-5"),
                ("quantity", "301"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("outside the offer"));
    // The provider names its reseller as support contact: the reseller then sees the
    // subscription with its changes greyed and the reason.
    let r = c
        .post(
            &format!("/subscriptions/{sub}/supportcontact"),
            &[
                ("csrf", &csrf),
                ("version", "3"),
                ("idem", "x-6"),
                ("partner_id", "2000001"),
            ],
        )
        .await;
    assert_eq!(
        location(&r),
        format!("/subscriptions/{sub}?done=supportcontact")
    );
    let mut r2 = PortalClient::new(&app);
    r2.sign_in(&w.reseller.email, TEST_PASSWORD).await;
    let page = r2
        .get(&format!("/subscriptions/{sub}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"manage-reason\"") && !page.contains("id=\"quantity-form\""));
    // The customer's global admin sees its subscriptions and who sells and supports them.
    let mut cu = PortalClient::new(&app);
    cu.sign_in(&w.customer.email, TEST_PASSWORD).await;
    let mine = cu.get("/subscriptions").await.text().await.unwrap();
    assert!(mine.contains("id=\"subscriptions-table\"") && mine.contains("Distri KK"));
    let one = cu
        .get(&format!("/subscriptions/{sub}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(one.contains("Resell GK") && one.contains("id=\"history-table\""));
    // Once the seller's relationship with the customer ends, its forms are greyed with the
    // reason (R-REL-1), the same check a change makes.
    let res = app
        .http
        .post(app.url(&format!("/v1/customers/{}/remove", w.customer.org_id)))
        .bearer_auth(&w.pt)
        .json(&json!({"attest": true}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let page = c
        .get(&format!("/subscriptions/{sub}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"manage-reason\"")
            && page.contains("no reseller relationship with this customer")
            && !page.contains("id=\"quantity-form\""),
        "{page}"
    );
}

async fn r_ord_2_portal_wizard_refuses_and_leaves_nothing(app: TestApp) {
    let w = world(&app).await;
    let mut c = PortalClient::new(&app);
    c.sign_in(&w.provider.email, TEST_PASSWORD).await;
    let path = format!("/indirect-resellers/{}/new-customer", w.reseller.org_id);
    let page = c.get(&path).await;
    assert_eq!(page.headers()["cache-control"], "no-store");
    let page = page.text().await.unwrap();
    let csrf = between(&page, "name=\"csrf\" value=\"", "\"");
    let idem = between(&page, "name=\"idem\" value=\"", "\"");
    let (orgs, users) = (app.count("organizations").await, app.count("users").await);
    let details = |go: &'static str, email: &'static str, extra: Vec<(&'static str, String)>| {
        let mut v: Vec<(&'static str, String)> = vec![
            ("csrf", csrf.clone()),
            ("idem", idem.clone()),
            ("go", go.to_string()),
            ("legal_name", "Wingtip Toys".to_string()),
            ("country", "JP".to_string()),
            ("admin_full_name", "Admin".to_string()),
            ("admin_email", email.to_string()),
        ];
        v.extend(extra);
        v
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let (app, cookie, path) = (&app, c.cookie.clone(), path.clone());
        async move {
            let mut pc = PortalClient {
                app,
                cookie,
                lang: "en",
            };
            let body: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            pc.post(&path, &body).await
        }
    };
    // A taken admin email is refused on the details step, with the details kept.
    let r = send(details(
        "subscriptions",
        "global_admin@contoso.example",
        vec![],
    ))
    .await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("A user with this email already exists.")
            && html.contains("value=\"Wingtip Toys\"")
    );
    // No subscriptions chosen: refused at review.
    let r = send(details("review", "admin@wingtip.example", vec![])).await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Order at least one subscription.")
    );
    // An add-on without its base: refused at review.
    let r = send(details(
        "review",
        "admin@wingtip.example",
        vec![("lines", format!("{}:5", w.addon))],
    ))
    .await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("needs a subscription to its base offer")
    );
    // Cancel from the review step: nothing was created.
    let r = send(details(
        "cancel",
        "admin@wingtip.example",
        vec![("lines", format!("{}:5", w.base))],
    ))
    .await;
    assert_eq!(
        location(&r),
        "/indirect-resellers?done=new-customer-cancelled"
    );
    assert_eq!(app.count("organizations").await, orgs);
    assert_eq!(app.count("users").await, users);
    // Submitting twice (a double click) creates the customer once.
    for _ in 0..2 {
        let r = send(details(
            "submit",
            "admin@wingtip.example",
            vec![("lines", format!("{}:5", w.base))],
        ))
        .await;
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("id=\"admin-account\""));
    }
    assert_eq!(app.count("organizations").await, orgs + 1);
    // A reseller or a sales-less role sees the action closed with its reason.
    let stranger = app.reseller_admin("Elsewhere").await;
    assert_eq!(
        c.get(&format!(
            "/indirect-resellers/{}/new-customer",
            stranger.org_id
        ))
        .await
        .status(),
        404
    );
    let (helpdesk, _) = app
        .add_user(
            &w.provider.org_id,
            "hd@distrikk.example",
            &[Role::HelpdeskAgent, Role::UserManagementAdmin],
            Some(TEST_PASSWORD),
        )
        .await;
    let mut h = PortalClient::new(&app);
    h.sign_in(&helpdesk.email, TEST_PASSWORD).await;
    let r = h.get(&path).await;
    assert_eq!(r.status(), 403);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("It needs one of: Global admin, Admin agent, Sales agent")
    );
}

async fn r_ord_6_portal_navigation_and_who_sees_what(app: TestApp) {
    let w = world(&app).await;
    let mut p = PortalClient::new(&app);
    p.sign_in(&w.reseller.email, TEST_PASSWORD).await;
    let nav = p.get("/dashboard").await.text().await.unwrap();
    assert!(nav.contains("href=\"/catalog\"") && nav.contains("href=\"/subscriptions\""));
    assert!(!nav.contains("href=\"/operator/catalog\""));
    let cu = p
        .get(&format!("/customers/{}/subscriptions", w.customer.org_id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        cu.contains("id=\"add-subscription-form\"")
            && cu.contains("BASE-M")
            && !cu.contains("US-ONLY")
    );
    // A customer sees Subscriptions but no catalog; a plain user has neither.
    let mut c = PortalClient::new(&app);
    c.sign_in(&w.customer.email, TEST_PASSWORD).await;
    let nav = c.get("/dashboard").await.text().await.unwrap();
    assert!(nav.contains("href=\"/subscriptions\"") && !nav.contains("href=\"/catalog\""));
    let (plain, _) = app
        .add_user(
            &w.customer.org_id,
            "plain@contoso.example",
            &[Role::User],
            Some(TEST_PASSWORD),
        )
        .await;
    let mut u = PortalClient::new(&app);
    u.sign_in(&plain.email, TEST_PASSWORD).await;
    assert_eq!(u.get("/subscriptions").await.status(), 403);
    // The operator administers the catalog and holds no subscriptions.
    let o = operator_client(&app).await;
    let nav = o.get("/dashboard").await.text().await.unwrap();
    assert!(nav.contains("href=\"/operator/catalog\"") && !nav.contains("href=\"/subscriptions\""));
    // A partner without a relationship to the customer gets 404 there.
    let stranger = app.reseller_admin("Elsewhere").await;
    let mut s = PortalClient::new(&app);
    s.sign_in(&stranger.email, TEST_PASSWORD).await;
    assert_eq!(
        s.get(&format!("/customers/{}/subscriptions", w.customer.org_id))
            .await
            .status(),
        404
    );
}
