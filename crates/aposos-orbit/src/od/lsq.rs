//! Batch weighted least squares (Levenberg–Marquardt on normalised residuals) with
//! iterative outlier rejection and the covariance of the solution.
//!
//! The model gives, for a parameter vector, two normalised residuals per measurement
//! (measured minus computed over sigma). The Jacobian is taken by central differences
//! with the given steps. After each convergence, every measurement (rejected ones too)
//! is tested again: it is an outlier when its residual exceeds `outlier_sigma` times
//! the fit's RMS (at least 1) or, below its floor, never; the fit is repeated until the
//! set of outliers no longer changes.

use super::linalg::{cholesky, cholesky_solve, spd_inverse, Matrix};

/// Options of the least-squares solver.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LsqOptions {
    /// Most Levenberg–Marquardt iterations per convergence.
    pub max_iterations: usize,
    /// Relative decrease of the cost below which it has converged.
    pub tolerance: f64,
    /// Outlier threshold in units of the fit's RMS.
    pub outlier_sigma: f64,
    /// Most rounds of outlier rejection.
    pub max_rejection_rounds: usize,
}

impl Default for LsqOptions {
    fn default() -> Self {
        Self {
            max_iterations: 40,
            tolerance: 1e-10,
            outlier_sigma: 3.0,
            max_rejection_rounds: 8,
        }
    }
}

/// What the solver found.
#[derive(Debug, Clone, PartialEq)]
pub struct LsqSolution {
    /// The parameters.
    pub params: Vec<f64>,
    /// Formal covariance of the free parameters (inverse of the normal matrix), in
    /// parameter order with fixed parameters' rows and columns zero.
    pub covariance: Matrix,
    /// Normalised residuals of every measurement at the solution.
    pub residuals: Vec<[f64; 2]>,
    /// Whether each measurement was used (false: outlier).
    pub used: Vec<bool>,
    /// RMS of the used normalised residuals (per axis).
    pub rms: f64,
    /// Iterations in all.
    pub iterations: usize,
    /// Whether the last convergence met the tolerance.
    pub converged: bool,
}

/// Why a fit failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LsqError {
    /// The model cannot be evaluated at the starting point.
    #[error("the model fails at the initial parameters")]
    BadStart,
    /// Fewer measurement values than free parameters.
    #[error("{used} measurement values for {free} free parameters")]
    TooFew {
        /// Residual components available.
        used: usize,
        /// Free parameters.
        free: usize,
    },
    /// The normal matrix is singular: the parameters are not observable.
    #[error("the parameters are not observable from these measurements (singular normal matrix)")]
    Singular,
}

fn cost(r: &[[f64; 2]], used: &[bool]) -> f64 {
    r.iter()
        .zip(used)
        .filter(|(_, u)| **u)
        .map(|(v, _)| v[0] * v[0] + v[1] * v[1])
        .sum()
}

/// A model: normalised residuals (two per measurement) for a parameter vector, `None`
/// where it cannot be evaluated.
pub type Model<'a> = dyn Fn(&[f64]) -> Option<Vec<[f64; 2]>> + Sync + 'a;

/// Minimises the used residuals of `model` over the free parameters of `start`;
/// `floor[i]` is the normalised residual below which measurement `i` is never an outlier.
// Index loops over small matrices read as the formulas they are.
#[allow(clippy::needless_range_loop)]
pub fn solve(
    model: &Model<'_>,
    start: &[f64],
    steps: &[f64],
    free: &[bool],
    floor: &[f64],
    opts: &LsqOptions,
) -> Result<LsqSolution, LsqError> {
    let free_idx: Vec<usize> = (0..start.len()).filter(|&i| free[i]).collect();
    let jacobian = |x: &[f64]| -> Option<Vec<Vec<[f64; 2]>>> {
        let mut jac = Vec::with_capacity(x.len());
        for k in 0..x.len() {
            if !free_idx.contains(&k) {
                jac.push(Vec::new());
                continue;
            }
            let (mut xp, mut xm) = (x.to_vec(), x.to_vec());
            xp[k] += steps[k];
            xm[k] -= steps[k];
            let (rp, rm) = (model(&xp)?, model(&xm)?);
            jac.push(
                rp.iter()
                    .zip(&rm)
                    .map(|(a, b)| {
                        [
                            (a[0] - b[0]) / (2.0 * steps[k]),
                            (a[1] - b[1]) / (2.0 * steps[k]),
                        ]
                    })
                    .collect(),
            );
        }
        Some(jac)
    };
    solve_with_jacobian(model, &jacobian, start, free, floor, opts)
}

/// A Jacobian: for each parameter, the derivative of every normalised residual pair
/// (fixed parameters' columns are not read and may be empty); `None` where it cannot
/// be evaluated.
pub type Jacobian<'a> = dyn Fn(&[f64]) -> Option<Vec<Vec<[f64; 2]>>> + Sync + 'a;

/// [`solve`] with the Jacobian given by the caller (e.g. from variational equations).
// Index loops over small matrices read as the formulas they are.
#[allow(clippy::needless_range_loop)]
pub fn solve_with_jacobian(
    model: &Model<'_>,
    jacobian: &Jacobian<'_>,
    start: &[f64],
    free: &[bool],
    floor: &[f64],
    opts: &LsqOptions,
) -> Result<LsqSolution, LsqError> {
    let np = start.len();
    let free_idx: Vec<usize> = (0..np).filter(|&i| free[i]).collect();
    let nf = free_idx.len();
    let mut x = start.to_vec();
    let mut r = model(&x).ok_or(LsqError::BadStart)?;
    let m = r.len();
    let mut used = vec![true; m];
    let mut iterations = 0;
    let mut converged = false;
    let mut normal: Matrix = vec![vec![0.0; nf]; nf];
    for _round in 0..=opts.max_rejection_rounds {
        let n_used = used.iter().filter(|u| **u).count();
        if 2 * n_used < nf {
            return Err(LsqError::TooFew {
                used: 2 * n_used,
                free: nf,
            });
        }
        let mut lambda = 1e-3;
        let mut c = cost(&r, &used);
        converged = false;
        for _ in 0..opts.max_iterations {
            iterations += 1;
            let all = jacobian(&x).ok_or(LsqError::Singular)?;
            let jac: Vec<&Vec<[f64; 2]>> = free_idx.iter().map(|&k| &all[k]).collect();
            if jac.iter().any(|c| c.len() != m) {
                return Err(LsqError::Singular);
            }
            let mut g = vec![0.0; nf];
            for a in 0..nf {
                for b in 0..=a {
                    let mut s = 0.0;
                    for i in (0..m).filter(|&i| used[i]) {
                        s += jac[a][i][0] * jac[b][i][0] + jac[a][i][1] * jac[b][i][1];
                    }
                    normal[a][b] = s;
                    normal[b][a] = s;
                }
                g[a] = (0..m)
                    .filter(|&i| used[i])
                    .map(|i| jac[a][i][0] * r[i][0] + jac[a][i][1] * r[i][1])
                    .sum();
            }
            // Levenberg–Marquardt steps until one lowers the cost.
            let mut improved = None;
            for _ in 0..12 {
                let mut damped = normal.clone();
                for a in 0..nf {
                    damped[a][a] *= 1.0 + lambda;
                }
                let Some(l) = cholesky(&damped) else {
                    lambda *= 10.0;
                    continue;
                };
                let neg_g: Vec<f64> = g.iter().map(|v| -v).collect();
                let dx = cholesky_solve(&l, &neg_g);
                let mut xn = x.clone();
                for (a, &k) in free_idx.iter().enumerate() {
                    xn[k] += dx[a];
                }
                match model(&xn) {
                    Some(rn) if cost(&rn, &used) < c => {
                        improved = Some((xn, rn));
                        lambda = (lambda / 10.0).max(1e-12);
                        break;
                    }
                    _ => lambda *= 10.0,
                }
            }
            let Some((xn, rn)) = improved else {
                // No step lowers the cost: at the minimum to within rounding.
                converged = true;
                break;
            };
            let cn = cost(&rn, &used);
            let rel = (c - cn) / c.max(1e-300);
            x = xn;
            r = rn;
            c = cn;
            if rel < opts.tolerance {
                converged = true;
                break;
            }
        }
        // Outliers: every measurement tested against the fit's RMS.
        let n_used = used.iter().filter(|u| **u).count().max(1);
        let rms = (c / (2 * n_used) as f64).sqrt();
        let threshold = opts.outlier_sigma * rms.max(1.0);
        let new_used: Vec<bool> = r
            .iter()
            .zip(floor)
            .map(|(v, f)| {
                let mag = ((v[0] * v[0] + v[1] * v[1]) / 2.0).sqrt();
                mag <= threshold || mag <= *f
            })
            .collect();
        if new_used == used {
            break;
        }
        used = new_used;
    }
    let inv = spd_inverse(&normal).ok_or(LsqError::Singular)?;
    let mut covariance = vec![vec![0.0; np]; np];
    for (a, &ka) in free_idx.iter().enumerate() {
        for (b, &kb) in free_idx.iter().enumerate() {
            covariance[ka][kb] = inv[a][b];
        }
    }
    let n_used = used.iter().filter(|u| **u).count().max(1);
    let rms = (cost(&r, &used) / (2 * n_used) as f64).sqrt();
    Ok(LsqSolution {
        params: x,
        covariance,
        residuals: r,
        used,
        rms,
        iterations,
        converged,
    })
}
