//! Reads every element set of Vallado's SGP4 verification file `SGP4-VER.TLE`.

use aposos_formats::{parse_tle_at, write_tle, SourcePos, TleOptions};

const VER: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/data/SGP4-VER.TLE"
));

/// (line number of line 1, line 1, line 2 cut to 69 columns).
fn vallado_pairs() -> Vec<(usize, String, String)> {
    let lines: Vec<(usize, &str)> = VER
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .collect();
    assert_eq!(lines.len() % 2, 0, "TLE lines come in pairs");
    lines
        .chunks(2)
        .map(|pair| {
            let (n1, l1) = pair[0];
            let (_, l2) = pair[1];
            let cut = |l: &str| l.get(..69).unwrap_or(l).to_string();
            (n1, cut(l1), cut(l2))
        })
        .collect()
}

#[test]
fn reads_every_vallado_tle() {
    let pairs = vallado_pairs();
    assert_eq!(pairs.len(), 33);
    let mut strict_ok = 0;
    let mut needed_lenient = Vec::new();
    for (n, l1, l2) in &pairs {
        let pos = SourcePos::new("SGP4-VER.TLE", Some(*n));
        match parse_tle_at(None, l1, l2, &TleOptions::default(), &pos) {
            Ok((_, w)) => {
                assert!(w.is_empty());
                strict_ok += 1;
            }
            Err(e) => {
                let (_, w) = parse_tle_at(None, l1, l2, &TleOptions { lenient: true }, &pos)
                    .unwrap_or_else(|e2| panic!("not even lenient: {e2} (strict: {e})"));
                assert!(!w.is_empty());
                assert!(e.field.contains("checksum"), "{e}");
                assert!(l1.starts_with("1 3333"), "{e}");
                needed_lenient.push(e.to_string());
            }
        }
    }
    for e in &needed_lenient {
        println!("needs lenient: {e}");
    }
    println!(
        "{strict_ok} read strictly, {} needed lenient",
        needed_lenient.len()
    );
    assert_eq!(strict_ok + needed_lenient.len(), 33);
    assert_eq!(needed_lenient.len(), EXPECTED_LENIENT);
}

/// How many of Vallado's TLEs need lenient mode (see the test output for why).
/// 33333, 33334 and 33335 are copies of other objects' line 1 with the catalog
/// number changed and the checksum left as it was.
const EXPECTED_LENIENT: usize = 3;

#[test]
fn vallado_values_spot_checks() {
    let pairs = vallado_pairs();
    let o = TleOptions { lenient: true };
    // 11801: no international designator, blank ephemeris type.
    let (_, l1, l2) = pairs
        .iter()
        .find(|(_, l1, _)| l1.starts_with("1 11801"))
        .expect("11801 present");
    let (es, _) = aposos_formats::parse_tle(None, l1, l2, &o).expect("11801 reads");
    assert_eq!(es.object_id, None);
    assert_eq!(es.ephemeris_type, 0);
    assert_eq!(es.element_set_no, 1);
    assert_eq!(es.bstar_per_earth_radii, 0.14311e-1);
    assert_eq!(es.epoch.year_day().0, 1980);
    // 16925: negative second derivative.
    let (_, l1, l2) = pairs
        .iter()
        .find(|(_, l1, _)| l1.starts_with("1 16925"))
        .expect("16925 present");
    let (es, _) = aposos_formats::parse_tle(None, l1, l2, &o).expect("16925 reads");
    assert_eq!(es.mean_motion_ddot_rev_per_day3, -0.30915e-6);
    assert_eq!(es.object_id.as_deref(), Some("1986-065D"));
}

/// Vallado's TLEs written back: those already in canonical form are byte-identical;
/// the others differ only where canonical formatting differs or a checksum was wrong (`00000-0` → `00000+0`,
/// a blank ephemeris type → `0`, `13519-0` → `13519+0`) and read back to the same values.
#[test]
fn vallado_round_trip() {
    let o = TleOptions { lenient: true };
    let mut identical = 0;
    for (_, l1, l2) in vallado_pairs() {
        let (es, _) = aposos_formats::parse_tle(None, &l1, &l2, &o).expect("reads");
        let [w1, w2] = write_tle(&es).expect("writes");
        let (back, w) = aposos_formats::parse_tle(None, &w1, &w2, &TleOptions::default())
            .expect("written TLE reads strictly");
        assert!(w.is_empty());
        assert_eq!(back, es);
        assert_eq!(
            write_tle(&back).expect("writes again"),
            [w1.clone(), w2.clone()]
        );
        if w1 == l1 && w2 == l2 {
            identical += 1;
        } else {
            let canonical1 = l1.get(..68).unwrap_or("").replace("00000-0", "00000+0");
            let canonical1 = canonical1.replace("14311-1      1", "14311-1 0    1");
            let canonical1 = canonical1.replace("13519-0", "13519+0");
            assert_eq!(w1.get(..68), Some(canonical1.as_str()), "{l1}\n{w1}");
            // 33333-33335 also carry stale checksums on line 2.
            assert_eq!(w2.get(..68), l2.get(..68));
        }
    }
    println!("{identical} of 33 Vallado TLEs written back byte-identical");
    assert_eq!(identical, 8);
}
