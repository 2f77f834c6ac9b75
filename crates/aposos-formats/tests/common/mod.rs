//! Shared by the integration tests of `aposos-formats`.
#![allow(dead_code)]

/// Canonical 3LEs written by hand: Alpha-5 numbers, negative ndot, nddot and B*,
/// classifications U/C/S, 1- to 3-letter pieces, no designator, epochs from 1957
/// to 2056, day 366, eccentricity limits, blank-padded revolution numbers.
pub const HANDWRITTEN: &str = "\
ISS (ZARYA)             
1 25544U 98067A   08264.51782528 -.00002182  00000+0 -11606-4 0  2926
2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537
ALPHA5 FIRST            
1 A0001U 26001A   26001.00000000  .00001234  12345-5  98765-4 0  9998
2 A0001  97.5000   0.0000 0000001   0.0000 359.9999 15.00000000    15
ALPHA5 LAST             
1 Z9999C 25999ZZZ 24366.99999999 -.99999999 -99999-9 -10000+9 4 99994
2 Z9999 180.0000 360.0000 9999999 360.0000   0.0001  0.00010000 99996
SECRET DEBRIS           
1 J1234S 57001A   57275.81250000  .00000000  00000+0  00000+0 0    17
2 J1234   0.0000   0.0001 5000000  90.0000 180.0000  2.00561654  1231
NO DESIGNATOR           
1 99999U          56365.50000000 -.00000001  10000-9  55555+5 0   100
2 99999  63.4000 123.4567 7000000 270.0000  10.0000  2.00600000    03
PLAIN                   
1 00005U 58002B   00179.78495062  .00000023  00000+0  28098-4 0  4752
2 00005  34.2682 348.7242 1859667 331.7664  19.3264 10.82419157413667
";

/// The real CelesTrak catalog (`active.txt`) named by `$APOSOS_ACTIVE_TLE`, as
/// `(path, text)`. When the variable is unset, prints a note and returns `None`,
/// except under `CI=true` (set by CI, where `scripts/test` provides the file),
/// where it panics: the real-catalog tests must not be skipped silently there.
/// There is no fallback path.
pub fn active_catalog(test: &str) -> Option<(String, String)> {
    let Ok(path) = std::env::var("APOSOS_ACTIVE_TLE") else {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(
            !ci,
            "{test}: CI=true but APOSOS_ACTIVE_TLE is not set (scripts/test sets it)"
        );
        println!("note: APOSOS_ACTIVE_TLE is not set; {test} skipped");
        return None;
    };
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{test}: APOSOS_ACTIVE_TLE={path}: {e}"));
    Some((path, text))
}
