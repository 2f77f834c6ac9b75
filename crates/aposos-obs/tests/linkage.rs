//! Uncorrelated tracks linked into new objects: one simulated clear night of the three
//! nodes (2″ noise, tracklets of a GEO object every 30 minutes), the GEO objects' numbers
//! removed as if the catalog did not know them; each candidate must hold the tracklets of
//! one true object only, and its orbit must be near that object's.

mod common;

use aposos_astro::Eop;
use aposos_obs::linkage::{link_uncorrelated, LinkOptions};
use aposos_obs::simulate::Schedule;
use aposos_orbit::synthetic::{generate_catalog, Regime};
use aposos_orbit::Sgp4;
use common::{epoch, geodetic, objects, simulate_clear, Clear};
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn geo_uncorrelated_tracks_become_candidate_objects() {
    let all = generate_catalog(3000, 41, epoch("2026-05-20T00:00:00"));
    let geo: Vec<_> = all
        .iter()
        .filter(|o| o.regime == Regime::Geo)
        .take(12)
        .collect();
    let objects = objects(geo.iter().map(|o| &o.elements), 2.0);
    let eop = Eop::embedded();
    let (sites, out) = simulate_clear(
        &objects,
        &Clear {
            from: epoch("2026-05-20T12:00:00"),
            to: epoch("2026-05-21T12:00:00"),
            min_el_deg: Some(15.0),
            revisit_s: Some(1800.0),
            schedule: Schedule::Greedy,
            seed: 9,
            uncorrelated: false,
        },
    );
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
    let geodetic = geodetic(&sites);
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

/// LEO objects the catalog does not know, one tracklet per pass (8 exposures over 14 s,
/// 2″ noise) from the three nodes over two clear nights: tracklets of different passes
/// and nights must be linked into candidates holding one true object each, with orbits
/// near the truth.
#[test]
fn leo_uncorrelated_tracks_are_linked_across_passes_and_nights() {
    let all = generate_catalog(3000, 43, epoch("2026-05-20T00:00:00"));
    let leo: Vec<_> = all
        .iter()
        .filter(|o| {
            matches!(
                o.regime,
                Regime::LeoShell
                    | Regime::SunSynchronous
                    | Regime::LeoOther
                    | Regime::LeoDebris
                    | Regime::LeoRocketBody
            )
        })
        .take(40)
        .collect();
    let objects = objects(leo.iter().map(|o| &o.elements), 2.0);
    let eop = Eop::embedded();
    let (sites, out) = simulate_clear(
        &objects,
        &Clear {
            from: epoch("2026-05-20T12:00:00"),
            to: epoch("2026-05-22T12:00:00"),
            min_el_deg: None,
            revisit_s: None,
            schedule: Schedule::Greedy,
            seed: 11,
            uncorrelated: false,
        },
    );
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
    let geodetic = geodetic(&sites);
    let t = std::time::Instant::now();
    let report = link_uncorrelated(&obs, &geodetic, eop, &LinkOptions::default());
    let took = t.elapsed().as_secs_f64();
    // Objects with tracklets in two or more passes could be linked.
    let mut passes: BTreeMap<u32, BTreeSet<(String, i64)>> = BTreeMap::new();
    for (o, &n) in out.observations.iter().zip(&truth_of) {
        passes.entry(n).or_default().insert((
            o.station.clone(),
            (o.time.minutes_since(out.observations[0].time) / 30.0) as i64,
        ));
    }
    let linkable: BTreeSet<u32> = passes
        .iter()
        .filter(|(_, p)| p.len() >= 2)
        .map(|(n, _)| *n)
        .collect();
    let mut found = BTreeSet::new();
    let mut errors = Vec::new();
    let mut nights = 0;
    let mut twice = 0;
    for c in &report.candidates {
        let owners: BTreeSet<u32> = c.observations.iter().map(|&i| truth_of[i]).collect();
        assert_eq!(
            owners.len(),
            1,
            "{} mixes objects {owners:?}",
            c.designation
        );
        let norad = *owners.iter().next().unwrap();
        if !found.insert(norad) {
            twice += 1;
        }
        let first = obs[c.observations[0]].time;
        let last = obs[*c.observations.last().unwrap()].time;
        if last.minutes_since(first) > 12.0 * 60.0 {
            nights += 1;
        }
        let t = Sgp4::new(
            &leo.iter()
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
        errors.push(((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt());
    }
    errors.sort_by(f64::total_cmp);
    let median = errors.get(errors.len() / 2).copied().unwrap_or(f64::NAN);
    eprintln!(
        "{} LEO objects observed, {} on two or more passes, {} candidates ({} spanning both \
         nights), {twice} objects split in two, {} unlinked tracklets, median position error {median:.2} km, worst {:.2} km, \
         linking took {took:.1} s",
        passes.len(),
        linkable.len(),
        report.candidates.len(),
        nights,
        report.unlinked.len(),
        errors.last().copied().unwrap_or(f64::NAN)
    );
    assert!(
        found.len() * 10 >= linkable.len() * 7,
        "{} of {} linkable objects found",
        found.len(),
        linkable.len()
    );
    assert!(nights >= 1, "no candidate spans both nights");
    assert!(
        twice * 10 <= found.len(),
        "{twice} of {} objects split",
        found.len()
    );
    assert!(median < 5.0, "median {median} km");
}
