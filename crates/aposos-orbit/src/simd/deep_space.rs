//! Deep-space SDP4 (Vallado's `sgp4`, method `'d'`) on lanes of propagations.
//!
//! One satellite at [`LANES`] times: the secular part of each time (drag terms
//! and Vallado's `dspace`, whose resonance integrator continues along the row in
//! a [`ResonanceState`]) runs in scalar code, bit for bit as [`crate::sgp4`], and
//! fills [`DeepMean`]; [`propagate_deep_lanes`] then does the rest on lanes:
//! `dpper`'s lunar-solar periodics (Lyddane branch included), the long-period
//! terms, Kepler's equation, the short-period terms and the TEME state.
//!
//! Every lane expression mirrors the scalar code operation for operation, so the
//! only differences come from the lane `sincos`/`atan2` (≤ 1–2 ulp), from
//! `pow(am, 1.5)` taken as `am·sqrt(am)` and, for resonant records, from
//! `pow(xke / nm, 2/3)` taken by Newton's cube root (≤ 1–2 ulp).

// Index loops over lanes are the shape LLVM vectorizes best.
#![allow(clippy::needless_range_loop)]

use std::f64::consts::PI;

use super::lanes::{F64x, Mask, LANES};
use super::math::{atan2, fmod_twopi, sincos};
use super::near_earth::LaneState;
use crate::sgp4::{dspace, OpsMode, ResonanceState, Secular, Sgp4, MAX_TSINCE_MIN};

const TWOPI: f64 = 2.0 * PI;
const X2O3: f64 = 2.0 / 3.0;

macro_rules! deep_coefficients {
    ($($name:ident),* $(,)?) => {
        /// One deep-space satellite's coefficients, splatted to every lane (Vallado's names).
        #[derive(Debug, Clone, Copy)]
        pub struct DeepCoefs {
            $(pub(crate) $name: F64x,)*
            /// `pow(xke / no_unkozai, 2/3)`, Earth radii.
            pub(crate) am0: F64x,
            /// AFSPC operation mode (node kept in 0..2π in the Lyddane branch).
            pub(crate) afspc: bool,
        }

        impl DeepCoefs {
            /// The coefficients of `s` in every lane.
            #[inline(always)]
            pub fn splat(s: &Sgp4) -> Self {
                DeepCoefs {
                    $($name: F64x::splat(s.$name),)*
                    am0: DeepCoefs::am0(s),
                    afspc: s.operationmode == OpsMode::Afspc,
                }
            }
        }
    };
}

deep_coefficients! {
    zmos, zmol, se2, se3, si2, si3, sl2, sl3, sl4, sgh2, sgh3, sgh4, sh2, sh3,
    ee2, e3, xi2, xi3, xl2, xl3, xl4, xgh2, xgh3, xgh4, xh2, xh3,
    peo, pinco, plo, pgho, pho, j2, j3oj2, xke, radiusearthkm, no_unkozai,
}

impl DeepCoefs {
    /// `pow(xke / no_unkozai, 2/3)` of `s` in every lane: `am` without drag when `dspace` leaves the mean motion as is.
    #[inline(always)]
    fn am0(s: &Sgp4) -> F64x {
        F64x::splat((s.xke / s.no_unkozai).powf(X2O3))
    }
}

/// Mean elements of [`LANES`] times after the secular and resonance updates (scalar part of Vallado's `sgp4`).
#[derive(Debug, Clone, Copy, Default)]
pub struct DeepMean {
    /// Mean eccentricity before the drag term `tempe` is taken off.
    pub em: [f64; LANES],
    /// Argument of perigee, rad.
    pub argpm: [f64; LANES],
    /// Inclination, rad.
    pub inclm: [f64; LANES],
    /// Mean anomaly before `no_unkozai · templ` is added, rad.
    pub mm: [f64; LANES],
    /// Right ascension of the node, rad.
    pub nodem: [f64; LANES],
    /// Mean motion from `dspace`, rad/min (≤ 0: error 2).
    pub nm: [f64; LANES],
    /// Drag factor of the semi-major axis.
    pub tempa: [f64; LANES],
    /// Drag term of the eccentricity.
    pub tempe: [f64; LANES],
    /// Drag term of the mean longitude.
    pub templ: [f64; LANES],
}

/// Row state of the scalar secular part: the resonance integrator carried along the row.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeepRowState {
    resonance: ResonanceState,
}

/// Fills lane `l` of `m` with the scalar secular part of Vallado's `sgp4` at `t` minutes (same bits as [`crate::sgp4`]).
///
/// Times the scalar code rejects (error 8) are not integrated; their lane
/// holds epoch values and the kernel reports 8 from `t`.
#[inline(always)]
pub fn deep_secular(rec: &Sgp4, t: f64, row: &mut DeepRowState, m: &mut DeepMean, l: usize) {
    let t = if !t.is_finite() || t.abs() > MAX_TSINCE_MIN {
        0.0
    } else {
        t
    };
    // ------- update for secular gravity and atmospheric drag -----
    let xmdf = rec.mo + rec.mdot * t;
    let argpdf = rec.argpo + rec.argpdot * t;
    let nodedf = rec.nodeo + rec.nodedot * t;
    let mut argpm = argpdf;
    let mut mm = xmdf;
    let t2 = t * t;
    let nodem = nodedf + rec.nodecf * t2;
    let mut tempa = 1.0 - rec.cc1 * t;
    let mut tempe = rec.bstar * rec.cc4 * t;
    let mut templ = rec.t2cof * t2;
    if !rec.isimp {
        let delomg = rec.omgcof * t;
        let delmtemp = 1.0 + rec.eta * xmdf.cos();
        let delm = rec.xmcof * (delmtemp * delmtemp * delmtemp - rec.delmo);
        let temp = delomg + delm;
        mm = xmdf + temp;
        argpm = argpdf - temp;
        let t3 = t2 * t;
        let t4 = t3 * t;
        tempa = tempa - rec.d2 * t2 - rec.d3 * t3 - rec.d4 * t4;
        tempe += rec.bstar * rec.cc5 * (mm.sin() - rec.sinmao);
        templ = templ + rec.t3cof * t3 + t4 * (rec.t4cof + t * rec.t5cof);
    }
    let sec = dspace(
        rec,
        t,
        Secular {
            em: rec.ecco,
            argpm,
            inclm: rec.inclo,
            mm,
            nodem,
            nm: rec.no_unkozai,
        },
        &mut row.resonance,
    );
    let nm = sec.nm;
    m.em[l] = sec.em;
    m.argpm[l] = sec.argpm;
    m.inclm[l] = sec.inclm;
    m.mm[l] = sec.mm;
    m.nodem[l] = sec.nodem;
    m.nm[l] = nm;
    m.tempa[l] = tempa;
    m.tempe[l] = tempe;
    m.templ[l] = templ;
}

/// Propagates [`LANES`] deep-space lanes from their secular mean elements `m` at `t` minutes since epoch (TEME, km, km/s).
///
/// Error codes follow the scalar code's order of checks: 8, 2, 1, 3, 4, 6, 9.
/// Lanes that err hold unspecified numbers.
#[inline(always)]
pub fn propagate_deep_lanes(c: &DeepCoefs, t: F64x, m: &DeepMean) -> LaneState {
    const ZNS: f64 = 1.19459e-5;
    const ZES: f64 = 0.01675;
    const ZNL: f64 = 1.5835218e-4;
    const ZEL: f64 = 0.05490;
    let zero = F64x::splat(0.0);
    let pi = F64x::splat(PI);

    let nm = F64x(m.nm);
    let err2 = nm.le(zero);
    // pow(xke / nm, 2/3): the record's value where the resonance left nm as it
    // is (every non-resonant record), else Newton's cube root of (xke / nm)²
    // from it, to within an ulp or two (nm moves by well under 1 %; lanes that
    // do not settle take the scalar pow).
    let am0 = c.am0;
    let same = !(nm.lt(c.no_unkozai) | nm.gt(c.no_unkozai)) & nm.is_finite();
    let am0 = if same.all() {
        am0
    } else {
        let x = c.xke / nm;
        let x2 = x * x;
        let mut y = am0;
        let mut open = Mask::splat(true);
        for _ in 0..12 {
            let y2 = y * y;
            let d = (y2 * y - x2) / (3.0 * y2);
            y = y - d;
            open = d.abs().gt(y * 4.0e-16);
            if !open.any() {
                break;
            }
        }
        // Lanes still moving (nm far from no_unkozai) take the scalar pow.
        if open.any() {
            for i in 0..LANES {
                if open.test(i) {
                    y.0[i] = x.0[i].powf(X2O3);
                }
            }
        }
        same.select(am0, y)
    };
    let am = am0 * F64x(m.tempa) * F64x(m.tempa);
    let nm = c.xke / (am * am.sqrt());
    let em = F64x(m.em) - F64x(m.tempe);
    let err1 = em.ge(F64x::splat(1.0)) | em.lt(F64x::splat(-0.001));
    let em = em.lt(F64x::splat(1.0e-6)).select(F64x::splat(1.0e-6), em);
    let mm = F64x(m.mm) + c.no_unkozai * F64x(m.templ);
    let argpm = F64x(m.argpm);
    let nodem = F64x(m.nodem);
    let xlm = mm + argpm + nodem;

    let nodem = fmod_twopi(nodem);
    let argpm = fmod_twopi(argpm);
    let xlm = fmod_twopi(xlm);
    let mm = fmod_twopi(xlm - argpm - nodem);

    // -------------------- add lunar-solar periodics (dpper) --------------
    let mut ep = em;
    let mut inclp = F64x(m.inclm);
    let mut nodep = nodem;
    let mut argpp = argpm;
    let mut mp = mm;

    let zm = c.zmos + ZNS * t;
    let (sin_zm, _) = sincos(zm);
    let zf = zm + 2.0 * ZES * sin_zm;
    let (sinzf, coszf) = sincos(zf);
    let f2 = 0.5 * sinzf * sinzf - 0.25;
    let f3 = -0.5 * sinzf * coszf;
    let ses = c.se2 * f2 + c.se3 * f3;
    let sis = c.si2 * f2 + c.si3 * f3;
    let sls = c.sl2 * f2 + c.sl3 * f3 + c.sl4 * sinzf;
    let sghs = c.sgh2 * f2 + c.sgh3 * f3 + c.sgh4 * sinzf;
    let shs = c.sh2 * f2 + c.sh3 * f3;
    let zm = c.zmol + ZNL * t;
    let (sin_zm, _) = sincos(zm);
    let zf = zm + 2.0 * ZEL * sin_zm;
    let (sinzf, coszf) = sincos(zf);
    let f2 = 0.5 * sinzf * sinzf - 0.25;
    let f3 = -0.5 * sinzf * coszf;
    let sel = c.ee2 * f2 + c.e3 * f3;
    let sil = c.xi2 * f2 + c.xi3 * f3;
    let sll = c.xl2 * f2 + c.xl3 * f3 + c.xl4 * sinzf;
    let sghl = c.xgh2 * f2 + c.xgh3 * f3 + c.xgh4 * sinzf;
    let shll = c.xh2 * f2 + c.xh3 * f3;
    let pe = ses + sel;
    let pinc = sis + sil;
    let pl = sls + sll;
    let pgh = sghs + sghl;
    let ph = shs + shll;

    let pe = pe - c.peo;
    let pinc = pinc - c.pinco;
    let pl = pl - c.plo;
    let pgh = pgh - c.pgho;
    let ph = ph - c.pho;
    inclp = inclp + pinc;
    ep = ep + pe;
    let (sinip, cosip) = sincos(inclp);

    // ----------------- apply periodics directly ------------
    let direct = inclp.ge(F64x::splat(0.2));
    let ph_d = ph / sinip;
    let pgh_d = pgh - cosip * ph_d;
    let argpp_d = argpp + pgh_d;
    let nodep_d = nodep + ph_d;
    let mp_d = mp + pl;
    if direct.all() {
        argpp = argpp_d;
        nodep = nodep_d;
        mp = mp_d;
    } else {
        // ---- apply periodics with lyddane modification ----
        let (sinop, cosop) = sincos(nodep);
        let alfdp = sinip * sinop;
        let betdp = sinip * cosop;
        let dalf = ph * cosop + pinc * cosip * sinop;
        let dbet = -ph * sinop + pinc * cosip * cosop;
        let alfdp = alfdp + dalf;
        let betdp = betdp + dbet;
        let mut nodep_l = fmod_twopi(nodep);
        if c.afspc {
            nodep_l = nodep_l.lt(zero).select(nodep_l + TWOPI, nodep_l);
        }
        let xls = mp + argpp + cosip * nodep_l;
        let dls = pl + pgh - pinc * nodep_l * sinip;
        let xls = xls + dls;
        let xnoh = nodep_l;
        let mut nodep_l = atan2(alfdp, betdp);
        if c.afspc {
            nodep_l = nodep_l.lt(zero).select(nodep_l + TWOPI, nodep_l);
        }
        let wrap = (xnoh - nodep_l).abs().gt(pi);
        let shifted = nodep_l.lt(xnoh).select(nodep_l + TWOPI, nodep_l - TWOPI);
        let nodep_l = wrap.select(shifted, nodep_l);
        let mp_l = mp + pl;
        let argpp_l = xls - mp_l - cosip * nodep_l;
        argpp = direct.select(argpp_d, argpp_l);
        nodep = direct.select(nodep_d, nodep_l);
        mp = direct.select(mp_d, mp_l);
    }

    let flip = inclp.lt(zero);
    let xincp = flip.select(-inclp, inclp);
    let nodep = flip.select(nodep + PI, nodep);
    let argpp = flip.select(argpp - PI, argpp);
    let err3 = ep.lt(zero) | ep.gt(F64x::splat(1.0));

    // -------------------- long period periodics ------------------
    // sin is odd and cos even: the flipped inclination reuses dpper's values.
    let sinip = flip.select(-sinip, sinip);
    let aycof = -0.5 * c.j3oj2 * sinip;
    // sgp4fix for divide by zero for xincp = 180 deg
    let den = (cosip + 1.0)
        .abs()
        .gt(F64x::splat(1.5e-12))
        .select(1.0 + cosip, F64x::splat(1.5e-12));
    let xlcof = -0.25 * c.j3oj2 * sinip * (3.0 + 5.0 * cosip) / den;
    let (sin_argpp, cos_argpp) = sincos(argpp);
    let axnl = ep * cos_argpp;
    let temp = 1.0 / (am * (1.0 - ep * ep));
    let aynl = ep * sin_argpp + temp * aycof;
    let xl = mp + argpp + nodep + temp * xlcof * axnl;

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
    let cosisq = cosip * cosip;
    let con41 = 3.0 * cosisq - 1.0;
    let x1mth2 = 1.0 - cosisq;
    let x7thm1 = 7.0 * cosisq - 1.0;
    let mrt = rl * (1.0 - 1.5 * temp2 * betal * con41) + 0.5 * temp1 * x1mth2 * cos2u;
    let su = su - 0.25 * temp2 * x7thm1 * sin2u;
    let xnode = nodep + 1.5 * temp2 * cosip * sin2u;
    let xinc = xincp + 1.5 * temp2 * cosip * sinip * cos2u;
    let mvt = rdotl - nm * temp1 * x1mth2 * sin2u / c.xke;
    let rvdot = rvdotl + nm * temp1 * (x1mth2 * cos2u + 1.5 * con41) / c.xke;

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
    let vkmpersec = c.radiusearthkm * c.xke / 60.0;
    let r = [
        (mrt * ux) * c.radiusearthkm,
        (mrt * uy) * c.radiusearthkm,
        (mrt * uz) * c.radiusearthkm,
    ];
    let v = [
        (mvt * ux + rvdot * vx) * vkmpersec,
        (mvt * uy + rvdot * vy) * vkmpersec,
        (mvt * uz + rvdot * vz) * vkmpersec,
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
        } else if err3.test(i) {
            3
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
