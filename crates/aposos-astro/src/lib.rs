//! APOSOS astronomy: time scales and IERS EOP, reference frames (TEME, GCRS, CIRS,
//! ITRF) and WGS84 geodesy.
//!
//! Positions are in km, velocities in km/s, angles in radians inside; degrees only
//! at the edges (constructors and accessors named `_deg`). No file I/O and no
//! network: EOP data are parsed from text, the default table is embedded.

#![warn(missing_docs)]

pub mod eop;
pub mod equinox;
pub mod frames;
pub mod geodesy;
pub mod magnitude;
pub mod refraction;
pub mod shadow;
pub mod sun_moon;
pub mod time;
pub mod topocentric;

pub use eop::{validate_update, Eop, EopError, EopQuality, EopSample, EopSummary};
pub use frames::{teme_to_gcrs, teme_to_itrf, EarthRotation, Mat3, TemeRotation, Vec3};
pub use geodesy::{geodetic_to_itrf, itrf_to_geodetic, Geodetic};
pub use hifitime;
pub use time::{JulianDate, TimeScales};
