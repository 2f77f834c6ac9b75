//! Orbit determination from angle measurements: measurement preparation, a batch
//! least-squares solver, SGP4 element fitting, special-perturbations state fitting and
//! initial orbits.

pub mod attributable;
pub mod gooding;
pub mod iod;
pub mod lambert;
pub mod linalg;
pub mod lsq;
pub mod measurement;
pub mod report;
pub mod sgp4_covariance;
pub mod sgp4_fit;
pub mod sp_fit;
pub mod sp_mean;

pub use measurement::{prepare_measurements, AngleMeasurement};
pub use sgp4_fit::{fit_sgp4, FitResidual, PriorErrors, Sgp4Fit, Sgp4FitError, Sgp4FitOptions};
pub use sp_fit::{fit_sp, SpFit, SpFitError, SpFitOptions};
