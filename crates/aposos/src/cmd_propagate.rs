//! `aposos propagate`: TEME states of element sets at minutes since epoch or UTC times.

use crate::cli::{PropagateArgs, TableFormat};
use crate::elements_io;
use crate::progress::Progress;
use crate::times;
use crate::UsageError;
use anyhow::{bail, Context};
use aposos_formats::{ElementSet, Epoch};
use aposos_orbit::{ResonanceState, Sgp4};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::io::Write;

/// The times to propagate to.
enum Times {
    /// Minutes since each object's epoch.
    Tsince(Vec<f64>),
    /// UTC instants, with their ISO text.
    Utc(Vec<(Epoch, String)>),
}

impl Times {
    fn len(&self) -> usize {
        match self {
            Self::Tsince(t) => t.len(),
            Self::Utc(t) => t.len(),
        }
    }
}

/// Rows formatted in parallel per window (bounds memory), then written in order.
const WINDOW_ROWS: usize = 1_000_000;
/// Most objects per window.
const WINDOW_OBJECTS: usize = 512;

/// Runs the propagation; exit code 0 unless no object could be propagated at all.
pub fn run(args: &PropagateArgs) -> anyhow::Result<()> {
    let times = match (&args.tsince, &args.from, &args.to, args.step) {
        (Some(list), _, _, _) => Times::Tsince(
            times::parse_tsince_list(list).map_err(|e| UsageError(format!("--tsince: {e}")))?,
        ),
        (None, Some(from), Some(to), Some(step)) => Times::Utc(
            times::utc_grid(from, to, step)
                .map_err(UsageError)?
                .into_iter()
                .map(|e| (e, format!("{}Z", e.to_iso())))
                .collect(),
        ),
        _ => {
            return Err(UsageError("give --tsince LIST, or --from, --to and --step".into()).into())
        }
    };
    let loaded = elements_io::load(&args.elements, args.lenient)?;
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let time_column = match times {
        Times::Tsince(_) => "tsince_min",
        Times::Utc(_) => "time_utc",
    };
    match args.format {
        TableFormat::Csv => writeln!(
            out,
            "norad,{time_column},x_km,y_km,z_km,vx_km_s,vy_km_s,vz_km_s"
        )?,
        TableFormat::Json => write!(out, "[")?,
    }
    let mut progress = Progress::new(loaded.elements.len() as u64, "propagating");
    let mut propagated_objects = 0usize;
    let mut first_row = true;
    let window_objects = (WINDOW_ROWS / times.len().max(1)).clamp(1, WINDOW_OBJECTS);
    for window in loaded.elements.chunks(window_objects) {
        let results: Vec<ObjectRows> = window
            .par_iter()
            .map(|el| object_rows(el, &times, args.format, time_column))
            .collect();
        for r in results {
            if let Some(w) = &r.warning {
                eprintln!("warning: {w}");
            }
            if r.rows > 0 {
                propagated_objects += 1;
                if args.format == TableFormat::Json && !r.text.is_empty() {
                    if !first_row {
                        out.write_all(b",")?;
                    }
                    first_row = false;
                }
                out.write_all(r.text.as_bytes())?;
            }
        }
        progress.inc(window.len() as u64);
    }
    progress.finish();
    if args.format == TableFormat::Json {
        writeln!(out, "]")?;
    }
    out.flush()?;
    if propagated_objects == 0 && times.len() > 0 {
        bail!(
            "no object of {} could be propagated ({} object(s) read)",
            args.elements.display(),
            loaded.elements.len()
        );
    }
    Ok(())
}

/// The formatted rows of one object and the warning that stopped it, if any.
struct ObjectRows {
    text: String,
    rows: usize,
    warning: Option<String>,
}

fn object_rows(
    el: &ElementSet,
    times: &Times,
    format: TableFormat,
    time_column: &str,
) -> ObjectRows {
    let norad = el.norad_cat_id;
    let mut text = String::new();
    let sat = match Sgp4::new(el) {
        Ok(s) => s,
        Err(e) => {
            return ObjectRows {
                text,
                rows: 0,
                warning: Some(format!("object {norad}: cannot initialise SGP4: {e}")),
            }
        }
    };
    let mut rows = 0;
    // Carried along the object's times: deep-space resonance integration stays linear in time.
    let mut resonance = ResonanceState::default();
    for i in 0..times.len() {
        let (tsince, label) = match times {
            Times::Tsince(t) => (t[i], None),
            Times::Utc(t) => (t[i].0.minutes_since(el.epoch), Some(t[i].1.as_str())),
        };
        let state = match sat.propagate_with_state(tsince, &mut resonance) {
            Ok(s) => s,
            Err(e) => {
                let at = label.map_or_else(
                    || format!("tsince {tsince} min"),
                    |l| format!("{l} (tsince {tsince:.6} min)"),
                );
                return ObjectRows {
                    text,
                    rows,
                    warning: Some(format!("object {norad} stopped at {at}: {e}")),
                };
            }
        };
        let [x, y, z] = state.position_km;
        let [vx, vy, vz] = state.velocity_km_s;
        // Writing into a String cannot fail.
        let _ = match (format, label) {
            (TableFormat::Csv, None) => writeln!(
                text,
                "{norad},{tsince},{x:.8},{y:.8},{z:.8},{vx:.9},{vy:.9},{vz:.9}"
            ),
            (TableFormat::Csv, Some(l)) => writeln!(
                text,
                "{norad},{l},{x:.8},{y:.8},{z:.8},{vx:.9},{vy:.9},{vz:.9}"
            ),
            (TableFormat::Json, _) => {
                let sep = if rows == 0 { "" } else { "," };
                let t = label.map_or_else(|| format!("{tsince}"), |l| format!("\"{l}\""));
                write!(
                    text,
                    "{sep}\n{{\"norad\":{norad},\"{time_column}\":{t},\"x_km\":{x:.8},\"y_km\":{y:.8},\"z_km\":{z:.8},\"vx_km_s\":{vx:.9},\"vy_km_s\":{vy:.9},\"vz_km_s\":{vz:.9}}}"
                )
            }
        };
        rows += 1;
    }
    ObjectRows {
        text,
        rows,
        warning: None,
    }
}
