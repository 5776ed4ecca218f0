//! # wasmtune
//!
//! Optuna-class hyperparameter optimization in Rust, for native programs and, compiled to
//! WebAssembly, for the browser.
//!
//! A one-page tour:
//! - [`distributions`] — what a parameter may take (float, int, categorical), Optuna's JSON;
//! - [`transform`] — the continuous box every model-based sampler works in;
//! - [`trial`] — trial states, the recorded [`FrozenTrial`], the define-by-run [`Trial`];
//! - [`study`] — [`Study`]: ask, tell, optimize, enqueue, best trials;
//! - [`samplers`] and [`pruners`] — the strategies, by Optuna class name;
//! - [`importance`] — parameter importances (PED-ANOVA, fANOVA), by Optuna evaluator name;
//! - [`storage`] — where trials live (memory; the Optuna journal comes next);
//! - [`config`] — the one serializable configuration the CLI, JS API and page share;
//! - [`rng`] and [`clock`] — the seams that make runs reproducible and platform-neutral.
//!
//! ```
//! use wasmtune::{Study, StudyDirection, samplers::RandomSampler};
//!
//! let mut study = Study::builder()
//!     .direction(StudyDirection::Maximize)
//!     .sampler(Box::new(RandomSampler::seeded(1)))
//!     .build()
//!     .unwrap();
//! study
//!     .optimize(|t| {
//!         let x = t.suggest_float("x", 0.0, 250.0)?;
//!         Ok(x * (500.0 - 2.0 * x))
//!     }, Some(100), None)
//!     .unwrap();
//! assert!(study.best_value().unwrap() > 30_000.0);
//! ```
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
#[cfg(feature = "trainer")]
pub mod trainer;
pub mod transform;
pub mod trial;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use config::{ComponentSpec, StudyConfig};
pub use distributions::{CategoricalDistribution, Distribution, FloatDistribution, IntDistribution, ParamValue};
pub use error::{Error, Result};
pub use study::{ObjectiveError, Study, TrialOutcome};
pub use trial::{FrozenTrial, StudyDirection, Trial, TrialState};
