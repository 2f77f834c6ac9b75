//! The network's planning as a user runs it: `aposos plan` (nodes left out, CSV, a
//! re-plan after a node drops out), `aposos request` with `plan --stored-requests` and
//! `--publish-as` on the embedded database, and a short `aposos campaign`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn aposos(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aposos"))
        .args(args)
        .output()
        .expect("run aposos")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aposos-schedule-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// A generated catalog of `count` objects in `dir`.
fn catalog(dir: &Path, count: usize) -> PathBuf {
    let path = dir.join("catalog.3le");
    let count = count.to_string();
    ok(&aposos(&[
        "catalog",
        "generate",
        "--count",
        &count,
        "--seed",
        "5",
        "--output",
        &s(&path),
    ]));
    path
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON")
}

fn time(v: &Value) -> aposos_formats::Epoch {
    aposos_formats::Epoch::parse_iso(v.as_str().expect("time").trim_end_matches('Z')).expect("ISO")
}

#[test]
fn plan_leave_a_node_out_and_replan_after_another_drops() {
    let dir = temp_dir("plan");
    let cat = catalog(&dir, 300);
    let plan = dir.join("plan.json");
    let base = [
        "plan",
        "--night",
        "2026-05-20",
        "--data-dir",
        &s(&dir),
        "--elements",
        &s(&cat),
        "--lns-iterations",
        "300",
    ];
    let mut args: Vec<&str> = base.to_vec();
    let plan_s = s(&plan);
    args.extend(["--offline", "pe-characato=weather", "--output", &plan_s]);
    let o = aposos(&args);
    ok(&o);
    assert!(stderr(&o).contains("vs per-node greedy"), "{}", stderr(&o));
    let doc = read_json(&plan);
    assert_eq!(doc["night"], "2026-05-20");
    assert_eq!(doc["feasible"], true);
    let nodes: Vec<&str> = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["site"].as_str().unwrap())
        .collect();
    assert_eq!(nodes, ["pk-islamabad", "ir-gargash"]);
    assert_eq!(doc["excluded"][0]["site"], "pe-characato");
    assert_eq!(doc["excluded"][0]["reason"], "weather");
    let sum = &doc["summary"];
    assert!(sum["value"].as_f64().unwrap() >= sum["baseline_value"].as_f64().unwrap());
    assert!(sum["value"].as_f64().unwrap() <= sum["bound_value"].as_f64().unwrap() + 1e-6);
    let mut objects = 0;
    for n in doc["nodes"].as_array().unwrap() {
        let obs = n["observations"].as_array().unwrap();
        assert!(!obs.is_empty());
        let mut last_end = time(&n["dark_from_utc"]);
        for o in obs {
            let (a, b) = (time(&o["start_utc"]), time(&o["end_utc"]));
            assert!(a >= last_end, "{}: overlapping {o}", n["site"]);
            last_end = b;
            let p = o["pointing"].as_array().unwrap();
            assert_eq!(p.len(), 3);
            for (k, at) in ["start", "middle", "end"].iter().enumerate() {
                assert_eq!(p[k]["at"], *at);
                for f in [
                    "ra_deg",
                    "dec_deg",
                    "az_deg",
                    "el_deg",
                    "ra_rate_deg_s",
                    "az_rate_deg_s",
                ] {
                    assert!(p[k][f].as_f64().unwrap().is_finite(), "{f}");
                }
                assert!(p[k]["el_deg"].as_f64().unwrap() >= 14.9);
            }
            if o["kind"] == "object" {
                objects += 1;
                assert_eq!(o["tracking"], true);
                assert_eq!(o["exposures"], 8);
            }
        }
    }
    assert!(objects >= 50, "{objects} object observations");

    // CSV: one row per observation.
    let csv = ok(&aposos(
        &[&base[..], &["--offline", "pe-characato", "--format", "csv"]].concat(),
    ));
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("site,seq,kind,norad"));
    let total: usize = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["observations"].as_array().unwrap().len())
        .sum();
    assert_eq!(rows.len() - 1, total);

    // Half-way through Islamabad's night, Gargash drops out.
    let isb = &doc["nodes"][0]["observations"];
    let now = isb[isb.as_array().unwrap().len() / 2]["start_utc"]
        .as_str()
        .unwrap()
        .to_string();
    let replan = dir.join("replan.json");
    let o = aposos(&[
        "plan",
        "--replan",
        &plan_s,
        "--now",
        &now,
        "--data-dir",
        &s(&dir),
        "--elements",
        &s(&cat),
        "--offline",
        "ir-gargash",
        "--lns-iterations",
        "300",
        "--output",
        &s(&replan),
    ]);
    ok(&o);
    let re = read_json(&replan);
    assert_eq!(re["feasible"], true);
    let t_now = time(&Value::String(now.clone()));
    for (old, new) in doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .zip(re["nodes"].as_array().unwrap())
    {
        assert_eq!(old["site"], new["site"]);
        let kept: Vec<(&Value, &Value)> = new["observations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["done"] == true)
            .map(|o| (&o["norad"], &o["start_utc"]))
            .collect();
        for o in old["observations"].as_array().unwrap() {
            if o["kind"] == "object" && time(&o["start_utc"]) < t_now {
                assert!(kept.contains(&(&o["norad"], &o["start_utc"])), "lost {o}");
            }
        }
        for o in new["observations"].as_array().unwrap() {
            if o["done"] == false {
                assert!(time(&o["start_utc"]) >= t_now);
                assert_ne!(new["site"], "ir-gargash", "new work for the dropped node");
            }
        }
    }
    // A re-plan needs --now.
    let o = aposos(&["plan", "--replan", &plan_s, "--data-dir", &s(&dir)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// Seeds a new database the way a first `aposos serve` does (the centre and its first
/// admin, user `admin`), then stops the server.
fn seed_database(dir: &str) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_aposos"))
        .args([
            "serve",
            "--data-dir",
            dir,
            "--listen",
            "127.0.0.1:0",
            "--synthetic",
            "--synthetic-count",
            "50",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start aposos serve");
    let stdout = child.stdout.take().expect("stdout");
    for line in std::io::BufReader::new(stdout).lines() {
        if line.expect("line").starts_with("listening on ") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn requests_filed_planned_for_and_plans_published() {
    let dir = temp_dir("requests");
    let d = s(&dir);
    let cat = catalog(&dir, 200);
    let db = ["--data-dir", d.as_str()];
    let admin = |args: &[&str]| aposos(&[&["admin"][..], &db[..], args].concat());
    seed_database(&d);
    ok(&admin(&[
        "org",
        "add",
        "TestPK",
        "--kind",
        "member",
        "--country",
        "PK",
        "--satcat-owner",
        "PAKI",
    ]));
    ok(&admin(&[
        "user", "add", "ali", "--org", "TestPK", "--role", "analyst",
    ]));
    let plan = |extra: &[&str]| {
        aposos(
            &[
                &[
                    "plan",
                    "--night",
                    "2026-05-20",
                    "--elements",
                    &s(&cat),
                    "--lns-iterations",
                    "200",
                    "--no-survey",
                ][..],
                &db[..],
                extra,
            ]
            .concat(),
        )
    };
    // An object the plan observes, requested for two tracklets a night.
    let probe: Value = serde_json::from_str(&ok(&plan(&[]))).unwrap();
    let norad_n = probe["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["observations"].as_array().unwrap())
        .find_map(|o| o["norad"].as_u64())
        .expect("an object observed") as u32;
    let norad = norad_n.to_string();
    let add = |extra: &[&str]| {
        aposos(
            &[
                &["request", "add"][..],
                &db[..],
                &[
                    "--user",
                    "ali",
                    "--norad",
                    &norad,
                    "--from",
                    "2026-05-20T00:00:00Z",
                    "--to",
                    "2026-05-23T00:00:00Z",
                ],
                extra,
            ]
            .concat(),
        )
    };
    let bad = add(&["--priority", "11"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--priority"), "{}", stderr(&bad));
    let filed: Value = serde_json::from_str(&ok(&add(&[
        "--priority",
        "9",
        "--tracklets-per-night",
        "2",
    ])))
    .unwrap();
    let id = filed["id"].as_i64().expect("id");
    let list: Value =
        serde_json::from_str(&ok(&aposos(&[&["request", "list"][..], &db[..]].concat()))).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);

    let o = plan(&["--stored-requests", "--publish-as", "admin"]);
    let doc: Value = serde_json::from_str(&ok(&o)).unwrap();
    assert!(
        stderr(&o).contains("published pk-islamabad/2026-05-20 as version 1"),
        "{}",
        stderr(&o)
    );
    let requested: Vec<&Value> = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["observations"].as_array().unwrap())
        .filter(|o| o["norad"].as_u64() == Some(u64::from(norad_n)))
        .collect();
    assert!(!requested.is_empty());
    for o in &requested {
        assert_eq!(o["reason"]["tier"], "request", "{o}");
        assert_eq!(o["reason"]["request_ids"][0], id);
    }
    // A second publication is version 2; an analyst may not publish.
    let o = plan(&["--publish-as", "admin"]);
    ok(&o);
    assert!(stderr(&o).contains("as version 2"), "{}", stderr(&o));
    let o = plan(&["--publish-as", "ali"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("only the centre's admins"),
        "{}",
        stderr(&o)
    );

    // Cancelled, the request no longer shapes the plan.
    let c: Value = serde_json::from_str(&ok(&aposos(
        &[
            &["request", "cancel"][..],
            &db[..],
            &["--user", "ali", &id.to_string()],
        ]
        .concat(),
    )))
    .unwrap();
    assert_eq!(c["status"], "cancelled");
    let doc: Value = serde_json::from_str(&ok(&plan(&["--stored-requests"]))).unwrap();
    let tiers: Vec<&Value> = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|n| n["observations"].as_array().unwrap())
        .map(|o| &o["reason"]["tier"])
        .collect();
    assert!(!tiers.is_empty() && tiers.iter().all(|t| *t != "request"));
}

#[test]
fn a_short_campaign_keeps_the_catalog_fresh() {
    let dir = temp_dir("campaign");
    let out = dir.join("campaign.json");
    let o = aposos(&[
        "campaign",
        "--nights",
        "2",
        "--synthetic",
        "400",
        "--data-dir",
        &s(&dir),
        "--lns-iterations",
        "200",
        "--cloud-probability",
        "0",
        "--format",
        "json",
        "--output",
        &s(&out),
    ]);
    ok(&o);
    let r = read_json(&out);
    assert_eq!(r["objects"], 400);
    let nights = r["nights"].as_array().unwrap();
    assert_eq!(nights.len(), 2);
    for n in nights {
        assert_eq!(n["nodes_clear"], 3);
        assert!(n["observed"].as_u64().unwrap() > 50, "{n}");
        assert!(n["correlated"].as_u64().unwrap() > 40, "{n}");
        assert!(n["orbits_fitted"].as_u64().unwrap() > 20, "{n}");
        assert!(n["requests_active"].as_u64().unwrap() > 0);
        // Correlation against orbits the loop itself fitted stays right.
        assert!(
            n["miscorrelated"].as_u64().unwrap() * 50 <= n["correlated"].as_u64().unwrap(),
            "{n}"
        );
    }
    // The demo requests name objects the nodes can see, and the plan serves them.
    let requests = r["requests"].as_array().unwrap();
    assert!(!requests.is_empty());
    for q in requests {
        assert_eq!(q["planned_by_night"].as_array().unwrap().len(), 2, "{q}");
    }
    assert!(
        nights[1]["requests_complete"].as_u64().unwrap() * 2 >= requests.len() as u64,
        "{}",
        r["requests"]
    );
    let median = |v: &Value| v["median_km"].as_f64().unwrap();
    let before = &r["before"];
    let after = &nights[1]["after"];
    // Observed objects get orbits far better than the degraded ones they replace.
    assert!(
        median(&after["catalog_sigma"]) < median(&before["catalog_sigma"]),
        "{before} {after}"
    );
    assert!(
        median(&after["catalog_error"]) < median(&before["catalog_error"]),
        "{before} {after}"
    );
    assert!(
        median(&after["catalog_error"]) < 0.8 * median(&after["catalog_error_without_network"]),
        "{after}"
    );
    // The fitted orbits' σ is honest: their true error is not larger than it says
    // (a fit that trusted one tracklet for the mean motion reported 0.25 km for 4 km).
    assert!(
        median(&after["fitted_error"]) <= 1.5 * median(&after["fitted_sigma"]),
        "{after}"
    );
    assert!(
        r["nights"][1]["after"]["fitted_error"]["p95_km"]
            .as_f64()
            .unwrap()
            <= 3.0
                * r["nights"][1]["after"]["fitted_sigma"]["p95_km"]
                    .as_f64()
                    .unwrap(),
        "{after}"
    );
    let table = ok(&aposos(&[
        "campaign",
        "--nights",
        "1",
        "--synthetic",
        "100",
        "--data-dir",
        &s(&dir),
        "--lns-iterations",
        "50",
    ]));
    assert!(table.contains("| night | clear nodes |"), "{table}");
    assert!(table.contains("| 2026-05-20 |"), "{table}");
    // Every row of the table has the header's cells.
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(rows.len(), 4, "{table}");
    for row in &rows {
        assert_eq!(
            row.matches('|').count(),
            rows[0].matches('|').count(),
            "{row}"
        );
    }
}
