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

/// Every residual of a fit as JSON.
fn residuals_json(residuals: &[aposos_orbit::od::FitResidual]) -> Vec<serde_json::Value> {
    residuals
        .iter()
        .map(|r| {
            json!({
                "station": r.station,
                "time_utc": format!("{}Z", r.time.to_iso()),
                "ra_arcsec": r.ra_arcsec,
                "dec_arcsec": r.dec_arcsec,
                "along_arcsec": r.along_arcsec,
                "cross_arcsec": r.cross_arcsec,
                "outlier": r.outlier,
            })
        })
        .collect()
}

/// The sigmas of the RTN position (km).
fn sigma_rtn_km(c: &[[f64; 6]; 6]) -> [f64; 3] {
    [c[0][0].sqrt(), c[1][1].sqrt(), c[2][2].sqrt()]
}

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
        "sigma_rtn_km": sigma_rtn_km(&fit.covariance_rtn),
        "residuals": residuals_json(&fit.residuals),
    })
}

/// The element set a fit puts in the catalog: the next element set number, APOSOS as
/// originator and the covariance block (RTN at epoch, CCSDS 502.0-B-3 §4.2.6) that every
/// OMM encoding carries (TLEs cannot).
pub fn catalog_entry(fit: &Sgp4Fit) -> aposos_formats::ElementSet {
    let mut e = fit.elements.clone();
    e.element_set_no = e.element_set_no.saturating_add(1) % 10_000;
    e.omm.originator = Some("APOSOS".into());
    e.omm.covariance = Some(aposos_formats::OmmCovariance::from_matrix(
        Some("RTN".into()),
        &fit.covariance_rtn,
    ));
    e
}

/// Runs `aposos od`: one fit per object with measurements and an initial orbit; the
/// elements (or the report) on stdout or `--output`, a line per object on stderr.
pub fn run(args: &OdArgs) -> anyhow::Result<()> {
    if args.model == "sp" {
        return run_sp(args);
    }
    if args.model != "sgp4" {
        return Err(UsageError(format!("--model {:?}: sgp4 or sp", args.model)).into());
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
            "--initial FILE is needed (for objects the catalog lacks, `aposos iod` makes initial orbits from angles)".into(),
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
                fitted.push(catalog_entry(&fit));
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
    if !(args.max_cross_pass_hours.is_finite() && args.max_cross_pass_hours > 0.0) {
        return Err(UsageError("--max-cross-pass-hours: a positive number".into()).into());
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
        max_cross_pass_s: args.max_cross_pass_hours * 3600.0,
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

/// The JSON report of one SP fit.
fn sp_fit_json(norad: u32, fit: &aposos_orbit::od::SpFit) -> serde_json::Value {
    let b = |f: Option<aposos_orbit::sp::SurfaceForce>| {
        f.map(|d| json!({"coefficient": d.coefficient, "area_to_mass_m2_kg": d.area_to_mass_m2_kg}))
    };
    json!({
        "norad": norad,
        "model": "sp",
        "epoch_utc": format!("{}Z", fit.epoch.to_iso()),
        "frame": "GCRF",
        "position_km": fit.position_km,
        "velocity_km_s": fit.velocity_km_s,
        "force": {
            "gravity": format!("EGM96 {}x{}", fit.force.gravity_degree, fit.force.gravity_order),
            "sun_moon": fit.force.sun_moon,
            "drag": b(fit.force.drag),
            "srp": b(fit.force.srp),
            "density_model": "Harris-Priester (mean solar activity, n = 4)",
        },
        "estimated": fit.estimated.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>(),
        "rms_arcsec": fit.rms_arcsec,
        "rms_normalised": fit.rms_normalised,
        "used": fit.used,
        "rejected": fit.rejected,
        "iterations": fit.iterations,
        "converged": fit.converged,
        "covariance_gcrf": fit.covariance,
        "covariance_rtn_km_km_s": fit.covariance_rtn,
        "sigma_rtn_km": sigma_rtn_km(&fit.covariance_rtn),
        "residuals": residuals_json(&fit.residuals),
    })
}

/// `aposos od --model sp`: a numerical orbit per object (state at the last measurement,
/// C_D when observable), as the JSON report or an OEM (the fitted arc and
/// `--predict-days` beyond, every `--step-s`, covariance in RTN at epoch).
fn run_sp(args: &OdArgs) -> anyhow::Result<()> {
    use aposos_formats::oem::{write_oem, OemCovariance, OemSegment, OemState};
    use aposos_orbit::od::{fit_sp, SpFitOptions};
    use aposos_orbit::sp::SpPropagator;
    use rayon::prelude::*;
    let (oem, elements_format) = match args.format.as_str() {
        "json" => (false, None),
        "oem" => (true, None),
        f => (
            false,
            Some(ElementsFormat::from_str(f, false).map_err(|_| {
                UsageError(format!(
                    "--format {f:?} with --model sp: oem, json, or an element-set format (3le, tle, omm-kvn, omm-xml, omm-json, omm-csv: SGP4 mean elements fitted to the SP ephemeris)"
                ))
            })?),
        ),
    };
    if !(args.step_s.is_finite() && args.step_s >= 1.0) {
        return Err(UsageError("--step-s: at least 1 second".into()).into());
    }
    if !(args.predict_days.is_finite() && (0.0..=60.0).contains(&args.predict_days)) {
        return Err(UsageError("--predict-days: 0 to 60".into()).into());
    }
    let Some(initial) = &args.initial else {
        return Err(UsageError("--initial FILE is needed (the starting orbits)".into()).into());
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
    for o in observations {
        if let Some(n) = o.norad_cat_id {
            if args.norad.is_empty() || args.norad.contains(&n) {
                by_object.entry(n).or_default().push(o);
            }
        }
    }
    let opts = SpFitOptions {
        prior: (!args.no_prior).then(aposos_orbit::od::PriorErrors::default),
        ..SpFitOptions::default()
    };
    let start = std::time::Instant::now();
    let work: Vec<(&u32, &Vec<Observation>)> = by_object.iter().collect();
    type Fitted = Result<
        (
            aposos_orbit::od::SpFit,
            Option<OemSegment>,
            Option<aposos_formats::ElementSet>,
        ),
        String,
    >;
    let results: Vec<(u32, Fitted)> = work
        .par_iter()
        .map(|(norad, obs)| {
            let norad = **norad;
            let Some(init) = initial.get(&norad) else {
                return (norad, Err("no initial orbit in --initial".to_string()));
            };
            let (meas, _) = prepare_measurements(obs, &geodetic, &eop, args.default_sigma);
            let fit = match fit_sp(init, &meas, &eop, &opts) {
                Ok(f) => f,
                Err(e) => return (norad, Err(e.to_string())),
            };
            let segment = if oem {
                let first = meas.iter().map(|m| m.time).min().unwrap_or(fit.epoch);
                let step_ns = (args.step_s * 1e9) as i64;
                let end_ns = fit.epoch.ns_since_1950() + (args.predict_days * 86_400e9) as i64;
                let mut prop =
                    SpPropagator::new(fit.epoch, fit.position_km, fit.velocity_km_s, fit.force, &eop);
                // From the epoch outwards in both directions (the propagator continues
                // from its last state only away from the epoch), then in time order.
                let epoch_ns = fit.epoch.ns_since_1950();
                let times: Vec<i64> = (0..)
                    .map(|k| first.ns_since_1950() + k * step_ns)
                    .take_while(|t| *t <= end_ns)
                    .collect();
                let (before, after): (Vec<i64>, Vec<i64>) =
                    times.iter().partition(|t| **t <= epoch_ns);
                let mut states = Vec::with_capacity(times.len());
                for t in before.iter().rev().chain(after.iter()) {
                    match prop.propagate(aposos_formats::Epoch::from_ns_since_1950(*t)) {
                        Ok(s) => states.push(OemState {
                            epoch: s.time,
                            position_km: s.position_km,
                            velocity_km_s: s.velocity_km_s,
                        }),
                        Err(e) => return (norad, Err(format!("ephemeris: {e}"))),
                    }
                }
                states.sort_by_key(|s| s.epoch);
                Some(OemSegment {
                    object_name: init.object_name.clone().unwrap_or_default(),
                    object_id: init.object_id.clone().unwrap_or_else(|| norad.to_string()),
                    center: "EARTH".into(),
                    frame: "GCRF".into(),
                    comments: vec![
                        format!("APOSOS SP fit, NORAD {norad}: {} used, {} rejected, rms {:.2} arcsec", fit.used, fit.rejected, fit.rms_arcsec),
                        format!("EGM96 {}x{}, Sun/Moon, Harris-Priester drag, SRP; covariance at the last measurement", fit.force.gravity_degree, fit.force.gravity_order),
                    ],
                    states,
                    covariances: vec![OemCovariance {
                        epoch: fit.epoch,
                        frame: "RTN".into(),
                        matrix: fit.covariance_rtn,
                    }],
                })
            } else {
                None
            };
            let mean = match elements_format {
                None => None,
                Some(_) => {
                    use aposos_orbit::od::sp_mean::{mean_elements_from_sp, SpMeanOptions};
                    let first = meas.iter().map(|m| m.time).min().unwrap_or(fit.epoch);
                    let mean_opts = SpMeanOptions {
                        from: first,
                        step_s: args.step_s,
                    };
                    match mean_elements_from_sp(&fit, init, &eop, &mean_opts) {
                        Ok(m) => {
                            let mut e = m.elements;
                            e.element_set_no = init.element_set_no.saturating_add(1) % 10_000;
                            e.omm.originator = Some("APOSOS".into());
                            let radius_km = aposos_astro::topocentric::norm(fit.position_km);
                            e.omm.comments = vec![format!(
                                "APOSOS SP fit ({} used, {} rejected, rms {:.2} arcsec); SGP4 mean elements fitted to its ephemeris over the arc, rms {:.2} arcsec geocentric (about {:.2} km); covariance: the SP fit's, RTN at epoch",
                                fit.used, fit.rejected, fit.rms_arcsec, m.rms_arcsec,
                                m.rms_arcsec / 206_264.806 * radius_km
                            )];
                            e.omm.covariance = Some(aposos_formats::OmmCovariance::from_matrix(
                                Some("RTN".into()),
                                &fit.covariance_rtn,
                            ));
                            Some(e)
                        }
                        Err(e) => return (norad, Err(e.to_string())),
                    }
                }
            };
            (norad, Ok((fit, segment, mean)))
        })
        .collect();
    let mut reports = Vec::new();
    let mut segments = Vec::new();
    let mut means = Vec::new();
    let mut failed = 0;
    for (norad, r) in results {
        match r {
            Ok((fit, seg, mean)) => {
                eprintln!(
                    "{norad}: {} used, {} rejected, rms {:.2}\", sigma RTN ({:.4}, {:.4}, {:.4}) km{}",
                    fit.used,
                    fit.rejected,
                    fit.rms_arcsec,
                    fit.covariance_rtn[0][0].sqrt(),
                    fit.covariance_rtn[1][1].sqrt(),
                    fit.covariance_rtn[2][2].sqrt(),
                    if fit.converged { "" } else { " (not converged)" }
                );
                reports.push(sp_fit_json(norad, &fit));
                segments.extend(seg);
                means.extend(mean);
            }
            Err(e) => {
                eprintln!("{norad}: fit failed: {e}");
                failed += 1;
            }
        }
    }
    eprintln!(
        "{} object(s) fitted (SP), {failed} not, in {:.2} s",
        reports.len(),
        start.elapsed().as_secs_f64()
    );
    let report = serde_json::to_string_pretty(&reports).context("cannot write the report")?;
    let text = match elements_format {
        Some(f) => {
            write_elements(&means, f.to_format()).context("cannot write the mean elements")?
        }
        None if oem => write_oem(&segments, "APOSOS", aposos_formats::Epoch::now_utc_micros()),
        None => report.clone() + "\n",
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
    if failed > 0 && reports.is_empty() {
        anyhow::bail!("no orbit could be fitted");
    }
    Ok(())
}
