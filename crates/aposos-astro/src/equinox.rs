//! Right ascension and declination of an older mean equator and equinox (the star
//! charts of visual observers: B1855 to B1950, J2050) reduced to J2000.
//!
//! Besselian equinoxes (B1855, B1875, B1900, B1950) are the FK4 system: they are
//! precessed to B1950 by Newcomb's precession (Lieske's Besselian-epoch polynomials, as
//! astropy's FK4 frames do), then go to FK5 J2000 by SOFA's `fk45z` (E-terms and the FK4
//! equinox correction included) at the observation's Besselian epoch, with zero proper
//! motion in FK5, as for any object that is not a star. J2050 is precessed to the GCRS
//! (ICRF axes) by the IAU 2006 precession with the frame bias (SOFA `pmat06`).

use crate::frames::{mtxv, mxm, mxv, r3, Mat3, Vec3};

/// Julian date of 1950-01-01T00:00 UTC (the origin of `ns_since_1950` times).
const JD_1950: f64 = 2_433_282.5;

fn unit(ra: f64, dec: f64) -> Vec3 {
    [dec.cos() * ra.cos(), dec.cos() * ra.sin(), dec.sin()]
}

/// Rotation about the y axis by `theta` (a frame rotation, like [`r3`]).
fn r2(theta: f64) -> Mat3 {
    let (s, c) = theta.sin_cos();
    [[c, 0.0, -s], [0.0, 1.0, 0.0], [s, 0.0, c]]
}

/// Newcomb's precession from Besselian epoch `from` to `to` (Lieske 1979, the
/// polynomials in tropical millennia from B1850 that astropy's FK4 frames use).
fn besselian_precession(from: f64, to: f64) -> Mat3 {
    let t1 = (from - 1850.0) / 1000.0;
    let dt = (to - from) / 1000.0;
    let angle_deg = |a1: f64, a2: f64, a3: f64| {
        // arcseconds to degrees
        ((a3 * dt + a2) * dt + a1) * dt / 3600.0
    };
    let zeta = angle_deg(
        23035.545 + 139.720 * t1 + 0.060 * t1 * t1,
        30.240 - 0.27 * t1,
        17.995,
    );
    let z = angle_deg(
        23035.545 + 139.720 * t1 + 0.060 * t1 * t1,
        109.480 + 0.39 * t1,
        18.325,
    );
    let theta = angle_deg(
        20051.12 - 85.29 * t1 - 0.37 * t1 * t1,
        -42.65 - 0.37 * t1,
        -41.8,
    );
    let deg = |a: f64| a.to_radians();
    mxm(&mxm(&r3(-deg(z)), &r2(deg(theta))), &r3(-deg(zeta)))
}

/// RA/Dec (degrees) of the mean equator and equinox of year `equinox_year`, observed at
/// the Julian date `jd_utc`, reduced to J2000 (degrees, RA in 0–360).
pub fn mean_equinox_to_j2000_deg(
    ra_deg: f64,
    dec_deg: f64,
    equinox_year: f64,
    jd_utc: f64,
) -> (f64, f64) {
    let (ra, dec) = (ra_deg.to_radians(), dec_deg.to_radians());
    let (ra2000, dec2000) = if equinox_year < 2000.0 {
        let v = mxv(&besselian_precession(equinox_year, 1950.0), unit(ra, dec));
        let bepoch = sofars::cal::epb(jd_utc, 0.0);
        sofars::star::fk45z(v[1].atan2(v[0]), v[2].clamp(-1.0, 1.0).asin(), bepoch)
    } else {
        let (jd1, jd2) = sofars::cal::epj2jd(equinox_year);
        // pmat06: GCRS to the mean equator and equinox of date; its transpose goes back.
        let p = sofars::pnp::pmat06(jd1, jd2);
        let v = mtxv(&p, unit(ra, dec));
        (v[1].atan2(v[0]), v[2].clamp(-1.0, 1.0).asin())
    };
    (ra2000.to_degrees().rem_euclid(360.0), dec2000.to_degrees())
}

/// The Julian date (UTC) of a time given in nanoseconds since 1950-01-01 UTC.
pub fn jd_from_ns_since_1950(ns: i64) -> f64 {
    JD_1950 + ns as f64 / 86_400e9
}
