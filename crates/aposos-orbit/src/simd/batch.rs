//! Catalog × time grids on the SIMD kernel, in parallel with rayon.
//!
//! Each near-earth satellite's row runs [`LANES`] times at once through
//! [`propagate_lanes`] (coefficients splatted, so no gathers and contiguous
//! stores). Deep-space rows run their secular part and resonance integrator in
//! scalar code per time (the integrator carried along the row, same bits as
//! [`Sgp4::propagate_with_state`]) and the rest [`LANES`] times at once through
//! [`propagate_deep_lanes`]. Any entry whose lane reports an error or a
//! non-finite state is recomputed with the scalar [`Sgp4::propagate_with_state`],
//! so outputs and error codes are the scalar code's.
//!
//! The lane code is compiled three times: for AVX-512, for AVX2+FMA (x86_64,
//! picked at run time with `is_x86_feature_detected!`) and portably for other
//! architectures (aarch64 NEON has FMA). An x86_64 CPU without AVX2+FMA uses the
//! scalar code, as the exact `fmod` and range reduction need a fused multiply-add.

// Index loops over lanes are the shape LLVM vectorizes best.
#![allow(clippy::needless_range_loop)]

use aposos_formats::Epoch;
use rayon::prelude::*;

use super::deep_space::{deep_secular, propagate_deep_lanes, DeepCoefs, DeepMean, DeepRowState};
use super::lanes::{F64x, LANES};
use super::near_earth::{propagate_lanes, CoefLanes, NearEarthSoa};
use crate::batch::{check_len, BatchError};
use crate::sgp4::{ResonanceState, Sgp4};

/// The instruction set the lane kernel runs with on this machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimdLevel {
    /// x86_64 AVX-512F (8 lanes in one register).
    Avx512,
    /// x86_64 AVX2 with FMA (8 lanes in two registers).
    Avx2Fma,
    /// Portable lane code (aarch64 NEON and other targets with native FMA).
    Portable,
    /// No lane kernel: every entry goes through the scalar code (x86_64 without AVX2+FMA).
    Scalar,
}

/// The best [`SimdLevel`] this CPU supports, detected at run time.
pub fn detect_simd_level() -> SimdLevel {
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx512f")
            && is_x86_feature_detected!("avx2")
            && is_x86_feature_detected!("fma")
        {
            return SimdLevel::Avx512;
        }
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            return SimdLevel::Avx2Fma;
        }
        SimdLevel::Scalar
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        SimdLevel::Portable
    }
}

/// One satellite's row of the grid: times and the output slices to fill.
struct Row<'a, F> {
    sat: &'a Sgp4,
    nt: usize,
    tsince: &'a F,
    pos: &'a mut [[f64; 3]],
    vel: &'a mut [[f64; 3]],
    err: &'a mut [u8],
}

/// One near-earth satellite's row with the lane kernel; returns whether any entry erred.
#[inline(always)]
fn row_lanes<F: Fn(&Sgp4, usize) -> f64>(soa: &NearEarthSoa, k: usize, row: Row<'_, F>) -> bool {
    let Row {
        sat,
        nt,
        tsince,
        pos,
        vel,
        err,
    } = row;
    let c = CoefLanes::splat(soa, k);
    let mut any_err = false;
    let n = nt;
    let mut j = 0;
    while j < n {
        let m = (n - j).min(LANES);
        let mut t = [0.0f64; LANES];
        for l in 0..LANES {
            // Padding lanes repeat the last time.
            t[l] = tsince(sat, j + l.min(m - 1));
        }
        let s = propagate_lanes(&c, F64x(t));
        for l in 0..m {
            pos[j + l] = [s.r[0].0[l], s.r[1].0[l], s.r[2].0[l]];
            vel[j + l] = [s.v[0].0[l], s.v[1].0[l], s.v[2].0[l]];
            err[j + l] = s.err[l];
            any_err |= s.err[l] != 0;
        }
        j += m;
    }
    any_err
}

/// One deep-space satellite's row with the lane kernel; returns whether any entry erred.
///
/// The secular part runs per time in scalar code, carrying the resonance
/// integrator along the row; the rest runs [`LANES`] times at once.
#[inline(always)]
fn deep_row_lanes<F: Fn(&Sgp4, usize) -> f64>(row: Row<'_, F>) -> bool {
    let Row {
        sat,
        nt,
        tsince,
        pos,
        vel,
        err,
    } = row;
    let c = DeepCoefs::splat(sat);
    let mut state = DeepRowState::default();
    let mut mean = DeepMean::default();
    let mut any_err = false;
    let n = nt;
    let mut j = 0;
    while j < n {
        let m = (n - j).min(LANES);
        let mut t = [0.0f64; LANES];
        for l in 0..m {
            t[l] = tsince(sat, j + l);
            deep_secular(sat, t[l], &mut state, &mut mean, l);
        }
        // Padding lanes repeat the last time.
        for l in m..LANES {
            t[l] = t[m - 1];
            mean.em[l] = mean.em[m - 1];
            mean.argpm[l] = mean.argpm[m - 1];
            mean.inclm[l] = mean.inclm[m - 1];
            mean.mm[l] = mean.mm[m - 1];
            mean.nodem[l] = mean.nodem[m - 1];
            mean.nm[l] = mean.nm[m - 1];
            mean.tempa[l] = mean.tempa[m - 1];
            mean.tempe[l] = mean.tempe[m - 1];
            mean.templ[l] = mean.templ[m - 1];
        }
        let s = propagate_deep_lanes(&c, F64x(t), &mean);
        for l in 0..m {
            pos[j + l] = [s.r[0].0[l], s.r[1].0[l], s.r[2].0[l]];
            vel[j + l] = [s.v[0].0[l], s.v[1].0[l], s.v[2].0[l]];
            err[j + l] = s.err[l];
            any_err |= s.err[l] != 0;
        }
        j += m;
    }
    any_err
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx2,fma")]
fn deep_row_avx512<F: Fn(&Sgp4, usize) -> f64>(row: Row<'_, F>) -> bool {
    deep_row_lanes(row)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn deep_row_avx2<F: Fn(&Sgp4, usize) -> f64>(row: Row<'_, F>) -> bool {
    deep_row_lanes(row)
}

/// Runs one deep-space row at `level`; `None` when `level` has no lane kernel here.
fn deep_row_dispatch<F: Fn(&Sgp4, usize) -> f64>(
    level: SimdLevel,
    row: Row<'_, F>,
) -> Option<bool> {
    match level {
        #[cfg(target_arch = "x86_64")]
        SimdLevel::Avx512 => {
            if is_x86_feature_detected!("avx512dq") {
                // SAFETY: `level` is Avx512 only when `detect_simd_level` saw avx512f,
                // avx2 and fma on this CPU, and avx512dq was just checked.
                Some(unsafe { deep_row_avx512(row) })
            } else {
                // SAFETY: `detect_simd_level` returns Avx512 only after checking avx2 and fma too.
                Some(unsafe { deep_row_avx2(row) })
            }
        }
        #[cfg(target_arch = "x86_64")]
        SimdLevel::Avx2Fma => {
            // SAFETY: `level` is Avx2Fma only when avx2 and fma were detected on this CPU.
            Some(unsafe { deep_row_avx2(row) })
        }
        #[cfg(not(target_arch = "x86_64"))]
        SimdLevel::Portable => Some(deep_row_lanes(row)),
        _ => None,
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx2,fma")]
fn row_avx512<F: Fn(&Sgp4, usize) -> f64>(soa: &NearEarthSoa, k: usize, row: Row<'_, F>) -> bool {
    row_lanes(soa, k, row)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn row_avx2<F: Fn(&Sgp4, usize) -> f64>(soa: &NearEarthSoa, k: usize, row: Row<'_, F>) -> bool {
    row_lanes(soa, k, row)
}

/// Runs one near-earth row at `level`; `None` when `level` has no lane kernel here.
fn row_dispatch<F: Fn(&Sgp4, usize) -> f64>(
    level: SimdLevel,
    soa: &NearEarthSoa,
    k: usize,
    row: Row<'_, F>,
) -> Option<bool> {
    match level {
        #[cfg(target_arch = "x86_64")]
        SimdLevel::Avx512 => {
            // SAFETY: `level` is Avx512 only when `detect_simd_level` saw avx512f,
            // avx2 and fma on this CPU (avx512dq is checked here too).
            if is_x86_feature_detected!("avx512dq") {
                Some(unsafe { row_avx512(soa, k, row) })
            } else {
                // SAFETY: `detect_simd_level` returns Avx512 only after checking avx2 and fma too.
                Some(unsafe { row_avx2(soa, k, row) })
            }
        }
        #[cfg(target_arch = "x86_64")]
        SimdLevel::Avx2Fma => {
            // SAFETY: `level` is Avx2Fma only when avx2 and fma were detected on this CPU.
            Some(unsafe { row_avx2(soa, k, row) })
        }
        #[cfg(not(target_arch = "x86_64"))]
        SimdLevel::Portable => Some(row_lanes(soa, k, row)),
        _ => None,
    }
}

/// [`crate::batch::propagate_grid`] on the SIMD kernel: every satellite at every time in minutes since its own epoch; row-major `sats × times` (TEME km, km/s, error code, 0 = ok).
///
/// Same semantics: after a satellite's first error (in `tsince_min` order) its
/// remaining cells carry that code and NaN states. States equal the scalar
/// code's to within 1e-9 km and 1e-12 km/s.
pub fn propagate_grid_fast(
    sats: &[Sgp4],
    tsince_min: &[f64],
    out_pos_km: &mut [[f64; 3]],
    out_vel_km_s: &mut [[f64; 3]],
    out_err: &mut [u8],
) -> Result<(), BatchError> {
    propagate_grid_fast_with(
        detect_simd_level(),
        sats,
        tsince_min,
        out_pos_km,
        out_vel_km_s,
        out_err,
    )
}

/// [`crate::batch::propagate_grid_utc`] on the SIMD kernel: every satellite at every UTC instant (TEME km, km/s, error code), as [`propagate_grid_fast`].
pub fn propagate_grid_utc_fast(
    sats: &[Sgp4],
    times_utc: &[Epoch],
    out_pos_km: &mut [[f64; 3]],
    out_vel_km_s: &mut [[f64; 3]],
    out_err: &mut [u8],
) -> Result<(), BatchError> {
    propagate_grid_utc_fast_with(
        detect_simd_level(),
        sats,
        times_utc,
        out_pos_km,
        out_vel_km_s,
        out_err,
    )
}

/// As [`propagate_grid_fast`] at a chosen [`SimdLevel`] (lowered to what the CPU has).
pub fn propagate_grid_fast_with(
    level: SimdLevel,
    sats: &[Sgp4],
    tsince_min: &[f64],
    out_pos_km: &mut [[f64; 3]],
    out_vel_km_s: &mut [[f64; 3]],
    out_err: &mut [u8],
) -> Result<(), BatchError> {
    run_grid_fast(
        level,
        sats,
        tsince_min.len(),
        |_: &Sgp4, j: usize| tsince_min[j],
        out_pos_km,
        out_vel_km_s,
        out_err,
    )
}

/// As [`propagate_grid_utc_fast`] at a chosen [`SimdLevel`] (lowered to what the CPU has).
pub fn propagate_grid_utc_fast_with(
    level: SimdLevel,
    sats: &[Sgp4],
    times_utc: &[Epoch],
    out_pos_km: &mut [[f64; 3]],
    out_vel_km_s: &mut [[f64; 3]],
    out_err: &mut [u8],
) -> Result<(), BatchError> {
    run_grid_fast(
        level,
        sats,
        times_utc.len(),
        |sat: &Sgp4, j: usize| times_utc[j].minutes_since(sat.epoch()),
        out_pos_km,
        out_vel_km_s,
        out_err,
    )
}

/// Fills the grid; `tsince(sat, j)` gives minutes since `sat`'s epoch of column `j`.
fn run_grid_fast<F>(
    level: SimdLevel,
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
    let level = clamp_level(level);
    let soa = NearEarthSoa::from_records(sats);
    // Slot of each satellite in the SoA, if near-earth.
    let mut slot = vec![usize::MAX; ns];
    for (k, &i) in soa.source().iter().enumerate().take(soa.len()) {
        slot[i] = k;
    }

    out_pos_km
        .par_chunks_mut(nt)
        .zip(out_vel_km_s.par_chunks_mut(nt))
        .zip(out_err.par_chunks_mut(nt))
        .enumerate()
        .with_min_len(4)
        .for_each(|(i, ((pos, vel), err))| {
            let sat = &sats[i];
            let lanes = if slot[i] != usize::MAX {
                let row = Row {
                    sat,
                    nt,
                    tsince: &tsince,
                    pos: &mut *pos,
                    vel: &mut *vel,
                    err: &mut *err,
                };
                row_dispatch(level, &soa, slot[i], row)
            } else if sat.is_deep_space() {
                let row = Row {
                    sat,
                    nt,
                    tsince: &tsince,
                    pos: &mut *pos,
                    vel: &mut *vel,
                    err: &mut *err,
                };
                deep_row_dispatch(level, row)
            } else {
                None
            };
            // Cells from `first` on go through the scalar code with sticky errors.
            let first = match lanes {
                Some(false) => nt,
                Some(true) => err.iter().position(|&e| e != 0).unwrap_or(nt),
                None => 0,
            };
            let mut failed = 0u8;
            let mut resonance = ResonanceState::default();
            for j in first..nt {
                if failed == 0 {
                    // A lane error is confirmed (or not) by the scalar code.
                    if j > first && lanes.is_some() && err[j] == 0 {
                        continue;
                    }
                    match sat.propagate_with_state(tsince(sat, j), &mut resonance) {
                        Ok(s) => {
                            pos[j] = s.position_km;
                            vel[j] = s.velocity_km_s;
                            err[j] = 0;
                            continue;
                        }
                        Err(x) => failed = x.code(),
                    }
                }
                pos[j] = [f64::NAN; 3];
                vel[j] = [f64::NAN; 3];
                err[j] = failed;
            }
        });
    Ok(())
}

/// Lowers `level` to what this CPU supports.
fn clamp_level(level: SimdLevel) -> SimdLevel {
    let have = detect_simd_level();
    let rank = |l: SimdLevel| match l {
        SimdLevel::Scalar => 0,
        SimdLevel::Portable => 1,
        SimdLevel::Avx2Fma => 2,
        SimdLevel::Avx512 => 3,
    };
    if level == SimdLevel::Scalar {
        return SimdLevel::Scalar;
    }
    if rank(level) > rank(have) || (have == SimdLevel::Portable) != (level == SimdLevel::Portable) {
        have
    } else {
        level
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::generate_catalog;
    use aposos_formats::{parse_tle, ElementSet, TleOptions};

    /// Vallado's verification element sets with their (start, stop, step) in minutes.
    pub(crate) fn vallado_set() -> Vec<(ElementSet, f64, f64, f64)> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/SGP4-VER.TLE");
        let text = std::fs::read_to_string(path).unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        let mut out = Vec::new();
        for pair in lines.windows(2) {
            let (l1, l2) = (pair[0], pair[1]);
            if !(l1.starts_with("1 ") && l2.starts_with("2 ")) {
                continue;
            }
            let opts = TleOptions { lenient: true };
            let (el, _) = parse_tle(None, l1, &l2[..69], &opts).unwrap();
            let f: Vec<f64> = l2[69..]
                .split_whitespace()
                .map(|x| x.parse().unwrap())
                .collect();
            out.push((el, f[0], f[1], f[2]));
        }
        out
    }

    fn levels() -> Vec<SimdLevel> {
        let mut v = vec![detect_simd_level()];
        #[cfg(target_arch = "x86_64")]
        if detect_simd_level() == SimdLevel::Avx512 {
            v.push(SimdLevel::Avx2Fma);
        }
        v
    }

    /// Runs the UTC grid at `level` and compares every cell with [`crate::batch::propagate_grid_utc`].
    fn assert_grid_matches_scalar(
        level: SimdLevel,
        recs: &[Sgp4],
        times: &[Epoch],
        tol_km: f64,
    ) -> usize {
        let n = recs.len() * times.len();
        let (mut pos, mut vel, mut err) = (vec![[0.0; 3]; n], vec![[0.0; 3]; n], vec![0u8; n]);
        propagate_grid_utc_fast_with(level, recs, times, &mut pos, &mut vel, &mut err).unwrap();
        let (mut p0, mut v0, mut e0) = (vec![[0.0; 3]; n], vec![[0.0; 3]; n], vec![0u8; n]);
        crate::batch::propagate_grid_utc(recs, times, &mut p0, &mut v0, &mut e0).unwrap();
        compare(level, &pos, &vel, &err, &p0, &v0, &e0, tol_km)
    }

    /// Compares two grids cell by cell; returns the number of good cells.
    #[allow(clippy::too_many_arguments)]
    fn compare(
        level: SimdLevel,
        pos: &[[f64; 3]],
        vel: &[[f64; 3]],
        err: &[u8],
        p0: &[[f64; 3]],
        v0: &[[f64; 3]],
        e0: &[u8],
        tol_km: f64,
    ) -> usize {
        let mut ok = 0;
        let (mut worst_r, mut worst_v) = (0.0f64, 0.0f64);
        for c in 0..err.len() {
            assert_eq!(err[c], e0[c], "cell {c} ({level:?})");
            if e0[c] != 0 {
                assert!(pos[c].iter().chain(&vel[c]).all(|x| x.is_nan()), "cell {c}");
                continue;
            }
            // Absolute 1e-9 km, or 1e-15 relative for the absurd states
            // (|r| ~ 1e9 km) that negative B* drives SGP4 to.
            let rmag = p0[c].iter().map(|x| x * x).sum::<f64>().sqrt();
            let vmag = v0[c].iter().map(|x| x * x).sum::<f64>().sqrt();
            let tol_r = tol_km.max(1e-15 * rmag);
            let tol_v = (tol_km * 1e-3).max(1e-15 * vmag);
            for k in 0..3 {
                let dr = (pos[c][k] - p0[c][k]).abs();
                let dv = (vel[c][k] - v0[c][k]).abs();
                assert!(dr <= tol_r, "cell {c}: Δr {dr:e} km ({level:?})");
                assert!(dv <= tol_v, "cell {c}: Δv {dv:e} km/s ({level:?})");
                worst_r = worst_r.max(dr);
                worst_v = worst_v.max(dv);
            }
            ok += 1;
        }
        eprintln!("{level:?}: {ok} states, max |Δr| {worst_r:e} km, max |Δv| {worst_v:e} km/s");
        ok
    }

    #[test]
    fn tsince_grid_matches_scalar_batch() {
        let reference = Epoch::from_year_day(2026, 100, 0).unwrap();
        let cat = generate_catalog(500, 11, reference);
        let recs: Vec<Sgp4> = cat
            .iter()
            .filter_map(|o| Sgp4::new(&o.elements).ok())
            .collect();
        // Unsorted, negative, fractional and far times.
        let mut ts: Vec<f64> = (0..61).map(|j| -300.0 + 37.25 * j as f64).collect();
        ts.extend([1e5, -2e5, 0.0, 1e-9, 1.5e8, f64::NAN, 720.0]);
        let n = recs.len() * ts.len();
        for level in levels() {
            let (mut p, mut v, mut e) = (vec![[0.0; 3]; n], vec![[0.0; 3]; n], vec![0u8; n]);
            propagate_grid_fast_with(level, &recs, &ts, &mut p, &mut v, &mut e).unwrap();
            let (mut p0, mut v0, mut e0) = (vec![[0.0; 3]; n], vec![[0.0; 3]; n], vec![0u8; n]);
            crate::batch::propagate_grid(&recs, &ts, &mut p0, &mut v0, &mut e0).unwrap();
            let ok = compare(level, &p, &v, &e, &p0, &v0, &e0, 1e-9);
            assert!(ok > n / 2);
            assert!(e.contains(&8));
        }
    }

    #[test]
    fn grid_matches_scalar_on_vallado_objects() {
        for level in levels() {
            for (el, start, stop, step) in vallado_set() {
                let Ok(rec) = Sgp4::new(&el) else { continue };
                let mut times = Vec::new();
                let mut t = start;
                while t <= stop + 1e-9 {
                    times.push(rec.epoch().add_ns((t * 60e9).round() as i64));
                    t += step;
                }
                // A few odd times too: sub-second and far off.
                times.push(rec.epoch().add_ns(1_234_567));
                times.push(rec.epoch().add_ns(-987_654_321_000));
                assert_grid_matches_scalar(level, std::slice::from_ref(&rec), &times, 1e-9);
            }
        }
    }

    #[test]
    fn grid_matches_scalar_on_synthetic_catalog() {
        let reference = Epoch::from_year_day(2026, 100, 0).unwrap();
        let cat = generate_catalog(3000, 7, reference);
        let recs: Vec<Sgp4> = cat
            .iter()
            .filter_map(|o| Sgp4::new(&o.elements).ok())
            .collect();
        assert!(recs.len() > 2900);
        // 1 day at 7-minute steps, plus a ragged tail (not a multiple of LANES).
        let times: Vec<Epoch> = (0..207)
            .map(|j| reference.add_ns(j * 7 * 60_000_000_000))
            .collect();
        for level in levels() {
            let ok = assert_grid_matches_scalar(level, &recs, &times, 1e-9);
            assert!(ok > recs.len() * times.len() * 9 / 10);
        }
    }

    #[test]
    fn decaying_objects_give_scalar_error_codes() {
        let reference = Epoch::from_year_day(2026, 100, 0).unwrap();
        let mut recs = Vec::new();
        for (k, (alt_km, bstar, ecc)) in [
            (150.0, 0.05, 0.001),
            (200.0, 0.5, 0.0005),
            (180.0, 0.02, 0.02),
            (300.0, 0.9, 0.0),
            (250.0, -0.5, 0.001),
        ]
        .into_iter()
        .enumerate()
        {
            let a = 6378.135 + alt_km;
            let el = ElementSet {
                object_name: None,
                object_id: None,
                norad_cat_id: 90_000 + k as u32,
                classification: 'U',
                epoch: reference,
                mean_motion_rev_per_day: crate::synthetic::mean_motion_rev_per_day(a),
                eccentricity: ecc,
                inclination_deg: 51.6,
                raan_deg: 10.0 * k as f64,
                arg_of_pericenter_deg: 30.0,
                mean_anomaly_deg: 100.0,
                ephemeris_type: 0,
                element_set_no: 1,
                rev_at_epoch: 1,
                bstar_per_earth_radii: bstar,
                mean_motion_dot_rev_per_day2: 0.0,
                mean_motion_ddot_rev_per_day3: 0.0,
                omm: Default::default(),
            };
            recs.push(Sgp4::new(&el).unwrap());
        }
        let times: Vec<Epoch> = (0..300)
            .map(|j| reference.add_ns(j * 50 * 60_000_000_000))
            .collect();
        // Direct kernel error codes against the scalar code.
        let soa = NearEarthSoa::from_records(&recs);
        let mut seen = [false; 10];
        for (k, &src) in soa.source().iter().enumerate().take(soa.len()) {
            let c = CoefLanes::splat(&soa, k);
            for chunk in times.chunks(LANES) {
                let ts: Vec<f64> = chunk
                    .iter()
                    .map(|t| t.minutes_since(recs[src].epoch()))
                    .collect();
                let s = propagate_lanes(&c, F64x::load_or(&ts, ts[0]));
                for (l, &t) in ts.iter().enumerate() {
                    let want = recs[src].propagate(t).err().map_or(0, |e| e.code());
                    assert_eq!(s.err[l], want, "record {src} t = {t} min");
                    seen[want as usize] = true;
                }
            }
        }
        assert!(seen[0] && seen[1] && seen[6], "{seen:?}");
        for level in levels() {
            assert_grid_matches_scalar(level, &recs, &times, 1e-9);
        }
    }

    /// Deep-space records: Vallado's deep objects and generated GEO, GTO, Molniya and MEO ones.
    fn deep_records() -> Vec<Sgp4> {
        use crate::synthetic::Regime;
        let mut recs: Vec<Sgp4> = vallado_set()
            .iter()
            .filter_map(|(el, ..)| Sgp4::new(el).ok())
            .filter(|r| r.is_deep_space())
            .collect();
        let reference = Epoch::from_year_day(2026, 100, 0).unwrap();
        for o in generate_catalog(4000, 23, reference) {
            if matches!(
                o.regime,
                Regime::Geo | Regime::Gto | Regime::Molniya | Regime::MeoNavigation
            ) {
                if let Ok(r) = Sgp4::new(&o.elements) {
                    if r.is_deep_space() {
                        recs.push(r);
                    }
                }
            }
        }
        recs
    }

    /// Runs the deep-space lane kernel directly on one record's times (`LANES` at a time, carried resonance state).
    fn deep_kernel(rec: &Sgp4, ts: &[f64]) -> Vec<([f64; 3], [f64; 3], u8)> {
        let c = DeepCoefs::splat(rec);
        let mut state = DeepRowState::default();
        let mut out = Vec::new();
        for chunk in ts.chunks(LANES) {
            let mut mean = DeepMean::default();
            let mut t = [chunk[chunk.len() - 1]; LANES];
            for l in 0..LANES {
                t[l] = chunk[l.min(chunk.len() - 1)];
                deep_secular(rec, t[l], &mut state, &mut mean, l);
            }
            let s = propagate_deep_lanes(&c, F64x(t), &mean);
            for l in 0..chunk.len() {
                out.push((
                    [s.r[0].0[l], s.r[1].0[l], s.r[2].0[l]],
                    [s.v[0].0[l], s.v[1].0[l], s.v[2].0[l]],
                    s.err[l],
                ));
            }
        }
        out
    }

    #[test]
    fn deep_space_kernel_matches_scalar() {
        let recs = deep_records();
        let irez = |k: u8| recs.iter().filter(|r| r.irez == k).count();
        assert!(irez(0) > 10 && irez(1) > 10 && irez(2) > 10, "{recs:?}");
        // Ordered, unsorted, negative, far and invalid times.
        let mut ts: Vec<f64> = (0..200).map(|j| -1440.0 + 61.3 * j as f64).collect();
        ts.extend([
            5e4,
            -3e4,
            0.0,
            1e-9,
            2e5,
            1.5e8,
            f64::NAN,
            720.0,
            1440.0,
            -720.0,
        ]);
        let (mut worst_r, mut worst_v, mut lyddane, mut ok) = (0.0f64, 0.0f64, 0, 0);
        let mut seen = [false; 10];
        for rec in &recs {
            // Vallado's dpper takes the Lyddane branch below 0.2 rad.
            if rec.inclo < 0.2 {
                lyddane += 1;
            }
            for (&t, (r, v, e)) in ts.iter().zip(deep_kernel(rec, &ts)) {
                let want = rec.propagate(t);
                let code = want.as_ref().err().map_or(0, |x| x.code());
                assert_eq!(e, code, "record {} t = {t} min", rec.satnum);
                seen[code as usize] = true;
                let Ok(s) = want else { continue };
                for k in 0..3 {
                    let dr = (r[k] - s.position_km[k]).abs();
                    let dv = (v[k] - s.velocity_km_s[k]).abs();
                    assert!(dr <= 1e-9, "record {} t = {t}: Δr {dr:e} km", rec.satnum);
                    assert!(dv <= 1e-12, "record {} t = {t}: Δv {dv:e} km/s", rec.satnum);
                    worst_r = worst_r.max(dr);
                    worst_v = worst_v.max(dv);
                }
                ok += 1;
            }
        }
        eprintln!(
            "deep kernel: {} records ({lyddane} Lyddane), {ok} states, max |Δr| {worst_r:e} km, max |Δv| {worst_v:e} km/s",
            recs.len()
        );
        assert!(lyddane > 10);
        assert!(seen[0] && seen[8], "{seen:?}");
        assert!(ok > recs.len() * ts.len() * 9 / 10);
    }

    #[test]
    fn deep_space_grid_matches_scalar() {
        let recs = deep_records();
        let reference = Epoch::from_year_day(2026, 100, 0).unwrap();
        // 3 days at 13-minute steps, plus a ragged tail and a far time.
        let mut times: Vec<Epoch> = (0..333)
            .map(|j| reference.add_ns(j * 13 * 60_000_000_000))
            .collect();
        times.push(reference.add_ns(-40 * 86_400_000_000_000));
        for level in levels() {
            let ok = assert_grid_matches_scalar(level, &recs, &times, 1e-9);
            assert!(ok > recs.len() * times.len() * 9 / 10);
        }
    }

    #[test]
    fn wrong_output_length_is_an_error() {
        let el = &vallado_set()[0].0;
        let rec = Sgp4::new(el).unwrap();
        let times = [rec.epoch()];
        let mut pos = vec![[0.0; 3]; 2];
        let mut vel = vec![[0.0; 3]; 1];
        let mut err = vec![0u8; 1];
        let r = propagate_grid_utc_fast(&[rec], &times, &mut pos, &mut vel, &mut err);
        assert!(matches!(
            r,
            Err(BatchError::OutputLength {
                name: "out_pos_km",
                ..
            })
        ));
    }
}
