//! `aposos predict`: topocentric predictions of element sets from a site on a UTC grid.

use crate::cli::{PredictArgs, TableFormat};
use crate::{cmd_eop, cmd_sites, demo_data, elements_io, times, UsageError};
use anyhow::{bail, Context};
use aposos_astro::magnitude::std_mag_from_rcs;
use aposos_astro::refraction::Atmosphere;
use aposos_formats::satcat::SatcatRecord;
use aposos_formats::{ElementSet, Epoch};
use aposos_orbit::Sgp4;
use aposos_plan::predict::{predict, PredictOptions, Prediction};
use rayon::prelude::*;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

/// ISO 8601 UTC with milliseconds, `2026-11-21T09:23:30.270Z` (rounded to the nearest ms).
pub fn iso_ms(t: Epoch) -> String {
    let c = t.add_ns(500_000).calendar();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        c.year,
        c.month,
        c.day,
        c.hour,
        c.minute,
        c.second,
        c.nanosecond / 1_000_000
    )
}

/// Standard magnitudes per object: SATCAT (`DIR/catalog/donnees.sat`) std_mag, else from its RCS, else `default`.
pub fn std_mags(
    data_dir: &Path,
    elements: &[ElementSet],
    default: Option<f64>,
) -> anyhow::Result<(Vec<Option<f64>>, Option<String>)> {
    let satcat = demo_data::satcat_table(data_dir)?;
    Ok(std_mags_from(&satcat, data_dir, elements, default))
}

/// [`std_mags`] from a SATCAT table already read from `data_dir` (empty when it has none).
pub fn std_mags_from(
    satcat: &HashMap<u32, SatcatRecord>,
    data_dir: &Path,
    elements: &[ElementSet],
    default: Option<f64>,
) -> (Vec<Option<f64>>, Option<String>) {
    let table = data_dir.join(demo_data::SATCAT_TABLE);
    let source = if table.exists() {
        format!("the SATCAT {}", table.display())
    } else {
        format!("no SATCAT ({} not found)", table.display())
    };
    let std_mag = |r: &SatcatRecord| {
        r.std_mag
            .or_else(|| r.rcs_m2.filter(|a| *a > 0.0).map(std_mag_from_rcs))
    };
    let from_table: Vec<Option<f64>> = elements
        .iter()
        .map(|e| satcat.get(&e.norad_cat_id).and_then(std_mag))
        .collect();
    let known = from_table.iter().filter(|m| m.is_some()).count();
    let unknown = elements.len() - known;
    let fallback = match (unknown, default) {
        (0, _) => String::new(),
        (n, Some(m)) => format!(", {n} take --std-mag {m}"),
        (n, None) => {
            format!(", {n} unknown: no magnitude and no brightness limit for them (give --std-mag)")
        }
    };
    let mags = from_table.into_iter().map(|m| m.or(default)).collect();
    (
        mags,
        Some(format!(
            "standard magnitudes: {known} of {} objects from {source}{fallback}",
            elements.len()
        )),
    )
}

/// Rows formatted per window (bounds memory).
const WINDOW_ROWS: usize = 200_000;
/// Most objects per window.
const WINDOW_OBJECTS: usize = 256;

/// Opens `--output` or standard output.
pub fn open_output(path: Option<&Path>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

const COLUMNS: &str = "norad,time_utc,ra_deg,dec_deg,az_deg,el_deg,range_km,range_rate_km_s,ra_rate_deg_s,dec_rate_deg_s,az_rate_deg_s,el_rate_deg_s,sunlit,illumination,sun_el_deg,moon_el_deg,phase_angle_deg,moon_sep_deg,mag,light_time_s";

fn row(norad: u32, p: &Prediction, format: TableFormat, first: bool, out: &mut String) {
    let ill = format!("{:?}", p.illumination).to_lowercase();
    let mag_csv = p.mag.map_or_else(String::new, |m| format!("{m:.3}"));
    let t = iso_ms(p.time_utc);
    // Writing into a String cannot fail.
    let _ = match format {
        TableFormat::Csv => writeln!(
            out,
            "{norad},{t},{:.9},{:.9},{:.9},{:.9},{:.6},{:.9},{:.9},{:.9},{:.9},{:.9},{},{ill},{:.9},{:.9},{:.9},{:.9},{mag_csv},{:.9}",
            p.ra_deg, p.dec_deg, p.az_deg, p.el_deg, p.range_km, p.range_rate_km_s,
            p.ra_rate_deg_s, p.dec_rate_deg_s, p.az_rate_deg_s, p.el_rate_deg_s,
            u8::from(p.sunlit), p.sun_el_deg, p.moon_el_deg, p.phase_angle_deg, p.moon_sep_deg,
            p.light_time_s
        ),
        TableFormat::Json => {
            let mag = p.mag.map_or_else(|| "null".to_string(), |m| format!("{m:.3}"));
            write!(
                out,
                "{}\n{{\"norad\":{norad},\"time_utc\":\"{t}\",\"ra_deg\":{:.9},\"dec_deg\":{:.9},\"az_deg\":{:.9},\"el_deg\":{:.9},\"range_km\":{:.6},\"range_rate_km_s\":{:.9},\"ra_rate_deg_s\":{:.9},\"dec_rate_deg_s\":{:.9},\"az_rate_deg_s\":{:.9},\"el_rate_deg_s\":{:.9},\"sunlit\":{},\"illumination\":\"{ill}\",\"sun_el_deg\":{:.9},\"moon_el_deg\":{:.9},\"phase_angle_deg\":{:.9},\"moon_sep_deg\":{:.9},\"mag\":{mag},\"light_time_s\":{:.9}}}",
                if first { "" } else { "," },
                p.ra_deg, p.dec_deg, p.az_deg, p.el_deg, p.range_km, p.range_rate_km_s,
                p.ra_rate_deg_s, p.dec_rate_deg_s, p.az_rate_deg_s, p.el_rate_deg_s,
                u8::from(p.sunlit), p.sun_el_deg, p.moon_el_deg, p.phase_angle_deg, p.moon_sep_deg,
                p.light_time_s
            )
        }
    };
}

/// Runs the predictions; fails only if no object could be predicted.
pub fn run(args: &PredictArgs) -> anyhow::Result<()> {
    let grid = times::utc_grid(&args.from, &args.to, args.step).map_err(UsageError)?;
    let site = cmd_sites::resolve_site(&args.site, args.sites.as_deref())?;
    if !args.refraction && (args.pressure_hpa.is_some() || args.temperature_c.is_some()) {
        return Err(
            UsageError("--pressure-hpa and --temperature-c need --refraction".into()).into(),
        );
    }
    let defaults = Atmosphere::default();
    let atm = Atmosphere {
        pressure_hpa: args.pressure_hpa.unwrap_or(defaults.pressure_hpa),
        temperature_c: args.temperature_c.unwrap_or(defaults.temperature_c),
    };
    if !(0.0..=1100.0).contains(&atm.pressure_hpa) || !(-90.0..=60.0).contains(&atm.temperature_c) {
        return Err(UsageError(
            "--pressure-hpa must be in [0, 1100] and --temperature-c in [-90, 60]".into(),
        )
        .into());
    }
    let opts = PredictOptions {
        geometric: args.geometric,
        refraction: args.refraction.then_some(atm),
    };
    let (eop, eop_text) = cmd_eop::load_eop(&args.data_dir)?;
    eprintln!("{eop_text}");
    if let (Some(first), Some(last)) = (grid.first(), grid.last()) {
        cmd_eop::check_coverage(&eop, *first, *last);
    }
    let loaded = elements_io::load(&args.elements, args.lenient)?;
    let (mags, mag_src) = std_mags(&args.data_dir, &loaded.elements, args.std_mag)?;
    if let Some(s) = mag_src {
        eprintln!("{s}");
    }
    let mut out = open_output(args.output.as_deref())?;
    match args.format {
        TableFormat::Csv => writeln!(out, "{COLUMNS}")?,
        TableFormat::Json => write!(out, "[")?,
    }
    // Objects are formatted in parallel a window at a time (bounded by rows, so memory
    // stays small for long grids) and written in input order.
    let window_objects = (WINDOW_ROWS / grid.len().max(1)).clamp(1, WINDOW_OBJECTS);
    let mut ok = 0;
    let mut first = true;
    for (w, (els, ms)) in loaded
        .elements
        .chunks(window_objects)
        .zip(mags.chunks(window_objects))
        .enumerate()
    {
        let results: Vec<(String, Option<String>)> = els
            .par_iter()
            .zip(ms.par_iter())
            .enumerate()
            .map(|(j, (el, mag))| {
                let i = w * window_objects + j;
                let mut text = String::new();
                let sat = match Sgp4::new(el) {
                    Ok(s) => s,
                    Err(e) => {
                        return (
                            text,
                            Some(format!(
                                "object {}: cannot initialise SGP4: {e}",
                                el.norad_cat_id
                            )),
                        )
                    }
                };
                for (k, t) in grid.iter().enumerate() {
                    match predict(&sat, &site.geodetic, *t, &eop, &opts, *mag) {
                        Ok(p) => row(
                            el.norad_cat_id,
                            &p,
                            args.format,
                            i == 0 && k == 0,
                            &mut text,
                        ),
                        Err(e) => {
                            return (
                                text,
                                Some(format!("object {} stopped: {e}", el.norad_cat_id)),
                            )
                        }
                    }
                }
                (text, None)
            })
            .collect();
        for (text, warning) in results {
            if let Some(w) = warning {
                eprintln!("warning: {w}");
            }
            if !text.is_empty() {
                ok += 1;
                // In JSON the first row of a later object still needs its comma.
                let t = if args.format == TableFormat::Json && !first && !text.starts_with(',') {
                    format!(",{text}")
                } else if args.format == TableFormat::Json && first && text.starts_with(',') {
                    text[1..].to_string()
                } else {
                    text
                };
                first = false;
                out.write_all(t.as_bytes())?;
            }
        }
    }
    if args.format == TableFormat::Json {
        writeln!(out, "]")?;
    }
    out.flush()?;
    if ok == 0 && !grid.is_empty() {
        bail!(
            "no object of {} could be predicted",
            args.elements.display()
        );
    }
    Ok(())
}
