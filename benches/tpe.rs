//! Criterion micro-benchmarks of TPE's hot path: fitting the Parzen estimators and scoring the
//! candidates, at the sizes a 10-D study reaches by trial 1,000 (`cargo bench --bench tpe`).

#![cfg(not(target_arch = "wasm32"))]

use criterion::{Criterion, criterion_group, criterion_main};
use wasmtune::distributions::FloatDistribution;
use wasmtune::rng::Rng;
use wasmtune::samplers::tpe::{DimSpec, ParzenEstimator, ParzenParams};

fn observations(n: usize, d: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = Rng::seed_from_u64(seed);
    (0..n).map(|_| (0..d).map(|_| rng.uniform_range(-5.0, 5.0)).collect()).collect()
}

fn parzen(c: &mut Criterion) {
    let d = 10;
    let specs: Vec<DimSpec> =
        (0..d).map(|_| DimSpec::of(&FloatDistribution::new(-5.0, 5.0, false, None).unwrap().into())).collect();
    let params = ParzenParams { prior_weight: 1.0, consider_magic_clip: true, consider_endpoints: false };
    for n in [100, 975] {
        let obs = observations(n, d, 1);
        let rows: Vec<&[f64]> = obs.iter().map(Vec::as_slice).collect();
        let weights = vec![1.0; n];
        c.bench_function(&format!("parzen_fit_{n}x{d}"), |b| {
            b.iter(|| ParzenEstimator::new(&specs, &rows, &weights, params))
        });
        let pe = ParzenEstimator::new(&specs, &rows, &weights, params);
        let candidates: Vec<f64> = observations(24, d, 2).concat();
        c.bench_function(&format!("parzen_score_24_candidates_{n}x{d}"), |b| b.iter(|| pe.log_pdf(&candidates)));
    }
}

criterion_group!(benches, parzen);
criterion_main!(benches);
