//! Uncorrelated tracks linked into new objects: one simulated clear night of the three
//! nodes (2″ noise, tracklets of a GEO object every 30 minutes), the GEO objects' numbers
//! removed as if the catalog did not know them; each candidate must hold the tracklets of
//! one true object only, and its orbit must be near that object's.

use aposos_astro::Eop;
use aposos_formats::Epoch;
use aposos_obs::linkage::{link_uncorrelated, LinkOptions};
use aposos_obs::simulate::{simulate, Schedule, SimRequest, SimSettings, TelescopeSettings};
use aposos_orbit::synthetic::{generate_catalog, Regime};
use aposos_orbit::Sgp4;
use aposos_plan::sites::{network, Role, Site};
use aposos_plan::windows::{CatalogObject, WindowOptions};
use std::collections::{BTreeMap, BTreeSet, HashMap};

fn epoch(s: &str) -> Epoch {
    Epoch::parse_iso(s).expect("epoch")
}

#[test]
fn geo_uncorrelated_tracks_become_candidate_objects() {
    let all = generate_catalog(3000, 41, epoch("2026-05-20T00:00:00"));
    let geo: Vec<_> = all
        .iter()
        .filter(|o| o.regime == Regime::Geo)
        .take(12)
        .collect();
    let objects: Vec<CatalogObject> = geo
        .iter()
        .map(|o| CatalogObject {
            elements: o.elements.clone(),
            std_mag: Some(2.0),
        })
        .collect();
    let sites: Vec<Site> = network()
        .into_iter()
        .filter(|s| s.role == Role::Node)
        .collect();
    let eop = Eop::embedded();
    let settings = SimSettings {
        defaults: TelescopeSettings {
            cloud_probability: 0.0,
            revisit_s: Some(1800.0),
            ..TelescopeSettings::default()
        },
        sites: BTreeMap::new(),
    };
    let out = simulate(&SimRequest {
        objects: &objects,
        sites: &sites,
        from: epoch("2026-05-20T12:00:00"),
        to: epoch("2026-05-21T12:00:00"),
        eop,
        window: WindowOptions {
            min_el_deg: 15.0,
            ..WindowOptions::default()
        },
        settings: &settings,
        schedule: Schedule::Greedy,
        seed: 9,
        uncorrelated: false,
    })
    .expect("simulation");
    let truth_of: Vec<u32> = out
        .observations
        .iter()
        .map(|o| o.norad_cat_id.unwrap())
        .collect();
    let mut obs = out.observations.clone();
    for o in &mut obs {
        o.norad_cat_id = None;
        o.object_id = None;
        o.tracklet_id = None;
    }
    let geodetic: HashMap<String, aposos_astro::Geodetic> =
        sites.iter().map(|s| (s.id.clone(), s.geodetic)).collect();
    let report = link_uncorrelated(&obs, &geodetic, eop, &LinkOptions::default());
    let observed: BTreeSet<u32> = truth_of.iter().copied().collect();
    let mut found = BTreeSet::new();
    let mut worst_km: f64 = 0.0;
    for c in &report.candidates {
        let owners: BTreeSet<u32> = c.observations.iter().map(|&i| truth_of[i]).collect();
        assert_eq!(
            owners.len(),
            1,
            "{} mixes objects {owners:?}",
            c.designation
        );
        let norad = *owners.iter().next().unwrap();
        assert!(found.insert(norad), "{norad} found twice");
        let t = Sgp4::new(
            &geo.iter()
                .find(|o| o.elements.norad_cat_id == norad)
                .unwrap()
                .elements,
        )
        .unwrap();
        let f = Sgp4::new(&c.elements).unwrap();
        let at = c.elements.epoch;
        let (a, b) = (
            t.propagate(at.minutes_since(t.epoch()))
                .unwrap()
                .position_km,
            f.propagate(0.0).unwrap().position_km,
        );
        let d = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt();
        worst_km = worst_km.max(d);
        assert!(c.norad_cat_id >= 330_000 && c.designation.starts_with("APOSOS-"));
    }
    eprintln!(
        "{} GEO objects observed, {} candidates, {} unlinked tracklets, worst position error {worst_km:.2} km",
        observed.len(),
        report.candidates.len(),
        report.unlinked.len()
    );
    assert!(
        found.len() * 4 >= observed.len() * 3,
        "{} of {} objects found",
        found.len(),
        observed.len()
    );
    assert!(worst_km < 50.0, "{worst_km} km");
}
