//! `GET /api/v1/sites/{id}/diagnostics` on observations uploaded through the API: a node
//! simulated with a 30 ms clock error and a 10″ pointing bias is diagnosed as such (within
//! 10 %) and flagged, for the callers who may see its observations. SQLite and PostgreSQL.

mod common;

use aposos_formats::obs::{write_observations, ObsFormat};
use aposos_formats::Epoch;
use aposos_obs::simulate::{simulate, Schedule, SimRequest, SimSettings, TelescopeSettings};
use aposos_plan::windows::{CatalogObject, WindowOptions};
use common::{object, Engine, TestServer};

fn run(engine: Engine) {
    let now = Epoch::now_utc_micros();
    let hours = |h: i64| Epoch::from_ns_since_1950(now.ns_since_1950() + h * 3_600_000_000_000);
    let catalog: Vec<_> = aposos_orbit::synthetic::generate_catalog(400, 3, now)
        .into_iter()
        .map(|o| o.elements)
        .collect();
    let objects: Vec<_> = catalog
        .iter()
        .map(|e| object(e.norad_cat_id, "US"))
        .collect();
    let srv = TestServer::start(engine, catalog.clone(), objects, |_| {});
    // The test platform's "pe-test" node (10° N, 20° E, 100 m).
    let mut site =
        aposos_plan::sites::Site::at(aposos_astro::Geodetic::from_degrees(10.0, 20.0, 100.0));
    site.id = "pe-test".into();
    let settings = SimSettings {
        defaults: TelescopeSettings {
            cloud_probability: 0.0,
            timing_bias_ms: 30.0,
            bias_ra_arcsec: -6.0,
            bias_dec_arcsec: 8.0,
            ..TelescopeSettings::default()
        },
        ..SimSettings::default()
    };
    let objects: Vec<CatalogObject> = catalog
        .iter()
        .map(|e| CatalogObject {
            elements: e.clone(),
            std_mag: Some(6.0),
        })
        .collect();
    let out = simulate(&SimRequest {
        objects: &objects,
        sites: std::slice::from_ref(&site),
        from: hours(-30),
        to: hours(-1),
        eop: aposos_astro::Eop::embedded(),
        window: WindowOptions::default(),
        settings: &settings,
        schedule: Schedule::EveryWindow,
        seed: 8,
        uncorrelated: false,
    })
    .expect("simulation");
    assert!(
        out.observations.len() > 500,
        "{} observations",
        out.observations.len()
    );
    let body = write_observations(&out.observations, ObsFormat::Json, "SIM", now).expect("json");
    let r = srv.call(
        "POST",
        "/api/v1/observations?sharing=consortium",
        Some(srv.token("CONIDA-operator")),
        &[],
        Some(&body),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json()["accepted"].as_u64(),
        Some(out.observations.len() as u64)
    );

    let r = srv.get(
        "/api/v1/sites/pe-test/diagnostics?residuals=true",
        Some("CONIDA-analyst"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(
        v["residual_count"].as_u64(),
        Some(out.observations.len() as u64),
        "{v}"
    );
    assert_eq!(
        v["residuals"].as_array().map(Vec::len),
        Some(out.observations.len())
    );
    let nights = v["nights"].as_array().expect("nights");
    let mut checked = 0;
    for n in nights {
        if n["objects"].as_u64().unwrap_or(0) < 10 {
            continue;
        }
        checked += 1;
        let t = n["timing_bias_ms"].as_f64().expect("timing");
        let (b_ra, b_dec) = (
            n["bias_ra_arcsec"].as_f64().unwrap(),
            n["bias_dec_arcsec"].as_f64().unwrap(),
        );
        assert!((t - 30.0).abs() < 3.0, "timing {t}: {n}");
        assert!(
            (b_ra.hypot(b_dec) - 10.0).abs() < 1.0,
            "pointing {b_ra} {b_dec}: {n}"
        );
        assert!(!n["flags"].as_array().unwrap().is_empty(), "{n}");
    }
    assert!(checked >= 1, "no night with 10 objects: {nights:?}");
    // Consortium observations: an observer organisation and anonymous callers see none.
    for user in [None, Some("Watcher-analyst")] {
        let r = srv.get("/api/v1/sites/pe-test/diagnostics", user);
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["residual_count"].as_u64(), Some(0), "{user:?}");
    }
    srv.get("/api/v1/sites/nowhere/diagnostics", None)
        .assert_problem(404);
    srv.get(
        "/api/v1/sites/pe-test/diagnostics?from=2026-01-01T00:00:00&to=2025-01-01T00:00:00",
        None,
    )
    .assert_problem(400);
    srv.get(
        "/api/v1/sites/pe-test/diagnostics?from=2025-01-01T00:00:00&to=2026-01-01T00:00:00",
        None,
    )
    .assert_problem(400);
}

#[test]
fn diagnostics_on_sqlite() {
    run(Engine::Sqlite);
}

#[test]
fn diagnostics_on_postgres() {
    run(Engine::Postgres);
}
