//! The RDE format (R. D. Eberst's abbreviated UK format, satobs.org "R.D.E. Observation
//! Format Description"): reports of visual observations, each a header line, a day
//! line, observation lines (with more day lines as the date changes) and `999`.
//! Real reports come in e-mails, with a `SATOBS` line before and free text after:
//! the reader skips the `SATOBS` line silently and other text outside reports with a
//! warning.
//! The column tables below are those of `docs/research/uk_rde_formats.md`.
//!
//! Header (once per report):
//!
//! | columns | field | notes |
//! |---|---|---|
//! | 1–4 | station number | 4 digits |
//! | 6–9 | UTC year and month | `YYMM` (57–99 → 19YY) |
//! | 11–13 | time accuracy | `T.t` seconds |
//! | 14 | time standard | 1 radio signal, 2 speaking clock, 3 time pips |
//! | 15 | position format | 1: RA `HHMMSS`, Dec `DDMMSS` (no other layout is defined) |
//! | 17–19 | position accuracy | `SSS` arcseconds |
//! | 20 | epoch of the star chart | 1 1855, 2 1875, 3 1900, 4 1950, 5 2000, 6 2050 (0: sent separately, refused) |
//!
//! Day line: the day of the month, `DD`, applying to the observation lines after it.
//!
//! Observation line:
//!
//! | columns | field | notes |
//! |---|---|---|
//! | 1–7 | international designator | `YYLLLPP` as in the UK format |
//! | 9–17 | UTC time | `HHMMSS.ss` |
//! | 19–24, 25, 26–31 | RA, sign, Dec | `HHMMSS`, `+`/`-`, `DDMMSS` |
//! | 32–35, 36–39 | brightest, faintest magnitude | `M.m` with a `-` in column 32 when negative |
//! | 40–42 | flash period | seconds, `SSS.sss` shortened (` 3 `); ` 0 ` none |
//! | 43 | remark | `S I R F X E` |
//! | 44– | free text | |
//!
//! The time and position accuracies of each observation are the header's. The model
//! keeps the brightest magnitude; faintest magnitude, flash period, time standard and
//! remark are checked but not kept. The writer starts a report for each station,
//! month, accuracy and chart epoch; RA is written to the whole second of time (15″ at
//! the equator) and Dec to the arcsecond, the format's resolution; a time accuracy
//! under 0.1 s is written as 0.1 s, the finest the header holds, and the time standard
//! as 1 (a radio time signal, the nearest to a GNSS-disciplined clock).

use super::iod::{chart_epoch_code, chart_epoch_frame, cols, err};
use super::uk::{designator, designator_digits, station_digits};
use super::{Angles, Observation, ObservationsRead};
use crate::epoch::{Calendar, Epoch};
use crate::error::{ParseError, Warning, WriteError};

/// What one report's header says.
#[derive(Debug, Clone, PartialEq)]
pub struct RdeHeader {
    /// Station number.
    pub station: String,
    /// UTC year of the observations.
    pub year: i64,
    /// UTC month 1–12.
    pub month: u32,
    /// Time accuracy, seconds.
    pub time_sigma_s: Option<f64>,
    /// Position accuracy, arcseconds.
    pub position_sigma_arcsec: Option<f64>,
    /// Chart epoch code 1–6.
    pub epoch_code: u8,
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn blank(line: &str, first: usize, last: usize) -> Result<(), ParseError> {
    let raw = cols(line, first, last);
    if raw.trim().is_empty() {
        Ok(())
    } else {
        Err(err("separator", first, last, "a blank", raw))
    }
}

/// Whether `line` has the shape of a header: `SSSS YYMM ` with a decimal point in column 12.
pub fn looks_like_header(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() >= 15
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b' '
        && b[5..9].iter().all(u8::is_ascii_digit)
        && b[9] == b' '
        && b[11] == b'.'
}

/// Parses a header line.
pub fn parse_header(line: &str) -> Result<RdeHeader, ParseError> {
    if !line.is_ascii() {
        return Err(err("header", 1, 20, "ASCII text", line));
    }
    let station = cols(line, 1, 4);
    if station.len() != 4 || !all_digits(station) {
        return Err(err("station number", 1, 4, "four digits", station));
    }
    blank(line, 5, 5)?;
    let yymm = cols(line, 6, 9);
    if yymm.len() != 4 || !all_digits(yymm) {
        return Err(err("year and month", 6, 9, "YYMM", yymm));
    }
    let yy: i64 = yymm[..2].parse().unwrap_or(0);
    let month: u32 = yymm[2..].parse().unwrap_or(0);
    if !(1..=12).contains(&month) {
        return Err(err("year and month", 6, 9, "a month 01-12", yymm));
    }
    blank(line, 10, 10)?;
    let tacc = cols(line, 11, 13);
    let time_sigma_s = if tacc.trim().is_empty() {
        None
    } else {
        let b = tacc.as_bytes();
        if b.len() != 3 || !b[0].is_ascii_digit() || b[1] != b'.' || !b[2].is_ascii_digit() {
            return Err(err("time accuracy", 11, 13, "T.t seconds", tacc));
        }
        Some(f64::from(b[0] - b'0') + f64::from(b[2] - b'0') / 10.0)
    };
    match cols(line, 14, 14) {
        "" | " " | "0" | "1" | "2" | "3" => {}
        other => return Err(err("time standard", 14, 14, "1, 2 or 3", other)),
    }
    match cols(line, 15, 15) {
        "1" => {}
        other => {
            return Err(err(
                "position format",
                15,
                15,
                "1 (RA HHMMSS, Dec DDMMSS: the only RDE layout defined)",
                other,
            ))
        }
    }
    blank(line, 16, 16)?;
    let pacc = cols(line, 17, 19);
    let position_sigma_arcsec = if pacc.trim().is_empty() {
        None
    } else if all_digits(pacc.trim_start()) {
        pacc.trim_start().parse::<u32>().ok().map(f64::from)
    } else {
        return Err(err("position accuracy", 17, 19, "SSS arcseconds", pacc));
    };
    let epoch = cols(line, 20, 20);
    let epoch_code = epoch
        .bytes()
        .next()
        .map(|c| c.wrapping_sub(b'0'))
        .filter(|c| chart_epoch_frame(*c).is_some())
        .ok_or_else(|| {
            err(
                "epoch",
                20,
                20,
                "1-6 (0: the equinox is sent separately, not in the report)",
                epoch,
            )
        })?;
    if line.len() > 20 && !line[20..].trim().is_empty() {
        return Err(err(
            "header",
            21,
            line.len(),
            "nothing after column 20",
            &line[20..],
        ));
    }
    Ok(RdeHeader {
        station: station.to_string(),
        year: if yy >= 57 { 1900 + yy } else { 2000 + yy },
        month,
        time_sigma_s,
        position_sigma_arcsec,
        epoch_code,
    })
}

/// An RDE magnitude ` M.m`, `-M.m` or `MM.m`; `None` when blank.
fn magnitude(line: &str, first: usize) -> Result<Option<f64>, ParseError> {
    let raw = cols(line, first, first + 3);
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let t = raw.trim_start();
    let (sign, body) = match t.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, t),
    };
    let ok = body
        .split_once('.')
        .is_some_and(|(m, f)| all_digits(m) && f.len() == 1 && all_digits(f));
    if raw.len() != 4 || !ok {
        return Err(err(
            "magnitude",
            first,
            first + 3,
            "M.m (a '-' before it when negative)",
            raw,
        ));
    }
    body.parse::<f64>()
        .map(|v| Some(sign * v))
        .map_err(|_| err("magnitude", first, first + 3, "M.m", raw))
}

/// Parses one observation line of a report with `header`, on day `day` of its month.
pub fn parse_rde_line(line: &str, header: &RdeHeader, day: u32) -> Result<Observation, ParseError> {
    if !line.is_ascii() {
        return Err(err("line", 1, 43, "ASCII text", line));
    }
    if line.len() < 31 {
        return Err(err(
            "line",
            1,
            31,
            "at least 31 columns (designator, time, RA and Dec)",
            line,
        ));
    }
    let object_id = designator(line)?;
    blank(line, 8, 8)?;
    let time = cols(line, 9, 17);
    let tb = time.as_bytes();
    let frac = &time[7..];
    if !all_digits(&time[..6])
        || tb[6] != b'.'
        || !frac.trim_end().bytes().all(|b| b.is_ascii_digit())
        || frac.starts_with(' ')
    {
        return Err(err("time", 9, 17, "HHMMSS.ss", time));
    }
    let num = |s: &str| s.parse::<u32>().unwrap_or(0);
    let (hh, mm, ss) = (num(&time[..2]), num(&time[2..4]), num(&time[4..6]));
    let centi = num(&frac.replace(' ', "0"));
    if hh > 23 || mm > 59 || ss > 59 {
        return Err(err("time", 9, 17, "HHMMSS.ss", time));
    }
    let epoch = Epoch::from_calendar(Calendar {
        year: header.year,
        month: header.month,
        day,
        hour: hh,
        minute: mm,
        second: ss,
        nanosecond: centi * 10_000_000,
    })
    .map_err(|e| err("day", 1, 2, &e.to_string(), &format!("{day:02}")))?;
    blank(line, 18, 18)?;
    let ra = cols(line, 19, 24);
    if !all_digits(ra) {
        return Err(err("right ascension", 19, 24, "HHMMSS", ra));
    }
    let (rh, rm, rs) = (num(&ra[..2]), num(&ra[2..4]), num(&ra[4..6]));
    if rh > 23 || rm > 59 || rs > 59 {
        return Err(err(
            "right ascension",
            19,
            24,
            "HHMMSS below 24 h, minutes and seconds below 60",
            ra,
        ));
    }
    let sign = match cols(line, 25, 25) {
        "+" | " " => 1.0,
        "-" => -1.0,
        other => return Err(err("sign", 25, 25, "+, - or blank", other)),
    };
    let dec = cols(line, 26, 31);
    if !all_digits(dec) {
        return Err(err("declination", 26, 31, "DDMMSS", dec));
    }
    let (dd, dm, ds) = (num(&dec[..2]), num(&dec[2..4]), num(&dec[4..6]));
    let dec_deg = f64::from(dd) + f64::from(dm) / 60.0 + f64::from(ds) / 3600.0;
    if dm > 59 || ds > 59 || dec_deg > 90.0 {
        return Err(err(
            "declination",
            26,
            31,
            "DDMMSS at most 90°, minutes and seconds below 60",
            dec,
        ));
    }
    let mag = magnitude(line, 32)?;
    magnitude(line, 36)?;
    let flash = cols(line, 40, 42);
    let f = flash.trim();
    if !f.is_empty()
        && (f.matches('.').count() > 1
            || !f.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            || f == ".")
    {
        return Err(err("flash period", 40, 42, "seconds, e.g. ' 3 '", flash));
    }
    match cols(line, 43, 43) {
        "" | " " | "S" | "I" | "R" | "F" | "X" | "E" => {}
        other => return Err(err("remark", 43, 43, "S, I, R, F, X, E or blank", other)),
    }
    let frame = chart_epoch_frame(header.epoch_code)
        .ok_or_else(|| err("epoch", 20, 20, "1-6", &header.epoch_code.to_string()))?;
    Ok(Observation {
        station: header.station.clone(),
        norad_cat_id: None,
        object_id: Some(object_id),
        time: epoch,
        time_sigma_s: header.time_sigma_s,
        angles: Angles::RaDec {
            ra_deg: f64::from(rh) * 15.0 + f64::from(rm) / 4.0 + f64::from(rs) / 240.0,
            dec_deg: sign * dec_deg,
            frame,
        },
        angle_sigma_deg: header.position_sigma_arcsec.map(|a| a / 3600.0),
        mag,
        mag_sigma: None,
        tracklet_id: None,
        iod: None,
        provenance: None,
    })
}

/// Whether a line is a day line: two digits, nothing else.
fn day_of(line: &str) -> Option<&str> {
    let t = line.trim_end();
    (t.len() == 2 && all_digits(t)).then_some(t)
}

/// Reads RDE reports: lines outside a report (`SATOBS`, e-mail text) are skipped with a
/// warning, an observation line before any header or day is an error.
pub fn read_rde(source_name: &str, text: &str) -> ObservationsRead {
    let mut out = ObservationsRead::default();
    // The report being read, with its current day.
    let mut report: Option<(RdeHeader, Option<u32>)> = None;
    let mut skipped_outside = 0usize;
    let mut first_skipped = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim_end_matches('\r');
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let error = |e: ParseError| e.with_source(source_name).with_line(Some(n));
        match &mut report {
            Some((header, day)) => {
                if t == "999" {
                    report = None;
                } else if let Some(d) = day_of(line) {
                    let d: u32 = d.parse().unwrap_or(0);
                    if (1..=31).contains(&d) {
                        *day = Some(d);
                    } else {
                        *day = None;
                        out.errors
                            .push(error(err("day", 1, 2, "a day of the month 01-31", t)));
                    }
                } else if looks_like_header(line) {
                    // A new header without `999`: the previous report ends here.
                    match parse_header(line) {
                        Ok(h) => report = Some((h, None)),
                        Err(e) => {
                            out.errors.push(error(e));
                            report = None;
                        }
                    }
                } else if let Some(d) = day {
                    match parse_rde_line(line, header, *d) {
                        Ok(o) => out.observations.push((n, o)),
                        Err(e) => out.errors.push(error(e)),
                    }
                } else {
                    out.errors.push(error(err(
                        "day",
                        1,
                        2,
                        "a day line DD before the observations",
                        line,
                    )));
                }
            }
            None => {
                if looks_like_header(line) {
                    match parse_header(line) {
                        Ok(h) => report = Some((h, None)),
                        Err(e) => out.errors.push(error(e)),
                    }
                } else if line.len() >= 31
                    && line.as_bytes()[..7].iter().all(u8::is_ascii_digit)
                    && line.as_bytes()[7] == b' '
                {
                    out.errors.push(error(err(
                        "header",
                        1,
                        20,
                        "a header line SSSS YYMM T.tSF PPPE before the observations",
                        line,
                    )));
                } else if t != "SATOBS" {
                    skipped_outside += 1;
                    first_skipped.get_or_insert(n);
                }
            }
        }
    }
    if skipped_outside > 0 {
        out.warnings.push(
            Warning::new(format!(
                "{skipped_outside} line(s) outside any RDE report (header to 999) skipped"
            ))
            .with_source(source_name)
            .with_line(first_skipped),
        );
    }
    if report.is_some() {
        out.warnings.push(
            Warning::new("the last report does not end with 999")
                .with_source(source_name)
                .with_line(Some(text.lines().count())),
        );
    }
    out
}

/// The header accuracies as written: time `T.t` (0.1–9.9 s), position `SSS` (1–999″).
fn header_fields(o: &Observation) -> (String, String) {
    let t = match o.time_sigma_s {
        Some(s) if s.is_finite() && s >= 0.0 => {
            let tenths = (s * 10.0).round().clamp(1.0, 99.0) as u32;
            format!("{}.{}", tenths / 10, tenths % 10)
        }
        _ => "   ".to_string(),
    };
    let p = match o.angle_sigma_deg {
        Some(s) if s.is_finite() && s >= 0.0 => {
            format!("{:3}", (s * 3600.0).round().clamp(1.0, 999.0) as u32)
        }
        _ => "   ".to_string(),
    };
    (t, p)
}

/// A magnitude as ` M.m` (−9.9 to 99.9); blanks otherwise.
fn write_mag(m: Option<f64>) -> String {
    match m {
        Some(m) if m.is_finite() && m > -9.95 && m < 99.95 => {
            let s = format!("{m:4.1}");
            if s == "-0.0" {
                " 0.0".to_string()
            } else {
                s
            }
        }
        _ => "    ".to_string(),
    }
}

/// Writes observations as RDE reports, one per station, month, accuracy and chart epoch,
/// each in time order with its day lines and ended by `999`.
pub fn write_rde(observations: &[Observation]) -> Result<String, WriteError> {
    let bad = |field: &str, message: String| WriteError::Observation {
        field: field.to_string(),
        message,
    };
    // Every line first, so that a refusal leaves nothing half written.
    let mut rows = Vec::with_capacity(observations.len());
    for o in observations {
        let yylllpp = designator_digits(o)?;
        station_digits(&o.station, "RDE")?;
        let Angles::RaDec {
            ra_deg,
            dec_deg,
            frame,
        } = o.angles
        else {
            return Err(bad(
                "angles",
                "the RDE format carries RA/Dec only".to_string(),
            ));
        };
        let epoch = chart_epoch_code(frame)
            .ok_or_else(|| bad("frame", format!("{} has no RDE epoch code", frame.label())))?;
        if !(ra_deg.is_finite() && dec_deg.is_finite() && dec_deg.abs() <= 90.0) {
            return Err(bad(
                "angles",
                format!("RA {ra_deg} Dec {dec_deg} out of range"),
            ));
        }
        // Time to 0.01 s, carried into the date.
        let t = Epoch::from_ns_since_1950(
            (o.time.ns_since_1950() + 5_000_000).div_euclid(10_000_000) * 10_000_000,
        );
        let c = t.calendar();
        if !(1957..=2056).contains(&c.year) {
            return Err(bad("time", format!("year {} outside 1957-2056", c.year)));
        }
        let ra_s = ((ra_deg.rem_euclid(360.0) * 240.0).round() as u64) % 86_400;
        let dec_as = (dec_deg.abs() * 3600.0).round() as u64;
        let (tacc, pacc) = header_fields(o);
        let header = format!(
            "{} {:02}{:02} {tacc}11 {pacc}{epoch}",
            o.station,
            c.year % 100,
            c.month,
        );
        let body = format!(
            "{yylllpp} {:02}{:02}{:02}.{:02} {:02}{:02}{:02}{}{:02}{:02}{:02}{}{}",
            c.hour,
            c.minute,
            c.second,
            c.nanosecond / 10_000_000,
            ra_s / 3600,
            (ra_s / 60) % 60,
            ra_s % 60,
            if dec_deg < 0.0 && dec_as > 0 {
                '-'
            } else {
                '+'
            },
            dec_as / 3600,
            (dec_as / 60) % 60,
            dec_as % 60,
            write_mag(o.mag),
            write_mag(o.mag),
        );
        rows.push((header, t, c.day, body.trim_end().to_string()));
    }
    // Reports by header, in time order within each.
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| rows[a].0.cmp(&rows[b].0).then(rows[a].1.cmp(&rows[b].1)));
    let mut out = String::new();
    let mut current: Option<(&str, u32)> = None;
    for i in order {
        let (header, _, day, body) = &rows[i];
        match current {
            Some((h, d)) if h == header.as_str() => {
                if d != *day {
                    out.push_str(&format!("{day:02}\n"));
                }
            }
            _ => {
                if current.is_some() {
                    out.push_str("999\n");
                }
                out.push_str(header);
                out.push('\n');
                out.push_str(&format!("{day:02}\n"));
            }
        }
        current = Some((header.as_str(), *day));
        out.push_str(body);
        out.push('\n');
    }
    if current.is_some() {
        out.push_str("999\n");
    }
    Ok(out)
}
