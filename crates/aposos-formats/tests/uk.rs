//! The UK (RGO/OTWG) format: real lines (the satobs.org format page's example, D.
//! Brierley's and G. Lewis's OTWG examples; see tests/data/README.md) decoded with values
//! worked out by hand from the column table, errors naming their columns, and round trips.

use aposos_formats::obs::uk::{piece_letters, piece_number, read_uk, write_uk};
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
    let text = include_str!("data/uk/ukformat_example.uk");
    assert_eq!(detect_obs_format(text), Some(ObsFormat::Uk));
    let r = read_uk("ex.uk", text);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let o = &r.observations[0].1;
    assert_eq!(o.object_id.as_deref(), Some("1997-012A"));
    assert_eq!(o.station, "2018");
    assert_eq!(o.time, Epoch::parse_iso("2003-10-15T20:19:55.42").unwrap());
    assert_eq!(o.time_sigma_s, Some(0.1));
    // Format 2: RA 17h 20.38m = 260.095°, Dec +15° 58.5' = 15.975°, accuracy 1', equinox 2000.
    let (ra, dec, frame) = radec(o);
    assert!(
        (ra - 260.095).abs() < 1e-9 && (dec - 15.975).abs() < 1e-9,
        "{ra} {dec}"
    );
    assert_eq!(frame, RaDecFrame::J2000);
    assert!((o.angle_sigma_deg.unwrap() - 1.0 / 60.0).abs() < 1e-12);
    assert_eq!(o.mag, Some(6.0));
}

#[test]
fn brierley_and_otwg_lines_decode() {
    let (f, r) = read_observations("b.uk", include_str!("data/uk/brierley_2675_2004-05-03.uk"));
    assert_eq!(f, Some(ObsFormat::Uk));
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.observations.len(), 4);
    let o = &r.observations[1].1;
    assert_eq!(o.object_id.as_deref(), Some("2004-014A"));
    assert_eq!(o.time, Epoch::parse_iso("2004-05-03T20:17:10.54").unwrap());
    let (ra, dec, _) = radec(o);
    // RA 10h 24.06m = 156.015°, Dec +41° 27.9' = 41.465°, accuracy 5.0'.
    assert!(
        (ra - 156.015).abs() < 1e-9 && (dec - 41.465).abs() < 1e-9,
        "{ra} {dec}"
    );
    assert!((o.angle_sigma_deg.unwrap() - 5.0 / 60.0).abs() < 1e-12);
    let r = read_uk("o.uk", include_str!("data/uk/otwg_lewis_utility.uk"));
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.observations.len(), 10);
    let o = &r.observations[0].1;
    // 1984-065C, station 9876, 1997-07-06 22:35:29.07; RA 20h 00.54m, Dec +28° 23.9' (B1950).
    assert_eq!(o.object_id.as_deref(), Some("1984-065C"));
    assert_eq!(o.station, "9876");
    assert_eq!(o.time, Epoch::parse_iso("1997-07-06T22:35:29.07").unwrap());
    let (ra, dec, frame) = radec(o);
    assert!((ra - 300.135).abs() < 1e-9 && (dec - (28.0 + 23.9 / 60.0)).abs() < 1e-9);
    assert_eq!(frame, RaDecFrame::Equinox(1950.0));
    let mags: Vec<Option<f64>> = r.observations.iter().map(|(_, o)| o.mag).collect();
    assert_eq!(mags[..4], [Some(6.0), Some(6.0), Some(6.0), Some(-2.0)]);
    let (_, dec, _) = radec(&r.observations[6].1);
    assert!((dec + 24.0 + 27.0 / 60.0).abs() < 1e-9);
}

#[test]
fn errors_name_their_columns_and_keep_the_rest() {
    let good = include_str!("data/uk/ukformat_example.uk")
        .lines()
        .next()
        .unwrap();
    let cases = [
        (
            good.replace("12172038", "12176038"),
            "first angle (columns 35-42)",
        ),
        (good.replace("  5   ", "  0   "), "epoch (columns 55-55)"),
        (
            good.replace(" 12172038", " 17172038"),
            "position format (columns 34-34)",
        ),
        (
            good.replace("2018031015", "2018031315"),
            "date (columns 12-17)",
        ),
        (good[..40].to_string(), "line (columns 1-50)"),
        (good.replace("+6 +8", "+x +8"), "magnitude (columns 69-71)"),
        (
            good.replace("97012012018", "97012012O18"),
            "station number (columns 8-11)",
        ),
    ];
    for (line, field) in cases {
        let text = format!("{good}\n{line}\n{good}\n");
        let r = read_uk("bad.uk", &text);
        assert_eq!(r.observations.len(), 2, "{line}");
        assert_eq!(r.errors.len(), 1, "{line}");
        let e = r.errors[0].to_string();
        assert!(e.starts_with("bad.uk:2:") && e.contains(field), "{e}");
    }
}

#[test]
fn pieces_use_cospar_letters() {
    for (n, l) in [
        (1, "A"),
        (8, "H"),
        (9, "J"),
        (14, "P"),
        (24, "Z"),
        (25, "AA"),
        (601, "AAA"),
    ] {
        assert_eq!(piece_letters(n), l);
        assert_eq!(piece_number(l), Some(n));
    }
    assert_eq!(piece_number("I"), None);
}

#[test]
fn round_trips_keep_every_value_to_the_format_precision() {
    let mut obs = Vec::new();
    let mut x = 12345u64;
    let mut next = || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    for i in 0..5000 {
        let azel = i % 5 == 0;
        let (a, b) = (next() * 360.0, next() * 180.0 - 90.0);
        obs.push(Observation {
            station: format!("{:04}", 1000 + i % 9000),
            norad_cat_id: None,
            object_id: Some(format!(
                "{}-{:03}{}",
                1957 + i % 100,
                1 + i % 999,
                piece_letters(1 + (i % 99) as u32)
            )),
            time: Epoch::from_ns_since_1950(1_500_000_000_000_000_000 + (next() * 1e17) as i64),
            time_sigma_s: Some(0.001 + next()),
            angles: if azel {
                Angles::AzEl {
                    az_deg: a,
                    el_deg: b.abs(),
                }
            } else {
                Angles::RaDec {
                    ra_deg: a,
                    dec_deg: b,
                    frame: RaDecFrame::J2000,
                }
            },
            angle_sigma_deg: Some((1.0 + next() * 100.0) / 3600.0),
            mag: Some(next() * 15.0 - 2.0),
            mag_sigma: None,
            tracklet_id: None,
            iod: None,
            provenance: None,
        });
    }
    let text = write_uk(&obs).expect("write");
    assert!(text.lines().all(|l| l.len() <= 80));
    let r = read_uk("rt.uk", &text);
    assert!(r.errors.is_empty(), "{:?}", r.errors.first());
    assert_eq!(r.observations.len(), obs.len());
    for ((_, g), o) in r.observations.iter().zip(&obs) {
        assert_eq!(g.object_id, o.object_id);
        assert_eq!(g.station, o.station);
        assert!((g.time.ns_since_1950() - o.time.ns_since_1950()).abs() <= 50_000);
        let sep = match (g.angles, o.angles) {
            (
                Angles::RaDec {
                    ra_deg: a,
                    dec_deg: b,
                    ..
                },
                Angles::RaDec {
                    ra_deg: c,
                    dec_deg: d,
                    ..
                },
            )
            | (
                Angles::AzEl {
                    az_deg: a,
                    el_deg: b,
                },
                Angles::AzEl {
                    az_deg: c,
                    el_deg: d,
                },
            ) => {
                let da = ((a - c + 540.0) % 360.0 - 180.0).abs() * d.to_radians().cos();
                da.hypot(b - d) * 3600.0
            }
            _ => panic!("kind changed"),
        };
        assert!(sep < 0.16, "{sep} arcsec");
        assert!(
            (g.angle_sigma_deg.unwrap() - o.angle_sigma_deg.unwrap()).abs() * 3600.0 <= 0.05 + 1e-9
        );
        assert!((g.time_sigma_s.unwrap() - o.time_sigma_s.unwrap()).abs() <= 0.00005 + 1e-12);
        assert!(
            (g.mag.unwrap() - o.mag.unwrap()).abs() <= 0.05 + 1e-9,
            "{:?} {:?}",
            g.mag,
            o.mag
        );
    }
}
