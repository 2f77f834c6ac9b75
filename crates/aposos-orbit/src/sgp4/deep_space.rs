//! Deep-space (SDP4) part of SGP4: lunar-solar terms (`dscom`), their periodics
//! (`dpper`), resonance set-up (`dsinit`) and the resonance integrator (`dspace`),
//! after Vallado's C++ (2020), in his arithmetic order.

use std::f64::consts::PI;

use super::{OpsMode, ResonanceState, Sgp4};

const TWOPI: f64 = 2.0 * PI;
/// Earth rotation rate, rad/min (7.29211514668855e-5 rad/s).
const RPTIM: f64 = 4.375_269_088_011_3e-3; // Vallado: 4.37526908801129966e-3 (same double)

/// Outputs of `dscom` that the record or `dsinit` needs.
pub(crate) struct Dscom {
    pub(crate) sinim: f64,
    pub(crate) cosim: f64,
    pub(crate) e3: f64,
    pub(crate) ee2: f64,
    pub(crate) em: f64,
    pub(crate) emsq: f64,
    pub(crate) peo: f64,
    pub(crate) pgho: f64,
    pub(crate) pho: f64,
    pub(crate) pinco: f64,
    pub(crate) plo: f64,
    pub(crate) se2: f64,
    pub(crate) se3: f64,
    pub(crate) sgh2: f64,
    pub(crate) sgh3: f64,
    pub(crate) sgh4: f64,
    pub(crate) sh2: f64,
    pub(crate) sh3: f64,
    pub(crate) si2: f64,
    pub(crate) si3: f64,
    pub(crate) sl2: f64,
    pub(crate) sl3: f64,
    pub(crate) sl4: f64,
    pub(crate) s1: f64,
    pub(crate) s2: f64,
    pub(crate) s3: f64,
    pub(crate) s4: f64,
    pub(crate) s5: f64,
    pub(crate) ss1: f64,
    pub(crate) ss2: f64,
    pub(crate) ss3: f64,
    pub(crate) ss4: f64,
    pub(crate) ss5: f64,
    pub(crate) sz1: f64,
    pub(crate) sz3: f64,
    pub(crate) sz11: f64,
    pub(crate) sz13: f64,
    pub(crate) sz21: f64,
    pub(crate) sz23: f64,
    pub(crate) sz31: f64,
    pub(crate) sz33: f64,
    pub(crate) xgh2: f64,
    pub(crate) xgh3: f64,
    pub(crate) xgh4: f64,
    pub(crate) xh2: f64,
    pub(crate) xh3: f64,
    pub(crate) xi2: f64,
    pub(crate) xi3: f64,
    pub(crate) xl2: f64,
    pub(crate) xl3: f64,
    pub(crate) xl4: f64,
    pub(crate) nm: f64,
    pub(crate) z1: f64,
    pub(crate) z3: f64,
    pub(crate) z11: f64,
    pub(crate) z13: f64,
    pub(crate) z21: f64,
    pub(crate) z23: f64,
    pub(crate) z31: f64,
    pub(crate) z33: f64,
    pub(crate) zmol: f64,
    pub(crate) zmos: f64,
}

/// One pass of the solar or lunar loop of `dscom`.
struct ThirdBody {
    s1: f64,
    s2: f64,
    s3: f64,
    s4: f64,
    s5: f64,
    s6: f64,
    s7: f64,
    z1: f64,
    z2: f64,
    z3: f64,
    z11: f64,
    z12: f64,
    z13: f64,
    z21: f64,
    z22: f64,
    z23: f64,
    z31: f64,
    z32: f64,
    z33: f64,
}

#[allow(clippy::too_many_arguments)]
fn third_body_terms(
    zcosg: f64,
    zsing: f64,
    zcosi: f64,
    zsini: f64,
    zcosh: f64,
    zsinh: f64,
    cc: f64,
    xnoi: f64,
    cosim: f64,
    sinim: f64,
    cosomm: f64,
    sinomm: f64,
    em: f64,
    emsq: f64,
    betasq: f64,
    rtemsq: f64,
) -> ThirdBody {
    let a1 = zcosg * zcosh + zsing * zcosi * zsinh;
    let a3 = -zsing * zcosh + zcosg * zcosi * zsinh;
    let a7 = -zcosg * zsinh + zsing * zcosi * zcosh;
    let a8 = zsing * zsini;
    let a9 = zsing * zsinh + zcosg * zcosi * zcosh;
    let a10 = zcosg * zsini;
    let a2 = cosim * a7 + sinim * a8;
    let a4 = cosim * a9 + sinim * a10;
    let a5 = -sinim * a7 + cosim * a8;
    let a6 = -sinim * a9 + cosim * a10;

    let x1 = a1 * cosomm + a2 * sinomm;
    let x2 = a3 * cosomm + a4 * sinomm;
    let x3 = -a1 * sinomm + a2 * cosomm;
    let x4 = -a3 * sinomm + a4 * cosomm;
    let x5 = a5 * sinomm;
    let x6 = a6 * sinomm;
    let x7 = a5 * cosomm;
    let x8 = a6 * cosomm;

    let z31 = 12.0 * x1 * x1 - 3.0 * x3 * x3;
    let z32 = 24.0 * x1 * x2 - 6.0 * x3 * x4;
    let z33 = 12.0 * x2 * x2 - 3.0 * x4 * x4;
    let mut z1 = 3.0 * (a1 * a1 + a2 * a2) + z31 * emsq;
    let mut z2 = 6.0 * (a1 * a3 + a2 * a4) + z32 * emsq;
    let mut z3 = 3.0 * (a3 * a3 + a4 * a4) + z33 * emsq;
    let z11 = -6.0 * a1 * a5 + emsq * (-24.0 * x1 * x7 - 6.0 * x3 * x5);
    let z12 = -6.0 * (a1 * a6 + a3 * a5)
        + emsq * (-24.0 * (x2 * x7 + x1 * x8) - 6.0 * (x3 * x6 + x4 * x5));
    let z13 = -6.0 * a3 * a6 + emsq * (-24.0 * x2 * x8 - 6.0 * x4 * x6);
    let z21 = 6.0 * a2 * a5 + emsq * (24.0 * x1 * x5 - 6.0 * x3 * x7);
    let z22 =
        6.0 * (a4 * a5 + a2 * a6) + emsq * (24.0 * (x2 * x5 + x1 * x6) - 6.0 * (x4 * x7 + x3 * x8));
    let z23 = 6.0 * a4 * a6 + emsq * (24.0 * x2 * x6 - 6.0 * x4 * x8);
    z1 = z1 + z1 + betasq * z31;
    z2 = z2 + z2 + betasq * z32;
    z3 = z3 + z3 + betasq * z33;
    let s3 = cc * xnoi;
    let s2 = -0.5 * s3 / rtemsq;
    let s4 = s3 * rtemsq;
    let s1 = -15.0 * em * s4;
    let s5 = x1 * x3 + x2 * x4;
    let s6 = x2 * x3 + x1 * x4;
    let s7 = x2 * x4 - x1 * x3;
    ThirdBody {
        s1,
        s2,
        s3,
        s4,
        s5,
        s6,
        s7,
        z1,
        z2,
        z3,
        z11,
        z12,
        z13,
        z21,
        z22,
        z23,
        z31,
        z32,
        z33,
    }
}

/// Vallado's `dscom`: lunar and solar terms of deep-space initialisation (`epoch` in days from 0 Jan 1950).
pub(crate) fn dscom(
    epoch: f64,
    ep: f64,
    argpp: f64,
    tc: f64,
    inclp: f64,
    nodep: f64,
    np: f64,
) -> Dscom {
    const ZES: f64 = 0.01675;
    const ZEL: f64 = 0.05490;
    const C1SS: f64 = 2.9864797e-6;
    const C1L: f64 = 4.7968065e-7;
    const ZSINIS: f64 = 0.39785416;
    const ZCOSIS: f64 = 0.91744867;
    const ZCOSGS: f64 = 0.1945905;
    const ZSINGS: f64 = -0.98088458;

    let nm = np;
    let em = ep;
    let snodm = nodep.sin();
    let cnodm = nodep.cos();
    let sinomm = argpp.sin();
    let cosomm = argpp.cos();
    let sinim = inclp.sin();
    let cosim = inclp.cos();
    let emsq = em * em;
    let betasq = 1.0 - emsq;
    let rtemsq = betasq.sqrt();

    // ----------------- initialize lunar solar terms ---------------
    let peo = 0.0;
    let pinco = 0.0;
    let plo = 0.0;
    let pgho = 0.0;
    let pho = 0.0;
    let day = epoch + 18261.5 + tc / 1440.0;
    let xnodce = (4.5236020 - 9.2422029e-4 * day) % TWOPI;
    let stem = xnodce.sin();
    let ctem = xnodce.cos();
    let zcosil = 0.91375164 - 0.03568096 * ctem;
    let zsinil = (1.0 - zcosil * zcosil).sqrt();
    let zsinhl = 0.089683511 * stem / zsinil;
    let zcoshl = (1.0 - zsinhl * zsinhl).sqrt();
    let gam = 5.8351514 + 0.0019443680 * day;
    let mut zx = 0.39785416 * stem / zsinil;
    let zy = zcoshl * ctem + 0.91744867 * zsinhl * stem;
    zx = zx.atan2(zy);
    zx = gam + zx - xnodce;
    let zcosgl = zx.cos();
    let zsingl = zx.sin();

    // ------------------------- do solar terms ---------------------
    let xnoi = 1.0 / nm;
    let sol = third_body_terms(
        ZCOSGS, ZSINGS, ZCOSIS, ZSINIS, cnodm, snodm, C1SS, xnoi, cosim, sinim, cosomm, sinomm, em,
        emsq, betasq, rtemsq,
    );
    // ------------------------- do lunar terms ---------------------
    let zcosh = zcoshl * cnodm + zsinhl * snodm;
    let zsinh = snodm * zcoshl - cnodm * zsinhl;
    let lun = third_body_terms(
        zcosgl, zsingl, zcosil, zsinil, zcosh, zsinh, C1L, xnoi, cosim, sinim, cosomm, sinomm, em,
        emsq, betasq, rtemsq,
    );

    let zmol = (4.7199672 + 0.22997150 * day - gam) % TWOPI;
    let zmos = (6.2565837 + 0.017201977 * day) % TWOPI;

    let (ss1, ss2, ss3, ss4) = (sol.s1, sol.s2, sol.s3, sol.s4);
    let (s1, s2, s3, s4) = (lun.s1, lun.s2, lun.s3, lun.s4);
    Dscom {
        sinim,
        cosim,
        // ------------------------ do lunar terms ----------------------
        e3: 2.0 * s1 * lun.s7,
        ee2: 2.0 * s1 * lun.s6,
        em,
        emsq,
        peo,
        pgho,
        pho,
        pinco,
        plo,
        // ------------------------ do solar terms ----------------------
        se2: 2.0 * ss1 * sol.s6,
        se3: 2.0 * ss1 * sol.s7,
        sgh2: 2.0 * ss4 * sol.z32,
        sgh3: 2.0 * ss4 * (sol.z33 - sol.z31),
        sgh4: -18.0 * ss4 * ZES,
        sh2: -2.0 * ss2 * sol.z22,
        sh3: -2.0 * ss2 * (sol.z23 - sol.z21),
        si2: 2.0 * ss2 * sol.z12,
        si3: 2.0 * ss2 * (sol.z13 - sol.z11),
        sl2: -2.0 * ss3 * sol.z2,
        sl3: -2.0 * ss3 * (sol.z3 - sol.z1),
        sl4: -2.0 * ss3 * (-21.0 - 9.0 * emsq) * ZES,
        s1,
        s2,
        s3,
        s4,
        s5: lun.s5,
        ss1,
        ss2,
        ss3,
        ss4,
        ss5: sol.s5,
        sz1: sol.z1,
        sz3: sol.z3,
        sz11: sol.z11,
        sz13: sol.z13,
        sz21: sol.z21,
        sz23: sol.z23,
        sz31: sol.z31,
        sz33: sol.z33,
        xgh2: 2.0 * s4 * lun.z32,
        xgh3: 2.0 * s4 * (lun.z33 - lun.z31),
        xgh4: -18.0 * s4 * ZEL,
        xh2: -2.0 * s2 * lun.z22,
        xh3: -2.0 * s2 * (lun.z23 - lun.z21),
        xi2: 2.0 * s2 * lun.z12,
        xi3: 2.0 * s2 * (lun.z13 - lun.z11),
        xl2: -2.0 * s3 * lun.z2,
        xl3: -2.0 * s3 * (lun.z3 - lun.z1),
        xl4: -2.0 * s3 * (-21.0 - 9.0 * emsq) * ZEL,
        nm,
        z1: lun.z1,
        z3: lun.z3,
        z11: lun.z11,
        z13: lun.z13,
        z21: lun.z21,
        z23: lun.z23,
        z31: lun.z31,
        z33: lun.z33,
        zmol,
        zmos,
    }
}

/// Mean elements after lunar-solar periodics (radians, dimensionless `ep`).
pub(crate) struct Periodics {
    pub(crate) ep: f64,
    pub(crate) inclp: f64,
    pub(crate) nodep: f64,
    pub(crate) argpp: f64,
    pub(crate) mp: f64,
}

/// Vallado's `dpper` with `init = 'n'`: adds lunar-solar periodics at `t` minutes from epoch.
///
/// (With `init = 'y'`, as `sgp4init` calls it, it changes nothing and is not ported.)
pub(crate) fn dpper(rec: &Sgp4, t: f64, p: Periodics) -> Periodics {
    const ZNS: f64 = 1.19459e-5;
    const ZES: f64 = 0.01675;
    const ZNL: f64 = 1.5835218e-4;
    const ZEL: f64 = 0.05490;
    let Periodics {
        mut ep,
        mut inclp,
        mut nodep,
        mut argpp,
        mut mp,
    } = p;

    // --------------- calculate time varying periodics -----------
    let mut zm = rec.zmos + ZNS * t;
    let mut zf = zm + 2.0 * ZES * zm.sin();
    let mut sinzf = zf.sin();
    let mut f2 = 0.5 * sinzf * sinzf - 0.25;
    let mut f3 = -0.5 * sinzf * zf.cos();
    let ses = rec.se2 * f2 + rec.se3 * f3;
    let sis = rec.si2 * f2 + rec.si3 * f3;
    let sls = rec.sl2 * f2 + rec.sl3 * f3 + rec.sl4 * sinzf;
    let sghs = rec.sgh2 * f2 + rec.sgh3 * f3 + rec.sgh4 * sinzf;
    let shs = rec.sh2 * f2 + rec.sh3 * f3;
    zm = rec.zmol + ZNL * t;
    zf = zm + 2.0 * ZEL * zm.sin();
    sinzf = zf.sin();
    f2 = 0.5 * sinzf * sinzf - 0.25;
    f3 = -0.5 * sinzf * zf.cos();
    let sel = rec.ee2 * f2 + rec.e3 * f3;
    let sil = rec.xi2 * f2 + rec.xi3 * f3;
    let sll = rec.xl2 * f2 + rec.xl3 * f3 + rec.xl4 * sinzf;
    let sghl = rec.xgh2 * f2 + rec.xgh3 * f3 + rec.xgh4 * sinzf;
    let shll = rec.xh2 * f2 + rec.xh3 * f3;
    let mut pe = ses + sel;
    let mut pinc = sis + sil;
    let mut pl = sls + sll;
    let mut pgh = sghs + sghl;
    let mut ph = shs + shll;

    pe -= rec.peo;
    pinc -= rec.pinco;
    pl -= rec.plo;
    pgh -= rec.pgho;
    ph -= rec.pho;
    inclp += pinc;
    ep += pe;
    let sinip = inclp.sin();
    let cosip = inclp.cos();

    // ----------------- apply periodics directly ------------
    // sgp4fix: gsfc version with the perturbed inclination
    if inclp >= 0.2 {
        ph /= sinip;
        pgh -= cosip * ph;
        argpp += pgh;
        nodep += ph;
        mp += pl;
    } else {
        // ---- apply periodics with lyddane modification ----
        let sinop = nodep.sin();
        let cosop = nodep.cos();
        let mut alfdp = sinip * sinop;
        let mut betdp = sinip * cosop;
        let dalf = ph * cosop + pinc * cosip * sinop;
        let dbet = -ph * sinop + pinc * cosip * cosop;
        alfdp += dalf;
        betdp += dbet;
        nodep %= TWOPI;
        // sgp4fix for afspc written intrinsic functions
        if nodep < 0.0 && rec.operationmode == OpsMode::Afspc {
            nodep += TWOPI;
        }
        let mut xls = mp + argpp + cosip * nodep;
        let dls = pl + pgh - pinc * nodep * sinip;
        xls += dls;
        let xnoh = nodep;
        nodep = alfdp.atan2(betdp);
        if nodep < 0.0 && rec.operationmode == OpsMode::Afspc {
            nodep += TWOPI;
        }
        if (xnoh - nodep).abs() > PI {
            if nodep < xnoh {
                nodep += TWOPI;
            } else {
                nodep -= TWOPI;
            }
        }
        mp += pl;
        argpp = xls - mp - cosip * nodep;
    }
    Periodics {
        ep,
        inclp,
        nodep,
        argpp,
        mp,
    }
}

/// Vallado's `dsinit`: deep-space secular rates and resonance coefficients, written into the record.
///
/// `tc` is 0 at initialisation; the mean elements it advances are locals of
/// `sgp4init` that are not used afterwards, so they are not returned.
pub(crate) fn dsinit(rec: &mut Sgp4, ds: &Dscom, tc: f64, xpidot: f64, eccsq: f64, inclm: f64) {
    const Q22: f64 = 1.7891679e-6;
    const Q31: f64 = 2.1460748e-6;
    const Q33: f64 = 2.2123015e-7;
    const ROOT22: f64 = 1.7891679e-6;
    const ROOT44: f64 = 7.3636953e-9;
    const ROOT54: f64 = 2.1765803e-9;
    const ROOT32: f64 = 3.7393792e-7;
    const ROOT52: f64 = 1.1428639e-7;
    const ZNL: f64 = 1.5835218e-4;
    const ZNS: f64 = 1.19459e-5;
    let x2o3 = 2.0 / 3.0;

    let cosim = ds.cosim;
    let sinim = ds.sinim;
    let emsq = ds.emsq;
    let nm = ds.nm;
    let (s1, s2, s3, s4, s5) = (ds.s1, ds.s2, ds.s3, ds.s4, ds.s5);
    let (ss1, ss2, ss3, ss4, ss5) = (ds.ss1, ds.ss2, ds.ss3, ds.ss4, ds.ss5);

    // -------------------- deep space initialization ------------
    rec.irez = 0;
    if nm < 0.0052359877 && nm > 0.0034906585 {
        rec.irez = 1;
    }
    if (8.26e-3..=9.24e-3).contains(&nm) && ds.em >= 0.5 {
        rec.irez = 2;
    }

    // ------------------------ do solar terms -------------------
    let ses = ss1 * ZNS * ss5;
    let sis = ss2 * ZNS * (ds.sz11 + ds.sz13);
    let sls = -ZNS * ss3 * (ds.sz1 + ds.sz3 - 14.0 - 6.0 * emsq);
    let sghs = ss4 * ZNS * (ds.sz31 + ds.sz33 - 6.0);
    let mut shs = -ZNS * ss2 * (ds.sz21 + ds.sz23);
    // sgp4fix for 180 deg incl
    if !(5.2359877e-2..=PI - 5.2359877e-2).contains(&inclm) {
        shs = 0.0;
    }
    if sinim != 0.0 {
        shs /= sinim;
    }
    let sgs = sghs - cosim * shs;

    // ------------------------- do lunar terms ------------------
    rec.dedt = ses + s1 * ZNL * s5;
    rec.didt = sis + s2 * ZNL * (ds.z11 + ds.z13);
    rec.dmdt = sls - ZNL * s3 * (ds.z1 + ds.z3 - 14.0 - 6.0 * emsq);
    let sghl = s4 * ZNL * (ds.z31 + ds.z33 - 6.0);
    let mut shll = -ZNL * s2 * (ds.z21 + ds.z23);
    // sgp4fix for 180 deg incl
    if !(5.2359877e-2..=PI - 5.2359877e-2).contains(&inclm) {
        shll = 0.0;
    }
    rec.domdt = sgs + sghl;
    rec.dnodt = shs;
    if sinim != 0.0 {
        rec.domdt -= cosim / sinim * shll;
        rec.dnodt += shll / sinim;
    }

    // ----------- calculate deep space resonance effects --------
    let theta = (rec.gsto + tc * RPTIM) % TWOPI;
    // (em, inclm, argpm, nodem and mm advance here by dxdt * t with t = 0; the caller does not use them)

    // -------------- initialize the resonance terms -------------
    if rec.irez != 0 {
        let aonv = (nm / rec.xke).powf(x2o3);

        // ---------- geopotential resonance for 12 hour orbits ------
        if rec.irez == 2 {
            let cosisq = cosim * cosim;
            // Vallado swaps in the epoch eccentricity here and restores em, emsq after.
            let em = rec.ecco;
            let emsq = eccsq;
            let eoc = em * emsq;
            let g201 = -0.306 - (em - 0.64) * 0.440;

            let (g211, g310, g322, g410, g422, g520);
            if em <= 0.65 {
                g211 = 3.616 - 13.2470 * em + 16.2900 * emsq;
                g310 = -19.302 + 117.3900 * em - 228.4190 * emsq + 156.5910 * eoc;
                g322 = -18.9068 + 109.7927 * em - 214.6334 * emsq + 146.5816 * eoc;
                g410 = -41.122 + 242.6940 * em - 471.0940 * emsq + 313.9530 * eoc;
                g422 = -146.407 + 841.8800 * em - 1629.014 * emsq + 1083.4350 * eoc;
                g520 = -532.114 + 3017.977 * em - 5740.032 * emsq + 3708.2760 * eoc;
            } else {
                g211 = -72.099 + 331.819 * em - 508.738 * emsq + 266.724 * eoc;
                g310 = -346.844 + 1582.851 * em - 2415.925 * emsq + 1246.113 * eoc;
                g322 = -342.585 + 1554.908 * em - 2366.899 * emsq + 1215.972 * eoc;
                g410 = -1052.797 + 4758.686 * em - 7193.992 * emsq + 3651.957 * eoc;
                g422 = -3581.690 + 16178.110 * em - 24462.770 * emsq + 12422.520 * eoc;
                if em > 0.715 {
                    g520 = -5149.66 + 29936.92 * em - 54087.36 * emsq + 31324.56 * eoc;
                } else {
                    g520 = 1464.74 - 4664.75 * em + 3763.64 * emsq;
                }
            }
            let (g533, g521, g532);
            if em < 0.7 {
                g533 = -919.22770 + 4988.6100 * em - 9064.7700 * emsq + 5542.21 * eoc;
                g521 = -822.71072 + 4568.6173 * em - 8491.4146 * emsq + 5337.524 * eoc;
                g532 = -853.66600 + 4690.2500 * em - 8624.7700 * emsq + 5341.4 * eoc;
            } else {
                g533 = -37995.780 + 161616.52 * em - 229838.20 * emsq + 109377.94 * eoc;
                g521 = -51752.104 + 218913.95 * em - 309468.16 * emsq + 146349.42 * eoc;
                g532 = -40023.880 + 170470.89 * em - 242699.48 * emsq + 115605.82 * eoc;
            }

            let sini2 = sinim * sinim;
            let f220 = 0.75 * (1.0 + 2.0 * cosim + cosisq);
            let f221 = 1.5 * sini2;
            let f321 = 1.875 * sinim * (1.0 - 2.0 * cosim - 3.0 * cosisq);
            let f322 = -1.875 * sinim * (1.0 + 2.0 * cosim - 3.0 * cosisq);
            let f441 = 35.0 * sini2 * f220;
            let f442 = 39.3750 * sini2 * sini2;
            let f522 = 9.84375
                * sinim
                * (sini2 * (1.0 - 2.0 * cosim - 5.0 * cosisq)
                    + 0.33333333 * (-2.0 + 4.0 * cosim + 6.0 * cosisq));
            let f523 = sinim
                * (4.92187512 * sini2 * (-2.0 - 4.0 * cosim + 10.0 * cosisq)
                    + 6.56250012 * (1.0 + 2.0 * cosim - 3.0 * cosisq));
            let f542 = 29.53125
                * sinim
                * (2.0 - 8.0 * cosim + cosisq * (-12.0 + 8.0 * cosim + 10.0 * cosisq));
            let f543 = 29.53125
                * sinim
                * (-2.0 - 8.0 * cosim + cosisq * (12.0 + 8.0 * cosim - 10.0 * cosisq));
            let xno2 = nm * nm;
            let ainv2 = aonv * aonv;
            let mut temp1 = 3.0 * xno2 * ainv2;
            let mut temp = temp1 * ROOT22;
            rec.d2201 = temp * f220 * g201;
            rec.d2211 = temp * f221 * g211;
            temp1 *= aonv;
            temp = temp1 * ROOT32;
            rec.d3210 = temp * f321 * g310;
            rec.d3222 = temp * f322 * g322;
            temp1 *= aonv;
            temp = 2.0 * temp1 * ROOT44;
            rec.d4410 = temp * f441 * g410;
            rec.d4422 = temp * f442 * g422;
            temp1 *= aonv;
            temp = temp1 * ROOT52;
            rec.d5220 = temp * f522 * g520;
            rec.d5232 = temp * f523 * g532;
            temp = 2.0 * temp1 * ROOT54;
            rec.d5421 = temp * f542 * g521;
            rec.d5433 = temp * f543 * g533;
            rec.xlamo = (rec.mo + rec.nodeo + rec.nodeo - theta - theta) % TWOPI;
            rec.xfact =
                rec.mdot + rec.dmdt + 2.0 * (rec.nodedot + rec.dnodt - RPTIM) - rec.no_unkozai;
        }

        // ---------------- synchronous resonance terms --------------
        if rec.irez == 1 {
            let g200 = 1.0 + emsq * (-2.5 + 0.8125 * emsq);
            let g310 = 1.0 + 2.0 * emsq;
            let g300 = 1.0 + emsq * (-6.0 + 6.60937 * emsq);
            let f220 = 0.75 * (1.0 + cosim) * (1.0 + cosim);
            let f311 = 0.9375 * sinim * sinim * (1.0 + 3.0 * cosim) - 0.75 * (1.0 + cosim);
            let mut f330 = 1.0 + cosim;
            f330 = 1.875 * f330 * f330 * f330;
            let mut del1 = 3.0 * nm * nm * aonv * aonv;
            rec.del2 = 2.0 * del1 * f220 * g200 * Q22;
            rec.del3 = 3.0 * del1 * f330 * g300 * Q33 * aonv;
            del1 = del1 * f311 * g310 * Q31 * aonv;
            rec.del1 = del1;
            rec.xlamo = (rec.mo + rec.nodeo + rec.argpo - theta) % TWOPI;
            rec.xfact =
                rec.mdot + xpidot - RPTIM + rec.dmdt + rec.domdt + rec.dnodt - rec.no_unkozai;
        }
        // The integrator starts from xli = xlamo, xni = no_unkozai, atime = 0 (`ResonanceState::default`).
    }
}

/// Mean elements after deep-space secular and resonance effects (radians, rad/min).
pub(crate) struct Secular {
    pub(crate) em: f64,
    pub(crate) argpm: f64,
    pub(crate) inclm: f64,
    pub(crate) mm: f64,
    pub(crate) nodem: f64,
    pub(crate) nm: f64,
}

/// Rates of the resonance integrator (Vallado's `xndt`, `xldot`, `xnddt`) at one of its grid points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ResonanceDots {
    xndt: f64,
    xldot: f64,
    xnddt: f64,
}

/// Vallado's "dot terms" of the resonance at (`atime`, `xli`, `xni`), in his arithmetic order.
#[inline]
fn resonance_dots(rec: &Sgp4, atime: f64, xli: f64, xni: f64) -> ResonanceDots {
    const FASX2: f64 = 0.13130908;
    const FASX4: f64 = 2.8843198;
    const FASX6: f64 = 0.37448087;
    const G22: f64 = 5.7686396;
    const G32: f64 = 0.95240898;
    const G44: f64 = 1.8014998;
    const G52: f64 = 1.0508330;
    const G54: f64 = 4.4108898;
    let (xndt, xldot, mut xnddt);
    if rec.irez != 2 {
        // ----------- near - synchronous resonance terms -------
        xndt = rec.del1 * (xli - FASX2).sin()
            + rec.del2 * (2.0 * (xli - FASX4)).sin()
            + rec.del3 * (3.0 * (xli - FASX6)).sin();
        xldot = xni + rec.xfact;
        xnddt = rec.del1 * (xli - FASX2).cos()
            + 2.0 * rec.del2 * (2.0 * (xli - FASX4)).cos()
            + 3.0 * rec.del3 * (3.0 * (xli - FASX6)).cos();
        xnddt *= xldot;
    } else {
        // --------- near - half-day resonance terms --------
        let xomi = rec.argpo + rec.argpdot * atime;
        let x2omi = xomi + xomi;
        let x2li = xli + xli;
        xndt = rec.d2201 * (x2omi + xli - G22).sin()
            + rec.d2211 * (xli - G22).sin()
            + rec.d3210 * (xomi + xli - G32).sin()
            + rec.d3222 * (-xomi + xli - G32).sin()
            + rec.d4410 * (x2omi + x2li - G44).sin()
            + rec.d4422 * (x2li - G44).sin()
            + rec.d5220 * (xomi + xli - G52).sin()
            + rec.d5232 * (-xomi + xli - G52).sin()
            + rec.d5421 * (xomi + x2li - G54).sin()
            + rec.d5433 * (-xomi + x2li - G54).sin();
        xldot = xni + rec.xfact;
        xnddt = rec.d2201 * (x2omi + xli - G22).cos()
            + rec.d2211 * (xli - G22).cos()
            + rec.d3210 * (xomi + xli - G32).cos()
            + rec.d3222 * (-xomi + xli - G32).cos()
            + rec.d5220 * (xomi + xli - G52).cos()
            + rec.d5232 * (-xomi + xli - G52).cos()
            + 2.0
                * (rec.d4410 * (x2omi + x2li - G44).cos()
                    + rec.d4422 * (x2li - G44).cos()
                    + rec.d5421 * (xomi + x2li - G54).cos()
                    + rec.d5433 * (-xomi + x2li - G54).cos());
        xnddt *= xldot;
    }
    ResonanceDots { xndt, xldot, xnddt }
}

/// Vallado's `dspace`: deep-space secular effects and resonance integration to `t` minutes.
///
/// The Euler-Maclaurin integrator continues from `state` (Vallado's `atime`,
/// `xli`, `xni`, kept in his `satrec`) and restarts from epoch under his rule:
/// `atime == 0`, `t` on the other side of epoch, or `|t| < |atime|`. Its steps
/// lie on the fixed ±720-min grid from epoch, so continuing gives the same bits
/// as restarting. The rates at the state's grid point are cached with it
/// (recomputing them would give the same bits).
pub(crate) fn dspace(rec: &Sgp4, t: f64, sec: Secular, state: &mut ResonanceState) -> Secular {
    const STEPP: f64 = 720.0;
    const STEPN: f64 = -720.0;
    const STEP2: f64 = 259_200.0;
    let tc = t;
    let Secular {
        mut em,
        mut argpm,
        mut inclm,
        mut mm,
        mut nodem,
        mut nm,
    } = sec;

    // ----------- calculate deep space resonance effects -----------
    let theta = (rec.gsto + tc * RPTIM) % TWOPI;
    em += rec.dedt * t;
    inclm += rec.didt * t;
    argpm += rec.domdt * t;
    nodem += rec.dnodt * t;
    mm += rec.dmdt * t;

    // - update resonances : numerical (euler-maclaurin) integration -
    if rec.irez != 0 {
        // sgp4fix streamline check
        if state.atime == 0.0 || t * state.atime <= 0.0 || t.abs() < state.atime.abs() {
            state.atime = 0.0;
            state.xni = rec.no_unkozai;
            state.xli = rec.xlamo;
            state.dots = None;
        }
        let ResonanceState {
            mut atime,
            mut xli,
            mut xni,
            ..
        } = *state;
        let delt = if t > 0.0 { STEPP } else { STEPN };

        let ft;
        let mut dots = match state.dots {
            Some(d) => d,
            None => resonance_dots(rec, atime, xli, xni),
        };
        loop {
            // ----------------------- integrator -------------------
            // (a NaN t leaves at once: the comparison is false)
            if (t - atime).abs() >= STEPP {
                xli = xli + dots.xldot * delt + dots.xndt * STEP2;
                xni = xni + dots.xndt * delt + dots.xnddt * STEP2;
                atime += delt;
                dots = resonance_dots(rec, atime, xli, xni);
            } else {
                ft = t - atime;
                break;
            }
        }
        *state = ResonanceState {
            atime,
            xli,
            xni,
            dots: Some(dots),
        };
        let ResonanceDots { xndt, xldot, xnddt } = dots;

        nm = xni + xndt * ft + xnddt * ft * ft * 0.5;
        let xl = xli + xldot * ft + xndt * ft * ft * 0.5;
        if rec.irez != 1 {
            mm = xl - 2.0 * nodem + 2.0 * theta;
        } else {
            mm = xl - nodem - argpm + theta;
        }
        let dndt = nm - rec.no_unkozai;
        nm = rec.no_unkozai + dndt;
    }
    Secular {
        em,
        argpm,
        inclm,
        mm,
        nodem,
        nm,
    }
}
