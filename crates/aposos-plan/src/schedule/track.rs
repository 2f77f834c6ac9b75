//! Where an object is on a site's sky during one window: its line of sight sampled on a
//! regular grid and interpolated linearly, so that the scheduler can ask for the pointing
//! at any instant of the window without propagating the orbit again.

use super::slew::Enu;
use crate::passes::{EarthClock, Observer, PassError, Target};

/// Samples per window (the step is the window's length over this, within the limits below).
const SAMPLES_PER_WINDOW: f64 = 40.0;
/// Smallest sample step (s).
const MIN_STEP_S: f64 = 2.0;
/// Largest sample step (s).
const MAX_STEP_S: f64 = 300.0;

/// A line of sight sampled over a window (geometric, east-north-up unit vectors).
#[derive(Clone, Debug, PartialEq)]
pub struct Track {
    /// Time of the first sample (s since the clock's start).
    pub t0_s: f64,
    /// Sample step (s).
    pub step_s: f64,
    /// The samples.
    pub points: Vec<Enu>,
}

impl Track {
    /// A pointing fixed on the sky of the site (a survey field) over `[from_s, to_s]`.
    pub fn fixed(p: Enu, from_s: f64, to_s: f64) -> Self {
        Track {
            t0_s: from_s,
            step_s: (to_s - from_s).max(1.0),
            points: vec![p, p],
        }
    }

    /// Samples `target` seen from `observer` over `[from_s, to_s]`.
    pub fn sample(
        target: &Target,
        observer: &Observer,
        clock: &EarthClock,
        from_s: f64,
        to_s: f64,
    ) -> Result<Self, PassError> {
        let span = (to_s - from_s).max(0.0);
        let step_s = (span / SAMPLES_PER_WINDOW).clamp(MIN_STEP_S, MAX_STEP_S);
        let n = (span / step_s).ceil() as usize + 1;
        let mut points = Vec::with_capacity(n);
        for i in 0..n {
            let t = from_s + i as f64 * step_s;
            let (r, _) = target.itrf(clock, t)?;
            points.push(line_of_sight(observer, r));
        }
        Ok(Track {
            t0_s: from_s,
            step_s,
            points,
        })
    }

    /// The pointing at `t_s` (linear between samples, renormalised; clamped to the samples' span).
    pub fn at(&self, t_s: f64) -> Enu {
        let x = ((t_s - self.t0_s) / self.step_s).max(0.0);
        let last = self.points.len() - 1;
        let i = (x.floor() as usize).min(last.saturating_sub(1));
        let f = (x - i as f64).min(1.0);
        let (a, b) = (self.points[i], self.points[(i + 1).min(last)]);
        let p = [
            a[0] + (b[0] - a[0]) * f,
            a[1] + (b[1] - a[1]) * f,
            a[2] + (b[2] - a[2]) * f,
        ];
        let n = (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt();
        if n > 0.0 {
            [p[0] / n, p[1] / n, p[2] / n]
        } else {
            a
        }
    }
}

/// The geometric line of sight (east-north-up unit vector) from `observer` to ITRF `r_km`.
pub fn line_of_sight(observer: &Observer, r_km: [f64; 3]) -> Enu {
    let rho = [
        r_km[0] - observer.itrf_km[0],
        r_km[1] - observer.itrf_km[1],
        r_km[2] - observer.itrf_km[2],
    ];
    let e = [
        dot(observer.enu[0], rho),
        dot(observer.enu[1], rho),
        dot(observer.enu[2], rho),
    ];
    let n = dot(e, e).sqrt();
    [e[0] / n, e[1] / n, e[2] / n]
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
