//! Standard formats of the field at the edges of APOSOS: element sets (TLE/3LE with
//! Alpha-5 catalog numbers, CCSDS OMM in KVN and XML, CelesTrak GP JSON and CSV).
//!
//! Every reader is strict, reports errors with file, line (or path) and field,
//! and never panics on any input.

pub mod element_set;
pub mod epoch;
pub mod satcat;

pub use element_set::{ElementSet, OmmMetadata, OMM_MAX_CATALOG_NUMBER, TLE_MAX_CATALOG_NUMBER};
pub use epoch::{Epoch, EpochError};
