//! How long a mount takes to go from one pointing to another.
//!
//! Each axis moves on its own with a trapezoidal profile (constant acceleration up to the
//! mount's top rate, cruise, constant deceleration); the slew lasts as long as the slower
//! axis, then the mount settles. An alt-az mount moves in azimuth and elevation (the
//! azimuth the short way round), an equatorial mount in hour angle and declination
//! (no meridian flip is modelled). Pointings are unit vectors in the site's local
//! east-north-up frame.

use crate::sites::{Mount, Telescope};

/// A unit vector in the site's east-north-up frame.
pub type Enu = [f64; 3];

/// A pointing in a mount's axes (deg): (azimuth, elevation) or (hour angle, declination);
/// the first may be unwrapped beyond ±180° along a track.
pub type Axes = [f64; 2];

/// A mount's motion limits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MountModel {
    /// Alt-az or equatorial.
    pub mount: Mount,
    /// Top axis rate (deg/s).
    pub max_rate_deg_s: f64,
    /// Axis acceleration (deg/s²).
    pub accel_deg_s2: f64,
    /// Site latitude (rad): an equatorial mount's axes depend on it.
    pub lat_rad: f64,
}

impl MountModel {
    /// The model of a site's telescope at latitude `lat_rad`, accelerating at `accel_deg_s2`.
    pub fn new(telescope: &Telescope, lat_rad: f64, accel_deg_s2: f64) -> Self {
        MountModel {
            mount: telescope.mount,
            max_rate_deg_s: telescope.max_slew_deg_s,
            accel_deg_s2,
            lat_rad,
        }
    }

    /// Axis angles (deg) of a pointing: (azimuth, elevation) or (hour angle, declination).
    pub fn axes_deg(&self, p: Enu) -> (f64, f64) {
        let el = p[2].clamp(-1.0, 1.0).asin();
        match self.mount {
            Mount::AltAz => {
                let az = p[0].atan2(p[1]);
                (az.to_degrees(), el.to_degrees())
            }
            Mount::Equatorial => {
                // ENU → local equatorial: x toward the meridian's equator point (south-up), z to the pole.
                let (sl, cl) = self.lat_rad.sin_cos();
                let z = p[1] * cl + p[2] * sl;
                let x = -p[1] * sl + p[2] * cl;
                let y = -p[0];
                let dec = z.clamp(-1.0, 1.0).asin();
                let ha = y.atan2(x);
                (ha.to_degrees(), dec.to_degrees())
            }
        }
    }

    /// Time (s) one axis needs to turn by `d_deg`.
    pub fn axis_time_s(&self, d_deg: f64) -> f64 {
        let d = d_deg.abs();
        let (v, a) = (self.max_rate_deg_s, self.accel_deg_s2);
        if d <= v * v / a {
            2.0 * (d / a).sqrt()
        } else {
            d / v + v / a
        }
    }

    /// The axes of a pointing, as an array.
    pub fn axes(&self, p: Enu) -> Axes {
        let (a, b) = self.axes_deg(p);
        [a, b]
    }

    /// Slew time (s, without settling) from pointing `from` to pointing `to`.
    pub fn slew_s(&self, from: Enu, to: Enu) -> f64 {
        self.slew_axes_s(self.axes(from), self.axes(to))
    }

    /// Slew time (s, without settling) between two pointings given in the mount's axes.
    pub fn slew_axes_s(&self, from: Axes, to: Axes) -> f64 {
        let mut da = (to[0] - from[0]).abs();
        if da > 180.0 {
            let d = da.rem_euclid(360.0);
            da = d.min(360.0 - d);
        }
        self.axis_time_s(da).max(self.axis_time_s(to[1] - from[1]))
    }
}

/// The unit vector of azimuth `az_rad` (from north through east) and elevation `el_rad`.
pub fn enu_of(az_rad: f64, el_rad: f64) -> Enu {
    let (sa, ca) = az_rad.sin_cos();
    let (se, ce) = el_rad.sin_cos();
    [ce * sa, ce * ca, se]
}

/// Angle (deg) between two unit vectors.
pub fn separation_deg(a: Enu, b: Enu) -> f64 {
    let c = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    let x = [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ];
    (x[0] * x[0] + x[1] * x[1] + x[2] * x[2])
        .sqrt()
        .atan2(c)
        .to_degrees()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn altaz() -> MountModel {
        MountModel {
            mount: Mount::AltAz,
            max_rate_deg_s: 8.0,
            accel_deg_s2: 4.0,
            lat_rad: 30f64.to_radians(),
        }
    }

    #[test]
    fn trapezoid_profile() {
        let m = altaz();
        // 16° is exactly the distance to reach 8°/s and stop again: 2·√(16/4) = 4 s.
        assert!((m.axis_time_s(16.0) - 4.0).abs() < 1e-12);
        assert!((m.axis_time_s(4.0) - 2.0).abs() < 1e-12);
        // 80°: 2 s accelerating and 2 s decelerating (16°), 64° at 8°/s (8 s).
        assert!((m.axis_time_s(80.0) - 12.0).abs() < 1e-12);
        assert_eq!(m.axis_time_s(0.0), 0.0);
    }

    #[test]
    fn altaz_azimuth_goes_the_short_way() {
        let m = altaz();
        let a = enu_of(350f64.to_radians(), 40f64.to_radians());
        let b = enu_of(10f64.to_radians(), 40f64.to_radians());
        assert!((m.slew_s(a, b) - m.axis_time_s(20.0)).abs() < 1e-9);
        // Elevation dominates when it moves more.
        let c = enu_of(10f64.to_radians(), 80f64.to_radians());
        assert!((m.slew_s(b, c) - m.axis_time_s(40.0)).abs() < 1e-9);
    }

    #[test]
    fn equatorial_axes() {
        let m = MountModel {
            mount: Mount::Equatorial,
            ..altaz()
        };
        // The celestial pole: declination 90°.
        let pole = enu_of(0.0, 30f64.to_radians());
        assert!((m.axes_deg(pole).1 - 90.0).abs() < 1e-9);
        // Due south on the meridian at elevation 60°: hour angle 0, declination 0 (30° latitude).
        let (ha, dec) = m.axes_deg(enu_of(180f64.to_radians(), 60f64.to_radians()));
        assert!(ha.abs() < 1e-9 && dec.abs() < 1e-9, "{ha} {dec}");
        // Due west on the horizon: hour angle +90° (6 h after transit), declination 0.
        let (ha, dec) = m.axes_deg(enu_of(270f64.to_radians(), 0.0));
        assert!((ha - 90.0).abs() < 1e-9 && dec.abs() < 1e-9, "{ha} {dec}");
        // Due east: −90°.
        let (ha, _) = m.axes_deg(enu_of(90f64.to_radians(), 0.0));
        assert!((ha + 90.0).abs() < 1e-9);
    }

    #[test]
    fn axes_slews_go_the_short_way_even_unwrapped() {
        let m = altaz();
        // 350° to 370° (10° unwrapped) and to 730° (also 10°), and −190° to 170°: 0°.
        assert!((m.slew_axes_s([350.0, 40.0], [370.0, 40.0]) - m.axis_time_s(20.0)).abs() < 1e-9);
        assert!((m.slew_axes_s([350.0, 40.0], [730.0, 40.0]) - m.axis_time_s(20.0)).abs() < 1e-9);
        assert!(m.slew_axes_s([-190.0, 40.0], [170.0, 40.0]).abs() < 1e-9);
        let (a, b) = (
            enu_of(350f64.to_radians(), 40f64.to_radians()),
            enu_of(10f64.to_radians(), 70f64.to_radians()),
        );
        assert!((m.slew_s(a, b) - m.slew_axes_s(m.axes(a), m.axes(b))).abs() < 1e-12);
    }

    #[test]
    fn separation() {
        let a = enu_of(0.0, 0.0);
        let b = enu_of(0.0, 1f64.to_radians());
        assert!((separation_deg(a, b) - 1.0).abs() < 1e-9);
    }
}
