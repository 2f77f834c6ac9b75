//! `aposos od`: each observed object's orbit fitted to its measurements.

use crate::cli::{ElementsFormat, IodArgs, OdArgs};
use crate::UsageError;
use anyhow::Context;
use aposos_formats::obs::Observation;
use aposos_formats::write_elements;
use aposos_orbit::od::{fit_sgp4, prepare_measurements, Sgp4Fit, Sgp4FitOptions};
use clap::ValueEnum;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// The JSON report of one fit.
fn fit_json(norad: u32, fit: &Sgp4Fit) -> serde_json::Value {
    let e = &fit.elements;
    json!({
        "norad": norad,
        "model": "sgp4",
        "epoch_utc": format!("{}Z", e.epoch.to_iso()),
        "mean_motion_rev_per_day": e.mean_motion_rev_per_day,
        "eccentricity": e.eccentricity,
        "inclination_deg": e.inclination_deg,
        "raan_deg": e.raan_deg,
        "arg_of_pericenter_deg": e.arg_of_pericenter_deg,
        "mean_anomaly_deg": e.mean_anomaly_deg,
        "bstar_per_earth_radii": e.bstar_per_earth_radii,
        "fitted_bstar": fit.fitted_bstar,
        "fitted": if fit.full { "all elements" } else { "mean longitude only (short arc)" },
        "rms_arcsec": fit.rms_arcsec,
        "rms_normalised": fit.rms_normalised,
        "used": fit.used,
        "rejected": fit.rejected,
        "iterations": fit.iterations,
        "converged": fit.converged,
        "covariance_rtn_km_km_s": fit.covariance_rtn,
        "sigma_rtn_km": [
            fit.covariance_rtn[0][0].sqrt(),
            fit.covariance_rtn[1][1].sqrt(),
            fit.covariance_rtn[2][2].sqrt()
        ],
        "residuals": fit.residuals.iter().map(|r| json!({
            "station": r.station,
            "time_utc": format!("{}Z", r.time.to_iso()),
            "ra_arcsec": r.ra_arcsec,
            "dec_arcsec": r.dec_arcsec,
            "along_arcsec": r.along_arcsec,
            "cross_arcsec": r.cross_arcsec,
            "outlier": r.outlier,
        })).collect::<Vec<_>>(),
    })
}

/// Runs `aposos od`: one fit per object with measurements and an initial orbit; the
/// elements (or the report) on stdout or `--output`, a line per object on stderr.
pub fn run(args: &OdArgs) -> anyhow::Result<()> {
    if args.model != "sgp4" {
        return Err(UsageError(format!(
            "--model {:?}: sgp4 is the model available (special perturbations are not built yet)",
            args.model
        ))
        .into());
    }
    let elements_format = match args.format.as_str() {
        "json" => None,
        f => Some(ElementsFormat::from_str(f, false).map_err(|_| {
            UsageError(format!(
                "--format {f:?}: 3le, tle, omm-kvn, omm-xml, omm-json, omm-csv or json"
            ))
        })?),
    };
    if !(args.default_sigma.is_finite() && args.default_sigma > 0.0) {
        return Err(UsageError("--default-sigma: a positive number of arcsec".into()).into());
    }
    let Some(initial) = &args.initial else {
        return Err(UsageError(
            "--initial FILE is needed: initial orbit determination from angles alone is not built yet".into(),
        )
        .into());
    };
    let sites = crate::cmd_sites::load_sites(args.sites.as_deref())?;
    let observations = crate::cmd_obs::read_obs_files(&args.obs, &sites)?;
    let initial: HashMap<u32, aposos_formats::ElementSet> =
        crate::cmd_obs::newest_elements(initial)?
            .into_iter()
            .map(|e| (e.norad_cat_id, e))
            .collect();
    let (eop, eop_text) = crate::cmd_eop::load_eop(&args.data_dir)?;
    eprintln!("{eop_text}");
    let geodetic: HashMap<String, aposos_astro::Geodetic> =
        sites.iter().map(|s| (s.id.clone(), s.geodetic)).collect();
    let mut by_object: BTreeMap<u32, Vec<Observation>> = BTreeMap::new();
    let mut uncorrelated = 0;
    for o in observations {
        match o.norad_cat_id {
            Some(n) if args.norad.is_empty() || args.norad.contains(&n) => {
                by_object.entry(n).or_default().push(o)
            }
            Some(_) => {}
            None => uncorrelated += 1,
        }
    }
    if uncorrelated > 0 {
        eprintln!("{uncorrelated} uncorrelated observation(s) left out (aposos correlate --assigned gives them catalog numbers)");
    }
    let start = std::time::Instant::now();
    let mut fitted = Vec::new();
    let mut reports = Vec::new();
    let mut failed = 0;
    for (norad, obs) in &by_object {
        let Some(init) = initial.get(norad) else {
            eprintln!("{norad}: no initial orbit in --initial; left out");
            failed += 1;
            continue;
        };
        let (meas, skipped) = prepare_measurements(obs, &geodetic, &eop, args.default_sigma);
        for (i, why) in &skipped {
            eprintln!("{norad}: observation {} left out: {why}", i + 1);
        }
        let opts = Sgp4FitOptions {
            prior: if args.no_prior {
                None
            } else {
                Some(aposos_orbit::od::PriorErrors::default())
            },
            ..Sgp4FitOptions::default()
        };
        match fit_sgp4(init, &meas, &opts) {
            Ok(fit) => {
                eprintln!(
                    "{norad}: {} used, {} rejected, rms {:.2}\", sigma RTN ({:.3}, {:.3}, {:.3}) km{}{}",
                    fit.used,
                    fit.rejected,
                    fit.rms_arcsec,
                    fit.covariance_rtn[0][0].sqrt(),
                    fit.covariance_rtn[1][1].sqrt(),
                    fit.covariance_rtn[2][2].sqrt(),
                    if fit.full { "" } else { ", short arc: mean longitude only" },
                    if fit.converged { "" } else { " (not converged)" }
                );
                reports.push(fit_json(*norad, &fit));
                let mut e = fit.elements.clone();
                e.element_set_no = e.element_set_no.saturating_add(1) % 10_000;
                e.omm.originator = Some("APOSOS".into());
                fitted.push(e);
            }
            Err(e) => {
                eprintln!("{norad}: fit failed: {e}");
                failed += 1;
            }
        }
    }
    eprintln!(
        "{} object(s) fitted, {failed} not, in {:.2} s",
        fitted.len(),
        start.elapsed().as_secs_f64()
    );
    let report = serde_json::to_string_pretty(&reports).context("cannot write the report")?;
    let text = match elements_format {
        None => report.clone() + "\n",
        Some(f) => {
            write_elements(&fitted, f.to_format()).context("cannot write the fitted elements")?
        }
    };
    match &args.output {
        Some(p) => {
            std::fs::write(p, &text).with_context(|| format!("cannot write {}", p.display()))?
        }
        None => print!("{text}"),
    }
    if let Some(p) = &args.report {
        std::fs::write(p, report + "\n")
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    if failed > 0 && fitted.is_empty() {
        anyhow::bail!("no orbit could be fitted");
    }
    Ok(())
}

/// Runs `aposos iod`: the uncorrelated observations linked into candidate objects, each
/// with a provisional number and a fitted element set; the element sets on stdout or
/// `--output`, the report with `--report`.
pub fn iod(args: &IodArgs) -> anyhow::Result<()> {
    use aposos_obs::linkage::{link_uncorrelated, LinkOptions};
    if !(args.max_span_hours.is_finite() && args.max_span_hours > 0.0) {
        return Err(UsageError("--max-span-hours: a positive number".into()).into());
    }
    if args.first_number == 0 || args.first_number > 999_999_999 {
        return Err(UsageError("--first-number: 1 to 999999999".into()).into());
    }
    let sites = crate::cmd_sites::load_sites(args.sites.as_deref())?;
    let observations = crate::cmd_obs::read_obs_files(&args.obs, &sites)?;
    let (eop, eop_text) = crate::cmd_eop::load_eop(&args.data_dir)?;
    eprintln!("{eop_text}");
    let geodetic: HashMap<String, aposos_astro::Geodetic> =
        sites.iter().map(|s| (s.id.clone(), s.geodetic)).collect();
    let opts = LinkOptions {
        max_span_s: args.max_span_hours * 3600.0,
        first_number: args.first_number,
        ..LinkOptions::default()
    };
    let start = std::time::Instant::now();
    let report = link_uncorrelated(&observations, &geodetic, &eop, &opts);
    eprintln!(
        "{} uncorrelated observation(s): {} candidate object(s), {} tracklet(s) unlinked, in {:.2} s",
        observations.iter().filter(|o| o.norad_cat_id.is_none()).count(),
        report.candidates.len(),
        report.unlinked.len(),
        start.elapsed().as_secs_f64()
    );
    let elements: Vec<_> = report
        .candidates
        .iter()
        .map(|c| c.elements.clone())
        .collect();
    let text = write_elements(&elements, args.format.to_format())
        .context("cannot write the candidates' element sets")?;
    match &args.output {
        Some(p) => {
            std::fs::write(p, &text).with_context(|| format!("cannot write {}", p.display()))?
        }
        None => print!("{text}"),
    }
    if let Some(p) = &args.report {
        let json = serde_json::to_string_pretty(&report).context("cannot write the report")?;
        std::fs::write(p, json + "\n").with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(())
}
