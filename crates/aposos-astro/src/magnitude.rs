//! Estimated visual magnitude of a satellite: diffuse (Lambertian) sphere model.
//!
//! A Lambertian sphere of geometric albedo-like reflectance ρ and cross-section
//! `A = πa²`, at distance `d` from the observer and phase angle φ (Sun–object–observer),
//! reflects a flux, relative to the Sun's,
//!
//! `f/f☉ = (2ρA / (3π² d²)) · F(φ)`,  with `F(φ) = (π − φ)·cos φ + sin φ`
//!
//! (F(0) = π full phase, F(90°) = 1, F(180°) = 0). The **standard magnitude**
//! `m_std` is the magnitude at `d = 1000 km` and φ = 90°; then
//!
//! `m = m_std − 5·log10(1000 km / d) − 2.5·log10(F(φ)/F(90°))`.
//!
//! Standard magnitudes come from observations (e.g. McCants' list) or, lacking
//! one, from a radar cross-section ([`std_mag_from_rcs`]).

use std::f64::consts::PI;

/// Apparent visual magnitude of the Sun at 1 au (V band).
pub const SUN_MAGNITUDE_V: f64 = -26.74;
/// Reference range of the standard magnitude (km).
pub const STD_RANGE_KM: f64 = 1000.0;
/// Reflectance assumed by [`std_mag_from_rcs`] (diffuse sphere, albedo 0.1).
pub const RCS_ALBEDO: f64 = 0.1;

/// Diffuse-sphere phase function `F(φ) = (π − φ)·cos φ + sin φ` (dimensionless), φ in rad clamped to 0..π.
pub fn diffuse_sphere_phase(phase_angle_rad: f64) -> f64 {
    let p = phase_angle_rad.clamp(0.0, PI);
    if p >= PI {
        return 0.0;
    }
    ((PI - p) * p.cos() + p.sin()).max(0.0)
}

/// Visual magnitude from the standard magnitude `std_mag` (1000 km, phase 90°), range (km) and phase angle (rad).
///
/// `m = m_std − 5·log10(1000/range_km) − 2.5·log10(F(φ)/F(90°))`,
/// `F(φ) = (π − φ)cos φ + sin φ`, `F(90°) = 1`. At φ = 180° (the object
/// exactly between Sun and observer) the result is +∞; NaN inputs give NaN.
pub fn visual_magnitude(std_mag: f64, range_km: f64, phase_angle_rad: f64) -> f64 {
    std_mag
        - 5.0 * (STD_RANGE_KM / range_km).log10()
        - 2.5 * diffuse_sphere_phase(phase_angle_rad).log10()
}

/// Standard magnitude (1000 km, phase 90°) of a diffuse sphere of albedo 0.1 whose cross-section equals the RCS (m²).
///
/// From `f/f☉ = 2ρA/(3π²d²)` at `d = 10⁶ m`, φ = 90°:
/// `m_std = −26.74 − 2.5·log10(2·0.1·A / (3π²·10¹²)) = 8.686 − 2.5·log10(A/m²)`.
/// This is the usual rough conversion (a 1 m² object is about magnitude 8.7 at
/// 1000 km, half phase); a radar cross-section is only a proxy for the optical
/// one and real objects differ by a few magnitudes. Non-positive RCS gives +∞.
pub fn std_mag_from_rcs(rcs_m2: f64) -> f64 {
    if rcs_m2.is_nan() {
        return f64::NAN;
    }
    if rcs_m2 <= 0.0 {
        return f64::INFINITY;
    }
    let d_m = STD_RANGE_KM * 1e3;
    SUN_MAGNITUDE_V - 2.5 * (2.0 * RCS_ALBEDO * rcs_m2 / (3.0 * PI * PI * d_m * d_m)).log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_conditions_give_std_mag() {
        assert!((visual_magnitude(4.2, 1000.0, PI / 2.0) - 4.2).abs() < 1e-12);
        // Twice as far: 5·log10(2) = 1.505 fainter.
        assert!((visual_magnitude(4.2, 2000.0, PI / 2.0) - 5.705_149_978).abs() < 1e-8);
        // Full phase: F(0) = π, 2.5·log10(π) = 1.243 brighter.
        assert!((visual_magnitude(0.0, 1000.0, 0.0) + 1.242_874_9).abs() < 1e-6);
        assert!(visual_magnitude(0.0, 1000.0, PI).is_infinite());
        // Phase function monotonic.
        let mut last = f64::INFINITY;
        for i in 0..=180 {
            let f = diffuse_sphere_phase(f64::from(i).to_radians());
            assert!(f <= last);
            last = f;
        }
    }

    #[test]
    fn rcs_constant() {
        assert!(
            (std_mag_from_rcs(1.0) - 8.686).abs() < 1e-3,
            "{}",
            std_mag_from_rcs(1.0)
        );
        assert!((std_mag_from_rcs(100.0) - (8.686 - 5.0)).abs() < 1e-3);
        assert!(std_mag_from_rcs(0.0).is_infinite());
        assert!(std_mag_from_rcs(f64::NAN).is_nan());
    }
}
