//! The background job after an observation upload: the upload's tracklets (sent without
//! catalog numbers) are correlated with the catalog and the orbit they touch is refitted;
//! the new element set enters the history under the upload's sharing level. On SQLite
//! and PostgreSQL.

mod common;

use aposos_formats::obs::{write_observations, Angles, ObsFormat, Observation, RaDecFrame};
use aposos_formats::{read_elements, Epoch, ReadOptions};
use aposos_orbit::Sgp4;
use aposos_plan::predict::{PredictOptions, TrackPredictor};
use common::{element, object, Engine, TestServer};

fn run(engine: Engine) {
    let now = Epoch::now_utc_micros();
    // The catalog's element set, a day old; the truth is 0.05° further along its orbit.
    let base = element(7, 0, "REFIT 7");
    let days = (now.minutes_since(base.epoch) / 1440.0).floor() as i64 - 1;
    let catalog = element(7, days, "REFIT 7");
    let mut truth = catalog.clone();
    truth.mean_anomaly_deg += 0.05;
    let srv = TestServer::start(
        engine,
        vec![catalog.clone()],
        vec![object(7, "PAKI")],
        |_| {},
    );
    let site = aposos_astro::Geodetic::from_degrees(10.0, 20.0, 100.0);
    let sat = Sgp4::new(&truth).unwrap();
    let mut pred = TrackPredictor::new(
        &sat,
        &site,
        aposos_astro::Eop::embedded(),
        PredictOptions::default(),
    );
    // An object the catalog does not know, seen in the same three sessions.
    let mut unknown = truth.clone();
    unknown.norad_cat_id = 8;
    unknown.raan_deg = (unknown.raan_deg + 70.0) % 360.0;
    unknown.mean_anomaly_deg = (unknown.mean_anomaly_deg + 150.0) % 360.0;
    let unknown_sat = Sgp4::new(&unknown).unwrap();
    let mut unknown_pred = TrackPredictor::new(
        &unknown_sat,
        &site,
        aposos_astro::Eop::embedded(),
        PredictOptions::default(),
    );
    let mut obs = Vec::new();
    for (k, start_min) in [-180.0, -120.0, -60.0].iter().enumerate() {
        for (f, id) in (0..16).map(|f| (f % 8, if f < 8 { "t" } else { "u" })) {
            let t = now.add_ns(
                ((start_min * 60.0 + f as f64 * 2.0 + if id == "u" { 300.0 } else { 0.0 }) * 1e9)
                    as i64,
            );
            let a = if id == "t" {
                pred.angles(t).unwrap()
            } else {
                unknown_pred.angles(t).unwrap()
            };
            obs.push(Observation {
                station: "pk-test".into(),
                norad_cat_id: None,
                object_id: None,
                time: t,
                time_sigma_s: Some(0.001),
                angles: Angles::RaDec {
                    ra_deg: a.ra_deg,
                    dec_deg: a.dec_deg,
                    frame: RaDecFrame::J2000,
                },
                angle_sigma_deg: Some(2.0 / 3600.0),
                mag: None,
                mag_sigma: None,
                tracklet_id: Some(format!("{id}{k}")),
                iod: None,
                provenance: None,
            });
        }
    }
    let body = write_observations(&obs, ObsFormat::Json, "T", now).unwrap();
    let r = srv.call(
        "POST",
        "/api/v1/observations?sharing=private",
        Some(srv.token("SUPARCO-operator")),
        &[],
        Some(&body),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["accepted"], 48);
    // The job runs in the background: wait for the new element set (at most 60 s).
    let from = format!("{}Z", catalog.epoch.add_ns(-60_000_000_000).to_iso());
    let path = format!("/api/v1/gp/history?norad=7&from={from}");
    let mut history = Vec::new();
    for _ in 0..600 {
        let r = srv.get(&path, Some("SUPARCO-viewer"));
        assert_eq!(r.status, 200, "{}", r.body);
        history = read_elements("h.json", &r.body, &ReadOptions::default()).elements;
        if history.len() >= 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(history.len(), 2, "no refitted element set appeared");
    let fitted = history.iter().max_by_key(|e| e.epoch).unwrap();
    let last = obs
        .iter()
        .filter(|o| o.tracklet_id.as_deref().is_some_and(|t| t.starts_with('t')))
        .map(|o| o.time)
        .max()
        .unwrap();
    assert!(
        (fitted.epoch.minutes_since(last)).abs() < 0.01,
        "epoch at the last measurement"
    );
    // The refit is nearer the truth than the catalog was (0.05° ≈ 6 km along track).
    let at = |e: &aposos_formats::ElementSet| {
        let s = Sgp4::new(e).unwrap();
        s.propagate(last.minutes_since(s.epoch()))
            .unwrap()
            .position_km
    };
    let d = |a: [f64; 3], b: [f64; 3]| (0..3).map(|k| (a[k] - b[k]).powi(2)).sum::<f64>().sqrt();
    let (before, after) = (d(at(&catalog), at(&truth)), d(at(fitted), at(&truth)));
    assert!(
        before > 3.0 && after < 0.5,
        "before {before} km, after {after} km"
    );
    // Shared as the upload: private to SUPARCO.
    let anon = read_elements(
        "a.json",
        &srv.get(&path, None).body,
        &ReadOptions::default(),
    )
    .elements;
    assert_eq!(anon.len(), 1, "the refit is private");
    // The job is audited.
    let audit = srv
        .get("/api/v1/audit?action=orbits.refit", Some("admin"))
        .json();
    let entry = &audit.as_array().unwrap()[0];
    assert!(
        entry["detail"]
            .as_str()
            .unwrap()
            .contains("1 orbits refitted"),
        "{entry}"
    );
    // The unknown object's three tracklets became one provisional object (the top of
    // the Alpha-5 range), with an element set near its truth and its observations filed
    // under the new number.
    let detail = entry["detail"].as_str().unwrap();
    assert!(detail.contains("1 provisional objects"), "{detail}");
    let r = srv.get("/api/v1/satcat/330000", None);
    assert_eq!(r.status, 200, "{}", r.body);
    let rec = r.json();
    assert_eq!(rec["PROVISIONAL"], true, "{rec}");
    assert_eq!(rec["OBJECT_NAME"], "APOSOS-330000", "{rec}");
    let r = srv.get("/api/v1/gp/history?norad=330000", Some("SUPARCO-viewer"));
    let sets = read_elements("p.json", &r.body, &ReadOptions::default()).elements;
    assert_eq!(sets.len(), 1, "{}", r.body);
    let (u, p) = (at(&unknown), at(&sets[0]));
    assert!(
        d(u, p) < 5.0,
        "provisional orbit {} km from the truth",
        d(u, p)
    );
    let r = srv.get("/api/v1/observations?norad=330000", Some("SUPARCO-viewer"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json().as_array().map(|a| a.len()), Some(24), "{}", r.body);
    // And those of the known object are filed under it: correlation is kept.
    let r = srv.get("/api/v1/observations?norad=7", Some("SUPARCO-viewer"));
    assert_eq!(r.json().as_array().map(|a| a.len()), Some(24), "{}", r.body);
}

#[test]
fn refit_after_upload_on_sqlite() {
    run(Engine::Sqlite);
}

#[test]
fn refit_after_upload_on_postgres() {
    run(Engine::Postgres);
}
