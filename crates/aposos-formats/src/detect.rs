//! Format detection and files of many element sets in any supported format.
//!
//! [`detect_format`] looks at the start of a text: `<` is OMM XML, `[` or `{`
//! OMM JSON, a `CCSDS_OMM_VERS` keyword OMM KVN, a header row naming OMM
//! keywords OMM CSV, and lines starting `1 `/`2 ` TLEs (3LE when other lines,
//! the names, are present; TLE and 3LE may mix). [`read_elements`] reads with
//! the detected format, keeps every good object and reports each bad one.

use std::fmt;
use std::str::FromStr;

use crate::element_set::ElementSet;
use crate::error::{ParseError, WriteError};
use crate::omm::{csv, json, kvn, xml};
use crate::read::{ElementsRead, ReadOptions};
use crate::tle;

/// The element-set formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Two-line element sets.
    Tle,
    /// Three-line element sets (name line, then the TLE).
    ThreeLe,
    /// CCSDS OMM in KVN.
    OmmKvn,
    /// CCSDS OMM in XML (NDM).
    OmmXml,
    /// OMM as JSON (CelesTrak GP).
    OmmJson,
    /// OMM as CSV (CelesTrak GP).
    OmmCsv,
}

impl Format {
    /// Every format, in the order of [`Format::name`].
    pub const ALL: [Format; 6] = [
        Format::Tle,
        Format::ThreeLe,
        Format::OmmKvn,
        Format::OmmXml,
        Format::OmmJson,
        Format::OmmCsv,
    ];

    /// Short name: `tle`, `3le`, `omm-kvn`, `omm-xml`, `omm-json`, `omm-csv`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Tle => "tle",
            Format::ThreeLe => "3le",
            Format::OmmKvn => "omm-kvn",
            Format::OmmXml => "omm-xml",
            Format::OmmJson => "omm-json",
            Format::OmmCsv => "omm-csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format {0:?}: expected tle, 3le, omm-kvn, omm-xml, omm-json or omm-csv")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

/// Guesses the format of a text from its first lines; `None` if it is none of ours.
pub fn detect_format(text: &str) -> Option<Format> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // TLEs first: a 3LE name line may start like anything else (`<`, `[`, `CCSDS_…`).
    let head: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(3)
        .collect();
    // Exactly 69 columns here, so that a CSV row or KVN line is not taken for one.
    let exact = |l: &str, which: u8| tle::looks_like_tle_line(l, which) && l.trim_end().len() == 69;
    let pair_at = |i: usize| {
        head.get(i).is_some_and(|l| exact(l, 1)) && head.get(i + 1).is_some_and(|l| exact(l, 2))
    };
    let tle_first = pair_at(0) || pair_at(1);
    let start = text.trim_start();
    if tle_first {
        return Some(tle_kind(text));
    }
    if start.starts_with('<') {
        return Some(Format::OmmXml);
    }
    if start.starts_with('[') || start.starts_with('{') {
        return Some(Format::OmmJson);
    }
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next()?;
    if first.starts_with("CCSDS_OMM_VERS") {
        return Some(Format::OmmKvn);
    }
    if first.contains(',')
        && first.split(',').any(|c| {
            matches!(
                c.trim().trim_matches('"'),
                "NORAD_CAT_ID" | "EPOCH" | "MEAN_MOTION"
            )
        })
    {
        return Some(Format::OmmCsv);
    }
    let any_tle = text
        .lines()
        .take(3000)
        .any(|l| tle::looks_like_tle_line(l, 1) || tle::looks_like_tle_line(l, 2));
    any_tle.then(|| tle_kind(text))
}

/// TLE when every non-blank line (of the first 3000) is a TLE line, else 3LE.
fn tle_kind(text: &str) -> Format {
    let names = text.lines().take(3000).any(|l| {
        !l.trim().is_empty() && !tle::looks_like_tle_line(l, 1) && !tle::looks_like_tle_line(l, 2)
    });
    if names {
        Format::ThreeLe
    } else {
        Format::Tle
    }
}

/// Reads every element set of a text, in the detected format. One bad object is
/// reported in `errors` and the good ones are kept; an unrecognised text gives one error.
pub fn read_elements(source_name: &str, text: &str, opts: &ReadOptions) -> ElementsRead {
    let Some(format) = detect_format(text) else {
        let mut out = ElementsRead::default();
        if !text.trim().is_empty() {
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            out.errors.push(
                ParseError::new(
                    "format",
                    "TLE, 3LE or CCSDS OMM (KVN, XML, JSON or CSV)",
                    first,
                )
                .with_source(source_name),
            );
        }
        return out;
    };
    let mut out = read_as(source_name, text, format, opts);
    // The reader may take a malformed TLE line for a name line; the format reported is
    // the detected one, so that detection and reading never disagree.
    if matches!(format, Format::Tle | Format::ThreeLe) {
        out.format = Some(format);
    }
    out
}

/// Reads every element set of a text in a given format (no detection).
pub fn read_as(source_name: &str, text: &str, format: Format, opts: &ReadOptions) -> ElementsRead {
    let mut out = match format {
        Format::Tle | Format::ThreeLe => tle::read_tle_text(source_name, text, opts),
        Format::OmmKvn => kvn::read_omm_kvn(source_name, text, opts),
        Format::OmmXml => xml::read_omm_xml(source_name, text, opts),
        Format::OmmJson => json::read_omm_json(source_name, text, opts),
        Format::OmmCsv => csv::read_omm_csv(source_name, text, opts),
    };
    if out.format.is_none() {
        out.format = Some(format);
    }
    out
}

/// Writes element sets in a format; fails on the first one the format cannot carry.
pub fn write_elements(elements: &[ElementSet], format: Format) -> Result<String, WriteError> {
    match format {
        Format::Tle => tle::write_tle_text(elements, false),
        Format::ThreeLe => tle::write_tle_text(elements, true),
        Format::OmmKvn => kvn::write_omm_kvn(elements),
        Format::OmmXml => xml::write_omm_xml(elements),
        Format::OmmJson => json::write_omm_json(elements),
        Format::OmmCsv => csv::write_omm_csv(elements),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.to_string().parse::<Format>(), Ok(f));
        }
        assert!("tle2".parse::<Format>().is_err());
        assert_eq!("OMM-XML".parse::<Format>(), Ok(Format::OmmXml));
    }

    #[test]
    fn detects_each_format() {
        let l1 = "1 25544U 98067A   08264.51782528 -.00002182  00000+0 -11606-4 0  2926";
        let l2 = "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537";
        assert_eq!(detect_format(&format!("{l1}\n{l2}\n")), Some(Format::Tle));
        assert_eq!(
            detect_format(&format!("ISS\n{l1}\n{l2}\n")),
            Some(Format::ThreeLe)
        );
        assert_eq!(
            detect_format("  <?xml version=\"1.0\"?><ndm/>"),
            Some(Format::OmmXml)
        );
        assert_eq!(detect_format("[]"), Some(Format::OmmJson));
        assert_eq!(
            detect_format("\nCCSDS_OMM_VERS = 3.0\n"),
            Some(Format::OmmKvn)
        );
        assert_eq!(
            detect_format("OBJECT_NAME,NORAD_CAT_ID\n"),
            Some(Format::OmmCsv)
        );
        assert_eq!(detect_format("hello world"), None);
        // A 3LE whose first name looks like XML, JSON or KVN is still a 3LE.
        for name in ["<omm id=\"C", "[1]", "CCSDS_OMM_VERS = 1", "A,EPOCH"] {
            assert_eq!(
                detect_format(&format!("{name}\n{l1}\n{l2}\n")),
                Some(Format::ThreeLe),
                "{name}"
            );
        }
        assert_eq!(detect_format(""), None);
    }

    #[test]
    fn mixed_tle_and_3le_keep_good_objects() {
        let l1 = "1 25544U 98067A   08264.51782528 -.00002182  00000+0 -11606-4 0  2926";
        let l2 = "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537";
        let bad2 = l2.replace("51.6416", "51.6x16");
        let text = format!("{l1}\n{l2}\nISS (ZARYA)\n{l1}\n{l2}\n\nBAD\n{l1}\n{bad2}\nORPHAN\n");
        let r = read_elements("mix.txt", &text, &ReadOptions::default());
        assert_eq!(r.format, Some(Format::ThreeLe));
        assert_eq!(r.elements.len(), 2);
        assert_eq!(r.elements[1].object_name.as_deref(), Some("ISS (ZARYA)"));
        assert_eq!(r.errors.len(), 2, "{:?}", r.errors);
        assert_eq!(r.errors[0].line, Some(9));
        assert_eq!(r.errors[1].line, Some(10));
        assert!(r.errors[1]
            .to_string()
            .starts_with("mix.txt:10: field name line"));
    }

    #[test]
    fn unknown_text_is_one_error() {
        let r = read_elements("x", "just some words\n", &ReadOptions::default());
        assert_eq!(r.format, None);
        assert_eq!(r.errors.len(), 1);
        let r = read_elements("x", "  \n", &ReadOptions::default());
        assert!(r.errors.is_empty() && r.elements.is_empty());
    }
}
