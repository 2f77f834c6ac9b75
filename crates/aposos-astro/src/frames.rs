//! Reference frames: TEME (SGP4 output), GCRS, CIRS, TIRS, ITRF.
//!
//! Rotation matrices follow SOFA: `v_target = M · v_source`, and the elementary
//! rotations `R1/R2/R3(θ)` rotate the *axes* by +θ. Positions km, velocities km/s.

use sofars::erst::{era00, gmst82};
use sofars::pnp::{c2i06a, pom00, sp00};

use crate::time::{JulianDate, TimeScales};

/// A Cartesian 3-vector (km or km/s, frame given by context).
pub type Vec3 = [f64; 3];
/// A 3×3 rotation matrix, row-major, acting as `v_target = M · v_source`.
pub type Mat3 = [[f64; 3]; 3];

/// Arcseconds to radians.
pub const ARCSEC_TO_RAD: f64 = std::f64::consts::PI / 648_000.0;
/// Earth rotation angle rate (rad per UT1 second), IERS 2010: 2π·1.00273781191135448/86400.
pub const ERA_RATE_RAD_S: f64 = std::f64::consts::TAU * 1.002_737_811_911_354_5 / 86_400.0;

/// `M · v`.
pub fn mxv(m: &Mat3, v: Vec3) -> Vec3 {
    [
        m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
        m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
        m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
    ]
}

/// `Mᵀ · v` (the inverse rotation).
pub fn mtxv(m: &Mat3, v: Vec3) -> Vec3 {
    [
        m[0][0] * v[0] + m[1][0] * v[1] + m[2][0] * v[2],
        m[0][1] * v[0] + m[1][1] * v[1] + m[2][1] * v[2],
        m[0][2] * v[0] + m[1][2] * v[1] + m[2][2] * v[2],
    ]
}

/// `A · B`.
pub fn mxm(a: &Mat3, b: &Mat3) -> Mat3 {
    let mut c = [[0.0; 3]; 3];
    for (i, row) in c.iter_mut().enumerate() {
        for (j, cij) in row.iter_mut().enumerate() {
            *cij = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
        }
    }
    c
}

/// `Mᵀ`.
pub fn transpose(m: &Mat3) -> Mat3 {
    [
        [m[0][0], m[1][0], m[2][0]],
        [m[0][1], m[1][1], m[2][1]],
        [m[0][2], m[1][2], m[2][2]],
    ]
}

/// `R3(θ)`: rotation of the axes by +θ (rad) about z.
pub fn r3(theta: f64) -> Mat3 {
    let (s, c) = theta.sin_cos();
    [[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]]
}

/// `ω ẑ × r` for a rotation rate `omega` (rad/s) about z.
fn z_cross(omega: f64, r: Vec3) -> Vec3 {
    [-omega * r[1], omega * r[0], 0.0]
}

/// Earth orientation at one instant, CIO based, IAU 2006/2000A (SOFA `c2t06a`), no dX/dY.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EarthRotation {
    /// GCRS → CIRS: IAU 2006/2000A X, Y and s (SOFA `c2i06a`).
    pub c2i: Mat3,
    /// Earth rotation angle (rad), IAU 2000 (SOFA `era00` on UT1).
    pub era_rad: f64,
    /// TIRS → ITRF: polar motion with the TIO locator s′ (SOFA `pom00(xp, yp, sp00)`).
    pub pom: Mat3,
    /// GCRS → ITRF: `pom · R3(ERA) · c2i`.
    pub c2t: Mat3,
    /// Rotation rate of TIRS with respect to CIRS (rad/s), nominal ERA rate × (1 − LOD/86400 s).
    pub omega_rad_s: f64,
}

impl EarthRotation {
    /// GCRS ↔ ITRF at `ts`: IAU 2006/2000A CIO-based (c2i06a, era00, sp00, pom00), EOP polar motion.
    pub fn new(ts: &TimeScales) -> Self {
        Self::from_parts(
            ts.tt,
            ts.ut1,
            ts.eop.xp_arcsec * ARCSEC_TO_RAD,
            ts.eop.yp_arcsec * ARCSEC_TO_RAD,
        )
    }

    /// GCRS ↔ ITRF from TT, UT1 (two-part JDs) and polar motion x_p, y_p (rad), as SOFA `c2t06a`.
    pub fn from_parts(tt: JulianDate, ut1: JulianDate, xp_rad: f64, yp_rad: f64) -> Self {
        let c2i = c2i06a(tt.jd1, tt.jd2);
        let era_rad = era00(ut1.jd1, ut1.jd2);
        let sp = sp00(tt.jd1, tt.jd2);
        let pom = pom00(xp_rad, yp_rad, sp);
        let c2t = mxm(&pom, &mxm(&r3(era_rad), &c2i));
        EarthRotation {
            c2i,
            era_rad,
            pom,
            c2t,
            omega_rad_s: ERA_RATE_RAD_S,
        }
    }

    /// The orientation at a nearby instant `ts` (minutes away): its own Earth rotation angle, this
    /// one's precession–nutation and polar motion (they move by under 1 mas in 10 minutes).
    pub fn at_nearby(&self, ts: &TimeScales) -> Self {
        let era_rad = era00(ts.ut1.jd1, ts.ut1.jd2);
        EarthRotation {
            era_rad,
            c2t: mxm(&self.pom, &mxm(&r3(era_rad), &self.c2i)),
            ..*self
        }
    }

    /// The same orientation with the rotation rate reduced for the excess length of day `lod_s` (s).
    pub fn with_lod(mut self, lod_s: f64) -> Self {
        self.omega_rad_s = ERA_RATE_RAD_S * (1.0 - lod_s / 86_400.0);
        self
    }

    /// GCRS → ITRF position (km), IAU 2006/2000A CIO based.
    pub fn gcrs_to_itrf(&self, r_gcrs_km: Vec3) -> Vec3 {
        mxv(&self.c2t, r_gcrs_km)
    }

    /// ITRF → GCRS position (km), IAU 2006/2000A CIO based.
    pub fn itrf_to_gcrs(&self, r_itrf_km: Vec3) -> Vec3 {
        mtxv(&self.c2t, r_itrf_km)
    }

    /// GCRS → CIRS position (km): IAU 2006/2000A bias–precession–nutation, CIO origin.
    pub fn gcrs_to_cirs(&self, r_gcrs_km: Vec3) -> Vec3 {
        mxv(&self.c2i, r_gcrs_km)
    }

    /// GCRS → ITRF position (km) and velocity (km/s): Earth rotation (ERA rate) included,
    /// the slow precession–nutation rate neglected (< 1e-11 rad/s).
    pub fn gcrs_to_itrf_pv(&self, r_gcrs_km: Vec3, v_gcrs_km_s: Vec3) -> (Vec3, Vec3) {
        let rot = r3(self.era_rad);
        let r_tirs = mxv(&rot, mxv(&self.c2i, r_gcrs_km));
        let v_rot = mxv(&rot, mxv(&self.c2i, v_gcrs_km_s));
        let w = z_cross(self.omega_rad_s, r_tirs);
        let v_tirs = [v_rot[0] - w[0], v_rot[1] - w[1], v_rot[2] - w[2]];
        (mxv(&self.pom, r_tirs), mxv(&self.pom, v_tirs))
    }

    /// ITRF → GCRS position (km) and velocity (km/s), inverse of [`Self::gcrs_to_itrf_pv`].
    pub fn itrf_to_gcrs_pv(&self, r_itrf_km: Vec3, v_itrf_km_s: Vec3) -> (Vec3, Vec3) {
        let r_tirs = mtxv(&self.pom, r_itrf_km);
        let v_tirs = mtxv(&self.pom, v_itrf_km_s);
        let w = z_cross(self.omega_rad_s, r_tirs);
        let v_rot = [v_tirs[0] + w[0], v_tirs[1] + w[1], v_tirs[2] + w[2]];
        let rot = r3(self.era_rad);
        (
            mtxv(&self.c2i, mtxv(&rot, r_tirs)),
            mtxv(&self.c2i, mtxv(&rot, v_rot)),
        )
    }
}

/// Greenwich mean sidereal time, IAU 1982 (rad, 0..2π) at UT1 (SOFA `gmst82`).
pub fn gmst82_rad(ut1: JulianDate) -> f64 {
    gmst82(ut1.jd1, ut1.jd2)
}

/// Rate of GMST 1982 (rad per UT1 second), derivative of the IAU 1982 polynomial.
pub fn gmst82_rate_rad_s(ut1: JulianDate) -> f64 {
    let t = ut1.centuries_since_j2000();
    let dg = 8_640_184.812_866 + (2.0 * 0.093_104 - 3.0 * 6.2e-6 * t) * t;
    (1.0 + dg / (86_400.0 * 36_525.0)) * std::f64::consts::TAU / 86_400.0
}

/// The TEME → PEF → ITRF pieces at one instant (Vallado et al. 2006, AIAA 2006-6753 App. C).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TemeRotation {
    /// GMST 1982 on UT1 (rad): TEME → PEF is `R3(gmst)`.
    pub gmst_rad: f64,
    /// Rotation rate of PEF with respect to TEME (rad/s): dGMST82/dt × (1 − LOD/86400 s).
    pub omega_rad_s: f64,
    /// PEF → ITRF: polar motion `pom00(x_p, y_p, 0)`, without s′ as in Vallado.
    pub pom: Mat3,
}

impl TemeRotation {
    /// TEME ↔ ITRF at `ts` as Vallado defines it for SGP4 output: R3(GMST82(UT1)), polar motion, LOD = 0.
    pub fn new(ts: &TimeScales) -> Self {
        Self::from_parts(
            ts.ut1,
            ts.eop.xp_arcsec * ARCSEC_TO_RAD,
            ts.eop.yp_arcsec * ARCSEC_TO_RAD,
            0.0,
        )
    }

    /// TEME ↔ ITRF from UT1, polar motion x_p, y_p (rad) and excess length of day `lod_s` (s).
    pub fn from_parts(ut1: JulianDate, xp_rad: f64, yp_rad: f64, lod_s: f64) -> Self {
        TemeRotation {
            gmst_rad: gmst82_rad(ut1),
            omega_rad_s: gmst82_rate_rad_s(ut1) * (1.0 - lod_s / 86_400.0),
            pom: pom00(xp_rad, yp_rad, 0.0),
        }
    }

    /// TEME → ITRF position (km) and velocity (km/s), Vallado 2006 (`teme2ecef`).
    pub fn teme_to_itrf(&self, r_teme_km: Vec3, v_teme_km_s: Vec3) -> (Vec3, Vec3) {
        let rot = r3(self.gmst_rad);
        let r_pef = mxv(&rot, r_teme_km);
        let v_rot = mxv(&rot, v_teme_km_s);
        let w = z_cross(self.omega_rad_s, r_pef);
        let v_pef = [v_rot[0] - w[0], v_rot[1] - w[1], v_rot[2] - w[2]];
        (mxv(&self.pom, r_pef), mxv(&self.pom, v_pef))
    }

    /// ITRF → TEME position (km) and velocity (km/s), inverse of [`Self::teme_to_itrf`] (`ecef2teme`).
    pub fn itrf_to_teme(&self, r_itrf_km: Vec3, v_itrf_km_s: Vec3) -> (Vec3, Vec3) {
        let r_pef = mtxv(&self.pom, r_itrf_km);
        let v_pef = mtxv(&self.pom, v_itrf_km_s);
        let w = z_cross(self.omega_rad_s, r_pef);
        let v_rot = [v_pef[0] + w[0], v_pef[1] + w[1], v_pef[2] + w[2]];
        let rot = r3(self.gmst_rad);
        (mtxv(&rot, r_pef), mtxv(&rot, v_rot))
    }
}

/// TEME → ITRF position (km) and velocity (km/s) at `ts`, Vallado 2006 convention for SGP4 output.
pub fn teme_to_itrf(r_teme_km: Vec3, v_teme_km_s: Vec3, ts: &TimeScales) -> (Vec3, Vec3) {
    TemeRotation::new(ts).teme_to_itrf(r_teme_km, v_teme_km_s)
}

/// The TEME → GCRS rotation of positions at `ts` with the Earth rotation `er` built for
/// it (the columns are the TEME axes in GCRS).
pub fn teme_to_gcrs_matrix(ts: &TimeScales, er: &EarthRotation) -> Mat3 {
    let tr = TemeRotation::new(ts);
    let c: Vec<Vec3> = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
        .iter()
        .map(|e| er.itrf_to_gcrs(tr.teme_to_itrf(*e, [0.0; 3]).0))
        .collect();
    [
        [c[0][0], c[1][0], c[2][0]],
        [c[0][1], c[1][1], c[2][1]],
        [c[0][2], c[1][2], c[2][2]],
    ]
}

/// TEME → GCRS position (km) and velocity (km/s): Vallado TEME → ITRF, then IAU 2006/2000A ITRF → GCRS.
pub fn teme_to_gcrs(r_teme_km: Vec3, v_teme_km_s: Vec3, ts: &TimeScales) -> (Vec3, Vec3) {
    let (r, v) = teme_to_itrf(r_teme_km, v_teme_km_s, ts);
    EarthRotation::new(ts).itrf_to_gcrs_pv(r, v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Eop;

    fn close(a: Vec3, b: Vec3, tol: f64) -> bool {
        (0..3).all(|i| (a[i] - b[i]).abs() <= tol)
    }

    #[test]
    fn teme_to_gcrs_matrix_rotates_positions_as_teme_to_gcrs() {
        let ts = TimeScales::from_utc_mjd(61_000, 12_345.678, Eop::embedded());
        let r = [6524.834, 6862.875, 6448.296];
        let m = teme_to_gcrs_matrix(&ts, &EarthRotation::new(&ts));
        assert!(close(mxv(&m, r), teme_to_gcrs(r, [0.0; 3], &ts).0, 1e-9));
    }

    #[test]
    fn round_trips() {
        let ts = TimeScales::from_utc_mjd(61_000, 12_345.678, Eop::embedded());
        let r = [6524.834, 6862.875, 6448.296];
        let v = [4.901327, 5.533756, -1.976341];
        let te = TemeRotation::new(&ts);
        let (ri, vi) = te.teme_to_itrf(r, v);
        let (r2, v2) = te.itrf_to_teme(ri, vi);
        assert!(close(r, r2, 1e-9) && close(v, v2, 1e-12));
        let er = EarthRotation::new(&ts);
        let (rg, vg) = er.itrf_to_gcrs_pv(ri, vi);
        let (r3_, v3_) = er.gcrs_to_itrf_pv(rg, vg);
        assert!(close(ri, r3_, 1e-9) && close(vi, v3_, 1e-12));
        assert!(close(er.itrf_to_gcrs(ri), rg, 1e-12));
    }

    #[test]
    fn ground_point_velocity_in_gcrs_is_earth_rotation() {
        // A point fixed on the equator moves at ω·a ≈ 0.4651 km/s in GCRS.
        let ts = TimeScales::from_utc_mjd(60_500, 0.0, Eop::embedded());
        let er = EarthRotation::new(&ts);
        let (_, v) = er.itrf_to_gcrs_pv([6378.137, 0.0, 0.0], [0.0; 3]);
        let speed = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
        assert!((speed - 6378.137 * ERA_RATE_RAD_S).abs() < 1e-9, "{speed}");
    }
}
