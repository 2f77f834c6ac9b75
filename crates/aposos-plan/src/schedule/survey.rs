//! The GEO-belt survey that fills a node's gaps: fields along the geostationary arc as the
//! site sees it, each a fixed pointing (a geostationary object stays put in azimuth and
//! elevation, so the mount stares with tracking off), observable while the site is dark
//! and that part of the belt is sunlit and away from the Moon.

use super::slew::Enu;
use super::track::line_of_sight;
use crate::passes::{EarthClock, Observer};
use crate::windows::{SkyClock, WindowOptions};
use aposos_astro::shadow::illumination;

/// Geostationary radius (km).
pub const GEO_RADIUS_KM: f64 = 42_164.17;
/// Sampling step of a field's observability (s).
const STEP_S: f64 = 300.0;

/// One survey field: a point of the geostationary arc.
#[derive(Clone, Debug, PartialEq)]
pub struct SurveyField {
    /// Field label (`GEO073.2E`: the belt longitude at its centre).
    pub id: String,
    /// East longitude of the belt point (deg).
    pub lon_deg: f64,
    /// ITRF position of the belt point (km).
    pub itrf_km: [f64; 3],
    /// Its pointing from the site.
    pub enu: Enu,
    /// Intervals (s since the clock's start) when it can be observed.
    pub open: Vec<(f64, f64)>,
}

/// The survey fields of one site over its dark interval `dark`: belt points spaced by
/// 0.9 field of view as seen from the site, above the horizon mask and the minimum
/// elevation plus 5°.
pub fn survey_fields(
    observer: &Observer,
    mask_rad: impl Fn(f64) -> f64,
    fov_deg: f64,
    dark: (f64, f64),
    clock: &EarthClock,
    sky: &SkyClock,
    opts: &WindowOptions,
) -> Vec<SurveyField> {
    let lon0 = observer.geodetic.lon_deg();
    let mut out: Vec<SurveyField> = Vec::new();
    let mut last: Option<Enu> = None;
    let mut k = -1600i32;
    while k <= 1600 {
        let lon = lon0 + f64::from(k) * 0.05;
        k += 1;
        let (s, c) = lon.to_radians().sin_cos();
        let r = [GEO_RADIUS_KM * c, GEO_RADIUS_KM * s, 0.0];
        let p = line_of_sight(observer, r);
        let el = p[2].asin();
        let az = p[0].atan2(p[1]).rem_euclid(std::f64::consts::TAU);
        if el.to_degrees() < opts.min_el_deg + 5.0 || el < mask_rad(az) + 5f64.to_radians() {
            continue;
        }
        if last.is_some_and(|q| super::slew::separation_deg(q, p) < 0.9 * fov_deg) {
            continue;
        }
        last = Some(p);
        let open = open_intervals(r, p, observer, dark, clock, sky, opts);
        if open.is_empty() {
            continue;
        }
        let lon_e = (lon + 180.0).rem_euclid(360.0) - 180.0;
        out.push(SurveyField {
            id: format!(
                "GEO{:05.1}{}",
                lon_e.abs(),
                if lon_e >= 0.0 { "E" } else { "W" }
            ),
            lon_deg: lon_e,
            itrf_km: r,
            enu: p,
            open,
        });
    }
    out
}

fn open_intervals(
    r: [f64; 3],
    p: Enu,
    observer: &Observer,
    dark: (f64, f64),
    clock: &EarthClock,
    sky: &SkyClock,
    opts: &WindowOptions,
) -> Vec<(f64, f64)> {
    let ok = |t: f64| {
        let (sun, moon) = sky.sun_moon_itrf_km(clock, t);
        if !illumination(r, sun).is_sunlit() {
            return false;
        }
        let m = line_of_sight(observer, moon);
        super::slew::separation_deg(m, p) >= opts.min_moon_sep_deg
    };
    let mut out = Vec::new();
    let mut start: Option<f64> = None;
    let mut t = dark.0;
    loop {
        let here = ok(t);
        match (here, start) {
            (true, None) => start = Some(t),
            (false, Some(s)) => {
                out.push((s, t));
                start = None;
            }
            _ => {}
        }
        if t >= dark.1 {
            break;
        }
        t = (t + STEP_S).min(dark.1);
    }
    if let Some(s) = start {
        if dark.1 > s {
            out.push((s, dark.1));
        }
    }
    // Sampled edges: keep a step's margin inside each closing edge but the night's end.
    out.into_iter()
        .map(|(a, b)| (a, if b < dark.1 { b - STEP_S } else { b }))
        .filter(|(a, b)| b > a)
        .collect()
}
