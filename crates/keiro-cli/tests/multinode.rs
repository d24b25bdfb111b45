//! Several nodes behind a load balancer (issue 13, point 5): two `keiro serve` processes on one
//! PostgreSQL behind a real nginx (Debian's, started here with its own configuration),
//! round-robin, no sticky sessions. The portal journeys that span several requests run through
//! the proxy, and each journey must have been served by both nodes (nginx names the node that
//! answered in `X-Upstream`). Then the node running a large import is killed (SIGKILL) in the
//! middle of it: the other node takes the job over and the page says it restarted.
//!
//! Needs `KEIRO_TEST_POSTGRES_URL` and `nginx` on the PATH (or in /usr/sbin); skipped without
//! them, failed under `KEIRO_TEST_STRICT=1`.

use keiro_store::entities::{job, membership_record};
use keiro_store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use keiro_testkit::{Backend, TestDb, skip};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn nginx() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain([PathBuf::from("/usr/sbin")])
        .map(|d| d.join("nginx"))
        .find(|p| p.is_file())
}

fn keiro(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_keiro"))
        .args(args)
        .env("KEIRO_PASSWORD_COST__MEMORY_KIB", "64")
        .env("KEIRO_PASSWORD_COST__ITERATIONS", "1")
        .env("KEIRO_PASSWORD_COST__PARALLELISM", "1")
        .output()
        .expect("run keiro");
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        o.status.success(),
        "keiro {args:?}: {out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// The demo sign-ins `keiro demo` printed: email → password.
fn demo_passwords(out: &str) -> BTreeMap<String, String> {
    out.lines()
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let email = words.iter().find(|w| w.contains('@'))?;
            let pw = words
                .iter()
                .find(|w| w.len() == 19 && w.matches('-').count() == 3)?;
            Some((email.to_string(), pw.to_string()))
        })
        .collect()
}

struct Node {
    child: Child,
    port: u16,
    log: PathBuf,
}

/// Two nodes, nginx in front, the shared database; everything stops when it is dropped.
struct Cluster {
    nodes: Vec<Node>,
    nginx: Child,
    base: String,
    dir: tempfile::TempDir,
    http: reqwest::Client,
    _db: TestDb,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // TERM, not KILL: nginx's master stops its workers on TERM; killed, it orphans them.
        let _ = Command::new("kill")
            .args(["-TERM", &self.nginx.id().to_string()])
            .status();
        for n in &mut self.nodes {
            let _ = n.child.kill();
            let _ = n.child.wait();
        }
        let _ = self.nginx.wait();
        if std::thread::panicking() {
            for n in &self.nodes {
                let log = std::fs::read_to_string(&n.log).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(30).collect();
                eprintln!("--- node :{} (last lines) ---", n.port);
                for l in tail.into_iter().rev() {
                    eprintln!("{l}");
                }
            }
            let err = std::fs::read_to_string(self.dir.path().join("nginx-error.log"));
            eprintln!("--- nginx ---\n{}", err.unwrap_or_default());
        }
    }
}

async fn wait_until_up(http: &reqwest::Client, url: &str) {
    for _ in 0..200 {
        if let Ok(r) = http.get(url).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} did not come up");
}

impl Cluster {
    async fn start(db: TestDb, nginx: &Path) -> Cluster {
        let dir = tempfile::tempdir().expect("temp dir");
        let front = free_port();
        let base = format!("http://127.0.0.1:{front}");
        let mail = dir.path().join("outbox");
        let mut nodes = Vec::new();
        for i in 0..2 {
            let port = free_port();
            let data = dir.path().join(format!("node-{i}"));
            let log = dir.path().join(format!("node-{i}.log"));
            let child = Command::new(env!("CARGO_BIN_EXE_keiro"))
                .args(["serve", "--database-url", &db.url, "--listen"])
                .arg(format!("127.0.0.1:{port}"))
                .arg("--data-dir")
                .arg(&data)
                .env("KEIRO_PUBLIC_URL", &base)
                .env("KEIRO_TRUSTED_PROXIES", "[\"127.0.0.1\"]")
                .env("KEIRO_MAIL_DIR", &mail)
                .env("KEIRO_JOB_LEASE_SECS", "2")
                .env("KEIRO_PASSWORD_COST__MEMORY_KIB", "64")
                .env("KEIRO_PASSWORD_COST__ITERATIONS", "1")
                .env("KEIRO_PASSWORD_COST__PARALLELISM", "1")
                .stdout(Stdio::from(std::fs::File::create(&log).expect("log")))
                .stderr(Stdio::from(
                    std::fs::File::options()
                        .append(true)
                        .open(&log)
                        .expect("log"),
                ))
                .spawn()
                .expect("start keiro serve");
            nodes.push(Node { child, port, log });
        }
        let upstreams: String = nodes
            .iter()
            .map(|n| format!("server 127.0.0.1:{};", n.port))
            .collect();
        let d = dir.path().display();
        // Round-robin, no stickiness; the proxy passes its own Host (as many do) and says who
        // the client is and which node answered.
        let conf = format!(
            "{user}daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/nginx-error.log;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
             upstream keiro {{ {upstreams} }}\n\
             server {{\n    listen 127.0.0.1:{front};\n    client_max_body_size 16m;\n\
             location / {{\n      proxy_pass http://keiro;\n      proxy_set_header Host $host;\n\
             proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n\
             proxy_set_header X-Forwarded-Proto $scheme;\n\
             add_header X-Upstream $upstream_addr always;\n    }}\n  }}\n}}\n",
            user = if is_root() { "user root;\n" } else { "" },
        );
        let conf_path = dir.path().join("nginx.conf");
        std::fs::write(&conf_path, conf).expect("nginx.conf");
        let nginx = Command::new(nginx)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx");
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        for n in &nodes {
            wait_until_up(&http, &format!("http://127.0.0.1:{}/healthz", n.port)).await;
        }
        wait_until_up(&http, &format!("{base}/healthz")).await;
        Cluster {
            nodes,
            nginx,
            base,
            dir,
            http,
            _db: db,
        }
    }

    fn visitor(&self) -> Visitor<'_> {
        Visitor {
            c: self,
            cookies: BTreeMap::new(),
            served_by: BTreeSet::new(),
        }
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// One browser going through the proxy: its cookies, and the nodes that answered it.
struct Visitor<'a> {
    c: &'a Cluster,
    cookies: BTreeMap<String, String>,
    served_by: BTreeSet<String>,
}

struct Page {
    status: u16,
    location: String,
    body: String,
}

impl Visitor<'_> {
    async fn send(&mut self, rb: reqwest::RequestBuilder) -> Page {
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let r = rb
            .header("cookie", cookie.join("; "))
            .header("accept-language", "en")
            .send()
            .await
            .expect("request through nginx");
        let h = r.headers();
        let upstream = h
            .get("x-upstream")
            .expect("nginx names the node")
            .to_str()
            .unwrap();
        self.served_by.insert(upstream.to_string());
        for sc in h.get_all("set-cookie") {
            let pair = sc.to_str().unwrap().split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        let location = h
            .get("location")
            .map(|l| l.to_str().unwrap().to_string())
            .unwrap_or_default();
        let status = r.status().as_u16();
        Page {
            status,
            location,
            body: r.text().await.unwrap(),
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let rb = self.c.http.get(format!("{}{path}", self.c.base));
        self.send(rb).await
    }

    /// A form post as a browser sends it: with an `Origin` of the public URL (nginx passes its
    /// own Host, so only the configured public URL makes this same-origin).
    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let rb = self
            .c
            .http
            .post(format!("{}{path}", self.c.base))
            .header("origin", &self.c.base)
            .form(form);
        self.send(rb).await
    }

    async fn upload(&mut self, path: &str, csrf: &str, csv: &str) -> Page {
        let body = format!(
            "--XB\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--XB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--XB--\r\n"
        );
        let rb = self
            .c
            .http
            .post(format!("{}{path}", self.c.base))
            .header("origin", &self.c.base)
            .header("content-type", "multipart/form-data; boundary=XB")
            .body(body);
        self.send(rb).await
    }

    async fn sign_in(&mut self, email: &str, password: &str) -> Page {
        assert_eq!(self.get("/signin").await.status, 200);
        let p = self
            .post(
                "/signin",
                &[("email", email), ("password", password), ("next", "")],
            )
            .await;
        assert_eq!(p.status, 303, "sign-in of {email}: {}", p.body);
        p
    }

    /// Polls an import's progress page until its report (or failure) is there.
    async fn import_report(&mut self, at: &str) -> String {
        for _ in 0..1200 {
            let p = self.get(at).await;
            assert_eq!(p.status, 200, "{}", p.body);
            if p.body.contains("id=\"import-summary\"") || p.body.contains("role=\"alert\"") {
                return p.body;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the import at {at} did not finish");
    }

    /// Uploads a CSV import and follows its progress page: the page's path and the report.
    async fn import(&mut self, path: &str, csrf: &str, csv: &str) -> (String, String) {
        let up = self.upload(path, csrf, csv).await;
        assert_eq!(up.status, 303, "{}", up.body);
        let report = self.import_report(&up.location).await;
        (up.location, report)
    }

    /// Asserts that every node answered this visitor since the last check, and starts again.
    fn served_by_both(&mut self, journey: &str) {
        assert_eq!(
            self.served_by.len(),
            2,
            "{journey} was served by both nodes: {:?}",
            self.served_by
        );
        self.served_by.clear();
    }
}

/// The value of the first `name="…" value="…"` input on a page.
fn input(html: &str, name: &str) -> String {
    let pattern = format!("name=\"{name}\" value=\"");
    let at = html
        .find(&pattern)
        .unwrap_or_else(|| panic!("an input {name} on the page: {html}"))
        + pattern.len();
    unescape(&html[at..at + html[at..].find('"').unwrap()])
}

/// Every hidden input of a page, as a form would send them back.
fn hidden_inputs(html: &str) -> Vec<(String, String)> {
    html.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .filter_map(|rest| {
            let (name, rest) = rest.split_once('"')?;
            let value = rest.strip_prefix(" value=\"")?.split('"').next()?;
            Some((name.to_string(), unescape(value)))
        })
        .collect()
}

fn pairs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn totp(secret: &str, offset: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    keiro_app::mfa::code_at(secret, now + offset).expect("a TOTP code")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_behind_nginx_serve_every_journey_and_survive_a_killed_import() {
    let Some(nginx) = nginx() else {
        skip("multi-node test: nginx is not installed (apt-get install nginx)");
        return;
    };
    let Some(db) = TestDb::create(Backend::Postgres).await else {
        return;
    };
    keiro(&["migrate", "--database-url", &db.url]);
    let pw = demo_passwords(&keiro(&["demo", "--database-url", &db.url]));
    let shared = pw["admin@sakura-dist.example"].clone();
    let url = db.url.clone();
    let c = Cluster::start(db, &nginx).await;

    // Sign-in and the language switch.
    let mut v = c.visitor();
    let p = v.sign_in("admin@sakura-dist.example", &shared).await;
    let home = v.get(&p.location).await;
    assert_eq!(home.status, 200, "{}", home.body);
    let p = v.get("/lang/ja?next=/dashboard").await;
    assert_eq!(p.status, 303);
    let ja = v.get("/dashboard").await;
    assert!(
        ja.body.contains("lang=\"ja\""),
        "the language holds on the other node"
    );
    v.get("/lang/en?next=/dashboard").await;
    v.served_by_both("sign-in and the language switch");

    // The forced password change of a user with a temporary password.
    let mut n = c.visitor();
    let p = n
        .sign_in(
            "newhire@sakura-dist.example",
            &pw["newhire@sakura-dist.example"],
        )
        .await;
    assert_eq!(p.location, "/password/change");
    let form = n.get("/password/change").await;
    let csrf = input(&form.body, "csrf");
    let temp = pw["newhire@sakura-dist.example"].clone();
    let p = n
        .post(
            "/password/change",
            &[
                ("csrf", &csrf),
                ("current_password", &temp),
                ("new_password", "a long new passphrase for nginx"),
                ("confirm_password", "a long new passphrase for nginx"),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(n.get("/dashboard").await.status, 200);
    n.served_by_both("the forced password change");

    // MFA: set up on one node, confirmed on the other, then a sign-in with its code.
    let mut m = c.visitor();
    m.sign_in("users@sakura-dist.example", &shared).await;
    let csrf = input(&m.get("/account/mfa").await.body, "csrf");
    let p = m.post("/account/mfa/setup", &[("csrf", &csrf)]).await;
    let setup = if p.status == 303 {
        m.get(&p.location).await
    } else {
        p
    };
    let at = setup.body.find("id=\"mfa-secret\">").expect("the MFA key") + 16;
    let secret = setup.body[at..at + setup.body[at..].find('<').unwrap()].to_string();
    let p = m
        .post(
            "/account/mfa/confirm",
            &[("csrf", &csrf), ("code", &totp(&secret, 0))],
        )
        .await;
    let done = if p.status == 303 {
        m.get(&p.location).await
    } else {
        p
    };
    assert!(done.body.contains("id=\"recovery-codes\""), "{}", done.body);
    m.post("/signout", &[("csrf", &csrf)]).await;
    let p = m.sign_in("users@sakura-dist.example", &shared).await;
    assert!(p.location.starts_with("/signin/mfa"), "{}", p.location);
    let form = m.get(&p.location).await;
    let csrf = input(&form.body, "csrf");
    let p = m
        .post(
            "/signin/mfa",
            &[("csrf", &csrf), ("code", &totp(&secret, 30)), ("next", "")],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(m.get("/dashboard").await.status, 200);
    m.served_by_both("MFA set-up and sign-in");

    // The new-customer wizard, one step per request.
    let resellers = v.get("/indirect-resellers").await.body;
    let end = resellers
        .find("/new-customer\"")
        .expect("a reseller to add a customer for")
        + 13;
    let start = resellers[..end].rfind('"').unwrap() + 1;
    let path = resellers[start..end].to_string();
    assert!(path.ends_with("/new-customer"), "{path}");
    let form = v.get(&path).await.body;
    let mut fields = hidden_inputs(&form);
    fields.retain(|(k, _)| k != "go");
    for (k, val) in [
        ("legal_name", "Nginx Trading KK"),
        ("country", "JP"),
        ("admin_full_name", "Proxy Admin"),
        ("admin_email", "admin@nginx-trading.example"),
        ("go", "subscriptions"),
    ] {
        fields.push((k.into(), val.into()));
    }
    let step = v.post(&path, &pairs(&fields)).await;
    assert_eq!(step.status, 200, "{}", step.body);
    let row = step
        .body
        .split("<tr data-offer=")
        .skip(1)
        .find(|r| {
            !r.split("</tr>")
                .next()
                .unwrap()
                .contains("<small class=\"muted\">")
        })
        .expect("a base offer to choose");
    let qty = row
        .split("name=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let mut next: Vec<(String, String)> = hidden_inputs(&step.body);
    next.push((qty, "5".into()));
    next.push(("go".into(), "review".into()));
    let review = v.post(&path, &pairs(&next)).await;
    assert_eq!(review.status, 200, "{}", review.body);
    let mut last = hidden_inputs(&review.body);
    last.push(("go".into(), "submit".into()));
    let done = v.post(&path, &pairs(&last)).await;
    assert!(done.body.contains("id=\"admin-account\""), "{}", done.body);
    v.served_by_both("the new-customer wizard");

    // Both CSV imports: uploaded through the proxy, progress to the report on either node.
    let mut o = c.visitor();
    o.sign_in("admin@operator.keiro.example", &shared).await;
    let csrf = input(&o.get("/operator/registry").await.body, "csrf");
    let csv = "partner_id,organization_name,country,level,status\n7770001,Proxy Systems,JP,gold,active\n7770002,Broken,JP,diamond,active\n";
    let (at, report) = o.import("/operator/registry/import", &csrf, csv).await;
    assert!(
        report.contains("2 rows, 1 created, 0 updated, 1 with errors"),
        "{report}"
    );
    assert!(report.contains("id=\"import-secrets\""));
    let again = o.get(&at).await.body;
    assert!(
        !again.contains("id=\"import-secrets\""),
        "shown once across nodes"
    );
    let csv = "product_code,sku,name_en,name_ja,billing_cycle,term_months,unit_price_minor,currency,countries\nNGX,NGX-1,Proxy Suite,プロキシ スイート,monthly,1,1500,JPY,JP\n";
    let (_, report) = o.import("/operator/catalog/import", &csrf, csv).await;
    assert!(
        report.contains("1 rows, 1 new products, 1 offers created"),
        "{report}"
    );
    o.served_by_both("both CSV imports");

    // A large import whose node is killed in the middle of it.
    let mut big = String::from("partner_id,organization_name,country,level,status\n");
    for i in 0..10_000 {
        big.push_str(&format!(
            "{},Bulk Partner {i},JP,silver,active\n",
            8_000_000 + i
        ));
    }
    let up = o.upload("/operator/registry/import", &csrf, &big).await;
    assert_eq!(up.status, 303, "{}", up.body);
    let id = up.location.rsplit('/').next().unwrap().to_string();
    let store = keiro_store::Db::connect(&keiro_store::DbOptions::new(url.clone()))
        .await
        .expect("connect");
    let mut running = None;
    for _ in 0..400 {
        let j = job::Entity::find_by_id(id.clone())
            .one(store.reader())
            .await
            .unwrap()
            .expect("the job row");
        assert_ne!(
            j.state, "done",
            "the import finished before its node could be stopped"
        );
        if j.state == "running" && j.done_count > 0 {
            running = Some(j);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let j = running.expect("the import runs on a node");
    // Its progress is a row: both nodes show it while one of them runs it.
    for _ in 0..2 {
        let p = o.get(&up.location).await.body;
        assert!(p.contains("of 10000 rows"), "{p}");
    }
    o.served_by_both("the progress of a running import");
    let holder = j.claimed_by.clone().unwrap();
    let victim = c
        .nodes
        .iter()
        .find(|n| holder.contains(&format!("-{}-", n.child.id())))
        .expect("the node holding the job");
    let killed = Command::new("kill")
        .args(["-KILL", &victim.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let report = o.import_report(&up.location).await;
    assert!(report.contains("id=\"import-restarted\""), "{report}");
    assert!(
        report.contains("10000 rows, 10000 created, 0 updated, 0 with errors"),
        "{report}"
    );
    let bulk = membership_record::Entity::find()
        .filter(membership_record::Column::PartnerId.starts_with("80"))
        .count(store.reader())
        .await
        .unwrap();
    assert_eq!(bulk, 10_000, "every row once, none twice");
    // The session started before the kill goes on, on the node left.
    assert_eq!(o.get("/operator/registry").await.status, 200);
    eprintln!(
        "job {id} restarted after SIGKILL of node :{} ({holder}) at {} of 10000 rows",
        victim.port, j.done_count
    );
}
