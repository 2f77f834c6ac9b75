//! Geocentric Sun and Moon positions in the GCRS (SOFA `epv00` and `moon98`).
//!
//! Both are geometric (no light time, no aberration): what the shadow test and
//! the solar/lunar elevations need. Accuracy against JPL DE421 is measured in
//! `tests/against_skyfield_sun_moon.rs` (a few arcsec for the Sun, about 10 arcsec
//! for the Moon).

use sofars::coords::ecm06;
use sofars::eph::{epv00, moon98};

use crate::frames::{mtxv, Vec3};
use crate::time::TimeScales;

/// Astronomical unit (km), IAU 2012 Resolution B2.
pub const AU_KM: f64 = 149_597_870.700;
/// Mean equatorial radius of the Sun (km) used by the shadow model.
pub const SUN_RADIUS_KM: f64 = 696_000.0;
/// Mean radius of the Moon (km).
pub const MOON_RADIUS_KM: f64 = 1_737.4;

/// Geometric geocentric position of the Sun (km), GCRS axes, from SOFA `epv00` (VSOP2000 fit, TT ≈ TDB).
///
/// `epv00` gives the Earth's heliocentric position in the BCRS (axes aligned with
/// the GCRS); the Sun is its negative. TT is used for TDB (≤ 1.7 ms, ≤ 50 m).
/// Outside 1900–2100, where `epv00` declines, a low-precision solar theory
/// (Astronomical Almanac, about 0.01°) is used instead.
pub fn sun_gcrs_km(ts: &TimeScales) -> Vec3 {
    match epv00(ts.tt.jd1, ts.tt.jd2) {
        Some((pvh, _pvb)) => [-pvh[0][0] * AU_KM, -pvh[0][1] * AU_KM, -pvh[0][2] * AU_KM],
        None => sun_low_precision_gcrs_km(ts),
    }
}

/// Low-precision geocentric Sun (km), GCRS axes: Astronomical Almanac formula on the mean ecliptic of date, ~0.01°.
pub fn sun_low_precision_gcrs_km(ts: &TimeScales) -> Vec3 {
    let d = (ts.tt.jd1 - 2_451_545.0) + ts.tt.jd2;
    let l = (280.460 + 0.985_647_4 * d).to_radians();
    let g = (357.528 + 0.985_600_3 * d).to_radians();
    let lambda =
        l + (1.915_f64.to_radians()) * g.sin() + (0.020_f64.to_radians()) * (2.0 * g).sin();
    let r_km = (1.000_14 - 0.016_71 * g.cos() - 0.000_14 * (2.0 * g).cos()) * AU_KM;
    let ecl = [r_km * lambda.cos(), r_km * lambda.sin(), 0.0];
    // ecm06: ICRS (GCRS) → ecliptic of date; its transpose takes ecliptic → GCRS.
    let m = ecm06(ts.tt.jd1, ts.tt.jd2);
    mtxv(&m, ecl)
}

/// Geometric geocentric position of the Moon (km), GCRS, from SOFA `moon98` (Meeus/ELP, IAU 2006 frame rotation inside).
///
/// `moon98` computes ecliptic longitude, latitude and distance referred to the
/// mean ecliptic and equinox of date and rotates them to the GCRS with the
/// IAU 2006 Fukushima–Williams bias–precession angles itself.
pub fn moon_gcrs_km(ts: &TimeScales) -> Vec3 {
    let pv = moon98(ts.tt.jd1, ts.tt.jd2);
    [pv[0][0] * AU_KM, pv[0][1] * AU_KM, pv[0][2] * AU_KM]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Eop;

    fn norm(v: Vec3) -> f64 {
        (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt()
    }

    #[test]
    fn distances_are_plausible() {
        let ts = TimeScales::from_utc_mjd(61_000, 3_600.0, Eop::embedded());
        let s = norm(sun_gcrs_km(&ts)) / AU_KM;
        assert!((0.983..1.017).contains(&s), "{s}");
        let m = norm(moon_gcrs_km(&ts));
        assert!((356_000.0..407_000.0).contains(&m), "{m}");
    }

    #[test]
    fn low_precision_sun_agrees_with_epv00() {
        for mjd in [51_544, 55_000, 60_000, 61_500] {
            let ts = TimeScales::from_utc_mjd(mjd, 40_000.0, Eop::embedded());
            let a = sun_gcrs_km(&ts);
            let b = sun_low_precision_gcrs_km(&ts);
            let cos = (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (norm(a) * norm(b));
            let sep_deg = cos.min(1.0).acos().to_degrees();
            assert!(sep_deg < 0.02, "{mjd}: {sep_deg}°");
        }
    }
}
