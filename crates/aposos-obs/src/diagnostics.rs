//! Station diagnostics: each station's residuals against the best orbit of each object,
//! and per station and night its pointing bias, noise and clock (timing) bias, with a
//! flag when a night departs from the station's usual level.
//!
//! The residual of an exposure is measured minus predicted astrometric RA/Dec at the
//! time written (ΔRA·cos Dec and ΔDec, arcsec), also split along and across the
//! object's apparent motion. A station whose clock writes `t + Δt` for an exposure taken
//! at `t` measures the object where the prediction at the written time has not yet
//! arrived: the residual is `−rate·Δt`. Per station and night one weighted least-squares
//! fit over every exposure solves
//!
//! ```text
//! ΔRA·cosδ_i = b_RA − (dα/dt·cosδ)_i · Δt + ε,   Δδ_i = b_Dec − (dδ/dt)_i · Δt + ε
//! ```
//!
//! for the pointing bias `(b_RA, b_Dec)` and the timing bias `Δt`: the objects of a
//! night move in many directions, so the bias (fixed on the sky) and the timing error
//! (along each motion) separate. Outliers beyond 3 robust sigmas (1.4826 × median
//! absolute deviation, at least 0.5″) are dropped and the fit repeated; the noise is the
//! robust sigma of what is left. Errors of the element sets themselves (mostly along
//! track) average out over many objects but not over few: a night with fewer than
//! [`MIN_OBJECTS`] objects gets no timing estimate.

use crate::simulate::night_label;
use aposos_astro::Eop;
use aposos_formats::obs::{Angles, Observation, RaDecFrame};
use aposos_formats::ElementSet;
use aposos_orbit::Sgp4;
use aposos_plan::predict::{PredictOptions, TrackPredictor};
use aposos_plan::sites::Site;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Fewest distinct objects in a night for a timing-bias estimate.
pub const MIN_OBJECTS: usize = 3;
/// Floor of the robust sigma used for outlier rejection (arcsec).
pub const SIGMA_FLOOR_ARCSEC: f64 = 0.5;

/// One exposure's residual against its object's orbit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Residual {
    /// Station (site id).
    pub station: String,
    /// Night (local date of the evening).
    pub night: String,
    /// Catalog number.
    pub norad_cat_id: u32,
    /// Tracklet id, if any.
    pub tracklet_id: Option<String>,
    /// Time written (UTC, ISO 8601).
    pub time_utc: String,
    /// ΔRA·cos Dec, measured minus predicted (arcsec).
    pub ra_arcsec: f64,
    /// ΔDec, measured minus predicted (arcsec).
    pub dec_arcsec: f64,
    /// Residual along the apparent motion (arcsec).
    pub along_arcsec: f64,
    /// Residual across the apparent motion, to its left (arcsec).
    pub cross_arcsec: f64,
    /// Apparent angular rate (arcsec/s).
    pub rate_arcsec_s: f64,
    /// Dropped as an outlier by the night's fit.
    pub outlier: bool,
    #[serde(skip)]
    rate_ra: f64,
    #[serde(skip)]
    rate_dec: f64,
}

/// One station's night: biases, noise, and whether it departs from the usual level.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NightDiagnostics {
    /// Station (site id).
    pub station: String,
    /// Night (local date of the evening).
    pub night: String,
    /// Exposures with a residual.
    pub observations: usize,
    /// Exposures dropped as outliers.
    pub outliers: usize,
    /// Distinct objects.
    pub objects: usize,
    /// Pointing bias in RA on the sky, ΔRA·cos Dec (arcsec).
    pub bias_ra_arcsec: f64,
    /// Pointing bias in Dec (arcsec).
    pub bias_dec_arcsec: f64,
    /// One-sigma uncertainty of each bias component (arcsec).
    pub bias_sigma_arcsec: f64,
    /// Timing bias: time written minus true time (ms); absent with too few objects.
    pub timing_bias_ms: Option<f64>,
    /// One-sigma uncertainty of the timing bias (ms).
    pub timing_sigma_ms: Option<f64>,
    /// Robust noise per axis after the fit (arcsec).
    pub noise_arcsec: f64,
    /// Why the night is flagged (empty: within the usual level).
    pub flags: Vec<String>,
}

/// A station's diagnostics over the nights given.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StationDiagnostics {
    /// Station (site id).
    pub station: String,
    /// The nights, oldest first.
    pub nights: Vec<NightDiagnostics>,
    /// The residuals, in time order.
    pub residuals: Vec<Residual>,
    /// Exposures that got no residual, with the reason and how many.
    pub skipped: BTreeMap<String, usize>,
}

/// When a night counts as a drift: departures from the station's usual level.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DriftLimits {
    /// Pointing bias departure (arcsec, total of both axes).
    pub pointing_arcsec: f64,
    /// Timing bias departure (ms).
    pub timing_ms: f64,
    /// Noise above this many times the usual noise.
    pub noise_factor: f64,
}

impl Default for DriftLimits {
    fn default() -> Self {
        Self {
            pointing_arcsec: 5.0,
            timing_ms: 10.0,
            noise_factor: 2.0,
        }
    }
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// 1.4826 × median absolute deviation from zero of `v`.
fn robust_sigma(v: &[f64]) -> f64 {
    let mut a: Vec<f64> = v.iter().map(|x| x.abs()).collect();
    1.4826 * median(&mut a)
}

/// Solves the symmetric 3×3 system `n x = b`; `None` when singular.
fn solve3(n: [[f64; 3]; 3], b: [f64; 3]) -> Option<([f64; 3], [[f64; 3]; 3])> {
    let det = n[0][0] * (n[1][1] * n[2][2] - n[1][2] * n[2][1])
        - n[0][1] * (n[1][0] * n[2][2] - n[1][2] * n[2][0])
        + n[0][2] * (n[1][0] * n[2][1] - n[1][1] * n[2][0]);
    if !det.is_finite() || det.abs() < 1e-300 {
        return None;
    }
    let mut inv = [[0.0; 3]; 3];
    for (i, row) in inv.iter_mut().enumerate() {
        for (j, x) in row.iter_mut().enumerate() {
            let (a0, a1) = ((j + 1) % 3, (j + 2) % 3);
            let (b0, b1) = ((i + 1) % 3, (i + 2) % 3);
            *x = (n[a0][b0] * n[a1][b1] - n[a0][b1] * n[a1][b0]) / det;
        }
    }
    let x = [0, 1, 2].map(|i| inv[i][0] * b[0] + inv[i][1] * b[1] + inv[i][2] * b[2]);
    Some((x, inv))
}

/// Fits bias and (optionally) timing to the residuals not marked outliers.
fn fit(res: &[Residual], with_timing: bool) -> Option<([f64; 3], [[f64; 3]; 3])> {
    let mut n = [[0.0; 3]; 3];
    let mut b = [0.0; 3];
    for r in res.iter().filter(|r| !r.outlier) {
        for (row, y) in [
            ([1.0, 0.0, -r.rate_ra], r.ra_arcsec),
            ([0.0, 1.0, -r.rate_dec], r.dec_arcsec),
        ] {
            let row = if with_timing {
                row
            } else {
                [row[0], row[1], 0.0]
            };
            for i in 0..3 {
                b[i] += row[i] * y;
                for j in 0..3 {
                    n[i][j] += row[i] * row[j];
                }
            }
        }
    }
    if !with_timing {
        n[2][2] = 1.0;
    }
    solve3(n, b)
}

fn post_fit(r: &Residual, x: &[f64; 3]) -> (f64, f64) {
    (
        r.ra_arcsec - x[0] + r.rate_ra * x[2],
        r.dec_arcsec - x[1] + r.rate_dec * x[2],
    )
}

/// The bias, timing and noise of one station's night (residuals marked as outliers in place).
fn night_fit(station: &str, night: &str, res: &mut [Residual]) -> Option<NightDiagnostics> {
    let objects = {
        let mut o: Vec<u32> = res.iter().map(|r| r.norad_cat_id).collect();
        o.sort_unstable();
        o.dedup();
        o.len()
    };
    let with_timing = objects >= MIN_OBJECTS;
    let mut x = [0.0; 3];
    let mut cov = [[0.0; 3]; 3];
    let mut sigma = f64::INFINITY;
    for _ in 0..6 {
        (x, cov) = fit(res, with_timing)?;
        let comps: Vec<f64> = res
            .iter()
            .filter(|r| !r.outlier)
            .flat_map(|r| {
                let (a, b) = post_fit(r, &x);
                [a, b]
            })
            .collect();
        let s = robust_sigma(&comps).max(SIGMA_FLOOR_ARCSEC);
        let mut changed = false;
        for r in res.iter_mut() {
            let (a, b) = post_fit(r, &x);
            let out = a.abs() > 3.0 * s || b.abs() > 3.0 * s;
            changed |= out != r.outlier;
            r.outlier = out;
        }
        sigma = s;
        if !changed {
            break;
        }
    }
    let kept: Vec<&Residual> = res.iter().filter(|r| !r.outlier).collect();
    let comps: Vec<f64> = kept
        .iter()
        .flat_map(|r| {
            let (a, b) = post_fit(r, &x);
            [a, b]
        })
        .collect();
    let noise = robust_sigma(&comps);
    let scale = if noise > 0.0 { noise } else { sigma };
    Some(NightDiagnostics {
        station: station.to_string(),
        night: night.to_string(),
        observations: res.len(),
        outliers: res.len() - kept.len(),
        objects,
        bias_ra_arcsec: x[0],
        bias_dec_arcsec: x[1],
        bias_sigma_arcsec: scale * cov[0][0].max(cov[1][1]).sqrt(),
        timing_bias_ms: with_timing.then_some(x[2] * 1e3),
        timing_sigma_ms: with_timing.then_some(scale * cov[2][2].sqrt() * 1e3),
        noise_arcsec: noise,
        flags: Vec::new(),
    })
}

/// Flags the nights that depart from the station's usual level: the median of its other
/// nights when there are at least two, else the nominal level (no bias).
fn flag_drifts(nights: &mut [NightDiagnostics], limits: &DriftLimits) {
    let snapshot = nights.to_vec();
    for (i, n) in nights.iter_mut().enumerate() {
        let others: Vec<&NightDiagnostics> = snapshot
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, o)| o)
            .collect();
        let usual = |f: &dyn Fn(&NightDiagnostics) -> Option<f64>, nominal: Option<f64>| {
            let mut v: Vec<f64> = others.iter().filter_map(|o| f(o)).collect();
            if v.len() >= 2 {
                Some(median(&mut v))
            } else {
                nominal
            }
        };
        let (u_ra, u_dec) = (
            usual(&|o| Some(o.bias_ra_arcsec), Some(0.0)).unwrap_or(0.0),
            usual(&|o| Some(o.bias_dec_arcsec), Some(0.0)).unwrap_or(0.0),
        );
        let d = (n.bias_ra_arcsec - u_ra).hypot(n.bias_dec_arcsec - u_dec);
        if d > limits.pointing_arcsec {
            n.flags.push(format!(
                "pointing bias {:.1}\" from the usual level (limit {:.1}\")",
                d, limits.pointing_arcsec
            ));
        }
        if let (Some(t), Some(u)) = (n.timing_bias_ms, usual(&|o| o.timing_bias_ms, Some(0.0))) {
            if (t - u).abs() > limits.timing_ms {
                n.flags.push(format!(
                    "timing bias {:.1} ms from the usual level (limit {:.1} ms)",
                    t - u,
                    limits.timing_ms
                ));
            }
        }
        if let Some(u) = usual(&|o| Some(o.noise_arcsec), None) {
            if n.noise_arcsec > limits.noise_factor * u {
                n.flags.push(format!(
                    "noise {:.1}\" above {:.0}x the usual {:.1}\"",
                    n.noise_arcsec, limits.noise_factor, u
                ));
            }
        }
    }
}

/// Diagnostics of every station in `stations` from `observations`, against the element
/// set of each object in `elements` (the best orbit available), seen from `sites`.
pub fn station_diagnostics(
    observations: &[Observation],
    elements: &HashMap<u32, ElementSet>,
    sites: &[Site],
    stations: &[&str],
    eop: &Eop,
    limits: &DriftLimits,
) -> Vec<StationDiagnostics> {
    let mut out = Vec::new();
    for &station in stations {
        let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
        let mut skip = |why: &str| *skipped.entry(why.to_string()).or_default() += 1;
        let Some(site) = sites.iter().find(|s| s.id == station) else {
            out.push(StationDiagnostics {
                station: station.to_string(),
                nights: Vec::new(),
                residuals: Vec::new(),
                skipped: BTreeMap::from([(
                    "unknown site".to_string(),
                    observations.iter().filter(|o| o.station == station).count(),
                )]),
            });
            continue;
        };
        // Group by object (one predictor each), in time order.
        let mut by_object: BTreeMap<u32, Vec<&Observation>> = BTreeMap::new();
        for o in observations.iter().filter(|o| o.station == station) {
            match (o.norad_cat_id, o.angles) {
                (None, _) => skip("uncorrelated"),
                (
                    Some(n),
                    Angles::RaDec {
                        frame: RaDecFrame::J2000,
                        ..
                    },
                ) => by_object.entry(n).or_default().push(o),
                (Some(_), _) => skip("not J2000 RA/Dec"),
            }
        }
        let mut residuals = Vec::new();
        for (norad, obs) in by_object {
            let Some(el) = elements.get(&norad) else {
                for _ in &obs {
                    skip("no orbit for the object");
                }
                continue;
            };
            // Observations are grouped by object: one SGP4 initialisation each.
            let Ok(sat) = Sgp4::new(el) else {
                for _ in &obs {
                    skip("orbit refused by SGP4");
                }
                continue;
            };
            let mut p = TrackPredictor::new(&sat, &site.geodetic, eop, PredictOptions::default());
            for o in obs {
                let Angles::RaDec {
                    ra_deg, dec_deg, ..
                } = o.angles
                else {
                    continue;
                };
                let a = match p.angles(o.time) {
                    Ok(a) => a,
                    Err(_) => {
                        skip("prediction failed");
                        continue;
                    }
                };
                let cd = a.dec_deg.to_radians().cos();
                let d_ra = ((ra_deg - a.ra_deg + 540.0).rem_euclid(360.0) - 180.0) * cd * 3600.0;
                let d_dec = (dec_deg - a.dec_deg) * 3600.0;
                let (rr, rd) = (a.ra_rate_deg_s * 3600.0, a.dec_rate_deg_s * 3600.0);
                let rate = rr.hypot(rd);
                let (along, cross) = if rate > 0.0 {
                    (
                        (d_ra * rr + d_dec * rd) / rate,
                        (d_dec * rr - d_ra * rd) / rate,
                    )
                } else {
                    (0.0, 0.0)
                };
                residuals.push(Residual {
                    station: station.to_string(),
                    night: night_label(o.time, site.geodetic.lon_deg()),
                    norad_cat_id: norad,
                    tracklet_id: o.tracklet_id.clone(),
                    time_utc: format!("{}Z", o.time.to_iso()),
                    ra_arcsec: d_ra,
                    dec_arcsec: d_dec,
                    along_arcsec: along,
                    cross_arcsec: cross,
                    rate_arcsec_s: rate,
                    outlier: false,
                    rate_ra: rr,
                    rate_dec: rd,
                });
            }
        }
        residuals.sort_by(|a, b| a.time_utc.cmp(&b.time_utc));
        let mut nights = Vec::new();
        let mut start = 0;
        // Nights in time order: group consecutive residuals by night label.
        let mut order: Vec<String> = residuals.iter().map(|r| r.night.clone()).collect();
        order.dedup();
        for night in order {
            let end = start
                + residuals[start..]
                    .iter()
                    .take_while(|r| r.night == night)
                    .count();
            if let Some(n) = night_fit(station, &night, &mut residuals[start..end]) {
                nights.push(n);
            }
            start = end;
        }
        flag_drifts(&mut nights, limits);
        out.push(StationDiagnostics {
            station: station.to_string(),
            nights,
            residuals,
            skipped,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(norad: u32, ra: f64, dec: f64, rr: f64, rd: f64) -> Residual {
        Residual {
            station: "s".into(),
            night: "n".into(),
            norad_cat_id: norad,
            tracklet_id: None,
            time_utc: String::new(),
            ra_arcsec: ra,
            dec_arcsec: dec,
            along_arcsec: 0.0,
            cross_arcsec: 0.0,
            rate_arcsec_s: rr.hypot(rd),
            outlier: false,
            rate_ra: rr,
            rate_dec: rd,
        }
    }

    #[test]
    fn the_fit_separates_pointing_and_timing_and_drops_outliers() {
        // Δt = 0.03 s, bias (6, −8)″, motion in many directions at 1000″/s, one gross outlier.
        let mut v: Vec<Residual> = (0..40)
            .map(|i| {
                let a = f64::from(i) * 0.7;
                let (rr, rd) = (1000.0 * a.cos(), 1000.0 * a.sin());
                res(i as u32 % 5, 6.0 - rr * 0.03, -8.0 - rd * 0.03, rr, rd)
            })
            .collect();
        v[7].ra_arcsec += 300.0;
        let n = night_fit("s", "n", &mut v).expect("fit");
        assert!(
            (n.bias_ra_arcsec - 6.0).abs() < 1e-6 && (n.bias_dec_arcsec + 8.0).abs() < 1e-6,
            "{n:?}"
        );
        let t = n.timing_bias_ms.expect("timing");
        assert!((t - 30.0).abs() < 1e-6, "{t}");
        assert_eq!(n.outliers, 1);
        assert!(v[7].outlier);
        // Too few objects: no timing estimate.
        let mut few: Vec<Residual> = v.iter().filter(|r| r.norad_cat_id < 2).cloned().collect();
        assert!(night_fit("s", "n", &mut few)
            .expect("fit")
            .timing_bias_ms
            .is_none());
    }

    #[test]
    fn drifts_are_flagged_against_the_usual_level() {
        let night = |b: f64, t: f64, noise: f64| NightDiagnostics {
            station: "s".into(),
            night: "n".into(),
            observations: 100,
            outliers: 0,
            objects: 10,
            bias_ra_arcsec: b,
            bias_dec_arcsec: 0.0,
            bias_sigma_arcsec: 0.1,
            timing_bias_ms: Some(t),
            timing_sigma_ms: Some(0.1),
            noise_arcsec: noise,
            flags: Vec::new(),
        };
        // A station with a steady 8″ bias is not flagged for it; the night it jumps is.
        let mut v = vec![
            night(8.0, 2.0, 2.0),
            night(8.5, 1.0, 2.1),
            night(7.5, 2.0, 1.9),
            night(20.0, 40.0, 6.0),
        ];
        flag_drifts(&mut v, &DriftLimits::default());
        assert!(v[..3].iter().all(|n| n.flags.is_empty()), "{v:?}");
        assert_eq!(v[3].flags.len(), 3, "{:?}", v[3].flags);
        // One night alone is compared with the nominal level.
        let mut one = vec![night(10.0, 30.0, 2.0)];
        flag_drifts(&mut one, &DriftLimits::default());
        assert_eq!(one[0].flags.len(), 2, "{:?}", one[0].flags);
    }
}
