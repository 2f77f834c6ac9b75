//! Sun (SOFA `epv00`) and Moon (SOFA `moon98`) against Skyfield 1.55 with JPL DE421:
//! geometric geocentric GCRS vectors at the instants of
//! `tests/data/skyfield/topocentric.csv` (made by `make_topocentric_reference.py`).
//! Run with `-- --nocapture` to see the measured maximum deviations.

use std::collections::BTreeSet;

use aposos_astro::sun_moon::{moon_gcrs_km, sun_gcrs_km};
use aposos_astro::topocentric::{angular_separation_rad, norm, sub};
use aposos_astro::{Eop, TimeScales};

const ARCSEC_PER_RAD: f64 = 206_264.806_247_096_37;

#[test]
fn sun_and_moon_against_de421() {
    let path = format!(
        "{}/../../tests/data/skyfield/topocentric.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (c_mjd, c_sec) = (col("mjd_utc"), col("sec_of_day"));
    let c_sun = [col("sun_x_km"), col("sun_y_km"), col("sun_z_km")];
    let c_moon = [col("moon_x_km"), col("moon_y_km"), col("moon_z_km")];
    let eop = Eop::embedded();
    let mut seen = BTreeSet::new();
    let (mut sun_max, mut moon_max, mut sun_dist_max, mut moon_dist_max) =
        (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let (mut sun_mean, mut moon_mean) = (0.0, 0.0);
    for line in lines.filter(|l| !l.is_empty()) {
        let v: Vec<&str> = line.split(',').collect();
        if !seen.insert((v[c_mjd], v[c_sec])) {
            continue;
        }
        let mjd: i64 = v[c_mjd].parse().expect("mjd");
        let sec: f64 = v[c_sec].parse().expect("sec");
        let ts = TimeScales::from_utc_mjd(mjd, sec, eop);
        let num = |i: usize| -> f64 { v[i].parse().expect("number") };
        let sun_ref = c_sun.map(num);
        let moon_ref = c_moon.map(num);
        let sun = sun_gcrs_km(&ts);
        let moon = moon_gcrs_km(&ts);
        let ds = angular_separation_rad(sun, sun_ref) * ARCSEC_PER_RAD;
        let dm = angular_separation_rad(moon, moon_ref) * ARCSEC_PER_RAD;
        sun_max = sun_max.max(ds);
        moon_max = moon_max.max(dm);
        sun_mean += ds;
        moon_mean += dm;
        sun_dist_max = sun_dist_max.max((norm(sun) - norm(sun_ref)).abs());
        moon_dist_max = moon_dist_max.max(norm(sub(moon, moon_ref)).abs());
    }
    let n = seen.len() as f64;
    println!("{n} instants (2000-2026) against DE421:");
    println!(
        "  Sun  direction max {sun_max:.3} arcsec, mean {:.3}; distance max {sun_dist_max:.1} km",
        sun_mean / n
    );
    println!(
        "  Moon direction max {moon_max:.3} arcsec, mean {:.3}; position max {moon_dist_max:.1} km",
        moon_mean / n
    );
    assert!(n > 500.0);
    assert!(sun_max <= 1.0, "Sun {sun_max} arcsec");
    assert!(moon_max <= 10.0, "Moon {moon_max} arcsec");
}
