//! Fuzzes the omm_csv reader and the round trip of what it accepts.
#![no_main]

mod common;

use aposos_formats::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    common::check(&text, Format::OmmCsv);
});
