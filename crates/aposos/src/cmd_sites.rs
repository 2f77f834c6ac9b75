//! `aposos sites`: the network's sites; and `--site` resolution for predict/passes.

use crate::cli::{SitesArgs, TableFormat};
use crate::UsageError;
use anyhow::Context;
use aposos_astro::Geodetic;
use aposos_plan::sites::{find_site, network, parse_sites, Site};
use serde_json::json;
use std::path::Path;

/// The sites of `file` if given, else the embedded network.
pub fn load_sites(file: Option<&Path>) -> anyhow::Result<Vec<Site>> {
    match file {
        None => Ok(network()),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Ok(parse_sites(&path.display().to_string(), &text)?)
        }
    }
}

/// `LAT_DEG,LON_DEG,HEIGHT_M` or the id/name of a site in the sites file.
pub fn resolve_site(text: &str, sites_file: Option<&Path>) -> anyhow::Result<Site> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    if parts.len() == 3 {
        let nums: Vec<Option<f64>> = parts
            .iter()
            .map(|p| p.parse::<f64>().ok().filter(|v| v.is_finite()))
            .collect();
        return match nums.as_slice() {
            [Some(lat), Some(lon), Some(h)] => {
                if !(-90.0..=90.0).contains(lat) {
                    return Err(
                        UsageError(format!("--site: latitude {lat} outside [-90, 90]")).into(),
                    );
                }
                if !(-180.0..=360.0).contains(lon) {
                    return Err(
                        UsageError(format!("--site: longitude {lon} outside [-180, 360]")).into(),
                    );
                }
                if !(-500.0..=100_000.0).contains(h) {
                    return Err(
                        UsageError(format!("--site: height {h} m outside [-500, 100000]")).into(),
                    );
                }
                Ok(Site::at(Geodetic::from_degrees(*lat, *lon, *h)))
            }
            _ => Err(UsageError(format!(
                "--site: expected LAT_DEG,LON_DEG,HEIGHT_M or a site id, found {text:?}"
            ))
            .into()),
        };
    }
    let sites = load_sites(sites_file)?;
    match find_site(&sites, text) {
        Some(s) => Ok(s.clone()),
        None => Err(UsageError(format!(
            "--site: no site {text:?} in {} (known: {}); or give LAT_DEG,LON_DEG,HEIGHT_M",
            sites_file.map_or_else(|| "the network".to_string(), |p| p.display().to_string()),
            sites
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .into()),
    }
}

/// Lists the sites as CSV or JSON.
pub fn run(args: &SitesArgs) -> anyhow::Result<()> {
    let sites = load_sites(args.sites.as_deref())?;
    match args.format {
        TableFormat::Csv => {
            println!("id,name,country,role,status,lat_deg,lon_deg,height_m,aperture_m,fov_deg,limiting_mag,max_slew_deg_s,mount,horizon_mask,station_number");
            for s in &sites {
                let mask = s.horizon_mask.as_ref().map_or_else(String::new, |m| {
                    m.points_deg()
                        .iter()
                        .map(|(a, e)| format!("{a}:{e}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                });
                println!(
                    "{},{},{},{},{},{:.6},{:.6},{:.1},{},{},{},{},{},{},{}",
                    s.id,
                    csv_field(&s.name),
                    s.country,
                    s.role.name(),
                    csv_field(s.status.as_deref().unwrap_or("")),
                    s.geodetic.lat_deg(),
                    s.geodetic.lon_deg(),
                    s.geodetic.height_m(),
                    s.telescope.aperture_m,
                    s.telescope.fov_deg,
                    s.telescope.limiting_mag,
                    s.telescope.max_slew_deg_s,
                    s.telescope.mount.name(),
                    mask,
                    s.station_number.as_deref().unwrap_or("")
                );
            }
        }
        TableFormat::Json => {
            let list: Vec<_> = sites
                .iter()
                .map(|s| {
                    json!({
                        "id": s.id,
                        "name": s.name,
                        "country": s.country,
                        "role": s.role.name(),
                        "status": s.status,
                        "lat_deg": s.geodetic.lat_deg(),
                        "lon_deg": s.geodetic.lon_deg(),
                        "height_m": s.geodetic.height_m(),
                        "horizon_mask": s.horizon_mask.as_ref().map(|m| m.points_deg()),
                        "station_number": s.station_number,
                        "telescope": {
                            "aperture_m": s.telescope.aperture_m,
                            "fov_deg": s.telescope.fov_deg,
                            "limiting_mag": s.telescope.limiting_mag,
                            "max_slew_deg_s": s.telescope.max_slew_deg_s,
                            "mount": s.telescope.mount.name(),
                        }
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&list)?);
        }
    }
    Ok(())
}

/// Quotes a CSV field when it holds a comma or a quote.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
