//! One representative answer of every API resource, as an insta snapshot (`snapshots/`), so a
//! change of the contract shows in review as a changed file. Each answer is read as its type
//! from keiro-api-types first (typed requests, `keiro_testkit::request`), then snapshotted as
//! JSON with the values that change from run to run (ids, times, dates, secrets) replaced by
//! their kind. The same snapshots hold on SQLite and PostgreSQL.

use keiro_api_types as t;
use keiro_testkit::world::world;
use keiro_testkit::{TestApp, both_backends};
use serde::Serialize;
use serde_json::{Value, json};

both_backends!(r_x_api_resources_keep_their_shape);

/// Fields that hold a secret shown once, or an opaque cursor.
const SECRETS: &[&str] = &[
    "temporary_password",
    "claim_secret",
    "token",
    "secret",
    "next_cursor",
];

/// The value with what differs between runs replaced: UUIDs, times, dates, secrets and links.
fn stable(v: impl Serialize) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::String(s) => {
                let kind = if uuid::Uuid::parse_str(s).is_ok() {
                    Some("[id]")
                } else if time::OffsetDateTime::parse(
                    s,
                    &time::format_description::well_known::Rfc3339,
                )
                .is_ok()
                {
                    Some("[time]")
                } else if s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-' {
                    Some("[date]")
                } else if s.starts_with("kt_") {
                    Some("[token]")
                } else if s.contains("token=") || s.contains("token%3D") {
                    Some("[link]")
                } else {
                    None
                };
                if let Some(k) = kind {
                    *s = k.into();
                }
            }
            Value::Object(m) => {
                for (k, v) in m.iter_mut() {
                    if SECRETS.contains(&k.as_str()) && v.is_string() {
                        *v = "[secret]".into();
                    } else {
                        walk(v);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(v).expect("serializable");
    walk(&mut v);
    v
}

macro_rules! snap {
    ($name:literal, $value:expr) => {
        insta::assert_json_snapshot!($name, stable(&$value))
    };
}

async fn r_x_api_resources_keep_their_shape(app: TestApp) {
    let w = world(&app).await;
    let cu = w.customer.org_id.clone();
    let (op, provider, customer) = (app.as_user(&w.op), app.as_user(&w.pt), app.as_user(&w.ct));

    // Account and organization.
    snap!("me", provider.get::<t::Me>("/v1/me").await.good());
    snap!(
        "organization",
        provider
            .get::<t::Organization>("/v1/organization/profile")
            .await
            .good()
    );
    let token = provider
        .post::<t::CreatedApiToken>(
            "/v1/apitokens",
            &json!({"name": "ci", "expires_in_days": 30}),
        )
        .await
        .expect(201);
    snap!("api_token_created", token);
    let user = provider
        .post::<t::UserWithPassword>(
            "/v1/users",
            &json!({"email": "aoi@distrikk.example", "full_name": "Aoi", "roles": ["sales_agent"]}),
        )
        .await
        .expect(201);
    snap!("user_created", user);

    // The catalog, an order and its subscription.
    snap!(
        "offer",
        provider
            .get::<t::Offer>(&format!("/v1/offers/{}", w.base))
            .await
            .good()
    );
    let product = op
        .post::<t::Product>(
            "/v1/products",
            &json!({"code": "snap-p", "name_en": "Snapshot", "name_ja": "スナップショット"}),
        )
        .await
        .expect(201);
    snap!("product", product);
    let order = provider
        .post::<t::Order>(
            &format!("/v1/customers/{cu}/orders"),
            &json!({"lines": [{"offer_id": w.base, "quantity": 3}]}),
        )
        .await
        .expect(201);
    snap!("order", order);
    let sub = &order.subscriptions[0].id;
    snap!(
        "subscription",
        customer
            .get::<t::Subscription>(&format!("/v1/subscriptions/{sub}"))
            .await
            .good()
    );
    snap!(
        "subscription_history",
        provider
            .get::<t::SubscriptionHistory>(&format!("/v1/subscriptions/{sub}/history"))
            .await
            .good()
    );

    // Customers, partners and partnerships.
    snap!(
        "customer_list",
        provider
            .get::<t::CustomerList>("/v1/customers")
            .await
            .good()
    );
    snap!(
        "partners_of_customer",
        customer
            .get::<t::PartnerContactList>("/v1/partners")
            .await
            .good()
    );
    snap!(
        "indirect_resellers",
        provider
            .get::<t::PartnerList>("/v1/indirectresellers")
            .await
            .good()
    );
    snap!(
        "relationship_request_created",
        provider
            .post::<t::RelationshipRequestCreated>(
                "/v1/relationshiprequests",
                &json!({"kind": "partnership"}),
            )
            .await
            .expect(201)
    );

    // Granular delegated admin and security groups.
    let gdap = provider
        .post::<t::GdapRelationship>(
            "/v1/delegatedadminrelationships",
            &json!({"display_name": "Helpdesk", "customer_id": cu, "roles": ["user"], "duration_days": 30}),
        )
        .await
        .expect(201);
    snap!("gdap_relationship", gdap);
    let group = provider
        .post::<t::SecurityGroup>("/v1/securitygroups", &json!({"name": "Helpdesk"}))
        .await
        .expect(201);
    snap!("security_group", group);

    // Service requests.
    snap!(
        "service_request",
        customer
            .post::<t::ServiceRequest>(
                &format!("/v1/customers/{cu}/servicerequests"),
                &json!({"title": "Mail", "description": "Down", "severity": "high"}),
            )
            .await
            .expect(201)
    );

    // Operator staff: the membership registry, the audit log, the outbox.
    snap!(
        "membership_record_created",
        op.post::<t::MembershipRecordWithSecret>(
            "/v1/membershiprecords",
            &json!({"partner_id": "3000001", "organization_name": "Org", "country": "JP", "level": "silver", "status": "active", "expires_on": "2099-12-31"}),
        )
        .await
        .expect(201)
    );
    let audit = op
        .get::<t::AuditRecordList>("/v1/auditrecords?limit=1")
        .await
        .good();
    snap!("audit_record", audit.items[0]);
    let outbox = op
        .get::<t::OutboxMessageList>("/v1/outbox?limit=1")
        .await
        .good();
    snap!("outbox_list", outbox);

    // Membership benefits: the catalog, a package, an allocation, a key got, a request.
    let benefit = op
        .post::<t::Benefit>("/v1/benefits", &crate::benefits::software())
        .await
        .expect(201);
    snap!("benefit", benefit);
    crate::benefits::import_keys(&app, &w.op, "office-pro", &["SNAPS-HOTKE-Y0001"]).await;
    app.db_membership(&w.provider.org_id, "gold", "active")
        .await;
    let package = provider
        .post::<t::BenefitPackage>("/v1/benefitpackages", &json!({}))
        .await
        .expect(201);
    snap!("benefit_package", package);
    let allocations = provider
        .get::<t::BenefitAllocationList>("/v1/benefitallocations")
        .await
        .good();
    snap!("benefit_allocation", allocations.items[0]);
    snap!(
        "benefit_key",
        provider
            .post::<t::BenefitKey>(
                &format!("/v1/benefitallocations/{}/keys", allocations.items[0].id),
                &json!({}),
            )
            .await
            .expect(201)
    );
    let (p2, p2_sales, _) = crate::benefits::member(&app, "Snapshot KK", "gold").await;
    let p2_package = app
        .as_user(&p2_sales)
        .post::<t::BenefitPackage>("/v1/benefitpackages", &json!({}))
        .await
        .expect(201);
    snap!(
        "benefit_request",
        app.as_user(&app.token_for(&p2.email).await)
            .post::<t::BenefitRequest>(
                &format!("/v1/benefitpackages/{}/cancellationrequests", p2_package.id),
                &json!({"reason": "bought twice"}),
            )
            .await
            .expect(201)
    );
}
