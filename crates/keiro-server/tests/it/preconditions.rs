//! Every update in `/openapi.json` keeps its ETag contract (issue 11): a PUT or PATCH takes
//! `If-Match`, and a stale one is `412 precondition_failed` with nothing changed. An update
//! added later without a sample here, and without a reason in `contract::EXEMPT`, fails.

use crate::helpers::{json_of, problem};
use crate::walk::created;
use keiro_server::api::contract::{Convention, exempt};
use keiro_testkit::world::world;
use keiro_testkit::{TestApp, both_backends};
use serde_json::{Value, json};

both_backends!(api_every_update_refuses_a_stale_if_match);

fn profile(name: &str) -> Value {
    json!({"legal_name": name, "address_line1": "1-1 Marunouchi", "address_line2": "", "city": "Chiyoda-ku",
        "region": "Tokyo", "postal_code": "100-0005", "country": "JP", "phone": "+81 3 0000 0000",
        "email": "info@kaede.example", "website": "https://kaede.example", "primary_domain": "kaede.example"})
}

async fn api_every_update_refuses_a_stale_if_match(app: TestApp) {
    let w = world(&app).await;
    let cu = w.customer.org_id.clone();
    // The reseller administers the customer with full delegated access.
    crate::walk::reseller_administers_customer(&app, &w).await;
    let sub = created(
        &app,
        &w.pt,
        &format!("/v1/customers/{cu}/orders"),
        json!({"lines": [{"offer_id": w.base, "quantity": 2}]}),
    )
    .await;
    let sub = sub["subscriptions"][0]["id"].as_str().unwrap().to_string();
    let sr = created(
        &app,
        &w.ct,
        &format!("/v1/customers/{cu}/servicerequests"),
        json!({"title": "Mail", "description": "Down", "severity": "high"}),
    )
    .await;
    let sr = sr["id"].as_str().unwrap().to_string();
    let rec = created(&app, &w.op, "/v1/membershiprecords", json!({"partner_id": "3000001", "organization_name": "Org", "country": "JP", "level": "silver", "status": "active", "expires_on": "2099-12-31"})).await;
    let rec = rec["record"]["id"].as_str().unwrap().to_string();
    let benefit = created(&app, &w.op, "/v1/benefits", crate::benefits::software()).await;
    let benefit = benefit["id"].as_str().unwrap().to_string();
    let applicant = app
        .http
        .post(app.url("/v1/enrollment/accounts"))
        .json(&json!({"company_name": "Kaede Systems KK", "country": "JP", "primary_domain": "kaede.example",
            "full_name": "木村 楓", "email": "kimura@kaede.example", "password": "a long enough passphrase", "program_role": "indirect_reseller"}))
        .send()
        .await
        .unwrap();
    let et = json_of(applicant, 201).await["token"]
        .as_str()
        .unwrap()
        .to_string();
    // The admin access state as the reseller reads it; the other one is stale.
    let res = app
        .get(
            &format!("/v1/indirectproviders/{}", w.provider.org_id),
            &w.rt,
        )
        .await;
    let stale_a = if res.headers()["etag"] == "\"a1\"" {
        "\"a0\""
    } else {
        "\"a1\""
    };
    let subs = |what: &str| format!("/v1/subscriptions/{sub}/{what}");
    let offer_body = json!({"product_id": w.product, "sku": "BASE-M", "name_en": "Base", "name_ja": "基本", "billing_cycle": "monthly",
        "term_months": 1, "unit_price_minor": 1500, "currency": "JPY", "min_quantity": 1, "max_quantity": 300, "countries": ["JP"]});

    // operationId → (caller, path, body, a stale ETag).
    let samples: Vec<(&str, &str, String, Value, &str)> = vec![
        (
            "set_service_request_status",
            &w.ct,
            format!("/v1/customers/{cu}/servicerequests/{sr}/status"),
            json!({"status": "in_progress"}),
            "\"s999\"",
        ),
        (
            "set_customer_user_roles",
            &w.rt,
            format!("/v1/customers/{cu}/users/{}/roles", w.customer.id),
            json!({"roles": ["global_admin"]}),
            "\"u999\"",
        ),
        (
            "put_enrollment_program_role",
            &et,
            "/v1/enrollment/programrole".into(),
            json!({"program_role": "indirect_provider"}),
            "\"e999\"",
        ),
        (
            "put_enrollment_membership",
            &et,
            "/v1/enrollment/membership".into(),
            json!({"partner_id": "3000001", "claim_secret": "kc_wrong"}),
            "\"e999\"",
        ),
        (
            "put_enrollment_profile",
            &et,
            "/v1/enrollment/profile".into(),
            profile("Kaede Systems KK"),
            "\"e999\"",
        ),
        (
            "put_enrollment_contacts",
            &et,
            "/v1/enrollment/contacts".into(),
            json!({"primary_contact_name": "木村 楓", "primary_contact_email": "kimura@kaede.example",
            "primary_contact_phone": "+81 3 0000 0000", "support_email": "support@kaede.example", "support_phone": "", "support_website": ""}),
            "\"e999\"",
        ),
        (
            "grant_admin_access",
            &w.rt,
            format!("/v1/indirectproviders/{}/adminaccess", w.provider.org_id),
            json!(null),
            stale_a,
        ),
        (
            "remove_admin_access",
            &w.rt,
            format!("/v1/indirectproviders/{}/adminaccess", w.provider.org_id),
            json!(null),
            stale_a,
        ),
        (
            "update_me",
            &w.pt,
            "/v1/me".into(),
            json!({"full_name": "Someone"}),
            "\"u999\"",
        ),
        (
            "update_membership_record",
            &w.op,
            format!("/v1/membershiprecords/{rec}"),
            json!({"organization_name": "Org 2", "country": "JP", "level": "gold", "status": "active", "expires_on": null}),
            "\"m999\"",
        ),
        (
            "put_offer",
            &w.op,
            format!("/v1/offers/{}", w.base),
            offer_body,
            "\"f999\"",
        ),
        (
            "set_offer_state",
            &w.op,
            format!("/v1/offers/{}/state", w.base),
            json!({"state": "retired"}),
            "\"f999\"",
        ),
        (
            "put_organization_profile",
            &w.pt,
            "/v1/organization/profile".into(),
            profile("Distri KK"),
            "\"o999\"",
        ),
        (
            "put_benefit",
            &w.op,
            format!("/v1/benefits/{benefit}"),
            crate::benefits::software(),
            "\"n999\"",
        ),
        (
            "put_product",
            &w.op,
            format!("/v1/products/{}", w.product),
            json!({"code": "m365-bp", "name_en": "BP", "name_ja": "BP"}),
            "\"r999\"",
        ),
        (
            "set_partner_authorizations",
            &w.op,
            format!("/v1/partnerauthorizations/{}", w.provider.org_id),
            json!({"authorizations": ["subscription_advisor"], "reason": "agreement"}),
            "\"o999\"",
        ),
        (
            "put_directory_entry",
            &w.op,
            format!("/v1/providerdirectory/{}", w.provider.org_id),
            json!({"regions": ["Kanto"], "countries": ["JP"], "description": "Distribution", "contact_email": "sales@distri.example", "contact_phone": "+81 3 0000 0000", "website": "https://distri.example"}),
            "\"d999\"",
        ),
        (
            "set_partner_of_record",
            &w.ct,
            subs("partnerofrecord"),
            json!({"partner_id": null}),
            "\"b999\"",
        ),
        (
            "set_auto_renew",
            &w.pt,
            subs("autorenew"),
            json!({"auto_renew": false}),
            "\"b999\"",
        ),
        (
            "cancel_subscription",
            &w.pt,
            subs("cancel"),
            json!(null),
            "\"b999\"",
        ),
        (
            "convert_trial",
            &w.pt,
            subs("convert"),
            json!(null),
            "\"b999\"",
        ),
        (
            "set_quantity",
            &w.pt,
            subs("quantity"),
            json!({"quantity": 3}),
            "\"b999\"",
        ),
        (
            "set_reseller",
            &w.pt,
            subs("reseller"),
            json!({"partner_id": "2000001"}),
            "\"b999\"",
        ),
        (
            "resume_subscription",
            &w.pt,
            subs("resume"),
            json!({"reason": "billing"}),
            "\"b999\"",
        ),
        (
            "set_support_contact",
            &w.pt,
            subs("supportcontact"),
            json!({"partner_id": "2000001"}),
            "\"b999\"",
        ),
        (
            "suspend_subscription",
            &w.pt,
            subs("suspend"),
            json!({"reason": "billing"}),
            "\"b999\"",
        ),
        (
            "put_benefit_marketing_contact",
            &w.pt,
            "/v1/benefitmarketingcontact".into(),
            json!({"user_id": w.provider.id, "email": "marketing@provider.example", "phone": "03-1234-5678", "language": "ja"}),
            "\"c999\"",
        ),
        (
            "update_user",
            &w.pt,
            format!("/v1/users/{}", w.provider.id),
            json!({"full_name": "Someone"}),
            "\"u999\"",
        ),
    ];
    let doc = crate::walk::document(&app).await;
    let mut checked = 0;
    for item in doc["paths"].as_object().unwrap().values() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_default();
            let takes = op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == "If-Match"));
            if (method == "put" || method == "patch") && !takes && !exempt(id, Convention::IfMatch)
            {
                panic!("{method} {id}: an update without If-Match");
            }
            if !takes {
                continue;
            }
            assert!(op["responses"]["412"].is_object(), "{id}: 412 not declared");
            let Some((_, tok, path, body, stale)) = samples.iter().find(|s| s.0 == id) else {
                panic!("{id}: an operation with If-Match without a sample in preconditions.rs");
            };
            let m: reqwest::Method = method.to_uppercase().parse().unwrap();
            let mut rb = app
                .http
                .request(m, app.url(path))
                .bearer_auth(tok)
                .header("if-match", *stale);
            if !body.is_null() {
                rb = rb.json(body);
            }
            let (status, p) = problem(rb.send().await.unwrap()).await;
            assert_eq!(
                (status, p["code"].as_str().unwrap_or_default()),
                (412, "precondition_failed"),
                "{id}: {p}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 24, "{checked}");
    // Nothing changed: the subscription is still at its first version, active, 2 licenses.
    let s = json_of(
        app.get(&format!("/v1/subscriptions/{sub}"), &w.pt).await,
        200,
    )
    .await;
    assert_eq!(
        (s["quantity"].as_i64(), s["state"].as_str()),
        (Some(2), Some("active"))
    );
}
