//! OMM in Keyword = Value Notation (KVN), CCSDS 502.0-B-3 section 4.
//!
//! One `KEYWORD = value` per line (blank lines ignored; a value may be followed
//! by its units in square brackets, e.g. `MEAN_MOTION = 15.5 [rev/day]`), and
//! `COMMENT text` lines. A message starts with `CCSDS_OMM_VERS`; a file may
//! hold several messages one after the other, one element set each. A bad
//! message is refused with an error naming its line and keyword; the reader
//! goes on at the next `CCSDS_OMM_VERS`.
//!
//! Values are trimmed: KVN (CCSDS 502.0-B-3) ignores leading and
//! trailing blanks around a value and after `COMMENT`, so an `OBJECT_NAME` or
//! comment with leading/trailing spaces comes back without them. This is
//! inherent to KVN; use JSON, CSV or XML to keep such spaces.
//!
//! The writer writes the header (`CCSDS_OMM_VERS`, `COMMENT`s, `CREATION_DATE`
//! and `ORIGINATOR`, mandatory in CCSDS 502.0-B-3: when unknown, the current
//! UTC time and `APOSOS`), the metadata (with the defaults `EARTH`, `TEME`,
//! `UTC`, `SGP4` when absent), the mean elements and the TLE parameters,
//! keywords padded to 19 columns, a blank line between messages.

use super::{to_fields, Ctx, RawField, RawObject, RawValue, Where};
use crate::detect::Format;
use crate::element_set::ElementSet;
use crate::error::{ParseError, WriteError};
use crate::read::{ElementsRead, ReadOptions};

/// Keywords whose values are numbers (units in brackets may follow them).
const NUMERIC: [&str; 13] = [
    "MEAN_MOTION",
    "ECCENTRICITY",
    "INCLINATION",
    "RA_OF_ASC_NODE",
    "ARG_OF_PERICENTER",
    "MEAN_ANOMALY",
    "EPHEMERIS_TYPE",
    "NORAD_CAT_ID",
    "ELEMENT_SET_NO",
    "REV_AT_EPOCH",
    "BSTAR",
    "MEAN_MOTION_DOT",
    "MEAN_MOTION_DDOT",
];

/// Reads every OMM message of a KVN text; `source_name` names it in errors.
pub fn read_omm_kvn(source_name: &str, text: &str, opts: &ReadOptions) -> ElementsRead {
    let mut ctx = Ctx::new(source_name, opts, Format::OmmKvn);
    // The message being read, and whether it already failed.
    let mut current: Option<(RawObject, bool)> = None;
    let mut reported_orphan = false;
    for (i, raw_line) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw_line.trim();
        if line.is_empty() {
            continue;
        }
        let parsed = parse_line(line).map_err(|e| e.with_line(Some(n)));
        if let Ok(Line::KeyValue("CCSDS_OMM_VERS", _)) = &parsed {
            if let Some((obj, failed)) = current.take() {
                if !failed {
                    ctx.object(&obj);
                }
            }
            current = Some((
                RawObject {
                    fields: Vec::new(),
                    comments: Vec::new(),
                    place: Where::Line(Some(n)),
                },
                false,
            ));
        }
        let Some((obj, failed)) = current.as_mut() else {
            if !reported_orphan {
                reported_orphan = true;
                ctx.error(
                    ParseError::new(
                        "CCSDS_OMM_VERS",
                        "a message starting with CCSDS_OMM_VERS = version",
                        line,
                    )
                    .with_line(Some(n)),
                );
            }
            continue;
        };
        if *failed {
            continue;
        }
        match parsed {
            Err(e) => {
                *failed = true;
                ctx.error(e);
            }
            Ok(Line::Comment(c)) => obj.comments.push(c.to_string()),
            Ok(Line::KeyValue(key, value)) => {
                let value = if NUMERIC.contains(&key) {
                    strip_units(value)
                } else {
                    value
                };
                obj.fields.push(RawField {
                    key: key.to_string(),
                    value: RawValue::Text(value.to_string()),
                    line: Some(n),
                    path: None,
                });
            }
        }
    }
    if let Some((obj, false)) = current {
        ctx.object(&obj);
    }
    ctx.out
}

/// One non-blank KVN line.
enum Line<'a> {
    Comment(&'a str),
    KeyValue(&'a str, &'a str),
}

fn parse_line(line: &str) -> Result<Line<'_>, ParseError> {
    if let Some(rest) = line.strip_prefix("COMMENT") {
        if rest.is_empty() || rest.starts_with([' ', '\t']) {
            return Ok(Line::Comment(rest.trim()));
        }
    }
    let Some((key, value)) = line.split_once('=') else {
        return Err(ParseError::new(
            "line",
            "KEYWORD = value or COMMENT text",
            line,
        ));
    };
    let key = key.trim();
    if key.is_empty()
        || !key
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(ParseError::new(
            "keyword",
            "a keyword of capitals, digits and _",
            key,
        ));
    }
    Ok(Line::KeyValue(key, value.trim()))
}

/// Removes trailing units `[...]` from a numeric value.
fn strip_units(value: &str) -> &str {
    match value.strip_suffix(']').and_then(|v| v.rsplit_once('[')) {
        Some((v, _units)) => v.trim_end(),
        None => value,
    }
}

/// Writes element sets as consecutive KVN OMM messages.
pub fn write_omm_kvn(elements: &[ElementSet]) -> Result<String, WriteError> {
    let mut out = String::new();
    for (i, es) in elements.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let fields = to_fields(es, true)?;
        for (key, value) in &fields {
            let v = value.as_str();
            if v.contains(['\n', '\r']) {
                return Err(WriteError::OutOfRange {
                    norad_cat_id: es.norad_cat_id,
                    field: key,
                    value: v.to_string(),
                    reason: "a KVN value cannot span lines".to_string(),
                });
            }
            out.push_str(&format!("{key:<19} = {v}\n"));
            if *key == "CCSDS_OMM_VERS" {
                for c in &es.omm.comments {
                    if c.contains(['\n', '\r']) {
                        return Err(WriteError::OutOfRange {
                            norad_cat_id: es.norad_cat_id,
                            field: "COMMENT",
                            value: c.clone(),
                            reason: "a KVN comment cannot span lines".to_string(),
                        });
                    }
                    out.push_str(&format!("COMMENT {c}\n"));
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISS: &str = "\
CCSDS_OMM_VERS      = 2.0
COMMENT GENERATED VIA SPACE-TRACK.ORG API
CREATION_DATE       = 2020-10-13T04:22:41
ORIGINATOR          = 18 SPCS
OBJECT_NAME         = ISS (ZARYA)
OBJECT_ID           = 1998-067A
CENTER_NAME         = EARTH
REF_FRAME           = TEME
TIME_SYSTEM         = UTC
MEAN_ELEMENT_THEORY = SGP4
EPOCH               = 2008-09-20T12:25:40.104192
MEAN_MOTION         = 15.72125391 [rev/day]
ECCENTRICITY        = .0006703
INCLINATION         = 51.6416
RA_OF_ASC_NODE      = 247.4627
ARG_OF_PERICENTER   = 130.5360
MEAN_ANOMALY        = 325.0288
EPHEMERIS_TYPE      = 0
CLASSIFICATION_TYPE = U
NORAD_CAT_ID        = 25544
ELEMENT_SET_NO      = 292
REV_AT_EPOCH        = 56353
BSTAR               = -.11606E-4
MEAN_MOTION_DOT     = -.00002182
MEAN_MOTION_DDOT    = 0
";

    #[test]
    fn reads_a_message() {
        let r = read_omm_kvn("iss.kvn", ISS, &ReadOptions::default());
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.elements.len(), 1);
        let es = &r.elements[0];
        assert_eq!(es.norad_cat_id, 25544);
        assert_eq!(es.mean_motion_rev_per_day, 15.72125391);
        assert_eq!(es.bstar_per_earth_radii, -0.11606e-4);
        assert_eq!(es.omm.ccsds_omm_vers.as_deref(), Some("2.0"));
        assert_eq!(es.omm.originator.as_deref(), Some("18 SPCS"));
        // Explicit defaults are kept as written.
        assert_eq!(es.omm.center_name.as_deref(), Some("EARTH"));
        assert_eq!(es.omm.ref_frame.as_deref(), Some("TEME"));
        assert_eq!(es.omm.time_system.as_deref(), Some("UTC"));
        assert_eq!(es.omm.mean_element_theory.as_deref(), Some("SGP4"));
        assert_eq!(es.omm.comments, vec!["GENERATED VIA SPACE-TRACK.ORG API"]);
    }

    #[test]
    fn bad_message_is_refused_and_others_kept() {
        let bad = ISS.replace("INCLINATION         = 51.6416", "INCLINATION         = 181");
        let text = format!("{ISS}\n{bad}\n{ISS}");
        let r = read_omm_kvn("x.kvn", &text, &ReadOptions::default());
        assert_eq!(r.elements.len(), 2);
        assert_eq!(r.errors.len(), 1);
        let e = &r.errors[0];
        assert_eq!(e.line, Some(26 + 14));
        assert_eq!(
            e.to_string(),
            "x.kvn:40: field INCLINATION: expected a number 0 to 180, found \"181\""
        );
    }

    #[test]
    fn missing_keyword_names_the_message() {
        let text = ISS.replace("EPOCH               = 2008-09-20T12:25:40.104192\n", "");
        let r = read_omm_kvn("x.kvn", &text, &ReadOptions::default());
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].field, "EPOCH");
        assert_eq!(r.errors[0].line, Some(1));
    }

    #[test]
    fn garbage_before_first_message() {
        let r = read_omm_kvn("x.kvn", &format!("hello\n{ISS}"), &ReadOptions::default());
        assert_eq!(r.elements.len(), 1);
        assert_eq!(r.errors.len(), 1);
    }

    #[test]
    fn write_read_keeps_values() {
        let r = read_omm_kvn("iss.kvn", ISS, &ReadOptions::default());
        let text = write_omm_kvn(&r.elements).unwrap_or_default();
        let back = read_omm_kvn("w.kvn", &text, &ReadOptions::default());
        assert!(back.errors.is_empty(), "{:?}", back.errors);
        assert_eq!(back.elements, r.elements);
    }

    /// The covariance block of CCSDS 502.0-B-3 §4.2.6 (21 terms, optional frame).
    fn covariance_block(frame: &str) -> String {
        let mut text = format!("COMMENT covariance at epoch\nCOV_REF_FRAME = {frame}\n");
        for (k, key) in crate::omm::COVARIANCE_KEYS[1..].iter().enumerate() {
            text.push_str(&format!("{key} = {}e-4\n", k + 1));
        }
        text
    }

    #[test]
    fn reads_and_writes_the_covariance_block_in_every_encoding() {
        let text = format!("{ISS}{}", covariance_block("RTN"));
        let r = read_omm_kvn("c.kvn", &text, &ReadOptions::default());
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        let c = r.elements[0].omm.covariance.clone().expect("a covariance");
        assert_eq!(c.ref_frame.as_deref(), Some("RTN"));
        // CX_X first, CY_X second, CZ_DOT_Z_DOT last; the matrix is symmetric.
        let m = c.matrix();
        assert_eq!(
            (m[0][0], m[1][0], m[0][1], m[5][5]),
            (1e-4, 2e-4, 2e-4, 21e-4)
        );
        assert_eq!(m[3][2], 9e-4, "CX_DOT_Z, the ninth term");
        for (write, read) in [
            (
                crate::write_omm_kvn as fn(&[ElementSet]) -> _,
                crate::read_omm_kvn as fn(&str, &str, &ReadOptions) -> ElementsRead,
            ),
            (crate::write_omm_xml, crate::read_omm_xml),
            (crate::write_omm_json, crate::read_omm_json),
            (crate::write_omm_csv, crate::read_omm_csv),
        ] {
            let out = write(&r.elements).expect("written");
            let back = read("w", &out, &ReadOptions::default());
            assert!(back.errors.is_empty(), "{:?}\n{out}", back.errors);
            assert_eq!(back.elements[0].omm.covariance, Some(c.clone()), "{out}");
        }
    }

    #[test]
    fn an_incomplete_or_negative_covariance_is_an_error_naming_the_term() {
        let text = format!("{ISS}{}", covariance_block("RTN")).replace("CY_Y = 3e-4\n", "");
        let r = read_omm_kvn("c.kvn", &format!("{text}\n{ISS}"), &ReadOptions::default());
        assert_eq!(r.elements.len(), 1, "the other message is kept");
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].field, "CY_Y");
        assert!(
            r.errors[0].to_string().contains("21 terms"),
            "{}",
            r.errors[0]
        );
        let text =
            format!("{ISS}{}", covariance_block("TEME")).replace("CZ_Z = 6e-4", "CZ_Z = -6e-4");
        let r = read_omm_kvn("c.kvn", &text, &ReadOptions::default());
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].field, "CZ_Z");
        assert!(
            r.errors[0].line.is_some_and(|l| l > 20),
            "{:?}",
            r.errors[0]
        );
    }

    /// CCSDS 502.0-B-3 makes CREATION_DATE and ORIGINATOR mandatory: written even when unknown.
    #[test]
    fn writes_mandatory_header_when_unknown() {
        let r = read_omm_kvn("iss.kvn", ISS, &ReadOptions::default());
        let mut es = r.elements[0].clone();
        es.omm = crate::element_set::OmmMetadata::default();
        let before = crate::Epoch::now_utc_micros();
        let text = write_omm_kvn(&[es]).unwrap_or_default();
        let after = crate::Epoch::now_utc_micros();
        let value = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{key:<19} = ")))
                .map(str::to_string)
        };
        assert_eq!(value("CCSDS_OMM_VERS").as_deref(), Some("3.0"));
        assert_eq!(value("ORIGINATOR").as_deref(), Some("APOSOS"));
        assert_eq!(value("CENTER_NAME").as_deref(), Some("EARTH"));
        let created = value("CREATION_DATE").unwrap_or_default();
        // ISO with microseconds: YYYY-MM-DDTHH:MM:SS.ffffff
        assert_eq!(created.len(), 26, "{created}");
        let t = crate::Epoch::parse_iso(&created).unwrap_or_else(|e| panic!("{e}"));
        assert!(before <= t && t <= after, "{created}");
        let back = read_omm_kvn("w.kvn", &text, &ReadOptions::default());
        assert!(back.errors.is_empty(), "{:?}", back.errors);
        assert_eq!(back.elements[0].omm.creation_date, Some(created));
    }
}
