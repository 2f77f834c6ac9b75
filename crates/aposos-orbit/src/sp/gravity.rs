//! The Earth's gravity field in spherical harmonics: EGM96 (embedded to degree 36) and
//! its acceleration by the recursion of Cunningham (Montenbruck & Gill, *Satellite
//! Orbits*, §3.2.4–3.2.5) on unnormalised coefficients.

use aposos_astro::Vec3;
use std::sync::OnceLock;

/// The embedded EGM96 coefficients (ICGEM format, degree ≤ 36); see `data/README.md`.
const EGM96_N36: &str = include_str!("../../data/EGM96-n36.gfc");

/// Highest degree the fixed-size recursion buffers hold.
pub const MAX_DEGREE: usize = 36;
const SIZE: usize = MAX_DEGREE + 2;

/// Why a gravity field could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GravityError {
    /// A header value or coefficient line could not be read.
    #[error("gravity field line {line}: {message}")]
    Line {
        /// 1-based line number.
        line: usize,
        /// What was wrong.
        message: String,
    },
    /// The header lacks `earth_gravity_constant` or `radius`.
    #[error("gravity field: header field {0} missing")]
    MissingHeader(&'static str),
}

/// A spherical-harmonic gravity field with unnormalised coefficients.
#[derive(Debug, Clone, PartialEq)]
pub struct GravityField {
    /// Gravitational parameter (km³/s²).
    pub gm_km3_s2: f64,
    /// Reference radius (km).
    pub radius_km: f64,
    /// Highest degree held.
    pub degree: usize,
    c: Vec<f64>,
    s: Vec<f64>,
}

fn idx(n: usize, m: usize) -> usize {
    n * (n + 1) / 2 + m
}

/// Factor turning a fully normalised coefficient of degree `n`, order `m` into an unnormalised one.
pub fn unnormalisation(n: usize, m: usize) -> f64 {
    // sqrt((2 − δ_m0)(2n + 1)(n − m)!/(n + m)!)
    let mut ratio = 1.0;
    for k in (n - m + 1)..=(n + m) {
        ratio /= k as f64;
    }
    let delta = if m == 0 { 1.0 } else { 2.0 };
    (delta * (2 * n + 1) as f64 * ratio).sqrt()
}

impl GravityField {
    /// Reads an ICGEM (`.gfc`) file of fully normalised coefficients up to `max_degree`.
    pub fn from_icgem(text: &str, max_degree: usize) -> Result<Self, GravityError> {
        let max_degree = max_degree.min(MAX_DEGREE);
        let mut gm = None;
        let mut radius = None;
        let n = idx(max_degree, max_degree) + 1;
        let (mut c, mut s) = (vec![0.0; n], vec![0.0; n]);
        let mut in_body = false;
        for (i, line) in text.lines().enumerate() {
            let bad = |message: String| GravityError::Line {
                line: i + 1,
                message,
            };
            let mut f = line.split_whitespace();
            let Some(key) = f.next() else { continue };
            let num = |v: Option<&str>, what: &str| -> Result<f64, GravityError> {
                v.and_then(|x| x.replace(['D', 'd'], "e").parse::<f64>().ok())
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| bad(format!("{what} is not a number")))
            };
            if !in_body {
                match key {
                    "earth_gravity_constant" => gm = Some(num(f.next(), "earth_gravity_constant")?),
                    "radius" => radius = Some(num(f.next(), "radius")?),
                    "end_of_head" => in_body = true,
                    _ => {}
                }
                continue;
            }
            if key != "gfc" {
                continue;
            }
            let deg = num(f.next(), "degree L")?;
            let ord = num(f.next(), "order M")?;
            if !(deg >= 0.0 && ord >= 0.0 && ord <= deg && deg.fract() == 0.0 && ord.fract() == 0.0)
            {
                return Err(bad(format!("degree {deg} order {ord} out of range")));
            }
            let (dn, dm) = (deg as usize, ord as usize);
            if dn > max_degree {
                continue;
            }
            let cn = num(f.next(), "C")?;
            let sn = num(f.next(), "S")?;
            let k = unnormalisation(dn, dm);
            c[idx(dn, dm)] = cn * k;
            s[idx(dn, dm)] = sn * k;
        }
        let gm = gm.ok_or(GravityError::MissingHeader("earth_gravity_constant"))?;
        let radius = radius.ok_or(GravityError::MissingHeader("radius"))?;
        Ok(Self {
            gm_km3_s2: gm * 1e-9,
            radius_km: radius * 1e-3,
            degree: max_degree,
            c,
            s,
        })
    }

    /// EGM96 to degree and order 36, parsed once.
    pub fn egm96() -> &'static GravityField {
        static FIELD: OnceLock<GravityField> = OnceLock::new();
        FIELD.get_or_init(|| {
            GravityField::from_icgem(EGM96_N36, MAX_DEGREE)
                .expect("the embedded EGM96 file is well formed")
        })
    }

    /// Unnormalised coefficients (C, S) of degree `n`, order `m` (zero beyond the field).
    pub fn coefficient(&self, n: usize, m: usize) -> (f64, f64) {
        if n > self.degree || m > n {
            return (0.0, 0.0);
        }
        (self.c[idx(n, m)], self.s[idx(n, m)])
    }

    /// Acceleration (km/s²) at `r_km` in the body-fixed frame, with the terms up to
    /// `degree` and `order` (the central term included).
    // Index loops over the recursion's triangles read as the formulas they are.
    #[allow(clippy::needless_range_loop)]
    pub fn acceleration_km_s2(&self, r_km: Vec3, degree: usize, order: usize) -> Vec3 {
        let nmax = degree.min(self.degree);
        let mmax = order.min(nmax);
        let r = self.radius_km;
        let r2 = r_km[0] * r_km[0] + r_km[1] * r_km[1] + r_km[2] * r_km[2];
        let rho = r * r / r2;
        let (x0, y0, z0) = (r * r_km[0] / r2, r * r_km[1] / r2, r * r_km[2] / r2);
        let mut v = [[0.0f64; SIZE]; SIZE];
        let mut w = [[0.0f64; SIZE]; SIZE];
        // Zonal terms V(n,0), W(n,0) = 0.
        v[0][0] = r / r2.sqrt();
        v[1][0] = z0 * v[0][0];
        for n in 2..=nmax + 1 {
            v[n][0] = ((2 * n - 1) as f64 * z0 * v[n - 1][0] - (n - 1) as f64 * rho * v[n - 2][0])
                / n as f64;
        }
        // Tesseral and sectorial terms.
        for m in 1..=mmax + 1 {
            let f = (2 * m - 1) as f64;
            v[m][m] = f * (x0 * v[m - 1][m - 1] - y0 * w[m - 1][m - 1]);
            w[m][m] = f * (x0 * w[m - 1][m - 1] + y0 * v[m - 1][m - 1]);
            if m <= nmax {
                v[m + 1][m] = (2 * m + 1) as f64 * z0 * v[m][m];
                w[m + 1][m] = (2 * m + 1) as f64 * z0 * w[m][m];
            }
            for n in (m + 2)..=nmax + 1 {
                let a = (2 * n - 1) as f64 / (n - m) as f64;
                let b = (n + m - 1) as f64 / (n - m) as f64;
                v[n][m] = a * z0 * v[n - 1][m] - b * rho * v[n - 2][m];
                w[n][m] = a * z0 * w[n - 1][m] - b * rho * w[n - 2][m];
            }
        }
        let (mut ax, mut ay, mut az) = (0.0, 0.0, 0.0);
        for m in 0..=mmax {
            for n in m..=nmax {
                let (c, s) = (self.c[idx(n, m)], self.s[idx(n, m)]);
                if m == 0 {
                    ax -= c * v[n + 1][1];
                    ay -= c * w[n + 1][1];
                    az += (n + 1) as f64 * (-c * v[n + 1][0]);
                } else {
                    let fac = 0.5 * ((n - m + 1) * (n - m + 2)) as f64;
                    ax += 0.5 * (-c * v[n + 1][m + 1] - s * w[n + 1][m + 1])
                        + fac * (c * v[n + 1][m - 1] + s * w[n + 1][m - 1]);
                    ay += 0.5 * (-c * w[n + 1][m + 1] + s * v[n + 1][m + 1])
                        + fac * (-c * w[n + 1][m - 1] + s * v[n + 1][m - 1]);
                    az += (n - m + 1) as f64 * (-c * v[n + 1][m] - s * w[n + 1][m]);
                }
            }
        }
        let k = self.gm_km3_s2 / (r * r);
        [k * ax, k * ay, k * az]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Point mass plus J2 in closed form (J2 = −C20 unnormalised).
    fn point_mass_j2(g: &GravityField, r: Vec3) -> Vec3 {
        let j2 = -g.coefficient(2, 0).0;
        let rn = (r[0] * r[0] + r[1] * r[1] + r[2] * r[2]).sqrt();
        let k = -g.gm_km3_s2 / rn.powi(3);
        let f = 1.5 * j2 * (g.radius_km / rn).powi(2);
        let z2 = (r[2] / rn).powi(2);
        [
            k * r[0] * (1.0 + f * (1.0 - 5.0 * z2)),
            k * r[1] * (1.0 + f * (1.0 - 5.0 * z2)),
            k * r[2] * (1.0 + f * (3.0 - 5.0 * z2)),
        ]
    }

    #[test]
    fn egm96_header_and_j2() {
        let g = GravityField::egm96();
        assert!((g.gm_km3_s2 - 398_600.441_5).abs() < 1e-9);
        assert!((g.radius_km - 6378.1363).abs() < 1e-12);
        // J2 of EGM96 (unnormalised), e.g. Vallado Table D-1: 1.08262668e-3.
        let j2 = -g.coefficient(2, 0).0;
        assert!((j2 - 1.082_626_68e-3).abs() < 1e-11, "{j2}");
    }

    #[test]
    fn degree_two_zonal_matches_the_closed_form() {
        let g = GravityField::egm96();
        for r in [
            [7000.0, 0.0, 0.0],
            [3000.0, -4000.0, 5000.0],
            [100.0, 200.0, -6900.0],
        ] {
            let a = g.acceleration_km_s2(r, 2, 0);
            let b = point_mass_j2(g, r);
            for k in 0..3 {
                assert!(
                    (a[k] - b[k]).abs() < 1e-15 + 1e-12 * b[k].abs(),
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn acceleration_is_the_gradient_of_the_potential_it_implies() {
        // The field is conservative: the curl of the acceleration vanishes, so
        // ∂a_x/∂y = ∂a_y/∂x etc. by central differences at degree 20.
        let g = GravityField::egm96();
        let r = [4000.0, 3000.0, 4500.0];
        let h = 0.1;
        let d = |i: usize, j: usize| {
            let (mut p, mut m) = (r, r);
            p[j] += h;
            m[j] -= h;
            (g.acceleration_km_s2(p, 20, 20)[i] - g.acceleration_km_s2(m, 20, 20)[i]) / (2.0 * h)
        };
        for (i, j) in [(0, 1), (0, 2), (1, 2)] {
            let (a, b) = (d(i, j), d(j, i));
            assert!((a - b).abs() < 1e-8 * a.abs().max(1e-12), "{i}{j}: {a} {b}");
        }
    }

    #[test]
    fn bad_files_are_errors_naming_the_line() {
        let e = GravityField::from_icgem("radius 1\nend_of_head\ngfc 2 x 1 0\n", 10).unwrap_err();
        assert!(e.to_string().contains("line 3"), "{e}");
        assert!(GravityField::from_icgem("end_of_head\n", 10).is_err());
    }
}
