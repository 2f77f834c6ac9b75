//! `aposos obs convert`: observations between IOD, CCSDS TDM (KVN, XML) and JSON.

use crate::cli::ObsConvertArgs;
use crate::UsageError;
use anyhow::Context;
use aposos_formats::obs::{read_observations, write_observations, ObsFormat};
use aposos_formats::Epoch;

/// Runs `aposos obs convert`: refused records are reported with file, line and field,
/// the good ones are still written, and the exit code is then 1.
pub fn convert(args: &ObsConvertArgs) -> anyhow::Result<()> {
    let to: ObsFormat = args
        .to
        .parse()
        .map_err(|e: String| UsageError(format!("--to: {e}")))?;
    let name = args.obs.display().to_string();
    let text = std::fs::read_to_string(&args.obs).with_context(|| format!("cannot read {name}"))?;
    let (format, read) = read_observations(&name, &text);
    for w in &read.warnings {
        eprintln!("{w}");
    }
    for e in &read.errors {
        eprintln!("error: {e}");
    }
    let obs: Vec<_> = read.observations.into_iter().map(|(_, o)| o).collect();
    let out = write_observations(&obs, to, "APOSOS", Epoch::now_utc_micros())?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, out).with_context(|| format!("cannot write {}", path.display()))?
        }
        None => print!("{out}"),
    }
    eprintln!(
        "{} observation(s) read as {} and written as {}; {} refused",
        obs.len(),
        format.map_or("?", |f| f.name()),
        to.name(),
        read.errors.len()
    );
    if read.errors.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("{} record(s) of {name} refused", read.errors.len())
    }
}

/// Runs `aposos obs import`: each file is read, checked and stored in one transaction, as
/// the platform's upload endpoint does; prints one line per refused record and a summary
/// per file as JSON on stdout. Exits 1 when any record was refused.
pub fn import(args: &crate::cli::ObsImportArgs) -> anyhow::Result<()> {
    use aposos_store::Sharing;
    let sharing: Sharing = args
        .sharing
        .parse()
        .map_err(|e: String| UsageError(format!("--sharing: {e}")))?;
    let format: Option<ObsFormat> = match &args.format {
        Some(f) => Some(
            f.parse()
                .map_err(|e: String| UsageError(format!("--format: {e}")))?,
        ),
        None => None,
    };
    let config = crate::cmd_serve::resolve_config(&args.db)?;
    crate::cmd_serve::runtime()?.block_on(async move {
        let store = crate::cmd_serve::open_store(&config).await?;
        let p = store.principal_of_user(&args.user).await?;
        if !aposos_server::policy::may_upload_observations(&p) {
            anyhow::bail!("user {} is a {}: only admins, operators and analysts report observations", p.user_name, p.role);
        }
        let mut refused = 0;
        let start = std::time::Instant::now();
        let mut total = 0;
        for file in &args.files {
            let name = file.display().to_string();
            let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {name}"))?;
            let audit = aposos_store::catalog::NewAudit {
                user_id: Some(p.user_id),
                user_name: Some(format!("cli:{}", p.user_name)),
                org_id: Some(p.org_id),
                action: "observations.import".into(),
                target: name.clone(),
                outcome: "ok".into(),
                remote_addr: Some("local".into()),
                detail: None,
            };
            let report = aposos_server::api::observations::ingest(&store, &p, &name, &text, format, sharing, &audit)
                .await
                .map_err(|e| anyhow::anyhow!("{name}: {}", e.detail))?;
            for r in report.records.iter().filter(|r| r.status == "rejected") {
                eprintln!("rejected: {}", r.reason.as_deref().unwrap_or(""));
            }
            refused += report.rejected;
            total += report.accepted + report.duplicates + report.rejected;
            println!(
                "{}",
                serde_json::json!({"file": name, "format": report.format, "accepted": report.accepted,
                    "duplicates": report.duplicates, "rejected": report.rejected})
            );
        }
        let secs = start.elapsed().as_secs_f64();
        eprintln!("{total} record(s) in {secs:.2} s ({:.0} records/s)", total as f64 / secs.max(1e-9));
        store.close().await;
        if refused > 0 {
            anyhow::bail!("{refused} record(s) refused");
        }
        Ok(())
    })
}

/// Runs `aposos obs stats`: station diagnostics from observation files against element
/// sets; prints the per-night figures as JSON and, with `--residuals`, writes every residual.
pub fn stats(args: &crate::cli::ObsStatsArgs) -> anyhow::Result<()> {
    use aposos_obs::diagnostics::{station_diagnostics, DriftLimits};
    let sites = crate::cmd_sites::load_sites(args.sites.as_deref())?;
    let observations = read_obs_files(&args.obs, &sites)?;
    let stations: Vec<String> = if args.site.is_empty() {
        let mut v: Vec<String> = observations.iter().map(|o| o.station.clone()).collect();
        v.sort();
        v.dedup();
        v
    } else {
        for s in &args.site {
            if !sites.iter().any(|x| &x.id == s) {
                return Err(UsageError(format!("--site: no site {s:?} in the sites file")).into());
            }
        }
        args.site.clone()
    };
    let elements: std::collections::HashMap<u32, aposos_formats::ElementSet> =
        newest_elements(&args.elements)?
            .into_iter()
            .map(|e| (e.norad_cat_id, e))
            .collect();
    let (eop, eop_text) = crate::cmd_eop::load_eop(&args.data_dir)?;
    eprintln!("{eop_text}");
    let ids: Vec<&str> = stations.iter().map(String::as_str).collect();
    let limits = DriftLimits {
        pointing_arcsec: args.max_pointing_drift,
        timing_ms: args.max_timing_drift,
        ..DriftLimits::default()
    };
    let diags = station_diagnostics(&observations, &elements, &sites, &ids, &eop, &limits);
    if let Some(path) = &args.residuals {
        let mut out = String::from(
            "station,night,norad,tracklet,time_utc,ra_arcsec,dec_arcsec,along_arcsec,cross_arcsec,rate_arcsec_s,outlier\n",
        );
        for d in &diags {
            for r in &d.residuals {
                out.push_str(&format!(
                    "{},{},{},{},{},{:.3},{:.3},{:.3},{:.3},{:.2},{}\n",
                    r.station,
                    r.night,
                    r.norad_cat_id,
                    r.tracklet_id.as_deref().unwrap_or(""),
                    r.time_utc,
                    r.ra_arcsec,
                    r.dec_arcsec,
                    r.along_arcsec,
                    r.cross_arcsec,
                    r.rate_arcsec_s,
                    r.outlier
                ));
            }
        }
        std::fs::write(path, out).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let report: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            serde_json::json!({
                "station": d.station,
                "residuals": d.residuals.len(),
                "skipped": d.skipped,
                "nights": d.nights,
            })
        })
        .collect();
    println!("{}", serde_json::to_string_pretty(&report)?);
    let flagged = diags
        .iter()
        .flat_map(|d| &d.nights)
        .filter(|n| !n.flags.is_empty())
        .count();
    eprintln!(
        "{} station(s), {} night(s), {flagged} flagged",
        diags.len(),
        diags.iter().map(|d| d.nights.len()).sum::<usize>()
    );
    Ok(())
}

/// Reads observation files for the analysis commands: errors on stderr, older equinoxes
/// reduced to J2000, station numbers of the observer community's formats matched to sites.
pub fn read_obs_files(
    files: &[std::path::PathBuf],
    sites: &[aposos_plan::sites::Site],
) -> anyhow::Result<Vec<aposos_formats::obs::Observation>> {
    let mut observations = Vec::new();
    for file in files {
        let name = file.display().to_string();
        let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {name}"))?;
        let (_, read) = read_observations(&name, &text);
        for e in &read.errors {
            eprintln!("error: {e}");
        }
        for w in &read.warnings {
            eprintln!("warning: {w}");
        }
        observations.extend(read.observations.into_iter().map(|(_, mut o)| {
            aposos_obs::reduce::reduce_to_j2000(&mut o);
            if let Some(s) = sites
                .iter()
                .find(|s| s.station_number.as_deref() == Some(o.station.as_str()))
            {
                o.station = s.id.clone();
            }
            o
        }));
    }
    Ok(observations)
}

/// The newest element set of each object in an element-set file (the best orbit known).
pub fn newest_elements(path: &std::path::Path) -> anyhow::Result<Vec<aposos_formats::ElementSet>> {
    let loaded = crate::elements_io::load(path, false)?;
    let mut newest: std::collections::BTreeMap<u32, aposos_formats::ElementSet> =
        std::collections::BTreeMap::new();
    for e in loaded.elements {
        let keep = newest
            .get(&e.norad_cat_id)
            .is_none_or(|old| old.epoch < e.epoch);
        if keep {
            newest.insert(e.norad_cat_id, e);
        }
    }
    Ok(newest.into_values().collect())
}

/// Writes observations in `format` (TDMs with `originator`), naming stations by their
/// site's station number when the format does (IOD, UK, RDE).
pub fn write_for_format(
    observations: &mut [aposos_formats::obs::Observation],
    sites: &[aposos_plan::sites::Site],
    format: ObsFormat,
    originator: &str,
) -> anyhow::Result<String> {
    if format.names_stations_by_number() {
        for o in observations.iter_mut() {
            if let Some(n) = sites
                .iter()
                .find(|s| s.id == o.station)
                .and_then(|s| s.station_number.clone())
            {
                o.station = n;
            }
        }
    }
    write_observations(observations, format, originator, Epoch::now_utc_micros())
        .with_context(|| format!("cannot write the observations as {}", format.name()))
}
