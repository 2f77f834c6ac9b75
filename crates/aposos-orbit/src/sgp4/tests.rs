//! Unit tests of the SGP4 port on hard-coded element sets of Vallado's verification file.

use aposos_formats::{ElementSet, Epoch, OmmMetadata};

use super::*;

/// An element set from TLE fields (epoch as year, day of year and 1e-8 day units).
#[allow(clippy::too_many_arguments)]
fn elements(
    norad: u32,
    year: i64,
    doy: u32,
    frac_1e8: i64,
    bstar: f64,
    incl: f64,
    raan: f64,
    ecc: f64,
    argp: f64,
    ma: f64,
    n: f64,
) -> ElementSet {
    ElementSet {
        object_name: None,
        object_id: None,
        norad_cat_id: norad,
        classification: 'U',
        epoch: Epoch::from_year_day(year, doy, frac_1e8 * 864_000).unwrap(),
        mean_motion_rev_per_day: n,
        eccentricity: ecc,
        inclination_deg: incl,
        raan_deg: raan,
        arg_of_pericenter_deg: argp,
        mean_anomaly_deg: ma,
        ephemeris_type: 0,
        element_set_no: 0,
        rev_at_epoch: 0,
        bstar_per_earth_radii: bstar,
        mean_motion_dot_rev_per_day2: 0.0,
        mean_motion_ddot_rev_per_day3: 0.0,
        omm: OmmMetadata::default(),
    }
}

/// 00005 (near Earth, e = 0.186).
pub(crate) fn sat_00005() -> ElementSet {
    elements(
        5,
        2000,
        179,
        78_495_062,
        0.28098e-4,
        34.2682,
        348.7242,
        0.1859667,
        331.7664,
        19.3264,
        10.82419157,
    )
}

/// 09880 (deep space, 12-hour resonance).
pub(crate) fn sat_09880() -> ElementSet {
    elements(
        9880, 2006, 176, 56_157_475, 0.1e-3, 64.5968, 349.3786, 0.7069051, 270.0229, 16.3320,
        2.00813614,
    )
}

/// 09998 (deep space, synchronous resonance), propagated backwards.
pub(crate) fn sat_09998() -> ElementSet {
    elements(
        9998, 2005, 148, 79_417_928, 0.0, 9.4958, 313.1750, 0.0270971, 327.5225, 30.8097,
        1.16186785,
    )
}

fn assert_state(s: &StateTeme, r: [f64; 3], v: [f64; 3]) {
    for k in 0..3 {
        assert!((s.position_km[k] - r[k]).abs() < 1e-7, "{s:?} vs {r:?}");
        assert!((s.velocity_km_s[k] - v[k]).abs() < 1e-9, "{s:?} vs {v:?}");
    }
}

#[test]
fn near_earth_00005_matches_tcppver() {
    let sat = Sgp4::new(&sat_00005()).unwrap();
    assert!(!sat.is_deep_space());
    assert_eq!(sat.norad_cat_id(), 5);
    assert_state(
        &sat.propagate(0.0).unwrap(),
        [7022.46529266, -1400.08296755, 0.03995155],
        [1.893841015, 6.405893759, 4.534807250],
    );
    assert_state(
        &sat.propagate(360.0).unwrap(),
        [-7154.03120202, -3783.17682504, -3536.19412294],
        [4.741887409, -4.151817765, -2.093935425],
    );
}

#[test]
fn deep_space_09880_matches_tcppver() {
    let sat = Sgp4::new(&sat_09880()).unwrap();
    assert!(sat.is_deep_space());
    assert_eq!(sat.irez, 2);
    assert_state(
        &sat.propagate(0.0).unwrap(),
        [13020.06750784, -2449.07193500, 1.15896030],
        [4.247363935, 1.597178501, 4.956708611],
    );
    assert_state(
        &sat.propagate(240.0).unwrap(),
        [11332.67806218, 16517.99124008, 38569.78482991],
        [-1.400974747, 0.710947006, 0.923935636],
    );
}

#[test]
fn deep_space_09998_backwards_matches_tcppver() {
    let sat = Sgp4::new(&sat_09998()).unwrap();
    assert_eq!(sat.irez, 1);
    assert_state(
        &sat.propagate(-1440.0).unwrap(),
        [-11362.18265118, -35117.55867813, -5413.62537994],
        [3.137861261, -1.011678260, 0.267510059],
    );
}

#[test]
fn vallado_epoch_of_00005() {
    let sat = Sgp4::new(&sat_00005()).unwrap();
    assert_eq!(sat.epochdays, 179.78495062);
    assert_eq!(sat.epochyr, 2000);
    let (jd, fr) = sat.jd_epoch_split();
    assert_eq!(jd, 2_451_722.5); // 2000-06-27 0h
    assert!((fr - 0.78495062).abs() < 1e-12);
}

#[test]
fn days2mdhms_and_jday() {
    let (mon, day, hr, min, sec) = days2mdhms(2000, 60.5);
    assert_eq!((mon, day, hr, min), (2, 29, 12, 0));
    assert!(sec.abs() < 1e-9);
    let (jd, fr) = jday(2000, 1, 1, 12, 0, 0.0);
    assert_eq!(jd + fr, 2_451_545.0);
    // GMST at J2000.0 is 280.46061837 deg
    let g = gstime(2_451_545.0).to_degrees();
    assert!((g - 280.460_618_37).abs() < 1e-6, "{g}");
}

#[test]
fn record_is_clone_send_sync() {
    fn check<T: Clone + Send + Sync>() {}
    check::<Sgp4>();
}

#[test]
fn invalid_elements_are_errors() {
    let mut e = sat_00005();
    e.eccentricity = 1.0;
    assert_eq!(Sgp4::new(&e).unwrap_err().code(), 1);
    e.eccentricity = -0.1;
    assert_eq!(Sgp4::new(&e).unwrap_err().code(), 1);
    let mut e = sat_00005();
    e.mean_motion_rev_per_day = 0.0;
    assert_eq!(Sgp4::new(&e).unwrap_err().code(), 2);
    e.mean_motion_rev_per_day = -3.0;
    assert_eq!(Sgp4::new(&e).unwrap_err().code(), 2);
    let mut e = sat_00005();
    e.inclination_deg = f64::NAN;
    assert!(matches!(
        Sgp4::new(&e),
        Err(Sgp4Error::InvalidElement {
            field: "inclination_deg",
            ..
        })
    ));
    let sat = Sgp4::new(&sat_00005()).unwrap();
    for t in [
        f64::NAN,
        f64::INFINITY,
        -f64::INFINITY,
        2.0 * MAX_TSINCE_MIN,
    ] {
        assert_eq!(sat.propagate(t).unwrap_err().code(), 8, "{t}");
    }
    // Every error has a message.
    assert!(!Sgp4Error::NonFiniteState.to_string().is_empty());
}

#[test]
fn epochs_outside_vallado_calendar_use_exact_julian_date() {
    for year in [1850, 2150] {
        let mut e = sat_00005();
        e.epoch = Epoch::from_year_day(year, 100, 12 * 3_600_000_000_000).unwrap();
        let sat = Sgp4::new(&e).unwrap();
        let (jd, fr) = sat.jd_epoch_split();
        assert_eq!((jd, fr), e.epoch.jd_split());
        assert!(sat.propagate(100.0).is_ok());
    }
}

/// xorshift64*: a small deterministic generator for the garbage test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A value that is usually within `lo..hi` and sometimes pathological.
    fn field(&mut self, lo: f64, hi: f64) -> f64 {
        const SPECIAL: [f64; 12] = [
            f64::NAN,
            f64::INFINITY,
            -f64::INFINITY,
            0.0,
            -0.0,
            1e-300,
            -1e-300,
            1e300,
            -1e300,
            1.0,
            -1.0,
            f64::MIN_POSITIVE,
        ];
        match self.next() % 10 {
            0 => SPECIAL[(self.next() % SPECIAL.len() as u64) as usize],
            1 => f64::from_bits(self.next()),
            _ => lo + (hi - lo) * self.unit(),
        }
    }
}

#[test]
fn garbage_elements_give_errors_not_panics() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let base = [sat_00005(), sat_09880(), sat_09998()];
    let times = [0.0, 1.0, -1.0, 720.0, -1440.0, 1e4, 1e6, f64::NAN, 1e12];
    let (mut ok, mut init_err, mut prop_err) = (0, 0, 0);
    for i in 0..20_000 {
        let mut e = base[i % base.len()].clone();
        match rng.next() % 4 {
            0 => e.mean_motion_rev_per_day = rng.field(0.0, 20.0),
            1 => e.eccentricity = rng.field(0.0, 1.0),
            2 => e.bstar_per_earth_radii = rng.field(-1.0, 1.0),
            _ => {
                e.mean_motion_rev_per_day = rng.field(0.0, 20.0);
                e.eccentricity = rng.field(0.0, 1.0);
                e.inclination_deg = rng.field(0.0, 180.0);
                e.raan_deg = rng.field(0.0, 360.0);
                e.arg_of_pericenter_deg = rng.field(0.0, 360.0);
                e.mean_anomaly_deg = rng.field(0.0, 360.0);
                e.bstar_per_earth_radii = rng.field(-0.01, 0.01);
            }
        }
        let sat = match Sgp4::new(&e) {
            Ok(s) => s,
            Err(err) => {
                assert!((1..=9).contains(&err.code()));
                init_err += 1;
                continue;
            }
        };
        for (k, &t) in times.iter().enumerate() {
            let t = if k == 0 { t } else { t * (0.5 + rng.unit()) };
            match sat.propagate(t) {
                Ok(s) => {
                    assert!(s.position_km.iter().all(|x| x.is_finite()));
                    assert!(s.velocity_km_s.iter().all(|x| x.is_finite()));
                    ok += 1;
                }
                Err(err) => {
                    assert!((1..=9).contains(&err.code()), "{err}");
                    prop_err += 1;
                }
            }
        }
    }
    assert!(
        ok > 0 && init_err > 0 && prop_err > 0,
        "{ok} {init_err} {prop_err}"
    );
}
