//! Fuzzes the tle reader and the round trip of what it accepts.
#![no_main]

mod common;

use aposos_formats::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    common::check(&text, Format::Tle);
    common::check(&text, Format::ThreeLe);
    // The two-line parser on its own, on the first two lines of the input.
    let mut lines = text.lines();
    let (l1, l2) = (lines.next().unwrap_or(""), lines.next().unwrap_or(""));
    for lenient in [false, true] {
        let opts = aposos_formats::TleOptions { lenient };
        if let Ok((es, _)) = aposos_formats::parse_tle(Some("X"), l1, l2, &opts) {
            if let Ok([w1, w2]) = aposos_formats::write_tle(&es) {
                let back = aposos_formats::parse_tle(Some("X"), &w1, &w2, &Default::default());
                assert_eq!(back.map(|(b, _)| b).ok(), Some(es));
            }
        }
    }
});
