//! One night planned end to end: candidates, the three planners, the bound, the
//! independent feasibility check, and the plan as a document.

use super::bound::{upper_bound, Bound};
use super::output::{iso, node_plans, NodePlan};
use super::search::{plan, Plans, SearchStats};
use super::track::Track;
use super::{
    feasible, Candidate, NodeSpec, PlanError, PlanObject, PlanSettings, Problem, Slot, Solution,
};
use crate::passes::Target;
use aposos_astro::Eop;
use aposos_formats::Epoch;
use serde::Serialize;
use std::time::Instant;

/// An observation already done (or under way) that a re-plan keeps.
#[derive(Clone, Debug, PartialEq)]
pub struct DoneObservation {
    /// Site id.
    pub site: String,
    /// Catalog number.
    pub norad: u32,
    /// First exposure start.
    pub start: Epoch,
}

/// A node left out of the plan, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExcludedNode {
    /// Site id.
    pub site: String,
    /// Its status (`offline`, `weather`, `maintenance`, …).
    pub reason: String,
}

/// Seconds spent in each step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Timing {
    /// Observable windows and their pointings.
    pub candidates_s: f64,
    /// The three planners.
    pub planners_s: f64,
    /// The upper bound.
    pub bound_s: f64,
    /// The feasibility check.
    pub check_s: f64,
    /// All of it.
    pub total_s: f64,
}

/// A planned night with everything measured about it.
#[derive(Clone, Debug)]
pub struct NightPlan {
    /// The problem.
    pub problem: Problem,
    /// The plans.
    pub plans: Plans,
    /// The upper bound.
    pub bound: Bound,
    /// Violations found in the chosen plan by the independent check (empty when feasible).
    pub violations: Vec<String>,
    /// Nodes left out.
    pub excluded: Vec<ExcludedNode>,
    /// Done observations that could not be placed (their object is not in the catalog).
    pub done_unmatched: usize,
    /// Time spent.
    pub timing: Timing,
}

/// Plans the night `night` for `nodes` (`done` observations kept as they are).
pub fn plan_night(
    night: &str,
    nodes: &[NodeSpec],
    excluded: Vec<ExcludedNode>,
    objects: Vec<PlanObject>,
    done: &[DoneObservation],
    settings: &PlanSettings,
    eop: &Eop,
) -> Result<NightPlan, PlanError> {
    let t0 = Instant::now();
    let mut problem = Problem::build(night, nodes, objects, settings, eop)?;
    let (fixed, done_unmatched) = add_done(&mut problem, done);
    let t1 = Instant::now();
    let plans = plan(&problem, &fixed);
    let t2 = Instant::now();
    let bound = upper_bound(&problem);
    let t3 = Instant::now();
    let violations = feasible::violations(&problem, &plans.best);
    let t4 = Instant::now();
    let secs = |a: Instant, b: Instant| (b - a).as_secs_f64();
    Ok(NightPlan {
        problem,
        plans,
        bound,
        violations,
        excluded,
        done_unmatched,
        timing: Timing {
            candidates_s: secs(t0, t1),
            planners_s: secs(t1, t2),
            bound_s: secs(t2, t3),
            check_s: secs(t3, t4),
            total_s: secs(t0, t4),
        },
    })
}

/// Turns the done observations into candidates of their own (their window is their own
/// span) and locked slots.
fn add_done(pb: &mut Problem, done: &[DoneObservation]) -> (Solution, usize) {
    let mut sol = Solution {
        nodes: vec![Vec::new(); pb.nodes.len()],
    };
    let mut unmatched = 0;
    let dur = pb.settings.tracklet_s();
    for d in done {
        let node = pb.nodes.iter().position(|n| n.site.id == d.site);
        let object = pb
            .objects
            .iter()
            .position(|o| o.elements.norad_cat_id == d.norad);
        let (Some(node), Some(object)) = (node, object) else {
            unmatched += 1;
            continue;
        };
        let Ok(target) = Target::new(&pb.objects[object].elements) else {
            unmatched += 1;
            continue;
        };
        let a = pb.clock.seconds_to(d.start);
        let Ok(track) = Track::sample(
            &target,
            &pb.nodes[node].observer,
            &pb.nodes[node].mount,
            &pb.clock,
            a,
            a + dur,
        ) else {
            unmatched += 1;
            continue;
        };
        let ci = pb.candidates.len();
        let (p_start, p_end) = (track.axes_at(a), track.axes_at(a + dur));
        pb.candidates.push(Candidate {
            target: object,
            node,
            start_s: a,
            end_s: a + dur,
            duration_s: dur,
            track,
        });
        // Done observations may fall in twilight or before a late dusk: widen the node's night.
        let n = &mut pb.nodes[node];
        n.dark_s = (n.dark_s.0.min(a), n.dark_s.1.max(a + dur));
        sol.nodes[node].push(Slot {
            cand: ci,
            start_s: a,
            slew_s: 0.0,
            locked: true,
            p_start,
            p_end,
        });
    }
    for (n, slots) in sol.nodes.iter_mut().enumerate() {
        slots.sort_by(|x, y| x.start_s.total_cmp(&y.start_s));
        let mount = pb.nodes[n].mount;
        let mut prev = mount.axes(super::PARK);
        for s in slots.iter_mut() {
            s.slew_s = mount.slew_axes_s(prev, s.p_start);
            prev = s.p_end;
        }
    }
    (sol, unmatched)
}

/// Headline figures of a planned night.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanSummary {
    /// Value of the plan.
    pub value: f64,
    /// Value of the per-node greedy baseline.
    pub baseline_value: f64,
    /// Value of the network greedy insertion (the search's start).
    pub greedy_value: f64,
    /// Upper bound of any plan's value.
    pub bound_value: f64,
    /// Value of every window with no telescope limit (a looser bound).
    pub unlimited_value: f64,
    /// Plan value over the baseline's, minus one.
    pub gain_over_baseline: f64,
    /// Plan value over the bound.
    pub fraction_of_bound: f64,
    /// Observations in the plan.
    pub observations: usize,
    /// Observations in the baseline.
    pub baseline_observations: usize,
    /// Distinct objects in the plan.
    pub distinct_objects: usize,
    /// Distinct objects in the baseline.
    pub baseline_distinct_objects: usize,
    /// Candidate windows (object windows and survey fields).
    pub candidates: usize,
    /// Search iterations, kept moves and improving moves.
    pub search: [usize; 3],
    /// Time spent.
    pub timing: Timing,
}

impl NightPlan {
    /// The headline figures.
    pub fn summary(&self) -> PlanSummary {
        let pb = &self.problem;
        let v = self.plans.best.value(pb);
        let vb = self.plans.baseline.value(pb);
        let SearchStats {
            iterations,
            accepted,
            improved,
        } = self.plans.stats;
        PlanSummary {
            value: v,
            baseline_value: vb,
            greedy_value: self.plans.greedy.value(pb),
            bound_value: self.bound.value,
            unlimited_value: self.bound.unlimited_value,
            gain_over_baseline: if vb > 0.0 { v / vb - 1.0 } else { 0.0 },
            fraction_of_bound: if self.bound.value > 0.0 {
                v / self.bound.value
            } else {
                1.0
            },
            observations: self.plans.best.len(),
            baseline_observations: self.plans.baseline.len(),
            distinct_objects: self.plans.best.distinct_objects(pb),
            baseline_distinct_objects: self.plans.baseline.distinct_objects(pb),
            candidates: pb.candidates.len(),
            search: [iterations, accepted, improved],
            timing: self.timing,
        }
    }

    /// The plan as a document: the night, the figures and every node's list.
    pub fn document(&self, eop: &Eop) -> PlanDocument {
        PlanDocument {
            night: self.problem.night.clone(),
            generated_utc: iso(Epoch::now_utc_micros()),
            method: "large-neighbourhood search over the network greedy insertion",
            summary: self.summary(),
            settings: SettingsView::from(&self.problem.settings),
            nodes: node_plans(&self.problem, &self.plans.best, eop),
            excluded: self.excluded.clone(),
            failed_objects: self.problem.failed.len(),
            feasible: self.violations.is_empty(),
        }
    }
}

/// The settings as written into a plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SettingsView {
    /// Exposures per tracklet.
    pub frames: u32,
    /// Time between exposure starts (s).
    pub cadence_s: f64,
    /// Exposure length (s).
    pub exposure_s: f64,
    /// Settling after each slew (s).
    pub settle_s: f64,
    /// Mount acceleration (deg/s²).
    pub accel_deg_s2: f64,
    /// Least spacing of two tracklets of one window (s).
    pub revisit_s: f64,
    /// Minimum elevation (deg).
    pub min_el_deg: f64,
    /// Darkness: Sun below this (deg).
    pub max_sun_el_deg: f64,
    /// Smallest Moon distance (deg).
    pub min_moon_sep_deg: f64,
    /// The value model.
    pub weights: super::value::ValueWeights,
}

impl From<&PlanSettings> for SettingsView {
    fn from(s: &PlanSettings) -> Self {
        SettingsView {
            frames: s.frames,
            cadence_s: s.cadence_s,
            exposure_s: s.exposure_s,
            settle_s: s.settle_s,
            accel_deg_s2: s.accel_deg_s2,
            revisit_s: s.revisit_s,
            min_el_deg: s.window.min_el_deg,
            max_sun_el_deg: s.window.max_sun_el_deg,
            min_moon_sep_deg: s.window.min_moon_sep_deg,
            weights: s.weights,
        }
    }
}

/// A night's plan for the whole network.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanDocument {
    /// The night (local date of its evening).
    pub night: String,
    /// When the plan was made (UTC).
    pub generated_utc: String,
    /// How it was made.
    pub method: &'static str,
    /// Headline figures.
    pub summary: PlanSummary,
    /// Settings used.
    pub settings: SettingsView,
    /// Every node's list.
    pub nodes: Vec<NodePlan>,
    /// Nodes left out.
    pub excluded: Vec<ExcludedNode>,
    /// Objects whose elements SGP4 refused.
    pub failed_objects: usize,
    /// The independent check found nothing wrong.
    pub feasible: bool,
}
