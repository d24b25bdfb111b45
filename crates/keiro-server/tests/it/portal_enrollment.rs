//! Enrollment as a newcomer meets it in the portal (issue 14, point 8): the sign-in page leads
//! to it, the demo world has a record to enroll with and an application to review, the wizard
//! is one form (nothing typed is lost), the primary contact is prefilled and the emails are in
//! the applicant's language.

use crate::helpers::{PortalClient, between, location, mails_to, problem};
use keiro_domain::{OrgKind, Role};
use keiro_testkit::{TestApp, both_backends};
use serde_json::{Value, json};

both_backends!(
    enrollment_wizard_saves_every_section_as_one_flow,
    demo_world_has_a_record_to_enroll_with_and_an_application_to_review,
    enrollment_language_reaches_the_emails_and_the_api_takes_a_time_zone,
);

/// The wizard form as the browser sends it, with `then` (save or submit) and overrides.
fn wizard_form<'a>(
    csrf: &'a str,
    then: &'a str,
    over: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("csrf", csrf),
        ("program_role", "indirect_reseller"),
        ("partner_id", ""),
        ("claim_secret", ""),
        ("legal_name", "楓システムズ株式会社"),
        ("country", "JP"),
        ("postal_code", "150-0002"),
        ("region", "東京都"),
        ("city", "渋谷区"),
        ("address_line1", "渋谷 2-2-2"),
        ("address_line2", ""),
        ("phone", "+81 3-5555-0000"),
        ("website", ""),
        ("primary_domain", "kaede.example"),
        ("primary_contact_name", "木村 楓"),
        ("primary_contact_email", "kaede@kaede.example"),
        ("primary_contact_phone", "+81 90 0000 0000"),
        ("support_email", "support@kaede.example"),
        ("support_phone", ""),
        ("support_website", ""),
        ("then", then),
    ];
    for (k, v) in over {
        match f.iter_mut().find(|(fk, _)| fk == k) {
            Some(slot) => slot.1 = v,
            None => f.push((k, v)),
        }
    }
    f
}

async fn record(app: &TestApp, partner_id: &str) -> String {
    let op = app
        .org_with_user(OrgKind::Operator, "Operator", &[Role::OperatorReviewer])
        .await;
    let tok = app.token_for(&op.email).await;
    let r = app
        .http
        .post(app.url("/v1/membershiprecords"))
        .bearer_auth(&tok)
        .json(&json!({"partner_id": partner_id, "organization_name": "Kaede", "country": "JP", "level": "silver", "status": "active"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    v["claim_secret"].as_str().unwrap().to_string()
}

/// Creates the account through /enroll in `lang`; the client is then signed in.
async fn enroll_account<'a>(app: &'a TestApp, lang: &'static str, email: &str) -> PortalClient<'a> {
    let mut c = PortalClient::new(app);
    c.lang = lang;
    let signin = c.get("/signin").await.text().await.unwrap();
    assert!(
        signin.contains("href=\"/enroll\""),
        "the sign-in page leads to enrollment"
    );
    let r = c
        .post(
            "/enroll",
            &[
                ("company_name", "楓システムズ株式会社"),
                ("country", "JP"),
                ("primary_domain", "kaede.example"),
                ("full_name", "木村 楓"),
                ("email", email),
                ("password", "a long enough passphrase"),
                ("program_role", "indirect_reseller"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(location(&r), "/enroll/wizard");
    c
}

fn value_of(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let tag = &html[at..html[at..].find('>').unwrap() + at];
    match tag.find("value=\"") {
        Some(v) => tag[v + 7..].split('"').next().unwrap().to_string(),
        None => String::new(),
    }
}

async fn enrollment_wizard_saves_every_section_as_one_flow(app: TestApp) {
    let secret = record(&app, "4440101").await;
    let mut c = enroll_account(&app, "en", "kaede@kaede.example").await;
    let html = c.get("/enroll/wizard").await.text().await.unwrap();
    // The primary contact starts as the applicant: their name and work address are there.
    assert_eq!(
        value_of(&html, "primary_contact_email"),
        "kaede@kaede.example"
    );
    assert_eq!(value_of(&html, "primary_contact_name"), "木村 楓");
    assert!(html.contains("id=\"wizard-form\""), "one form");
    assert_eq!(
        html.matches("<form method=\"post\" action=\"/enroll/wizard\"")
            .count(),
        1
    );
    let csrf = c.csrf_on("/enroll/wizard").await;
    let audits = app.count("audit_records").await;

    // A refused save (a bad support address) keeps everything typed, in every section, and
    // stores nothing.
    let r = c
        .post(
            "/enroll/wizard",
            &wizard_form(&csrf, "save", &[("support_email", "not an address")]),
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert_eq!(value_of(&html, "address_line1"), "渋谷 2-2-2");
    assert_eq!(value_of(&html, "primary_contact_phone"), "+81 90 0000 0000");
    assert_eq!(value_of(&html, "support_email"), "not an address");
    assert!(
        html.contains("data-field=\"support_email\""),
        "the field is marked"
    );
    assert_eq!(app.count("audit_records").await, audits, "nothing saved");
    let stored = c.get("/enroll/wizard").await.text().await.unwrap();
    assert_eq!(value_of(&stored, "address_line1"), "");

    // A half-filled draft saves every section at once (no membership yet), one audit row.
    let r = c
        .post(
            "/enroll/wizard",
            &wizard_form(&csrf, "save", &[("support_phone", "")]),
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/enroll/wizard?done=saved");
    assert_eq!(app.count("audit_records").await, audits + 1);
    let html = c.get("/enroll/wizard").await.text().await.unwrap();
    assert_eq!(value_of(&html, "address_line1"), "渋谷 2-2-2");
    assert_eq!(value_of(&html, "region"), "東京都");
    assert_eq!(value_of(&html, "primary_contact_phone"), "+81 90 0000 0000");
    assert_eq!(value_of(&html, "support_email"), "support@kaede.example");
    let missing = between(&html, "<ul id=\"missing\">", "</ul>");
    assert_eq!(
        missing.matches("<li>").count(),
        1,
        "only the record is missing: {missing}"
    );

    // Submitting without the record says what is missing, and keeps what was typed.
    let r = c
        .post(
            "/enroll/wizard",
            &wizard_form(&csrf, "submit", &[("city", "渋谷区 (変更)")]),
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert_eq!(value_of(&html, "city"), "渋谷区 (変更)");

    // A wrong secret is refused on its field; the right one links and submits in one go.
    let r = c
        .post(
            "/enroll/wizard",
            &wizard_form(
                &csrf,
                "submit",
                &[("partner_id", "4440101"), ("claim_secret", "kc_wrong")],
            ),
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("data-field=\"partner_id\""));
    assert_eq!(value_of(&html, "partner_id"), "4440101");
    assert_eq!(
        value_of(&html, "claim_secret"),
        "",
        "a secret is never echoed"
    );
    let r = c
        .post(
            "/enroll/wizard",
            &wizard_form(
                &csrf,
                "submit",
                &[("partner_id", "4440101"), ("claim_secret", &secret)],
            ),
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/enroll/wizard?done=submitted");
    let html = c.get("/enroll/wizard").await.text().await.unwrap();
    assert!(
        html.contains("data-state=\"pending_verification\""),
        "{html}"
    );
    assert!(
        !html.contains("id=\"wizard-form\""),
        "a submitted application is not edited"
    );
    let mails = mails_to(&app, "kaede@kaede.example").await;
    assert_eq!(mails.len(), 1, "the verification link");
}

async fn demo_world_has_a_record_to_enroll_with_and_an_application_to_review(app: TestApp) {
    let demo = keiro_app::demo::seed(&app.app).await.expect("demo world");
    let claim = &demo.claims[0];
    let first = claim
        .claim_secret
        .clone()
        .expect("an unclaimed record's secret");
    let applicant = demo
        .logins
        .iter()
        .find(|l| l.email.starts_with("applicant@"))
        .expect("the applicant signs in too")
        .clone();
    // Seeded again: a fresh secret (the old one no longer links), and still one application.
    let demo = keiro_app::demo::seed(&app.app)
        .await
        .expect("demo world again");
    let secret = demo.claims[0].claim_secret.clone().unwrap();
    assert_ne!(secret, first);
    let review = demo
        .logins
        .iter()
        .find(|l| l.email == "review@operator.keiro.example")
        .unwrap();
    let mut staff = PortalClient::new(&app);
    assert_eq!(
        staff
            .sign_in(&review.email, &review.password)
            .await
            .status(),
        303
    );
    let queue = staff
        .get("/operator/enrollments?state=in_review")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        queue.matches("新宿クラウドシステムズ株式会社").count(),
        1,
        "{queue}"
    );
    // The applicant sees their application in review.
    let mut a = PortalClient::new(&app);
    a.lang = "ja";
    let pw = &demo
        .logins
        .iter()
        .find(|l| l.email == applicant.email)
        .unwrap()
        .password;
    assert_eq!(a.sign_in(&applicant.email, pw).await.status(), 303);
    let html = a.get("/enroll/wizard").await.text().await.unwrap();
    assert!(html.contains("data-state=\"in_review\""), "{html}");

    // A newcomer enrolls with the printed record.
    let mut c = enroll_account(&app, "en", "kaede@kaede.example").await;
    let csrf = c.csrf_on("/enroll/wizard").await;
    let pid = claim.partner_id.as_str();
    let r = c
        .post(
            "/enroll/wizard",
            &wizard_form(
                &csrf,
                "save",
                &[("partner_id", pid), ("claim_secret", &first)],
            ),
        )
        .await;
    assert_eq!(r.status(), 422, "the first secret was replaced");
    let r = c
        .post(
            "/enroll/wizard",
            &wizard_form(
                &csrf,
                "save",
                &[("partner_id", pid), ("claim_secret", &secret)],
            ),
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = c.get("/enroll/wizard").await.text().await.unwrap();
    assert!(html.contains("id=\"membership-linked\""), "{html}");
    // Saved again with the linked record's ID and no secret (as the form shows it), the link
    // stays and no claim is attempted.
    let r = c
        .post(
            "/enroll/wizard",
            &wizard_form(&csrf, "save", &[("partner_id", pid)]),
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = c.get("/enroll/wizard").await.text().await.unwrap();
    assert!(html.contains("id=\"membership-linked\""), "{html}");
    // Another ID without its secret is refused on the field.
    let r = c
        .post(
            "/enroll/wizard",
            &wizard_form(&csrf, "save", &[("partner_id", "3000002")]),
        )
        .await;
    assert_eq!(r.status(), 422);
    // Once linked, a new demo run says so instead of printing a spent secret.
    let demo = keiro_app::demo::seed(&app.app).await.unwrap();
    assert_eq!(demo.claims[0].claim_secret, None);
}

async fn enrollment_language_reaches_the_emails_and_the_api_takes_a_time_zone(app: TestApp) {
    // Enrolled in Japanese through the portal: the verification email is in Japanese.
    let secret = record(&app, "4440102").await;
    let mut c = enroll_account(&app, "ja", "kaede@kaede.example").await;
    let csrf = c.csrf_on("/enroll/wizard").await;
    let f = wizard_form(
        &csrf,
        "submit",
        &[("partner_id", "4440102"), ("claim_secret", &secret)],
    );
    assert_eq!(c.post("/enroll/wizard", &f).await.status(), 303);
    let (_, subject, body) = mails_to(&app, "kaede@kaede.example").await.remove(0);
    assert!(subject.contains("確認"), "{subject}");
    assert!(body.contains("/enroll/verify?token="), "{body}");

    // The API takes the language with the account; a wrong one is refused by name.
    let body = |email: &str, lang: &str| {
        json!({
            "company_name": "Hinoki KK", "country": "JP", "primary_domain": "hinoki.example",
            "full_name": "檜 一郎", "email": email, "password": "a long enough passphrase",
            "program_role": "indirect_provider", "language": lang
        })
    };
    let post = |b: Value| {
        app.http
            .post(app.url("/v1/enrollment/accounts"))
            .json(&b)
            .send()
    };
    let (s, p) = problem(post(body("ichiro@hinoki.example", "fr")).await.unwrap()).await;
    assert_eq!((s, p["code"].as_str()), (422, Some("invalid_language")));
    let r = post(body("ichiro@hinoki.example", "ja")).await.unwrap();
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    let tok = v["token"].as_str().unwrap().to_string();
    assert_eq!(
        v["enrollment"]["primary_contact_email"],
        "ichiro@hinoki.example"
    );
    let me: Value = app.get("/v1/me", &tok).await.json().await.unwrap();
    assert_eq!(me["user"]["language"], "ja");
    assert_eq!(me["user"]["time_zone"], Value::Null);

    // PATCH /v1/me sets and clears the time zone (issue 14, point 4).
    let patch = |b: Value| {
        app.http
            .patch(app.url("/v1/me"))
            .bearer_auth(&tok)
            .json(&b)
            .send()
    };
    let v: Value = patch(json!({"time_zone": "America/Los_Angeles"}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["user"]["time_zone"], "America/Los_Angeles");
    let (s, p) = problem(patch(json!({"time_zone": "Mars/Olympus"})).await.unwrap()).await;
    assert_eq!((s, p["code"].as_str()), (422, Some("invalid_time_zone")));
    let v: Value = patch(json!({"time_zone": null}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["user"]["time_zone"], Value::Null);
}
