//! Tracking requests through the API: who files (member states' admins, operators and
//! analysts; not observers nor viewers), the body's checks naming the field, who reads
//! which request (each sharing level × each kind of caller), who cancels, and the audit
//! trail. On SQLite and PostgreSQL.

mod common;

use common::{Engine, TestServer};
use serde_json::{json, Value};

fn body(sharing: &str, priority: u64) -> Value {
    json!({"norad_ids": [25544, 43013], "from_utc": "2030-01-01T00:00:00Z", "to_utc": "2030-01-08T00:00:00Z",
           "priority": priority, "tracklets_per_night": 3, "nights": 4, "sharing": sharing,
           "note": "before the manoeuvre"})
}

fn post(srv: &TestServer, user: Option<&str>, body: &str) -> common::Reply {
    let token = user.map(|u| srv.token(u).to_string());
    srv.call(
        "POST",
        "/api/v1/requests",
        token.as_deref(),
        &[("content-type", "application/json")],
        Some(body),
    )
}

fn delete(srv: &TestServer, user: Option<&str>, id: i64) -> common::Reply {
    let token = user.map(|u| srv.token(u).to_string());
    srv.call(
        "DELETE",
        &format!("/api/v1/requests/{id}"),
        token.as_deref(),
        &[],
        None,
    )
}

fn ids(r: &common::Reply) -> Vec<i64> {
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {}", r.body))
        .iter()
        .map(|v| v["id"].as_i64().expect("id"))
        .collect()
}

fn run(engine: Engine) {
    let srv = TestServer::start(engine, vec![], vec![], |_| {});

    // Filing: 201 with the stored request, every field as given.
    let r = post(
        &srv,
        Some("SUPARCO-analyst"),
        &body("private", 8).to_string(),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let private = r.json();
    assert_eq!(private["organisation"], "SUPARCO");
    assert_eq!(private["user"], "SUPARCO-analyst");
    assert_eq!(private["norad_ids"], json!([25544, 43013]));
    assert_eq!(private["from_utc"], "2030-01-01T00:00:00.000000Z");
    assert_eq!(private["to_utc"], "2030-01-08T00:00:00.000000Z");
    assert_eq!(
        (
            private["priority"].as_u64(),
            private["tracklets_per_night"].as_u64(),
            private["nights"].as_u64()
        ),
        (Some(8), Some(3), Some(4))
    );
    assert_eq!(private["sharing"], "private");
    assert_eq!(private["status"], "active");
    assert_eq!(private["note"], "before the manoeuvre");
    assert!(private["cancelled_utc"].is_null());
    assert!(private["created_utc"].as_str().unwrap().ends_with('Z'));
    let private_id = private["id"].as_i64().unwrap();
    // Defaults: priority 5, one tracklet on one night, consortium.
    let r = post(
        &srv,
        Some("SUPARCO-operator"),
        r#"{"norad_ids": [7], "from_utc": "2030-02-01T00:00:00Z", "to_utc": "2030-02-02T00:00:00Z"}"#,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let consortium = r.json();
    assert_eq!(
        (
            consortium["priority"].as_u64(),
            consortium["tracklets_per_night"].as_u64(),
            consortium["nights"].as_u64(),
            consortium["sharing"].as_str()
        ),
        (Some(5), Some(1), Some(1), Some("consortium"))
    );
    assert!(consortium["note"].is_null());
    let consortium_id = consortium["id"].as_i64().unwrap();
    let r = post(&srv, Some("admin"), &body("public", 10).to_string());
    assert_eq!(r.status, 201, "{}", r.body);
    let public_id = r.json()["id"].as_i64().unwrap();
    let r = post(
        &srv,
        Some("CONIDA-analyst"),
        &body("private", 2).to_string(),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let conida_id = r.json()["id"].as_i64().unwrap();

    // Bad bodies: refused, naming the field.
    let with = |k: &str, v: Value| {
        let mut b = body("consortium", 5);
        b[k] = v;
        b.to_string()
    };
    for (text, status, field) in [
        (with("priority", json!(0)), 422, "priority:"),
        (with("priority", json!(11)), 422, "priority:"),
        (with("priority", json!(300)), 422, "priority:"),
        (
            with("from_utc", json!("2030-02-01T00:00:00Z")),
            422,
            "to_utc:",
        ),
        (with("from_utc", json!("soon")), 422, "from_utc:"),
        (with("norad_ids", json!([])), 422, "norad_ids:"),
        (with("norad_ids", json!([0])), 422, "norad_ids:"),
        (with("norad_ids", json!(["ISS"])), 422, "norad_ids[0]:"),
        (with("norad_ids", json!([1_000_000_000])), 422, "norad_ids:"),
        (with("sharing", json!("everyone")), 422, "sharing:"),
        (with("nights", json!(61)), 422, "nights:"),
        (
            with("tracklets_per_night", json!(0)),
            422,
            "tracklets_per_night:",
        ),
        (with("urgency", json!(1)), 422, "urgency"),
        ("{\"norad_ids\": [1]".to_string(), 400, "body:"),
        ("".to_string(), 400, "body:"),
    ] {
        let p = post(&srv, Some("SUPARCO-analyst"), &text).assert_problem(status);
        let detail = p["detail"].as_str().unwrap();
        assert!(detail.contains(field), "{text}: {detail}");
    }

    // Who may file.
    post(&srv, None, &body("public", 5).to_string()).assert_problem(401);
    for user in [
        "SUPARCO-viewer",
        "Watcher-operator",
        "Watcher-analyst",
        "Watcher-viewer",
    ] {
        let p = post(&srv, Some(user), &body("public", 5).to_string()).assert_problem(403);
        assert!(
            p["detail"].as_str().unwrap().contains("member states"),
            "{p}"
        );
    }

    // Who reads what: newest first, each sharing level × each kind of caller.
    let everything = vec![conida_id, public_id, consortium_id, private_id];
    assert_eq!(ids(&srv.get("/api/v1/requests", Some("admin"))), everything);
    assert_eq!(
        ids(&srv.get("/api/v1/requests", Some("SUPARCO-viewer"))),
        vec![public_id, consortium_id, private_id],
        "the owner reads its own private requests"
    );
    assert_eq!(
        ids(&srv.get("/api/v1/requests", Some("CONIDA-viewer"))),
        vec![conida_id, public_id, consortium_id],
        "another member reads consortium and public ones, not SUPARCO's private one"
    );
    assert_eq!(
        ids(&srv.get("/api/v1/requests", Some("Watcher-viewer"))),
        vec![public_id]
    );
    assert_eq!(ids(&srv.get("/api/v1/requests", None)), vec![public_id]);
    let one = |id: i64, user: Option<&str>| srv.get(&format!("/api/v1/requests/{id}"), user);
    assert_eq!(one(private_id, Some("SUPARCO-viewer")).json(), private);
    assert_eq!(one(private_id, Some("admin")).status, 200);
    one(private_id, Some("CONIDA-analyst")).assert_problem(404);
    one(private_id, None).assert_problem(404);
    assert_eq!(one(consortium_id, Some("CONIDA-viewer")).status, 200);
    one(consortium_id, Some("Watcher-viewer")).assert_problem(404);
    one(consortium_id, None).assert_problem(404);
    assert_eq!(one(public_id, None).status, 200);
    assert_eq!(one(public_id, Some("Watcher-viewer")).status, 200);
    let p = one(4242, Some("admin")).assert_problem(404);
    assert!(p["detail"].as_str().unwrap().contains("4242"), "{p}");
    let p = srv
        .get("/api/v1/requests/ISS", Some("admin"))
        .assert_problem(400);
    assert!(p["detail"].as_str().unwrap().starts_with("id:"), "{p}");

    // Who cancels: its organisation's analysts and operators, and admins.
    delete(&srv, None, consortium_id).assert_problem(401);
    delete(&srv, Some("CONIDA-analyst"), consortium_id).assert_problem(403);
    delete(&srv, Some("CONIDA-operator"), consortium_id).assert_problem(403);
    delete(&srv, Some("SUPARCO-viewer"), consortium_id).assert_problem(403);
    delete(&srv, Some("CONIDA-analyst"), private_id).assert_problem(404);
    delete(&srv, Some("admin"), 4242).assert_problem(404);
    srv.call(
        "DELETE",
        "/api/v1/requests/x",
        Some(srv.token("admin")),
        &[],
        None,
    )
    .assert_problem(400);
    let r = delete(&srv, Some("SUPARCO-analyst"), consortium_id);
    assert_eq!(r.status, 200, "{}", r.body);
    let c = r.json();
    assert_eq!(c["status"], "cancelled");
    assert!(c["cancelled_utc"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    let r = delete(&srv, Some("admin"), conida_id);
    assert_eq!(r.status, 200, "{}", r.body);
    // Cancelled requests are kept and still listed.
    let listed = srv.get("/api/v1/requests", Some("admin")).json();
    let status: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(status, vec!["cancelled", "active", "cancelled", "active"]);
    let active = srv
        .block_on(srv.store.active_requests_between(0, i64::MAX))
        .unwrap();
    assert_eq!(
        active.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![public_id, private_id],
        "most urgent first"
    );

    // The audit trail: every filing and cancellation, refusals included, and non-public reads.
    let audit = srv
        .get("/api/v1/audit?action=request", Some("admin"))
        .json();
    let entries: Vec<(String, String, String)> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["outcome"].as_str().unwrap().to_string(),
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
    assert_eq!(count("request.file", "ok"), 4, "{entries:?}");
    assert_eq!(count("request.file", "denied"), 4, "{entries:?}");
    assert_eq!(count("request.cancel", "ok"), 2, "{entries:?}");
    assert_eq!(count("request.cancel", "denied"), 3, "{entries:?}");
    assert!(count("requests.read", "ok") >= 3, "{entries:?}");
    assert!(count("request.read", "ok") >= 3, "{entries:?}");
    assert!(entries
        .iter()
        .any(|e| e.0 == "request.file" && e.2 == private_id.to_string()));
}

#[test]
fn requests_on_sqlite() {
    run(Engine::Sqlite);
}

#[test]
fn requests_on_postgres() {
    run(Engine::Postgres);
}
