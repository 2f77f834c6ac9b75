//! Measurements whose truth is a numerical (special-perturbations) orbit: the
//! simulator's schedule (which station looks at which object when) kept, the angles
//! recomputed from an SP trajectory started from each object's SGP4 state, with fresh
//! Gaussian noise. This is how an SP fit is checked where the truth is known and obeys
//! the SP force model, not SGP4's.

use crate::rng::{key_of, Rng};
use crate::simulate::offset_radec;
use aposos_astro::topocentric::radec_rad;
use aposos_astro::{Eop, Geodetic, Vec3};
use aposos_formats::obs::{Angles, Observation, RaDecFrame};
use aposos_formats::{ElementSet, Epoch};
use aposos_orbit::od::prepare_measurements;
use aposos_orbit::od::report::line_of_sight;
use aposos_orbit::od::sp_fit::sgp4_state_gcrs;
use aposos_orbit::sp::{ForceModel, SpPropagator, SpState};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// One object's SP truth: its state at the start and the force model it obeys.
#[derive(Debug, Clone, PartialEq)]
pub struct SpTruth {
    /// Catalog number.
    pub norad: u32,
    /// Start (UTC).
    pub epoch: Epoch,
    /// Position at the start, GCRS (km).
    pub position_km: Vec3,
    /// Velocity at the start, GCRS (km/s).
    pub velocity_km_s: Vec3,
    /// The force model.
    pub force: ForceModel,
}

impl SpTruth {
    /// The truth's state at `time`.
    pub fn state_at(&self, time: Epoch, eop: &Eop) -> Result<SpState, String> {
        let mut p = SpPropagator::new(
            self.epoch,
            self.position_km,
            self.velocity_km_s,
            self.force,
            eop,
        );
        p.propagate(time).map_err(|e| e.to_string())
    }
}

/// Where the truths start and the noise added to their angles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TruthNoise {
    /// Start of every truth (UTC).
    pub epoch: Epoch,
    /// Gaussian noise per axis (arcsec).
    pub arcsec: f64,
    /// Seed of the noise.
    pub seed: u64,
}

/// One object's truth and its new angles (observation index, RA, Dec in degrees).
type Reobserved = (u32, Option<(SpTruth, Vec<(usize, f64, f64)>)>);

/// Replaces the angles of every J2000 RA/Dec observation of a catalog object in
/// `elements` by its SP truth's (started at `noise.epoch` from the SGP4 state, force model
/// `force_of(element set)`), plus `noise.arcsec` Gaussian noise per axis. Returns the
/// truths; observations of objects whose truth cannot be made are dropped and counted.
pub fn reobserve_with_sp_truth(
    observations: &mut Vec<Observation>,
    elements: &[ElementSet],
    force_of: &(dyn Fn(&ElementSet) -> ForceModel + Sync),
    sites: &HashMap<String, Geodetic>,
    eop: &Eop,
    noise: &TruthNoise,
) -> (Vec<SpTruth>, usize) {
    let (epoch, noise_arcsec, seed) = (noise.epoch, noise.arcsec, noise.seed);
    let by_norad: HashMap<u32, &ElementSet> =
        elements.iter().map(|e| (e.norad_cat_id, e)).collect();
    let mut groups: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, o) in observations.iter().enumerate() {
        if let Some(n) = o.norad_cat_id.filter(|n| by_norad.contains_key(n)) {
            groups.entry(n).or_default().push(i);
        }
    }
    let results: Vec<Reobserved> = groups
        .par_iter()
        .map(|(&norad, idx)| {
            let el = by_norad[&norad];
            let Ok((r, v)) = sgp4_state_gcrs(el, epoch, eop) else {
                return (norad, None);
            };
            let truth = SpTruth {
                norad,
                epoch,
                position_km: r,
                velocity_km_s: v,
                force: force_of(el),
            };
            let obs: Vec<Observation> = idx.iter().map(|&i| observations[i].clone()).collect();
            let (meas, _) = prepare_measurements(&obs, sites, eop, 1.0);
            let mut order: Vec<usize> = (0..meas.len()).collect();
            order.sort_by_key(|&k| meas[k].time);
            let mut prop = SpPropagator::new(epoch, r, v, truth.force, eop);
            let mut rng = Rng::new(seed, &[key_of("sp-truth"), u64::from(norad)]);
            let mut out = Vec::with_capacity(meas.len());
            for k in order {
                let m = &meas[k];
                let Ok(s) = prop.propagate(m.time) else {
                    return (norad, None);
                };
                let (rho, _) = line_of_sight(m, s.position_km, s.velocity_km_s);
                let (ra, dec) = radec_rad(rho);
                let (dx, dy) = (noise_arcsec * rng.normal(), noise_arcsec * rng.normal());
                let (ra_o, dec_o) =
                    offset_radec(ra.to_degrees(), dec.to_degrees(), dx / 3600.0, dy / 3600.0);
                out.push((idx[m.index], ra_o, dec_o));
            }
            (norad, Some((truth, out)))
        })
        .collect();
    let mut truths = Vec::new();
    let mut drop = vec![false; observations.len()];
    let mut dropped = 0;
    for (norad, r) in results {
        match r {
            Some((t, angles)) => {
                for (i, ra, dec) in angles {
                    observations[i].angles = Angles::RaDec {
                        ra_deg: ra,
                        dec_deg: dec,
                        frame: RaDecFrame::J2000,
                    };
                    observations[i].angle_sigma_deg = Some(noise_arcsec / 3600.0);
                }
                truths.push(t);
            }
            None => {
                for &i in &groups[&norad] {
                    drop[i] = true;
                    dropped += 1;
                }
            }
        }
    }
    let mut k = 0;
    observations.retain(|_| {
        k += 1;
        !drop[k - 1]
    });
    (truths, dropped)
}
