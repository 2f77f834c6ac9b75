//! Correlation on simulated nights: the truth catalog makes the measurements (2″ noise,
//! the three nodes, clear sky), a degraded copy of it (errors growing with age, as a real
//! catalog's) is what correlation knows; every tracklet's truth object is known.

mod common;

use aposos_astro::Eop;
use aposos_obs::correlate::{correlate, CorrelationOptions, Outcome};
use aposos_obs::simulate::Schedule;
use aposos_orbit::synthetic::{degrade_catalog, generate_catalog, ElementErrors};
use common::{epoch, objects, simulate_clear, Clear};
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn simulated_tracklets_go_to_their_objects() {
    let catalog = generate_catalog(3000, 21, epoch("2026-05-20T00:00:00"));
    let truth = objects(catalog.iter().map(|o| &o.elements), 6.0);
    let eop = Eop::embedded();
    let (sites, out) = simulate_clear(
        &truth,
        &Clear {
            from: epoch("2026-05-20T12:00:00"),
            to: epoch("2026-05-21T12:00:00"),
            min_el_deg: Some(15.0),
            revisit_s: None,
            schedule: Schedule::Greedy,
            seed: 5,
            uncorrelated: true,
        },
    );
    assert!(out.observations.iter().all(|o| o.norad_cat_id.is_none()));
    let truth_of: BTreeMap<&str, u32> = out
        .truth
        .tracklets
        .iter()
        .map(|t| (t.id.as_str(), t.norad_cat_id))
        .collect();
    let elements: Vec<_> = truth.iter().map(|o| o.elements.clone()).collect();
    let catalog = degrade_catalog(&elements, 8, &ElementErrors::default());
    let report = correlate(
        &out.observations,
        &catalog,
        &sites,
        eop,
        &CorrelationOptions::default(),
    );
    let n = report.tracklets.len();
    assert_eq!(n, out.truth.tracklets.len());
    assert!(n > 300, "{n} tracklets");
    let (mut right, mut wrong, mut ambiguous_with_truth) = (0, 0, 0);
    let mut wrong_ids = BTreeSet::new();
    for t in &report.tracklets {
        let want = truth_of[t.tracklet_id.as_str()];
        match &t.outcome {
            Outcome::Assigned { fit, .. } if fit.norad_cat_id == want => right += 1,
            Outcome::Assigned { fit, .. } => {
                wrong += 1;
                wrong_ids.insert((t.tracklet_id.clone(), want, fit.norad_cat_id));
            }
            Outcome::Ambiguous { candidates } => {
                // Reported, not guessed: the truth is among the candidates.
                assert!(candidates.iter().any(|c| c.norad_cat_id == want), "{t:?}");
                ambiguous_with_truth += 1;
            }
            other => panic!("{}: {other:?} (truth {want})", t.tracklet_id),
        }
    }
    eprintln!(
        "{n} tracklets: {right} right, {wrong} wrong, {ambiguous_with_truth} ambiguous; {} refused",
        report.refused_elements.len()
    );
    assert!(
        right as f64 >= 0.995 * n as f64,
        "{right} of {n} right, {wrong} wrong, {ambiguous_with_truth} ambiguous"
    );
    assert_eq!(wrong, 0, "{wrong_ids:?}");

    // Objects not in the catalog leave uncorrelated tracks.
    let missing: BTreeSet<u32> = truth_of.values().copied().take(200).collect();
    let partial: Vec<_> = catalog
        .iter()
        .filter(|e| !missing.contains(&e.norad_cat_id))
        .cloned()
        .collect();
    let report = correlate(
        &out.observations,
        &partial,
        &sites,
        eop,
        &CorrelationOptions::default(),
    );
    for t in &report.tracklets {
        let want = truth_of[t.tracklet_id.as_str()];
        if missing.contains(&want) {
            assert!(
                matches!(t.outcome, Outcome::Uncorrelated),
                "{}: {:?}",
                t.tracklet_id,
                t.outcome
            );
        }
    }
    assert!(report.uncorrelated >= 1);
}
