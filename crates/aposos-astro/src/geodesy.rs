//! WGS84 geodetic coordinates ↔ ITRF Cartesian (km).

use crate::frames::Vec3;

/// WGS84 semi-major axis (km).
pub const WGS84_A_KM: f64 = 6378.137;
/// WGS84 flattening.
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;
/// WGS84 first eccentricity squared, e² = f(2 − f).
pub const WGS84_E2: f64 = WGS84_F * (2.0 - WGS84_F);

/// A WGS84 geodetic position: latitude and east longitude (rad), height above the ellipsoid (km).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geodetic {
    /// Geodetic latitude (rad), −π/2..π/2.
    pub lat_rad: f64,
    /// East longitude (rad), −π..π.
    pub lon_rad: f64,
    /// Height above the WGS84 ellipsoid (km).
    pub height_km: f64,
}

impl Geodetic {
    /// From latitude and east longitude in degrees and height in metres (the edge units).
    pub fn from_degrees(lat_deg: f64, lon_deg: f64, height_m: f64) -> Self {
        Geodetic {
            lat_rad: lat_deg.to_radians(),
            lon_rad: lon_deg.to_radians(),
            height_km: height_m * 1e-3,
        }
    }

    /// Geodetic latitude (deg).
    pub fn lat_deg(&self) -> f64 {
        self.lat_rad.to_degrees()
    }

    /// East longitude (deg).
    pub fn lon_deg(&self) -> f64 {
        self.lon_rad.to_degrees()
    }

    /// Height above the WGS84 ellipsoid (m).
    pub fn height_m(&self) -> f64 {
        self.height_km * 1e3
    }

    /// ITRF position (km) of this point: WGS84 geodetic → Cartesian, closed form.
    pub fn to_itrf(&self) -> Vec3 {
        geodetic_to_itrf(*self)
    }
}

/// WGS84 geodetic (rad, km) → ITRF Cartesian position (km), closed form.
pub fn geodetic_to_itrf(g: Geodetic) -> Vec3 {
    let (sl, cl) = g.lat_rad.sin_cos();
    let (so, co) = g.lon_rad.sin_cos();
    let n = WGS84_A_KM / (1.0 - WGS84_E2 * sl * sl).sqrt();
    [
        (n + g.height_km) * cl * co,
        (n + g.height_km) * cl * so,
        (n * (1.0 - WGS84_E2) + g.height_km) * sl,
    ]
}

/// ITRF Cartesian position (km) → WGS84 geodetic (rad, km), by fixed-point iteration on
/// the latitude to 1e-15 rad (below 1e-9 m at and above the Earth's surface).
pub fn itrf_to_geodetic(r_km: Vec3) -> Geodetic {
    let [x, y, z] = r_km;
    let p = x.hypot(y);
    let lon_rad = if p == 0.0 { 0.0 } else { y.atan2(x) };
    // Start from the geocentric latitude scaled to the ellipsoid (Bowring's guess).
    let mut lat = z.atan2(p * (1.0 - WGS84_E2));
    for _ in 0..30 {
        let s = lat.sin();
        let n = WGS84_A_KM / (1.0 - WGS84_E2 * s * s).sqrt();
        let next = (z + WGS84_E2 * n * s).atan2(p);
        let done = (next - lat).abs() < 1e-15;
        lat = next;
        if done {
            break;
        }
    }
    let (s, c) = lat.sin_cos();
    // Height measured along the normal, stable at all latitudes.
    let height_km = p * c + z * s - WGS84_A_KM * (1.0 - WGS84_E2 * s * s).sqrt();
    Geodetic {
        lat_rad: lat,
        lon_rad,
        height_km,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist_m(a: Vec3, b: Vec3) -> f64 {
        ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt() * 1e3
    }

    #[test]
    fn round_trip_to_f64_precision() {
        // A position in km carries ~1e-12 km (1 nm) of rounding at the Earth's surface
        // and ~7e-12 km at GEO: the round trip is held to a few units in the last place.
        let mut worst: f64 = 0.0;
        let mut worst_surface: f64 = 0.0;
        for lat in (-90..=90).step_by(5) {
            for lon in (-180..180).step_by(30) {
                for h in [-430.0, 0.0, 1500.0, 8848.0, 400e3, 35_786e3] {
                    let g = Geodetic::from_degrees(f64::from(lat), f64::from(lon), h);
                    let r = g.to_itrf();
                    let back = itrf_to_geodetic(r);
                    let d = dist_m(back.to_itrf(), r);
                    worst = worst.max(d);
                    if h.abs() < 1e4 {
                        worst_surface = worst_surface.max(d);
                    }
                }
            }
        }
        assert!(
            worst_surface < 3e-9,
            "worst round trip at the surface {worst_surface:e} m"
        );
        assert!(worst < 2e-8, "worst round trip {worst:e} m");
    }

    #[test]
    fn against_sofa_gd2gce_gc2gde() {
        // SOFA's own WGS84 routines (metres), independent of the code above. Points near
        // the surface only: sofars' gc2gde (Fukushima 2006) drifts by ~4e-13 rad (3 mm)
        // at 1000 km height, where the iteration above still round-trips to 1e-8 m.
        let a_m = WGS84_A_KM * 1e3;
        for (lat, lon, h) in [
            (31.5, 74.3, 215.0),
            (-16.4, -71.5, 2335.0),
            (89.9, 10.0, 0.0),
            (-45.0, 170.0, -100.0),
        ] {
            let g = Geodetic::from_degrees(lat, lon, h);
            let r = g.to_itrf();
            let sofa = sofars::coords::gd2gce(a_m, WGS84_F, g.lon_rad, g.lat_rad, h)
                .expect("valid ellipsoid");
            assert!(dist_m(r, sofa.map(|v| v * 1e-3)) < 1e-8);
            let (elong, phi, height) =
                sofars::coords::gc2gde(a_m, WGS84_F, r.map(|v| v * 1e3)).expect("valid ellipsoid");
            let back = itrf_to_geodetic(r);
            assert!((back.lat_rad - phi).abs() < 1e-14);
            assert!((back.lon_rad - elong).abs() < 1e-14);
            assert!((back.height_m() - height).abs() < 1e-8);
        }
    }

    #[test]
    fn poles_and_centre_do_not_fail() {
        let n = itrf_to_geodetic([0.0, 0.0, 6_356.752_314_245]);
        assert!((n.lat_deg() - 90.0).abs() < 1e-12 && n.height_km.abs() < 1e-9);
        let s = itrf_to_geodetic([0.0, 0.0, -7000.0]);
        assert!((s.lat_deg() + 90.0).abs() < 1e-12);
        let c = itrf_to_geodetic([0.0, 0.0, 0.0]);
        assert!(c.height_km.is_finite());
    }
}
