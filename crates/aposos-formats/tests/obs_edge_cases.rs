//! Edge cases of the observation formats found in review: no panic on multi-byte text,
//! designators IOD can carry, values TDM keeps in its comments, blocks out of order.

use aposos_formats::obs::iod::{parse_iod_line, read_iod, write_iod_line};
use aposos_formats::obs::json::read_obs_json;
use aposos_formats::obs::tdm::{read_tdm_kvn, write_tdm_kvn};
use aposos_formats::obs::{detect_obs_format, read_observations, ObsFormat};
use aposos_formats::Epoch;

const SEESAT: &str = include_str!("data/iod/seesat_8305_2003-11-20.iod");

#[test]
fn multibyte_text_never_panics() {
    let text = "123456789012345é6789abcdefghijk\n";
    let _ = detect_obs_format(text);
    let _ = read_observations("x", text);
    let mut o = read_iod("s", SEESAT).observations.remove(0).1;
    o.object_id = Some("2020-00éA".into());
    assert!(write_iod_line(&o).is_err());
    o.object_id = Some("1956-001A".into());
    assert!(
        write_iod_line(&o)
            .unwrap_err()
            .to_string()
            .contains("1957-2056"),
        "a two-digit year would read back as 2056"
    );
}

#[test]
fn iod_designators_are_complete() {
    let good = SEESAT.lines().next().unwrap();
    let no_piece = good.replacen("95 015A  ", "95 015   ", 1);
    assert!(parse_iod_line(&no_piece)
        .unwrap_err()
        .to_string()
        .contains("piece"));
    let signed = good.replacen("95 015A", "+5 015A", 1);
    assert!(parse_iod_line(&signed)
        .unwrap_err()
        .to_string()
        .contains("launch year"));
    // A file may open with a station status report.
    let text = format!("                8305 O 20031120\n{SEESAT}");
    assert_eq!(detect_obs_format(&text), Some(ObsFormat::Iod));
}

#[test]
fn tdm_keeps_magnitude_uncertainty_and_designator() {
    let json = r#"[{"station": "pk-islamabad", "norad": 25544, "object_id": "1998-067A", "time_utc": "2026-11-30T18:00:00Z",
                   "ra_deg": 10.5, "dec_deg": -3.25, "mag": 2.5, "mag_sigma": 0.25, "angle_sigma_arcsec": 0.0}]"#;
    let obs: Vec<_> = read_obs_json("j", json)
        .observations
        .into_iter()
        .map(|(_, o)| o)
        .collect();
    assert_eq!(obs.len(), 1);
    let text = write_tdm_kvn(&obs, "T", Epoch::parse_iso("2026-12-01").unwrap()).unwrap();
    let back: Vec<_> = read_tdm_kvn("t", &text)
        .observations
        .into_iter()
        .map(|(_, o)| o)
        .collect();
    assert_eq!(back, obs, "{text}");
    assert!(
        read_obs_json("j", &json.replace("1998-067A", "ISS")).errors[0]
            .to_string()
            .contains("object_id")
    );
}

#[test]
fn tdm_blocks_out_of_order_refuse_their_data() {
    let text = "CCSDS_TDM_VERS = 2.0\nDATA_START\nANGLE_1 = 2026-11-30T18:00:00 10\nANGLE_2 = 2026-11-30T18:00:00 20\nDATA_STOP\n";
    let r = read_tdm_kvn("t", text);
    assert!(r.observations.is_empty());
    assert!(r
        .errors
        .iter()
        .any(|e| e.to_string().contains("DATA_START")));
    let bad_object = "CCSDS_TDM_VERS = 2.0\nMETA_START\nTIME_SYSTEM = UTC\nPARTICIPANT_1 = pk\nPARTICIPANT_2 = ISS\nANGLE_TYPE = AZEL\nMETA_STOP\nDATA_START\nANGLE_1 = 2026-11-30T18:00:00 10\nANGLE_2 = 2026-11-30T18:00:00 20\nDATA_STOP\n";
    let r = read_tdm_kvn("t", bad_object);
    assert!(r.observations.is_empty());
    assert!(
        r.errors[0].to_string().contains("PARTICIPANT_2"),
        "{:?}",
        r.errors
    );
}
