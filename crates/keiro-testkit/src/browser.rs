//! Headless Chromium through chromedriver (Debian's chromium-driver), driven by fantoccini.
//! Screenshots of failures go to `target/test-artifacts/`.

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

impl Browser {
    /// Starts chromedriver and a headless Chromium with `lang` as its UI/Accept-Language.
    pub async fn start(lang: &str) -> Option<Browser> {
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
