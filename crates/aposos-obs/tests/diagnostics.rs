//! Station diagnostics recover what the simulator injected: a 30 ms clock error and a
//! 10″ pointing bias at one node, within 10 %, and flag that node only.

use aposos_astro::Eop;
use aposos_formats::Epoch;
use aposos_obs::diagnostics::{station_diagnostics, DriftLimits};
use aposos_obs::simulate::{simulate, Schedule, SimRequest, SimSettings, TelescopeSettings};
use aposos_orbit::synthetic::generate_catalog;
use aposos_plan::sites::{network, Role, Site};
use aposos_plan::windows::{CatalogObject, WindowOptions};
use std::collections::{BTreeMap, HashMap};

fn epoch(s: &str) -> Epoch {
    Epoch::parse_iso(s).expect("epoch")
}

#[test]
fn injected_timing_and_pointing_biases_are_recovered_within_ten_percent() {
    let objects: Vec<CatalogObject> = generate_catalog(1500, 17, epoch("2026-05-20T00:00:00"))
        .into_iter()
        .map(|o| CatalogObject {
            elements: o.elements,
            std_mag: Some(6.0),
        })
        .collect();
    let sites: Vec<Site> = network()
        .into_iter()
        .filter(|s| s.role == Role::Node)
        .collect();
    let clear = TelescopeSettings {
        cloud_probability: 0.0,
        ..TelescopeSettings::default()
    };
    let biased = TelescopeSettings {
        timing_bias_ms: 30.0,
        bias_ra_arcsec: 6.0,
        bias_dec_arcsec: 8.0,
        ..clear.clone()
    };
    let settings = SimSettings {
        defaults: clear,
        sites: BTreeMap::from([("pe-characato".to_string(), biased)]),
    };
    let eop = Eop::embedded();
    let out = simulate(&SimRequest {
        objects: &objects,
        sites: &sites,
        from: epoch("2026-05-20T12:00:00"),
        to: epoch("2026-05-22T12:00:00"),
        eop,
        window: WindowOptions {
            min_el_deg: 15.0,
            ..WindowOptions::default()
        },
        settings: &settings,
        schedule: Schedule::Greedy,
        seed: 5,
        uncorrelated: false,
    })
    .expect("simulation");
    let elements: HashMap<u32, _> = objects
        .iter()
        .map(|o| (o.elements.norad_cat_id, o.elements.clone()))
        .collect();
    let ids: Vec<&str> = sites.iter().map(|s| s.id.as_str()).collect();
    let diags = station_diagnostics(
        &out.observations,
        &elements,
        &sites,
        &ids,
        eop,
        &DriftLimits::default(),
    );
    assert_eq!(diags.len(), 3);
    for d in &diags {
        assert!(d.skipped.is_empty(), "{:?}", d.skipped);
        assert_eq!(d.nights.len(), 2, "{}: {:?}", d.station, d.nights);
        for n in &d.nights {
            assert!(n.objects >= 20 && n.observations >= 200, "{n:?}");
            let t = n.timing_bias_ms.expect("timing estimate");
            let pointing = n.bias_ra_arcsec.hypot(n.bias_dec_arcsec);
            // The noise is the simulated 2″ per axis.
            assert!((n.noise_arcsec - 2.0).abs() < 0.3, "{n:?}");
            if d.station == "pe-characato" {
                assert!((t - 30.0).abs() < 3.0, "timing {t} ms for 30 ms");
                assert!(
                    (pointing - 10.0).abs() < 1.0,
                    "pointing {pointing}\" for 10\""
                );
                assert!(
                    (n.bias_ra_arcsec - 6.0).abs() < 0.6 && (n.bias_dec_arcsec - 8.0).abs() < 0.8,
                    "{n:?}"
                );
                assert!(
                    !n.flags.is_empty(),
                    "a 30 ms, 10\" node must be flagged: {n:?}"
                );
            } else {
                assert!(t.abs() < 3.0 && pointing < 1.0, "{n:?}");
                assert!(n.flags.is_empty(), "{n:?}");
            }
        }
    }
}
