//! What the SGP4 and SP fits report alike: the measured-minus-computed angles of a
//! measurement, split along and across the computed motion, and a state covariance
//! turned into the RTN frame.

use super::measurement::AngleMeasurement;
use super::sgp4_fit::{rtn_matrix, FitResidual};
use aposos_astro::topocentric::{norm, radec_rad, sub, C_KM_S};
use aposos_astro::Vec3;
use std::f64::consts::{PI, TAU};

/// An angle difference wrapped to (−π, π].
pub fn wrap_rad(a: f64) -> f64 {
    (a + 3.0 * PI).rem_euclid(TAU) - PI
}

/// The observer-to-object line of sight for the GCRS state (`r`, `v`) at the
/// measurement's time, corrected once for light time (the object where it was `τ`
/// earlier: Orekit's `AngularRaDec` convention), and `τ` (s).
pub fn line_of_sight(m: &AngleMeasurement, r: Vec3, v: Vec3) -> (Vec3, f64) {
    let rho = sub(r, m.site_gcrs_km);
    let tau = norm(rho) / C_KM_S;
    ([0, 1, 2].map(|k| rho[k] - v[k] * tau), tau)
}

/// Measured minus computed (ΔRA·cos Dec, ΔDec) in radians for the computed line of
/// sight `los` (any length).
pub fn radec_residual_rad(m: &AngleMeasurement, los: Vec3) -> [f64; 2] {
    let (ra, dec) = radec_rad(los);
    [wrap_rad(m.ra_rad - ra) * dec.cos(), m.dec_rad - dec]
}

/// The residual of `m` in arcsec, split along and across the motion from the line of
/// sight `now` to the one a moment `later`; `used` false marks an outlier.
pub fn fit_residual(m: &AngleMeasurement, now: Vec3, later: Vec3, used: bool) -> FitResidual {
    let r = radec_residual_rad(m, now);
    let ((ra, dec), (ra1, dec1)) = (radec_rad(now), radec_rad(later));
    let da = wrap_rad(ra1 - ra) * dec.cos();
    let dd = dec1 - dec;
    let h = da.hypot(dd).max(1e-300);
    let (ua, ud) = (da / h, dd / h);
    let as_ = |x: f64| x.to_degrees() * 3600.0;
    FitResidual {
        index: m.index,
        station: m.station.clone(),
        time: m.time,
        ra_arcsec: as_(r[0]),
        dec_arcsec: as_(r[1]),
        along_arcsec: as_(r[0] * ua + r[1] * ud),
        cross_arcsec: as_(-r[0] * ud + r[1] * ua),
        outlier: !used,
    }
}

/// The 6×6 rotation of a position–velocity state by the 3×3 `rot` (block diagonal).
pub(crate) fn rtn6(rot: &[[f64; 3]; 3]) -> [[f64; 6]; 6] {
    let mut out = [[0.0; 6]; 6];
    for (i, row) in out.iter_mut().enumerate() {
        for (k, cell) in row.iter_mut().enumerate() {
            if (i < 3) == (k < 3) {
                *cell = rot[i % 3][k % 3];
            }
        }
    }
    out
}

/// The position–velocity covariance `c` (same frame as `r`, `v`) in the RTN frame of that state.
// Index loops over 6×6 matrices read as the formula R·C·Rᵀ.
#[allow(clippy::needless_range_loop)]
pub fn covariance_in_rtn(c: &[[f64; 6]; 6], r: Vec3, v: Vec3) -> [[f64; 6]; 6] {
    let r6 = rtn6(&rtn_matrix(r, v));
    let mut out = [[0.0; 6]; 6];
    for i in 0..6 {
        for j in 0..6 {
            let mut s = 0.0;
            for a in 0..6 {
                for b in 0..6 {
                    s += r6[i][a] * c[a][b] * r6[j][b];
                }
            }
            out[i][j] = s;
        }
    }
    out
}
