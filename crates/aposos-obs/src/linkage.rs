//! Uncorrelated tracks (UCTs) linked into candidate new objects, each with an initial
//! orbit, an SGP4 fit and a provisional catalog number.
//!
//! Three stages, on the tracklets in time order:
//! 1. **Within reach of a straight extrapolation** (a pass seen from two nodes, MEO and
//!    GEO over hours): each unlinked tracklet is paired with the nearest later one
//!    (`min_span_s` to `max_span_s` apart, near its extrapolated great-circle motion) for
//!    which Gauss's method on the first tracklet's first and last exposures and the
//!    second's middle one, refined on every exposure of both, fits within `max_rms`
//!    (normalised); every other tracklet within the span that the orbit points to within
//!    1° and that still fits joins it, and the set is fitted with SGP4.
//! 2. **Across passes and nights** (LEO seen again revolutions later): pairs whose
//!    circular hypotheses agree, linked by Gooding's method with the implied number of
//!    revolutions and an SGP4 fit ([`crate::cross_pass`]), `min_cross_pass_s` to
//!    `max_cross_pass_s` apart.
//! 3. **Growth and merging**: every candidate takes the unlinked tracklets its SGP4 orbit
//!    predicts (within 0.5° plus 1° per day), nearest first, refitted each time; two
//!    candidates merge when one predicts the other's tracklets and a joint fit holds.
//!
//! Provisional numbers count up from `first_number` (by default 330000, the top of the
//! Alpha-5 range, `Z0000`, so that the element sets still fit a TLE) and their
//! designators are `APOSOS-` plus the number.

use crate::correlate::tracklets;
use crate::cross_pass::{
    acceptable, hypotheses, link_fit_options, link_pair, pairings, sgp4_miss_deg, Hypotheses,
};
use aposos_astro::{Eop, Geodetic};
use aposos_formats::obs::Observation;
use aposos_formats::ElementSet;
use aposos_orbit::od::iod::{gauss, refine_two_body, state_to_elements, two_body_miss_rad};
use aposos_orbit::od::{fit_sgp4, prepare_measurements, AngleMeasurement, Sgp4FitOptions};
use aposos_orbit::Sgp4;
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
    /// Least time between two tracklets of different passes tried as a pair (s).
    pub min_cross_pass_s: f64,
    /// Most time between them, and most time a candidate reaches out to grow (s).
    pub max_cross_pass_s: f64,
}

impl Default for LinkOptions {
    fn default() -> Self {
        Self {
            min_span_s: 60.0,
            max_span_s: 6.0 * 3600.0,
            max_rms: 3.0,
            default_sigma_arcsec: 2.0,
            first_number: 330_000,
            min_cross_pass_s: 20.0 * 60.0,
            max_cross_pass_s: 2.0 * 86_400.0,
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
/// ones (MEO, GEO) across hours; LEO tracks of different passes are left to stage 2.
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
    let mut found_sets: Vec<(Vec<usize>, aposos_orbit::od::Sgp4Fit)> = Vec::new();
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
        let number = opts.first_number + found_sets.len() as u32;
        let last = &tracks[a].meas[tracks[a].meas.len() - 1];
        let orbit = aposos_orbit::od::iod::InitialOrbit {
            epoch,
            position_km: state.0,
            velocity_km_s: state.1,
            ranges_km: [0.0; 3],
        };
        let Some(start) = state_to_elements(&orbit, last, number) else {
            continue;
        };
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
        found_sets.push((members, fit));
    }

    // Tracklets of different passes: pairs whose circular hypotheses agree, linked by
    // Gooding's method and an SGP4 fit (crate::cross_pass).
    let hyps: Vec<Hypotheses> = tracks.iter().map(|t| hypotheses(&t.meas)).collect();
    for a in 0..tracks.len() {
        if linked[a] {
            continue;
        }
        let number = opts.first_number + found_sets.len() as u32;
        let mut pair = None;
        for b in a + 1..tracks.len() {
            if linked[b] {
                continue;
            }
            let span = mid(&tracks[b]).minutes_since(mid(&tracks[a])) * 60.0;
            if span < opts.min_cross_pass_s {
                continue;
            }
            if span > opts.max_cross_pass_s {
                break;
            }
            let p = pairings(&hyps[a], &hyps[b]);
            if p.is_empty() {
                continue;
            }
            if let Some(fit) = link_pair(&tracks[a].meas, &tracks[b].meas, &p, number, opts.max_rms)
            {
                pair = Some((b, fit));
                break;
            }
        }
        if let Some((b, fit)) = pair {
            linked[a] = true;
            linked[b] = true;
            found_sets.push((vec![a, b], fit));
        }
    }

    // Every candidate grows with the unlinked tracklets its orbit predicts (nearest in
    // time first), within 0.5° plus 1° per day from its arc, refitted each time.
    for (members, fit) in &mut found_sets {
        loop {
            let times: Vec<aposos_formats::Epoch> =
                members.iter().map(|&k| mid(&tracks[k])).collect();
            let distance_d = |c: usize| {
                times
                    .iter()
                    .map(|t| (mid(&tracks[c]).minutes_since(*t) / 1440.0).abs())
                    .fold(f64::INFINITY, f64::min)
            };
            let mut order: Vec<usize> = (0..tracks.len())
                .filter(|&c| !linked[c] && distance_d(c) * 86_400.0 <= opts.max_cross_pass_s)
                .collect();
            order.sort_by(|&x, &y| distance_d(x).total_cmp(&distance_d(y)));
            let mut grown = false;
            let Ok(sat) = Sgp4::new(&fit.elements) else {
                break;
            };
            for c in order {
                let m = &tracks[c].meas[tracks[c].meas.len() / 2];
                let tolerance = (0.5 + distance_d(c)).min(5.0);
                if sgp4_miss_deg(&sat, m).is_none_or(|x| x > tolerance) {
                    continue;
                }
                let meas: Vec<AngleMeasurement> = members
                    .iter()
                    .chain(std::iter::once(&c))
                    .flat_map(|&k| tracks[k].meas.iter().cloned())
                    .collect();
                let Ok(next) = fit_sgp4(&fit.elements, &meas, &link_fit_options()) else {
                    continue;
                };
                if acceptable(&next, opts.max_rms) {
                    *fit = next;
                    members.push(c);
                    linked[c] = true;
                    grown = true;
                    break;
                }
            }
            if !grown {
                break;
            }
        }
    }

    // Candidates that are one object seen at different times (an evening and a morning
    // pair, two nights) merge when one's orbit predicts the other's tracklets and a joint
    // fit holds.
    let mut i = 0;
    while i < found_sets.len() {
        let mut j = i + 1;
        while j < found_sets.len() {
            let (fi, fj) = (&found_sets[i].1, &found_sets[j].1);
            let predicts = |fit: &aposos_orbit::od::Sgp4Fit, members: &[usize]| {
                let Ok(sat) = Sgp4::new(&fit.elements) else {
                    return false;
                };
                members.iter().all(|&k| {
                    let m = &tracks[k].meas[tracks[k].meas.len() / 2];
                    let days = (m.time.minutes_since(fit.elements.epoch) / 1440.0).abs();
                    sgp4_miss_deg(&sat, m).is_some_and(|x| x <= (0.5 + days).min(5.0))
                })
            };
            if predicts(fi, &found_sets[j].0) || predicts(fj, &found_sets[i].0) {
                let members: Vec<usize> = found_sets[i]
                    .0
                    .iter()
                    .chain(&found_sets[j].0)
                    .copied()
                    .collect();
                let meas: Vec<AngleMeasurement> = members
                    .iter()
                    .flat_map(|&k| tracks[k].meas.iter().cloned())
                    .collect();
                let start = if fi.used >= fj.used { fi } else { fj };
                if let Ok(fit) = fit_sgp4(&start.elements, &meas, &link_fit_options()) {
                    if acceptable(&fit, opts.max_rms) {
                        found_sets[i] = (members, fit);
                        found_sets.remove(j);
                        continue;
                    }
                }
            }
            j += 1;
        }
        i += 1;
    }

    let candidates = found_sets
        .into_iter()
        .enumerate()
        .map(|(i, (members, fit))| {
            let number = opts.first_number + i as u32;
            let designation = format!("APOSOS-{number}");
            let mut elements = fit.elements;
            elements.norad_cat_id = number;
            elements.object_name = Some(designation.clone());
            let mut observations: Vec<usize> = members
                .iter()
                .flat_map(|&k| tracks[k].meas.iter().map(|m| m.index))
                .collect();
            observations.sort_unstable();
            let mut tracklets: Vec<(usize, (String, String))> = members
                .iter()
                .map(|&k| (k, (tracks[k].station.clone(), tracks[k].id.clone())))
                .collect();
            tracklets.sort_by_key(|(k, _)| *k);
            CandidateObject {
                norad_cat_id: number,
                designation,
                tracklets: tracklets.into_iter().map(|(_, t)| t).collect(),
                observations,
                rms_arcsec: fit.rms_arcsec,
                elements,
            }
        })
        .collect();
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
