//! OMM as JSON, the layout of CelesTrak's GP data (`FORMAT=json`): an array of
//! objects, one per element set, whose keys are the OMM keywords
//! (`OBJECT_NAME`, `OBJECT_ID`, `EPOCH`, `MEAN_MOTION`, …, `MEAN_MOTION_DDOT`).
//!
//! Numbers are JSON numbers, text is JSON strings (`null` counts as absent).
//! Header and metadata keywords (`CCSDS_OMM_VERS`, `COMMENT`, `CREATION_DATE`,
//! `ORIGINATOR`, `CENTER_NAME`, …) are read when present, as in Space-Track's
//! GP JSON; `COMMENT` is a string or an array of strings. Space-Track writes
//! numbers as strings: accepted only in lenient mode, with a warning. A single
//! object (not in an array) is accepted too. Errors name the element and key,
//! e.g. `[3].INCLINATION`.
//!
//! The writer writes CelesTrak's compact layout, one object per line, the
//! header/metadata keys only when the element set has them.

use super::{to_fields, Ctx, OutValue, RawField, RawObject, RawValue, Where};
use crate::detect::Format;
use crate::element_set::ElementSet;
use crate::error::{ParseError, WriteError};
use crate::read::{ElementsRead, ReadOptions};
use serde_json::Value;

/// Reads every element set of a JSON text; `source_name` names it in errors.
pub fn read_omm_json(source_name: &str, text: &str, opts: &ReadOptions) -> ElementsRead {
    let mut ctx = Ctx::new(source_name, opts, Format::OmmJson);
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let line = (e.line() > 0).then_some(e.line());
            ctx.error(
                ParseError::described("JSON", "a JSON array of OMM objects", e.to_string())
                    .with_line(line),
            );
            return ctx.out;
        }
    };
    let items: Vec<(String, &Value)> = match &value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("[{i}]"), v))
            .collect(),
        Value::Object(_) => vec![(String::new(), &value)],
        other => {
            ctx.error(ParseError::described(
                "JSON",
                "a JSON array of OMM objects",
                kind(other),
            ));
            return ctx.out;
        }
    };
    for (path, item) in items {
        let Value::Object(map) = item else {
            ctx.error(
                ParseError::described("element set", "a JSON object", kind(item))
                    .with_opt_path(Some(if path.is_empty() { "$".into() } else { path })),
            );
            continue;
        };
        let mut obj = RawObject {
            fields: Vec::with_capacity(map.len()),
            comments: Vec::new(),
            place: Where::Json(path.clone()),
        };
        let mut bad_comment = None;
        for (key, v) in map {
            let field_path = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            if key == "COMMENT" {
                match v {
                    Value::String(s) => obj.comments.push(s.clone()),
                    Value::Null => {}
                    Value::Array(list) if list.iter().all(Value::is_string) => {
                        obj.comments
                            .extend(list.iter().filter_map(|c| c.as_str().map(str::to_string)));
                    }
                    other => {
                        bad_comment = Some(
                            ParseError::described(
                                "COMMENT",
                                "a string or an array of strings",
                                kind(other),
                            )
                            .with_opt_path(Some(field_path)),
                        );
                    }
                }
                continue;
            }
            let value = match v {
                Value::Number(n) => RawValue::JsonNumber(n.clone()),
                Value::String(s) => RawValue::JsonString(s.clone()),
                other => RawValue::JsonOther(kind(other)),
            };
            obj.fields.push(RawField {
                key: key.clone(),
                value,
                line: None,
                path: Some(field_path),
            });
        }
        match bad_comment {
            Some(e) => ctx.error(e),
            None => ctx.object(&obj),
        }
    }
    ctx.out
}

/// The JSON type of a value, for messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Writes element sets as a JSON array, one compact object per line.
pub fn write_omm_json(elements: &[ElementSet]) -> Result<String, WriteError> {
    let mut out = String::from("[");
    for (i, es) in elements.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        out.push('{');
        let fields = to_fields(es, false)?;
        let mut first = true;
        let mut push = |out: &mut String, key: &str, json: String| {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&json_string(key));
            out.push(':');
            out.push_str(&json);
        };
        for (key, value) in &fields {
            let json = match value {
                OutValue::Text(s) => json_string(s),
                OutValue::Number(s) => s.clone(),
            };
            push(&mut out, key, json);
            if *key == "CCSDS_OMM_VERS" || (key == &"EPOCH" && es.omm.ccsds_omm_vers.is_none()) {
                // COMMENT follows the version (Space-Track's order), or comes
                // before the elements when there is no version.
                match es.omm.comments.as_slice() {
                    [] => {}
                    [one] => push(&mut out, "COMMENT", json_string(one)),
                    many => {
                        let list: Vec<String> = many.iter().map(|c| json_string(c)).collect();
                        push(&mut out, "COMMENT", format!("[{}]", list.join(",")));
                    }
                }
            }
        }
        out.push('}');
    }
    out.push_str("]\n");
    Ok(out)
}

/// A JSON string literal.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CELESTRAK: &str = r#"[{"OBJECT_NAME":"CALSPHERE 1","OBJECT_ID":"1964-063C","EPOCH":"2026-05-20T06:36:21.192288","MEAN_MOTION":13.76588933,"ECCENTRICITY":0.0027588,"INCLINATION":90.2234,"RA_OF_ASC_NODE":71.1124,"ARG_OF_PERICENTER":21.723,"MEAN_ANOMALY":141.9836,"EPHEMERIS_TYPE":0,"CLASSIFICATION_TYPE":"U","NORAD_CAT_ID":900,"ELEMENT_SET_NO":999,"REV_AT_EPOCH":67583,"BSTAR":0.00049592,"MEAN_MOTION_DOT":4.96e-6,"MEAN_MOTION_DDOT":0},
{"OBJECT_NAME":"BAD","OBJECT_ID":"1964-063E","EPOCH":"2026-05-20T06:36:21.192288","MEAN_MOTION":13.5,"ECCENTRICITY":0.0017104,"INCLINATION":"90.2369","RA_OF_ASC_NODE":75.1238,"ARG_OF_PERICENTER":313.0417,"MEAN_ANOMALY":171.7808,"EPHEMERIS_TYPE":0,"CLASSIFICATION_TYPE":"U","NORAD_CAT_ID":902,"ELEMENT_SET_NO":999,"REV_AT_EPOCH":85249,"BSTAR":0.000073077,"MEAN_MOTION_DOT":5.7e-7,"MEAN_MOTION_DDOT":0}]"#;

    #[test]
    fn reads_celestrak_and_reports_wrong_type() {
        let r = read_omm_json("gp.json", CELESTRAK, &ReadOptions::default());
        assert_eq!(r.elements.len(), 1);
        assert_eq!(r.errors.len(), 1);
        assert_eq!(
            r.errors[0].to_string(),
            "gp.json: [1].INCLINATION: field INCLINATION: expected a JSON number, found string \"90.2369\""
        );
        let es = &r.elements[0];
        assert_eq!(es.mean_motion_dot_rev_per_day2, 4.96e-6);
        assert_eq!(es.epoch.to_iso(), "2026-05-20T06:36:21.192288");
        let lenient = read_omm_json("gp.json", CELESTRAK, &ReadOptions { lenient: true });
        assert_eq!(lenient.elements.len(), 2);
        assert_eq!(lenient.warnings.len(), 1);
    }

    #[test]
    fn write_is_celestrak_layout_and_value_equal() {
        let first = CELESTRAK.lines().next().unwrap_or("").trim_end_matches(',');
        let text = format!("{first}]");
        let r = read_omm_json("gp.json", &text, &ReadOptions::default());
        let written = write_omm_json(&r.elements).unwrap_or_default();
        let a: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let b: Value = serde_json::from_str(&written).unwrap_or(Value::Null);
        assert_eq!(a, b);
    }

    #[test]
    fn syntax_error_has_a_line() {
        let r = read_omm_json("gp.json", "[\n{\"A\": }]", &ReadOptions::default());
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].line, Some(2));
    }
}
