//! Standard formats of the field at the edges of APOSOS: element sets (TLE/3LE with
//! Alpha-5 catalog numbers, CCSDS OMM in KVN and XML, CelesTrak GP JSON and CSV).
//!
//! Every reader is strict, reports errors with file, line (or path) and field,
//! and never panics on any input.

// A `ParseError` carries its whole context (source, line, path, field, expected,
// found) by value so callers can match on it; errors are the cold path of a
// parser, so the size of `Result` does not matter here.
#![allow(clippy::result_large_err)]

pub mod alpha5;
pub mod detect;
pub mod element_set;
pub mod epoch;
pub mod error;
pub mod obs;
pub mod oem;
pub mod omm;
pub mod read;
pub mod satcat;
pub mod tle;

pub use alpha5::{decode_alpha5, encode_alpha5, Alpha5Error};
pub use detect::{detect_format, read_as, read_elements, write_elements, Format, UnknownFormat};
pub use element_set::{
    ElementSet, OmmCovariance, OmmMetadata, OMM_MAX_CATALOG_NUMBER, TLE_MAX_CATALOG_NUMBER,
};
pub use epoch::{Epoch, EpochError};
pub use error::{ParseError, SourcePos, Warning, WriteError};
pub use omm::csv::{read_omm_csv, write_omm_csv};
pub use omm::json::{read_omm_json, write_omm_json};
pub use omm::kvn::{read_omm_kvn, write_omm_kvn};
pub use omm::xml::{read_omm_xml, write_omm_xml};
pub use read::{ElementsRead, ReadOptions};
pub use tle::{
    parse_tle, parse_tle_at, read_tle_text, tle_checksum, write_3le, write_tle, write_tle_text,
    TleOptions,
};
