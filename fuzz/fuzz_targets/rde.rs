//! Fuzzes the RDE report reader: it never panics, and whatever it accepts is written to
//! reports that read back without error to observations that write identically.
#![no_main]

use aposos_formats::obs::rde::{read_rde, write_rde};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let read = read_rde("fuzz", &text);
    let obs: Vec<_> = read.observations.into_iter().map(|(_, o)| o).collect();
    if let Ok(written) = write_rde(&obs) {
        let back = read_rde("again", &written);
        assert!(back.errors.is_empty(), "{:?}\n{written}", back.errors);
        assert_eq!(back.observations.len(), obs.len());
        let again: Vec<_> = back.observations.into_iter().map(|(_, o)| o).collect();
        assert_eq!(write_rde(&again).ok().as_deref(), Some(written.as_str()));
    }
});
