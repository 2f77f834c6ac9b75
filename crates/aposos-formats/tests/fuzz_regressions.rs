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

#[test]
fn every_regression_input_through_the_observation_readers() {
    use aposos_formats::obs::iod::{parse_iod_line, read_iod, write_iod_line};
    use aposos_formats::obs::tdm::{read_tdm_kvn, read_tdm_xml, write_tdm_kvn, write_tdm_xml};
    let t0 = aposos_formats::Epoch::from_ns_since_1950(0);
    for (name, bytes) in &inputs() {
        let text = String::from_utf8_lossy(bytes);
        for (_, o) in read_iod(name, &text).observations {
            if let Ok(line) = write_iod_line(&o) {
                let back =
                    parse_iod_line(&line).unwrap_or_else(|e| panic!("{name}: {line:?}: {e}"));
                let back = back.unwrap_or_else(|| panic!("{name}: {line:?} lost its position"));
                assert_eq!(
                    write_iod_line(&back).ok().as_deref(),
                    Some(line.as_str()),
                    "{name}"
                );
            }
        }
        for (_, o) in aposos_formats::obs::uk::read_uk(name, &text).observations {
            use aposos_formats::obs::uk::{parse_uk_line, write_uk_line};
            if let Ok(line) = write_uk_line(&o) {
                let back = parse_uk_line(&line)
                    .unwrap_or_else(|e| panic!("{name}: {line:?}: {e}"))
                    .unwrap_or_else(|| panic!("{name}: {line:?} lost"));
                assert_eq!(
                    write_uk_line(&back).ok().as_deref(),
                    Some(line.as_str()),
                    "{name}"
                );
            }
        }
        {
            use aposos_formats::obs::rde::{read_rde, write_rde};
            let obs: Vec<_> = read_rde(name, &text)
                .observations
                .into_iter()
                .map(|(_, o)| o)
                .collect();
            if let Ok(w) = write_rde(&obs) {
                let back = read_rde("w", &w);
                assert!(back.errors.is_empty(), "{name}: {:?}", back.errors);
                let back: Vec<_> = back.observations.into_iter().map(|(_, o)| o).collect();
                assert_eq!(write_rde(&back).ok().as_deref(), Some(w.as_str()), "{name}");
            }
        }
        for read in [read_tdm_kvn(name, &text), read_tdm_xml(name, &text)] {
            let obs: Vec<_> = read.observations.into_iter().map(|(_, o)| o).collect();
            if let Ok(w) = write_tdm_kvn(&obs, "X", t0) {
                let back: Vec<_> = read_tdm_kvn("w", &w)
                    .observations
                    .into_iter()
                    .map(|(_, o)| o)
                    .collect();
                assert_eq!(back, obs, "{name}");
            }
            if let Ok(w) = write_tdm_xml(&obs, "X", t0) {
                let back: Vec<_> = read_tdm_xml("w", &w)
                    .observations
                    .into_iter()
                    .map(|(_, o)| o)
                    .collect();
                assert_eq!(back, obs, "{name}");
            }
        }
    }
}
