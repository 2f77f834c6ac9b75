//! Correlation: which catalog object each tracklet is, or that it is none of them (an
//! uncorrelated track, UCT), or that several fit and the case is ambiguous.
//!
//! A tracklet is a run of exposures of one object from one station in one pass (the
//! tracklet id when the observations carry one, else consecutive exposures of a station
//! less than `max_gap_s` apart). Correlation runs in two stages:
//!
//! 1. **Gate.** Every catalog object is propagated (SGP4) to a grid of instants
//!    `grid_step_s` apart, only where tracklets are; at a tracklet's middle time each
//!    object's TEME position comes from the nearest grid state by a second-order Taylor
//!    step under central gravity (under 0.4 km off for LEO with the 120 s grid), corrected
//!    for light time. An object passes when its perpendicular distance from the measured
//!    line of sight is within `n_sigma` of its expected position error plus a margin.
//! 2. **Score.** For the objects through the gate, the full astrometric prediction at
//!    every exposure gives residuals along and across the predicted motion: their means
//!    (position) and their trend (angular rate). Each is compared with its tolerance: the
//!    element set's expected error at its age (`along_km + along_km_per_day · age`, and
//!    across) seen from the object's range, and for the rate `rate_sigma_rel` of the
//!    predicted rate plus what the measurement noise allows. An object fits when every
//!    normalised residual is within `n_sigma`; its score is their sum of squares (a χ²).
//!
//! One fitting object: assigned. None: UCT. Several: assigned to the best only when the
//! next one's χ² is worse by `ambiguity_delta_chi2`; otherwise reported as ambiguous,
//! with every fitting candidate, and not guessed.

use aposos_astro::frames::teme_to_gcrs_matrix;
use aposos_astro::frames::{mtxv, Vec3};
use aposos_astro::topocentric::{dot, site_gcrs_pv, C_KM_S};
use aposos_astro::{EarthRotation, Eop, TimeScales};
use aposos_formats::obs::{Angles, Observation, RaDecFrame};
use aposos_formats::{ElementSet, Epoch};
use aposos_orbit::od::iod::MU_KM3_S2;
use aposos_orbit::{propagate_grid_utc, Sgp4};
use aposos_plan::predict::{PredictOptions, TrackPredictor};
use aposos_plan::sites::Site;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Tolerances of correlation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CorrelationOptions {
    /// Expected along-track error of an element set at its epoch (km, one sigma).
    pub along_km: f64,
    /// Its growth per day from epoch (km/day).
    pub along_km_per_day: f64,
    /// Expected cross-track error at epoch (km).
    pub cross_km: f64,
    /// Its growth per day (km/day).
    pub cross_km_per_day: f64,
    /// Relative tolerance of the angular rate (one sigma).
    pub rate_sigma_rel: f64,
    /// Astrometric noise assumed when an observation gives none (arcsec).
    pub default_sigma_arcsec: f64,
    /// How many sigmas a residual may be.
    pub n_sigma: f64,
    /// How much worse (χ²) the second candidate must be for the best to be assigned.
    pub ambiguity_delta_chi2: f64,
    /// Grid of the gate's propagation (s).
    pub grid_step_s: f64,
    /// Gap that ends a tracklet without a tracklet id (s).
    pub max_gap_s: f64,
}

impl Default for CorrelationOptions {
    fn default() -> Self {
        Self {
            along_km: 2.0,
            along_km_per_day: 4.0,
            cross_km: 0.5,
            cross_km_per_day: 0.5,
            rate_sigma_rel: 0.01,
            default_sigma_arcsec: 3.0,
            n_sigma: 5.0,
            ambiguity_delta_chi2: 9.0,
            grid_step_s: 120.0,
            max_gap_s: 120.0,
        }
    }
}

/// How one candidate fits a tracklet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateFit {
    /// Catalog number.
    pub norad_cat_id: u32,
    /// Mean residual along the predicted motion (arcsec), measured minus predicted.
    pub along_arcsec: f64,
    /// Mean residual across it (arcsec).
    pub cross_arcsec: f64,
    /// The along-track residual as a time offset (s): positive when the object is late.
    pub time_offset_s: f64,
    /// Along- and cross-track residuals at the object's range (km).
    pub along_km: f64,
    /// Cross-track residual at range (km).
    pub cross_km: f64,
    /// Measured over predicted angular rate, minus one.
    pub rate_error_rel: f64,
    /// Age of the element set at the tracklet (days).
    pub age_days: f64,
    /// Sum of the squared normalised residuals.
    pub chi2: f64,
}

/// The outcome for one tracklet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// One object fits (or fits clearly best).
    Assigned {
        /// Its fit.
        fit: CandidateFit,
        /// The other objects that fit too, much worse.
        others: Vec<CandidateFit>,
    },
    /// No object fits: an uncorrelated track.
    Uncorrelated,
    /// Several objects fit about as well: reported, not guessed.
    Ambiguous {
        /// Every fitting candidate, best first.
        candidates: Vec<CandidateFit>,
    },
    /// The tracklet cannot be correlated (why).
    Skipped {
        /// The reason.
        reason: String,
    },
}

/// One tracklet and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackletResult {
    /// Station (site id).
    pub station: String,
    /// Tracklet id (given, or made from the station and time).
    pub tracklet_id: String,
    /// Catalog number the observations came with, if any.
    pub reported_norad: Option<u32>,
    /// Number of exposures.
    pub exposures: usize,
    /// Middle time (UTC, ISO 8601).
    pub mid_time_utc: String,
    /// Apparent angular rate (arcsec/s).
    pub rate_arcsec_s: f64,
    /// The outcome.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Indices (into the input) of its observations.
    #[serde(skip)]
    pub observations: Vec<usize>,
}

impl TrackletResult {
    /// The assigned catalog number, if any.
    pub fn assigned(&self) -> Option<u32> {
        match &self.outcome {
            Outcome::Assigned { fit, .. } => Some(fit.norad_cat_id),
            _ => None,
        }
    }
}

/// What correlation found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorrelationReport {
    /// Every tracklet, by station and time.
    pub tracklets: Vec<TrackletResult>,
    /// Tracklets assigned.
    pub assigned: usize,
    /// Uncorrelated tracklets.
    pub uncorrelated: usize,
    /// Ambiguous tracklets.
    pub ambiguous: usize,
    /// Tracklets skipped.
    pub skipped: usize,
    /// Element sets SGP4 refused (catalog number and reason).
    pub refused_elements: Vec<(u32, String)>,
}

/// One tracklet being correlated.
struct Track {
    station: String,
    obs: Vec<usize>,
    mid: Epoch,
    /// Measured unit vector at `mid` (GCRS).
    u_gcrs: Vec3,
}

fn unit_radec(ra_deg: f64, dec_deg: f64) -> Vec3 {
    aposos_astro::topocentric::unit_vector(ra_deg.to_radians(), dec_deg.to_radians())
}

fn radec_of(o: &Observation) -> Option<(f64, f64)> {
    match o.angles {
        Angles::RaDec {
            ra_deg,
            dec_deg,
            frame: RaDecFrame::J2000,
        } => Some((ra_deg, dec_deg)),
        _ => None,
    }
}

/// Fastest apparent motion of a tracklet (deg/s): LEO at the zenith moves under 1°/s.
const MAX_RATE_DEG_S: f64 = 2.0;

/// Whether exposure `i` continues the run `run` (same station, time order): within the
/// gap, and where the motion of the run's last two exposures puts it (0.1° plus a fifth
/// of the extrapolated move), or at a plausible rate after a single exposure.
fn continues(obs: &[Observation], run: &[usize], i: usize, max_gap_s: f64) -> bool {
    let Some(&last) = run.last() else {
        return true;
    };
    let gap_s = obs[i].time.minutes_since(obs[last].time) * 60.0;
    if gap_s > max_gap_s {
        return false;
    }
    let dir = |k: usize| radec_of(&obs[k]).map(|(a, d)| unit_radec(a, d));
    let (Some(u_last), Some(u_i)) = (dir(last), dir(i)) else {
        return true;
    };
    let moved = aposos_astro::topocentric::angular_separation_rad(u_last, u_i).to_degrees();
    match run.len() {
        1 => gap_s <= 0.0 || moved / gap_s <= MAX_RATE_DEG_S,
        n => {
            let prev = run[n - 2];
            let dt_prev = obs[last].time.minutes_since(obs[prev].time) * 60.0;
            let Some(u_prev) = dir(prev) else {
                return true;
            };
            if dt_prev <= 0.0 {
                return moved / gap_s.max(1e-3) <= MAX_RATE_DEG_S;
            }
            let k = gap_s / dt_prev;
            let p: Vec3 = std::array::from_fn(|a| u_last[a] + (u_last[a] - u_prev[a]) * k);
            let step =
                aposos_astro::topocentric::angular_separation_rad(u_prev, u_last).to_degrees() * k;
            let miss = aposos_astro::topocentric::angular_separation_rad(p, u_i).to_degrees();
            miss <= 0.1 + 0.2 * step
        }
    }
}

/// Groups observations into tracklets (station, id, reported catalog number, indices in
/// time order): by station and tracklet id when given, else by
/// station (and reported object) with a new tracklet after a gap or a jump off the motion.
pub fn tracklets(
    obs: &[Observation],
    max_gap_s: f64,
) -> Vec<(String, String, Option<u32>, Vec<usize>)> {
    let mut groups: BTreeMap<(String, Option<String>, Option<u32>), Vec<usize>> = BTreeMap::new();
    for (i, o) in obs.iter().enumerate() {
        let key = match &o.tracklet_id {
            Some(t) => (o.station.clone(), Some(t.clone()), None),
            None => (o.station.clone(), None, o.norad_cat_id),
        };
        groups.entry(key).or_default().push(i);
    }
    let mut out = Vec::new();
    for ((station, id, _), mut idx) in groups {
        idx.sort_by_key(|&i| obs[i].time);
        match id {
            Some(id) => {
                let reported = idx.iter().find_map(|&i| obs[i].norad_cat_id);
                out.push((station, id, reported, idx));
            }
            None => {
                let mut run: Vec<usize> = Vec::new();
                let mut flush = |run: &mut Vec<usize>| {
                    if let Some(&first) = run.first() {
                        let id = format!("{station}-{}", obs[first].time.to_iso());
                        out.push((
                            station.clone(),
                            id,
                            obs[first].norad_cat_id,
                            std::mem::take(run),
                        ));
                    }
                };
                for i in idx {
                    if continues(obs, &run, i, max_gap_s) {
                        run.push(i);
                    } else {
                        flush(&mut run);
                        run.push(i);
                    }
                }
                flush(&mut run);
            }
        }
    }
    out
}

/// A least-squares line through `(t, y)`: value at `t0` and slope.
fn line_fit(t: &[f64], y: &[f64]) -> (f64, f64) {
    let n = t.len() as f64;
    let tm = t.iter().sum::<f64>() / n;
    let ym = y.iter().sum::<f64>() / n;
    let stt: f64 = t.iter().map(|x| (x - tm).powi(2)).sum();
    if stt <= 0.0 {
        return (ym, 0.0);
    }
    let sty: f64 = t.iter().zip(y).map(|(x, v)| (x - tm) * (v - ym)).sum();
    let slope = sty / stt;
    (ym - slope * tm, slope)
}

/// Correlates `observations` (J2000 RA/Dec, stations named by site id) with the element
/// sets `elements` (the newest of each object), seen from `sites`.
pub fn correlate(
    observations: &[Observation],
    elements: &[ElementSet],
    sites: &[Site],
    eop: &Eop,
    opts: &CorrelationOptions,
) -> CorrelationReport {
    let site_of: HashMap<&str, &Site> = sites.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut results: Vec<Option<TrackletResult>> = Vec::new();
    let mut tracks: Vec<(usize, Track)> = Vec::new();
    for (station, id, reported, idx) in tracklets(observations, opts.max_gap_s) {
        let mid_i = idx[idx.len() / 2];
        let mut result = TrackletResult {
            station: station.clone(),
            tracklet_id: id,
            reported_norad: reported,
            exposures: idx.len(),
            mid_time_utc: format!("{}Z", observations[mid_i].time.to_iso()),
            rate_arcsec_s: 0.0,
            outcome: Outcome::Uncorrelated,
            observations: idx.clone(),
        };
        let skip = |r: &mut TrackletResult, why: &str| {
            r.outcome = Outcome::Skipped {
                reason: why.to_string(),
            };
        };
        if !site_of.contains_key(station.as_str()) {
            skip(&mut result, "unknown site");
        } else if idx.iter().any(|&i| radec_of(&observations[i]).is_none()) {
            skip(&mut result, "not J2000 RA/Dec");
        } else {
            // The measured direction at the middle exposure and the apparent rate.
            let mid = observations[mid_i].time;
            let (ra, dec) = radec_of(&observations[mid_i]).unwrap_or((0.0, 0.0));
            let u = unit_radec(ra, dec);
            let rate = if idx.len() >= 2 {
                let (a, b) = (idx[0], idx[idx.len() - 1]);
                let (ra0, de0) = radec_of(&observations[a]).unwrap_or((0.0, 0.0));
                let (ra1, de1) = radec_of(&observations[b]).unwrap_or((0.0, 0.0));
                let sep = aposos_astro::topocentric::angular_separation_rad(
                    unit_radec(ra0, de0),
                    unit_radec(ra1, de1),
                );
                let dt = observations[b].time.minutes_since(observations[a].time) * 60.0;
                if dt > 0.0 {
                    sep / dt
                } else {
                    0.0
                }
            } else {
                0.0
            };
            result.rate_arcsec_s = rate.to_degrees() * 3600.0;
            tracks.push((
                results.len(),
                Track {
                    station,
                    obs: idx,
                    mid,
                    u_gcrs: u,
                },
            ));
        }
        results.push(Some(result));
    }

    // The catalog in SGP4, the newest element set of each object.
    let mut newest: BTreeMap<u32, &ElementSet> = BTreeMap::new();
    for e in elements {
        let keep = newest
            .get(&e.norad_cat_id)
            .is_none_or(|old| old.epoch < e.epoch);
        if keep {
            newest.insert(e.norad_cat_id, e);
        }
    }
    let mut refused = Vec::new();
    let mut sats = Vec::with_capacity(newest.len());
    for e in newest.values() {
        match Sgp4::new(e) {
            Ok(s) => sats.push(s),
            Err(err) => refused.push((e.norad_cat_id, err.to_string())),
        }
    }

    // Gate: tracklets by grid node; one propagation of the catalog per block of nodes.
    let step_ns = (opts.grid_step_s * 1e9) as i64;
    let node_of = |t: Epoch| (t.ns_since_1950() + step_ns / 2).div_euclid(step_ns);
    tracks.sort_by_key(|(_, t)| t.mid);
    let mut by_node: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (k, (_, t)) in tracks.iter().enumerate() {
        by_node.entry(node_of(t.mid)).or_default().push(k);
    }
    let nodes: Vec<i64> = by_node.keys().copied().collect();
    let mut candidates: Vec<Vec<usize>> = vec![Vec::new(); tracks.len()];
    const BLOCK: usize = 16;
    let ns = sats.len();
    for block in nodes.chunks(BLOCK) {
        let times: Vec<Epoch> = block
            .iter()
            .map(|n| Epoch::from_ns_since_1950(n * step_ns))
            .collect();
        let nt = times.len();
        let mut pos = vec![[0.0; 3]; ns * nt];
        let mut vel = vec![[0.0; 3]; ns * nt];
        let mut err = vec![0u8; ns * nt];
        if propagate_grid_utc(&sats, &times, &mut pos, &mut vel, &mut err).is_err() {
            continue;
        }
        let members: Vec<(usize, usize)> = block
            .iter()
            .enumerate()
            .flat_map(|(j, n)| by_node[n].iter().map(move |&k| (j, k)))
            .collect();
        let found: Vec<(usize, Vec<usize>)> = members
            .par_iter()
            .map(|&(j, k)| {
                let t = &tracks[k].1;
                let Some(site) = site_of.get(t.station.as_str()) else {
                    return (k, Vec::new());
                };
                let ts = TimeScales::from_utc_ns_since_1950(t.mid.ns_since_1950(), eop);
                let er = EarthRotation::new(&ts);
                let m = teme_to_gcrs_matrix(&ts, &er);
                let (site_gcrs, _) = site_gcrs_pv(site.geodetic.to_itrf(), &er);
                let site_teme = mtxv(&m, site_gcrs);
                let u = mtxv(&m, t.u_gcrs);
                let dt = t.mid.minutes_since(times[j]) * 60.0;
                let mut out = Vec::new();
                for (s, sat) in sats.iter().enumerate() {
                    let c = s * nt + j;
                    if err[c] != 0 {
                        continue;
                    }
                    let (r0, v0) = (pos[c], vel[c]);
                    let r2 = dot(r0, r0);
                    let g = -MU_KM3_S2 / (r2 * r2.sqrt());
                    let mut rho = [0.0; 3];
                    for a in 0..3 {
                        rho[a] = r0[a] + v0[a] * dt + 0.5 * g * r0[a] * dt * dt - site_teme[a];
                    }
                    let along = dot(rho, u);
                    if along <= 0.0 {
                        continue;
                    }
                    // Light time: the object was where it is `range / c` earlier.
                    let tau = along / C_KM_S;
                    for a in 0..3 {
                        rho[a] -= v0[a] * tau;
                    }
                    let along = dot(rho, u);
                    let perp2 = dot(rho, rho) - along * along;
                    let age = t.mid.minutes_since(sat.epoch()).abs() / 1440.0;
                    let tol = opts.n_sigma
                        * (opts.along_km + opts.along_km_per_day * age)
                            .hypot(opts.cross_km + opts.cross_km_per_day * age)
                        + 1.0
                        + along * opts.n_sigma * opts.default_sigma_arcsec.to_radians() / 3600.0;
                    if perp2 <= tol * tol {
                        out.push(s);
                    }
                }
                (k, out)
            })
            .collect();
        for (k, c) in found {
            candidates[k] = c;
        }
    }

    // Score the candidates of each tracklet with the full prediction.
    let scored: Vec<(usize, Outcome)> = tracks
        .par_iter()
        .zip(candidates.par_iter())
        .map(|((slot, t), cands)| {
            let site = site_of[t.station.as_str()];
            let mut fits: Vec<CandidateFit> = cands
                .iter()
                .filter_map(|&s| score(t, &sats[s], site, observations, eop, opts))
                .collect();
            fits.sort_by(|a, b| a.chi2.total_cmp(&b.chi2));
            let outcome = match fits.len() {
                0 => Outcome::Uncorrelated,
                1 => Outcome::Assigned {
                    fit: fits.remove(0),
                    others: Vec::new(),
                },
                _ if fits[1].chi2 - fits[0].chi2 >= opts.ambiguity_delta_chi2 => {
                    let best = fits.remove(0);
                    Outcome::Assigned {
                        fit: best,
                        others: fits,
                    }
                }
                _ => Outcome::Ambiguous { candidates: fits },
            };
            (*slot, outcome)
        })
        .collect();
    for (slot, outcome) in scored {
        if let Some(r) = results[slot].as_mut() {
            r.outcome = outcome;
        }
    }
    let tracklets: Vec<TrackletResult> = results.into_iter().flatten().collect();
    let count = |f: fn(&Outcome) -> bool| tracklets.iter().filter(|t| f(&t.outcome)).count();
    CorrelationReport {
        assigned: count(|o| matches!(o, Outcome::Assigned { .. })),
        uncorrelated: count(|o| matches!(o, Outcome::Uncorrelated)),
        ambiguous: count(|o| matches!(o, Outcome::Ambiguous { .. })),
        skipped: count(|o| matches!(o, Outcome::Skipped { .. })),
        refused_elements: refused,
        tracklets,
    }
}

/// How `sat` fits tracklet `t`; `None` when it does not (beyond `n_sigma` anywhere).
fn score(
    t: &Track,
    sat: &Sgp4,
    site: &Site,
    obs: &[Observation],
    eop: &Eop,
    opts: &CorrelationOptions,
) -> Option<CandidateFit> {
    let mut pred = TrackPredictor::new(sat, &site.geodetic, eop, PredictOptions::default());
    let mut times = Vec::with_capacity(t.obs.len());
    let mut along = Vec::with_capacity(t.obs.len());
    let mut cross = Vec::with_capacity(t.obs.len());
    let mut sigma2_sum = 0.0;
    let mut mid_pred = None;
    for &i in &t.obs {
        let o = &obs[i];
        let (ra, dec) = radec_of(o)?;
        let p = pred.angles(o.time).ok()?;
        let rate = p.ra_rate_deg_s.hypot(p.dec_rate_deg_s);
        let (ua, ud) = if rate > 0.0 {
            (p.ra_rate_deg_s / rate, p.dec_rate_deg_s / rate)
        } else {
            (1.0, 0.0)
        };
        let dra =
            ((ra - p.ra_deg + 540.0).rem_euclid(360.0) - 180.0) * p.dec_deg.to_radians().cos();
        let ddec = dec - p.dec_deg;
        times.push(o.time.minutes_since(t.mid) * 60.0);
        along.push((dra * ua + ddec * ud) * 3600.0);
        cross.push((-dra * ud + ddec * ua) * 3600.0);
        let s = o
            .angle_sigma_deg
            .map_or(opts.default_sigma_arcsec, |s| s * 3600.0)
            .max(0.1);
        sigma2_sum += s * s;
        if o.time == t.mid {
            mid_pred = Some(p);
        }
    }
    let p = mid_pred.or_else(|| pred.angles(t.mid).ok())?;
    let n = t.obs.len() as f64;
    let sigma_obs = (sigma2_sum / n).sqrt();
    let rate_as = p.ra_rate_deg_s.hypot(p.dec_rate_deg_s) * 3600.0;
    let (a0, a_slope) = line_fit(&times, &along);
    let (c0, _) = line_fit(&times, &cross);
    let age = t.mid.minutes_since(sat.epoch()).abs() / 1440.0;
    let km_to_as = 1.0 / p.range_km * 206_264.806;
    let sa = ((opts.along_km + opts.along_km_per_day * age) * km_to_as).hypot(sigma_obs / n.sqrt());
    let sc = ((opts.cross_km + opts.cross_km_per_day * age) * km_to_as).hypot(sigma_obs / n.sqrt());
    let mut chi2 = (a0 / sa).powi(2) + (c0 / sc).powi(2);
    let mut rate_error_rel = 0.0;
    if t.obs.len() >= 3 {
        let tm = times.iter().sum::<f64>() / n;
        let stt: f64 = times.iter().map(|x| (x - tm).powi(2)).sum();
        let s_slope = (sigma_obs / stt.sqrt()).hypot(opts.rate_sigma_rel * rate_as);
        rate_error_rel = if rate_as > 0.0 {
            a_slope / rate_as
        } else {
            0.0
        };
        if (a_slope / s_slope).abs() > opts.n_sigma {
            return None;
        }
        chi2 += (a_slope / s_slope).powi(2);
    }
    if (a0 / sa).abs() > opts.n_sigma || (c0 / sc).abs() > opts.n_sigma {
        return None;
    }
    Some(CandidateFit {
        norad_cat_id: sat.norad_cat_id(),
        along_arcsec: a0,
        cross_arcsec: c0,
        time_offset_s: if rate_as > 0.0 { -a0 / rate_as } else { 0.0 },
        along_km: a0 / km_to_as,
        cross_km: c0 / km_to_as,
        rate_error_rel,
        age_days: age,
        chi2,
    })
}
