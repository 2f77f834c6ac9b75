//! Earth shadow: conical model (umbra, penumbra, sunlit) with a spherical Earth.
//!
//! Seen from the object, the Sun is a disc of angular radius `a = asin(R☉/|s−r|)`
//! and the Earth one of angular radius `b = asin(R⊕/|r|)`, their centres `c`
//! apart (Montenbruck & Gill, *Satellite Orbits*, §3.4.2). The object is
//! **sunlit** when the discs do not overlap (`c ≥ a + b`), in **umbra** when the
//! Earth covers the whole Sun (`c ≤ b − a`), and in **penumbra** otherwise.
//!
//! The Earth is a sphere of the WGS84 equatorial radius 6378.137 km; the Sun a
//! sphere of 696,000 km. Not modelled: the Earth's oblateness (the polar radius
//! is 21 km shorter, which moves a LEO shadow boundary by up to ~3 s), and the
//! atmosphere, which refracts and absorbs light near the limb and makes the
//! real shadow ~1–2% larger. Skyfield's `is_sunlit` tests only whether the
//! Sun's *centre* is hidden by a sphere of 6378.1366 km, i.e. the middle of our
//! penumbra: [`ShadowGeometry::sun_centre_visible`] is that test.

use crate::frames::Vec3;
use crate::geodesy::WGS84_A_KM;
use crate::sun_moon::SUN_RADIUS_KM;

/// Earth radius (km) of the spherical shadow model: WGS84 equatorial radius.
pub const EARTH_SHADOW_RADIUS_KM: f64 = WGS84_A_KM;

/// Illumination of an object by the Sun in the conical Earth-shadow model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Illumination {
    /// The whole solar disc is visible from the object.
    Sunlit,
    /// The Earth hides part of the solar disc.
    Penumbra,
    /// The Earth hides the whole solar disc.
    Umbra,
}

impl Illumination {
    /// True only for [`Illumination::Sunlit`]: an object in penumbra is fading and
    /// is not counted as observable (a conservative choice for planning).
    pub fn is_sunlit(self) -> bool {
        self == Illumination::Sunlit
    }
}

/// Angular sizes (rad) of the Sun and the Earth seen from an object, and the separation of their centres (rad).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShadowGeometry {
    /// Apparent angular radius of the Sun seen from the object (rad).
    pub sun_radius_rad: f64,
    /// Apparent angular radius of the Earth seen from the object (rad).
    pub earth_radius_rad: f64,
    /// Angle between the directions object→Sun and object→Earth centre (rad).
    pub separation_rad: f64,
}

impl ShadowGeometry {
    /// Geometry for an object and the Sun given geocentrically (km, any common inertial or Earth-fixed frame).
    pub fn new(obj_gcrs_km: Vec3, sun_gcrs_km: Vec3) -> Self {
        let to_sun = sub(sun_gcrs_km, obj_gcrs_km);
        let to_earth = [-obj_gcrs_km[0], -obj_gcrs_km[1], -obj_gcrs_km[2]];
        let d_sun = norm(to_sun);
        let d_earth = norm(to_earth);
        // Inside the Earth (or at its centre) the Earth covers everything.
        let earth_radius_rad = if d_earth <= EARTH_SHADOW_RADIUS_KM {
            std::f64::consts::PI
        } else {
            (EARTH_SHADOW_RADIUS_KM / d_earth).asin()
        };
        let sun_radius_rad = if d_sun <= SUN_RADIUS_KM {
            std::f64::consts::PI
        } else {
            (SUN_RADIUS_KM / d_sun).asin()
        };
        ShadowGeometry {
            sun_radius_rad,
            earth_radius_rad,
            separation_rad: angle_between(to_sun, to_earth),
        }
    }

    /// Conical-shadow illumination from this geometry.
    pub fn illumination(&self) -> Illumination {
        let (a, b, c) = (
            self.sun_radius_rad,
            self.earth_radius_rad,
            self.separation_rad,
        );
        if b >= std::f64::consts::PI {
            // Inside the Earth.
            Illumination::Umbra
        } else if c >= a + b {
            Illumination::Sunlit
        } else if c <= b - a {
            Illumination::Umbra
        } else {
            Illumination::Penumbra
        }
    }

    /// Whether the Sun's centre is above the Earth's limb seen from the object (point-Sun test, as Skyfield's `is_sunlit`).
    pub fn sun_centre_visible(&self) -> bool {
        self.separation_rad > self.earth_radius_rad
    }
}

/// Illumination of an object at `obj_gcrs_km` (km) by the Sun at `sun_gcrs_km` (km), both geocentric, same frame; conical shadow.
pub fn illumination(obj_gcrs_km: Vec3, sun_gcrs_km: Vec3) -> Illumination {
    ShadowGeometry::new(obj_gcrs_km, sun_gcrs_km).illumination()
}

fn sub(a: Vec3, b: Vec3) -> Vec3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn norm(v: Vec3) -> f64 {
    (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt()
}

/// Angle between two vectors (rad), atan2 form, accurate at all angles.
fn angle_between(a: Vec3, b: Vec3) -> f64 {
    let c = [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ];
    let d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    norm(c).atan2(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUN: Vec3 = [149_597_870.7, 0.0, 0.0];

    #[test]
    fn day_side_night_side_and_terminator() {
        assert_eq!(illumination([7000.0, 0.0, 0.0], SUN), Illumination::Sunlit);
        assert_eq!(illumination([-7000.0, 0.0, 0.0], SUN), Illumination::Umbra);
        assert!(illumination([0.0, 7000.0, 0.0], SUN).is_sunlit());
        // Far above the pole, behind the Earth but outside the umbra cone (length ~1.38e6 km).
        assert_eq!(
            illumination([-2.0e6, 0.0, 0.0], SUN),
            Illumination::Penumbra
        );
    }

    #[test]
    fn penumbra_straddles_the_point_sun_boundary() {
        // Behind the Earth at 7000 km: move sideways across the shadow edge.
        let r = 7000.0_f64;
        let mut seen = Vec::new();
        for i in 0..2000 {
            let y = 6300.0 + i as f64 * 0.1;
            let x = -(r * r - y * y).max(0.0).sqrt();
            let g = ShadowGeometry::new([x, y, 0.0], SUN);
            let ill = g.illumination();
            if seen.last() != Some(&ill) {
                seen.push(ill);
            }
            match ill {
                Illumination::Umbra => assert!(!g.sun_centre_visible()),
                Illumination::Sunlit => assert!(g.sun_centre_visible()),
                Illumination::Penumbra => {}
            }
        }
        assert_eq!(
            seen,
            vec![
                Illumination::Umbra,
                Illumination::Penumbra,
                Illumination::Sunlit
            ]
        );
    }

    #[test]
    fn degenerate_positions_do_not_panic() {
        let _ = illumination([0.0; 3], SUN);
        let _ = illumination(SUN, SUN);
        assert_eq!(illumination([1.0, 0.0, 0.0], SUN), Illumination::Umbra);
    }
}
