//! The special-perturbations propagator: Cowell's method (position and velocity in
//! the GCRS integrated by DOP853) with, on request, the variational equations that
//! give the state transition matrix and the sensitivity to the drag and radiation
//! coefficients.
//!
//! The partial derivatives driving the variational equations: the gravity field's
//! gradient (central differences of the field at the model's degree), the Sun's and
//! the Moon's tidal terms, drag's through the density gradient, the co-rotating
//! atmosphere and the velocity, and the accelerations over C_D and C_R for those
//! parameters. SRP's dependence on position (shadow, distance) is left out.

use super::dop853::{Dop853, Dop853Options, IntegrationError};
use super::environment::{Environment, Snapshot};
use super::forces::{ForceModel, GM_MOON_KM3_S2, GM_SUN_KM3_S2};
use super::gravity::GravityField;
use aposos_astro::frames::{mxm, mxv, transpose};
use aposos_astro::topocentric::norm;
use aposos_astro::{Eop, Vec3};
use aposos_formats::Epoch;

/// A parameter of the force model whose partial derivatives the propagator carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Parameter {
    /// The drag coefficient C_D.
    DragCoefficient,
    /// The radiation-pressure coefficient C_R.
    SrpCoefficient,
}

/// A propagated state.
#[derive(Debug, Clone, PartialEq)]
pub struct SpState {
    /// Time (UTC).
    pub time: Epoch,
    /// Position, GCRS (km).
    pub position_km: Vec3,
    /// Velocity, GCRS (km/s).
    pub velocity_km_s: Vec3,
    /// With the variational equations: ∂(r, v)(t)/∂(r₀, v₀, parameters), 6 rows of
    /// 6 + parameters columns.
    pub stm: Option<Vec<Vec<f64>>>,
}

/// Why a propagation failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpError {
    /// The integrator stopped.
    #[error(transparent)]
    Integration(#[from] IntegrationError),
    /// A parameter was asked for that the force model lacks.
    #[error("{0:?} cannot be estimated: the force model has no such force")]
    MissingForce(Parameter),
}

/// Integrator tolerances for orbits: 1e-12 relative, 1 µm absolute, steps ≤ 20 min,
/// and ≤ 60 s below 8000 km geocentric distance when drag is modelled (the density
/// table's kinks: without the cap a GTO is 240 m off Orekit after 7 days, with it 12 m).
pub fn integrator_options(force: &ForceModel) -> Dop853Options {
    Dop853Options {
        rtol: 1e-12,
        atol: 1e-9,
        max_step_s: 1200.0,
        max_steps: 2_000_000,
        inner_cap: force.drag.map(|_| (8000.0, 60.0)),
    }
}

/// A numerical propagator from one epoch state.
#[derive(Debug, Clone)]
pub struct SpPropagator<'a> {
    epoch: Epoch,
    force: ForceModel,
    gravity: &'static GravityField,
    env: Environment<'a>,
    params: Vec<Parameter>,
    stm: bool,
    y0: Vec<f64>,
    y: Vec<f64>,
    t_s: f64,
    integrator: Dop853,
}

/// ∂a/∂r of a point mass `gm` at `body` (tidal term), added to `m`.
fn add_body_gradient(m: &mut [[f64; 3]; 3], r: Vec3, body: Vec3, gm: f64) {
    let d = [body[0] - r[0], body[1] - r[1], body[2] - r[2]];
    let dn = norm(d);
    let k = gm / dn.powi(3);
    for i in 0..3 {
        for j in 0..3 {
            let delta = if i == j { 1.0 } else { 0.0 };
            m[i][j] += k * (3.0 * d[i] * d[j] / (dn * dn) - delta);
        }
    }
}

impl<'a> SpPropagator<'a> {
    /// A propagator of the GCRS state (`position_km`, `velocity_km_s`) at `epoch` (UTC).
    pub fn new(
        epoch: Epoch,
        position_km: Vec3,
        velocity_km_s: Vec3,
        force: ForceModel,
        eop: &'a Eop,
    ) -> Self {
        let y0 = vec![
            position_km[0],
            position_km[1],
            position_km[2],
            velocity_km_s[0],
            velocity_km_s[1],
            velocity_km_s[2],
        ];
        Self {
            epoch,
            force,
            gravity: GravityField::egm96(),
            env: Environment::new(epoch, eop),
            params: Vec::new(),
            stm: false,
            y: y0.clone(),
            y0,
            t_s: 0.0,
            integrator: Dop853::new(6, integrator_options(&force)),
        }
    }

    /// The same propagator carrying the state transition matrix and the partial
    /// derivatives with respect to `params` (which the force model must have).
    pub fn with_stm(mut self, params: &[Parameter]) -> Result<Self, SpError> {
        for p in params {
            let has = match p {
                Parameter::DragCoefficient => self.force.drag.is_some(),
                Parameter::SrpCoefficient => self.force.srp.is_some(),
            };
            if !has {
                return Err(SpError::MissingForce(*p));
            }
        }
        self.params = params.to_vec();
        self.stm = true;
        let cols = 6 + params.len();
        let mut y0 = self.y0[..6].to_vec();
        y0.resize(6 + 6 * cols, 0.0);
        for c in 0..6 {
            y0[6 + 6 * c + c] = 1.0;
        }
        self.y = y0.clone();
        self.y0 = y0;
        self.t_s = 0.0;
        self.integrator = Dop853::new(6 + 6 * cols, integrator_options(&self.force));
        Ok(self)
    }

    /// The epoch (UTC).
    pub fn epoch(&self) -> Epoch {
        self.epoch
    }

    /// The force model.
    pub fn force(&self) -> &ForceModel {
        &self.force
    }

    /// Derivative evaluations so far (a cost measure).
    pub fn evaluations(&self) -> usize {
        self.integrator.evaluations
    }

    /// The state at `time`: integrated on from the last call when it lies further from
    /// the epoch in the same direction, else from the epoch.
    pub fn propagate(&mut self, time: Epoch) -> Result<SpState, SpError> {
        let t = (time.ns_since_1950() - self.epoch.ns_since_1950()) as f64 * 1e-9;
        let onward = (t >= self.t_s && self.t_s >= 0.0) || (t <= self.t_s && self.t_s <= 0.0);
        if !onward {
            self.y.copy_from_slice(&self.y0);
            self.t_s = 0.0;
        }
        self.env.prepare(self.t_s, t);
        let force = self.force;
        let gravity = self.gravity;
        let params = self.params.clone();
        let stm = self.stm;
        let env = &mut self.env;
        let mut f = |ts: f64, y: &[f64], dy: &mut [f64]| -> Result<(), String> {
            let snap = env.at(ts);
            derivative(&force, gravity, &snap, stm, &params, y, dy)
        };
        let (t0, mut y) = (self.t_s, std::mem::take(&mut self.y));
        let result = self.integrator.integrate(&mut f, t0, t, &mut y, 6);
        if let Err(e) = result {
            // Nothing half-integrated is kept.
            self.y = self.y0.clone();
            self.t_s = 0.0;
            return Err(e.into());
        }
        self.y = y;
        self.t_s = t;
        let cols = 6 + self.params.len();
        let stm = self.stm.then(|| {
            (0..6)
                .map(|row| (0..cols).map(|c| self.y[6 + 6 * c + row]).collect())
                .collect()
        });
        Ok(SpState {
            time,
            position_km: [self.y[0], self.y[1], self.y[2]],
            velocity_km_s: [self.y[3], self.y[4], self.y[5]],
            stm,
        })
    }
}

/// The equations of motion and, with `stm`, the variational equations.
// Index loops over 3×3 blocks read as the formulas they are.
#[allow(clippy::needless_range_loop)]
fn derivative(
    force: &ForceModel,
    gravity: &GravityField,
    env: &Snapshot,
    stm: bool,
    params: &[Parameter],
    y: &[f64],
    dy: &mut [f64],
) -> Result<(), String> {
    let r = [y[0], y[1], y[2]];
    let v = [y[3], y[4], y[5]];
    let acc = force
        .accelerations(gravity, r, v, env)
        .ok_or_else(|| "below 100 km height: the object has re-entered".to_string())?;
    let a = acc.total();
    dy[..3].copy_from_slice(&v);
    dy[3..6].copy_from_slice(&a);
    if !stm {
        return Ok(());
    }
    // ∂a/∂r of the gravity field by central differences in the Earth-fixed frame
    // (ITRF gradient G, GCRS gradient Mᵀ·G·M), then the Sun and Moon.
    let m = &env.gcrs_to_itrf;
    let r_itrf = mxv(m, r);
    let mut g_itrf = [[0.0; 3]; 3];
    let h = 0.5;
    for j in 0..3 {
        let (mut p, mut q) = (r_itrf, r_itrf);
        p[j] += h;
        q[j] -= h;
        let ap = gravity.acceleration_km_s2(p, force.gravity_degree, force.gravity_order);
        let aq = gravity.acceleration_km_s2(q, force.gravity_degree, force.gravity_order);
        for i in 0..3 {
            g_itrf[i][j] = (ap[i] - aq[i]) / (2.0 * h);
        }
    }
    let mut ar = mxm(&transpose(m), &mxm(&g_itrf, m));
    if force.sun_moon {
        add_body_gradient(&mut ar, r, env.sun_km, GM_SUN_KM3_S2);
        add_body_gradient(&mut ar, r, env.moon_km, GM_MOON_KM3_S2);
    }
    // ∂a/∂v: drag, a = k |v_r| v_r.
    let mut av = [[0.0; 3]; 3];
    let vn = norm(acc.v_rel_km_s);
    if let (Some(_), true) = (force.drag, acc.density_kg_m3 > 0.0) {
        // ∂a/∂r of drag through the density: a_drag ⊗ ∇ρ/ρ, ∇ρ by central differences.
        let h = 0.1;
        let sun_itrf = mxv(m, env.sun_km);
        let mut grad_itrf = [0.0; 3];
        for (j, g) in grad_itrf.iter_mut().enumerate() {
            let (mut p, mut m) = (r_itrf, r_itrf);
            p[j] += h;
            m[j] -= h;
            let rp = force.atmosphere.density_kg_m3(p, sun_itrf).unwrap_or(0.0);
            let rm = force.atmosphere.density_kg_m3(m, sun_itrf).unwrap_or(0.0);
            *g = (rp - rm) / (2.0 * h) / acc.density_kg_m3;
        }
        let grad = aposos_astro::frames::mtxv(m, grad_itrf);
        for i in 0..3 {
            for j in 0..3 {
                ar[i][j] += acc.drag[i] * grad[j];
            }
        }
    }
    if let (Some(d), true) = (force.drag, vn > 0.0) {
        let k = -0.5 * acc.density_kg_m3 * d.coefficient * d.area_to_mass_m2_kg * 1e3;
        let vr = acc.v_rel_km_s;
        for i in 0..3 {
            for j in 0..3 {
                let delta = if i == j { vn } else { 0.0 };
                av[i][j] = k * (delta + vr[i] * vr[j] / vn);
            }
        }
        // v_r = v − ω × r: ∂a/∂r gains −(∂a/∂v)·[ω×].
        let w = env.omega_gcrs_rad_s;
        let wx = [[0.0, -w[2], w[1]], [w[2], 0.0, -w[0]], [-w[1], w[0], 0.0]];
        for i in 0..3 {
            for j in 0..3 {
                ar[i][j] -= (0..3).map(|l| av[i][l] * wx[l][j]).sum::<f64>();
            }
        }
    }
    let cols = 6 + params.len();
    for c in 0..cols {
        let o = 6 + 6 * c;
        let (pr, pv) = ([y[o], y[o + 1], y[o + 2]], [y[o + 3], y[o + 4], y[o + 5]]);
        dy[o..o + 3].copy_from_slice(&pv);
        for i in 0..3 {
            let mut s = 0.0;
            for j in 0..3 {
                s += ar[i][j] * pr[j] + av[i][j] * pv[j];
            }
            if c >= 6 {
                s += match params[c - 6] {
                    Parameter::DragCoefficient => {
                        acc.drag[i] / force.drag.map_or(1.0, |d| d.coefficient)
                    }
                    Parameter::SrpCoefficient => {
                        acc.srp[i] / force.srp.map_or(1.0, |d| d.coefficient)
                    }
                };
            }
            dy[o + 3 + i] = s;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sp::forces::SurfaceForce;

    fn leo() -> (Epoch, Vec3, Vec3) {
        let epoch = Epoch::parse_iso("2026-05-20T12:00:00").unwrap();
        (epoch, [6878.137, 0.0, 0.0], [0.0, 4.0, 6.4])
    }

    #[test]
    fn two_body_orbit_returns_after_one_period() {
        let (epoch, r, v) = leo();
        let force = ForceModel {
            gravity_degree: 0,
            gravity_order: 0,
            sun_moon: false,
            drag: None,
            srp: None,
            ..ForceModel::default()
        };
        let mut p = SpPropagator::new(epoch, r, v, force, Eop::embedded());
        let gm = GravityField::egm96().gm_km3_s2;
        let (rn, v2) = (norm(r), v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        let a = 1.0 / (2.0 / rn - v2 / gm);
        let period = std::f64::consts::TAU * (a.powi(3) / gm).sqrt();
        let s = p
            .propagate(epoch.add_ns((10.0 * period * 1e9) as i64))
            .unwrap();
        let d = norm([
            s.position_km[0] - r[0],
            s.position_km[1] - r[1],
            s.position_km[2] - r[2],
        ]);
        // 10 revolutions; the epoch rounding to 1 ns is 8 µm along track.
        assert!(d < 1e-5, "{d} km");
    }

    #[test]
    fn stm_matches_finite_differences_of_the_full_model() {
        let (epoch, r, v) = leo();
        let force = ForceModel {
            drag: Some(SurfaceForce {
                coefficient: 2.2,
                area_to_mass_m2_kg: 0.02,
            }),
            ..ForceModel::default()
        };
        let eop = Eop::embedded();
        let t = epoch.add_ns(6 * 3600 * 1_000_000_000);
        let mut p = SpPropagator::new(epoch, r, v, force, eop)
            .with_stm(&[Parameter::DragCoefficient])
            .unwrap();
        let s = p.propagate(t).unwrap();
        let phi = s.stm.unwrap();
        let state = |dr: [f64; 7]| {
            let mut f = force;
            if let Some(d) = f.drag.as_mut() {
                d.coefficient += dr[6];
            }
            let mut q = SpPropagator::new(
                epoch,
                [r[0] + dr[0], r[1] + dr[1], r[2] + dr[2]],
                [v[0] + dr[3], v[1] + dr[4], v[2] + dr[5]],
                f,
                eop,
            );
            let s = q.propagate(t).unwrap();
            [s.position_km, s.velocity_km_s].concat()
        };
        let steps = [1.0, 1.0, 1.0, 1e-3, 1e-3, 1e-3, 0.2];
        for c in 0..7 {
            let (mut a, mut b) = ([0.0; 7], [0.0; 7]);
            a[c] = steps[c];
            b[c] = -steps[c];
            let (sa, sb) = (state(a), state(b));
            for row in 0..6 {
                let fd = (sa[row] - sb[row]) / (2.0 * steps[c]);
                let scale = (0..6)
                    .map(|k| phi[k][c].abs())
                    .fold(0.0, f64::max)
                    .max(1e-12);
                assert!(
                    (fd - phi[row][c]).abs() < 2e-3 * scale,
                    "row {row} col {c}: stm {} fd {fd}",
                    phi[row][c]
                );
            }
        }
    }

    #[test]
    fn re_entry_is_an_error_not_a_panic() {
        let epoch = Epoch::parse_iso("2026-05-20T12:00:00").unwrap();
        // 150 km circular with a large area-to-mass ratio decays within hours.
        let force = ForceModel {
            drag: Some(SurfaceForce {
                coefficient: 2.2,
                area_to_mass_m2_kg: 1.0,
            }),
            ..ForceModel::default()
        };
        let r = 6378.137 + 150.0;
        let v = (398_600.441_5_f64 / r).sqrt();
        let mut p = SpPropagator::new(epoch, [r, 0.0, 0.0], [0.0, v, 0.0], force, Eop::embedded());
        let e = p
            .propagate(epoch.add_ns(86_400 * 1_000_000_000))
            .unwrap_err();
        assert!(e.to_string().contains("re-entered"), "{e}");
    }
}
