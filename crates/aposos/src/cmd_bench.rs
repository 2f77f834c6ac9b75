//! `aposos bench sgp4`: catalog propagation throughput, one JSON line.

use crate::cli::BenchSgp4Args;
use crate::elements_io;
use crate::times;
use crate::UsageError;
use aposos_formats::Epoch;
use aposos_orbit::simd::propagate_grid_utc_fast;
use aposos_orbit::{propagate_grid_utc, Sgp4};
use std::time::Instant;

/// Propagates every object over the span into preallocated memory and prints
/// `{"objects":N,"propagations":N,"seconds":S,"props_per_s":R,"errors":E}`;
/// `errors` counts objects that could not be initialised or stopped with an error.
pub fn run_sgp4(args: &BenchSgp4Args) -> anyhow::Result<()> {
    let valid = args.step_min.is_finite()
        && args.step_min > 0.0
        && args.minutes.is_finite()
        && args.minutes >= 0.0;
    if !valid {
        return Err(UsageError(format!(
            "--minutes must be ≥ 0 and --step-min > 0 (found {} and {})",
            args.minutes, args.step_min
        ))
        .into());
    }
    let loaded = elements_io::load(&args.elements, args.lenient)?;
    let mut init_errors = 0usize;
    let sats: Vec<Sgp4> = loaded
        .elements
        .iter()
        .filter_map(|el| match Sgp4::new(el) {
            Ok(s) => Some(s),
            Err(_) => {
                init_errors += 1;
                None
            }
        })
        .collect();
    // A common UTC grid from the newest epoch, as a prediction for the next day would use
    // (and as python-sgp4's and astroz's SatrecArray are driven in bench/compare-sgp4).
    let start = loaded
        .elements
        .iter()
        .map(|e| e.epoch)
        .max()
        .unwrap_or(Epoch::from_ns_since_1950(0));
    let offsets = times::range(0.0, args.minutes, args.step_min).map_err(UsageError)?;
    let grid: Vec<Epoch> = offsets
        .iter()
        .map(|m| start.add_ns((m * 60e9).round() as i64))
        .collect();
    let cells = sats.len() * grid.len();
    // Zeroed allocations are mapped lazily, so first-touch page faults fall inside the
    // timed region, as they do for numpy's output arrays in python-sgp4 and astroz.
    let mut pos_km = vec![[0.0f64; 3]; cells];
    let mut vel_km_s = vec![[0.0f64; 3]; cells];
    let mut err = vec![0u8; cells];
    let t0 = Instant::now();
    if args.scalar {
        propagate_grid_utc(&sats, &grid, &mut pos_km, &mut vel_km_s, &mut err)?;
    } else {
        propagate_grid_utc_fast(&sats, &grid, &mut pos_km, &mut vel_km_s, &mut err)?;
    }
    let seconds = t0.elapsed().as_secs_f64();
    let failed_objects = if grid.is_empty() {
        0
    } else {
        err.chunks(grid.len())
            .filter(|row| row.iter().any(|&e| e != 0))
            .count()
    };
    // Keep the results alive so the work cannot be optimised away.
    std::hint::black_box((&pos_km, &vel_km_s));
    println!(
        "{{\"objects\":{},\"propagations\":{},\"seconds\":{:.6},\"props_per_s\":{:.0},\"errors\":{}}}",
        loaded.elements.len(),
        cells,
        seconds,
        cells as f64 / seconds.max(1e-12),
        failed_objects + init_errors
    );
    Ok(())
}
