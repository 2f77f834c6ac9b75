//! SGP4/SDP4: a faithful port of Vallado's C++ SGP4 (version 2020-07-13), exact to
//! his verification set (`tests/against_vallado.rs`).
//!
//! [`Sgp4::new`] initialises a record from an [`ElementSet`] (Vallado's `sgp4init`,
//! with the epoch computed as his `twoline2rv` does); [`Sgp4::propagate`] is his
//! `sgp4` routine, without mutation: the deep-space resonance integrator restarts
//! from epoch on every call, which steps the same fixed 720-minute grid and gives
//! the same numbers as the stateful reference. [`Sgp4::propagate_with_state`]
//! carries the integrator between calls in a [`ResonanceState`], as Vallado's
//! `satrec` does, for the same bits at a fraction of the cost on ordered times.
//!
//! Output is in the TEME frame of epoch, km and km/s.

mod deep_space;
mod error;
mod gravity;
mod init;
mod near_earth;

use aposos_formats::{ElementSet, Epoch};

pub(crate) use deep_space::{dspace, Secular};
pub use error::Sgp4Error;
pub use gravity::{getgravconst, GravConst, GravityModel};
pub use init::{days2mdhms, gstime, jday};

/// Largest |minutes since epoch| [`Sgp4::propagate`] accepts (about 190 years).
pub const MAX_TSINCE_MIN: f64 = 1.0e8;

/// Operation mode of SGP4 (Vallado's `opsmode`), which only changes the Lyddane branch of deep-space periodics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OpsMode {
    /// `'a'`: as the AFSPC code (node kept in 0..2π before use).
    Afspc,
    /// `'i'`: Vallado's improved mode, used by his verification set (default).
    #[default]
    Improved,
}

/// Which theory the record runs: near-Earth SGP4 or deep-space SDP4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Method {
    /// Orbital period below 225 min (`'n'`).
    NearEarth,
    /// Orbital period 225 min or longer (`'d'`).
    DeepSpace,
}

/// Position and velocity from SGP4 in the TEME frame of the element epoch.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StateTeme {
    /// TEME position, km.
    pub position_km: [f64; 3],
    /// TEME velocity, km/s.
    pub velocity_km_s: [f64; 3],
}

/// Deep-space resonance integrator state carried between calls (Vallado's `atime`, `xli`, `xni`); the default restarts from epoch.
///
/// A state belongs to one [`Sgp4`] record: it holds a point of that record's
/// integration and must not be passed with another record (use a fresh one, or
/// [`ResonanceState::reset`]). Continuing it never changes results, only the
/// work done: calls at increasing |minutes since epoch| on one side of epoch
/// continue from the last 720-min grid point; any other call restarts.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ResonanceState {
    /// Minutes from epoch of the integrator's grid point (0 = restart on next use).
    atime: f64,
    /// Resonance mean longitude at `atime`, rad.
    xli: f64,
    /// Mean motion at `atime`, rad/min.
    xni: f64,
    /// The integrator's rates at (`atime`, `xli`, `xni`), when computed.
    dots: Option<deep_space::ResonanceDots>,
}

impl ResonanceState {
    /// A state that restarts the integrator from epoch (same as `default()`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets the carried integration, so the next call restarts from epoch.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Minutes from epoch of the carried integrator grid point (0 when none is carried).
    pub fn atime_min(&self) -> f64 {
        self.atime
    }
}

/// An initialised SGP4 record (Vallado's `elsetrec`), read-only during propagation.
///
/// Field names are Vallado's; angles in radians, time in minutes, distances in Earth radii.
#[derive(Debug, Clone, PartialEq)]
pub struct Sgp4 {
    // ---------- identification and options ----------
    pub(crate) satnum: u32,
    pub(crate) epoch_utc: Epoch,
    pub(crate) operationmode: OpsMode,
    pub(crate) gravity: GravityModel,
    pub(crate) method: Method,
    pub(crate) isimp: bool,
    pub(crate) irez: u8,

    // ---------- near Earth ----------
    pub(crate) aycof: f64,
    pub(crate) con41: f64,
    pub(crate) cc1: f64,
    pub(crate) cc4: f64,
    pub(crate) cc5: f64,
    pub(crate) d2: f64,
    pub(crate) d3: f64,
    pub(crate) d4: f64,
    pub(crate) delmo: f64,
    pub(crate) eta: f64,
    pub(crate) argpdot: f64,
    pub(crate) omgcof: f64,
    pub(crate) sinmao: f64,
    pub(crate) t2cof: f64,
    pub(crate) t3cof: f64,
    pub(crate) t4cof: f64,
    pub(crate) t5cof: f64,
    pub(crate) x1mth2: f64,
    pub(crate) x7thm1: f64,
    pub(crate) mdot: f64,
    pub(crate) nodedot: f64,
    pub(crate) xlcof: f64,
    pub(crate) xmcof: f64,
    pub(crate) nodecf: f64,

    // ---------- deep space ----------
    pub(crate) d2201: f64,
    pub(crate) d2211: f64,
    pub(crate) d3210: f64,
    pub(crate) d3222: f64,
    pub(crate) d4410: f64,
    pub(crate) d4422: f64,
    pub(crate) d5220: f64,
    pub(crate) d5232: f64,
    pub(crate) d5421: f64,
    pub(crate) d5433: f64,
    pub(crate) dedt: f64,
    pub(crate) del1: f64,
    pub(crate) del2: f64,
    pub(crate) del3: f64,
    pub(crate) didt: f64,
    pub(crate) dmdt: f64,
    pub(crate) dnodt: f64,
    pub(crate) domdt: f64,
    pub(crate) e3: f64,
    pub(crate) ee2: f64,
    pub(crate) peo: f64,
    pub(crate) pgho: f64,
    pub(crate) pho: f64,
    pub(crate) pinco: f64,
    pub(crate) plo: f64,
    pub(crate) se2: f64,
    pub(crate) se3: f64,
    pub(crate) sgh2: f64,
    pub(crate) sgh3: f64,
    pub(crate) sgh4: f64,
    pub(crate) sh2: f64,
    pub(crate) sh3: f64,
    pub(crate) si2: f64,
    pub(crate) si3: f64,
    pub(crate) sl2: f64,
    pub(crate) sl3: f64,
    pub(crate) sl4: f64,
    pub(crate) gsto: f64,
    pub(crate) xfact: f64,
    pub(crate) xgh2: f64,
    pub(crate) xgh3: f64,
    pub(crate) xgh4: f64,
    pub(crate) xh2: f64,
    pub(crate) xh3: f64,
    pub(crate) xi2: f64,
    pub(crate) xi3: f64,
    pub(crate) xl2: f64,
    pub(crate) xl3: f64,
    pub(crate) xl4: f64,
    pub(crate) xlamo: f64,
    pub(crate) zmol: f64,
    pub(crate) zmos: f64,

    // ---------- elements and epoch ----------
    pub(crate) a: f64,
    pub(crate) altp: f64,
    pub(crate) alta: f64,
    pub(crate) epochyr: i64,
    pub(crate) epochdays: f64,
    pub(crate) jdsatepoch: f64,
    pub(crate) jdsatepoch_f: f64,
    pub(crate) nddot: f64,
    pub(crate) ndot: f64,
    pub(crate) bstar: f64,
    pub(crate) inclo: f64,
    pub(crate) nodeo: f64,
    pub(crate) ecco: f64,
    pub(crate) argpo: f64,
    pub(crate) mo: f64,
    pub(crate) no_kozai: f64,
    pub(crate) no_unkozai: f64,

    // ---------- constants ----------
    pub(crate) tumin: f64,
    pub(crate) mus: f64,
    pub(crate) radiusearthkm: f64,
    pub(crate) xke: f64,
    pub(crate) j2: f64,
    pub(crate) j3: f64,
    pub(crate) j4: f64,
    pub(crate) j3oj2: f64,
}

impl Sgp4 {
    /// Initialises SGP4 with WGS72 constants and improved mode (what Vallado's verification, CelesTrak and Space-Track assume).
    pub fn new(elements: &ElementSet) -> Result<Self, Sgp4Error> {
        Self::with_options(elements, GravityModel::Wgs72, OpsMode::Improved)
    }

    /// Initialises SGP4 with a chosen gravity model and operation mode.
    ///
    /// Fails only when the elements cannot be initialised (non-finite values,
    /// eccentricity outside 0 ≤ e < 1, mean motion ≤ 0); conditions that Vallado
    /// reports at epoch (e.g. code 3) come from `propagate(0.0)`.
    pub fn with_options(
        elements: &ElementSet,
        gravity: GravityModel,
        mode: OpsMode,
    ) -> Result<Self, Sgp4Error> {
        init::sgp4init(elements, gravity, mode)
    }

    /// TEME position (km) and velocity (km/s) `tsince_min` minutes after the element epoch.
    pub fn propagate(&self, tsince_min: f64) -> Result<StateTeme, Sgp4Error> {
        near_earth::sgp4(self, tsince_min, &mut ResonanceState::default())
    }

    /// As [`Sgp4::propagate`], continuing the deep-space resonance integration in `state` (Vallado's stateful `sgp4`; same bits).
    ///
    /// Keep one `state` per record and call with times in increasing |minutes
    /// since epoch| for the full saving; any order gives the same results. The
    /// state is not used by near-earth records.
    pub fn propagate_with_state(
        &self,
        tsince_min: f64,
        state: &mut ResonanceState,
    ) -> Result<StateTeme, Sgp4Error> {
        near_earth::sgp4(self, tsince_min, state)
    }

    /// TEME state (km, km/s) at a UTC instant (minutes from epoch on the uniform-day scale).
    pub fn propagate_to(&self, time_utc: Epoch) -> Result<StateTeme, Sgp4Error> {
        self.propagate(time_utc.minutes_since(self.epoch_utc))
    }

    /// Epoch of the elements (UTC).
    pub fn epoch(&self) -> Epoch {
        self.epoch_utc
    }

    /// Satellite catalog number (`NORAD_CAT_ID`).
    pub fn norad_cat_id(&self) -> u32 {
        self.satnum
    }

    /// Whether the record runs the deep-space (SDP4) branch: period ≥ 225 min.
    pub fn is_deep_space(&self) -> bool {
        self.method == Method::DeepSpace
    }

    /// Gravity model the record was initialised with.
    pub fn gravity_model(&self) -> GravityModel {
        self.gravity
    }

    /// Operation mode the record was initialised with.
    pub fn ops_mode(&self) -> OpsMode {
        self.operationmode
    }

    /// Un-Kozai'd (Brouwer) mean motion at epoch, rad/min.
    pub fn mean_motion_rad_per_min(&self) -> f64 {
        self.no_unkozai
    }

    /// Greenwich sidereal angle at epoch (IAU 1982 `gstime`), rad.
    pub fn gsto_rad(&self) -> f64 {
        self.gsto
    }

    /// Julian Date of the epoch as Vallado splits it: whole (ending in .5) and fraction, days.
    pub fn jd_epoch_split(&self) -> (f64, f64) {
        (self.jdsatepoch, self.jdsatepoch_f)
    }
}

#[cfg(test)]
mod tests;
