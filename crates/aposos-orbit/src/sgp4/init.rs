//! Initialisation of an SGP4 record: epoch handling (`days2mdhms`, `jday`),
//! sidereal time (`gstime`), `initl` and `sgp4init`, after Vallado's C++ (2020).

use std::f64::consts::PI;

use aposos_formats::{ElementSet, Epoch};

use super::deep_space::{dscom, dsinit};
use super::gravity::{getgravconst, GravityModel};
use super::{Method, OpsMode, Sgp4, Sgp4Error};

const TWOPI: f64 = 2.0 * PI;
const X2O3: f64 = 2.0 / 3.0;
/// Julian Date of 1949 December 31 0h, origin of Vallado's SGP4 epoch (days from 0 Jan 1950).
const JD_0_JAN_1950: f64 = 2_433_281.5;

/// Month, day, hour, minute and second (s) of a year and fractional day of year (Vallado's `days2mdhms`).
///
/// Uses Vallado's `year % 4` leap rule, right for 1901–2099.
pub fn days2mdhms(year: i64, days: f64) -> (u32, u32, u32, u32, f64) {
    let mut lmonth = [0_i64, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let dayofyr = days.floor() as i64;
    if year % 4 == 0 {
        lmonth[2] = 29;
    }
    let mut i = 1_usize;
    let mut inttemp = 0_i64;
    while i < 12 && dayofyr > inttemp + lmonth[i] {
        inttemp += lmonth[i];
        i += 1;
    }
    let mon = i as u32;
    let day = (dayofyr - inttemp) as u32;
    let mut temp = (days - dayofyr as f64) * 24.0;
    let hr = temp.floor() as u32;
    temp = (temp - hr as f64) * 60.0;
    let minute = temp.floor() as u32;
    let sec = (temp - minute as f64) * 60.0;
    (mon, day, hr, minute, sec)
}

/// Julian Date split as whole days (ending in .5) and day fraction (Vallado's `jday`), valid 1900 Mar–2100 Feb.
pub fn jday(year: i64, mon: u32, day: u32, hr: u32, minute: u32, sec: f64) -> (f64, f64) {
    let year_f = year as f64;
    let mon_f = mon as f64;
    let mut jd = 367.0 * year_f
        - ((7.0 * (year_f + ((mon_f + 9.0) / 12.0).floor())) * 0.25).floor()
        + (275.0 * mon_f / 9.0).floor()
        + day as f64
        + 1_721_013.5;
    let mut jd_frac = (sec + minute as f64 * 60.0 + hr as f64 * 3600.0) / 86_400.0;
    if jd_frac.abs() > 1.0 {
        let dtt = jd_frac.floor();
        jd += dtt;
        jd_frac -= dtt;
    }
    (jd, jd_frac)
}

/// Greenwich mean sidereal time (IAU 1982) of a UT1 Julian Date, rad in 0..2π (Vallado's `gstime`).
pub fn gstime(jdut1: f64) -> f64 {
    let deg2rad = PI / 180.0;
    let tut1 = (jdut1 - 2_451_545.0) / 36_525.0;
    let mut temp = -6.2e-6 * tut1 * tut1 * tut1
        + 0.093104 * tut1 * tut1
        + (876_600.0 * 3600.0 + 8_640_184.812866) * tut1
        + 67_310.548_41;
    temp = (temp * deg2rad / 240.0) % TWOPI;
    if temp < 0.0 {
        temp += TWOPI;
    }
    temp
}

/// Year and fractional day of year of an epoch, as a TLE writes them.
///
/// When the epoch falls on the 1e-8 day grid of a TLE, the day is computed as
/// one correctly rounded division, which is what reading the TLE text gives.
fn epoch_year_days(epoch: Epoch) -> (i64, f64) {
    const NS_PER_1E8_DAY: i64 = 864_000;
    let (year, doy, ns) = epoch.year_day();
    if ns % NS_PER_1E8_DAY == 0 {
        let units = i64::from(doy) * 100_000_000 + ns / NS_PER_1E8_DAY;
        (year, units as f64 / 1e8)
    } else {
        epoch.year_and_fractional_day()
    }
}

/// Epoch as Vallado's `twoline2rv` computes it: (year, fractional day, JD whole, JD fraction).
///
/// Years outside 1901–2099, where his calendar routines do not hold, use the exact split.
fn vallado_epoch(epoch: Epoch) -> (i64, f64, f64, f64) {
    let (year, days) = epoch_year_days(epoch);
    if (1901..=2099).contains(&year) {
        let (mon, day, hr, minute, sec) = days2mdhms(year, days);
        let (jd, jd_frac) = jday(year, mon, day, hr, minute, sec);
        (year, days, jd, jd_frac)
    } else {
        let (jd, jd_frac) = epoch.jd_split();
        (year, days, jd, jd_frac)
    }
}

/// Outputs of Vallado's `initl` that `sgp4init` uses.
struct Initl {
    ao: f64,
    con41: f64,
    con42: f64,
    cosio: f64,
    cosio2: f64,
    eccsq: f64,
    omeosq: f64,
    posq: f64,
    rp: f64,
    rteosq: f64,
    sinio: f64,
    gsto: f64,
    no_unkozai: f64,
}

/// Vallado's `initl`: un-Kozai the mean motion and the auxiliary epoch quantities.
fn initl(xke: f64, j2: f64, ecco: f64, epoch: f64, inclo: f64, no_kozai: f64) -> Initl {
    let eccsq = ecco * ecco;
    let omeosq = 1.0 - eccsq;
    let rteosq = omeosq.sqrt();
    let cosio = inclo.cos();
    let cosio2 = cosio * cosio;

    let ak = (xke / no_kozai).powf(X2O3);
    let d1 = 0.75 * j2 * (3.0 * cosio2 - 1.0) / (rteosq * omeosq);
    let mut del = d1 / (ak * ak);
    let adel = ak * (1.0 - del * del - del * (1.0 / 3.0 + 134.0 * del * del / 81.0));
    del = d1 / (adel * adel);
    let no_unkozai = no_kozai / (1.0 + del);

    let ao = (xke / no_unkozai).powf(X2O3);
    let sinio = inclo.sin();
    let po = ao * omeosq;
    let con42 = 1.0 - 5.0 * cosio2;
    let con41 = -con42 - cosio2 - cosio2;
    let posq = po * po;
    let rp = ao * (1.0 - ecco);
    // The 2020 code computes the old AFSPC sidereal time too but always uses gstime.
    let gsto = gstime(epoch + JD_0_JAN_1950);
    Initl {
        ao,
        con41,
        con42,
        cosio,
        cosio2,
        eccsq,
        omeosq,
        posq,
        rp,
        rteosq,
        sinio,
        gsto,
        no_unkozai,
    }
}

fn check_finite(field: &'static str, value: f64) -> Result<(), Sgp4Error> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(Sgp4Error::InvalidElement { field, value })
    }
}

/// Vallado's `sgp4init` on an [`ElementSet`], with units converted as his `twoline2rv`.
pub(crate) fn sgp4init(
    el: &ElementSet,
    gravity: GravityModel,
    opsmode: OpsMode,
) -> Result<Sgp4, Sgp4Error> {
    check_finite("mean_motion_rev_per_day", el.mean_motion_rev_per_day)?;
    check_finite("eccentricity", el.eccentricity)?;
    check_finite("inclination_deg", el.inclination_deg)?;
    check_finite("raan_deg", el.raan_deg)?;
    check_finite("arg_of_pericenter_deg", el.arg_of_pericenter_deg)?;
    check_finite("mean_anomaly_deg", el.mean_anomaly_deg)?;
    check_finite("bstar_per_earth_radii", el.bstar_per_earth_radii)?;
    if !(0.0..1.0).contains(&el.eccentricity) {
        return Err(Sgp4Error::MeanEccentricity {
            eccentricity: el.eccentricity,
        });
    }

    // ---- units as twoline2rv converts them ----
    let deg2rad = PI / 180.0;
    let xpdotp = 1440.0 / (2.0 * PI);
    let no_kozai = el.mean_motion_rev_per_day / xpdotp;
    if no_kozai.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return Err(Sgp4Error::MeanMotion {
            mean_motion_rad_per_min: no_kozai,
        });
    }
    let (epochyr, epochdays, jdsatepoch, jdsatepoch_f) = vallado_epoch(el.epoch);
    let epoch = (jdsatepoch + jdsatepoch_f) - JD_0_JAN_1950;

    let g = getgravconst(gravity);
    let mut s = Sgp4::zeroed(el.norad_cat_id, el.epoch, opsmode, gravity);
    s.tumin = g.tumin;
    s.mus = g.mus;
    s.radiusearthkm = g.radiusearthkm;
    s.xke = g.xke;
    s.j2 = g.j2;
    s.j3 = g.j3;
    s.j4 = g.j4;
    s.j3oj2 = g.j3oj2;

    s.epochyr = epochyr;
    s.epochdays = epochdays;
    s.jdsatepoch = jdsatepoch;
    s.jdsatepoch_f = jdsatepoch_f;
    s.bstar = el.bstar_per_earth_radii;
    s.ndot = el.mean_motion_dot_rev_per_day2 / (xpdotp * 1440.0);
    s.nddot = el.mean_motion_ddot_rev_per_day3 / (xpdotp * 1440.0 * 1440.0);
    s.ecco = el.eccentricity;
    s.argpo = el.arg_of_pericenter_deg * deg2rad;
    s.inclo = el.inclination_deg * deg2rad;
    s.mo = el.mean_anomaly_deg * deg2rad;
    s.no_kozai = no_kozai;
    s.nodeo = el.raan_deg * deg2rad;

    // sgp4fix divisor for divide by zero check on inclination
    let temp4 = 1.5e-12;

    let ss = 78.0 / s.radiusearthkm + 1.0;
    let qzms2ttemp = (120.0 - 78.0) / s.radiusearthkm;
    let qzms2t = qzms2ttemp * qzms2ttemp * qzms2ttemp * qzms2ttemp;

    let il = initl(s.xke, s.j2, s.ecco, epoch, s.inclo, s.no_kozai);
    let Initl {
        ao,
        con41,
        con42,
        cosio,
        cosio2,
        eccsq,
        omeosq,
        posq,
        rp,
        rteosq,
        sinio,
        gsto,
        no_unkozai,
    } = il;
    s.method = Method::NearEarth;
    s.con41 = con41;
    s.gsto = gsto;
    s.no_unkozai = no_unkozai;
    s.a = (s.no_unkozai * s.tumin).powf(-2.0 / 3.0);
    s.alta = s.a * (1.0 + s.ecco) - 1.0;
    s.altp = s.a * (1.0 - s.ecco) - 1.0;

    if omeosq >= 0.0 || s.no_unkozai >= 0.0 {
        s.isimp = rp < (220.0 / s.radiusearthkm + 1.0);
        let mut sfour = ss;
        let mut qzms24 = qzms2t;
        let perige = (rp - 1.0) * s.radiusearthkm;

        // for perigees below 156 km, s and qoms2t are altered
        if perige < 156.0 {
            sfour = perige - 78.0;
            if perige < 98.0 {
                sfour = 20.0;
            }
            let qzms24temp = (120.0 - sfour) / s.radiusearthkm;
            qzms24 = qzms24temp * qzms24temp * qzms24temp * qzms24temp;
            sfour = sfour / s.radiusearthkm + 1.0;
        }
        let pinvsq = 1.0 / posq;

        let tsi = 1.0 / (ao - sfour);
        s.eta = ao * s.ecco * tsi;
        let etasq = s.eta * s.eta;
        let eeta = s.ecco * s.eta;
        let psisq = (1.0 - etasq).abs();
        let coef = qzms24 * tsi.powf(4.0);
        let coef1 = coef / psisq.powf(3.5);
        let cc2 = coef1
            * s.no_unkozai
            * (ao * (1.0 + 1.5 * etasq + eeta * (4.0 + etasq))
                + 0.375 * s.j2 * tsi / psisq * s.con41 * (8.0 + 3.0 * etasq * (8.0 + etasq)));
        s.cc1 = s.bstar * cc2;
        let mut cc3 = 0.0;
        if s.ecco > 1.0e-4 {
            cc3 = -2.0 * coef * tsi * s.j3oj2 * s.no_unkozai * sinio / s.ecco;
        }
        s.x1mth2 = 1.0 - cosio2;
        s.cc4 = 2.0
            * s.no_unkozai
            * coef1
            * ao
            * omeosq
            * (s.eta * (2.0 + 0.5 * etasq) + s.ecco * (0.5 + 2.0 * etasq)
                - s.j2 * tsi / (ao * psisq)
                    * (-3.0 * s.con41 * (1.0 - 2.0 * eeta + etasq * (1.5 - 0.5 * eeta))
                        + 0.75
                            * s.x1mth2
                            * (2.0 * etasq - eeta * (1.0 + etasq))
                            * (2.0 * s.argpo).cos()));
        s.cc5 = 2.0 * coef1 * ao * omeosq * (1.0 + 2.75 * (etasq + eeta) + eeta * etasq);
        let cosio4 = cosio2 * cosio2;
        let temp1 = 1.5 * s.j2 * pinvsq * s.no_unkozai;
        let temp2 = 0.5 * temp1 * s.j2 * pinvsq;
        let temp3 = -0.46875 * s.j4 * pinvsq * pinvsq * s.no_unkozai;
        s.mdot = s.no_unkozai
            + 0.5 * temp1 * rteosq * s.con41
            + 0.0625 * temp2 * rteosq * (13.0 - 78.0 * cosio2 + 137.0 * cosio4);
        s.argpdot = -0.5 * temp1 * con42
            + 0.0625 * temp2 * (7.0 - 114.0 * cosio2 + 395.0 * cosio4)
            + temp3 * (3.0 - 36.0 * cosio2 + 49.0 * cosio4);
        let xhdot1 = -temp1 * cosio;
        s.nodedot = xhdot1
            + (0.5 * temp2 * (4.0 - 19.0 * cosio2) + 2.0 * temp3 * (3.0 - 7.0 * cosio2)) * cosio;
        let xpidot = s.argpdot + s.nodedot;
        s.omgcof = s.bstar * cc3 * s.argpo.cos();
        s.xmcof = 0.0;
        if s.ecco > 1.0e-4 {
            s.xmcof = -X2O3 * coef * s.bstar / eeta;
        }
        s.nodecf = 3.5 * omeosq * xhdot1 * s.cc1;
        s.t2cof = 1.5 * s.cc1;
        // sgp4fix for divide by zero with xinco = 180 deg
        if (cosio + 1.0).abs() > 1.5e-12 {
            s.xlcof = -0.25 * s.j3oj2 * sinio * (3.0 + 5.0 * cosio) / (1.0 + cosio);
        } else {
            s.xlcof = -0.25 * s.j3oj2 * sinio * (3.0 + 5.0 * cosio) / temp4;
        }
        s.aycof = -0.5 * s.j3oj2 * sinio;
        let delmotemp = 1.0 + s.eta * s.mo.cos();
        s.delmo = delmotemp * delmotemp * delmotemp;
        s.sinmao = s.mo.sin();
        s.x7thm1 = 7.0 * cosio2 - 1.0;

        // --------------- deep space initialization -------------
        if (2.0 * PI / s.no_unkozai) >= 225.0 {
            s.method = Method::DeepSpace;
            s.isimp = true;
            let tc = 0.0;
            let inclm = s.inclo;
            let ds = dscom(epoch, s.ecco, s.argpo, tc, s.inclo, s.nodeo, s.no_unkozai);
            s.e3 = ds.e3;
            s.ee2 = ds.ee2;
            s.peo = ds.peo;
            s.pgho = ds.pgho;
            s.pho = ds.pho;
            s.pinco = ds.pinco;
            s.plo = ds.plo;
            s.se2 = ds.se2;
            s.se3 = ds.se3;
            s.sgh2 = ds.sgh2;
            s.sgh3 = ds.sgh3;
            s.sgh4 = ds.sgh4;
            s.sh2 = ds.sh2;
            s.sh3 = ds.sh3;
            s.si2 = ds.si2;
            s.si3 = ds.si3;
            s.sl2 = ds.sl2;
            s.sl3 = ds.sl3;
            s.sl4 = ds.sl4;
            s.xgh2 = ds.xgh2;
            s.xgh3 = ds.xgh3;
            s.xgh4 = ds.xgh4;
            s.xh2 = ds.xh2;
            s.xh3 = ds.xh3;
            s.xi2 = ds.xi2;
            s.xi3 = ds.xi3;
            s.xl2 = ds.xl2;
            s.xl3 = ds.xl3;
            s.xl4 = ds.xl4;
            s.zmol = ds.zmol;
            s.zmos = ds.zmos;
            // Vallado calls dpper here with init = 'y', which changes nothing.
            dsinit(&mut s, &ds, tc, xpidot, eccsq, inclm);
        }

        // ----------- set variables if not deep space -----------
        if !s.isimp {
            let cc1sq = s.cc1 * s.cc1;
            s.d2 = 4.0 * ao * tsi * cc1sq;
            let temp = s.d2 * tsi * s.cc1 / 3.0;
            s.d3 = (17.0 * ao + sfour) * temp;
            s.d4 = 0.5 * temp * ao * tsi * (221.0 * ao + 31.0 * sfour) * s.cc1;
            s.t3cof = s.d2 + 2.0 * cc1sq;
            s.t4cof = 0.25 * (3.0 * s.d3 + s.cc1 * (12.0 * s.d2 + 10.0 * cc1sq));
            s.t5cof = 0.2
                * (3.0 * s.d4
                    + 12.0 * s.cc1 * s.d3
                    + 6.0 * s.d2 * s.d2
                    + 15.0 * cc1sq * (2.0 * s.d2 + cc1sq));
        }
    }
    // Vallado ends with sgp4(satrec, 0.0), which only sets the error flag and the
    // integrator state; both are per call here.
    Ok(s)
}

impl Sgp4 {
    /// A record with every coefficient zero, as `sgp4init` starts from.
    fn zeroed(
        satnum: u32,
        epoch_utc: Epoch,
        operationmode: OpsMode,
        gravity: GravityModel,
    ) -> Self {
        Sgp4 {
            satnum,
            epoch_utc,
            operationmode,
            gravity,
            method: Method::NearEarth,
            isimp: false,
            irez: 0,
            aycof: 0.0,
            con41: 0.0,
            cc1: 0.0,
            cc4: 0.0,
            cc5: 0.0,
            d2: 0.0,
            d3: 0.0,
            d4: 0.0,
            delmo: 0.0,
            eta: 0.0,
            argpdot: 0.0,
            omgcof: 0.0,
            sinmao: 0.0,
            t2cof: 0.0,
            t3cof: 0.0,
            t4cof: 0.0,
            t5cof: 0.0,
            x1mth2: 0.0,
            x7thm1: 0.0,
            mdot: 0.0,
            nodedot: 0.0,
            xlcof: 0.0,
            xmcof: 0.0,
            nodecf: 0.0,
            d2201: 0.0,
            d2211: 0.0,
            d3210: 0.0,
            d3222: 0.0,
            d4410: 0.0,
            d4422: 0.0,
            d5220: 0.0,
            d5232: 0.0,
            d5421: 0.0,
            d5433: 0.0,
            dedt: 0.0,
            del1: 0.0,
            del2: 0.0,
            del3: 0.0,
            didt: 0.0,
            dmdt: 0.0,
            dnodt: 0.0,
            domdt: 0.0,
            e3: 0.0,
            ee2: 0.0,
            peo: 0.0,
            pgho: 0.0,
            pho: 0.0,
            pinco: 0.0,
            plo: 0.0,
            se2: 0.0,
            se3: 0.0,
            sgh2: 0.0,
            sgh3: 0.0,
            sgh4: 0.0,
            sh2: 0.0,
            sh3: 0.0,
            si2: 0.0,
            si3: 0.0,
            sl2: 0.0,
            sl3: 0.0,
            sl4: 0.0,
            gsto: 0.0,
            xfact: 0.0,
            xgh2: 0.0,
            xgh3: 0.0,
            xgh4: 0.0,
            xh2: 0.0,
            xh3: 0.0,
            xi2: 0.0,
            xi3: 0.0,
            xl2: 0.0,
            xl3: 0.0,
            xl4: 0.0,
            xlamo: 0.0,
            zmol: 0.0,
            zmos: 0.0,
            a: 0.0,
            altp: 0.0,
            alta: 0.0,
            epochyr: 0,
            epochdays: 0.0,
            jdsatepoch: 0.0,
            jdsatepoch_f: 0.0,
            nddot: 0.0,
            ndot: 0.0,
            bstar: 0.0,
            inclo: 0.0,
            nodeo: 0.0,
            ecco: 0.0,
            argpo: 0.0,
            mo: 0.0,
            no_kozai: 0.0,
            no_unkozai: 0.0,
            tumin: 0.0,
            mus: 0.0,
            radiusearthkm: 0.0,
            xke: 0.0,
            j2: 0.0,
            j3: 0.0,
            j4: 0.0,
            j3oj2: 0.0,
        }
    }
}
