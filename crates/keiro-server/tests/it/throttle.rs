//! Limits that hold across nodes and restarts (issue 13, ADR 0002): sign-in, MFA and the API
//! count in the database every node shares; brute force is slowed per account without locking
//! the owner out; behind a trusted proxy (the test harness trusts loopback) the client's own
//! address is counted.

use crate::helpers::{PortalClient, between};
use keiro_testkit::{TEST_PASSWORD, TestApp, both_backends};
use time::Duration;

both_backends!(
    security_wrong_passwords_refused_per_account_and_address_on_any_node,
    security_brute_force_is_paced_and_the_owner_is_not_locked_out,
    security_wrong_mfa_codes_count_on_every_node_and_429_says_when,
    security_api_limit_holds_across_nodes,
    security_only_wrong_current_passwords_count_on_a_password_change,
);

struct Answer {
    status: u16,
    retry_after: Option<u64>,
    body: String,
}

async fn sign_in(app: &TestApp, base: &str, email: &str, password: &str, from: &str) -> Answer {
    let r = app
        .http
        .post(format!("{base}/signin"))
        .header("x-forwarded-for", from)
        .header("accept-language", "en")
        .form(&[("email", email), ("password", password), ("next", "")])
        .send()
        .await
        .unwrap();
    Answer {
        status: r.status().as_u16(),
        retry_after: r
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().parse().unwrap()),
        body: r.text().await.unwrap(),
    }
}

/// Wrong passwords from one address accepted before the refusal, sent round-robin to `nodes`.
async fn accepted_before_refusal(app: &TestApp, nodes: &[String], email: &str, from: &str) -> u32 {
    let mut accepted = 0;
    for i in 0..20 {
        let a = sign_in(app, &nodes[i % nodes.len()], email, "wrong password", from).await;
        match a.status {
            401 => accepted += 1,
            429 => {
                assert!(
                    a.body.contains("from this connection"),
                    "refused per account and address: {}",
                    a.body
                );
                assert!(a.retry_after.unwrap() > 0, "a 429 says when");
                return accepted;
            }
            s => panic!("unexpected {s}: {}", a.body),
        }
    }
    panic!("never refused")
}

async fn security_wrong_passwords_refused_per_account_and_address_on_any_node(app: TestApp) {
    let peers = [app.peer().await, app.peer().await];
    let urls = [
        app.base_url.clone(),
        peers[0].base_url.clone(),
        peers[1].base_url.clone(),
    ];
    // The same number of wrong passwords is accepted with one, two and three nodes.
    let mut figures = vec![];
    for n in 1..=3 {
        let u = app.customer_admin(&format!("Contoso {n}")).await;
        let from = format!("203.0.113.{n}");
        figures.push(accepted_before_refusal(&app, &urls[..n], &u.email, &from).await);
        // The right password from that address is refused too, on every node.
        for url in &urls {
            assert_eq!(
                sign_in(&app, url, &u.email, TEST_PASSWORD, &from)
                    .await
                    .status,
                429
            );
        }
        // The owner elsewhere signs in a second later: nobody locks an account from their own
        // address.
        app.clock.advance(Duration::seconds(1));
        let owner = sign_in(&app, &urls[n - 1], &u.email, TEST_PASSWORD, "198.51.100.9").await;
        assert_eq!(owner.status, 303, "{}", owner.body);
    }
    println!("wrong passwords accepted before refusal with 1, 2, 3 nodes: {figures:?}");
    assert_eq!(figures, [5, 5, 5]);
    // A node started after the failures (a restart) knows them.
    let u = app.customer_admin("Fabrikam").await;
    assert_eq!(
        accepted_before_refusal(&app, &urls[..1], &u.email, "203.0.113.50").await,
        5
    );
    let restarted = app.peer().await;
    let right_from_there = || {
        sign_in(
            &app,
            &restarted.base_url,
            &u.email,
            TEST_PASSWORD,
            "203.0.113.50",
        )
    };
    assert_eq!(right_from_there().await.status, 429);
    // The window ends: the address may try again.
    app.clock.advance(Duration::minutes(16));
    assert_eq!(right_from_there().await.status, 303);
    // Per client address, whatever the account: 30 a minute, counted on every node.
    let mut refused_at = None;
    for i in 0..40 {
        let a = sign_in(
            &app,
            &urls[i % 3],
            &format!("nobody{i}@example.com"),
            "x",
            "192.0.2.77",
        )
        .await;
        if a.status == 429 {
            assert!(
                a.body
                    .contains("Too many sign-in attempts from your network")
            );
            assert!(a.retry_after.unwrap() > 0);
            refused_at = Some(i);
            break;
        }
    }
    assert_eq!(refused_at, Some(30));
}

async fn security_brute_force_is_paced_and_the_owner_is_not_locked_out(app: TestApp) {
    let peer = app.peer().await;
    let urls = [app.base_url.clone(), peer.base_url.clone()];
    let u = app.customer_admin("Contoso").await;
    // The owner signed in from home before.
    let home = "198.51.100.20";
    assert_eq!(
        sign_in(&app, &urls[0], &u.email, TEST_PASSWORD, home)
            .await
            .status,
        303
    );
    // Guesses from ever new addresses: five go through, then each waits longer, up to a minute.
    let mut waits = vec![];
    let mut guesses = 0;
    for i in 0..40 {
        let from = format!("203.0.113.{}", i + 1);
        let a = sign_in(&app, &urls[i % 2], &u.email, "wrong password", &from).await;
        match a.status {
            401 => guesses += 1,
            429 => {
                assert!(a.body.contains("slowed"), "{}", a.body);
                let w = a.retry_after.unwrap();
                waits.push(w);
                if waits.len() == 9 {
                    break;
                }
                app.clock.advance(Duration::seconds(w as i64));
            }
            s => panic!("unexpected {s}"),
        }
    }
    assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
    assert_eq!(guesses, 5 + 8, "one guess per wait");
    // Right now the account is paced, yet the owner at home is not held back…
    let a = sign_in(&app, &urls[1], &u.email, TEST_PASSWORD, home).await;
    assert_eq!(a.status, 303, "{}", a.body);
    // …and from a new place waits at most a minute, then signs in.
    let u2 = app.customer_admin("Fabrikam").await;
    for i in 0..6 {
        let from = format!("203.0.113.{}", 100 + i);
        sign_in(&app, &urls[0], &u2.email, "wrong password", &from).await;
    }
    let a = sign_in(&app, &urls[1], &u2.email, TEST_PASSWORD, "192.0.2.10").await;
    assert_eq!(a.status, 429);
    let w = a.retry_after.unwrap();
    assert!(w <= 60);
    app.clock.advance(Duration::seconds(w as i64));
    assert_eq!(
        sign_in(&app, &urls[1], &u2.email, TEST_PASSWORD, "192.0.2.10")
            .await
            .status,
        303
    );
}

async fn security_wrong_mfa_codes_count_on_every_node_and_429_says_when(app: TestApp) {
    let u = app.customer_admin("Contoso").await;
    let mut c = PortalClient::new(&app);
    c.sign_in(&u.email, TEST_PASSWORD).await;
    let csrf = c.csrf().await;
    let html = c
        .post("/account/mfa/setup", &[("csrf", &csrf)])
        .await
        .text()
        .await
        .unwrap();
    let secret = between(&html, "id=\"mfa-secret\">", "<");
    let code = keiro_app::mfa::code_at(&secret, app.app.now().unix_timestamp() as u64).unwrap();
    c.post("/account/mfa/confirm", &[("csrf", &csrf), ("code", &code)])
        .await;
    // A new sign-in waits for a code; wrong codes alternate between two nodes.
    let peer = app.peer().await;
    let mut d = PortalClient::new(&app);
    d.sign_in(&u.email, TEST_PASSWORD).await;
    let dcsrf = d.csrf_on("/signin/mfa").await;
    let cookie = d.cookie.clone().unwrap();
    let mut statuses = vec![];
    for i in 0..6 {
        let base = if i % 2 == 0 {
            &app.base_url
        } else {
            &peer.base_url
        };
        let r = app
            .http
            .post(format!("{base}/signin/mfa"))
            .header("cookie", &cookie)
            .header("accept-language", "en")
            .form(&[("csrf", dcsrf.as_str()), ("code", "000000"), ("next", "")])
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
        if r.status() == 429 {
            let wait: u64 = r.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(wait > 0 && wait <= 15 * 60);
            assert!(r.text().await.unwrap().contains("Too many wrong codes"));
        }
    }
    assert_eq!(statuses, [422, 422, 422, 422, 422, 429]);
}

async fn security_api_limit_holds_across_nodes(app: TestApp) {
    let u = app.customer_admin("Contoso").await;
    let token = app.token_for(&u.email).await;
    let limit = app.app.config.api_requests_per_minute as usize;
    let peer = app.peer().await;
    let mut ok = 0;
    let mut refused = None;
    for i in 0..limit + 50 {
        let base = if i % 2 == 0 {
            &app.base_url
        } else {
            &peer.base_url
        };
        let r = app
            .http
            .get(format!("{base}/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        match r.status().as_u16() {
            200 => ok += 1,
            429 => {
                assert!(r.headers().contains_key("retry-after"));
                refused = Some(i);
                break;
            }
            s => panic!("unexpected {s}"),
        }
    }
    assert!(
        refused.is_some(),
        "two nodes together refuse past the limit"
    );
    assert!(ok <= limit, "{ok} answered, limit {limit}");
    assert!(
        ok >= limit - limit / 10,
        "leases strand little: {ok} of {limit}"
    );
}

async fn security_only_wrong_current_passwords_count_on_a_password_change(app: TestApp) {
    let u = app.customer_admin("Contoso").await;
    let mut c = PortalClient::new(&app);
    c.sign_in(&u.email, TEST_PASSWORD).await;
    let csrf = c.csrf().await;
    let mut change = async |current: &str, new: &str| {
        let form = [
            ("csrf", csrf.as_str()),
            ("current_password", current),
            ("new_password", new),
            ("confirm_password", new),
        ];
        c.post("/password/change", &form).await.status().as_u16()
    };
    // Seven too-short new passwords with the right current one: each is explained, none held back.
    for _ in 0..7 {
        assert_eq!(change(TEST_PASSWORD, "short").await, 422);
    }
    // Wrong current passwords are limited: five, then a wait.
    let mut statuses = vec![];
    for _ in 0..6 {
        statuses.push(change("wrong current password", "a long enough new one").await);
    }
    assert_eq!(statuses, [422, 422, 422, 422, 422, 429]);
}
