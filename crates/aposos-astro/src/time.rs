//! Time scales UTC, TAI, TT and UT1 at one instant, as two-part Julian Dates for SOFA.
//!
//! Leap seconds come from hifitime's built-in table (no download); UT1 from an
//! [`Eop`] table. TT = TAI + 32.184 s exactly.

use hifitime::{Duration, Epoch};

use crate::eop::{Eop, EopSample, MJD_J1900, NS_PER_DAY};

/// TT − TAI (s), exact by definition.
pub const TT_MINUS_TAI_S: f64 = 32.184;
/// MJD of 1950-01-01T00:00 UTC, the origin of `aposos_formats::Epoch`.
pub const MJD_1950: i64 = 33_282;
/// JD − MJD (days).
pub const MJD_ZERO_JD: f64 = 2_400_000.5;

/// A two-part Julian Date `jd1 + jd2` (days): `jd1` = 2400000.5 + whole MJD, `jd2` = day fraction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct JulianDate {
    /// Larger part (days), 2400000.5 + an integer MJD.
    pub jd1: f64,
    /// Smaller part (days), normally in [0, 1).
    pub jd2: f64,
}

impl JulianDate {
    /// From nanoseconds since MJD 15020.0 (1900-01-01T00:00) in the same scale.
    fn from_ns_since_1900(ns: i128) -> Self {
        let day = ns.div_euclid(NS_PER_DAY);
        let rem = ns.rem_euclid(NS_PER_DAY);
        JulianDate {
            jd1: MJD_ZERO_JD + (day as f64 + MJD_J1900 as f64),
            jd2: rem as f64 / NS_PER_DAY as f64,
        }
    }

    /// The Julian Date as one f64 (days; about 40 µs resolution).
    pub fn jd(&self) -> f64 {
        self.jd1 + self.jd2
    }

    /// The Modified Julian Date as one f64 (days).
    pub fn mjd(&self) -> f64 {
        (self.jd1 - MJD_ZERO_JD) + self.jd2
    }

    /// Julian centuries of 36525 days since J2000.0 (JD 2451545.0) in this scale.
    pub fn centuries_since_j2000(&self) -> f64 {
        ((self.jd1 - 2_451_545.0) + self.jd2) / 36_525.0
    }
}

/// One instant in UTC, TAI, TT and UT1, with the Earth orientation sample used.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeScales {
    /// The instant (hifitime, TAI inside).
    pub epoch: Epoch,
    /// UTC as a two-part JD (quasi-JD: days of 86,400 s; a leap second repeats 23:59:59).
    pub utc: JulianDate,
    /// TAI as a two-part JD.
    pub tai: JulianDate,
    /// TT as a two-part JD.
    pub tt: JulianDate,
    /// UT1 as a two-part JD.
    pub ut1: JulianDate,
    /// TAI − UTC (s): leap seconds.
    pub tai_utc_s: f64,
    /// UT1 − UTC (s) and polar motion from the EOP table, with its quality flag.
    pub eop: EopSample,
}

impl TimeScales {
    /// All scales at `epoch`, with UT1−UTC and polar motion from `eop`.
    pub fn new(epoch: Epoch, eop: &Eop) -> Self {
        let tai_ns = epoch.to_tai_duration().total_nanoseconds();
        let utc_ns = epoch.to_utc_duration().total_nanoseconds();
        let tai_utc_s = (tai_ns - utc_ns) as f64 * 1e-9;
        let sample = eop.sample_tai_ns(tai_ns, tai_utc_s);
        let tai = JulianDate::from_ns_since_1900(tai_ns);
        let tt = JulianDate::from_ns_since_1900(tai_ns + 32_184_000_000);
        let ut1 = JulianDate {
            jd1: tai.jd1,
            jd2: tai.jd2 + (sample.ut1_utc_s - tai_utc_s) / 86_400.0,
        };
        TimeScales {
            epoch,
            utc: JulianDate::from_ns_since_1900(utc_ns),
            tai,
            tt,
            ut1,
            tai_utc_s,
            eop: sample,
        }
    }

    /// All scales at UTC `mjd` (whole day) + `sec_of_day` (s, rounded to 1 ns).
    pub fn from_utc_mjd(mjd: i64, sec_of_day: f64, eop: &Eop) -> Self {
        let ns = i128::from(mjd - MJD_J1900) * NS_PER_DAY + (sec_of_day * 1e9).round() as i128;
        Self::new(
            Epoch::from_utc_duration(Duration::from_total_nanoseconds(ns)),
            eop,
        )
    }

    /// All scales at a UTC count of nanoseconds since 1950-01-01T00:00 UTC (`aposos_formats::Epoch::ns`).
    pub fn from_utc_ns_since_1950(ns: i64, eop: &Eop) -> Self {
        let ns = i128::from(MJD_1950 - MJD_J1900) * NS_PER_DAY + i128::from(ns);
        Self::new(
            Epoch::from_utc_duration(Duration::from_total_nanoseconds(ns)),
            eop,
        )
    }

    /// TT − UTC (s) = 32.184 s + leap seconds.
    pub fn tt_utc_s(&self) -> f64 {
        TT_MINUS_TAI_S + self.tai_utc_s
    }

    /// UT1 − UTC (s) from the EOP table (0 when out of range; see `eop.quality`).
    pub fn ut1_utc_s(&self) -> f64 {
        self.eop.ut1_utc_s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leap_seconds_and_tt() {
        let eop = Eop::embedded();
        // 2016-12-31 23:59:59 UTC: 36 s; 2017-01-01 00:00:00: 37 s.
        let a = TimeScales::from_utc_mjd(57753, 86_399.0, eop);
        let b = TimeScales::from_utc_mjd(57754, 0.0, eop);
        assert_eq!(a.tai_utc_s, 36.0);
        assert_eq!(b.tai_utc_s, 37.0);
        assert_eq!(b.tt_utc_s(), 69.184);
        // TT - TAI exactly 32.184 s in the two-part JDs.
        let d = (b.tt.jd1 - b.tai.jd1) + (b.tt.jd2 - b.tai.jd2);
        assert!((d * 86_400.0 - 32.184).abs() < 1e-9);
        // Two seconds of TAI between them (the leap second).
        let dt = ((b.tai.jd1 - a.tai.jd1) + (b.tai.jd2 - a.tai.jd2)) * 86_400.0;
        assert!((dt - 2.0).abs() < 1e-9, "{dt}");
    }

    #[test]
    fn formats_epoch_origin() {
        let eop = Eop::embedded();
        let t = TimeScales::from_utc_ns_since_1950(0, eop);
        assert_eq!(t.utc.jd1, 2_433_282.5);
        assert_eq!(t.utc.jd2, 0.0);
        let t = TimeScales::from_utc_ns_since_1950(
            27_393 * 86_400_000_000_000 + 43_200_000_000_000,
            eop,
        );
        assert_eq!(t.utc.mjd(), 60_675.5);
    }
}
