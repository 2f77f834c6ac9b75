//! Special-perturbations propagation cost: one day of a 550 km LEO with the default
//! force model (EGM96 20×20, Sun, Moon, drag, SRP), without and with the state
//! transition matrix and C_D sensitivity.

use aposos_astro::Eop;
use aposos_formats::Epoch;
use aposos_orbit::sp::{ForceModel, Parameter, SpPropagator};
use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let epoch = Epoch::parse_iso("2026-05-20T12:00:00").expect("epoch");
    let end = epoch.add_ns(86_400 * 1_000_000_000);
    let r = [
        -4_969.931_843_603_153_5,
        3_251.083_768_267_297_7,
        3_554.549_732_880_509,
    ];
    let v = [
        -0.590_198_719_548_424_7,
        -5.977_325_159_241_855,
        4.644_377_750_412_852,
    ];
    let eop = Eop::embedded();
    let mut g = c.benchmark_group("sp_leo_one_day");
    g.sample_size(10);
    g.bench_function("state", |b| {
        b.iter(|| {
            let mut p = SpPropagator::new(epoch, r, v, ForceModel::default(), eop);
            p.propagate(end).expect("propagation")
        })
    });
    g.bench_function("state_stm_cd", |b| {
        b.iter(|| {
            let mut p = SpPropagator::new(epoch, r, v, ForceModel::default(), eop)
                .with_stm(&[Parameter::DragCoefficient])
                .expect("stm");
            p.propagate(end).expect("propagation")
        })
    });
    g.finish();
    let mut p = SpPropagator::new(epoch, r, v, ForceModel::default(), eop);
    p.propagate(end).expect("propagation");
    eprintln!("derivative evaluations for one day: {}", p.evaluations());
}

criterion_group!(benches, bench);
criterion_main!(benches);
