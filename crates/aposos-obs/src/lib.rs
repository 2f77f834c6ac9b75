//! Angle observations beyond their formats: the reduction of older equinoxes to J2000
//! and the quality control every record passes before the store accepts it, the
//! network observation simulator, and station diagnostics.

pub mod correlate;
pub(crate) mod cross_pass;
pub mod diagnostics;
pub mod linkage;
pub mod qc;
pub mod reduce;
pub mod rng;
pub mod simulate;
pub mod sp_truth;
