//! The set-up the simulation-based tests share: times, the three nodes, catalog objects
//! of a magnitude, and a clear-sky simulation of them.

#![allow(dead_code)] // each test file uses part of it

use aposos_astro::{Eop, Geodetic};
use aposos_formats::{ElementSet, Epoch};
use aposos_obs::simulate::{
    simulate, Schedule, SimOutput, SimRequest, SimSettings, TelescopeSettings,
};
use aposos_plan::sites::{network, Role, Site};
use aposos_plan::windows::{CatalogObject, WindowOptions};
use std::collections::{BTreeMap, HashMap};

/// An ISO time.
pub fn epoch(s: &str) -> Epoch {
    Epoch::parse_iso(s).expect("epoch")
}

/// Distance between two positions (km).
pub fn dist_km(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// The network's observation nodes.
pub fn nodes() -> Vec<Site> {
    network()
        .into_iter()
        .filter(|s| s.role == Role::Node)
        .collect()
}

/// Site positions by id, as the fits take them.
pub fn geodetic(sites: &[Site]) -> HashMap<String, Geodetic> {
    sites.iter().map(|s| (s.id.clone(), s.geodetic)).collect()
}

/// Element sets as catalog objects of standard magnitude `std_mag`.
pub fn objects<'a>(
    elements: impl IntoIterator<Item = &'a ElementSet>,
    std_mag: f64,
) -> Vec<CatalogObject> {
    elements
        .into_iter()
        .map(|e| CatalogObject {
            elements: e.clone(),
            std_mag: Some(std_mag),
        })
        .collect()
}

/// How a clear-sky simulation runs.
pub struct Clear {
    /// Start and end.
    pub from: Epoch,
    /// End.
    pub to: Epoch,
    /// Lowest elevation (deg); `None`: the window default.
    pub min_el_deg: Option<f64>,
    /// Least time between two tracklets of one object in a window (s).
    pub revisit_s: Option<f64>,
    /// Telescope time given by a greedy schedule or to every window.
    pub schedule: Schedule,
    /// Random seed.
    pub seed: u64,
    /// Strip the catalog numbers (uncorrelated output).
    pub uncorrelated: bool,
}

/// Simulates `objects` from the three nodes under a clear sky (default telescopes: 2″
/// noise, 8 exposures 2 s apart).
pub fn simulate_clear(objects: &[CatalogObject], c: &Clear) -> (Vec<Site>, SimOutput) {
    let sites = nodes();
    let settings = SimSettings {
        defaults: TelescopeSettings {
            cloud_probability: 0.0,
            revisit_s: c.revisit_s,
            ..TelescopeSettings::default()
        },
        sites: BTreeMap::new(),
    };
    let mut window = WindowOptions::default();
    if let Some(el) = c.min_el_deg {
        window.min_el_deg = el;
    }
    let out = simulate(&SimRequest {
        objects,
        sites: &sites,
        from: c.from,
        to: c.to,
        eop: Eop::embedded(),
        window,
        settings: &settings,
        schedule: c.schedule,
        seed: c.seed,
        uncorrelated: c.uncorrelated,
    })
    .expect("simulation");
    (sites, out)
}
