//! SGP4 element fitting: the mean elements (and B* when the arc allows) that make SGP4
//! reproduce angle measurements best, so that the result is an element set (TLE/OMM)
//! any user can propagate.
//!
//! Parameters are equinoctial, regular for circular and equatorial orbits: mean motion
//! `n` (rev/day), `e·cos ϖ`, `e·sin ϖ`, `tan(i/2)·cos Ω`, `tan(i/2)·sin Ω`, mean
//! longitude `λ = M + ϖ` (ϖ = ω + Ω), and B*. The epoch is the last measurement's (on
//! the TLE grid of 1e-8 day); the initial elements are carried to it by [`reepoch`]
//! (fitted to their own positions around it, so drag accumulated since is kept). The model of a measurement is SGP4 at the time of emission (light time from
//! the observer's GCRS position), rotated TEME → GCRS: astrometric RA/Dec as measured.
//! With a prior (the default), the initial elements' expected errors weigh against the
//! measurements, so that a weak arc cannot pull the orbit away from what was known.
//! B* is fitted when the arc spans at least `min_bstar_arc_days` of a near-Earth orbit.
//! With a prior all six elements are fitted whatever the arc: one tracklet then mostly
//! moves the along-track position, and the covariance keeps the prior's uncertainty of
//! the rest (mean motion above all), so that it grows honestly with time. Without a
//! prior, an arc shorter than `min_full_arc_periods` of the orbit (one tracklet)
//! determines the mean longitude only, the rest is kept.

use super::lsq::{solve, LsqError, LsqOptions};
use super::measurement::AngleMeasurement;
use super::report::{covariance_in_rtn, fit_residual, line_of_sight, radec_residual_rad};
use crate::sgp4::Sgp4;
use aposos_astro::frames::{mxv, Vec3};
use aposos_astro::topocentric::{cross, norm};
use aposos_formats::{ElementSet, Epoch};
use std::f64::consts::TAU;

/// Resolution of a TLE epoch (1e-8 day), ns.
const TLE_EPOCH_STEP_NS: i64 = 864_000;

/// The expected errors of the initial element set (one sigma), used as a prior: the fit
/// then weighs what the measurements say against what the catalog already knew, and
/// a weak arc cannot pull the orbit far from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriorErrors {
    /// Along-track error at the initial epoch (km).
    pub along_km: f64,
    /// Its growth per day of age (km/day), also the sigma of the mean-motion drift.
    pub along_km_per_day: f64,
    /// Cross-track error (km).
    pub cross_km: f64,
    /// Radial error (km).
    pub radial_km: f64,
    /// B*'s error as a fraction of its value (drag varies with the Sun; a short arc
    /// cannot tell B* from an along-track drift on its own).
    pub bstar_rel: f64,
    /// B*'s error floor (1/earth radii), for element sets whose B* is near zero.
    pub bstar_floor: f64,
}

impl Default for PriorErrors {
    /// As correlation assumes: 2 km + 4 km/day along track, 0.5 km across and radially;
    /// B* within 50 % (at least 2e-5).
    fn default() -> Self {
        Self {
            along_km: 2.0,
            along_km_per_day: 4.0,
            cross_km: 0.5,
            radial_km: 0.5,
            bstar_rel: 0.5,
            bstar_floor: 2e-5,
        }
    }
}

/// Options of an SGP4 fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sgp4FitOptions {
    /// Solver options (outlier threshold, iterations).
    pub lsq: LsqOptions,
    /// Residual (arcsec) below which a measurement is never an outlier.
    pub outlier_floor_arcsec: f64,
    /// Shortest arc (days) over which B* of a near-Earth orbit is fitted.
    pub min_bstar_arc_days: f64,
    /// Fit B* whatever the arc (true) or never (false); `None`: by the arc.
    pub fit_bstar: Option<bool>,
    /// Without a prior: shortest arc, in orbital periods, for which all six elements are
    /// fitted; a shorter one (a single tracklet) corrects the mean longitude only.
    pub min_full_arc_periods: f64,
    /// The initial elements' errors as a prior; `None`: no prior (an initial orbit from
    /// angles alone).
    pub prior: Option<PriorErrors>,
}

impl Default for Sgp4FitOptions {
    fn default() -> Self {
        Self {
            lsq: LsqOptions::default(),
            outlier_floor_arcsec: 2.0,
            min_bstar_arc_days: 1.5,
            fit_bstar: None,
            min_full_arc_periods: 0.1,
            prior: Some(PriorErrors::default()),
        }
    }
}

/// One measurement's residual at the solution.
#[derive(Debug, Clone, PartialEq)]
pub struct FitResidual {
    /// Index of the observation.
    pub index: usize,
    /// Station.
    pub station: String,
    /// Time (UTC).
    pub time: Epoch,
    /// ΔRA·cos Dec, measured minus computed (arcsec).
    pub ra_arcsec: f64,
    /// ΔDec (arcsec).
    pub dec_arcsec: f64,
    /// Along the computed apparent motion (arcsec).
    pub along_arcsec: f64,
    /// Across it (arcsec).
    pub cross_arcsec: f64,
    /// Rejected as an outlier.
    pub outlier: bool,
}

/// An SGP4 fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Sgp4Fit {
    /// The fitted element set (epoch at the last measurement).
    pub elements: ElementSet,
    /// Every measurement's residual.
    pub residuals: Vec<FitResidual>,
    /// RMS of the used residuals (arcsec, per axis).
    pub rms_arcsec: f64,
    /// RMS of the normalised residuals (1 when the sigmas are right).
    pub rms_normalised: f64,
    /// Measurements used and rejected.
    pub used: usize,
    /// Outliers.
    pub rejected: usize,
    /// Whether B* was fitted.
    pub fitted_bstar: bool,
    /// Whether all six elements were fitted (false: the arc was short and only the mean
    /// longitude was corrected; the covariance then holds that correction alone).
    pub full: bool,
    /// Solver iterations.
    pub iterations: usize,
    /// Whether the solver converged.
    pub converged: bool,
    /// Covariance of the TEME position and velocity at epoch in the RTN frame (radial,
    /// along, normal; km and km/s), scaled by the RMS² when above 1.
    pub covariance_rtn: [[f64; 6]; 6],
}

/// Why an SGP4 fit failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Sgp4FitError {
    /// No measurements.
    #[error("no measurements to fit")]
    NoMeasurements,
    /// The initial elements do not run in SGP4.
    #[error("the initial element set does not run in SGP4: {0}")]
    Initial(String),
    /// The solver failed.
    #[error(transparent)]
    Lsq(#[from] LsqError),
}

/// Steps of the finite differences in each parameter (n, the four equinoctial, λ, B*).
pub(crate) fn param_steps(el: &ElementSet) -> [f64; 7] {
    let n = 1e-7 * el.mean_motion_rev_per_day.max(1.0);
    [n, 1e-7, 1e-7, 1e-7, 1e-7, 1e-7, 1e-6]
}

pub(crate) fn elements_at(base: &ElementSet, epoch: Epoch, p: &[f64]) -> Option<ElementSet> {
    let (n, ex, ey, hx, hy, lam, bstar) = (p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
    let e = ex.hypot(ey);
    if !(n > 0.0 && n < 20.0 && e < 0.99 && bstar.is_finite()) {
        return None;
    }
    let varpi = ey.atan2(ex);
    let node = hy.atan2(hx);
    let inc = 2.0 * hx.hypot(hy).atan();
    let mut el = base.clone();
    el.epoch = epoch;
    el.mean_motion_rev_per_day = n;
    el.eccentricity = e;
    el.inclination_deg = inc.to_degrees();
    el.raan_deg = node.to_degrees().rem_euclid(360.0);
    el.arg_of_pericenter_deg = (varpi - node).to_degrees().rem_euclid(360.0);
    el.mean_anomaly_deg = (lam - varpi).to_degrees().rem_euclid(360.0);
    el.bstar_per_earth_radii = bstar;
    Some(el)
}

pub(crate) fn params_of(el: &ElementSet) -> Vec<f64> {
    let (i, node, w, m) = (
        el.inclination_deg.to_radians(),
        el.raan_deg.to_radians(),
        el.arg_of_pericenter_deg.to_radians(),
        el.mean_anomaly_deg.to_radians(),
    );
    let varpi = w + node;
    let t = (i / 2.0).tan();
    vec![
        el.mean_motion_rev_per_day,
        el.eccentricity * varpi.cos(),
        el.eccentricity * varpi.sin(),
        t * node.cos(),
        t * node.sin(),
        m + varpi,
        el.bstar_per_earth_radii,
    ]
}

/// `initial` carried to `epoch`: the SGP4 mean elements with that epoch (same B*) that
/// reproduce `initial`'s positions over the orbit before and after it (least squares on
/// 17 positions over two periods), so that drag's quadratic terms and deep-space
/// resonance accumulated since the old epoch are kept, which the secular rates alone
/// lose. Errors: `initial` does not run in SGP4.
pub fn reepoch(initial: &ElementSet, epoch: Epoch) -> Result<ElementSet, String> {
    let sat0 = Sgp4::new(initial).map_err(|e| e.to_string())?;
    let dt_min = epoch.minutes_since(initial.epoch);
    let mut start_el = initial.clone();
    start_el.epoch = epoch;
    start_el.mean_anomaly_deg =
        (initial.mean_anomaly_deg + (sat0.mdot * dt_min).to_degrees()).rem_euclid(360.0);
    start_el.arg_of_pericenter_deg =
        (initial.arg_of_pericenter_deg + (sat0.argpdot * dt_min).to_degrees()).rem_euclid(360.0);
    start_el.raan_deg = (initial.raan_deg + (sat0.nodedot * dt_min).to_degrees()).rem_euclid(360.0);
    if dt_min.abs() < 1.0 {
        return Ok(start_el);
    }
    let period_min = 1440.0 / initial.mean_motion_rev_per_day.max(1e-3);
    let times: Vec<f64> = (0..17)
        .map(|k| (k as f64 - 8.0) / 8.0 * period_min)
        .collect();
    let Some(target) = times
        .iter()
        .map(|t| sat0.propagate(dt_min + t).ok().map(|s| s.position_km))
        .collect::<Option<Vec<Vec3>>>()
    else {
        // The old elements do not reach the new epoch (decayed): the secular carry.
        return Ok(start_el);
    };
    let start = params_of(&start_el);
    let model = |p: &[f64]| -> Option<Vec<[f64; 2]>> {
        let sat = Sgp4::new(&elements_at(&start_el, epoch, p)?).ok()?;
        let mut out = Vec::with_capacity(2 * times.len());
        for (t, r0) in times.iter().zip(&target) {
            let r = sat.propagate(*t).ok()?.position_km;
            out.push([r[0] - r0[0], r[1] - r0[1]]);
            out.push([r[2] - r0[2], 0.0]);
        }
        Some(out)
    };
    let steps = param_steps(initial);
    let free = [true, true, true, true, true, true, false];
    let floor = vec![f64::INFINITY; 2 * times.len()];
    let opts = LsqOptions {
        max_iterations: 20,
        tolerance: 1e-12,
        max_rejection_rounds: 0,
        ..LsqOptions::default()
    };
    match solve(&model, &start, &steps, &free, &floor, &opts) {
        Ok(sol) => Ok(elements_at(&start_el, epoch, &sol.params).unwrap_or(start_el)),
        Err(_) => Ok(start_el),
    }
}

/// The computed astrometric direction (GCRS unit vector) of `sat` for measurement `m`.
fn direction(sat: &Sgp4, m: &AngleMeasurement, dt_s: f64) -> Option<Vec3> {
    let t = m.time.add_ns((dt_s * 1e9) as i64);
    let s = sat.propagate(t.minutes_since(sat.epoch())).ok()?;
    let r = mxv(&m.teme_to_gcrs, s.position_km);
    let v = mxv(&m.teme_to_gcrs, s.velocity_km_s);
    let (rho, _) = line_of_sight(m, r, v);
    let d = norm(rho);
    Some(rho.map(|x| x / d))
}

/// Fits SGP4 elements to `measurements`, starting from `initial`.
// Index loops over small matrices read as the formulas they are.
#[allow(clippy::needless_range_loop)]
pub fn fit_sgp4(
    initial: &ElementSet,
    measurements: &[AngleMeasurement],
    opts: &Sgp4FitOptions,
) -> Result<Sgp4Fit, Sgp4FitError> {
    let last = measurements
        .iter()
        .map(|m| m.time)
        .max()
        .ok_or(Sgp4FitError::NoMeasurements)?;
    let first = measurements.iter().map(|m| m.time).min().unwrap_or(last);
    let raw = last.ns_since_1950();
    let epoch = Epoch::from_ns_since_1950(raw - raw.rem_euclid(TLE_EPOCH_STEP_NS));
    // The initial elements carried to the fit epoch (fitted to their own positions).
    let sat0 = Sgp4::new(initial).map_err(|e| Sgp4FitError::Initial(e.to_string()))?;
    let dt_min = epoch.minutes_since(initial.epoch);
    let start = params_of(&reepoch(initial, epoch).map_err(Sgp4FitError::Initial)?);
    let arc_days = last.minutes_since(first) / 1440.0;
    let fit_bstar = opts
        .fit_bstar
        .unwrap_or(!sat0.is_deep_space() && arc_days >= opts.min_bstar_arc_days);
    let period_days = 1.0 / initial.mean_motion_rev_per_day.max(1e-3);
    // With a prior every element is fitted: the prior holds what a short arc cannot
    // tell, and the covariance keeps it. Without one, a short arc moves λ alone.
    let full = opts.prior.is_some() || arc_days >= opts.min_full_arc_periods * period_days;
    let fit_bstar = fit_bstar && full;
    let free = [full, full, full, full, full, true, fit_bstar];
    let steps = param_steps(initial);
    // The prior's sigmas in parameter units.
    let prior_sigma: Option<[f64; 7]> = opts.prior.map(|pr| {
        let n_rad_s = initial.mean_motion_rev_per_day * TAU / 86_400.0;
        let a_km = (super::iod::MU_KM3_S2 / (n_rad_s * n_rad_s)).cbrt();
        let age = dt_min.abs() / 1440.0;
        [
            pr.along_km_per_day / a_km / TAU,
            pr.radial_km / a_km,
            pr.radial_km / a_km,
            pr.cross_km / a_km,
            pr.cross_km / a_km,
            (pr.along_km + pr.along_km_per_day * age) / a_km,
            (pr.bstar_rel * initial.bstar_per_earth_radii.abs()).max(pr.bstar_floor),
        ]
    });
    let model = |p: &[f64]| -> Option<Vec<[f64; 2]>> {
        let el = elements_at(initial, epoch, p)?;
        let sat = Sgp4::new(&el).ok()?;
        let mut out: Vec<[f64; 2]> = measurements
            .iter()
            .map(|m| {
                let r = radec_residual_rad(m, direction(&sat, m, 0.0)?);
                Some([r[0] / m.sigma_rad, r[1] / m.sigma_rad])
            })
            .collect::<Option<_>>()?;
        if let Some(s) = prior_sigma {
            let d: Vec<f64> = (0..7).map(|k| (p[k] - start[k]) / s[k]).collect();
            out.extend([[d[0], d[1]], [d[2], d[3]], [d[4], d[5]], [d[6], 0.0]]);
        }
        Some(out)
    };
    let mut floor: Vec<f64> = measurements
        .iter()
        .map(|m| (opts.outlier_floor_arcsec / 3600.0).to_radians() / m.sigma_rad)
        .collect();
    if prior_sigma.is_some() {
        // The prior is never an outlier.
        floor.extend([f64::INFINITY; 4]);
    }
    let sol = solve(&model, &start, &steps, &free, &floor, &opts.lsq)?;
    let el = elements_at(initial, epoch, &sol.params).ok_or(LsqError::Singular)?;
    let sat = Sgp4::new(&el).map_err(|e| Sgp4FitError::Initial(e.to_string()))?;

    // Residuals in arcsec, split along and across the computed motion.
    let mut residuals = Vec::with_capacity(measurements.len());
    let mut sum2 = 0.0;
    for (k, m) in measurements.iter().enumerate() {
        let (Some(u0), Some(u1)) = (direction(&sat, m, 0.0), direction(&sat, m, 1.0)) else {
            continue;
        };
        let res = fit_residual(m, u0, u1, sol.used[k]);
        if sol.used[k] {
            sum2 += res.ra_arcsec.powi(2) + res.dec_arcsec.powi(2);
        }
        residuals.push(res);
    }
    let used = sol.used[..measurements.len()]
        .iter()
        .filter(|u| **u)
        .count();

    // Covariance of the state at epoch: parameters → TEME state by differences, to RTN.
    let scale = sol.rms.max(1.0).powi(2);
    let state = |p: &[f64]| -> Option<[f64; 6]> {
        let s = Sgp4::new(&elements_at(initial, epoch, p)?)
            .ok()?
            .propagate(0.0)
            .ok()?;
        let (r, v) = (s.position_km, s.velocity_km_s);
        Some([r[0], r[1], r[2], v[0], v[1], v[2]])
    };
    let mut g = [[0.0; 7]; 6];
    for k in 0..7 {
        if !free[k] {
            continue;
        }
        let (mut xp, mut xm) = (sol.params.clone(), sol.params.clone());
        xp[k] += steps[k];
        xm[k] -= steps[k];
        if let (Some(a), Some(b)) = (state(&xp), state(&xm)) {
            for i in 0..6 {
                g[i][k] = (a[i] - b[i]) / (2.0 * steps[k]);
            }
        }
    }
    let s0 = sat
        .propagate(0.0)
        .map_err(|e| Sgp4FitError::Initial(e.to_string()))?;
    // C_teme = G · C · Gᵀ, then to RTN.
    let mut c_teme = [[0.0; 6]; 6];
    for i in 0..6 {
        for j in 0..6 {
            let mut s = 0.0;
            for a in 0..7 {
                for b in 0..7 {
                    s += g[i][a] * sol.covariance[a][b] * g[j][b];
                }
            }
            c_teme[i][j] = s * scale;
        }
    }
    let covariance_rtn = covariance_in_rtn(&c_teme, s0.position_km, s0.velocity_km_s);
    Ok(Sgp4Fit {
        elements: el,
        rms_arcsec: (sum2 / (2 * used.max(1)) as f64).sqrt(),
        rms_normalised: sol.rms,
        used,
        rejected: measurements.len() - used,
        fitted_bstar: fit_bstar,
        full,
        iterations: sol.iterations,
        converged: sol.converged,
        covariance_rtn,
        residuals,
    })
}

/// Rows: the radial, along-track (transverse) and normal unit vectors of a state.
pub fn rtn_matrix(r: Vec3, v: Vec3) -> [[f64; 3]; 3] {
    let rh = r.map(|x| x / norm(r));
    let h = cross(r, v);
    let nh = h.map(|x| x / norm(h));
    let th = cross(nh, rh);
    [rh, th, nh]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reepoch_keeps_the_positions_drag_and_all() {
        // A decaying LEO object (B* 5e-4) carried three days on: around the new epoch,
        // and a day after it, the new element set must give the old one's positions.
        // The secular rates alone lose drag's quadratic along-track term.
        let el = ElementSet {
            object_name: None,
            object_id: None,
            norad_cat_id: 28057,
            classification: 'U',
            epoch: Epoch::parse_iso("2026-05-17T06:00:00").unwrap(),
            mean_motion_rev_per_day: 15.2,
            eccentricity: 0.0012,
            inclination_deg: 51.6,
            raan_deg: 120.0,
            arg_of_pericenter_deg: 80.0,
            mean_anomaly_deg: 10.0,
            ephemeris_type: 0,
            element_set_no: 0,
            rev_at_epoch: 0,
            bstar_per_earth_radii: 5e-4,
            mean_motion_dot_rev_per_day2: 0.0,
            mean_motion_ddot_rev_per_day3: 0.0,
            omm: Default::default(),
        };
        let old = Sgp4::new(&el).unwrap();
        let epoch = el.epoch.add_ns(3 * 86_400_000_000_000);
        let new = Sgp4::new(&reepoch(&el, epoch).unwrap()).unwrap();
        let dist = |t_min: f64| {
            let a = old
                .propagate(epoch.minutes_since(el.epoch) + t_min)
                .unwrap();
            let b = new.propagate(t_min).unwrap();
            norm([
                a.position_km[0] - b.position_km[0],
                a.position_km[1] - b.position_km[1],
                a.position_km[2] - b.position_km[2],
            ])
        };
        for t in [-100.0, -30.0, 0.0, 45.0, 100.0] {
            assert!(dist(t) < 0.05, "{t} min: {} km", dist(t));
        }
        assert!(dist(1440.0) < 1.0, "a day on: {} km", dist(1440.0));
    }
}
