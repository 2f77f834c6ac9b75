//! Building the plans.
//!
//! - [`per_node_greedy`], the baseline: every node on its own, as a station scheduler
//!   does: whenever its telescope is free it takes, of the targets it can start within
//!   the next minute, the one of highest value, counting only its own tracklets (so two
//!   nodes happily observe the same objects).
//! - [`network_greedy`]: every candidate of every node in order of marginal value
//!   (re-evaluated lazily as repeats lose value), each put at the earliest place of its
//!   node's sequence where it fits with the slews before and after it.
//! - [`improve`], a large-neighbourhood search over that plan: a stretch of 10 to 40
//!   minutes of one node's night is emptied and rebuilt in time order (each step takes,
//!   among the three best value-per-second choices, one at random, values counted over
//!   the whole network), then the removed observations are put back where they still
//!   fit; the change is kept when the network value does not drop.

use super::slew::Axes;
use super::{Candidate, Problem, Slot, Solution, PARK};
use aposos_orbit::synthetic::SplitMix64;

/// Width of the time index's buckets (s).
const BUCKET_S: f64 = 60.0;
/// How far ahead the time-ordered builders look for the next observation (s).
const HORIZON_S: f64 = 120.0;
/// How far ahead the baseline looks (s).
const BASELINE_HORIZON_S: f64 = 60.0;

/// Per node, the candidates open in each minute of the clock.
#[derive(Clone, Debug)]
pub struct TimeIndex {
    buckets: Vec<Vec<Vec<usize>>>,
}

impl TimeIndex {
    /// The index of `pb`'s candidates.
    pub fn new(pb: &Problem) -> Self {
        let n_buckets = (pb.clock.span_s() / BUCKET_S).ceil() as usize + 1;
        let mut buckets = vec![vec![Vec::new(); n_buckets]; pb.nodes.len()];
        for (ci, c) in pb.candidates.iter().enumerate() {
            let a = bucket(c.start_s, n_buckets);
            let b = bucket(c.latest_start_s(), n_buckets);
            for list in &mut buckets[c.node][a..=b] {
                list.push(ci);
            }
        }
        TimeIndex { buckets }
    }

    /// Calls `f` once for every candidate of `node` that may start within `[from_s, to_s]`.
    fn each(
        &self,
        node: usize,
        from_s: f64,
        to_s: f64,
        stamp: &mut Stamps,
        mut f: impl FnMut(usize),
    ) {
        let n = self.buckets[node].len();
        stamp.next();
        for k in bucket(from_s, n)..=bucket(to_s, n) {
            for &c in &self.buckets[node][k] {
                if stamp.first(c) {
                    f(c);
                }
            }
        }
    }

    /// Start of the first bucket after `t_s` holding a candidate of `node`, if any.
    fn next_busy_after(&self, node: usize, t_s: f64) -> Option<f64> {
        let n = self.buckets[node].len();
        (bucket(t_s, n) + 1..n)
            .find(|&k| !self.buckets[node][k].is_empty())
            .map(|k| k as f64 * BUCKET_S)
    }
}

fn bucket(t_s: f64, n: usize) -> usize {
    ((t_s / BUCKET_S).floor().max(0.0) as usize).min(n - 1)
}

/// Visit marks, so that a candidate listed in several buckets is seen once per query.
#[derive(Clone, Debug)]
struct Stamps {
    marks: Vec<u32>,
    epoch: u32,
}

impl Stamps {
    fn new(n: usize) -> Self {
        Stamps {
            marks: vec![0; n],
            epoch: 0,
        }
    }
    fn next(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.marks.iter_mut().for_each(|m| *m = 0);
            self.epoch = 1;
        }
    }
    fn first(&mut self, c: usize) -> bool {
        let seen = self.marks[c] == self.epoch;
        self.marks[c] = self.epoch;
        !seen
    }
}

/// A change of the plan, kept so that a rejected move can be undone.
#[derive(Clone, Copy, Debug)]
enum Change {
    Inserted(usize, Slot),
    Removed(usize, Slot),
}

/// A plan being built: the nodes' sequences, the count of tracklets of every target and the value.
#[derive(Clone, Debug)]
pub struct State<'a> {
    /// The problem.
    pub pb: &'a Problem,
    /// Per node, the slots by start time.
    pub nodes: Vec<Vec<Slot>>,
    /// Tracklets of each target in the plan.
    pub counts: Vec<u32>,
    /// Network value of the plan.
    pub value: f64,
    uses: Vec<u32>,
    journal: Vec<Change>,
    stamps: Stamps,
}

impl<'a> State<'a> {
    /// An empty plan.
    pub fn new(pb: &'a Problem) -> Self {
        State {
            pb,
            nodes: vec![Vec::new(); pb.nodes.len()],
            counts: vec![0; pb.targets.len()],
            value: 0.0,
            uses: vec![0; pb.candidates.len()],
            journal: Vec::new(),
            stamps: Stamps::new(pb.candidates.len()),
        }
    }

    /// The plan `sol` (its slots taken as they are).
    pub fn from_solution(pb: &'a Problem, sol: &Solution) -> Self {
        let mut st = State::new(pb);
        for (n, slots) in sol.nodes.iter().enumerate() {
            for s in slots {
                let idx = st.nodes[n].len();
                st.put(n, idx, *s);
            }
        }
        st.journal.clear();
        st
    }

    /// The plan as a [`Solution`].
    pub fn solution(&self) -> Solution {
        Solution {
            nodes: self.nodes.clone(),
        }
    }

    /// Value of one more tracklet of candidate `c`'s target.
    pub fn marginal(&self, c: usize) -> f64 {
        let t = self.pb.candidates[c].target;
        self.pb.targets[t].value.next(self.counts[t])
    }

    fn put(&mut self, node: usize, idx: usize, slot: Slot) {
        let t = self.pb.candidates[slot.cand].target;
        self.value += self.pb.targets[t].value.next(self.counts[t]);
        self.counts[t] += 1;
        self.uses[slot.cand] += 1;
        self.nodes[node].insert(idx, slot);
        self.journal.push(Change::Inserted(node, slot));
    }

    fn take(&mut self, node: usize, idx: usize) -> Slot {
        let slot = self.nodes[node].remove(idx);
        let t = self.pb.candidates[slot.cand].target;
        self.counts[t] -= 1;
        self.uses[slot.cand] -= 1;
        self.value -= self.pb.targets[t].value.next(self.counts[t]);
        self.journal.push(Change::Removed(node, slot));
        slot
    }

    /// End time and pointing of the slot before insertion index `idx` (the park position at dusk when none).
    fn prev_of(&self, node: usize, idx: usize) -> (f64, Axes) {
        match idx.checked_sub(1).map(|i| &self.nodes[node][i]) {
            Some(s) => (s.start_s + self.pb.candidates[s.cand].duration_s, s.p_end),
            None => (
                self.pb.nodes[node].dark_s.0,
                self.pb.nodes[node].mount.axes(PARK),
            ),
        }
    }

    /// Earliest start of candidate `c` after an observation ending at `end_s` pointed at `p`: (start, slew).
    fn earliest_after(&self, c: &Candidate, end_s: f64, p: Axes) -> Option<(f64, f64)> {
        let node = &self.pb.nodes[c.node];
        let gap = self.pb.gap_s();
        let lo = c
            .start_s
            .max(end_s + gap)
            .max(node.not_before_s)
            .max(node.dark_s.0);
        let latest = c.latest_start_s().min(node.dark_s.1 - c.duration_s);
        let mut t = lo;
        for _ in 0..8 {
            if t > latest + 1e-9 {
                return None;
            }
            let slew = node.mount.slew_axes_s(p, c.track.axes_at(t));
            let need = end_s + slew + gap;
            if need <= t + 1e-9 {
                return Some((t, slew));
            }
            t = need;
        }
        None
    }

    /// Whether an observation of `c` starting at `start_s` leaves time to reach `next`.
    fn fits_before(&self, c: &Candidate, start_s: f64, next: Option<&Slot>) -> bool {
        match next {
            None => true,
            Some(n) => {
                let end = start_s + c.duration_s;
                let slew = self.pb.nodes[c.node]
                    .mount
                    .slew_axes_s(c.track.axes_at(end), n.p_start);
                end + slew + self.pb.gap_s() <= n.start_s + 1e-9
            }
        }
    }

    /// Whether another tracklet of candidate `ci` at `start_s` keeps the revisit spacing.
    fn revisit_ok(&self, ci: usize, start_s: f64) -> bool {
        if self.uses[ci] == 0 {
            return true;
        }
        let node = self.pb.candidates[ci].node;
        let r = self.pb.settings.revisit_s;
        let slots = &self.nodes[node];
        let lo = slots.partition_point(|s| s.start_s < start_s - r);
        slots[lo..]
            .iter()
            .take_while(|s| s.start_s <= start_s + r)
            .all(|s| s.cand != ci)
    }

    fn make_slot(&self, ci: usize, start_s: f64, slew_s: f64, locked: bool) -> Slot {
        let c = &self.pb.candidates[ci];
        Slot {
            cand: ci,
            start_s,
            slew_s,
            locked,
            p_start: c.track.axes_at(start_s),
            p_end: c.track.axes_at(start_s + c.duration_s),
        }
    }

    /// The earliest place where candidate `ci` fits in its node's sequence: (index, start, slew).
    pub fn best_insertion(&self, ci: usize) -> Option<(usize, f64, f64)> {
        let c = &self.pb.candidates[ci];
        let slots = &self.nodes[c.node];
        let mut idx = slots
            .partition_point(|s| s.start_s + self.pb.candidates[s.cand].duration_s < c.start_s);
        loop {
            let (end, p) = self.prev_of(c.node, idx);
            if end > c.latest_start_s() {
                return None;
            }
            let next = slots.get(idx);
            if let Some((t, slew)) = self.earliest_after(c, end, p) {
                if self.fits_before(c, t, next) && self.revisit_ok(ci, t) {
                    return Some((idx, t, slew));
                }
            }
            next?;
            idx += 1;
        }
    }

    /// Puts candidate `ci` at index `idx` of its node, starting at `start_s`, and updates the next slot's slew.
    pub fn insert(&mut self, ci: usize, idx: usize, start_s: f64, slew_s: f64, locked: bool) {
        let node = self.pb.candidates[ci].node;
        let slot = self.make_slot(ci, start_s, slew_s, locked);
        self.put(node, idx, slot);
        self.refresh_slew(node, idx + 1);
    }

    fn refresh_slew(&mut self, node: usize, idx: usize) {
        if idx < self.nodes[node].len() {
            let (_, p) = self.prev_of(node, idx);
            let s = self.nodes[node][idx];
            self.nodes[node][idx].slew_s = self.pb.nodes[node].mount.slew_axes_s(p, s.p_start);
        }
    }

    /// Removes slots from `idx` on while they no longer fit after their new predecessor.
    fn repair(&mut self, node: usize, idx: usize) {
        while idx < self.nodes[node].len() {
            let (end, p) = self.prev_of(node, idx);
            let s = self.nodes[node][idx];
            let slew = self.pb.nodes[node].mount.slew_axes_s(p, s.p_start);
            if end + slew + self.pb.gap_s() <= s.start_s + 1e-9 || s.locked {
                self.nodes[node][idx].slew_s = slew;
                return;
            }
            self.take(node, idx);
        }
    }

    /// Builds `node`'s sequence in time order from insertion index `idx` until the next
    /// slot (or the night's end); `pick` chooses among the scored options.
    fn build_forward(
        &mut self,
        index: &TimeIndex,
        node: usize,
        mut idx: usize,
        horizon_s: f64,
        mut choose: impl FnMut(&State<'_>, usize, f64, f64) -> Option<f64>,
        mut pick: impl FnMut(&mut Vec<(f64, usize, f64, f64)>) -> usize,
    ) {
        let dark_end = self.pb.nodes[node].dark_s.1;
        let (mut cur_end, mut cur_p) = self.prev_of(node, idx);
        let mut options: Vec<(f64, usize, f64, f64)> = Vec::new();
        loop {
            let next = self.nodes[node].get(idx).copied();
            let until = next.map_or(dark_end, |n| n.start_s);
            if cur_end >= until {
                return;
            }
            options.clear();
            let mut stamps = std::mem::replace(&mut self.stamps, Stamps::new(0));
            index.each(node, cur_end, cur_end + horizon_s, &mut stamps, |ci| {
                let c = &self.pb.candidates[ci];
                let Some((t, slew)) = self.earliest_after(c, cur_end, cur_p) else {
                    return;
                };
                if t > cur_end + horizon_s + self.pb.gap_s() + 30.0
                    || !self.fits_before(c, t, next.as_ref())
                    || !self.revisit_ok(ci, t)
                {
                    return;
                }
                if let Some(score) = choose(self, ci, t, cur_end) {
                    options.push((score, ci, t, slew));
                }
            });
            self.stamps = stamps;
            if options.is_empty() {
                // Idle until the next minute that holds candidates.
                match index.next_busy_after(node, cur_end + horizon_s) {
                    Some(t) if t < until => {
                        cur_end = t - horizon_s / 2.0;
                        continue;
                    }
                    _ => return,
                }
            }
            let k = pick(&mut options);
            let (_, ci, t, slew) = options[k];
            self.insert(ci, idx, t, slew, false);
            let c = &self.pb.candidates[ci];
            cur_end = t + c.duration_s;
            cur_p = c.track.axes_at(cur_end);
            idx += 1;
        }
    }
}

/// The per-node greedy baseline (see the module's description).
pub fn per_node_greedy(pb: &Problem, index: &TimeIndex, fixed: &Solution) -> Solution {
    let mut out = Solution {
        nodes: vec![Vec::new(); pb.nodes.len()],
    };
    for node in 0..pb.nodes.len() {
        // Each node counts only its own tracklets.
        let mut local = State::from_solution(pb, &only_node(fixed, node, pb.nodes.len()));
        let idx = local.nodes[node].len();
        local.build_forward(
            index,
            node,
            idx,
            BASELINE_HORIZON_S,
            |st, ci, t, _| {
                let v = st.marginal(ci);
                // Highest value first; among equals, the earliest start.
                (v > 0.0).then_some(v * 1e6 - t)
            },
            |opts| best_of(opts),
        );
        out.nodes[node] = local.nodes[node].clone();
    }
    out
}

fn only_node(sol: &Solution, node: usize, n: usize) -> Solution {
    let mut s = Solution {
        nodes: vec![Vec::new(); n],
    };
    if let Some(v) = sol.nodes.get(node) {
        s.nodes[node] = v.clone();
    }
    s
}

fn best_of(opts: &[(f64, usize, f64, f64)]) -> usize {
    let mut best = 0;
    for (i, o) in opts.iter().enumerate() {
        if o.0 > opts[best].0 || (o.0 == opts[best].0 && o.1 < opts[best].1) {
            best = i;
        }
    }
    best
}

/// Max-heap entry: (value, candidate), ties to the smaller candidate index.
#[derive(Clone, Copy, Debug, PartialEq)]
struct ByValue(f64, usize);
impl Eq for ByValue {}
impl PartialOrd for ByValue {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for ByValue {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0
            .total_cmp(&other.0)
            .then_with(|| other.1.cmp(&self.1))
    }
}

/// Lazy greedy insertion of `cands` (by marginal value) into the state.
fn insert_by_value(st: &mut State<'_>, cands: impl Iterator<Item = usize>) {
    let mut heap: std::collections::BinaryHeap<ByValue> =
        cands.map(|c| ByValue(st.marginal(c), c)).collect();
    while let Some(ByValue(v, ci)) = heap.pop() {
        let now = st.marginal(ci);
        if now <= 0.0 {
            continue;
        }
        if now < v - 1e-12 {
            heap.push(ByValue(now, ci));
            continue;
        }
        if let Some((idx, t, slew)) = st.best_insertion(ci) {
            st.insert(ci, idx, t, slew, false);
            heap.push(ByValue(st.marginal(ci), ci));
        }
    }
}

/// The network-aware greedy insertion, on top of the `fixed` (locked) slots.
pub fn network_greedy<'a>(pb: &'a Problem, fixed: &Solution) -> State<'a> {
    let mut st = State::from_solution(pb, fixed);
    insert_by_value(&mut st, 0..pb.candidates.len());
    st.journal.clear();
    st
}

/// What the search did.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SearchStats {
    /// Iterations run.
    pub iterations: usize,
    /// Moves kept.
    pub accepted: usize,
    /// Moves that raised the value.
    pub improved: usize,
}

/// Large-neighbourhood search on `st` (see the module's description).
pub fn improve(st: &mut State<'_>, index: &TimeIndex, iterations: usize, seed: u64) -> SearchStats {
    let pb = st.pb;
    let mut rng = SplitMix64::new(seed ^ 0x9E37_79B9_7F4A_7C15);
    let mut stats = SearchStats::default();
    let nodes: Vec<usize> = (0..pb.nodes.len())
        .filter(|&n| pb.nodes[n].dark_s.1 > pb.nodes[n].dark_s.0.max(pb.nodes[n].not_before_s))
        .collect();
    if nodes.is_empty() {
        return stats;
    }
    for _ in 0..iterations {
        stats.iterations += 1;
        let node = rng.pick(&nodes);
        let nn = &pb.nodes[node];
        let (d0, d1) = (nn.dark_s.0.max(nn.not_before_s), nn.dark_s.1);
        let len = 600.0 + rng.uniform() * 1800.0;
        let a = d0 - len / 2.0 + rng.uniform() * (d1 - d0);
        let (a, b) = (a.max(d0), (a + len).min(d1));
        let before = st.value;
        st.journal.clear();
        let slots = &st.nodes[node];
        let lo = slots.partition_point(|s| s.start_s < a);
        let hi = slots.partition_point(|s| s.start_s < b);
        if slots[lo..hi].iter().any(|s| s.locked) {
            continue;
        }
        let mut removed = Vec::with_capacity(hi - lo);
        for _ in lo..hi {
            removed.push(st.take(node, lo).cand);
        }
        st.repair(node, lo);
        st.build_forward(
            index,
            node,
            lo,
            HORIZON_S,
            |st, ci, t, cur_end| {
                let v = st.marginal(ci);
                let c = &st.pb.candidates[ci];
                (v > 0.0).then(|| v / (t + c.duration_s - cur_end).max(1.0))
            },
            |opts| {
                opts.sort_by(|x, y| y.0.total_cmp(&x.0));
                let k = opts.len().min(3);
                // Best with probability 1/2, second 1/3, third 1/6.
                let u = rng.uniform();
                if u < 0.5 || k == 1 {
                    0
                } else if u < 0.833 || k == 2 {
                    1
                } else {
                    2
                }
            },
        );
        insert_by_value(st, removed.into_iter());
        if st.value + 1e-9 >= before {
            stats.accepted += 1;
            if st.value > before + 1e-9 {
                stats.improved += 1;
            }
        } else {
            undo(st);
        }
    }
    st.journal.clear();
    stats
}

fn undo(st: &mut State<'_>) {
    let journal = std::mem::take(&mut st.journal);
    let mut touched = vec![false; st.nodes.len()];
    for ch in journal.into_iter().rev() {
        let (Change::Inserted(node, _) | Change::Removed(node, _)) = ch;
        touched[node] = true;
        match ch {
            Change::Inserted(node, slot) => {
                let slots = &st.nodes[node];
                if let Some(i) = slots
                    .iter()
                    .position(|s| s.cand == slot.cand && s.start_s == slot.start_s)
                {
                    st.take(node, i);
                }
            }
            Change::Removed(node, slot) => {
                let i = st.nodes[node].partition_point(|s| s.start_s < slot.start_s);
                st.put(node, i, slot);
            }
        }
    }
    // Slews of the restored sequences.
    for node in (0..st.nodes.len()).filter(|&n| touched[n]) {
        for i in 0..st.nodes[node].len() {
            st.refresh_slew(node, i);
        }
    }
    st.journal.clear();
}

/// The three plans of one night: the baseline, the network greedy and the improved one.
#[derive(Clone, Debug)]
pub struct Plans {
    /// Per-node greedy baseline.
    pub baseline: Solution,
    /// Network-aware greedy insertion.
    pub greedy: Solution,
    /// After the large-neighbourhood search.
    pub best: Solution,
    /// What the search did.
    pub stats: SearchStats,
}

/// Runs the three planners on `pb`, keeping the `fixed` slots (re-planning) in each.
pub fn plan(pb: &Problem, fixed: &Solution) -> Plans {
    let index = TimeIndex::new(pb);
    let baseline = per_node_greedy(pb, &index, fixed);
    let mut st = network_greedy(pb, fixed);
    let greedy = st.solution();
    let stats = improve(
        &mut st,
        &index,
        pb.settings.lns_iterations,
        pb.settings.seed,
    );
    let mut best = st.solution();
    // The baseline can beat the search on a tiny problem: never return less.
    if State::from_solution(pb, &baseline).value > st.value {
        best = baseline.clone();
    }
    Plans {
        baseline,
        greedy,
        best,
        stats,
    }
}
