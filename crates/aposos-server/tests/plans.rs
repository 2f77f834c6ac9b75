//! Published nightly plans through the API: the centre's admins publish versions of a
//! node's plan; the node's member state reads the latest or a given version; other
//! states, viewers and anonymous callers do not; reads and publications are audited.
//! On SQLite and PostgreSQL.

mod common;

use common::{Engine, TestServer};
use serde_json::{json, Value};

fn publish(srv: &TestServer, user: Option<&str>, path: &str, body: &str) -> common::Reply {
    let token = user.map(|u| srv.token(u).to_string());
    srv.call(
        "POST",
        path,
        token.as_deref(),
        &[("content-type", "application/json")],
        Some(body),
    )
}

fn run(engine: Engine) {
    let srv = TestServer::start(engine, vec![], vec![], |_| {});
    let night = "2030-01-01";
    let path = format!("/api/v1/sites/pk-test/plan?night={night}");
    let v1 = json!({"site": "pk-test", "targets": [{"norad": 25544, "start_utc": "2030-01-01T18:00:00Z", "exposures": 8}]});
    let v2 = json!({"site": "pk-test", "targets": [], "reason": "re-planned for the weather"});

    // Publishing: admins only, each time a new version.
    for (doc, want) in [(&v1, 1), (&v2, 2)] {
        let r = publish(&srv, Some("admin"), &path, &doc.to_string());
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(
            r.json(),
            json!({"site": "pk-test", "night": night, "version": want})
        );
    }
    publish(&srv, None, &path, &v1.to_string()).assert_problem(401);
    for user in ["SUPARCO-operator", "SUPARCO-analyst", "CONIDA-operator"] {
        publish(&srv, Some(user), &path, &v1.to_string()).assert_problem(403);
    }
    publish(&srv, Some("admin"), &path, "[1, 2]").assert_problem(422);
    publish(&srv, Some("admin"), &path, "{\"targets\": [").assert_problem(400);
    let p = publish(
        &srv,
        Some("admin"),
        "/api/v1/sites/pk-test/plan?night=2030-02-30",
        "{}",
    )
    .assert_problem(400);
    assert!(p["detail"].as_str().unwrap().starts_with("night:"), "{p}");
    publish(&srv, Some("admin"), "/api/v1/sites/pk-test/plan", "{}").assert_problem(400);
    publish(
        &srv,
        Some("admin"),
        &format!("/api/v1/sites/nowhere/plan?night={night}"),
        "{}",
    )
    .assert_problem(404);

    // Reading: the latest by default, or a given version, with every version listed.
    let read = |user: Option<&str>, path: &str| srv.get(path, user);
    for user in ["admin", "SUPARCO-operator", "SUPARCO-analyst"] {
        let r = read(Some(user), &path);
        assert_eq!(r.status, 200, "{user}: {}", r.body);
        let v = r.json();
        assert_eq!(
            (
                &v["site"],
                &v["night"],
                &v["version"],
                &v["versions"],
                &v["plan"]
            ),
            (
                &json!("pk-test"),
                &json!(night),
                &json!(2),
                &json!([1, 2]),
                &v2
            ),
            "{user}"
        );
        assert_eq!(v["created_by"], "admin");
        assert!(v["created_utc"].as_str().unwrap().ends_with('Z'));
    }
    let r = read(Some("SUPARCO-operator"), &format!("{path}&version=1"));
    assert_eq!(r.status, 200, "{}", r.body);
    let first: Value = r.json();
    assert_eq!((&first["version"], &first["plan"]), (&json!(1), &v1));
    assert_eq!(first["versions"], json!([1, 2]));

    // Not for other states, viewers, observers or anonymous callers.
    for user in [
        "CONIDA-operator",
        "CONIDA-analyst",
        "SUPARCO-viewer",
        "Watcher-operator",
    ] {
        read(Some(user), &path).assert_problem(403);
    }
    read(None, &path).assert_problem(401);

    // Nights and versions that have no plan; bad arguments.
    let p = read(Some("admin"), "/api/v1/sites/pk-test/plan?night=2030-01-02").assert_problem(404);
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.contains("pk-test") && detail.contains("2030-01-02"),
        "{detail}"
    );
    let p = read(Some("SUPARCO-operator"), &format!("{path}&version=3")).assert_problem(404);
    assert!(
        p["detail"].as_str().unwrap().contains("versions 1, 2"),
        "{p}"
    );
    read(
        Some("admin"),
        &format!("/api/v1/sites/pe-test/plan?night={night}"),
    )
    .assert_problem(404);
    read(
        Some("admin"),
        &format!("/api/v1/sites/nowhere/plan?night={night}"),
    )
    .assert_problem(404);
    for bad in [
        "night=tonight",
        "night=2030-1-1",
        "",
        &format!("night={night}&version=0"),
        &format!("night={night}&version=latest"),
    ] {
        let p =
            read(Some("admin"), &format!("/api/v1/sites/pk-test/plan?{bad}")).assert_problem(400);
        let d = p["detail"].as_str().unwrap();
        assert!(
            d.starts_with("night:") || d.starts_with("version:"),
            "{bad}: {d}"
        );
    }

    // The audit trail: publications, refusals and every read.
    let audit = srv.get("/api/v1/audit?action=plan.", Some("admin")).json();
    let entries: Vec<(String, String, String, String)> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["outcome"].as_str().unwrap().to_string(),
                e["user"].as_str().unwrap_or("").to_string(),
                e["target"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let count = |action: &str, outcome: &str| {
        entries
            .iter()
            .filter(|e| e.0 == action && e.1 == outcome)
            .count()
    };
    assert_eq!(count("plan.publish", "ok"), 2, "{entries:?}");
    assert_eq!(count("plan.publish", "denied"), 3, "{entries:?}");
    assert_eq!(count("plan.read", "ok"), 4, "{entries:?}");
    assert_eq!(count("plan.read", "denied"), 4, "{entries:?}");
    assert!(entries.iter().any(|e| e.0 == "plan.read"
        && e.2 == "SUPARCO-operator"
        && e.3 == format!("pk-test/{night}")));
}

#[test]
fn plans_on_sqlite() {
    run(Engine::Sqlite);
}

#[test]
fn plans_on_postgres() {
    run(Engine::Postgres);
}
