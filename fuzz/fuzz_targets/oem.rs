//! Fuzzes the OEM reader: it never panics, and what it accepts is written back and read
//! again without errors, with the same segments and states.
#![no_main]

use aposos_formats::oem::{read_oem, write_oem};
use aposos_formats::Epoch;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (segments, _errors) = read_oem("fuzz", &text);
    let kept: Vec<_> = segments.into_iter().filter(|s| !s.states.is_empty()).collect();
    if kept.is_empty() {
        return;
    }
    let created = Epoch::parse_iso("2026-01-01T00:00:00").expect("epoch");
    let written = write_oem(&kept, "FUZZ", created);
    let (again, errors) = read_oem("written", &written);
    assert!(errors.is_empty(), "written OEM does not read back: {:?}\n{written}", errors.first());
    assert_eq!(again.len(), kept.len(), "{written}");
    for (a, b) in again.iter().zip(&kept) {
        assert_eq!(a.states.len(), b.states.len(), "{written}");
        assert_eq!(a.covariances.len(), b.covariances.len(), "{written}");
    }
});
