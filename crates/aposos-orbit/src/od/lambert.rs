//! Lambert's problem (two-body, universal variables): the orbits that join two positions
//! in a given time, for zero or more whole revolutions and either way round.
//!
//! For `revolutions` = 0 the time of flight grows monotonically with the universal
//! variable z, so there is at most one solution; for N ≥ 1 the admissible z lie in
//! ((2πN)², (2π(N+1))²), where the time of flight has one minimum and so zero or two
//! solutions (the low- and high-energy branches). Roots are bracketed on a sampled grid
//! and bisected, which is slower than Izzo's or Gooding's Householder iterations but
//! never misses a branch.

use super::iod::{stumpff, MU_KM3_S2};
use aposos_astro::frames::Vec3;
use aposos_astro::topocentric::{dot, norm};
use std::f64::consts::TAU;

/// One solution: the velocities at both ends (km/s).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LambertSolution {
    /// Velocity at the first position.
    pub v1_km_s: Vec3,
    /// Velocity at the second position.
    pub v2_km_s: Vec3,
}

/// Every orbit from `r1` to `r2` (km) taking `dt_s` seconds with exactly `revolutions`
/// whole revolutions, the short way round (transfer angle under 180°) unless
/// `long_way`; in order of increasing universal variable (for N ≥ 1, the high-energy
/// branch first). Empty when there is none or the geometry is degenerate (the two
/// positions collinear with the centre).
pub fn lambert(
    r1: Vec3,
    r2: Vec3,
    dt_s: f64,
    long_way: bool,
    revolutions: u32,
) -> Vec<LambertSolution> {
    let (r1n, r2n) = (norm(r1), norm(r2));
    if !(dt_s > 0.0 && r1n > 0.0 && r2n > 0.0) {
        return Vec::new();
    }
    let cos_theta = (dot(r1, r2) / (r1n * r2n)).clamp(-1.0, 1.0);
    let sin_abs = (1.0 - cos_theta * cos_theta).sqrt();
    if sin_abs < 1e-7 {
        return Vec::new();
    }
    let sin_theta = if long_way { -sin_abs } else { sin_abs };
    let a = sin_theta * (r1n * r2n / (1.0 - cos_theta)).sqrt();
    let sqrt_mu = MU_KM3_S2.sqrt();
    let y = |z: f64| {
        let (c, s) = stumpff(z);
        r1n + r2n + a * (z * s - 1.0) / c.sqrt()
    };
    // Time of flight minus dt, or None where y < 0 (no real solution).
    let f = |z: f64| -> Option<f64> {
        let (c, s) = stumpff(z);
        let yz = y(z);
        if !(yz >= 0.0 && c > 0.0) {
            return None;
        }
        Some(((yz / c).powf(1.5) * s + a * yz.sqrt()) / sqrt_mu - dt_s)
    };
    let n = revolutions as f64;
    let (lo, hi, samples) = if revolutions == 0 {
        (-4.0 * TAU * TAU, TAU * TAU, 400)
    } else {
        ((TAU * n).powi(2), (TAU * (n + 1.0)).powi(2), 600)
    };
    // Keep away from the singular ends of the interval.
    let (lo, hi) = (lo + 1e-9 * (hi - lo), hi - 1e-9 * (hi - lo));
    let mut roots = Vec::new();
    let mut prev: Option<(f64, f64)> = None;
    for k in 0..=samples {
        // Denser near both ends, where the time of flight changes fastest.
        let u = k as f64 / samples as f64;
        let w = 0.5 - 0.5 * (std::f64::consts::PI * u).cos();
        let z = lo + (hi - lo) * w;
        let Some(fz) = f(z) else {
            prev = None;
            continue;
        };
        if let Some((zp, fp)) = prev {
            if fp == 0.0 || fp.signum() != fz.signum() {
                let (mut l, mut h, mut fl) = (zp, z, fp);
                for _ in 0..200 {
                    let m = 0.5 * (l + h);
                    let Some(fm) = f(m) else { break };
                    if fm.signum() == fl.signum() {
                        l = m;
                        fl = fm;
                    } else {
                        h = m;
                    }
                    if (h - l).abs() <= 1e-14 * h.abs().max(1.0) {
                        break;
                    }
                }
                roots.push(0.5 * (l + h));
            }
        }
        prev = Some((z, fz));
    }
    roots
        .into_iter()
        .filter_map(|z| {
            let yz = y(z);
            if yz <= 0.0 {
                return None;
            }
            let fl = 1.0 - yz / r1n;
            let g = a * (yz / MU_KM3_S2).sqrt();
            let gdot = 1.0 - yz / r2n;
            if g.abs() < 1e-12 {
                return None;
            }
            let v1: Vec3 = std::array::from_fn(|i| (r2[i] - fl * r1[i]) / g);
            let v2: Vec3 = std::array::from_fn(|i| (gdot * r2[i] - r1[i]) / g);
            (v1.iter().chain(&v2).all(|x| x.is_finite())).then_some(LambertSolution {
                v1_km_s: v1,
                v2_km_s: v2,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::od::iod::lagrange_fg;

    fn propagate(r: Vec3, v: Vec3, dt: f64) -> Vec3 {
        let (f, g) = lagrange_fg(r, v, dt).unwrap();
        std::array::from_fn(|k| f * r[k] + g * v[k])
    }

    fn dist(a: Vec3, b: Vec3) -> f64 {
        (0..3).map(|k| (a[k] - b[k]).powi(2)).sum::<f64>().sqrt()
    }

    #[test]
    fn curtis_example_5_2() {
        // Curtis, Orbital Mechanics for Engineering Students, example 5.2: r1 = (5000,
        // 10000, 2100) km, r2 = (−14600, 2500, 7000) km, one hour, prograde (short way):
        // v1 = (−5.9925, 1.9254, 3.2456) km/s, v2 = (−3.3125, −4.1966, −0.38529) km/s.
        let s = lambert(
            [5000.0, 10000.0, 2100.0],
            [-14600.0, 2500.0, 7000.0],
            3600.0,
            false,
            0,
        );
        assert_eq!(s.len(), 1);
        let want1 = [-5.9925, 1.9254, 3.2456];
        let want2 = [-3.3125, -4.1966, -0.38529];
        assert!(dist(s[0].v1_km_s, want1) < 2e-3, "{:?}", s[0].v1_km_s);
        assert!(dist(s[0].v2_km_s, want2) < 2e-3, "{:?}", s[0].v2_km_s);
    }

    #[test]
    fn multi_revolution_solutions_reach_the_target() {
        // A 7000 km, e = 0.05 orbit: positions 2.3 periods apart; the 2-revolution
        // solutions must include the true velocity, and every solution must arrive.
        let r0 = [7000.0, 0.0, 0.0];
        let v0 = [0.0, 7.7, 2.0];
        let sma = 1.0 / (2.0 / 7000.0 - dot(v0, v0) / MU_KM3_S2);
        let period = TAU * (sma.powi(3) / MU_KM3_S2).sqrt();
        let dt = 2.3 * period;
        let r2 = propagate(r0, v0, dt);
        let mut found = false;
        for long_way in [false, true] {
            for s in lambert(r0, r2, dt, long_way, 2) {
                let arrive = propagate(r0, s.v1_km_s, dt);
                assert!(dist(arrive, r2) < 1e-3, "{long_way}: {arrive:?} vs {r2:?}");
                found |= dist(s.v1_km_s, v0) < 1e-6;
            }
        }
        assert!(found, "the true velocity is among the solutions");
        assert!(lambert(r0, r0, dt, false, 0).is_empty());
    }
}
