//! Element-set epochs: an exact UTC instant with nanosecond resolution.
//!
//! TLE and OMM epochs are UTC calendar instants whose days are taken as 86,400 s
//! long (the convention of every SGP4 implementation). The type stores
//! nanoseconds since 1950-01-01T00:00:00 UTC on that uniform-day scale, so a
//! TLE day fraction with 8 decimals (steps of 864 µs) and an ISO time with
//! microseconds are both held exactly and written back unchanged.

use std::fmt;

/// Nanoseconds in one (86,400 s) day.
pub const NS_PER_DAY: i64 = 86_400_000_000_000;

/// Julian Date of 1950-01-01T00:00:00 UTC, the reference of [`Epoch`].
pub const JD_1950: f64 = 2_433_282.5;

/// A UTC instant (uniform 86,400 s days), nanoseconds since 1950-01-01T00:00:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Epoch {
    ns_since_1950: i64,
}

/// Why a date or time could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EpochError {
    /// The text does not have the expected layout.
    #[error("expected {expected}, found {found:?}")]
    Layout {
        /// What layout was expected.
        expected: &'static str,
        /// The text that was found.
        found: String,
    },
    /// A calendar component is out of its range.
    #[error("{component} {value} out of range")]
    Range {
        /// Which component (month, day, hour, ...).
        component: &'static str,
        /// The offending value.
        value: i64,
    },
}

/// Days from 1970-01-01 to the civil date (proleptic Gregorian), after H. Hinnant.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date (year, month, day) of a day count since 1970-01-01, after H. Hinnant.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Whether `year` is a Gregorian leap year.
pub fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap_year(year) => 29,
        _ => 28,
    }
}

const DAYS_1970_FROM_1950: i64 = 7305;

/// Calendar components of an [`Epoch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    /// Year (e.g. 2026).
    pub year: i64,
    /// Month 1–12.
    pub month: u32,
    /// Day of month 1–31.
    pub day: u32,
    /// Hour 0–23.
    pub hour: u32,
    /// Minute 0–59.
    pub minute: u32,
    /// Second 0–59.
    pub second: u32,
    /// Nanoseconds 0–999,999,999.
    pub nanosecond: u32,
}

impl Epoch {
    /// The epoch `ns` nanoseconds after 1950-01-01T00:00:00 UTC.
    pub const fn from_ns_since_1950(ns: i64) -> Self {
        Self { ns_since_1950: ns }
    }

    /// The current time of the system clock (UTC), truncated to whole
    /// microseconds, so that [`Epoch::to_iso`] writes 6 decimals.
    pub fn now_utc_micros() -> Self {
        let unix_ns = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_nanos()).unwrap_or(0))
            .unwrap_or(0);
        Self {
            ns_since_1950: DAYS_1970_FROM_1950 * NS_PER_DAY + unix_ns - unix_ns % 1000,
        }
    }

    /// Nanoseconds since 1950-01-01T00:00:00 UTC.
    pub const fn ns_since_1950(self) -> i64 {
        self.ns_since_1950
    }

    /// Builds an epoch from calendar components, checking every range.
    pub fn from_calendar(c: Calendar) -> Result<Self, EpochError> {
        check_range("month", c.month as i64, 1, 12)?;
        check_range(
            "day",
            c.day as i64,
            1,
            days_in_month(c.year, c.month) as i64,
        )?;
        check_range("hour", c.hour as i64, 0, 23)?;
        check_range("minute", c.minute as i64, 0, 59)?;
        check_range("second", c.second as i64, 0, 59)?;
        check_range("nanosecond", c.nanosecond as i64, 0, 999_999_999)?;
        check_range("year", c.year, 1800, 2200)?;
        let days = days_from_civil(c.year, c.month, c.day) + DAYS_1970_FROM_1950;
        let secs = c.hour as i64 * 3600 + c.minute as i64 * 60 + c.second as i64;
        Ok(Self {
            ns_since_1950: days * NS_PER_DAY + secs * 1_000_000_000 + c.nanosecond as i64,
        })
    }

    /// Builds an epoch from a year and a day of year whose fraction is given in
    /// nanoseconds of that day (`day_of_year` 1 = January 1st).
    pub fn from_year_day(year: i64, day_of_year: u32, ns_of_day: i64) -> Result<Self, EpochError> {
        check_range("year", year, 1800, 2200)?;
        let max_day = if is_leap_year(year) { 366 } else { 365 };
        check_range("day of year", day_of_year as i64, 1, max_day)?;
        check_range("fraction of day", ns_of_day, 0, NS_PER_DAY - 1)?;
        let days = days_from_civil(year, 1, 1) + DAYS_1970_FROM_1950 + day_of_year as i64 - 1;
        Ok(Self {
            ns_since_1950: days * NS_PER_DAY + ns_of_day,
        })
    }

    /// Calendar components (UTC).
    pub fn calendar(self) -> Calendar {
        let days = self.ns_since_1950.div_euclid(NS_PER_DAY);
        let ns_of_day = self.ns_since_1950.rem_euclid(NS_PER_DAY);
        let (year, month, day) = civil_from_days(days - DAYS_1970_FROM_1950);
        let secs = ns_of_day / 1_000_000_000;
        Calendar {
            year,
            month,
            day,
            hour: (secs / 3600) as u32,
            minute: (secs / 60 % 60) as u32,
            second: (secs % 60) as u32,
            nanosecond: (ns_of_day % 1_000_000_000) as u32,
        }
    }

    /// Year, 1-based day of year and nanoseconds into that day.
    pub fn year_day(self) -> (i64, u32, i64) {
        let c = self.calendar();
        let jan1 = days_from_civil(c.year, 1, 1) + DAYS_1970_FROM_1950;
        let days = self.ns_since_1950.div_euclid(NS_PER_DAY);
        (
            c.year,
            (days - jan1 + 1) as u32,
            self.ns_since_1950.rem_euclid(NS_PER_DAY),
        )
    }

    /// Fractional day of year as in a TLE (1.0 = January 1st 0h) and the year.
    pub fn year_and_fractional_day(self) -> (i64, f64) {
        let (year, doy, ns) = self.year_day();
        (year, doy as f64 + ns as f64 / NS_PER_DAY as f64)
    }

    /// Julian Date split in a whole part (at 0h, ending in .5) and a day fraction.
    pub fn jd_split(self) -> (f64, f64) {
        let days = self.ns_since_1950.div_euclid(NS_PER_DAY);
        let ns = self.ns_since_1950.rem_euclid(NS_PER_DAY);
        (JD_1950 + days as f64, ns as f64 / NS_PER_DAY as f64)
    }

    /// Days (f64) since 1950-01-01T00:00 UTC.
    pub fn days_since_1950(self) -> f64 {
        let days = self.ns_since_1950.div_euclid(NS_PER_DAY);
        let ns = self.ns_since_1950.rem_euclid(NS_PER_DAY);
        days as f64 + ns as f64 / NS_PER_DAY as f64
    }

    /// This epoch shifted by a number of nanoseconds.
    pub const fn add_ns(self, ns: i64) -> Self {
        Self {
            ns_since_1950: self.ns_since_1950 + ns,
        }
    }

    /// Minutes from `other` to `self` (positive when `self` is later).
    pub fn minutes_since(self, other: Epoch) -> f64 {
        // i128: epochs span 1800–2200, more than an i64 of nanoseconds can hold.
        (self.ns_since_1950 as i128 - other.ns_since_1950 as i128) as f64 / 60e9
    }

    /// ISO 8601 text `YYYY-MM-DDTHH:MM:SS.ffffff` (9 decimals if sub-microsecond).
    pub fn to_iso(self) -> String {
        self.to_string()
    }

    /// Reads an ISO 8601 / CCSDS time: `YYYY-MM-DDTHH:MM:SS[.f…][Z]`,
    /// `YYYY-DDDTHH:MM:SS[.f…][Z]` (day of year), or a bare date `YYYY-MM-DD`.
    pub fn parse_iso(text: &str) -> Result<Self, EpochError> {
        let layout = || EpochError::Layout {
            expected: "an ISO 8601 time YYYY-MM-DDTHH:MM:SS[.ffffff][Z]",
            found: text.to_string(),
        };
        let s = text.trim();
        let s = s.strip_suffix('Z').unwrap_or(s);
        if !s.is_ascii() {
            return Err(layout());
        }
        let (date, time) = match s.split_once(['T', ' ']) {
            Some((d, t)) => (d, Some(t)),
            None => (s, None),
        };
        let (hour, minute, second, nanosecond) = match time {
            None => (0, 0, 0, 0),
            Some(t) => parse_hms(t).ok_or_else(layout)?,
        };
        let parts: Vec<&str> = date.split('-').collect();
        let num = |p: &str, len: usize| -> Option<i64> {
            if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse().ok()
            } else {
                None
            }
        };
        match parts.as_slice() {
            [y, m, d] => {
                let year = num(y, 4).ok_or_else(layout)?;
                let month = num(m, 2).ok_or_else(layout)? as u32;
                let day = num(d, 2).ok_or_else(layout)? as u32;
                Self::from_calendar(Calendar {
                    year,
                    month,
                    day,
                    hour,
                    minute,
                    second,
                    nanosecond,
                })
            }
            [y, doy] => {
                let year = num(y, 4).ok_or_else(layout)?;
                let doy = num(doy, 3).ok_or_else(layout)? as u32;
                check_range("hour", hour as i64, 0, 23)?;
                check_range("minute", minute as i64, 0, 59)?;
                check_range("second", second as i64, 0, 59)?;
                let ns = (hour as i64 * 3600 + minute as i64 * 60 + second as i64) * 1_000_000_000
                    + nanosecond as i64;
                Self::from_year_day(year, doy, ns)
            }
            _ => Err(layout()),
        }
    }
}

fn parse_hms(t: &str) -> Option<(u32, u32, u32, u32)> {
    let mut it = t.split(':');
    let h = it.next()?;
    let m = it.next()?;
    let s = it.next()?;
    if it.next().is_some() || h.len() != 2 || m.len() != 2 {
        return None;
    }
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) {
        return None;
    }
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, f),
        None => (s, ""),
    };
    if whole.len() != 2 || !digits(whole) || (!frac.is_empty() && !digits(frac)) {
        return None;
    }
    if frac.len() > 9 {
        // Beyond nanoseconds: only zeros are representable exactly; round otherwise.
        let (head, tail) = frac.split_at(9);
        if !tail.bytes().all(|b| b == b'0') {
            let ns: u32 = head.parse().ok()?;
            let round_up = tail.as_bytes()[0] >= b'5';
            let ns = ns + u32::from(round_up);
            if ns >= 1_000_000_000 {
                return None;
            }
            return Some((h.parse().ok()?, m.parse().ok()?, whole.parse().ok()?, ns));
        }
    }
    let mut ns: u32 = 0;
    for (i, b) in frac.bytes().take(9).enumerate() {
        ns += (b - b'0') as u32 * 10u32.pow(8 - i as u32);
    }
    Some((h.parse().ok()?, m.parse().ok()?, whole.parse().ok()?, ns))
}

fn check_range(component: &'static str, value: i64, lo: i64, hi: i64) -> Result<(), EpochError> {
    if value < lo || value > hi {
        Err(EpochError::Range { component, value })
    } else {
        Ok(())
    }
}

impl fmt::Display for Epoch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.calendar();
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        )?;
        if c.nanosecond.is_multiple_of(1000) {
            write!(f, ".{:06}", c.nanosecond / 1000)
        } else {
            write!(f, ".{:09}", c.nanosecond)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_over_centuries() {
        for days in -40_000..80_000 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn jd_of_j2000_noon() {
        let e = Epoch::parse_iso("2000-01-01T12:00:00").unwrap();
        let (whole, frac) = e.jd_split();
        assert_eq!(whole + frac, 2_451_545.0);
    }

    #[test]
    fn iso_round_trip_micro_and_nano() {
        for s in [
            "2026-04-20T12:34:56.123456",
            "1957-10-04T19:28:34.000000",
            "2024-02-29T23:59:59.999999999",
        ] {
            assert_eq!(Epoch::parse_iso(s).unwrap().to_iso(), s);
        }
        let doy = Epoch::parse_iso("2024-060T00:00:00Z").unwrap();
        assert_eq!(doy.to_iso(), "2024-02-29T00:00:00.000000");
    }

    #[test]
    fn rejects_bad_calendar() {
        assert!(Epoch::parse_iso("2023-02-29T00:00:00").is_err());
        assert!(Epoch::parse_iso("2023-13-01").is_err());
        assert!(Epoch::parse_iso("2023-01-01T24:00:00").is_err());
        assert!(Epoch::parse_iso("garbage").is_err());
        assert!(Epoch::parse_iso("2023-01-01T00:00:00.x").is_err());
        assert!(Epoch::parse_iso("２023-01-01").is_err());
    }

    #[test]
    fn minutes_between_extreme_epochs_do_not_overflow() {
        let early = Epoch::parse_iso("1800-01-01T00:00:00").unwrap();
        let late = Epoch::parse_iso("2200-12-31T00:00:00").unwrap();
        let minutes = late.minutes_since(early);
        assert!(
            (minutes - 401.0 * 365.2425 * 1440.0).abs() < 2.0 * 1440.0,
            "{minutes}"
        );
        assert_eq!(early.minutes_since(late), -minutes);
    }

    #[test]
    fn year_day_matches_calendar() {
        let e = Epoch::parse_iso("2008-09-20T12:25:40.104192").unwrap();
        let (y, doy, ns) = e.year_day();
        assert_eq!((y, doy), (2008, 264));
        assert_eq!(ns, 44_740_104_192_000);
        let (_, fd) = e.year_and_fractional_day();
        assert!((fd - 264.51782528).abs() < 1e-9);
    }
}
