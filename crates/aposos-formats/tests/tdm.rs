//! The TDM (KVN) reader and writer: a two-segment file written after CCSDS 503.0-B-2,
//! refusals with their line, and round trips of IOD observations through TDM.

use aposos_formats::obs::iod::read_iod;
use aposos_formats::obs::tdm::{read_tdm_kvn, write_tdm_kvn};
use aposos_formats::obs::{Angles, RaDecFrame};
use aposos_formats::Epoch;

const TWO: &str = include_str!("data/tdm/two_segments.kvn");

#[test]
fn reads_both_segments() {
    let r = read_tdm_kvn("two_segments.kvn", TWO);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.observations.len(), 4);
    assert_eq!(r.warnings.len(), 1, "the RANGE line: {:?}", r.warnings);
    assert!(r.warnings[0].to_string().contains(":38:"));
    let (line, o) = &r.observations[0];
    assert_eq!(*line, 20);
    assert_eq!(
        (o.station.as_str(), o.norad_cat_id),
        ("pk-islamabad", Some(25544))
    );
    assert_eq!(o.time, Epoch::parse_iso("2026-11-30T18:00:00").unwrap());
    assert_eq!(
        o.angles,
        Angles::RaDec {
            ra_deg: 123.456789,
            dec_deg: -12.345678,
            frame: RaDecFrame::J2000
        }
    );
    assert_eq!(o.mag, Some(3.2));
    assert!((o.angle_sigma_deg.unwrap() * 3600.0 - 2.5).abs() < 1e-12);
    assert_eq!(o.tracklet_id.as_deref(), Some("pk-20261130-0001"));
    assert_eq!(r.observations[1].1.mag, None);
    // Participants given object-first are put right; a designator names the object.
    let az = &r.observations[3].1;
    assert_eq!(
        (
            az.station.as_str(),
            az.norad_cat_id,
            az.object_id.as_deref()
        ),
        ("pe-characato", None, Some("1999-025DXF"))
    );
    assert_eq!(
        az.angles,
        Angles::AzEl {
            az_deg: 271.25,
            el_deg: 45.5
        }
    );
}

#[test]
fn refusals_name_the_line() {
    let bad = TWO
        .replace(
            "TIME_SYSTEM = UTC\nSTART_TIME",
            "TIME_SYSTEM = TAI\nSTART_TIME",
        )
        .replace(
            "ANGLE_2 = 2026-12-01T01:02:03.500 45.5",
            "ANGLE_2 = 2026-12-01T01:02:03.500 95.5",
        );
    let r = read_tdm_kvn("bad.kvn", &bad);
    let msgs: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    assert!(
        msgs[0].starts_with("bad.kvn:6: field TIME_SYSTEM (segment refused): expected UTC"),
        "{}",
        msgs[0]
    );
    assert!(
        msgs[1].starts_with("bad.kvn:37: field ANGLE_2 value"),
        "{}",
        msgs[1]
    );
    assert!(
        r.observations.is_empty(),
        "first segment refused, the lone ANGLE_1 of the second has no pair"
    );
    let r = read_tdm_kvn("x", "hello\n");
    assert!(!r.errors.is_empty());
    let r = read_tdm_kvn("x", "CCSDS_TDM_VERS = 2.0\nMETA_START\nTIME_SYSTEM = UTC\n");
    assert!(r.errors.iter().any(|e| e.to_string().contains("META_STOP")));
    let unpaired = TWO.replace("ANGLE_2 = 2026-11-30T18:00:01.000 -12.245678\n", "");
    let r = read_tdm_kvn("u", &unpaired);
    assert_eq!(r.observations.len(), 3);
    assert!(
        r.errors[0].to_string().contains("u:23: field ANGLE_2"),
        "{:?}",
        r.errors
    );
}

#[test]
fn round_trips_keep_every_value() {
    let r = read_tdm_kvn("two", TWO);
    let obs: Vec<_> = r.observations.iter().map(|(_, o)| o.clone()).collect();
    let text = write_tdm_kvn(
        &obs,
        "APOSOS",
        Epoch::parse_iso("2026-12-02T00:00:00").unwrap(),
    )
    .unwrap();
    let back = read_tdm_kvn("back", &text);
    assert!(
        back.errors.is_empty() && back.warnings.is_empty(),
        "{:?}\n{text}",
        back.errors
    );
    let again: Vec<_> = back.observations.iter().map(|(_, o)| o.clone()).collect();
    assert_eq!(again, obs);
    // IOD observations (B1950 excepted) through TDM keep their values bit for bit.
    let iod = read_iod("s", include_str!("data/iod/seesat_8305_2003-11-20.iod"));
    let mut obs: Vec<_> = iod.observations.into_iter().map(|(_, o)| o).collect();
    for o in &mut obs {
        o.iod = None;
        o.object_id = None;
    }
    let text = write_tdm_kvn(
        &obs,
        "APOSOS",
        Epoch::parse_iso("2026-12-02T00:00:00").unwrap(),
    )
    .unwrap();
    assert!(
        text.matches("META_START").count() >= 2,
        "segments by object and uncertainty"
    );
    let back: Vec<_> = read_tdm_kvn("b", &text)
        .observations
        .into_iter()
        .map(|(_, o)| o)
        .collect();
    assert_eq!(back, obs);
    let lewis = read_iod("l", include_str!("data/iod/lewis_examples.iod"));
    assert!(
        write_tdm_kvn(
            &[lewis.observations[0].1.clone()],
            "A",
            Epoch::parse_iso("2026-12-02").unwrap()
        )
        .is_err(),
        "B1950 has no TDM frame"
    );
}

#[test]
fn xml_form_reads_what_it_writes_and_names_lines() {
    use aposos_formats::obs::tdm::{read_tdm_xml, write_tdm_xml};
    let obs: Vec<_> = read_tdm_kvn("two", TWO)
        .observations
        .into_iter()
        .map(|(_, o)| o)
        .collect();
    let xml = write_tdm_xml(
        &obs,
        "APOSOS",
        Epoch::parse_iso("2026-12-02T00:00:00").unwrap(),
    )
    .unwrap();
    assert!(
        xml.contains("<tdm ")
            && xml.contains("version=\"2.0\"")
            && xml.contains("<observation><EPOCH>")
    );
    let back = read_tdm_xml("x.xml", &xml);
    assert!(
        back.errors.is_empty() && back.warnings.is_empty(),
        "{:?}\n{xml}",
        back.errors
    );
    let again: Vec<_> = back.observations.iter().map(|(_, o)| o.clone()).collect();
    assert_eq!(again, obs);
    // A value out of range is reported at the line of its element.
    let bad = xml.replacen(
        "<ANGLE_2>-12.345678</ANGLE_2>",
        "<ANGLE_2>-112.345678</ANGLE_2>",
        1,
    );
    let line = bad.lines().position(|l| l.contains("-112.345678")).unwrap() + 1;
    let r = read_tdm_xml("x.xml", &bad);
    assert!(
        r.errors[0]
            .to_string()
            .starts_with(&format!("x.xml:{line}: field ANGLE_2 value")),
        "{:?}",
        r.errors
    );
    // Broken XML and another root are refused with a line.
    let r = read_tdm_xml("x.xml", "<tdm version=\"2.0\"><header>\n</tdm>");
    assert!(
        r.errors[0].to_string().starts_with("x.xml:"),
        "{:?}",
        r.errors
    );
    let r = read_tdm_xml("x.xml", "<omm/>");
    assert!(r.errors[0].to_string().contains("<tdm>"));
}
