//! Angle measurements prepared for orbit determination: each observation with the
//! observer's GCRS position and the TEME → GCRS rotation at its time, so that a fit
//! evaluates only the orbit model in its loop.

use aposos_astro::frames::{teme_to_gcrs_matrix, Mat3, Vec3};
use aposos_astro::topocentric::site_gcrs_pv;
use aposos_astro::{EarthRotation, Eop, Geodetic, TimeScales};
use aposos_formats::obs::{Angles, Observation, RaDecFrame};
use aposos_formats::Epoch;
use std::collections::HashMap;

/// One astrometric RA/Dec measurement ready for a fit.
#[derive(Debug, Clone, PartialEq)]
pub struct AngleMeasurement {
    /// Index of the observation it came from.
    pub index: usize,
    /// Station (site id).
    pub station: String,
    /// Time (UTC).
    pub time: Epoch,
    /// Observer position, GCRS (km).
    pub site_gcrs_km: Vec3,
    /// TEME → GCRS rotation at `time`.
    pub teme_to_gcrs: Mat3,
    /// Measured right ascension (rad), J2000/ICRF astrometric.
    pub ra_rad: f64,
    /// Measured declination (rad).
    pub dec_rad: f64,
    /// One-sigma uncertainty per axis (rad).
    pub sigma_rad: f64,
}

/// Prepares the J2000 RA/Dec observations whose station is in `sites`; the others are
/// returned with the reason (index, why). `default_sigma_arcsec` stands in for a
/// missing uncertainty.
pub fn prepare_measurements(
    observations: &[Observation],
    sites: &HashMap<String, Geodetic>,
    eop: &Eop,
    default_sigma_arcsec: f64,
) -> (Vec<AngleMeasurement>, Vec<(usize, String)>) {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for (index, o) in observations.iter().enumerate() {
        let Angles::RaDec {
            ra_deg,
            dec_deg,
            frame: RaDecFrame::J2000,
        } = o.angles
        else {
            skipped.push((index, "not J2000 RA/Dec".to_string()));
            continue;
        };
        let Some(site) = sites.get(&o.station) else {
            skipped.push((index, format!("unknown site {:?}", o.station)));
            continue;
        };
        let ts = TimeScales::from_utc_ns_since_1950(o.time.ns_since_1950(), eop);
        let er = EarthRotation::new(&ts);
        let (site_gcrs_km, _) = site_gcrs_pv(site.to_itrf(), &er);
        let sigma_arcsec = o
            .angle_sigma_deg
            .map(|s| s * 3600.0)
            .filter(|s| s.is_finite() && *s > 0.0)
            .unwrap_or(default_sigma_arcsec);
        out.push(AngleMeasurement {
            index,
            station: o.station.clone(),
            time: o.time,
            site_gcrs_km,
            teme_to_gcrs: teme_to_gcrs_matrix(&ts, &er),
            ra_rad: ra_deg.to_radians(),
            dec_rad: dec_deg.to_radians(),
            sigma_rad: (sigma_arcsec / 3600.0).to_radians(),
        });
    }
    (out, skipped)
}
