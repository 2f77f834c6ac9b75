//! Fuzzes the IOD observation reader: it never panics, and whatever it accepts is
//! written back to a line that reads to the same observation and writes identically.
#![no_main]

use aposos_formats::obs::iod::{parse_iod_line, read_iod, write_iod_line};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let read = read_iod("fuzz", &text);
    for (_, obs) in &read.observations {
        if let Ok(line) = write_iod_line(obs) {
            let back = parse_iod_line(&line).expect("a written line reads").expect("with a position");
            assert_eq!(write_iod_line(&back).ok().as_deref(), Some(line.as_str()));
        }
    }
});
