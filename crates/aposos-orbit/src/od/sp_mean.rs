//! SGP4 mean elements that reproduce an SP fit's ephemeris, so that an SP orbit can be
//! shared as an OMM (or TLE) any user's SGP4 reads.
//!
//! The SP orbit is sampled from the fit's epoch back over the observed arc; each sample becomes a geocentric line of
//! sight (observer at the Earth's centre, light time as in [`super::report::line_of_sight`])
//! and the SGP4 fit ([`super::sgp4_fit::fit_sgp4`]) adjusts the elements to them, B* too
//! when the span allows. The element set's epoch is the SP fit's. SGP4's own theory error
//! remains: the fit's RMS, times the orbit radius, is how far the mean elements stray
//! from the SP ephemeris over the span.

use super::measurement::AngleMeasurement;
use super::sgp4_fit::{fit_sgp4, Sgp4Fit, Sgp4FitError, Sgp4FitOptions};
use super::sp_fit::SpFit;
use crate::sp::SpPropagator;
use aposos_astro::frames::teme_to_gcrs_matrix;
use aposos_astro::topocentric::{norm, radec_rad, C_KM_S};
use aposos_astro::{EarthRotation, Eop, TimeScales};
use aposos_formats::{ElementSet, Epoch};

/// Options of the mean-element fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpMeanOptions {
    /// Start of the span (e.g. the first measurement).
    pub from: Epoch,
    /// Time between samples (s).
    pub step_s: f64,
}

/// Why the mean elements could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpMeanError {
    /// The SP ephemeris failed.
    #[error("SP ephemeris: {0}")]
    Ephemeris(String),
    /// The SGP4 fit failed.
    #[error("SGP4 fit to the SP ephemeris: {0}")]
    Fit(#[from] Sgp4FitError),
}

/// SGP4 mean elements fitted to `fit`'s ephemeris from `opts.from` to its epoch, started
/// from `initial` (e.g. the element set the SP fit started from); the elements' epoch is
/// the SP fit's epoch. Samples are weighted as 1″ per axis.
pub fn mean_elements_from_sp(
    fit: &SpFit,
    initial: &ElementSet,
    eop: &Eop,
    opts: &SpMeanOptions,
) -> Result<Sgp4Fit, SpMeanError> {
    let epoch_ns = fit.epoch.ns_since_1950();
    let step_ns = (opts.step_s.max(1.0) * 1e9) as i64;
    let from_ns = opts.from.ns_since_1950().min(epoch_ns);
    // Back from the epoch (the propagator continues only away from it), so that the
    // last sample, and the elements' epoch, is the SP fit's epoch.
    let back: Vec<i64> = (0..)
        .map(|k| epoch_ns - k * step_ns)
        .take_while(|t| *t >= from_ns)
        .collect();
    let mut prop = SpPropagator::new(
        fit.epoch,
        fit.position_km,
        fit.velocity_km_s,
        fit.force,
        eop,
    );
    let sigma_rad = (1.0f64 / 3600.0).to_radians();
    let mut meas = Vec::with_capacity(back.len());
    for t in &back {
        let time = Epoch::from_ns_since_1950(*t);
        let s = prop
            .propagate(time)
            .map_err(|e| SpMeanError::Ephemeris(e.to_string()))?;
        // Seen from the Earth's centre, where the object was a light time earlier.
        let tau = norm(s.position_km) / C_KM_S;
        let los: [f64; 3] = std::array::from_fn(|k| s.position_km[k] - s.velocity_km_s[k] * tau);
        let (ra_rad, dec_rad) = radec_rad(los);
        let ts = TimeScales::from_utc_ns_since_1950(*t, eop);
        let er = EarthRotation::new(&ts);
        meas.push(AngleMeasurement {
            index: meas.len(),
            station: "geocentre".into(),
            time,
            site_gcrs_km: [0.0; 3],
            teme_to_gcrs: teme_to_gcrs_matrix(&ts, &er),
            ra_rad,
            dec_rad,
            sigma_rad,
        });
    }
    meas.sort_by_key(|m| m.time);
    let sgp4 = Sgp4FitOptions {
        prior: None,
        min_full_arc_periods: 0.0,
        // No outliers in a model ephemeris: every sample counts.
        outlier_floor_arcsec: f64::INFINITY,
        ..Sgp4FitOptions::default()
    };
    Ok(fit_sgp4(initial, &meas, &sgp4)?)
}
