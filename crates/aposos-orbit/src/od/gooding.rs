//! Gooding's angles-only initial orbit (Gooding 1993, "A new procedure for orbit
//! determination based on three lines of sight"): the ranges at the first and third
//! measurements are the unknowns; Lambert's problem between the two positions (light
//! time included, any number of whole revolutions, either way round) gives the orbit,
//! and Newton's method drives its miss of the middle line of sight to zero.
//!
//! Unlike Gauss's method it makes no series approximation in the time spacing, so it
//! works on long arcs (a quarter of a GEO orbit, LEO measurements a revolution or more
//! apart) as well as short ones. Range hypotheses start it: Gauss's ranges when given,
//! and a ladder of geocentric radii from low LEO to beyond GEO. Every converged solution
//! that stays above the Earth is kept, refined by [`super::iod::refine_two_body`]; the
//! caller ranks them with further measurements.

use super::iod::{kepler_position, los, refine_two_body, InitialOrbit};
use super::lambert::lambert;
use super::measurement::AngleMeasurement;
use aposos_astro::frames::Vec3;
use aposos_astro::topocentric::{cross, dot, norm, sub, C_KM_S};

/// Earth's equatorial radius (km).
const RE_KM: f64 = 6378.137;

/// Options of Gooding's method.
#[derive(Debug, Clone, PartialEq)]
pub struct GoodingOptions {
    /// Fewest whole revolutions between the first and third measurement tried.
    pub min_revolutions: u32,
    /// Most whole revolutions between the first and third measurement tried.
    pub max_revolutions: u32,
    /// Geocentric radii (km) tried as the start of both ranges.
    pub radius_hypotheses_km: Vec<f64>,
    /// Ranges (km) at the first and third measurements tried first (e.g. Gauss's).
    pub range_guesses_km: Vec<(f64, f64)>,
    /// Largest normalised RMS over the three measurements of a kept solution.
    pub max_rms: f64,
}

impl Default for GoodingOptions {
    fn default() -> Self {
        Self {
            min_revolutions: 0,
            max_revolutions: 0,
            radius_hypotheses_km: vec![
                6_700.0, 6_900.0, 7_200.0, 7_700.0, 8_500.0, 10_000.0, 13_000.0, 20_000.0,
                26_560.0, 35_000.0, 42_164.0, 60_000.0,
            ],
            range_guesses_km: Vec::new(),
            max_rms: 1.0,
        }
    }
}

/// The range along the unit line of sight `l` from `site` to geocentric radius `r` (km),
/// if it is reached.
pub fn range_to_radius(site: Vec3, l: Vec3, r: f64) -> Option<f64> {
    let b = dot(site, l);
    let disc = b * b - dot(site, site) + r * r;
    (disc >= 0.0)
        .then(|| -b + disc.sqrt())
        .filter(|rho| *rho > 0.0)
}

/// The orbit through the first and third lines of sight at ranges (ρ1, ρ3): the
/// position and velocity at the first measurement's (light-time corrected) instant.
struct Geometry<'a> {
    ms: [&'a AngleMeasurement; 3],
    long_way: bool,
    revolutions: u32,
    branch: usize,
}

impl Geometry<'_> {
    /// State at the emission time of the first measurement and that time (s from m2).
    fn orbit(&self, rho1: f64, rho3: f64) -> Option<(Vec3, Vec3, f64)> {
        let [m1, m2, m3] = self.ms;
        let (l1, l3) = (los(m1), los(m3));
        let r1: Vec3 = std::array::from_fn(|k| m1.site_gcrs_km[k] + rho1 * l1[k]);
        let r3: Vec3 = std::array::from_fn(|k| m3.site_gcrs_km[k] + rho3 * l3[k]);
        let t1 = m1.time.minutes_since(m2.time) * 60.0 - rho1 / C_KM_S;
        let t3 = m3.time.minutes_since(m2.time) * 60.0 - rho3 / C_KM_S;
        let sols = lambert(r1, r3, t3 - t1, self.long_way, self.revolutions);
        let s = sols.get(self.branch)?;
        Some((r1, s.v1_km_s, t1))
    }

    /// The miss of the middle line of sight (two components, rad).
    fn miss(&self, rho1: f64, rho3: f64) -> Option<[f64; 2]> {
        let (r1, v1, t1) = self.orbit(rho1, rho3)?;
        let m2 = self.ms[1];
        let mut p = kepler_position(r1, v1, -t1)?;
        let tau = norm(sub(p, m2.site_gcrs_km)) / C_KM_S;
        p = kepler_position(r1, v1, -t1 - tau)?;
        let rho = sub(p, m2.site_gcrs_km);
        let d = norm(rho);
        let u: Vec3 = rho.map(|x| x / d);
        let l2 = los(m2);
        let east = cross([0.0, 0.0, 1.0], l2);
        let en = norm(east);
        let east = if en > 1e-9 {
            east.map(|x| x / en)
        } else {
            [1.0, 0.0, 0.0]
        };
        let north = cross(l2, east);
        if dot(u, l2) <= 0.0 {
            return None;
        }
        Some([dot(u, east), dot(u, north)])
    }

    /// Newton's method on (ρ1, ρ3) from a start, with step halving.
    fn solve(&self, mut rho: [f64; 2]) -> Option<[f64; 2]> {
        let size = |m: [f64; 2]| m[0].hypot(m[1]);
        let mut res = self.miss(rho[0], rho[1])?;
        for _ in 0..60 {
            if size(res) < 1e-11 {
                return Some(rho);
            }
            let h = [1e-6 * rho[0] + 1e-4, 1e-6 * rho[1] + 1e-4];
            let a = self.miss(rho[0] + h[0], rho[1])?;
            let b = self.miss(rho[0], rho[1] + h[1])?;
            let j = [
                [(a[0] - res[0]) / h[0], (b[0] - res[0]) / h[1]],
                [(a[1] - res[1]) / h[0], (b[1] - res[1]) / h[1]],
            ];
            let det = j[0][0] * j[1][1] - j[0][1] * j[1][0];
            if det.abs() < 1e-30 || !det.is_finite() {
                return None;
            }
            let d = [
                -(j[1][1] * res[0] - j[0][1] * res[1]) / det,
                -(-j[1][0] * res[0] + j[0][0] * res[1]) / det,
            ];
            // At most halve or double a range per step.
            let mut k = 1.0f64;
            for i in 0..2 {
                if d[i].abs() > 0.5 * rho[i] {
                    k = k.min(0.5 * rho[i] / d[i].abs());
                }
            }
            let mut accepted = false;
            for _ in 0..20 {
                let next = [rho[0] + k * d[0], rho[1] + k * d[1]];
                if let Some(r) = self.miss(next[0], next[1]) {
                    if size(r) < size(res) {
                        rho = next;
                        res = r;
                        accepted = true;
                        break;
                    }
                }
                k *= 0.5;
            }
            if !accepted {
                return (size(res) < 1e-9).then_some(rho);
            }
        }
        (size(res) < 1e-9).then_some(rho)
    }
}

/// Gooding's method on `m1`, `m2`, `m3` (in time order): every distinct solution above
/// the Earth, as a state at the middle measurement's time, best fitting first.
pub fn gooding(
    m1: &AngleMeasurement,
    m2: &AngleMeasurement,
    m3: &AngleMeasurement,
    opts: &GoodingOptions,
) -> Vec<InitialOrbit> {
    if !(m1.time < m2.time && m2.time < m3.time) {
        return Vec::new();
    }
    let (l1, l3) = (los(m1), los(m3));
    let mut starts: Vec<[f64; 2]> = opts.range_guesses_km.iter().map(|&(a, b)| [a, b]).collect();
    for &r in &opts.radius_hypotheses_km {
        if let (Some(a), Some(b)) = (
            range_to_radius(m1.site_gcrs_km, l1, r),
            range_to_radius(m3.site_gcrs_km, l3, r),
        ) {
            starts.push([a, b]);
        }
    }
    let mut out: Vec<(f64, InitialOrbit)> = Vec::new();
    for revolutions in opts.min_revolutions..=opts.max_revolutions {
        for long_way in [false, true] {
            for branch in 0..if revolutions == 0 { 1 } else { 2 } {
                let g = Geometry {
                    ms: [m1, m2, m3],
                    long_way,
                    revolutions,
                    branch,
                };
                for start in &starts {
                    let Some(rho) = g.solve(*start) else { continue };
                    let Some((r1, v1, t1)) = g.orbit(rho[0], rho[1]) else {
                        continue;
                    };
                    // The state at the middle measurement's time (velocity by a central
                    // difference of the exact two-body position: 1e-9 km/s here).
                    let p = |t: f64| kepler_position(r1, v1, t);
                    let (Some(r2), Some(ahead), Some(behind)) =
                        (p(-t1), p(-t1 + 1e-3), p(-t1 - 1e-3))
                    else {
                        continue;
                    };
                    let v2: Vec3 = std::array::from_fn(|k| (ahead[k] - behind[k]) / 2e-3);
                    if out.iter().any(|(_, o)| norm(sub(o.position_km, r2)) < 1.0) {
                        continue;
                    }
                    let Some((state, rms)) = refine_two_body(r2, v2, m2.time, &[m1, m2, m3]) else {
                        continue;
                    };
                    if rms > opts.max_rms || !above_earth(state, m1, m3, m2.time) {
                        continue;
                    }
                    if out
                        .iter()
                        .any(|(_, o)| norm(sub(o.position_km, state.0)) < 1.0)
                    {
                        continue;
                    }
                    let ranges = [m1, m2, m3].map(|m| {
                        norm(sub(
                            kepler_position(state.0, state.1, m.time.minutes_since(m2.time) * 60.0)
                                .unwrap_or(state.0),
                            m.site_gcrs_km,
                        ))
                    });
                    out.push((
                        rms,
                        InitialOrbit {
                            epoch: m2.time,
                            position_km: state.0,
                            velocity_km_s: state.1,
                            ranges_km: ranges,
                        },
                    ));
                }
            }
        }
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out.into_iter().map(|(_, o)| o).collect()
}

/// Whether the two-body orbit stays above the Earth at the first and last measurement.
fn above_earth(
    state: (Vec3, Vec3),
    m1: &AngleMeasurement,
    m3: &AngleMeasurement,
    epoch: aposos_formats::Epoch,
) -> bool {
    [m1, m3].iter().all(|m| {
        kepler_position(state.0, state.1, m.time.minutes_since(epoch) * 60.0)
            .is_some_and(|p| norm(p) > RE_KM)
    }) && norm(state.0) > RE_KM
}
