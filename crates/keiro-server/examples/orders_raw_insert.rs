//! The floor for orders per second (R-ORD-7 figures): inserts, straight through the store and
//! with no HTTP, authorization or checks, the same rows one API order writes (order,
//! subscription, history entry, two audit rows, an event per party, the idempotency record),
//! one transaction per order, from 32 concurrent tasks for SECONDS seconds. `bench/orders.sh`
//! runs it next to wrk against `POST /v1/customers/{id}/orders` on the same database.
//!
//!   cargo run --release -p keiro-server --example orders_raw_insert -- DATABASE_URL CUSTOMER SELLER OFFER [SECONDS]

use keiro_store::entities::{
    audit_record, idempotency_record, order, outbox_message, subscription, subscription_event,
};
use keiro_store::{Db, DbOptions, repo};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn id() -> String {
    uuid::Uuid::now_v7().to_string()
}

async fn one(
    db: &Db,
    customer: &str,
    seller: &str,
    offer: &str,
) -> Result<(), keiro_store::StoreError> {
    let now = time::OffsetDateTime::now_utc();
    let tx = db.begin().await?;
    let order_id = id();
    repo::subscriptions::insert_order(
        &tx,
        order::Model {
            id: order_id.clone(),
            customer_org_id: customer.into(),
            placed_by_org_id: seller.into(),
            placed_by_user_id: None,
            created_at: now,
        },
    )
    .await?;
    let sid = id();
    repo::insert(
        &tx,
        subscription::Model {
            id: sid.clone(),
            customer_org_id: customer.into(),
            offer_id: offer.into(),
            order_id,
            seller_org_id: seller.into(),
            reseller_org_id: None,
            support_contact_org_id: None,
            partner_of_record_org_id: None,
            quantity: 1,
            state: "active".into(),
            suspension_reasons: String::new(),
            auto_renew: true,
            trial: false,
            term_started_at: now,
            term_ends_at: now + time::Duration::days(30),
            ended_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
        },
    )
    .await?;
    repo::subscriptions::insert_event(
        &tx,
        subscription_event::Model {
            id: id(),
            subscription_id: sid.clone(),
            occurred_at: now,
            actor_org_id: Some(seller.into()),
            actor_user_id: None,
            change: "created".into(),
            details: "{}".into(),
        },
    )
    .await?;
    for action in ["subscription.created", "order.placed"] {
        repo::insert(
            &tx,
            audit_record::Model {
                id: id(),
                occurred_at: now,
                actor_user_id: None,
                actor_org_id: Some(seller.into()),
                on_behalf_of_org_id: None,
                action: action.into(),
                target_type: "subscription".into(),
                target_id: sid.clone(),
                target_org_id: Some(customer.into()),
                details: "{}".into(),
                request_id: None,
            },
        )
        .await?;
    }
    for org in [customer, seller] {
        repo::insert(
            &tx,
            outbox_message::Model {
                id: id(),
                created_at: now,
                org_id: Some(org.into()),
                kind: "event".into(),
                template: "subscription.created".into(),
                recipient: org.into(),
                language: String::new(),
                subject: "subscription.created".into(),
                body_text: "{}".into(),
                state: "held".into(),
                attempts: 0,
                next_attempt_at: now,
                claimed_by: None,
                claimed_until: None,
                last_error: None,
                sent_at: None,
            },
        )
        .await?;
    }
    repo::insert(
        &tx,
        idempotency_record::Model {
            id: id(),
            scope: format!("orders:{seller}"),
            key: id(),
            request_hash: "0".repeat(64),
            status: 201,
            response: "{}".into(),
            created_at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, customer, seller, offer] = [0, 1, 2, 3].map(|i| {
        args.get(i)
            .cloned()
            .expect("usage: orders_raw_insert DATABASE_URL CUSTOMER SELLER OFFER [SECONDS]")
    });
    let secs: u64 = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(10);
    let db = Db::connect(&DbOptions {
        pool_size: 32,
        ..DbOptions::new(&url)
    })
    .await
    .expect("connect");
    let done = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let (db, done) = (db.clone(), done.clone());
        let (customer, seller, offer) = (customer.clone(), seller.clone(), offer.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                one(&db, &customer, &seller, &offer).await.expect("insert");
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    let n = done.load(Ordering::Relaxed);
    println!("{:.0}", n as f64 / started.elapsed().as_secs_f64());
}
