//! Angle observations beyond their formats: the quality control every record passes
//! before the store accepts it.

pub mod qc;
