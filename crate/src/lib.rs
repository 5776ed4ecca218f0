//! # wasmtune
//!
//! Optuna-class hyperparameter optimization in Rust, for native programs and, compiled to
//! WebAssembly, for the browser. Optuna's samplers, pruners, storage and importances, with
//! Optuna's names and semantics.
//!
//! ## Quick start
//!
//! Define an objective that suggests its parameters as it runs (define-by-run), create a study,
//! optimize it, read the best trial, as in Optuna:
//!
//! ```
//! use wasmtune::samplers::{TpeSampler, TpeSamplerOptions};
//! use wasmtune::{ParamValue, Study, StudyDirection};
//!
//! // optuna.create_study(direction="minimize", sampler=TPESampler(seed=42))
//! let sampler = TpeSampler::new(TpeSamplerOptions { seed: Some(42), ..Default::default() })?;
//! let mut study = Study::builder()
//!     .direction(StudyDirection::Minimize)
//!     .sampler(Box::new(sampler))
//!     .build()?;
//!
//! // study.optimize(objective, n_trials=100)
//! study.optimize(
//!     |trial| {
//!         let x = trial.suggest_float("x", -10.0, 10.0)?;
//!         let kind = trial.suggest_categorical("kind", vec!["linear".into(), "quadratic".into()])?;
//!         Ok(if kind == ParamValue::from("quadratic") { (x - 2.0).powi(2) } else { (x - 2.0).abs() })
//!     },
//!     Some(100),
//!     None,
//! )?;
//!
//! // study.best_params, study.best_value
//! println!("best {:?} with value {}", study.best_params()?, study.best_value()?);
//! assert!(study.best_value()? < 0.1);
//! # Ok::<(), wasmtune::Error>(())
//! ```
//!
//! Ask-and-tell works as Optuna's `study.ask()` / `study.tell()` ([`Study::ask`],
//! [`Study::tell`]); a pruner stops unpromising trials from their reported intermediate values
//! ([`Trial::report`], [`Trial::should_prune`]); a study kept in a journal
//! ([`storage::JournalStorage`]) is Optuna's `JournalStorage` file, readable by Optuna. Runnable
//! examples, one per sampler family and one with a pruner, are in `examples/`
//! (`cargo run --release --example tpe`).
//!
//! ## Cargo features
//!
//! | feature | adds |
//! |---|---|
//! | (default) | the engine: distributions, studies, samplers, pruners, storage, importances |
//! | `trainer` | the MNIST MLP trainer on the CPU (candle) |
//! | `webgpu` | the trainer's WebGPU backend (wgpu; Vulkan natively), implies `trainer` |
//! | `wasm` | the engine's JS bindings (wasm32 only) |
//! | `wasm-trainer` | the trainer's JS bindings (wasm32 only), implies `webgpu` |
//! | `cli` | the `wasmtune` command-line program |
//!
//! ## A one-page tour
//! - [`distributions`] — what a parameter may take (float, int, categorical), Optuna's JSON;
//! - [`transform`] — the continuous box every model-based sampler works in;
//! - [`trial`] — trial states, the recorded [`FrozenTrial`], the define-by-run [`Trial`];
//! - [`study`] — [`Study`]: ask, tell, optimize, enqueue, best trials;
//! - [`samplers`] and [`pruners`] — the strategies, by Optuna class name;
//! - [`importance`] — parameter importances (PED-ANOVA, fANOVA), by Optuna evaluator name;
//! - [`terminator`] — stops a whole study once improvement falls below noise (Optuna's terminator);
//! - [`storage`] — where trials live (memory, or Optuna's journal);
//! - [`config`] — the one serializable configuration the CLI, JS API and page share;
//! - [`rng`] and [`clock`] — the seams that make runs reproducible and platform-neutral.
//!
//! The engine never touches browser APIs; the `wasm` module (wasm32 only) translates between JS and
//! these types and nothing more.

#![warn(missing_docs)]

pub mod clock;
pub mod config;
pub mod distributions;
pub mod error;
pub mod importance;
pub mod multi_objective;
pub mod overhead;
pub mod portable;
pub mod pruners;
pub mod rng;
pub mod samplers;
pub mod search_space;
pub mod storage;
pub mod study;
pub mod terminator;
#[cfg(feature = "trainer")]
pub mod trainer;
pub mod transform;
pub mod trial;

#[cfg(all(target_arch = "wasm32", any(feature = "wasm", feature = "wasm-trainer")))]
pub mod wasm;

pub use config::{ComponentSpec, StudyConfig};
pub use distributions::{CategoricalDistribution, Distribution, FloatDistribution, IntDistribution, ParamValue};
pub use error::{Error, Result};
pub use study::{ObjectiveError, Study, StudyCallback, TrialOutcome};
pub use trial::{FrozenTrial, StudyDirection, Trial, TrialState};
