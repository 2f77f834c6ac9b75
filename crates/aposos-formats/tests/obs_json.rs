//! Observations as JSON (the API's form) and format detection, on the IOD and TDM fixtures.

use aposos_formats::obs::json::{read_obs_json, write_obs_json};
use aposos_formats::obs::{detect_obs_format, read_observations, ObsFormat, Observation};

fn fixtures() -> Vec<(&'static str, &'static str)> {
    vec![
        ("lewis", include_str!("data/iod/lewis_examples.iod")),
        (
            "seesat",
            include_str!("data/iod/seesat_8305_2003-11-20.iod"),
        ),
        ("tdm", include_str!("data/tdm/two_segments.kvn")),
    ]
}

fn without_codes(o: &Observation) -> Observation {
    Observation {
        iod: None,
        provenance: None,
        ..o.clone()
    }
}

#[test]
fn every_fixture_through_json_keeps_its_values() {
    for (name, text) in fixtures() {
        let (format, read) = read_observations(name, text);
        assert!(format.is_some() && read.errors.is_empty(), "{name}");
        let obs: Vec<_> = read
            .observations
            .iter()
            .map(|(_, o)| without_codes(o))
            .collect();
        let json = write_obs_json(&obs).unwrap();
        assert_eq!(detect_obs_format(&json), Some(ObsFormat::Json));
        let back = read_obs_json("j", &json);
        assert!(back.errors.is_empty(), "{name}: {:?}", back.errors);
        let again: Vec<_> = back.observations.into_iter().map(|(_, o)| o).collect();
        assert_eq!(again, obs, "{name}");
    }
    assert_eq!(detect_obs_format(fixtures()[0].1), Some(ObsFormat::Iod));
    assert_eq!(detect_obs_format(fixtures()[2].1), Some(ObsFormat::TdmKvn));
    assert_eq!(
        detect_obs_format("<?xml version=\"1.0\"?><tdm/>"),
        Some(ObsFormat::TdmXml)
    );
    let (f, r) = read_observations("x", "hello world\n");
    assert_eq!(f, None);
    assert!(r.errors[0].to_string().starts_with("x:1: field format"));
}

#[test]
fn json_refusals_name_the_element_and_key() {
    let text = r#"[
        {"station": "pk-islamabad", "norad": 25544, "time_utc": "2026-11-30T18:00:00Z", "ra_deg": 10, "dec_deg": 20},
        {"station": "pk-islamabad", "time_utc": "2026-11-30T18:00:00Z", "ra_deg": 10, "dec_deg": 95},
        {"station": "pk-islamabad", "time_utc": "yesterday", "az_deg": 10, "el_deg": 20},
        {"station": "", "time_utc": "2026-11-30T18:00:00Z", "az_deg": 10, "el_deg": 20},
        {"station": "s", "time_utc": "2026-11-30T18:00:00Z", "ra_deg": 10, "dec_deg": 20, "az_deg": 1, "el_deg": 2},
        {"station": "s", "time_utc": "2026-11-30T18:00:00Z", "ra_deg": 10, "dec_deg": 20, "colour": "red"},
        {"station": "s", "norad": -4, "time_utc": "2026-11-30T18:00:00Z", "ra_deg": 10, "dec_deg": 20},
        {"station": "s", "time_utc": "2026-11-30T18:00:00Z", "ra_deg": 10, "dec_deg": 20, "frame": "B1950"}
    ]"#;
    let r = read_obs_json("obs.json", text);
    assert_eq!(r.observations.len(), 2);
    assert_eq!(r.observations[0].1.norad_cat_id, Some(25544));
    assert_eq!(r.observations[1].0, 8);
    let msgs: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
    let want = [
        "[1].dec_deg",
        "[2].time_utc",
        "[3].station",
        "[4].ra_deg",
        "[5].colour",
        "[6].norad",
    ];
    assert_eq!(msgs.len(), want.len(), "{msgs:?}");
    for (m, w) in msgs.iter().zip(want) {
        assert!(m.starts_with(&format!("obs.json: {w}: field")), "{m}");
    }
    assert!(read_obs_json("b", "{").errors[0]
        .to_string()
        .contains("line 1"));
    assert!(read_obs_json("b", "{}").errors[0]
        .to_string()
        .contains("an array"));
}

#[test]
fn provenance_goes_through_json_and_clips_long_lines() {
    use aposos_formats::obs::Provenance;
    let (_, read) = read_observations("lewis", fixtures()[0].1);
    let text = fixtures()[0].1;
    let mut obs: Vec<Observation> = read
        .observations
        .iter()
        .map(|(line, o)| {
            let mut o = without_codes(o);
            let mut p = Provenance::of_line(
                "iod",
                "lewis.iod",
                *line,
                text.lines().nth(line - 1).unwrap(),
            );
            p.upload_id = Some(42);
            o.provenance = Some(p);
            o
        })
        .collect();
    let back = read_obs_json("j", &write_obs_json(&obs).unwrap());
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    let again: Vec<_> = back.observations.into_iter().map(|(_, o)| o).collect();
    assert_eq!(again, obs);
    // At most 200 bytes, cut at a character boundary.
    let long = format!("{}é{}", "x".repeat(199), "y".repeat(50));
    let p = Provenance::of_line("json", "s", 1, &long);
    assert_eq!(p.text, "x".repeat(199));
    obs[0].provenance.as_mut().unwrap().text = long;
    let r = read_obs_json("j", &write_obs_json(&obs[..1]).unwrap());
    assert!(
        r.errors[0].to_string().contains("[0].provenance.text"),
        "{:?}",
        r.errors
    );
    let r = read_obs_json(
        "j",
        r#"[{"station": "s", "time_utc": "2026-11-30T18:00:00Z", "ra_deg": 1, "dec_deg": 2, "provenance": {"who": 1}}]"#,
    );
    assert!(
        r.errors[0].to_string().contains("[0].provenance.who"),
        "{:?}",
        r.errors
    );
}
