//! The SGP4 propagation body (Vallado's `sgp4`): secular gravity and drag,
//! long-period periodics, Kepler's equation, short-period periodics, TEME state.

use std::f64::consts::PI;

use super::deep_space::{dpper, dspace, Periodics, Secular};
use super::{Method, ResonanceState, Sgp4, Sgp4Error, StateTeme, MAX_TSINCE_MIN};

const TWOPI: f64 = 2.0 * PI;
const X2O3: f64 = 2.0 / 3.0;

/// Vallado's `sgp4`: TEME state (km, km/s) `tsince` minutes from epoch; the record is not changed, the resonance integrator continues in `state`.
pub(crate) fn sgp4(
    rec: &Sgp4,
    tsince: f64,
    state: &mut ResonanceState,
) -> Result<StateTeme, Sgp4Error> {
    if !tsince.is_finite() || tsince.abs() > MAX_TSINCE_MIN {
        return Err(Sgp4Error::InvalidTime {
            tsince_min: tsince,
            limit_min: MAX_TSINCE_MIN,
        });
    }
    // sgp4fix divisor for divide by zero check on inclination
    let temp4 = 1.5e-12;
    let vkmpersec = rec.radiusearthkm * rec.xke / 60.0;
    let t = tsince;

    // Coefficients that the deep-space branch recomputes per call (kept in the record by Vallado).
    let mut aycof = rec.aycof;
    let mut xlcof = rec.xlcof;
    let mut con41 = rec.con41;
    let mut x1mth2 = rec.x1mth2;
    let mut x7thm1 = rec.x7thm1;

    // ------- update for secular gravity and atmospheric drag -----
    let xmdf = rec.mo + rec.mdot * t;
    let argpdf = rec.argpo + rec.argpdot * t;
    let nodedf = rec.nodeo + rec.nodedot * t;
    let mut argpm = argpdf;
    let mut mm = xmdf;
    let t2 = t * t;
    let mut nodem = nodedf + rec.nodecf * t2;
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

    let mut nm = rec.no_unkozai;
    let mut em = rec.ecco;
    let mut inclm = rec.inclo;
    if rec.method == Method::DeepSpace {
        let sec = dspace(
            rec,
            t,
            Secular {
                em,
                argpm,
                inclm,
                mm,
                nodem,
                nm,
            },
            state,
        );
        em = sec.em;
        argpm = sec.argpm;
        inclm = sec.inclm;
        mm = sec.mm;
        nodem = sec.nodem;
        nm = sec.nm;
    }

    if nm <= 0.0 {
        return Err(Sgp4Error::MeanMotion {
            mean_motion_rad_per_min: nm,
        });
    }
    let am = (rec.xke / nm).powf(X2O3) * tempa * tempa;
    nm = rec.xke / am.powf(1.5);
    em -= tempe;

    // fix tolerance for error recognition
    if !(-0.001..1.0).contains(&em) {
        return Err(Sgp4Error::MeanEccentricity { eccentricity: em });
    }
    // sgp4fix fix tolerance to avoid a divide by zero
    if em < 1.0e-6 {
        em = 1.0e-6;
    }
    mm += rec.no_unkozai * templ;
    let mut xlm = mm + argpm + nodem;

    nodem %= TWOPI;
    argpm %= TWOPI;
    xlm %= TWOPI;
    mm = (xlm - argpm - nodem) % TWOPI;

    // ----------------- compute extra mean quantities -------------
    let sinim = inclm.sin();
    let cosim = inclm.cos();

    // -------------------- add lunar-solar periodics --------------
    let mut ep = em;
    let mut xincp = inclm;
    let mut argpp = argpm;
    let mut nodep = nodem;
    let mut mp = mm;
    let mut sinip = sinim;
    let mut cosip = cosim;
    if rec.method == Method::DeepSpace {
        let p = dpper(
            rec,
            t,
            Periodics {
                ep,
                inclp: xincp,
                nodep,
                argpp,
                mp,
            },
        );
        ep = p.ep;
        xincp = p.inclp;
        nodep = p.nodep;
        argpp = p.argpp;
        mp = p.mp;
        if xincp < 0.0 {
            xincp = -xincp;
            nodep += PI;
            argpp -= PI;
        }
        if !(0.0..=1.0).contains(&ep) {
            return Err(Sgp4Error::PerturbedEccentricity { eccentricity: ep });
        }
    }

    // -------------------- long period periodics ------------------
    if rec.method == Method::DeepSpace {
        sinip = xincp.sin();
        cosip = xincp.cos();
        aycof = -0.5 * rec.j3oj2 * sinip;
        // sgp4fix for divide by zero for xincp = 180 deg
        if (cosip + 1.0).abs() > 1.5e-12 {
            xlcof = -0.25 * rec.j3oj2 * sinip * (3.0 + 5.0 * cosip) / (1.0 + cosip);
        } else {
            xlcof = -0.25 * rec.j3oj2 * sinip * (3.0 + 5.0 * cosip) / temp4;
        }
    }
    let axnl = ep * argpp.cos();
    let mut temp = 1.0 / (am * (1.0 - ep * ep));
    let aynl = ep * argpp.sin() + temp * aycof;
    let xl = mp + argpp + nodep + temp * xlcof * axnl;

    // --------------------- solve kepler's equation ---------------
    let u = (xl - nodep) % TWOPI;
    let mut eo1 = u;
    let mut tem5: f64 = 9999.9;
    let mut ktr = 1;
    let mut sineo1 = 0.0;
    let mut coseo1 = 0.0;
    // sgp4fix for kepler iteration: at most 10 steps
    while tem5.abs() >= 1.0e-12 && ktr <= 10 {
        sineo1 = eo1.sin();
        coseo1 = eo1.cos();
        tem5 = 1.0 - coseo1 * axnl - sineo1 * aynl;
        tem5 = (u - aynl * coseo1 + axnl * sineo1 - eo1) / tem5;
        if tem5.abs() >= 0.95 {
            tem5 = if tem5 > 0.0 { 0.95 } else { -0.95 };
        }
        eo1 += tem5;
        ktr += 1;
    }

    // ------------- short period preliminary quantities -----------
    let ecose = axnl * coseo1 + aynl * sineo1;
    let esine = axnl * sineo1 - aynl * coseo1;
    let el2 = axnl * axnl + aynl * aynl;
    let pl = am * (1.0 - el2);
    if pl < 0.0 {
        return Err(Sgp4Error::SemiLatusRectum {
            semi_latus_rectum_er: pl,
        });
    }
    let rl = am * (1.0 - ecose);
    let rdotl = am.sqrt() * esine / rl;
    let rvdotl = pl.sqrt() / rl;
    let betal = (1.0 - el2).sqrt();
    temp = esine / (1.0 + betal);
    let sinu = am / rl * (sineo1 - aynl - axnl * temp);
    let cosu = am / rl * (coseo1 - axnl + aynl * temp);
    let mut su = sinu.atan2(cosu);
    let sin2u = (cosu + cosu) * sinu;
    let cos2u = 1.0 - 2.0 * sinu * sinu;
    temp = 1.0 / pl;
    let temp1 = 0.5 * rec.j2 * temp;
    let temp2 = temp1 * temp;

    // -------------- update for short period periodics ------------
    if rec.method == Method::DeepSpace {
        let cosisq = cosip * cosip;
        con41 = 3.0 * cosisq - 1.0;
        x1mth2 = 1.0 - cosisq;
        x7thm1 = 7.0 * cosisq - 1.0;
    }
    let mrt = rl * (1.0 - 1.5 * temp2 * betal * con41) + 0.5 * temp1 * x1mth2 * cos2u;
    su -= 0.25 * temp2 * x7thm1 * sin2u;
    let xnode = nodep + 1.5 * temp2 * cosip * sin2u;
    let xinc = xincp + 1.5 * temp2 * cosip * sinip * cos2u;
    let mvt = rdotl - nm * temp1 * x1mth2 * sin2u / rec.xke;
    let rvdot = rvdotl + nm * temp1 * (x1mth2 * cos2u + 1.5 * con41) / rec.xke;

    // --------------------- orientation vectors -------------------
    let sinsu = su.sin();
    let cossu = su.cos();
    let snod = xnode.sin();
    let cnod = xnode.cos();
    let sini = xinc.sin();
    let cosi = xinc.cos();
    let xmx = -snod * cosi;
    let xmy = cnod * cosi;
    let ux = xmx * sinsu + cnod * cossu;
    let uy = xmy * sinsu + snod * cossu;
    let uz = sini * sinsu;
    let vx = xmx * cossu - cnod * sinsu;
    let vy = xmy * cossu - snod * sinsu;
    let vz = sini * cossu;

    // --------- position and velocity (in km and km/sec) ----------
    let position_km = [
        (mrt * ux) * rec.radiusearthkm,
        (mrt * uy) * rec.radiusearthkm,
        (mrt * uz) * rec.radiusearthkm,
    ];
    let velocity_km_s = [
        (mvt * ux + rvdot * vx) * vkmpersec,
        (mvt * uy + rvdot * vy) * vkmpersec,
        (mvt * uz + rvdot * vz) * vkmpersec,
    ];

    // sgp4fix for decaying satellites
    if mrt < 1.0 {
        return Err(Sgp4Error::Decayed { radius_er: mrt });
    }
    if !position_km
        .iter()
        .chain(velocity_km_s.iter())
        .all(|x| x.is_finite())
    {
        return Err(Sgp4Error::NonFiniteState);
    }
    Ok(StateTeme {
        position_km,
        velocity_km_s,
    })
}
