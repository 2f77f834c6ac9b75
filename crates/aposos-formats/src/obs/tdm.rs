//! CCSDS Tracking Data Message (503.0-B-2, TDM version 2.0) in KVN, for angle data.
//!
//! A TDM is a header (`CCSDS_TDM_VERS`, `CREATION_DATE`, `ORIGINATOR`) followed by
//! segments, each a metadata block (`META_START` … `META_STOP`) and a data block
//! (`DATA_START` … `DATA_STOP`). Data lines are `KEYWORD = epoch value`.
//!
//! What this module reads and writes:
//! - metadata: `TIME_SYSTEM` (UTC only: other scales need leap seconds the format
//!   layer does not carry, so such segments are refused with their line), `PARTICIPANT_1`
//!   (the station) and `PARTICIPANT_2` (the object: a catalog number, an international
//!   designator, or `UNKNOWN` for an uncorrelated track; swapped when the object comes
//!   first), `MODE`, `PATH`, `ANGLE_TYPE` (`RADEC` or `AZEL`), `REFERENCE_FRAME` for RA/Dec
//!   (`EME2000`/`ICRF` as J2000, `TOD` as of date); other metadata keywords are kept
//!   silent, unknown ones warned about;
//! - data: `ANGLE_1` and `ANGLE_2` in degrees, paired by epoch into one observation,
//!   and `MAG` at the same epoch; other data types (range, Doppler, …) are skipped with
//!   a warning.
//!
//! TDM has no per-measurement uncertainty: APOSOS writes the segment's uncertainties
//! and tracklet id as `COMMENT aposos key = value` lines in the metadata block and
//! reads them back; other comments are ignored.

use super::{Angles, Observation, ObservationsRead, RaDecFrame};
use crate::epoch::Epoch;
use crate::error::{ParseError, Warning, WriteError};
use std::collections::BTreeMap;

fn perr(line: usize, field: &str, expected: &str, found: &str) -> ParseError {
    ParseError::new(field, expected, found).with_line(Some(line))
}

/// The metadata of one segment, as read.
#[derive(Debug, Default)]
struct Meta {
    station: Option<String>,
    object: Option<String>,
    angle_type: Option<String>,
    frame: Option<String>,
    time_system: Option<String>,
    angle_sigma_arcsec: Option<f64>,
    time_sigma_s: Option<f64>,
    mag_sigma: Option<f64>,
    object_id: Option<String>,
    tracklet: Option<String>,
}

/// Keywords of the TDM metadata block that this reader accepts without using them.
const OTHER_META: &[&str] = &[
    "START_TIME",
    "STOP_TIME",
    "PARTICIPANT_3",
    "PARTICIPANT_4",
    "PARTICIPANT_5",
    "MODE",
    "PATH",
    "PATH_1",
    "PATH_2",
    "TRANSMIT_BAND",
    "RECEIVE_BAND",
    "TURNAROUND_NUMERATOR",
    "TURNAROUND_DENOMINATOR",
    "TIMETAG_REF",
    "INTEGRATION_INTERVAL",
    "INTEGRATION_REF",
    "FREQ_OFFSET",
    "RANGE_MODE",
    "RANGE_MODULUS",
    "RANGE_UNITS",
    "DATA_QUALITY",
    "CORRECTION_ANGLE_1",
    "CORRECTION_ANGLE_2",
    "CORRECTIONS_APPLIED",
    "TRACK_ID",
    "EPHEMERIS_NAME_1",
    "EPHEMERIS_NAME_2",
];

/// The object of `PARTICIPANT_2`: a catalog number, an international designator, or
/// `UNKNOWN`; `Err` for anything else.
fn parse_object(text: &str) -> Result<(Option<u32>, Option<String>), ()> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("UNKNOWN") || t.is_empty() {
        return Ok((None, None));
    }
    match t.parse::<u32>() {
        Ok(n) if (1..=999_999_999).contains(&n) && t.bytes().all(|b| b.is_ascii_digit()) => {
            Ok((Some(n), None))
        }
        _ if super::is_intl_designator(t) => Ok((None, Some(t.to_string()))),
        _ => Err(()),
    }
}

fn looks_like_object(text: &str) -> bool {
    let t = text.trim();
    t.parse::<u32>().is_ok()
        || (t.len() >= 9
            && t.as_bytes().get(4) == Some(&b'-')
            && t[..4].bytes().all(|b| b.is_ascii_digit()))
}

/// Reads a TDM in KVN; refused segments or records are reported with their line, the rest kept.
pub fn read_tdm_kvn(source_name: &str, text: &str) -> ObservationsRead {
    let lines: Vec<(usize, String)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.to_string()))
        .collect();
    read_tdm_lines(source_name, &lines)
}

/// Reads a TDM in XML (NDM/XML `tdm` root, 503.0-B-2 schema layout); errors name the line.
pub fn read_tdm_xml(source_name: &str, text: &str) -> ObservationsRead {
    let root = match crate::omm::xml::parse_tree(text) {
        Ok(r) => r,
        Err(e) => {
            return ObservationsRead {
                errors: vec![e.with_source(source_name)],
                ..ObservationsRead::default()
            };
        }
    };
    let tdm = if root.name == "ndm" {
        root.children.into_iter().find(|c| c.name == "tdm")
    } else {
        Some(root)
    };
    let Some(tdm) = tdm.filter(|t| t.name == "tdm") else {
        let e = ParseError::new("root element", "<tdm>", "another root")
            .with_line(Some(1))
            .with_source(source_name);
        return ObservationsRead {
            errors: vec![e],
            ..ObservationsRead::default()
        };
    };
    // The same logical lines as the KVN form, each at the line of its element.
    let mut lines: Vec<(usize, String)> = vec![(
        tdm.line,
        format!(
            "CCSDS_TDM_VERS = {}",
            tdm.version.clone().unwrap_or_default()
        ),
    )];
    let kv = |n: &crate::omm::xml::Node| {
        if n.name == "COMMENT" {
            format!("COMMENT {}", n.text.trim())
        } else {
            format!("{} = {}", n.name, n.text.trim())
        }
    };
    for block in &tdm.children {
        match block.name.as_str() {
            "header" => lines.extend(block.children.iter().map(|c| (c.line, kv(c)))),
            "body" => {
                for seg in block.children.iter().filter(|s| s.name == "segment") {
                    for part in &seg.children {
                        match part.name.as_str() {
                            "metadata" => {
                                lines.push((part.line, "META_START".into()));
                                lines.extend(part.children.iter().map(|c| (c.line, kv(c))));
                                lines.push((part.line, "META_STOP".into()));
                            }
                            "data" => {
                                lines.push((part.line, "DATA_START".into()));
                                for obs in &part.children {
                                    if obs.name == "COMMENT" {
                                        continue;
                                    }
                                    let epoch = obs
                                        .children
                                        .iter()
                                        .find(|c| c.name == "EPOCH")
                                        .map(|c| c.text.trim().to_string())
                                        .unwrap_or_default();
                                    for m in obs.children.iter().filter(|c| c.name != "EPOCH") {
                                        lines.push((
                                            m.line,
                                            format!("{} = {epoch} {}", m.name, m.text.trim()),
                                        ));
                                    }
                                }
                                lines.push((part.line, "DATA_STOP".into()));
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
    read_tdm_lines(source_name, &lines)
}

/// The reader of both forms, on logical `KEYWORD = value` lines with their line numbers.
fn read_tdm_lines(source_name: &str, lines: &[(usize, String)]) -> ObservationsRead {
    let mut out = ObservationsRead::default();
    let mut header_seen = false;
    let mut state = 0u8; // 0 header, 1 meta, 2 between, 3 data
    let mut meta = Meta::default();
    let mut meta_ok = true;
    let mut meta_line = 0usize;
    // Pending angles of the current segment by epoch: (line, angle_1, angle_2, mag).
    type Pending = BTreeMap<Epoch, (usize, Option<f64>, Option<f64>, Option<f64>)>;
    let mut pending: Pending = BTreeMap::new();
    let mut errors: Vec<ParseError> = Vec::new();
    let warn = |out: &mut ObservationsRead, line: usize, msg: String| {
        out.warnings.push(
            Warning::new(msg)
                .with_source(source_name)
                .with_line(Some(line)),
        );
    };
    let finish = |meta: &Meta,
                  pending: &mut Pending,
                  out: &mut ObservationsRead,
                  errors: &mut Vec<ParseError>,
                  ok: bool| {
        let taken = std::mem::take(pending);
        if !ok {
            return;
        }
        let (mut station, mut object) = (
            meta.station.clone().unwrap_or_default(),
            meta.object.clone().unwrap_or_default(),
        );
        let object_unknown =
            object.trim().is_empty() || object.trim().eq_ignore_ascii_case("UNKNOWN");
        if looks_like_object(&station) && !looks_like_object(&object) && !object_unknown {
            std::mem::swap(&mut station, &mut object);
        }
        let Ok((norad, parsed_id)) = parse_object(&object) else {
            errors.push(perr(
                taken.values().next().map_or(0, |v| v.0),
                "PARTICIPANT_2 (segment refused)",
                "a catalog number, an international designator or UNKNOWN",
                &object,
            ));
            return;
        };
        let object_id = parsed_id.or_else(|| meta.object_id.clone());
        let kind = meta.angle_type.as_deref().unwrap_or("");
        let frame = match meta.frame.as_deref() {
            Some("TOD") => RaDecFrame::OfDate,
            _ => RaDecFrame::J2000,
        };
        for (epoch, (line, a1, a2, mag)) in taken {
            let (Some(a), Some(b)) = (a1, a2) else {
                errors.push(perr(
                    line,
                    if a1.is_none() { "ANGLE_1" } else { "ANGLE_2" },
                    "ANGLE_1 and ANGLE_2 at the same epoch",
                    "only one of them",
                ));
                continue;
            };
            let angles = if kind == "AZEL" {
                Angles::AzEl {
                    az_deg: a.rem_euclid(360.0),
                    el_deg: b,
                }
            } else {
                Angles::RaDec {
                    ra_deg: a.rem_euclid(360.0),
                    dec_deg: b,
                    frame,
                }
            };
            out.observations.push((
                line,
                Observation {
                    station: station.clone(),
                    norad_cat_id: norad,
                    object_id: object_id.clone(),
                    time: epoch,
                    time_sigma_s: meta.time_sigma_s,
                    angles,
                    angle_sigma_deg: meta.angle_sigma_arcsec.map(|s| s / 3600.0),
                    mag,
                    mag_sigma: meta.mag_sigma,
                    tracklet_id: meta.tracklet.clone(),
                    iod: None,
                    provenance: None,
                },
            ));
        }
    };
    for (ln, raw) in lines {
        let ln = *ln;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(c) = line.strip_prefix("COMMENT") {
            if state == 1 {
                // `COMMENT aposos key = value`
                if let Some(rest) = c.trim().strip_prefix("aposos ") {
                    if let Some((k, v)) = rest.split_once('=') {
                        let (k, v) = (k.trim(), v.trim());
                        let num = v.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0);
                        match k {
                            "angle_sigma_arcsec" => meta.angle_sigma_arcsec = num,
                            "time_sigma_s" => meta.time_sigma_s = num,
                            "mag_sigma" => meta.mag_sigma = num,
                            "object_id" => {
                                meta.object_id =
                                    Some(v.to_string()).filter(|t| super::is_intl_designator(t))
                            }
                            "tracklet" => {
                                meta.tracklet = Some(v.to_string()).filter(|t| !t.is_empty())
                            }
                            _ => {}
                        }
                    }
                }
            }
            continue;
        }
        match line {
            "META_START" => {
                if !header_seen {
                    errors.push(perr(
                        ln,
                        "CCSDS_TDM_VERS",
                        "the header before the first segment",
                        "META_START",
                    ));
                    header_seen = true;
                }
                if state == 1 || state == 3 {
                    let dropped = pending.len();
                    pending.clear();
                    errors.push(perr(
                        ln,
                        "META_START",
                        "META_STOP or DATA_STOP first",
                        &format!(
                            "{line} ({dropped} measurement epoch(s) of the open block refused)"
                        ),
                    ));
                }
                state = 1;
                meta = Meta::default();
                meta_ok = true;
                meta_line = ln;
                continue;
            }
            "META_STOP" => {
                if state != 1 {
                    errors.push(perr(ln, "META_STOP", "META_START before it", line));
                }
                // Check the segment's metadata once.
                let mut bad = |field: &str, expected: &str, found: &str| {
                    errors.push(perr(
                        meta_line,
                        &format!("{field} (segment refused)"),
                        expected,
                        found,
                    ));
                    false
                };
                if meta.time_system.as_deref() != Some("UTC") {
                    meta_ok = bad(
                        "TIME_SYSTEM",
                        "UTC",
                        meta.time_system.as_deref().unwrap_or("nothing"),
                    ) && meta_ok;
                }
                match meta.angle_type.as_deref() {
                    Some("RADEC") => match meta.frame.as_deref() {
                        Some("EME2000" | "ICRF" | "GCRF" | "TOD") => {}
                        other => {
                            meta_ok = bad(
                                "REFERENCE_FRAME",
                                "EME2000, ICRF, GCRF or TOD for RADEC",
                                other.unwrap_or("nothing"),
                            ) && meta_ok
                        }
                    },
                    Some("AZEL") => {}
                    other => {
                        meta_ok = bad("ANGLE_TYPE", "RADEC or AZEL", other.unwrap_or("nothing"))
                            && meta_ok
                    }
                }
                if meta
                    .station
                    .as_deref()
                    .is_none_or(|s| s.trim().is_empty() || s.trim().eq_ignore_ascii_case("UNKNOWN"))
                {
                    meta_ok = bad("PARTICIPANT_1", "the station", "nothing") && meta_ok;
                }
                state = 2;
                continue;
            }
            "DATA_START" => {
                if state != 2 {
                    errors.push(perr(
                        ln,
                        "DATA_START",
                        "a metadata block before it (its data refused)",
                        line,
                    ));
                    meta_ok = false;
                }
                state = 3;
                continue;
            }
            "DATA_STOP" => {
                if state != 3 {
                    errors.push(perr(ln, "DATA_STOP", "DATA_START before it", line));
                }
                finish(
                    &meta,
                    &mut pending,
                    &mut out,
                    &mut errors,
                    meta_ok && state == 3,
                );
                state = 2;
                continue;
            }
            _ => {}
        }
        let Some((key, value)) = line.split_once('=') else {
            errors.push(perr(ln, "line", "KEYWORD = value", line));
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        match state {
            0 | 2 if !header_seen || state == 0 => match key {
                "CCSDS_TDM_VERS" => {
                    if !matches!(value, "1.0" | "2.0") {
                        errors.push(perr(ln, "CCSDS_TDM_VERS", "1.0 or 2.0", value));
                    }
                    header_seen = true;
                }
                "CREATION_DATE" | "ORIGINATOR" | "MESSAGE_ID" => {}
                _ if !header_seen => {
                    errors.push(perr(ln, "CCSDS_TDM_VERS", "the first keyword", key))
                }
                other => warn(
                    &mut out,
                    ln,
                    format!("unknown header keyword {other} ignored"),
                ),
            },
            1 => match key {
                "TIME_SYSTEM" => meta.time_system = Some(value.to_string()),
                "PARTICIPANT_1" => meta.station = Some(value.to_string()),
                "PARTICIPANT_2" => meta.object = Some(value.to_string()),
                "ANGLE_TYPE" => meta.angle_type = Some(value.to_string()),
                "REFERENCE_FRAME" => meta.frame = Some(value.to_string()),
                k if OTHER_META.contains(&k) => {}
                other => warn(
                    &mut out,
                    ln,
                    format!("unknown metadata keyword {other} ignored"),
                ),
            },
            3 => {
                if key == "PARTICIPANT_1" {
                    continue;
                }
                let mut parts = value.split_whitespace();
                let (Some(t), Some(v)) = (parts.next(), parts.next()) else {
                    errors.push(perr(ln, key, "an epoch and a value", value));
                    continue;
                };
                if !matches!(key, "ANGLE_1" | "ANGLE_2" | "MAG") {
                    warn(
                        &mut out,
                        ln,
                        format!("data keyword {key} is not an angle measurement; skipped"),
                    );
                    continue;
                }
                let epoch = match Epoch::parse_iso(t) {
                    Ok(e) => e,
                    Err(e) => {
                        errors.push(perr(
                            ln,
                            &format!("{key} epoch"),
                            "an ISO 8601 or CCSDS time",
                            &format!("{t} ({e})"),
                        ));
                        continue;
                    }
                };
                let v: f64 = match v.parse::<f64>() {
                    Ok(x) if x.is_finite() => x,
                    _ => {
                        errors.push(perr(ln, &format!("{key} value"), "a number", v));
                        continue;
                    }
                };
                let range_ok = match key {
                    "ANGLE_1" => (-360.0..=360.0).contains(&v),
                    "ANGLE_2" => (-90.0..=90.0).contains(&v),
                    _ => (-30.0..=40.0).contains(&v),
                };
                if !range_ok {
                    let expected = match key {
                        "ANGLE_1" => "degrees -360 to 360",
                        "ANGLE_2" => "degrees -90 to 90",
                        _ => "a magnitude -30 to 40",
                    };
                    errors.push(perr(ln, &format!("{key} value"), expected, &v.to_string()));
                    continue;
                }
                let slot = pending.entry(epoch).or_insert((ln, None, None, None));
                let target = match key {
                    "ANGLE_1" => &mut slot.1,
                    "ANGLE_2" => &mut slot.2,
                    _ => &mut slot.3,
                };
                if target.is_some() {
                    errors.push(perr(
                        ln,
                        key,
                        "one value per epoch",
                        &format!("a second {key} at {t}"),
                    ));
                    continue;
                }
                *target = Some(v);
            }
            _ => errors.push(perr(ln, key, "META_START or the header", key)),
        }
    }
    if state == 1 || state == 3 {
        errors.push(perr(
            lines.last().map_or(1, |(l, _)| *l),
            if state == 1 { "META_STOP" } else { "DATA_STOP" },
            "the end of the block",
            "the end of the text",
        ));
        finish(&meta, &mut pending, &mut out, &mut errors, false);
    }
    if let Some((first_line, first)) = lines.iter().find(|(_, l)| !l.trim().is_empty()) {
        if !header_seen {
            errors.push(perr(*first_line, "CCSDS_TDM_VERS", "a TDM header", first));
        }
    }
    // Keep the order of the text.
    out.observations.sort_by_key(|(line, _)| *line);
    out.errors = errors
        .into_iter()
        .map(|e| e.with_source(source_name))
        .collect();
    out
}

/// Segment key of an observation: everything that goes into a metadata block.
fn segment_key(o: &Observation) -> (String, String, String, String, String) {
    let object = match (o.norad_cat_id, &o.object_id) {
        (Some(n), _) => n.to_string(),
        (None, Some(id)) => id.clone(),
        (None, None) => "UNKNOWN".into(),
    };
    let (kind, frame) = match o.angles {
        Angles::RaDec {
            frame: RaDecFrame::OfDate,
            ..
        } => ("RADEC", "TOD"),
        Angles::RaDec { .. } => ("RADEC", "EME2000"),
        Angles::AzEl { .. } => ("AZEL", ""),
    };
    let extras = format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}",
        o.angle_sigma_deg.map(|s| s * 3600.0),
        o.time_sigma_s,
        o.mag_sigma,
        o.tracklet_id,
        o.norad_cat_id.and(o.object_id.as_ref())
    );
    (
        o.station.clone(),
        object,
        kind.to_string(),
        frame.to_string(),
        extras,
    )
}

/// Writes observations as a TDM in KVN: consecutive observations with the same station,
/// object, angle type, uncertainties and tracklet share a segment (a repeated epoch
/// starts a new one, since a segment has one measurement of a kind per epoch).
pub fn write_tdm_kvn(
    observations: &[Observation],
    originator: &str,
    creation: Epoch,
) -> Result<String, WriteError> {
    let mut s = String::new();
    s.push_str("CCSDS_TDM_VERS = 2.0\n");
    s.push_str(&format!("CREATION_DATE = {}\n", creation.to_iso()));
    s.push_str(&format!("ORIGINATOR = {originator}\n"));
    let mut i = 0;
    while i < observations.len() {
        let key = segment_key(&observations[i]);
        // A segment holds one measurement per epoch: a repeated epoch starts a new one.
        let mut epochs = std::collections::BTreeSet::new();
        let mut j = i;
        while j < observations.len()
            && segment_key(&observations[j]) == key
            && epochs.insert(observations[j].time)
        {
            j += 1;
        }
        let seg = &observations[i..j];
        let first = &seg[0];
        if key.0.trim().is_empty()
            || key.0.trim().eq_ignore_ascii_case("UNKNOWN")
            || key.0.contains(['\n', '='])
            || key.0 != key.0.trim()
        {
            return Err(WriteError::Observation {
                field: "station".into(),
                message: format!("{:?} cannot be a TDM participant", key.0),
            });
        }
        if let Angles::RaDec {
            frame: RaDecFrame::Equinox(y),
            ..
        } = first.angles
        {
            return Err(WriteError::Observation {
                field: "frame".into(),
                message: format!(
                    "TDM has no reference frame for the equinox {y}; convert to J2000 first"
                ),
            });
        }
        s.push_str("\nMETA_START\n");
        if let Some(a) = first.angle_sigma_deg {
            s.push_str(&format!(
                "COMMENT aposos angle_sigma_arcsec = {}\n",
                a * 3600.0
            ));
        }
        if let Some(t) = first.time_sigma_s {
            s.push_str(&format!("COMMENT aposos time_sigma_s = {t}\n"));
        }
        if let Some(m) = first.mag_sigma {
            s.push_str(&format!("COMMENT aposos mag_sigma = {m:?}\n"));
        }
        if let Some(t) = &first.tracklet_id {
            if t != t.trim() || t.is_empty() || t.chars().any(char::is_control) {
                return Err(WriteError::Observation {
                    field: "tracklet".into(),
                    message: format!("{t:?} cannot be written in a TDM comment"),
                });
            }
            s.push_str(&format!("COMMENT aposos tracklet = {t}\n"));
        }
        if let Some(id) = &first.object_id {
            if !super::is_intl_designator(id) {
                return Err(WriteError::Observation {
                    field: "object_id".into(),
                    message: format!("{id:?} is not an international designator"),
                });
            }
            if first.norad_cat_id.is_some() {
                s.push_str(&format!("COMMENT aposos object_id = {id}\n"));
            }
        }
        s.push_str("TIME_SYSTEM = UTC\n");
        s.push_str(&format!(
            "START_TIME = {}\n",
            seg.iter()
                .map(|o| o.time)
                .min()
                .unwrap_or(first.time)
                .to_iso()
        ));
        s.push_str(&format!(
            "STOP_TIME = {}\n",
            seg.iter()
                .map(|o| o.time)
                .max()
                .unwrap_or(first.time)
                .to_iso()
        ));
        s.push_str(&format!("PARTICIPANT_1 = {}\n", key.0));
        s.push_str(&format!("PARTICIPANT_2 = {}\n", key.1));
        s.push_str("MODE = SEQUENTIAL\nPATH = 2,1\n");
        s.push_str(&format!("ANGLE_TYPE = {}\n", key.2));
        if !key.3.is_empty() {
            s.push_str(&format!("REFERENCE_FRAME = {}\n", key.3));
        }
        s.push_str("META_STOP\nDATA_START\n");
        for o in seg {
            let (a, b) = match o.angles {
                Angles::RaDec {
                    ra_deg, dec_deg, ..
                } => (ra_deg, dec_deg),
                Angles::AzEl { az_deg, el_deg } => (az_deg, el_deg),
            };
            let t = o.time.to_iso();
            // 17 significant digits: values read back bit for bit.
            s.push_str(&format!("ANGLE_1 = {t} {a:?}\nANGLE_2 = {t} {b:?}\n"));
            if let Some(m) = o.mag {
                s.push_str(&format!("MAG = {t} {m:?}\n"));
            }
        }
        s.push_str("DATA_STOP\n");
        i = j;
    }
    Ok(s)
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes observations as a TDM in XML (the KVN form's segments, as NDM/XML elements).
pub fn write_tdm_xml(
    observations: &[Observation],
    originator: &str,
    creation: Epoch,
) -> Result<String, WriteError> {
    let kvn = write_tdm_kvn(observations, originator, creation)?;
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str("<tdm xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:noNamespaceSchemaLocation=\"https://sanaregistry.org/r/ndmxml_unqualified/ndmxml-2.0.0-master-2.0.xsd\" id=\"CCSDS_TDM_VERS\" version=\"2.0\">\n");
    s.push_str("  <header>\n");
    let mut in_body = false;
    let mut in_data = false;
    for line in kvn.lines().skip(1) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match line {
            "META_START" => {
                if !in_body {
                    s.push_str("  </header>\n  <body>\n");
                    in_body = true;
                }
                s.push_str("    <segment>\n      <metadata>\n");
            }
            "META_STOP" => s.push_str("      </metadata>\n"),
            "DATA_START" => {
                s.push_str("      <data>\n");
                in_data = true;
            }
            "DATA_STOP" => {
                s.push_str("      </data>\n    </segment>\n");
                in_data = false;
            }
            _ => {
                let indent = if in_body { "        " } else { "    " };
                if let Some(c) = line.strip_prefix("COMMENT") {
                    s.push_str(&format!(
                        "{indent}<COMMENT>{}</COMMENT>\n",
                        xml_escape(c.trim())
                    ));
                } else if let Some((k, v)) = line.split_once('=') {
                    let (k, v) = (k.trim(), v.trim());
                    if in_data {
                        let (epoch, value) = v.split_once(' ').unwrap_or((v, ""));
                        s.push_str(&format!("        <observation><EPOCH>{epoch}</EPOCH><{k}>{value}</{k}></observation>\n"));
                    } else {
                        s.push_str(&format!("{indent}<{k}>{}</{k}>\n", xml_escape(v)));
                    }
                }
            }
        }
    }
    if !in_body {
        s.push_str("  </header>\n  <body>\n");
    }
    s.push_str("  </body>\n</tdm>\n");
    Ok(s)
}
