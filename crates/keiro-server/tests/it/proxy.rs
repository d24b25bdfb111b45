//! Behind a reverse proxy (issue 13): the public URL's origin passes the CSRF origin check
//! whatever `Host` the proxy sends, a foreign origin does not; an https public URL brings HSTS.

use keiro_testkit::{Backend, TEST_PASSWORD, TestApp};

async fn post_signin(app: &TestApp, origin: &str, host: &str, password: &str) -> u16 {
    let email = app
        .customer_admin(&format!("Contoso {origin} {password}"))
        .await
        .email;
    app.http
        .post(app.url("/signin"))
        .header("origin", origin)
        .header("host", host)
        .form(&[
            ("email", email.as_str()),
            ("password", password),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_public_url_origin_passes_csrf_behind_a_proxy() {
    let Some(app) = TestApp::builder(Backend::Sqlite)
        .app_config(|c| c.public_url = "https://partners.example.test".into())
        .spawn()
        .await
    else {
        return;
    };
    // The proxy passes its own Host; the browser's Origin is the public URL's.
    let upstream = "keiro-upstream:8080";
    let origin = "https://partners.example.test";
    assert_eq!(
        post_signin(&app, origin, upstream, TEST_PASSWORD).await,
        303
    );
    assert_eq!(post_signin(&app, origin, upstream, "wrong").await, 401);
    assert_eq!(
        post_signin(&app, "https://evil.example", upstream, TEST_PASSWORD).await,
        403,
        "another origin is still refused"
    );
    let r = app.http.get(app.url("/signin")).send().await.unwrap();
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000");
    let set_cookie = app
        .http
        .post(app.url("/signin"))
        .header("origin", origin)
        .form(&[
            ("email", app.customer_admin("Fabrikam").await.email.as_str()),
            ("password", TEST_PASSWORD),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap()
        .headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(set_cookie.contains("Secure") && set_cookie.contains("HttpOnly"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_no_hsts_over_plain_http() {
    let Some(app) = TestApp::builder(Backend::Sqlite).spawn().await else {
        return;
    };
    let r = app.http.get(app.url("/signin")).send().await.unwrap();
    assert!(r.headers().get("strict-transport-security").is_none());
}
