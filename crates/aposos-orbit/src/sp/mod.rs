//! Special perturbations: a numerical orbit propagator (DOP853) with EGM96 gravity,
//! Sun and Moon, Harris–Priester drag and solar radiation pressure, and its state
//! transition matrix.

pub mod atmosphere;
pub mod dop853;
pub mod environment;
pub mod forces;
pub mod gravity;
pub mod propagator;

pub use forces::{ForceModel, SurfaceForce};
pub use propagator::{Parameter, SpError, SpPropagator, SpState};
