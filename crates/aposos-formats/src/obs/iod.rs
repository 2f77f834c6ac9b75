//! The IOD format (G. D. Lewis, "IOD Observation Format Description", 1998, clarified
//! 2002): one 80-column line per observation, used by the visual and optical
//! satellite-observer community (SeeSat, COSPAR station numbers).
//!
//! | columns | field | notes |
//! |---|---|---|
//! | 1–5 | catalog number | 5 digits (Alpha-5 accepted) |
//! | 7–8, 10–12, 13–15 | international designator | year, launch number, piece |
//! | 17–20 | station number | 4 digits |
//! | 22 | station status | `E G F P B T` sky condition; `C` clouded out, `O` observer absent |
//! | 24–31 | UTC date | `YYYYMMDD` |
//! | 32–40 | UTC time | `HHMMSSsss`, may be truncated to the precision reported |
//! | 42–43 | time uncertainty | `MX`: M × 10^(X−8) s |
//! | 45 | angle format code | see below |
//! | 46 | epoch code | 0 of date (topocentric apparent), 1 1855.0, 2 1875.0, 3 1900.0, 4 1950.0, 5 2000.0, 6 2050.0 |
//! | 48–54, 55, 56–61 | angles | first angle, sign of the second, second angle |
//! | 63–64 | positional uncertainty | `MX`: M × 10^(X−8), in the unit of the angle format |
//! | 66 | optical behaviour | `E F I R S X B H P A M N U V` … |
//! | 67–70 | visual magnitude | sign and `MMm` (tenths) |
//! | 72–73 | magnitude uncertainty | `Mm` (tenths) |
//! | 75–80 | flash period | `SSSsss` seconds |
//!
//! Angle format codes (the uncertainty's unit in brackets):
//! 1 RA/Dec `HHMMSSs+DDMMSS` (arcsec), 2 RA/Dec `HHMMmmm+DDMMmm` (arcmin),
//! 3 RA/Dec `HHMMmmm+DDdddd` (degrees), 4 Az/El `DDDMMSS+DDMMSS` (arcsec),
//! 5 Az/El `DDDMMmm+DDMMmm` (arcmin), 6 Az/El `DDDdddd+DDdddd` (degrees),
//! 7 RA/Dec `HHMMSSs+DDdddd` (degrees).
//!
//! Truncated fields (trailing blanks) are read with the missing digits as zeros, as
//! the format intends: precision is given by the uncertainty code. Lines that carry no
//! position (station status reports, brightness-only records) are skipped with a
//! warning; anything else that does not fit is refused with its line and columns.

use super::{Angles, IodCodes, Observation, ObservationsRead, RaDecFrame};
use crate::alpha5::{decode_alpha5, encode_alpha5};
use crate::epoch::{Calendar, Epoch};
use crate::error::{ParseError, Warning, WriteError};

/// Columns `first..=last` (1-based) of `line`, or `""` where the line is shorter.
pub(super) fn cols(line: &str, first: usize, last: usize) -> &str {
    let bytes = line.as_bytes();
    let start = (first - 1).min(bytes.len());
    let end = last.min(bytes.len());
    line.get(start..end).unwrap_or("")
}

/// A parse error of `field` in columns `first..=last`.
pub(super) fn err(
    field: &str,
    first: usize,
    last: usize,
    expected: &str,
    found: &str,
) -> ParseError {
    ParseError::new(format!("{field} (columns {first}-{last})"), expected, found)
}

/// Digits of a fixed-width field, blanks at the end read as zeros; `None` when blank.
fn digits(line: &str, first: usize, last: usize, field: &str) -> Result<Option<u64>, ParseError> {
    let raw = cols(line, first, last);
    let width = last + 1 - first;
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let trimmed = raw.trim_end();
    if !trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err(
            field,
            first,
            last,
            "digits (trailing blanks allowed)",
            raw,
        ));
    }
    let mut padded = trimmed.to_string();
    while padded.len() < width {
        padded.push('0');
    }
    padded
        .parse()
        .map(Some)
        .map_err(|_| err(field, first, last, "digits", raw))
}

/// An `MX` code: M × 10^(X−8).
fn mx(line: &str, first: usize, field: &str) -> Result<Option<f64>, ParseError> {
    let raw = cols(line, first, first + 1);
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let b = raw.as_bytes();
    if b.len() != 2 || !b[0].is_ascii_digit() || !b[1].is_ascii_digit() {
        return Err(err(
            field,
            first,
            first + 1,
            "two digits MX (M × 10^(X-8))",
            raw,
        ));
    }
    let m = f64::from(b[0] - b'0');
    let x = i32::from(b[1] - b'0');
    Ok(Some(m * 10f64.powi(x - 8)))
}

/// The `MX` code nearest to `v` (> 0), or `None` when it cannot be written.
fn to_mx(v: f64) -> Option<String> {
    if v.is_nan() || v <= 0.0 || !v.is_finite() {
        return None;
    }
    let mut x = v.log10().floor() as i32 + 8;
    let mut m = (v / 10f64.powi(x - 8)).round() as i32;
    if m >= 10 {
        m = 1;
        x += 1;
    }
    if m == 0 {
        m = 1;
    }
    (0..=9).contains(&x).then(|| format!("{m}{x}"))
}

/// Unit of the positional uncertainty for an angle format code, degrees.
fn sigma_unit_deg(code: u8) -> f64 {
    match code {
        1 | 4 => 1.0 / 3600.0,
        2 | 5 => 1.0 / 60.0,
        _ => 1.0,
    }
}

/// Reads the first angle (RA in hours or Az in degrees) and the second (Dec/El) for `code`.
fn read_angles(line: &str, code: u8) -> Result<(f64, f64), ParseError> {
    let a = digits(line, 48, 54, "first angle")?
        .ok_or_else(|| err("first angle", 48, 54, "an angle", "nothing"))?;
    let sign = match cols(line, 55, 55) {
        "+" | " " => 1.0,
        "-" => -1.0,
        other => return Err(err("sign of the second angle", 55, 55, "+ or -", other)),
    };
    let d = digits(line, 56, 61, "second angle")?
        .ok_or_else(|| err("second angle", 56, 61, "an angle", "nothing"))?;
    let (a, d) = (a as f64, d as f64);
    // First angle: 7 digits; second: 6 digits.
    let first = match code {
        // HHMMSSs
        1 | 7 => {
            let (hh, mm, ss) = (
                (a / 1e5).floor(),
                ((a / 1e3).floor()) % 100.0,
                (a % 1e3) / 10.0,
            );
            check_sexagesimal(line, 48, 54, "first angle", mm, ss)?;
            (hh + mm / 60.0 + ss / 3600.0) * 15.0
        }
        // HHMMmmm
        2 | 3 => {
            let (hh, mm) = ((a / 1e5).floor(), (a % 1e5) / 1e3);
            check_sexagesimal(line, 48, 54, "first angle", mm, 0.0)?;
            (hh + mm / 60.0) * 15.0
        }
        // DDDMMSS
        4 => {
            let (dd, mm, ss) = ((a / 1e4).floor(), ((a / 1e2).floor()) % 100.0, a % 100.0);
            check_sexagesimal(line, 48, 54, "first angle", mm, ss)?;
            dd + mm / 60.0 + ss / 3600.0
        }
        // DDDMMmm
        5 => {
            let (dd, mm) = ((a / 1e4).floor(), (a % 1e4) / 100.0);
            check_sexagesimal(line, 48, 54, "first angle", mm, 0.0)?;
            dd + mm / 60.0
        }
        // DDDdddd
        _ => a / 1e4,
    };
    let second = match code {
        // DDMMSS
        1 | 4 => {
            let (dd, mm, ss) = ((d / 1e4).floor(), ((d / 1e2).floor()) % 100.0, d % 100.0);
            check_sexagesimal(line, 56, 61, "second angle", mm, ss)?;
            dd + mm / 60.0 + ss / 3600.0
        }
        // DDMMmm
        2 | 5 => {
            let (dd, mm) = ((d / 1e4).floor(), (d % 1e4) / 100.0);
            check_sexagesimal(line, 56, 61, "second angle", mm, 0.0)?;
            dd + mm / 60.0
        }
        // DDdddd
        _ => d / 1e4,
    };
    if !(0.0..360.0).contains(&first) {
        return Err(err(
            "first angle",
            48,
            54,
            "an angle below 24 h (RA) or 360° (Az)",
            cols(line, 48, 54),
        ));
    }
    if second > 90.0 {
        return Err(err(
            "second angle",
            56,
            61,
            "at most 90°",
            cols(line, 56, 61),
        ));
    }
    Ok((first, sign * second))
}

fn check_sexagesimal(
    line: &str,
    first: usize,
    last: usize,
    field: &str,
    mm: f64,
    ss: f64,
) -> Result<(), ParseError> {
    if mm >= 60.0 || ss >= 60.0 {
        return Err(err(
            field,
            first,
            last,
            "minutes and seconds below 60",
            cols(line, first, last),
        ));
    }
    Ok(())
}

/// Equinoxes of the IOD epoch codes 1-6.
const EQUINOX_CODES: [(f64, u8); 6] = [
    (1855.0, 1),
    (1875.0, 2),
    (1900.0, 3),
    (1950.0, 4),
    (2000.0, 5),
    (2050.0, 6),
];

/// The frame of a star-chart epoch code 1-6 (shared by IOD, UK and RDE); `None` otherwise.
pub(super) fn chart_epoch_frame(code: u8) -> Option<RaDecFrame> {
    match code {
        5 => Some(RaDecFrame::J2000),
        _ => EQUINOX_CODES
            .iter()
            .find(|(_, c)| *c == code)
            .map(|(y, _)| RaDecFrame::Equinox(*y)),
    }
}

/// The star-chart epoch code 1-6 of a frame; `None` when it has none.
pub(super) fn chart_epoch_code(frame: RaDecFrame) -> Option<u8> {
    match frame {
        RaDecFrame::J2000 => Some(5),
        RaDecFrame::Equinox(y) => EQUINOX_CODES
            .iter()
            .find(|(year, _)| *year == y)
            .map(|(_, c)| *c),
        RaDecFrame::OfDate => None,
    }
}

fn frame_of(epoch_code: u8) -> RaDecFrame {
    match epoch_code {
        0 => RaDecFrame::OfDate,
        1 => RaDecFrame::Equinox(1855.0),
        2 => RaDecFrame::Equinox(1875.0),
        3 => RaDecFrame::Equinox(1900.0),
        4 => RaDecFrame::Equinox(1950.0),
        6 => RaDecFrame::Equinox(2050.0),
        _ => RaDecFrame::J2000,
    }
}

/// Reads one IOD line; `Ok(None)` for a valid line that carries no position.
pub fn parse_iod_line(line: &str) -> Result<Option<Observation>, ParseError> {
    if !line.is_ascii() {
        return Err(err("line", 1, 80, "ASCII text", line));
    }
    if line.len() > 80 && !line[80..].trim().is_empty() {
        return Err(err(
            "line",
            81,
            line.len(),
            "at most 80 columns",
            &line[80..],
        ));
    }
    let status = cols(line, 22, 22).chars().next().unwrap_or(' ');
    let object = cols(line, 1, 5);
    if object.trim().is_empty() {
        // A station status report (`2007 O 20081122`) or a blank line.
        if matches!(status, 'C' | 'O') || line.trim().is_empty() {
            return Ok(None);
        }
        return Err(err("catalog number", 1, 5, "a catalog number", object));
    }
    for col in [6, 9, 16, 21, 23] {
        let c = cols(line, col, col);
        if !c.is_empty() && c != " " {
            return Err(err("separator", col, col, "a blank", c));
        }
    }
    let norad = decode_alpha5(object.trim_start_matches(' '))
        .map_err(|_| err("catalog number", 1, 5, "5 digits or Alpha-5", object))?;
    let object_id = {
        let (yy, num, piece) = (
            cols(line, 7, 8),
            cols(line, 10, 12),
            cols(line, 13, 15).trim_end(),
        );
        if yy.trim().is_empty() && num.trim().is_empty() && piece.trim().is_empty() {
            None
        } else {
            if yy.len() != 2 || !yy.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err("launch year", 7, 8, "two digits", yy));
            }
            let y: u32 = yy.parse().unwrap_or(0);
            if !num.bytes().all(|b| b.is_ascii_digit()) || num.len() != 3 {
                return Err(err("launch number", 10, 12, "three digits", num));
            }
            if piece.is_empty() || !piece.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(err("piece", 13, 15, "1 to 3 capital letters", piece));
            }
            let year = if y < 57 { 2000 + y } else { 1900 + y };
            Some(format!("{year}-{num}{piece}"))
        }
    };
    let station = cols(line, 17, 20);
    if station.len() != 4 || !station.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err("station number", 17, 20, "four digits", station));
    }
    if !"EGFPBTCO".contains(status) {
        return Err(err(
            "station status",
            22,
            22,
            "one of E G F P B T C O",
            &status.to_string(),
        ));
    }
    let date = cols(line, 24, 31);
    if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err("date", 24, 31, "YYYYMMDD", date));
    }
    let time =
        digits(line, 32, 40, "time")?.ok_or_else(|| err("time", 32, 40, "HHMMSSsss", "nothing"))?;
    let n = |s: &str| s.parse::<u32>().unwrap_or(0);
    let cal = Calendar {
        year: i64::from(n(&date[0..4])),
        month: n(&date[4..6]),
        day: n(&date[6..8]),
        hour: (time / 10_000_000) as u32,
        minute: ((time / 100_000) % 100) as u32,
        second: ((time / 1000) % 100) as u32,
        nanosecond: (time % 1000) as u32 * 1_000_000,
    };
    let epoch = Epoch::from_calendar(cal).map_err(|e| {
        err(
            "date and time",
            24,
            40,
            "a valid UTC date and time",
            &format!("{} ({e})", cols(line, 24, 40)),
        )
    })?;
    let time_sigma_s = mx(line, 42, "time uncertainty")?;
    let code_text = cols(line, 45, 45);
    if code_text.trim().is_empty() && cols(line, 48, 61).trim().is_empty() {
        return Ok(None); // brightness-only record
    }
    let angle_format = match code_text.as_bytes().first() {
        Some(c @ b'1'..=b'7') => c - b'0',
        _ => return Err(err("angle format code", 45, 45, "1 to 7", code_text)),
    };
    let epoch_text = cols(line, 46, 46);
    let epoch_code = match epoch_text.as_bytes().first() {
        Some(c @ b'0'..=b'6') => c - b'0',
        _ => return Err(err("epoch code", 46, 46, "0 to 6", epoch_text)),
    };
    let (a, b) = read_angles(line, angle_format)?;
    let angles = if matches!(angle_format, 4..=6) {
        Angles::AzEl {
            az_deg: a,
            el_deg: b,
        }
    } else {
        Angles::RaDec {
            ra_deg: a,
            dec_deg: b,
            frame: frame_of(epoch_code),
        }
    };
    let angle_sigma_deg =
        mx(line, 63, "positional uncertainty")?.map(|v| v * sigma_unit_deg(angle_format));
    let behaviour = cols(line, 66, 66).chars().next().filter(|c| *c != ' ');
    let mag = match cols(line, 67, 70) {
        m if m.trim().is_empty() => None,
        m => {
            let sign = match &m[..1] {
                "+" | " " => 1.0,
                "-" => -1.0,
                _ => return Err(err("magnitude", 67, 70, "a sign and MMm", m)),
            };
            let v = digits(line, 68, 70, "magnitude")?.unwrap_or(0);
            Some(sign * v as f64 / 10.0)
        }
    };
    let mag_sigma = digits(line, 72, 73, "magnitude uncertainty")?.map(|v| v as f64 / 10.0);
    let flash_period_s = match cols(line, 75, 80) {
        f if f.trim().is_empty() => None,
        f => {
            let t = f.replace(' ', "0");
            if !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err("flash period", 75, 80, "SSSsss", f));
            }
            digits(&t, 1, 6, "flash period")?.map(|v| v as f64 / 1000.0)
        }
    };
    Ok(Some(Observation {
        station: station.to_string(),
        norad_cat_id: Some(norad),
        object_id,
        time: epoch,
        time_sigma_s,
        angles,
        angle_sigma_deg,
        mag,
        mag_sigma,
        tracklet_id: None,
        iod: Some(IodCodes {
            station_status: status,
            angle_format,
            epoch_code,
            behaviour,
            flash_period_s,
        }),
        provenance: None,
    }))
}

/// Reads every line of an IOD text; bad lines are reported with their line, good ones kept.
pub fn read_iod(source_name: &str, text: &str) -> ObservationsRead {
    let mut out = ObservationsRead::default();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim_end_matches('\r');
        match parse_iod_line(line) {
            Ok(Some(obs)) => out.observations.push((line_no, obs)),
            Ok(None) => {
                if !line.trim().is_empty() {
                    out.warnings.push(
                        Warning::new("no position in this record (station status or brightness only); skipped")
                            .with_source(source_name)
                            .with_line(Some(line_no)),
                    );
                }
            }
            Err(e) => out
                .errors
                .push(e.with_source(source_name).with_line(Some(line_no))),
        }
    }
    out
}

/// Rounds `v` to `unit` steps as an integer.
fn steps(v: f64, unit: f64) -> u64 {
    (v / unit).round().max(0.0) as u64
}

/// Writes the first (hours or degrees) and second angle for `code`; carries rounding up.
fn write_angles(a_deg: f64, b_deg: f64, code: u8) -> (String, String) {
    let first = match code {
        1 | 7 => {
            let t = steps(a_deg / 15.0 * 36000.0, 1.0) % (24 * 36000); // tenths of seconds of time
            format!(
                "{:02}{:02}{:02}{}",
                t / 36000,
                (t / 600) % 60,
                (t / 10) % 60,
                t % 10
            )
        }
        2 | 3 => {
            let t = steps(a_deg / 15.0 * 60_000.0, 1.0) % (24 * 60_000); // thousandths of minutes
            format!("{:02}{:02}{:03}", t / 60_000, (t / 1000) % 60, t % 1000)
        }
        4 => {
            let t = steps(a_deg * 3600.0, 1.0) % (360 * 3600);
            format!("{:03}{:02}{:02}", t / 3600, (t / 60) % 60, t % 60)
        }
        5 => {
            let t = steps(a_deg * 6000.0, 1.0) % (360 * 6000);
            format!("{:03}{:02}{:02}", t / 6000, (t / 100) % 60, t % 100)
        }
        _ => {
            let t = steps(a_deg * 1e4, 1.0) % 3_600_000;
            format!("{t:07}")
        }
    };
    let b = b_deg.abs();
    let second = match code {
        1 | 4 => {
            let t = steps(b * 3600.0, 1.0);
            format!("{:02}{:02}{:02}", t / 3600, (t / 60) % 60, t % 60)
        }
        2 | 5 => {
            let t = steps(b * 6000.0, 1.0);
            format!("{:02}{:02}{:02}", t / 6000, (t / 100) % 60, t % 100)
        }
        _ => format!("{:06}", steps(b * 1e4, 1.0)),
    };
    // A value that rounds to zero is written `+`, so that reading and writing agree.
    let sign = if b_deg < 0.0 && second.bytes().any(|c| c != b'0') {
        '-'
    } else {
        '+'
    };
    (first, format!("{sign}{second}"))
}

/// Writes one observation as an IOD line (80 columns or fewer, trailing blanks dropped).
///
/// RA/Dec go out with angle format 1 unless the observation carries IOD codes; the
/// station must be a 4-digit station number and the frame J2000, of date or an equinox
/// the epoch codes know.
pub fn write_iod_line(o: &Observation) -> Result<String, WriteError> {
    let bad = |field: &str, why: String| WriteError::Observation {
        field: field.to_string(),
        message: why,
    };
    let norad = o
        .norad_cat_id
        .ok_or_else(|| bad("catalog number", "IOD has no uncorrelated records".into()))?;
    let number = encode_alpha5(norad).map_err(|e| bad("catalog number", e.to_string()))?;
    if o.station.len() != 4 || !o.station.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(
            "station",
            format!("IOD needs a 4-digit station number, found {:?}", o.station),
        ));
    }
    let desig = match &o.object_id {
        Some(id) => {
            let year: u32 = id.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
            if !super::is_intl_designator(id) || !(1957..=2056).contains(&year) {
                return Err(bad(
                    "international designator",
                    format!("expected YYYY-NNNP with a year 1957-2056, found {id:?}"),
                ));
            }
            format!("{} {}{:<3}", &id[2..4], &id[5..8], &id[8..])
        }
        None => " ".repeat(9),
    };
    let codes = o.iod.unwrap_or(IodCodes {
        station_status: 'G',
        angle_format: if matches!(o.angles, Angles::AzEl { .. }) {
            4
        } else {
            1
        },
        epoch_code: 5,
        behaviour: None,
        flash_period_s: None,
    });
    let (a, b, code, epoch_code) = match o.angles {
        Angles::RaDec {
            ra_deg,
            dec_deg,
            frame,
        } => {
            let code = if matches!(codes.angle_format, 4..=6) {
                1
            } else {
                codes.angle_format
            };
            let epoch_code = match frame {
                RaDecFrame::OfDate => 0,
                RaDecFrame::J2000 => 5,
                RaDecFrame::Equinox(y) => EQUINOX_CODES
                    .iter()
                    .find(|(year, _)| *year == y)
                    .map(|(_, code)| *code)
                    .ok_or_else(|| {
                        bad("epoch", format!("IOD has no epoch code for equinox {y}"))
                    })?,
            };
            (ra_deg.rem_euclid(360.0), dec_deg, code, epoch_code)
        }
        Angles::AzEl { az_deg, el_deg } => {
            let code = if matches!(codes.angle_format, 4..=6) {
                codes.angle_format
            } else {
                4
            };
            (az_deg.rem_euclid(360.0), el_deg, code, codes.epoch_code)
        }
    };
    if !(-90.0..=90.0).contains(&b) {
        return Err(bad(
            "second angle",
            format!("{b} is outside -90..90 degrees"),
        ));
    }
    let c = o.time.calendar();
    let ms = ((c.nanosecond as f64) / 1e6).round() as u32;
    // A time that rounds up to the next second is written as such.
    let (t, ms) = if ms >= 1000 {
        (
            o.time
                .add_ns(1_000_000_000 - i64::from(c.nanosecond))
                .calendar(),
            0,
        )
    } else {
        (c, ms)
    };
    let (first, second) = write_angles(a, b, code);
    let mut line = format!(
        "{number} {desig} {} {} {:04}{:02}{:02}{:02}{:02}{:02}{ms:03} {} {code}{epoch_code} {first}{second} {}",
        o.station,
        codes.station_status,
        t.year,
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second,
        o.time_sigma_s.and_then(to_mx).unwrap_or_else(|| "  ".into()),
        o.angle_sigma_deg.and_then(|s| to_mx(s / sigma_unit_deg(code))).unwrap_or_else(|| "  ".into()),
    );
    let has_tail = codes.behaviour.is_some()
        || o.mag.is_some()
        || o.mag_sigma.is_some()
        || codes.flash_period_s.is_some();
    if has_tail {
        line.push(' ');
        line.push(codes.behaviour.unwrap_or(' '));
        match o.mag {
            Some(m) => {
                let v = steps(m.abs() * 10.0, 1.0).min(999);
                line.push_str(&format!(
                    "{}{v:03}",
                    if m < 0.0 && v > 0 { '-' } else { '+' }
                ));
            }
            None => line.push_str("    "),
        }
        line.push(' ');
        match o.mag_sigma {
            Some(s) => line.push_str(&format!("{:02}", steps(s * 10.0, 1.0).min(99))),
            None => line.push_str("  "),
        }
        line.push(' ');
        if let Some(p) = codes.flash_period_s {
            line.push_str(&format!("{:06}", steps(p * 1000.0, 1.0).min(999_999)));
        }
    }
    Ok(line.trim_end().to_string())
}

/// Writes observations as IOD text, one line each.
pub fn write_iod(observations: &[Observation]) -> Result<String, WriteError> {
    let mut out = String::new();
    for o in observations {
        out.push_str(&write_iod_line(o)?);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mx_codes() {
        assert_eq!(to_mx(0.05).as_deref(), Some("56"));
        assert_eq!(to_mx(1.0).as_deref(), Some("18"));
        assert_eq!(to_mx(30.0).as_deref(), Some("39"));
        assert_eq!(to_mx(0.0), None);
        assert_eq!(to_mx(f64::NAN), None);
        assert_eq!(to_mx(1e12), None);
        let line = format!("{:<41}56", "");
        assert!((mx(&line, 42, "t").unwrap().unwrap() - 0.05).abs() < 1e-15);
    }
}
