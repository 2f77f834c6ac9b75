//! Angle observations beyond their formats: the quality control every record passes
//! before the store accepts it, the network observation simulator, and station
//! diagnostics.

pub mod diagnostics;
pub mod qc;
pub mod rng;
pub mod simulate;
