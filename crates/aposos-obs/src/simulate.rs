//! The network observation simulator: what each node would measure of a catalog taken as
//! truth over a time window.
//!
//! For every site and night (a dark interval: Sun below the window options' limit) the
//! weather is drawn first: with the telescope's `cloud_probability` the night is lost.
//! On a clear night the candidates are the object's optically observable windows (site
//! dark, object sunlit, above the horizon mask and the minimum elevation, brighter than
//! the limiting magnitude, away from the Moon: [`aposos_plan::windows`]). The telescope
//! takes them one at a time ([`Schedule::Greedy`]: the window that closes first is taken
//! when the telescope is free, a tracklet of `frames` exposures every `cadence_s`, then
//! `overhead_s` to slew, settle and solve), or every window gets one tracklet
//! ([`Schedule::EveryWindow`], as if the node had as many telescopes as it needs).
//!
//! Each frame is the astrometric RA/Dec (ICRF, light time, no aberration: the direction a
//! plate solved against a star catalog gives, as [`aposos_plan::predict`]) at the true
//! time, plus the telescope's pointing bias (on the sky: ΔRA·cos Dec and ΔDec, arcsec) and
//! Gaussian noise of `noise_arcsec` per axis; the time written is the true time plus the
//! timing bias and Gaussian jitter (a clock ahead by `timing_bias_ms` writes later times).
//! The magnitude is the diffuse-sphere estimate at the tracklet's middle plus noise.
//!
//! Every random draw comes from a stream keyed by the seed and by what it is for (site,
//! night, object, tracklet start), so a run is reproducible for a given seed whatever
//! the number of threads, and changing one node's settings leaves the other nodes' draws.

use crate::rng::{key_of, Rng};
use aposos_astro::frames::EarthRotation;
use aposos_astro::sun_moon::moon_gcrs_km;
use aposos_astro::topocentric::{angular_separation_rad, site_gcrs_pv, sub};
use aposos_astro::{Eop, TimeScales};
use aposos_formats::obs::{Angles, Observation, RaDecFrame};
use aposos_formats::Epoch;
use aposos_plan::passes::EarthClock;
use aposos_plan::predict::{predict, PredictError, PredictOptions, TrackPredictor};
use aposos_plan::sites::Site;
use aposos_plan::windows::{
    find_windows_catalog, CatalogObject, SiteNight, SkyClock, WindowOptions,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BinaryHeap};

/// What one telescope does and how well: cadence, tracklet length, errors, weather.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelescopeSettings {
    /// Time between two exposures of a tracklet (s).
    pub cadence_s: f64,
    /// Exposures per tracklet.
    pub frames: u32,
    /// Fewest exposures worth taking when a window is about to close.
    pub min_frames: u32,
    /// Time between two tracklets: slew, settle, plate solving (s).
    pub overhead_s: f64,
    /// Astrometric noise, one sigma per axis on the sky (arcsec).
    pub noise_arcsec: f64,
    /// Pointing bias in right ascension on the sky, ΔRA·cos Dec (arcsec).
    pub bias_ra_arcsec: f64,
    /// Pointing bias in declination (arcsec).
    pub bias_dec_arcsec: f64,
    /// Clock error: the time written minus the true time (ms).
    pub timing_bias_ms: f64,
    /// Random timing error, one sigma (ms).
    pub timing_jitter_ms: f64,
    /// Limiting visual magnitude; the site's telescope value when absent.
    pub limiting_mag: Option<f64>,
    /// Magnitude noise, one sigma (mag).
    pub mag_noise: f64,
    /// Probability that a night is clouded out (0–1).
    pub cloud_probability: f64,
    /// Least time between two tracklets of one object in one window (s); absent: one per window.
    pub revisit_s: Option<f64>,
}

impl Default for TelescopeSettings {
    fn default() -> Self {
        Self {
            cadence_s: 2.0,
            frames: 8,
            min_frames: 3,
            overhead_s: 20.0,
            noise_arcsec: 2.0,
            bias_ra_arcsec: 0.0,
            bias_dec_arcsec: 0.0,
            timing_bias_ms: 0.0,
            timing_jitter_ms: 1.0,
            limiting_mag: None,
            mag_noise: 0.15,
            cloud_probability: 0.3,
            revisit_s: None,
        }
    }
}

impl TelescopeSettings {
    /// Checks the ranges; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        let finite_nonneg = [
            ("overhead_s", self.overhead_s),
            ("noise_arcsec", self.noise_arcsec),
            ("timing_jitter_ms", self.timing_jitter_ms),
            ("mag_noise", self.mag_noise),
        ];
        for (name, v) in finite_nonneg {
            if !(v.is_finite() && v >= 0.0) {
                return Err(format!("{name} = {v}: must be finite and not negative"));
            }
        }
        for (name, v) in [
            ("bias_ra_arcsec", self.bias_ra_arcsec),
            ("bias_dec_arcsec", self.bias_dec_arcsec),
            ("timing_bias_ms", self.timing_bias_ms),
        ] {
            if !(v.is_finite() && v.abs() <= 3.6e6) {
                return Err(format!("{name} = {v}: must be finite and at most 3.6e6"));
            }
        }
        if !(self.cadence_s.is_finite() && self.cadence_s > 0.0 && self.cadence_s <= 3600.0) {
            return Err(format!(
                "cadence_s = {}: must be in (0, 3600]",
                self.cadence_s
            ));
        }
        if self.frames == 0 || self.frames > 10_000 {
            return Err(format!("frames = {}: must be 1 to 10000", self.frames));
        }
        if self.min_frames == 0 || self.min_frames > self.frames {
            return Err(format!(
                "min_frames = {}: must be 1 to frames ({})",
                self.min_frames, self.frames
            ));
        }
        if !(0.0..=1.0).contains(&self.cloud_probability) {
            return Err(format!(
                "cloud_probability = {}: must be in [0, 1]",
                self.cloud_probability
            ));
        }
        if let Some(m) = self.limiting_mag {
            if !(m.is_finite() && (-5.0..=30.0).contains(&m)) {
                return Err(format!("limiting_mag = {m}: must be in [-5, 30]"));
            }
        }
        if let Some(r) = self.revisit_s {
            if !(r.is_finite() && r > 0.0) {
                return Err(format!("revisit_s = {r}: must be positive"));
            }
        }
        Ok(())
    }
}

/// A settings file that could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingsError {
    /// Not TOML, or a value of the wrong type.
    #[error("{source_name}: {message}")]
    Toml {
        /// The file.
        source_name: String,
        /// The parser's message (with line and column).
        message: String,
    },
    /// A value out of range, an unknown key or an unknown site.
    #[error("{source_name}: [{table}] {message}")]
    Field {
        /// The file.
        source_name: String,
        /// `defaults` or `site.<id>`.
        table: String,
        /// What is wrong.
        message: String,
    },
}

/// Telescope settings per site: defaults and per-site overrides.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SimSettings {
    /// What every telescope does unless its site says otherwise.
    pub defaults: TelescopeSettings,
    /// Per site id, the settings after applying its overrides to the defaults.
    pub sites: BTreeMap<String, TelescopeSettings>,
}

impl SimSettings {
    /// Reads a settings file: `[defaults]` and `[site.<id>]` tables of [`TelescopeSettings`]
    /// keys; a site's table overrides the defaults key by key. `known_sites` are the ids allowed.
    pub fn parse(
        source_name: &str,
        text: &str,
        known_sites: &[&str],
    ) -> Result<Self, SettingsError> {
        let toml_err = |message: String| SettingsError::Toml {
            source_name: source_name.to_string(),
            message: message.trim().to_string(),
        };
        let field = |table: &str, message: String| SettingsError::Field {
            source_name: source_name.to_string(),
            table: table.to_string(),
            message,
        };
        let root: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| toml_err(e.to_string()))?;
        let mut defaults_table = toml::Table::new();
        let mut site_tables: Vec<(String, toml::Table)> = Vec::new();
        for (key, value) in root {
            match (key.as_str(), value) {
                ("defaults", toml::Value::Table(t)) => defaults_table = t,
                ("site", toml::Value::Table(t)) => {
                    for (id, v) in t {
                        match v {
                            toml::Value::Table(st) => site_tables.push((id, st)),
                            other => {
                                return Err(field(
                                    &format!("site.{id}"),
                                    format!("expected a table, found {}", other.type_str()),
                                ))
                            }
                        }
                    }
                }
                (k, v) => {
                    return Err(field(
                        k,
                        format!(
                            "unknown top-level {} (expected [defaults] and [site.<id>] tables)",
                            v.type_str()
                        ),
                    ))
                }
            }
        }
        let decode = |table: &str, t: toml::Table| -> Result<TelescopeSettings, SettingsError> {
            let s: TelescopeSettings = toml::Value::Table(t)
                .try_into()
                .map_err(|e: toml::de::Error| field(table, e.message().to_string()))?;
            s.validate().map_err(|m| field(table, m))?;
            Ok(s)
        };
        let defaults = decode("defaults", defaults_table.clone())?;
        let mut sites = BTreeMap::new();
        for (id, t) in site_tables {
            let table = format!("site.{id}");
            if !known_sites.iter().any(|k| *k == id) {
                return Err(field(
                    &table,
                    format!("unknown site (known: {})", known_sites.join(", ")),
                ));
            }
            let mut merged = defaults_table.clone();
            merged.extend(t);
            sites.insert(id, decode(&table, merged)?);
        }
        Ok(Self { defaults, sites })
    }

    /// The settings of the site `id`.
    pub fn for_site(&self, id: &str) -> &TelescopeSettings {
        self.sites.get(id).unwrap_or(&self.defaults)
    }
}

/// How a node chooses among its observable windows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Schedule {
    /// One telescope: when free, it takes the open window that closes first.
    Greedy,
    /// One tracklet in every window, at a random time inside it (no telescope limit).
    EveryWindow,
}

/// What to simulate.
#[derive(Clone, Debug)]
pub struct SimRequest<'a> {
    /// The catalog taken as truth (SGP4 element sets), with standard magnitudes.
    pub objects: &'a [CatalogObject],
    /// The observing sites.
    pub sites: &'a [Site],
    /// Start of the window (UTC).
    pub from: Epoch,
    /// End of the window (UTC).
    pub to: Epoch,
    /// Earth orientation.
    pub eop: &'a Eop,
    /// Darkness, elevation and Moon limits of an observable window.
    pub window: WindowOptions,
    /// Telescope settings per site.
    pub settings: &'a SimSettings,
    /// How nodes choose their targets.
    pub schedule: Schedule,
    /// Seed of every random draw.
    pub seed: u64,
    /// Leave catalog numbers and designators out of the observations (the truth keeps them).
    pub uncorrelated: bool,
}

/// One night at one site in the truth file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TruthNight {
    /// Site id.
    pub site: String,
    /// Local civil date of the evening the night starts (YYYY-MM-DD).
    pub night: String,
    /// Start of the dark interval within the simulated window (UTC, ISO 8601).
    pub dark_from: String,
    /// End of the dark interval within the simulated window (UTC, ISO 8601).
    pub dark_to: String,
    /// Whether clouds took the night.
    pub clouded: bool,
    /// Observable windows (object passes) in the dark interval, on a clear night (0 when
    /// a given plan was observed: [`simulate_planned`]).
    pub windows: usize,
    /// Tracklets taken.
    pub tracklets: usize,
}

/// One exposure in the truth file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TruthFrame {
    /// True time of the exposure (UTC, ISO 8601).
    pub time_utc: String,
    /// Time written in the observation (UTC, ISO 8601).
    pub reported_utc: String,
    /// True astrometric right ascension (deg).
    pub ra_deg: f64,
    /// True astrometric declination (deg).
    pub dec_deg: f64,
    /// Measured right ascension (deg).
    pub ra_obs_deg: f64,
    /// Measured declination (deg).
    pub dec_obs_deg: f64,
    /// True azimuth (deg).
    pub az_deg: f64,
    /// True airless elevation (deg).
    pub el_deg: f64,
    /// Range (km).
    pub range_km: f64,
    /// dRA/dt·cos Dec (deg/s).
    pub ra_rate_deg_s: f64,
    /// dDec/dt (deg/s).
    pub dec_rate_deg_s: f64,
}

/// One tracklet in the truth file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TruthTracklet {
    /// Tracklet id, as in the observations.
    pub id: String,
    /// Site id.
    pub site: String,
    /// Catalog number of the object really observed.
    pub norad_cat_id: u32,
    /// Estimated magnitude at the tracklet's middle (without noise), when known.
    pub mag: Option<f64>,
    /// The exposures.
    pub frames: Vec<TruthFrame>,
}

/// What really happened: settings, weather, and each tracklet's true values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// The seed of the run.
    pub seed: u64,
    /// Start of the window (UTC, ISO 8601).
    pub from: String,
    /// End of the window (UTC, ISO 8601).
    pub to: String,
    /// The node scheduling rule.
    pub schedule: Schedule,
    /// Settings per site id, as applied.
    pub settings: BTreeMap<String, TelescopeSettings>,
    /// Every night at every site.
    pub nights: Vec<TruthNight>,
    /// Every tracklet, in the order of the observations.
    pub tracklets: Vec<TruthTracklet>,
}

/// What the simulator made, and how much.
#[derive(Clone, Debug)]
pub struct SimOutput {
    /// The observations, sorted by site and time.
    pub observations: Vec<Observation>,
    /// The truth.
    pub truth: Truth,
    /// Objects whose elements SGP4 refused, with the reason (left out).
    pub failed: Vec<String>,
}

/// Why a simulation could not run.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SimError {
    /// The window is empty or reversed.
    #[error("the time window is empty: {0}")]
    Window(String),
    /// A prediction failed inside a window that was found observable.
    #[error(transparent)]
    Predict(#[from] PredictError),
}

fn iso(t: Epoch) -> String {
    format!("{}Z", t.to_iso())
}

pub use aposos_plan::schedule::night_label;

/// A tracklet chosen by the node: object index, start (s since the clock's start) and frames.
#[derive(Clone, Copy, Debug)]
struct Planned {
    site: usize,
    object: usize,
    start_s: f64,
    frames: u32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Candidate {
    object: usize,
    start_s: f64,
    end_s: f64,
}

/// Max-heap entry ordered so that the smallest key pops first (ties: the smallest object).
#[derive(Clone, Copy, Debug, PartialEq)]
struct MinKey(f64, usize, Candidate);

impl Eq for MinKey {}
impl PartialOrd for MinKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for MinKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .0
            .total_cmp(&self.0)
            .then_with(|| other.1.cmp(&self.1))
    }
}

/// One telescope's tracklets among `cands`: whenever it is free, the open window whose last
/// start for a whole tracklet comes first (earliest deadline first). Windows shorter than a
/// whole tracklet get the frames that fit, at least `min_frames`.
fn schedule_greedy(cands: &[Candidate], s: &TelescopeSettings) -> Vec<(usize, f64, u32)> {
    let full_s = f64::from(s.frames - 1) * s.cadence_s;
    let least_s = f64::from(s.min_frames - 1) * s.cadence_s;
    let latest = |c: &Candidate| {
        if c.end_s - c.start_s >= full_s {
            c.end_s - full_s
        } else {
            c.end_s - least_s
        }
    };
    let mut pending: BinaryHeap<MinKey> = cands
        .iter()
        .map(|c| MinKey(c.start_s, c.object, *c))
        .collect();
    let mut open: BinaryHeap<MinKey> = BinaryHeap::new();
    let mut free_s = f64::NEG_INFINITY;
    let mut out = Vec::new();
    loop {
        while let Some(MinKey(start, _, _)) = pending.peek() {
            if *start > free_s {
                break;
            }
            if let Some(MinKey(_, _, c)) = pending.pop() {
                open.push(MinKey(latest(&c), c.object, c));
            }
        }
        let Some(MinKey(last_start, _, c)) = open.pop() else {
            match pending.peek() {
                Some(MinKey(start, _, _)) => {
                    free_s = *start;
                    continue;
                }
                None => break,
            }
        };
        let begin = free_s.max(c.start_s);
        let room = c.end_s - begin;
        if begin > last_start || room < least_s {
            continue;
        }
        let frames = if room >= full_s {
            s.frames
        } else {
            1 + (room / s.cadence_s).floor() as u32
        };
        let span = f64::from(frames - 1) * s.cadence_s;
        out.push((c.object, begin, frames));
        free_s = begin + span + s.overhead_s;
        if let Some(r) = s.revisit_s {
            let again = begin + r;
            if again <= latest(&c) {
                pending.push(MinKey(
                    again,
                    c.object,
                    Candidate {
                        start_s: again,
                        ..c
                    },
                ));
            }
        }
    }
    out
}

/// Runs the simulation.
pub fn simulate(req: &SimRequest<'_>) -> Result<SimOutput, SimError> {
    run(req, None)
}

/// One tracklet of a plan made by the network's scheduler, to be observed by the simulator.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedTracklet {
    /// Site id.
    pub site: String,
    /// Catalog number of the object.
    pub norad_cat_id: u32,
    /// First exposure (UTC).
    pub start: Epoch,
    /// Exposures.
    pub frames: u32,
    /// Where the plan points the telescope at the tracklet's middle (astrometric RA/Dec,
    /// deg), from the catalog's element set. When the true object is farther than half
    /// the field of view from it, the tracklet finds nothing.
    pub pointing_radec_deg: Option<(f64, f64)>,
}

/// What happened to the tracklets of a plan.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanOutcome {
    /// Observed (at least `min_frames` exposures).
    pub observed: usize,
    /// Lost to clouds (or a night the site does not have).
    pub clouded: usize,
    /// The object was outside the field: the catalog's prediction was off by more than half the field.
    pub missed: usize,
    /// Too few exposures observable (elevation, Moon) or an object the truth lacks.
    pub unobservable: usize,
}

/// Observes the tracklets of a given plan (instead of a node's own schedule) with the
/// same weather, errors and truth as [`simulate`]; `req.schedule` only labels the truth.
pub fn simulate_planned(
    req: &SimRequest<'_>,
    plan: &[PlannedTracklet],
) -> Result<(SimOutput, PlanOutcome), SimError> {
    let mut outcome = PlanOutcome::default();
    let out = run(req, Some((plan, &mut outcome)))?;
    Ok((out, outcome))
}

fn run(
    req: &SimRequest<'_>,
    mut given: Option<(&[PlannedTracklet], &mut PlanOutcome)>,
) -> Result<SimOutput, SimError> {
    if req.to <= req.from {
        return Err(SimError::Window(format!(
            "{} is not after {}",
            iso(req.to),
            iso(req.from)
        )));
    }
    let clock = EarthClock::new(req.from, req.to, req.eop);
    let sky = SkyClock::new(&clock, req.eop);
    let settings: Vec<&TelescopeSettings> = req
        .sites
        .iter()
        .map(|s| req.settings.for_site(&s.id))
        .collect();

    // Nights and weather.
    let mut truth_nights = Vec::new();
    let mut nights: Vec<SiteNight> = Vec::with_capacity(req.sites.len());
    // Per site, per clear dark interval: its index in `truth_nights`.
    let mut clear_index: Vec<Vec<((f64, f64), usize)>> = Vec::new();
    for (site, s) in req.sites.iter().zip(&settings) {
        let mut site = site.clone();
        if let Some(m) = s.limiting_mag {
            site.telescope.limiting_mag = m;
        }
        let mut night = SiteNight::new(&site, &clock, &sky, &req.window);
        let mut clear = Vec::new();
        let mut kept = Vec::new();
        for &(a, b) in &night.dark {
            let mid = clock.epoch_at(0.5 * (a + b));
            let label = night_label(mid, site.geodetic.lon_deg());
            let clouded = night_clouded(req.seed, &site.id, &label, s.cloud_probability);
            if !clouded {
                clear.push(((a, b), truth_nights.len()));
                kept.push((a, b));
            }
            truth_nights.push(TruthNight {
                site: site.id.clone(),
                night: label,
                dark_from: iso(clock.epoch_at(a)),
                dark_to: iso(clock.epoch_at(b)),
                clouded,
                windows: 0,
                tracklets: 0,
            });
        }
        night.dark = kept;
        nights.push(night);
        clear_index.push(clear);
    }

    if let Some((plan, outcome)) = given.take() {
        let planned = from_plan(req, &clock, plan, &clear_index, outcome);
        let n = planned.len();
        let out = observe(
            req,
            &clock,
            &settings,
            planned,
            truth_nights,
            Vec::new(),
            |si, t| night_in(&clear_index[si], t),
        )?;
        outcome.observed = out.truth.tracklets.len();
        outcome.unobservable += n - outcome.observed;
        return Ok(out);
    }
    // Observable windows of every object on every clear night.
    let windows = find_windows_catalog(req.objects, &nights, &clock, &sky, &req.window);
    let mut failed = Vec::new();
    let mut per_site: Vec<Vec<Candidate>> = vec![Vec::new(); req.sites.len()];
    for (oi, per_object) in windows.iter().enumerate() {
        for (si, r) in per_object.iter().enumerate() {
            match r {
                Ok(ws) => per_site[si].extend(ws.iter().map(|w| Candidate {
                    object: oi,
                    start_s: clock.seconds_to(w.start_utc),
                    end_s: clock.seconds_to(w.end_utc),
                })),
                Err(e) => {
                    if si == 0 {
                        failed.push(e.to_string());
                    }
                }
            }
        }
    }
    let night_of = |si: usize, t: f64| night_in(&clear_index[si], t);
    for (si, cands) in per_site.iter().enumerate() {
        for c in cands {
            if let Some(n) = night_of(si, c.start_s) {
                truth_nights[n].windows += 1;
            }
        }
    }

    // What each node observes.
    let mut planned: Vec<Planned> = Vec::new();
    for (si, cands) in per_site.iter().enumerate() {
        let s = settings[si];
        match req.schedule {
            Schedule::Greedy => planned.extend(schedule_greedy(cands, s).into_iter().map(
                |(object, start_s, frames)| Planned {
                    site: si,
                    object,
                    start_s,
                    frames,
                },
            )),
            Schedule::EveryWindow => {
                let full_s = f64::from(s.frames - 1) * s.cadence_s;
                let least_s = f64::from(s.min_frames - 1) * s.cadence_s;
                for c in cands {
                    let room = c.end_s - c.start_s;
                    if room < least_s {
                        continue;
                    }
                    let norad = req.objects[c.object].elements.norad_cat_id;
                    let mut rng = Rng::new(
                        req.seed,
                        &[
                            key_of("start"),
                            key_of(&req.sites[si].id),
                            u64::from(norad),
                            c.start_s.to_bits(),
                        ],
                    );
                    let (start_s, frames) = if room >= full_s {
                        (c.start_s + rng.uniform() * (room - full_s), s.frames)
                    } else {
                        (c.start_s, 1 + (room / s.cadence_s).floor() as u32)
                    };
                    planned.push(Planned {
                        site: si,
                        object: c.object,
                        start_s,
                        frames,
                    });
                }
            }
        }
    }
    observe(
        req,
        &clock,
        &settings,
        planned,
        truth_nights,
        failed,
        night_of,
    )
}

/// Whether the simulator's weather clouds out the night `night` (local date of its
/// evening) at site `site_id`, for `seed` and a cloud probability `p` (the same draw as
/// [`simulate`] makes, so that a planner can be told the weather beforehand).
pub fn night_clouded(seed: u64, site_id: &str, night: &str, p: f64) -> bool {
    let mut rng = Rng::new(seed, &[key_of("cloud"), key_of(site_id), key_of(night)]);
    rng.uniform() < p
}

/// The clear night (index in the truth's nights) holding time `t_s`, if any.
fn night_in(clear: &[((f64, f64), usize)], t_s: f64) -> Option<usize> {
    clear
        .iter()
        .find(|((a, b), _)| t_s >= *a - 1.0 && t_s <= *b + 1.0)
        .map(|(_, i)| *i)
}

/// The tracklets of a given plan that clouds, the field of view and the truth leave.
fn from_plan(
    req: &SimRequest<'_>,
    clock: &EarthClock,
    plan: &[PlannedTracklet],
    clear_index: &[Vec<((f64, f64), usize)>],
    outcome: &mut PlanOutcome,
) -> Vec<Planned> {
    let object_of: std::collections::HashMap<u32, usize> = req
        .objects
        .iter()
        .enumerate()
        .map(|(i, o)| (o.elements.norad_cat_id, i))
        .collect();
    let mut out = Vec::new();
    for p in plan {
        let site = req.sites.iter().position(|s| s.id == p.site);
        let start_s = clock.seconds_to(p.start);
        let Some(site) = site.filter(|&si| night_in(&clear_index[si], start_s).is_some()) else {
            outcome.clouded += 1;
            continue;
        };
        let Some(&object) = object_of.get(&p.norad_cat_id) else {
            outcome.unobservable += 1;
            continue;
        };
        if let Some((ra, dec)) = p.pointing_radec_deg {
            let s = req.settings.for_site(&req.sites[site].id);
            let mid = p.start.add_ns(
                (s.cadence_s * 1e9 * f64::from(p.frames.saturating_sub(1)) / 2.0).round() as i64,
            );
            let half_fov = req.sites[site].telescope.fov_deg / 2.0;
            let inside = aposos_orbit::Sgp4::new(&req.objects[object].elements)
                .ok()
                .and_then(|sat| {
                    predict(
                        &sat,
                        &req.sites[site].geodetic,
                        mid,
                        req.eop,
                        &PredictOptions::default(),
                        None,
                    )
                    .ok()
                })
                .is_some_and(|a| {
                    angular_separation_rad(unit_radec(a.ra_deg, a.dec_deg), unit_radec(ra, dec))
                        .to_degrees()
                        <= half_fov
                });
            if !inside {
                outcome.missed += 1;
                continue;
            }
        }
        out.push(Planned {
            site,
            object,
            start_s,
            frames: p.frames.max(1),
        });
    }
    out
}

/// Measures the `planned` tracklets and assembles the output.
fn observe(
    req: &SimRequest<'_>,
    clock: &EarthClock,
    settings: &[&TelescopeSettings],
    mut planned: Vec<Planned>,
    mut truth_nights: Vec<TruthNight>,
    failed: Vec<String>,
    night_of: impl Fn(usize, f64) -> Option<usize>,
) -> Result<SimOutput, SimError> {
    planned.sort_by(|a, b| a.site.cmp(&b.site).then(a.start_s.total_cmp(&b.start_s)));

    // The measurements.
    let sats: Vec<Option<aposos_orbit::Sgp4>> = req
        .objects
        .par_iter()
        .map(|o| aposos_orbit::Sgp4::new(&o.elements).ok())
        .collect();
    let made: Vec<Result<Option<Measured>, SimError>> = planned
        .par_iter()
        .map(|p| match &sats[p.object] {
            None => Ok(None),
            Some(sat) => measure(req, clock, sat, p, settings[p.site]),
        })
        .collect();
    let mut observations = Vec::new();
    let mut tracklets = Vec::new();
    for (m, p) in made.into_iter().zip(&planned) {
        if let Some((t, obs)) = m? {
            if let Some(n) = night_of(p.site, p.start_s) {
                truth_nights[n].tracklets += 1;
            }
            tracklets.push(t);
            observations.extend(obs);
        }
    }
    let truth = Truth {
        seed: req.seed,
        from: iso(req.from),
        to: iso(req.to),
        schedule: req.schedule,
        settings: req
            .sites
            .iter()
            .zip(settings)
            .map(|(s, t)| (s.id.clone(), (*t).clone()))
            .collect(),
        nights: truth_nights,
        tracklets,
    };
    Ok(SimOutput {
        observations,
        truth,
        failed,
    })
}

/// One tracklet's truth and its observations.
type Measured = (TruthTracklet, Vec<Observation>);

/// Unit vector of a direction given in degrees.
fn unit_radec(ra_deg: f64, dec_deg: f64) -> [f64; 3] {
    let (sa, ca) = ra_deg.to_radians().sin_cos();
    let (sd, cd) = dec_deg.to_radians().sin_cos();
    [cd * ca, cd * sa, sd]
}

/// The exposures of one tracklet: truth and observations; `None` when fewer than
/// `min_frames` exposures are observable (the window search samples the Moon's
/// distance and the horizon mask; each exposure is checked again here).
fn measure(
    req: &SimRequest<'_>,
    clock: &EarthClock,
    sat: &aposos_orbit::Sgp4,
    p: &Planned,
    s: &TelescopeSettings,
) -> Result<Option<Measured>, SimError> {
    let site = &req.sites[p.site];
    let object = &req.objects[p.object];
    let norad = object.elements.norad_cat_id;
    let start = clock.epoch_at(p.start_s);
    let c = start.calendar();
    let id = format!(
        "{}-{:04}{:02}{:02}T{:02}{:02}{:02}-{norad}",
        site.id, c.year, c.month, c.day, c.hour, c.minute, c.second
    );
    let mut rng = Rng::new(
        req.seed,
        &[
            key_of("frames"),
            key_of(&site.id),
            u64::from(norad),
            start.ns_since_1950() as u64,
        ],
    );
    let cadence_ns = (s.cadence_s * 1e9).round() as i64;
    let mid = start.add_ns(cadence_ns * i64::from(p.frames - 1) / 2);
    let mag = predict(
        sat,
        &site.geodetic,
        mid,
        req.eop,
        &PredictOptions::default(),
        object.std_mag,
    )?
    .mag;
    let mag_obs = mag.map(|m| ((m + s.mag_noise * rng.normal()) * 10.0).round() / 10.0);
    // The Moon seen from the site at the tracklet's middle (it moves < 0.01° in minutes).
    let moon_dir = {
        let ts = TimeScales::from_utc_ns_since_1950(mid.ns_since_1950(), req.eop);
        let er = EarthRotation::new(&ts);
        let (site_gcrs, _) = site_gcrs_pv(site.geodetic.to_itrf(), &er);
        sub(moon_gcrs_km(&ts), site_gcrs)
    };
    let mut predictor =
        TrackPredictor::new(sat, &site.geodetic, req.eop, PredictOptions::default());
    let mut frames = Vec::with_capacity(p.frames as usize);
    let mut obs = Vec::with_capacity(p.frames as usize);
    for i in 0..p.frames {
        let t = start.add_ns(cadence_ns * i64::from(i));
        let a = predictor.angles(t)?;
        let min_el_deg = site
            .mask_rad(a.az_deg.to_radians())
            .to_degrees()
            .max(req.window.min_el_deg);
        let moon_sep_deg =
            angular_separation_rad(unit_radec(a.ra_deg, a.dec_deg), moon_dir).to_degrees();
        if a.el_deg < min_el_deg || moon_sep_deg < req.window.min_moon_sep_deg {
            continue;
        }
        let dx = s.bias_ra_arcsec + s.noise_arcsec * rng.normal();
        let dy = s.bias_dec_arcsec + s.noise_arcsec * rng.normal();
        let (ra_obs, dec_obs) = offset_radec(a.ra_deg, a.dec_deg, dx / 3600.0, dy / 3600.0);
        let dt_ms = s.timing_bias_ms + s.timing_jitter_ms * rng.normal();
        let reported = t.add_ns((dt_ms * 1e6).round() as i64);
        frames.push(TruthFrame {
            time_utc: iso(t),
            reported_utc: iso(reported),
            ra_deg: a.ra_deg,
            dec_deg: a.dec_deg,
            ra_obs_deg: ra_obs,
            dec_obs_deg: dec_obs,
            az_deg: a.az_deg,
            el_deg: a.el_deg,
            range_km: a.range_km,
            ra_rate_deg_s: a.ra_rate_deg_s,
            dec_rate_deg_s: a.dec_rate_deg_s,
        });
        obs.push(Observation {
            station: site.id.clone(),
            norad_cat_id: (!req.uncorrelated).then_some(norad),
            object_id: if req.uncorrelated {
                None
            } else {
                object
                    .elements
                    .object_id
                    .clone()
                    .filter(|d| aposos_formats::obs::is_intl_designator(d))
            },
            time: reported,
            time_sigma_s: (s.timing_jitter_ms > 0.0).then_some(s.timing_jitter_ms * 1e-3),
            angles: Angles::RaDec {
                ra_deg: ra_obs,
                dec_deg: dec_obs,
                frame: RaDecFrame::J2000,
            },
            angle_sigma_deg: (s.noise_arcsec > 0.0).then_some(s.noise_arcsec / 3600.0),
            mag: mag_obs,
            mag_sigma: mag_obs.and((s.mag_noise > 0.0).then_some(s.mag_noise)),
            tracklet_id: Some(id.clone()),
            iod: None,
            provenance: None,
        });
    }
    if frames.len() < s.min_frames as usize {
        return Ok(None);
    }
    Ok(Some((
        TruthTracklet {
            id,
            site: site.id.clone(),
            norad_cat_id: norad,
            mag,
            frames,
        },
        obs,
    )))
}

/// The direction `(ra, dec)` (deg) moved by `dx` east (on the sky) and `dy` north (deg),
/// along the tangent plane, so that it stays valid near the poles.
pub fn offset_radec(ra_deg: f64, dec_deg: f64, dx_deg: f64, dy_deg: f64) -> (f64, f64) {
    let (ra, dec) = (ra_deg.to_radians(), dec_deg.to_radians());
    let (xi, eta) = (dx_deg.to_radians(), dy_deg.to_radians());
    // Gnomonic projection inverse about (ra, dec).
    let (sd, cd) = dec.sin_cos();
    let den = cd - eta * sd;
    let ra1 = ra + xi.atan2(den);
    let dec1 = (sd + eta * cd).atan2((xi * xi + den * den).sqrt());
    (ra1.to_degrees().rem_euclid(360.0), dec1.to_degrees())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_on_the_sky() {
        // 10 arcsec east at Dec 60°: RA grows by 20 arcsec.
        let (ra, dec) = offset_radec(100.0, 60.0, 10.0 / 3600.0, 0.0);
        assert!(((ra - 100.0) * 3600.0 - 20.0).abs() < 1e-3, "{ra}");
        assert!((dec - 60.0).abs() * 3600.0 < 1e-3);
        let (ra, dec) = offset_radec(359.9999, -10.0, 1.0 / 3600.0, -5.0 / 3600.0);
        assert!(
            ra < 1.0 && (dec + 10.0 + 5.0 / 3600.0).abs() * 3600.0 < 1e-3,
            "{ra} {dec}"
        );
        // Across the pole: stays a valid direction.
        let (_, dec) = offset_radec(0.0, 89.9999, 0.0, 1.0 / 3600.0);
        assert!(dec <= 90.0);
    }

    #[test]
    fn greedy_takes_the_window_closing_first_and_respects_the_telescope() {
        let s = TelescopeSettings {
            frames: 5,
            cadence_s: 2.0,
            overhead_s: 10.0,
            min_frames: 3,
            ..Default::default()
        };
        let cands = [
            Candidate {
                object: 0,
                start_s: 0.0,
                end_s: 1000.0,
            },
            Candidate {
                object: 1,
                start_s: 0.0,
                end_s: 30.0,
            },
            Candidate {
                object: 2,
                start_s: 5.0,
                end_s: 26.0,
            },
            Candidate {
                object: 3,
                start_s: 0.0,
                end_s: 3.0,
            },
        ];
        let got = schedule_greedy(&cands, &s);
        // Object 3 closes first but cannot hold 3 frames (4 s); object 1 at 0 s (8 s + 10 s),
        // then object 2 at 18 s with 5 frames (ends 26 s), then object 0 at 36 s.
        assert_eq!(
            got.iter().map(|g| (g.0, g.1, g.2)).collect::<Vec<_>>(),
            vec![(1, 0.0, 5), (2, 18.0, 5), (0, 36.0, 5)]
        );
        // A window too short for every frame gets the frames that fit.
        let cands = [Candidate {
            object: 7,
            start_s: 0.0,
            end_s: 5.0,
        }];
        assert_eq!(schedule_greedy(&cands, &s), vec![(7, 0.0, 3)]);
        // A long window is not cut short: past its last whole start it is left.
        let cands = [
            Candidate {
                object: 0,
                start_s: 0.0,
                end_s: 20.0,
            },
            Candidate {
                object: 1,
                start_s: 0.0,
                end_s: 25.0,
            },
        ];
        assert_eq!(schedule_greedy(&cands, &s), vec![(0, 0.0, 5)]);
        // Revisits within one long window.
        let s2 = TelescopeSettings {
            revisit_s: Some(300.0),
            ..s
        };
        let cands = [Candidate {
            object: 0,
            start_s: 0.0,
            end_s: 1000.0,
        }];
        let starts: Vec<f64> = schedule_greedy(&cands, &s2).iter().map(|g| g.1).collect();
        assert_eq!(starts, vec![0.0, 300.0, 600.0, 900.0]);
    }

    #[test]
    fn settings_merge_defaults_and_name_bad_fields() {
        let text = "[defaults]\nnoise_arcsec = 3.0\ncloud_probability = 0.0\n\n[site.b]\ntiming_bias_ms = 30\n";
        let s = SimSettings::parse("sim.toml", text, &["a", "b"]).expect("valid");
        assert_eq!(s.for_site("a").noise_arcsec, 3.0);
        assert_eq!(s.for_site("a").timing_bias_ms, 0.0);
        assert_eq!(s.for_site("b").noise_arcsec, 3.0);
        assert_eq!(s.for_site("b").timing_bias_ms, 30.0);
        let e = SimSettings::parse("sim.toml", "[site.c]\nframes = 3\n", &["a"]).unwrap_err();
        assert!(e.to_string().contains("[site.c] unknown site"), "{e}");
        let e = SimSettings::parse("sim.toml", "[defaults]\nfrmes = 3\n", &["a"]).unwrap_err();
        assert!(e.to_string().contains("unknown field `frmes`"), "{e}");
        let e = SimSettings::parse("sim.toml", "[site.a]\ncloud_probability = 2\n", &["a"])
            .unwrap_err();
        assert!(
            e.to_string().contains("[site.a] cloud_probability = 2"),
            "{e}"
        );
        let e = SimSettings::parse("sim.toml", "[defaults\n", &["a"]).unwrap_err();
        assert!(e.to_string().starts_with("sim.toml: "), "{e}");
    }

    #[test]
    fn night_labels_are_the_local_evening_date() {
        // 2026-12-03T00:00Z is 05:00 local in Islamabad (73° E): the night of 12-02.
        let t = Epoch::parse_iso("2026-12-03T00:00:00").expect("epoch");
        assert_eq!(night_label(t, 73.16), "2026-12-02");
        // 2026-12-03T05:00Z is 00:15 local in Arequipa (71.5° W): also the night of 12-02.
        let t = Epoch::parse_iso("2026-12-03T05:00:00").expect("epoch");
        assert_eq!(night_label(t, -71.49), "2026-12-02");
    }
}
