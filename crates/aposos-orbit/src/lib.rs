//! Orbit models for APOSOS: SGP4/SDP4 (Vallado's 2006+ reference, exact to its
//! verification set) and batch propagation of whole catalogs.

pub mod batch;
pub mod od;
pub mod sgp4;
pub mod simd;
pub mod sp;
pub mod synthetic;

pub use batch::{propagate_grid, propagate_grid_utc, BatchError};
pub use sgp4::{GravityModel, OpsMode, ResonanceState, Sgp4, Sgp4Error, StateTeme};
