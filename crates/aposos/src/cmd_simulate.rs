//! `aposos simulate`: the observations the network's nodes would make of a catalog taken
//! as truth, in any observation format, with a truth file.

use crate::cli::SimulateArgs;
use crate::cmd_predict::std_mags;
use crate::{cmd_eop, cmd_sites, elements_io, UsageError};
use anyhow::Context;
use aposos_formats::obs::ObsFormat;
use aposos_formats::Epoch;
use aposos_obs::simulate::{simulate, Schedule, SimRequest, SimSettings};
use aposos_plan::sites::{find_site, Role};
use aposos_plan::windows::{CatalogObject, WindowOptions};
use std::time::Instant;

/// Runs `aposos simulate`.
pub fn run(args: &SimulateArgs) -> anyhow::Result<()> {
    let from = Epoch::parse_iso(&args.from).map_err(|e| UsageError(format!("--from: {e}")))?;
    let to = Epoch::parse_iso(&args.to).map_err(|e| UsageError(format!("--to: {e}")))?;
    if to <= from {
        return Err(UsageError(format!(
            "--to {} is not after --from {}",
            args.to, args.from
        ))
        .into());
    }
    if to.minutes_since(from) > 31.0 * 1440.0 {
        return Err(UsageError("the window is limited to 31 days".into()).into());
    }
    let format: ObsFormat = args
        .format
        .parse()
        .map_err(|e: String| UsageError(format!("--format: {e}")))?;
    let schedule = match args.schedule.as_str() {
        "greedy" => Schedule::Greedy,
        "every-window" => Schedule::EveryWindow,
        other => {
            return Err(UsageError(format!(
                "--schedule: expected greedy or every-window, found {other:?}"
            ))
            .into())
        }
    };
    let all_sites = cmd_sites::load_sites(args.sites.as_deref())?;
    let sites = if args.site.is_empty() {
        all_sites
            .iter()
            .filter(|s| s.role == Role::Node)
            .cloned()
            .collect::<Vec<_>>()
    } else {
        args.site
            .iter()
            .map(|id| {
                find_site(&all_sites, id)
                    .cloned()
                    .ok_or_else(|| UsageError(format!("--site: no site {id:?} in the sites file")))
            })
            .collect::<Result<Vec<_>, _>>()?
    };
    if sites.is_empty() {
        return Err(UsageError("no node in the sites file".into()).into());
    }
    let ids: Vec<&str> = sites.iter().map(|s| s.id.as_str()).collect();
    let settings = match &args.settings {
        None => SimSettings::default(),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            SimSettings::parse(&p.display().to_string(), &text, &ids)?
        }
    };
    let (eop, eop_text) = cmd_eop::load_eop(&args.data_dir)?;
    eprintln!("{eop_text}");
    cmd_eop::check_coverage(&eop, from, to);
    let loaded = elements_io::load(&args.elements, args.lenient)?;
    let (mags, mag_src) = std_mags(&args.data_dir, &loaded.elements, Some(args.std_mag))?;
    if let Some(s) = mag_src {
        eprintln!("{s}");
    }
    let objects: Vec<CatalogObject> = loaded
        .elements
        .into_iter()
        .zip(mags)
        .map(|(elements, std_mag)| CatalogObject { elements, std_mag })
        .collect();
    let started = Instant::now();
    let out = simulate(&SimRequest {
        objects: &objects,
        sites: &sites,
        from,
        to,
        eop: &eop,
        window: WindowOptions {
            min_el_deg: args.min_el,
            max_sun_el_deg: args.max_sun_el,
            min_moon_sep_deg: args.min_moon_sep,
        },
        settings: &settings,
        schedule,
        seed: args.seed,
        uncorrelated: args.uncorrelated,
    })?;
    let simulated_s = started.elapsed().as_secs_f64();
    for e in out.failed.iter().take(10) {
        eprintln!("warning: left out: {e}");
    }
    if out.failed.len() > 10 {
        eprintln!("warning: {} more objects left out", out.failed.len() - 10);
    }
    let mut observations = out.observations;
    if let Some(path) = &args.sp_truth {
        sp_truth(
            &mut observations,
            &objects,
            &sites,
            &eop,
            from,
            to,
            args.seed,
            path,
        )?;
    }
    let text = crate::cmd_obs::write_for_format(&mut observations, &sites, format, "APOSOS-SIM")?;
    match &args.output {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))?
        }
        None => print!("{text}"),
    }
    if let Some(p) = &args.truth {
        let f =
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?;
        serde_json::to_writer(std::io::BufWriter::new(f), &out.truth)
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    let t = &out.truth;
    let clouded = t.nights.iter().filter(|n| n.clouded).count();
    let windows: usize = t.nights.iter().map(|n| n.windows).sum();
    eprintln!(
        "{} sites, {} nights ({clouded} clouded), {windows} observable windows, {} tracklets, {} measurements; simulated in {simulated_s:.2} s ({:.0} measurements/s, {} objects)",
        sites.len(),
        t.nights.len(),
        t.tracklets.len(),
        observations.len(),
        observations.len() as f64 / simulated_s.max(1e-9),
        objects.len()
    );
    Ok(())
}

/// Re-makes the angles from SP truths and writes their ephemerides (see `--sp-truth`).
#[allow(clippy::too_many_arguments)]
fn sp_truth(
    observations: &mut Vec<aposos_formats::obs::Observation>,
    objects: &[CatalogObject],
    sites: &[aposos_plan::sites::Site],
    eop: &aposos_astro::Eop,
    from: aposos_formats::Epoch,
    to: aposos_formats::Epoch,
    seed: u64,
    path: &std::path::Path,
) -> anyhow::Result<()> {
    use aposos_formats::oem::{write_oem, OemSegment, OemState};
    use aposos_obs::sp_truth::{reobserve_with_sp_truth, TruthNoise};
    use aposos_orbit::sp::{ForceModel, SpPropagator, SurfaceForce};
    use rayon::prelude::*;
    let started = Instant::now();
    let geodetic: std::collections::HashMap<String, aposos_astro::Geodetic> =
        sites.iter().map(|s| (s.id.clone(), s.geodetic)).collect();
    let elements: Vec<aposos_formats::ElementSet> =
        objects.iter().map(|o| o.elements.clone()).collect();
    // B = B*/(ρ₀R⊕/2), within 0.002–0.2 m²/kg; C_D 2.2; SRP C_R 1.3 at 0.01 m²/kg.
    let force_of = |el: &aposos_formats::ElementSet| {
        let b = (el.bstar_per_earth_radii / aposos_orbit::od::sp_fit::BSTAR_PER_BALLISTIC)
            .clamp(0.002, 0.2);
        ForceModel {
            drag: Some(SurfaceForce {
                coefficient: 2.2,
                area_to_mass_m2_kg: b / 2.2,
            }),
            ..ForceModel::default()
        }
    };
    let noise = observations
        .iter()
        .find_map(|o| o.angle_sigma_deg)
        .map_or(2.0, |s| s * 3600.0);
    let (truths, dropped) = reobserve_with_sp_truth(
        observations,
        &elements,
        &force_of,
        &geodetic,
        eop,
        &TruthNoise {
            epoch: from,
            arcsec: noise,
            seed,
        },
    );
    if dropped > 0 {
        eprintln!("warning: {dropped} observation(s) left out: their SP truth could not be made (re-entry)");
    }
    let names: std::collections::HashMap<u32, &aposos_formats::ElementSet> =
        elements.iter().map(|e| (e.norad_cat_id, e)).collect();
    let end = to.add_ns(8 * 86_400 * 1_000_000_000);
    let segments: Vec<OemSegment> = truths
        .par_iter()
        .filter_map(|t| {
            let mut p = SpPropagator::new(t.epoch, t.position_km, t.velocity_km_s, t.force, eop);
            let mut states = Vec::new();
            let mut time = t.epoch;
            while time <= end {
                let s = p.propagate(time).ok()?;
                states.push(OemState {
                    epoch: time,
                    position_km: s.position_km,
                    velocity_km_s: s.velocity_km_s,
                });
                // Two minutes: 8-point Lagrange interpolation of a 6900 km orbit stays
                // under 1 mm (at ten minutes it is 240 m off).
                time = time.add_ns(120 * 1_000_000_000);
            }
            let el = names.get(&t.norad)?;
            Some(OemSegment {
                object_name: el.object_name.clone().unwrap_or_default(),
                object_id: t.norad.to_string(),
                center: "EARTH".into(),
                frame: "GCRF".into(),
                comments: vec![format!(
                    "SP truth: EGM96 {}x{}, Sun/Moon, Harris-Priester drag B = {:.5} m2/kg, SRP",
                    t.force.gravity_degree,
                    t.force.gravity_order,
                    t.force
                        .drag
                        .map_or(0.0, |d| d.coefficient * d.area_to_mass_m2_kg)
                )],
                states,
                covariances: Vec::new(),
            })
        })
        .collect();
    std::fs::write(
        path,
        write_oem(
            &segments,
            "APOSOS-SIM",
            aposos_formats::Epoch::now_utc_micros(),
        ),
    )
    .with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!(
        "SP truth for {} object(s) in {:.1} s; ephemerides in {}",
        segments.len(),
        started.elapsed().as_secs_f64(),
        path.display()
    );
    Ok(())
}
