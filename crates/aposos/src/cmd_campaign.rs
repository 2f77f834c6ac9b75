//! `aposos campaign`: the network's closed loop over N nights, in memory.
//!
//! The demo catalog is the truth: the objects really move as its element sets say. The
//! centre knows a degraded copy (`aposos catalog degrade`'s errors: 1 km along track,
//! growing 2 km a day, 0.3 km across). Each night: the weather is drawn and clouded nodes
//! report it (they are left out), the centre plans the clear nodes from what it knows,
//! the nodes observe the plan (a tracklet whose object lies outside the field of view,
//! because the centre's orbit is too far off, finds nothing), the observations are
//! checked and correlated with the known catalog, and every object observed gets a new
//! SGP4 orbit fitted to its last `--arc-days` of observations, with its covariance,
//! which the next night's plan values by its predicted uncertainty.
//!
//! Each night's row gives the objects observed, the requests fulfilled, and the median
//! and 95th percentile of the predicted position uncertainty (1σ, from the covariance or
//! the element set's age) of member-state-owned objects and of the whole catalog at the
//! middle of the next night, beside the true error of the known orbits there.

use crate::cli::{CampaignArgs, CampaignFormat};
use crate::cmd_plan::{plan_objects, read_requests, satcat_owner_of, RequestSpec};
use crate::UsageError;
use anyhow::Context;
use aposos_formats::obs::Observation;
use aposos_formats::{ElementSet, Epoch};
use aposos_obs::correlate::{correlate, CorrelationOptions};
use aposos_obs::simulate::{
    night_clouded, simulate_planned, PlannedTracklet, Schedule, SimRequest, SimSettings,
    TelescopeSettings,
};
use aposos_orbit::od::{fit_sgp4, prepare_measurements, PriorErrors, Sgp4FitOptions};
use aposos_orbit::synthetic::{degrade_catalog, ElementErrors};
use aposos_plan::schedule::night::{plan_night, ExcludedNode};
use aposos_plan::schedule::output::iso;
use aposos_plan::schedule::value::{survey_value, ValueWeights};
use aposos_plan::schedule::{night_span, NodeSpec, PlanObject, PlanSettings, Problem};
use aposos_plan::sites::{Role, Site};
use aposos_plan::uncertainty::predicted_sigma_km;
use aposos_plan::windows::CatalogObject;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::time::Instant;

const DAY_NS: i64 = 86_400_000_000_000;

/// Median and 95th percentile of a sample (km); `None` when empty.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Spread {
    /// Objects counted.
    pub count: usize,
    /// Median (km).
    pub median_km: Option<f64>,
    /// 95th percentile (km).
    pub p95_km: Option<f64>,
}

impl Spread {
    fn of(mut v: Vec<f64>) -> Self {
        v.retain(|x| x.is_finite());
        v.sort_by(f64::total_cmp);
        let at =
            |q: f64| (!v.is_empty()).then(|| v[((v.len() as f64 * q) as usize).min(v.len() - 1)]);
        Spread {
            count: v.len(),
            median_km: at(0.5),
            p95_km: at(0.95),
        }
    }

    fn cell(&self) -> String {
        match (self.median_km, self.p95_km) {
            (Some(m), Some(p)) => format!("{} / {}", km(m), km(p)),
            _ => "n/a".into(),
        }
    }
}

fn km(x: f64) -> String {
    if x < 10.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.0}")
    }
}

/// The catalog's state at one instant.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CatalogState {
    /// When (UTC, ISO 8601): the middle of the next night.
    pub at_utc: String,
    /// Predicted 1σ position uncertainty of member-state-owned objects.
    pub member_sigma: Spread,
    /// Predicted 1σ position uncertainty of every object.
    pub catalog_sigma: Spread,
    /// True position error of member-state-owned objects (known orbit vs truth).
    pub member_error: Spread,
    /// True position error of every object.
    pub catalog_error: Spread,
    /// Predicted 1σ position uncertainty of the objects with an orbit fitted during the campaign.
    pub fitted_sigma: Spread,
    /// True position error of the objects with an orbit fitted during the campaign.
    pub fitted_error: Spread,
    /// True position error of the catalog as it was before the campaign: where it would
    /// be without the network.
    pub catalog_error_without_network: Spread,
}

/// One night of the campaign.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NightRow {
    /// The night (local date of its evening).
    pub night: String,
    /// Nodes planned (clear).
    pub nodes_clear: usize,
    /// Nodes clouded out.
    pub nodes_clouded: usize,
    /// Planned object tracklets.
    pub planned: usize,
    /// Plan value over the per-node greedy baseline, minus one.
    pub gain_over_baseline: f64,
    /// Plan value over the upper bound.
    pub fraction_of_bound: f64,
    /// Tracklets observed.
    pub observed: usize,
    /// Planned tracklets that found nothing: the object was outside the field.
    pub missed: usize,
    /// Tracklets correlated with a catalog object.
    pub correlated: usize,
    /// Tracklets left uncorrelated.
    pub uncorrelated: usize,
    /// Tracklets correlated with the wrong object (by the simulator's truth).
    pub miscorrelated: usize,
    /// Distinct objects observed (correlated).
    pub objects_observed: usize,
    /// Member-state-owned objects observed.
    pub member_objects_observed: usize,
    /// Orbits fitted (converged).
    pub orbits_fitted: usize,
    /// Requests whose objects all got their tracklets tonight.
    pub requests_fulfilled_tonight: usize,
    /// Requests with data on as many nights as they asked, so far.
    pub requests_complete: usize,
    /// Requests open tonight (in their time window and not yet complete).
    pub requests_active: usize,
    /// The catalog after the night's orbit determination.
    pub after: CatalogState,
    /// Seconds spent planning.
    pub plan_s: f64,
    /// Seconds spent on the whole night.
    pub night_s: f64,
}

/// How one request fared.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RequestProgress {
    /// Request id.
    pub id: i64,
    /// Its objects.
    pub norad_ids: Vec<u32>,
    /// Tracklets asked per night.
    pub tracklets_per_night: u32,
    /// Nights asked.
    pub nights_wanted: u32,
    /// Per campaign night while the request was open (in its time window, not yet
    /// complete): tracklets planned for its least planned object.
    pub planned_by_night: Vec<usize>,
    /// The same, observed and correlated.
    pub observed_by_night: Vec<usize>,
}

/// The whole campaign.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CampaignReport {
    /// Where the truth came from.
    pub truth: String,
    /// Objects in the catalog.
    pub objects: usize,
    /// Member-state-owned objects (SATCAT owners of the nodes' countries).
    pub member_objects: usize,
    /// The nodes.
    pub nodes: Vec<String>,
    /// The catalog before the first night.
    pub before: CatalogState,
    /// Every night.
    pub nights: Vec<NightRow>,
    /// Every request.
    pub requests: Vec<RequestProgress>,
}

/// Requests drawn from the catalog as a member state would file them: objects a 15 cm
/// telescope follows (below 6,000 km or near geostationary) with at least two observable
/// windows at the nodes on the first night; priority 8, two tracklets a night, three nights.
#[allow(clippy::too_many_arguments)]
fn demo_requests(
    objects: &[CatalogObject],
    n: usize,
    seed: u64,
    first_night: &str,
    from: Epoch,
    nights: u32,
    sites: &[Site],
    settings: &PlanSettings,
    eop: &aposos_astro::Eop,
) -> Vec<(RequestSpec, Epoch, Epoch)> {
    if objects.is_empty() || n == 0 {
        return Vec::new();
    }
    let mut rng = aposos_orbit::synthetic::SplitMix64::new(seed ^ 0x5EED);
    let mut drawn: Vec<usize> = Vec::new();
    let mut tries = 0;
    while drawn.len() < 8 * n && tries < 100 * n {
        tries += 1;
        let k = (rng.next_u64() % objects.len() as u64) as usize;
        let n_rev = objects[k].elements.mean_motion_rev_per_day;
        if (n_rev > 11.0 || (0.9..1.1).contains(&n_rev)) && !drawn.contains(&k) {
            drawn.push(k);
        }
    }
    let specs: Vec<NodeSpec> = sites
        .iter()
        .map(|s| NodeSpec {
            site: s.clone(),
            not_before: None,
        })
        .collect();
    let plan_objects: Vec<PlanObject> = drawn
        .iter()
        .map(|&k| PlanObject {
            elements: objects[k].elements.clone(),
            std_mag: objects[k].std_mag,
            value: survey_value(&ValueWeights::default()),
        })
        .collect();
    let settings = PlanSettings {
        survey: false,
        ..settings.clone()
    };
    let mut windows = vec![0usize; drawn.len()];
    if let Ok(pb) = Problem::build(first_night, &specs, plan_objects, &settings, eop) {
        for c in &pb.candidates {
            if let Some(w) = windows.get_mut(c.target) {
                *w += 1;
            }
        }
    }
    let picked: Vec<u32> = drawn
        .iter()
        .zip(&windows)
        .filter(|(_, w)| **w >= 2)
        .map(|(&k, _)| objects[k].elements.norad_cat_id)
        .take(n)
        .collect();
    let to = from.add_ns(i64::from(nights.max(1) + 1) * DAY_NS);
    picked
        .into_iter()
        .enumerate()
        .map(|(i, norad)| {
            (
                RequestSpec {
                    id: i as i64 + 1,
                    norad_ids: vec![norad],
                    priority: 8,
                    tracklets_per_night: 2,
                    nights: 3.min(nights.max(1)),
                    status: None,
                },
                from,
                to,
            )
        })
        .collect()
}

/// The distance (km) at `at` between an element set and the truth of its object.
fn true_error_km(e: &ElementSet, truth: &HashMap<u32, ElementSet>, at: Epoch) -> Option<f64> {
    let t = truth.get(&e.norad_cat_id)?;
    let a = aposos_orbit::Sgp4::new(e).ok()?.propagate_to(at).ok()?;
    let b = aposos_orbit::Sgp4::new(t).ok()?.propagate_to(at).ok()?;
    Some(aposos_astro::topocentric::norm(
        aposos_astro::topocentric::sub(a.position_km, b.position_km),
    ))
}

/// The catalog's predicted uncertainty and true error at `at`; `initial` is the catalog
/// before the campaign.
fn catalog_state(
    known: &[ElementSet],
    initial: &[ElementSet],
    truth: &HashMap<u32, ElementSet>,
    members: &BTreeSet<u32>,
    fitted: &BTreeSet<u32>,
    at: Epoch,
) -> CatalogState {
    let rows: Vec<(u32, bool, f64, Option<f64>)> = known
        .par_iter()
        .map(|e| {
            (
                e.norad_cat_id,
                members.contains(&e.norad_cat_id),
                predicted_sigma_km(e, at),
                true_error_km(e, truth, at),
            )
        })
        .collect();
    let pick = |keep: &dyn Fn(u32, bool) -> bool, err: bool| {
        Spread::of(
            rows.iter()
                .filter(|r| keep(r.0, r.1))
                .filter_map(|r| if err { r.3 } else { Some(r.2) })
                .collect(),
        )
    };
    let member = |_: u32, m: bool| m;
    let all = |_: u32, _: bool| true;
    let was_fitted = |n: u32, _: bool| fitted.contains(&n);
    CatalogState {
        at_utc: iso(at),
        member_sigma: pick(&member, false),
        catalog_sigma: pick(&all, false),
        member_error: pick(&member, true),
        catalog_error: pick(&all, true),
        fitted_sigma: pick(&was_fitted, false),
        fitted_error: pick(&was_fitted, true),
        catalog_error_without_network: Spread::of(
            initial
                .par_iter()
                .filter_map(|e| true_error_km(e, truth, at))
                .collect(),
        ),
    }
}

/// Runs `aposos campaign`.
pub fn run(args: &CampaignArgs) -> anyhow::Result<()> {
    if args.nights == 0 || args.nights > 60 {
        return Err(UsageError(format!("--nights {}: 1 to 60", args.nights)).into());
    }
    if !(0.0..=1.0).contains(&args.cloud_probability) {
        return Err(UsageError("--cloud-probability: a number from 0 to 1".into()).into());
    }
    if !(args.noise.is_finite() && args.noise >= 0.0) {
        return Err(UsageError("--noise: arcsec, not negative".into()).into());
    }
    if !(args.arc_days.is_finite() && args.arc_days > 0.0 && args.arc_days <= 30.0) {
        return Err(UsageError("--arc-days: more than 0, at most 30".into()).into());
    }
    let first = night_span(&args.from).map_err(|e| UsageError(format!("--from: {e}")))?;
    let sites: Vec<Site> = crate::cmd_sites::load_sites(args.sites.as_deref())?
        .into_iter()
        .filter(|s| s.role == Role::Node)
        .collect();
    if sites.is_empty() {
        return Err(UsageError("the sites file has no node".into()).into());
    }
    let data_dir = &args.data_dir;
    let (truth_source, truth_elements, satcat) = match (&args.elements, args.synthetic) {
        (Some(p), _) => (
            p.display().to_string(),
            crate::elements_io::load(p, false)?.elements,
            crate::demo_data::satcat_table(data_dir)?,
        ),
        (None, synthetic) => {
            let c =
                crate::demo_data::load(data_dir, synthetic.is_some(), synthetic.unwrap_or(20_000))?;
            (c.source, c.elements, c.satcat)
        }
    };
    eprintln!("truth: {truth_source}, {} objects", truth_elements.len());
    let (mags, _) =
        crate::cmd_predict::std_mags_from(&satcat, data_dir, &truth_elements, Some(6.0));
    let mut owners: Vec<String> = sites
        .iter()
        .filter_map(|s| satcat_owner_of(&s.country).map(String::from))
        .collect();
    owners.sort();
    owners.dedup();
    let members: BTreeSet<u32> = truth_elements
        .iter()
        .filter(|e| {
            satcat
                .get(&e.norad_cat_id)
                .is_some_and(|r| owners.iter().any(|o| o.eq_ignore_ascii_case(&r.owner)))
        })
        .map(|e| e.norad_cat_id)
        .collect();
    let truth: HashMap<u32, ElementSet> = truth_elements
        .iter()
        .map(|e| (e.norad_cat_id, e.clone()))
        .collect();
    let truth_objects: Vec<CatalogObject> = truth_elements
        .iter()
        .zip(&mags)
        .map(|(e, m)| CatalogObject {
            elements: e.clone(),
            std_mag: *m,
        })
        .collect();
    let initial = degrade_catalog(&truth_elements, args.seed, &ElementErrors::default());
    let mut known = initial.clone();
    let (eop, eop_src) = crate::cmd_eop::load_eop(data_dir)?;
    eprintln!("{eop_src}");
    let mut settings = PlanSettings {
        seed: args.seed,
        ..PlanSettings::default()
    };
    if let Some(n) = args.lns_iterations {
        settings.lns_iterations = n;
    }
    let requests = match &args.requests {
        Some(p) => read_requests(p)?,
        None => demo_requests(
            &truth_objects,
            args.demo_requests,
            args.seed,
            &args.from,
            first.0,
            args.nights,
            &sites,
            &settings,
            &eop,
        ),
    };
    let telescope = TelescopeSettings {
        cadence_s: settings.cadence_s,
        frames: settings.frames,
        noise_arcsec: args.noise,
        cloud_probability: args.cloud_probability,
        ..TelescopeSettings::default()
    };
    let sim_settings = SimSettings {
        defaults: telescope,
        sites: BTreeMap::new(),
    };
    let mut report = CampaignReport {
        truth: truth_source,
        objects: truth_elements.len(),
        member_objects: members.len(),
        nodes: sites.iter().map(|s| s.id.clone()).collect(),
        before: catalog_state(
            &known,
            &initial,
            &truth,
            &members,
            &BTreeSet::new(),
            first.0.add_ns(DAY_NS),
        ),
        nights: Vec::new(),
        requests: requests
            .iter()
            .map(|(r, _, _)| RequestProgress {
                id: r.id,
                norad_ids: r.norad_ids.clone(),
                tracklets_per_night: r.tracklets_per_night,
                nights_wanted: r.nights,
                ..RequestProgress::default()
            })
            .collect(),
    };
    let geodetic: HashMap<String, aposos_astro::Geodetic> =
        sites.iter().map(|s| (s.id.clone(), s.geodetic)).collect();
    // Correlated observations by object, kept for the fits' arcs.
    let mut history: HashMap<u32, Vec<Observation>> = HashMap::new();
    // Per request, the nights it got all its tracklets.
    let mut request_nights: HashMap<i64, u32> = HashMap::new();
    // Objects with an orbit fitted during the campaign.
    let mut ever_fitted: BTreeSet<u32> = BTreeSet::new();
    for k in 0..args.nights {
        let t_night = Instant::now();
        let day = first.0.add_ns(i64::from(k) * DAY_NS).calendar();
        let night = format!("{:04}-{:02}-{:02}", day.year, day.month, day.day);
        let span = night_span(&night).map_err(|e| anyhow::anyhow!("{e}"))?;
        let mid = span.0.add_ns(DAY_NS);
        // The weather, reported by the nodes before the night.
        let (clear, clouded): (Vec<&Site>, Vec<&Site>) = sites
            .iter()
            .partition(|s| !night_clouded(args.seed, &s.id, &night, args.cloud_probability));
        let excluded: Vec<ExcludedNode> = clouded
            .iter()
            .map(|s| ExcludedNode {
                site: s.id.clone(),
                reason: "weather".into(),
            })
            .collect();
        let specs: Vec<NodeSpec> = clear
            .iter()
            .map(|s| NodeSpec {
                site: (*s).clone(),
                not_before: None,
            })
            .collect();
        // A request with data on as many nights as it asked is complete: no longer planned.
        let open: Vec<(RequestSpec, Epoch, Epoch)> = requests
            .iter()
            .filter(|(r, _, _)| request_nights.get(&r.id).copied().unwrap_or(0) < r.nights.max(1))
            .cloned()
            .collect();
        let objects = plan_objects(
            &known,
            &mags,
            &satcat,
            &owners,
            &open,
            span,
            mid,
            &ValueWeights::default(),
            u32::MAX,
        );
        let t_plan = Instant::now();
        let planned = plan_night(&night, &specs, excluded, objects, &[], &settings, &eop)
            .map_err(|e| anyhow::anyhow!("night {night}: {e}"))?;
        let plan_s = t_plan.elapsed().as_secs_f64();
        if !planned.violations.is_empty() {
            anyhow::bail!(
                "night {night}: the plan is infeasible: {}",
                planned.violations[0]
            );
        }
        let summary = planned.summary();
        let doc = planned.document(&eop);
        let tracklets: Vec<PlannedTracklet> = doc
            .nodes
            .iter()
            .flat_map(|n| {
                n.observations.iter().filter_map(move |o| {
                    let norad = o.norad?;
                    let start = Epoch::parse_iso(o.start_utc.trim_end_matches('Z')).ok()?;
                    Some(PlannedTracklet {
                        site: n.site.clone(),
                        norad_cat_id: norad,
                        start,
                        frames: o.exposures,
                        pointing_radec_deg: o.pointing.get(1).map(|p| (p.ra_deg, p.dec_deg)),
                    })
                })
            })
            .collect();
        let (sim, outcome) = simulate_planned(
            &SimRequest {
                objects: &truth_objects,
                sites: &sites,
                from: span.0,
                to: span.1,
                eop: &eop,
                window: settings.window,
                settings: &sim_settings,
                schedule: Schedule::Greedy,
                seed: args.seed,
                uncorrelated: true,
            },
            &tracklets,
        )
        .map_err(|e| anyhow::anyhow!("night {night}: {e}"))?;
        let truth_of: HashMap<String, u32> = sim
            .truth
            .tracklets
            .iter()
            .map(|t| (t.id.clone(), t.norad_cat_id))
            .collect();
        // Ingest: the same checks as an upload.
        let observations = ingest(sim.observations, &sites, span.1);
        let corr = correlate(
            &observations,
            &known,
            &sites,
            &eop,
            &CorrelationOptions::default(),
        );
        let mut tonight: BTreeMap<u32, usize> = BTreeMap::new();
        let mut miscorrelated = 0;
        for t in &corr.tracklets {
            if let Some(n) = t.assigned() {
                if truth_of.get(&t.tracklet_id).is_some_and(|&m| m != n) {
                    miscorrelated += 1;
                }
                *tonight.entry(n).or_default() += 1;
                let h = history.entry(n).or_default();
                h.extend(t.observations.iter().map(|&i| {
                    let mut o = observations[i].clone();
                    o.norad_cat_id = Some(n);
                    o
                }));
            }
        }
        // Orbit determination of every object observed tonight.
        let by_norad: HashMap<u32, usize> = known
            .iter()
            .enumerate()
            .map(|(i, e)| (e.norad_cat_id, i))
            .collect();
        let arc_ns = (args.arc_days * 86_400e9) as i64;
        let fits: Vec<(usize, ElementSet)> = tonight
            .keys()
            .filter_map(|n| Some((by_norad.get(n).copied()?, history.get(n)?)))
            .collect::<Vec<_>>()
            .par_iter()
            .filter_map(|&(i, obs)| {
                let last = obs.iter().map(|o| o.time).max()?;
                let arc: Vec<Observation> = obs
                    .iter()
                    .filter(|o| o.time >= last.add_ns(-arc_ns))
                    .cloned()
                    .collect();
                let (meas, _) = prepare_measurements(&arc, &geodetic, &eop, args.noise.max(0.5));
                let opts = Sgp4FitOptions {
                    prior: Some(PriorErrors::default()),
                    ..Sgp4FitOptions::default()
                };
                let fit = fit_sgp4(&known[i], &meas, &opts)
                    .ok()
                    .filter(|f| f.converged)?;
                Some((i, crate::cmd_od::catalog_entry(&fit)))
            })
            .collect();
        let fitted = fits.len();
        for (i, e) in fits {
            ever_fitted.insert(e.norad_cat_id);
            known[i] = e;
        }
        // Forget what no fit will use again.
        let oldest = span.1.add_ns(-arc_ns - DAY_NS);
        history.retain(|_, v| {
            v.retain(|o| o.time >= oldest);
            !v.is_empty()
        });
        // Requests.
        let mut fulfilled = 0;
        let mut active = 0;
        let mut planned_of: HashMap<u32, usize> = HashMap::new();
        for t in &tracklets {
            *planned_of.entry(t.norad_cat_id).or_default() += 1;
        }
        for ((r, a, b), progress) in requests.iter().zip(&mut report.requests) {
            let done_before = request_nights.get(&r.id).copied().unwrap_or(0) >= r.nights.max(1);
            if *b <= span.0 || *a >= span.1 || done_before {
                continue;
            }
            active += 1;
            let least = |m: &dyn Fn(u32) -> usize| r.norad_ids.iter().map(|n| m(*n)).min();
            progress
                .planned_by_night
                .push(least(&|n| planned_of.get(&n).copied().unwrap_or(0)).unwrap_or(0));
            progress
                .observed_by_night
                .push(least(&|n| tonight.get(&n).copied().unwrap_or(0)).unwrap_or(0));
            let wanted = r.tracklets_per_night.max(1) as usize;
            if r.norad_ids
                .iter()
                .all(|n| tonight.get(n).copied().unwrap_or(0) >= wanted)
            {
                fulfilled += 1;
                *request_nights.entry(r.id).or_default() += 1;
            }
        }
        let complete = requests
            .iter()
            .filter(|(r, _, _)| request_nights.get(&r.id).copied().unwrap_or(0) >= r.nights.max(1))
            .count();
        let next_mid = mid.add_ns(DAY_NS);
        let row = NightRow {
            night: night.clone(),
            nodes_clear: clear.len(),
            nodes_clouded: clouded.len(),
            planned: tracklets.len(),
            gain_over_baseline: summary.gain_over_baseline,
            fraction_of_bound: summary.fraction_of_bound,
            observed: outcome.observed,
            missed: outcome.missed,
            correlated: corr.assigned,
            uncorrelated: corr.uncorrelated + corr.ambiguous,
            miscorrelated,
            objects_observed: tonight.len(),
            member_objects_observed: tonight.keys().filter(|n| members.contains(n)).count(),
            orbits_fitted: fitted,
            requests_fulfilled_tonight: fulfilled,
            requests_complete: complete,
            requests_active: active,
            after: catalog_state(&known, &initial, &truth, &members, &ever_fitted, next_mid),
            plan_s,
            night_s: t_night.elapsed().as_secs_f64(),
        };
        eprintln!(
            "night {night}: {} clear nodes, {} planned, {} observed ({} missed), {} objects, {} orbits, catalog σ {} km, {:.1} s",
            row.nodes_clear,
            row.planned,
            row.observed,
            row.missed,
            row.objects_observed,
            row.orbits_fitted,
            row.after.catalog_sigma.cell(),
            row.night_s
        );
        report.nights.push(row);
    }
    let mut out = crate::cmd_predict::open_output(args.output.as_deref())?;
    match args.format {
        CampaignFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        CampaignFormat::Table => write_table(&mut out, &report)?,
    }
    out.flush().context("cannot write the report")?;
    Ok(())
}

/// The observations that pass the upload's quality checks (known station, not in the
/// future of the night's end, angles in range).
fn ingest(observations: Vec<Observation>, sites: &[Site], now: Epoch) -> Vec<Observation> {
    use aposos_obs::qc::{check_observation, QcContext, QcRules};
    let rules = QcRules::at(now);
    observations
        .into_iter()
        .filter(|o| {
            let country = sites
                .iter()
                .find(|s| s.id == o.station)
                .map(|s| s.country.as_str());
            let ctx = QcContext {
                station_country: country,
                entitled: true,
                object_known: true,
            };
            check_observation(o, &rules, &ctx).is_ok()
        })
        .collect()
}

fn write_table(out: &mut dyn Write, r: &CampaignReport) -> anyhow::Result<()> {
    writeln!(
        out,
        "Campaign: {} objects ({}), {} member-state-owned; nodes {}",
        r.objects,
        r.truth,
        r.member_objects,
        r.nodes.join(", ")
    )?;
    writeln!(
        out,
        "Position uncertainty (1σ, predicted) and true error at the middle of the next night, median / 95th percentile, km.\n"
    )?;
    let header = [
        "night",
        "clear nodes",
        "planned",
        "observed",
        "missed",
        "wrong correlations",
        "objects",
        "member objects",
        "orbits fitted",
        "requests tonight / complete / active",
        "member σ",
        "catalog σ",
        "member error",
        "catalog error",
        "catalog error without the network",
        "fitted so far",
        "their σ",
        "their error",
        "vs greedy",
        "of bound",
        "plan s",
        "night s",
    ];
    writeln!(out, "| {} |", header.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(header.len()))?;
    let b = &r.before;
    let mut cells = vec![String::new(); header.len()];
    cells[0] = "before".into();
    cells[10] = b.member_sigma.cell();
    cells[11] = b.catalog_sigma.cell();
    cells[12] = b.member_error.cell();
    cells[13] = b.catalog_error.cell();
    cells[14] = b.catalog_error_without_network.cell();
    writeln!(out, "| {} |", cells.join(" | "))?;
    for n in &r.nights {
        let a = &n.after;
        let cells = [
            n.night.clone(),
            format!("{}/{}", n.nodes_clear, n.nodes_clear + n.nodes_clouded),
            n.planned.to_string(),
            n.observed.to_string(),
            n.missed.to_string(),
            n.miscorrelated.to_string(),
            n.objects_observed.to_string(),
            n.member_objects_observed.to_string(),
            n.orbits_fitted.to_string(),
            format!(
                "{} / {} / {}",
                n.requests_fulfilled_tonight, n.requests_complete, n.requests_active
            ),
            a.member_sigma.cell(),
            a.catalog_sigma.cell(),
            a.member_error.cell(),
            a.catalog_error.cell(),
            a.catalog_error_without_network.cell(),
            a.fitted_sigma.count.to_string(),
            a.fitted_sigma.cell(),
            a.fitted_error.cell(),
            format!("{:+.1} %", 100.0 * n.gain_over_baseline),
            format!("{:.1} %", 100.0 * n.fraction_of_bound),
            format!("{:.1}", n.plan_s),
            format!("{:.1}", n.night_s),
        ];
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    if !r.requests.is_empty() {
        writeln!(
            out,
            "\nRequests (tracklets of the least served object, planned / observed, per night while open):\n"
        )?;
        for q in &r.requests {
            let nights: Vec<String> = q
                .planned_by_night
                .iter()
                .zip(&q.observed_by_night)
                .map(|(p, o)| format!("{p}/{o}"))
                .collect();
            let ids: Vec<String> = q.norad_ids.iter().map(u32::to_string).collect();
            writeln!(
                out,
                "- request {} (NORAD {}; {} a night on {} nights): {}",
                q.id,
                ids.join(", "),
                q.tracklets_per_night,
                q.nights_wanted,
                nights.join(", ")
            )?;
        }
    }
    Ok(())
}
