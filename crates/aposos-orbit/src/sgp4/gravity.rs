//! Earth gravity constant sets of SGP4 (Vallado's `getgravconst`).

/// Which set of Earth constants SGP4 uses; element sets are fitted with WGS72.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GravityModel {
    /// WGS72 with the low-precision `xke` of Spacetrack Report #3.
    Wgs72Old,
    /// WGS72, the constants TLEs are generated with (default).
    #[default]
    Wgs72,
    /// WGS84 (not what TLEs are fitted with; for comparison only).
    Wgs84,
}

/// Earth constants used by SGP4, in Vallado's names and units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GravConst {
    /// Minutes per time unit (1 / `xke`), min.
    pub tumin: f64,
    /// Earth gravitational parameter, km³/s².
    pub mus: f64,
    /// Earth equatorial radius, km.
    pub radiusearthkm: f64,
    /// sqrt(GM) in Earth radii^1.5 per minute, 1/min.
    pub xke: f64,
    /// Second zonal harmonic J2, dimensionless.
    pub j2: f64,
    /// Third zonal harmonic J3, dimensionless.
    pub j3: f64,
    /// Fourth zonal harmonic J4, dimensionless.
    pub j4: f64,
    /// Ratio J3 / J2, dimensionless.
    pub j3oj2: f64,
}

/// The constants of a gravity model, computed exactly as Vallado's `getgravconst`.
pub fn getgravconst(model: GravityModel) -> GravConst {
    match model {
        GravityModel::Wgs72Old => {
            let mus = 398_600.799_64;
            let radiusearthkm = 6378.135;
            let xke = 0.074_366_916_1;
            let j2 = 0.001_082_616;
            let j3 = -0.000_002_538_81;
            let j4 = -0.000_001_655_97;
            GravConst {
                tumin: 1.0 / xke,
                mus,
                radiusearthkm,
                xke,
                j2,
                j3,
                j4,
                j3oj2: j3 / j2,
            }
        }
        GravityModel::Wgs72 => {
            let mus = 398_600.8;
            let radiusearthkm: f64 = 6378.135;
            let xke = 60.0 / (radiusearthkm * radiusearthkm * radiusearthkm / mus).sqrt();
            let j2 = 0.001_082_616;
            let j3 = -0.000_002_538_81;
            let j4 = -0.000_001_655_97;
            GravConst {
                tumin: 1.0 / xke,
                mus,
                radiusearthkm,
                xke,
                j2,
                j3,
                j4,
                j3oj2: j3 / j2,
            }
        }
        GravityModel::Wgs84 => {
            let mus = 398_600.5;
            let radiusearthkm: f64 = 6378.137;
            let xke = 60.0 / (radiusearthkm * radiusearthkm * radiusearthkm / mus).sqrt();
            let j2 = 0.001_082_629_989_05;
            let j3 = -0.000_002_532_153_06;
            let j4 = -0.000_001_610_987_61;
            GravConst {
                tumin: 1.0 / xke,
                mus,
                radiusearthkm,
                xke,
                j2,
                j3,
                j4,
                j3oj2: j3 / j2,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wgs72_xke_matches_vallado() {
        let g = getgravconst(GravityModel::Wgs72);
        assert!((g.xke - 0.074_366_916_133_17).abs() < 1e-13);
        assert!((g.tumin * g.xke - 1.0).abs() < 1e-15);
        let old = getgravconst(GravityModel::Wgs72Old);
        assert_eq!(old.xke, 0.074_366_916_1);
        let w84 = getgravconst(GravityModel::Wgs84);
        assert_eq!(w84.radiusearthkm, 6378.137);
    }
}
