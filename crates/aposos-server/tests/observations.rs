//! Observations through the API: quality control with a reason per record, idempotent
//! duplicates, who may report for which node, and who reads what (each sharing level ×
//! each kind of caller), in JSON, TDM, IOD, UK and RDE; the observer community's records
//! tied to their site by station number, star-chart equinoxes reduced to J2000, and
//! every record's provenance (upload, format, original line). On SQLite and PostgreSQL.

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
    observer_formats(&srv);
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

/// IOD, UK and RDE uploads: station numbers become sites, B1950 becomes J2000, and each
/// record keeps its upload, format and original line.
fn observer_formats(srv: &TestServer) {
    use aposos_formats::obs::{write_observations, Angles, ObsFormat, Observation, RaDecFrame};
    let t = aposos_formats::Epoch::now_utc_micros().add_ns(-900_000_000_000);
    let o = |norad: Option<u32>, frame: RaDecFrame, dt_s: i64| Observation {
        station: "9901".into(),
        norad_cat_id: norad,
        object_id: Some("1998-067A".into()),
        time: t.add_ns(dt_s * 1_000_000_000),
        time_sigma_s: Some(0.2),
        angles: Angles::RaDec {
            ra_deg: 100.25,
            dec_deg: 30.5,
            frame,
        },
        angle_sigma_deg: Some(60.0 / 3600.0),
        mag: Some(4.5),
        mag_sigma: None,
        tracklet_id: None,
        iod: None,
        provenance: None,
    };
    let t0 = aposos_formats::Epoch::now_utc_micros();
    let files = [
        (
            ObsFormat::Iod,
            vec![
                o(Some(5), RaDecFrame::J2000, 0),
                o(Some(5), RaDecFrame::J2000, 10),
            ],
        ),
        (ObsFormat::Uk, vec![o(None, RaDecFrame::J2000, 20)]),
        (
            ObsFormat::Rde,
            vec![
                o(None, RaDecFrame::Equinox(1950.0), 30),
                o(None, RaDecFrame::Equinox(1950.0), 40),
            ],
        ),
    ];
    for (format, obs) in &files {
        let text = write_observations(obs, *format, "T", t0).unwrap();
        let r = srv.call(
            "POST",
            "/api/v1/observations?sharing=private",
            Some(srv.token("SUPARCO-operator")),
            &[],
            Some(&text),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        assert_eq!(v["format"], format.name(), "{v}");
        assert_eq!(
            v["accepted"].as_u64(),
            Some(obs.len() as u64),
            "{format:?}: {v}\n{text}"
        );
    }
    let from = format!(
        "{}Z&to={}Z",
        t.add_ns(-1_000_000_000).to_iso(),
        t.add_ns(60_000_000_000).to_iso()
    );
    let got = srv
        .get(
            &format!("/api/v1/observations?site=pk-test&from={from}"),
            Some("SUPARCO-operator"),
        )
        .json();
    let got = got.as_array().unwrap();
    assert_eq!(got.len(), 5, "{got:?}");
    let mut uploads = std::collections::BTreeMap::new();
    for (g, (format, text_line)) in got.iter().zip([
        (ObsFormat::Iod, 1),
        (ObsFormat::Iod, 2),
        (ObsFormat::Uk, 1),
        (ObsFormat::Rde, 3),
        (ObsFormat::Rde, 4),
    ]) {
        let p = &g["provenance"];
        assert_eq!(p["format"], format.name(), "{g}");
        assert_eq!(p["line"].as_u64(), Some(text_line), "{g}");
        assert_eq!(g["station"], "pk-test", "station number 9901 is pk-test");
        let (_, obs) = files.iter().find(|(f, _)| f == &format).unwrap();
        let sent = write_observations(obs, format, "T", t0).unwrap();
        assert_eq!(
            p["text"].as_str(),
            sent.lines().nth(text_line as usize - 1),
            "the original line"
        );
        uploads
            .entry(format.name())
            .or_insert_with(Vec::new)
            .push(p["upload_id"].as_i64().unwrap());
        assert_eq!(g["frame"], "J2000");
    }
    // One upload id per upload, different between uploads.
    let ids: std::collections::BTreeSet<i64> = uploads.values().flatten().copied().collect();
    assert_eq!(ids.len(), 3, "{uploads:?}");
    // The RDE records were B1950: stored as J2000 (precession moves them by about a degree).
    let mut want = o(None, RaDecFrame::Equinox(1950.0), 30);
    want.time = aposos_formats::Epoch::parse_iso(got[3]["time_utc"].as_str().unwrap()).unwrap();
    assert!(aposos_obs::reduce::reduce_to_j2000(&mut want));
    let Angles::RaDec {
        ra_deg, dec_deg, ..
    } = want.angles
    else {
        unreachable!()
    };
    let (ra, dec) = (
        got[3]["ra_deg"].as_f64().unwrap(),
        got[3]["dec_deg"].as_f64().unwrap(),
    );
    assert!((ra - 100.25).abs() > 0.5, "{ra}");
    assert!(
        (ra - ra_deg).abs() < 1e-9 && (dec - dec_deg).abs() < 1e-9,
        "{ra} {dec}"
    );
    // Written back as RDE, the station number returns.
    let rde = srv.get(
        &format!("/api/v1/observations?site=pk-test&from={from}&format=rde"),
        Some("SUPARCO-operator"),
    );
    assert_eq!(rde.status, 200, "{}", rde.body);
    assert!(rde.body.starts_with("9901 "), "{}", rde.body);
}

#[test]
fn observations_on_sqlite() {
    run(Engine::Sqlite);
}

#[test]
fn observations_on_postgres() {
    run(Engine::Postgres);
}
