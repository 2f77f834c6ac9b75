//! Round trips between TLE and the four OMM encodings, and among the OMM encodings.

mod common;

use aposos_formats::{
    read_as, read_elements, write_elements, ElementSet, Format, ReadOptions, TleOptions,
};
use common::HANDWRITTEN;
use serde_json::Value;

const VER: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/data/SGP4-VER.TLE"
));

const OMM_FORMATS: [Format; 4] = [
    Format::OmmKvn,
    Format::OmmXml,
    Format::OmmJson,
    Format::OmmCsv,
];

/// Asserts equal element lists, showing only the first difference.
fn assert_same(a: &[ElementSet], b: &[ElementSet], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: number of element sets");
    if let Some((x, y)) = a.iter().zip(b).find(|(x, y)| x != y) {
        panic!("{what}: first difference\n{x:?}\n{y:?}");
    }
}

/// Header/metadata keywords that the KVN and XML writers fill when an element
/// set has none (CCSDS 502.0-B-3 makes them mandatory there), with the value
/// written (`None`: `CREATION_DATE`, the time of writing).
const FILLED: [(&str, Option<&str>); 7] = [
    ("CCSDS_OMM_VERS", Some("3.0")),
    ("CREATION_DATE", None),
    ("ORIGINATOR", Some("APOSOS")),
    ("CENTER_NAME", Some("EARTH")),
    ("REF_FRAME", Some("TEME")),
    ("TIME_SYSTEM", Some("UTC")),
    ("MEAN_ELEMENT_THEORY", Some("SGP4")),
];

fn slot<'a>(es: &'a mut ElementSet, key: &str) -> &'a mut Option<String> {
    let m = &mut es.omm;
    match key {
        "CCSDS_OMM_VERS" => &mut m.ccsds_omm_vers,
        "CREATION_DATE" => &mut m.creation_date,
        "ORIGINATOR" => &mut m.originator,
        "CENTER_NAME" => &mut m.center_name,
        "REF_FRAME" => &mut m.ref_frame,
        "TIME_SYSTEM" => &mut m.time_system,
        _ => &mut m.mean_element_theory,
    }
}

/// Checks that `back` (read from KVN/XML written from `original`) holds, for every
/// header/metadata keyword `original` lacks, exactly the value the writer fills, and
/// returns `back` with those filled values removed again (to compare with `original`).
fn unfill(back: &[ElementSet], original: &[ElementSet], what: &str) -> Vec<ElementSet> {
    let mut out = back.to_vec();
    for (b, o) in out.iter_mut().zip(original) {
        let mut o = o.clone();
        for (key, value) in FILLED {
            if slot(&mut o, key).is_some() {
                continue;
            }
            let filled = slot(b, key).take();
            match (value, filled.as_deref()) {
                (Some(v), Some(f)) => assert_eq!(f, v, "{what}: {key}"),
                (None, Some(f)) => assert!(
                    f.len() == 26 && aposos_formats::Epoch::parse_iso(f).is_ok(),
                    "{what}: {key} {f:?} is not an ISO time with microseconds"
                ),
                (_, None) => panic!("{what}: {key} not written"),
            }
        }
    }
    out
}

/// Every key/value of `original` (a JSON array of objects) is in `after` unchanged;
/// the keys added are exactly the header/metadata keywords the object lacked
/// (`FILLED`), with the values the KVN/XML writers fill.
fn assert_json_kept(original: &Value, after: &Value) {
    let (Some(a), Some(b)) = (original.as_array(), after.as_array()) else {
        panic!("not JSON arrays");
    };
    assert_eq!(a.len(), b.len());
    for (i, (a, b)) in a.iter().zip(b).enumerate() {
        let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
            panic!("[{i}] not an object");
        };
        for (k, v) in a {
            assert_eq!(b.get(k), Some(v), "[{i}].{k} changed");
        }
        let mut added: Vec<&str> = b
            .keys()
            .filter(|k| !a.contains_key(*k))
            .map(String::as_str)
            .collect();
        added.sort_unstable();
        let expected: Vec<&str> = FILLED
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| !a.contains_key(*k))
            .collect();
        let mut sorted = expected.clone();
        sorted.sort_unstable();
        assert_eq!(added, sorted, "[{i}]: keys added");
        for (k, value) in FILLED.iter().filter(|(k, _)| expected.contains(k)) {
            let got = b.get(*k).and_then(Value::as_str).unwrap_or_default();
            match value {
                Some(v) => assert_eq!(got, *v, "[{i}].{k}"),
                None => assert!(aposos_formats::Epoch::parse_iso(got).is_ok(), "[{i}].{k}"),
            }
        }
    }
}

fn read_ok(name: &str, text: &str, format: Format) -> Vec<ElementSet> {
    let r = read_as(name, text, format, &ReadOptions::default());
    assert!(r.errors.is_empty(), "{format}: {:?}", r.errors.first());
    assert_eq!(r.format, Some(format));
    r.elements
}

/// TLE text → elements → each OMM encoding → elements → TLE text, byte-identical.
fn tle_through_omm(tle_text: &str, format: Format) {
    let elements = read_ok("in", tle_text, format_of_tle(tle_text));
    for omm in OMM_FORMATS {
        let text = write_elements(&elements, omm).unwrap_or_else(|e| panic!("{omm}: {e}"));
        assert_eq!(
            aposos_formats::detect_format(&text),
            Some(omm),
            "written {omm} is detected as such"
        );
        let mut back = read_ok("omm", &text, omm);
        if matches!(omm, Format::OmmKvn | Format::OmmXml) {
            back = unfill(&back, &elements, omm.name());
        }
        assert_same(&back, &elements, omm.name());
        let tle_back = write_elements(&back, format).unwrap_or_else(|e| panic!("{e}"));
        if let Some((a, b)) = tle_back.lines().zip(tle_text.lines()).find(|(a, b)| a != b) {
            panic!("{omm}: TLE text differs after the round trip:\n{a}\n{b}");
        }
        assert_eq!(tle_back.len(), tle_text.len(), "{omm}");
    }
}

fn format_of_tle(text: &str) -> Format {
    aposos_formats::detect_format(text).unwrap_or(Format::Tle)
}

#[test]
fn handwritten_tles_through_every_omm_encoding() {
    tle_through_omm(HANDWRITTEN, Format::ThreeLe);
    let two_line: String = HANDWRITTEN
        .lines()
        .filter(|l| l.starts_with("1 ") || l.starts_with("2 "))
        .map(|l| format!("{l}\n"))
        .collect();
    tle_through_omm(&two_line, Format::Tle);
}

/// Vallado's TLEs in canonical form (as our writer writes them) go through every OMM encoding unchanged.
#[test]
fn vallado_canonical_tles_through_every_omm_encoding() {
    let lines: Vec<&str> = VER
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.get(..69).unwrap_or(l))
        .collect();
    let mut elements = Vec::new();
    for pair in lines.chunks_exact(2) {
        let (es, _) =
            aposos_formats::parse_tle(None, pair[0], pair[1], &TleOptions { lenient: true })
                .unwrap_or_else(|e| panic!("{e}"));
        elements.push(es);
    }
    let canonical = write_elements(&elements, Format::Tle).unwrap_or_else(|e| panic!("{e}"));
    tle_through_omm(&canonical, Format::Tle);
}

#[test]
fn celestrak_active_through_every_omm_encoding() {
    let Some((path, text)) = common::active_catalog("CelesTrak active.txt OMM round trip") else {
        return;
    };
    // Our writer ends every line with \n; CelesTrak's file has \r\n and no final line end.
    let mut text = text.replace("\r\n", "\n");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    tle_through_omm(&text, Format::ThreeLe);
    println!("{path}: every object through KVN, XML, JSON and CSV and back, byte-identical");
}

/// A GP JSON with every header/metadata keyword, comments, odd names and extreme values.
const RICH_JSON: &str = r#"[
{"CCSDS_OMM_VERS":"3.0","COMMENT":"GENERATED VIA SPACE-TRACK.ORG API","CREATION_DATE":"2026-05-20T08:00:00","ORIGINATOR":"18 SPCS","OBJECT_NAME":"ISS (ZARYA) & <friends> \"quoted\", comma","OBJECT_ID":"1998-067A","CENTER_NAME":"EARTH","REF_FRAME":"TEME","TIME_SYSTEM":"UTC","MEAN_ELEMENT_THEORY":"SGP4","EPOCH":"2026-05-20T06:36:21.192288","MEAN_MOTION":15.49512368,"ECCENTRICITY":0.0002455,"INCLINATION":51.6354,"RA_OF_ASC_NODE":0,"ARG_OF_PERICENTER":360,"MEAN_ANOMALY":1e-7,"EPHEMERIS_TYPE":0,"CLASSIFICATION_TYPE":"U","NORAD_CAT_ID":25544,"ELEMENT_SET_NO":999,"REV_AT_EPOCH":55000,"BSTAR":0.00031234,"MEAN_MOTION_DOT":0.00016717,"MEAN_MOTION_DDOT":0},
{"CCSDS_OMM_VERS":"2.0","COMMENT":["first comment","second comment"],"ORIGINATOR":"APOSOS","OBJECT_NAME":"ÉTOILE 1","OBJECT_ID":"2026-999ZZZ","CENTER_NAME":"MOON","REF_FRAME":"TEME","MEAN_ELEMENT_THEORY":"SGP4-XP","EPOCH":"2026-01-01T00:00:00.000000001","MEAN_MOTION":0.1,"ECCENTRICITY":0.9999999999,"INCLINATION":180,"RA_OF_ASC_NODE":359.99999999999994,"ARG_OF_PERICENTER":123.456789012345,"MEAN_ANOMALY":0.1,"EPHEMERIS_TYPE":4,"CLASSIFICATION_TYPE":"S","NORAD_CAT_ID":999999999,"ELEMENT_SET_NO":9999,"REV_AT_EPOCH":4294967295,"BSTAR":-1.2345678901234567e-300,"MEAN_MOTION_DOT":-0.0,"MEAN_MOTION_DDOT":1.5e20},
{"OBJECT_NAME":"CALSPHERE 1","OBJECT_ID":"1964-063C","EPOCH":"2026-05-20T06:36:21.192288","MEAN_MOTION":13.76588933,"ECCENTRICITY":0.0027588,"INCLINATION":90.2234,"RA_OF_ASC_NODE":71.1124,"ARG_OF_PERICENTER":21.723,"MEAN_ANOMALY":141.9836,"EPHEMERIS_TYPE":0,"CLASSIFICATION_TYPE":"U","NORAD_CAT_ID":900,"ELEMENT_SET_NO":999,"REV_AT_EPOCH":67583,"BSTAR":0.00049592,"MEAN_MOTION_DOT":4.96e-6,"MEAN_MOTION_DDOT":0}
]"#;

#[test]
fn json_to_kvn_to_xml_to_csv_to_json_keeps_every_value() {
    let original = read_ok("rich.json", RICH_JSON, Format::OmmJson);
    assert_eq!(original.len(), 3);
    assert_eq!(original[1].omm.comments.len(), 2);
    assert!(original[1].mean_motion_dot_rev_per_day2.is_sign_negative());
    // KVN fills the mandatory header/metadata keywords the JSON lacks; from then on
    // every encoding keeps every value.
    let kvn = write_elements(&original, Format::OmmKvn).unwrap_or_else(|e| panic!("{e}"));
    let mut current = read_ok("step", &kvn, Format::OmmKvn);
    assert_same(&unfill(&current, &original, "kvn"), &original, "kvn");
    let expected = current.clone();
    for format in [Format::OmmXml, Format::OmmCsv, Format::OmmJson] {
        let text = write_elements(&current, format).unwrap_or_else(|e| panic!("{format}: {e}"));
        current = read_ok("step", &text, format);
        assert_same(&current, &expected, format.name());
        // f64 equality treats -0.0 == 0.0; check the bits.
        assert!(
            current[1].mean_motion_dot_rev_per_day2.is_sign_negative(),
            "{format}"
        );
    }
    let final_json = write_elements(&current, Format::OmmJson).unwrap_or_else(|e| panic!("{e}"));
    let a: Value = serde_json::from_str(RICH_JSON).unwrap_or(Value::Null);
    let b: Value = serde_json::from_str(&final_json).unwrap_or(Value::Null);
    // Nothing stripped: explicit defaults (CENTER_NAME "EARTH", …) come back too.
    assert_json_kept(&a, &b);
    // The Space-Track object had every header/metadata keyword: it comes back identical.
    assert_eq!(a[0], b[0]);
}

/// A CelesTrak-style JSON (no header or metadata) comes back with every value, plus the
/// header/metadata keywords KVN and XML require.
#[test]
fn celestrak_json_value_equal_after_kvn_and_xml() {
    let text = RICH_JSON.lines().nth(3).unwrap_or("").to_string();
    let text = format!("[{text}]");
    let elements = read_ok("gp.json", &text, Format::OmmJson);
    let kvn = write_elements(&elements, Format::OmmKvn).unwrap_or_default();
    let via_kvn = read_ok("gp.kvn", &kvn, Format::OmmKvn);
    let xml = write_elements(&via_kvn, Format::OmmXml).unwrap_or_default();
    let via_xml = read_ok("gp.xml", &xml, Format::OmmXml);
    assert_same(&via_xml, &via_kvn, "kvn then xml");
    assert_same(
        &unfill(&via_xml, &elements, "xml"),
        &elements,
        "kvn then xml",
    );
    let json = write_elements(&via_xml, Format::OmmJson).unwrap_or_default();
    let a: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let b: Value = serde_json::from_str(&json).unwrap_or(Value::Null);
    assert_json_kept(&a, &b);
}

#[test]
fn catalog_numbers_beyond_alpha5_only_in_omm() {
    let elements = read_ok("rich.json", RICH_JSON, Format::OmmJson);
    assert_eq!(elements[1].norad_cat_id, 999_999_999);
    assert!(write_elements(&elements, Format::Tle).is_err());
    for f in OMM_FORMATS {
        assert!(write_elements(&elements, f).is_ok(), "{f}");
    }
}

#[test]
fn read_elements_detects_every_written_format() {
    let elements = read_ok("in", HANDWRITTEN, Format::ThreeLe);
    for f in Format::ALL {
        let text = write_elements(&elements, f).unwrap_or_else(|e| panic!("{e}"));
        let r = read_elements("x", &text, &ReadOptions::default());
        assert_eq!(r.format, Some(f));
        assert!(r.errors.is_empty(), "{f}: {:?}", r.errors);
        assert_eq!(r.elements.len(), elements.len());
        let back = if matches!(f, Format::OmmKvn | Format::OmmXml) {
            unfill(&r.elements, &elements, f.name())
        } else {
            r.elements
        };
        if f != Format::Tle {
            assert_same(&back, &elements, f.name());
        }
    }
}

/// RA_OF_ASC_NODE, ARG_OF_PERICENTER and MEAN_ANOMALY outside 0-360 are accepted,
/// normalised into [0, 360) with a warning naming the field and the value; the
/// inclination stays strictly 0-180, and a JSON number is shown unquoted.
#[test]
fn angles_outside_0_360_are_normalised_with_a_warning() {
    let base = RICH_JSON.lines().nth(3).unwrap_or("").to_string();
    let text = format!(
        "[{}]",
        base.replace("\"RA_OF_ASC_NODE\":71.1124", "\"RA_OF_ASC_NODE\":-10")
            .replace("\"ARG_OF_PERICENTER\":21.723", "\"ARG_OF_PERICENTER\":370")
            .replace("\"MEAN_ANOMALY\":141.9836", "\"MEAN_ANOMALY\":-720.5")
    );
    let r = read_as("gp.json", &text, Format::OmmJson, &ReadOptions::default());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let es = &r.elements[0];
    assert_eq!(es.raan_deg, 350.0);
    assert_eq!(es.arg_of_pericenter_deg, 10.0);
    assert_eq!(es.mean_anomaly_deg, 359.5);
    let messages: Vec<String> = r.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(r.warnings.len(), 3, "{messages:?}");
    for (field, value, normalised) in [
        ("RA_OF_ASC_NODE", "-10", "350"),
        ("ARG_OF_PERICENTER", "370", "10"),
        ("MEAN_ANOMALY", "-720.5", "359.5"),
    ] {
        let w = r
            .warnings
            .iter()
            .find(|w| w.message.contains(field))
            .unwrap_or_else(|| panic!("no warning for {field}: {messages:?}"));
        assert!(
            w.message.contains(&format!("{field} {value} "))
                && w.message.contains(&format!("normalised to {normalised}")),
            "{w}"
        );
        assert_eq!(w.path.as_deref(), Some(format!("[0].{field}").as_str()));
    }
    // KVN text is normalised the same way.
    let kvn = write_elements(&r.elements, Format::OmmKvn).unwrap_or_default();
    let kvn = kvn.replace("RA_OF_ASC_NODE      = 350", "RA_OF_ASC_NODE      = 710");
    let k = read_as("gp.kvn", &kvn, Format::OmmKvn, &ReadOptions::default());
    assert!(k.errors.is_empty(), "{:?}", k.errors);
    assert_eq!(k.elements[0].raan_deg, 350.0);
    assert_eq!(k.warnings.len(), 1);
    assert_eq!(k.warnings[0].line, Some(14));
    // Inclination stays 0-180; the JSON number is shown as a number, not a string.
    let bad = format!(
        "[{}]",
        base.replace("\"INCLINATION\":90.2234", "\"INCLINATION\":181")
    );
    let r = read_as("gp.json", &bad, Format::OmmJson, &ReadOptions::default());
    assert_eq!(r.errors.len(), 1);
    assert_eq!(
        r.errors[0].to_string(),
        "gp.json: [0].INCLINATION: field INCLINATION: expected a number 0 to 180, found 181"
    );
    // Not finite / not a number: still an error.
    let bad = format!(
        "[{}]",
        base.replace("\"MEAN_ANOMALY\":141.9836", "\"MEAN_ANOMALY\":\"x\"")
    );
    let r = read_as("gp.json", &bad, Format::OmmJson, &ReadOptions::default());
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
}
