//! Catalog × time grids on the SIMD kernel, in parallel with rayon.
//!
//! Each near-earth satellite's row runs [`LANES`] times at once through
//! [`propagate_lanes`] (coefficients splatted, so no gathers and contiguous
//! stores). Deep-space satellites, and any entry whose lane reports an error
//! or a non-finite state, are recomputed with the scalar [`Sgp4::propagate`],
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

use super::lanes::{F64x, LANES};
use super::near_earth::{propagate_lanes, CoefLanes, NearEarthSoa};
use crate::sgp4::Sgp4;

/// Why a grid could not be propagated: the output slices do not fit the grid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GridError {
    /// An output slice's length is not `records × times`.
    #[error("output `{name}` has {got} entries, the grid needs {records} × {times} = {want}")]
    OutputLength {
        /// Which output (`position_km`, `velocity_km_s` or `error_code`).
        name: &'static str,
        /// Its length.
        got: usize,
        /// Number of records (rows).
        records: usize,
        /// Number of times (columns).
        times: usize,
        /// Required length.
        want: usize,
    },
}

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

/// Writes the scalar code's answer for one entry: the state, or NaNs and the error code.
#[inline]
fn scalar_entry(rec: &Sgp4, t: f64, pos: &mut [f64; 3], vel: &mut [f64; 3], err: &mut u8) {
    match rec.propagate(t) {
        Ok(s) => {
            *pos = s.position_km;
            *vel = s.velocity_km_s;
            *err = 0;
        }
        Err(e) => {
            *pos = [f64::NAN; 3];
            *vel = [f64::NAN; 3];
            *err = e.code();
        }
    }
}

/// One satellite's row of the grid: times and the output slices to fill.
struct Row<'a> {
    times_ns: &'a [i64],
    epoch_ns: i64,
    pos: &'a mut [[f64; 3]],
    vel: &'a mut [[f64; 3]],
    err: &'a mut [u8],
}

/// One near-earth satellite's row with the lane kernel; returns whether any entry erred.
#[inline(always)]
fn row_lanes(soa: &NearEarthSoa, k: usize, row: Row<'_>) -> bool {
    let Row {
        times_ns,
        epoch_ns,
        pos,
        vel,
        err,
    } = row;
    let c = CoefLanes::splat(soa, k);
    let mut any_err = false;
    let n = times_ns.len();
    let mut j = 0;
    while j < n {
        let m = (n - j).min(LANES);
        let mut t = [0.0f64; LANES];
        for l in 0..LANES {
            // Same expression as `Epoch::minutes_since`; padding lanes repeat the last time.
            let jj = j + l.min(m - 1);
            t[l] = (times_ns[jj] - epoch_ns) as f64 / 60e9;
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

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx2,fma")]
fn row_avx512(soa: &NearEarthSoa, k: usize, row: Row<'_>) -> bool {
    row_lanes(soa, k, row)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn row_avx2(soa: &NearEarthSoa, k: usize, row: Row<'_>) -> bool {
    row_lanes(soa, k, row)
}

/// Runs one near-earth row at `level`; `None` when `level` has no lane kernel here.
fn row_dispatch(level: SimdLevel, soa: &NearEarthSoa, k: usize, row: Row<'_>) -> Option<bool> {
    match level {
        #[cfg(target_arch = "x86_64")]
        SimdLevel::Avx512 => {
            // SAFETY: `level` is Avx512 only when `detect_simd_level` saw avx512f,
            // avx2 and fma on this CPU (avx512dq is checked here too).
            if is_x86_feature_detected!("avx512dq") {
                Some(unsafe { row_avx512(soa, k, row) })
            } else {
                // SAFETY: avx512f implies avx2 and fma were detected with it.
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

/// Checks that an output slice holds `records × times` entries.
fn check_len(
    name: &'static str,
    got: usize,
    records: usize,
    times: usize,
) -> Result<(), GridError> {
    let want = records.saturating_mul(times);
    if got == want {
        Ok(())
    } else {
        Err(GridError::OutputLength {
            name,
            got,
            records,
            times,
            want,
        })
    }
}

/// Propagates every record to every UTC time with the SIMD kernel; outputs are row-major `records × times` (TEME km, km/s, error code 0 = ok).
///
/// Entries that fail hold NaN and the scalar [`crate::Sgp4Error::code`]; every
/// entry equals the scalar [`Sgp4::propagate_to`] to within 1e-9 km and 1e-12 km/s.
pub fn propagate_grid_fast(
    records: &[Sgp4],
    times_utc: &[Epoch],
    position_km: &mut [[f64; 3]],
    velocity_km_s: &mut [[f64; 3]],
    error_code: &mut [u8],
) -> Result<(), GridError> {
    propagate_grid_fast_with(
        detect_simd_level(),
        records,
        times_utc,
        position_km,
        velocity_km_s,
        error_code,
    )
}

/// As [`propagate_grid_fast`] with a chosen [`SimdLevel`] (one above what the CPU has is lowered to the detected one).
pub fn propagate_grid_fast_with(
    level: SimdLevel,
    records: &[Sgp4],
    times_utc: &[Epoch],
    position_km: &mut [[f64; 3]],
    velocity_km_s: &mut [[f64; 3]],
    error_code: &mut [u8],
) -> Result<(), GridError> {
    let nr = records.len();
    let nt = times_utc.len();
    check_len("position_km", position_km.len(), nr, nt)?;
    check_len("velocity_km_s", velocity_km_s.len(), nr, nt)?;
    check_len("error_code", error_code.len(), nr, nt)?;
    if nr == 0 || nt == 0 {
        return Ok(());
    }
    let level = clamp_level(level);
    let soa = NearEarthSoa::from_records(records);
    // Slot of each record in the SoA, if near-earth.
    let mut slot = vec![usize::MAX; nr];
    for (k, &i) in soa.source().iter().enumerate().take(soa.len()) {
        slot[i] = k;
    }
    let times_ns: Vec<i64> = times_utc.iter().map(|t| t.ns_since_1950()).collect();

    position_km
        .par_chunks_mut(nt)
        .zip(velocity_km_s.par_chunks_mut(nt))
        .zip(error_code.par_chunks_mut(nt))
        .enumerate()
        .with_min_len(4)
        .for_each(|(i, ((pos, vel), err))| {
            let rec = &records[i];
            let epoch_ns = rec.epoch().ns_since_1950();
            let lanes = if slot[i] != usize::MAX {
                let row = Row {
                    times_ns: &times_ns,
                    epoch_ns,
                    pos: &mut *pos,
                    vel: &mut *vel,
                    err: &mut *err,
                };
                row_dispatch(level, &soa, slot[i], row)
            } else {
                None
            };
            match lanes {
                Some(false) => {}
                Some(true) => {
                    for j in 0..nt {
                        if err[j] != 0 {
                            let t = (times_ns[j] - epoch_ns) as f64 / 60e9;
                            scalar_entry(rec, t, &mut pos[j], &mut vel[j], &mut err[j]);
                        }
                    }
                }
                None => {
                    for j in 0..nt {
                        let t = (times_ns[j] - epoch_ns) as f64 / 60e9;
                        scalar_entry(rec, t, &mut pos[j], &mut vel[j], &mut err[j]);
                    }
                }
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

    /// Runs the grid at `level` and compares every entry with the scalar code.
    fn assert_grid_matches_scalar(
        level: SimdLevel,
        recs: &[Sgp4],
        times: &[Epoch],
        tol_km: f64,
    ) -> usize {
        let n = recs.len() * times.len();
        let mut pos = vec![[0.0; 3]; n];
        let mut vel = vec![[0.0; 3]; n];
        let mut err = vec![0u8; n];
        propagate_grid_fast_with(level, recs, times, &mut pos, &mut vel, &mut err).unwrap();
        let mut ok = 0;
        let (mut worst_r, mut worst_v) = (0.0f64, 0.0f64);
        for (i, rec) in recs.iter().enumerate() {
            for (j, t) in times.iter().enumerate() {
                let e = i * times.len() + j;
                match rec.propagate_to(*t) {
                    Ok(s) => {
                        assert_eq!(err[e], 0, "record {i} time {j}");
                        // Absolute 1e-9 km, or 1e-15 relative for the absurd states
                        // (|r| ~ 1e9 km) that negative B* drives SGP4 to.
                        let rmag = s.position_km.iter().map(|x| x * x).sum::<f64>().sqrt();
                        let vmag = s.velocity_km_s.iter().map(|x| x * x).sum::<f64>().sqrt();
                        let tol_r = tol_km.max(1e-15 * rmag);
                        let tol_v = (tol_km * 1e-3).max(1e-15 * vmag);
                        for k in 0..3 {
                            let dr = (pos[e][k] - s.position_km[k]).abs();
                            let dv = (vel[e][k] - s.velocity_km_s[k]).abs();
                            assert!(dr <= tol_r, "record {i} time {j}: Δr {dr:e} km ({level:?})");
                            assert!(dv <= tol_v, "record {i} time {j}: Δv {dv:e} km/s");
                            worst_r = worst_r.max(dr);
                            worst_v = worst_v.max(dv);
                        }
                        ok += 1;
                    }
                    Err(x) => {
                        assert_eq!(err[e], x.code(), "record {i} time {j}");
                        assert!(pos[e][0].is_nan() && vel[e][2].is_nan());
                    }
                }
            }
        }
        eprintln!("{level:?}: {ok} states, max |Δr| {worst_r:e} km, max |Δv| {worst_v:e} km/s");
        ok
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

    #[test]
    fn wrong_output_length_is_an_error() {
        let el = &vallado_set()[0].0;
        let rec = Sgp4::new(el).unwrap();
        let times = [rec.epoch()];
        let mut pos = vec![[0.0; 3]; 2];
        let mut vel = vec![[0.0; 3]; 1];
        let mut err = vec![0u8; 1];
        let r = propagate_grid_fast(&[rec], &times, &mut pos, &mut vel, &mut err);
        assert!(matches!(
            r,
            Err(GridError::OutputLength {
                name: "position_km",
                ..
            })
        ));
    }
}
