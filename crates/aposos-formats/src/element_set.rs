//! The element set: SGP4 mean elements of one object, as carried by TLE and OMM.

use crate::epoch::Epoch;

/// Largest catalog number a TLE can carry (Alpha-5 `Z9999`).
pub const TLE_MAX_CATALOG_NUMBER: u32 = 339_999;

/// Largest catalog number an OMM can carry (9 digits).
pub const OMM_MAX_CATALOG_NUMBER: u32 = 999_999_999;

/// SGP4 mean elements of one object (TEME of epoch, Kozai mean motion), with the
/// identification and bookkeeping fields shared by TLE and CCSDS OMM.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementSet {
    /// Common name (`OBJECT_NAME`, TLE line 0), if known.
    pub object_name: Option<String>,
    /// International designator in OMM form `YYYY-NNNPPP` (`OBJECT_ID`), if known.
    pub object_id: Option<String>,
    /// Satellite catalog number (`NORAD_CAT_ID`), 0–999,999,999.
    pub norad_cat_id: u32,
    /// Security classification (`CLASSIFICATION_TYPE`): `U`, `C` or `S`.
    pub classification: char,
    /// Epoch of the elements (UTC).
    pub epoch: Epoch,
    /// Kozai mean motion in revolutions per day (`MEAN_MOTION`).
    pub mean_motion_rev_per_day: f64,
    /// Mean eccentricity (`ECCENTRICITY`), dimensionless.
    pub eccentricity: f64,
    /// Mean inclination in degrees (`INCLINATION`).
    pub inclination_deg: f64,
    /// Mean right ascension of the ascending node in degrees (`RA_OF_ASC_NODE`).
    pub raan_deg: f64,
    /// Mean argument of perigee in degrees (`ARG_OF_PERICENTER`).
    pub arg_of_pericenter_deg: f64,
    /// Mean anomaly in degrees (`MEAN_ANOMALY`).
    pub mean_anomaly_deg: f64,
    /// Ephemeris type (`EPHEMERIS_TYPE`); 0 for SGP4 element sets.
    pub ephemeris_type: u8,
    /// Element set number (`ELEMENT_SET_NO`).
    pub element_set_no: u32,
    /// Revolution number at epoch (`REV_AT_EPOCH`).
    pub rev_at_epoch: u32,
    /// SGP4 drag term B* in inverse Earth radii (`BSTAR`).
    pub bstar_per_earth_radii: f64,
    /// First derivative of mean motion divided by two, rev/day² (`MEAN_MOTION_DOT`, TLE line 1).
    pub mean_motion_dot_rev_per_day2: f64,
    /// Second derivative of mean motion divided by six, rev/day³ (`MEAN_MOTION_DDOT`).
    pub mean_motion_ddot_rev_per_day3: f64,
    /// OMM header and metadata fields that TLEs do not carry.
    pub omm: OmmMetadata,
}

/// OMM header and metadata values (CCSDS 502.0-B-3) kept so that OMM round trips lose nothing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OmmMetadata {
    /// `CCSDS_OMM_VERS`, e.g. `3.0` (written as `3.0` when absent).
    pub ccsds_omm_vers: Option<String>,
    /// `CREATION_DATE` as written in the source.
    pub creation_date: Option<String>,
    /// `ORIGINATOR`.
    pub originator: Option<String>,
    /// `CENTER_NAME` (`EARTH` when absent).
    pub center_name: Option<String>,
    /// `REF_FRAME` (`TEME` when absent).
    pub ref_frame: Option<String>,
    /// `TIME_SYSTEM` (`UTC` when absent).
    pub time_system: Option<String>,
    /// `MEAN_ELEMENT_THEORY` (`SGP4` when absent).
    pub mean_element_theory: Option<String>,
    /// `COMMENT` lines, in order.
    pub comments: Vec<String>,
    /// The covariance block, when the message has one.
    pub covariance: Option<OmmCovariance>,
}

/// The covariance block of an OMM (CCSDS 502.0-B-3 §4.2.6): the position and velocity
/// covariance at epoch, lower triangle by rows (`CX_X`, `CY_X`, `CY_Y`, … `CZ_DOT_Z_DOT`),
/// in km², km²/s and km²/s².
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OmmCovariance {
    /// `COV_REF_FRAME` (e.g. `RTN`, `TEME`); absent: the metadata's `REF_FRAME`.
    pub ref_frame: Option<String>,
    /// The 21 terms of the lower triangle, row by row.
    pub lower: [f64; 21],
}

impl OmmCovariance {
    /// The block of a symmetric 6×6 matrix (its lower triangle).
    pub fn from_matrix(ref_frame: Option<String>, m: &[[f64; 6]; 6]) -> Self {
        let mut lower = [0.0; 21];
        let mut k = 0;
        for (i, row) in m.iter().enumerate() {
            for &x in &row[..=i] {
                lower[k] = x;
                k += 1;
            }
        }
        Self { ref_frame, lower }
    }

    /// The full symmetric 6×6 matrix.
    #[allow(clippy::needless_range_loop)] // (i, j) and (j, i) both filled
    pub fn matrix(&self) -> [[f64; 6]; 6] {
        let mut m = [[0.0; 6]; 6];
        let mut k = 0;
        for i in 0..6 {
            for j in 0..=i {
                (m[i][j], m[j][i]) = (self.lower[k], self.lower[k]);
                k += 1;
            }
        }
        m
    }
}

impl ElementSet {
    /// Mean motion in radians per minute, as SGP4 takes it.
    pub fn mean_motion_rad_per_min(&self) -> f64 {
        self.mean_motion_rev_per_day * std::f64::consts::TAU / 1440.0
    }
}
