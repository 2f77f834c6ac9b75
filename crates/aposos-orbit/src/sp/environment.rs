//! What the force models need to know of the sky and the Earth at any instant of a
//! propagation: the Sun's and the Moon's geocentric positions and the Earth's
//! orientation, computed at nodes every 30 minutes and interpolated in between.
//!
//! Sun and Moon (SOFA `epv00`, `moon98`) are interpolated with 6-point Lagrange
//! polynomials (error < 1 m for the Moon); the precession–nutation matrix linearly
//! (it moves by under 3 mas in 30 minutes); polar motion is held at the nearest node;
//! the Earth rotation angle is the node's plus the rotation rate times the elapsed
//! time. A node's `TimeScales` come from the EOP table, so UT1 − UTC is honoured.

use aposos_astro::frames::{mxm, r3, ERA_RATE_RAD_S};
use aposos_astro::sun_moon::{moon_gcrs_km, sun_gcrs_km};
use aposos_astro::{EarthRotation, Eop, Mat3, TimeScales, Vec3};
use aposos_formats::Epoch;

/// Spacing of the nodes (s).
const NODE_S: f64 = 1800.0;
/// Points of the Lagrange interpolation.
const ORDER: usize = 6;

#[derive(Debug, Clone, Copy)]
struct Node {
    sun_km: Vec3,
    moon_km: Vec3,
    c2i: Mat3,
    pom: Mat3,
    era_rad: f64,
}

/// The Sun, the Moon and the Earth's orientation at one instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snapshot {
    /// Geocentric Sun, GCRS (km).
    pub sun_km: Vec3,
    /// Geocentric Moon, GCRS (km).
    pub moon_km: Vec3,
    /// GCRS → ITRF rotation.
    pub gcrs_to_itrf: Mat3,
    /// The Earth's rotation axis (the CIP) in the GCRS, times its rate (rad/s).
    pub omega_gcrs_rad_s: Vec3,
}

/// Nodes around a reference epoch, computed as the propagation reaches them.
#[derive(Debug, Clone)]
pub struct Environment<'a> {
    epoch: Epoch,
    eop: &'a Eop,
    first: i64,
    nodes: Vec<Node>,
}

impl<'a> Environment<'a> {
    /// An empty cache for times counted in seconds from `epoch` (UTC).
    pub fn new(epoch: Epoch, eop: &'a Eop) -> Self {
        Self {
            epoch,
            eop,
            first: 0,
            nodes: Vec::new(),
        }
    }

    fn node_at(&self, k: i64) -> Node {
        let ns = self.epoch.ns_since_1950() + (k as f64 * NODE_S * 1e9) as i64;
        let ts = TimeScales::from_utc_ns_since_1950(ns, self.eop);
        let er = EarthRotation::new(&ts);
        Node {
            sun_km: sun_gcrs_km(&ts),
            moon_km: moon_gcrs_km(&ts),
            c2i: er.c2i,
            pom: er.pom,
            era_rad: er.era_rad,
        }
    }

    /// Makes sure the nodes from `lo` to `hi` exist.
    fn cover(&mut self, lo: i64, hi: i64) {
        if self.nodes.is_empty() {
            self.first = lo;
            self.nodes = (lo..=hi).map(|k| self.node_at(k)).collect();
            return;
        }
        if lo < self.first {
            let mut front: Vec<Node> = (lo..self.first).map(|k| self.node_at(k)).collect();
            front.append(&mut self.nodes);
            self.nodes = front;
            self.first = lo;
        }
        let last = self.first + self.nodes.len() as i64 - 1;
        if hi > last {
            let back: Vec<Node> = (last + 1..=hi).map(|k| self.node_at(k)).collect();
            self.nodes.extend(back);
        }
    }

    /// Prepares the nodes for times `t0_s`..`t1_s` (either order) from the epoch.
    pub fn prepare(&mut self, t0_s: f64, t1_s: f64) {
        let (a, b) = (t0_s.min(t1_s), t0_s.max(t1_s));
        let half = (ORDER / 2) as i64;
        let lo = (a / NODE_S).floor() as i64 - half;
        let hi = (b / NODE_S).ceil() as i64 + half;
        self.cover(lo, hi);
    }

    /// The snapshot at `t_s` seconds from the epoch (`prepare` must have covered it).
    pub fn at(&mut self, t_s: f64) -> Snapshot {
        let x = t_s / NODE_S;
        let base = x.floor() as i64 - (ORDER as i64 / 2 - 1);
        self.cover(base, base + ORDER as i64 - 1);
        let i0 = (base - self.first) as usize;
        // Lagrange weights on the nodes base..base+ORDER.
        let mut w = [0.0; ORDER];
        for (j, wj) in w.iter_mut().enumerate() {
            let xj = (base + j as i64) as f64;
            let mut p = 1.0;
            for m in 0..ORDER {
                if m != j {
                    let xm = (base + m as i64) as f64;
                    p *= (x - xm) / (xj - xm);
                }
            }
            *wj = p;
        }
        let mut sun = [0.0; 3];
        let mut moon = [0.0; 3];
        for (j, wj) in w.iter().enumerate() {
            let n = &self.nodes[i0 + j];
            for k in 0..3 {
                sun[k] += wj * n.sun_km[k];
                moon[k] += wj * n.moon_km[k];
            }
        }
        // Linear precession–nutation between the two nodes around t.
        let kl = x.floor() as i64;
        let fl = x - kl as f64;
        let (na, nb) = (
            &self.nodes[(kl - self.first) as usize],
            &self.nodes[(kl + 1 - self.first) as usize],
        );
        let mut c2i = [[0.0; 3]; 3];
        for (i, row) in c2i.iter_mut().enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = na.c2i[i][j] * (1.0 - fl) + nb.c2i[i][j] * fl;
            }
        }
        let era = na.era_rad + ERA_RATE_RAD_S * (t_s - kl as f64 * NODE_S);
        let pom = if fl < 0.5 { na.pom } else { nb.pom };
        let gcrs_to_itrf = mxm(&pom, &mxm(&r3(era), &c2i));
        Snapshot {
            sun_km: sun,
            moon_km: moon,
            gcrs_to_itrf,
            omega_gcrs_rad_s: c2i[2].map(|v| v * ERA_RATE_RAD_S),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aposos_astro::frames::mxv;

    #[test]
    fn interpolation_matches_direct_evaluation() {
        let eop = Eop::embedded();
        let epoch = Epoch::parse_iso("2026-05-20T12:00:00").unwrap();
        let mut env = Environment::new(epoch, eop);
        env.prepare(-86_400.0, 86_400.0);
        for t in [-80_000.0, -1234.5, 0.0, 999.0, 45_678.9] {
            let s = env.at(t);
            let ns = epoch.ns_since_1950() + (t * 1e9) as i64;
            let ts = TimeScales::from_utc_ns_since_1950(ns, eop);
            let er = EarthRotation::new(&ts);
            let (sun, moon) = (sun_gcrs_km(&ts), moon_gcrs_km(&ts));
            let d = |a: Vec3, b: Vec3| {
                ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
            };
            assert!(d(s.moon_km, moon) < 1e-3, "moon {}", d(s.moon_km, moon));
            assert!(d(s.sun_km, sun) < 1e-2, "sun {}", d(s.sun_km, sun));
            // A GEO-distance point rotated both ways agrees to a few cm.
            let p = [30_000.0, 20_000.0, 20_000.0];
            let e = d(mxv(&s.gcrs_to_itrf, p), er.gcrs_to_itrf(p));
            assert!(e < 0.02e-3 * 1000.0, "rotation {e} km");
        }
    }
}
