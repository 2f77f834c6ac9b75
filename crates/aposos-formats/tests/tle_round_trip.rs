//! TLE → ElementSet → TLE round trips: hand-written canonical TLEs (committed) and
//! every object of CelesTrak's `active.txt` when it is available (not committed).

mod common;

use aposos_formats::{parse_tle, write_3le, write_tle, Epoch, TleOptions, WriteError};
use common::HANDWRITTEN;

fn triples(text: &str) -> Vec<[&str; 3]> {
    let lines: Vec<&str> = text.lines().collect();
    lines.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect()
}

#[test]
fn handwritten_round_trip_byte_identical() {
    let objects = triples(HANDWRITTEN);
    assert_eq!(objects.len(), 6);
    for [name, l1, l2] in objects {
        let (es, w) =
            parse_tle(Some(name), l1, l2, &TleOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        assert!(w.is_empty());
        let written = write_3le(&es).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(written, [name.to_string(), l1.to_string(), l2.to_string()]);
    }
}

#[test]
fn handwritten_values() {
    let objects = triples(HANDWRITTEN);
    let read = |i: usize| {
        let [n, a, b] = objects[i];
        parse_tle(Some(n), a, b, &TleOptions::default())
            .unwrap_or_else(|e| panic!("{e}"))
            .0
    };
    let last = read(2);
    assert_eq!(last.norad_cat_id, 339_999);
    assert_eq!(last.classification, 'C');
    assert_eq!(last.object_id.as_deref(), Some("2025-999ZZZ"));
    assert_eq!(last.epoch.to_iso(), "2024-12-31T23:59:59.999136");
    assert_eq!(last.mean_motion_ddot_rev_per_day3, -0.99999e-9);
    assert_eq!(last.bstar_per_earth_radii, -1e8);
    assert_eq!(last.eccentricity, 0.9999999);
    assert_eq!(last.ephemeris_type, 4);
    let secret = read(3);
    assert_eq!(secret.norad_cat_id, 181_234);
    assert_eq!(secret.object_id.as_deref(), Some("1957-001A"));
    assert_eq!(secret.epoch.to_iso(), "1957-10-02T19:30:00.000000");
    let nodes = read(4);
    assert_eq!(nodes.object_id, None);
    assert_eq!(nodes.epoch.to_iso(), "2056-12-30T12:00:00.000000");
}

/// The ISS example of the brief writes zero exponents as `00000-0`; an OMM cannot
/// carry that sign, so the canonical form is `00000+0` (CelesTrak's), and the
/// writer produces it, with the checksum recomputed.
#[test]
fn non_canonical_zero_exponent_becomes_canonical() {
    let l1 = "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927";
    let l2 = "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537";
    let (es, _) = parse_tle(None, l1, l2, &TleOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let [w1, w2] = write_tle(&es).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        w1,
        "1 25544U 98067A   08264.51782528 -.00002182  00000+0 -11606-4 0  2926"
    );
    assert_eq!(w2, l2);
}

#[test]
fn catalog_number_beyond_alpha5_is_a_write_error() {
    let [_, l1, l2] = triples(HANDWRITTEN)[0];
    let (mut es, _) =
        parse_tle(None, l1, l2, &TleOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    es.norad_cat_id = 340_000;
    let err = write_tle(&es).expect_err("too large for a TLE");
    assert!(matches!(
        err,
        WriteError::OutOfRange {
            field: "NORAD_CAT_ID",
            ..
        }
    ));
    assert!(err.to_string().contains("339999"), "{err}");
}

/// OMM epochs with microseconds (CelesTrak rounds TLE epochs to µs) are written
/// to the nearest 1e-8 day, which is the TLE's own epoch.
#[test]
fn microsecond_epochs_round_to_the_tle_step() {
    let [_, l1, l2] = triples(HANDWRITTEN)[0];
    let (mut es, _) =
        parse_tle(None, l1, l2, &TleOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    // 08264.51782528 = 2008-09-20T12:25:40.104192 exactly; shift by less than half a step.
    for shift_ns in [-431_999, -1000, 0, 1000, 431_999] {
        let mut shifted = es.clone();
        shifted.epoch = es.epoch.add_ns(shift_ns);
        assert_eq!(write_tle(&shifted).unwrap_or_else(|e| panic!("{e}"))[0], l1);
    }
    // Rounding across the end of a year.
    es.epoch = Epoch::parse_iso("2024-12-31T23:59:59.9999").unwrap_or_else(|e| panic!("{e}"));
    let [w1, _] = write_tle(&es).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(w1.get(18..32), Some("25001.00000000"));
}

/// Every object of CelesTrak's active catalog (`$APOSOS_ACTIVE_TLE`; required
/// under `CI=true`) reads strictly and writes back byte-identical.
#[test]
fn celestrak_active_round_trip_byte_identical() {
    let Some((path, text)) = common::active_catalog("CelesTrak active.txt round trip") else {
        return;
    };
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len() % 3, 0);
    let mut count = 0;
    for c in lines.chunks_exact(3) {
        let (name, l1, l2) = (c[0], c[1], c[2]);
        let (es, w) =
            parse_tle(Some(name), l1, l2, &TleOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        assert!(w.is_empty());
        let written = write_3le(&es).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(written[0], name.trim_end_matches('\r'));
        assert_eq!(written[1], l1.trim_end_matches('\r'));
        assert_eq!(written[2], l2.trim_end_matches('\r'));
        count += 1;
    }
    println!("{count} objects of {path} round-tripped byte-identical");
    assert!(count > 10_000);
}

/// A line 1 cut to 59 columns, followed by its line 2, is read as a bad line 1:
/// the column-count error names ITS line, not "expected a line 1 before line 2"
/// on the next line; the objects around it are kept.
#[test]
fn truncated_line1_is_reported_on_its_own_line() {
    let good = triples(HANDWRITTEN);
    let [name, l1, l2] = good[0];
    let [name2, l1b, l2b] = good[1];
    let short = &l1[..59];
    for with_names in [true, false] {
        let text = if with_names {
            format!("{name}\n{short}\n{l2}\n{name2}\n{l1b}\n{l2b}\n")
        } else {
            format!("{short}\n{l2}\n{l1b}\n{l2b}\n")
        };
        let r = aposos_formats::read_elements(
            "cut.tle",
            &text,
            &aposos_formats::ReadOptions::default(),
        );
        assert_eq!(r.elements.len(), 1, "{:?}", r.errors);
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        let e = &r.errors[0];
        let line = if with_names { 2 } else { 1 };
        assert_eq!(e.line, Some(line), "{e}");
        assert_eq!(e.field, "line 1", "{e}");
        assert!(
            e.to_string()
                .contains("expected 69 columns, found 59 columns"),
            "{e}"
        );
    }
}
