//! Initial orbit determination from angles only: Gauss's method from three lines of
//! sight and the observer's positions, each root refined by a differential correction of
//! the two-body state (exact Lagrange f and g from the universal-variable Kepler
//! solution, light time).
//!
//! The eighth-degree equation of the middle range gives every positive root between one
//! Earth radius and 100 Earth radii; each root's first estimate (series f and g) is
//! refined and kept when it fits the three lines of sight and stays above the Earth's
//! surface, so an ambiguous geometry yields several candidates rather than a guess. The result is a two-body state at the middle time (GCRS); use it
//! as the start of a least-squares fit ([`super::sgp4_fit::fit_sgp4`] through
//! [`state_to_elements`]).

use super::measurement::AngleMeasurement;
use aposos_astro::frames::{mtxv, Vec3};
use aposos_astro::topocentric::{cross, dot, norm, sub, unit_vector, C_KM_S};
use aposos_formats::{ElementSet, Epoch};
use std::f64::consts::TAU;

/// Gravitational parameter of the Earth (km³/s², WGS84 / EGM96).
pub const MU_KM3_S2: f64 = 398_600.441_8;
/// Earth's equatorial radius (km).
const RE_KM: f64 = 6378.137;

/// `a + k·b`.
fn add(a: Vec3, b: Vec3, k: f64) -> Vec3 {
    [a[0] + k * b[0], a[1] + k * b[1], a[2] + k * b[2]]
}

/// Stumpff functions C(z) and S(z).
pub(crate) fn stumpff(z: f64) -> (f64, f64) {
    if z > 1e-8 {
        let s = z.sqrt();
        ((1.0 - s.cos()) / z, (s - s.sin()) / (s * z))
    } else if z < -1e-8 {
        let s = (-z).sqrt();
        ((s.cosh() - 1.0) / (-z), (s.sinh() - s) / (s * -z))
    } else {
        (0.5 - z / 24.0, 1.0 / 6.0 - z / 120.0)
    }
}

/// Lagrange coefficients f and g from state (r0, v0) over `dt` seconds (two-body,
/// universal variable); `None` when Kepler's equation does not converge.
pub fn lagrange_fg(r0: Vec3, v0: Vec3, dt: f64) -> Option<(f64, f64)> {
    let r0n = norm(r0);
    let vr0 = dot(r0, v0) / r0n;
    let alpha = 2.0 / r0n - dot(v0, v0) / MU_KM3_S2;
    let sq = MU_KM3_S2.sqrt();
    let mut chi = sq * alpha.abs() * dt;
    if !chi.is_finite() || chi == 0.0 {
        chi = sq * dt / r0n;
    }
    for _ in 0..100 {
        let z = alpha * chi * chi;
        let (c, s) = stumpff(z);
        let f = r0n * vr0 / sq * chi * chi * c + (1.0 - alpha * r0n) * chi.powi(3) * s + r0n * chi
            - sq * dt;
        let df = r0n * vr0 / sq * chi * (1.0 - alpha * chi * chi * s)
            + (1.0 - alpha * r0n) * chi * chi * c
            + r0n;
        let step = f / df;
        chi -= step;
        if !chi.is_finite() {
            return None;
        }
        if step.abs() < 1e-10 * chi.abs().max(1.0) {
            let z = alpha * chi * chi;
            let (c, s) = stumpff(z);
            return Some((1.0 - chi * chi / r0n * c, dt - chi.powi(3) * s / sq));
        }
    }
    None
}

/// Two-body position `dt` seconds from state (r0, v0).
pub(crate) fn kepler_position(r0: Vec3, v0: Vec3, dt: f64) -> Option<Vec3> {
    let (f, g) = lagrange_fg(r0, v0, dt)?;
    Some(std::array::from_fn(|k| f * r0[k] + g * v0[k]))
}

/// The angle (rad) between measurement `m`'s line of sight and the direction of the
/// two-body orbit (r, v) at `epoch` (light time included); `None` if Kepler fails.
pub fn two_body_miss_rad(r: Vec3, v: Vec3, epoch: Epoch, m: &AngleMeasurement) -> Option<f64> {
    let dt = m.time.minutes_since(epoch) * 60.0;
    let pos = kepler_position(r, v, dt)?;
    let tau = norm(sub(pos, m.site_gcrs_km)) / C_KM_S;
    let rho = sub(kepler_position(r, v, dt - tau)?, m.site_gcrs_km);
    let u = los(m);
    Some(norm(cross(rho, u)).atan2(dot(rho, u)))
}

/// The two-body state at `epoch` (time of the state, UTC, the observer's clock) that best
/// fits the lines of sight of `ms` (light time included), from (r, v); with the RMS of the
/// normalised residuals.
pub fn refine_two_body(
    r: Vec3,
    v: Vec3,
    epoch: Epoch,
    ms: &[&AngleMeasurement],
) -> Option<((Vec3, Vec3), f64)> {
    let model = |p: &[f64]| -> Option<Vec<[f64; 2]>> {
        let (r0, v0) = ([p[0], p[1], p[2]], [p[3], p[4], p[5]]);
        ms.iter()
            .map(|m| {
                let dt = m.time.minutes_since(epoch) * 60.0;
                let mut pos = kepler_position(r0, v0, dt)?;
                let tau = norm(sub(pos, m.site_gcrs_km)) / C_KM_S;
                pos = kepler_position(r0, v0, dt - tau)?;
                let rho = sub(pos, m.site_gcrs_km);
                let d = norm(rho);
                let (ra, dec) = (rho[1].atan2(rho[0]), (rho[2] / d).clamp(-1.0, 1.0).asin());
                let dra = (m.ra_rad - ra + 3.0 * std::f64::consts::PI).rem_euclid(TAU)
                    - std::f64::consts::PI;
                Some([
                    dra * dec.cos() / m.sigma_rad,
                    (m.dec_rad - dec) / m.sigma_rad,
                ])
            })
            .collect()
    };
    let start = [r[0], r[1], r[2], v[0], v[1], v[2]];
    let steps = [1e-3, 1e-3, 1e-3, 1e-6, 1e-6, 1e-6];
    let opts = super::lsq::LsqOptions {
        max_iterations: 30,
        outlier_sigma: f64::INFINITY,
        max_rejection_rounds: 0,
        ..super::lsq::LsqOptions::default()
    };
    let floor = vec![f64::INFINITY; ms.len()];
    let sol = super::lsq::solve(&model, &start, &steps, &[true; 6], &floor, &opts).ok()?;
    let p = sol.params;
    Some((([p[0], p[1], p[2]], [p[3], p[4], p[5]]), sol.rms))
}

/// One candidate initial orbit.
#[derive(Debug, Clone, PartialEq)]
pub struct InitialOrbit {
    /// Time of the state (the middle measurement's time, UTC).
    pub epoch: Epoch,
    /// Position, GCRS (km).
    pub position_km: Vec3,
    /// Velocity, GCRS (km/s).
    pub velocity_km_s: Vec3,
    /// Ranges to the three measurements (km).
    pub ranges_km: [f64; 3],
}

pub(crate) fn los(m: &AngleMeasurement) -> Vec3 {
    unit_vector(m.ra_rad, m.dec_rad)
}

/// Positive roots of x⁸ + a x⁶ + b x³ + c between `lo` and `hi` (log-spaced scan and bisection).
fn positive_roots(a: f64, b: f64, c: f64, lo: f64, hi: f64) -> Vec<f64> {
    let p = |x: f64| ((x * x + a) * x * x * x + b) * x * x * x + c;
    let n = 2000;
    let mut out = Vec::new();
    let mut x0 = lo;
    let mut p0 = p(x0);
    for k in 1..=n {
        let x1 = lo * (hi / lo).powf(k as f64 / n as f64);
        let p1 = p(x1);
        if p0 == 0.0 || p0.signum() != p1.signum() {
            let (mut l, mut h) = (x0, x1);
            for _ in 0..100 {
                let m = 0.5 * (l + h);
                if p(m).signum() == p(l).signum() {
                    l = m;
                } else {
                    h = m;
                }
            }
            out.push(0.5 * (l + h));
        }
        x0 = x1;
        p0 = p1;
    }
    out
}

/// Gauss's method on measurements `m1`, `m2`, `m3` (in time order, RA/Dec astrometric):
/// every candidate that fits, best first (smallest residual).
pub fn gauss(
    m1: &AngleMeasurement,
    m2: &AngleMeasurement,
    m3: &AngleMeasurement,
) -> Vec<InitialOrbit> {
    let (l1, l2, l3) = (los(m1), los(m2), los(m3));
    let (r1s, r2s, r3s) = (m1.site_gcrs_km, m2.site_gcrs_km, m3.site_gcrs_km);
    let t = |m: &AngleMeasurement| m.time.minutes_since(m2.time) * 60.0;
    let (tau1_0, tau3_0) = (t(m1), t(m3));
    let p1 = cross(l2, l3);
    let p2 = cross(l1, l3);
    let p3 = cross(l1, l2);
    let d0 = dot(l1, p1);
    if d0.abs() < 1e-14 || tau1_0 >= 0.0 || tau3_0 <= 0.0 {
        return Vec::new();
    }
    let d = |r: Vec3| [dot(r, p1), dot(r, p2), dot(r, p3)];
    let (d1, d2, d3) = (d(r1s), d(r2s), d(r3s));
    // d[i][j] = R_i · p_j
    let dm = [d1, d2, d3];
    let (tau1, tau3) = (tau1_0, tau3_0);
    let tau = tau3 - tau1;
    let a_ = (-dm[0][1] * tau3 / tau + dm[1][1] + dm[2][1] * tau1 / tau) / d0;
    let b_ = (dm[0][1] * (tau3 * tau3 - tau * tau) * tau3 / tau
        + dm[2][1] * (tau * tau - tau1 * tau1) * tau1 / tau)
        / (6.0 * d0);
    let e = dot(r2s, l2);
    let r2sq = dot(r2s, r2s);
    let a = -(a_ * a_ + 2.0 * a_ * e + r2sq);
    let b = -2.0 * MU_KM3_S2 * b_ * (a_ + e);
    let c = -(MU_KM3_S2 * b_).powi(2);
    let mut out: Vec<(f64, InitialOrbit)> = Vec::new();
    for r2 in positive_roots(a, b, c, RE_KM, 100.0 * RE_KM) {
        let r23 = r2.powi(3);
        let mu = MU_KM3_S2;
        let rho = [
            ((6.0 * (dm[2][0] * tau1 / tau3 + dm[1][0] * tau / tau3) * r23
                + mu * dm[2][0] * (tau * tau - tau1 * tau1) * tau1 / tau3)
                / (6.0 * r23 + mu * (tau * tau - tau3 * tau3))
                - dm[0][0])
                / d0,
            a_ + mu * b_ / r23,
            ((6.0 * (dm[0][2] * tau3 / tau1 - dm[1][2] * tau / tau1) * r23
                + mu * dm[0][2] * (tau * tau - tau3 * tau3) * tau3 / tau1)
                / (6.0 * r23 + mu * (tau * tau - tau1 * tau1))
                - dm[2][2])
                / d0,
        ];
        if rho.iter().any(|r| *r <= 0.0 || !r.is_finite()) {
            continue;
        }
        // The first estimate of the velocity from the series f and g.
        let f1 = 1.0 - 0.5 * mu * tau1 * tau1 / r23;
        let f3 = 1.0 - 0.5 * mu * tau3 * tau3 / r23;
        let g1 = tau1 - mu * tau1.powi(3) / (6.0 * r23);
        let g3 = tau3 - mu * tau3.powi(3) / (6.0 * r23);
        let den = f1 * g3 - f3 * g1;
        if den.abs() < 1e-12 {
            continue;
        }
        let r1 = add(r1s, l1, rho[0]);
        let r2v = add(r2s, l2, rho[1]);
        let r3 = add(r3s, l3, rho[2]);
        let v2: Vec3 = std::array::from_fn(|k| (-f3 * r1[k] + f1 * r3[k]) / den);
        // Refined by differential correction of the two-body state on the three lines
        // of sight (exact f and g, light time): a least-squares problem with as many
        // equations as unknowns, solved by Levenberg–Marquardt (the classical fixed-point
        // iteration oscillates and diverges on short arcs of high orbits).
        let Some((state, rms)) = refine_two_body(r2v, v2, m2.time, &[m1, m2, m3]) else {
            continue;
        };
        if norm(state.0) < RE_KM || rms > 1.0 {
            continue;
        }
        let ranges: [f64; 3] = [m1, m2, m3].map(|m| {
            norm(sub(
                kepler_position(state.0, state.1, m.time.minutes_since(m2.time) * 60.0)
                    .unwrap_or(state.0),
                m.site_gcrs_km,
            ))
        });
        let epoch = m2.time;
        out.push((
            rms,
            InitialOrbit {
                epoch,
                position_km: state.0,
                velocity_km_s: state.1,
                ranges_km: ranges,
            },
        ));
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out.into_iter().map(|(_, o)| o).collect()
}

/// An element set (osculating Keplerian elements in TEME taken as SGP4 mean elements:
/// a starting point for [`super::sgp4_fit::fit_sgp4`]) from a GCRS state; `None` for an
/// unbound orbit. `m` gives the TEME ↔ GCRS rotation near the state's time.
pub fn state_to_elements(
    orbit: &InitialOrbit,
    m: &AngleMeasurement,
    norad_cat_id: u32,
) -> Option<ElementSet> {
    let r = mtxv(&m.teme_to_gcrs, orbit.position_km);
    let v = mtxv(&m.teme_to_gcrs, orbit.velocity_km_s);
    let mu = MU_KM3_S2;
    let rn = norm(r);
    let h = cross(r, v);
    let hn = norm(h);
    let energy = dot(v, v) / 2.0 - mu / rn;
    if energy >= 0.0 || hn == 0.0 {
        return None;
    }
    let a = -mu / (2.0 * energy);
    let ev = add(cross(v, h).map(|x| x / mu), r, -1.0 / rn);
    let e = norm(ev);
    let inc = (h[2] / hn).clamp(-1.0, 1.0).acos();
    let nvec = [-h[1], h[0], 0.0];
    let nn = norm(nvec);
    let raan = if nn > 1e-12 {
        nvec[1].atan2(nvec[0])
    } else {
        0.0
    };
    let (argp, nu) = if e > 1e-9 {
        let argp = if nn > 1e-12 {
            let c = (dot(nvec, ev) / (nn * e)).clamp(-1.0, 1.0).acos();
            if ev[2] < 0.0 {
                TAU - c
            } else {
                c
            }
        } else {
            ev[1].atan2(ev[0])
        };
        let c = (dot(ev, r) / (e * rn)).clamp(-1.0, 1.0).acos();
        let nu = if dot(r, v) < 0.0 { TAU - c } else { c };
        (argp, nu)
    } else {
        // Circular: argument of latitude from the node.
        let u = if nn > 1e-12 {
            let c = (dot(nvec, r) / (nn * rn)).clamp(-1.0, 1.0).acos();
            if r[2] < 0.0 {
                TAU - c
            } else {
                c
            }
        } else {
            r[1].atan2(r[0])
        };
        (0.0, u)
    };
    if e >= 0.99 {
        return None;
    }
    let ea = 2.0 * (((1.0 - e) / (1.0 + e)).sqrt() * (nu / 2.0).tan()).atan();
    let ma = (ea - e * ea.sin()).rem_euclid(TAU);
    let n_rad_s = (mu / a.powi(3)).sqrt();
    Some(ElementSet {
        object_name: None,
        object_id: None,
        norad_cat_id,
        classification: 'U',
        epoch: orbit.epoch,
        mean_motion_rev_per_day: n_rad_s * 86_400.0 / TAU,
        eccentricity: e,
        inclination_deg: inc.to_degrees(),
        raan_deg: raan.to_degrees().rem_euclid(360.0),
        arg_of_pericenter_deg: argp.to_degrees().rem_euclid(360.0),
        mean_anomaly_deg: ma.to_degrees(),
        ephemeris_type: 0,
        element_set_no: 1,
        rev_at_epoch: 0,
        bstar_per_earth_radii: 0.0,
        mean_motion_dot_rev_per_day2: 0.0,
        mean_motion_ddot_rev_per_day3: 0.0,
        omm: Default::default(),
    })
}
