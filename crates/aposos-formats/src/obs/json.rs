//! Observations as JSON (the API's form): an array of objects, one per measurement.
//!
//! ```json
//! [{"station": "pk-islamabad", "norad": 25544, "object_id": "1998-067A",
//!   "time_utc": "2026-11-30T18:00:00.000000Z", "time_sigma_s": 0.001,
//!   "ra_deg": 123.456789, "dec_deg": -12.345678, "frame": "J2000",
//!   "angle_sigma_arcsec": 2.0, "mag": 8.1, "mag_sigma": 0.2, "tracklet": "pk-0001"}]
//! ```
//!
//! `ra_deg`/`dec_deg` with `frame` (`J2000`, `OF_DATE`, or an equinox year such as
//! `B1950` / `1950.0`) or `az_deg`/`el_deg`; `norad` absent or null for an uncorrelated
//! observation. Unknown keys are errors (naming the path), so typing mistakes never pass.
//! What the API returns also carries each record's `provenance`: `{"upload_id": …,
//! "format": "iod", "source": "night.iod", "line": 12, "text": "<the original line>"}`.

use super::{Angles, Observation, ObservationsRead, Provenance, RaDecFrame};
use crate::epoch::Epoch;
use crate::error::{ParseError, WriteError};
use serde_json::{json, Map, Value};

const KEYS: &[&str] = &[
    "station",
    "norad",
    "object_id",
    "time_utc",
    "time_sigma_s",
    "ra_deg",
    "dec_deg",
    "frame",
    "az_deg",
    "el_deg",
    "angle_sigma_arcsec",
    "mag",
    "mag_sigma",
    "tracklet",
    "provenance",
];

const PROVENANCE_KEYS: &[&str] = &["upload_id", "format", "source", "line", "text"];

/// The `provenance` object the API writes: upload id, format, source, line, text.
fn provenance(o: &Map<String, Value>, i: usize) -> Result<Option<Provenance>, ParseError> {
    let p = match o.get("provenance") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(p)) => p,
        Some(v) => return Err(perr(i, "provenance", "an object", v)),
    };
    let path = |k: &str| format!("[{i}].provenance.{k}");
    if let Some(k) = p.keys().find(|k| !PROVENANCE_KEYS.contains(&k.as_str())) {
        return Err(ParseError::new(
            k.as_str(),
            format!("one of {}", PROVENANCE_KEYS.join(", ")),
            k,
        )
        .with_path(path(k)));
    }
    let int = |k: &str| -> Result<Option<i64>, ParseError> {
        match p.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_i64().filter(|n| *n > 0).map(Some).ok_or_else(|| {
                ParseError::new(k, "a positive integer", &v.to_string()).with_path(path(k))
            }),
        }
    };
    let txt = |k: &str, max: usize| -> Result<String, ParseError> {
        match p.get(k) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) if s.len() <= max && !s.contains(['\n', '\r']) => Ok(s.clone()),
            Some(v) => Err(ParseError::new(
                k,
                format!("one line of at most {max} bytes"),
                &v.to_string(),
            )
            .with_path(path(k))),
        }
    };
    Ok(Some(Provenance {
        upload_id: int("upload_id")?,
        format: txt("format", 20)?,
        source: txt("source", 200)?,
        line: int("line")?.and_then(|n| usize::try_from(n).ok()),
        text: txt("text", Provenance::MAX_TEXT)?,
    }))
}

fn perr(i: usize, key: &str, expected: &str, found: &Value) -> ParseError {
    ParseError::new(key, expected, &found.to_string()).with_path(format!("[{i}].{key}"))
}

fn num(
    o: &Map<String, Value>,
    i: usize,
    key: &str,
    lo: f64,
    hi: f64,
) -> Result<Option<f64>, ParseError> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_f64() {
            Some(x) if x.is_finite() && (lo..=hi).contains(&x) => Ok(Some(x)),
            _ => Err(perr(i, key, &format!("a number {lo} to {hi}"), v)),
        },
    }
}

fn text<'a>(o: &'a Map<String, Value>, i: usize, key: &str) -> Result<Option<&'a str>, ParseError> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.chars().any(char::is_control) && s.len() <= 100 => {
            Ok(Some(s.as_str()))
        }
        Some(v) => Err(perr(
            i,
            key,
            "text without control characters, at most 100 bytes",
            v,
        )),
    }
}

fn one(o: &Map<String, Value>, i: usize) -> Result<Observation, ParseError> {
    if let Some(k) = o.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(
            ParseError::new(k.as_str(), format!("one of {}", KEYS.join(", ")), k)
                .with_path(format!("[{i}].{k}")),
        );
    }
    let station = text(o, i, "station")?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            perr(
                i,
                "station",
                "a station id",
                o.get("station").unwrap_or(&Value::Null),
            )
        })?;
    let norad = match o.get("norad") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .filter(|n| (1..=999_999_999).contains(n))
                .ok_or_else(|| perr(i, "norad", "a catalog number 1-999999999 or null", v))?
                as u32,
        ),
    };
    let t = text(o, i, "time_utc")?
        .ok_or_else(|| perr(i, "time_utc", "an ISO 8601 UTC time", &Value::Null))?;
    let time = Epoch::parse_iso(t).map_err(|e| {
        perr(
            i,
            "time_utc",
            &format!("an ISO 8601 UTC time ({e})"),
            &Value::String(t.into()),
        )
    })?;
    let radec = (
        num(o, i, "ra_deg", 0.0, 360.0)?,
        num(o, i, "dec_deg", -90.0, 90.0)?,
    );
    let azel = (
        num(o, i, "az_deg", 0.0, 360.0)?,
        num(o, i, "el_deg", -90.0, 90.0)?,
    );
    let angles = match (radec, azel) {
        ((Some(ra), Some(dec)), (None, None)) => {
            let frame = match text(o, i, "frame")? {
                None | Some("J2000" | "ICRF" | "EME2000") => RaDecFrame::J2000,
                Some("OF_DATE" | "TOD") => RaDecFrame::OfDate,
                Some(other) => {
                    let y = other
                        .trim_start_matches(['B', 'J'])
                        .parse::<f64>()
                        .ok()
                        .filter(|y| (1800.0..=2100.0).contains(y));
                    RaDecFrame::Equinox(y.ok_or_else(|| {
                        perr(
                            i,
                            "frame",
                            "J2000, OF_DATE or an equinox year (B1950)",
                            &Value::String(other.into()),
                        )
                    })?)
                }
            };
            Angles::RaDec {
                ra_deg: ra % 360.0,
                dec_deg: dec,
                frame,
            }
        }
        ((None, None), (Some(az), Some(el))) => Angles::AzEl {
            az_deg: az % 360.0,
            el_deg: el,
        },
        _ => {
            return Err(perr(
                i,
                "ra_deg",
                "ra_deg and dec_deg, or az_deg and el_deg",
                &Value::Object(o.clone()),
            ))
        }
    };
    Ok(Observation {
        station: station.to_string(),
        norad_cat_id: norad,
        object_id: match text(o, i, "object_id")? {
            Some(id) if super::is_intl_designator(id) => Some(id.to_string()),
            Some(id) => {
                return Err(perr(
                    i,
                    "object_id",
                    "an international designator YYYY-NNNP",
                    &Value::String(id.into()),
                ))
            }
            None => None,
        },
        time,
        time_sigma_s: num(o, i, "time_sigma_s", 0.0, 1e4)?,
        angles,
        angle_sigma_deg: num(o, i, "angle_sigma_arcsec", 0.0, 1e6)?.map(|a| a / 3600.0),
        mag: num(o, i, "mag", -30.0, 40.0)?,
        mag_sigma: num(o, i, "mag_sigma", 0.0, 10.0)?,
        tracklet_id: text(o, i, "tracklet")?.map(str::to_string),
        iod: None,
        provenance: provenance(o, i)?,
    })
}

/// Reads a JSON array of observations; each bad element is refused with its path.
pub fn read_obs_json(source_name: &str, text: &str) -> ObservationsRead {
    let mut out = ObservationsRead::default();
    let v: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            out.errors.push(
                ParseError::new("JSON", "a JSON array of observations", &e.to_string())
                    .with_line(Some(e.line()))
                    .with_source(source_name),
            );
            return out;
        }
    };
    let Value::Array(items) = v else {
        out.errors.push(
            ParseError::new("JSON", "an array", "another JSON value").with_source(source_name),
        );
        return out;
    };
    for (i, item) in items.iter().enumerate() {
        match item
            .as_object()
            .ok_or_else(|| {
                ParseError::new("observation", "an object", &item.to_string())
                    .with_path(format!("[{i}]"))
            })
            .and_then(|o| one(o, i))
        {
            Ok(o) => out.observations.push((i + 1, o)),
            Err(e) => out.errors.push(e.with_source(source_name)),
        }
    }
    out
}

/// Writes observations as a JSON array (numbers exact, `null`s left out).
pub fn write_obs_json(observations: &[Observation]) -> Result<String, WriteError> {
    let items: Vec<Value> = observations
        .iter()
        .map(|o| {
            let mut m = Map::new();
            m.insert("station".into(), json!(o.station));
            if let Some(n) = o.norad_cat_id {
                m.insert("norad".into(), json!(n));
            }
            if let Some(id) = &o.object_id {
                m.insert("object_id".into(), json!(id));
            }
            m.insert("time_utc".into(), json!(format!("{}Z", o.time.to_iso())));
            if let Some(t) = o.time_sigma_s {
                m.insert("time_sigma_s".into(), json!(t));
            }
            match o.angles {
                Angles::RaDec {
                    ra_deg,
                    dec_deg,
                    frame,
                } => {
                    m.insert("ra_deg".into(), json!(ra_deg));
                    m.insert("dec_deg".into(), json!(dec_deg));
                    let f = frame.label();
                    m.insert("frame".into(), json!(f));
                }
                Angles::AzEl { az_deg, el_deg } => {
                    m.insert("az_deg".into(), json!(az_deg));
                    m.insert("el_deg".into(), json!(el_deg));
                }
            }
            if let Some(a) = o.angle_sigma_deg {
                m.insert("angle_sigma_arcsec".into(), json!(a * 3600.0));
            }
            if let Some(v) = o.mag {
                m.insert("mag".into(), json!(v));
            }
            if let Some(v) = o.mag_sigma {
                m.insert("mag_sigma".into(), json!(v));
            }
            if let Some(t) = &o.tracklet_id {
                m.insert("tracklet".into(), json!(t));
            }
            if let Some(p) = &o.provenance {
                let mut pm = Map::new();
                if let Some(id) = p.upload_id {
                    pm.insert("upload_id".into(), json!(id));
                }
                pm.insert("format".into(), json!(p.format));
                pm.insert("source".into(), json!(p.source));
                if let Some(l) = p.line {
                    pm.insert("line".into(), json!(l));
                }
                pm.insert("text".into(), json!(p.text));
                m.insert("provenance".into(), Value::Object(pm));
            }
            Value::Object(m)
        })
        .collect();
    serde_json::to_string_pretty(&items).map_err(|e| WriteError::Observation {
        field: "JSON".into(),
        message: e.to_string(),
    })
}
