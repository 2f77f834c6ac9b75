//! Topocentric predictions against Skyfield 1.55 (same `finals2000A.all`, DE421 for
//! the Sun): reference values and the script that made them in
//! `tests/data/skyfield/` (`make_topocentric_reference.py`, `topocentric.csv`,
//! `topocentric_objects.tle`). Run with `-- --nocapture` to see the measured
//! maximum deviations.

use std::collections::HashMap;

use aposos_astro::frames::Vec3;
use aposos_astro::refraction::Atmosphere;
use aposos_astro::shadow::{Illumination, ShadowGeometry};
use aposos_astro::sun_moon::sun_gcrs_km;
use aposos_astro::{teme_to_gcrs, Eop, Geodetic, TimeScales};
use aposos_formats::{parse_tle, Epoch, TleOptions};
use aposos_orbit::Sgp4;
use aposos_plan::predict::{elevation_and_rate_rad, predict, PredictOptions};

const ARCSEC_PER_DEG: f64 = 3600.0;
const MJD_1950: i64 = 33_282;
const NS_PER_DAY: i64 = 86_400_000_000_000;

fn data(name: &str) -> String {
    let path = format!(
        "{}/../../tests/data/skyfield/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// One CSV row as column name → text.
fn rows(name: &str) -> Vec<HashMap<String, String>> {
    let text = data(name);
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .expect("header")
        .split(',')
        .map(String::from)
        .collect();
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect()
}

fn f(row: &HashMap<String, String>, key: &str) -> f64 {
    row[key].parse().unwrap_or_else(|e| panic!("{key}: {e}"))
}

fn unit(ra_deg: f64, dec_deg: f64) -> Vec3 {
    let (sr, cr) = ra_deg.to_radians().sin_cos();
    let (sd, cd) = dec_deg.to_radians().sin_cos();
    [cd * cr, cd * sr, sd]
}

/// Angle between two directions given as (longitude, latitude) in degrees, arcsec.
fn sep_arcsec(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let a = unit(lon1, lat1);
    let b = unit(lon2, lat2);
    aposos_astro::topocentric::angular_separation_rad(a, b).to_degrees() * ARCSEC_PER_DEG
}

fn sites() -> HashMap<&'static str, Geodetic> {
    [
        ("lahore", 31.5204, 74.3587, 217.0),
        ("islamabad", 33.6844, 73.0479, 540.0),
        ("lima", -12.0464, -77.0428, 154.0),
        ("arequipa", -16.4090, -71.5375, 2335.0),
        ("tehran", 35.6892, 51.3890, 1190.0),
        ("beijing", 39.9042, 116.4074, 44.0),
    ]
    .into_iter()
    .map(|(n, la, lo, h)| (n, Geodetic::from_degrees(la, lo, h)))
    .collect()
}

fn satellites() -> HashMap<u32, Sgp4> {
    let text = data("topocentric_objects.tle");
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    lines
        .chunks(2)
        .map(|p| {
            let (es, _) = parse_tle(None, p[0], p[1], &TleOptions { lenient: false })
                .unwrap_or_else(|e| panic!("{}: {e}", p[0]));
            let sat = Sgp4::new(&es).expect("sgp4 init");
            (sat.norad_cat_id(), sat)
        })
        .collect()
}

fn epoch(row: &HashMap<String, String>) -> Epoch {
    let mjd: i64 = row["mjd_utc"].parse().expect("mjd");
    let sec = f(row, "sec_of_day");
    Epoch::from_ns_since_1950((mjd - MJD_1950) * NS_PER_DAY + (sec * 1e9).round() as i64)
}

#[derive(Default)]
struct Max(HashMap<&'static str, (f64, String)>);

impl Max {
    fn put(&mut self, what: &'static str, v: f64, at: &str) {
        let e = self.0.entry(what).or_insert((0.0, String::new()));
        if v.abs() > e.0 || v.is_nan() {
            *e = (v.abs(), at.to_string());
        }
    }
    fn get(&self, what: &str) -> f64 {
        self.0.get(what).map_or(0.0, |e| e.0)
    }
    fn print(&self) {
        let mut keys: Vec<_> = self.0.keys().collect();
        keys.sort();
        for k in keys {
            let (v, at) = &self.0[k];
            println!("  {k:<34} {v:>12.6e}   ({at})");
        }
    }
}

#[test]
fn topocentric_against_skyfield() {
    let eop = Eop::embedded();
    let sats = satellites();
    let sites = sites();
    let geometric = PredictOptions {
        geometric: true,
        refraction: None,
    };
    let refracted = PredictOptions {
        geometric: true,
        refraction: Some(Atmosphere {
            pressure_hpa: 1013.25,
            temperature_c: 10.0,
        }),
    };
    let astrometric = PredictOptions::default();
    let mut max = Max::default();
    let (mut n, mut n_lit_compared, mut n_boundary, mut n_penumbra) = (0, 0, 0, 0);
    for row in rows("topocentric.csv") {
        let norad: u32 = row["norad"].parse().expect("norad");
        let sat = &sats[&norad];
        let site = &sites[row["site"].as_str()];
        let t = epoch(&row);
        let at = format!("{norad} {} {t}", row["site"]);
        n += 1;

        // Geometric: Skyfield's (sat - topos).at(t).
        let g = predict(sat, site, t, eop, &geometric, None).expect("predict");
        let ra = f(&row, "ra_deg");
        let dec = f(&row, "dec_deg");
        max.put(
            "geometric RA/Dec (arcsec)",
            sep_arcsec(g.ra_deg, g.dec_deg, ra, dec),
            &at,
        );
        let az = f(&row, "az_deg");
        let el = f(&row, "el_deg");
        max.put(
            "geometric Az/El (arcsec)",
            sep_arcsec(g.az_deg, g.el_deg, az, el),
            &at,
        );
        max.put(
            "geometric El (arcsec)",
            (g.el_deg - el) * ARCSEC_PER_DEG,
            &at,
        );
        max.put(
            "geometric range (m)",
            (g.range_km - f(&row, "range_km")) * 1e3,
            &at,
        );
        max.put(
            "range rate (mm/s)",
            (g.range_rate_km_s - f(&row, "range_rate_km_s")) * 1e6,
            &at,
        );
        // Angular rates (deg/s), compared in arcsec/s; azimuth rate scaled by cos El.
        let cos_el = el.to_radians().cos();
        for (what, ours, theirs, k) in [
            (
                "RA·cosDec rate (arcsec/s)",
                g.ra_rate_deg_s,
                f(&row, "ra_rate_deg_s"),
                1.0,
            ),
            (
                "Dec rate (arcsec/s)",
                g.dec_rate_deg_s,
                f(&row, "dec_rate_deg_s"),
                1.0,
            ),
            (
                "Az rate·cosEl (arcsec/s)",
                g.az_rate_deg_s,
                f(&row, "az_rate_deg_s"),
                cos_el,
            ),
            (
                "El rate (arcsec/s)",
                g.el_rate_deg_s,
                f(&row, "el_rate_deg_s"),
                1.0,
            ),
        ] {
            max.put(what, (ours - theirs) * k * ARCSEC_PER_DEG, &at);
        }
        // The cheap elevation for root finders agrees with the full path.
        let (el_cheap, el_rate_cheap) =
            elevation_and_rate_rad(sat, site.to_itrf(), site, t, eop).expect("elevation");
        max.put(
            "cheap El vs predict (arcsec)",
            (el_cheap.to_degrees() - g.el_deg) * ARCSEC_PER_DEG,
            &at,
        );
        max.put(
            "cheap El rate vs Skyfield (arcsec/s)",
            (el_rate_cheap.to_degrees() - f(&row, "el_rate_deg_s")) * ARCSEC_PER_DEG,
            &at,
        );
        // Refraction (Bennett iterated, as Skyfield's refract) above the horizon.
        if el > 0.0 {
            let r = predict(sat, site, t, eop, &refracted, None).expect("predict");
            let sf_r = f(&row, "el_refr_deg") - el;
            let ours_r = r.el_deg - g.el_deg;
            // Skyfield rounds Bennett's constants (0.016667°, 0.28 for 283/1010): 0.07 % apart.
            max.put("refraction, relative", (ours_r - sf_r) / sf_r, &at);
        }

        // Astrometric (light time) against the script's own iteration on Skyfield's vectors.
        let a = predict(sat, site, t, eop, &astrometric, None).expect("predict");
        max.put(
            "light-time RA/Dec (arcsec)",
            sep_arcsec(
                a.ra_deg,
                a.dec_deg,
                f(&row, "lt_ra_deg"),
                f(&row, "lt_dec_deg"),
            ),
            &at,
        );
        max.put(
            "light-time range (m)",
            (a.range_km - f(&row, "lt_range_km")) * 1e3,
            &at,
        );
        max.put(
            "light time τ (ns)",
            (a.light_time_s - f(&row, "lt_tau_s")) * 1e9,
            &at,
        );
        max.put(
            "light-time effect (arcsec, info)",
            sep_arcsec(a.ra_deg, a.dec_deg, ra, dec),
            &at,
        );

        // Sunlit: Skyfield's flag (Sun's centre above the limb of a 6378.1366 km sphere)
        // for the object at t − τ, where it does not change within ±1 s.
        let flags = ["sunlit", "sunlit_minus_1s", "sunlit_plus_1s"].map(|k| row[k] == "1");
        if flags[0] != flags[1] || flags[0] != flags[2] {
            n_boundary += 1;
            continue;
        }
        n_lit_compared += 1;
        let ts = TimeScales::from_utc_ns_since_1950(t.ns_since_1950(), eop);
        let s = sat
            .propagate(t.minutes_since(sat.epoch()) - a.light_time_s / 60.0)
            .expect("sgp4");
        let (r_obj, _) = teme_to_gcrs(s.position_km, s.velocity_km_s, &ts);
        let geo = ShadowGeometry::new(r_obj, sun_gcrs_km(&ts));
        assert_eq!(geo.sun_centre_visible(), flags[0], "point-Sun test at {at}");
        assert_eq!(geo.illumination(), a.illumination, "{at}");
        match a.illumination {
            Illumination::Sunlit => assert!(flags[0], "sunlit but Skyfield in shadow at {at}"),
            Illumination::Umbra => assert!(!flags[0], "umbra but Skyfield sunlit at {at}"),
            Illumination::Penumbra => n_penumbra += 1,
        }
        // The sunlit column users see is Skyfield's flag wherever it is stable over ±1 s.
        assert_eq!(a.sunlit, flags[0], "sunlit column at {at}");
    }
    println!(
        "{n} predictions; sunlit compared on {n_lit_compared} ({n_boundary} within 1 s of a boundary skipped, {n_penumbra} in penumbra); max |deviation|:"
    );
    max.print();
    assert!(n >= 900, "{n} rows");
    assert!(max.get("geometric RA/Dec (arcsec)") <= 0.1);
    assert!(max.get("geometric Az/El (arcsec)") <= 0.1);
    assert!(max.get("geometric range (m)") <= 1.0);
    assert!(max.get("light-time RA/Dec (arcsec)") <= 0.1);
    assert!(max.get("light-time range (m)") <= 1.0);
    assert!(max.get("light time τ (ns)") <= 1.0);
    // Skyfield rotates the TEME velocity as if TEME were inertial; we go through the
    // Earth-fixed frame (GMST 1982 rate out, ERA rate back): they differ by the
    // precession rate (~1e-11 rad/s) times the distance, < 1 mm/s even at HEO apogee.
    assert!(max.get("range rate (mm/s)") <= 2.0);
    assert!(max.get("RA·cosDec rate (arcsec/s)") <= 1e-3);
    assert!(max.get("Dec rate (arcsec/s)") <= 1e-3);
    assert!(max.get("Az rate·cosEl (arcsec/s)") <= 1e-3);
    assert!(max.get("El rate (arcsec/s)") <= 1e-3);
    assert!(max.get("cheap El vs predict (arcsec)") <= 0.01);
    assert!(max.get("cheap El rate vs Skyfield (arcsec/s)") <= 1e-3);
    assert!(max.get("refraction, relative") <= 1e-3);
    // The light-time effect itself is large enough for the check to mean something.
    assert!(max.get("light-time effect (arcsec, info)") > 1.0);
}
