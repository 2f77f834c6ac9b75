//! Orbit models for APOSOS: SGP4/SDP4 (Vallado's 2006+ reference, exact to its
//! verification set) and batch propagation of whole catalogs.

pub mod simd;
pub mod synthetic;
