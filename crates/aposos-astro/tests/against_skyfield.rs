//! Time scales, frames and geodesy against Skyfield 1.55, configured with the same
//! `finals2000A.all` that aposos-astro embeds (reference values and the script that
//! made them: `tests/data/skyfield/`). Run with `-- --nocapture` to see the measured
//! maximum deviations.

use aposos_astro::frames::{mxm, transpose, EarthRotation, Mat3, TemeRotation, Vec3};
use aposos_astro::{geodetic_to_itrf, itrf_to_geodetic, Eop, Geodetic, TimeScales};

const MAS_PER_RAD: f64 = 206_264_806.247_096_37;

/// Rows of a reference CSV as (header → column) lookups.
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn load(name: &str) -> Csv {
        let path = format!(
            "{}/../../tests/data/skyfield/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut lines = text.lines();
        let header = lines
            .next()
            .unwrap_or_default()
            .split(',')
            .map(String::from)
            .collect();
        let rows = lines
            .filter(|l| !l.is_empty())
            .map(|l| l.split(',').map(String::from).collect())
            .collect();
        Csv { header, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    fn f(&self, row: &[String], name: &str) -> f64 {
        row[self.col(name)]
            .parse()
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn v3(&self, row: &[String], names: [&str; 3]) -> Vec3 {
        names.map(|n| self.f(row, n))
    }

    fn time(&self, row: &[String]) -> TimeScales {
        let mjd = self.f(row, "mjd_utc") as i64;
        TimeScales::from_utc_mjd(mjd, self.f(row, "sec_of_day"), Eop::embedded())
    }
}

fn dist(a: Vec3, b: Vec3) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// Angle (rad) of the small rotation `a · bᵀ`.
fn rotation_angle(a: &Mat3, b: &Mat3) -> f64 {
    let d = mxm(a, &transpose(b));
    let x = (d[2][1] - d[1][2]) / 2.0;
    let y = (d[0][2] - d[2][0]) / 2.0;
    let z = (d[1][0] - d[0][1]) / 2.0;
    (x * x + y * y + z * z).sqrt()
}

#[test]
fn ut1_utc_tt_utc_and_polar_motion() {
    let csv = Csv::load("time_scales.csv");
    let (mut d_ut1, mut d_tt, mut d_pm) = (0.0f64, 0.0f64, 0.0f64);
    for row in &csv.rows {
        let ts = csv.time(row);
        d_ut1 = d_ut1.max((ts.ut1_utc_s() - csv.f(row, "ut1_utc_s")).abs());
        d_tt = d_tt.max((ts.tt_utc_s() - csv.f(row, "tt_utc_s")).abs());
        d_pm = d_pm.max((ts.eop.xp_arcsec - csv.f(row, "xp_arcsec")).abs());
        d_pm = d_pm.max((ts.eop.yp_arcsec - csv.f(row, "yp_arcsec")).abs());
    }
    println!(
        "time ({} instants): max |dUT1-UTC| = {:.3e} s, max |dTT-UTC| = {:.3e} s, max |dx_p|,|dy_p| = {:.3e} arcsec",
        csv.rows.len(),
        d_ut1,
        d_tt,
        d_pm
    );
    assert!(d_ut1 <= 1e-6, "UT1-UTC off by {d_ut1:e} s");
    assert!(d_tt <= 1e-9, "TT-UTC off by {d_tt:e} s");
    assert!(d_pm <= 1e-6, "polar motion off by {d_pm:e} arcsec");
}

#[test]
fn gcrs_itrf_rotation_within_1_mas() {
    let csv = Csv::load("gcrs_itrf.csv");
    let names = [
        "m00", "m01", "m02", "m10", "m11", "m12", "m20", "m21", "m22",
    ];
    let (mut worst_mas, mut worst_fwd_mm, mut worst_inv_mm) = (0.0f64, 0.0f64, 0.0f64);
    for row in &csv.rows {
        let ts = csv.time(row);
        let er = EarthRotation::new(&ts);
        let mut sf = [[0.0; 3]; 3];
        for (k, n) in names.iter().enumerate() {
            sf[k / 3][k % 3] = csv.f(row, n);
        }
        worst_mas = worst_mas.max(rotation_angle(&er.c2t, &sf) * MAS_PER_RAD);
        let r_gcrs = csv.v3(row, ["gcrs_x_km", "gcrs_y_km", "gcrs_z_km"]);
        let r_itrf = csv.v3(row, ["itrf_x_km", "itrf_y_km", "itrf_z_km"]);
        worst_fwd_mm = worst_fwd_mm.max(dist(er.gcrs_to_itrf(r_gcrs), r_itrf) * 1e6);
        worst_inv_mm = worst_inv_mm.max(dist(er.itrf_to_gcrs(r_itrf), r_gcrs) * 1e6);
    }
    println!(
        "GCRS<->ITRF ({} instants): max rotation difference {:.4} mas; fixed 7071 km vector: GCRS->ITRF {:.3} mm, ITRF->GCRS {:.3} mm",
        csv.rows.len(),
        worst_mas,
        worst_fwd_mm,
        worst_inv_mm
    );
    assert!(worst_mas <= 1.0, "GCRS->ITRF differs by {worst_mas} mas");
    // 1 mas at 7071 km is 34 mm.
    assert!(worst_fwd_mm <= 34.0 && worst_inv_mm <= 34.0);
}

#[test]
fn teme_itrf_within_1_mm() {
    let csv = Csv::load("teme_itrf.csv");
    let (mut d_r_mm, mut d_v_mm_s, mut d_frames_mm, mut d_leo_mm) =
        (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for row in &csv.rows {
        let ts = csv.time(row);
        let r = csv.v3(row, ["teme_x_km", "teme_y_km", "teme_z_km"]);
        let v = csv.v3(row, ["teme_vx_km_s", "teme_vy_km_s", "teme_vz_km_s"]);
        let (ri, vi) = TemeRotation::new(&ts).teme_to_itrf(r, v);
        let sf_r = csv.v3(row, ["itrf_x_km", "itrf_y_km", "itrf_z_km"]);
        let sf_v = csv.v3(row, ["itrf_vx_km_s", "itrf_vy_km_s", "itrf_vz_km_s"]);
        let sf_frames = csv.v3(
            row,
            ["frames_itrf_x_km", "frames_itrf_y_km", "frames_itrf_z_km"],
        );
        // Scale position differences to a 7000 km radius, as the target is stated.
        let scale = 7000.0 / dist(r, [0.0; 3]);
        let dr = dist(ri, sf_r) * 1e6;
        d_r_mm = d_r_mm.max(dr * scale);
        if row[csv.col("name")].starts_with("leo") {
            d_leo_mm = d_leo_mm.max(dr);
        }
        d_v_mm_s = d_v_mm_s.max(dist(vi, sf_v) * 1e6);
        d_frames_mm = d_frames_mm.max(dist(ri, sf_frames) * 1e6 * scale);
    }
    println!(
        "TEME->ITRF ({} states): vs Skyfield TEME_to_ITRF max {:.4} mm at 7000 km (LEO states as given: {:.4} mm), velocity {:.3e} mm/s; vs Skyfield TEME+itrs frames (with s') {:.4} mm at 7000 km",
        csv.rows.len(),
        d_r_mm,
        d_leo_mm,
        d_v_mm_s,
        d_frames_mm
    );
    assert!(d_r_mm <= 1.0, "TEME->ITRF off by {d_r_mm} mm at 7000 km");
    assert!(
        d_frames_mm <= 1.0,
        "TEME->ITRF vs frames off by {d_frames_mm} mm"
    );
    assert!(
        d_v_mm_s <= 0.01,
        "TEME->ITRF velocity off by {d_v_mm_s} mm/s"
    );
}

#[test]
fn wgs84_geodesy_within_1_mm() {
    let csv = Csv::load("geodesy.csv");
    let (mut d_fwd, mut d_inv, mut d_sf_inv) = (0.0f64, 0.0f64, 0.0f64);
    for row in &csv.rows {
        let g = Geodetic::from_degrees(
            csv.f(row, "lat_deg"),
            csv.f(row, "lon_deg"),
            csv.f(row, "height_m"),
        );
        let sf_xyz = csv.v3(row, ["itrf_x_km", "itrf_y_km", "itrf_z_km"]);
        // Forward: closed form against Skyfield's wgs84.latlon(...).itrs_xyz.
        d_fwd = d_fwd.max(dist(geodetic_to_itrf(g), sf_xyz) * 1e6);
        // Inverse of Skyfield's point must give back the input latitude/longitude/height.
        let back = itrf_to_geodetic(sf_xyz);
        d_inv = d_inv.max(dist(geodetic_to_itrf(back), geodetic_to_itrf(g)) * 1e6);
        // Skyfield's own inverse (three fixed iterations), for information.
        let sf_back = Geodetic::from_degrees(
            csv.f(row, "sf_inv_lat_deg"),
            csv.f(row, "sf_inv_lon_deg"),
            csv.f(row, "sf_inv_height_m"),
        );
        d_sf_inv = d_sf_inv.max(dist(geodetic_to_itrf(sf_back), geodetic_to_itrf(back)) * 1e6);
    }
    println!(
        "geodesy ({} points): geodetic->ITRF max {:.3e} mm; ITRF->geodetic of Skyfield's points {:.3e} mm; Skyfield's own inverse vs ours {:.3} mm",
        csv.rows.len(),
        d_fwd,
        d_inv,
        d_sf_inv
    );
    assert!(d_fwd <= 1.0 && d_inv <= 1.0);
    // Skyfield stops its latitude iteration after three rounds (a few mm).
    assert!(d_sf_inv <= 5.0, "Skyfield inverse vs ours {d_sf_inv} mm");
}
