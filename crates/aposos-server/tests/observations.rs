//! Observations through the API: quality control with a reason per record, idempotent
//! duplicates, who may report for which node, and who reads what (each sharing level ×
//! each kind of caller), in JSON, TDM and IOD. On SQLite and PostgreSQL.

mod common;

use common::{element, object, Engine, TestServer};
use serde_json::json;

fn now_iso(offset_s: i64) -> String {
    let e = aposos_formats::Epoch::now_utc_micros().add_ns(offset_s * 1_000_000_000);
    format!("{}Z", e.to_iso())
}

fn obs(station: &str, norad: Option<u32>, offset_s: i64, ra: f64) -> serde_json::Value {
    json!({"station": station, "norad": norad, "time_utc": now_iso(offset_s), "ra_deg": ra, "dec_deg": 12.5,
           "frame": "J2000", "angle_sigma_arcsec": 2.0, "time_sigma_s": 0.001, "mag": 7.5})
}

fn run(engine: Engine) {
    let srv = TestServer::start(
        engine,
        vec![element(5, 0, "CAT 5")],
        vec![object(5, "US"), object(6, "PAKI")],
        |_| {},
    );
    let post = |user: &str, sharing: &str, body: &serde_json::Value| {
        srv.call(
            "POST",
            &format!("/api/v1/observations?sharing={sharing}"),
            Some(srv.token(user)),
            &[],
            Some(&body.to_string()),
        )
    };
    let batch = json!([
        obs("pk-test", Some(5), -600, 10.0),
        obs("pk-test", Some(5), -599, 10.1),
        obs("pk-test", None, -598, 10.2),
        obs("pe-test", Some(5), -597, 10.3),
        obs("nowhere", Some(5), -596, 10.4),
        obs("pk-test", Some(5), 3600, 10.5),
        obs("pk-test", Some(424242), -595, 10.6),
        obs("pk-test", Some(5), -400 * 86400, 10.7),
    ]);
    let r = post("SUPARCO-operator", "private", &batch);
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(
        (
            v["accepted"].as_u64(),
            v["duplicates"].as_u64(),
            v["rejected"].as_u64()
        ),
        (Some(3), Some(0), Some(5)),
        "{v}"
    );
    let reasons: Vec<String> = v["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["reason"].as_str().map(str::to_string))
        .collect();
    for (want, line) in [
        ("belongs to PE", 4),
        ("not a known site", 5),
        ("in the future", 6),
        ("not in the catalog", 7),
        ("days old", 8),
    ] {
        assert!(
            reasons
                .iter()
                .any(|r| r.contains(want) && r.starts_with(&format!("upload:{line}:"))),
            "{want}: {reasons:?}"
        );
    }
    // The same upload again: the good ones are duplicates.
    let v = post("SUPARCO-operator", "private", &batch).json();
    assert_eq!(
        (v["accepted"].as_u64(), v["duplicates"].as_u64()),
        (Some(0), Some(3)),
        "{v}"
    );
    // The same record twice in one upload: stored once.
    let one = obs("pk-test", Some(5), -300, 50.0);
    let twice = json!([one.clone(), one]);
    let v = post("SUPARCO-operator", "private", &twice).json();
    assert_eq!(
        (v["accepted"].as_u64(), v["duplicates"].as_u64()),
        (Some(1), Some(1)),
        "{v}"
    );
    // Who may upload, and for which node.
    srv.call(
        "POST",
        "/api/v1/observations",
        Some(srv.token("SUPARCO-viewer")),
        &[],
        Some(&batch.to_string()),
    )
    .assert_problem(403);
    srv.call(
        "POST",
        "/api/v1/observations",
        None,
        &[],
        Some(&batch.to_string()),
    )
    .assert_problem(401);
    let p = post(
        "Watcher-operator",
        "public",
        &json!([obs("pk-test", Some(5), -500, 11.0)]),
    )
    .assert_problem(422);
    assert!(
        p["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("may not report"),
        "{p}"
    );
    post(
        "CONIDA-analyst",
        "private",
        &json!([obs("pk-test", Some(5), -500, 11.0)]),
    )
    .assert_problem(422);
    assert_eq!(
        post(
            "CONIDA-analyst",
            "consortium",
            &json!([obs("pe-test", Some(5), -500, 20.0)])
        )
        .json()["accepted"],
        1
    );
    assert_eq!(
        post(
            "SUPARCO-analyst",
            "public",
            &json!([obs("pk-test", Some(5), -450, 30.0)])
        )
        .json()["accepted"],
        1
    );
    assert_eq!(
        post(
            "admin",
            "public",
            &json!([obs("pe-test", Some(6), -440, 40.0)])
        )
        .json()["accepted"],
        1
    );
    // Marked objects keep their observations in the consortium.
    let r = srv.call(
        "PUT",
        "/api/v1/satcat/6/marking",
        Some(srv.token("SUPARCO-analyst")),
        &[("content-type", "application/json")],
        Some(r#"{"consortium_only":true}"#),
    );
    assert_eq!(r.status, 200, "{}", r.body);

    // Who reads what: SUPARCO private (3), CONIDA consortium (1), SUPARCO public (1), admin public on a marked object (1).
    let count = |user: Option<&str>, q: &str| -> usize {
        let r = srv.get(&format!("/api/v1/observations{q}"), user);
        assert_eq!(r.status, 200, "{}", r.body);
        r.json().as_array().unwrap().len()
    };
    for (user, want) in [
        (None, 1),
        (Some("Watcher-viewer"), 1),
        (Some("CONIDA-viewer"), 3),
        (Some("SUPARCO-viewer"), 7),
        (Some("admin"), 7),
    ] {
        assert_eq!(count(user, ""), want, "{user:?}");
    }
    assert_eq!(
        count(Some("SUPARCO-viewer"), "?norad=0"),
        1,
        "uncorrelated ones"
    );
    assert_eq!(count(Some("SUPARCO-viewer"), "?site=pe-test"), 2);
    assert_eq!(count(Some("admin"), "?limit=2"), 2);
    // Paging covers everything once.
    let r = srv.get("/api/v1/observations?limit=4", Some("admin"));
    let cur = r.headers.get("x-next-cursor").expect("cursor").clone();
    assert_eq!(
        srv.get(
            &format!("/api/v1/observations?limit=4&cursor={cur}"),
            Some("admin")
        )
        .json()
        .as_array()
        .unwrap()
        .len(),
        3
    );
    // Formats: TDM reads back with the same values; IOD needs 4-digit station numbers.
    let tdm = srv.get("/api/v1/observations?format=tdm", Some("SUPARCO-viewer"));
    assert!(tdm.body.starts_with("CCSDS_TDM_VERS = 2.0"), "{}", tdm.body);
    let back = aposos_formats::obs::tdm::read_tdm_kvn("t", &tdm.body);
    assert_eq!(back.observations.len(), 7);
    assert!(back.errors.is_empty());
    srv.get("/api/v1/observations?format=iod", Some("admin"))
        .assert_problem(422);
    // These observations carry no designator, and the UK format has nothing else.
    let uk = srv
        .get("/api/v1/observations?format=uk", Some("admin"))
        .assert_problem(422);
    assert!(
        uk["detail"]
            .as_str()
            .unwrap()
            .contains("international designator"),
        "{uk}"
    );
    srv.get("/api/v1/observations?format=rde", Some("admin"))
        .assert_problem(422);
    srv.get("/api/v1/observations?format=rdf", None)
        .assert_problem(400);
    // Non-public reads and every upload are audited.
    let audit = srv
        .get("/api/v1/audit?action=observations.", Some("admin"))
        .json();
    let actions: Vec<(String, String)> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for want in [
        ("observations.upload", "ok"),
        ("observations.upload", "denied"),
        ("observations.upload", "rejected"),
        ("observations.read", "ok"),
    ] {
        assert!(
            actions.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} in {actions:?}"
        );
    }
}

#[test]
fn observations_on_sqlite() {
    run(Engine::Sqlite);
}

#[test]
fn observations_on_postgres() {
    run(Engine::Postgres);
}
