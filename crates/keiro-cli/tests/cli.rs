//! The CLI contract (issue 2, point 10): commands, their help, and their errors.

use std::process::{Command, Output};

fn keiro(args: &[&str], data: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keiro"))
        .args(args)
        .env_remove("KEIRO_DATABASE_URL")
        .env("KEIRO_PASSWORD_COST__MEMORY_KIB", "64")
        .env("KEIRO_PASSWORD_COST__ITERATIONS", "1")
        .env("KEIRO_PASSWORD_COST__PARALLELISM", "1")
        .current_dir(data)
        .output()
        .expect("run keiro")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["demo", "--help"],
        vec!["admin", "--help"],
        vec!["admin", "init", "--help"],
        vec!["admin", "token", "create", "--help"],
    ] {
        let o = keiro(&args, dir.path());
        assert!(o.status.success(), "{args:?}: {}", text(&o));
        assert!(text(&o).contains("Usage: keiro"), "{args:?}");
    }
    let serve = text(&keiro(&["serve", "--help"], dir.path()));
    for flag in [
        "--listen",
        "--data-dir",
        "--database-url",
        "--demo",
        "--log-format",
    ] {
        assert!(serve.contains(flag), "serve --help lists {flag}");
    }
}

#[test]
fn admin_init_prints_a_temporary_password_once_and_refuses_a_second_run() {
    let dir = tempfile::tempdir().unwrap();
    let o = keiro(
        &[
            "admin",
            "init",
            "--email",
            "ops@operator.example",
            "--data-dir",
            "data",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let password = out.lines().last().unwrap().trim();
    assert_eq!(password.len(), 19, "a temporary password is printed: {out}");
    let o = keiro(
        &[
            "admin",
            "init",
            "--email",
            "other@operator.example",
            "--data-dir",
            "data",
        ],
        dir.path(),
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("already exists"), "{}", text(&o));
    assert!(!text(&o).contains(password), "never shown again");
    // A user who has not changed a temporary password gets no token.
    let o = keiro(
        &[
            "admin",
            "token",
            "create",
            "--email",
            "ops@operator.example",
            "--data-dir",
            "data",
        ],
        dir.path(),
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("change your temporary password"),
        "{}",
        text(&o)
    );
}

#[test]
fn demo_then_token_for_a_demo_user() {
    let dir = tempfile::tempdir().unwrap();
    let o = keiro(&["demo", "--data-dir", "data"], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    for who in [
        "admin@operator.keiro.example",
        "admin@sakura-dist.example",
        "admin@fuji-reseller.example",
        "admin@minato-it.example",
        "admin@contoso.example",
        "newhire@sakura-dist.example",
    ] {
        assert!(out.contains(who), "demo prints {who}");
    }
    let o = keiro(
        &[
            "admin",
            "token",
            "create",
            "--email",
            "admin@sakura-dist.example",
            "--data-dir",
            "data",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).trim().starts_with("kt_"));
    let o = keiro(
        &[
            "admin",
            "token",
            "create",
            "--email",
            "nobody@example.com",
            "--data-dir",
            "data",
        ],
        dir.path(),
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("not found"));
}

#[test]
fn bad_database_urls_fail_clearly_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let o = keiro(
        &[
            "migrate",
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
        ],
        dir.path(),
    );
    assert!(!o.status.success());
    let t = text(&o);
    assert!(t.contains("the database cannot be reached"), "{t}");
    assert!(!t.contains("panicked"), "{t}");
    let o = keiro(&["migrate", "--database-url", "mysql://x/y"], dir.path());
    assert!(text(&o).contains("unsupported database URL"));
    let o = keiro(&["migrate", "--config", "missing.toml"], dir.path());
    assert!(text(&o).contains("does not exist"));
}

#[test]
fn a_newer_schema_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        keiro(&["migrate", "--data-dir", "data"], dir.path())
            .status
            .success()
    );
    let db = dir.path().join("data/keiro.db");
    let status = Command::new("python3")
        .args(["-c", &format!("import sqlite3; c=sqlite3.connect('{}'); c.execute(\"INSERT INTO seaql_migrations VALUES ('m9999_future', 0)\"); c.commit()", db.display())])
        .status()
        .unwrap();
    assert!(status.success());
    let o = keiro(&["migrate", "--data-dir", "data"], dir.path());
    assert!(!o.status.success());
    assert!(text(&o).contains("newer than this binary"), "{}", text(&o));
}

#[test]
fn log_format_json_writes_one_json_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let o = keiro(
        &["--log-format", "json", "demo", "--data-dir", "data"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "demo logs something");
    for l in lines {
        let v: serde_json::Value =
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"));
        assert!(
            v.get("level").is_some() && v.get("timestamp").is_some(),
            "{l}"
        );
    }
}
