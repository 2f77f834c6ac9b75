//! Atmospheric density: the modified Harris–Priester model (Montenbruck & Gill,
//! *Satellite Orbits*, §3.5.2 and Table 3.8), a static model for mean solar activity
//! with the diurnal bulge, needing no space-weather data.
//!
//! Between tabulated heights the minimum and maximum densities are interpolated
//! exponentially; the density is `ρ_min + (ρ_max − ρ_min)·cos^n(ψ/2)`, ψ the angle
//! between the object and the bulge apex, which lags the Sun by 30° in right
//! ascension. Height is over the WGS84 ellipsoid by the approximation
//! `r − a·sqrt((1 − e²)/(1 − e² cos²φ'))` (φ' geocentric latitude), as Orekit's
//! `HarrisPriester` does. Above 1000 km the density is zero; below 100 km the model
//! does not apply (the caller stops there).

use aposos_astro::Vec3;

/// Heights (km) and minimum / maximum densities (kg/m³), mean solar activity
/// (Montenbruck & Gill Table 3.8).
const TABLE: [(f64, f64, f64); 50] = [
    (100.0, 4.974e-07, 4.974e-07),
    (120.0, 2.490e-08, 2.490e-08),
    (130.0, 8.377e-09, 8.710e-09),
    (140.0, 3.899e-09, 4.059e-09),
    (150.0, 2.122e-09, 2.215e-09),
    (160.0, 1.263e-09, 1.344e-09),
    (170.0, 8.008e-10, 8.758e-10),
    (180.0, 5.283e-10, 6.010e-10),
    (190.0, 3.617e-10, 4.297e-10),
    (200.0, 2.557e-10, 3.162e-10),
    (210.0, 1.839e-10, 2.396e-10),
    (220.0, 1.341e-10, 1.853e-10),
    (230.0, 9.949e-11, 1.455e-10),
    (240.0, 7.488e-11, 1.157e-10),
    (250.0, 5.709e-11, 9.308e-11),
    (260.0, 4.403e-11, 7.555e-11),
    (270.0, 3.430e-11, 6.182e-11),
    (280.0, 2.697e-11, 5.095e-11),
    (290.0, 2.139e-11, 4.226e-11),
    (300.0, 1.708e-11, 3.526e-11),
    (320.0, 1.099e-11, 2.511e-11),
    (340.0, 7.214e-12, 1.819e-11),
    (360.0, 4.824e-12, 1.337e-11),
    (380.0, 3.274e-12, 9.955e-12),
    (400.0, 2.249e-12, 7.492e-12),
    (420.0, 1.558e-12, 5.684e-12),
    (440.0, 1.091e-12, 4.355e-12),
    (460.0, 7.701e-13, 3.362e-12),
    (480.0, 5.474e-13, 2.612e-12),
    (500.0, 3.916e-13, 2.042e-12),
    (520.0, 2.819e-13, 1.605e-12),
    (540.0, 2.042e-13, 1.267e-12),
    (560.0, 1.488e-13, 1.005e-12),
    (580.0, 1.092e-13, 7.997e-13),
    (600.0, 8.070e-14, 6.390e-13),
    (620.0, 6.012e-14, 5.123e-13),
    (640.0, 4.519e-14, 4.121e-13),
    (660.0, 3.430e-14, 3.325e-13),
    (680.0, 2.632e-14, 2.691e-13),
    (700.0, 2.043e-14, 2.185e-13),
    (720.0, 1.607e-14, 1.779e-13),
    (740.0, 1.281e-14, 1.452e-13),
    (760.0, 1.036e-14, 1.190e-13),
    (780.0, 8.496e-15, 9.776e-14),
    (800.0, 7.069e-15, 8.059e-14),
    (840.0, 4.680e-15, 5.741e-14),
    (880.0, 3.200e-15, 4.210e-14),
    (920.0, 2.210e-15, 3.130e-14),
    (960.0, 1.560e-15, 2.360e-14),
    (1000.0, 1.150e-15, 1.810e-14),
];

/// Lowest height of the model (km).
pub const MIN_HEIGHT_KM: f64 = 100.0;
/// Highest height of the model (km); above it the density is zero.
pub const MAX_HEIGHT_KM: f64 = 1000.0;
/// Lag of the bulge apex behind the Sun in right ascension (rad).
const LAG_RAD: f64 = 30.0 * std::f64::consts::PI / 180.0;
/// WGS84 equatorial radius (km) and flattening.
const A_KM: f64 = 6378.137;
const F: f64 = 1.0 / 298.257_223_563;

/// The modified Harris–Priester model with cosine exponent `n` (2 for low inclinations, 6 for polar orbits; Orekit's default is 4).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HarrisPriester {
    /// Cosine exponent.
    pub n: f64,
}

impl Default for HarrisPriester {
    fn default() -> Self {
        Self { n: 4.0 }
    }
}

/// Approximate height (km) over the WGS84 ellipsoid of an Earth-fixed position.
pub fn height_km(r_km: Vec3) -> f64 {
    let e2 = F * (2.0 - F);
    let r = (r_km[0] * r_km[0] + r_km[1] * r_km[1] + r_km[2] * r_km[2]).sqrt();
    let sl = r_km[2] / r;
    let cl2 = 1.0 - sl * sl;
    r - A_KM * ((1.0 - e2) / (1.0 - e2 * cl2)).sqrt()
}

impl HarrisPriester {
    /// Density (kg/m³) at the Earth-fixed position `r_km` with the Sun at `sun_km` (same
    /// frame); `None` below the model's lowest height.
    pub fn density_kg_m3(&self, r_km: Vec3, sun_km: Vec3) -> Option<f64> {
        let h = height_km(r_km);
        if h.is_nan() || h < MIN_HEIGHT_KM {
            return None;
        }
        if h > MAX_HEIGHT_KM {
            return Some(0.0);
        }
        let sn = (sun_km[0] * sun_km[0] + sun_km[1] * sun_km[1] + sun_km[2] * sun_km[2]).sqrt();
        let u = sun_km.map(|x| x / sn);
        let (s, c) = LAG_RAD.sin_cos();
        let bulge = [u[0] * c - u[1] * s, u[0] * s + u[1] * c, u[2]];
        let bn = (bulge[0] * bulge[0] + bulge[1] * bulge[1] + bulge[2] * bulge[2]).sqrt();
        let rn = (r_km[0] * r_km[0] + r_km[1] * r_km[1] + r_km[2] * r_km[2]).sqrt();
        let cos_psi = (bulge[0] * r_km[0] + bulge[1] * r_km[1] + bulge[2] * r_km[2]) / (bn * rn);
        let c2 = (1.0 + cos_psi) / 2.0;
        let c1 = c2.max(0.0).sqrt();
        let cos_pow = if c1 > 1e-12 {
            c2 * c1.powf(self.n - 2.0)
        } else {
            0.0
        };
        let mut i = 0;
        while i < TABLE.len() - 2 && h > TABLE[i + 1].0 {
            i += 1;
        }
        let (h0, min0, max0) = TABLE[i];
        let (h1, min1, max1) = TABLE[i + 1];
        let dh = (h0 - h) / (h0 - h1);
        let rho_min = min0 * (min1 / min0).powf(dh);
        let rho_max = max0 * (max1 / max0).powf(dh);
        Some(rho_min + (rho_max - rho_min) * cos_pow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabulated_values_at_the_nodes_and_the_bulge() {
        let hp = HarrisPriester::default();
        // On the equator at 400 km height, opposite the bulge: the minimum density.
        let r = [A_KM + 400.0, 0.0, 0.0];
        // The Sun 30° west of the object puts the lagging bulge apex on it: the maximum.
        let sun = [30f64.to_radians().cos(), -(30f64.to_radians().sin()), 0.0].map(|x| x * 1.5e8);
        let rho_max = hp.density_kg_m3(r, sun).unwrap();
        assert!((rho_max - 7.492e-12).abs() < 1e-15, "{rho_max}");
        let rho_min = hp.density_kg_m3(r, sun.map(|x| -x)).unwrap();
        assert!((rho_min - 2.249e-12).abs() < 1e-15, "{rho_min}");
        // Exponential interpolation half way between 400 and 420 km.
        let mid = hp
            .density_kg_m3([A_KM + 410.0, 0.0, 0.0], sun.map(|x| -x))
            .unwrap();
        assert!(
            (mid - (2.249e-12f64 * 1.558e-12).sqrt()).abs() < 1e-16,
            "{mid}"
        );
        assert_eq!(hp.density_kg_m3([A_KM + 1200.0, 0.0, 0.0], sun), Some(0.0));
        assert_eq!(hp.density_kg_m3([A_KM + 50.0, 0.0, 0.0], sun), None);
    }

    #[test]
    fn height_over_the_ellipsoid_at_the_pole_and_equator() {
        assert!((height_km([A_KM + 500.0, 0.0, 0.0]) - 500.0).abs() < 1e-9);
        let b = A_KM * (1.0 - F);
        assert!((height_km([0.0, 0.0, b + 500.0]) - 500.0).abs() < 1e-9);
    }
}
