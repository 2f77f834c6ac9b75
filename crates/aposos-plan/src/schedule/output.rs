//! Plans as products: each node's ordered list of observations with the pointings a
//! telescope control system needs (astrometric RA/Dec with light time, as a plate solve
//! gives, and airless Az/El, with their rates for tracking) at the start, middle and end.

use super::value::Reason;
use super::{Problem, Solution, TargetKind};
use crate::predict::{PredictOptions, TrackPredictor};
use aposos_astro::frames::EarthRotation;
use aposos_astro::topocentric::radec_rad;
use aposos_astro::{Eop, TimeScales};
use aposos_formats::Epoch;
use serde::Serialize;

/// Where the telescope points at one instant of an observation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pointing {
    /// `start`, `middle` or `end`.
    pub at: &'static str,
    /// Time (UTC, ISO 8601).
    pub time_utc: String,
    /// Right ascension (deg, ICRF, topocentric astrometric).
    pub ra_deg: f64,
    /// Declination (deg).
    pub dec_deg: f64,
    /// Azimuth (deg, from north through east).
    pub az_deg: f64,
    /// Elevation (deg, airless).
    pub el_deg: f64,
    /// dRA/dt · cos Dec (deg/s).
    pub ra_rate_deg_s: f64,
    /// dDec/dt (deg/s).
    pub dec_rate_deg_s: f64,
    /// dAz/dt (deg/s).
    pub az_rate_deg_s: f64,
    /// dEl/dt (deg/s).
    pub el_rate_deg_s: f64,
}

/// One planned observation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlannedObservation {
    /// Position in the node's sequence (from 1).
    pub seq: usize,
    /// `object` or `survey`.
    pub kind: &'static str,
    /// Catalog number of an object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub norad: Option<u32>,
    /// Object name, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Survey field label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Why it is observed.
    pub reason: Reason,
    /// Its value in this plan (after repeats).
    pub value: f64,
    /// First exposure start (UTC, ISO 8601).
    pub start_utc: String,
    /// Last exposure end (UTC, ISO 8601).
    pub end_utc: String,
    /// Slew from the previous pointing (s, before settling).
    pub slew_s: f64,
    /// Exposures.
    pub exposures: u32,
    /// Time between exposure starts (s).
    pub cadence_s: f64,
    /// Exposure length (s).
    pub exposure_s: f64,
    /// Track the object (true) or stare (false: survey fields).
    pub tracking: bool,
    /// Pointing at start, middle and end.
    pub pointing: Vec<Pointing>,
    /// Already done when the plan was made (re-planning).
    pub done: bool,
}

/// One node's plan for the night.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodePlan {
    /// Site id.
    pub site: String,
    /// The night (local date of its evening).
    pub night: String,
    /// Start of the dark interval (UTC).
    pub dark_from_utc: String,
    /// End of the dark interval (UTC).
    pub dark_to_utc: String,
    /// Value of its observations (repeats counted over the network).
    pub value: f64,
    /// Observations in time order.
    pub observations: Vec<PlannedObservation>,
}

/// ISO 8601 UTC with a Z.
pub fn iso(t: Epoch) -> String {
    format!("{}Z", t.to_iso())
}

/// Each node's product for the plan `sol` of `pb`.
pub fn node_plans(pb: &Problem, sol: &Solution, eop: &Eop) -> Vec<NodePlan> {
    let mut counts = vec![0u32; pb.targets.len()];
    let sats: Vec<Option<aposos_orbit::Sgp4>> = pb
        .objects
        .iter()
        .map(|o| aposos_orbit::Sgp4::new(&o.elements).ok())
        .collect();
    // Repeats are valued in time order over the whole network.
    let mut order: Vec<(f64, usize, usize)> = sol
        .nodes
        .iter()
        .enumerate()
        .flat_map(|(n, v)| v.iter().enumerate().map(move |(k, s)| (s.start_s, n, k)))
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut values = vec![Vec::new(); sol.nodes.len()];
    for (n, v) in sol.nodes.iter().enumerate() {
        values[n] = vec![0.0; v.len()];
    }
    for (_, n, k) in order {
        let t = pb.candidates[sol.nodes[n][k].cand].target;
        values[n][k] = pb.targets[t].value.next(counts[t]);
        counts[t] += 1;
    }
    pb.nodes
        .iter()
        .enumerate()
        .map(|(ni, node)| {
            let slots = sol.nodes.get(ni).map(Vec::as_slice).unwrap_or(&[]);
            let observations: Vec<PlannedObservation> = slots
                .iter()
                .enumerate()
                .map(|(k, s)| {
                    let c = &pb.candidates[s.cand];
                    let target = &pb.targets[c.target];
                    let t0 = pb.clock.epoch_at(s.start_s);
                    let times = [
                        ("start", t0),
                        ("middle", pb.clock.epoch_at(s.start_s + c.duration_s / 2.0)),
                        ("end", pb.clock.epoch_at(s.start_s + c.duration_s)),
                    ];
                    let (kind, norad, name, field, pointing, exposures, cadence_s, tracking) =
                        match &target.kind {
                            TargetKind::Object { index, norad } => {
                                let pointing = sats[*index]
                                    .as_ref()
                                    .map(|sat| {
                                        let mut pred = TrackPredictor::new(
                                            sat,
                                            &node.site.geodetic,
                                            eop,
                                            PredictOptions::default(),
                                        );
                                        times
                                            .iter()
                                            .filter_map(|&(at, t)| {
                                                pred.angles(t).ok().map(|a| Pointing {
                                                    at,
                                                    time_utc: iso(t),
                                                    ra_deg: a.ra_deg,
                                                    dec_deg: a.dec_deg,
                                                    az_deg: a.az_deg,
                                                    el_deg: a.el_deg,
                                                    ra_rate_deg_s: a.ra_rate_deg_s,
                                                    dec_rate_deg_s: a.dec_rate_deg_s,
                                                    az_rate_deg_s: a.az_rate_deg_s,
                                                    el_rate_deg_s: a.el_rate_deg_s,
                                                })
                                            })
                                            .collect()
                                    })
                                    .unwrap_or_default();
                                (
                                    "object",
                                    Some(*norad),
                                    pb.objects[*index].elements.object_name.clone(),
                                    None,
                                    pointing,
                                    pb.settings.frames,
                                    pb.settings.cadence_s,
                                    true,
                                )
                            }
                            TargetKind::Survey { field, .. } => {
                                let pointing = times
                                    .iter()
                                    .map(|&(at, t)| fixed_pointing(at, t, field, node, eop))
                                    .collect();
                                (
                                    "survey",
                                    None,
                                    None,
                                    Some(field.id.clone()),
                                    pointing,
                                    pb.settings.survey_frames,
                                    pb.settings.survey_cadence_s,
                                    false,
                                )
                            }
                        };
                    PlannedObservation {
                        seq: k + 1,
                        kind,
                        norad,
                        name,
                        field,
                        reason: target.value.reason.clone(),
                        value: values[ni][k],
                        start_utc: iso(t0),
                        end_utc: iso(pb.clock.epoch_at(s.start_s + c.duration_s)),
                        slew_s: s.slew_s,
                        exposures,
                        cadence_s,
                        exposure_s: pb.settings.exposure_s,
                        tracking,
                        pointing,
                        done: s.locked,
                    }
                })
                .collect();
            NodePlan {
                site: node.site.id.clone(),
                night: pb.night.clone(),
                dark_from_utc: iso(pb.clock.epoch_at(node.dark_s.0)),
                dark_to_utc: iso(pb.clock.epoch_at(node.dark_s.1)),
                value: values.get(ni).map_or(0.0, |v| v.iter().sum()),
                observations,
            }
        })
        .collect()
}

/// The pointing of a survey field (a fixed Az/El) at `t`: its RA/Dec moves with the sky.
fn fixed_pointing(
    at: &'static str,
    t: Epoch,
    field: &super::survey::SurveyField,
    node: &super::NodeNight,
    eop: &Eop,
) -> Pointing {
    let radec = |t: Epoch| {
        let ts = TimeScales::from_utc_ns_since_1950(t.ns_since_1950(), eop);
        let er = EarthRotation::new(&ts);
        let o = node.observer.itrf_km;
        let rho = [
            field.itrf_km[0] - o[0],
            field.itrf_km[1] - o[1],
            field.itrf_km[2] - o[2],
        ];
        let (ra, dec) = radec_rad(er.itrf_to_gcrs(rho));
        (ra.to_degrees().rem_euclid(360.0), dec.to_degrees())
    };
    let (ra0, dec0) = radec(t);
    let (ra1, dec1) = radec(t.add_ns(1_000_000_000));
    let dra = ((ra1 - ra0 + 540.0).rem_euclid(360.0) - 180.0) * dec0.to_radians().cos();
    let p = field.enu;
    Pointing {
        at,
        time_utc: iso(t),
        ra_deg: ra0,
        dec_deg: dec0,
        az_deg: p[0].atan2(p[1]).to_degrees().rem_euclid(360.0),
        el_deg: p[2].asin().to_degrees(),
        ra_rate_deg_s: dra,
        dec_rate_deg_s: dec1 - dec0,
        az_rate_deg_s: 0.0,
        el_rate_deg_s: 0.0,
    }
}
