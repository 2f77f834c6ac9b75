//! Two-line element sets (TLE) and three-line element sets (3LE).
//!
//! A TLE is two lines of 69 ASCII columns (NORAD / Space Force layout, as in
//! Spacetrack Report #3 and CelesTrak's "NORAD Two-Line Element Set Format");
//! a 3LE adds a name line (up to 24 characters, CelesTrak pads it with spaces
//! to 24 columns; Space-Track prefixes it with `0 `).
//!
//! ```text
//! 1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927
//! 2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537
//! ```
//!
//! | line | columns | field |
//! |---|---|---|
//! | 1 | 1 | line number `1` |
//! | 1 | 3–7 | catalog number (5 digits or Alpha-5, see [`crate::alpha5`]) |
//! | 1 | 8 | classification `U`, `C` or `S` |
//! | 1 | 10–11, 12–14, 15–17 | international designator: launch year, launch number of the year, piece (may be blank) |
//! | 1 | 19–32 | epoch `YYDDD.DDDDDDDD`: year (57–99 → 19YY, 00–56 → 20YY), day of year and 8-decimal fraction |
//! | 1 | 34–43 | first derivative of mean motion / 2, rev/day², `±.NNNNNNNN` |
//! | 1 | 45–52 | second derivative of mean motion / 6, rev/day³, `±NNNNN±N` = ±0.NNNNN × 10^±N |
//! | 1 | 54–61 | B* drag term, 1/Earth radii, same layout |
//! | 1 | 63 | ephemeris type (0, may be blank) |
//! | 1 | 65–68 | element set number (right-justified, may be blank) |
//! | 2 | 3–7 | catalog number (must equal line 1's) |
//! | 2 | 9–16 | inclination, degrees `NNN.NNNN` |
//! | 2 | 18–25 | right ascension of the ascending node, degrees |
//! | 2 | 27–33 | eccentricity, 7 digits with an implied leading decimal point |
//! | 2 | 35–42 | argument of perigee, degrees |
//! | 2 | 44–51 | mean anomaly, degrees |
//! | 2 | 53–63 | mean motion, rev/day `NN.NNNNNNNN` |
//! | 2 | 64–68 | revolution number at epoch (right-justified, may be blank) |
//! | 1, 2 | 69 | checksum: sum of the digits of columns 1–68, plus 1 per `-`, modulo 10 |
//!
//! The reader is strict: every other column must be a space, numbers must have
//! the layout above, angles their range, and the checksum must match. With
//! [`TleOptions::lenient`] a bad checksum and a blank classification are
//! accepted with a [`Warning`].
//!
//! The writer is canonical, as CelesTrak writes: catalog numbers zero padded,
//! zero exponent fields as `00000+0`, mantissas normalised (`0.1 ≤ m < 1`),
//! positive signs as spaces, element set number and revolution number
//! right-justified, checksum recomputed. A TLE already in that form is written
//! back byte-identical; others (Vallado's `00000-0` zeros, a blank ephemeris
//! type) are written in canonical form with the same values.

use crate::alpha5::{decode_alpha5, encode_alpha5};
use crate::detect::Format;
use crate::element_set::{ElementSet, OmmMetadata, TLE_MAX_CATALOG_NUMBER};
use crate::epoch::{is_leap_year, Epoch};
use crate::error::{ParseError, SourcePos, Warning, WriteError};
use crate::read::{ElementsRead, ReadOptions};

/// Options of the TLE reader.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TleOptions {
    /// Accept a bad checksum and a blank classification (as `U`), with a warning.
    pub lenient: bool,
}

/// Nanoseconds per 1e-8 day, the resolution of a TLE epoch.
const NS_PER_TLE_STEP: i64 = 864_000;

/// One line of a TLE being read: its text (ASCII, 69 columns) and position.
struct Line<'a> {
    text: &'a str,
    which: u8,
    pos: SourcePos,
}

impl<'a> Line<'a> {
    /// Columns `first..=last` (1-based), empty if out of range.
    fn cols(&self, first: usize, last: usize) -> &'a str {
        self.text.get(first - 1..last).unwrap_or("")
    }

    fn err(&self, name: &str, first: usize, last: usize, expected: &str) -> ParseError {
        let field = if first == last {
            format!("{name} (line {}, column {first})", self.which)
        } else {
            format!("{name} (line {}, columns {first}-{last})", self.which)
        };
        ParseError::new(field, expected, self.cols(first, last)).at(&self.pos)
    }
}

/// Parses one object from its two lines, with no source name or line numbers in errors.
///
/// `name` is the name line of a 3LE, if any (trailing spaces and a Space-Track
/// `0 ` prefix are removed). Each line must be 69 columns once trailing
/// whitespace is removed.
pub fn parse_tle(
    name: Option<&str>,
    line1: &str,
    line2: &str,
    opts: &TleOptions,
) -> Result<(ElementSet, Vec<Warning>), ParseError> {
    parse_tle_at(name, line1, line2, opts, &SourcePos::default())
}

/// Parses one object from its two lines; errors and warnings name `pos.source_name`,
/// and `pos.line` is the 1-based line number of line 1 (line 2 is the next line).
pub fn parse_tle_at(
    name: Option<&str>,
    line1: &str,
    line2: &str,
    opts: &TleOptions,
    pos: &SourcePos,
) -> Result<(ElementSet, Vec<Warning>), ParseError> {
    let mut warnings = Vec::new();
    let l1 = prepare_line(line1, 1, pos.clone(), opts, &mut warnings)?;
    let pos2 = SourcePos {
        source_name: pos.source_name.clone(),
        line: pos.line.map(|l| l + 1),
    };
    let l2 = prepare_line(line2, 2, pos2, opts, &mut warnings)?;

    // Line 1.
    let cat1 = parse_catalog_number(&l1)?;
    let classification = match l1.cols(8, 8) {
        "U" => 'U',
        "C" => 'C',
        "S" => 'S',
        " " if opts.lenient => {
            warnings.push(
                Warning::new("line 1: blank classification (column 8) read as U")
                    .with_source(&l1.pos.source_name)
                    .with_line(l1.pos.line),
            );
            'U'
        }
        _ => return Err(l1.err("classification", 8, 8, "U, C or S")),
    };
    let object_id = parse_designator(&l1)?;
    let epoch = parse_epoch(&l1)?;
    let ndot = parse_ndot(&l1)?;
    let nddot = parse_exponent_field(&l1, "second derivative of mean motion", 45)?;
    let bstar = parse_exponent_field(&l1, "B* drag term", 54)?;
    let ephemeris_type = match l1.cols(63, 63).as_bytes() {
        [b' '] => 0,
        [d @ b'0'..=b'9'] => d - b'0',
        _ => return Err(l1.err("ephemeris type", 63, 63, "a digit or a space")),
    };
    let element_set_no = parse_right_justified(&l1, "element set number", 65, 68)?;

    // Line 2.
    let cat2 = parse_catalog_number(&l2)?;
    if cat2 != cat1 {
        return Err(l2.err(
            "catalog number",
            3,
            7,
            &format!("the catalog number of line 1 ({})", l1.cols(3, 7)),
        ));
    }
    let inclination = parse_fixed_decimal(&l2, "inclination", 9, 16, 3, 180.0)?;
    let raan = parse_fixed_decimal(&l2, "right ascension of ascending node", 18, 25, 3, 360.0)?;
    let ecc_text = l2.cols(27, 33);
    if ecc_text.len() != 7 || !ecc_text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(l2.err(
            "eccentricity",
            27,
            33,
            "7 digits (implied leading decimal point)",
        ));
    }
    let eccentricity = parse_f64(&format!("0.{ecc_text}"));
    let argp = parse_fixed_decimal(&l2, "argument of perigee", 35, 42, 3, 360.0)?;
    let mean_anomaly = parse_fixed_decimal(&l2, "mean anomaly", 44, 51, 3, 360.0)?;
    let mean_motion = parse_fixed_decimal(&l2, "mean motion", 53, 63, 2, f64::INFINITY)?;
    if mean_motion <= 0.0 {
        return Err(l2.err(
            "mean motion",
            53,
            63,
            "a mean motion greater than 0 rev/day",
        ));
    }
    let rev_at_epoch = parse_right_justified(&l2, "revolution number", 64, 68)?;

    let object_name = name
        .map(|n| {
            let n = n.trim_end();
            n.strip_prefix("0 ").unwrap_or(n).trim().to_string()
        })
        .filter(|n| !n.is_empty());

    Ok((
        ElementSet {
            object_name,
            object_id,
            norad_cat_id: cat1,
            classification,
            epoch,
            mean_motion_rev_per_day: mean_motion,
            eccentricity,
            inclination_deg: inclination,
            raan_deg: raan,
            arg_of_pericenter_deg: argp,
            mean_anomaly_deg: mean_anomaly,
            ephemeris_type,
            element_set_no,
            rev_at_epoch,
            bstar_per_earth_radii: bstar,
            mean_motion_dot_rev_per_day2: ndot,
            mean_motion_ddot_rev_per_day3: nddot,
            omm: OmmMetadata::default(),
        },
        warnings,
    ))
}

/// Checksum of the first 68 columns: digits summed, 1 per `-`, modulo 10.
pub fn tle_checksum(line: &str) -> u8 {
    let sum: u32 = line
        .bytes()
        .take(68)
        .map(|b| match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'-' => 1,
            _ => 0,
        })
        .sum();
    (sum % 10) as u8
}

/// Whether `line` looks like line `which` (1 or 2) of a TLE: starts `1 `/`2 `
/// and is 69 columns once trailing whitespace is removed.
pub fn is_tle_line(line: &str, which: u8) -> bool {
    let t = line.trim_end();
    let b = t.as_bytes();
    b.len() == 69 && b.first() == Some(&(b'0' + which)) && b.get(1) == Some(&b' ')
}

/// Checks ASCII, length, line number, separators and checksum of one line.
fn prepare_line<'a>(
    raw: &'a str,
    which: u8,
    pos: SourcePos,
    opts: &TleOptions,
    warnings: &mut Vec<Warning>,
) -> Result<Line<'a>, ParseError> {
    let text = raw.trim_end_matches([' ', '\t', '\r', '\n']);
    let whole = |expected: &str| ParseError::new(format!("line {which}"), expected, text).at(&pos);
    if !text.is_ascii() {
        return Err(whole("ASCII text"));
    }
    if text.len() != 69 {
        return Err(ParseError::described(
            format!("line {which}"),
            "69 columns",
            format!("{} columns: {}", text.len(), crate::error::quote(text)),
        )
        .at(&pos));
    }
    let line = Line { text, which, pos };
    if line.cols(1, 1).as_bytes() != [b'0' + which] {
        return Err(line.err("line number", 1, 1, &which.to_string()));
    }
    let separators: &[usize] = if which == 1 {
        &[2, 9, 18, 33, 44, 53, 62, 64]
    } else {
        &[2, 8, 17, 26, 34, 43, 52]
    };
    for &c in separators {
        if line.cols(c, c) != " " {
            return Err(line.err("separator", c, c, "a space"));
        }
    }
    let stated = match line.cols(69, 69).as_bytes() {
        [d @ b'0'..=b'9'] => d - b'0',
        _ => return Err(line.err("checksum", 69, 69, "a digit")),
    };
    let computed = tle_checksum(text);
    if stated != computed {
        if opts.lenient {
            warnings.push(
                Warning::new(format!(
                    "line {which}: checksum is {stated}, computed {computed}; accepted (lenient)"
                ))
                .with_source(&line.pos.source_name)
                .with_line(line.pos.line),
            );
        } else {
            return Err(line.err("checksum", 69, 69, &format!("checksum {computed}")));
        }
    }
    Ok(line)
}

/// Parses text already checked to be a decimal number (`[+-]digits[.digits][e±d]`).
fn parse_f64(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}

/// Catalog number in columns 3–7: right-justified digits or Alpha-5.
fn parse_catalog_number(line: &Line<'_>) -> Result<u32, ParseError> {
    let text = line.cols(3, 7);
    let expected = "a catalog number: 5 digits (leading spaces allowed) or Alpha-5";
    if text.as_bytes().first().is_some_and(u8::is_ascii_uppercase) {
        return decode_alpha5(text).map_err(|_| line.err("catalog number", 3, 7, expected));
    }
    let digits = text.trim_start_matches(' ');
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(line.err("catalog number", 3, 7, expected));
    }
    digits
        .parse()
        .map_err(|_| line.err("catalog number", 3, 7, expected))
}

/// International designator, columns 10–17, as OMM `YYYY-NNNP{PP}`; `None` if blank.
fn parse_designator(line: &Line<'_>) -> Result<Option<String>, ParseError> {
    let text = line.cols(10, 17);
    if text.bytes().all(|b| b == b' ') {
        return Ok(None);
    }
    let err = || {
        line.err(
            "international designator",
            10,
            17,
            "YYNNNPPP: 2-digit year, 3-digit launch number, 1-3 letters of piece, or blank",
        )
    };
    let b = text.as_bytes();
    let (Some(digits), Some(piece)) = (b.get(..5), text.get(5..)) else {
        return Err(err());
    };
    if !digits.iter().all(u8::is_ascii_digit) {
        return Err(err());
    }
    let piece = piece.trim_end_matches(' ');
    if piece.is_empty() || !piece.bytes().all(|c| c.is_ascii_uppercase()) {
        return Err(err());
    }
    let yy = text.get(..2).unwrap_or("");
    let num = text.get(2..5).unwrap_or("");
    let century = if yy >= "57" { "19" } else { "20" };
    Ok(Some(format!("{century}{yy}-{num}{piece}")))
}

/// Epoch, columns 19–32, `YYDDD.DDDDDDDD`, converted exactly.
fn parse_epoch(line: &Line<'_>) -> Result<Epoch, ParseError> {
    let text = line.cols(19, 32);
    let expected = "an epoch YYDDD.DDDDDDDD (2-digit year, day of year 1-366, 8 decimals)";
    let err = || line.err("epoch", 19, 32, expected);
    let b = text.as_bytes();
    if b.len() != 14 || b.get(5) != Some(&b'.') {
        return Err(err());
    }
    let digits = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = b.get(r)?;
        if !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(
            s.iter()
                .fold(0i64, |acc, &c| acc * 10 + i64::from(c - b'0')),
        )
    };
    let (Some(yy), Some(day), Some(frac)) = (digits(0..2), digits(2..5), digits(6..14)) else {
        return Err(err());
    };
    let year = if yy >= 57 { 1900 + yy } else { 2000 + yy };
    let max_day = if is_leap_year(year) { 366 } else { 365 };
    if day < 1 || day > max_day {
        return Err(err());
    }
    Epoch::from_year_day(year, day as u32, frac * NS_PER_TLE_STEP).map_err(|_| err())
}

/// First derivative of mean motion / 2, columns 34–43, `±.NNNNNNNN`.
fn parse_ndot(line: &Line<'_>) -> Result<f64, ParseError> {
    let text = line.cols(34, 43);
    let err = || {
        line.err(
            "first derivative of mean motion",
            34,
            43,
            "a signed decimal ±.NNNNNNNN",
        )
    };
    let b = text.as_bytes();
    let (Some(&sign), Some(&b'.'), Some(frac)) = (b.first(), b.get(1), text.get(2..)) else {
        return Err(err());
    };
    if frac.len() != 8 || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return Err(err());
    }
    let sign = match sign {
        b' ' | b'+' => "",
        b'-' => "-",
        _ => return Err(err()),
    };
    Ok(parse_f64(&format!("{sign}0.{frac}")))
}

/// An exponent field of 8 columns from `first`: `±NNNNN±N` = ±0.NNNNN × 10^±N.
fn parse_exponent_field(line: &Line<'_>, name: &str, first: usize) -> Result<f64, ParseError> {
    let last = first + 7;
    let text = line.cols(first, last);
    let err = || {
        line.err(
            name,
            first,
            last,
            "a mantissa and exponent ±NNNNN±N (±0.NNNNN × 10^±N)",
        )
    };
    let b = text.as_bytes();
    let (Some(&s1), Some(mant), Some(&s2), Some(&e)) =
        (b.first(), text.get(1..6), b.get(6), b.get(7))
    else {
        return Err(err());
    };
    if !mant.bytes().all(|c| c.is_ascii_digit()) || !e.is_ascii_digit() {
        return Err(err());
    }
    let s1 = match s1 {
        b' ' | b'+' => "",
        b'-' => "-",
        _ => return Err(err()),
    };
    let s2 = match s2 {
        b'+' => "",
        b'-' => "-",
        _ => return Err(err()),
    };
    Ok(parse_f64(&format!("{s1}0.{mant}e{s2}{}", char::from(e))))
}

/// A right-justified unsigned integer (leading spaces, may be all blank = 0).
fn parse_right_justified(
    line: &Line<'_>,
    name: &str,
    first: usize,
    last: usize,
) -> Result<u32, ParseError> {
    let text = line.cols(first, last);
    let digits = text.trim_start_matches(' ');
    if digits.is_empty() {
        return Ok(0);
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(line.err(
            name,
            first,
            last,
            "a right-justified whole number (or blank)",
        ));
    }
    digits
        .parse()
        .map_err(|_| line.err(name, first, last, "a whole number"))
}

/// A decimal with a fixed decimal point after `int_digits` columns, leading spaces allowed, 0 to `max`.
fn parse_fixed_decimal(
    line: &Line<'_>,
    name: &str,
    first: usize,
    last: usize,
    int_digits: usize,
    max: f64,
) -> Result<f64, ParseError> {
    let text = line.cols(first, last);
    let expected = if max.is_finite() {
        format!(
            "a number 0 to {max} with the decimal point in column {}",
            first + int_digits
        )
    } else {
        format!(
            "a positive number with the decimal point in column {}",
            first + int_digits
        )
    };
    let err = || line.err(name, first, last, &expected);
    let (Some(int), Some(&b'.'), Some(frac)) = (
        text.get(..int_digits),
        text.as_bytes().get(int_digits),
        text.get(int_digits + 1..),
    ) else {
        return Err(err());
    };
    let int = int.trim_start_matches(' ');
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || frac.is_empty()
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(err());
    }
    let v = parse_f64(&format!("{int}.{frac}"));
    if !(0.0..=max).contains(&v) {
        return Err(err());
    }
    Ok(v)
}

// ---------------------------------------------------------------------------
// Files of many objects

/// Whether a line is meant as TLE line `which` (1 or 2): it starts with `1 ` or
/// `2 ` and is at least 60 characters long (a shorter one is a name line).
pub(crate) fn looks_like_tle_line(line: &str, which: u8) -> bool {
    let b = line.as_bytes();
    b.first() == Some(&(b'0' + which)) && b.get(1) == Some(&b' ') && line.trim_end().len() >= 60
}

/// Whether a line starts like a TLE line 1 whatever its length: `1 `, five
/// catalog-number characters (digits, Alpha-5 letters or blanks) and a
/// classification letter. Used to read a truncated line 1 that is followed by a
/// line 2 as a (bad) line 1 rather than as a name.
fn starts_like_tle_line1(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() >= 8
        && b.starts_with(b"1 ")
        && b[2..7]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b' ')
        && b[7].is_ascii_alphabetic()
}

/// Reads a text of TLEs and 3LEs (they may mix: a line that is not a TLE line 1
/// or 2 is the name of the next object). Blank lines are skipped. Each bad
/// object is reported with its file and line and the good ones are kept.
pub fn read_tle_text(source_name: &str, text: &str, opts: &ReadOptions) -> ElementsRead {
    let tle_opts = TleOptions {
        lenient: opts.lenient,
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut out = ElementsRead::default();
    let mut any_name = false;
    let mut pending_name: Option<(usize, &str)> = None;
    let orphan_name = |n: usize, name: &str| {
        ParseError::new(
            "name line",
            "a TLE line 1 (starting \"1 \", 69 columns) after the name",
            name,
        )
        .with_source(source_name)
        .with_line(Some(n))
    };
    let mut i = 0;
    while let Some(&line) = lines.get(i) {
        let n = i + 1;
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        let next = lines.get(i + 1).copied().unwrap_or("");
        if looks_like_tle_line(line, 1) || (starts_like_tle_line1(line) && next.starts_with("2 ")) {
            if looks_like_tle_line(next, 2) {
                let name = pending_name.take().map(|(_, s)| s);
                let pos = SourcePos::new(source_name, Some(n));
                match parse_tle_at(name, line, next, &tle_opts, &pos) {
                    Ok((es, w)) => {
                        out.elements.push(es);
                        out.warnings.extend(w);
                    }
                    Err(e) => out.errors.push(e),
                }
                i += 2;
            } else {
                pending_name = None;
                out.errors.push(
                    ParseError::new(
                        "line 2",
                        "a TLE line 2 (starting \"2 \") after line 1",
                        next,
                    )
                    .with_source(source_name)
                    .with_line(Some(n + 1)),
                );
                i += 1;
            }
            continue;
        }
        if looks_like_tle_line(line, 2) {
            pending_name = None;
            out.errors.push(
                ParseError::new("line 1", "a TLE line 1 before line 2", line)
                    .with_source(source_name)
                    .with_line(Some(n)),
            );
            i += 1;
            continue;
        }
        if let Some((pn, name)) = pending_name.replace((n, line)) {
            out.errors.push(orphan_name(pn, name));
        }
        any_name = true;
        i += 1;
    }
    if let Some((pn, name)) = pending_name {
        out.errors.push(orphan_name(pn, name));
    }
    out.format = Some(if any_name {
        Format::ThreeLe
    } else {
        Format::Tle
    });
    out
}

/// Writes element sets as TLEs (`three_le`: with name lines), one line per `\n`.
pub fn write_tle_text(elements: &[ElementSet], three_le: bool) -> Result<String, WriteError> {
    let mut out = String::new();
    for es in elements {
        if three_le {
            for l in write_3le(es)? {
                out.push_str(&l);
                out.push('\n');
            }
        } else {
            for l in write_tle(es)? {
                out.push_str(&l);
                out.push('\n');
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Writer

/// Writes an element set as the two lines of a TLE (canonical CelesTrak layout).
pub fn write_tle(es: &ElementSet) -> Result<[String; 2], WriteError> {
    let id = es.norad_cat_id;
    let oor = |field: &'static str, value: String, reason: &str| WriteError::OutOfRange {
        norad_cat_id: id,
        field,
        value,
        reason: reason.to_string(),
    };
    let cat = encode_alpha5(id).map_err(|_| {
        oor(
            "NORAD_CAT_ID",
            id.to_string(),
            &format!(
                "a TLE carries catalog numbers up to {TLE_MAX_CATALOG_NUMBER} (Alpha-5 Z9999)"
            ),
        )
    })?;
    if !matches!(es.classification, 'U' | 'C' | 'S') {
        return Err(oor(
            "CLASSIFICATION_TYPE",
            es.classification.to_string(),
            "must be U, C or S",
        ));
    }
    let designator = match &es.object_id {
        None => "        ".to_string(),
        Some(oid) => tle_designator(oid).ok_or_else(|| {
            oor(
                "OBJECT_ID",
                oid.clone(),
                "a TLE needs YYYY-NNNP{PP} with year 1957-2056 (or no OBJECT_ID)",
            )
        })?,
    };
    let epoch = tle_epoch(es.epoch).ok_or_else(|| {
        oor(
            "EPOCH",
            es.epoch.to_iso(),
            "a TLE epoch must lie in 1957-2056",
        )
    })?;
    let ndot = format_ndot(es.mean_motion_dot_rev_per_day2).ok_or_else(|| {
        oor(
            "MEAN_MOTION_DOT",
            es.mean_motion_dot_rev_per_day2.to_string(),
            "must be finite with |value| < 1",
        )
    })?;
    let nddot = format_exponent(es.mean_motion_ddot_rev_per_day3).ok_or_else(|| {
        oor(
            "MEAN_MOTION_DDOT",
            es.mean_motion_ddot_rev_per_day3.to_string(),
            "must be finite with |value| < 1e9",
        )
    })?;
    let bstar = format_exponent(es.bstar_per_earth_radii).ok_or_else(|| {
        oor(
            "BSTAR",
            es.bstar_per_earth_radii.to_string(),
            "must be finite with |value| < 1e9",
        )
    })?;
    if es.ephemeris_type > 9 {
        return Err(oor(
            "EPHEMERIS_TYPE",
            es.ephemeris_type.to_string(),
            "must be one digit",
        ));
    }
    if es.element_set_no > 9999 {
        return Err(oor(
            "ELEMENT_SET_NO",
            es.element_set_no.to_string(),
            "must be 0 to 9999",
        ));
    }
    let line1 = format!(
        "1 {cat}{} {designator} {epoch} {ndot} {nddot} {bstar} {} {:>4}",
        es.classification, es.ephemeris_type, es.element_set_no
    );

    let angle = |field: &'static str, v: f64, max: f64| -> Result<String, WriteError> {
        let s = format!("{v:8.4}");
        if !(0.0..=max).contains(&v) || s.len() != 8 || s == "-0.0000" {
            return Err(oor(field, v.to_string(), &format!("must be 0 to {max}")));
        }
        Ok(s)
    };
    let inc = angle("INCLINATION", es.inclination_deg, 180.0)?;
    let raan = angle("RA_OF_ASC_NODE", es.raan_deg, 360.0)?;
    let argp = angle("ARG_OF_PERICENTER", es.arg_of_pericenter_deg, 360.0)?;
    let ma = angle("MEAN_ANOMALY", es.mean_anomaly_deg, 360.0)?;
    let e = es.eccentricity;
    let ecc = format!("{e:.7}");
    let ecc = match ecc.strip_prefix("0.") {
        Some(digits) if (0.0..1.0).contains(&e) && digits.len() == 7 => digits.to_string(),
        _ => {
            return Err(oor(
                "ECCENTRICITY",
                e.to_string(),
                "must be 0 to 0.99999995",
            ))
        }
    };
    let n = es.mean_motion_rev_per_day;
    let mm = format!("{n:11.8}");
    if !(n > 0.0 && mm.len() == 11) {
        return Err(oor(
            "MEAN_MOTION",
            n.to_string(),
            "must be above 0 and below 100 rev/day",
        ));
    }
    let rev = es.rev_at_epoch % 100_000;
    let line2 = format!("2 {cat} {inc} {raan} {ecc} {argp} {ma} {mm}{rev:>5}");
    Ok([with_checksum(line1), with_checksum(line2)])
}

/// Writes an element set as a 3LE: the name line padded to 24 columns, then the two TLE lines.
pub fn write_3le(es: &ElementSet) -> Result<[String; 3], WriteError> {
    let [l1, l2] = write_tle(es)?;
    let name = es.object_name.as_deref().unwrap_or("");
    if name.contains(['\n', '\r']) || looks_like_tle_line(name, 1) || looks_like_tle_line(name, 2) {
        return Err(WriteError::OutOfRange {
            norad_cat_id: es.norad_cat_id,
            field: "OBJECT_NAME",
            value: name.to_string(),
            reason: "a 3LE name line must be one line that does not look like a TLE line"
                .to_string(),
        });
    }
    Ok([format!("{name:<24}"), l1, l2])
}

fn with_checksum(mut line: String) -> String {
    let c = tle_checksum(&line);
    line.push(char::from(b'0' + c));
    line
}

/// `YYYY-NNNPPP` → `YYNNNPPP` padded to 8 columns.
fn tle_designator(oid: &str) -> Option<String> {
    let b = oid.as_bytes();
    let year: i64 = oid.get(..4)?.parse().ok()?;
    if !(1957..=2056).contains(&year) || b.get(4) != Some(&b'-') {
        return None;
    }
    let num = oid.get(5..8)?;
    let piece = oid.get(8..)?;
    if !num.bytes().all(|c| c.is_ascii_digit())
        || piece.is_empty()
        || piece.len() > 3
        || !piece.bytes().all(|c| c.is_ascii_uppercase())
        || !b.get(..4)?.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    Some(format!("{:02}{num}{piece:<3}", year % 100))
}

/// `YYDDD.DDDDDDDD`, rounded to the nearest 1e-8 day.
fn tle_epoch(epoch: Epoch) -> Option<String> {
    let ns = epoch.ns_since_1950();
    let rem = ns.rem_euclid(NS_PER_TLE_STEP);
    let rounded = if rem * 2 >= NS_PER_TLE_STEP {
        (ns - rem).checked_add(NS_PER_TLE_STEP)?
    } else {
        ns - rem
    };
    let (year, doy, ns_of_day) = Epoch::from_ns_since_1950(rounded).year_day();
    if !(1957..=2056).contains(&year) {
        return None;
    }
    let frac = ns_of_day / NS_PER_TLE_STEP;
    Some(format!("{:02}{doy:03}.{frac:08}", year % 100))
}

/// `±.NNNNNNNN` with a space for plus.
fn format_ndot(v: f64) -> Option<String> {
    if !v.is_finite() {
        return None;
    }
    let s = format!("{:.8}", v.abs());
    let digits = s.strip_prefix("0.")?;
    let sign = if v.is_sign_negative() { '-' } else { ' ' };
    Some(format!("{sign}.{digits}"))
}

/// `±NNNNN±N` (±0.NNNNN × 10^±N), normalised; zero as ` 00000+0`; tiny values round to zero.
fn format_exponent(v: f64) -> Option<String> {
    if !v.is_finite() {
        return None;
    }
    let sign = if v < 0.0 { '-' } else { ' ' };
    let a = v.abs();
    if a == 0.0 {
        return Some(" 00000+0".to_string());
    }
    // d.dddde±x with 5 significant digits, correctly rounded.
    let s = format!("{a:.4e}");
    let (mant, exp) = s.split_once('e')?;
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let exp: i32 = exp.parse().ok()?;
    let exp = exp + 1; // 0.ddddd × 10^exp
    if exp > 9 {
        return None;
    }
    if exp < -9 {
        // Below 0.1e-9: the field cannot carry it; the nearest value it can is zero
        // or 0.0000N × 10^-9.
        let scaled = (a * 1e14).round();
        if scaled < 1.0 {
            return Some(" 00000+0".to_string());
        }
        return Some(format!("{sign}{:05}-9", scaled as u32));
    }
    let esign = if exp < 0 { '-' } else { '+' };
    Some(format!("{sign}{digits}{esign}{}", exp.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISS1: &str = "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927";
    const ISS2: &str = "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537";

    #[test]
    fn reads_iss_example() {
        let (es, w) = parse_tle(Some("ISS (ZARYA)  "), ISS1, ISS2, &TleOptions::default())
            .expect("valid TLE");
        assert!(w.is_empty());
        assert_eq!(es.object_name.as_deref(), Some("ISS (ZARYA)"));
        assert_eq!(es.object_id.as_deref(), Some("1998-067A"));
        assert_eq!(es.norad_cat_id, 25544);
        assert_eq!(es.classification, 'U');
        assert_eq!(es.epoch.to_iso(), "2008-09-20T12:25:40.104192");
        assert_eq!(es.mean_motion_dot_rev_per_day2, -0.00002182);
        assert_eq!(es.mean_motion_ddot_rev_per_day3, 0.0);
        assert_eq!(es.bstar_per_earth_radii, -0.11606e-4);
        assert_eq!(es.ephemeris_type, 0);
        assert_eq!(es.element_set_no, 292);
        assert_eq!(es.inclination_deg, 51.6416);
        assert_eq!(es.raan_deg, 247.4627);
        assert_eq!(es.eccentricity, 0.0006703);
        assert_eq!(es.arg_of_pericenter_deg, 130.536);
        assert_eq!(es.mean_anomaly_deg, 325.0288);
        assert_eq!(es.mean_motion_rev_per_day, 15.72125391);
        assert_eq!(es.rev_at_epoch, 56353);
    }

    #[test]
    fn epoch_is_exact() {
        let (es, _) = parse_tle(None, ISS1, ISS2, &TleOptions::default()).expect("valid");
        let (y, doy, ns) = es.epoch.year_day();
        assert_eq!((y, doy), (2008, 264));
        assert_eq!(ns, 51_782_528 * 864_000);
    }

    #[test]
    fn bad_checksum_strict_and_lenient() {
        let bad1 = ISS1.replace("2927", "2928");
        let err = parse_tle(None, &bad1, ISS2, &TleOptions::default()).expect_err("bad checksum");
        assert!(err.field.contains("checksum"), "{err}");
        assert!(err.field.contains("line 1"), "{err}");
        let (_, w) = parse_tle(None, &bad1, ISS2, &TleOptions { lenient: true }).expect("lenient");
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn error_positions_and_display() {
        let bad2 = ISS2.replace(" 51.6416", " 5x.6416");
        let pos = SourcePos::new("active.txt", Some(11));
        let err = parse_tle_at(None, ISS1, &bad2, &TleOptions { lenient: true }, &pos)
            .expect_err("bad inclination");
        assert_eq!(err.line, Some(12));
        assert_eq!(
            err.to_string(),
            "active.txt:12: field inclination (line 2, columns 9-16): expected a number 0 to 180 with the decimal point in column 12, found \" 5x.6416\""
        );
    }

    #[test]
    fn rejects_mismatch_non_ascii_and_short_lines() {
        let o = TleOptions::default();
        let other2 = ISS2.replacen("25544", "25545", 1);
        assert!(parse_tle(None, ISS1, &other2, &o).is_err());
        let utf = ISS1.replacen("98067A", "98067é", 1);
        assert!(parse_tle(None, &utf, ISS2, &o).is_err());
        assert!(parse_tle(None, &ISS1[..60], ISS2, &o).is_err());
        assert!(parse_tle(None, ISS2, ISS1, &o).is_err());
        // Multi-byte characters at every column must not panic.
        for i in 0..69 {
            let mut s = String::from(&ISS1[..i]);
            s.push('é');
            s.push_str(ISS1.get(i + 2..).unwrap_or(""));
            assert!(parse_tle(None, &s, ISS2, &o).is_err());
        }
    }

    #[test]
    fn alpha5_catalog_numbers() {
        let l1 = with_checksum(ISS1[..68].replacen("25544", "A0001", 1));
        let l2 = with_checksum(ISS2[..68].replacen("25544", "A0001", 1));
        let (es, _) = parse_tle(None, &l1, &l2, &TleOptions::default()).expect("alpha-5");
        assert_eq!(es.norad_cat_id, 100_001);
    }

    #[test]
    fn exponent_formatting() {
        assert_eq!(format_exponent(0.0).as_deref(), Some(" 00000+0"));
        assert_eq!(format_exponent(-0.11606e-4).as_deref(), Some("-11606-4"));
        assert_eq!(format_exponent(0.13519).as_deref(), Some(" 13519+0"));
        assert_eq!(format_exponent(0.999995e-3).as_deref(), Some(" 10000-2"));
        assert_eq!(format_exponent(1e-15).as_deref(), Some(" 00000+0"));
        assert_eq!(format_exponent(1e12), None);
        assert_eq!(format_ndot(-0.00002182).as_deref(), Some("-.00002182"));
        assert_eq!(format_ndot(1.5), None);
    }

    #[test]
    fn writes_iss_canonically() {
        let (es, _) = parse_tle(None, ISS1, ISS2, &TleOptions::default()).expect("valid");
        let [l1, l2] = write_tle(&es).expect("writable");
        // Vallado writes zero as 00000-0; the canonical form is 00000+0.
        let canon1 = with_checksum(ISS1[..68].replace("00000-0", "00000+0"));
        assert_eq!(l1, canon1);
        assert_eq!(l2, ISS2);
    }
}
