//! CCSDS Orbit Mean-Elements Messages (OMM, CCSDS 502.0-B-3) holding SGP4 element sets,
//! in their four encodings: KVN ([`kvn`]), XML ([`xml`]), and CelesTrak's GP JSON
//! ([`json`]) and CSV ([`csv`]).
//!
//! All four carry the same keywords; this module maps them to and from an
//! [`ElementSet`], with the checks every reader shares:
//!
//! | keyword | required | value |
//! |---|---|---|
//! | `CCSDS_OMM_VERS`, `CREATION_DATE`, `ORIGINATOR` | no | header; `CREATION_DATE` an ISO time, empty allowed (CelesTrak) |
//! | `OBJECT_NAME`, `OBJECT_ID` | no | text |
//! | `CENTER_NAME`, `REF_FRAME`, `TIME_SYSTEM`, `MEAN_ELEMENT_THEORY` | no | text |
//! | `EPOCH` | yes | ISO 8601 UTC time |
//! | `MEAN_MOTION` | yes | rev/day, > 0 |
//! | `ECCENTRICITY` | yes | 0 ≤ e < 1 |
//! | `INCLINATION` | yes | degrees, 0–180 |
//! | `RA_OF_ASC_NODE`, `ARG_OF_PERICENTER`, `MEAN_ANOMALY` | yes | degrees, any finite value; outside 0–360 it is normalised into [0, 360) with a warning (360 itself, which TLEs carry, is kept so TLE → OMM → TLE stays byte-identical) |
//! | `EPHEMERIS_TYPE` | no (0) | 0–9 |
//! | `CLASSIFICATION_TYPE` | no (`U`) | `U`, `C` or `S` |
//! | `NORAD_CAT_ID` | yes | 0–999,999,999 |
//! | `ELEMENT_SET_NO` | no (0) | 0–9999 |
//! | `REV_AT_EPOCH` | no (0) | whole number |
//! | `BSTAR`, `MEAN_MOTION_DOT`, `MEAN_MOTION_DDOT` | yes | finite numbers |
//! | `COMMENT` | no | any number, in order |
//!
//! | `COV_REF_FRAME`, `CX_X` … `CZ_DOT_Z_DOT` | no; all 21 terms once one is given | the covariance block (§4.2.6), km², km²/s, km²/s²; variances ≥ 0 |
//!
//! Other keywords (Space-Track's derived fields, the CCSDS spacecraft section,
//! user-defined parameters) are ignored with one warning per keyword and file.
//!
//! Header and metadata values are kept as written, defaults included (a
//! `CENTER_NAME = EARTH` in the source is `Some("EARTH")`), and the JSON and
//! CSV writers write exactly the ones that are present. CCSDS 502.0-B-3 makes
//! the header and metadata keywords mandatory in KVN and XML, so those two
//! writers fill what is absent: `CCSDS_OMM_VERS` `3.0`, `CREATION_DATE` the
//! current UTC time (ISO, microseconds), `ORIGINATOR` `APOSOS`, `CENTER_NAME`
//! `EARTH`, `REF_FRAME` `TEME`, `TIME_SYSTEM` `UTC`, `MEAN_ELEMENT_THEORY`
//! `SGP4`. Numbers are written in the shortest form that reads
//! back to the same `f64` (integers without a decimal point), so every value
//! survives a round trip through any of the four encodings.

pub mod csv;
pub mod json;
pub mod kvn;
pub mod xml;

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;

use crate::element_set::{ElementSet, OmmCovariance, OmmMetadata, OMM_MAX_CATALOG_NUMBER};
use crate::epoch::Epoch;
use crate::error::{quote, ParseError, Warning, WriteError};
use crate::read::{ElementsRead, ReadOptions};

/// Default `CCSDS_OMM_VERS` written when an element set has none.
pub const DEFAULT_OMM_VERSION: &str = "3.0";

/// `ORIGINATOR` written to KVN and XML when an element set has none.
pub const DEFAULT_ORIGINATOR: &str = "APOSOS";

/// Keywords of the header (`header` block in XML).
const HEADER_KEYS: [&str; 3] = ["CCSDS_OMM_VERS", "CREATION_DATE", "ORIGINATOR"];
/// Keywords of the metadata block.
const METADATA_KEYS: [&str; 6] = [
    "OBJECT_NAME",
    "OBJECT_ID",
    "CENTER_NAME",
    "REF_FRAME",
    "TIME_SYSTEM",
    "MEAN_ELEMENT_THEORY",
];
/// Keywords of the mean elements block.
const MEAN_ELEMENT_KEYS: [&str; 7] = [
    "EPOCH",
    "MEAN_MOTION",
    "ECCENTRICITY",
    "INCLINATION",
    "RA_OF_ASC_NODE",
    "ARG_OF_PERICENTER",
    "MEAN_ANOMALY",
];
/// Keywords of the TLE parameters block.
const TLE_PARAMETER_KEYS: [&str; 8] = [
    "EPHEMERIS_TYPE",
    "CLASSIFICATION_TYPE",
    "NORAD_CAT_ID",
    "ELEMENT_SET_NO",
    "REV_AT_EPOCH",
    "BSTAR",
    "MEAN_MOTION_DOT",
    "MEAN_MOTION_DDOT",
];

/// Keywords of the covariance block (CCSDS 502.0-B-3 §4.2.6): the frame, then the lower
/// triangle by rows.
pub const COVARIANCE_KEYS: [&str; 22] = [
    "COV_REF_FRAME",
    "CX_X",
    "CY_X",
    "CY_Y",
    "CZ_X",
    "CZ_Y",
    "CZ_Z",
    "CX_DOT_X",
    "CX_DOT_Y",
    "CX_DOT_Z",
    "CX_DOT_X_DOT",
    "CY_DOT_X",
    "CY_DOT_Y",
    "CY_DOT_Z",
    "CY_DOT_X_DOT",
    "CY_DOT_Y_DOT",
    "CZ_DOT_X",
    "CZ_DOT_Y",
    "CZ_DOT_Z",
    "CZ_DOT_X_DOT",
    "CZ_DOT_Y_DOT",
    "CZ_DOT_Z_DOT",
];

/// Which block of an OMM a keyword belongs to (`None`: not a keyword of ours).
pub(crate) fn block_of(key: &str) -> Option<Block> {
    if HEADER_KEYS.contains(&key) {
        Some(Block::Header)
    } else if METADATA_KEYS.contains(&key) {
        Some(Block::Metadata)
    } else if MEAN_ELEMENT_KEYS.contains(&key) {
        Some(Block::MeanElements)
    } else if TLE_PARAMETER_KEYS.contains(&key) {
        Some(Block::TleParameters)
    } else if COVARIANCE_KEYS.contains(&key) {
        Some(Block::Covariance)
    } else {
        None
    }
}

/// The blocks of an OMM (XML elements `header`, `metadata`, `meanElements`,
/// `tleParameters`, `covarianceMatrix`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Block {
    Header,
    Metadata,
    MeanElements,
    TleParameters,
    Covariance,
}

/// A value as found in the source, before it is checked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawValue {
    /// Text (KVN, XML, CSV).
    Text(String),
    /// A JSON number.
    JsonNumber(serde_json::Number),
    /// A JSON string.
    JsonString(String),
    /// Another JSON value (null, boolean, array, object), by its type name.
    JsonOther(&'static str),
}

/// One keyword and its value, with where it was found.
#[derive(Debug, Clone)]
pub(crate) struct RawField {
    pub key: String,
    pub value: RawValue,
    pub line: Option<usize>,
    pub path: Option<String>,
}

/// How to name the place of a keyword that is missing.
#[derive(Debug, Clone)]
pub(crate) enum Where {
    /// A line (KVN message start, CSV row).
    Line(Option<usize>),
    /// A JSON array element, e.g. `[3]`.
    Json(String),
    /// An XML `omm` and segment, e.g. `/ndm/omm[2]` and `/ndm/omm[2]/body/segment`.
    Xml {
        omm: String,
        segment: String,
        line: Option<usize>,
    },
}

impl Where {
    fn line(&self) -> Option<usize> {
        match self {
            Where::Line(l) => *l,
            Where::Json(_) => None,
            Where::Xml { line, .. } => *line,
        }
    }

    fn path_of(&self, key: &str) -> Option<String> {
        match self {
            Where::Line(_) => None,
            Where::Json(p) => Some(format!("{p}.{key}")),
            Where::Xml { omm, segment, .. } => Some(match block_of(key) {
                Some(Block::Header) | None => format!("{omm}/header/{key}"),
                Some(Block::Metadata) => format!("{segment}/metadata/{key}"),
                Some(Block::MeanElements) => format!("{segment}/data/meanElements/{key}"),
                Some(Block::TleParameters) => format!("{segment}/data/tleParameters/{key}"),
                Some(Block::Covariance) => format!("{segment}/data/covarianceMatrix/{key}"),
            }),
        }
    }
}

/// The keywords of one object, as found.
#[derive(Debug, Clone)]
pub(crate) struct RawObject {
    pub fields: Vec<RawField>,
    pub comments: Vec<String>,
    pub place: Where,
}

/// Reading state shared by the objects of one text.
pub(crate) struct Ctx<'a> {
    pub source: &'a str,
    pub opts: &'a ReadOptions,
    pub out: ElementsRead,
    warned_keys: BTreeSet<String>,
    warned_string_numbers: bool,
}

impl<'a> Ctx<'a> {
    pub fn new(source: &'a str, opts: &'a ReadOptions, format: crate::detect::Format) -> Self {
        Self {
            source,
            opts,
            out: ElementsRead::new(format),
            warned_keys: BTreeSet::new(),
            warned_string_numbers: false,
        }
    }

    /// Records an error, with the source name.
    pub fn error(&mut self, e: ParseError) {
        self.out.errors.push(e.with_source(self.source));
    }

    /// Records a warning at a line/path, with the source name.
    pub fn warn(&mut self, message: String, line: Option<usize>, path: Option<String>) {
        let mut w = Warning::new(message)
            .with_source(self.source)
            .with_line(line);
        w.path = path;
        self.out.warnings.push(w);
    }

    /// Warns once per file about a keyword that is not read.
    pub fn unknown_key(&mut self, key: &str, line: Option<usize>, path: Option<String>) {
        if self.warned_keys.len() < 1000 && self.warned_keys.insert(key.to_string()) {
            self.warn(
                format!("keyword {} is not an OMM element-set keyword; ignored (reported once per file)", quote(key)),
                line,
                path,
            );
        }
    }

    /// Converts one object and records the result.
    pub fn object(&mut self, obj: &RawObject) {
        match self.convert(obj) {
            Ok(es) => self.out.elements.push(es),
            Err(e) => self.error(e),
        }
    }

    fn convert(&mut self, obj: &RawObject) -> Result<ElementSet, ParseError> {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for f in &obj.fields {
            if block_of(&f.key).is_none() {
                self.unknown_key(&f.key, f.line, f.path.clone());
            } else if !seen.insert(f.key.as_str()) {
                return Err(
                    ParseError::described(f.key.clone(), "one value", "a second value")
                        .with_line(f.line)
                        .with_opt_path(f.path.clone()),
                );
            }
        }
        let g = Getter {
            obj,
            lenient: self.opts.lenient,
            string_numbers: Cell::new(false),
            notes: RefCell::new(Vec::new()),
        };
        let text =
            |g: &Getter<'_>, key: &str| -> Result<Option<String>, ParseError> { g.text(key) };
        let omm = OmmMetadata {
            ccsds_omm_vers: text(&g, "CCSDS_OMM_VERS")?.filter(|s| !s.is_empty()),
            creation_date: text(&g, "CREATION_DATE")?.filter(|s| !s.is_empty()),
            originator: text(&g, "ORIGINATOR")?.filter(|s| !s.is_empty()),
            center_name: text(&g, "CENTER_NAME")?,
            ref_frame: text(&g, "REF_FRAME")?,
            time_system: text(&g, "TIME_SYSTEM")?,
            mean_element_theory: text(&g, "MEAN_ELEMENT_THEORY")?,
            comments: obj.comments.clone(),
            covariance: covariance(&g)?,
        };
        if let Some(cd) = &omm.creation_date {
            if Epoch::parse_iso(cd).is_err() {
                return Err(g.error("CREATION_DATE", "an ISO 8601 time (or nothing)", cd));
            }
        }
        let epoch_text = g.required_text("EPOCH")?;
        let epoch = Epoch::parse_iso(&epoch_text).map_err(|_| {
            g.error(
                "EPOCH",
                "an ISO 8601 UTC time YYYY-MM-DDTHH:MM:SS[.ffffff]",
                &epoch_text,
            )
        })?;
        let classification = match g.text("CLASSIFICATION_TYPE")?.as_deref() {
            None => 'U',
            Some("U") => 'U',
            Some("C") => 'C',
            Some("S") => 'S',
            Some(other) => return Err(g.error("CLASSIFICATION_TYPE", "U, C or S", other)),
        };
        let es = ElementSet {
            object_name: g.text("OBJECT_NAME")?.filter(|s| !s.is_empty()),
            object_id: g.text("OBJECT_ID")?.filter(|s| !s.is_empty()),
            norad_cat_id: g
                .int("NORAD_CAT_ID", u64::from(OMM_MAX_CATALOG_NUMBER))?
                .ok_or_else(|| g.missing("NORAD_CAT_ID"))? as u32,
            classification,
            epoch,
            mean_motion_rev_per_day: g.float("MEAN_MOTION", Range::Positive)?,
            eccentricity: g.float("ECCENTRICITY", Range::Eccentricity)?,
            inclination_deg: g.float("INCLINATION", Range::Degrees(180.0))?,
            raan_deg: g.float("RA_OF_ASC_NODE", Range::Angle)?,
            arg_of_pericenter_deg: g.float("ARG_OF_PERICENTER", Range::Angle)?,
            mean_anomaly_deg: g.float("MEAN_ANOMALY", Range::Angle)?,
            ephemeris_type: g.int("EPHEMERIS_TYPE", 9)?.unwrap_or(0) as u8,
            element_set_no: g.int("ELEMENT_SET_NO", 9999)?.unwrap_or(0) as u32,
            rev_at_epoch: g.int("REV_AT_EPOCH", u64::from(u32::MAX))?.unwrap_or(0) as u32,
            bstar_per_earth_radii: g.float("BSTAR", Range::Any)?,
            mean_motion_dot_rev_per_day2: g.float("MEAN_MOTION_DOT", Range::Any)?,
            mean_motion_ddot_rev_per_day3: g.float("MEAN_MOTION_DDOT", Range::Any)?,
            omm,
        };
        for (message, line, path) in g.notes.take() {
            self.warn(message, line, path);
        }
        let string_numbers = g.string_numbers.get();
        if string_numbers && !self.warned_string_numbers {
            self.warned_string_numbers = true;
            self.warn(
                "numbers given as JSON strings (Space-Track style) accepted (lenient); reported once per file"
                    .to_string(),
                obj.place.line(),
                obj.place.path_of("").map(|p| p.trim_end_matches('.').to_string()),
            );
        }
        Ok(es)
    }
}

/// The covariance block, if any of its keywords is given: then all 21 terms are
/// required and the variances must not be negative.
fn covariance(g: &Getter<'_>) -> Result<Option<OmmCovariance>, ParseError> {
    if !COVARIANCE_KEYS.iter().any(|k| g.field(k).is_some()) {
        return Ok(None);
    }
    let mut lower = [0.0; 21];
    for (i, key) in COVARIANCE_KEYS[1..].iter().enumerate() {
        if g.field(key).is_none() {
            return Err(ParseError::described(
                *key,
                "a value (a covariance block needs all 21 terms)",
                "nothing",
            )
            .with_line(g.obj.place.line())
            .with_opt_path(g.obj.place.path_of(key)));
        }
        lower[i] = g.float(key, Range::Any)?;
    }
    for index in [0usize, 2, 5, 9, 14, 20] {
        if lower[index] < 0.0 {
            let key = COVARIANCE_KEYS[1 + index];
            return Err(g.error(
                key,
                "a variance (0 or more)",
                &g.text(key)?.unwrap_or_default(),
            ));
        }
    }
    Ok(Some(OmmCovariance {
        ref_frame: g.text("COV_REF_FRAME")?.filter(|s| !s.is_empty()),
        lower,
    }))
}

impl ParseError {
    /// Sets the path if there is one.
    pub(crate) fn with_opt_path(mut self, path: Option<String>) -> Self {
        self.path = path;
        self
    }
}

/// Allowed range of a real value.
#[derive(Clone, Copy)]
enum Range {
    Any,
    Positive,
    Eccentricity,
    Degrees(f64),
    /// An angle in degrees: any finite value, normalised into [0, 360) with a warning
    /// when outside 0–360.
    Angle,
}

/// A warning about one value: message, line, path.
type Note = (String, Option<usize>, Option<String>);

/// Reads typed values of one object.
struct Getter<'o> {
    obj: &'o RawObject,
    lenient: bool,
    /// Set when a number was read from a JSON string (lenient mode).
    string_numbers: Cell<bool>,
    /// Warnings about values that were accepted after a change (message, line, path).
    notes: RefCell<Vec<Note>>,
}

impl Getter<'_> {
    fn field(&self, key: &str) -> Option<&RawField> {
        self.obj.fields.iter().find(|f| f.key == key)
    }

    fn place_of(&self, key: &str) -> (Option<usize>, Option<String>) {
        match self.field(key) {
            Some(f) => (f.line, f.path.clone()),
            None => (self.obj.place.line(), self.obj.place.path_of(key)),
        }
    }

    /// An error about the value `found` of `key`; a JSON number is shown unquoted, text quoted.
    fn error(&self, key: &str, expected: &str, found: &str) -> ParseError {
        let (line, path) = self.place_of(key);
        let e = match self.field(key).map(|f| &f.value) {
            Some(RawValue::JsonNumber(_)) => ParseError::described(key, expected, found),
            _ => ParseError::new(key, expected, found),
        };
        e.with_line(line).with_opt_path(path)
    }

    fn missing(&self, key: &str) -> ParseError {
        ParseError::described(key, "a value (required keyword)", "nothing")
            .with_line(self.obj.place.line())
            .with_opt_path(self.obj.place.path_of(key))
    }

    fn type_error(&self, key: &str, expected: &str, value: &RawValue) -> ParseError {
        let (line, path) = match self.field(key) {
            Some(f) => (f.line, f.path.clone()),
            None => (self.obj.place.line(), None),
        };
        let found = match value {
            RawValue::Text(t) | RawValue::JsonString(t) => format!("string {}", quote(t)),
            RawValue::JsonNumber(n) => format!("number {n}"),
            RawValue::JsonOther(kind) => (*kind).to_string(),
        };
        ParseError::described(key, expected, found)
            .with_line(line)
            .with_opt_path(path)
    }

    /// Text of a keyword (JSON: a string; null counts as absent).
    fn text(&self, key: &str) -> Result<Option<String>, ParseError> {
        match self.field(key).map(|f| &f.value) {
            None | Some(RawValue::JsonOther("null")) => Ok(None),
            Some(RawValue::Text(t)) | Some(RawValue::JsonString(t)) => {
                Ok(Some(t.clone()).filter(|t| !t.is_empty()))
            }
            Some(v) => Err(self.type_error(key, "a JSON string", v)),
        }
    }

    fn required_text(&self, key: &str) -> Result<String, ParseError> {
        match self.text(key)? {
            Some(t) if !t.is_empty() => Ok(t),
            _ => Err(self.missing(key)),
        }
    }

    /// The number text of a keyword: text formats as is, JSON numbers, JSON strings in lenient mode.
    fn number_text(&self, key: &str) -> Result<Option<String>, ParseError> {
        match self.field(key).map(|f| &f.value) {
            None | Some(RawValue::JsonOther("null")) => Ok(None),
            Some(RawValue::Text(t)) => Ok(if t.is_empty() { None } else { Some(t.clone()) }),
            Some(RawValue::JsonNumber(n)) => Ok(Some(n.to_string())),
            Some(RawValue::JsonString(s)) if self.lenient => {
                self.string_numbers.set(true);
                Ok(Some(s.clone()))
            }
            Some(v) => Err(self.type_error(key, "a JSON number", v)),
        }
    }

    fn float(&self, key: &str, range: Range) -> Result<f64, ParseError> {
        let Some(t) = self.number_text(key)? else {
            return Err(self.missing(key));
        };
        let (v, expected) = match range {
            Range::Any => (parse_number(&t), "a number".to_string()),
            Range::Positive => (
                parse_number(&t).filter(|v| *v > 0.0),
                "a number greater than 0".to_string(),
            ),
            Range::Eccentricity => (
                parse_number(&t).filter(|v| (0.0..1.0).contains(v)),
                "a number from 0 to less than 1".to_string(),
            ),
            Range::Degrees(max) => (
                parse_number(&t).filter(|v| (0.0..=max).contains(v)),
                format!("a number 0 to {max}"),
            ),
            Range::Angle => {
                let v = parse_number(&t).map(|v| {
                    if (0.0..=360.0).contains(&v) {
                        return v;
                    }
                    // rem_euclid may round up to 360 for tiny negative values.
                    let n = v.rem_euclid(360.0);
                    let n = if n >= 360.0 { 0.0 } else { n };
                    let (line, path) = self.place_of(key);
                    self.notes.borrow_mut().push((
                        format!(
                            "{key} {t} is outside 0-360 degrees; normalised to {}",
                            format_number(n)
                        ),
                        line,
                        path,
                    ));
                    n
                });
                (v, "a finite number of degrees".to_string())
            }
        };
        v.ok_or_else(|| self.error(key, &expected, &t))
    }

    fn int(&self, key: &str, max: u64) -> Result<Option<u64>, ParseError> {
        let Some(t) = self.number_text(key)? else {
            return Ok(None);
        };
        parse_unsigned(&t)
            .filter(|v| *v <= max)
            .map(Some)
            .ok_or_else(|| self.error(key, &format!("a whole number 0 to {max}"), &t))
    }
}

/// A decimal number `[+-]digits[.digits][e[+-]digits]` (also `.5`, `5.`); no inf/nan.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let int_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let mut digits = i - int_start;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let frac_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        digits += i - frac_start;
    }
    if digits == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == exp_start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A whole number `[+]digits` (JSON may give `12.0`? no: only digits).
pub(crate) fn parse_unsigned(text: &str) -> Option<u64> {
    let t = text.strip_prefix('+').unwrap_or(text);
    if t.is_empty() || t.len() > 19 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// Shortest text that reads back to the same `f64`; whole numbers without a decimal point.
pub(crate) fn format_number(v: f64) -> String {
    if v == 0.0 {
        return if v.is_sign_negative() { "-0.0" } else { "0" }.to_string();
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    serde_json::to_string(&v).unwrap_or_else(|_| format!("{v:e}"))
}

/// A value to write: text or number.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum OutValue {
    Text(String),
    Number(String),
}

impl OutValue {
    /// The value as text (KVN, XML, CSV).
    pub fn as_str(&self) -> &str {
        match self {
            OutValue::Text(s) | OutValue::Number(s) => s,
        }
    }
}

/// The keywords of one element set, in CelesTrak's order, with header/metadata
/// values that are present. With `with_defaults` (KVN, XML, where CCSDS makes
/// them mandatory) absent header/metadata values are filled: version `3.0`,
/// `CREATION_DATE` now (UTC, microseconds), `ORIGINATOR` `APOSOS` and the
/// metadata defaults `EARTH`, `TEME`, `UTC`, `SGP4`.
pub(crate) fn to_fields(
    es: &ElementSet,
    with_defaults: bool,
) -> Result<Vec<(&'static str, OutValue)>, WriteError> {
    let id = es.norad_cat_id;
    let oor = |field: &'static str, value: String, reason: &str| WriteError::OutOfRange {
        norad_cat_id: id,
        field,
        value,
        reason: reason.to_string(),
    };
    if id > OMM_MAX_CATALOG_NUMBER {
        return Err(oor(
            "NORAD_CAT_ID",
            id.to_string(),
            "an OMM carries at most 9 digits",
        ));
    }
    let num = |field: &'static str, v: f64| -> Result<OutValue, WriteError> {
        if v.is_finite() {
            Ok(OutValue::Number(format_number(v)))
        } else {
            Err(oor(field, v.to_string(), "must be a finite number"))
        }
    };
    let text = |s: &str| OutValue::Text(s.to_string());
    let m = &es.omm;
    let mut out: Vec<(&'static str, OutValue)> = Vec::with_capacity(26);
    let opt = |out: &mut Vec<(&'static str, OutValue)>,
               key: &'static str,
               v: &Option<String>,
               default: Option<&str>| {
        match (v, default) {
            (Some(v), _) => out.push((key, text(v))),
            (None, Some(d)) if with_defaults => out.push((key, text(d))),
            _ => {}
        }
    };
    opt(
        &mut out,
        "CCSDS_OMM_VERS",
        &m.ccsds_omm_vers,
        Some(DEFAULT_OMM_VERSION),
    );
    let now = with_defaults.then(|| Epoch::now_utc_micros().to_iso());
    opt(&mut out, "CREATION_DATE", &m.creation_date, now.as_deref());
    opt(
        &mut out,
        "ORIGINATOR",
        &m.originator,
        Some(DEFAULT_ORIGINATOR),
    );
    opt(&mut out, "OBJECT_NAME", &es.object_name, None);
    opt(&mut out, "OBJECT_ID", &es.object_id, None);
    opt(&mut out, "CENTER_NAME", &m.center_name, Some("EARTH"));
    opt(&mut out, "REF_FRAME", &m.ref_frame, Some("TEME"));
    opt(&mut out, "TIME_SYSTEM", &m.time_system, Some("UTC"));
    opt(
        &mut out,
        "MEAN_ELEMENT_THEORY",
        &m.mean_element_theory,
        Some("SGP4"),
    );
    out.push(("EPOCH", text(&es.epoch.to_iso())));
    out.push((
        "MEAN_MOTION",
        num("MEAN_MOTION", es.mean_motion_rev_per_day)?,
    ));
    out.push(("ECCENTRICITY", num("ECCENTRICITY", es.eccentricity)?));
    out.push(("INCLINATION", num("INCLINATION", es.inclination_deg)?));
    out.push(("RA_OF_ASC_NODE", num("RA_OF_ASC_NODE", es.raan_deg)?));
    out.push((
        "ARG_OF_PERICENTER",
        num("ARG_OF_PERICENTER", es.arg_of_pericenter_deg)?,
    ));
    out.push(("MEAN_ANOMALY", num("MEAN_ANOMALY", es.mean_anomaly_deg)?));
    out.push((
        "EPHEMERIS_TYPE",
        OutValue::Number(es.ephemeris_type.to_string()),
    ));
    out.push((
        "CLASSIFICATION_TYPE",
        OutValue::Text(es.classification.to_string()),
    ));
    out.push(("NORAD_CAT_ID", OutValue::Number(id.to_string())));
    out.push((
        "ELEMENT_SET_NO",
        OutValue::Number(es.element_set_no.to_string()),
    ));
    out.push((
        "REV_AT_EPOCH",
        OutValue::Number(es.rev_at_epoch.to_string()),
    ));
    out.push(("BSTAR", num("BSTAR", es.bstar_per_earth_radii)?));
    out.push((
        "MEAN_MOTION_DOT",
        num("MEAN_MOTION_DOT", es.mean_motion_dot_rev_per_day2)?,
    ));
    out.push((
        "MEAN_MOTION_DDOT",
        num("MEAN_MOTION_DDOT", es.mean_motion_ddot_rev_per_day3)?,
    ));
    if let Some(c) = &m.covariance {
        if let Some(f) = &c.ref_frame {
            out.push(("COV_REF_FRAME", text(f)));
        }
        for (key, v) in COVARIANCE_KEYS[1..].iter().zip(c.lower) {
            out.push((key, num(key, v)?));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_shortest() {
        for v in [
            0.0,
            -0.0,
            1.0,
            360.0,
            15.72125391,
            0.0006703,
            -0.11606e-4,
            4.96e-6,
            1e-300,
            1.5e20,
            123456789.0,
        ] {
            let s = format_number(v);
            let back = parse_number(&s).unwrap_or(f64::NAN);
            assert_eq!(back.to_bits(), v.to_bits(), "{v} -> {s}");
        }
        assert_eq!(format_number(0.0), "0");
        assert_eq!(format_number(360.0), "360");
    }

    #[test]
    fn number_syntax() {
        for ok in [".0001536", ".109E-5", "-.84E-6", "0", "+1.5", "5.", "1e5"] {
            assert!(parse_number(ok).is_some(), "{ok}");
        }
        for bad in [
            "", ".", "e5", "1e", "inf", "NaN", "infinity", "1.2.3", "1 ", " 1", "0x10", "1e999",
            "--1",
        ] {
            assert!(parse_number(bad).is_none(), "{bad}");
        }
        assert_eq!(parse_unsigned("25544"), Some(25544));
        assert_eq!(parse_unsigned("-1"), None);
        assert_eq!(parse_unsigned("99999999999999999999999"), None);
    }
}
