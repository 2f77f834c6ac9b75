//! Linking uncorrelated tracklets of different passes (a LEO object seen again one or
//! more revolutions later, the same night or the next) and growing a candidate with
//! every further tracklet its orbit predicts.
//!
//! A pair of tracklets is tried when circular orbits admitted by their attributables
//! ([`aposos_orbit::od::attributable`]) agree: radii within 5 % (+50 km), orbit planes
//! within 2° once the first is carried by the J2 nodal drift, and a whole number of
//! revolutions between them that makes the mean motion agree within 4 %. Gooding's
//! method with that number of revolutions then gives an exact two-body orbit through
//! the first tracklet's ends and the second's middle, started from the circular ranges;
//! its SGP4 elements are fitted to both tracklets' exposures and the pair is linked when
//! the normalised RMS is within bounds with at most a tenth rejected.

use aposos_astro::frames::mxv;
use aposos_astro::topocentric::{angular_separation_rad, cross, dot, norm, unit_vector};
use aposos_formats::Epoch;
use aposos_orbit::od::attributable::{attributable, circular_orbits, CircularOrbit};
use aposos_orbit::od::gooding::{gooding, GoodingOptions};
use aposos_orbit::od::iod::{state_to_elements, MU_KM3_S2};
use aposos_orbit::od::report::line_of_sight;
use aposos_orbit::od::{fit_sgp4, AngleMeasurement, Sgp4Fit, Sgp4FitOptions};
use aposos_orbit::Sgp4;
use std::f64::consts::TAU;

/// J2 of the Earth (EGM96), for the nodal drift.
const J2: f64 = 1.082_626_68e-3;
/// Earth's equatorial radius (km).
const RE_KM: f64 = 6378.137;

/// A tracklet reduced for pairing: its circular hypotheses at its middle time.
pub(crate) struct Hypotheses {
    epoch: Epoch,
    orbits: Vec<CircularOrbit>,
}

/// The circular hypotheses of one tracklet's exposures.
pub(crate) fn hypotheses(meas: &[AngleMeasurement]) -> Hypotheses {
    let refs: Vec<&AngleMeasurement> = meas.iter().collect();
    let orbits = attributable(&refs)
        .map(|a| circular_orbits(&a))
        .unwrap_or_default();
    Hypotheses {
        epoch: meas[meas.len() / 2].time,
        orbits,
    }
}

/// `v` rotated about the z axis by `angle` (rad).
fn rotate_z(v: [f64; 3], angle: f64) -> [f64; 3] {
    let (s, c) = angle.sin_cos();
    [c * v[0] - s * v[1], s * v[0] + c * v[1], v[2]]
}

/// A pairing of two hypotheses: ranges at both tracklets and whole revolutions between.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pairing {
    range_a_km: f64,
    range_b_km: f64,
    radius_km: f64,
    revolutions: u32,
}

/// Every pairing the circular hypotheses of `a` and `b` (later) allow.
pub(crate) fn pairings(a: &Hypotheses, b: &Hypotheses) -> Vec<Pairing> {
    let dt = b.epoch.minutes_since(a.epoch) * 60.0;
    let mut out = Vec::new();
    if dt <= 0.0 {
        return out;
    }
    for ha in &a.orbits {
        for hb in &b.orbits {
            let (ra, rb) = (ha.radius_km(), hb.radius_km());
            let r = 0.5 * (ra + rb);
            if (ra - rb).abs() > 0.05 * r + 50.0 {
                continue;
            }
            let n = (MU_KM3_S2 / r.powi(3)).sqrt();
            let pa = ha.pole();
            let node_rate = -1.5 * n * J2 * (RE_KM / r).powi(2) * pa[2];
            let drift = node_rate * dt;
            let pa = rotate_z(pa, drift);
            let pb = hb.pole();
            if angular_separation_rad(pa, pb).to_degrees() > 2.0 {
                continue;
            }
            let ua = rotate_z(ha.position_km, drift);
            let ub = hb.position_km;
            let du = dot(cross(ua, ub), pb).atan2(dot(ua, ub)).rem_euclid(TAU);
            let k0 = ((n * dt - du) / TAU).round() as i64;
            for k in k0 - 1..=k0 + 1 {
                if k < 0 {
                    continue;
                }
                let implied = (du + TAU * k as f64) / dt;
                if (implied / n - 1.0).abs() <= 0.04 {
                    out.push(Pairing {
                        range_a_km: ha.range_km,
                        range_b_km: hb.range_km,
                        radius_km: r,
                        revolutions: k as u32,
                    });
                }
            }
        }
    }
    out
}

/// Options of a fit that links tracklets (no prior, all six elements, no B*).
pub(crate) fn link_fit_options() -> Sgp4FitOptions {
    Sgp4FitOptions {
        min_full_arc_periods: 0.0,
        prior: None,
        fit_bstar: Some(false),
        ..Sgp4FitOptions::default()
    }
}

/// Whether a linking fit is good enough: converged, normalised RMS at most `max_rms`,
/// and no more than a tenth of the exposures rejected.
pub(crate) fn acceptable(fit: &Sgp4Fit, max_rms: f64) -> bool {
    fit.converged && fit.rms_normalised <= max_rms && fit.rejected * 10 <= fit.used + fit.rejected
}

/// The best SGP4 fit linking tracklet `a` (earlier) with `b`, from their pairings.
pub(crate) fn link_pair(
    a: &[AngleMeasurement],
    b: &[AngleMeasurement],
    pairings: &[Pairing],
    number: u32,
    max_rms: f64,
) -> Option<Sgp4Fit> {
    let (m1, m2, m3) = (&a[0], &a[a.len() - 1], &b[b.len() / 2]);
    if !(m1.time < m2.time && m2.time < m3.time) {
        return None;
    }
    let all: Vec<AngleMeasurement> = a.iter().chain(b).cloned().collect();
    let mut best: Option<Sgp4Fit> = None;
    for p in pairings {
        let opts = GoodingOptions {
            min_revolutions: p.revolutions,
            max_revolutions: p.revolutions,
            radius_hypotheses_km: vec![p.radius_km],
            range_guesses_km: vec![(p.range_a_km, p.range_b_km)],
            // Exact through three lines of sight: a loose bound, the fit decides.
            max_rms: 10.0,
        };
        for orbit in gooding(m1, m2, m3, &opts) {
            let Some(start) = state_to_elements(&orbit, m2, number) else {
                continue;
            };
            let Ok(fit) = fit_sgp4(&start, &all, &link_fit_options()) else {
                continue;
            };
            if acceptable(&fit, max_rms)
                && best
                    .as_ref()
                    .is_none_or(|f| fit.rms_normalised < f.rms_normalised)
            {
                best = Some(fit);
            }
        }
    }
    best
}

/// Angle (deg) between `m`'s line of sight and the SGP4 prediction of `sat`.
pub(crate) fn sgp4_miss_deg(sat: &Sgp4, m: &AngleMeasurement) -> Option<f64> {
    let s = sat.propagate(m.time.minutes_since(sat.epoch())).ok()?;
    let r = mxv(&m.teme_to_gcrs, s.position_km);
    let v = mxv(&m.teme_to_gcrs, s.velocity_km_s);
    let (los, _) = line_of_sight(m, r, v);
    let n = norm(los);
    Some(angular_separation_rad(los.map(|x| x / n), unit_vector(m.ra_rad, m.dec_rad)).to_degrees())
}
