//! Every input that once crashed a fuzz target (`tests/data/fuzz-regressions/<target>/`)
//! is fed to every reader, strict and lenient: none may panic, every error must say
//! what it expected, and whatever was accepted must be written back and read again
//! to the same values.

use std::path::Path;

use aposos_formats::{
    parse_tle, read_as, read_elements, write_elements, write_tle, ElementSet, ElementsRead, Format,
    ReadOptions, TleOptions,
};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/data/fuzz-regressions"
);

fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(targets) = std::fs::read_dir(DIR) else {
        return out;
    };
    for target in targets.flatten() {
        let Ok(files) = std::fs::read_dir(target.path()) else {
            continue;
        };
        for f in files.flatten() {
            if let Ok(bytes) = std::fs::read(f.path()) {
                let name = f
                    .path()
                    .strip_prefix(Path::new(DIR))
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                out.push((name, bytes));
            }
        }
    }
    out.sort();
    out
}

fn comparable(es: &ElementSet, format: Format) -> ElementSet {
    let mut es = es.clone();
    if matches!(format, Format::Tle | Format::ThreeLe) {
        es.object_name = None;
    }
    es
}

/// Errors are complete and what was accepted survives writing and reading again.
fn sensible(name: &str, read: &ElementsRead, format: Format) {
    for e in &read.errors {
        assert!(
            !e.field.is_empty() && !e.expected.is_empty(),
            "{name}: {e:?}"
        );
        assert!(!e.to_string().is_empty());
    }
    let Ok(written) = write_elements(&read.elements, format) else {
        return;
    };
    let again = read_as("written", &written, format, &ReadOptions::default());
    assert!(
        again.errors.is_empty(),
        "{name} {format}: {:?}",
        again.errors.first()
    );
    assert_eq!(again.elements.len(), read.elements.len(), "{name} {format}");
    for (a, b) in read.elements.iter().zip(&again.elements) {
        assert_eq!(
            comparable(a, format),
            comparable(b, format),
            "{name} {format}"
        );
    }
}

#[test]
fn every_regression_input_through_every_reader() {
    let inputs = inputs();
    println!("{} fuzz regression inputs", inputs.len());
    for (name, bytes) in &inputs {
        let text = String::from_utf8_lossy(bytes);
        for lenient in [false, true] {
            let opts = ReadOptions { lenient };
            for format in Format::ALL {
                let read = read_as(name, &text, format, &opts);
                sensible(name, &read, format);
            }
            let read = read_elements(name, &text, &opts);
            if let Some(detected) = aposos_formats::detect_format(&text) {
                assert_eq!(
                    read.format,
                    Some(detected),
                    "{name}: detection and reading agree"
                );
            }
            if let Some(format) = read.format {
                sensible(name, &read, format);
            }
            // What was read, written in every format, is detected and read back whole.
            for format in Format::ALL {
                if let Ok(written) = write_elements(&read.elements, format) {
                    let again = read_elements("written", &written, &ReadOptions::default());
                    assert!(
                        again.errors.is_empty(),
                        "{name} {format}: {:?}",
                        again.errors
                    );
                    assert_eq!(again.elements.len(), read.elements.len(), "{name} {format}");
                }
            }
            let mut lines = text.lines();
            let (l1, l2) = (lines.next().unwrap_or(""), lines.next().unwrap_or(""));
            if let Ok((es, _)) = parse_tle(Some("X"), l1, l2, &TleOptions { lenient }) {
                if let Ok([w1, w2]) = write_tle(&es) {
                    let back = parse_tle(Some("X"), &w1, &w2, &TleOptions::default());
                    assert_eq!(back.map(|(b, _)| b).ok(), Some(es), "{name}");
                }
            }
        }
    }
}
