//! An upper bound of the best plan's value.
//!
//! The night of each node is cut into ten-minute buckets. However the telescope is
//! driven, observations start at least `settle + tracklet` apart, so a bucket of length
//! L holds at most ⌊L / (settle + tracklet)⌋ + 1 starts. Dropping the slews, the order
//! and the one-tracklet-per-window rule leaves a relaxation: give every tracklet of every
//! target (values as in [`super::value`], a target having at most as many tracklets as
//! its windows allow at the revisit spacing) a bucket of a node and time where one of its
//! windows can start it, within the buckets' capacities. Its feasible sets form a
//! transversal matroid, so taking the tracklets in decreasing value and keeping each one
//! for which an assignment still exists (an augmenting path) gives the relaxation's
//! optimum exactly. No plan is worth more.

use super::Problem;
use std::collections::VecDeque;

/// Bucket length (s).
const BUCKET_S: f64 = 600.0;
/// Most tracklets of one target counted.
const MAX_UNITS: u32 = 24;

/// The bound and what it counted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bound {
    /// Upper bound of the plan value.
    pub value: f64,
    /// Tracklets in the relaxation's optimum.
    pub tracklets: usize,
    /// Value of every tracklet of every window with no telescope limit (a looser bound).
    pub unlimited_value: f64,
}

/// The upper bound of `pb` (see the module's description).
pub fn upper_bound(pb: &Problem) -> Bound {
    let gap = pb.settings.settle_s;
    // Buckets of every node.
    let mut first_bucket = Vec::with_capacity(pb.nodes.len());
    let mut cap: Vec<usize> = Vec::new();
    let mut starts: Vec<f64> = Vec::new();
    for n in &pb.nodes {
        first_bucket.push(cap.len());
        let (a, b) = (n.dark_s.0.max(n.not_before_s), n.dark_s.1);
        let mut t = a;
        while t < b {
            let len = (b - t).min(BUCKET_S);
            let min_dur = pb.settings.tracklet_s().min(if pb.settings.survey {
                pb.settings.survey_s()
            } else {
                f64::INFINITY
            });
            cap.push((len / (gap + min_dur)).floor() as usize + 1);
            starts.push(t);
            t += BUCKET_S;
        }
    }
    first_bucket.push(cap.len());
    let nb = cap.len();
    // Eligible buckets and the most tracklets of each target.
    let mut eligible: Vec<Vec<usize>> = vec![Vec::new(); pb.targets.len()];
    let mut max_units = vec![0u32; pb.targets.len()];
    for c in &pb.candidates {
        let node = &pb.nodes[c.node];
        let lo = c.start_s.max(node.dark_s.0).max(node.not_before_s);
        let hi = c.latest_start_s().min(node.dark_s.1 - c.duration_s);
        if hi < lo {
            continue;
        }
        let (f, l) = (first_bucket[c.node], first_bucket[c.node + 1]);
        for (b, &s) in starts.iter().enumerate().take(l).skip(f) {
            if s <= hi && s + BUCKET_S > lo {
                eligible[c.target].push(b);
            }
        }
        let n = ((hi - lo) / pb.settings.revisit_s.max(1.0)).floor() as u32 + 1;
        max_units[c.target] = (max_units[c.target] + n).min(MAX_UNITS);
    }
    let mut units: Vec<(f64, usize)> = Vec::new();
    let mut unlimited_value = 0.0;
    for (t, e) in eligible.iter_mut().enumerate() {
        e.sort_unstable();
        e.dedup();
        for k in 0..max_units[t] {
            let v = pb.targets[t].value.next(k);
            unlimited_value += v;
            if v > 0.0 {
                units.push((v, t));
            }
        }
    }
    units.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    // Assignment: per bucket, the targets of the tracklets it holds.
    let mut held: Vec<Vec<usize>> = vec![Vec::new(); nb];
    let mut dead = vec![false; nb];
    let mut dead_target = vec![false; pb.targets.len()];
    let mut parent: Vec<Option<(usize, usize)>> = vec![None; nb];
    let mut visited = vec![false; nb];
    let mut value = 0.0;
    let mut tracklets = 0;
    let mut queue = VecDeque::new();
    for (v, t) in units {
        if dead_target[t] {
            continue;
        }
        // Breadth-first search for a bucket with room, through moves of held tracklets.
        let mut seen = Vec::new();
        queue.clear();
        for &b in &eligible[t] {
            if !dead[b] && !visited[b] {
                visited[b] = true;
                parent[b] = None;
                seen.push(b);
                queue.push_back(b);
            }
        }
        let mut found = None;
        while let Some(b) = queue.pop_front() {
            if held[b].len() < cap[b] {
                found = Some(b);
                break;
            }
            for (k, &u) in held[b].iter().enumerate() {
                for &b2 in &eligible[u] {
                    if !dead[b2] && !visited[b2] {
                        visited[b2] = true;
                        parent[b2] = Some((b, k));
                        seen.push(b2);
                        queue.push_back(b2);
                    }
                }
            }
        }
        match found {
            Some(f) => {
                // Shift along the path: each moved tracklet leaves its slot to the one before it.
                match parent[f] {
                    None => held[f].push(t),
                    Some((p0, k0)) => {
                        let moved = held[p0][k0];
                        held[f].push(moved);
                        let (mut cur, mut slot) = (p0, k0);
                        loop {
                            match parent[cur] {
                                None => {
                                    held[cur][slot] = t;
                                    break;
                                }
                                Some((p, k)) => {
                                    held[cur][slot] = held[p][k];
                                    cur = p;
                                    slot = k;
                                }
                            }
                        }
                    }
                }
                value += v;
                tracklets += 1;
            }
            None => {
                // Every bucket reached is full and closed: nothing can ever enter them again.
                for &b in &seen {
                    dead[b] = true;
                }
                dead_target[t] = true;
            }
        }
        for b in seen {
            visited[b] = false;
        }
    }
    Bound {
        value,
        tracklets,
        unlimited_value,
    }
}
