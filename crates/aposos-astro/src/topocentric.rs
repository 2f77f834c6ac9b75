//! Topocentric geometry: site state in the GCRS, RA/Dec, Az/El in the local WGS84
//! ENU frame, range rate, angular rates and separations.
//!
//! All vectors km, km/s; angles rad; rates rad/s. Azimuth from north through east.

use crate::frames::{mxv, EarthRotation, Mat3, Vec3};
use crate::geodesy::Geodetic;

/// Speed of light (km/s).
pub const C_KM_S: f64 = 299_792.458;

/// `a − b`.
pub fn sub(a: Vec3, b: Vec3) -> Vec3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

/// `a · b`.
pub fn dot(a: Vec3, b: Vec3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// `a × b`.
pub fn cross(a: Vec3, b: Vec3) -> Vec3 {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

/// `|a|`.
pub fn norm(a: Vec3) -> f64 {
    dot(a, a).sqrt()
}

/// Site position (km) and velocity (km/s) in the GCRS from its ITRF position, Earth rotation included.
pub fn site_gcrs_pv(site_itrf_km: Vec3, er: &EarthRotation) -> (Vec3, Vec3) {
    er.itrf_to_gcrs_pv(site_itrf_km, [0.0; 3])
}

/// ITRF → local ENU rotation (rows: east, north, up) at a WGS84 site (normal to the ellipsoid).
pub fn enu_matrix(site: &Geodetic) -> Mat3 {
    let (sl, cl) = site.lat_rad.sin_cos();
    let (so, co) = site.lon_rad.sin_cos();
    [
        [-so, co, 0.0],
        [-sl * co, -sl * so, cl],
        [cl * co, cl * so, sl],
    ]
}

/// The unit vector of right ascension `ra` and declination `dec` (rad), inverse of [`radec_rad`].
pub fn unit_vector(ra_rad: f64, dec_rad: f64) -> Vec3 {
    let (sd, cd) = dec_rad.sin_cos();
    let (sa, ca) = ra_rad.sin_cos();
    [cd * ca, cd * sa, sd]
}

/// Right ascension in 0..2π and declination (rad) of a vector (GCRS → ICRF-axes RA/Dec).
pub fn radec_rad(v: Vec3) -> (f64, f64) {
    let p = v[0].hypot(v[1]);
    let ra = if p == 0.0 {
        0.0
    } else {
        v[1].atan2(v[0]).rem_euclid(std::f64::consts::TAU)
    };
    (ra, v[2].atan2(p))
}

/// Azimuth (rad, 0..2π from north through east) and elevation (rad) of a local ENU vector.
pub fn azel_from_enu_rad(enu: Vec3) -> (f64, f64) {
    let p = enu[0].hypot(enu[1]);
    let az = if p == 0.0 {
        0.0
    } else {
        enu[0].atan2(enu[1]).rem_euclid(std::f64::consts::TAU)
    };
    (az, enu[2].atan2(p))
}

/// Azimuth and elevation (rad) of a topocentric ITRF vector `rho_itrf_km` (km) seen from a WGS84 site.
pub fn azel_rad(rho_itrf_km: Vec3, site: &Geodetic) -> (f64, f64) {
    azel_from_enu_rad(mxv(&enu_matrix(site), rho_itrf_km))
}

/// Range rate (km/s) `ρ̂ · ρ̇` from relative position (km) and velocity (km/s).
pub fn range_rate_km_s(rho_km: Vec3, rho_dot_km_s: Vec3) -> f64 {
    let r = norm(rho_km);
    if r == 0.0 {
        0.0
    } else {
        dot(rho_km, rho_dot_km_s) / r
    }
}

/// Rates (rad/s) of spherical angles of a vector: (longitude rate × cos latitude, latitude rate).
///
/// For a vector in the GCRS these are (dRA/dt·cos Dec, dDec/dt); in ENU with
/// the longitude measured the other way they give the Az/El rates (see
/// [`azel_rates_rad_s`]). Analytic: `d(lon)/dt·cos(lat) = (x ẏ − y ẋ)/(p r)`,
/// `d(lat)/dt = (ż p² − z (x ẋ + y ẏ))/(p r²)`, with `p = √(x²+y²)`, `r = |ρ|`.
pub fn spherical_rates_rad_s(rho: Vec3, rho_dot: Vec3) -> (f64, f64) {
    let p = rho[0].hypot(rho[1]);
    let r2 = dot(rho, rho);
    if p == 0.0 || r2 == 0.0 {
        return (0.0, 0.0);
    }
    let r = r2.sqrt();
    let lon_cos = (rho[0] * rho_dot[1] - rho[1] * rho_dot[0]) / (p * r);
    let lat =
        (rho_dot[2] * p * p - rho[2] * (rho[0] * rho_dot[0] + rho[1] * rho_dot[1])) / (p * r2);
    (lon_cos, lat)
}

/// (dRA/dt·cos Dec, dDec/dt) in rad/s from a GCRS relative position (km) and velocity (km/s).
pub fn radec_rates_rad_s(rho_gcrs_km: Vec3, rho_dot_gcrs_km_s: Vec3) -> (f64, f64) {
    spherical_rates_rad_s(rho_gcrs_km, rho_dot_gcrs_km_s)
}

/// (dAz/dt, dEl/dt) in rad/s from a local ENU relative position (km) and velocity (km/s); dAz/dt is not scaled by cos El.
///
/// `dAz/dt = (ẋ_E y_N − x_E ẏ_N)/p²`… written with azimuth from north through
/// east: `dAz/dt = (y_N ẋ_E − x_E ẏ_N)/p²`, `p² = E² + N²`; singular at the zenith (0 returned there).
pub fn azel_rates_rad_s(rho_enu_km: Vec3, rho_dot_enu_km_s: Vec3) -> (f64, f64) {
    let [e, n, u] = rho_enu_km;
    let [de, dn, du] = rho_dot_enu_km_s;
    let p2 = e * e + n * n;
    let r2 = p2 + u * u;
    if p2 == 0.0 || r2 == 0.0 {
        return (0.0, 0.0);
    }
    let p = p2.sqrt();
    let az_rate = (n * de - e * dn) / p2;
    let el_rate = (du * p2 - u * (e * de + n * dn)) / (p * r2);
    (az_rate, el_rate)
}

/// Angle between two vectors (rad, 0..π), atan2 form, accurate at all separations.
pub fn angular_separation_rad(a: Vec3, b: Vec3) -> f64 {
    norm(cross(a, b)).atan2(dot(a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enu_axes() {
        let site = Geodetic::from_degrees(0.0, 0.0, 0.0);
        // Straight up at (lat 0, lon 0) is +x; east is +y; north is +z.
        let (az, el) = azel_rad([1.0, 0.0, 0.0], &site);
        assert!((el - std::f64::consts::FRAC_PI_2).abs() < 1e-15 && az == 0.0);
        let (az, el) = azel_rad([0.0, 1.0, 0.0], &site);
        assert!((az - std::f64::consts::FRAC_PI_2).abs() < 1e-15 && el.abs() < 1e-15);
        let (az, _) = azel_rad([0.0, 0.0, 1.0], &site);
        assert!(az.abs() < 1e-15);
        let (az, _) = azel_rad([0.0, -1.0, 0.0], &site);
        assert!((az - 1.5 * std::f64::consts::PI).abs() < 1e-15);
    }

    #[test]
    fn rates_match_finite_differences() {
        let rho = [1234.5, -2345.6, 987.6];
        let v = [3.1, 4.2, -5.3];
        let h = 1e-3;
        let at = |t: f64| [rho[0] + v[0] * t, rho[1] + v[1] * t, rho[2] + v[2] * t];
        let (ra0, de0) = radec_rad(at(-h));
        let (ra1, de1) = radec_rad(at(h));
        let (_, dec) = radec_rad(rho);
        let (rc, dr) = radec_rates_rad_s(rho, v);
        assert!(((ra1 - ra0) / (2.0 * h) * dec.cos() - rc).abs() < 1e-10);
        assert!(((de1 - de0) / (2.0 * h) - dr).abs() < 1e-10);
        let (az0, el0) = azel_from_enu_rad(at(-h));
        let (az1, el1) = azel_from_enu_rad(at(h));
        let (ar, er) = azel_rates_rad_s(rho, v);
        assert!(((az1 - az0) / (2.0 * h) - ar).abs() < 1e-10);
        assert!(((el1 - el0) / (2.0 * h) - er).abs() < 1e-10);
        assert!((range_rate_km_s(rho, v) - (norm(at(h)) - norm(at(-h))) / (2.0 * h)).abs() < 1e-9);
    }

    #[test]
    fn separation() {
        assert!(
            (angular_separation_rad([1.0, 0.0, 0.0], [0.0, 2.0, 0.0])
                - std::f64::consts::FRAC_PI_2)
                .abs()
                < 1e-15
        );
        assert!(angular_separation_rad([1.0, 1e-9, 0.0], [1.0, 0.0, 0.0]) > 9.9e-10);
        assert!(
            (angular_separation_rad([1.0, 0.0, 0.0], [-1.0, 0.0, 0.0]) - std::f64::consts::PI)
                .abs()
                < 1e-15
        );
    }
}
