//! Near-earth SGP4 (Vallado's `sgp4`, method `'n'`) on lanes of propagations.
//!
//! [`NearEarthSoa`] keeps the per-satellite coefficients the propagation reads as
//! one `Vec<f64>` per coefficient, padded to a multiple of [`LANES`]. The kernel
//! [`propagate_lanes`] runs [`LANES`] propagations at once, each lane with its own
//! coefficients and time: lanes can hold one satellite at `LANES` times (the
//! coefficients splatted, [`CoefLanes::splat`]) or `LANES` satellites
//! ([`CoefLanes::load`], a plain vector load from the SoA).
//!
//! Every expression mirrors the scalar code operation for operation, so the only
//! differences come from the lane `sincos`/`atan2` (≤ 1–2 ulp) and from
//! `pow(am, 1.5)` taken as `am·sqrt(am)`; the Kepler iteration runs under a mask
//! until every lane meets Vallado's 1e-12 tolerance (at most 10 steps).

// Index loops over lanes are the shape LLVM vectorizes best.
#![allow(clippy::needless_range_loop)]

use super::lanes::{F64x, Mask, LANES};
use super::math::{atan2, fmod_twopi, sincos};
use crate::sgp4::{Method, Sgp4, MAX_TSINCE_MIN};

macro_rules! coefficients {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        /// Near-earth SGP4 coefficients of many satellites, one padded `Vec` per coefficient (Vallado's names, rad, min, Earth radii).
        #[derive(Debug, Clone, Default)]
        pub struct NearEarthSoa {
            /// Index in the input record slice of each stored satellite, padding included.
            pub(crate) source: Vec<usize>,
            /// Number of satellites stored, without the padding.
            pub(crate) count: usize,
            $($(#[$doc])* pub(crate) $name: Vec<f64>,)*
        }

        /// One satellite's coefficients as scalars.
        #[derive(Debug, Clone, Copy)]
        struct CoefScalars {
            $($name: f64,)*
        }

        /// The coefficients of [`LANES`] propagations, one lane each.
        #[derive(Debug, Clone, Copy)]
        pub struct CoefLanes {
            $(pub(crate) $name: F64x,)*
        }

        impl NearEarthSoa {
            fn push(&mut self, source: usize, c: &CoefScalars) {
                self.source.push(source);
                $(self.$name.push(c.$name);)*
            }

            fn pad(&mut self) {
                while self.source.len() % LANES != 0 {
                    let last = self.source.len() - 1;
                    $(let v = self.$name[last]; self.$name.push(v);)*
                    self.source.push(self.source[last]);
                }
            }
        }

        impl CoefLanes {
            /// Satellite `k` of `soa` in every lane (one satellite at `LANES` times).
            #[inline(always)]
            pub fn splat(soa: &NearEarthSoa, k: usize) -> Self {
                CoefLanes { $($name: F64x::splat(soa.$name[k]),)* }
            }

            /// Satellites `k..k + LANES` of `soa` (k a multiple of `LANES`), one per lane.
            #[inline(always)]
            pub fn load(soa: &NearEarthSoa, k: usize) -> Self {
                CoefLanes { $($name: F64x::load_or(&soa.$name[k..k + LANES], 0.0),)* }
            }
        }
    };
}

coefficients! {
    mo, mdot, argpo, argpdot, nodeo, nodedot, nodecf, cc1,
    /// bstar · cc4, formed as the scalar code's left-to-right product.
    bstar_cc4,
    t2cof,
    /// 1.0 where Vallado's `isimp` is set, 0.0 otherwise.
    isimp,
    omgcof, eta, xmcof, delmo, d2, d3, d4,
    /// bstar · cc5.
    bstar_cc5,
    sinmao, t3cof, t4cof, t5cof, no_unkozai,
    /// pow(xke / no_unkozai, 2/3): `am` before the drag factor, Earth radii.
    am0,
    ecco, inclo, aycof, xlcof, j2, con41, x1mth2, x7thm1,
    /// cos(inclo).
    cosip,
    /// sin(inclo).
    sinip,
    xke, radiusearthkm,
    /// radiusearthkm · xke / 60, km/s per (Earth radii per time unit).
    vkmpersec,
}

impl CoefScalars {
    fn from_record(s: &Sgp4) -> Self {
        let x2o3 = 2.0 / 3.0;
        CoefScalars {
            mo: s.mo,
            mdot: s.mdot,
            argpo: s.argpo,
            argpdot: s.argpdot,
            nodeo: s.nodeo,
            nodedot: s.nodedot,
            nodecf: s.nodecf,
            cc1: s.cc1,
            bstar_cc4: s.bstar * s.cc4,
            t2cof: s.t2cof,
            isimp: if s.isimp { 1.0 } else { 0.0 },
            omgcof: s.omgcof,
            eta: s.eta,
            xmcof: s.xmcof,
            delmo: s.delmo,
            d2: s.d2,
            d3: s.d3,
            d4: s.d4,
            bstar_cc5: s.bstar * s.cc5,
            sinmao: s.sinmao,
            t3cof: s.t3cof,
            t4cof: s.t4cof,
            t5cof: s.t5cof,
            no_unkozai: s.no_unkozai,
            am0: (s.xke / s.no_unkozai).powf(x2o3),
            ecco: s.ecco,
            inclo: s.inclo,
            aycof: s.aycof,
            xlcof: s.xlcof,
            j2: s.j2,
            con41: s.con41,
            x1mth2: s.x1mth2,
            x7thm1: s.x7thm1,
            cosip: s.inclo.cos(),
            sinip: s.inclo.sin(),
            xke: s.xke,
            radiusearthkm: s.radiusearthkm,
            vkmpersec: s.radiusearthkm * s.xke / 60.0,
        }
    }
}

impl NearEarthSoa {
    /// Gathers the near-earth records of `records` (deep-space ones are skipped; see [`NearEarthSoa::source`]).
    pub fn from_records(records: &[Sgp4]) -> Self {
        let mut soa = NearEarthSoa::default();
        for (i, r) in records.iter().enumerate() {
            if r.method == Method::NearEarth {
                soa.push(i, &CoefScalars::from_record(r));
            }
        }
        soa.count = soa.source.len();
        if !soa.source.is_empty() {
            soa.pad();
        }
        soa
    }

    /// Number of satellites stored, without the padding.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True when no near-earth satellite is stored.
    pub fn is_empty(&self) -> bool {
        self.source.is_empty()
    }

    /// Index in the input record slice of each stored satellite, padding included.
    pub fn source(&self) -> &[usize] {
        &self.source
    }
}

/// The result of [`LANES`] propagations: TEME position (km), velocity (km/s) and Vallado's error code (0 = ok).
#[derive(Debug, Clone, Copy)]
pub struct LaneState {
    /// TEME position x, y, z of each lane, km.
    pub r: [F64x; 3],
    /// TEME velocity x, y, z of each lane, km/s.
    pub v: [F64x; 3],
    /// Error code of each lane as [`crate::sgp4::Sgp4Error::code`] (1, 2, 4, 6, 8, 9), 0 when ok.
    pub err: [u8; LANES],
}

/// Propagates [`LANES`] near-earth SGP4 lanes to `t` minutes since each lane's epoch (TEME, km, km/s).
///
/// Error codes follow the scalar code's order of checks: 8 (time not finite or
/// beyond [`MAX_TSINCE_MIN`]), 2, 1, 4, 6, 9 (state not finite). Lanes that err hold unspecified numbers.
#[inline(always)]
pub fn propagate_lanes(c: &CoefLanes, t: F64x) -> LaneState {
    let zero = F64x::splat(0.0);
    // ------- update for secular gravity and atmospheric drag -----
    let xmdf = c.mo + c.mdot * t;
    let argpdf = c.argpo + c.argpdot * t;
    let nodedf = c.nodeo + c.nodedot * t;
    let mut argpm = argpdf;
    let mut mm = xmdf;
    let t2 = t * t;
    let nodem = nodedf + c.nodecf * t2;
    let mut tempa = 1.0 - c.cc1 * t;
    let mut tempe = c.bstar_cc4 * t;
    let mut templ = c.t2cof * t2;

    let full = c.isimp.lt(F64x::splat(0.5));
    if full.any() {
        let delomg = c.omgcof * t;
        let (_, cos_xmdf) = sincos(xmdf);
        let delmtemp = 1.0 + c.eta * cos_xmdf;
        let delm = c.xmcof * (delmtemp * delmtemp * delmtemp - c.delmo);
        let temp = delomg + delm;
        let mm_f = xmdf + temp;
        let argpm_f = argpdf - temp;
        let t3 = t2 * t;
        let t4 = t3 * t;
        let tempa_f = tempa - c.d2 * t2 - c.d3 * t3 - c.d4 * t4;
        let (sin_mm, _) = sincos(mm_f);
        let tempe_f = tempe + c.bstar_cc5 * (sin_mm - c.sinmao);
        let templ_f = templ + c.t3cof * t3 + t4 * (c.t4cof + t * c.t5cof);
        mm = full.select(mm_f, mm);
        argpm = full.select(argpm_f, argpm);
        tempa = full.select(tempa_f, tempa);
        tempe = full.select(tempe_f, tempe);
        templ = full.select(templ_f, templ);
    }

    let nm = c.no_unkozai;
    let err2 = nm.le(zero);
    let am = c.am0 * tempa * tempa;
    let nm = c.xke / (am * am.sqrt());
    let em = c.ecco - tempe;
    let err1 = em.ge(F64x::splat(1.0)) | em.lt(F64x::splat(-0.001));
    let em = em.lt(F64x::splat(1.0e-6)).select(F64x::splat(1.0e-6), em);
    let mm = mm + c.no_unkozai * templ;
    let xlm = mm + argpm + nodem;

    let nodem = fmod_twopi(nodem);
    let argpm = fmod_twopi(argpm);
    let xlm = fmod_twopi(xlm);
    let mm = fmod_twopi(xlm - argpm - nodem);

    // ------------------ long period periodics ------------------
    let ep = em;
    let xincp_cos = c.cosip;
    let sinip = c.sinip;
    let argpp = argpm;
    let nodep = nodem;
    let mp = mm;
    let (sin_argpp, cos_argpp) = sincos(argpp);
    let axnl = ep * cos_argpp;
    let temp = 1.0 / (am * (1.0 - ep * ep));
    let aynl = ep * sin_argpp + temp * c.aycof;
    let xl = mp + argpp + nodep + temp * c.xlcof * axnl;

    // --------------------- solve kepler's equation ---------------
    let u = fmod_twopi(xl - nodep);
    let mut eo1 = u;
    let mut active = Mask::splat(true);
    let mut sineo1 = zero;
    let mut coseo1 = zero;
    let limit = F64x::splat(0.95);
    for _ in 0..10 {
        let (s, co) = sincos(eo1);
        sineo1 = active.select(s, sineo1);
        coseo1 = active.select(co, coseo1);
        let den = 1.0 - co * axnl - s * aynl;
        let tem5 = (u - aynl * co + axnl * s - eo1) / den;
        let clamped = tem5.gt(zero).select(limit, -limit);
        let tem5 = tem5.abs().ge(limit).select(clamped, tem5);
        eo1 = active.select(eo1 + tem5, eo1);
        active = active & tem5.abs().ge(F64x::splat(1.0e-12));
        if !active.any() {
            break;
        }
    }

    // ------------- short period preliminary quantities -----------
    let ecose = axnl * coseo1 + aynl * sineo1;
    let esine = axnl * sineo1 - aynl * coseo1;
    let el2 = axnl * axnl + aynl * aynl;
    let pl = am * (1.0 - el2);
    let err4 = pl.lt(zero);
    let rl = am * (1.0 - ecose);
    let rdotl = am.sqrt() * esine / rl;
    let rvdotl = pl.sqrt() / rl;
    let betal = (1.0 - el2).sqrt();
    let temp = esine / (1.0 + betal);
    let am_rl = am / rl;
    let sinu = am_rl * (sineo1 - aynl - axnl * temp);
    let cosu = am_rl * (coseo1 - axnl + aynl * temp);
    let su = atan2(sinu, cosu);
    let sin2u = (cosu + cosu) * sinu;
    let cos2u = 1.0 - 2.0 * sinu * sinu;
    let temp = 1.0 / pl;
    let temp1 = 0.5 * c.j2 * temp;
    let temp2 = temp1 * temp;

    // -------------- update for short period periodics ------------
    let mrt = rl * (1.0 - 1.5 * temp2 * betal * c.con41) + 0.5 * temp1 * c.x1mth2 * cos2u;
    let su = su - 0.25 * temp2 * c.x7thm1 * sin2u;
    let xnode = nodep + 1.5 * temp2 * xincp_cos * sin2u;
    let xinc = c.inclo + 1.5 * temp2 * xincp_cos * sinip * cos2u;
    let mvt = rdotl - nm * temp1 * c.x1mth2 * sin2u / c.xke;
    let rvdot = rvdotl + nm * temp1 * (c.x1mth2 * cos2u + 1.5 * c.con41) / c.xke;

    // --------------------- orientation vectors -------------------
    let (sinsu, cossu) = sincos(su);
    let (snod, cnod) = sincos(xnode);
    let (sini, cosi) = sincos(xinc);
    let xmx = -snod * cosi;
    let xmy = cnod * cosi;
    let ux = xmx * sinsu + cnod * cossu;
    let uy = xmy * sinsu + snod * cossu;
    let uz = sini * sinsu;
    let vx = xmx * cossu - cnod * sinsu;
    let vy = xmy * cossu - snod * sinsu;
    let vz = sini * cossu;

    // --------- position and velocity (in km and km/sec) ----------
    let r = [
        (mrt * ux) * c.radiusearthkm,
        (mrt * uy) * c.radiusearthkm,
        (mrt * uz) * c.radiusearthkm,
    ];
    let v = [
        (mvt * ux + rvdot * vx) * c.vkmpersec,
        (mvt * uy + rvdot * vy) * c.vkmpersec,
        (mvt * uz + rvdot * vz) * c.vkmpersec,
    ];
    let err6 = mrt.lt(F64x::splat(1.0));
    let err8 = !t.abs().le(F64x::splat(MAX_TSINCE_MIN));
    let finite = r[0].is_finite()
        & r[1].is_finite()
        & r[2].is_finite()
        & v[0].is_finite()
        & v[1].is_finite()
        & v[2].is_finite();

    let mut err = [0u8; LANES];
    for i in 0..LANES {
        err[i] = if err8.test(i) {
            8
        } else if err2.test(i) {
            2
        } else if err1.test(i) {
            1
        } else if err4.test(i) {
            4
        } else if err6.test(i) {
            6
        } else if !finite.test(i) {
            9
        } else {
            0
        };
    }
    LaneState { r, v, err }
}
