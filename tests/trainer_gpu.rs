//! The WebGPU trainer natively (wgpu on Vulkan; in CI lavapipe, Mesa's software driver): every
//! kernel against a plain-Rust f64 reference and against the candle CPU backend, step by step, for
//! each activation and optimizer; "auto" and forced backend choices; learning on MNIST.
//! No adapter is a failure, not a skip: CI installs mesa-vulkan-drivers for these tests.

#![cfg(not(target_arch = "wasm32"))]

#[path = "common/mlp_reference.rs"]
mod mlp_reference;

use std::sync::Arc;

use mlp_reference::{Reference, flatten, optimizers, random_batch};
use wasmtune::clock::system_clock;
use wasmtune::rng::Rng;
use wasmtune::trainer::{
    Activation, Backend, BackendChoice, Batch, CpuBackend, Dataset, GpuBackend, MlpSpec, Mnist, OptimizerKind,
    OptimizerSpec, TrainConfig, Training, Weights,
};

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
/// the logits without dropout: the GPU against the f64 reference, and against the candle CPU
/// backend fed the same weights and batches (the parity: losses within 1e-4).
fn check_parity(activation: Activation, optimizer: OptimizerSpec) {
    let spec = spec(activation);
    let weights = Weights::init(&spec, 11);
    let mut gpu = gpu(&spec, &optimizer, &weights);
    let mut cpu = CpuBackend::new(&spec, optimizer, &weights).unwrap();
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
        let on_cpu = pollster::block_on(cpu.train_step(&batch)).unwrap();
        assert!((got - on_cpu).abs() < 1e-4, "{label}: step {step} loss {got} on the GPU vs {on_cpu} on the CPU");
    }
    let weights = pollster::block_on(gpu.weights()).unwrap();
    let diff = max_abs_diff(&flatten(&weights), &reference.flat_weights());
    assert!(diff < 1e-4, "{label}: weights differ by up to {diff} after 20 steps");
    let diff = max_abs_diff(&flatten(&weights), &flatten(&pollster::block_on(cpu.weights()).unwrap()));
    assert!(diff < 1e-4, "{label}: GPU and CPU weights differ by up to {diff} after 20 steps");
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

fn mnist_split(train: usize, validation: usize) -> (Arc<Dataset>, Arc<Dataset>) {
    let (t, v) = Mnist::load(concat!(env!("CARGO_MANIFEST_DIR"), "/www/data/mnist.bin"))
        .unwrap()
        .split(train, validation)
        .unwrap();
    (Arc::new(t), Arc::new(v))
}

fn mnist_config(hidden: usize, epochs: usize) -> TrainConfig {
    TrainConfig {
        mlp: MlpSpec { input: 784, hidden: vec![hidden], output: 10, activation: Activation::Relu },
        optimizer: OptimizerSpec { kind: OptimizerKind::Adam, lr: 1e-3, weight_decay: 0.0 },
        batch_size: 64,
        epochs,
        dropout: 0.0,
        seed: 1,
    }
}

fn start(config: TrainConfig, choice: BackendChoice, data: &(Arc<Dataset>, Arc<Dataset>)) -> Training {
    pollster::block_on(Training::new(config, choice, data.0.clone(), data.1.clone(), system_clock()))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The CPU test's bar (tests/trainer.rs explains why 93 % and not the 95 %), on the GPU
/// path through the same training loop.
#[test]
fn mlp_784_128_10_with_adam_learns_mnist_on_the_gpu_within_5_epochs() {
    let data = mnist_split(8_000, 2_000);
    let mut t = start(mnist_config(128, 5), BackendChoice::Webgpu, &data);
    assert_eq!(t.backend_name(), "webgpu");
    let mut accuracies = Vec::new();
    pollster::block_on(t.run(|e| {
        accuracies.push(e.validation_accuracy);
        e.validation_accuracy < 0.93
    }))
    .unwrap();
    eprintln!("GPU validation accuracy per epoch: {accuracies:?}, {:.2} s training", t.train_seconds());
    assert!(t.validation_accuracy() >= 0.93, "accuracies {accuracies:?}");
}

/// "auto" takes the GPU only when it is real hardware: a software adapter (lavapipe here) is
/// slower than the CPU backend, so auto falls back and says why; "webgpu" forces any adapter.
#[test]
fn auto_skips_software_adapters_and_webgpu_forces_them() {
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
        backends: wgpu::Backends::VULKAN,
        ..wgpu::InstanceDescriptor::new_without_display_handle()
    });
    let options =
        wgpu::RequestAdapterOptions { power_preference: wgpu::PowerPreference::HighPerformance, ..Default::default() };
    let adapter =
        pollster::block_on(instance.request_adapter(&options)).expect("a Vulkan adapter (mesa-vulkan-drivers)");
    let software = adapter.get_info().device_type == wgpu::DeviceType::Cpu;

    let data = mnist_split(200, 50);
    let forced = start(mnist_config(16, 1), BackendChoice::Webgpu, &data);
    assert_eq!(forced.backend_name(), "webgpu");
    assert!(forced.adapter().is_some_and(|a| a.contains(&adapter.get_info().name)), "{:?}", forced.adapter());
    assert_eq!(forced.fallback_reason(), None);

    let mut auto = start(mnist_config(16, 1), BackendChoice::Auto, &data);
    if software {
        assert_eq!(auto.backend_name(), "cpu");
        assert_eq!(auto.adapter(), None);
        let reason = auto.fallback_reason().expect("auto says why it fell back");
        assert!(reason.contains("software fallback") && reason.contains(&adapter.get_info().name), "{reason}");
    } else {
        assert_eq!((auto.backend_name(), auto.fallback_reason()), ("webgpu", None));
    }
    // Either way it trains.
    assert!(pollster::block_on(auto.epoch()).unwrap().train_loss.is_finite());

    let cpu = start(mnist_config(16, 1), BackendChoice::Cpu, &data);
    assert_eq!((cpu.backend_name(), cpu.adapter(), cpu.fallback_reason()), ("cpu", None, None));
}
