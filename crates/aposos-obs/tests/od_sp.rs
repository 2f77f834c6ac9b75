//! Special-perturbations orbit determination where the truth is a numerical orbit:
//! the simulator's three nights of the three nodes give the schedule, the angles come
//! from an SP trajectory (20×20 gravity, Sun, Moon, drag, SRP) with 2″ noise, and the
//! fit starts from a degraded element set (km errors) with another ballistic
//! coefficient than the truth's.

mod common;

use aposos_astro::Eop;
use aposos_obs::simulate::Schedule;
use aposos_obs::sp_truth::{reobserve_with_sp_truth, TruthNoise};
use aposos_orbit::od::{fit_sp, prepare_measurements, PriorErrors, SpFitOptions};
use aposos_orbit::sp::{ForceModel, SurfaceForce};
use aposos_orbit::synthetic::{degrade_catalog, generate_catalog, ElementErrors};
use common::{dist_km, epoch, geodetic, objects, simulate_clear, Clear};
use std::collections::{BTreeMap, HashMap};

/// The truth's ballistic coefficient is the element set's (B = B*/(ρ₀R⊕/2)), 30 %
/// larger, so that the fit has to find it.
fn truth_force(el: &aposos_formats::ElementSet) -> ForceModel {
    let b = (el.bstar_per_earth_radii / (2.461e-5 * 6.378_135e6 / 2.0)).clamp(0.005, 0.1);
    ForceModel {
        drag: Some(SurfaceForce {
            coefficient: 2.2,
            area_to_mass_m2_kg: 1.3 * b / 2.2,
        }),
        ..ForceModel::default()
    }
}

#[test]
fn sp_fits_recover_a_numerical_truth_from_three_nights() {
    let catalog = generate_catalog(600, 17, epoch("2026-05-20T00:00:00"));
    let truth = objects(catalog.iter().map(|o| &o.elements), 5.0);
    let eop = Eop::embedded();
    let from = epoch("2026-05-20T12:00:00");
    let (sites, mut out) = simulate_clear(
        &truth,
        &Clear {
            from,
            to: epoch("2026-05-23T12:00:00"),
            min_el_deg: Some(15.0),
            revisit_s: None,
            schedule: Schedule::EveryWindow,
            seed: 5,
            uncorrelated: false,
        },
    );
    let geodetic = geodetic(&sites);
    let elements: Vec<_> = truth.iter().map(|o| o.elements.clone()).collect();
    // Keep a handful of LEO objects seen on all three nights, and two high orbits.
    let mut by_object: BTreeMap<u32, Vec<aposos_formats::obs::Observation>> = BTreeMap::new();
    for o in &out.observations {
        by_object
            .entry(o.norad_cat_id.unwrap())
            .or_default()
            .push(o.clone());
    }
    let true_of: HashMap<u32, _> = elements.iter().map(|e| (e.norad_cat_id, e)).collect();
    let mut leo = Vec::new();
    let mut high = Vec::new();
    for (norad, obs) in &by_object {
        let first = obs.iter().map(|o| o.time).min().unwrap();
        let last = obs.iter().map(|o| o.time).max().unwrap();
        if last.minutes_since(first) < 2.0 * 1440.0 || obs.len() < 48 {
            continue;
        }
        let n = true_of[norad].mean_motion_rev_per_day;
        if n > 13.0 && leo.len() < 6 {
            leo.push(*norad);
        } else if n < 2.5 && high.len() < 2 {
            high.push(*norad);
        }
    }
    assert!(leo.len() >= 4 && !high.is_empty(), "{leo:?} {high:?}");
    let chosen: Vec<u32> = leo.iter().chain(&high).copied().collect();
    out.observations
        .retain(|o| o.norad_cat_id.is_some_and(|n| chosen.contains(&n)));
    let (truths, dropped) = reobserve_with_sp_truth(
        &mut out.observations,
        &elements,
        &truth_force,
        &geodetic,
        eop,
        &TruthNoise {
            epoch: from,
            arcsec: 2.0,
            seed: 9,
        },
    );
    assert_eq!(dropped, 0);
    let truth_of: HashMap<u32, _> = truths.iter().map(|t| (t.norad, t)).collect();
    let degraded: HashMap<u32, _> = degrade_catalog(&elements, 4, &ElementErrors::default())
        .into_iter()
        .map(|e| (e.norad_cat_id, e))
        .collect();
    let opts = SpFitOptions {
        prior: Some(PriorErrors::default()),
        ..SpFitOptions::default()
    };
    let mut errs_leo = Vec::new();
    let mut inside = 0;
    for norad in &chosen {
        let obs: Vec<_> = out
            .observations
            .iter()
            .filter(|o| o.norad_cat_id == Some(*norad))
            .cloned()
            .collect();
        let (meas, skipped) = prepare_measurements(&obs, &geodetic, eop, 2.0);
        assert!(skipped.is_empty());
        let fit = fit_sp(&degraded[norad], &meas, eop, &opts).expect("fit");
        let t = truth_of[norad].state_at(fit.epoch, eop).expect("truth");
        let err = dist_km(t.position_km, fit.position_km);
        // The error against the 3σ ellipsoid of the fitted position (GCRS covariance).
        let d: Vec<f64> = (0..3)
            .map(|k| t.position_km[k] - fit.position_km[k])
            .collect();
        let c: Vec<Vec<f64>> = (0..3).map(|i| fit.covariance[i][..3].to_vec()).collect();
        let inv = aposos_orbit::od::linalg::spd_inverse(&c).expect("covariance");
        let m2: f64 = (0..3)
            .map(|i| (0..3).map(|j| d[i] * inv[i][j] * d[j]).sum::<f64>())
            .sum();
        inside += usize::from(m2 <= 14.16);
        eprintln!(
            "{norad}: n {:.2} rev/d e {:.3}, {} meas, {} rejected, rms {:.2}\", error {:.1} m, m² {m2:.1}, estimated {:?}",
            true_of[norad].mean_motion_rev_per_day,
            true_of[norad].eccentricity,
            meas.len(),
            fit.rejected,
            fit.rms_arcsec,
            err * 1e3,
            fit.estimated
        );
        assert!(fit.converged, "{norad}: not converged");
        // High eccentric orbits keep a small misfit near perigee (see the note in
        // the issue): their bound is looser.
        let rms_bound = if leo.contains(norad) { 2.3 } else { 4.0 };
        assert!(
            fit.rms_arcsec < rms_bound,
            "{norad}: rms {}",
            fit.rms_arcsec
        );
        assert!(
            fit.rejected * 50 < meas.len(),
            "{norad}: {} rejected",
            fit.rejected
        );
        if leo.contains(norad) {
            errs_leo.push(err);
            assert!(err < 0.3, "{norad}: {err} km at the last measurement");
        } else {
            assert!(err < 0.2, "{norad}: {err} km at the last measurement");
        }
    }
    errs_leo.sort_by(f64::total_cmp);
    let median = errs_leo[errs_leo.len() / 2];
    assert!(
        median < 0.1,
        "LEO median error {median} km (target ≤ 100 m)"
    );
    assert!(
        inside * 100 >= chosen.len() * 85,
        "{inside} of {} inside 3σ",
        chosen.len()
    );
}
