//! Orbit determination from angle measurements: measurements prepared with the observer's
//! position, a batch least-squares solver with outlier rejection and covariance, and
//! SGP4 element fitting.

pub mod iod;
pub mod linalg;
pub mod lsq;
pub mod measurement;
pub mod sgp4_fit;

pub use measurement::{prepare_measurements, AngleMeasurement};
pub use sgp4_fit::{fit_sgp4, FitResidual, PriorErrors, Sgp4Fit, Sgp4FitError, Sgp4FitOptions};
