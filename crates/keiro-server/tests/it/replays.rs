//! Every creating POST in `/openapi.json` replays (R-ORD-7, issue 11): sent twice with one
//! Idempotency-Key it acts once and answers the first answer again (200, `Idempotent-Replayed:
//! true`, secrets left out). A creating POST added later without a sample here, and without a
//! reason in `contract::EXEMPT`, fails this test.

use crate::helpers::link_token;
use crate::walk::created;
use keiro_server::api::contract::{Convention, exempt};
use keiro_testkit::world::world;
use keiro_testkit::{TestApp, both_backends};
use serde_json::{Value, json};

both_backends!(r_ord_7_every_creating_post_replays_its_first_answer);

/// Answers that are shown once and never replayed.
const SECRETS: &[&str] = &[
    "keys",
    "key",
    "temporary_password",
    "claim_secret",
    "url",
    "draft",
    "secret",
    "token",
];

/// The first secret with a value anywhere in `v`.
fn secret_in(v: &Value) -> Option<&'static str> {
    match v {
        Value::Object(m) => SECRETS
            .iter()
            .copied()
            .find(|k| m.get(*k).is_some_and(|x| !x.is_null()))
            .or_else(|| m.values().find_map(secret_in)),
        Value::Array(a) => a.iter().find_map(secret_in),
        _ => None,
    }
}

fn without_secrets(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for k in SECRETS {
                m.remove(*k);
            }
            m.values_mut().for_each(without_secrets);
        }
        Value::Array(a) => a.iter_mut().for_each(without_secrets),
        _ => {}
    }
}

async fn r_ord_7_every_creating_post_replays_its_first_answer(app: TestApp) {
    let w = world(&app).await;
    let cu = w.customer.org_id.clone();
    // The reseller administers the customer (delegated admin offered and accepted).
    crate::walk::reseller_administers_customer(&app, &w).await;
    let gdap = created(
        &app,
        &w.pt,
        "/v1/delegatedadminrelationships",
        json!({"display_name": "Base", "customer_id": cu, "roles": ["user"], "duration_days": 30}),
    )
    .await;
    let gdap = gdap["id"].as_str().unwrap().to_string();
    let group = created(
        &app,
        &w.pt,
        "/v1/securitygroups",
        json!({"name": "Base group"}),
    )
    .await;
    let group = group["id"].as_str().unwrap().to_string();
    let sr = created(
        &app,
        &w.ct,
        &format!("/v1/customers/{cu}/servicerequests"),
        json!({"title": "Base", "description": "x", "severity": "normal"}),
    )
    .await;
    let sr = sr["id"].as_str().unwrap().to_string();

    let link = created(
        &app,
        &w.rt,
        "/v1/relationshiprequests",
        json!({"kind": "reseller_relationship"}),
    )
    .await;
    let link = link_token(link["url"].as_str().unwrap());

    // The provider is also a subscription advisor, with a trial invitation out.
    authorize_advisor(&app, &w.op, &w.provider.org_id).await;
    let trial = created(
        &app,
        &w.pt,
        "/v1/trialinvitations",
        json!({"offer_id": w.trial, "country": "JP"}),
    )
    .await;
    let trial = link_token(trial["url"].as_str().unwrap())
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let pk = created(
        &app,
        &w.pt,
        "/v1/productkeys",
        json!({"offer_id": w.base, "country": "JP", "quantity": 1}),
    )
    .await;
    let pk = pk["keys"][0].as_str().unwrap().to_string();
    let purchase = created(
        &app,
        &w.pt,
        "/v1/purchaseoffers",
        json!({"lines": [{"offer_id": w.base, "quantity": 3}], "country": "JP"}),
    )
    .await;
    let purchase = link_token(purchase["url"].as_str().unwrap())
        .split('&')
        .next()
        .unwrap()
        .to_string();

    // The provider holds a Gold benefit package with a software benefit whose pool has keys.
    created(&app, &w.op, "/v1/benefits", crate::benefits::software()).await;
    created(
        &app,
        &w.op,
        "/v1/benefits",
        crate::benefits::license("replay-licenses", 2),
    )
    .await;
    crate::benefits::import_keys(&app, &w.op, "office-pro", &["REPLY-00001", "REPLY-00002"]).await;
    created(&app, &w.op, "/v1/benefits", json!({"code": "replay-vs", "kind": "visual_studio",
        "name_ja": "Visual Studio", "name_en": "Visual Studio", "levels": [{"level": "gold", "quantity": 2}]})).await;
    created(&app, &w.op, "/v1/benefits", json!({"code": "replay-hours", "kind": "advisory_hours",
        "name_ja": "パートナー相談時間", "name_en": "Advisory hours", "levels": [{"level": "gold", "quantity": 5}]})).await;
    app.db_membership(&w.provider.org_id, "gold", "active")
        .await;
    app.db_membership(&w.reseller.org_id, "silver", "active")
        .await;
    created(&app, &w.pt, "/v1/benefitpackages", json!({})).await;
    let alloc = app.get("/v1/benefitallocations?kind=software", &w.pt).await;
    let alloc = alloc.json::<Value>().await.unwrap()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let of_kind = async |kind: &str| {
        let r = app
            .get(&format!("/v1/benefitallocations?kind={kind}"), &w.pt)
            .await;
        r.json::<Value>().await.unwrap()["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let vs = of_kind("visual_studio").await;
    let hours = of_kind("advisory_hours").await;
    let lic = app
        .get("/v1/benefitallocations?kind=license_subscription", &w.pt)
        .await;
    let lic = lic.json::<Value>().await.unwrap()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let lic = app
        .get(&format!("/v1/benefitallocations/{lic}/keys"), &w.pt)
        .await;
    let lic = lic.json::<Value>().await.unwrap()["items"][0]["key"]
        .as_str()
        .unwrap()
        .to_string();

    let (cx, cx_sales, _) = crate::benefits::member(&app, "Cancel Replay KK", "gold").await;
    let cx_pkg = created(&app, &cx_sales, "/v1/benefitpackages", json!({})).await;
    let cx_pkg = cx_pkg["id"].as_str().unwrap().to_string();
    let cx_ga = app.token_for(&cx.email).await;

    // operationId → (caller, path, body).
    let samples: Vec<(&str, &str, String, Value)> = vec![
        (
            "create_token",
            &w.pt,
            "/v1/apitokens".into(),
            json!({"name": "ci", "expires_in_days": 30}),
        ),
        (
            "create_trial_invitation",
            &w.pt,
            "/v1/trialinvitations".into(),
            json!({"offer_id": w.trial, "country": "JP", "expires_in_days": 90}),
        ),
        (
            "accept_trial_invitation",
            &w.ct,
            "/v1/trialinvitations/start".into(),
            json!({"token": trial}),
        ),
        (
            "create_product_keys",
            &w.pt,
            "/v1/productkeys".into(),
            json!({"offer_id": w.base, "country": "JP", "quantity": 2}),
        ),
        (
            "create_product_key_redemption",
            &w.ct,
            format!("/v1/customers/{cu}/productkeyredemptions"),
            json!({"key": pk}),
        ),
        (
            "create_purchase_offer",
            &w.pt,
            "/v1/purchaseoffers".into(),
            json!({"lines": [{"offer_id": w.base, "quantity": 2}], "country": "JP"}),
        ),
        (
            "accept_purchase_offer",
            &w.ct,
            "/v1/purchaseoffers/buy".into(),
            json!({"token": purchase, "lines": [{"offer_id": w.base, "quantity": 2}]}),
        ),
        (
            "create_benefit",
            &w.op,
            "/v1/benefits".into(),
            json!({"code": "replayed-support", "kind": "technical_support", "name_ja": "サポート",
                "name_en": "Support", "levels": [{"level": "gold", "quantity": 3}]}),
        ),
        (
            "create_benefit_package",
            &w.rt,
            "/v1/benefitpackages".into(),
            json!({}),
        ),
        (
            "create_benefit_key",
            &w.pt,
            format!("/v1/benefitallocations/{alloc}/keys"),
            json!({}),
        ),
        (
            "create_benefit_license_redemption",
            &w.pt,
            "/v1/benefitlicenseredemptions".into(),
            json!({"key": lic, "mode": "extend"}),
        ),
        (
            "create_benefit_assignment",
            &w.pt,
            "/v1/benefitassignments".into(),
            json!({"allocation_id": vs, "user_id": w.provider.id}),
        ),
        (
            "create_benefit_request",
            &w.pt,
            "/v1/benefitrequests".into(),
            json!({"kind": "advisory", "allocation_id": hours, "description": "Presales advice"}),
        ),
        (
            "create_benefit_cancellation_request",
            &cx_ga,
            format!("/v1/benefitpackages/{cx_pkg}/cancellationrequests"),
            json!({"reason": "bought twice"}),
        ),
        (
            "create_order",
            &w.pt,
            format!("/v1/customers/{cu}/orders"),
            json!({"lines": [{"offer_id": w.base, "quantity": 1}]}),
        ),
        (
            "create_service_request",
            &w.ct,
            format!("/v1/customers/{cu}/servicerequests"),
            json!({"title": "Mail", "description": "Down", "severity": "high"}),
        ),
        (
            "add_service_request_note",
            &w.ct,
            format!("/v1/customers/{cu}/servicerequests/{sr}/notes"),
            json!({"body": "Still down"}),
        ),
        (
            "create_customer_user",
            &w.rt,
            format!("/v1/customers/{cu}/users"),
            json!({"email": "kana@contoso.example", "full_name": "Kana", "roles": ["user"]}),
        ),
        (
            "create_gdap_relationship",
            &w.pt,
            "/v1/delegatedadminrelationships".into(),
            json!({"display_name": "Helpdesk", "customer_id": cu, "roles": ["user"], "duration_days": 30}),
        ),
        (
            "create_access_assignment",
            &w.pt,
            format!("/v1/delegatedadminrelationships/{gdap}/accessassignments"),
            json!({"group_id": group, "roles": ["user"]}),
        ),
        (
            "request_gdap_approval",
            &w.pt,
            format!("/v1/delegatedadminrelationships/{gdap}/requestapproval"),
            json!({}),
        ),
        (
            "create_reseller_customer",
            &w.pt,
            format!("/v1/indirectresellers/{}/customers", w.reseller.org_id),
            json!({
            "legal_name": "Northwind Foods", "primary_domain": "northwind.example", "address_line1": "2-2 Umeda",
            "city": "Osaka", "postal_code": "530-0001", "country": "JP", "phone": "+81 6 0000 0000",
            "contact_email": "it@northwind.example", "admin_full_name": "北風 太郎", "admin_email": "admin@northwind.example",
            "lines": [{"offer_id": w.base, "quantity": 1}]}),
        ),
        (
            "create_membership_record",
            &w.op,
            "/v1/membershiprecords".into(),
            json!({"partner_id": "3000001", "organization_name": "Org", "country": "JP", "level": "silver", "status": "active", "expires_on": "2099-12-31"}),
        ),
        (
            "create_offer",
            &w.op,
            "/v1/offers".into(),
            json!({"product_id": w.product, "sku": "NEW-M", "name_en": "New", "name_ja": "新", "billing_cycle": "monthly", "term_months": 1, "unit_price_minor": 100, "currency": "JPY", "min_quantity": 1, "max_quantity": 10, "countries": ["JP"]}),
        ),
        (
            "create_product",
            &w.op,
            "/v1/products".into(),
            json!({"code": "new-p", "name_en": "New", "name_ja": "新"}),
        ),
        (
            "create_relationship_request",
            &w.pt,
            "/v1/relationshiprequests".into(),
            json!({"kind": "partnership"}),
        ),
        (
            "create_security_group",
            &w.pt,
            "/v1/securitygroups".into(),
            json!({"name": "Helpdesk"}),
        ),
        (
            "create_user",
            &w.pt,
            "/v1/users".into(),
            json!({"email": "aoi@distri.example", "full_name": "Aoi", "roles": ["sales_agent"]}),
        ),
        (
            "create_enrollment_account",
            "",
            "/v1/enrollment/accounts".into(),
            json!({"company_name": "Kaede Systems KK", "country": "JP", "primary_domain": "kaede.example",
            "full_name": "木村 楓", "email": "kimura@kaede.example", "password": "a long enough passphrase", "program_role": "indirect_reseller"}),
        ),
        (
            "sign_up_customer",
            "",
            "/v1/invitations/signup".into(),
            json!({"token": link, "company_name": "Fabrikam", "country": "JP", "primary_domain": "fabrikam.example",
            "full_name": "Fabrikam Admin", "email": "admin@fabrikam.example", "password": "a long enough passphrase"}),
        ),
    ];
    let doc = crate::walk::document(&app).await;
    let mut creates = vec![];
    for item in doc["paths"].as_object().unwrap().values() {
        if item["post"]["responses"]["201"].is_object() {
            creates.push(item["post"]["operationId"].as_str().unwrap().to_string());
        }
    }
    assert!(creates.len() >= 15, "{creates:?}");
    for op in creates {
        if exempt(&op, Convention::IdempotentCreate) {
            continue;
        }
        let Some((_, tok, path, body)) = samples.iter().find(|s| s.0 == op) else {
            panic!("{op}: a creating POST without a sample in replays.rs");
        };
        let send = || {
            app.http
                .post(app.url(path))
                .bearer_auth(tok)
                .header("idempotency-key", format!("replay-{op}"))
                .json(body)
                .send()
        };
        let first = send().await.unwrap();
        assert_eq!(first.status(), 201, "{op}: {}", first.text().await.unwrap());
        assert!(first.headers().get("idempotent-replayed").is_none(), "{op}");
        let mut first: Value = first.json().await.unwrap();
        let again = send().await.unwrap();
        assert_eq!(again.status(), 200, "{op}: the retry is not a replay");
        assert_eq!(
            again
                .headers()
                .get("idempotent-replayed")
                .map(|v| v.to_str().unwrap()),
            Some("true"),
            "{op}"
        );
        let mut again: Value = again.json().await.unwrap();
        // A replay hands out no secret: no token, password, claim secret or link again.
        assert_eq!(secret_in(&again), None, "{op}: the replay carries a secret");
        without_secrets(&mut first);
        without_secrets(&mut again);
        assert_eq!(
            again, first,
            "{op}: the replay differs from the first answer"
        );
    }
}

/// Operator staff authorize `org` as a subscription advisor.
async fn authorize_advisor(app: &TestApp, op: &str, org: &str) {
    let r = crate::helpers::put(
        app,
        op,
        &format!("/v1/partnerauthorizations/{org}"),
        json!({"authorizations": ["subscription_advisor"], "reason": "advisor agreement"}),
    )
    .await;
    assert_eq!(r.status(), 200);
}
