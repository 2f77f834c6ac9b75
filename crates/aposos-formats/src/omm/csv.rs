//! OMM as CSV, the layout of CelesTrak's GP data (`FORMAT=csv`): a header row
//! of OMM keywords, then one row per element set (RFC 4180: comma separated,
//! fields with commas, quotes or line breaks in double quotes, `""` for a
//! quote). CelesTrak's columns are `OBJECT_NAME,OBJECT_ID,EPOCH,MEAN_MOTION,
//! ECCENTRICITY,INCLINATION,RA_OF_ASC_NODE,ARG_OF_PERICENTER,MEAN_ANOMALY,
//! EPHEMERIS_TYPE,CLASSIFICATION_TYPE,NORAD_CAT_ID,ELEMENT_SET_NO,REV_AT_EPOCH,
//! BSTAR,MEAN_MOTION_DOT,MEAN_MOTION_DDOT`; columns may come in any order, and
//! the header/metadata keywords may be added as columns (`COMMENT` holds the
//! comments separated by line breaks). An empty cell is an absent value. Rows
//! are written with CRLF line ends.

use super::{block_of, to_fields, Ctx, RawField, RawObject, RawValue, Where};
use crate::detect::Format;
use crate::element_set::ElementSet;
use crate::error::{quote, ParseError, WriteError};
use crate::read::{ElementsRead, ReadOptions};

/// CelesTrak's columns, in order.
pub const CELESTRAK_COLUMNS: [&str; 17] = [
    "OBJECT_NAME",
    "OBJECT_ID",
    "EPOCH",
    "MEAN_MOTION",
    "ECCENTRICITY",
    "INCLINATION",
    "RA_OF_ASC_NODE",
    "ARG_OF_PERICENTER",
    "MEAN_ANOMALY",
    "EPHEMERIS_TYPE",
    "CLASSIFICATION_TYPE",
    "NORAD_CAT_ID",
    "ELEMENT_SET_NO",
    "REV_AT_EPOCH",
    "BSTAR",
    "MEAN_MOTION_DOT",
    "MEAN_MOTION_DDOT",
];

/// Header and metadata columns written after CelesTrak's when an element set has them.
const EXTRA_COLUMNS: [&str; 8] = [
    "CCSDS_OMM_VERS",
    "CREATION_DATE",
    "ORIGINATOR",
    "CENTER_NAME",
    "REF_FRAME",
    "TIME_SYSTEM",
    "MEAN_ELEMENT_THEORY",
    "COMMENT",
];

/// Columns a CSV must have.
const REQUIRED: [&str; 11] = [
    "EPOCH",
    "MEAN_MOTION",
    "ECCENTRICITY",
    "INCLINATION",
    "RA_OF_ASC_NODE",
    "ARG_OF_PERICENTER",
    "MEAN_ANOMALY",
    "NORAD_CAT_ID",
    "BSTAR",
    "MEAN_MOTION_DOT",
    "MEAN_MOTION_DDOT",
];

/// One record: its first line and its fields, or why it is malformed.
type Record = (usize, Result<Vec<String>, ParseError>);

/// Splits CSV text into records (RFC 4180).
fn records(text: &str) -> Vec<Record> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut error: Option<ParseError> = None;
        let mut at_field_start = true;
        loop {
            let Some(c) = chars.next() else {
                fields.push(std::mem::take(&mut field));
                break;
            };
            match c {
                '"' if at_field_start => {
                    at_field_start = false;
                    // Quoted field.
                    let mut closed = false;
                    while let Some(q) = chars.next() {
                        if q == '"' {
                            if chars.peek() == Some(&'"') {
                                chars.next();
                                field.push('"');
                            } else {
                                closed = true;
                                break;
                            }
                        } else {
                            if q == '\n' {
                                line += 1;
                            }
                            field.push(q);
                        }
                    }
                    if !closed && error.is_none() {
                        error = Some(ParseError::described(
                            "quoted field",
                            "a closing double quote",
                            "end of text",
                        ));
                    }
                    match chars.peek() {
                        None | Some(',') | Some('\n') | Some('\r') => {}
                        Some(other) => {
                            if error.is_none() {
                                error = Some(ParseError::new(
                                    "quoted field",
                                    "a comma or end of line after the closing quote",
                                    &other.to_string(),
                                ));
                            }
                        }
                    }
                }
                ',' => {
                    fields.push(std::mem::take(&mut field));
                    at_field_start = true;
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    line += 1;
                    fields.push(std::mem::take(&mut field));
                    break;
                }
                c => {
                    if c == '"' && error.is_none() {
                        error = Some(ParseError::new(
                            "field",
                            "no double quote inside an unquoted field",
                            &field,
                        ));
                    }
                    at_field_start = false;
                    field.push(c);
                }
            }
        }
        let blank = fields.len() == 1 && fields.first().is_some_and(|f| f.trim().is_empty());
        if blank && error.is_none() {
            continue;
        }
        out.push((
            start,
            match error {
                Some(e) => Err(e.with_line(Some(start))),
                None => Ok(fields),
            },
        ));
    }
    out
}

/// Reads every element set of a CSV text; `source_name` names it in errors.
pub fn read_omm_csv(source_name: &str, text: &str, opts: &ReadOptions) -> ElementsRead {
    let mut ctx = Ctx::new(source_name, opts, Format::OmmCsv);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut recs = records(text).into_iter();
    let Some((hline, header)) = recs.next() else {
        ctx.error(ParseError::described(
            "header",
            "a header row of OMM keywords",
            "nothing",
        ));
        return ctx.out;
    };
    let header: Vec<String> = match header {
        Ok(h) => h.into_iter().map(|k| k.trim().to_string()).collect(),
        Err(e) => {
            ctx.error(e);
            return ctx.out;
        }
    };
    let mut seen = std::collections::HashSet::new();
    for key in &header {
        if !seen.insert(key.as_str()) {
            ctx.error(ParseError::new("header", "each column once", key).with_line(Some(hline)));
            return ctx.out;
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|r| !header.iter().any(|k| k == r))
        .collect();
    if !missing.is_empty() {
        ctx.error(
            ParseError::described(
                "header",
                format!("the columns {}", missing.join(", ")),
                format!("only {}", quote(&header.join(","))),
            )
            .with_line(Some(hline)),
        );
        return ctx.out;
    }
    for key in &header {
        if key != "COMMENT" && block_of(key).is_none() {
            ctx.unknown_key(key, Some(hline), None);
        }
    }
    for (n, rec) in recs {
        let fields = match rec {
            Ok(f) => f,
            Err(e) => {
                ctx.error(e);
                continue;
            }
        };
        if fields.len() != header.len() {
            ctx.error(
                ParseError::described(
                    "row",
                    format!("{} fields, as in the header", header.len()),
                    format!("{} fields", fields.len()),
                )
                .with_line(Some(n)),
            );
            continue;
        }
        let mut obj = RawObject {
            fields: Vec::with_capacity(header.len()),
            comments: Vec::new(),
            place: Where::Line(Some(n)),
        };
        for (key, value) in header.iter().zip(fields) {
            if key == "COMMENT" {
                if !value.is_empty() {
                    obj.comments.extend(value.split('\n').map(str::to_string));
                }
            } else if block_of(key).is_some() {
                obj.fields.push(RawField {
                    key: key.clone(),
                    value: RawValue::Text(value.trim().to_string()),
                    line: Some(n),
                    path: None,
                });
            }
        }
        ctx.object(&obj);
    }
    ctx.out
}

/// Writes element sets as CSV with CelesTrak's columns, plus header/metadata columns any set has.
pub fn write_omm_csv(elements: &[ElementSet]) -> Result<String, WriteError> {
    let rows: Vec<Vec<(&'static str, String)>> = elements
        .iter()
        .map(|es| {
            to_fields(es, false).map(|f| {
                let mut row: Vec<(&'static str, String)> = f
                    .into_iter()
                    .map(|(k, v)| (k, v.as_str().to_string()))
                    .collect();
                if !es.omm.comments.is_empty() {
                    row.push(("COMMENT", es.omm.comments.join("\n")));
                }
                row
            })
        })
        .collect::<Result<_, _>>()?;
    let mut columns: Vec<&str> = CELESTRAK_COLUMNS.to_vec();
    for extra in EXTRA_COLUMNS
        .iter()
        .chain(super::COVARIANCE_KEYS.iter())
        .copied()
    {
        if rows.iter().any(|r| r.iter().any(|(k, _)| *k == extra)) {
            columns.push(extra);
        }
    }
    let mut out = columns.join(",");
    out.push_str("\r\n");
    for row in &rows {
        let mut cells: Vec<String> = columns
            .iter()
            .map(|c| {
                row.iter()
                    .find(|(k, _)| k == c)
                    .map(|(_, v)| csv_cell(v))
                    .unwrap_or_default()
            })
            .collect();
        // A row must not start like a TLE line (format detection looks for those).
        if let Some(first) = cells.first_mut() {
            if first.starts_with("1 ") || first.starts_with("2 ") {
                *first = format!("\"{first}\"");
            }
        }
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    Ok(out)
}

fn csv_cell(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) || v.trim() != v {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CELESTRAK: &str = "OBJECT_NAME,OBJECT_ID,EPOCH,MEAN_MOTION,ECCENTRICITY,INCLINATION,RA_OF_ASC_NODE,ARG_OF_PERICENTER,MEAN_ANOMALY,EPHEMERIS_TYPE,CLASSIFICATION_TYPE,NORAD_CAT_ID,ELEMENT_SET_NO,REV_AT_EPOCH,BSTAR,MEAN_MOTION_DOT,MEAN_MOTION_DDOT\r
CALSPHERE 1,1964-063C,2026-05-20T06:36:21.192288,13.76588933,.0027588,90.2234,71.1124,21.7230,141.9836,0,U,900,999,67583,.49592E-3,.496E-5,0\r
\"ODD, NAME \"\"X\"\"\",1964-063E,2026-05-20T06:36:21.192288,13.5,.0017104,90.2369,75.1238,313.0417,171.7808,0,U,902,999,85249,.73077E-4,.57E-6,0\r
BROKEN,1964-063E,2026-05-20T06:36:21.192288,13.5,1.5,90.2369,75.1238,313.0417,171.7808,0,U,903,999,85249,.73077E-4,.57E-6,0\r
";

    #[test]
    fn reads_celestrak_csv() {
        let r = read_omm_csv("gp.csv", CELESTRAK, &ReadOptions::default());
        assert_eq!(r.elements.len(), 2);
        assert_eq!(
            r.elements[1].object_name.as_deref(),
            Some("ODD, NAME \"X\"")
        );
        assert_eq!(r.errors.len(), 1);
        assert_eq!(
            r.errors[0].to_string(),
            "gp.csv:4: field ECCENTRICITY: expected a number from 0 to less than 1, found \"1.5\""
        );
    }

    #[test]
    fn write_read_keeps_values() {
        let r = read_omm_csv("gp.csv", CELESTRAK, &ReadOptions::default());
        let text = write_omm_csv(&r.elements).unwrap_or_default();
        let back = read_omm_csv("w.csv", &text, &ReadOptions::default());
        assert!(back.errors.is_empty(), "{:?}", back.errors);
        assert_eq!(back.elements, r.elements);
    }

    #[test]
    fn malformed_rows() {
        let header = CELESTRAK.lines().next().unwrap_or("");
        let text = format!("{header}\n\"unterminated,1\n");
        let r = read_omm_csv("x.csv", &text, &ReadOptions::default());
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].line, Some(2));
        let r = read_omm_csv("x.csv", "A,B\n1,2\n", &ReadOptions::default());
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].field, "header");
    }
}
