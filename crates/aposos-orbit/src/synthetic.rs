//! A generated, statistically realistic catalog of element sets: the fallback demo
//! catalog that always works without any file.
//!
//! The population mimics the tracked catalog of 2026 by orbit regime. Each
//! object is drawn independently from a regime chosen with these weights (per cent):
//!
//! | regime | share | altitude / shape | inclination |
//! |---|---|---|---|
//! | broadband LEO shells (Starlink-like) | 35 | 530–570 km, e < 0.002 | 43°, 53°, 53.2°, 70°, 97.6° |
//! | polar broadband (OneWeb-like) | 3 | 1,200 km | 87.9° |
//! | sun-synchronous | 12 | 450–900 km | from the J2 SSO condition |
//! | other LEO payloads | 8 | 300–1,500 km | 28.5°, 51.6°, 65°, 74°, 82°, 86.4°, 98° ± 0.5° |
//! | LEO debris | 25 | 600–1,100 km, e 0.0005–0.03 | 65°, 71°, 74°, 82°, 98.5°, 99° ± 1° |
//! | LEO rocket bodies | 4 | 400–1,000 km, e < 0.02 | 28.5°–99° |
//! | MEO navigation | 2.5 | GPS 20,180 km, GLONASS 19,100 km, Galileo 23,222 km, BeiDou 21,528 km | 55°–64.8° |
//! | GTO | 2 | perigee 200–600 km, apogee 35,786 km | 0°–28.5° |
//! | Molniya | 0.5 | 12 h period, e ≈ 0.7, ω ≈ 270° | 63.4° |
//! | GEO | 8 | 35,786 km ± 50 km, e < 0.001 | 0°–15° |
//!
//! Node, argument of perigee (except Molniya) and mean anomaly are uniform. B* is
//! log-normal with a median falling with altitude (2e-4 at 500 km, e-folding
//! 250 km, floor 1e-6), with debris ×3. Epochs are spread over the 3 days before
//! the reference epoch, as element-set ages are. Catalog numbers are unique, 5 %
//! of them in the Alpha-5 range (100,000–339,999). The generator is deterministic
//! for a given seed (SplitMix64).

use aposos_formats::{ElementSet, Epoch, OmmMetadata};
use std::f64::consts::TAU;

/// WGS72 equatorial radius in km (SGP4's Earth).
const EARTH_RADIUS_KM: f64 = 6378.135;
/// WGS72 gravitational parameter in km³/s².
const MU_KM3_S2: f64 = 398_600.8;
/// J2 (WGS72).
const J2: f64 = 0.001_082_616;
/// Resolution of a TLE epoch (1e-8 day) in nanoseconds.
const TLE_EPOCH_STEP_NS: i64 = 864_000;
/// Mean motion of the mean Sun in rad/s (one revolution per tropical year).
const SUN_RATE_RAD_S: f64 = TAU / (365.242_19 * 86_400.0);

/// Orbit regime of a generated object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Regime {
    /// Broadband LEO constellation shells.
    LeoShell,
    /// Polar broadband constellation at 1,200 km.
    LeoPolarShell,
    /// Sun-synchronous LEO.
    SunSynchronous,
    /// Other LEO payloads.
    LeoOther,
    /// LEO debris fragments.
    LeoDebris,
    /// LEO rocket bodies.
    LeoRocketBody,
    /// Navigation satellites in MEO.
    MeoNavigation,
    /// Geostationary transfer orbits.
    Gto,
    /// Molniya (12 h, critically inclined).
    Molniya,
    /// Geosynchronous.
    Geo,
}

impl Regime {
    /// Short label used in generated names.
    pub fn label(self) -> &'static str {
        match self {
            Self::LeoShell => "LEO-SHELL",
            Self::LeoPolarShell => "LEO-POLAR",
            Self::SunSynchronous => "SSO",
            Self::LeoOther => "LEO",
            Self::LeoDebris => "LEO DEB",
            Self::LeoRocketBody => "LEO R/B",
            Self::MeoNavigation => "MEO-NAV",
            Self::Gto => "GTO",
            Self::Molniya => "MOLNIYA",
            Self::Geo => "GEO",
        }
    }
}

/// Regimes with their shares in per cent (they add up to 100).
pub const REGIME_SHARES_PERCENT: [(Regime, f64); 10] = [
    (Regime::LeoShell, 35.0),
    (Regime::LeoPolarShell, 3.0),
    (Regime::SunSynchronous, 12.0),
    (Regime::LeoOther, 8.0),
    (Regime::LeoDebris, 25.0),
    (Regime::LeoRocketBody, 4.0),
    (Regime::MeoNavigation, 2.5),
    (Regime::Gto, 2.0),
    (Regime::Molniya, 0.5),
    (Regime::Geo, 8.0),
];

/// Deterministic pseudo-random numbers (SplitMix64).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Standard normal deviate (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (TAU * u2).cos()
    }

    /// One element of a non-empty slice.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let i = (self.next_u64() % items.len().max(1) as u64) as usize;
        items[i.min(items.len().saturating_sub(1))]
    }
}

/// Mean motion in rev/day of an orbit with semi-major axis `a_km` (two-body, WGS72).
pub fn mean_motion_rev_per_day(a_km: f64) -> f64 {
    (MU_KM3_S2 / (a_km * a_km * a_km)).sqrt() * 86_400.0 / TAU
}

/// Sun-synchronous inclination in degrees for a circular orbit of altitude `alt_km` (J2 only).
pub fn sun_synchronous_inclination_deg(alt_km: f64) -> f64 {
    let a = EARTH_RADIUS_KM + alt_km;
    let n = (MU_KM3_S2 / (a * a * a)).sqrt();
    let cos_i = -SUN_RATE_RAD_S / (1.5 * n * J2 * (EARTH_RADIUS_KM / a).powi(2));
    cos_i.clamp(-1.0, 1.0).acos().to_degrees()
}

struct Shape {
    perigee_km: f64,
    apogee_km: f64,
    inclination_deg: f64,
    arg_perigee_deg: Option<f64>,
}

fn circular(alt_km: f64, ecc: f64, inc: f64) -> Shape {
    let a = EARTH_RADIUS_KM + alt_km;
    Shape {
        perigee_km: a * (1.0 - ecc) - EARTH_RADIUS_KM,
        apogee_km: a * (1.0 + ecc) - EARTH_RADIUS_KM,
        inclination_deg: inc,
        arg_perigee_deg: None,
    }
}

fn draw_shape(regime: Regime, rng: &mut SplitMix64) -> Shape {
    match regime {
        Regime::LeoShell => {
            let (alt, inc) = rng.pick(&[
                (550.0, 53.0),
                (540.0, 53.2),
                (570.0, 70.0),
                (560.0, 97.6),
                (530.0, 43.0),
            ]);
            circular(
                alt + rng.normal() * 3.0,
                rng.range(0.0001, 0.002),
                inc + rng.normal() * 0.02,
            )
        }
        Regime::LeoPolarShell => circular(
            1200.0 + rng.normal() * 5.0,
            rng.range(0.0001, 0.002),
            87.9 + rng.normal() * 0.02,
        ),
        Regime::SunSynchronous => {
            let alt = rng.range(450.0, 900.0);
            circular(
                alt,
                rng.range(0.0001, 0.003),
                sun_synchronous_inclination_deg(alt),
            )
        }
        Regime::LeoOther => {
            let inc = rng.pick(&[28.5, 51.6, 65.0, 74.0, 82.0, 86.4, 98.0]) + rng.normal() * 0.5;
            circular(rng.range(300.0, 1500.0), rng.range(0.0001, 0.01), inc)
        }
        Regime::LeoDebris => {
            let inc = rng.pick(&[65.0, 71.0, 74.0, 82.0, 98.5, 99.0]) + rng.normal();
            circular(rng.range(600.0, 1100.0), rng.range(0.0005, 0.03), inc)
        }
        Regime::LeoRocketBody => circular(
            rng.range(400.0, 1000.0),
            rng.range(0.0005, 0.02),
            rng.range(28.5, 99.0),
        ),
        Regime::MeoNavigation => {
            let (alt, inc) = rng.pick(&[
                (20_180.0, 55.0),
                (19_100.0, 64.8),
                (23_222.0, 56.0),
                (21_528.0, 55.0),
            ]);
            circular(
                alt + rng.normal() * 10.0,
                rng.range(0.0001, 0.01),
                inc + rng.normal() * 0.5,
            )
        }
        Regime::Gto => Shape {
            perigee_km: rng.range(200.0, 600.0),
            apogee_km: 35_786.0 + rng.normal() * 200.0,
            inclination_deg: rng.range(0.0, 28.5),
            arg_perigee_deg: None,
        },
        Regime::Molniya => {
            let a = (MU_KM3_S2 * (43_082.0_f64 / TAU).powi(2)).cbrt();
            // Bounded so that perigee stays above ~790 km (a = 26,560 km).
            let e = (0.70 + rng.normal() * 0.02).clamp(0.64, 0.73);
            Shape {
                perigee_km: a * (1.0 - e) - EARTH_RADIUS_KM,
                apogee_km: a * (1.0 + e) - EARTH_RADIUS_KM,
                inclination_deg: 63.4 + rng.normal() * 0.3,
                arg_perigee_deg: Some(270.0 + rng.normal() * 5.0),
            }
        }
        Regime::Geo => circular(
            35_786.0 + rng.normal() * 50.0,
            rng.range(0.0, 0.001),
            rng.uniform().powi(2) * 15.0,
        ),
    }
}

fn draw_regime(rng: &mut SplitMix64) -> Regime {
    let mut x = rng.range(0.0, 100.0);
    for (regime, share) in REGIME_SHARES_PERCENT {
        if x < share {
            return regime;
        }
        x -= share;
    }
    Regime::Geo
}

/// One generated object: its regime and element set.
#[derive(Debug, Clone)]
pub struct SyntheticObject {
    /// The orbit regime it was drawn from.
    pub regime: Regime,
    /// Its element set.
    pub elements: ElementSet,
}

/// Generates `count` objects with epochs in the 3 days before `reference_epoch`.
pub fn generate_catalog(count: usize, seed: u64, reference_epoch: Epoch) -> Vec<SyntheticObject> {
    let mut rng = SplitMix64::new(seed);
    let numbers = draw_catalog_numbers(count, &mut rng);
    let (ref_year, _) = reference_epoch.year_and_fractional_day();
    numbers
        .into_iter()
        .enumerate()
        .map(|(i, norad)| {
            let regime = draw_regime(&mut rng);
            let shape = draw_shape(regime, &mut rng);
            let a_km = EARTH_RADIUS_KM + 0.5 * (shape.perigee_km + shape.apogee_km);
            let ecc = (shape.apogee_km - shape.perigee_km) / (2.0 * a_km);
            let mean_alt_km = a_km - EARTH_RADIUS_KM;
            let median_bstar = (2e-4
                * (-(mean_alt_km.min(shape.perigee_km + 200.0) - 500.0) / 250.0).exp())
            .max(1e-6);
            let debris_factor = if regime == Regime::LeoDebris {
                3.0
            } else {
                1.0
            };
            let bstar = median_bstar * debris_factor * (0.8 * rng.normal()).exp();
            let age_ns = (rng.range(0.0, 3.0) * 86_400e9) as i64;
            // On the TLE epoch grid (1e-8 day = 864 µs), so every format holds it exactly.
            let raw = reference_epoch.add_ns(-age_ns).ns_since_1950();
            let epoch = Epoch::from_ns_since_1950(raw - raw.rem_euclid(TLE_EPOCH_STEP_NS));
            let launch_year = (ref_year - 1 - (rng.uniform() * 30.0) as i64).max(1958);
            // COSPAR piece letters (no I, no O).
            let piece = aposos_formats::obs::uk::piece_letters((i % 24) as u32 + 1);
            let elements = ElementSet {
                object_name: Some(format!("SYN {} {:06}", regime.label(), norad)),
                object_id: Some(format!(
                    "{launch_year:04}-{:03}{piece}",
                    1 + rng.next_u64() % 299
                )),
                norad_cat_id: norad,
                classification: 'U',
                epoch,
                mean_motion_rev_per_day: round_to(mean_motion_rev_per_day(a_km), 1e-8),
                eccentricity: round_to(ecc.clamp(0.0, 0.99), 1e-7),
                inclination_deg: round_to(shape.inclination_deg.clamp(0.0, 180.0), 1e-4),
                raan_deg: round_to(rng.range(0.0, 360.0), 1e-4),
                arg_of_pericenter_deg: round_to(
                    shape
                        .arg_perigee_deg
                        .unwrap_or_else(|| rng.range(0.0, 360.0))
                        .rem_euclid(360.0),
                    1e-4,
                ),
                mean_anomaly_deg: round_to(rng.range(0.0, 360.0), 1e-4),
                ephemeris_type: 0,
                element_set_no: 999,
                rev_at_epoch: (rng.uniform() * 50_000.0) as u32,
                bstar_per_earth_radii: round_sig5(bstar),
                mean_motion_dot_rev_per_day2: 0.0,
                mean_motion_ddot_rev_per_day3: 0.0,
                omm: OmmMetadata::default(),
            };
            SyntheticObject { regime, elements }
        })
        .collect()
}

fn round_to(x: f64, step: f64) -> f64 {
    ((x / step).round() * step * 1e12).round() / 1e12
}

fn round_sig5(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return 0.0;
    }
    let exp = x.abs().log10().floor() as i32 + 1;
    let scale = 10f64.powi(5 - exp);
    let r = (x * scale).round() / scale;
    format!("{r:.5e}").parse().unwrap_or(r)
}

fn draw_catalog_numbers(count: usize, rng: &mut SplitMix64) -> Vec<u32> {
    let alpha5 = count / 20;
    let five_digit = count - alpha5;
    let mut out = Vec::with_capacity(count);
    // One number drawn in each of `n` disjoint equal slots of the range: unique, spread out.
    spread(&mut out, five_digit, 1, 99_999, rng);
    spread(&mut out, alpha5, 100_000, 339_999, rng);
    out
}

fn spread(out: &mut Vec<u32>, n: usize, lo: u32, hi: u32, rng: &mut SplitMix64) {
    if n == 0 {
        return;
    }
    let span = (hi - lo + 1) as u64;
    let slot = (span / n as u64).max(1);
    for k in 0..n as u64 {
        let base = lo as u64 + k * slot;
        let v = base + rng.next_u64() % slot;
        out.push(v.min(hi as u64).max(lo as u64) as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    fn reference() -> Epoch {
        Epoch::parse_iso("2026-05-20T00:00:00").unwrap()
    }

    #[test]
    fn deterministic_for_a_seed() {
        let a = generate_catalog(500, 7, reference());
        let b = generate_catalog(500, 7, reference());
        let c = generate_catalog(500, 8, reference());
        assert_eq!(
            a.iter().map(|o| &o.elements).collect::<Vec<_>>(),
            b.iter().map(|o| &o.elements).collect::<Vec<_>>()
        );
        assert_ne!(a[0].elements, c[0].elements);
    }

    #[test]
    fn shares_and_ranges_are_realistic() {
        let n = 20_000;
        let cat = generate_catalog(n, 42, reference());
        assert_eq!(cat.len(), n);
        let ids: HashSet<u32> = cat.iter().map(|o| o.elements.norad_cat_id).collect();
        assert_eq!(ids.len(), n, "catalog numbers are unique");
        let alpha5 = ids.iter().filter(|&&id| id >= 100_000).count();
        assert!(alpha5 > 0 && ids.iter().all(|&id| (1..=339_999).contains(&id)));
        let mut counts: HashMap<Regime, usize> = HashMap::new();
        for o in &cat {
            *counts.entry(o.regime).or_default() += 1;
            let e = &o.elements;
            assert!((0.0..1.0).contains(&e.eccentricity));
            assert!((0.0..=180.0).contains(&e.inclination_deg));
            assert!(e.mean_motion_rev_per_day > 0.9 && e.mean_motion_rev_per_day < 16.5);
            let a = (MU_KM3_S2 / (e.mean_motion_rev_per_day * TAU / 86_400.0).powi(2)).cbrt();
            let perigee = a * (1.0 - e.eccentricity) - EARTH_RADIUS_KM;
            assert!(perigee > 150.0, "perigee {perigee} km for {e:?}");
            assert!(e.epoch <= reference());
            assert_eq!(
                e.epoch.ns_since_1950() % TLE_EPOCH_STEP_NS,
                0,
                "epoch on the TLE grid"
            );
        }
        for (regime, share) in REGIME_SHARES_PERCENT {
            let got = *counts.get(&regime).unwrap_or(&0) as f64 / n as f64 * 100.0;
            // Binomial standard deviation at n = 20,000 is below 0.35 percentage points.
            assert!(
                (got - share).abs() < 1.5,
                "{regime:?}: {got:.2} % vs {share} %"
            );
        }
    }

    #[test]
    fn every_generated_object_propagates_for_a_day() {
        for seed in [1, 2, 3, 2026] {
            for o in generate_catalog(3_000, seed, reference()) {
                let sat = crate::Sgp4::new(&o.elements).unwrap();
                for t in [0.0, 180.0, 360.0, 720.0, 1080.0, 1440.0] {
                    assert!(
                        sat.propagate(t).is_ok(),
                        "seed {seed}: {:?} fails at {t} min",
                        o.elements.object_name
                    );
                }
            }
        }
    }

    #[test]
    fn sso_inclination_matches_known_value() {
        // A 700 km circular sun-synchronous orbit is inclined about 98.19°.
        let i = sun_synchronous_inclination_deg(700.0);
        assert!((i - 98.19).abs() < 0.05, "{i}");
    }

    #[test]
    fn geo_mean_motion_is_one_sidereal_day() {
        let n = mean_motion_rev_per_day(EARTH_RADIUS_KM + 35_786.0);
        assert!((n - 1.0027).abs() < 1e-3, "{n}");
    }
}

/// The errors [`degrade_catalog`] gives element sets (one sigma).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ElementErrors {
    /// Along-track position error at epoch (km).
    pub along_km: f64,
    /// Growth of the along-track error per day from epoch (km/day), from a mean-motion error.
    pub along_km_per_day: f64,
    /// Cross-track position error (km), from inclination and node errors.
    pub cross_km: f64,
}

impl Default for ElementErrors {
    /// Typical of public LEO element sets: 1 km along track at epoch, growing by 2 km a
    /// day, 0.3 km across.
    fn default() -> Self {
        Self {
            along_km: 1.0,
            along_km_per_day: 2.0,
            cross_km: 0.3,
        }
    }
}

/// Element sets as a catalog would hold them when `truth` is what the objects really
/// do: each with Gaussian errors of mean anomaly (along track at epoch), mean motion
/// (along-track drift), inclination and node (cross track), of the sizes in `errors`.
/// Deterministic for a given seed.
pub fn degrade_catalog(truth: &[ElementSet], seed: u64, errors: &ElementErrors) -> Vec<ElementSet> {
    let mut rng = SplitMix64::new(seed);
    truth
        .iter()
        .map(|e| {
            let mut d = e.clone();
            let n_rad_s = e.mean_motion_rev_per_day * TAU / 86_400.0;
            let a_km = (MU_KM3_S2 / (n_rad_s * n_rad_s)).cbrt();
            let dm_rad = errors.along_km * rng.normal() / a_km;
            let dn_rad_per_day = errors.along_km_per_day * rng.normal() / a_km;
            let di_rad = errors.cross_km * rng.normal() / a_km / std::f64::consts::SQRT_2;
            let dnode_rad = errors.cross_km * rng.normal() / a_km / std::f64::consts::SQRT_2;
            d.mean_anomaly_deg = (e.mean_anomaly_deg + dm_rad.to_degrees()).rem_euclid(360.0);
            d.mean_motion_rev_per_day = e.mean_motion_rev_per_day + dn_rad_per_day / TAU;
            d.inclination_deg = (e.inclination_deg + di_rad.to_degrees()).clamp(0.0, 180.0);
            let sin_i = e.inclination_deg.to_radians().sin().max(0.05);
            d.raan_deg = (e.raan_deg + (dnode_rad / sin_i).to_degrees()).rem_euclid(360.0);
            d
        })
        .collect()
}
