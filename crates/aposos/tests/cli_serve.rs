//! `aposos serve` and `aposos admin` as a user runs them: the first admin token, the
//! bootstrapping commands, durability of acknowledged writes across a killed process,
//! two server processes on one PostgreSQL database, configuration errors, graceful stop.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const ISS: &str = "ISS (ZARYA)
1 25544U 98067A   08264.51782528 -.00002182  00000+0 -11606-4 0  2926
2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537
";

fn aposos() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_aposos"));
    c.env("RUST_LOG", "warn");
    for v in [
        "APOSOS_LISTEN",
        "APOSOS_DATA_DIR",
        "APOSOS_DATABASE",
        "APOSOS_CONFIG",
    ] {
        c.env_remove(v);
    }
    c
}

struct Server {
    child: Child,
    base: String,
    token: Option<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(db_args: &[&str]) -> Server {
    let mut child = aposos()
        .arg("serve")
        .args(db_args)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--synthetic",
            "--synthetic-count",
            "200",
        ])
        .env("APOSOS_RATE_LIMIT_PER_S", "100000")
        .env("APOSOS_RATE_LIMIT_BURST", "100000")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start aposos serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut token = None;
    let base = loop {
        let line = lines.next().expect("serve ended before listening").unwrap();
        if let Some(t) =
            line.strip_prefix("first admin token (user admin; shown once, store it now): ")
        {
            token = Some(t.to_string());
        }
        if let Some(url) = line.strip_prefix("listening on ") {
            break url.to_string();
        }
    };
    // Keep draining stdout so the server never blocks on it.
    std::thread::spawn(move || for _ in lines {});
    Server { child, base, token }
}

fn temp_dir(label: &str) -> PathBuf {
    let d = std::env::temp_dir().join(
        format!(
            "aposos-cli-{label}-{}-{:?}",
            std::process::id(),
            std::time::Instant::now()
        )
        .replace([' ', ':', '{', '}', ','], "_"),
    );
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .build()
}

fn status_of(r: Result<ureq::Response, ureq::Error>) -> (u16, String) {
    match r {
        Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
        Err(ureq::Error::Status(s, r)) => (s, r.into_string().unwrap_or_default()),
        Err(e) => (0, e.to_string()),
    }
}

fn admin(dir_args: &[&str], args: &[&str]) -> std::process::Output {
    aposos()
        .arg("admin")
        .args(dir_args)
        .args(args)
        .output()
        .unwrap()
}

fn element_text(norad: u32, minutes: i64) -> String {
    let mut e = aposos_formats::read_elements("iss", ISS, &Default::default())
        .elements
        .remove(0);
    e.norad_cat_id = norad;
    e.epoch = e.epoch.add_ns(minutes * 60_000_000_000);
    aposos_formats::write_3le(&e).unwrap().join("\n") + "\n"
}

/// The epoch of `element_text(_, minutes)` as the server stores it (TLE day fractions are rounded).
fn epoch_iso(minutes: i64) -> String {
    let text = element_text(1, minutes);
    aposos_formats::read_elements("x", &text, &Default::default()).elements[0]
        .epoch
        .to_iso()
}

#[test]
fn first_token_admin_commands_and_restart() {
    let dir = temp_dir("admin");
    let d = dir.display().to_string();
    let db = ["--data-dir", d.as_str()];
    let srv = serve(&db);
    let token = srv
        .token
        .clone()
        .expect("a new database prints the first admin token");
    assert!(token.starts_with("aposos_"));
    let a = agent();
    let (s, body) = status_of(
        a.get(&format!("{}/api/v1/me", srv.base))
            .set("Authorization", &format!("Bearer {token}"))
            .call(),
    );
    assert_eq!(s, 200, "{body}");
    assert!(body.contains("\"role\":\"admin\""));
    let (s, body) = status_of(a.get(&format!("{}/api/v1/gp?limit=1000", srv.base)).call());
    assert_eq!(s, 200);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        200,
        "seeded with the catalog"
    );

    // Bootstrapping on the database directly, while the server runs.
    let out = admin(
        &db,
        &[
            "org",
            "add",
            "TUA",
            "--kind",
            "member",
            "--country",
            "TR",
            "--satcat-owner",
            "TURK",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = admin(&db, &["org", "add", "TUA", "--kind", "member"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(
        admin(&db, &["org", "add", "X", "--kind", "friend"])
            .status
            .code(),
        Some(2)
    );
    assert!(admin(
        &db,
        &["user", "add", "ayse", "--org", "TUA", "--role", "analyst"]
    )
    .status
    .success());
    let out = admin(
        &db,
        &["user", "add", "bob", "--org", "Nowhere", "--role", "viewer"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Nowhere"));
    let out = admin(&db, &["token", "create", "--user", "ayse", "--days", "7"]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.lines().count(),
        1,
        "the token alone on stdout: {stdout:?}"
    );
    let user_token = stdout.trim().to_string();
    assert!(user_token.starts_with("aposos_"));
    let (s, body) = status_of(
        a.get(&format!("{}/api/v1/me", srv.base))
            .set("Authorization", &format!("Bearer {user_token}"))
            .call(),
    );
    assert_eq!(s, 200);
    assert!(
        body.contains("\"organisation\":\"TUA\"") && body.contains("analyst"),
        "{body}"
    );
    let listed =
        String::from_utf8(admin(&db, &["token", "list", "--user", "ayse"]).stdout).unwrap();
    assert_eq!(listed.lines().count(), 2);
    assert!(
        !listed.contains(&user_token[7..]),
        "listings never show secrets"
    );
    assert!(admin(&db, &["token", "revoke", "--user", "ayse"])
        .status
        .success());
    let out = admin(
        &db,
        &["user", "add", "boss", "--org", "TUA", "--role", "admin"],
    );
    assert_eq!(out.status.code(), Some(1), "admins belong to the centre");
    let (s, body) = status_of(
        a.get(&format!("{}/api/v1/audit?action=user.add", srv.base))
            .set("Authorization", &format!("Bearer {token}"))
            .call(),
    );
    assert_eq!(s, 200);
    assert!(
        body.contains("\"user\":\"cli:") && body.contains("ayse"),
        "command-line writes are audited: {body}"
    );
    let (s, _) = status_of(
        a.get(&format!("{}/api/v1/me", srv.base))
            .set("Authorization", &format!("Bearer {user_token}"))
            .call(),
    );
    assert_eq!(s, 401, "revoked tokens stop at once");
    drop(srv);

    // A restart keeps everything and prints no new admin token.
    let again = serve(&db);
    assert!(again.token.is_none());
    let (s, _) = status_of(
        a.get(&format!("{}/api/v1/me", again.base))
            .set("Authorization", &format!("Bearer {token}"))
            .call(),
    );
    assert_eq!(s, 200);
    drop(again);
    let _ = std::fs::remove_dir_all(dir);
}

/// Streams writes from two clients, kills the server (SIGKILL) in the middle, restarts it,
/// and checks that every acknowledged write is there.
#[test]
fn acknowledged_writes_survive_a_killed_server() {
    let dir = temp_dir("crash");
    let d = dir.display().to_string();
    let db = ["--data-dir", d.as_str()];
    let mut srv = serve(&db);
    let token = srv.token.clone().unwrap();
    let acked = Arc::new(Mutex::new(Vec::<(u32, i64)>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..2u32 {
        let (base, token, acked, stop) =
            (srv.base.clone(), token.clone(), acked.clone(), stop.clone());
        writers.push(std::thread::spawn(move || {
            let a = ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(5))
                .build();
            for i in 0..100_000i64 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let norad = 70_000 + w;
                let r = a
                    .post(&format!("{base}/api/v1/elements?sharing=private"))
                    .set("Authorization", &format!("Bearer {token}"))
                    .send_string(&element_text(norad, i));
                match r {
                    Ok(resp) if resp.status() == 200 => {
                        let v: serde_json::Value = resp.into_json().unwrap();
                        if v["accepted"] == 1 {
                            acked.lock().unwrap().push((norad, i));
                        }
                    }
                    _ => break, // the server is gone
                }
            }
        }));
    }
    // Let some writes land, then kill the process without warning.
    while acked.lock().unwrap().len() < 150 {
        std::thread::sleep(Duration::from_millis(20));
    }
    srv.child.kill().unwrap();
    srv.child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    drop(srv);
    let again = serve(&db);
    let a = agent();
    for norad in [70_000u32, 70_001] {
        let want: Vec<i64> = acked
            .iter()
            .filter(|(n, _)| *n == norad)
            .map(|(_, i)| *i)
            .collect();
        let (s, body) = status_of(
            a.get(&format!(
                "{}/api/v1/gp/history?norad={norad}&limit=100000",
                again.base
            ))
            .set("Authorization", &format!("Bearer {token}"))
            .call(),
        );
        assert_eq!(s, 200, "{body}");
        let stored: std::collections::HashSet<String> =
            serde_json::from_str::<serde_json::Value>(&body)
                .unwrap()
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["EPOCH"].as_str().unwrap().to_string())
                .collect();
        for i in &want {
            assert!(
                stored.contains(&epoch_iso(*i)),
                "object {norad}: acknowledged write {i} lost in the crash"
            );
        }
        assert!(!want.is_empty());
    }
    eprintln!(
        "{} acknowledged writes all present after SIGKILL",
        acked.len()
    );
    drop(again);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn two_server_processes_share_one_postgres_database() {
    let url = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(aposos_store::testing::fresh_postgres_database())
        .unwrap();
    let db = ["--database", url.as_str()];
    // Both start at once: one seeds, the other waits for it.
    let (a, b) = std::thread::scope(|s| {
        let ha = s.spawn(|| serve(&db));
        let hb = s.spawn(|| serve(&db));
        (ha.join().unwrap(), hb.join().unwrap())
    });
    let tokens: Vec<String> = [&a, &b].iter().filter_map(|s| s.token.clone()).collect();
    assert_eq!(
        tokens.len(),
        1,
        "exactly one process seeds and prints the admin token"
    );
    let token = &tokens[0];
    let ag = agent();
    let (s, body) = status_of(
        ag.post(&format!("{}/api/v1/elements?sharing=consortium", a.base))
            .set("Authorization", &format!("Bearer {token}"))
            .send_string(&element_text(80_000, 0)),
    );
    assert_eq!(s, 200, "{body}");
    let (s, body) = status_of(
        ag.get(&format!("{}/api/v1/gp?norad=80000", b.base))
            .set("Authorization", &format!("Bearer {token}"))
            .call(),
    );
    assert_eq!(
        s, 200,
        "written through one process, read through the other: {body}"
    );
    let (s, _) = status_of(ag.get(&format!("{}/api/v1/gp?norad=80000", b.base)).call());
    assert_eq!(
        s, 404,
        "consortium data is not for anonymous readers on either process"
    );
    // A kept (cached) answer in one process never outlives a write through the other.
    let count = |base: &str| -> usize {
        let (s, body) = status_of(
            ag.get(&format!("{base}/api/v1/gp?format=3le&limit=1000"))
                .call(),
        );
        assert_eq!(s, 200);
        body.lines().count() / 3
    };
    let before = count(&b.base);
    assert_eq!(
        count(&b.base),
        before,
        "same answer twice (the second from memory)"
    );
    let (s, body) = status_of(
        ag.post(&format!("{}/api/v1/elements?sharing=public", a.base))
            .set("Authorization", &format!("Bearer {token}"))
            .send_string(&element_text(80_001, 0)),
    );
    assert_eq!(s, 200, "{body}");
    assert_eq!(
        count(&b.base),
        before + 1,
        "process B sees process A's write at once"
    );
    // Graceful stop on SIGTERM: exit code 0.
    for mut srv in [a, b] {
        let pid = srv.child.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let code = srv.child.wait().unwrap();
        assert!(code.success(), "graceful shutdown exits 0, got {code:?}");
    }
}

#[test]
fn configuration_errors_name_the_file_and_key() {
    let dir = temp_dir("config");
    let cfg = dir.join("aposos.toml");
    std::fs::write(&cfg, "listen = \"127.0.0.1:0\"\nrate_limit = 5\n").unwrap();
    let out = aposos()
        .args(["serve", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("aposos.toml") && err.contains("rate_limit"),
        "{err}"
    );
    let out = aposos()
        .args(["serve", "--data-dir"])
        .arg(&dir)
        .env("APOSOS_RATE_LIMIT_PER_S", "lots")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("APOSOS_RATE_LIMIT_PER_S"));
    let out = aposos()
        .args(["serve", "--database", "mysql://x"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("postgres:"));
    let _ = std::fs::remove_dir_all(Path::new(&dir));
}

#[test]
fn obs_import_checks_and_stores_as_a_user() {
    let dir = temp_dir("import");
    let d = dir.display().to_string();
    let db = ["--data-dir", d.as_str()];
    let srv = serve(&db);
    let token = srv.token.clone().unwrap();
    assert!(admin(
        &db,
        &["user", "add", "pk-op", "--org", "SUPARCO", "--role", "operator"]
    )
    .status
    .success());
    let now = aposos_formats::Epoch::now_utc_micros().add_ns(-600_000_000_000);
    let t = format!("{}Z", now.to_iso());
    let file = dir.join("night.json");
    std::fs::write(
        &file,
        format!(
            r#"[{{"station": "pk-islamabad", "time_utc": "{t}", "ra_deg": 10.0, "dec_deg": 20.0}},
               {{"station": "pe-characato", "time_utc": "{t}", "ra_deg": 11.0, "dec_deg": 21.0}}]"#
        ),
    )
    .unwrap();
    let f = file.display().to_string();
    let run = || {
        aposos()
            .args([
                "obs",
                "import",
                "--data-dir",
                d.as_str(),
                "--user",
                "pk-op",
                "--sharing",
                "consortium",
                f.as_str(),
            ])
            .output()
            .unwrap()
    };
    let out = run();
    assert_eq!(out.status.code(), Some(1), "one record refused");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (summary["accepted"].as_u64(), summary["rejected"].as_u64()),
        (Some(1), Some(1)),
        "{summary}"
    );
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("night.json:2: station \"pe-characato\" belongs to PE"));
    let again: serde_json::Value = serde_json::from_slice(&run().stdout).unwrap();
    assert_eq!(again["duplicates"], 1, "imports are idempotent");
    let (s, body) = status_of(
        agent()
            .get(&format!("{}/api/v1/observations", srv.base))
            .set("Authorization", &format!("Bearer {token}"))
            .call(),
    );
    assert_eq!(s, 200);
    let stored: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(stored.as_array().unwrap().len(), 1);
    // Provenance: the file's name (not its folders), the record's line, the format.
    let p = &stored[0]["provenance"];
    assert_eq!(
        (
            p["source"].as_str(),
            p["line"].as_u64(),
            p["format"].as_str()
        ),
        (Some("night.json"), Some(1), Some("json")),
        "{stored}"
    );
    let (_, anon) = status_of(
        agent()
            .get(&format!("{}/api/v1/observations", srv.base))
            .call(),
    );
    assert_eq!(
        anon.trim(),
        "[]",
        "consortium observations are not for anonymous readers"
    );
    let out = aposos()
        .args([
            "obs",
            "import",
            "--data-dir",
            d.as_str(),
            "--user",
            "admin",
            "--sharing",
            "everyone",
            f.as_str(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    drop(srv);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn request_logs_are_structured_json_on_request() {
    let dir = temp_dir("logs");
    let mut child = aposos()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--synthetic",
            "--synthetic-count",
            "50",
            "--data-dir",
        ])
        .arg(&dir)
        .env("RUST_LOG", "info")
        .env("APOSOS_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = loop {
        let line = out.next().expect("listening").unwrap();
        if let Some(url) = line.strip_prefix("listening on ") {
            break url.to_string();
        }
    };
    let (s, _) = status_of(agent().get(&format!("{base}/api/v1/sites")).call());
    assert_eq!(s, 200);
    let mut err = BufReader::new(child.stderr.take().unwrap()).lines();
    let found = loop {
        let Some(Ok(line)) = err.next() else {
            break None;
        };
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
            if v["fields"]["route"] == "/api/v1/sites" {
                break Some(v);
            }
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    let v = found.expect("a JSON request log line");
    assert_eq!(v["fields"]["status"], 200);
    assert_eq!(v["fields"]["method"], "GET");
    assert!(
        v["fields"]["latency_ms"].is_number() && v["timestamp"].is_string() && v["level"] == "INFO"
    );
    let _ = std::fs::remove_dir_all(dir);
}
