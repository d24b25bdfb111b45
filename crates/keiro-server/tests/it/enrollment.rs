use crate::helpers::{link_token, mails_to, problem, put};
use keiro_domain::{OrgKind, Role};
use keiro_testkit::{TestApp, both_backends};
use serde_json::{Value, json};

both_backends!(
    r_enr_2_registry_import_reports_rows_and_never_duplicates,
    r_enr_1_to_4_enrollment_from_account_to_approval,
    r_enr_4_rejection_and_review_rules,
    r_enr_5_existing_partner_becomes_reseller_with_support_contact,
    verification_link_used_once_even_concurrently,
);

async fn operator(app: &TestApp) -> String {
    let op = app
        .org_with_user(OrgKind::Operator, "Operator", &[Role::OperatorReviewer])
        .await;
    app.token_for(&op.email).await
}

async fn post(app: &TestApp, tok: Option<&str>, path: &str, body: Value) -> reqwest::Response {
    let mut rb = app.http.post(app.url(path)).json(&body);
    if let Some(t) = tok {
        rb = rb.bearer_auth(t);
    }
    rb.send().await.unwrap()
}

async fn record(app: &TestApp, op: &str, partner_id: &str, country: &str, status: &str) -> String {
    let r = post(app, Some(op), "/v1/membershiprecords", json!({"partner_id": partner_id, "organization_name": "Org", "country": country, "level": "silver", "status": status, "expires_on": "2099-12-31"})).await;
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    v["claim_secret"].as_str().unwrap().to_string()
}

async fn new_applicant(app: &TestApp, email: &str, role: &str) -> String {
    let r = post(app, None, "/v1/enrollment/accounts", json!({
        "company_name": "Kaede Systems KK", "country": "JP", "primary_domain": "kaede.example",
        "full_name": "木村 楓", "email": email, "password": "a long enough passphrase", "program_role": role
    }))
    .await;
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["enrollment"]["state"], "draft");
    v["token"].as_str().unwrap().to_string()
}

async fn fill(app: &TestApp, tok: &str, partner_id: &str, secret: &str) {
    assert_eq!(
        put(
            app,
            tok,
            "/v1/enrollment/membership",
            json!({"partner_id": partner_id, "claim_secret": secret})
        )
        .await
        .status(),
        200
    );
    let profile = json!({"legal_name": "Kaede Systems KK", "address_line1": "2-2-2 Shibuya", "city": "Shibuya-ku", "region": "Tokyo",
        "postal_code": "150-0002", "country": "JP", "phone": "+81 3-5555-0000", "website": "https://kaede.example", "primary_domain": "kaede.example"});
    assert_eq!(
        put(app, tok, "/v1/enrollment/profile", profile)
            .await
            .status(),
        200
    );
    let contacts = json!({"primary_contact_name": "木村 楓", "primary_contact_email": "kaede.kimura@kaede.example", "primary_contact_phone": "+81 90 0000 0000",
        "support_email": "support@kaede.example", "support_phone": "+81 3-5555-0001"});
    assert_eq!(
        put(app, tok, "/v1/enrollment/contacts", contacts)
            .await
            .status(),
        200
    );
}

async fn r_enr_2_registry_import_reports_rows_and_never_duplicates(app: TestApp) {
    let op = operator(&app).await;
    let csv = "partner_id,organization_name,country,level,status,expires_on\n\
               1234567,Sakura Distribution,JP,gold,active,2027-03-31\n\
               7654321,\"Fuji, Reseller\",jp,Action Pack,active,\n\
               12,Bad Id,JP,gold,active,\n\
               2345678,Bad Country,Japan,gold,active,\n\
               3456789,Bad Level,JP,platinum,active,\n\
               1234567,Duplicate,JP,gold,active,\n";
    let send = |body: &'static str| {
        app.http
            .post(app.url("/v1/membershiprecords/import"))
            .bearer_auth(&op)
            .header("content-type", "text/csv")
            .body(body)
            .send()
    };
    let r = send(csv).await.unwrap();
    assert_eq!(r.status(), 200);
    let rep: Value = r.json().await.unwrap();
    assert_eq!(
        (
            rep["rows"].as_u64(),
            rep["created"].as_u64(),
            rep["updated"].as_u64()
        ),
        (Some(6), Some(2), Some(0))
    );
    let errs: Vec<(u64, &str)> = rep["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errs,
        vec![
            (4, "invalid_partner_id"),
            (5, "invalid_country"),
            (6, "invalid_level"),
            (7, "duplicate_in_file")
        ]
    );
    assert_eq!(rep["secrets"].as_array().unwrap().len(), 2);
    // Importing again updates, never duplicates, and shows no secrets.
    let rep: Value = send(csv).await.unwrap().json().await.unwrap();
    assert_eq!(
        (
            rep["created"].as_u64(),
            rep["updated"].as_u64(),
            rep["secrets"].as_array().unwrap().len()
        ),
        (Some(0), Some(2), 0)
    );
    assert_eq!(app.count("membership_records").await, 2);
    let list: Value = app
        .get("/v1/membershiprecords?q=fuji", &op)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["organization_name"], "Fuji, Reseller");
    assert_eq!(list["items"][0]["level"], "action_pack");
    assert!(
        !list.to_string().contains("kc_") && !list.to_string().contains("secret"),
        "secrets are never listed: {list}"
    );
    // Bad files: a clear error, nothing written.
    let (s, p) = problem(send("name,country\nx,JP\n").await.unwrap()).await;
    assert_eq!((s, p["code"].as_str()), (422, Some("missing_column")));
    let (s, _) = problem(
        send("partner_id,organization_name,country,level,status\n\"open")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 422);
    let r = app
        .http
        .post(app.url("/v1/membershiprecords/import"))
        .bearer_auth(&op)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 415);
    // Partners may not touch the registry.
    let p = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let pt = app.token_for(&p.email).await;
    assert_eq!(
        problem(app.get("/v1/membershiprecords", &pt).await).await.0,
        403
    );
}

async fn r_enr_1_to_4_enrollment_from_account_to_approval(app: TestApp) {
    let op = operator(&app).await;
    let secret = record(&app, &op, "5550001", "JP", "active").await;
    let inactive = record(&app, &op, "5550002", "JP", "inactive").await;
    let foreign = record(&app, &op, "5550003", "US", "active").await;
    let tok = new_applicant(&app, "kaede@kaede.example", "indirect_reseller").await;
    let mine: Value = app.get("/v1/enrollment", &tok).await.json().await.unwrap();
    assert_eq!(
        mine["missing"],
        json!([
            "membership",
            "profile",
            "primary_contact",
            "support_contact"
        ])
    );
    // Before approval the organization can do nothing else (R-ENR-4).
    let (s, p) = problem(app.get("/v1/users", &tok).await).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (403, Some("enrollment_not_approved"))
    );
    // Membership claims: wrong secret, inactive, other country — each refused and clear.
    let claim = |pid: &str, sec: &str| {
        put(
            &app,
            &tok,
            "/v1/enrollment/membership",
            json!({"partner_id": pid, "claim_secret": sec}),
        )
    };
    let (s, p) = problem(claim("5550001", "kc_wrong").await).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (422, Some("membership_claim_failed"))
    );
    assert_eq!(
        problem(claim("9999999", &secret).await).await.1["code"],
        "membership_claim_failed",
        "same answer for unknown IDs"
    );
    assert_eq!(
        problem(claim("5550002", &inactive).await).await.1["code"],
        "membership_not_active"
    );
    assert_eq!(
        problem(claim("5550003", &foreign).await).await.1["code"],
        "membership_country_mismatch"
    );
    // Web-mail refused for the primary contact (R-ENR-3).
    let (s, p) = problem(put(&app, &tok, "/v1/enrollment/contacts", json!({"primary_contact_name": "K", "primary_contact_email": "kaede@gmail.com", "primary_contact_phone": "+81 90", "support_email": "s@kaede.example"})).await).await;
    assert_eq!(
        (s, p["code"].as_str(), p["errors"][0]["field"].as_str()),
        (
            422,
            Some("webmail_not_allowed"),
            Some("primary_contact_email")
        )
    );
    // Submitting early says what is missing.
    let (s, p) = problem(post(&app, Some(&tok), "/v1/enrollment/submit", json!({})).await).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (422, Some("enrollment_incomplete"))
    );
    fill(&app, &tok, "5550001", &secret).await;
    // A second applicant cannot claim the same record.
    let other = new_applicant(&app, "other@kaede2.example", "indirect_reseller").await;
    let (s, p) = problem(
        put(
            &app,
            &other,
            "/v1/enrollment/membership",
            json!({"partner_id": "5550001", "claim_secret": secret}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (409, Some("membership_already_claimed"))
    );
    // Submit: the primary contact gets a verification link.
    let v: Value = post(&app, Some(&tok), "/v1/enrollment/submit", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["state"], "pending_verification");
    let (s, p) = problem(post(&app, Some(&tok), "/v1/enrollment/submit", json!({})).await).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (409, Some("enrollment_not_editable")),
        "double submission changes nothing"
    );
    let mails = mails_to(&app, "kaede.kimura@kaede.example").await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "enrollment-verify");
    let token = link_token(&mails[0].2);
    // Review cannot start before verification.
    let eid = v["id"].as_str().unwrap().to_string();
    let (s, p) = problem(
        post(
            &app,
            Some(&op),
            &format!("/v1/enrollments/{eid}/approve"),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (409, Some("enrollment_not_in_review"))
    );
    let r: Value = post(
        &app,
        None,
        "/v1/enrollment/verifications",
        json!({"token": token}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(r["state"], "in_review");
    let (s, p) = problem(
        post(
            &app,
            None,
            "/v1/enrollment/verifications",
            json!({"token": token}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (422, Some("verification_link_used"))
    );
    // The queue shows it; the reviewer asks for more information.
    let q: Value = app
        .get("/v1/enrollments?state=in_review", &op)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(q["items"][0]["id"], eid);
    assert_eq!(
        problem(
            post(
                &app,
                Some(&op),
                &format!("/v1/enrollments/{eid}/requestinfo"),
                json!({})
            )
            .await
        )
        .await
        .1["code"],
        "note_required"
    );
    let v: Value = post(
        &app,
        Some(&op),
        &format!("/v1/enrollments/{eid}/requestinfo"),
        json!({"note": "Please give your registered address in full."}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(v["state"], "more_info_requested");
    // The applicant edits and resubmits; the verified contact stays verified.
    let fix = json!({"legal_name": "Kaede Systems KK", "address_line1": "2-2-2 Shibuya, Kaede Bldg 5F", "city": "Shibuya-ku", "region": "Tokyo",
        "postal_code": "150-0002", "country": "JP", "phone": "+81 3-5555-0000", "primary_domain": "kaede.example"});
    assert_eq!(
        put(&app, &tok, "/v1/enrollment/profile", fix)
            .await
            .status(),
        200
    );
    let v: Value = post(&app, Some(&tok), "/v1/enrollment/submit", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["state"], "in_review");
    // Approval (R-USR-6): partner ID, program role, global admin and admin agent.
    let v: Value = post(
        &app,
        Some(&op),
        &format!("/v1/enrollments/{eid}/approve"),
        json!({}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(v["state"], "approved");
    let me: Value = app.get("/v1/me", &tok).await.json().await.unwrap();
    assert_eq!(me["organization"]["partner_id"], "5550001");
    assert_eq!(
        me["organization"]["program_roles"],
        json!(["indirect_reseller"])
    );
    assert_eq!(me["roles"], json!(["admin_agent", "global_admin"]));
    assert_eq!(
        app.get("/v1/users", &tok).await.status(),
        200,
        "the approved partner works normally"
    );
    assert_eq!(problem(put(&app, &tok, "/v1/enrollment/contacts", json!({"primary_contact_name": "x", "primary_contact_email": "x@kaede.example", "primary_contact_phone": "1", "support_phone": "1"})).await).await.0, 409);
    // MFA is required by default for partners: the approved applicant's first sign-in leads to set-up.
    {
        use crate::helpers::{PortalClient, location};
        let mut c = PortalClient::new(&app);
        c.sign_in("kaede@kaede.example", "a long enough passphrase")
            .await;
        assert_eq!(location(&c.get("/dashboard").await), "/account/mfa");
    }
    // Operator staff authorize the approved partner (issue 16): the application's primary
    // contact is told.
    let org_id = me["organization"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        put(
            &app,
            &op,
            &format!("/v1/partnerauthorizations/{org_id}"),
            json!({"authorizations": ["subscription_advisor"], "reason": "Advisor agreement"})
        )
        .await
        .status(),
        200
    );
    // Every status change was emailed to the primary contact, and audited.
    let templates: Vec<String> = mails_to(&app, "kaede.kimura@kaede.example")
        .await
        .into_iter()
        .map(|m| m.0)
        .collect();
    assert_eq!(
        templates,
        vec![
            "enrollment-verify",
            "enrollment-in-review",
            "enrollment-more-info",
            "enrollment-in-review",
            "enrollment-approved",
            "partner-authorizations-changed"
        ]
    );
    let audit: Value = app
        .get("/v1/auditrecords?limit=200", &op)
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["target_id"] == eid.as_str())
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    for a in [
        "enrollment.submitted",
        "enrollment.contact_verified",
        "enrollment.more_info_requested",
        "enrollment.approved",
        "enrollment.membership_saved",
    ] {
        assert!(actions.contains(&a), "{a} audited: {actions:?}");
    }
}

async fn r_enr_4_rejection_and_review_rules(app: TestApp) {
    let op = operator(&app).await;
    let secret = record(&app, &op, "6660001", "JP", "active").await;
    let tok = new_applicant(&app, "ren@kaede.example", "indirect_provider").await;
    fill(&app, &tok, "6660001", &secret).await;
    let v: Value = post(&app, Some(&tok), "/v1/enrollment/submit", json!({}))
        .await
        .json()
        .await
        .unwrap();
    let eid = v["id"].as_str().unwrap().to_string();
    // Expired link: refused with a clear reason; submitting again is not possible until verified,
    // so the applicant's contact can be changed only while editable. Here: travel past expiry.
    let mails = mails_to(&app, "kaede.kimura@kaede.example").await;
    let token = link_token(&mails.last().unwrap().2);
    app.clock.advance(time::Duration::hours(73));
    let (s, p) = problem(
        post(
            &app,
            None,
            "/v1/enrollment/verifications",
            json!({"token": token}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (422, Some("verification_link_expired"))
    );
    app.clock.advance(time::Duration::hours(-73));
    let r = post(
        &app,
        None,
        "/v1/enrollment/verifications",
        json!({"token": token}),
    )
    .await;
    assert_eq!(r.status(), 200);
    // A partner cannot review; a reviewer must give a reason to reject.
    let partner = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let pt = app.token_for(&partner.email).await;
    assert_eq!(
        problem(app.get("/v1/enrollments", &pt).await).await.1["code"],
        "operator_only"
    );
    assert_eq!(
        problem(
            post(
                &app,
                Some(&op),
                &format!("/v1/enrollments/{eid}/reject"),
                json!({"note": "  "})
            )
            .await
        )
        .await
        .1["code"],
        "note_required"
    );
    let v: Value = post(
        &app,
        Some(&op),
        &format!("/v1/enrollments/{eid}/reject"),
        json!({"note": "The membership record belongs to another company."}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(v["state"], "rejected");
    assert_eq!(
        v["review_note"],
        "The membership record belongs to another company."
    );
    let (s, p) = problem(
        post(
            &app,
            Some(&op),
            &format!("/v1/enrollments/{eid}/approve"),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (409, Some("enrollment_not_in_review")),
        "final states are final"
    );
    let last = mails_to(&app, "kaede.kimura@kaede.example")
        .await
        .pop()
        .unwrap();
    assert_eq!(last.0, "enrollment-rejected");
    assert!(last.2.contains("belongs to another company"));
    // The record is free again for its rightful holder.
    let rec: Value = app
        .get("/v1/membershiprecords?q=6660001", &op)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rec["items"][0]["claimed"], false);
    assert_eq!(
        problem(app.get("/v1/users", &tok).await).await.1["code"],
        "enrollment_not_approved"
    );
}

async fn r_enr_5_existing_partner_becomes_reseller_with_support_contact(app: TestApp) {
    let p = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    // Give it a partner ID and the provider role, as an enrolled provider has.
    use keiro_store::sea_orm::ConnectionTrait;
    app.app.db.reader().execute_unprepared(&format!("UPDATE organizations SET partner_id = '8880001', program_roles = 'indirect_provider' WHERE id = '{}'", p.org_id)).await.unwrap();
    let tok = app.token_for(&p.email).await;
    let (s, p2) = problem(
        post(
            &app,
            Some(&tok),
            "/v1/enrollment/reselleraccount",
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, p2["code"].as_str()),
        (422, Some("support_contact_required"))
    );
    let r: Value = post(
        &app,
        Some(&tok),
        "/v1/enrollment/reselleraccount",
        json!({"support_email": "help@sakura.example", "support_phone": "+81 3 1234"}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        r["program_roles"],
        json!(["indirect_provider", "indirect_reseller"])
    );
    let mine: Value = app.get("/v1/enrollment", &tok).await.json().await.unwrap();
    assert_eq!(
        (mine["state"].as_str(), mine["support_email"].as_str()),
        (Some("approved"), Some("help@sakura.example"))
    );
    assert_eq!(
        problem(
            post(
                &app,
                Some(&tok),
                "/v1/enrollment/reselleraccount",
                json!({"support_phone": "1"})
            )
            .await
        )
        .await
        .1["code"],
        "already_reseller"
    );
}

async fn verification_link_used_once_even_concurrently(app: TestApp) {
    let op = operator(&app).await;
    let secret = record(&app, &op, "7770001", "JP", "active").await;
    let tok = new_applicant(&app, "race@kaede.example", "indirect_reseller").await;
    fill(&app, &tok, "7770001", &secret).await;
    post(&app, Some(&tok), "/v1/enrollment/submit", json!({})).await;
    let token = link_token(&mails_to(&app, "kaede.kimura@kaede.example").await[0].2);
    let reqs = (0..4).map(|_| {
        post(
            &app,
            None,
            "/v1/enrollment/verifications",
            json!({"token": token}),
        )
    });
    let statuses: Vec<u16> = futures::future::join_all(reqs)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    let in_review = mails_to(&app, "kaede.kimura@kaede.example")
        .await
        .iter()
        .filter(|m| m.0 == "enrollment-in-review")
        .count();
    assert_eq!(in_review, 1, "one status change, one email");
}

both_backends!(portal_registry_add_and_import_with_progress);

async fn portal_registry_add_and_import_with_progress(app: TestApp) {
    use crate::helpers::{PortalClient, location};
    let op = app
        .org_with_user(OrgKind::Operator, "Operator", &[Role::OperatorAdmin])
        .await;
    let mut c = PortalClient::new(&app);
    c.sign_in(&op.email, keiro_testkit::TEST_PASSWORD).await;
    let page = c.get("/operator/registry").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = html[at..at + 32].to_string();
    let r = c
        .post(
            "/operator/registry",
            &[
                ("csrf", &csrf),
                ("partner_id", "3330001"),
                ("organization_name", "Minato IT"),
                ("country", "JP"),
                ("level", "silver"),
                ("status", "active"),
                ("expires_on", "2027-12-31"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(r.text().await.unwrap().contains("id=\"claim-secret\">kc_"));
    let r = c
        .post(
            "/operator/registry",
            &[
                ("csrf", &csrf),
                ("partner_id", "3330001"),
                ("organization_name", "Again"),
                ("country", "JP"),
                ("level", "silver"),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("A record with this partner ID already exists.")
    );
    // CSV upload: progress page, then the report with secrets once and translated row errors.
    let csv = "partner_id,organization_name,country,level,status,expires_on\n3330002,Shinagawa Tech,JP,gold,active,\n3330003,Bad,JP,diamond,active,\n";
    let body = format!(
        "--XB\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--XB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--XB--\r\n"
    );
    let r = app
        .http
        .post(app.url("/operator/registry/import"))
        .header("cookie", c.cookie.clone().unwrap())
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "multipart/form-data; boundary=XB")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let progress_url = location(&r);
    assert!(progress_url.starts_with("/operator/registry/imports/"));
    let mut html = String::new();
    for _ in 0..100 {
        html = c.get(&progress_url).await.text().await.unwrap();
        if html.contains("id=\"import-summary\"") {
            break;
        }
        assert!(
            html.contains("http-equiv=\"refresh\""),
            "a running import refreshes itself"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        html.contains("2 rows, 1 created, 0 updated, 1 with errors"),
        "{html}"
    );
    assert!(html.contains("Choose a level: none, action_pack, silver or gold."));
    assert!(html.contains("id=\"import-secrets\"") && html.contains("3330002"));
    let again = c.get(&progress_url).await.text().await.unwrap();
    assert!(
        !again.contains("id=\"import-secrets\""),
        "claim secrets are shown once"
    );
    // Another operator cannot see this import; a partner cannot see the registry.
    let other = app
        .add_user(
            &op.org_id,
            "op2@operator.example",
            &[Role::OperatorAdmin],
            Some(keiro_testkit::TEST_PASSWORD),
        )
        .await
        .0;
    let mut o = PortalClient::new(&app);
    o.sign_in(&other.email, keiro_testkit::TEST_PASSWORD).await;
    assert_eq!(o.get(&progress_url).await.status(), 404);
    let p = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    let mut pc = PortalClient::new(&app);
    pc.sign_in(&p.email, keiro_testkit::TEST_PASSWORD).await;
    assert_eq!(pc.get("/operator/registry").await.status(), 403);
}

both_backends!(r_enr_5_portal_reseller_account);

async fn r_enr_5_portal_reseller_account(app: TestApp) {
    use crate::helpers::{PortalClient, location};
    let p = app
        .org_with_user(OrgKind::Partner, "Sakura", &[Role::GlobalAdmin])
        .await;
    use keiro_store::sea_orm::ConnectionTrait;
    app.app.db.reader().execute_unprepared(&format!("UPDATE organizations SET partner_id = '8880002', program_roles = 'indirect_provider' WHERE id = '{}'", p.org_id)).await.unwrap();
    let mut c = PortalClient::new(&app);
    c.sign_in(&p.email, keiro_testkit::TEST_PASSWORD).await;
    let page = c.get("/organization").await.text().await.unwrap();
    assert!(page.contains("id=\"reseller-form\""));
    let csrf = c.csrf().await;
    let r = c
        .post("/organization/reselleraccount", &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Give a support email or phone")
    );
    let r = c
        .post(
            "/organization/reselleraccount",
            &[("csrf", &csrf), ("support_email", "help@sakura.example")],
        )
        .await;
    assert_eq!(location(&r), "/organization?done=reseller");
    let page = c
        .get("/organization?done=reseller")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("now also an indirect reseller") && !page.contains("id=\"reseller-form\"")
    );
}
