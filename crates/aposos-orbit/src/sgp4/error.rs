//! Errors of SGP4 initialisation and propagation, numbered as Vallado's codes.

/// Why SGP4 could not initialise or propagate; [`Sgp4Error::code`] gives Vallado's number.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum Sgp4Error {
    /// Code 1: mean eccentricity (after drag) outside −0.001 ≤ e < 1, or element eccentricity outside 0 ≤ e < 1.
    #[error("mean eccentricity {eccentricity} not within range 0.0 <= e < 1.0")]
    MeanEccentricity {
        /// The offending mean eccentricity, dimensionless.
        eccentricity: f64,
    },
    /// Code 2: mean motion not positive, rad/min.
    #[error("mean motion {mean_motion_rad_per_min} rad/min is not positive")]
    MeanMotion {
        /// The offending mean motion, rad/min.
        mean_motion_rad_per_min: f64,
    },
    /// Code 3: eccentricity after lunar-solar periodics outside 0 ≤ e ≤ 1.
    #[error("perturbed eccentricity {eccentricity} not within range 0.0 <= e <= 1.0")]
    PerturbedEccentricity {
        /// The offending perturbed eccentricity, dimensionless.
        eccentricity: f64,
    },
    /// Code 4: semi-latus rectum below zero, Earth radii.
    #[error("semilatus rectum {semi_latus_rectum_er} is less than zero")]
    SemiLatusRectum {
        /// The offending semi-latus rectum, Earth radii.
        semi_latus_rectum_er: f64,
    },
    /// Code 5: epoch elements sub-orbital (perigee radius below 1 Earth radius); the 2020 reference no longer raises it.
    #[error("epoch elements are sub-orbital: perigee radius {perigee_radius_er} Earth radii")]
    SubOrbital {
        /// Perigee radius at epoch, Earth radii.
        perigee_radius_er: f64,
    },
    /// Code 6: the satellite has decayed (osculating radius below 1 Earth radius).
    #[error("mrt {radius_er} is less than 1.0 indicating the satellite has decayed")]
    Decayed {
        /// Osculating radius, Earth radii.
        radius_er: f64,
    },
    /// Code 7: an element is not finite or otherwise unusable at initialisation.
    #[error("element {field} = {value} is not usable by SGP4")]
    InvalidElement {
        /// Name of the element (`ElementSet` field name).
        field: &'static str,
        /// Its value, in the units of that field.
        value: f64,
    },
    /// Code 8: the propagation time is not finite or too far from epoch.
    #[error("time {tsince_min} min from epoch is not finite or beyond ±{limit_min} min")]
    InvalidTime {
        /// Requested minutes since epoch.
        tsince_min: f64,
        /// Largest accepted |tsince|, minutes.
        limit_min: f64,
    },
    /// Code 9: the state came out not finite (elements far outside SGP4's domain).
    #[error("propagation produced a non-finite state")]
    NonFiniteState,
}

impl Sgp4Error {
    /// Vallado's error code (1–6); 7–9 for the init/input checks this port adds.
    pub fn code(&self) -> u8 {
        match self {
            Sgp4Error::MeanEccentricity { .. } => 1,
            Sgp4Error::MeanMotion { .. } => 2,
            Sgp4Error::PerturbedEccentricity { .. } => 3,
            Sgp4Error::SemiLatusRectum { .. } => 4,
            Sgp4Error::SubOrbital { .. } => 5,
            Sgp4Error::Decayed { .. } => 6,
            Sgp4Error::InvalidElement { .. } => 7,
            Sgp4Error::InvalidTime { .. } => 8,
            Sgp4Error::NonFiniteState => 9,
        }
    }
}
