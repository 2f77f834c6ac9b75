//! Checks shared by the fuzz targets: reading never panics, and whatever was
//! accepted is written back in the same format and read again to the same values.

use aposos_formats::{read_as, write_elements, ElementSet, ElementsRead, Format, ReadOptions};

/// Reads `text` as `format` (strict and lenient) and checks the round trip of what was accepted.
#[allow(dead_code)]
pub fn check(text: &str, format: Format) {
    for lenient in [false, true] {
        let opts = ReadOptions { lenient };
        let read = read_as("fuzz", text, format, &opts);
        round_trip(&read, format);
    }
}

/// Whatever was accepted is written in `format` (if it can be) and read back unchanged.
pub fn round_trip(read: &ElementsRead, format: Format) {
    if read.elements.is_empty() {
        return;
    }
    let Ok(written) = write_elements(&read.elements, format) else {
        return;
    };
    let again = read_as("written", &written, format, &ReadOptions::default());
    assert!(
        again.errors.is_empty(),
        "written {format} does not read back: {:?}\n{written}",
        again.errors.first()
    );
    assert_eq!(again.elements.len(), read.elements.len());
    for (a, b) in read.elements.iter().zip(&again.elements) {
        let filled = filled_metadata(a, b, format);
        assert_eq!(comparable(&filled, format), comparable(b, format), "{format}");
    }
}

/// KVN and XML writers fill the header and metadata that CCSDS makes mandatory
/// (creation date, originator, centre, frame, time system, theory) when absent:
/// `a` with those absent values taken from the read-back `b`; present ones stay.
fn filled_metadata(a: &ElementSet, b: &ElementSet, format: Format) -> ElementSet {
    let mut a = a.clone();
    if matches!(format, Format::OmmKvn | Format::OmmXml) {
        let (m, n) = (&mut a.omm, &b.omm);
        for (mine, theirs) in [
            (&mut m.ccsds_omm_vers, &n.ccsds_omm_vers),
            (&mut m.creation_date, &n.creation_date),
            (&mut m.originator, &n.originator),
            (&mut m.center_name, &n.center_name),
            (&mut m.ref_frame, &n.ref_frame),
            (&mut m.time_system, &n.time_system),
            (&mut m.mean_element_theory, &n.mean_element_theory),
        ] {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        }
    }
    a
}

/// The values a format keeps (TLE: no OMM metadata, names as written on a name line).
fn comparable(es: &ElementSet, format: Format) -> ElementSet {
    let mut es = es.clone();
    if matches!(format, Format::Tle | Format::ThreeLe) {
        es.object_name = None;
    }
    es
}
