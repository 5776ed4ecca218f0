//! The WebGPU trainer natively (wgpu on Vulkan; in CI lavapipe, Mesa's software driver): every
//! kernel against a plain-Rust f64 reference, step by step, for each activation and optimizer.
//! No adapter is a failure, not a skip: CI installs mesa-vulkan-drivers for these tests.

#![cfg(not(target_arch = "wasm32"))]

#[path = "common/mlp_reference.rs"]
mod mlp_reference;

use mlp_reference::{Reference, flatten, optimizers, random_batch};
use wasmtune::rng::Rng;
use wasmtune::trainer::{Activation, Backend, Batch, GpuBackend, MlpSpec, OptimizerSpec, Weights};

fn gpu(spec: &MlpSpec, optimizer: &OptimizerSpec, weights: &Weights) -> GpuBackend {
    pollster::block_on(GpuBackend::new(spec, optimizer, weights)).unwrap_or_else(|e| {
        panic!("{e}\nThe WebGPU tests need a Vulkan driver: apt-get install mesa-vulkan-drivers (scripts/install-tools.sh does)")
    })
}

/// Odd sizes, so every matmul has partial blocks and slabs.
fn spec(activation: Activation) -> MlpSpec {
    MlpSpec { input: 37, hidden: vec![33, 20], output: 10, activation }
}

fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
}

/// 20 steps with dropout, the batch size changing twice (as an epoch's last batch does), then
/// the logits without dropout.
fn check_parity(activation: Activation, optimizer: OptimizerSpec) {
    let spec = spec(activation);
    let weights = Weights::init(&spec, 11);
    let mut gpu = gpu(&spec, &optimizer, &weights);
    let mut reference = Reference::new(&spec, &optimizer, &weights);
    let mut rng = Rng::seed_from_u64(5);
    let label = format!("{activation:?} / {:?}", optimizer.kind);
    for step in 0..20 {
        let rows = match step {
            7 => 5,
            13 => 1,
            _ => 24,
        };
        let dropout = if step % 3 == 2 { 0.0 } else { 0.25 };
        let batch = random_batch(&spec, rows, dropout, &mut rng);
        let expected = reference.train_step(&batch);
        let got = pollster::block_on(gpu.train_step(&batch)).unwrap();
        assert!((got as f64 - expected).abs() < 1e-4, "{label}: step {step} loss {got} vs reference {expected}");
    }
    let weights = pollster::block_on(gpu.weights()).unwrap();
    let diff = max_abs_diff(&flatten(&weights), &reference.flat_weights());
    assert!(diff < 1e-4, "{label}: weights differ by up to {diff} after 20 steps");
    let x: Vec<f32> = (0..50 * spec.input).map(|_| rng.uniform() as f32).collect();
    let got: Vec<f64> = pollster::block_on(gpu.logits(&x, 50)).unwrap().iter().map(|&v| v as f64).collect();
    let expected: Vec<f64> = reference.logits(&x, 50).iter().map(|&v| v as f64).collect();
    let diff = max_abs_diff(&got, &expected);
    assert!(diff < 1e-4, "{label}: logits differ by up to {diff}");
}

#[test]
fn relu_matches_the_reference_for_each_optimizer() {
    for optimizer in optimizers() {
        check_parity(Activation::Relu, optimizer);
    }
}

#[test]
fn gelu_matches_the_reference_for_each_optimizer() {
    for optimizer in optimizers() {
        check_parity(Activation::Gelu, optimizer);
    }
}

#[test]
fn tanh_matches_the_reference_for_each_optimizer() {
    for optimizer in optimizers() {
        check_parity(Activation::Tanh, optimizer);
    }
}

#[test]
fn four_hidden_layers_and_a_large_evaluation_match_the_reference() {
    // More rows than one evaluation chunk (1,024), and the deepest MLP the spec allows.
    let spec = MlpSpec { input: 20, hidden: vec![16, 24, 8, 17], output: 3, activation: Activation::Gelu };
    let optimizer = optimizers()[1];
    let weights = Weights::init(&spec, 2);
    let mut gpu = gpu(&spec, &optimizer, &weights);
    let mut reference = Reference::new(&spec, &optimizer, &weights);
    let mut rng = Rng::seed_from_u64(9);
    for step in 0..5 {
        let batch = random_batch(&spec, 64, 0.1, &mut rng);
        let (got, expected) = (pollster::block_on(gpu.train_step(&batch)).unwrap(), reference.train_step(&batch));
        assert!((got as f64 - expected).abs() < 1e-4, "step {step}: {got} vs {expected}");
    }
    let rows = 1500;
    let x: Vec<f32> = (0..rows * spec.input).map(|_| rng.uniform() as f32).collect();
    let got: Vec<f64> = pollster::block_on(gpu.logits(&x, rows)).unwrap().iter().map(|&v| v as f64).collect();
    let expected: Vec<f64> = reference.logits(&x, rows).iter().map(|&v| v as f64).collect();
    assert!(max_abs_diff(&got, &expected) < 1e-4);
}

#[test]
fn malformed_batches_and_weights_get_clear_errors() {
    let spec = spec(Activation::Relu);
    let optimizer = optimizers()[0];
    let weights = Weights::init(&spec, 1);
    let mut gpu = gpu(&spec, &optimizer, &weights);
    let mut rng = Rng::seed_from_u64(1);
    let good = random_batch(&spec, 4, 0.5, &mut rng);
    let error =
        |batch: Batch, gpu: &mut GpuBackend| pollster::block_on(gpu.train_step(&batch)).unwrap_err().to_string();

    let short = Batch { x: good.x[1..].to_vec(), ..good.clone() };
    assert!(error(short, &mut gpu).contains("needs 148 features and 4 labels"));
    let bad_label = Batch { y: vec![0, 1, 10, 2], ..good.clone() };
    assert!(error(bad_label, &mut gpu).contains("label 10 is outside 0..10"));
    let one_mask = Batch { dropout_masks: vec![good.dropout_masks[0].clone()], ..good.clone() };
    assert!(error(one_mask, &mut gpu).contains("1 dropout masks for 2 hidden layers"));
    let empty = Batch { x: vec![], y: vec![], rows: 0, dropout_masks: vec![] };
    assert!(error(empty, &mut gpu).contains("at least one sample"));
    assert!(pollster::block_on(gpu.logits(&[0.0; 10], 1)).unwrap_err().to_string().contains("need 37 features"));

    let other = Weights::init(&MlpSpec { hidden: vec![33], ..spec.clone() }, 1);
    let refused = pollster::block_on(GpuBackend::new(&spec, &optimizer, &other)).err().unwrap();
    assert!(refused.to_string().contains("do not fit the MLP 37"), "{refused}");
    let zero_lr = OptimizerSpec { lr: 0.0, ..optimizer };
    let refused = pollster::block_on(GpuBackend::new(&spec, &zero_lr, &weights)).err().unwrap();
    assert!(refused.to_string().contains("learning rate must be positive"), "{refused}");
    // The refused calls changed nothing: a good batch still trains.
    assert!(pollster::block_on(gpu.train_step(&good)).unwrap().is_finite());
    assert_eq!(gpu.name(), "webgpu");
}

/// Ten Gaussian clusters in 32 dimensions (σ = 0.5 around centers drawn in [−1, 1]³²): nearly
/// separable, so a working trainer must classify held-out points almost perfectly. Stands in for
/// MNIST until the data set lands in this crate.
fn clusters(rows: usize, centers: &[Vec<f64>], rng: &mut Rng) -> (Vec<f32>, Vec<u32>) {
    let mut x = Vec::with_capacity(rows * 32);
    let mut y = Vec::with_capacity(rows);
    for _ in 0..rows {
        let class = rng.index(centers.len());
        x.extend(centers[class].iter().map(|c| (c + 0.5 * rng.normal()) as f32));
        y.push(class as u32);
    }
    (x, y)
}

#[test]
fn the_gpu_backend_learns_to_classify_held_out_points() {
    let mut rng = Rng::seed_from_u64(3);
    let centers: Vec<Vec<f64>> = (0..10).map(|_| (0..32).map(|_| rng.uniform_range(-1.0, 1.0)).collect()).collect();
    let (train_x, train_y) = clusters(2000, &centers, &mut rng);
    let (val_x, val_y) = clusters(500, &centers, &mut rng);
    let spec = MlpSpec { input: 32, hidden: vec![64], output: 10, activation: Activation::Relu };
    let optimizer = OptimizerSpec { kind: wasmtune::trainer::OptimizerKind::Adam, lr: 1e-2, weight_decay: 0.0 };
    let mut gpu = gpu(&spec, &optimizer, &Weights::init(&spec, 0));
    let accuracy = |logits: Vec<f32>| {
        let hits = logits.chunks(10).zip(&val_y).filter(|(row, y)| {
            let best = (0..10).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap();
            best == **y as usize
        });
        hits.count() as f64 / val_y.len() as f64
    };
    let before = accuracy(pollster::block_on(gpu.logits(&val_x, 500)).unwrap());
    let mut first_loss = None;
    let mut last_loss = 0.0;
    for _epoch in 0..3 {
        for start in (0..2000).step_by(50) {
            let batch = Batch {
                x: train_x[start * 32..(start + 50) * 32].to_vec(),
                y: train_y[start..start + 50].to_vec(),
                rows: 50,
                dropout_masks: Vec::new(),
            };
            last_loss = pollster::block_on(gpu.train_step(&batch)).unwrap();
            first_loss.get_or_insert(last_loss);
        }
    }
    let after = accuracy(pollster::block_on(gpu.logits(&val_x, 500)).unwrap());
    assert!(before < 0.5, "untrained accuracy {before}");
    assert!(after >= 0.95, "held-out accuracy {after} after 3 epochs (loss {first_loss:?} → {last_loss})");
    assert!(last_loss < first_loss.unwrap() / 4.0, "loss {first_loss:?} → {last_loss}");
}
