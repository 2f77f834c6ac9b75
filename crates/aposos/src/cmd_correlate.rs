//! `aposos correlate`: tracklets tied to catalog objects, or kept as uncorrelated tracks.

use crate::cli::CorrelateArgs;
use crate::UsageError;
use anyhow::Context;
use aposos_formats::obs::ObsFormat;
use aposos_obs::correlate::{correlate, CorrelationOptions};

/// Runs `aposos correlate`: the JSON report on stdout (or `--output`), a summary on
/// stderr, and with `--assigned` the observations with their catalog numbers.
pub fn run(args: &CorrelateArgs) -> anyhow::Result<()> {
    let format: ObsFormat = args
        .format
        .parse()
        .map_err(|e: String| UsageError(format!("--format: {e}")))?;
    for (name, v) in [
        ("--along-km", args.along_km),
        ("--along-km-per-day", args.along_km_per_day),
        ("--n-sigma", args.n_sigma),
    ] {
        if !(v.is_finite() && v > 0.0) {
            return Err(UsageError(format!("{name}: a positive number, not {v}")).into());
        }
    }
    let sites = crate::cmd_sites::load_sites(args.sites.as_deref())?;
    let mut observations = crate::cmd_obs::read_obs_files(&args.obs, &sites)?;
    let elements = crate::cmd_obs::newest_elements(&args.elements)?;
    let (eop, eop_text) = crate::cmd_eop::load_eop(&args.data_dir)?;
    eprintln!("{eop_text}");
    let opts = CorrelationOptions {
        along_km: args.along_km,
        along_km_per_day: args.along_km_per_day,
        n_sigma: args.n_sigma,
        ..CorrelationOptions::default()
    };
    let start = std::time::Instant::now();
    let report = correlate(&observations, &elements, &sites, &eop, &opts);
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "{} observations, {} tracklets against {} objects: {} assigned, {} uncorrelated, {} ambiguous, {} skipped; correlated in {secs:.2} s",
        observations.len(),
        report.tracklets.len(),
        elements.len(),
        report.assigned,
        report.uncorrelated,
        report.ambiguous,
        report.skipped
    );
    for (n, why) in &report.refused_elements {
        eprintln!("warning: element set of {n} refused by SGP4: {why}");
    }
    let json = serde_json::to_string_pretty(&report).context("cannot write the report")?;
    match &args.output {
        Some(p) => std::fs::write(p, json + "\n")
            .with_context(|| format!("cannot write {}", p.display()))?,
        None => println!("{json}"),
    }
    if let Some(path) = &args.assigned {
        let designators: std::collections::HashMap<u32, Option<String>> = elements
            .iter()
            .map(|e| (e.norad_cat_id, e.object_id.clone()))
            .collect();
        for t in &report.tracklets {
            let norad = t.assigned();
            for &i in &t.observations {
                let o = &mut observations[i];
                o.norad_cat_id = norad;
                if let Some(n) = norad {
                    o.object_id = designators.get(&n).cloned().flatten();
                }
                o.tracklet_id = Some(t.tracklet_id.clone());
            }
        }
        let text = crate::cmd_obs::write_for_format(&mut observations, &sites, format, "APOSOS")?;
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}
