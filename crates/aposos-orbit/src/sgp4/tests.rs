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
