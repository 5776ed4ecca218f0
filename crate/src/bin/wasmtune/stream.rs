//! `wasmtune stream`: a study over JSON lines.
//!
//! Out (stdout), one object per line: `{"number":0,"params":{...}}` for each asked trial,
//! `{"number":0,"should_prune":false}` in answer to a report, and at the end
//! `{"best":{...}}` (one trial) or `{"best":[...]}` (the Pareto front, for several objectives).
//! In (stdin): `{"number":0,"values":[3.2]}` or `"value":3.2`, `{"number":0,"state":"fail"}`,
//! `{"number":0,"state":"pruned"}`, `{"number":0,"report":0.71,"step":3}`, and define-by-run
//! `{"number":0,"suggest":"y","distribution":{...}}` (Optuna's distribution JSON), answered by
//! `{"number":0,"name":"y","value":...}`, for parameters outside `--search-space` (conditional
//! ones). Blank lines are skipped.
//!
//! With `--terminator <improvement evaluator>` (Optuna's terminator: `RegretBoundEvaluator`,
//! `EMMREvaluator`, `BestValueStagnationEvaluator`), the study is checked after each result and,
//! once the terminator says so, no more trials are asked: out comes
//! `{"terminated":{"n_complete":37,"improvement":0.012,"error":0.02}}`, then the answers still owed
//! for trials already asked, then `{"best":...}`. A result may carry its cross-validation scores,
//! `{"number":0,"value":0.83,"cv_scores":[0.81,0.84,0.85]}`, for the default error evaluator
//! (`CrossValidationErrorEvaluator`); without scores give `--terminator-error
//! StaticErrorEvaluator --terminator-error-kwargs '{"constant":0.01}'` or `MedianErrorEvaluator`.
//!
//! Exit codes: 0 done; 2 bad flags or configuration; 3 a bad input line; 4 input ended early.

use std::collections::BTreeSet;
use std::fmt;
use std::io::{BufRead, Write};

use std::time::Duration;

use clap::Args;
use serde_json::{Map, Value, json};
use wasmtune::config::ComponentSpec;
use wasmtune::distributions::search_space_from_json;
use wasmtune::storage::Storage;
use wasmtune::storage::rdb::{HeartbeatConfig, RdbStorage};
use wasmtune::terminator::{Terminator, TerminatorSpec, report_cross_validation_scores_for};
use wasmtune::{Error, FrozenTrial, Study, StudyConfig, StudyDirection, TrialOutcome};

use crate::heartbeat::Heartbeat;
use crate::storage_cli::StorageKind;

/// Flags, named as Optuna's CLI names them where Optuna has the same flag.
#[derive(Args, Debug)]
pub struct StreamArgs {
    /// Optuna's search-space JSON (name -> distribution JSON), or @FILE to read it from a file.
    /// Parameters in it come with each asked trial; others can be asked define-by-run.
    #[arg(long, default_value = "{}")]
    search_space: String,
    /// Sampler class name, as Optuna's (RandomSampler, GridSampler, QMCSampler, ...).
    #[arg(long, default_value = "RandomSampler")]
    sampler: String,
    /// Sampler keyword arguments as a JSON object, with Optuna's names.
    #[arg(long)]
    sampler_kwargs: Option<String>,
    /// minimize or maximize; repeat once per objective.
    #[arg(long = "direction")]
    directions: Vec<String>,
    /// How many trials to run (a grid or brute-force sampler may end the study sooner).
    #[arg(long)]
    n_trials: u64,
    /// Pruner class name, as Optuna's.
    #[arg(long, default_value = "NopPruner")]
    pruner: String,
    /// Pruner keyword arguments as a JSON object.
    #[arg(long)]
    pruner_kwargs: Option<String>,
    /// Ask this many trials before waiting for results.
    #[arg(long, default_value_t = 1)]
    batch: u64,
    /// Keep the study in a storage shared with other workers (wasmtune's or Optuna's):
    /// sqlite:///path.db, postgresql://user:pass@host:port/db, or a journal file's path. The study
    /// is created if absent and continued if present. Default: in memory.
    #[arg(long)]
    storage: Option<String>,
    /// Name of the study in --storage.
    #[arg(long)]
    study_name: Option<String>,
    /// Seconds between heartbeats of this worker's running trials (database storages; Optuna's
    /// heartbeat_interval). With it, a trial whose worker died is failed by the next worker to ask.
    #[arg(long)]
    heartbeat_interval: Option<u64>,
    /// Seconds without a heartbeat before a running trial counts as dead (default: twice
    /// --heartbeat-interval, as Optuna).
    #[arg(long)]
    grace_period: Option<u64>,
    /// Stop early with Optuna's terminator, this improvement evaluator (RegretBoundEvaluator,
    /// EMMREvaluator, BestValueStagnationEvaluator).
    #[arg(long)]
    terminator: Option<String>,
    /// The improvement evaluator's keyword arguments as a JSON object, with Optuna's names.
    #[arg(long)]
    terminator_kwargs: Option<String>,
    /// Error evaluator class name (CrossValidationErrorEvaluator, StaticErrorEvaluator,
    /// MedianErrorEvaluator); default as Optuna's Terminator.
    #[arg(long)]
    terminator_error: Option<String>,
    /// The error evaluator's keyword arguments as a JSON object.
    #[arg(long)]
    terminator_error_kwargs: Option<String>,
    /// Complete trials before the terminator may stop the study.
    #[arg(long, default_value_t = wasmtune::terminator::DEFAULT_MIN_N_TRIALS)]
    terminator_min_n_trials: usize,
}

/// A stream failure with the exit code it maps to.
#[derive(Debug)]
pub enum StreamError {
    /// Bad flags or configuration.
    Config(String),
    /// A bad input line.
    Input { line: usize, message: String },
    /// Input ended with trials unanswered.
    Eof(String),
    /// Writing to stdout failed (e.g. the reader went away).
    Io(std::io::Error),
}

impl StreamError {
    pub fn exit_code(&self) -> u8 {
        match self {
            StreamError::Config(_) => 2,
            StreamError::Input { .. } => 3,
            StreamError::Eof(_) => 4,
            StreamError::Io(_) => 5,
        }
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Config(m) => write!(f, "{m}"),
            StreamError::Input { line, message } => write!(f, "input line {line}: {message}"),
            StreamError::Eof(m) => write!(f, "{m}"),
            StreamError::Io(e) => write!(f, "writing output: {e}"),
        }
    }
}

impl From<std::io::Error> for StreamError {
    fn from(e: std::io::Error) -> Self {
        StreamError::Io(e)
    }
}

fn config_err(e: impl fmt::Display) -> StreamError {
    StreamError::Config(e.to_string())
}

fn parse_json_flag(flag: &str, text: &str) -> Result<Value, StreamError> {
    serde_json::from_str(text).map_err(|e| StreamError::Config(format!("--{flag}: invalid JSON: {e}")))
}

/// Builds the study configuration the flags describe.
fn config_from_args(args: &StreamArgs) -> Result<StudyConfig, StreamError> {
    let space_text = match args.search_space.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| StreamError::Config(format!("--search-space: cannot read {path}: {e}")))?,
        None => args.search_space.clone(),
    };
    let space = search_space_from_json(&parse_json_flag("search-space", &space_text)?).map_err(config_err)?;
    let directions = if args.directions.is_empty() {
        vec![StudyDirection::Minimize]
    } else {
        args.directions.iter().map(|d| StudyDirection::from_name(d)).collect::<Result<_, _>>().map_err(config_err)?
    };
    if args.batch == 0 {
        return Err(StreamError::Config("--batch must be at least 1".into()));
    }
    let kwargs = |flag: &str, text: &Option<String>| match text {
        Some(t) => parse_json_flag(flag, t),
        None => Ok(Value::Null),
    };
    Ok(StudyConfig {
        directions,
        sampler: ComponentSpec { name: args.sampler.clone(), kwargs: kwargs("sampler-kwargs", &args.sampler_kwargs)? },
        pruner: ComponentSpec { name: args.pruner.clone(), kwargs: kwargs("pruner-kwargs", &args.pruner_kwargs)? },
        search_space: Some(space),
        n_trials: Some(args.n_trials),
        ..StudyConfig::default()
    })
}

/// The terminator the flags describe, if any; bad names or options are configuration errors.
fn terminator_from_args(args: &StreamArgs, config: &StudyConfig) -> Result<Option<Terminator>, StreamError> {
    let Some(name) = &args.terminator else {
        let stray = [
            ("--terminator-kwargs", args.terminator_kwargs.is_some()),
            ("--terminator-error", args.terminator_error.is_some()),
            ("--terminator-error-kwargs", args.terminator_error_kwargs.is_some()),
        ];
        if let Some((flag, _)) = stray.iter().find(|(_, given)| *given) {
            return Err(StreamError::Config(format!("{flag} needs --terminator <improvement evaluator>")));
        }
        return Ok(None);
    };
    if config.directions.len() != 1 {
        return Err(StreamError::Config("--terminator supports single-objective studies only".into()));
    }
    let kwargs = |flag: &str, text: &Option<String>| match text {
        Some(t) => parse_json_flag(flag, t),
        None => Ok(Value::Null),
    };
    let error = match &args.terminator_error {
        Some(e) => Some(ComponentSpec {
            name: e.clone(),
            kwargs: kwargs("terminator-error-kwargs", &args.terminator_error_kwargs)?,
        }),
        None if args.terminator_error_kwargs.is_some() => {
            return Err(StreamError::Config("--terminator-error-kwargs needs --terminator-error".into()));
        }
        None => None,
    };
    let spec = TerminatorSpec {
        improvement_evaluator: Some(ComponentSpec {
            name: name.clone(),
            kwargs: kwargs("terminator-kwargs", &args.terminator_kwargs)?,
        }),
        error_evaluator: error,
        min_n_trials: args.terminator_min_n_trials,
    };
    Terminator::from_spec(&spec).map(Some).map_err(|e| StreamError::Config(format!("--terminator: {e}")))
}

/// Runs the stream on real stdin/stdout.
pub fn run(args: StreamArgs) -> Result<(), StreamError> {
    let mut config = config_from_args(&args)?;
    let terminator = terminator_from_args(&args, &config)?;
    let mut heartbeat = None;
    let study = match &args.storage {
        None => {
            if args.study_name.is_some() || args.heartbeat_interval.is_some() || args.grace_period.is_some() {
                return Err(StreamError::Config(
                    "--study-name, --heartbeat-interval and --grace-period need --storage".into(),
                ));
            }
            config.build_study(None).map_err(config_err)?
        }
        Some(storage) => {
            let name =
                args.study_name.clone().ok_or_else(|| StreamError::Config("--storage needs --study-name".into()))?;
            config.name = Some(name.clone());
            let storage: Box<dyn Storage> = match StorageKind::parse(storage, None)? {
                StorageKind::Rdb(url) => {
                    let mut rdb = StorageKind::open_rdb(&url)?;
                    heartbeat = heartbeat_config(&args)?
                        .map(|hb| {
                            rdb.set_heartbeat(Some(hb));
                            let writer = rdb.heartbeat_writer().map_err(config_err)?;
                            Ok::<_, StreamError>(Heartbeat::start(writer, Duration::from_secs(hb.interval_s)))
                        })
                        .transpose()?;
                    create_if_absent(&mut rdb, &name, &config.directions)?;
                    Box::new(rdb)
                }
                kind @ StorageKind::Journal(_) => {
                    if args.heartbeat_interval.is_some() || args.grace_period.is_some() {
                        return Err(StreamError::Config("--heartbeat-interval needs a database --storage".into()));
                    }
                    // A journal is replayed once, so a second process writing beside this one
                    // would leave it a stale view: the file stays locked for the whole run (other
                    // commands wait, then give up), and several workers need a database.
                    return kind.with_storage(|storage| {
                        let study = config.build_study_in(Some(storage), None).map_err(config_err)?;
                        let (stdin, stdout) = (std::io::stdin(), std::io::stdout());
                        drive_study(study, &config, args.batch, terminator, None, stdin.lock(), stdout.lock())
                    });
                }
            };
            config.build_study_in(Some(storage), None).map_err(config_err)?
        }
    };
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    drive_study(study, &config, args.batch, terminator, heartbeat.as_ref(), stdin.lock(), stdout.lock())
}

fn heartbeat_config(args: &StreamArgs) -> Result<Option<HeartbeatConfig>, StreamError> {
    match (args.heartbeat_interval, args.grace_period) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(StreamError::Config("--grace-period needs --heartbeat-interval".into())),
        (Some(0), _) | (_, Some(0)) => {
            Err(StreamError::Config("--heartbeat-interval and --grace-period must be positive".into()))
        }
        (Some(i), g) => Ok(Some(HeartbeatConfig { interval_s: i, grace_s: g.unwrap_or(2 * i) })),
    }
}

/// Creates the study unless it exists; when several workers start at once, one creates it and
/// the others find it.
fn create_if_absent(rdb: &mut RdbStorage, name: &str, directions: &[StudyDirection]) -> Result<(), StreamError> {
    if rdb.study_id_by_name(name).is_some() {
        return Ok(());
    }
    if let Err(e) = rdb.create_new_study(directions, name) {
        rdb.reload().map_err(config_err)?;
        if rdb.study_id_by_name(name).is_none() {
            return Err(config_err(e));
        }
    }
    Ok(())
}

/// The protocol loop on `study`, over any reader and writer, checking `terminator` (if any)
/// after each result; `heartbeat` learns which trials are running.
fn drive_study(
    mut study: Study,
    config: &StudyConfig,
    batch: u64,
    mut terminator: Option<Terminator>,
    heartbeat: Option<&Heartbeat>,
    input: impl BufRead,
    mut out: impl Write,
) -> Result<(), StreamError> {
    let beat = |study: &Study, open: &BTreeSet<u64>| {
        if let Some(h) = heartbeat {
            h.set_running(open.iter().filter_map(|n| study.trial(*n).ok()).map(|t| t.trial_id).collect());
        }
    };
    let space = config.search_space.clone().unwrap_or_default();
    let n_trials = config.n_trials.unwrap_or(0);
    let mut asked = 0u64;
    let mut open: BTreeSet<u64> = BTreeSet::new();

    let ask_more = |study: &mut Study, open: &mut BTreeSet<u64>, asked: &mut u64, out: &mut dyn Write| {
        while *asked < n_trials && (open.len() as u64) < batch && !study.is_stopped() {
            let t = study.ask_with(&space).map_err(config_err)?;
            *asked += 1;
            open.insert(t.number);
            writeln!(out, "{}", json!({"number": t.number, "params": t.param_values()}))?;
        }
        out.flush()?;
        Ok::<(), StreamError>(())
    };

    ask_more(&mut study, &mut open, &mut asked, &mut out)?;
    beat(&study, &open);
    let mut lines = input.lines().enumerate();
    while !open.is_empty() {
        let Some((i, line)) = lines.next() else {
            return Err(StreamError::Eof(format!(
                "input ended with {} trial(s) unanswered: {:?}",
                open.len(),
                open.iter().collect::<Vec<_>>()
            )));
        };
        let line_no = i + 1;
        let bad = |message: String| StreamError::Input { line: line_no, message };
        let line = line.map_err(|e| bad(format!("cannot read: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        match parse_message(&line).map_err(&bad)? {
            Message::Report { number, value, step } => {
                ensure_open(&open, number).map_err(&bad)?;
                study.report(number, value, step).map_err(|e| bad(e.to_string()))?;
                let prune = study.should_prune(number).map_err(|e| bad(e.to_string()))?;
                writeln!(out, "{}", json!({"number": number, "should_prune": prune}))?;
                out.flush()?;
            }
            Message::Suggest { number, name, distribution } => {
                ensure_open(&open, number).map_err(&bad)?;
                let value = study.suggest(number, &name, distribution).map_err(|e| bad(e.to_string()))?;
                writeln!(out, "{}", json!({"number": number, "name": name, "value": value}))?;
                out.flush()?;
            }
            Message::Tell { number, outcome, cv_scores } => {
                ensure_open(&open, number).map_err(&bad)?;
                if let Some(scores) = cv_scores {
                    report_cross_validation_scores_for(&mut study, number, &scores).map_err(|e| bad(e.to_string()))?;
                }
                match study.tell(number, outcome) {
                    Ok(_) => {}
                    // Another worker failed it (its heartbeat went stale): the result is lost,
                    // as in Optuna, but this worker goes on.
                    Err(e @ Error::TrialFinished { .. }) => eprintln!("wasmtune: warning: {e}"),
                    Err(e) => return Err(bad(e.to_string())),
                }
                open.remove(&number);
                // As Optuna's TerminatorCallback: checked after every finished trial, until it fires.
                if let Some(t) = terminator.as_mut().filter(|_| !study.is_stopped()) {
                    let d = t.decide(study.trials(), study.directions()[0]).map_err(|e| bad(e.to_string()))?;
                    if d.terminate {
                        study.stop();
                        writeln!(out, "{}", json!({"terminated": d}))?;
                    }
                }
                ask_more(&mut study, &mut open, &mut asked, &mut out)?;
                beat(&study, &open);
            }
        }
    }
    writeln!(out, "{}", json!({"best": best_json(&study)}))?;
    out.flush()?;
    Ok(())
}

fn ensure_open(open: &BTreeSet<u64>, number: u64) -> Result<(), String> {
    if open.contains(&number) {
        Ok(())
    } else {
        Err(Error::UnknownTrial(number).to_string() + " (not a running trial of this stream)")
    }
}

enum Message {
    Report { number: u64, value: f64, step: u64 },
    Suggest { number: u64, name: String, distribution: wasmtune::Distribution },
    Tell { number: u64, outcome: TrialOutcome, cv_scores: Option<Vec<f64>> },
}

fn parse_message(line: &str) -> Result<Message, String> {
    let v: Value = serde_json::from_str(&non_finite_to_null(line)).map_err(|e| format!("invalid JSON: {e}"))?;
    let obj: &Map<String, Value> = v.as_object().ok_or("expected a JSON object")?;
    let number = obj.get("number").and_then(Value::as_u64).ok_or("\"number\" must be a non-negative integer")?;
    let allowed: &[&str] = if obj.contains_key("report") {
        &["number", "report", "step"]
    } else if obj.contains_key("suggest") {
        &["number", "suggest", "distribution"]
    } else if obj.contains_key("state") {
        &["number", "state", "values", "value", "cv_scores"]
    } else {
        &["number", "values", "value", "cv_scores"]
    };
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!("unexpected key \"{k}\""));
    }
    if let Some(report) = obj.get("report") {
        let value = report.as_f64().ok_or("\"report\" must be a number")?;
        let step = obj.get("step").and_then(Value::as_u64).ok_or("\"step\" must be a non-negative integer")?;
        return Ok(Message::Report { number, value, step });
    }
    if let Some(name) = obj.get("suggest") {
        let name = name.as_str().ok_or("\"suggest\" must be a parameter name (a string)")?.to_owned();
        let d = obj.get("distribution").ok_or("\"suggest\" needs a \"distribution\"")?;
        let distribution = wasmtune::Distribution::from_json(d).map_err(|e| e.to_string())?;
        return Ok(Message::Suggest { number, name, distribution });
    }
    let values = || -> Result<Vec<f64>, String> {
        match (obj.get("values"), obj.get("value")) {
            (Some(_), Some(_)) => Err("give \"values\" or \"value\", not both".into()),
            (Some(Value::Array(a)), None) => a.iter().map(finite_or_nan).collect(),
            (Some(_), None) => Err("\"values\" must be an array of numbers".into()),
            (None, Some(x)) => Ok(vec![finite_or_nan(x)?]),
            (None, None) => Err("expected \"values\", \"value\", \"state\" or \"report\"".into()),
        }
    };
    let outcome = match obj.get("state").map(|s| s.as_str().ok_or("\"state\" must be a string")).transpose()? {
        None => TrialOutcome::Complete(values()?),
        Some(s) => match s.to_ascii_lowercase().as_str() {
            "complete" => TrialOutcome::Complete(values()?),
            "pruned" => TrialOutcome::Pruned,
            "fail" => TrialOutcome::Fail("reported as failed by the caller".into()),
            _ => return Err(format!("unknown state \"{s}\" (expected complete, pruned or fail)")),
        },
    };
    let cv_scores = match obj.get("cv_scores") {
        None => None,
        Some(Value::Array(a)) => Some(
            a.iter()
                .map(|v| v.as_f64().ok_or_else(|| format!("\"cv_scores\": {v} is not a number")))
                .collect::<Result<Vec<f64>, String>>()?,
        ),
        Some(_) => return Err("\"cv_scores\" must be an array of numbers".into()),
    };
    Ok(Message::Tell { number, outcome, cv_scores })
}

/// A value: a number, or null for NaN/±inf (which fail the trial, as Optuna fails NaN).
fn finite_or_nan(x: &Value) -> Result<f64, String> {
    match x {
        Value::Null => Ok(f64::NAN),
        _ => x.as_f64().ok_or_else(|| format!("value {x} is not a number")),
    }
}

/// Python's `json.dumps` writes NaN and infinities as bare `NaN`, `Infinity`, `-Infinity`, which
/// strict JSON lacks; read them (outside strings) as null, and numbers too large for f64 likewise.
fn non_finite_to_null(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let (mut in_string, mut escaped) = (false, false);
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if in_string {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
        } else if c == '"' {
            in_string = true;
        } else if let Some(token) = ["-Infinity", "Infinity", "NaN"].iter().find(|t| rest.starts_with(**t)) {
            out.push_str("null");
            rest = &rest[token.len()..];
            continue;
        } else if c == '-' || c.is_ascii_digit() {
            let end = rest.find(|ch: char| !(ch.is_ascii_digit() || "+-.eE".contains(ch))).unwrap_or(rest.len());
            let num = &rest[..end];
            out.push_str(if num.parse::<f64>().is_ok_and(f64::is_infinite) { "null" } else { num });
            rest = &rest[end..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn trial_json(t: &FrozenTrial) -> Value {
    json!({"number": t.number, "values": t.values, "params": t.param_values()})
}

fn best_json(study: &Study) -> Value {
    if study.directions().len() == 1 {
        study.best_trial().map(trial_json).unwrap_or(Value::Null)
    } else {
        Value::Array(study.best_trials().into_iter().map(trial_json).collect())
    }
}
