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
pub mod element_set;
pub mod epoch;
pub mod error;
pub mod satcat;
pub mod tle;

pub use alpha5::{decode_alpha5, encode_alpha5, Alpha5Error};
pub use element_set::{ElementSet, OmmMetadata, OMM_MAX_CATALOG_NUMBER, TLE_MAX_CATALOG_NUMBER};
pub use epoch::{Epoch, EpochError};
pub use error::{ParseError, SourcePos, Warning, WriteError};
pub use tle::{parse_tle, parse_tle_at, tle_checksum, write_3le, write_tle, TleOptions};
