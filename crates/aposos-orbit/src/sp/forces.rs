//! The force model of the special-perturbations propagator and its accelerations in
//! the GCRS: the Earth's gravity field (EGM96, degree and order chosen), the Sun and
//! the Moon as point masses, atmospheric drag (modified Harris–Priester, an atmosphere
//! rotating with the Earth) and solar radiation pressure (cannonball, conical Earth
//! shadow with penumbra).
//!
//! Not modelled: solid-Earth and ocean tides, relativity, Earth albedo and infrared
//! radiation, thermal and attitude-dependent forces, manoeuvres. Their effects on a
//! 15-cm telescope's catalogue over a week are below the observation noise except
//! tides in LEO (decimetres to metres per day).

#![allow(clippy::needless_range_loop)]

use super::atmosphere::HarrisPriester;
use super::environment::Snapshot;
use super::gravity::GravityField;
use aposos_astro::frames::{mtxv, mxv};
use aposos_astro::shadow::ShadowGeometry;
use aposos_astro::sun_moon::AU_KM;
use aposos_astro::topocentric::norm;
use aposos_astro::Vec3;

/// Gravitational parameter of the Sun (km³/s², DE440).
pub const GM_SUN_KM3_S2: f64 = 1.327_124_400_412_794_2e11;
/// Gravitational parameter of the Moon (km³/s², DE440: GM(Earth–Moon)/(1 + EMRAT)).
pub const GM_MOON_KM3_S2: f64 = 4_902.800_118;
/// Solar radiation pressure at 1 au (N/m²), as in Montenbruck & Gill and Orekit.
pub const SOLAR_PRESSURE_N_M2: f64 = 4.56e-6;

/// A coefficient and the area-to-mass ratio it multiplies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurfaceForce {
    /// Drag coefficient C_D or reflectivity coefficient C_R.
    pub coefficient: f64,
    /// Cross-section area over mass (m²/kg).
    pub area_to_mass_m2_kg: f64,
}

/// What the propagator models.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForceModel {
    /// Degree of the gravity field (≤ 36).
    pub gravity_degree: usize,
    /// Order of the gravity field (≤ degree).
    pub gravity_order: usize,
    /// Sun and Moon point masses.
    pub sun_moon: bool,
    /// Atmospheric drag, if modelled.
    pub drag: Option<SurfaceForce>,
    /// Solar radiation pressure, if modelled.
    pub srp: Option<SurfaceForce>,
    /// The density model.
    pub atmosphere: HarrisPriester,
}

impl Default for ForceModel {
    /// 20×20 gravity, Sun and Moon, drag (C_D 2.2) and SRP (C_R 1.3), both 0.01 m²/kg.
    fn default() -> Self {
        Self {
            gravity_degree: 20,
            gravity_order: 20,
            sun_moon: true,
            drag: Some(SurfaceForce {
                coefficient: 2.2,
                area_to_mass_m2_kg: 0.01,
            }),
            srp: Some(SurfaceForce {
                coefficient: 1.3,
                area_to_mass_m2_kg: 0.01,
            }),
            atmosphere: HarrisPriester::default(),
        }
    }
}

/// Accelerations at one state, split by cause (km/s², GCRS).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Accelerations {
    /// The Earth's gravity field, central term included.
    pub gravity: Vec3,
    /// Sun and Moon.
    pub third_body: Vec3,
    /// Drag.
    pub drag: Vec3,
    /// Solar radiation pressure.
    pub srp: Vec3,
    /// Density at the position (kg/m³), 0 without drag.
    pub density_kg_m3: f64,
    /// Velocity relative to the atmosphere (km/s).
    pub v_rel_km_s: Vec3,
}

impl Accelerations {
    /// The sum of all.
    pub fn total(&self) -> Vec3 {
        let mut a = [0.0; 3];
        for k in 0..3 {
            a[k] = self.gravity[k] + self.third_body[k] + self.drag[k] + self.srp[k];
        }
        a
    }
}

fn third_body(r: Vec3, body: Vec3, gm: f64) -> Vec3 {
    let d = [body[0] - r[0], body[1] - r[1], body[2] - r[2]];
    let (dn, bn) = (norm(d), norm(body));
    let (kd, kb) = (gm / dn.powi(3), gm / bn.powi(3));
    [0, 1, 2].map(|k| kd * d[k] - kb * body[k])
}

/// Fraction of the solar disc visible from `r` (conical shadow of a spherical Earth of
/// the WGS84 equatorial radius; overlap of two discs in penumbra).
pub fn sunlit_fraction(r: Vec3, sun: Vec3) -> f64 {
    let g = ShadowGeometry::new(r, sun);
    let (a, b, c) = (g.sun_radius_rad, g.earth_radius_rad, g.separation_rad);
    if c >= a + b {
        return 1.0;
    }
    if c <= b - a {
        return 0.0;
    }
    if c <= a - b {
        // The Earth's disc wholly inside the Sun's.
        return 1.0 - (b * b) / (a * a);
    }
    let x = (c * c + a * a - b * b) / (2.0 * c);
    let y = (a * a - x * x).max(0.0).sqrt();
    let area = a * a * (x / a).clamp(-1.0, 1.0).acos()
        + b * b * ((c - x) / b).clamp(-1.0, 1.0).acos()
        - c * y;
    (1.0 - area / (std::f64::consts::PI * a * a)).clamp(0.0, 1.0)
}

impl ForceModel {
    /// Accelerations at GCRS position `r` and velocity `v` (km, km/s) in environment
    /// `env`; `None` below the atmosphere model's lowest height (the object has decayed).
    pub fn accelerations(
        &self,
        gravity: &GravityField,
        r: Vec3,
        v: Vec3,
        env: &Snapshot,
    ) -> Option<Accelerations> {
        let mut out = Accelerations::default();
        let r_itrf = mxv(&env.gcrs_to_itrf, r);
        let a_itrf = gravity.acceleration_km_s2(r_itrf, self.gravity_degree, self.gravity_order);
        out.gravity = mtxv(&env.gcrs_to_itrf, a_itrf);
        if self.sun_moon {
            let s = third_body(r, env.sun_km, GM_SUN_KM3_S2);
            let m = third_body(r, env.moon_km, GM_MOON_KM3_S2);
            out.third_body = [s[0] + m[0], s[1] + m[1], s[2] + m[2]];
        }
        if let Some(d) = self.drag {
            let sun_itrf = mxv(&env.gcrs_to_itrf, env.sun_km);
            let rho = self.atmosphere.density_kg_m3(r_itrf, sun_itrf)?;
            let w = env.omega_gcrs_rad_s;
            let wxr = [
                w[1] * r[2] - w[2] * r[1],
                w[2] * r[0] - w[0] * r[2],
                w[0] * r[1] - w[1] * r[0],
            ];
            let vr = [v[0] - wxr[0], v[1] - wxr[1], v[2] - wxr[2]];
            let vn = norm(vr);
            // ½ ρ C_D A/m |v| v with v in m/s gives m/s²; ×1e3 from km/s twice, ÷1e3 to km/s².
            let k = -0.5 * rho * d.coefficient * d.area_to_mass_m2_kg * vn * 1e3;
            out.drag = vr.map(|x| k * x);
            out.density_kg_m3 = rho;
            out.v_rel_km_s = vr;
        }
        if let Some(s) = self.srp {
            let nu = sunlit_fraction(r, env.sun_km);
            if nu > 0.0 {
                let d = [
                    r[0] - env.sun_km[0],
                    r[1] - env.sun_km[1],
                    r[2] - env.sun_km[2],
                ];
                let dn = norm(d);
                // P (au/d)² C_R A/m in m/s², ÷1e3 to km/s², along the Sun → object line.
                let p = SOLAR_PRESSURE_N_M2 * (AU_KM / dn).powi(2);
                let k = nu * p * s.coefficient * s.area_to_mass_m2_kg * 1e-3 / dn;
                out.srp = d.map(|x| k * x);
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn penumbra_fraction_runs_from_zero_to_one() {
        let sun = [AU_KM, 0.0, 0.0];
        // Behind the Earth on the Sun line: umbra. Far off it: sunlit.
        assert_eq!(sunlit_fraction([-7000.0, 0.0, 0.0], sun), 0.0);
        assert_eq!(sunlit_fraction([-7000.0, 7000.0, 0.0], sun), 1.0);
        // Crossing the shadow edge the fraction rises monotonically through (0, 1).
        let mut last = 0.0;
        let mut inside = 0;
        for i in 0..2000 {
            let y = 6300.0 + i as f64 * 0.1;
            let f = sunlit_fraction([-7000.0, y, 0.0], sun);
            assert!(f + 1e-12 >= last, "{y}: {f} < {last}");
            if f > 0.0 && f < 1.0 {
                inside += 1;
            }
            last = f;
        }
        assert!(inside > 10 && last == 1.0, "{inside} {last}");
    }

    #[test]
    fn third_body_is_a_tidal_term() {
        // At the geocentre the Sun's pull on the object equals its pull on the Earth.
        let a = third_body([0.0, 0.0, 0.0], [AU_KM, 0.0, 0.0], GM_SUN_KM3_S2);
        assert!(norm(a) < 1e-20);
        // On the Sun line at GEO distance: 2 GM r / d³ towards the Sun.
        let r = 42_164.0;
        let a = third_body([r, 0.0, 0.0], [AU_KM, 0.0, 0.0], GM_SUN_KM3_S2);
        let expect = 2.0 * GM_SUN_KM3_S2 * r / AU_KM.powi(3);
        assert!((a[0] - expect).abs() < 1e-3 * expect, "{} {expect}", a[0]);
    }
}
