//! Structure-of-arrays SIMD SGP4 for propagating whole catalogs fast, exact to
//! the scalar [`crate::sgp4`] port within 1e-9 km.
//!
//! Near-earth objects (period < 225 min) run in lanes of [`lanes::LANES`]
//! propagations; deep-space objects and any lane that errs go through the
//! scalar code, so results and error codes are those of [`crate::sgp4`].

pub mod lanes;
pub mod math;
