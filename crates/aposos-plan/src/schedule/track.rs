//! Where an object is on a site's sky during one window: its line of sight sampled on a
//! regular grid and interpolated linearly, so that the scheduler can ask for the pointing
//! at any instant of the window without propagating the orbit again.

use super::slew::{Axes, Enu, MountModel};
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
    /// The samples in the node's mount axes (deg; the first axis unwrapped along the
    /// track), for slew times without trigonometry.
    pub axes: Vec<Axes>,
    /// Per interval between samples, whether the axes bend there (near the mount's pole:
    /// the zenith of an alt-az mount), so that they are computed from the line of sight
    /// instead of interpolated.
    pub bent: Vec<bool>,
    /// The node's mount.
    pub mount: MountModel,
}

/// Largest difference (deg) between the axes interpolated linearly and those of the
/// interpolated line of sight at an interval's middle for which the interval counts as
/// straight.
const STRAIGHT_DEG: f64 = 0.05;

/// The samples' axes, the first one unwrapped so that linear interpolation follows the
/// sky, and which intervals bend.
fn axes_of(points: &[Enu], mount: &MountModel) -> (Vec<Axes>, Vec<bool>) {
    let mut out: Vec<Axes> = Vec::with_capacity(points.len());
    let mut bent = Vec::with_capacity(points.len());
    for (k, p) in points.iter().enumerate() {
        let mut a = mount.axes(*p);
        if let Some(prev) = out.last() {
            a[0] = prev[0] + (a[0] - prev[0] + 540.0).rem_euclid(360.0) - 180.0;
            let m = mount.axes(normalised(mid(points[k - 1], *p)).unwrap_or(*p));
            let lin = [(prev[0] + a[0]) / 2.0, (prev[1] + a[1]) / 2.0];
            let d0 = (m[0] - lin[0] + 540.0).rem_euclid(360.0) - 180.0;
            bent.push(d0.abs().max((m[1] - lin[1]).abs()) > STRAIGHT_DEG);
        }
        out.push(a);
    }
    (out, bent)
}

fn mid(a: Enu, b: Enu) -> Enu {
    [
        (a[0] + b[0]) / 2.0,
        (a[1] + b[1]) / 2.0,
        (a[2] + b[2]) / 2.0,
    ]
}

fn normalised(p: Enu) -> Option<Enu> {
    let n = (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt();
    (n > 0.0).then(|| [p[0] / n, p[1] / n, p[2] / n])
}

impl Track {
    /// A pointing fixed on the sky of the site (a survey field) over `[from_s, to_s]`.
    pub fn fixed(p: Enu, from_s: f64, to_s: f64, mount: &MountModel) -> Self {
        Track {
            t0_s: from_s,
            step_s: (to_s - from_s).max(1.0),
            points: vec![p, p],
            axes: vec![mount.axes(p); 2],
            bent: vec![false],
            mount: *mount,
        }
    }

    /// Samples `target` seen from `observer` over `[from_s, to_s]`.
    pub fn sample(
        target: &Target,
        observer: &Observer,
        mount: &MountModel,
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
        Ok(Track::from_points(from_s, step_s, points, mount))
    }

    /// A track from its samples (at least one).
    pub fn from_points(t0_s: f64, step_s: f64, points: Vec<Enu>, mount: &MountModel) -> Self {
        let (axes, bent) = axes_of(&points, mount);
        Track {
            t0_s,
            step_s,
            axes,
            bent,
            points,
            mount: *mount,
        }
    }

    /// The pointing in the mount's axes at `t_s` (linear between samples; clamped to the
    /// samples' span).
    pub fn axes_at(&self, t_s: f64) -> Axes {
        let (i, k, f) = self.segment(t_s);
        if self.bent.get(i).copied().unwrap_or(false) {
            return self.mount.axes(self.at(t_s));
        }
        let (a, b) = (self.axes[i], self.axes[k]);
        [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f]
    }

    /// The samples around `t_s` and the fraction of the way from the first to the second.
    fn segment(&self, t_s: f64) -> (usize, usize, f64) {
        let x = ((t_s - self.t0_s) / self.step_s).max(0.0);
        let last = self.points.len() - 1;
        let i = (x as usize).min(last.saturating_sub(1));
        (i, (i + 1).min(last), (x - i as f64).min(1.0))
    }

    /// The pointing at `t_s` (linear between samples, renormalised; clamped to the samples' span).
    pub fn at(&self, t_s: f64) -> Enu {
        let (i, k, f) = self.segment(t_s);
        let (a, b) = (self.points[i], self.points[k]);
        normalised([
            a[0] + (b[0] - a[0]) * f,
            a[1] + (b[1] - a[1]) * f,
            a[2] + (b[2] - a[2]) * f,
        ])
        .unwrap_or(a)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::slew::enu_of;
    use crate::sites::Mount;

    #[test]
    fn axes_follow_the_line_of_sight_through_the_zenith() {
        // A pass that culminates 0.3° from the zenith, sampled every 15 s: its azimuth
        // turns by almost 180° within a few seconds. Between samples the interpolated
        // axes stay within 0.05° of the axes of the interpolated line of sight, for an
        // alt-az and an equatorial mount.
        for mount in [Mount::AltAz, Mount::Equatorial] {
            let m = MountModel {
                mount,
                max_rate_deg_s: 8.0,
                accel_deg_s2: 4.0,
                lat_rad: 30f64.to_radians(),
            };
            let tilt = 0.3f64.to_radians();
            let points: Vec<Enu> = (0..41)
                .map(|k| {
                    // A great circle through the east and west horizons, tilted north.
                    let u = (k as f64 / 40.0) * std::f64::consts::PI;
                    let (su, cu) = u.sin_cos();
                    let (st, ct) = tilt.sin_cos();
                    [cu, su * st, su * ct]
                })
                .collect();
            let track = Track::from_points(0.0, 15.0, points, &m);
            if mount == Mount::AltAz {
                assert!(track.bent.iter().any(|b| *b), "the zenith interval bends");
            }
            assert!(track.bent.iter().filter(|b| !**b).count() > 30);
            let mut worst: f64 = 0.0;
            for i in 0..=6000 {
                let t = i as f64 * 0.1;
                let a = track.axes_at(t);
                let e = m.axes(track.at(t));
                let d0 = (a[0] - e[0] + 540.0).rem_euclid(360.0) - 180.0;
                worst = worst.max(d0.abs()).max((a[1] - e[1]).abs());
            }
            assert!(worst < 0.06, "{mount:?}: {worst}°");
            // Slews from a fixed pointing agree with those from the line of sight.
            let from = enu_of(1.0, 0.5);
            for t in [0.0, 299.0, 300.0, 301.0, 450.0] {
                let a = m.slew_axes_s(m.axes(from), track.axes_at(t));
                let b = m.slew_s(from, track.at(t));
                assert!((a - b).abs() < 0.05, "{mount:?} {t}: {a} vs {b}");
            }
        }
    }
}
