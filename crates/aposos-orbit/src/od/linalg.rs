//! Small dense symmetric systems: Cholesky factorisation, solve and inverse (the normal
//! equations of a fit have a handful of parameters; no linear-algebra crate needed).
//! Index loops read as the formulas they are.
#![allow(clippy::needless_range_loop)]

/// A row-major `n × n` matrix.
pub type Matrix = Vec<Vec<f64>>;

/// The lower Cholesky factor of a symmetric positive-definite `a`; `None` when it is not.
pub fn cholesky(a: &Matrix) -> Option<Matrix> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                if !(d > 0.0 && d.is_finite()) {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

/// Solves `L Lᵀ x = b` for the factor `l` of [`cholesky`].
pub fn cholesky_solve(l: &Matrix, b: &[f64]) -> Vec<f64> {
    let n = l.len();
    let mut y = vec![0.0; n];
    for i in 0..n {
        let s: f64 = (0..i).map(|k| l[i][k] * y[k]).sum();
        y[i] = (b[i] - s) / l[i][i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| l[k][i] * x[k]).sum();
        x[i] = (y[i] - s) / l[i][i];
    }
    x
}

/// The inverse of a symmetric positive-definite matrix; `None` when it is singular.
pub fn spd_inverse(a: &Matrix) -> Option<Matrix> {
    let l = cholesky(a)?;
    let n = a.len();
    let mut inv = vec![vec![0.0; n]; n];
    for j in 0..n {
        let mut e = vec![0.0; n];
        e[j] = 1.0;
        let col = cholesky_solve(&l, &e);
        for i in 0..n {
            inv[i][j] = col[i];
        }
    }
    Some(inv)
}

/// Solves `a · x = b` for a square `a` and the columns of `b` (Gaussian elimination with
/// partial pivoting); `None` when `a` is singular.
pub fn solve_general(a: &Matrix, b: &Matrix) -> Option<Matrix> {
    let n = a.len();
    let m = b.first().map_or(0, Vec::len);
    let mut aa = a.clone();
    let mut bb = b.clone();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| aa[i][c].abs().total_cmp(&aa[j][c].abs()))?;
        if !(aa[p][c].abs() > 0.0 && aa[p][c].is_finite()) {
            return None;
        }
        aa.swap(c, p);
        bb.swap(c, p);
        for i in c + 1..n {
            let f = aa[i][c] / aa[c][c];
            for k in c..n {
                aa[i][k] -= f * aa[c][k];
            }
            for k in 0..m {
                bb[i][k] -= f * bb[c][k];
            }
        }
    }
    let mut x = vec![vec![0.0; m]; n];
    for i in (0..n).rev() {
        for k in 0..m {
            let s: f64 = (i + 1..n).map(|j| aa[i][j] * x[j][k]).sum();
            x[i][k] = (bb[i][k] - s) / aa[i][i];
        }
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_of_a_known_matrix() {
        let a = vec![
            vec![4.0, 12.0, -16.0],
            vec![12.0, 37.0, -43.0],
            vec![-16.0, -43.0, 98.0],
        ];
        let l = cholesky(&a).unwrap();
        // The textbook factor: [[2,0,0],[6,1,0],[-8,5,3]].
        let want = [[2.0, 0.0, 0.0], [6.0, 1.0, 0.0], [-8.0, 5.0, 3.0]];
        for i in 0..3 {
            for j in 0..3 {
                assert!((l[i][j] - want[i][j]).abs() < 1e-12);
            }
        }
        let inv = spd_inverse(&a).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let p: f64 = (0..3).map(|k| a[i][k] * inv[k][j]).sum();
                assert!((p - f64::from(u8::from(i == j))).abs() < 1e-9);
            }
        }
        assert!(cholesky(&vec![vec![1.0, 2.0], vec![2.0, 1.0]]).is_none());
    }

    #[test]
    fn general_solve_with_pivoting() {
        let a = vec![
            vec![0.0, 2.0, 1.0],
            vec![1.0, 0.0, 0.0],
            vec![3.0, 1.0, 4.0],
        ];
        // x = (1, 2, 1): 0 + 4 + 1, 1, 3 + 2 + 4.
        let b = vec![vec![5.0], vec![1.0], vec![9.0]];
        let x = solve_general(&a, &b).unwrap();
        for (xi, want) in x.iter().zip([1.0, 2.0, 1.0]) {
            assert!((xi[0] - want).abs() < 1e-12, "{x:?}");
        }
        let singular = vec![vec![1.0, 2.0], vec![2.0, 4.0]];
        assert!(solve_general(&singular, &vec![vec![1.0], vec![1.0]]).is_none());
    }
}
