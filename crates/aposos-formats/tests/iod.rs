//! The IOD reader and writer against the format description's own examples (values
//! worked out by hand from G. D. Lewis's description), real observations posted to
//! SeeSat-L, refusals with their line and columns, and round trips in every angle format.

use aposos_formats::obs::iod::{parse_iod_line, read_iod, write_iod_line};
use aposos_formats::obs::{Angles, Observation, RaDecFrame};
use aposos_formats::Epoch;

const LEWIS: &str = include_str!("data/iod/lewis_examples.iod");
const SEESAT: &str = include_str!("data/iod/seesat_8305_2003-11-20.iod");

fn radec(o: &Observation) -> (f64, f64, RaDecFrame) {
    match o.angles {
        Angles::RaDec {
            ra_deg,
            dec_deg,
            frame,
        } => (ra_deg, dec_deg, frame),
        Angles::AzEl { .. } => panic!("expected RA/Dec"),
    }
}

fn close(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() < 1e-9, "{what}: {a} vs {b}");
}

#[test]
fn the_format_descriptions_examples() {
    let read = read_iod("lewis_examples.iod", LEWIS);
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    assert_eq!(read.observations.len(), 4);
    assert_eq!(
        read.warnings.len(),
        5,
        "3 brightness-only records and 2 station reports are skipped"
    );
    let o = |i: usize| &read.observations[i].1;

    // Line 1: angle format 1 (HHMMSSs+DDMMSS), B1950, full precision.
    let a = o(0);
    assert_eq!(read.observations[0].0, 1);
    assert_eq!(
        (a.norad_cat_id, a.object_id.as_deref(), a.station.as_str()),
        (Some(12345), Some("1998-123A"), "2007")
    );
    assert_eq!(a.time, Epoch::parse_iso("2008-11-22T11:22:33.444").unwrap());
    close(a.time_sigma_s.unwrap(), 0.05, "5 x 10^(6-8) s");
    let (ra, dec, frame) = radec(a);
    close(
        ra,
        (11.0 + 22.0 / 60.0 + 33.4 / 3600.0) * 15.0,
        "RA 11h22m33.4s",
    );
    close(dec, 11.0 + 22.0 / 60.0 + 33.0 / 3600.0, "Dec +11d22m33s");
    assert_eq!(frame, RaDecFrame::Equinox(1950.0));
    close(a.angle_sigma_deg.unwrap(), 30.0 / 3600.0, "3 x 10^1 arcsec");
    let codes = a.iod.unwrap();
    assert_eq!(
        (
            codes.station_status,
            codes.angle_format,
            codes.epoch_code,
            codes.behaviour
        ),
        ('G', 1, 4, Some('S'))
    );
    assert_eq!(a.mag, None);

    // Line 2: angle format 2 truncated to minutes, J2000, magnitude +5 with uncertainty 1.
    let b = o(1);
    assert_eq!(b.time, Epoch::parse_iso("2008-11-22T11:22:33.44").unwrap());
    let (ra, dec, frame) = radec(b);
    close(ra, (11.0 + 22.0 / 60.0) * 15.0, "RA 11h22.000m");
    close(dec, 11.0 + 22.0 / 60.0, "Dec 11d22.00m");
    assert_eq!(frame, RaDecFrame::J2000);
    close(b.angle_sigma_deg.unwrap(), 2.0 / 60.0, "2 x 10^0 arcmin");
    assert_eq!((b.mag, b.mag_sigma), (Some(5.0), Some(1.0)));

    // Line 3: angle format 3 (HHMMmmm+DDdddd) truncated.
    let c = o(2);
    close(c.time_sigma_s.unwrap(), 0.2, "2 x 10^(7-8) s");
    let (ra, dec, _) = radec(c);
    close(ra, (11.0 + 22.3 / 60.0) * 15.0, "RA 11h22.3m");
    close(dec, 11.2, "Dec 11.2 deg");
    close(c.angle_sigma_deg.unwrap(), 0.2, "2 x 10^-1 deg");
    assert_eq!((c.mag, c.mag_sigma), (Some(7.0), Some(1.0)));

    // Line 4: angle format 7 (HHMMSSs+DDdddd), three-letter piece.
    let d = o(3);
    assert_eq!(d.object_id.as_deref(), Some("1998-123LEO"));
    close(d.time_sigma_s.unwrap(), 1.0, "1 x 10^0 s");
    let (ra, dec, _) = radec(d);
    close(ra, (11.0 + 22.0 / 60.0 + 33.4 / 3600.0) * 15.0, "RA");
    close(dec, 11.2222, "Dec");
    close(d.angle_sigma_deg.unwrap(), 0.03, "3 x 10^-2 deg");
    assert_eq!(d.mag, Some(11.0));
}

#[test]
fn real_observations_from_seesat() {
    let read = read_iod("seesat", SEESAT);
    assert!(read.errors.is_empty() && read.warnings.is_empty());
    assert_eq!(read.observations.len(), 8);
    let first = &read.observations[0].1;
    let (ra, dec, frame) = radec(first);
    close(ra, (20.0 + 27.142 / 60.0) * 15.0, "RA 20h27.142m");
    close(dec, -28.9077, "Dec -28.9077");
    assert_eq!(frame, RaDecFrame::J2000);
    assert_eq!(
        first.time,
        Epoch::parse_iso("2003-11-20T01:10:47.590").unwrap()
    );
    close(first.angle_sigma_deg.unwrap(), 0.02, "2 x 10^-2 deg");
    assert_eq!(
        read.observations[5].1.object_id.as_deref(),
        Some("1975-043A")
    );
    // Full-precision lines are written back byte for byte.
    for (line_no, o) in &read.observations {
        let original = SEESAT.lines().nth(line_no - 1).unwrap();
        assert_eq!(write_iod_line(o).unwrap(), original);
    }
    let lewis = read_iod("lewis", LEWIS);
    assert_eq!(
        write_iod_line(&lewis.observations[0].1).unwrap(),
        LEWIS.lines().next().unwrap()
    );
}

#[test]
fn bad_records_are_refused_with_line_and_columns() {
    let good = SEESAT.lines().next().unwrap();
    let with = |col: usize, text: &str| {
        let mut s = good.to_string();
        s.replace_range(col - 1..col - 1 + text.len(), text);
        s
    };
    let cases = [
        (with(28, "13"), "date and time (columns 24-40)"),
        (with(45, "8"), "angle format code (columns 45-45)"),
        (with(46, "9"), "epoch code (columns 46-46)"),
        (with(17, "83A5"), "station number (columns 17-20)"),
        (with(50, "7"), "first angle (columns 48-54)"),
        (with(55, "*"), "sign of the second angle (columns 55-55)"),
        (with(56, "91"), "second angle (columns 56-61)"),
        (with(22, "Q"), "station status (columns 22-22)"),
        (with(1, "2A5X3"), "catalog number (columns 1-5)"),
        (with(63, "2x"), "positional uncertainty (columns 63-64)"),
        (format!("{good:<80}extra"), "line (columns 81-"),
        (good.replace('G', "É"), "line (columns 1-80)"),
    ];
    let text: String = cases
        .iter()
        .map(|(l, _)| format!("{l}\n"))
        .collect::<String>()
        + good
        + "\n";
    let read = read_iod("bad.iod", &text);
    assert_eq!(read.observations.len(), 1, "the good line survives");
    assert_eq!(read.observations[0].0, cases.len() + 1);
    assert_eq!(read.errors.len(), cases.len());
    for (i, ((_, field), e)) in cases.iter().zip(&read.errors).enumerate() {
        let msg = e.to_string();
        assert!(
            msg.starts_with(&format!("bad.iod:{}: field {field}", i + 1)),
            "{msg}"
        );
    }
}

/// A small deterministic generator (no dependency).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn round_trips_in_every_angle_format() {
    // Resolution of (first, second) angle per format, degrees.
    let res = [
        (1u8, 15.0 * 0.1 / 3600.0, 1.0 / 3600.0),
        (2, 15.0 * 0.001 / 60.0, 0.01 / 60.0),
        (3, 15.0 * 0.001 / 60.0, 1e-4),
        (4, 1.0 / 3600.0, 1.0 / 3600.0),
        (5, 0.01 / 60.0, 0.01 / 60.0),
        (6, 1e-4, 1e-4),
        (7, 15.0 * 0.1 / 3600.0, 1e-4),
    ];
    let mut rng = Lcg(7);
    let base = Epoch::parse_iso("2026-11-30T18:00:00").unwrap();
    for (code, r1, r2) in res {
        for _ in 0..2000 {
            let a = rng.next() * 359.99;
            let b = if (4..=6).contains(&code) {
                rng.next() * 90.0
            } else {
                rng.next() * 179.9 - 89.95
            };
            let angles = if (4..=6).contains(&code) {
                Angles::AzEl {
                    az_deg: a,
                    el_deg: b,
                }
            } else {
                Angles::RaDec {
                    ra_deg: a,
                    dec_deg: b,
                    frame: RaDecFrame::J2000,
                }
            };
            let o = Observation {
                station: "4171".into(),
                norad_cat_id: Some(25544),
                object_id: Some("1998-067A".into()),
                time: base.add_ns((rng.next() * 3.6e12) as i64 / 1_000_000 * 1_000_000),
                time_sigma_s: Some(0.01),
                angles,
                angle_sigma_deg: Some(2.0 / 3600.0),
                mag: Some(rng.next() * 12.0 - 2.0),
                mag_sigma: Some(0.3),
                tracklet_id: None,
                iod: Some(aposos_formats::obs::IodCodes {
                    station_status: 'E',
                    angle_format: code,
                    epoch_code: if (4..=6).contains(&code) { 0 } else { 5 },
                    behaviour: Some('S'),
                    flash_period_s: None,
                }),
                provenance: None,
            };
            let line = write_iod_line(&o).unwrap();
            assert!(line.len() <= 80, "{line}");
            let back = parse_iod_line(&line).unwrap().unwrap();
            assert_eq!(back.time, o.time);
            let ((a0, b0), (a1, b1)) = match (o.angles, back.angles) {
                (
                    Angles::RaDec {
                        ra_deg, dec_deg, ..
                    },
                    Angles::RaDec {
                        ra_deg: r,
                        dec_deg: d,
                        ..
                    },
                ) => ((ra_deg, dec_deg), (r, d)),
                (
                    Angles::AzEl { az_deg, el_deg },
                    Angles::AzEl {
                        az_deg: z,
                        el_deg: e,
                    },
                ) => ((az_deg, el_deg), (z, e)),
                _ => panic!("angle kind changed: {line}"),
            };
            let da = (a0 - a1 + 180.0).rem_euclid(360.0) - 180.0;
            assert!(
                da.abs() <= r1 / 2.0 + 1e-9,
                "format {code}: first angle {a0} -> {a1} ({line})"
            );
            assert!(
                (b0 - b1).abs() <= r2 / 2.0 + 1e-9,
                "format {code}: second angle {b0} -> {b1} ({line})"
            );
            assert!((back.mag.unwrap() - o.mag.unwrap()).abs() <= 0.05 + 1e-9);
            // Writing what was read gives the same line.
            assert_eq!(write_iod_line(&back).unwrap(), line);
        }
    }
}

#[test]
fn what_iod_cannot_carry_is_refused_on_writing() {
    let mut o = read_iod("s", SEESAT).observations.remove(0).1;
    o.station = "pk-islamabad".into();
    assert!(write_iod_line(&o)
        .unwrap_err()
        .to_string()
        .contains("4-digit station"));
    o.station = "8305".into();
    o.norad_cat_id = None;
    assert!(write_iod_line(&o).is_err());
}
