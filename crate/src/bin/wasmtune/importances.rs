//! `wasmtune importances`: parameter importances of a stored study (database or journal), as
//! `optuna.importance.get_param_importances` would compute them, printed as one JSON object
//! (parameter -> importance, largest first).

use clap::Args;
use serde_json::Value;
use wasmtune::importance::ImportanceRequest;
use wasmtune::storage::{JournalStorage, SharedBackend, Storage};

use crate::storage_cli::{DEFAULT_STORAGE, StorageKind};
use crate::stream::StreamError;

/// Flags.
#[derive(Args, Debug)]
pub struct ImportancesArgs {
    /// sqlite:///path.db, postgresql://user:pass@host:port/db, or an Optuna journal file's path.
    #[arg(long, default_value = DEFAULT_STORAGE)]
    storage: String,
    /// Name of the study (may be left out when the journal holds one study).
    #[arg(long)]
    study_name: Option<String>,
    /// Evaluator class name, as Optuna's (default PedAnovaImportanceEvaluator).
    #[arg(long)]
    evaluator: Option<String>,
    /// Evaluator keyword arguments as a JSON object, e.g. '{"n_trees": 64, "seed": 0}'.
    #[arg(long)]
    evaluator_kwargs: Option<String>,
    /// Parameters to assess (default: the evaluator's set).
    #[arg(long, num_args = 1..)]
    params: Option<Vec<String>>,
    /// Objective index to assess (needed by the forest evaluators for several objectives).
    #[arg(long)]
    target: Option<usize>,
    /// Print raw importances instead of shares summing to 1.
    #[arg(long)]
    no_normalize: bool,
}

fn config_err(e: impl std::fmt::Display) -> StreamError {
    StreamError::Config(e.to_string())
}

/// Reads the journal, evaluates, prints.
pub fn run(args: ImportancesArgs) -> Result<(), StreamError> {
    let kwargs: Value = match &args.evaluator_kwargs {
        Some(t) => serde_json::from_str(t)
            .map_err(|e| StreamError::Config(format!("--evaluator-kwargs: invalid JSON: {e}")))?,
        None => Value::Null,
    };
    let storage: Box<dyn Storage> = match StorageKind::parse(&args.storage, None)? {
        StorageKind::Rdb(url) => Box::new(StorageKind::open_rdb_existing(&url)?),
        // Read without taking the lock: nothing is written.
        StorageKind::Journal(path) => {
            let text = std::fs::read_to_string(&path).map_err(|e| StreamError::Config(format!("{path}: {e}")))?;
            let (storage, report) = JournalStorage::open(&text, SharedBackend::new(), "wasmtune-importances");
            for (line, reason) in &report.skipped {
                eprintln!("wasmtune: warning: {path}: line {line} skipped: {reason}");
            }
            Box::new(storage)
        }
    };
    let studies = storage.studies();
    let id = match (&args.study_name, studies.as_slice()) {
        (Some(name), _) => {
            storage.study_id_by_name(name).ok_or_else(|| StreamError::Config(format!("study '{name}' not found")))?
        }
        (None, [(id, _)]) => *id,
        (None, _) => {
            let names: Vec<&str> = studies.iter().map(|(_, n)| n.as_str()).collect();
            return Err(StreamError::Config(format!(
                "--study-name is required: the storage holds {} studies ({})",
                names.len(),
                names.join(", ")
            )));
        }
    };
    let request = ImportanceRequest {
        evaluator: args.evaluator,
        kwargs,
        params: args.params,
        target: args.target,
        normalize: Some(!args.no_normalize),
        before: None,
    };
    let directions = storage.study_directions(id).map_err(config_err)?;
    let trials = storage.trials(id).map_err(config_err)?;
    let out = request.evaluate(trials, directions).map_err(config_err)?;
    println!("{}", serde_json::to_string(&out).map_err(config_err)?);
    Ok(())
}
