//! Typed API requests for tests, in the manner of crates.io's `RequestHelper`:
//! `app.as_user(&token).post::<Product>("/v1/products", &body).await.good()` sends the request
//! with the user's token and reads the answer as the API type it must be (keiro-api-types), or
//! fails the test showing the status and body it got.

use crate::TestApp;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;

/// A signed-in API client: a token and headers to send with every request.
pub struct As<'a> {
    app: &'a TestApp,
    token: String,
    headers: Vec<(String, String)>,
}

impl TestApp {
    /// Requests as the holder of `token`.
    pub fn as_user(&self, token: &str) -> As<'_> {
        As {
            app: self,
            token: token.to_string(),
            headers: vec![],
        }
    }
}

impl As<'_> {
    /// Sends `name: value` with every request of this client.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Response<T> {
        self.send(Method::GET, path, None::<&()>).await
    }

    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Response<T> {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn put<T: DeserializeOwned>(&self, path: &str, body: &impl Serialize) -> Response<T> {
        self.send(Method::PUT, path, Some(body)).await
    }

    pub async fn patch<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Response<T> {
        self.send(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Response<()> {
        self.send(Method::DELETE, path, None::<&()>).await
    }

    async fn send<T>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Response<T> {
        let mut rb = self
            .app
            .http
            .request(method, self.app.url(path))
            .bearer_auth(&self.token);
        for (k, v) in &self.headers {
            rb = rb.header(k, v);
        }
        if let Some(b) = body {
            rb = rb.json(b);
        }
        let res = rb.send().await.expect("request");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.expect("body");
        Response {
            status,
            headers,
            text,
            _type: PhantomData,
        }
    }
}

/// An answer, read in full, that should be a `T`.
#[derive(Debug)]
pub struct Response<T> {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    _type: PhantomData<T>,
}

impl<T: DeserializeOwned> Response<T> {
    /// The body as a `T`; fails the test unless the status is 2xx and the body is a `T`.
    #[track_caller]
    pub fn good(self) -> T {
        assert!(
            (200..300).contains(&self.status),
            "expected success, got {}: {}",
            self.status,
            self.text
        );
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not the expected type ({e}): {}", self.text))
    }

    /// [`Self::good`], and the status must be exactly `status`.
    #[track_caller]
    pub fn expect(self, status: u16) -> T {
        assert_eq!(self.status, status, "{}", self.text);
        self.good()
    }
}

impl<T> Response<T> {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or(serde_json::Value::Null)
    }

    /// A header's value, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The status and the stable `code` of a problem+json answer; fails the test when the
    /// answer is not problem+json.
    #[track_caller]
    pub fn problem(&self) -> (u16, String) {
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "errors are problem+json: {} {}",
            self.status,
            self.text
        );
        let code = self.json()["code"].as_str().unwrap_or_default().to_string();
        (self.status, code)
    }
}
