//! `wasmtune create-study`, `ask` and `tell`: Optuna's CLI commands of the same names, on Optuna's
//! storages (a database URL, a journal file), with Optuna's flags, so a script written for
//! `optuna ask/tell` works by changing the command name. A journal is read, changed and appended
//! to with its lock file held; a database locks as Optuna does (see `wasmtune::storage::rdb`), so
//! concurrent processes never hand out the same trial either way.

use clap::Args;
use serde_json::{Value, json};
use wasmtune::distributions::search_space_from_json;
use wasmtune::storage::Storage;
use wasmtune::{Study, StudyDirection, TrialOutcome, TrialState};

use crate::storage_cli::{DEFAULT_STORAGE, StorageKind};
use crate::stream::StreamError;

/// Flags every journal command shares (Optuna's names).
#[derive(Args, Debug)]
pub struct StorageArgs {
    /// Where the study lives: sqlite:///path.db, postgresql://user:pass@host:port/db (also
    /// postgresql+psycopg2://...), or a path, which is an Optuna journal file.
    #[arg(long, default_value = DEFAULT_STORAGE)]
    storage: String,
    /// Optuna's storage class, when given: RDBStorage for a URL, JournalFileBackend for a path.
    #[arg(long)]
    storage_class: Option<String>,
    /// Name of the study.
    #[arg(long)]
    study_name: Option<String>,
}

/// `create-study` flags.
#[derive(Args, Debug)]
pub struct CreateStudyArgs {
    #[command(flatten)]
    storage: StorageArgs,
    /// minimize or maximize (one objective).
    #[arg(long)]
    direction: Option<String>,
    /// One per objective.
    #[arg(long, num_args = 1..)]
    directions: Vec<String>,
    /// Do nothing, successfully, when the study exists.
    #[arg(long)]
    skip_if_exists: bool,
}

/// `ask` flags.
#[derive(Args, Debug)]
pub struct AskArgs {
    #[command(flatten)]
    storage: StorageArgs,
    /// Sampler class name, as Optuna's.
    #[arg(long, default_value = "TPESampler")]
    sampler: String,
    /// Sampler keyword arguments as JSON.
    #[arg(long)]
    sampler_kwargs: Option<String>,
    /// Search space as JSON (name -> Optuna's distribution JSON).
    #[arg(long, default_value = "{}")]
    search_space: String,
    /// Output format (json only).
    #[arg(short = 'f', long = "format", default_value = "json")]
    format: String,
}

/// `tell` flags.
#[derive(Args, Debug)]
pub struct TellArgs {
    #[command(flatten)]
    storage: StorageArgs,
    /// The trial to end.
    #[arg(long)]
    trial_number: u64,
    /// Objective values (negative ones and -inf too, as Optuna's).
    #[arg(long, num_args = 1.., allow_negative_numbers = true)]
    values: Vec<f64>,
    /// complete, pruned or fail (default: complete when values are given).
    #[arg(long)]
    state: Option<String>,
    /// Succeed without change when the trial already finished.
    #[arg(long)]
    skip_if_finished: bool,
}

fn config_err(e: impl std::fmt::Display) -> StreamError {
    StreamError::Config(e.to_string())
}

impl StorageArgs {
    /// Runs `f` on the storage (a journal stays locked throughout).
    fn with_storage<T>(&self, f: impl FnOnce(Box<dyn Storage>) -> Result<T, StreamError>) -> Result<T, StreamError> {
        StorageKind::parse(&self.storage, self.storage_class.as_deref())?.with_storage(f)
    }

    fn name(&self) -> Result<&str, StreamError> {
        self.study_name.as_deref().ok_or_else(|| StreamError::Config("--study-name is required".into()))
    }
}

fn load(storage: Box<dyn Storage>, name: &str, sampler: Option<(&str, &Value)>) -> Result<Study, StreamError> {
    let id = storage.study_id_by_name(name).ok_or_else(|| StreamError::Config(format!("study '{name}' not found")))?;
    let directions = storage.study_directions(id).map_err(config_err)?.to_vec();
    let mut b = Study::builder().name(name).directions(directions).load_if_exists(true).storage(storage);
    if let Some((sampler, kwargs)) = sampler {
        b = b.sampler(wasmtune::samplers::from_name(sampler, kwargs).map_err(config_err)?);
    }
    b.build().map_err(config_err)
}

/// `create-study`: prints the study's name, as Optuna.
pub fn create_study(args: CreateStudyArgs) -> Result<(), StreamError> {
    let names: Vec<String> = match (&args.direction, args.directions.is_empty()) {
        (Some(_), false) => return Err(StreamError::Config("give --direction or --directions, not both".into())),
        (Some(d), true) => vec![d.clone()],
        (None, false) => args.directions.clone(),
        (None, true) => vec!["minimize".into()],
    };
    let directions =
        names.iter().map(|d| StudyDirection::from_name(d)).collect::<Result<Vec<_>, _>>().map_err(config_err)?;
    let name = match &args.storage.study_name {
        Some(n) => n.clone(),
        None => format!("no-name-{:016x}", wasmtune::rng::Rng::from_entropy().next_u64()),
    };
    args.storage.with_storage(|mut storage| {
        if storage.study_id_by_name(&name).is_some() {
            if args.skip_if_exists {
                println!("{name}");
                return Ok(());
            }
            return Err(StreamError::Config(format!("a study named '{name}' already exists (use --skip-if-exists)")));
        }
        storage.create_new_study(&directions, &name).map_err(config_err)?;
        println!("{name}");
        Ok(())
    })
}

/// `ask`: prints `{"number": N, "params": {...}}`.
pub fn ask(args: AskArgs) -> Result<(), StreamError> {
    if args.format != "json" {
        return Err(StreamError::Config(format!("--format {}: only json is supported", args.format)));
    }
    let kwargs: Value = match &args.sampler_kwargs {
        Some(t) => {
            serde_json::from_str(t).map_err(|e| StreamError::Config(format!("--sampler-kwargs: invalid JSON: {e}")))?
        }
        None => Value::Null,
    };
    let space: Value = serde_json::from_str(&args.search_space)
        .map_err(|e| StreamError::Config(format!("--search-space: invalid JSON: {e}")))?;
    let space = search_space_from_json(&space).map_err(config_err)?;
    let name = args.storage.name()?.to_owned();
    args.storage.with_storage(|storage| {
        let mut study = load(storage, &name, Some((&args.sampler, &kwargs)))?;
        let t = study.ask_with(&space).map_err(config_err)?;
        println!("{}", json!({"number": t.number, "params": t.param_values()}));
        Ok(())
    })
}

/// `tell`: ends a trial; a finished trial is an error unless `--skip-if-finished`.
pub fn tell(args: TellArgs) -> Result<(), StreamError> {
    let state = match args.state.as_deref() {
        None | Some("complete") => TrialState::Complete,
        Some("pruned") => TrialState::Pruned,
        Some("fail") => TrialState::Fail,
        Some(s) => return Err(StreamError::Config(format!("--state {s}: expected complete, pruned or fail"))),
    };
    if state == TrialState::Complete && args.values.is_empty() {
        return Err(StreamError::Config("--values are required to complete a trial".into()));
    }
    let name = args.storage.name()?.to_owned();
    args.storage.with_storage(|storage| {
        let mut study = load(storage, &name, None)?;
        let trial = study.trial(args.trial_number).map_err(config_err)?;
        if trial.state.is_finished() {
            if args.skip_if_finished {
                eprintln!("wasmtune: trial {} is already finished; skipped", args.trial_number);
                return Ok(());
            }
            return Err(StreamError::Config(format!(
                "trial {} is already finished ({})",
                args.trial_number, trial.state
            )));
        }
        let outcome = match state {
            TrialState::Complete => TrialOutcome::Complete(args.values.clone()),
            TrialState::Pruned => TrialOutcome::Pruned,
            _ => TrialOutcome::Fail("told as failed".into()),
        };
        let t = study.tell(args.trial_number, outcome).map_err(config_err)?;
        eprintln!("wasmtune: told trial {} ({})", t.number, t.state);
        Ok(())
    })
}
