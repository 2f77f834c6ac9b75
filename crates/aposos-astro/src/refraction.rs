//! Atmospheric refraction of the elevation: Bennett's formula with Meeus's pressure/temperature scaling.
//!
//! Bennett (1982) gives the refraction `R` from the **apparent** elevation `h₀` (deg):
//! `R = cot(h₀ + 7.31/(h₀ + 4.4))` arcmin, good to 0.07 arcmin from the horizon to
//! the zenith for 1010 hPa and 10 °C, scaled by `(P/1010 hPa)·(283 K/(273 K + T))`
//! (Meeus, *Astronomical Algorithms*, ch. 16). From a **true** (airless) elevation
//! `h`, [`refraction_rad`] solves `h₀ = h + R(h₀)` by fixed-point iteration, as
//! Skyfield's `refract` does with the same formula.
//!
//! Near and below the horizon: the formula is used down to an apparent elevation
//! of −1°; below that the refraction is 0 (the object is not observable and the
//! real value depends on the local temperature profile). Above 89.9° it is 0 too
//! (Bennett's formula turns slightly negative there).

/// Arcminutes to radians.
const ARCMIN_TO_RAD: f64 = std::f64::consts::PI / 10_800.0;

/// Lowest apparent elevation (rad) at which refraction is applied: −1°.
pub const MIN_APPARENT_EL_RAD: f64 = -std::f64::consts::PI / 180.0;
/// Highest apparent elevation (rad) at which refraction is applied: 89.9°.
pub const MAX_APPARENT_EL_RAD: f64 = 89.9 * std::f64::consts::PI / 180.0;

/// Surface atmosphere at the site for refraction: pressure (hPa) and temperature (°C).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Atmosphere {
    /// Air pressure at the site (hPa = mbar); 0 means no atmosphere.
    pub pressure_hpa: f64,
    /// Air temperature at the site (°C).
    pub temperature_c: f64,
}

impl Default for Atmosphere {
    /// Standard conditions: 1013.25 hPa, 10 °C.
    fn default() -> Self {
        Atmosphere {
            pressure_hpa: 1013.25,
            temperature_c: 10.0,
        }
    }
}

impl Atmosphere {
    /// Bennett's P/T scale factor `(P/1010)·(283/(273+T))`, 0 for non-finite or non-positive inputs.
    fn scale(&self) -> f64 {
        let k = (self.pressure_hpa / 1010.0) * (283.0 / (273.0 + self.temperature_c));
        if k.is_finite() && k > 0.0 {
            k
        } else {
            0.0
        }
    }
}

/// Refraction (rad, ≥ 0) for an **apparent** elevation `apparent_el_rad` (rad), Bennett's formula; 0 outside −1°..89.9°.
pub fn refraction_from_apparent_rad(apparent_el_rad: f64, atm: &Atmosphere) -> f64 {
    if !(MIN_APPARENT_EL_RAD..=MAX_APPARENT_EL_RAD).contains(&apparent_el_rad) {
        return 0.0;
    }
    let h = apparent_el_rad.to_degrees();
    let r_arcmin = 1.0 / (h + 7.31 / (h + 4.4)).to_radians().tan();
    (r_arcmin * ARCMIN_TO_RAD * atm.scale()).max(0.0)
}

/// Refraction (rad, ≥ 0) to add to a **true** (airless) elevation `true_el_rad` (rad) to get the apparent one.
///
/// Solves `h₀ = h + R(h₀)` for the apparent elevation `h₀` by fixed-point
/// iteration (Bennett's `R`, converges to 1e-12 rad in a few steps), and returns
/// `h₀ − h`; 0 when the apparent elevation would be below −1° or above 89.9°.
pub fn refraction_rad(true_el_rad: f64, atm: &Atmosphere) -> f64 {
    if !true_el_rad.is_finite() {
        return 0.0;
    }
    let mut apparent = true_el_rad;
    for _ in 0..50 {
        let next = true_el_rad + refraction_from_apparent_rad(apparent, atm);
        let done = (next - apparent).abs() < 1e-12;
        apparent = next;
        if done {
            break;
        }
    }
    apparent - true_el_rad
}

/// Apparent elevation (rad) of an object at true (airless) elevation `true_el_rad` (rad): `h + refraction_rad(h)`.
pub fn apparent_elevation_rad(true_el_rad: f64, atm: &Atmosphere) -> f64 {
    true_el_rad + refraction_rad(true_el_rad, atm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_values() {
        let atm = Atmosphere {
            pressure_hpa: 1010.0,
            temperature_c: 10.0,
        };
        // Bennett at the apparent horizon: 34.5 arcmin; at 45°: ~1.0 arcmin.
        let r0 = refraction_from_apparent_rad(0.0, &atm) / ARCMIN_TO_RAD;
        assert!((r0 - 34.5).abs() < 0.1, "{r0}");
        let r45 = refraction_from_apparent_rad(45f64.to_radians(), &atm) / ARCMIN_TO_RAD;
        assert!((r45 - 0.99).abs() < 0.02, "{r45}");
        // From a true elevation: Saemundsson's formula (Meeus 16.4), consistent with Bennett to ~0.1 arcmin.
        for h in [0.0_f64, 0.5, 2.0, 10.0, 40.0] {
            let r = refraction_rad(h.to_radians(), &atm) / ARCMIN_TO_RAD;
            let s = 1.02 / (h + 10.3 / (h + 5.11)).to_radians().tan();
            assert!((r - s).abs() < 0.2, "{h}: {r} vs {s}");
        }
    }

    #[test]
    fn consistent_inverse_and_scaling() {
        let atm = Atmosphere::default();
        for el_deg in [-0.9, 0.0, 2.0, 10.0, 30.0, 60.0, 85.0] {
            let h: f64 = f64::to_radians(el_deg);
            let app = apparent_elevation_rad(h, &atm);
            let back = app - refraction_from_apparent_rad(app, &atm);
            assert!((back - h).abs() < 1e-11, "{el_deg}");
        }
        let thin = Atmosphere {
            pressure_hpa: 506.625,
            temperature_c: 10.0,
        };
        let a = refraction_from_apparent_rad(0.3, &Atmosphere::default());
        let b = refraction_from_apparent_rad(0.3, &thin);
        assert!((b / a - 0.5).abs() < 1e-12);
        assert_eq!(refraction_rad(-0.2, &atm), 0.0);
        assert_eq!(refraction_rad(f64::NAN, &atm), 0.0);
        let vacuum = Atmosphere {
            pressure_hpa: 0.0,
            temperature_c: 10.0,
        };
        assert_eq!(refraction_rad(0.1, &vacuum), 0.0);
    }
}
