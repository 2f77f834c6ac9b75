//! The RDE format: real reports (the satobs.org format page's example, R. D. Eberst's
//! reports; see tests/data/README.md) decoded with values worked out by hand from the
//! column table, errors naming their lines and columns, and round trips.

use aposos_formats::obs::rde::{read_rde, write_rde};
use aposos_formats::obs::uk::piece_letters;
use aposos_formats::obs::{
    detect_obs_format, read_observations, Angles, ObsFormat, Observation, RaDecFrame,
};
use aposos_formats::Epoch;

fn radec(o: &Observation) -> (f64, f64, RaDecFrame) {
    match o.angles {
        Angles::RaDec {
            ra_deg,
            dec_deg,
            frame,
        } => (ra_deg, dec_deg, frame),
        Angles::AzEl { .. } => panic!("RA/Dec expected"),
    }
}

#[test]
fn the_format_page_example_decodes_by_hand() {
    let text = include_str!("data/rde/satobs_example.rde");
    assert_eq!(detect_obs_format(text), Some(ObsFormat::Rde));
    let r = read_rde("ex.rde", text);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    // No 999 at the end of the page's example: kept, with a warning.
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    let (line, o) = &r.observations[0];
    assert_eq!(*line, 3);
    // Header 2420 0405 0.211 1204: station 2420, 2004-05, 0.2 s, format 1, 120", B1950.
    assert_eq!(o.station, "2420");
    assert_eq!(o.object_id.as_deref(), Some("2004-012C"));
    assert_eq!(o.time, Epoch::parse_iso("2004-05-05T20:57:44.76").unwrap());
    assert_eq!(o.time_sigma_s, Some(0.2));
    assert!((o.angle_sigma_deg.unwrap() - 120.0 / 3600.0).abs() < 1e-15);
    // RA 18h55m44s = 283.933333°, Dec +32°46'06" = 32.768333°.
    let (ra, dec, frame) = radec(o);
    assert!((ra - (283.0 + 14.0 / 15.0)).abs() < 1e-9, "{ra}");
    assert!(
        (dec - (32.0 + 46.0 / 60.0 + 6.0 / 3600.0)).abs() < 1e-9,
        "{dec}"
    );
    assert_eq!(frame, RaDecFrame::Equinox(1950.0));
    assert_eq!(o.mag, Some(4.0));
}

#[test]
fn day_lines_set_the_date_of_what_follows() {
    let (f, r) = read_observations("s.rde", include_str!("data/rde/eberst_2420_2003-09.rde"));
    assert_eq!(f, Some(ObsFormat::Rde));
    assert!(r.errors.is_empty() && r.warnings.is_empty(), "{r:?}");
    assert_eq!(r.observations.len(), 6);
    assert_eq!(
        r.observations[1].1.time,
        Epoch::parse_iso("2003-09-03T19:58:53.74").unwrap()
    );
    let (line, o) = &r.observations[2];
    assert_eq!(*line, 6);
    assert_eq!(o.time, Epoch::parse_iso("2003-09-04T01:55:19.00").unwrap());
    assert_eq!(o.object_id.as_deref(), Some("1977-044A"));
    let (ra, dec, _) = radec(o);
    // 212317+765245: RA 21h23m17s, Dec +76°52'45".
    assert!((ra - (21.0 + 23.0 / 60.0 + 17.0 / 3600.0) * 15.0).abs() < 1e-9);
    assert!((dec - (76.0 + 52.0 / 60.0 + 45.0 / 3600.0)).abs() < 1e-9);
    assert_eq!(o.mag, Some(6.3));
}

#[test]
fn an_email_report_reads_with_its_text_skipped() {
    let text = include_str!("data/rde/eberst_2420_2014-04-05_email.rde");
    assert_eq!(detect_obs_format(text), Some(ObsFormat::Rde));
    let r = read_rde("mail.rde", text);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.observations.len(), 23);
    // The signature after 999 is skipped with one warning naming its first line.
    assert_eq!(r.warnings.len(), 1);
    assert_eq!(r.warnings[0].line, Some(30));
    let o = &r.observations[7].1;
    // 1307214 025805.14: 2013-072 piece 14 = P (no I, no O).
    assert_eq!(o.object_id.as_deref(), Some("2013-072P"));
    assert_eq!(o.time, Epoch::parse_iso("2014-04-05T02:58:05.14").unwrap());
    assert_eq!(o.mag, Some(0.5));
}

#[test]
fn errors_name_their_columns_and_keep_the_rest() {
    let good = "9704801 022248.08 235222+740755 7.2 7.2 0 S";
    let cases = [
        (
            good.replace("235222", "236222"),
            "right ascension (columns 19-24)",
        ),
        (
            good.replace("+740755", "+746755"),
            "declination (columns 26-31)",
        ),
        (
            good.replace("022248.08", "022248x08"),
            "time (columns 9-17)",
        ),
        (
            good.replace(" 7.2 7.2", " 7.2 x.2"),
            "magnitude (columns 36-39)",
        ),
        (good.replace("0 S", "0 Q"), "remark (columns 43-43)"),
        (
            good.replace("9704801", "97048O1"),
            "international designator (columns 1-7)",
        ),
        (good[..25].to_string(), "line (columns 1-31)"),
    ];
    for (line, field) in cases {
        let text = format!("2420 1404 0.211 1204\n05\n{good}\n{line}\n{good}\n999\n");
        let r = read_rde("bad.rde", &text);
        assert_eq!(r.observations.len(), 2, "{line}");
        assert_eq!(r.errors.len(), 1, "{line}");
        let e = r.errors[0].to_string();
        assert!(e.starts_with("bad.rde:4:") && e.contains(field), "{e}");
    }
    // Header errors refuse the whole report and name the header's column.
    for (header, field) in [
        ("2420 1404 0.211 1200", "epoch (columns 20-20)"),
        ("2420 1404 0.212 1204", "position format (columns 15-15)"),
        ("2420 1413 0.211 1204", "year and month (columns 6-9)"),
    ] {
        let r = read_rde("h.rde", &format!("{header}\n05\n{good}\n999\n"));
        assert!(r.observations.is_empty(), "{header}");
        assert!(
            r.errors
                .iter()
                .any(|e| e.to_string().starts_with("h.rde:1:") && e.to_string().contains(field)),
            "{:?}",
            r.errors
        );
    }
    // A day that the month does not have, and observations before any day line.
    let r = read_rde("d.rde", &format!("2420 1402 0.211 1204\n30\n{good}\n999\n"));
    assert!(r.observations.is_empty() && r.errors.len() == 1, "{r:?}");
    let r = read_rde("d.rde", &format!("2420 1404 0.211 1204\n{good}\n999\n"));
    assert!(
        r.errors[0].to_string().contains("day line"),
        "{:?}",
        r.errors
    );
    // An observation line outside any report is an error, not skipped text.
    let r = read_rde("o.rde", &format!("{good}\n"));
    assert!(r.errors[0].to_string().contains("header"), "{:?}", r.errors);
}

fn sample(n: usize, per_obs_sigmas: bool) -> Vec<Observation> {
    let mut x = 987654321u64;
    let mut next = || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    let start = Epoch::parse_iso("2026-11-20T00:00:00").unwrap();
    (0..n)
        .map(|i| Observation {
            station: ["9701", "9702", "2420"][i % 3].to_string(),
            norad_cat_id: None,
            object_id: Some(format!(
                "{}-{:03}{}",
                1957 + i % 100,
                1 + i % 999,
                piece_letters(1 + (i % 99) as u32)
            )),
            time: start.add_ns((next() * 20.0 * 86_400e9) as i64),
            time_sigma_s: Some(if per_obs_sigmas { 0.1 + next() } else { 0.2 }),
            angles: Angles::RaDec {
                ra_deg: next() * 360.0,
                dec_deg: next() * 180.0 - 90.0,
                frame: if i % 7 == 0 {
                    RaDecFrame::Equinox(1950.0)
                } else {
                    RaDecFrame::J2000
                },
            },
            angle_sigma_deg: Some(
                if per_obs_sigmas {
                    1.0 + next() * 200.0
                } else {
                    2.0
                } / 3600.0,
            ),
            mag: Some(next() * 12.0 - 1.5),
            mag_sigma: None,
            tracklet_id: None,
            iod: None,
            provenance: None,
        })
        .collect()
}

fn key(o: &Observation) -> (String, i64, Option<String>) {
    (
        o.station.clone(),
        o.time.ns_since_1950(),
        o.object_id.clone(),
    )
}

#[test]
fn round_trips_keep_every_value_to_the_format_precision() {
    for per_obs in [false, true] {
        let mut obs = sample(3000, per_obs);
        let text = write_rde(&obs).expect("write");
        let r = read_rde("rt.rde", &text);
        assert!(
            r.errors.is_empty() && r.warnings.is_empty(),
            "{:?}",
            r.errors.first()
        );
        assert_eq!(r.observations.len(), obs.len());
        let mut back: Vec<Observation> = r.observations.into_iter().map(|(_, o)| o).collect();
        // Reports come in time order within each header: compare by time.
        obs.sort_by_key(|o| {
            (
                o.station.clone(),
                (o.time.ns_since_1950() + 5_000_000) / 10_000_000,
            )
        });
        back.sort_by_key(|o| (o.station.clone(), o.time.ns_since_1950() / 10_000_000));
        for (g, o) in back.iter().zip(&obs) {
            assert_eq!(
                (&g.object_id, &g.station),
                (&o.object_id, &o.station),
                "{:?}",
                key(o)
            );
            assert!((g.time.ns_since_1950() - o.time.ns_since_1950()).abs() <= 5_000_000);
            let ((a, b, fg), (c, d, fo)) = (radec(g), radec(o));
            assert_eq!(fg, fo);
            // RA to the second of time, Dec to the arcsecond.
            let dra = ((a - c + 540.0) % 360.0 - 180.0).abs() * 240.0;
            assert!(dra <= 0.5 + 1e-6, "{dra} s of RA");
            assert!((b - d).abs() * 3600.0 <= 0.5 + 1e-6);
            let ts = o.time_sigma_s.unwrap();
            assert!((g.time_sigma_s.unwrap() - ts.max(0.1)).abs() <= 0.05 + 1e-9);
            assert!(
                (g.angle_sigma_deg.unwrap() - o.angle_sigma_deg.unwrap()).abs() * 3600.0
                    <= 0.5 + 1e-9
            );
            assert!((g.mag.unwrap() - o.mag.unwrap()).abs() <= 0.05 + 1e-9);
        }
        // Written again, the text is the same.
        assert_eq!(write_rde(&back).expect("rewrite"), text);
    }
}

#[test]
fn a_report_per_station_month_and_epoch_with_day_lines() {
    let obs = sample(600, false);
    let text = write_rde(&obs).unwrap();
    let headers: Vec<&str> = text.lines().filter(|l| l.len() == 20).collect();
    // Three stations, two months (Nov and Dec 2026), two chart epochs.
    assert_eq!(headers.len(), 3 * 2 * 2, "{headers:?}");
    assert_eq!(text.lines().filter(|l| *l == "999").count(), headers.len());
    assert!(headers.contains(&"9701 2611 0.211   25"), "{headers:?}");
    assert!(headers.contains(&"2420 2612 0.211   24"), "{headers:?}");
    // Day lines: every observation line follows a day line of its report.
    assert!(text.lines().filter(|l| l.len() == 2).count() >= 12);
    // Az/El and objects without a designator are refused with the field named.
    let mut bad = obs[0].clone();
    bad.angles = Angles::AzEl {
        az_deg: 1.0,
        el_deg: 2.0,
    };
    assert!(write_rde(&[bad])
        .unwrap_err()
        .to_string()
        .contains("RA/Dec"));
    let mut bad = obs[0].clone();
    bad.object_id = None;
    assert!(write_rde(&[bad])
        .unwrap_err()
        .to_string()
        .contains("international designator"));
}
