//! Headless Chromium through chromedriver (Debian's chromium-driver), driven by fantoccini.
//! Screenshots of failures go to `target/test-artifacts/`. [`Browser::audit`] checks the page
//! shown against the portal's rules for every page (contrast of every control, no sideways
//! scrolling, no error status).

use fantoccini::{Client, ClientBuilder};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn which(cands: &[&str]) -> Option<PathBuf> {
    cands.iter().map(PathBuf::from).find(|p| p.exists())
}

/// What an audit of a page found wrong, one line each (empty: nothing).
const AUDIT_JS: &str = include_str!("audit.js");

impl Browser {
    /// Starts chromedriver and a headless Chromium with `lang` as its UI/Accept-Language, at
    /// desktop size (1280×900).
    pub async fn start(lang: &str) -> Option<Browser> {
        Self::launch(lang, None).await
    }

    /// The same at a phone's size: a 390×844 viewport (device emulation; a headless window
    /// cannot be made narrower than 500 px).
    pub async fn start_phone(lang: &str) -> Option<Browser> {
        Self::launch(lang, Some((390, 844))).await
    }

    /// What is wrong with the page shown, one line per problem: a control whose text has less
    /// than WCAG AA contrast with what is behind it (4.5:1, 3:1 for large text), a document
    /// wider than the viewport, an HTTP error status. Disabled controls are exempt (WCAG 1.4.3).
    pub async fn audit(&self) -> Vec<String> {
        let v = self
            .client
            .execute(AUDIT_JS, vec![])
            .await
            .expect("run the page audit");
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| p.as_str())
                    .map(|p| format!("{url}: {p}"))
                    .collect()
            })
            .unwrap_or_default()
    }

    async fn launch(lang: &str, phone: Option<(u32, u32)>) -> Option<Browser> {
        let driver_bin = std::env::var("KEIRO_TEST_CHROMEDRIVER")
            .ok()
            .map(PathBuf::from)
            .or_else(|| which(&["/usr/bin/chromedriver"]));
        let chrome_bin = std::env::var("KEIRO_TEST_CHROMIUM")
            .ok()
            .map(PathBuf::from)
            .or_else(|| which(&["/usr/bin/chromium"]));
        let (Some(driver_bin), Some(chrome_bin)) = (driver_bin, chrome_bin) else {
            crate::skip(
                "browser test: chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
            );
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("port");
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().expect("profile dir");
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": chrome_bin,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                         "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         format!("--lang={lang}"), format!("--user-data-dir={}", profile.path().display()), "--window-size=1280,900"],
                "prefs": { "intl.accept_languages": lang }
            }
        });
        let mut caps = caps;
        if let Some((w, h)) = phone {
            caps["goog:chromeOptions"]["mobileEmulation"] = serde_json::json!({
                "deviceMetrics": { "width": w, "height": h, "pixelRatio": 1.0, "touch": true }
            });
        }
        let serde_json::Value::Object(caps) = caps else {
            unreachable!()
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("connect to chromedriver");
        Some(Browser {
            client,
            driver,
            _profile: profile,
        })
    }

    /// Saves a screenshot under target/test-artifacts/NAME.png.
    pub async fn screenshot(&self, name: &str) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-artifacts");
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}
