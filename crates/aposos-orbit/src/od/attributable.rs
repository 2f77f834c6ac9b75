//! Attributables (a tracklet reduced to a line of sight and its rate at one instant) and
//! the circular orbits they admit.
//!
//! A short tracklet fixes the direction and angular velocity of the object but not its
//! range. Assuming the orbit is circular (r·v = 0 and v² = μ/r) leaves one equation in
//! the range, whose roots give at most a few candidate orbits: the classical first guess
//! for near-circular objects (most of LEO and GEO), used to pair tracklets of different
//! passes before an exact method ([`super::gooding`]) and a fit take over.

use super::iod::MU_KM3_S2;
use super::measurement::AngleMeasurement;
use aposos_astro::frames::Vec3;
use aposos_astro::topocentric::{cross, dot, norm, unit_vector};
use aposos_formats::Epoch;

/// A tracklet's line of sight and its rate at its middle time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attributable {
    /// Reference time (the middle exposure).
    pub epoch: Epoch,
    /// Unit line of sight, GCRS.
    pub los: Vec3,
    /// Its time derivative (1/s), perpendicular to `los`.
    pub los_rate_per_s: Vec3,
    /// Observer position, GCRS (km).
    pub site_km: Vec3,
    /// Observer velocity, GCRS (km/s).
    pub site_km_s: Vec3,
}

/// Least-squares polynomial of degree `deg` (≤ 3) through (t, y): value and slope at 0.
fn poly_fit(ts: &[f64], ys: &[f64], deg: usize) -> Option<(f64, f64)> {
    let n = deg + 1;
    let mut a = [[0.0f64; 4]; 4];
    let mut b = [0.0f64; 4];
    for (&t, &y) in ts.iter().zip(ys) {
        let p = [1.0, t, t * t, t * t * t];
        for i in 0..n {
            for j in 0..n {
                a[i][j] += p[i] * p[j];
            }
            b[i] += p[i] * y;
        }
    }
    // Gaussian elimination on the n×n normal equations.
    for c in 0..n {
        let piv = (c..n).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if a[piv][c].abs() < 1e-300 {
            return None;
        }
        a.swap(c, piv);
        b.swap(c, piv);
        for r in c + 1..n {
            let f = a[r][c] / a[c][c];
            let pivot_row = a[c];
            for (x, p) in a[r].iter_mut().zip(pivot_row).skip(c).take(n - c) {
                *x -= f * p;
            }
            b[r] -= f * b[c];
        }
    }
    let mut x = [0.0f64; 4];
    for c in (0..n).rev() {
        let s: f64 = (c + 1..n).map(|k| a[c][k] * x[k]).sum();
        x[c] = (b[c] - s) / a[c][c];
    }
    Some((x[0], if n > 1 { x[1] } else { 0.0 }))
}

/// The attributable of one station's tracklet (time order, at least two exposures
/// spread in time): line of sight and observer fitted by cubics in time about the
/// middle exposure (quadratics for four or five exposures, straight lines for fewer).
pub fn attributable(ms: &[&AngleMeasurement]) -> Option<Attributable> {
    if ms.len() < 2 {
        return None;
    }
    let mid = ms[ms.len() / 2].time;
    let ts: Vec<f64> = ms
        .iter()
        .map(|m| m.time.minutes_since(mid) * 60.0)
        .collect();
    let span = ts[ts.len() - 1] - ts[0];
    if span <= 0.0 {
        return None;
    }
    let deg = match ms.len() {
        0..=3 => 1,
        4..=5 => 2,
        _ => 3,
    };
    let mut los = [0.0; 3];
    let mut rate = [0.0; 3];
    let mut site = [0.0; 3];
    let mut site_v = [0.0; 3];
    for k in 0..3 {
        let u: Vec<f64> = ms
            .iter()
            .map(|m| unit_vector(m.ra_rad, m.dec_rad)[k])
            .collect();
        (los[k], rate[k]) = poly_fit(&ts, &u, deg)?;
        let s: Vec<f64> = ms.iter().map(|m| m.site_gcrs_km[k]).collect();
        (site[k], site_v[k]) = poly_fit(&ts, &s, deg)?;
    }
    let n = norm(los);
    let los = los.map(|x| x / n);
    let along = dot(rate, los) / n;
    let rate: Vec3 = std::array::from_fn(|k| rate[k] / n - along * los[k]);
    Some(Attributable {
        epoch: mid,
        los,
        los_rate_per_s: rate,
        site_km: site,
        site_km_s: site_v,
    })
}

/// A circular orbit admitted by an attributable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CircularOrbit {
    /// Range at the attributable's time (km).
    pub range_km: f64,
    /// Geocentric position (km) and velocity (km/s), GCRS, at the attributable's time.
    pub position_km: Vec3,
    /// Velocity (km/s).
    pub velocity_km_s: Vec3,
}

impl CircularOrbit {
    /// Orbit radius (km).
    pub fn radius_km(&self) -> f64 {
        norm(self.position_km)
    }

    /// Unit normal of the orbit plane.
    pub fn pole(&self) -> Vec3 {
        let h = cross(self.position_km, self.velocity_km_s);
        let n = norm(h);
        h.map(|x| x / n)
    }
}

/// Every circular orbit (radius 6500–100 000 km) through the attributable: the roots of
/// v² − μ/r in the range, with the range rate that makes r·v vanish.
pub fn circular_orbits(a: &Attributable) -> Vec<CircularOrbit> {
    let (r0, u, ud, rd) = (a.site_km, a.los, a.los_rate_per_s, a.site_km_s);
    let state = |rho: f64| -> Option<(Vec3, Vec3)> {
        let r: Vec3 = std::array::from_fn(|k| r0[k] + rho * u[k]);
        let den = dot(r0, u) + rho;
        if den.abs() < 1e-9 {
            return None;
        }
        let rho_dot = -(dot(r0, rd) + rho * (dot(r0, ud) + dot(u, rd))) / den;
        let v: Vec3 = std::array::from_fn(|k| rd[k] + rho_dot * u[k] + rho * ud[k]);
        Some((r, v))
    };
    let g = |rho: f64| state(rho).map(|(r, v)| dot(v, v) - MU_KM3_S2 / norm(r));
    let (lo, hi, n) = (50.0f64, 150_000.0f64, 1500);
    let mut out = Vec::new();
    let mut prev: Option<(f64, f64)> = None;
    for k in 0..=n {
        let rho = lo * (hi / lo).powf(k as f64 / n as f64);
        let Some(gr) = g(rho) else {
            prev = None;
            continue;
        };
        if let Some((rp, gp)) = prev {
            if gp.signum() != gr.signum() {
                let (mut l, mut h, mut gl) = (rp, rho, gp);
                for _ in 0..80 {
                    let m = 0.5 * (l + h);
                    let Some(gm) = g(m) else { break };
                    if gm.signum() == gl.signum() {
                        l = m;
                        gl = gm;
                    } else {
                        h = m;
                    }
                }
                let rho = 0.5 * (l + h);
                if let Some((r, v)) = state(rho) {
                    let rn = norm(r);
                    if (6500.0..100_000.0).contains(&rn) {
                        out.push(CircularOrbit {
                            range_km: rho,
                            position_km: r,
                            velocity_km_s: v,
                        });
                    }
                }
            }
        }
        prev = Some((rho, gr));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meas(site: Vec3, sat: Vec3, t: f64) -> AngleMeasurement {
        let d: Vec3 = std::array::from_fn(|k| sat[k] - site[k]);
        let n = norm(d);
        AngleMeasurement {
            index: 0,
            station: "x".into(),
            time: Epoch::parse_iso("2026-05-20T12:00:00")
                .expect("epoch")
                .add_ns((t * 1e9) as i64),
            site_gcrs_km: site,
            teme_to_gcrs: [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
            ra_rad: d[1].atan2(d[0]),
            dec_rad: (d[2] / n).asin(),
            sigma_rad: 1e-5,
        }
    }

    #[test]
    fn a_circular_orbit_is_recovered_from_its_attributable() {
        // A 7000 km circular orbit inclined 50°, seen from a rotating site; no light time.
        let (rad, inc) = (7000.0f64, 50f64.to_radians());
        let n = (MU_KM3_S2 / rad.powi(3)).sqrt();
        let we = 7.292_115e-5;
        let ms: Vec<AngleMeasurement> = (0..9)
            .map(|k| {
                let t = k as f64 * 15.0;
                let th = 0.3 + n * t;
                let sat = [
                    rad * th.cos(),
                    rad * th.sin() * inc.cos(),
                    rad * th.sin() * inc.sin(),
                ];
                let ph = 0.55 + we * t;
                let site = [6000.0 * ph.cos(), 6000.0 * ph.sin(), 2000.0];
                meas(site, sat, t)
            })
            .collect();
        let refs: Vec<&AngleMeasurement> = ms.iter().collect();
        let att = attributable(&refs).expect("attributable");
        let orbits = circular_orbits(&att);
        let th = 0.3 + n * 60.0;
        let truth = [
            rad * th.cos(),
            rad * th.sin() * inc.cos(),
            rad * th.sin() * inc.sin(),
        ];
        let best = orbits
            .iter()
            .map(|o| norm(std::array::from_fn(|k| o.position_km[k] - truth[k])))
            .fold(f64::INFINITY, f64::min);
        assert!(
            best < 1.0,
            "{best} km from the truth ({} roots)",
            orbits.len()
        );
        let pole = orbits
            .iter()
            .min_by(|a, b| {
                (a.radius_km() - rad)
                    .abs()
                    .total_cmp(&(b.radius_km() - rad).abs())
            })
            .unwrap()
            .pole();
        assert!((pole[2] - inc.cos()).abs() < 1e-4, "{pole:?}");
    }
}
