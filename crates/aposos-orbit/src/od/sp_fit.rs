//! Special-perturbations orbit determination: the GCRS state at the last measurement
//! (and the drag coefficient when the arc shows it) fitted to RA/Dec measurements by
//! batch weighted least squares, the Jacobian from the propagator's variational
//! equations.
//!
//! The initial state is the initial element set's SGP4 state at the fit epoch, carried
//! to the GCRS; its ballistic coefficient B = C_D·A/m starts from B* (B* = B·ρ₀R⊕/2,
//! ρ₀ = 2.461e-5 kg/m³). An optional prior (the initial orbit's expected errors in
//! RTN) keeps short arcs well posed. Measurements are modelled as in the SGP4 fit:
//! geometric GCRS direction from the observer with one light-time correction (Orekit's
//! `AngularRaDec` convention), no aberration.

use super::lsq::{solve_with_jacobian, LsqError, LsqOptions};
use super::measurement::AngleMeasurement;
use super::report::{covariance_in_rtn, fit_residual, line_of_sight, radec_residual_rad};
use super::sgp4_fit::{rtn_matrix, FitResidual, PriorErrors};
use crate::sgp4::Sgp4;
use crate::sp::{ForceModel, Parameter, SpError, SpPropagator, SurfaceForce};
use aposos_astro::topocentric::norm;
use aposos_astro::{Eop, Vec3};
use aposos_formats::{ElementSet, Epoch};

/// ρ₀·R⊕/2 in the B* definition (1/earth radii per m²/kg).
pub const BSTAR_PER_BALLISTIC: f64 = 2.461e-5 * 6.378_135e6 / 2.0;

/// Options of an SP fit.
#[derive(Debug, Clone, PartialEq)]
pub struct SpFitOptions {
    /// Solver options.
    pub lsq: LsqOptions,
    /// Residuals below this (arcsec) are never outliers.
    pub outlier_floor_arcsec: f64,
    /// The force model (its drag and SRP coefficients are the starting values).
    pub force: ForceModel,
    /// Estimate C_D: `None` decides (arc ≥ `min_drag_arc_days`, perigee below 1000 km).
    pub estimate_drag: Option<bool>,
    /// Estimate C_R (default: no).
    pub estimate_srp: bool,
    /// Shortest arc (days) on which C_D is estimated.
    pub min_drag_arc_days: f64,
    /// The initial orbit's expected errors as a prior (`None`: measurements alone).
    pub prior: Option<PriorErrors>,
    /// The prior is used only on arcs shorter than this (days): on longer arcs the
    /// measurements determine the orbit and the SGP4 element set's own model error
    /// (km for a low perigee over days) would bias it.
    pub prior_max_arc_days: f64,
    /// Take the starting B from the initial element set's B*.
    pub ballistic_from_bstar: bool,
}

impl Default for SpFitOptions {
    fn default() -> Self {
        Self {
            // Each evaluation is a numerical propagation: stop when the cost moves by
            // under 1e-7 of itself (well below a thousandth of a sigma in every parameter).
            lsq: LsqOptions {
                tolerance: 1e-7,
                ..LsqOptions::default()
            },
            outlier_floor_arcsec: 6.0,
            force: ForceModel::default(),
            estimate_drag: None,
            estimate_srp: false,
            min_drag_arc_days: 1.5,
            prior: None,
            prior_max_arc_days: 1.0,
            ballistic_from_bstar: true,
        }
    }
}

/// A fitted SP orbit.
#[derive(Debug, Clone, PartialEq)]
pub struct SpFit {
    /// Epoch (UTC): the last measurement.
    pub epoch: Epoch,
    /// Position at epoch, GCRS (km).
    pub position_km: Vec3,
    /// Velocity at epoch, GCRS (km/s).
    pub velocity_km_s: Vec3,
    /// The force model with the fitted coefficients.
    pub force: ForceModel,
    /// The parameters estimated beyond the state.
    pub estimated: Vec<Parameter>,
    /// Covariance of (position, velocity, estimated parameters) in the GCRS (km, km/s),
    /// scaled by the RMS² when above 1.
    pub covariance: Vec<Vec<f64>>,
    /// The state's covariance in RTN (radial, along, normal; km, km/s).
    pub covariance_rtn: [[f64; 6]; 6],
    /// Residual of every measurement.
    pub residuals: Vec<FitResidual>,
    /// RMS of the used residuals per axis (arcsec).
    pub rms_arcsec: f64,
    /// RMS of the used normalised residuals.
    pub rms_normalised: f64,
    /// Measurements used.
    pub used: usize,
    /// Measurements rejected as outliers.
    pub rejected: usize,
    /// Solver iterations.
    pub iterations: usize,
    /// Whether the solver converged.
    pub converged: bool,
}

/// Why an SP fit failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpFitError {
    /// No measurements.
    #[error("no measurements to fit")]
    NoMeasurements,
    /// The initial elements do not run in SGP4.
    #[error("the initial element set does not run in SGP4: {0}")]
    Initial(String),
    /// The propagation failed at the solution.
    #[error(transparent)]
    Propagation(#[from] SpError),
    /// The solver failed.
    #[error(transparent)]
    Lsq(#[from] LsqError),
}

/// The GCRS state of `el` at `time` from SGP4.
pub fn sgp4_state_gcrs(el: &ElementSet, time: Epoch, eop: &Eop) -> Result<(Vec3, Vec3), String> {
    let sat = Sgp4::new(el).map_err(|e| e.to_string())?;
    let s = sat
        .propagate(time.minutes_since(sat.epoch()))
        .map_err(|e| e.to_string())?;
    let ts = aposos_astro::TimeScales::from_utc_ns_since_1950(time.ns_since_1950(), eop);
    Ok(aposos_astro::teme_to_gcrs(
        s.position_km,
        s.velocity_km_s,
        &ts,
    ))
}

/// Normalised residual pair for line of sight `rho`.
fn residual(m: &AngleMeasurement, rho: Vec3) -> [f64; 2] {
    radec_residual_rad(m, rho).map(|x| x / m.sigma_rad)
}

struct Setup<'a> {
    epoch: Epoch,
    force: ForceModel,
    params: Vec<Parameter>,
    eop: &'a Eop,
    order: Vec<usize>,
}

impl Setup<'_> {
    fn force_at(&self, p: &[f64]) -> ForceModel {
        let mut f = self.force;
        for (k, par) in self.params.iter().enumerate() {
            let value = p[6 + k];
            match par {
                Parameter::DragCoefficient => {
                    if let Some(d) = f.drag.as_mut() {
                        d.coefficient = value;
                    }
                }
                Parameter::SrpCoefficient => {
                    if let Some(s) = f.srp.as_mut() {
                        s.coefficient = value;
                    }
                }
            }
        }
        f
    }

    /// Residuals (and with `stm` their Jacobian) in measurement order.
    #[allow(clippy::type_complexity)]
    fn evaluate(
        &self,
        p: &[f64],
        measurements: &[AngleMeasurement],
        stm: bool,
    ) -> Option<(Vec<[f64; 2]>, Vec<Vec<[f64; 2]>>)> {
        if p.iter().any(|x| !x.is_finite()) || p[6..].iter().any(|c| !(*c > 0.0 && *c < 100.0)) {
            return None;
        }
        let mut prop = SpPropagator::new(
            self.epoch,
            [p[0], p[1], p[2]],
            [p[3], p[4], p[5]],
            self.force_at(p),
            self.eop,
        );
        if stm {
            prop = prop.with_stm(&self.params).ok()?;
        }
        let np = p.len();
        let mut res = vec![[0.0; 2]; measurements.len()];
        let mut jac = if stm {
            vec![vec![[0.0; 2]; measurements.len()]; np]
        } else {
            Vec::new()
        };
        for &i in &self.order {
            let m = &measurements[i];
            let s = prop.propagate(m.time).ok()?;
            let (rho, tau) = line_of_sight(m, s.position_km, s.velocity_km_s);
            res[i] = residual(m, rho);
            if let Some(phi) = &s.stm {
                let (x, y, z) = (rho[0], rho[1], rho[2]);
                let q = x * x + y * y;
                let d2 = q + z * z;
                let sq = q.sqrt();
                let dra = [-y / q, x / q, 0.0];
                let ddec = [-x * z / (d2 * sq), -y * z / (d2 * sq), sq / d2];
                let cd = (z / d2.sqrt()).asin().cos();
                for (c, col) in jac.iter_mut().enumerate() {
                    let drho = [0, 1, 2].map(|k| phi[k][c] - tau * phi[k + 3][c]);
                    let a: f64 = (0..3).map(|k| dra[k] * drho[k]).sum();
                    let b: f64 = (0..3).map(|k| ddec[k] * drho[k]).sum();
                    col[i] = [-a * cd / m.sigma_rad, -b / m.sigma_rad];
                }
            }
        }
        Some((res, jac))
    }
}

/// Fits the SP state at the last measurement to `measurements`, starting from `initial`.
// Index loops over small matrices read as the formulas they are.
#[allow(clippy::needless_range_loop)]
pub fn fit_sp(
    initial: &ElementSet,
    measurements: &[AngleMeasurement],
    eop: &Eop,
    opts: &SpFitOptions,
) -> Result<SpFit, SpFitError> {
    let epoch = measurements
        .iter()
        .map(|m| m.time)
        .max()
        .ok_or(SpFitError::NoMeasurements)?;
    let first = measurements.iter().map(|m| m.time).min().unwrap_or(epoch);
    let arc_days = epoch.minutes_since(first) / 1440.0;
    let (r0, v0) = sgp4_state_gcrs(initial, epoch, eop).map_err(SpFitError::Initial)?;
    let mut force = opts.force;
    if let (Some(d), true) = (force.drag.as_mut(), opts.ballistic_from_bstar) {
        let b = initial.bstar_per_earth_radii / BSTAR_PER_BALLISTIC;
        if b.is_finite() && b > 1e-4 {
            d.area_to_mass_m2_kg = (b / d.coefficient).min(0.5);
        }
    }
    let gm = crate::sp::gravity::GravityField::egm96().gm_km3_s2;
    let (rn, vn) = (norm(r0), norm(v0));
    let a_km = 1.0 / (2.0 / rn - vn * vn / gm);
    let e_vec = {
        let h = aposos_astro::topocentric::cross(r0, v0);
        let vxh = aposos_astro::topocentric::cross(v0, h);
        [0, 1, 2].map(|k| vxh[k] / gm - r0[k] / rn)
    };
    let perigee_km = a_km * (1.0 - norm(e_vec)) - 6378.137;
    let mut params = Vec::new();
    let drag_on = opts
        .estimate_drag
        .unwrap_or(arc_days >= opts.min_drag_arc_days && perigee_km < 1000.0);
    if drag_on && force.drag.is_some() {
        params.push(Parameter::DragCoefficient);
    }
    if opts.estimate_srp && force.srp.is_some() {
        params.push(Parameter::SrpCoefficient);
    }
    let mut start = vec![r0[0], r0[1], r0[2], v0[0], v0[1], v0[2]];
    for p in &params {
        start.push(match p {
            Parameter::DragCoefficient => force.drag.map_or(2.2, |d| d.coefficient),
            Parameter::SrpCoefficient => force.srp.map_or(1.3, |d| d.coefficient),
        });
    }
    // Measurements sorted by distance from the epoch, so that one backward sweep
    // reaches them all.
    let mut order: Vec<usize> = (0..measurements.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(measurements[i].time));
    let setup = Setup {
        epoch,
        force,
        params: params.clone(),
        eop,
        order,
    };
    // Prior: RTN position sigmas from the element set's age, velocity sigmas n × them.
    let rot = rtn_matrix(r0, v0);
    let prior = opts.prior.filter(|_| arc_days < opts.prior_max_arc_days);
    let prior_sigma = prior.map(|pr| {
        let n = (gm / a_km.abs().powi(3)).sqrt();
        let age = epoch.minutes_since(initial.epoch).abs() / 1440.0;
        let along = pr.along_km + pr.along_km_per_day * age;
        [
            pr.radial_km,
            along,
            pr.cross_km,
            n * along,
            2.0 * n * pr.radial_km + pr.along_km_per_day / 86_400.0,
            n * pr.cross_km,
        ]
    });
    let prior_rows = |p: &[f64]| -> Vec<f64> {
        let s = prior_sigma.unwrap_or([1.0; 6]);
        let d = [0, 1, 2, 3, 4, 5].map(|k| p[k] - start[k]);
        let mut out = vec![0.0; 6];
        for i in 0..3 {
            out[i] = (0..3).map(|k| rot[i][k] * d[k]).sum::<f64>() / s[i];
            out[i + 3] = (0..3).map(|k| rot[i][k] * d[k + 3]).sum::<f64>() / s[i + 3];
        }
        out
    };
    let model = |p: &[f64]| -> Option<Vec<[f64; 2]>> {
        let (mut r, _) = setup.evaluate(p, measurements, false)?;
        if prior_sigma.is_some() {
            let q = prior_rows(p);
            r.extend([[q[0], q[1]], [q[2], q[3]], [q[4], q[5]]]);
        }
        Some(r)
    };
    let np = start.len();
    let jacobian = |p: &[f64]| -> Option<Vec<Vec<[f64; 2]>>> {
        let (_, mut jac) = setup.evaluate(p, measurements, true)?;
        if let Some(s) = prior_sigma {
            for (c, col) in jac.iter_mut().enumerate() {
                let mut q = [0.0; 6];
                if c < 6 {
                    let (block, k) = (c / 3, c % 3);
                    for i in 0..3 {
                        q[i + 3 * block] = rot[i][k] / s[i + 3 * block];
                    }
                }
                col.extend([[q[0], q[1]], [q[2], q[3]], [q[4], q[5]]]);
            }
        }
        Some(jac)
    };
    let free = vec![true; np];
    let mut floor: Vec<f64> = measurements
        .iter()
        .map(|m| (opts.outlier_floor_arcsec / 3600.0).to_radians() / m.sigma_rad)
        .collect();
    if prior_sigma.is_some() {
        floor.extend([f64::INFINITY; 3]);
    }
    // With force parameters, the state alone first: a far start converges on it
    // before the weakly observable coefficients join.
    let mut start_full = start.clone();
    if np > 6 {
        let mut free6 = free.clone();
        for f in free6.iter_mut().skip(6) {
            *f = false;
        }
        if let Ok(s6) = solve_with_jacobian(&model, &jacobian, &start, &free6, &floor, &opts.lsq) {
            start_full = s6.params;
        }
    }
    let sol = solve_with_jacobian(&model, &jacobian, &start_full, &free, &floor, &opts.lsq)?;
    let p = &sol.params;
    let (r, v) = ([p[0], p[1], p[2]], [p[3], p[4], p[5]]);
    let fitted_force = setup.force_at(p);

    // Residual report.
    let mut prop = SpPropagator::new(epoch, r, v, fitted_force, eop);
    let mut residuals = vec![None; measurements.len()];
    let mut sum2 = 0.0;
    for &i in &setup.order {
        let m = &measurements[i];
        let s = prop.propagate(m.time)?;
        let (rho0, _) = line_of_sight(m, s.position_km, s.velocity_km_s);
        let later = [0, 1, 2].map(|k| s.position_km[k] + s.velocity_km_s[k]);
        let (rho1, _) = line_of_sight(m, later, s.velocity_km_s);
        let res = fit_residual(m, rho0, rho1, sol.used[i]);
        if sol.used[i] {
            sum2 += res.ra_arcsec.powi(2) + res.dec_arcsec.powi(2);
        }
        residuals[i] = Some(res);
    }
    let residuals: Vec<FitResidual> = residuals.into_iter().flatten().collect();
    let used = sol.used[..measurements.len()]
        .iter()
        .filter(|u| **u)
        .count();
    let scale = sol.rms.max(1.0).powi(2);
    let covariance: Vec<Vec<f64>> = sol
        .covariance
        .iter()
        .map(|row| row.iter().map(|c| c * scale).collect())
        .collect();
    let mut c6 = [[0.0; 6]; 6];
    for (i, row) in c6.iter_mut().enumerate() {
        row.copy_from_slice(&covariance[i][..6]);
    }
    let covariance_rtn = covariance_in_rtn(&c6, r, v);
    Ok(SpFit {
        epoch,
        position_km: r,
        velocity_km_s: v,
        force: fitted_force,
        estimated: params,
        covariance,
        covariance_rtn,
        residuals,
        rms_arcsec: (sum2 / (2 * used.max(1)) as f64).sqrt(),
        rms_normalised: sol.rms,
        used,
        rejected: measurements.len() - used,
        iterations: sol.iterations,
        converged: sol.converged,
    })
}

/// The drag force with a ballistic coefficient B = C_D·A/m (m²/kg) as C_D 2.2.
pub fn drag_with_ballistic(b_m2_kg: f64) -> SurfaceForce {
    SurfaceForce {
        coefficient: 2.2,
        area_to_mass_m2_kg: b_m2_kg / 2.2,
    }
}
