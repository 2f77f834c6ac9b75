//! Optically observable windows: the parts of each pass in which a site's
//! telescope can see the object.
//!
//! An instant is **observable** when all of these hold:
//! - the object is above the pass's minimum elevation and above the site's
//!   horizon mask at its azimuth (geometric elevation);
//! - the site is dark: the Sun's centre below `max_sun_el_deg` (−12°, nautical
//!   twilight, by default);
//! - the object is sunlit (conical shadow, penumbra counts as not sunlit:
//!   [`aposos_astro::shadow`]);
//! - its estimated visual magnitude ([`aposos_astro::magnitude`]) is at most the
//!   telescope's limiting magnitude, when a standard magnitude is known (no
//!   magnitude, no brightness condition);
//! - the Moon's centre is at least `min_moon_sep_deg` away.
//!
//! **Search.** Sun and Moon come from SOFA (`epv00`, `moon98`) every 10 min,
//! taken to TEME and interpolated linearly (under 0.01″ for the Sun, ~2″ for the
//! Moon). A site's dark intervals are found once per site. For each object a
//! bound decides when it *could* be sunlit at all while within the site's
//! visibility cone (an Earth-shadow cylinder around the cone: a LEO object at
//! 500 km cannot be sunlit from a site whose Sun is more than ~36° down), and
//! passes are searched only where the site is dark and that bound allows
//! ([`crate::passes::find_passes_in`]), then followed to their real rise and set.
//! Inside each such pass the observability is sampled (about 40 steps, 2 s to
//! 5 min) and each change is located by bisection to 1 ms. Windows closer than
//! a minute are merged, so a slow (GEO) object that stays up all night gives one
//! window per night, split only by a real event (e.g. an eclipse).

use crate::passes::{find_passes_in, EarthClock, Observer, Pass, PassError, Target};
use crate::roots::{bisect_predicate, brent_root};
use crate::sites::Site;
use aposos_astro::frames::{EarthRotation, TemeRotation, Vec3};
use aposos_astro::magnitude::visual_magnitude;
use aposos_astro::shadow::illumination;
use aposos_astro::sun_moon::{moon_gcrs_km, sun_gcrs_km};
use aposos_astro::topocentric::{angular_separation_rad, azel_from_enu_rad};
use aposos_astro::{Eop, TimeScales};
use aposos_formats::{ElementSet, Epoch};
use rayon::prelude::*;

/// Spacing of the Sun and Moon samples (s).
pub const SKY_NODE_STEP_S: f64 = 600.0;
/// Earth radius (km) used by the can-it-be-sunlit bound (below the shadow model's 6378.137 km: conservative).
const SHADOW_BOUND_RADIUS_KM: f64 = 6350.0;
/// Above this distance (km) from the Earth's centre an object on the Sun's side of the terminator plane is sunlit.
const SUNLIT_BOUND_RADIUS_KM: f64 = 6400.0;
/// Windows separated by less than this (s) are merged.
pub const MERGE_GAP_S: f64 = 60.0;
/// Time tolerance of window edges (s).
pub const WINDOW_TOL_S: f64 = 1e-3;

/// Conditions of an optically observable window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WindowOptions {
    /// Minimum elevation of the passes (deg).
    pub min_el_deg: f64,
    /// The site is dark when the Sun's centre is below this elevation (deg); −12° by default.
    pub max_sun_el_deg: f64,
    /// Smallest allowed angle between the object and the Moon's centre (deg); 10° by default.
    pub min_moon_sep_deg: f64,
}

impl Default for WindowOptions {
    fn default() -> Self {
        WindowOptions {
            min_el_deg: 10.0,
            max_sun_el_deg: -12.0,
            min_moon_sep_deg: 10.0,
        }
    }
}

/// Geocentric Sun and Moon (TEME, km) sampled over an [`EarthClock`]'s interval.
#[derive(Clone, Debug)]
pub struct SkyClock {
    nodes: Vec<(Vec3, Vec3)>,
}

impl SkyClock {
    /// Samples Sun and Moon every [`SKY_NODE_STEP_S`] over the clock's interval.
    pub fn new(clock: &EarthClock, eop: &Eop) -> Self {
        let n = (clock.span_s() / SKY_NODE_STEP_S).ceil() as usize + 2;
        let nodes = (0..n)
            .map(|i| {
                let t = clock.epoch_at(i as f64 * SKY_NODE_STEP_S);
                let ts = TimeScales::from_utc_ns_since_1950(t.ns_since_1950(), eop);
                let er = EarthRotation::new(&ts);
                let tr = TemeRotation::new(&ts);
                let to_teme = |g: Vec3| tr.itrf_to_teme(er.gcrs_to_itrf(g), [0.0; 3]).0;
                (to_teme(sun_gcrs_km(&ts)), to_teme(moon_gcrs_km(&ts)))
            })
            .collect();
        SkyClock { nodes }
    }

    /// Sun and Moon in TEME (km) at `t_s` seconds after the clock's start, interpolated linearly.
    pub fn sun_moon_teme_km(&self, t_s: f64) -> (Vec3, Vec3) {
        let x = (t_s / SKY_NODE_STEP_S).max(0.0);
        let i = (x.floor() as usize).min(self.nodes.len().saturating_sub(2));
        let f = x - i as f64;
        let (s0, m0) = self.nodes[i];
        let (s1, m1) = self.nodes[(i + 1).min(self.nodes.len() - 1)];
        let lerp = |a: Vec3, b: Vec3| {
            [
                a[0] + (b[0] - a[0]) * f,
                a[1] + (b[1] - a[1]) * f,
                a[2] + (b[2] - a[2]) * f,
            ]
        };
        (lerp(s0, s1), lerp(m0, m1))
    }

    /// Sun and Moon in ITRF (km) at `t_s`.
    pub fn sun_moon_itrf_km(&self, clock: &EarthClock, t_s: f64) -> (Vec3, Vec3) {
        let (s, m) = self.sun_moon_teme_km(t_s);
        let rot = clock.teme_rotation(t_s);
        (
            rot.teme_to_itrf(s, [0.0; 3]).0,
            rot.teme_to_itrf(m, [0.0; 3]).0,
        )
    }
}

/// A site prepared for window searches: observer, dark intervals and Sun elevation samples.
#[derive(Clone, Debug)]
pub struct SiteNight {
    /// The site.
    pub site: Site,
    /// Its observer frame.
    pub observer: Observer,
    /// Intervals (s since the clock's start) when the Sun is below `max_sun_el_deg`.
    pub dark: Vec<(f64, f64)>,
    /// Sun elevation (rad) every [`SKY_NODE_STEP_S`].
    sun_el: Vec<f64>,
}

impl SiteNight {
    /// Dark intervals of `site` over the clock's interval.
    pub fn new(site: &Site, clock: &EarthClock, sky: &SkyClock, opts: &WindowOptions) -> Self {
        let observer = Observer::new(&site.geodetic);
        let total = clock.span_s();
        let sun_el_at = |t: f64| -> f64 {
            let (s, _) = sky.sun_moon_itrf_km(clock, t);
            body_el(&observer, s)
        };
        let n = (total / SKY_NODE_STEP_S).ceil() as usize;
        let sun_el: Vec<f64> = (0..=n + 1)
            .map(|i| sun_el_at(i as f64 * SKY_NODE_STEP_S))
            .collect();
        let limit = opts.max_sun_el_deg.to_radians();
        let grid: Vec<(f64, f64)> = (0..=n)
            .map(|i| {
                let t = (i as f64 * SKY_NODE_STEP_S).min(total);
                (t, sun_el_at(t) - limit)
            })
            .collect();
        let dark = intervals_below(&grid, |t| {
            Ok::<_, std::convert::Infallible>(sun_el_at(t) - limit)
        })
        .unwrap_or_default();
        SiteNight {
            site: site.clone(),
            observer,
            dark,
            sun_el,
        }
    }

    /// Intervals when the Sun's elevation is within [lo, hi] (rad), from the samples (±0.02°).
    fn sun_between(&self, lo: f64, hi: f64, total: f64) -> Vec<(f64, f64)> {
        let grid: Vec<(f64, f64)> = self
            .sun_el
            .iter()
            .enumerate()
            .map(|(i, &e)| (i as f64 * SKY_NODE_STEP_S, e))
            .collect();
        let mut out: Vec<(f64, f64)> = Vec::new();
        let mut start = None;
        for w in grid.windows(2) {
            let ((t0, e0), (t1, e1)) = (w[0], w[1]);
            let inside = |e: f64| e >= lo && e <= hi;
            if inside(e0) && start.is_none() {
                start = Some(t0);
            }
            // Crossing times of lo and hi by linear interpolation.
            let mut cuts = Vec::new();
            for lim in [lo, hi] {
                if (e0 - lim) * (e1 - lim) < 0.0 {
                    cuts.push(t0 + (t1 - t0) * (lim - e0) / (e1 - e0));
                }
            }
            cuts.sort_by(f64::total_cmp);
            let mut state = inside(e0);
            for c in cuts {
                state = !state;
                if state {
                    start = Some(c);
                } else if let Some(s) = start.take() {
                    out.push((s, c));
                }
            }
            let _ = e1;
        }
        if let Some(s) = start {
            out.push((s, total));
        }
        out.into_iter()
            .map(|(a, b)| (a.clamp(0.0, total), b.clamp(0.0, total)))
            .filter(|(a, b)| b >= a)
            .collect()
    }
}

/// An optically observable window within a pass.
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    /// The pass it belongs to.
    pub pass: Pass,
    /// Start of the window (UTC).
    pub start_utc: Epoch,
    /// End of the window (UTC).
    pub end_utc: Epoch,
    /// Highest elevation within the window (deg, sampled).
    pub max_el_deg: f64,
    /// Brightest estimated visual magnitude within the window (sampled), when a standard magnitude is known.
    pub brightest_mag: Option<f64>,
}

/// What the telescope sees of an object at one instant.
struct Seen {
    observable: bool,
    /// The object is certainly in the umbra (so not observable) until this time (s); −∞ when unknown.
    umbra_until: f64,
    el_deg: f64,
    mag: Option<f64>,
}

fn body_el(obs: &Observer, body_itrf_km: Vec3) -> f64 {
    let rho = sub(body_itrf_km, obs.itrf_km);
    let e = [
        dot(obs.enu[0], rho),
        dot(obs.enu[1], rho),
        dot(obs.enu[2], rho),
    ];
    azel_from_enu_rad(e).1
}

#[allow(clippy::too_many_arguments)]
fn seen(
    target: &Target,
    night: &SiteNight,
    clock: &EarthClock,
    sky: &SkyClock,
    opts: &WindowOptions,
    std_mag: Option<f64>,
    t: f64,
    full: bool,
) -> Result<Seen, PassError> {
    // Unless `full`, the conditions are tested cheapest first and the first failing one
    // ends the evaluation: `el_deg` and `mag` of an unobservable instant are then not
    // meaningful (the callers use them only for observable instants, or ask for `full`).
    let not = |el_deg: f64| Seen {
        observable: false,
        umbra_until: f64::NEG_INFINITY,
        el_deg,
        mag: None,
    };
    let dark = night.dark.iter().any(|&(a, b)| t >= a && t <= b);
    if !full && !dark {
        return Ok(not(f64::NAN));
    }
    let rot = clock.teme_rotation(t);
    let (r, _) = target.itrf_with(clock, t, &rot)?;
    let site = night.observer.itrf_km;
    let mut ok = dark;
    // Elevation as `Observer::look` computes it; the azimuth only when the mask needs it.
    let rho = sub(r, site);
    let e = [
        dot(night.observer.enu[0], rho),
        dot(night.observer.enu[1], rho),
        dot(night.observer.enu[2], rho),
    ];
    let (az_rad, el_rad) = azel_from_enu_rad(e);
    let range_km = dot(e, e).sqrt();
    ok &= el_rad.to_degrees() >= opts.min_el_deg && el_rad >= night.site.mask_rad(az_rad);
    let el_deg = el_rad.to_degrees();
    if !full && !ok {
        return Ok(not(el_deg));
    }
    let (sun_teme, moon_teme) = sky.sun_moon_teme_km(t);
    let sun = rot.teme_to_itrf(sun_teme, [0.0; 3]).0;
    // On the Sun's side of the terminator plane and well above the surface, the
    // conical test always says sunlit (the Earth subtends < 86°, the Sun > 89.99° away).
    let sunlit = (dot(r, sun) >= 0.0 && dot(r, r) >= SUNLIT_BOUND_RADIUS_KM.powi(2))
        || illumination(r, sun).is_sunlit();
    ok &= sunlit;
    if !full && !ok {
        let mut seen = not(el_deg);
        if !sunlit {
            seen.umbra_until = t + umbra_margin_s(target, r, sun);
        }
        return Ok(seen);
    }
    let mag = match std_mag {
        Some(m) if sunlit => {
            let phase = angular_separation_rad(sub(sun, r), sub(site, r));
            Some(visual_magnitude(m, range_km, phase))
        }
        _ => None,
    };
    if let Some(m) = mag {
        ok &= m <= night.site.telescope.limiting_mag;
    }
    if ok {
        let moon = rot.teme_to_itrf(moon_teme, [0.0; 3]).0;
        let sep = angular_separation_rad(sub(r, site), sub(moon, site));
        ok = sep.to_degrees() >= opts.min_moon_sep_deg;
    }
    Ok(Seen {
        observable: ok,
        umbra_until: f64::NEG_INFINITY,
        el_deg,
        mag,
    })
}

/// How long (s) an object at ITRF `r` (km) certainly stays in the Earth's umbra (0 when not
/// certainly in it), the Sun at ITRF `sun` (km).
///
/// The umbra of the conical model is the cone behind the Earth tangent to the Earth and the
/// Sun, of half-angle asin((R☉ − R⊕)/d☉) < 0.005 rad: at a distance x behind the Earth's centre
/// its radius is at least 6370 km − 0.005·x. The object's distance to that boundary (with 1%
/// margin), and to the terminator plane, shrinks no faster than the object moves relative to
/// the shadow in ITRF: its TEME speed (at most perigee speed, below `ang_rate_max · r_max`) plus
/// the Earth's rotation at `r_max`, plus the shadow's own rotation in ITRF (again the Earth's).
fn umbra_margin_s(target: &Target, r: Vec3, sun: Vec3) -> f64 {
    const EARTH_RATE_BOUND_RAD_S: f64 = 7.3e-5;
    let s = dot(sun, sun).sqrt();
    let u = [sun[0] / s, sun[1] / s, sun[2] / s];
    let x = -dot(r, u);
    if x <= 0.0 {
        return 0.0;
    }
    let axis = [r[0] + x * u[0], r[1] + x * u[1], r[2] + x * u[2]];
    let p = dot(axis, axis).sqrt();
    let depth = (0.99 * (6370.0 - 0.005 * x - p)).min(x);
    if depth <= 0.0 {
        return 0.0;
    }
    let v_bound = (target.ang_rate_max_rad_s + 2.0 * EARTH_RATE_BOUND_RAD_S) * target.r_max_km;
    depth / v_bound
}

/// Intervals of a sampled function's negative part, edges refined with Brent's method.
fn intervals_below<E>(
    grid: &[(f64, f64)],
    mut f: impl FnMut(f64) -> Result<f64, E>,
) -> Result<Vec<(f64, f64)>, E> {
    let mut out = Vec::new();
    let mut start = match grid.first() {
        Some(&(t, v)) if v < 0.0 => Some(t),
        _ => None,
    };
    for w in grid.windows(2) {
        let ((t0, v0), (t1, v1)) = (w[0], w[1]);
        if (v0 < 0.0) != (v1 < 0.0) {
            let tc = brent_root(&mut f, t0, t1, v0, v1, WINDOW_TOL_S)?;
            if v1 < 0.0 {
                start = Some(tc);
            } else if let Some(s) = start.take() {
                out.push((s, tc));
            }
        }
    }
    if let (Some(s), Some(&(t, _))) = (start, grid.last()) {
        out.push((s, t));
    }
    Ok(out)
}

/// The observable windows of one object at one site over the clock's interval.
pub fn find_windows(
    target: &Target,
    night: &SiteNight,
    clock: &EarthClock,
    sky: &SkyClock,
    opts: &WindowOptions,
    std_mag: Option<f64>,
) -> Result<Vec<Window>, PassError> {
    let total = clock.span_s();
    // When could the object be sunlit while within the site's visibility cone?
    let rho = (dot(night.observer.itrf_km, night.observer.itrf_km)).sqrt();
    let el_lo = (opts.min_el_deg - 1.0).to_radians();
    let lambda = (rho * el_lo.cos() / target.r_max_km)
        .clamp(-1.0, 1.0)
        .acos()
        - el_lo;
    let d_max = std::f64::consts::FRAC_PI_2 + lambda
        - (SHADOW_BOUND_RADIUS_KM / target.r_max_km).min(1.0).asin()
        + 1f64.to_radians();
    let spans = night.sun_between(-d_max, (opts.max_sun_el_deg + 0.1).to_radians(), total);
    if spans.is_empty() {
        return Ok(Vec::new());
    }
    let passes = find_passes_in(target, &night.observer, clock, opts.min_el_deg, &spans)?;
    let mut out = Vec::new();
    for pass in passes {
        for &(da, db) in &night.dark {
            let (a, b) = (da.max(pass.start_s), db.min(pass.end_s));
            if b <= a {
                continue;
            }
            windows_in(
                target, night, clock, sky, opts, std_mag, &pass, a, b, &mut out,
            )?;
        }
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn windows_in(
    target: &Target,
    night: &SiteNight,
    clock: &EarthClock,
    sky: &SkyClock,
    opts: &WindowOptions,
    std_mag: Option<f64>,
    pass: &Pass,
    a: f64,
    b: f64,
    out: &mut Vec<Window>,
) -> Result<(), PassError> {
    let see = |t: f64| seen(target, night, clock, sky, opts, std_mag, t, false);
    let see_full = |t: f64| seen(target, night, clock, sky, opts, std_mag, t, true);
    let n = ((b - a) / 40.0).clamp(2.0, 300.0);
    let steps = ((b - a) / n).ceil().max(1.0) as usize;
    let mut prev: Option<(f64, Seen)> = None;
    let mut cur: Option<(f64, f64, Option<f64>)> = None; // start, max el, brightest
    let mut spans: Vec<(f64, f64, f64, Option<f64>)> = Vec::new();
    let mut umbra_until = f64::NEG_INFINITY;
    for i in 0..=steps {
        let t = (a + (b - a) * i as f64 / steps as f64).min(b);
        // Certainly in the umbra (see `umbra_margin_s`): not observable, without evaluating.
        let s = if t < umbra_until {
            Seen {
                observable: false,
                umbra_until,
                el_deg: f64::NAN,
                mag: None,
            }
        } else {
            see(t)?
        };
        umbra_until = s.umbra_until;
        let edge = match &prev {
            Some((tp, sp)) if sp.observable != s.observable => Some(bisect_predicate(
                |x| Ok(see(x)?.observable),
                *tp,
                t,
                sp.observable,
                WINDOW_TOL_S,
            )?),
            _ => None,
        };
        match (s.observable, edge, &mut cur) {
            (true, None, None) => cur = Some((t, s.el_deg, s.mag)),
            (true, Some(e), None) => {
                let se = see_full(e)?;
                cur = Some((e, se.el_deg.max(s.el_deg), min_opt(se.mag, s.mag)));
            }
            (false, Some(e), Some(c)) => {
                let se = see_full(e - WINDOW_TOL_S)?;
                spans.push((c.0, e, c.1.max(se.el_deg), min_opt(c.2, se.mag)));
                cur = None;
            }
            (true, _, Some(c)) => {
                c.1 = c.1.max(s.el_deg);
                c.2 = min_opt(c.2, s.mag);
            }
            _ => {}
        }
        prev = Some((t, s));
    }
    if let Some(c) = cur {
        spans.push((c.0, b, c.1, c.2));
    }
    for (s, e, el, mag) in spans {
        if let Some(last) = out.last_mut().filter(|w: &&mut Window| {
            w.pass.start_s == pass.start_s && s - clock.seconds_to(w.end_utc) < MERGE_GAP_S
        }) {
            last.end_utc = clock.epoch_at(e);
            last.max_el_deg = last.max_el_deg.max(el);
            last.brightest_mag = min_opt(last.brightest_mag, mag);
            continue;
        }
        out.push(Window {
            pass: pass.clone(),
            start_utc: clock.epoch_at(s),
            end_utc: clock.epoch_at(e),
            max_el_deg: el,
            brightest_mag: mag,
        });
    }
    Ok(())
}

fn min_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// One object of a window search: its elements and standard magnitude (1000 km, phase 90°), if known.
#[derive(Clone, Debug)]
pub struct CatalogObject {
    /// The element set.
    pub elements: ElementSet,
    /// Standard magnitude (mag), if known.
    pub std_mag: Option<f64>,
}

/// Result of one object at all sites: per site (in the order given) its windows, or the error that stopped it.
pub type ObjectWindows = Vec<Result<Vec<Window>, PassError>>;

/// Observable windows of many objects at many sites over one interval, in parallel over objects (rayon).
pub fn find_windows_catalog(
    objects: &[CatalogObject],
    nights: &[SiteNight],
    clock: &EarthClock,
    sky: &SkyClock,
    opts: &WindowOptions,
) -> Vec<ObjectWindows> {
    objects
        .par_iter()
        .map(|o| match Target::new(&o.elements) {
            Err(e) => nights.iter().map(|_| Err(e.clone())).collect(),
            Ok(target) => nights
                .iter()
                .map(|n| find_windows(&target, n, clock, sky, opts, o.std_mag))
                .collect(),
        })
        .collect()
}

fn sub(a: Vec3, b: Vec3) -> Vec3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn dot(a: Vec3, b: Vec3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::tests::vallado;
    use crate::predict::{predict, PredictOptions};
    use crate::sites::network;
    use aposos_astro::frames::gmst82_rad;

    /// A circular equatorial GEO element set over east longitude `lon_deg` at `epoch`.
    fn geo_over(lon_deg: f64, epoch: Epoch) -> ElementSet {
        let mut el = vallado("28057");
        let ts = TimeScales::from_utc_ns_since_1950(epoch.ns_since_1950(), Eop::embedded());
        let gmst = gmst82_rad(ts.ut1).to_degrees();
        el.norad_cat_id = 99_001;
        el.epoch = epoch;
        el.mean_motion_rev_per_day = 1.002_737_8;
        el.eccentricity = 0.0001;
        el.inclination_deg = 0.05;
        el.raan_deg = 0.0;
        el.arg_of_pericenter_deg = 0.0;
        el.mean_anomaly_deg = (lon_deg + gmst).rem_euclid(360.0);
        el.bstar_per_earth_radii = 0.0;
        el.mean_motion_dot_rev_per_day2 = 0.0;
        el.mean_motion_ddot_rev_per_day3 = 0.0;
        el
    }

    fn gargash() -> Site {
        network()
            .into_iter()
            .find(|s| s.id == "ir-gargash")
            .unwrap()
    }

    #[test]
    fn umbra_margin_is_conservative() {
        // Every point the object can reach within the margin is in the conical umbra.
        let target = Target::new(&vallado("28057")).unwrap();
        let v_bound = (target.ang_rate_max_rad_s + 2.0 * 7.3e-5) * target.r_max_km;
        let sun = [1.496e8, 2.0e6, -1.0e6];
        let mut some = 0;
        for i in 0..40 {
            for j in 0..40 {
                let r = [
                    -1000.0 - 1000.0 * i as f64,
                    -7000.0 + 350.0 * j as f64,
                    300.0 * (i as f64 - 20.0),
                ];
                let m = umbra_margin_s(&target, r, sun);
                if m <= 0.0 {
                    continue;
                }
                some += 1;
                let d = m * v_bound;
                for k in 0..26 {
                    let (th, ph) = (k as f64 * 0.7, k as f64 * 1.3);
                    let dir = [th.cos() * ph.cos(), th.sin() * ph.cos(), ph.sin()];
                    let q = [r[0] + d * dir[0], r[1] + d * dir[1], r[2] + d * dir[2]];
                    assert!(
                        !illumination(q, sun).is_sunlit(),
                        "{r:?} margin {m} s reaches {q:?}"
                    );
                }
            }
        }
        assert!(some > 100, "{some}");
    }

    #[test]
    fn geo_gives_one_window_per_night() {
        let eop = Eop::embedded();
        let from = Epoch::parse_iso("2026-11-20T06:00:00").unwrap();
        let to = from.add_ns(3 * 86_400_000_000_000);
        let clock = EarthClock::new(from, to, eop);
        let sky = SkyClock::new(&clock, eop);
        let site = gargash();
        let opts = WindowOptions {
            min_moon_sep_deg: 0.0,
            ..WindowOptions::default()
        };
        let night = SiteNight::new(&site, &clock, &sky, &opts);
        assert_eq!(night.dark.len(), 3, "{:?}", night.dark);
        let target = Target::new(&geo_over(55.0, from)).unwrap();
        let w = find_windows(&target, &night, &clock, &sky, &opts, None).unwrap();
        assert_eq!(w.len(), 3, "{w:?}");
        for (win, dark) in w.iter().zip(&night.dark) {
            // The whole dark interval is observable: up all night, sunlit (no eclipse in November).
            assert!((clock.seconds_to(win.start_utc) - dark.0).abs() < 0.01);
            assert!((clock.seconds_to(win.end_utc) - dark.1).abs() < 0.01);
            assert!(win.pass.rise_utc.is_none() && win.pass.set_utc.is_none());
            assert!(win.brightest_mag.is_none());
        }
        // A GEO object of standard magnitude 7 (~12.7 at 36,600 km near full phase) is too faint for a limit of 12.
        let faint = find_windows(&target, &night, &clock, &sky, &opts, Some(7.0)).unwrap();
        assert!(faint.is_empty(), "{faint:?}");
        let bright = find_windows(&target, &night, &clock, &sky, &opts, Some(2.0)).unwrap();
        assert_eq!(bright.len(), 3);
        assert!(bright[0].brightest_mag.unwrap() < 12.0);
    }

    #[test]
    fn leo_windows_are_dark_sunlit_and_inside_passes() {
        let eop = Eop::embedded();
        let el = vallado("28057");
        let from = el.epoch;
        let to = from.add_ns(3 * 86_400_000_000_000);
        let clock = EarthClock::new(from, to, eop);
        let sky = SkyClock::new(&clock, eop);
        let site = gargash();
        let opts = WindowOptions::default();
        let night = SiteNight::new(&site, &clock, &sky, &opts);
        let target = Target::new(&el).unwrap();
        let w = find_windows(&target, &night, &clock, &sky, &opts, Some(6.0)).unwrap();
        assert!(!w.is_empty());
        for win in &w {
            let (s, e) = (
                clock.seconds_to(win.start_utc),
                clock.seconds_to(win.end_utc),
            );
            assert!(e > s && s >= win.pass.start_s - 1e-6 && e <= win.pass.end_s + 1e-6);
            for f in [0.01, 0.5, 0.99] {
                let t = clock.epoch_at(s + (e - s) * f);
                let p = predict(
                    &target.sat,
                    &site.geodetic,
                    t,
                    eop,
                    &PredictOptions {
                        geometric: true,
                        refraction: None,
                    },
                    Some(6.0),
                )
                .unwrap();
                assert!(
                    p.illumination.is_sunlit()
                        && p.sun_el_deg < -12.0 + 1e-3
                        && p.el_deg > 10.0 - 1e-6,
                    "{p:?}"
                );
                assert!(p.mag.unwrap() <= 12.0 + 1e-3);
                assert!(p.el_deg >= site.mask_rad(p.az_deg.to_radians()).to_degrees() - 1e-6);
            }
            // Just outside: not observable.
            let out = clock.epoch_at(e + 0.01);
            let p = predict(
                &target.sat,
                &site.geodetic,
                out,
                eop,
                &PredictOptions {
                    geometric: true,
                    refraction: None,
                },
                Some(6.0),
            )
            .unwrap();
            let mask = site.mask_rad(p.az_deg.to_radians()).to_degrees();
            assert!(
                !p.illumination.is_sunlit()
                    || p.sun_el_deg > -12.0
                    || p.el_deg < 10.0
                    || p.el_deg < mask
                    || p.mag.is_none_or(|m| m > 12.0)
                    || p.moon_sep_deg < 10.0,
                "{p:?}"
            );
        }
        // Same windows through the parallel catalog entry point.
        let all = find_windows_catalog(
            &[CatalogObject {
                elements: el,
                std_mag: Some(6.0),
            }],
            &[night],
            &clock,
            &sky,
            &opts,
        );
        assert_eq!(all[0][0].as_ref().unwrap(), &w);
    }
}
