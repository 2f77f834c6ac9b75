//! One-dimensional root finding for event times: Brent's method on a continuous
//! function and bisection on a predicate, both on a bracket in seconds.

/// A root of `f` in `[a, b]` (s) where `fa = f(a)` and `fb = f(b)` differ in sign, to within `tol_s` (Brent 1973).
///
/// Returns the end point whose value is exactly zero when one is; the function
/// may fail (e.g. SGP4 errors), which stops the search with that error.
pub fn brent_root<E>(
    mut f: impl FnMut(f64) -> Result<f64, E>,
    a: f64,
    b: f64,
    fa: f64,
    fb: f64,
    tol_s: f64,
) -> Result<f64, E> {
    let (mut a, mut b, mut fa, mut fb) = (a, b, fa, fb);
    if fa == 0.0 {
        return Ok(a);
    }
    if fb == 0.0 {
        return Ok(b);
    }
    if fa.signum() == fb.signum() {
        // Not a bracket: the end with the smaller |f|.
        return Ok(if fa.abs() < fb.abs() { a } else { b });
    }
    let (mut c, mut fc) = (a, fa);
    let mut d = b - a;
    let mut e = d;
    for _ in 0..200 {
        if fb.signum() == fc.signum() {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 0.5 * tol_s;
        let m = 0.5 * (c - b);
        if m.abs() <= tol || fb == 0.0 {
            return Ok(b);
        }
        if e.abs() >= tol && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * m * s;
                q = 1.0 - s;
            } else {
                let qa = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * m * qa * (qa - r) - (b - a) * (r - 1.0));
                q = (qa - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * m * q - (tol * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol { d } else { tol.copysign(m) };
        fb = f(b)?;
    }
    Ok(b)
}

/// The switch point of `pred` in `[a, b]` (s) where `pred(a) != pred(b)`, by bisection to within `tol_s`.
///
/// Returns the first time at which `pred` has its value at `b` (within `tol_s`).
pub fn bisect_predicate<E>(
    mut pred: impl FnMut(f64) -> Result<bool, E>,
    a: f64,
    b: f64,
    at_a: bool,
    tol_s: f64,
) -> Result<f64, E> {
    let (mut lo, mut hi) = (a, b);
    while hi - lo > tol_s {
        let mid = 0.5 * (lo + hi);
        if pred(mid)? == at_a {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::convert::Infallible;

    fn ok(v: f64) -> Result<f64, Infallible> {
        Ok(v)
    }

    #[test]
    fn brent_on_synthetic_functions() {
        // Sine: root at π.
        let r = brent_root(|t| ok(t.sin()), 3.0, 4.0, 3f64.sin(), 4f64.sin(), 1e-9).unwrap();
        assert!((r - std::f64::consts::PI).abs() < 1e-9);
        // Steep cubic with a flat part: root at 2.
        let f = |t: f64| (t - 2.0).powi(3);
        let mut calls = 0;
        let r = brent_root(
            |t| {
                calls += 1;
                ok(f(t))
            },
            0.0,
            10.0,
            f(0.0),
            f(10.0),
            1e-6,
        )
        .unwrap();
        assert!((r - 2.0).abs() < 1e-6, "{r}");
        assert!(calls < 100, "{calls}");
        // An elevation-like curve crossing 10° over a pass of 600 s: tolerance 1 ms.
        let el = |t: f64| 60.0 * (-(t - 300.0).powi(2) / 20_000.0).exp() - 10.0;
        let r = brent_root(|t| ok(el(t)), 0.0, 300.0, el(0.0), el(300.0), 1e-3).unwrap();
        let exact = 300.0 - (20_000.0 * (6.0f64).ln()).sqrt();
        assert!((r - exact).abs() < 1e-3, "{r} vs {exact}");
        // Ends that are roots.
        assert_eq!(brent_root(ok, 0.0, 1.0, 0.0, 1.0, 1e-3).unwrap(), 0.0);
        // Errors propagate.
        let e: Result<f64, &str> = brent_root(|_| Err("boom"), -1.0, 1.0, -1.0, 1.0, 1e-3);
        assert_eq!(e, Err("boom"));
    }

    #[test]
    fn bisection_on_a_predicate() {
        let t = bisect_predicate(
            |t| Ok::<_, Infallible>(t >= 12.345),
            0.0,
            100.0,
            false,
            1e-4,
        )
        .unwrap();
        assert!((t - 12.345).abs() <= 1e-4);
        let t =
            bisect_predicate(|t| Ok::<_, Infallible>(t < 70.0), 0.0, 100.0, true, 1e-4).unwrap();
        assert!((t - 70.0).abs() <= 1e-4);
    }
}
