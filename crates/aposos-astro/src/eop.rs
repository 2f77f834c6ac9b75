//! IERS Earth orientation parameters (UT1−UTC, polar motion) from `finals2000A.all`.
//!
//! The table is read from text (this crate does no file I/O): [`Eop::from_finals_text`]
//! for a file the user brings, [`Eop::embedded`] for the snapshot shipped in
//! `data/eop/finals2000A.all`. Values are interpolated linearly between the daily
//! rows in TAI, with UT1−TAI (not UT1−UTC) as the interpolated quantity, so a leap
//! second between two rows does not smear a one-second jump over the day.

use std::sync::OnceLock;

use hifitime::{Duration, Epoch};

/// The `finals2000A.all` snapshot shipped with APOSOS (see `data/eop/README.md`).
pub const EMBEDDED_FINALS2000A: &str = include_str!("../../../data/eop/finals2000A.all");

/// Nanoseconds in one day of 86,400 s.
pub(crate) const NS_PER_DAY: i128 = 86_400_000_000_000;
/// MJD of hifitime's reference epoch, 1900-01-01T00:00:00.
pub(crate) const MJD_J1900: i64 = 15_020;

/// Whether an interpolated EOP value comes from final, predicted or no data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EopQuality {
    /// Both rows used carry the IERS "I" (final/observed) flag.
    Final,
    /// At least one row used carries the "P" (predicted) flag.
    Predicted,
    /// The instant is outside the table: UT1−UTC = 0 and polar motion = 0 were returned.
    OutOfRange,
}

/// Earth orientation at one instant: UT1−UTC in seconds, polar motion in arcseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EopSample {
    /// UT1 − UTC (s).
    pub ut1_utc_s: f64,
    /// Polar motion x_p (arcsec), IERS convention.
    pub xp_arcsec: f64,
    /// Polar motion y_p (arcsec), IERS convention.
    pub yp_arcsec: f64,
    /// Whether the values are final, predicted, or zero because the instant is out of range.
    pub quality: EopQuality,
}

impl EopSample {
    /// The value used outside the table: all zero, flagged [`EopQuality::OutOfRange`].
    pub const OUT_OF_RANGE: EopSample = EopSample {
        ut1_utc_s: 0.0,
        xp_arcsec: 0.0,
        yp_arcsec: 0.0,
        quality: EopQuality::OutOfRange,
    };
}

/// Why a `finals2000A.all` text was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EopError {
    /// A fixed-column field could not be read.
    #[error("finals2000A line {line}: field {field} (columns {columns}): {reason}")]
    Field {
        /// 1-based line number.
        line: usize,
        /// Field name as in the IERS ReadMe (e.g. `UT1_UTC_A`).
        field: &'static str,
        /// 1-based inclusive column range of the field.
        columns: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A line is wrong as a whole (not ASCII, out of sequence, a gap in the data, ...).
    #[error("finals2000A line {line}: {reason}")]
    Line {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// The text has fewer than two rows with UT1−UTC and polar motion.
    #[error("finals2000A: fewer than two rows with data")]
    TooFewRows,
}

/// One day of the table, reduced to what interpolation needs.
#[derive(Clone, Copy, Debug)]
struct Row {
    /// MJD (UTC) of 0h of the row's day.
    mjd: i64,
    /// TAI nanoseconds since 1900-01-01T00:00 TAI at 0h UTC of the row's day.
    tai_ns: i128,
    /// UT1 − TAI (s).
    ut1_tai_s: f64,
    /// Polar motion x (arcsec).
    xp_arcsec: f64,
    /// Polar motion y (arcsec).
    yp_arcsec: f64,
    /// Whether UT1 or polar motion of this row is predicted.
    predicted: bool,
}

/// A summary of a parsed table, for `aposos eop update` and log lines.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EopSummary {
    /// MJD (UTC) of the first row with data.
    pub first_mjd: i64,
    /// MJD (UTC) of the last row whose UT1 and polar motion are both final ("I").
    pub last_final_mjd: Option<i64>,
    /// MJD (UTC) of the last row with data (final or predicted).
    pub last_mjd: i64,
    /// Number of rows with data.
    pub rows: usize,
}

/// An IERS EOP table (UT1−UTC, polar motion), interpolated linearly between days.
#[derive(Clone, Debug)]
pub struct Eop {
    rows: Vec<Row>,
    summary: EopSummary,
}

/// 1-based inclusive column range `[a, b]` of an ASCII line; blank when the line is shorter.
fn cols(line: &str, a: usize, b: usize) -> &str {
    let len = line.len();
    if a > len {
        return "";
    }
    line.get(a - 1..b.min(len)).unwrap_or("")
}

/// Field descriptor: name, column label, start, end (1-based, inclusive).
struct Field(&'static str, &'static str, usize, usize);

const F_MJD: Field = Field("MJD", "8-15", 8, 15);
const F_PM_FLAG: Field = Field("PolPMFlag_A", "17", 17, 17);
const F_PMX_A: Field = Field("PM_x_A", "19-27", 19, 27);
const F_PMY_A: Field = Field("PM_y_A", "38-46", 38, 46);
const F_UT1_FLAG: Field = Field("UT1Flag_A", "58", 58, 58);
const F_UT1_A: Field = Field("UT1_UTC_A", "59-68", 59, 68);
const F_PMX_B: Field = Field("PM_X_B", "135-144", 135, 144);
const F_PMY_B: Field = Field("PM_Y_B", "145-154", 145, 154);
const F_UT1_B: Field = Field("UT1_UTC_B", "155-165", 155, 165);
const F_YEAR: Field = Field("year", "1-2", 1, 2);
const F_MONTH: Field = Field("month", "3-4", 3, 4);
const F_DAY: Field = Field("day", "5-6", 5, 6);

fn field_err(line: usize, f: &Field, reason: impl Into<String>) -> EopError {
    EopError::Field {
        line,
        field: f.0,
        columns: f.1,
        reason: reason.into(),
    }
}

/// Reads an optional float field: `Ok(None)` when blank.
fn opt_f64(line_no: usize, line: &str, f: &Field) -> Result<Option<f64>, EopError> {
    let s = cols(line, f.2, f.3).trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(field_err(line_no, f, format!("not a number: {s:?}"))),
    }
}

/// Reads a required integer field.
fn req_int(line_no: usize, line: &str, f: &Field) -> Result<i64, EopError> {
    let s = cols(line, f.2, f.3).trim();
    s.parse::<i64>()
        .map_err(|_| field_err(line_no, f, format!("not an integer: {s:?}")))
}

/// Civil date of an MJD (proleptic Gregorian), after H. Hinnant.
fn civil_from_mjd(mjd: i64) -> (i64, i64, i64) {
    let z = mjd + 678_881; // days since 0000-03-01
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The IERS flag at one column: `Ok(Some(true))` for "P", `Some(false)` for "I", `None` blank.
fn flag(line_no: usize, line: &str, f: &Field) -> Result<Option<bool>, EopError> {
    match cols(line, f.2, f.3) {
        "I" => Ok(Some(false)),
        "P" => Ok(Some(true)),
        "" | " " => Ok(None),
        other => Err(field_err(
            line_no,
            f,
            format!("flag must be I or P, found {other:?}"),
        )),
    }
}

/// TAI nanoseconds since 1900-01-01 TAI and TAI−UTC (s) at 0h UTC of `mjd`.
fn tai_at_mjd(mjd: i64) -> (i128, f64) {
    let utc_ns = i128::from(mjd - MJD_J1900) * NS_PER_DAY;
    let e = Epoch::from_utc_duration(Duration::from_total_nanoseconds(utc_ns));
    let tai_ns = e.to_tai_duration().total_nanoseconds();
    (tai_ns, (tai_ns - utc_ns) as f64 * 1e-9)
}

impl Eop {
    /// The table shipped with APOSOS (`data/eop/finals2000A.all`), parsed once and cached.
    pub fn embedded() -> &'static Eop {
        static EMBEDDED: OnceLock<Eop> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            // The embedded text is part of the build, not user input; the test
            // `embedded_table_parses` guarantees it parses.
            Eop::from_finals_text(EMBEDDED_FINALS2000A)
                .expect("embedded data/eop/finals2000A.all must parse")
        })
    }

    /// Parses IERS `finals2000A.all` (or `.data`/`.daily`) text strictly: Bulletin A
    /// UT1−UTC and polar motion, Bulletin B where A is blank; rows after the data
    /// (date only) are allowed at the end, gaps are not.
    pub fn from_finals_text(text: &str) -> Result<Eop, EopError> {
        let mut rows: Vec<Row> = Vec::new();
        let mut prev_mjd: Option<i64> = None;
        let mut data_ended_at: Option<usize> = None;
        let mut last_final_mjd = None;

        for (idx, line) in text.lines().enumerate() {
            let n = idx + 1;
            if line.trim().is_empty() {
                continue;
            }
            if !line.is_ascii() {
                return Err(EopError::Line {
                    line: n,
                    reason: "not ASCII text".into(),
                });
            }
            // Date and MJD, cross-checked.
            let mjd_f = opt_f64(n, line, &F_MJD)?.ok_or_else(|| field_err(n, &F_MJD, "blank"))?;
            if mjd_f.fract() != 0.0 || !(0.0..=200_000.0).contains(&mjd_f) {
                return Err(field_err(
                    n,
                    &F_MJD,
                    format!("not a whole-day MJD: {mjd_f}"),
                ));
            }
            let mjd = mjd_f as i64;
            let (y, m, d) = civil_from_mjd(mjd);
            let (yy, mm, dd) = (
                req_int(n, line, &F_YEAR)?,
                req_int(n, line, &F_MONTH)?,
                req_int(n, line, &F_DAY)?,
            );
            if yy != y.rem_euclid(100) || mm != m || dd != d {
                return Err(EopError::Line {
                    line: n,
                    reason: format!(
                        "date {yy:02}-{mm:02}-{dd:02} does not match MJD {mjd} ({y}-{m:02}-{d:02})"
                    ),
                });
            }
            if let Some(p) = prev_mjd {
                if mjd != p + 1 {
                    return Err(EopError::Line {
                        line: n,
                        reason: format!("MJD {mjd} does not follow MJD {p} (rows must be daily)"),
                    });
                }
            }
            prev_mjd = Some(mjd);

            // Bulletin A, Bulletin B where A is blank.
            let pm_flag = flag(n, line, &F_PM_FLAG)?;
            let ut1_flag = flag(n, line, &F_UT1_FLAG)?;
            let mut xp = opt_f64(n, line, &F_PMX_A)?;
            let mut yp = opt_f64(n, line, &F_PMY_A)?;
            let mut ut1 = opt_f64(n, line, &F_UT1_A)?;
            let (mut pm_pred, mut ut1_pred) = (false, false);
            if xp.is_some() || yp.is_some() {
                pm_pred =
                    pm_flag.ok_or_else(|| field_err(n, &F_PM_FLAG, "blank flag with data"))?;
            } else {
                xp = opt_f64(n, line, &F_PMX_B)?;
                yp = opt_f64(n, line, &F_PMY_B)?;
            }
            if ut1.is_some() {
                ut1_pred =
                    ut1_flag.ok_or_else(|| field_err(n, &F_UT1_FLAG, "blank flag with data"))?;
            } else {
                ut1 = opt_f64(n, line, &F_UT1_B)?;
            }

            match (xp, yp, ut1) {
                (None, None, None) => {
                    // A date-only row: allowed only after the data.
                    if !rows.is_empty() && data_ended_at.is_none() {
                        data_ended_at = Some(n);
                    }
                }
                (Some(xp), Some(yp), Some(ut1)) => {
                    if let Some(end) = data_ended_at {
                        return Err(EopError::Line {
                            line: n,
                            reason: format!("data after the empty row at line {end} (gap)"),
                        });
                    }
                    if ut1.abs() > 1.0 {
                        return Err(field_err(n, &F_UT1_A, format!("|UT1-UTC| > 1 s: {ut1}")));
                    }
                    if xp.abs() > 2.0 {
                        return Err(field_err(n, &F_PMX_A, format!("|x_p| > 2 arcsec: {xp}")));
                    }
                    if yp.abs() > 2.0 {
                        return Err(field_err(n, &F_PMY_A, format!("|y_p| > 2 arcsec: {yp}")));
                    }
                    let (tai_ns, tai_utc_s) = tai_at_mjd(mjd);
                    let row = Row {
                        mjd,
                        tai_ns,
                        ut1_tai_s: ut1 - tai_utc_s,
                        xp_arcsec: xp,
                        yp_arcsec: yp,
                        predicted: pm_pred || ut1_pred,
                    };
                    if let Some(prev) = rows.last() {
                        if (row.ut1_tai_s - prev.ut1_tai_s).abs() > 0.5 {
                            return Err(EopError::Line {
                                line: n,
                                reason: format!(
                                    "UT1-TAI jumps by {:.3} s from MJD {}: a leap second the \
                                     built-in leap-second table (hifitime) does not know",
                                    row.ut1_tai_s - prev.ut1_tai_s,
                                    prev.mjd
                                ),
                            });
                        }
                    }
                    if !row.predicted {
                        last_final_mjd = Some(mjd);
                    }
                    rows.push(row);
                }
                _ => {
                    return Err(EopError::Line {
                        line: n,
                        reason: "row has only part of x_p, y_p, UT1-UTC".into(),
                    })
                }
            }
        }
        if rows.len() < 2 {
            return Err(EopError::TooFewRows);
        }
        let summary = EopSummary {
            first_mjd: rows[0].mjd,
            last_final_mjd,
            last_mjd: rows[rows.len() - 1].mjd,
            rows: rows.len(),
        };
        Ok(Eop { rows, summary })
    }

    /// First/last MJD and row count of the table.
    pub fn summary(&self) -> EopSummary {
        self.summary
    }

    /// UT1−UTC and polar motion at a UTC/TAI instant, interpolated linearly in TAI.
    pub fn sample(&self, epoch: Epoch) -> EopSample {
        let tai_ns = epoch.to_tai_duration().total_nanoseconds();
        let utc_ns = epoch.to_utc_duration().total_nanoseconds();
        self.sample_tai_ns(tai_ns, (tai_ns - utc_ns) as f64 * 1e-9)
    }

    /// Interpolation core: `tai_ns` since 1900-01-01 TAI, `tai_utc_s` = TAI−UTC at that instant.
    pub(crate) fn sample_tai_ns(&self, tai_ns: i128, tai_utc_s: f64) -> EopSample {
        let rows = &self.rows;
        let (first, last) = match (rows.first(), rows.last()) {
            (Some(f), Some(l)) => (f, l),
            _ => return EopSample::OUT_OF_RANGE,
        };
        if tai_ns < first.tai_ns || tai_ns > last.tai_ns {
            return EopSample::OUT_OF_RANGE;
        }
        // Index of the last row with tai_ns <= t.
        let i = rows
            .partition_point(|r| r.tai_ns <= tai_ns)
            .saturating_sub(1);
        let a = &rows[i];
        let (b, frac) = match rows.get(i + 1) {
            Some(b) => (b, (tai_ns - a.tai_ns) as f64 / (b.tai_ns - a.tai_ns) as f64),
            None => (a, 0.0),
        };
        let lerp = |x: f64, y: f64| x + (y - x) * frac;
        let predicted = a.predicted || (frac > 0.0 && b.predicted);
        EopSample {
            ut1_utc_s: lerp(a.ut1_tai_s, b.ut1_tai_s) + tai_utc_s,
            xp_arcsec: lerp(a.xp_arcsec, b.xp_arcsec),
            yp_arcsec: lerp(a.yp_arcsec, b.yp_arcsec),
            quality: if predicted {
                EopQuality::Predicted
            } else {
                EopQuality::Final
            },
        }
    }
}

/// Checks a user-supplied `finals2000A.all` text before `aposos eop update` installs it
/// (strict parse); compare the summary with `Eop::embedded().summary()` to warn on an older file.
pub fn validate_update(text: &str) -> Result<(Eop, EopSummary), EopError> {
    let eop = Eop::from_finals_text(text)?;
    let s = eop.summary();
    Ok((eop, s))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINES: &str = "\
161229 57751.00 I  0.084635 0.000052  0.264193 0.000037  I-0.4060885 0.0000079  0.8162 0.0055  I     0.003    0.119    -0.139    0.024  0.084589  0.264175 -0.4060935    -0.024    -0.029  
161230 57752.00 I  0.082883 0.000052  0.263539 0.000038  I-0.4069180 0.0000079  0.8286 0.0056  I     0.022    0.119    -0.155    0.024  0.082924  0.263518 -0.4069106    -0.023    -0.038  
161231 57753.00 I  0.081400 0.000052  0.263094 0.000039  I-0.4077601 0.0000078  0.8842 0.0055  I     0.025    0.119    -0.169    0.024  0.081318  0.262990 -0.4077600    -0.021    -0.048  
17 1 1 57754.00 I  0.080504 0.000028  0.263145 0.000028  I 0.5912821 0.0000077  1.0342 0.0050  I     0.012    0.119    -0.168    0.018  0.080450  0.263074  0.5912975    -0.019    -0.057  
17 1 2 57755.00 P  0.080285 0.000029  0.263605 0.000032  P 0.5901752 0.0000063  1.1730 0.0048  I    -0.001    0.040    -0.156    0.033  0.080275  0.263595  0.5902149    -0.027    -0.065  
17 1 3 57756.00                                                                                                                                                                            
";

    fn epoch_utc(mjd: i64, sec: f64) -> Epoch {
        Epoch::from_utc_duration(Duration::from_total_nanoseconds(
            i128::from(mjd - MJD_J1900) * NS_PER_DAY + (sec * 1e9).round() as i128,
        ))
    }

    #[test]
    fn embedded_table_parses() {
        let eop = Eop::embedded();
        let s = eop.summary();
        assert_eq!(s.first_mjd, 41684);
        assert!(s.last_mjd > 61600, "{s:?}");
        assert!(s.last_final_mjd.is_some_and(|m| m < s.last_mjd));
    }

    #[test]
    fn interpolates_across_the_2016_leap_second() {
        let eop = Eop::from_finals_text(LINES).unwrap();
        // Exactly on a row.
        let s = eop.sample(epoch_utc(57753, 0.0));
        assert!((s.ut1_utc_s + 0.4077601).abs() < 1e-12, "{s:?}");
        assert_eq!(s.quality, EopQuality::Final);
        // Noon on the leap-second day (86,401 s long): UT1-TAI is linear.
        let s = eop.sample(epoch_utc(57753, 43_200.0));
        let ut1_tai_a = -0.4077601 - 36.0;
        let ut1_tai_b = 0.5912821 - 37.0;
        let expect = ut1_tai_a + (ut1_tai_b - ut1_tai_a) * (43_200.0 / 86_401.0) + 36.0;
        assert!(
            (s.ut1_utc_s - expect).abs() < 1e-12,
            "{} vs {}",
            s.ut1_utc_s,
            expect
        );
        // Just after the leap second UT1-UTC is near +0.59 s, not an average of -0.41 and +0.59.
        let s = eop.sample(epoch_utc(57754, 1.0));
        assert!((s.ut1_utc_s - 0.5912821).abs() < 1e-4, "{s:?}");
        // Polar motion is plain linear.
        let s = eop.sample(epoch_utc(57752, 21_600.0));
        assert!((s.xp_arcsec - (0.082883 + 0.25 * (0.081400 - 0.082883))).abs() < 1e-12);
        // Predicted row involved.
        assert_eq!(
            eop.sample(epoch_utc(57754, 10.0)).quality,
            EopQuality::Predicted
        );
        assert_eq!(
            eop.sample(epoch_utc(57755, 0.0)).quality,
            EopQuality::Predicted
        );
    }

    #[test]
    fn out_of_range_is_zero_and_flagged() {
        let eop = Eop::from_finals_text(LINES).unwrap();
        assert_eq!(eop.sample(epoch_utc(57755, 1.0)), EopSample::OUT_OF_RANGE);
        assert_eq!(
            eop.sample(epoch_utc(57750, 86_399.0)),
            EopSample::OUT_OF_RANGE
        );
        let s = eop.summary();
        assert_eq!(
            (s.first_mjd, s.last_final_mjd, s.last_mjd, s.rows),
            (57751, Some(57754), 57755, 5)
        );
    }

    #[test]
    fn errors_name_line_and_field() {
        let bad = LINES.replace("I-0.4069180", "I-0.40x9180");
        match Eop::from_finals_text(&bad) {
            Err(EopError::Field {
                line: 2,
                field: "UT1_UTC_A",
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
        let bad = LINES.replace("17 1 2 57755.00 P", "17 1 2 57755.00 X");
        match Eop::from_finals_text(&bad) {
            Err(EopError::Field {
                line: 5,
                field: "PolPMFlag_A",
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
        // Skipped day.
        let lines: Vec<&str> = LINES.lines().collect();
        let gap = [lines[0], lines[2]].join("\n");
        assert!(matches!(
            Eop::from_finals_text(&gap),
            Err(EopError::Line { line: 2, .. })
        ));
        // Date not matching the MJD.
        let bad = LINES.replace("161230 57752", "161231 57752");
        assert!(matches!(
            Eop::from_finals_text(&bad),
            Err(EopError::Line { line: 2, .. })
        ));
        // Data after an empty row.
        let gap = [lines[0], lines[1], "161231 57753.00", lines[3]].join("\n");
        assert!(matches!(
            Eop::from_finals_text(&gap),
            Err(EopError::Line { line: 4, .. })
        ));
        // Leap second unknown to the built-in table: UT1-UTC jump on a day without one.
        let bad = LINES.replace("I-0.4069180", "I 0.5930820");
        assert!(matches!(
            Eop::from_finals_text(&bad),
            Err(EopError::Line { line: 2, .. })
        ));
        assert!(matches!(
            Eop::from_finals_text(""),
            Err(EopError::TooFewRows)
        ));
        // Non-ASCII and truncated lines never panic.
        assert!(Eop::from_finals_text("161229 57751.00 I  0.0630é3").is_err());
        assert!(Eop::from_finals_text("1612").is_err());
    }

    #[test]
    fn truncated_or_mangled_text_never_panics() {
        for cut in 0..LINES.len() {
            let _ = Eop::from_finals_text(&LINES[..cut]);
            let mut bytes = LINES.as_bytes().to_vec();
            bytes[cut] = b'9';
            let _ = Eop::from_finals_text(&String::from_utf8_lossy(&bytes));
        }
    }

    #[test]
    fn bulletin_b_fallback() {
        // Blank out Bulletin A UT1 on the first row: B (0.5946575) is used.
        let mut lines: Vec<String> = LINES.lines().map(String::from).collect();
        lines[0].replace_range(57..68, &" ".repeat(11));
        let eop = Eop::from_finals_text(&lines.join("\n")).unwrap();
        let s = eop.sample(epoch_utc(57751, 0.0));
        assert!((s.ut1_utc_s + 0.4060935).abs() < 1e-12, "{s:?}");
    }
}
