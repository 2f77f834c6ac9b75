//! `aposos bench sgp4`: catalog propagation throughput, one JSON line.

use crate::cli::BenchSgp4Args;
use crate::elements_io;
use crate::times;
use crate::UsageError;
use aposos_orbit::Sgp4;
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
    let grid = times::range(0.0, args.minutes, args.step_min).map_err(UsageError)?;
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
    let cells = sats.len() * grid.len();
    // Allocate and touch the output before timing, as a caller reusing buffers would.
    let mut pos_km = vec![[0.0f64; 3]; cells];
    let mut vel_km_s = vec![[0.0f64; 3]; cells];
    let mut err = vec![0u8; cells];
    let t0 = Instant::now();
    propagate(
        &sats,
        &grid,
        &mut pos_km,
        &mut vel_km_s,
        &mut err,
        args.scalar,
    );
    let seconds = t0.elapsed().as_secs_f64();
    let mut failed_objects = 0usize;
    if !grid.is_empty() {
        for row in err.chunks(grid.len()) {
            if row.iter().any(|&e| e != 0) {
                failed_objects += 1;
            }
        }
    }
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

fn propagate(
    sats: &[Sgp4],
    grid: &[f64],
    pos_km: &mut [[f64; 3]],
    vel_km_s: &mut [[f64; 3]],
    err: &mut [u8],
    _scalar: bool,
) {
    use rayon::prelude::*;
    if grid.is_empty() {
        return;
    }
    pos_km
        .par_chunks_mut(grid.len())
        .zip(vel_km_s.par_chunks_mut(grid.len()))
        .zip(err.par_chunks_mut(grid.len()))
        .zip(sats.par_iter())
        .for_each(|(((p, v), e), sat)| {
            for (k, &t) in grid.iter().enumerate() {
                match sat.propagate(t) {
                    Ok(s) => {
                        p[k] = s.position_km;
                        v[k] = s.velocity_km_s;
                    }
                    Err(x) => {
                        e[k..].fill(x.code());
                        break;
                    }
                }
            }
        });
}
