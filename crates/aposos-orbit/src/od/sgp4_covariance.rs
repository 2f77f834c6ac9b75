//! An element set's covariance carried to another time through SGP4 itself, linearised:
//! the RTN state covariance at epoch (as an OMM covariance block holds it) is mapped to
//! the equinoctial mean elements the fit uses, and those to the position at the new time
//! by finite differences of SGP4. The radial and cross-track oscillation, eccentric
//! orbits, drag and deep-space terms all come with it; a two-body or Clohessy–Wiltshire
//! drift would miss them.

use super::linalg::{solve_general, Matrix};
use super::report::rtn6;
use super::sgp4_fit::{elements_at, param_steps, params_of, rtn_matrix};
use crate::sgp4::Sgp4;
use aposos_formats::{ElementSet, Epoch};

/// ∂(TEME state at epoch)/∂(parameter) and ∂(TEME position at `dt_min`)/∂(parameter),
/// rows the components, columns the six element parameters (one SGP4 per perturbation).
fn jacobians(el: &ElementSet, dt_min: f64) -> Option<(Matrix, Matrix)> {
    let p = params_of(el);
    let h = param_steps(el);
    let mut g = vec![vec![0.0; 6]; 6];
    let mut j = vec![vec![0.0; 6]; 3];
    // The state at epoch and the position at `dt_min` of perturbed parameters.
    let states = |q: &[f64]| -> Option<([f64; 6], [f64; 3])> {
        let sat = Sgp4::new(&elements_at(el, el.epoch, q)?).ok()?;
        let s0 = sat.propagate(0.0).ok()?;
        let st = sat.propagate(dt_min).ok()?;
        let (r, v) = (s0.position_km, s0.velocity_km_s);
        Some(([r[0], r[1], r[2], v[0], v[1], v[2]], st.position_km))
    };
    for k in 0..6 {
        let (mut qp, mut qm) = (p.clone(), p.clone());
        qp[k] += h[k];
        qm[k] -= h[k];
        let ((a0, at), (b0, bt)) = (states(&qp)?, states(&qm)?);
        for (i, row) in g.iter_mut().enumerate() {
            row[k] = (a0[i] - b0[i]) / (2.0 * h[k]);
        }
        for (i, row) in j.iter_mut().enumerate() {
            row[k] = (at[i] - bt[i]) / (2.0 * h[k]);
        }
    }
    Some((g, j))
}

/// The TEME position covariance (km²) at `at` of `el` whose state covariance at epoch is
/// `cov_rtn` (radial, transverse, normal position and inertial velocity, km and km/s);
/// `None` when SGP4 fails there or the covariance cannot be mapped to elements.
pub fn position_covariance_at(
    el: &ElementSet,
    cov_rtn: &[[f64; 6]; 6],
    at: Epoch,
) -> Option<[[f64; 3]; 3]> {
    let s0 = Sgp4::new(el).ok()?.propagate(0.0).ok()?;
    let rot = rtn_matrix(s0.position_km, s0.velocity_km_s);
    // Φ = J(t)·G⁻¹, the state at epoch to the position at `at`: Φᵀ = G⁻ᵀ·J(t)ᵀ.
    let (g, j) = jacobians(el, at.minutes_since(el.epoch))?;
    let gt: Matrix = (0..6).map(|i| (0..6).map(|k| g[k][i]).collect()).collect();
    let jt: Matrix = (0..6).map(|i| (0..3).map(|k| j[k][i]).collect()).collect();
    let phi_t = solve_general(&gt, &jt)?;
    // The TEME state from the RTN one: rows of `rot` are R, T, N in TEME.
    let r6 = rtn6(&rot);
    // Ψ = Φ·R6ᵀ maps the RTN state at epoch to the TEME position at `at`.
    let mut psi = [[0.0; 6]; 3];
    for (i, row) in psi.iter_mut().enumerate() {
        for (k, cell) in row.iter_mut().enumerate() {
            *cell = (0..6).map(|a| phi_t[a][i] * r6[k][a]).sum();
        }
    }
    let mut out = [[0.0; 3]; 3];
    for i in 0..3 {
        for j2 in 0..3 {
            let mut s = 0.0;
            for a in 0..6 {
                for b in 0..6 {
                    s += psi[i][a] * cov_rtn[a][b] * psi[j2][b];
                }
            }
            out[i][j2] = s;
        }
    }
    out.iter().flatten().all(|x| x.is_finite()).then_some(out)
}
