//! Uncorrelated tracks (UCTs) linked into candidate new objects, each with an initial
//! orbit, an SGP4 fit and a provisional catalog number.
//!
//! Tracklets are taken in time order. Each unlinked tracklet is paired with the nearest
//! later one (any station, `min_span_s` to `max_span_s` apart, near its extrapolated
//! great-circle motion) for which Gauss's method on the first tracklet's first and last
//! exposures and the second's middle one, refined on every exposure of both, fits within
//! `max_rms` (normalised). Every other unlinked tracklet within the span that the linked
//! orbit points to within 1° and that still fits within `max_rms` after refinement joins
//! it. A linked set becomes a candidate: its two-body state is turned into SGP4 elements
//! and fitted to every exposure. Provisional numbers count up from `first_number` (by
//! default 330000, the top of the Alpha-5 range, `Z0000`, so that the element sets still
//! fit a TLE) and their designators are `APOSOS-` plus the number.

use crate::correlate::tracklets;
use aposos_astro::{Eop, Geodetic};
use aposos_formats::obs::Observation;
use aposos_formats::ElementSet;
use aposos_orbit::od::iod::{gauss, refine_two_body, state_to_elements, two_body_miss_rad};
use aposos_orbit::od::{fit_sgp4, prepare_measurements, AngleMeasurement, Sgp4FitOptions};
use serde::Serialize;
use std::collections::HashMap;

/// Options of linkage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkOptions {
    /// Least time between two tracklets tried as a pair (s).
    pub min_span_s: f64,
    /// Most time between them (s).
    pub max_span_s: f64,
    /// Largest normalised RMS of a linked set.
    pub max_rms: f64,
    /// Astrometric sigma of observations that give none (arcsec).
    pub default_sigma_arcsec: f64,
    /// The first provisional catalog number.
    pub first_number: u32,
}

impl Default for LinkOptions {
    fn default() -> Self {
        Self {
            min_span_s: 60.0,
            max_span_s: 6.0 * 3600.0,
            max_rms: 3.0,
            default_sigma_arcsec: 2.0,
            first_number: 330_000,
        }
    }
}

/// A candidate new object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateObject {
    /// Provisional catalog number.
    pub norad_cat_id: u32,
    /// Provisional designator.
    pub designation: String,
    /// Its tracklets (station and tracklet id).
    pub tracklets: Vec<(String, String)>,
    /// Indices of its observations.
    pub observations: Vec<usize>,
    /// RMS of the SGP4 fit (arcsec).
    pub rms_arcsec: f64,
    /// The fitted element set.
    #[serde(skip)]
    pub elements: ElementSet,
}

/// What linkage found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkReport {
    /// Candidate new objects.
    pub candidates: Vec<CandidateObject>,
    /// UCT tracklets not linked to any other.
    pub unlinked: Vec<(String, String)>,
}

struct Track {
    station: String,
    id: String,
    meas: Vec<AngleMeasurement>,
}

fn unit(m: &AngleMeasurement) -> [f64; 3] {
    aposos_astro::topocentric::unit_vector(m.ra_rad, m.dec_rad)
}

/// Whether `b` lies near the great circle motion of `a` extrapolated to `b`'s time
/// (within 1° plus a fifth of the extrapolated motion, which must stay under 60°): a
/// cheap test before Gauss. Fast movers are thus linked within a pass (minutes), slow
/// ones (MEO, GEO) across hours; LEO tracks of different passes are not linked.
fn plausible(a: &Track, b: &Track) -> bool {
    let (first, last) = (&a.meas[0], &a.meas[a.meas.len() - 1]);
    let dt_a = last.time.minutes_since(first.time) * 60.0;
    if dt_a <= 0.0 {
        return true;
    }
    let (u0, u1) = (unit(first), unit(last));
    let target = &b.meas[b.meas.len() / 2];
    let k = target.time.minutes_since(last.time) * 60.0 / dt_a;
    let step = aposos_astro::topocentric::angular_separation_rad(u0, u1);
    // Rotate u1 about the pole of the motion by k × step.
    let pole = aposos_astro::topocentric::cross(u0, u1);
    let pn = aposos_astro::topocentric::norm(pole);
    if pn == 0.0 {
        return true;
    }
    let pole = pole.map(|x| x / pn);
    let angle = k * step;
    // Beyond a sixth of a circle the straight extrapolation says nothing (a LEO object
    // hours later): such pairs are not tried.
    if angle.abs() > std::f64::consts::FRAC_PI_3 {
        return false;
    }
    let (s, c) = angle.sin_cos();
    let pxu = aposos_astro::topocentric::cross(pole, u1);
    let pred: [f64; 3] = std::array::from_fn(|i| u1[i] * c + pxu[i] * s);
    let miss = aposos_astro::topocentric::angular_separation_rad(pred, unit(target)).to_degrees();
    miss <= 1.0 + 0.2 * angle.abs().to_degrees()
}

/// A position and velocity (km, km/s).
type Pv = (aposos_astro::frames::Vec3, aposos_astro::frames::Vec3);

fn mid(t: &Track) -> aposos_formats::Epoch {
    t.meas[t.meas.len() / 2].time
}

/// Links the uncorrelated observations (no catalog number) of `observations` into
/// candidate objects.
pub fn link_uncorrelated(
    observations: &[Observation],
    sites: &HashMap<String, Geodetic>,
    eop: &Eop,
    opts: &LinkOptions,
) -> LinkReport {
    let uct: Vec<usize> = (0..observations.len())
        .filter(|&i| observations[i].norad_cat_id.is_none())
        .collect();
    let subset: Vec<Observation> = uct.iter().map(|&i| observations[i].clone()).collect();
    let mut tracks: Vec<Track> = Vec::new();
    let max_gap_s = crate::correlate::CorrelationOptions::default().max_gap_s;
    for (station, id, _, idx) in tracklets(&subset, max_gap_s) {
        let obs: Vec<Observation> = idx.iter().map(|&k| subset[k].clone()).collect();
        let (mut meas, _) = prepare_measurements(&obs, sites, eop, opts.default_sigma_arcsec);
        for m in &mut meas {
            m.index = uct[idx[m.index]];
        }
        if meas.len() >= 2 {
            tracks.push(Track { station, id, meas });
        }
    }
    tracks.sort_by_key(mid);
    let mut linked = vec![false; tracks.len()];
    let mut candidates = Vec::new();
    for a in 0..tracks.len() {
        if linked[a] {
            continue;
        }
        // The nearest later tracklet that links with it.
        let mut found = None;
        for b in a + 1..tracks.len() {
            if linked[b] {
                continue;
            }
            let span = mid(&tracks[b]).minutes_since(mid(&tracks[a])) * 60.0;
            if span < opts.min_span_s {
                continue;
            }
            if span > opts.max_span_s {
                break;
            }
            if !plausible(&tracks[a], &tracks[b]) {
                continue;
            }
            let (ta, tb) = (&tracks[a].meas, &tracks[b].meas);
            let m1 = &ta[0];
            let m2 = &ta[ta.len() - 1];
            let m3 = &tb[tb.len() / 2];
            let all: Vec<&AngleMeasurement> = ta.iter().chain(tb.iter()).collect();
            let mut best: Option<(f64, Pv)> = None;
            for c in gauss(m1, m2, m3) {
                let Some((state, rms)) =
                    refine_two_body(c.position_km, c.velocity_km_s, c.epoch, &all)
                else {
                    continue;
                };
                if rms <= opts.max_rms && best.as_ref().is_none_or(|x| rms < x.0) {
                    best = Some((rms, state));
                }
            }
            if let Some((_, state)) = best {
                found = Some((b, state));
                break;
            }
        }
        let Some((b, mut state)) = found else {
            continue;
        };
        let epoch = tracks[a].meas[tracks[a].meas.len() - 1].time;
        let mut members = vec![a, b];
        // Every other unlinked tracklet the orbit predicts joins it.
        for c in 0..tracks.len() {
            if linked[c] || members.contains(&c) {
                continue;
            }
            let near = members.iter().any(|&k| {
                (mid(&tracks[c]).minutes_since(mid(&tracks[k])) * 60.0).abs() <= opts.max_span_s
            });
            if !near {
                continue;
            }
            // The orbit so far must already point near it (1°) before it is refined.
            let m = &tracks[c].meas[tracks[c].meas.len() / 2];
            if two_body_miss_rad(state.0, state.1, epoch, m).is_none_or(|x| x.to_degrees() > 1.0) {
                continue;
            }
            let all: Vec<&AngleMeasurement> = members
                .iter()
                .chain(std::iter::once(&c))
                .flat_map(|&k| tracks[k].meas.iter())
                .collect();
            if let Some((s, rms)) = refine_two_body(state.0, state.1, epoch, &all) {
                if rms <= opts.max_rms {
                    state = s;
                    members.push(c);
                }
            }
        }
        let meas: Vec<AngleMeasurement> = members
            .iter()
            .flat_map(|&k| tracks[k].meas.iter().cloned())
            .collect();
        let number = opts.first_number + candidates.len() as u32;
        let last = &tracks[a].meas[tracks[a].meas.len() - 1];
        let orbit = aposos_orbit::od::iod::InitialOrbit {
            epoch,
            position_km: state.0,
            velocity_km_s: state.1,
            ranges_km: [0.0; 3],
        };
        let Some(mut start) = state_to_elements(&orbit, last, number) else {
            continue;
        };
        let designation = format!("APOSOS-{number}");
        start.object_name = Some(designation.clone());
        let Ok(fit) = fit_sgp4(
            &start,
            &meas,
            &Sgp4FitOptions {
                min_full_arc_periods: 0.0,
                prior: None,
                ..Sgp4FitOptions::default()
            },
        ) else {
            continue;
        };
        if fit.rms_normalised > opts.max_rms {
            continue;
        }
        for &k in &members {
            linked[k] = true;
        }
        let mut observations: Vec<usize> = meas.iter().map(|m| m.index).collect();
        observations.sort_unstable();
        candidates.push(CandidateObject {
            norad_cat_id: number,
            designation,
            tracklets: members
                .iter()
                .map(|&k| (tracks[k].station.clone(), tracks[k].id.clone()))
                .collect(),
            observations,
            rms_arcsec: fit.rms_arcsec,
            elements: fit.elements,
        });
    }
    let unlinked = tracks
        .iter()
        .zip(&linked)
        .filter(|(_, l)| !**l)
        .map(|(t, _)| (t.station.clone(), t.id.clone()))
        .collect();
    LinkReport {
        candidates,
        unlinked,
    }
}
