use keiro_testkit::TestApp;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};

/// A portal session driven over HTTP: keeps the session cookie, finds form tokens in pages.
pub struct PortalClient<'a> {
    pub app: &'a TestApp,
    pub cookie: Option<String>,
    pub lang: &'static str,
}

impl<'a> PortalClient<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        PortalClient {
            app,
            cookie: None,
            lang: "en",
        }
    }

    fn with_cookie(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let rb = rb.header("accept-language", self.lang);
        match &self.cookie {
            Some(c) => rb.header(COOKIE, c),
            None => rb,
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.with_cookie(self.app.http.get(self.app.url(path)))
            .send()
            .await
            .unwrap()
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let res = self
            .with_cookie(self.app.http.post(self.app.url(path)))
            .header("sec-fetch-site", "same-origin")
            .form(form)
            .send()
            .await
            .unwrap();
        if let Some(sc) = res.headers().get(SET_COOKIE).and_then(|v| v.to_str().ok())
            && let Some(v) = sc
                .split(';')
                .next()
                .filter(|v| v.starts_with("keiro_session="))
        {
            self.cookie = if v == "keiro_session=" {
                None
            } else {
                Some(v.to_string())
            };
        }
        res
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> reqwest::Response {
        self.post(
            "/signin",
            &[("email", email), ("password", password), ("next", "")],
        )
        .await
    }

    /// The form token read from a given page.
    pub async fn csrf_on(&self, path: &str) -> String {
        let html = self.get(path).await.text().await.unwrap();
        let at = html
            .find("name=\"csrf\" value=\"")
            .expect("a form token on the page")
            + 19;
        html[at..at + 32].to_string()
    }

    /// The form token of the current session, read from a page.
    pub async fn csrf(&self) -> String {
        let html = self.get("/account").await.text().await.unwrap();
        let html = if html.contains("name=\"csrf\"") {
            html
        } else {
            self.get("/password/change").await.text().await.unwrap()
        };
        let at = html
            .find("name=\"csrf\" value=\"")
            .expect("a form token on the page")
            + 19;
        html[at..at + 32].to_string()
    }
}

pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

pub async fn problem(res: reqwest::Response) -> (u16, serde_json::Value) {
    let status = res.status().as_u16();
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json"),
        "errors are problem+json"
    );
    (status, res.json().await.unwrap())
}

/// The text between `start` and the next `end` in a page.
pub fn between(html: &str, start: &str, end: &str) -> String {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in page"))
        + start.len();
    html[i..i + html[i..].find(end).unwrap()].to_string()
}

/// Emails queued to `to`, oldest first: (template, subject, body).
pub async fn mails_to(app: &TestApp, to: &str) -> Vec<(String, String, String)> {
    let page = keiro_store::repo::outbox::list(app.app.db.reader(), (None, None), None, 200)
        .await
        .unwrap();
    let mut v: Vec<_> = page
        .items
        .into_iter()
        .filter(|m| m.recipient == to)
        .map(|m| (m.template, m.subject, m.body_text))
        .collect();
    v.reverse();
    v
}

pub fn link_token(body: &str) -> String {
    let i = body.find("token=").expect("a link with a token") + 6;
    body[i..].split_whitespace().next().unwrap().to_string()
}

/// How many emails (not held events) the outbox holds: "no notice is sent" checks count these.
pub async fn emails_queued(app: &TestApp) -> usize {
    keiro_store::repo::outbox::list(app.app.db.reader(), (None, None), None, 1000)
        .await
        .unwrap()
        .items
        .iter()
        .filter(|m| m.kind == "email")
        .count()
}

/// The JSON body of a response that must have `status` (the body is shown when it has not).
pub async fn json_of(res: reqwest::Response, status: u16) -> serde_json::Value {
    let got = res.status().as_u16();
    let text = res.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

/// An API request with the bearer token, an optional JSON body and extra headers.
pub async fn send(
    app: &TestApp,
    method: reqwest::Method,
    tok: &str,
    path: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut rb = app.http.request(method, app.url(path)).bearer_auth(tok);
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    for (k, v) in headers {
        rb = rb.header(*k, *v);
    }
    rb.send().await.unwrap()
}

/// POST with a JSON body.
pub async fn post(app: &TestApp, tok: &str, path: &str, body: Value) -> reqwest::Response {
    send(app, reqwest::Method::POST, tok, path, Some(body), &[]).await
}

/// PUT with a JSON body.
pub async fn put(app: &TestApp, tok: &str, path: &str, body: Value) -> reqwest::Response {
    send(app, reqwest::Method::PUT, tok, path, Some(body), &[]).await
}

/// `POST /v1/customers/{customer}/orders` with these lines.
pub async fn order(app: &TestApp, tok: &str, customer: &str, lines: Value) -> reqwest::Response {
    post(
        app,
        tok,
        &format!("/v1/customers/{customer}/orders"),
        json!({ "lines": lines }),
    )
    .await
}

/// Orders one line and returns the subscription.
pub async fn buy(app: &TestApp, tok: &str, customer: &str, line: Value) -> Value {
    json_of(order(app, tok, customer, json!([line])).await, 201).await["subscriptions"][0].clone()
}

/// The status and stable code of a problem+json answer.
pub async fn code(res: reqwest::Response) -> (u16, String) {
    let (s, b) = problem(res).await;
    (s, b["code"].as_str().unwrap_or_default().to_string())
}

/// "Advisor Partners KK" (partner ID 4440001, a global admin who is also admin agent), given
/// these program authorizations by operator staff (`op`): the subscription advisor of the
/// advisor tests (ADR 0010). Returns its user and an API token.
pub async fn advisor(app: &TestApp, op: &str, auths: Value) -> (keiro_testkit::TestUser, String) {
    use keiro_domain::{ProgramRole, Role};
    let adv = app
        .partner(
            "Advisor Partners KK",
            &[ProgramRole::IndirectReseller],
            &[Role::GlobalAdmin, Role::AdminAgent],
        )
        .await;
    app.db_set_partner_id(&adv.org_id, "4440001").await;
    json_of(
        put(
            app,
            op,
            &format!("/v1/partnerauthorizations/{}", adv.org_id),
            json!({"authorizations": auths, "reason": "advisor agreement"}),
        )
        .await,
        200,
    )
    .await;
    let t = app.token_for(&adv.email).await;
    (adv, t)
}
