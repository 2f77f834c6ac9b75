//! Batch propagation of a catalog over a time grid with the scalar SGP4, in parallel.
//!
//! Outputs are preallocated row-major `satellites × times` slices (TEME km,
//! km/s, error code with 0 = ok), filled by rayon tasks that each take a chunk
//! of satellites; nothing is allocated per step. Like Vallado's driver, which
//! stops an object at its first error, a satellite's cells after its first
//! error (in the order of the time slice) carry that error code and NaN states.
//! Deep-space rows carry the resonance integrator along the row
//! ([`Sgp4::propagate_with_state`]): same bits as [`Sgp4::propagate`], and only
//! the new 720-min steps are integrated when times increase away from epoch.

use aposos_formats::Epoch;
use rayon::prelude::*;

use crate::sgp4::{ResonanceState, Sgp4};

/// Satellites per rayon task.
const SATS_PER_TASK: usize = 16;

/// Why a batch could not run: an output slice does not fit the grid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// An output slice's length is not `satellites × times`.
    #[error("output `{name}` has {got} cells, the grid needs {satellites} × {times}")]
    OutputLength {
        /// Which output (`out_pos_km`, `out_vel_km_s` or `out_err`).
        name: &'static str,
        /// Its length.
        got: usize,
        /// Number of satellites (rows).
        satellites: usize,
        /// Number of times (columns).
        times: usize,
    },
}

/// Propagates every satellite to every time in minutes since its own epoch; outputs row-major `sats × times` (TEME km, km/s, error code, 0 = ok).
///
/// After a satellite's first error, its remaining cells (in `tsince_min` order)
/// carry that code and NaN states; erring cells hold NaN too.
pub fn propagate_grid(
    sats: &[Sgp4],
    tsince_min: &[f64],
    out_pos_km: &mut [[f64; 3]],
    out_vel_km_s: &mut [[f64; 3]],
    out_err: &mut [u8],
) -> Result<(), BatchError> {
    run_grid(
        sats,
        tsince_min.len(),
        |_, j| tsince_min[j],
        out_pos_km,
        out_vel_km_s,
        out_err,
    )
}

/// Propagates every satellite to every UTC instant of a common grid (minutes from each satellite's epoch); outputs as [`propagate_grid`].
pub fn propagate_grid_utc(
    sats: &[Sgp4],
    times_utc: &[Epoch],
    out_pos_km: &mut [[f64; 3]],
    out_vel_km_s: &mut [[f64; 3]],
    out_err: &mut [u8],
) -> Result<(), BatchError> {
    run_grid(
        sats,
        times_utc.len(),
        |sat, j| times_utc[j].minutes_since(sat.epoch()),
        out_pos_km,
        out_vel_km_s,
        out_err,
    )
}

/// Checks that an output slice holds `satellites × times` cells.
pub(crate) fn check_len(
    name: &'static str,
    got: usize,
    satellites: usize,
    times: usize,
) -> Result<(), BatchError> {
    if satellites.checked_mul(times) == Some(got) {
        Ok(())
    } else {
        Err(BatchError::OutputLength {
            name,
            got,
            satellites,
            times,
        })
    }
}

/// Fills the grid; `tsince(sat, j)` gives minutes since `sat`'s epoch of column `j`.
fn run_grid<F>(
    sats: &[Sgp4],
    nt: usize,
    tsince: F,
    out_pos_km: &mut [[f64; 3]],
    out_vel_km_s: &mut [[f64; 3]],
    out_err: &mut [u8],
) -> Result<(), BatchError>
where
    F: Fn(&Sgp4, usize) -> f64 + Sync,
{
    let ns = sats.len();
    check_len("out_pos_km", out_pos_km.len(), ns, nt)?;
    check_len("out_vel_km_s", out_vel_km_s.len(), ns, nt)?;
    check_len("out_err", out_err.len(), ns, nt)?;
    if ns == 0 || nt == 0 {
        return Ok(());
    }
    let cells = SATS_PER_TASK * nt;
    sats.par_chunks(SATS_PER_TASK)
        .zip(out_pos_km.par_chunks_mut(cells))
        .zip(out_vel_km_s.par_chunks_mut(cells))
        .zip(out_err.par_chunks_mut(cells))
        .for_each(|(((chunk, pos), vel), err)| {
            let rows = pos
                .chunks_mut(nt)
                .zip(vel.chunks_mut(nt))
                .zip(err.chunks_mut(nt));
            for (sat, ((pos, vel), err)) in chunk.iter().zip(rows) {
                fill_row(sat, &tsince, pos, vel, err);
            }
        });
    Ok(())
}

/// One satellite's row: states until the first error, then that error to the end.
fn fill_row<F>(sat: &Sgp4, tsince: &F, pos: &mut [[f64; 3]], vel: &mut [[f64; 3]], err: &mut [u8])
where
    F: Fn(&Sgp4, usize) -> f64,
{
    let mut failed: u8 = 0;
    let mut resonance = ResonanceState::default();
    for (j, ((p, v), e)) in pos
        .iter_mut()
        .zip(vel.iter_mut())
        .zip(err.iter_mut())
        .enumerate()
    {
        if failed == 0 {
            match sat.propagate_with_state(tsince(sat, j), &mut resonance) {
                Ok(s) => {
                    *p = s.position_km;
                    *v = s.velocity_km_s;
                    *e = 0;
                    continue;
                }
                Err(x) => failed = x.code(),
            }
        }
        *p = [f64::NAN; 3];
        *v = [f64::NAN; 3];
        *e = failed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::generate_catalog;
    use aposos_formats::{parse_tle, TleOptions};

    /// Vallado's verification objects (33), initialised.
    fn vallado_sats() -> Vec<Sgp4> {
        let text = include_str!("../../../tests/data/SGP4-VER.TLE");
        let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        let mut out = Vec::new();
        for pair in lines.windows(2) {
            let (l1, l2) = (pair[0], pair[1]);
            if l1.starts_with("1 ") && l2.starts_with("2 ") {
                let l2 = l2.get(..69).unwrap_or(l2);
                let (el, _) = parse_tle(None, l1, l2, &TleOptions { lenient: true }).unwrap();
                out.push(Sgp4::new(&el).unwrap());
            }
        }
        assert_eq!(out.len(), 33);
        out
    }

    fn catalog() -> Vec<Sgp4> {
        let reference = Epoch::parse_iso("2026-04-20T00:00:00").unwrap();
        let mut sats = vallado_sats();
        sats.extend(
            generate_catalog(300, 7, reference)
                .iter()
                .filter_map(|o| Sgp4::new(&o.elements).ok()),
        );
        sats
    }

    /// Scalar reference for one row with the carry-forward rule.
    fn expected_row(sat: &Sgp4, ts: &[f64]) -> Vec<(Option<[f64; 6]>, u8)> {
        let mut failed = 0;
        ts.iter()
            .map(|&t| {
                if failed != 0 {
                    return (None, failed);
                }
                match sat.propagate(t) {
                    Ok(s) => {
                        let (r, v) = (s.position_km, s.velocity_km_s);
                        (Some([r[0], r[1], r[2], v[0], v[1], v[2]]), 0)
                    }
                    Err(e) => {
                        failed = e.code();
                        (None, failed)
                    }
                }
            })
            .collect()
    }

    fn check_grid(
        sats: &[Sgp4],
        ts_of: impl Fn(&Sgp4) -> Vec<f64>,
        pos: &[[f64; 3]],
        vel: &[[f64; 3]],
        err: &[u8],
    ) -> usize {
        let nt = pos.len() / sats.len();
        let mut errors = 0;
        for (i, sat) in sats.iter().enumerate() {
            for (j, (state, code)) in expected_row(sat, &ts_of(sat)).into_iter().enumerate() {
                let k = i * nt + j;
                assert_eq!(err[k], code, "sat {i} time {j}");
                match state {
                    Some(s) => {
                        // Same code path: identical bits.
                        assert_eq!(pos[k], [s[0], s[1], s[2]]);
                        assert_eq!(vel[k], [s[3], s[4], s[5]]);
                    }
                    None => {
                        errors += 1;
                        assert!(pos[k].iter().chain(&vel[k]).all(|x| x.is_nan()));
                    }
                }
            }
        }
        errors
    }

    #[test]
    fn grid_matches_scalar_with_errors_carried() {
        let sats = catalog();
        // Vallado's 23333 (error 1 at 1560 min) and 28872 (error 6 at 55 min) fail inside this grid.
        let ts: Vec<f64> = (-10..=400).map(|k| k as f64 * 5.0).collect();
        let n = sats.len() * ts.len();
        let mut pos = vec![[0.0; 3]; n];
        let mut vel = vec![[0.0; 3]; n];
        let mut err = vec![255u8; n];
        propagate_grid(&sats, &ts, &mut pos, &mut vel, &mut err).unwrap();
        let errors = check_grid(&sats, |_| ts.clone(), &pos, &vel, &err);
        assert!(errors > 0);
        assert!(err.contains(&6));
        // 28872: an error then only that error to the end of the row.
        let i = sats.iter().position(|s| s.norad_cat_id() == 28872).unwrap();
        let row = &err[i * ts.len()..(i + 1) * ts.len()];
        let first = row.iter().position(|&e| e != 0).unwrap();
        assert!(row[first..].iter().all(|&e| e == 6));
    }

    #[test]
    fn utc_grid_matches_scalar() {
        let sats = catalog();
        let start = Epoch::parse_iso("2026-04-20T00:00:00").unwrap();
        let times: Vec<Epoch> = (0..50).map(|k| start.add_ns(k * 600_000_000_000)).collect();
        let n = sats.len() * times.len();
        let mut pos = vec![[0.0; 3]; n];
        let mut vel = vec![[0.0; 3]; n];
        let mut err = vec![255u8; n];
        propagate_grid_utc(&sats, &times, &mut pos, &mut vel, &mut err).unwrap();
        let ts_of = |s: &Sgp4| times.iter().map(|t| t.minutes_since(s.epoch())).collect();
        check_grid(&sats, ts_of, &pos, &vel, &err);
        assert!(err.contains(&0));
    }

    #[test]
    fn deep_space_rows_carry_the_resonance_in_any_time_order() {
        let sats = vallado_sats();
        assert!(sats.iter().filter(|s| s.is_deep_space()).count() > 10);
        // Increasing from epoch (the integrator continues), then back, across
        // epoch, on and off the 720-min grid, far off and repeated.
        let mut ts: Vec<f64> = (0..40).map(|k| k as f64 * 997.5).collect();
        ts.extend([
            1.0e5, 3.0e4, -2.0e4, -1.0e5, -720.0, 0.0, 1440.0, 1440.0, 5.0e5,
        ]);
        ts.extend((0..20).map(|k| -1.0e4 - k as f64 * 1500.25));
        let n = sats.len() * ts.len();
        let mut pos = vec![[0.0; 3]; n];
        let mut vel = vec![[0.0; 3]; n];
        let mut err = vec![255u8; n];
        propagate_grid(&sats, &ts, &mut pos, &mut vel, &mut err).unwrap();
        // `check_grid` compares with the stateless `propagate`: identical bits.
        check_grid(&sats, |_| ts.clone(), &pos, &vel, &err);
        assert!(err.contains(&0));
    }

    #[test]
    fn wrong_shapes_are_errors_and_empty_grids_are_fine() {
        let sats = vallado_sats();
        let ts = [0.0, 10.0];
        let mut pos = vec![[0.0; 3]; sats.len() * 2];
        let mut vel = vec![[0.0; 3]; sats.len() * 2 - 1];
        let mut err = vec![0u8; sats.len() * 2];
        let e = propagate_grid(&sats, &ts, &mut pos, &mut vel, &mut err).unwrap_err();
        assert!(matches!(
            e,
            BatchError::OutputLength {
                name: "out_vel_km_s",
                ..
            }
        ));
        assert!(!e.to_string().is_empty());
        propagate_grid(&sats, &[], &mut [], &mut [], &mut []).unwrap();
        propagate_grid(&[], &ts, &mut [], &mut [], &mut []).unwrap();
        propagate_grid_utc(&sats, &[], &mut [], &mut [], &mut []).unwrap();
    }
}
