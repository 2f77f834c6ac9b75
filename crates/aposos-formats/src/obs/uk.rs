//! The UK (RGO/OTWG) format: one 80-column line per visual or optical observation,
//! from "The Reporting of Satellite Observations" (Radio and Space Research Station,
//! Slough, 1973) as D. Brierley posted it to SeeSat-L (5 Feb 1998), with the Az/El codes
//! 4–9 and epoch codes 0–6 of the satobs.org UK format page as public parsers (TruSat,
//! orbitdeterminator) quote it. Decimal points are omitted; `x` is a sign.
//!
//! | columns | field | notes |
//! |---|---|---|
//! | 1–7 | international designator | `YYLLLPP`: year (57–99 → 19YY), launch, piece number (1 = A, letters without I and O) |
//! | 8–11 | station number | 4 digits |
//! | 12–17 | UTC date | `YYMMDD` |
//! | 18–27 | UTC time | `HHMMSSssss`, trailing digits may be blank |
//! | 28–32 | time accuracy | `Sssss` seconds |
//! | 33 | time standard | 1 radio signal, 2 speaking clock, 3 time pips |
//! | 34 | position format | 1–9, below |
//! | 35–42, 43, 44–50 | angles | first angle, sign of the second, second angle |
//! | 51–54 | position accuracy | `SSSs` arcsec (1, 4, 7), `MMmm` arcmin (2, 5, 8), `Dddd` degrees (3, 6, 9) |
//! | 55 | epoch | 1 1855, 2 1875, 3 1900, 4 1950, 5 2000, 6 2050 (0: sent separately) |
//! | 56–68 | range and its accuracy | radar only; not read |
//! | 69–71, 72–74 | brightest, faintest magnitude | `xMm` or `MMm`; `INV` invisible |
//! | 75–79 | flash period | `SSSss` |
//! | 80 | remark | `S I R F X E` |
//!
//! Position formats: 1 RA `HHMMSSss` Dec `xDDMMSSs`; 2 RA `HHMMmmmm` Dec `xDDMMmmm`;
//! 3 RA `HHMMmmmm` Dec `xDDddddd`; 4 Az `DDDMMSSs` El `xDDMMSSs`; 5 Az `DDDMMmmm` El
//! `xDDMMmmm`; 6 Az `DDDddddd` El `xDDddddd` (4–6 elevations corrected for refraction);
//! 7–9 as 4–6 with elevations not corrected: refused here, the model has no such
//! elevation. Epoch code 0 ("any other date, sent separately") is refused: the line
//! alone does not say which equinox. A line `999` ends a block and is skipped.
//! The model keeps the brightest magnitude; flash period, faintest magnitude, time
//! standard and remark are not kept, so the writer produces format 1 (or 4), the
//! uncertainties of the observation, and no flash period or remark.

use super::iod::{chart_epoch_code, chart_epoch_frame, cols, err};
use super::{Angles, Observation, ObservationsRead};
use crate::epoch::{Calendar, Epoch};
use crate::error::{ParseError, WriteError};

/// COSPAR piece letters: A–Z without I and O.
const PIECE_LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";

/// The letters of piece number `n` (1 = A, 24 = Z, 25 = AA, …).
pub fn piece_letters(mut n: u32) -> String {
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(PIECE_LETTERS[(n % 24) as usize]);
        n /= 24;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The piece number of `letters` (inverse of [`piece_letters`]); `None` for other text.
pub fn piece_number(letters: &str) -> Option<u32> {
    letters.bytes().try_fold(0u32, |n, b| {
        let i = PIECE_LETTERS.iter().position(|&l| l == b)? as u32;
        n.checked_mul(24)?.checked_add(i + 1)
    })
}

/// A fixed-width digit field with trailing blanks read as zeros (and, where `lead`,
/// leading blanks too); `None` when blank.
fn digits(
    line: &str,
    first: usize,
    last: usize,
    field: &str,
    lead: bool,
) -> Result<Option<u64>, ParseError> {
    let raw = cols(line, first, last);
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let width = last + 1 - first;
    let body = if lead {
        raw.trim_start_matches(' ')
    } else {
        raw
    };
    let lead_n = raw.len() - body.len();
    let body = body.trim_end_matches(' ');
    if !body.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err(
            field,
            first,
            last,
            "digits (blanks for missing low digits)",
            raw,
        ));
    }
    let text = format!(
        "{}{body}{}",
        "0".repeat(lead_n),
        "0".repeat(width - lead_n - body.len())
    );
    text.parse()
        .map(Some)
        .map_err(|_| err(field, first, last, "digits", raw))
}

fn need(v: Option<u64>, field: &str, first: usize, last: usize) -> Result<u64, ParseError> {
    v.ok_or_else(|| err(field, first, last, "a value", ""))
}

/// The international designator of columns 1-7 (`YYLLLPP`, shared by the UK and RDE
/// formats) as `YYYY-NNNP`.
pub(super) fn designator(line: &str) -> Result<String, ParseError> {
    let raw = cols(line, 1, 7);
    if raw.len() != 7 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err(
            "international designator",
            1,
            7,
            "7 digits YYLLLPP",
            raw,
        ));
    }
    let d: u64 = raw
        .parse()
        .map_err(|_| err("international designator", 1, 7, "7 digits YYLLLPP", raw))?;
    let (yy, launch, piece) = (d / 100_000, (d / 100) % 1000, (d % 100) as u32);
    if launch == 0 || piece == 0 {
        return Err(err(
            "international designator",
            1,
            7,
            "launch and piece numbers from 1",
            raw,
        ));
    }
    let year = if yy >= 57 { 1900 + yy } else { 2000 + yy };
    Ok(format!("{year:04}-{launch:03}{}", piece_letters(piece)))
}

/// Columns 1-7 (`YYLLLPP`) for an observation's international designator.
pub(super) fn designator_digits(o: &Observation) -> Result<String, WriteError> {
    let bad = |message: String| WriteError::Observation {
        field: "object_id".to_string(),
        message,
    };
    let id = o.object_id.as_deref().ok_or_else(|| {
        bad("the UK and RDE formats name objects by international designator only".into())
    })?;
    let year: u32 = id.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
    let launch: u32 = id.get(5..8).and_then(|y| y.parse().ok()).unwrap_or(0);
    let piece = id.get(8..).and_then(piece_number).unwrap_or(0);
    if !super::is_intl_designator(id)
        || !(1957..=2056).contains(&year)
        || piece == 0
        || piece > 99
        || launch == 0
    {
        return Err(bad(format!(
            "{id:?} does not fit YYLLLPP (years 1957-2056, pieces A to 99)"
        )));
    }
    Ok(format!("{:02}{launch:03}{piece:02}", year % 100))
}

/// Whether `station` is a 4-digit station number (an error naming the format otherwise).
pub(super) fn station_digits(station: &str, format: &str) -> Result<(), WriteError> {
    if station.len() != 4 || !station.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WriteError::Observation {
            field: "station".to_string(),
            message: format!(
                "the {format} format needs a 4-digit station number, found {station:?}"
            ),
        });
    }
    Ok(())
}

/// A UK magnitude `xMm` or `MMm` (`INV` and blanks: none).
fn magnitude(line: &str, first: usize) -> Result<Option<f64>, ParseError> {
    let raw = cols(line, first, first + 2);
    if raw.trim().is_empty() || raw == "INV" {
        return Ok(None);
    }
    let bad = || err("magnitude", first, first + 2, "xMm, MMm or INV", raw);
    let (sign, digits_text) = match raw.as_bytes().first() {
        Some(b'+') => (1.0, &raw[1..]),
        Some(b'-') => (-1.0, &raw[1..]),
        _ => (1.0, raw),
    };
    let t = digits_text.trim_end();
    if t.is_empty() || !t.trim_start().bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    // The last column is tenths; blanks in it read as 0.
    let padded: String = digits_text.replace(' ', "0");
    let v: f64 = padded.parse::<u32>().map_err(|_| bad())?.into();
    Ok(Some(sign * v / 10.0))
}

fn sexagesimal_check(
    v: &[u64],
    line: &str,
    first: usize,
    last: usize,
    field: &str,
) -> Result<(), ParseError> {
    if v.iter().any(|&x| x >= 60) {
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

/// Parses one observation line; `None` for a blank line or the `999` end marker.
pub fn parse_uk_line(line: &str) -> Result<Option<Observation>, ParseError> {
    let t = line.trim();
    if t.is_empty() || t == "999" {
        return Ok(None);
    }
    if !line.is_ascii() {
        return Err(err("line", 1, 80, "ASCII text", line));
    }
    // Lines may end after the second angle: accuracy and (for Az/El) epoch are blank.
    if line.len() < 50 {
        return Err(err(
            "line",
            1,
            50,
            "at least 50 columns (designator to second angle)",
            line,
        ));
    }
    let object_id = designator(line)?;
    let station = cols(line, 8, 11);
    if !station.bytes().all(|b| b.is_ascii_digit()) || station.len() != 4 {
        return Err(err("station number", 8, 11, "four digits", station));
    }
    let date = cols(line, 12, 17);
    if !date.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err("date", 12, 17, "YYMMDD", date));
    }
    let ymd = need(digits(line, 12, 17, "date", false)?, "date", 12, 17)?;
    let obs_year = {
        let y = ymd / 10_000;
        if y >= 57 {
            1900 + y
        } else {
            2000 + y
        }
    };
    let time = need(digits(line, 18, 27, "time", false)?, "time", 18, 27)?;
    let (hh, mm, ss, frac) = (
        time / 100_000_000,
        (time / 1_000_000) % 100,
        (time / 10_000) % 100,
        time % 10_000,
    );
    if hh > 23 || mm > 59 || ss > 59 {
        return Err(err("time", 18, 27, "HHMMSSssss", cols(line, 18, 27)));
    }
    let epoch = Epoch::from_calendar(Calendar {
        year: obs_year as i64,
        month: ((ymd / 100) % 100) as u32,
        day: (ymd % 100) as u32,
        hour: hh as u32,
        minute: mm as u32,
        second: ss as u32,
        nanosecond: (frac * 100_000) as u32,
    })
    .map_err(|e| err("date", 12, 17, &e.to_string(), date))?;
    let time_sigma_s = digits(line, 28, 32, "time accuracy", true)?.map(|v| v as f64 / 1e4);
    match cols(line, 33, 33) {
        " " | "0" | "1" | "2" | "3" => {}
        other => return Err(err("time standard", 33, 33, "1, 2 or 3", other)),
    }
    let code = match cols(line, 34, 34).as_bytes().first() {
        Some(c @ b'1'..=b'6') => c - b'0',
        Some(b'7'..=b'9') => {
            return Err(err(
                "position format",
                34,
                34,
                "1-6 (7-9: elevations not corrected for refraction are not supported)",
                cols(line, 34, 34),
            ))
        }
        _ => {
            return Err(err(
                "position format",
                34,
                34,
                "a code 1-9",
                cols(line, 34, 34),
            ))
        }
    };
    let a = need(
        digits(line, 35, 42, "first angle", false)?,
        "first angle",
        35,
        42,
    )?;
    let sign = match cols(line, 43, 43) {
        "+" | " " => 1.0,
        "-" => -1.0,
        other => return Err(err("sign", 43, 43, "+, - or blank", other)),
    };
    let b = need(
        digits(line, 44, 50, "second angle", false)?,
        "second angle",
        44,
        50,
    )?;
    let first = match code {
        1 => {
            sexagesimal_check(
                &[(a / 10_000) % 100, (a / 100) % 100],
                line,
                35,
                42,
                "first angle",
            )?;
            (a / 1_000_000) as f64 * 15.0
                + ((a / 10_000) % 100) as f64 / 4.0
                + (a % 10_000) as f64 / 100.0 / 240.0
        }
        2 | 3 => {
            sexagesimal_check(&[(a / 10_000) % 100], line, 35, 42, "first angle")?;
            (a / 1_000_000) as f64 * 15.0 + (a % 1_000_000) as f64 / 10_000.0 / 4.0
        }
        4 => {
            sexagesimal_check(
                &[(a / 1000) % 100, (a / 10) % 100],
                line,
                35,
                42,
                "first angle",
            )?;
            (a / 100_000) as f64
                + ((a / 1000) % 100) as f64 / 60.0
                + (a % 1000) as f64 / 10.0 / 3600.0
        }
        5 => {
            sexagesimal_check(&[(a / 1000) % 100], line, 35, 42, "first angle")?;
            (a / 100_000) as f64 + (a % 100_000) as f64 / 1000.0 / 60.0
        }
        _ => a as f64 / 100_000.0,
    };
    let second = match code {
        1 | 4 => {
            sexagesimal_check(
                &[(b / 1000) % 100, (b / 10) % 100],
                line,
                44,
                50,
                "second angle",
            )?;
            (b / 100_000) as f64
                + ((b / 1000) % 100) as f64 / 60.0
                + (b % 1000) as f64 / 10.0 / 3600.0
        }
        2 | 5 => {
            sexagesimal_check(&[(b / 1000) % 100], line, 44, 50, "second angle")?;
            (b / 100_000) as f64 + (b % 100_000) as f64 / 1000.0 / 60.0
        }
        _ => b as f64 / 100_000.0,
    };
    if !(0.0..360.0).contains(&first) {
        return Err(err(
            "first angle",
            35,
            42,
            "below 24 h (RA) or 360° (Az)",
            cols(line, 35, 42),
        ));
    }
    if second > 90.0 {
        return Err(err(
            "second angle",
            44,
            50,
            "at most 90°",
            cols(line, 44, 50),
        ));
    }
    let unit_deg = match code {
        1 | 4 => 1.0 / 3600.0 / 10.0,
        2 | 5 => 1.0 / 60.0 / 100.0,
        _ => 1.0 / 1000.0,
    };
    let angle_sigma_deg =
        digits(line, 51, 54, "position accuracy", true)?.map(|v| v as f64 * unit_deg);
    let angles = if code <= 3 {
        let code = cols(line, 55, 55);
        let frame = code
            .bytes()
            .next()
            .and_then(|c| chart_epoch_frame(c.wrapping_sub(b'0')))
            .ok_or_else(|| {
                err(
                    "epoch",
                    55,
                    55,
                    "1-6 (0: the equinox is sent separately, not in the line)",
                    code,
                )
            })?;
        Angles::RaDec {
            ra_deg: first,
            dec_deg: sign * second,
            frame,
        }
    } else {
        Angles::AzEl {
            az_deg: first,
            el_deg: sign * second,
        }
    };
    let mag = magnitude(line, 69)?;
    magnitude(line, 72)?;
    Ok(Some(Observation {
        station: station.to_string(),
        norad_cat_id: None,
        object_id: Some(object_id),
        time: epoch,
        time_sigma_s,
        angles,
        angle_sigma_deg,
        mag,
        mag_sigma: None,
        tracklet_id: None,
        iod: None,
        provenance: None,
    }))
}

/// Reads UK-format lines: every line an observation, a blank line or `999`.
pub fn read_uk(source_name: &str, text: &str) -> ObservationsRead {
    let mut out = ObservationsRead::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        match parse_uk_line(line) {
            Ok(Some(o)) => out.observations.push((i + 1, o)),
            Ok(None) => {}
            Err(e) => out
                .errors
                .push(e.with_source(source_name).with_line(Some(i + 1))),
        }
    }
    out
}

/// A second angle as `xDDMMSSs` (sign, degrees, minutes, tenths of arcseconds).
fn signed_dms_tenths(v_deg: f64) -> String {
    let d = (v_deg.abs() * 36_000.0).round() as u64;
    format!(
        "{}{:02}{:02}{:02}{}",
        if v_deg < 0.0 { '-' } else { '+' },
        d / 36_000,
        (d / 600) % 60,
        (d / 10) % 60,
        d % 10
    )
}

/// Writes one observation as a UK line: format 1 (RA/Dec) or 4 (Az/El), the epoch of its
/// frame, its time and angle uncertainties and its magnitude.
pub fn write_uk_line(o: &Observation) -> Result<String, WriteError> {
    let bad = |field: &str, message: String| WriteError::Observation {
        field: field.to_string(),
        message,
    };
    let yylllpp = designator_digits(o)?;
    station_digits(&o.station, "UK")?;
    // Time to 0.1 ms, carried into the date.
    let t =
        Epoch::from_ns_since_1950((o.time.ns_since_1950() + 50_000).div_euclid(100_000) * 100_000);
    let c = t.calendar();
    if !(1957..=2056).contains(&c.year) {
        return Err(bad("time", format!("year {} outside 1957-2056", c.year)));
    }
    let tsig = match o.time_sigma_s {
        Some(s) if s.is_finite() && s > 0.0 => {
            let v = (s * 1e4).round().clamp(1.0, 99_999.0) as u64;
            format!("{v:05}")
        }
        _ => "     ".to_string(),
    };
    let (code, epoch, a, b) = match o.angles {
        Angles::RaDec {
            ra_deg,
            dec_deg,
            frame,
        } => {
            let e = chart_epoch_code(frame)
                .map(|c| char::from(b'0' + c))
                .ok_or_else(|| bad("frame", format!("{} has no UK epoch code", frame.label())))?;
            let ra =
                ((ra_deg.rem_euclid(360.0) / 15.0 * 360_000.0).round() as u64) % (24 * 360_000); // 0.01 s
            let a = format!(
                "{:02}{:02}{:02}{:02}",
                ra / 360_000,
                (ra / 6000) % 60,
                (ra / 100) % 60,
                ra % 100
            );
            let b = signed_dms_tenths(dec_deg);
            ('1', e, a, b)
        }
        Angles::AzEl { az_deg, el_deg } => {
            let az = ((az_deg.rem_euclid(360.0) * 36_000.0).round() as u64) % (360 * 36_000);
            let a = format!(
                "{:03}{:02}{:02}{}",
                az / 36_000,
                (az / 600) % 60,
                (az / 10) % 60,
                az % 10
            );
            let b = signed_dms_tenths(el_deg);
            ('4', ' ', a, b)
        }
    };
    if b.len() != 8 {
        return Err(bad("angles", "second angle beyond 90°".into()));
    }
    let asig = match o.angle_sigma_deg {
        Some(s) if s.is_finite() && s > 0.0 => {
            format!("{:04}", (s * 36_000.0).round().clamp(1.0, 9999.0) as u64)
        }
        _ => "    ".to_string(),
    };
    let mag = match o.mag {
        Some(m) if m.is_finite() && m > -9.95 && m < 9.95 => {
            format!(
                "{}{:02}",
                if m < 0.0 { '-' } else { '+' },
                (m.abs() * 10.0).round() as u64
            )
        }
        Some(m) if m.is_finite() && (9.95..99.95).contains(&m) => {
            format!("{:03}", (m * 10.0).round() as u64)
        }
        _ => "   ".to_string(),
    };
    let line = format!(
        "{yylllpp}{}{:02}{:02}{:02}{:02}{:02}{:02}{:04}{tsig} {code}{a}{b}{asig}{epoch}{:13}{mag}",
        o.station,
        c.year % 100,
        c.month,
        c.day,
        c.hour,
        c.minute,
        c.second,
        c.nanosecond / 100_000,
        ""
    );
    // Blanks after column 55 are dropped; the fixed columns up to the epoch stay.
    let kept = line.trim_end().len().max(55);
    Ok(line[..kept].to_string())
}

/// Writes observations as UK lines.
pub fn write_uk(observations: &[Observation]) -> Result<String, WriteError> {
    let mut out = String::new();
    for o in observations {
        out.push_str(&write_uk_line(o)?);
        out.push('\n');
    }
    Ok(out)
}
