//! `aposos demo`: propagate the demo catalog over a day and print a summary.

use crate::cli::DemoArgs;
use crate::demo_data;
use crate::progress::Progress;
use anyhow::{bail, Context};
use aposos_formats::{write_elements, ElementSet, Epoch, Format};
use aposos_orbit::simd::propagate_grid_utc_fast;
use aposos_orbit::Sgp4;
use std::collections::BTreeMap;
use std::time::Instant;

/// Orbit regime from mean motion and eccentricity (the usual SATCAT-style classes).
fn regime(el: &ElementSet) -> &'static str {
    let n = el.mean_motion_rev_per_day;
    let e = el.eccentricity;
    if e >= 0.25 {
        "HEO"
    } else if n >= 11.25 {
        "LEO"
    } else if (0.99..=1.01).contains(&n) && e < 0.01 {
        "GEO"
    } else if n > 1.01 {
        "MEO"
    } else {
        "other"
    }
}

/// What one object did over the span.
struct ObjectSummary {
    states: usize,
    error: Option<String>,
    min_radius_km: f64,
    max_radius_km: f64,
}

/// Runs the demo.
pub fn run(args: &DemoArgs) -> anyhow::Result<()> {
    if !(args.hours.is_finite() && args.hours > 0.0 && args.hours <= 24.0 * 366.0) {
        return Err(crate::UsageError(format!(
            "--hours must be in (0, 8784], found {}",
            args.hours
        ))
        .into());
    }
    let cat = demo_data::load(&args.data_dir, args.synthetic, args.synthetic_count)?;
    if cat.elements.is_empty() {
        bail!("the demo catalog is empty");
    }
    if let Some(path) = &args.export {
        export(&cat.elements, path)?;
    }
    let Some(latest) = cat.elements.iter().map(|e| e.epoch).max() else {
        bail!("the demo catalog is empty");
    };
    let oldest = cat.elements.iter().map(|e| e.epoch).min().unwrap_or(latest);
    // Start on the whole minute after the newest epoch, as a prediction for the next day would.
    let minute_ns = 60_000_000_000i64;
    let start = Epoch::from_ns_since_1950(
        latest.ns_since_1950().div_euclid(minute_ns) * minute_ns + minute_ns,
    );
    let steps = (args.hours * 60.0).round() as usize + 1;

    println!("APOSOS demo");
    println!("  catalog:  {}", cat.source);
    println!(
        "            {} objects, epochs {} to {}{}",
        cat.elements.len(),
        oldest.to_iso(),
        latest.to_iso(),
        if cat.rejected > 0 {
            format!(", {} record(s) refused", cat.rejected)
        } else {
            String::new()
        }
    );
    let mut regimes: BTreeMap<&str, usize> = BTreeMap::new();
    for el in &cat.elements {
        *regimes.entry(regime(el)).or_default() += 1;
    }
    println!(
        "  regimes:  {}",
        regimes
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(src) = &cat.satcat_source {
        let joined: Vec<_> = cat
            .elements
            .iter()
            .filter_map(|e| cat.satcat.get(&e.norad_cat_id))
            .collect();
        let mut owners: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &joined {
            *owners.entry(r.owner.as_str()).or_default() += 1;
        }
        let mut owners: Vec<_> = owners.into_iter().collect();
        owners.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        println!("  SATCAT:   {src}");
        println!(
            "            {} rows{}; {} of {} objects matched by catalog number; top owners: {}",
            cat.satcat.len(),
            if cat.satcat_rejected > 0 {
                format!(" ({} refused)", cat.satcat_rejected)
            } else {
                String::new()
            },
            joined.len(),
            cat.elements.len(),
            owners
                .iter()
                .take(6)
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    } else {
        println!("  SATCAT:   not loaded (run scripts/fetch-demo-data)");
    }

    let t0 = Instant::now();
    let grid: Vec<Epoch> = (0..steps as i64)
        .map(|k| start.add_ns(k * minute_ns))
        .collect();
    let mut progress = Progress::new(cat.elements.len() as u64, "propagating");
    let mut summaries: Vec<ObjectSummary> = Vec::with_capacity(cat.elements.len());
    let mut buffers = GridBuffers::default();
    let chunk_objects = (CHUNK_CELLS / grid.len().max(1)).clamp(1, CHUNK_OBJECTS);
    for chunk in cat.elements.chunks(chunk_objects) {
        summaries.extend(summarise_chunk(chunk, &grid, &mut buffers)?);
        progress.inc(chunk.len() as u64);
    }
    progress.finish();
    let seconds = t0.elapsed().as_secs_f64();
    let states: usize = summaries.iter().map(|s| s.states).sum();
    let failed: Vec<(&ElementSet, &ObjectSummary)> = cat
        .elements
        .iter()
        .zip(&summaries)
        .filter(|(_, s)| s.error.is_some())
        .collect();
    println!(
        "  propagated: {} h from {}Z at 1 min steps: {} states in {:.3} s ({:.1} M states/s on {} threads)",
        args.hours,
        start.to_iso(),
        states,
        seconds,
        states as f64 / seconds.max(1e-9) / 1e6,
        rayon::current_num_threads()
    );
    let in_band = |lo: f64, hi: f64| {
        summaries
            .iter()
            .filter(|s| s.states > 0 && s.min_radius_km >= lo && s.max_radius_km < hi)
            .count()
    };
    println!(
        "  altitude over the span: {} objects always below 2,000 km, {} always in the GEO belt (35,586-35,986 km), {} crossing regimes",
        in_band(0.0, 6378.137 + 2000.0),
        in_band(6378.137 + 35_586.0, 6378.137 + 35_986.0),
        summaries.iter().filter(|s| s.states > 0 && s.min_radius_km < 6378.137 + 2000.0 && s.max_radius_km >= 6378.137 + 2000.0).count()
    );
    println!("  stopped with an SGP4 error: {} objects", failed.len());
    for (el, s) in failed.iter().take(5) {
        println!(
            "    {} {}: {}",
            el.norad_cat_id,
            el.object_name.as_deref().unwrap_or(""),
            s.error.as_deref().unwrap_or("")
        );
    }
    Ok(())
}

/// Most objects propagated per SIMD batch.
const CHUNK_OBJECTS: usize = 2048;
/// Most states per SIMD batch (bounds the memory of the grid: 49 bytes a state).
const CHUNK_CELLS: usize = 4_000_000;

/// Reused output grids of the batch propagator.
#[derive(Default)]
struct GridBuffers {
    pos_km: Vec<[f64; 3]>,
    vel_km_s: Vec<[f64; 3]>,
    err: Vec<u8>,
}

/// Propagates a chunk of objects over the grid with the SIMD batch and summarises each.
fn summarise_chunk(
    chunk: &[ElementSet],
    grid: &[Epoch],
    buf: &mut GridBuffers,
) -> anyhow::Result<Vec<ObjectSummary>> {
    let mut out: Vec<ObjectSummary> = Vec::with_capacity(chunk.len());
    let mut sats = Vec::with_capacity(chunk.len());
    let mut slot = Vec::with_capacity(chunk.len());
    for el in chunk {
        match Sgp4::new(el) {
            Ok(sat) => {
                slot.push(Some(sats.len()));
                sats.push(sat);
            }
            Err(_) => slot.push(None),
        }
    }
    let cells = sats.len() * grid.len();
    buf.pos_km.resize(cells, [0.0; 3]);
    buf.vel_km_s.resize(cells, [0.0; 3]);
    buf.err.resize(cells, 0);
    propagate_grid_utc_fast(
        &sats,
        grid,
        &mut buf.pos_km[..cells],
        &mut buf.vel_km_s[..cells],
        &mut buf.err[..cells],
    )?;
    let nt = grid.len();
    for (el, slot) in chunk.iter().zip(slot) {
        let mut s = ObjectSummary {
            states: 0,
            error: None,
            min_radius_km: f64::INFINITY,
            max_radius_km: 0.0,
        };
        let Some(i) = slot else {
            let why = Sgp4::new(el)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            s.error = Some(format!("cannot initialise: {why}"));
            out.push(s);
            continue;
        };
        for (k, &t) in grid.iter().enumerate() {
            let cell = i * nt + k;
            if buf.err[cell] != 0 {
                // Like Vallado's driver, an object stops at its first error; the scalar
                // propagator gives the full message.
                let why = sats[i]
                    .propagate_to(t)
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_else(|| format!("error code {}", buf.err[cell]));
                s.error = Some(format!("at +{k} min: {why}"));
                break;
            }
            let [x, y, z] = buf.pos_km[cell];
            let r = (x * x + y * y + z * z).sqrt();
            s.min_radius_km = s.min_radius_km.min(r);
            s.max_radius_km = s.max_radius_km.max(r);
            s.states += 1;
        }
        out.push(s);
    }
    Ok(out)
}

fn export(elements: &[ElementSet], path: &std::path::Path) -> anyhow::Result<()> {
    let format = match path.extension().and_then(|e| e.to_str()) {
        Some("tle") => Format::Tle,
        Some("3le") | Some("txt") => Format::ThreeLe,
        Some("json") => Format::OmmJson,
        Some("xml") => Format::OmmXml,
        Some("kvn") | Some("omm") => Format::OmmKvn,
        Some("csv") => Format::OmmCsv,
        _ => {
            return Err(crate::UsageError(format!(
                "--export {}: use an extension .tle, .3le, .txt, .json, .xml, .kvn or .csv",
                path.display()
            ))
            .into())
        }
    };
    let text = write_elements(elements, format).context("cannot write the demo catalog")?;
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}
