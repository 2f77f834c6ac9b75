//! The network's plan for one night: which node observes which object when.
//!
//! **Candidates** are the optically observable windows of every object at every online
//! node in that node's dark interval of the night ([`crate::windows`]), plus the fields
//! of a GEO-belt survey ([`survey`]). An **observation** occupies the telescope for the
//! slew from the previous pointing (both axes at the mount's rate and acceleration:
//! [`slew`]), the settling time and the tracklet's exposures; it must lie wholly inside
//! its window. Its **value** follows the tiers of [`value`] and drops for every tracklet
//! of the same target beyond those wanted, counted over the whole network.
//!
//! [`search`] builds the plans: a per-node greedy baseline (what a station scheduling on
//! its own does), a network-aware greedy insertion, and a large-neighbourhood search that
//! improves it; [`bound`] gives an upper bound of the best plan's value, and [`feasible`]
//! checks any plan independently (precise pointings, not the scheduler's samples).

pub mod bound;
pub mod feasible;
pub mod night;
pub mod output;
pub mod search;
pub mod slew;
pub mod survey;
pub mod track;
pub mod value;

use crate::passes::{EarthClock, Observer, PassError, Target};
use crate::sites::Site;
use crate::windows::{find_windows_catalog, CatalogObject, SiteNight, SkyClock, WindowOptions};
use aposos_astro::Eop;
use aposos_formats::{ElementSet, Epoch};
use rayon::prelude::*;
use slew::{Axes, Enu, MountModel};
use track::Track;
use value::{TargetValue, ValueWeights};

/// How the nodes observe and how the planner searches.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanSettings {
    /// Exposures per tracklet.
    pub frames: u32,
    /// Time between the starts of two exposures (s).
    pub cadence_s: f64,
    /// Length of one exposure (s).
    pub exposure_s: f64,
    /// Exposures of a survey field.
    pub survey_frames: u32,
    /// Time between the starts of two survey exposures (s).
    pub survey_cadence_s: f64,
    /// Settling time after every slew (s).
    pub settle_s: f64,
    /// Axis acceleration of the mounts (deg/s²).
    pub accel_deg_s2: f64,
    /// Margin added to every slew by the planner, covering its sampled pointings (s).
    pub slew_margin_s: f64,
    /// Least time between two tracklets of one object in one window at one node (s).
    pub revisit_s: f64,
    /// Darkness, elevation and Moon limits of an observable window.
    pub window: WindowOptions,
    /// Fill the gaps with the GEO-belt survey.
    pub survey: bool,
    /// Value model.
    pub weights: ValueWeights,
    /// Iterations of the large-neighbourhood search.
    pub lns_iterations: usize,
    /// Seed of the search's random choices.
    pub seed: u64,
}

impl Default for PlanSettings {
    fn default() -> Self {
        PlanSettings {
            frames: 8,
            cadence_s: 2.0,
            exposure_s: 1.0,
            survey_frames: 5,
            survey_cadence_s: 10.0,
            settle_s: 3.0,
            accel_deg_s2: 4.0,
            slew_margin_s: 0.5,
            revisit_s: 1800.0,
            window: WindowOptions {
                min_el_deg: 15.0,
                ..WindowOptions::default()
            },
            survey: true,
            weights: ValueWeights::default(),
            lns_iterations: 800,
            seed: 1,
        }
    }
}

impl PlanSettings {
    /// Length of an object tracklet, first exposure start to last exposure end (s).
    pub fn tracklet_s(&self) -> f64 {
        f64::from(self.frames.saturating_sub(1)) * self.cadence_s + self.exposure_s
    }

    /// Length of a survey visit (s).
    pub fn survey_s(&self) -> f64 {
        f64::from(self.survey_frames.saturating_sub(1)) * self.survey_cadence_s + self.exposure_s
    }

    /// Checks the ranges; the message names the setting.
    pub fn validate(&self) -> Result<(), PlanError> {
        let bad = |name: &str, v: f64, want: &str| {
            Err(PlanError::Settings(format!("{name} = {v}: must be {want}")))
        };
        if self.frames < 2 || self.frames > 1000 {
            return bad("frames", f64::from(self.frames), "in 2..=1000");
        }
        if self.survey_frames < 1 || self.survey_frames > 1000 {
            return bad(
                "survey_frames",
                f64::from(self.survey_frames),
                "in 1..=1000",
            );
        }
        for (name, v) in [
            ("cadence_s", self.cadence_s),
            ("survey_cadence_s", self.survey_cadence_s),
            ("accel_deg_s2", self.accel_deg_s2),
        ] {
            if !(v.is_finite() && v > 0.0 && v <= 3600.0) {
                return bad(name, v, "in (0, 3600]");
            }
        }
        for (name, v) in [
            ("exposure_s", self.exposure_s),
            ("settle_s", self.settle_s),
            ("slew_margin_s", self.slew_margin_s),
            ("revisit_s", self.revisit_s),
        ] {
            if !(v.is_finite() && (0.0..=86_400.0).contains(&v)) {
                return bad(name, v, "in [0, 86400]");
            }
        }
        if self.exposure_s > self.cadence_s {
            return bad("exposure_s", self.exposure_s, "at most cadence_s");
        }
        Ok(())
    }
}

/// Why a plan could not be made.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PlanError {
    /// The night is not a date.
    #[error("night {0:?}: expected a date YYYY-MM-DD")]
    Night(String),
    /// A setting is out of range.
    #[error("plan settings: {0}")]
    Settings(String),
    /// Orbit propagation failed inside a window found observable.
    #[error(transparent)]
    Pass(#[from] PassError),
}

/// One catalog object to plan for: its elements, magnitude and value tonight.
#[derive(Clone, Debug)]
pub struct PlanObject {
    /// The element set.
    pub elements: ElementSet,
    /// Standard magnitude (mag), if known.
    pub std_mag: Option<f64>,
    /// Its value tonight.
    pub value: TargetValue,
}

/// A node taking part: its site and the earliest time new observations may start.
#[derive(Clone, Debug)]
pub struct NodeSpec {
    /// The site and its telescope.
    pub site: Site,
    /// No new observation before this instant (re-planning the rest of a night).
    pub not_before: Option<Epoch>,
}

/// One node's night as the planner sees it.
#[derive(Clone, Debug)]
pub struct NodeNight {
    /// The site.
    pub site: Site,
    /// Its observer frame.
    pub observer: Observer,
    /// Its dark interval of the night (s since the clock's start); empty (a, a) when none.
    pub dark_s: (f64, f64),
    /// The mount.
    pub mount: MountModel,
    /// No new observation before this time (s).
    pub not_before_s: f64,
}

/// What a target is.
#[derive(Clone, Debug, PartialEq)]
pub enum TargetKind {
    /// A catalog object: its index among the plan's objects and its catalog number.
    Object {
        /// Index in the objects given to [`Problem::build`].
        index: usize,
        /// Catalog number.
        norad: u32,
    },
    /// A GEO-belt survey field of one node.
    Survey {
        /// The node.
        node: usize,
        /// The field.
        field: survey::SurveyField,
    },
}

/// A target of the night and its value.
#[derive(Clone, Debug)]
pub struct PlanTarget {
    /// Object or survey field.
    pub kind: TargetKind,
    /// Its value tonight.
    pub value: TargetValue,
}

/// A window in which one node can observe one target.
#[derive(Clone, Debug)]
pub struct Candidate {
    /// The target.
    pub target: usize,
    /// The node.
    pub node: usize,
    /// Start of the window (s since the clock's start).
    pub start_s: f64,
    /// End of the window (s).
    pub end_s: f64,
    /// Length of one observation (s).
    pub duration_s: f64,
    /// Its pointing over the window.
    pub track: Track,
}

impl Candidate {
    /// Latest start of a whole observation (s).
    pub fn latest_start_s(&self) -> f64 {
        self.end_s - self.duration_s
    }
}

/// Everything the search needs about one night.
#[derive(Clone, Debug)]
pub struct Problem {
    /// The night (local date of its evening).
    pub night: String,
    /// Times are seconds since this clock's start.
    pub clock: EarthClock,
    /// The nodes.
    pub nodes: Vec<NodeNight>,
    /// The objects, as given.
    pub objects: Vec<PlanObject>,
    /// Targets: every object, then every survey field.
    pub targets: Vec<PlanTarget>,
    /// The candidate windows, sorted by node and start.
    pub candidates: Vec<Candidate>,
    /// The settings.
    pub settings: PlanSettings,
    /// Objects whose elements SGP4 refused, with the reason.
    pub failed: Vec<String>,
}

/// The local civil date of the evening the night holding `t` belongs to (local mean time at `lon_deg`).
pub fn night_label(t: Epoch, lon_deg: f64) -> String {
    // Local mean time minus 12 h: any instant of the night falls on its evening's date.
    let shift_ns = ((lon_deg / 15.0 - 12.0) * 3.6e12) as i64;
    let c = Epoch::from_ns_since_1950(t.ns_since_1950() + shift_ns).calendar();
    format!("{:04}-{:02}-{:02}", c.year, c.month, c.day)
}

/// The UTC span searched for the night of `night` (YYYY-MM-DD): that date 00:00 to two days later.
pub fn night_span(night: &str) -> Result<(Epoch, Epoch), PlanError> {
    let ok = night.len() == 10
        && night.as_bytes()[4] == b'-'
        && night.as_bytes()[7] == b'-'
        && night
            .bytes()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !ok {
        return Err(PlanError::Night(night.into()));
    }
    let from = Epoch::parse_iso(&format!("{night}T00:00:00"))
        .map_err(|_| PlanError::Night(night.into()))?;
    let c = from.calendar();
    if format!("{:04}-{:02}-{:02}", c.year, c.month, c.day) != night {
        return Err(PlanError::Night(night.into()));
    }
    Ok((from, from.add_ns(2 * 86_400_000_000_000)))
}

impl Problem {
    /// Candidates of `objects` at `nodes` for the night of `night` (YYYY-MM-DD).
    pub fn build(
        night: &str,
        nodes: &[NodeSpec],
        objects: Vec<PlanObject>,
        settings: &PlanSettings,
        eop: &Eop,
    ) -> Result<Problem, PlanError> {
        settings.validate()?;
        let (from, to) = night_span(night)?;
        let clock = EarthClock::new(from, to, eop);
        let sky = SkyClock::new(&clock, eop);
        let opts = settings.window;
        let mut site_nights = Vec::with_capacity(nodes.len());
        let mut node_nights = Vec::with_capacity(nodes.len());
        for spec in nodes {
            let mut sn = SiteNight::new(&spec.site, &clock, &sky, &opts);
            let lon = spec.site.geodetic.lon_deg();
            let dark = sn
                .dark
                .iter()
                .copied()
                .find(|&(a, b)| night_label(clock.epoch_at(0.5 * (a + b)), lon) == night)
                .unwrap_or((0.0, 0.0));
            let not_before_s = spec
                .not_before
                .map_or(f64::NEG_INFINITY, |t| clock.seconds_to(t));
            sn.dark = if dark.1 > dark.0.max(not_before_s) {
                vec![(dark.0.max(not_before_s), dark.1)]
            } else {
                Vec::new()
            };
            node_nights.push(NodeNight {
                site: spec.site.clone(),
                observer: sn.observer.clone(),
                dark_s: dark,
                mount: MountModel::new(
                    &spec.site.telescope,
                    spec.site.geodetic.lat_rad,
                    settings.accel_deg_s2,
                ),
                not_before_s,
            });
            site_nights.push(sn);
        }
        let catalog: Vec<CatalogObject> = objects
            .iter()
            .map(|o| CatalogObject {
                elements: o.elements.clone(),
                std_mag: o.std_mag,
            })
            .collect();
        let windows = find_windows_catalog(&catalog, &site_nights, &clock, &sky, &opts);
        let mut failed = Vec::new();
        let mut targets: Vec<PlanTarget> = objects
            .iter()
            .enumerate()
            .map(|(index, o)| PlanTarget {
                kind: TargetKind::Object {
                    index,
                    norad: o.elements.norad_cat_id,
                },
                value: o.value.clone(),
            })
            .collect();
        let dur = settings.tracklet_s();
        // (object, node, start, end) of every window long enough for a tracklet.
        let mut spans: Vec<(usize, usize, f64, f64)> = Vec::new();
        for (oi, per_node) in windows.iter().enumerate() {
            for (ni, r) in per_node.iter().enumerate() {
                match r {
                    Ok(ws) => {
                        for w in ws {
                            let (a, b) =
                                (clock.seconds_to(w.start_utc), clock.seconds_to(w.end_utc));
                            if b - a >= dur + 1e-3 {
                                spans.push((oi, ni, a, b));
                            }
                        }
                    }
                    Err(e) => {
                        if ni == 0 {
                            failed.push(e.to_string());
                        }
                    }
                }
            }
        }
        let sats: Vec<Option<Target>> = objects
            .par_iter()
            .map(|o| Target::new(&o.elements).ok())
            .collect();
        let tracks: Vec<Result<Option<Candidate>, PassError>> = spans
            .par_iter()
            .map(|&(oi, ni, a, b)| {
                let Some(t) = &sats[oi] else { return Ok(None) };
                let track = Track::sample(
                    t,
                    &node_nights[ni].observer,
                    &node_nights[ni].mount,
                    &clock,
                    a,
                    b,
                )?;
                Ok(Some(Candidate {
                    target: oi,
                    node: ni,
                    start_s: a,
                    end_s: b,
                    duration_s: dur,
                    track,
                }))
            })
            .collect();
        let mut candidates = Vec::with_capacity(tracks.len());
        for c in tracks {
            if let Some(c) = c? {
                candidates.push(c);
            }
        }
        if settings.survey {
            let sdur = settings.survey_s();
            for (ni, (node, sn)) in node_nights.iter().zip(&site_nights).enumerate() {
                let Some(&dark) = sn.dark.first() else {
                    continue;
                };
                let site = &node.site;
                let fields = survey::survey_fields(
                    &node.observer,
                    |az| site.mask_rad(az),
                    site.telescope.fov_deg,
                    dark,
                    &clock,
                    &sky,
                    &opts,
                );
                for field in fields {
                    let ti = targets.len();
                    for &(a, b) in &field.open {
                        if b - a >= sdur {
                            candidates.push(Candidate {
                                target: ti,
                                node: ni,
                                start_s: a,
                                end_s: b,
                                duration_s: sdur,
                                track: Track::fixed(field.enu, a, b, &node.mount),
                            });
                        }
                    }
                    targets.push(PlanTarget {
                        kind: TargetKind::Survey { node: ni, field },
                        value: value::survey_value(&settings.weights),
                    });
                }
            }
        }
        candidates.sort_by(|a, b| a.node.cmp(&b.node).then(a.start_s.total_cmp(&b.start_s)));
        Ok(Problem {
            night: night.to_string(),
            clock,
            nodes: node_nights,
            objects,
            targets,
            candidates,
            settings: settings.clone(),
            failed,
        })
    }

    /// Settling time plus the planner's slew margin (s).
    pub fn gap_s(&self) -> f64 {
        self.settings.settle_s + self.settings.slew_margin_s
    }
}

/// The pointing a mount is parked at when the night starts: the zenith.
pub const PARK: Enu = [0.0, 0.0, 1.0];

/// One planned observation in a node's sequence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Slot {
    /// The candidate window.
    pub cand: usize,
    /// Start of the first exposure (s since the clock's start).
    pub start_s: f64,
    /// Slew time before it, from the previous pointing (s, without settling).
    pub slew_s: f64,
    /// Already done (or under way): the search keeps it.
    pub locked: bool,
    /// Pointing at the start, in the node's mount axes (deg).
    pub p_start: Axes,
    /// Pointing at the end, in the node's mount axes (deg).
    pub p_end: Axes,
}

/// A plan: every node's sequence of observations, in time order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Solution {
    /// Per node (as in the problem), the slots by start time.
    pub nodes: Vec<Vec<Slot>>,
}

impl Solution {
    /// The network value of the plan (repeats of a target counted over all nodes).
    pub fn value(&self, pb: &Problem) -> f64 {
        let mut counts = vec![0u32; pb.targets.len()];
        for s in self.nodes.iter().flatten() {
            counts[pb.candidates[s.cand].target] += 1;
        }
        counts
            .iter()
            .zip(&pb.targets)
            .map(|(&c, t)| t.value.total(c))
            .sum()
    }

    /// Distinct catalog objects observed.
    pub fn distinct_objects(&self, pb: &Problem) -> usize {
        let mut seen = vec![false; pb.targets.len()];
        for s in self.nodes.iter().flatten() {
            seen[pb.candidates[s.cand].target] = true;
        }
        seen.iter()
            .zip(&pb.targets)
            .filter(|(s, t)| **s && matches!(t.kind, TargetKind::Object { .. }))
            .count()
    }

    /// Number of observations.
    pub fn len(&self) -> usize {
        self.nodes.iter().map(Vec::len).sum()
    }

    /// Whether no observation is planned.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
