//! Structure-of-arrays SIMD SGP4 for propagating whole catalogs fast, exact to
//! the scalar [`crate::sgp4`] port within 1e-9 km.
//!
//! Near-earth objects (period < 225 min) run in lanes of [`lanes::LANES`]
//! propagations; deep-space objects too, after a scalar secular and resonance
//! step per time ([`deep_space`]). Any lane that errs goes through the scalar
//! code, so results and error codes are those of [`crate::sgp4`].

pub mod batch;
pub mod deep_space;
pub mod lanes;
pub mod math;
pub mod near_earth;

pub use batch::{
    detect_simd_level, propagate_grid_fast, propagate_grid_fast_with, propagate_grid_utc_fast,
    propagate_grid_utc_fast_with, SimdLevel,
};
pub use near_earth::NearEarthSoa;
