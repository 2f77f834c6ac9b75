//! Fuzzes format detection and the multi-object reader, and writing what was
//! read in every format (each written text must read back with no error).
#![no_main]

mod common;

use aposos_formats::{detect_format, read_elements, write_elements, Format, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let detected = detect_format(&text);
    let read = read_elements("fuzz", &text, &ReadOptions { lenient: true });
    if detected.is_some() {
        assert_eq!(read.format, detected);
    }
    for format in Format::ALL {
        if let Ok(written) = write_elements(&read.elements, format) {
            let again = read_elements("written", &written, &ReadOptions::default());
            assert!(
                again.errors.is_empty(),
                "{format}: {:?}\n{written}",
                again.errors.first()
            );
            assert_eq!(again.elements.len(), read.elements.len(), "{format}");
            if !read.elements.is_empty() {
                assert_eq!(
                    again
                        .format
                        .map(|f| f == format || (format == Format::ThreeLe && f == Format::Tle)),
                    Some(true),
                    "{format}"
                );
            }
        }
    }
});
