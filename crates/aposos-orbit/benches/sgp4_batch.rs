//! Scalar vs SIMD batch SGP4 over a catalog × 1-day grid at 1-minute steps.
//!
//! The catalog is `APOSOS_ACTIVE_TLE` (a TLE/3LE file, e.g. CelesTrak's
//! active.txt) when set, otherwise Vallado's verification objects plus a
//! generated catalog (`crate::synthetic`, with its deep-space share), in total
//! `APOSOS_BENCH_OBJECTS` objects (default 2,000 to keep `cargo bench` short;
//! 20,000 is the size). Throughput is in propagations per second.
//! `batch_scalar` is [`aposos_orbit::batch::propagate_grid_utc`]; `Scalar` is the
//! SIMD entry point forced onto the scalar code; `Avx2Fma`/`Avx512` the kernels.

use std::time::Duration;

use aposos_formats::{parse_tle, Epoch, TleOptions};
use aposos_orbit::simd::{detect_simd_level, propagate_grid_utc_fast_with, SimdLevel};
use aposos_orbit::synthetic::generate_catalog;
use aposos_orbit::Sgp4;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// Element sets of a TLE or 3LE text (lines not forming a pair are skipped).
fn read_tles(text: &str) -> Vec<aposos_formats::ElementSet> {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let opts = TleOptions { lenient: true };
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < lines.len() {
        let (l1, l2) = (lines[i], lines[i + 1]);
        if l1.starts_with("1 ") && l2.starts_with("2 ") && l2.len() >= 69 {
            if let Ok((el, _)) = parse_tle(None, l1, &l2[..69], &opts) {
                out.push(el);
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    out
}

/// The benchmark catalog and the reference epoch of its grid.
fn catalog() -> (Vec<Sgp4>, Epoch, String) {
    let wanted: usize = std::env::var("APOSOS_BENCH_OBJECTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000);
    if let Ok(path) = std::env::var("APOSOS_ACTIVE_TLE") {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let recs: Vec<Sgp4> = read_tles(&text)
            .iter()
            .filter_map(|e| Sgp4::new(e).ok())
            .take(wanted)
            .collect();
        if !recs.is_empty() {
            let latest = recs
                .iter()
                .map(|r| r.epoch())
                .max()
                .unwrap_or(recs[0].epoch());
            return (recs, latest, format!("active {}", path));
        }
    }
    let vallado = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/SGP4-VER.TLE");
    let text = std::fs::read_to_string(vallado).unwrap_or_default();
    let reference = Epoch::from_year_day(2026, 100, 0).unwrap_or(Epoch::from_ns_since_1950(0));
    // Vallado's objects moved to a recent epoch: propagating 2000-era epochs 26
    // years ahead would measure the deep-space resonance integrator, not SGP4.
    let mut recs: Vec<Sgp4> = read_tles(&text)
        .into_iter()
        .filter_map(|mut e| {
            e.epoch = reference.add_ns(-43_200_000_000_000);
            Sgp4::new(&e).ok()
        })
        .collect();
    let more = wanted.saturating_sub(recs.len());
    recs.extend(
        generate_catalog(more, 2026, reference)
            .iter()
            .filter_map(|o| Sgp4::new(&o.elements).ok()),
    );
    recs.truncate(wanted);
    (recs, reference, "Vallado + synthetic".to_string())
}

fn bench(c: &mut Criterion) {
    let (recs, reference, what) = catalog();
    let deep = recs.iter().filter(|r| r.is_deep_space()).count();
    let times: Vec<Epoch> = (0..1440i64)
        .map(|m| reference.add_ns(m * 60_000_000_000))
        .collect();
    let n = recs.len() * times.len();
    eprintln!(
        "catalog: {what}, {} objects ({deep} deep space), {} times, {n} propagations; SIMD level {:?}, {} threads",
        recs.len(),
        times.len(),
        detect_simd_level(),
        rayon::current_num_threads()
    );
    let mut pos = vec![[0.0; 3]; n];
    let mut vel = vec![[0.0; 3]; n];
    let mut err = vec![0u8; n];

    let mut group = c.benchmark_group("sgp4_grid_1day_1min");
    group.throughput(Throughput::Elements(n as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    let mut levels = vec![SimdLevel::Scalar];
    #[cfg(target_arch = "x86_64")]
    if matches!(detect_simd_level(), SimdLevel::Avx512 | SimdLevel::Avx2Fma) {
        levels.push(SimdLevel::Avx2Fma);
    }
    if !levels.contains(&detect_simd_level()) {
        levels.push(detect_simd_level());
    }
    group.bench_function(BenchmarkId::new("batch_scalar", recs.len()), |b| {
        b.iter(|| {
            aposos_orbit::batch::propagate_grid_utc(&recs, &times, &mut pos, &mut vel, &mut err)
                .unwrap_or_default()
        })
    });
    for &level in &levels {
        group.bench_with_input(
            BenchmarkId::new(format!("{level:?}"), recs.len()),
            &level,
            |b, &level| {
                b.iter(|| {
                    propagate_grid_utc_fast_with(level, &recs, &times, &mut pos, &mut vel, &mut err)
                        .unwrap_or_default()
                })
            },
        );
    }
    group.finish();

    // The two populations apart: near-earth (lane kernel) and deep space (scalar SDP4).
    for (name, deep_space) in [("near_earth_only", false), ("deep_space_only", true)] {
        let part: Vec<Sgp4> = recs
            .iter()
            .filter(|r| r.is_deep_space() == deep_space)
            .cloned()
            .collect();
        let n = part.len() * times.len();
        if n == 0 {
            continue;
        }
        let mut group = c.benchmark_group(format!("sgp4_grid_1day_1min_{name}"));
        group.throughput(Throughput::Elements(n as u64));
        group.sample_size(10);
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(3));
        for &level in &levels {
            group.bench_with_input(
                BenchmarkId::new(format!("{level:?}"), part.len()),
                &level,
                |b, &level| {
                    b.iter(|| {
                        propagate_grid_utc_fast_with(
                            level,
                            &part,
                            &times,
                            &mut pos[..n],
                            &mut vel[..n],
                            &mut err[..n],
                        )
                        .unwrap_or_default()
                    })
                },
            );
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
