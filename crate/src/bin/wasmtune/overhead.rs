//! `wasmtune overhead`: per-trial engine time on a sphere, for the benchmark harness.

use clap::Args;
use serde_json::{Value, json};
use wasmtune::StudyConfig;
use wasmtune::config::ComponentSpec;
use wasmtune::overhead::{per_trial_ms, ranges_json};

use crate::stream::StreamError;

/// Flags.
#[derive(Args, Debug)]
pub struct OverheadArgs {
    /// Sampler class name, as Optuna's.
    #[arg(long, default_value = "TPESampler")]
    sampler: String,
    /// Sampler keyword arguments as a JSON object.
    #[arg(long)]
    sampler_kwargs: Option<String>,
    /// Dimensions of the sphere.
    #[arg(long, default_value_t = 10)]
    dim: usize,
    /// Trials to run.
    #[arg(long, default_value_t = 1000)]
    n_trials: usize,
    /// Objectives (all minimized; spheres centred at 0, 1, ...).
    #[arg(long, default_value_t = 1)]
    objectives: usize,
}

/// Runs the measurement and prints one JSON object.
pub fn run(args: OverheadArgs) -> Result<(), StreamError> {
    let kwargs: Value = match &args.sampler_kwargs {
        Some(t) => {
            serde_json::from_str(t).map_err(|e| StreamError::Config(format!("--sampler-kwargs: invalid JSON: {e}")))?
        }
        None => Value::Null,
    };
    if args.objectives == 0 {
        return Err(StreamError::Config("--objectives must be at least 1".into()));
    }
    let config = StudyConfig {
        directions: vec![wasmtune::StudyDirection::Minimize; args.objectives],
        sampler: ComponentSpec { name: args.sampler.clone(), kwargs },
        ..StudyConfig::default()
    };
    let start = std::time::Instant::now();
    let now = move || start.elapsed().as_secs_f64() * 1000.0;
    let times = per_trial_ms(&config, args.dim, args.n_trials, &now).map_err(|e| StreamError::Config(e.to_string()))?;
    let ranges = ranges_json(&times, &[(0, 100), (100, 500), (500, 1000), (100, 300)]);
    println!("{}", json!({"sampler": args.sampler, "dim": args.dim, "n_trials": args.n_trials, "ranges": ranges}));
    Ok(())
}
