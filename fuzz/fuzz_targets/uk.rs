//! Fuzzes the UK observation reader: it never panics, and whatever it accepts is
//! written back to a line that reads to an observation that writes identically.
#![no_main]

use aposos_formats::obs::uk::{parse_uk_line, read_uk, write_uk_line};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let read = read_uk("fuzz", &text);
    for (_, obs) in &read.observations {
        if let Ok(line) = write_uk_line(obs) {
            let back = parse_uk_line(&line).expect("a written line reads").expect("an observation");
            assert_eq!(write_uk_line(&back).ok().as_deref(), Some(line.as_str()));
        }
    }
});
