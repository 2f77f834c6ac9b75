//! Passes of an object over a site: rise, culmination and set above a minimum
//! elevation, by root finding on the geometric (airless) elevation.
//!
//! **Method.** The elevation is evaluated along a scan whose step adapts to the
//! object (a tenth of the time it takes to move one radian as seen from the
//! Earth's centre in ITRF, 5 s to 30 min). Stretches where the object is
//! provably too far from the site's zenith to reach the minimum elevation are
//! skipped in one jump: an object at geocentric angle λ from the site's
//! vertical cannot be above elevation `e` while λ > λ_max = acos(ρ cos e / r_max) − e,
//! and λ changes no faster than the object's largest angular rate (perigee) plus
//! the Earth's rotation. Between scan points the elevation *rate* is checked for
//! a sign change, so a maximum (culmination, or a grazing pass that never shows
//! above the limit at a scan point) is found by Brent's method on the rate; the
//! crossings of the minimum elevation are found by Brent's method on the
//! elevation, to 0.1 ms.
//!
//! **Frames.** TEME → ITRF as [`aposos_astro::TemeRotation`] (Vallado: GMST 1982
//! on UT1, polar motion), with UT1−UTC interpolated and polar motion taken from
//! hourly samples of the EOP table ([`EarthClock`]) so that one evaluation costs
//! one SGP4 call and a few dozen flops; elevation from the WGS84 normal.
//!
//! **Edges.** A pass already above the minimum elevation at the start of the
//! interval has no rise, one still above at its end no set; its culmination is
//! the highest point inside the interval.

use crate::roots::brent_root;
use aposos_astro::frames::{gmst82_rad, gmst82_rate_rad_s, Mat3, TemeRotation, Vec3};
use aposos_astro::topocentric::{azel_from_enu_rad, enu_matrix};
use aposos_astro::{Eop, Geodetic, JulianDate, TimeScales};
use aposos_formats::epoch::{JD_1950, NS_PER_DAY};
use aposos_formats::{ElementSet, Epoch};
use aposos_orbit::{Sgp4, Sgp4Error};

/// Spacing of the EOP samples of an [`EarthClock`] (s).
pub const EOP_NODE_STEP_S: f64 = 3600.0;
/// Earth's rotation rate (rad/s), used for bounds only.
const EARTH_RATE_RAD_S: f64 = 7.292_115e-5;
/// WGS72 gravitational parameter (km³/s²), as SGP4 uses.
const MU_KM3_S2: f64 = 398_600.8;
/// Time tolerance of the event times (s).
pub const EVENT_TOL_S: f64 = 1e-4;

/// Why a pass search failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PassError {
    /// SGP4 could not be initialised or failed during the interval (e.g. decay).
    #[error("SGP4 failed for object {norad} at {time_utc}: {source}")]
    Sgp4 {
        /// Catalog number.
        norad: u32,
        /// UTC time of the failure (the element epoch for an initialisation failure).
        time_utc: Epoch,
        /// The SGP4 error.
        #[source]
        source: Sgp4Error,
    },
}

/// Fast TEME → ITRF over one time interval: GMST 1982 and polar motion from hourly EOP nodes.
///
/// Nodes sit on whole UTC hours (so a leap second, at 00:00, falls on a node); within
/// an hour GMST(UT1) is linear in UTC to far below 1e-12 rad (UT1−UTC is linear between
/// the daily EOP rows and GMST's quadratic term is negligible), so one evaluation costs a
/// multiply-add and a sine/cosine instead of the GMST polynomial.
#[derive(Clone, Debug)]
pub struct EarthClock {
    from: Epoch,
    span_s: f64,
    /// Seconds from `from` to the first node (≤ 0).
    first_node_s: f64,
    nodes: Vec<ClockNode>,
}

#[derive(Clone, Copy, Debug)]
struct ClockNode {
    /// GMST 1982 at the node (rad).
    gmst_rad: f64,
    /// dGMST/dt over the hour that follows, per UTC second (rad/s).
    gmst_rate_rad_s: f64,
    /// GMST 1982 rate per UT1 second at the node (rad/s), Vallado's Earth rate for velocities.
    omega_rad_s: f64,
    /// Polar motion matrix at the node.
    pom: Mat3,
}

fn gmst_at(ns: i64, eop: &Eop) -> (f64, f64, Mat3) {
    let ts = TimeScales::from_utc_ns_since_1950(ns, eop);
    let dut1 = ts.ut1_utc_s();
    let day = ns.div_euclid(NS_PER_DAY);
    let rem = ns.rem_euclid(NS_PER_DAY);
    let ut1 = JulianDate {
        jd1: JD_1950 + day as f64,
        jd2: rem as f64 / NS_PER_DAY as f64 + dut1 / 86_400.0,
    };
    (
        gmst82_rad(ut1),
        gmst82_rate_rad_s(ut1),
        TemeRotation::new(&ts).pom,
    )
}

impl EarthClock {
    /// A clock for `[from, to]` (UTC) with the EOP table `eop`; times are then seconds since `from`.
    pub fn new(from: Epoch, to: Epoch, eop: &Eop) -> Self {
        let span_s = ((to.ns_since_1950() - from.ns_since_1950()) as f64 * 1e-9).max(0.0);
        let step_ns = (EOP_NODE_STEP_S * 1e9) as i64;
        let node0 = from.ns_since_1950() - from.ns_since_1950().rem_euclid(step_ns);
        let first_node_s = (node0 - from.ns_since_1950()) as f64 * 1e-9;
        let n = ((span_s - first_node_s) / EOP_NODE_STEP_S).ceil() as usize + 2;
        let nodes = (0..n as i64)
            .map(|i| {
                let start = node0 + i * step_ns;
                let (g0, omega_rad_s, pom) = gmst_at(start, eop);
                // The end of the hour from its left (a leap second's jump of UT1−UTC is at the node).
                let end = start + step_ns - 1_000_000;
                let (g1, _, _) = gmst_at(end, eop);
                ClockNode {
                    gmst_rad: g0,
                    gmst_rate_rad_s: (g1 - g0).rem_euclid(std::f64::consts::TAU)
                        / ((end - start) as f64 * 1e-9),
                    omega_rad_s,
                    pom,
                }
            })
            .collect();
        EarthClock {
            from,
            span_s,
            first_node_s,
            nodes,
        }
    }

    /// Start of the interval (UTC).
    pub fn from(&self) -> Epoch {
        self.from
    }

    /// Length of the interval (s).
    pub fn span_s(&self) -> f64 {
        self.span_s
    }

    /// The UTC instant `t_s` seconds after the start (rounded to 1 ns).
    pub fn epoch_at(&self, t_s: f64) -> Epoch {
        self.from.add_ns((t_s * 1e9).round() as i64)
    }

    /// Seconds from the start to `t` (UTC).
    pub fn seconds_to(&self, t: Epoch) -> f64 {
        (t.ns_since_1950() - self.from.ns_since_1950()) as f64 * 1e-9
    }

    /// The TEME ↔ ITRF rotation at `t_s` seconds after the start (Vallado, LOD = 0).
    pub fn teme_rotation(&self, t_s: f64) -> TemeRotation {
        let x = ((t_s - self.first_node_s) / EOP_NODE_STEP_S).max(0.0);
        let i = (x.floor() as usize).min(self.nodes.len() - 1);
        let node = &self.nodes[i];
        let dt = t_s - self.first_node_s - i as f64 * EOP_NODE_STEP_S;
        TemeRotation {
            gmst_rad: node.gmst_rad + node.gmst_rate_rad_s * dt,
            omega_rad_s: node.omega_rad_s,
            pom: node.pom,
        }
    }
}

/// A site seen as an observer: ITRF position (km) and the local ENU axes.
#[derive(Clone, Debug)]
pub struct Observer {
    /// WGS84 position.
    pub geodetic: Geodetic,
    /// ITRF position (km).
    pub itrf_km: Vec3,
    /// ITRF → ENU rotation (rows east, north, up).
    pub enu: Mat3,
    /// Unit vector from the Earth's centre to the site.
    dir: Vec3,
    /// Distance of the site from the Earth's centre (km).
    radius_km: f64,
}

/// Direction and distance of an object from an observer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Look {
    /// Azimuth (rad, 0..2π from north through east).
    pub az_rad: f64,
    /// Geometric elevation (rad).
    pub el_rad: f64,
    /// Range (km).
    pub range_km: f64,
    /// Elevation rate (rad/s).
    pub el_rate_rad_s: f64,
}

impl Observer {
    /// The observer at a WGS84 site.
    pub fn new(geodetic: &Geodetic) -> Self {
        let itrf_km = geodetic.to_itrf();
        let radius_km = norm(itrf_km);
        Observer {
            geodetic: *geodetic,
            itrf_km,
            enu: enu_matrix(geodetic),
            dir: scale(itrf_km, 1.0 / radius_km),
            radius_km,
        }
    }

    /// Elevation (rad) and its rate (rad/s) only, as [`Self::look`] (no azimuth: cheaper).
    pub fn el_and_rate(&self, r_km: Vec3, v_km_s: Vec3) -> (f64, f64) {
        let rho = sub(r_km, self.itrf_km);
        let e = mxv(&self.enu, rho);
        let ed = mxv(&self.enu, v_km_s);
        let rr = dot(e, e);
        let h2 = e[0] * e[0] + e[1] * e[1];
        let h = h2.sqrt();
        let el = e[2].atan2(h);
        let rate = if h2 > 0.0 {
            (ed[2] * rr - e[2] * dot(e, ed)) / (rr * h)
        } else {
            0.0
        };
        (el, rate)
    }

    /// Azimuth, elevation, range and elevation rate of an object at ITRF `r_km` moving at `v_km_s`.
    pub fn look(&self, r_km: Vec3, v_km_s: Vec3) -> Look {
        let rho = sub(r_km, self.itrf_km);
        let e = mxv(&self.enu, rho);
        let ed = mxv(&self.enu, v_km_s);
        let (az, el) = azel_from_enu_rad(e);
        let rr = dot(e, e);
        let h2 = e[0] * e[0] + e[1] * e[1];
        // d(el)/dt = (ż·|ρ|² − z·(ρ·ρ̇)) / (|ρ|² · √(x² + y²)).
        let el_rate = if h2 > 0.0 {
            (ed[2] * rr - e[2] * dot(e, ed)) / (rr * h2.sqrt())
        } else {
            0.0
        };
        Look {
            az_rad: az,
            el_rad: el,
            range_km: rr.sqrt(),
            el_rate_rad_s: el_rate,
        }
    }
}

/// An element set ready for pass searches: SGP4 plus bounds on its radius and angular rate.
#[derive(Clone, Debug)]
pub struct Target {
    /// The SGP4 record.
    pub sat: Sgp4,
    /// Catalog number.
    pub norad: u32,
    /// Upper bound of the geocentric distance (km): apogee with margin.
    pub r_max_km: f64,
    /// Upper bound of the geocentric angular rate seen in ITRF (rad/s): perigee rate + Earth rotation, with margin.
    pub ang_rate_max_rad_s: f64,
}

impl Target {
    /// Initialises SGP4 and the bounds from the mean elements (apogee +2% + 50 km, rate +20%).
    pub fn new(el: &ElementSet) -> Result<Self, PassError> {
        let sat = Sgp4::new(el).map_err(|source| PassError::Sgp4 {
            norad: el.norad_cat_id,
            time_utc: el.epoch,
            source,
        })?;
        let n = sat.mean_motion_rad_per_min() / 60.0;
        let a = (MU_KM3_S2 / (n * n)).cbrt();
        let e = el.eccentricity.clamp(0.0, 0.99);
        let r_max_km = a * (1.0 + e) * 1.02 + 50.0;
        let r_p = (a * (1.0 - e) * 0.98 - 50.0).max(6300.0);
        let h = (MU_KM3_S2 * a * (1.0 - e * e)).sqrt();
        let ang_rate_max_rad_s = 1.2 * h / (r_p * r_p) + EARTH_RATE_RAD_S;
        Ok(Target {
            norad: el.norad_cat_id,
            sat,
            r_max_km,
            ang_rate_max_rad_s,
        })
    }

    /// ITRF position (km) and velocity (km/s) at `t_s` seconds after the clock's start.
    pub fn itrf(&self, clock: &EarthClock, t_s: f64) -> Result<(Vec3, Vec3), PassError> {
        self.itrf_with(clock, t_s, &clock.teme_rotation(t_s))
    }

    /// As [`Self::itrf`] with the clock's rotation at `t_s` already computed.
    pub fn itrf_with(
        &self,
        clock: &EarthClock,
        t_s: f64,
        rot: &TemeRotation,
    ) -> Result<(Vec3, Vec3), PassError> {
        let t = clock.epoch_at(t_s);
        let s = self
            .sat
            .propagate(t.minutes_since(self.sat.epoch()))
            .map_err(|source| PassError::Sgp4 {
                norad: self.norad,
                time_utc: t,
                source,
            })?;
        Ok(rot.teme_to_itrf(s.position_km, s.velocity_km_s))
    }
}

/// One pass above the minimum elevation.
#[derive(Clone, Debug, PartialEq)]
pub struct Pass {
    /// Catalog number.
    pub norad: u32,
    /// Rise above the minimum elevation (UTC); `None` when already up at the interval's start.
    pub rise_utc: Option<Epoch>,
    /// Highest point within the interval (UTC).
    pub culminate_utc: Epoch,
    /// Set below the minimum elevation (UTC); `None` when still up at the interval's end.
    pub set_utc: Option<Epoch>,
    /// Elevation at culmination (deg).
    pub max_el_deg: f64,
    /// Azimuth at rise (deg), when there is a rise.
    pub rise_az_deg: Option<f64>,
    /// Azimuth at culmination (deg).
    pub culminate_az_deg: f64,
    /// Azimuth at set (deg), when there is a set.
    pub set_az_deg: Option<f64>,
    /// Start of the pass within the interval (s since its start): rise, or 0.
    pub start_s: f64,
    /// End of the pass within the interval (s since its start): set, or the interval's length.
    pub end_s: f64,
}

/// A crossing of the minimum elevation or an extremum found by the scan.
#[derive(Clone, Copy, Debug)]
enum Event {
    /// Crossing (time s, rising?).
    Cross(f64, bool),
    /// Elevation maximum (time s, elevation rad).
    Max(f64, f64),
}

impl Event {
    fn time(&self) -> f64 {
        match *self {
            Event::Cross(t, _) | Event::Max(t, _) => t,
        }
    }
}

struct Sample {
    t: f64,
    el: f64,
    rate: f64,
    /// The stretch to the next sample is certified below the limit (skipped).
    skipped: bool,
}

/// Evaluates elevation and its rate for one target and observer.
struct Scan<'a> {
    target: &'a Target,
    obs: &'a Observer,
    clock: &'a EarthClock,
    min_el: f64,
    lambda_max: f64,
}

impl Scan<'_> {
    fn state(&self, t: f64) -> Result<(Look, Vec3, Vec3), PassError> {
        let (r, v) = self.target.itrf(self.clock, t)?;
        Ok((self.obs.look(r, v), r, v))
    }

    fn el(&self, t: f64) -> Result<f64, PassError> {
        let (r, v) = self.target.itrf(self.clock, t)?;
        Ok(self.obs.el_and_rate(r, v).0)
    }

    fn rate(&self, t: f64) -> Result<f64, PassError> {
        let (r, v) = self.target.itrf(self.clock, t)?;
        Ok(self.obs.el_and_rate(r, v).1)
    }

    /// The maximum of the elevation itself near `te` (a zero of the SGP4 velocity's
    /// elevation rate), within [lo, hi]: SGP4's velocity is not exactly the time
    /// derivative of its position (~0.3 m/s), which moves a flat culmination by
    /// seconds, so the zero of a central difference of the elevation is found instead.
    fn refine_max(&self, te: f64, lo: f64, hi: f64) -> Result<(f64, f64), PassError> {
        const H: f64 = 0.05;
        let g = |t: f64| -> Result<f64, PassError> { Ok(self.el(t + H)? - self.el(t - H)?) };
        let mut w = 1.0;
        let (mut a, mut b) = ((te - w).max(lo), (te + w).min(hi));
        let (mut ga, mut gb) = (g(a)?, g(b)?);
        while ga > 0.0 && gb > 0.0 && b < hi || ga < 0.0 && gb < 0.0 && a > lo {
            w *= 4.0;
            if ga > 0.0 {
                a = b;
                ga = gb;
                b = (te + w).min(hi);
                gb = g(b)?;
            } else {
                b = a;
                gb = ga;
                a = (te - w).max(lo);
                ga = g(a)?;
            }
        }
        let t = if ga >= 0.0 && gb <= 0.0 {
            brent_root(g, a, b, ga, gb, EVENT_TOL_S)?
        } else {
            te
        };
        Ok((t, self.el(t)?))
    }

    /// Samples over [a, b] with skips over stretches certified below the limit.
    fn samples(&self, a: f64, b: f64) -> Result<Vec<Sample>, PassError> {
        let mut out = Vec::new();
        let mut t = a;
        loop {
            let (r, v) = self.target.itrf(self.clock, t)?;
            let (el, rate) = self.obs.el_and_rate(r, v);
            let rn = norm(r);
            let lambda = (dot(r, self.obs.dir) / rn).clamp(-1.0, 1.0).acos();
            let h = (0.1 * rn / norm(v).max(1e-6)).clamp(5.0, 1800.0);
            let skip = (lambda - self.lambda_max) / self.target.ang_rate_max_rad_s;
            let skipped = skip > h;
            out.push(Sample {
                t,
                el,
                rate,
                skipped,
            });
            if t >= b {
                break;
            }
            t = (t + if skipped { skip } else { h }).min(b);
        }
        Ok(out)
    }

    fn crossing(
        &self,
        events: &mut Vec<Event>,
        t0: f64,
        e0: f64,
        t1: f64,
        e1: f64,
    ) -> Result<(), PassError> {
        let (f0, f1) = (e0 - self.min_el, e1 - self.min_el);
        if (f0 >= 0.0) != (f1 >= 0.0) {
            let t = brent_root(
                |t| Ok(self.el(t)? - self.min_el),
                t0,
                t1,
                f0,
                f1,
                EVENT_TOL_S,
            )?;
            events.push(Event::Cross(t, f1 >= 0.0));
        }
        Ok(())
    }

    /// Crossings and maxima over [a, b], in time order.
    fn events(&self, a: f64, b: f64) -> Result<(Vec<Event>, f64, f64), PassError> {
        let s = self.samples(a, b)?;
        let fast = std::f64::consts::TAU / self.target.sat.mean_motion_rad_per_min() < 225.0;
        let low = self.min_el - 1f64.to_radians();
        let mut ev = Vec::new();
        for w in s.windows(2) {
            let (p, q) = (&w[0], &w[1]);
            if !p.skipped && (p.rate > 0.0) != (q.rate > 0.0) {
                let te = brent_root(|t| self.rate(t), p.t, q.t, p.rate, q.rate, EVENT_TOL_S)?;
                let (te, ee) = if p.rate > 0.0 {
                    let ee = self.el(te)?;
                    // A near-Earth object's maximum more than 1° below the limit (the refinement
                    // moves it by seconds, its elevation by far less than 1°) is no culmination and
                    // bounds no crossing: left unrefined.
                    if fast && ee < low && p.el < self.min_el && q.el < self.min_el {
                        (te, ee)
                    } else {
                        self.refine_max(te, p.t, q.t)?
                    }
                } else {
                    (te, self.el(te)?)
                };
                self.crossing(&mut ev, p.t, p.el, te, ee)?;
                if p.rate > 0.0 {
                    ev.push(Event::Max(te, ee));
                }
                self.crossing(&mut ev, te, ee, q.t, q.el)?;
            } else {
                self.crossing(&mut ev, p.t, p.el, q.t, q.el)?;
            }
        }
        // Maxima of the sampled elevation itself: for slow (GEO) objects the elevation
        // rate is below the bias of SGP4's velocity and its sign says nothing.
        for w in s.windows(3) {
            let (p, m, q) = (&w[0], &w[1], &w[2]);
            if !p.skipped && !m.skipped && p.el < m.el && m.el >= q.el {
                // For a near-Earth object (period < 225 min), a maximum already found from
                // the rate inside [p, q] is this one (the refinement below would converge to
                // it again, within 1 s): skip the work. Not for slow objects, whose flat,
                // noisy elevation can have several maxima there.
                if fast
                    && ev
                        .iter()
                        .any(|e| matches!(e, Event::Max(t, _) if *t >= p.t && *t <= q.t))
                {
                    continue;
                }
                let (te, ee) = self.refine_max(m.t, p.t, q.t)?;
                if !ev
                    .iter()
                    .any(|e| matches!(e, Event::Max(t, _) if (t - te).abs() < 1.0))
                {
                    ev.push(Event::Max(te, ee));
                }
            }
        }
        ev.sort_by(|x, y| x.time().total_cmp(&y.time()));
        let first = s.first().map_or(f64::NEG_INFINITY, |x| x.el);
        let last = s.last().map_or(f64::NEG_INFINITY, |x| x.el);
        Ok((ev, first, last))
    }
}

/// Geocentric half-angle (rad) of the cone outside which an object within `r_max_km` is below `el_rad` from a site at `rho_km`.
fn cone_half_angle(rho_km: f64, r_max_km: f64, el_rad: f64) -> f64 {
    let el = el_rad.max(-std::f64::consts::FRAC_PI_2);
    (rho_km * el.cos() / r_max_km).clamp(-1.0, 1.0).acos() - el
}

/// Passes of `target` above `min_el_deg` seen by `obs` over the whole interval of `clock`.
pub fn find_passes(
    target: &Target,
    obs: &Observer,
    clock: &EarthClock,
    min_el_deg: f64,
) -> Result<Vec<Pass>, PassError> {
    find_passes_in(target, obs, clock, min_el_deg, &[(0.0, clock.span_s())])
}

/// Passes that overlap the given spans (s since the clock's start, sorted), each followed outside its span to its real rise and set.
///
/// Rise and set are `None` only at the clock's own start and end.
pub fn find_passes_in(
    target: &Target,
    obs: &Observer,
    clock: &EarthClock,
    min_el_deg: f64,
    spans: &[(f64, f64)],
) -> Result<Vec<Pass>, PassError> {
    let min_el = min_el_deg.to_radians();
    // 1° margin: geodetic vs geocentric vertical (≤ 0.2°) and rounding.
    let lambda_max = cone_half_angle(obs.radius_km, target.r_max_km, min_el - 1f64.to_radians());
    let scan = Scan {
        target,
        obs,
        clock,
        min_el,
        lambda_max,
    };
    let total = clock.span_s();
    let mut passes: Vec<Pass> = Vec::new();
    for &(a, b) in spans {
        let (a, b) = (a.clamp(0.0, total), b.clamp(0.0, total));
        if b < a {
            continue;
        }
        // Follow a pass that is up at a span edge back to its rise / on to its set.
        let lo = extend(&scan, a, -1.0, 0.0)?;
        let hi = extend(&scan, b, 1.0, total)?;
        let (events, el_lo, el_hi) = scan.events(lo, hi)?;
        for p in assemble(&scan, &events, lo, hi, el_lo, el_hi)? {
            if passes
                .last()
                .is_some_and(|q| p.start_s <= q.end_s + EVENT_TOL_S)
            {
                continue; // the same pass, reached from the previous span
            }
            passes.push(p);
        }
    }
    Ok(passes)
}

/// From `t`, steps in direction `dir` until the object is below the limit (or `limit` is reached); returns that time.
fn extend(scan: &Scan<'_>, t: f64, dir: f64, limit: f64) -> Result<f64, PassError> {
    let mut t = t;
    loop {
        if (limit - t) * dir <= 0.0 {
            return Ok(limit);
        }
        let (look, r, v) = scan.state(t)?;
        if look.el_rad < scan.min_el {
            return Ok(t);
        }
        let h = (0.1 * norm(r) / norm(v).max(1e-6)).clamp(5.0, 1800.0);
        t = if dir > 0.0 {
            (t + h).min(limit)
        } else {
            (t - h).max(limit)
        };
    }
}

fn assemble(
    scan: &Scan<'_>,
    events: &[Event],
    lo: f64,
    hi: f64,
    el_lo: f64,
    el_hi: f64,
) -> Result<Vec<Pass>, PassError> {
    let mut out = Vec::new();
    let mut start: Option<(f64, bool)> = if el_lo >= scan.min_el {
        Some((lo, false))
    } else {
        None
    };
    let mut best: Option<(f64, f64)> = start.map(|(t, _)| (t, el_lo));
    let mut close = |start: (f64, bool),
                     end: f64,
                     has_set: bool,
                     best: Option<(f64, f64)>|
     -> Result<(), PassError> {
        let (tc, _) = best.unwrap_or((0.5 * (start.0 + end), 0.0));
        let (lc, ..) = scan.state(tc)?;
        let az_at = |t: f64| -> Result<f64, PassError> { Ok(scan.state(t)?.0.az_rad.to_degrees()) };
        let rise = start.1;
        out.push(Pass {
            norad: scan.target.norad,
            rise_utc: rise.then(|| scan.clock.epoch_at(start.0)),
            culminate_utc: scan.clock.epoch_at(tc),
            set_utc: has_set.then(|| scan.clock.epoch_at(end)),
            max_el_deg: lc.el_rad.to_degrees(),
            rise_az_deg: if rise { Some(az_at(start.0)?) } else { None },
            culminate_az_deg: lc.az_rad.to_degrees(),
            set_az_deg: if has_set { Some(az_at(end)?) } else { None },
            start_s: start.0,
            end_s: end,
        });
        Ok(())
    };
    for ev in events {
        match *ev {
            Event::Cross(t, true) => {
                start = Some((t, true));
                best = None;
            }
            Event::Cross(t, false) => {
                if let Some(s) = start.take() {
                    close(s, t, true, best.take())?;
                }
            }
            Event::Max(t, el) => {
                if start.is_some() && best.is_none_or(|(_, e)| el > e) {
                    best = Some((t, el));
                }
            }
        }
    }
    if let Some(s) = start {
        if best.is_none_or(|(_, e)| el_hi > e) {
            best = Some((hi, el_hi));
        }
        close(s, hi, false, best)?;
    }
    Ok(out)
}

fn sub(a: Vec3, b: Vec3) -> Vec3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn dot(a: Vec3, b: Vec3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn norm(a: Vec3) -> f64 {
    dot(a, a).sqrt()
}

fn scale(a: Vec3, k: f64) -> Vec3 {
    [a[0] * k, a[1] * k, a[2] * k]
}

fn mxv(m: &Mat3, v: Vec3) -> Vec3 {
    [dot(m[0], v), dot(m[1], v), dot(m[2], v)]
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use aposos_formats::{read_elements, ReadOptions};

    /// An element set of Vallado's verification file (SGP4-VER.TLE), lines cut at column 69.
    pub(crate) fn vallado(norad: &str) -> ElementSet {
        let text = include_str!("../../../tests/data/SGP4-VER.TLE");
        let lines: Vec<&str> = text.lines().collect();
        let i = lines
            .iter()
            .position(|l| l.starts_with(&format!("1 {norad}")))
            .unwrap();
        let two = format!("{}\n{}\n", &lines[i][..69], &lines[i + 1][..69]);
        let read = read_elements("t", &two, &ReadOptions::default());
        read.elements.into_iter().next().unwrap()
    }

    pub(crate) fn site() -> Geodetic {
        Geodetic::from_degrees(33.6744, 51.3178, 3600.0)
    }

    fn brute_force(
        target: &Target,
        obs: &Observer,
        clock: &EarthClock,
        min_el: f64,
    ) -> Vec<(f64, f64)> {
        // Intervals above min_el from 1 s samples (start, end) with linear interpolation of the edges.
        let mut out = Vec::new();
        let n = clock.span_s() as usize;
        let mut prev = None::<(f64, f64)>;
        let mut start = None;
        for i in 0..=n {
            let t = i as f64;
            let (r, v) = target.itrf(clock, t).unwrap();
            let el = obs.look(r, v).el_rad - min_el;
            match prev {
                None if el >= 0.0 => start = Some(f64::NAN),
                Some((tp, ep)) if (ep >= 0.0) != (el >= 0.0) => {
                    let tc = tp + (t - tp) * ep / (ep - el);
                    if el >= 0.0 {
                        start = Some(tc);
                    } else if let Some(s) = start.take() {
                        out.push((s, tc));
                    }
                }
                _ => {}
            }
            prev = Some((t, el));
        }
        if let Some(s) = start {
            out.push((s, f64::NAN));
        }
        out
    }

    #[test]
    fn fast_clock_matches_exact_teme_to_itrf() {
        let eop = Eop::embedded();
        let from = Epoch::parse_iso("2026-11-21T12:00:00").unwrap();
        let clock = EarthClock::new(from, from.add_ns(86_400_000_000_000), eop);
        let r = [6000.0, -3000.0, 2500.0];
        let v = [1.0, 5.0, -4.0];
        // Across the 2016-12-31 leap second too.
        let ls = Epoch::parse_iso("2016-12-31T20:17:00").unwrap();
        let ls_clock = EarthClock::new(ls, ls.add_ns(8 * 3_600_000_000_000), eop);
        for k in 0..50 {
            let t = k as f64 * 577.3;
            let ts = TimeScales::from_utc_ns_since_1950(ls_clock.epoch_at(t).ns_since_1950(), eop);
            let (re, _) = TemeRotation::new(&ts).teme_to_itrf(r, v);
            let (rf, _) = ls_clock.teme_rotation(t).teme_to_itrf(r, v);
            assert!(norm(sub(re, rf)) < 1e-5, "{t}: {:?}", norm(sub(re, rf)));
        }
        for k in 0..25 {
            let t = k as f64 * 3599.7;
            let ts = TimeScales::from_utc_ns_since_1950(clock.epoch_at(t).ns_since_1950(), eop);
            let (re, ve) = TemeRotation::new(&ts).teme_to_itrf(r, v);
            let (rf, vf) = clock.teme_rotation(t).teme_to_itrf(r, v);
            assert!(norm(sub(re, rf)) < 1e-5, "{t}: {:?}", norm(sub(re, rf)));
            assert!(norm(sub(ve, vf)) < 1e-8);
        }
    }

    #[test]
    fn look_matches_predict_elevation() {
        let eop = Eop::embedded();
        let el = vallado("28057");
        let target = Target::new(&el).unwrap();
        let g = site();
        let obs = Observer::new(&g);
        let from = el.epoch;
        let clock = EarthClock::new(from, from.add_ns(86_400_000_000_000), eop);
        for k in 0..20 {
            let t = k as f64 * 4321.0;
            let (r, v) = target.itrf(&clock, t).unwrap();
            let look = obs.look(r, v);
            let (e, rate) = crate::predict::elevation_and_rate_rad(
                &target.sat,
                g.to_itrf(),
                &g,
                clock.epoch_at(t),
                eop,
            )
            .unwrap();
            assert!((look.el_rad - e).abs() < 1e-9, "{}", look.el_rad - e);
            assert!((look.el_rate_rad_s - rate).abs() < 1e-9);
        }
    }

    fn check_against_brute_force(
        norad: &str,
        hours: f64,
        min_el_deg: f64,
        offset_s: f64,
    ) -> Vec<Pass> {
        let eop = Eop::embedded();
        let el = vallado(norad);
        let target = Target::new(&el).unwrap();
        let obs = Observer::new(&site());
        let from = el.epoch.add_ns((offset_s * 1e9) as i64);
        let clock = EarthClock::new(from, from.add_ns((hours * 3.6e12) as i64), eop);
        let passes = find_passes(&target, &obs, &clock, min_el_deg).unwrap();
        let bf = brute_force(&target, &obs, &clock, min_el_deg.to_radians());
        assert_eq!(passes.len(), bf.len(), "{norad}: {passes:?} vs {bf:?}");
        for (p, (s, e)) in passes.iter().zip(&bf) {
            match p.rise_utc {
                Some(r) => assert!(
                    (clock.seconds_to(r) - s).abs() < 0.05,
                    "{norad} rise {p:?} {s}"
                ),
                None => assert!(s.is_nan()),
            }
            match p.set_utc {
                Some(x) => assert!(
                    (clock.seconds_to(x) - e).abs() < 0.05,
                    "{norad} set {p:?} {e}"
                ),
                None => assert!(e.is_nan()),
            }
            assert!(p.max_el_deg >= min_el_deg);
            let tc = clock.seconds_to(p.culminate_utc);
            assert!(tc >= p.start_s && tc <= p.end_s);
            // Nothing higher a second either side of the culmination.
            if p.rise_utc.is_some() && p.set_utc.is_some() {
                for dt in [-1.0, 1.0] {
                    let (r, v) = target.itrf(&clock, tc + dt).unwrap();
                    let e = obs.look(r, v).el_rad.to_degrees();
                    assert!(e <= p.max_el_deg + 1e-9, "{norad} {p:?} {dt} {e}");
                }
            }
        }
        passes
    }

    #[test]
    fn leo_passes_match_dense_sampling() {
        let p = check_against_brute_force("28057", 24.0, 10.0, 0.0);
        assert!(p.len() >= 3);
        let p0 = check_against_brute_force("28057", 24.0, 0.0, 0.0);
        assert!(p0.len() > p.len());
    }

    #[test]
    fn molniya_and_geo_passes_match_dense_sampling() {
        check_against_brute_force("08195", 48.0, 10.0, 0.0);
        check_against_brute_force("25954", 24.0, 0.0, 0.0);
        check_against_brute_force("23599", 24.0, 10.0, 0.0);
    }

    #[test]
    fn passes_at_the_interval_edges() {
        let full = check_against_brute_force("28057", 24.0, 10.0, 0.0);
        let eop = Eop::embedded();
        let el = vallado("28057");
        let target = Target::new(&el).unwrap();
        let obs = Observer::new(&site());
        // An interval that starts and ends inside the first pass's rise..set.
        let p = &full[0];
        let mid = p.culminate_utc;
        let clock = EarthClock::new(mid, p.set_utc.unwrap().add_ns(-1_000_000_000), eop);
        let cut = find_passes(&target, &obs, &clock, 10.0).unwrap();
        assert_eq!(cut.len(), 1);
        assert_eq!(cut[0].rise_utc, None);
        assert_eq!(cut[0].set_utc, None);
        // Starting mid-pass: no rise, same set.
        let clock = EarthClock::new(mid, mid.add_ns(3_600_000_000_000), eop);
        let cut = find_passes(&target, &obs, &clock, 10.0).unwrap();
        assert_eq!(cut[0].rise_utc, None);
        let d = clock.seconds_to(cut[0].set_utc.unwrap()) - clock.seconds_to(p.set_utc.unwrap());
        assert!(d.abs() < 1e-3);
        // Searching only a span inside the pass still gives its real rise and set.
        let clock = EarthClock::new(el.epoch, el.epoch.add_ns(86_400_000_000_000), eop);
        let t = clock.seconds_to(mid);
        let sub = find_passes_in(
            &target,
            &obs,
            &clock,
            10.0,
            &[(t, t + 1.0), (t + 0.5, t + 2.0)],
        )
        .unwrap();
        assert_eq!(sub.len(), 1);
        assert_eq!(
            sub[0].rise_utc.map(|r| r.ns_since_1950() / 1_000_000),
            p.rise_utc.map(|r| r.ns_since_1950() / 1_000_000)
        );
    }

    #[test]
    fn geo_stays_up_as_one_pass() {
        let eop = Eop::embedded();
        let el = vallado("25954");
        let target = Target::new(&el).unwrap();
        let obs = Observer::new(&site());
        let clock = EarthClock::new(el.epoch, el.epoch.add_ns(3 * 86_400_000_000_000), eop);
        let passes = find_passes(&target, &obs, &clock, 10.0).unwrap();
        if !passes.is_empty() {
            assert_eq!(passes.len(), 1, "{passes:?}");
            assert!(passes[0].rise_utc.is_none() && passes[0].set_utc.is_none());
        }
    }
}
