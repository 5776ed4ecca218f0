//! Studies and trials as JSON in the shape `tests/scripts/rdb_dump.py` prints them (Optuna's
//! view), so a test compares Optuna's view of a storage with wasmtune's field by field.

#![allow(dead_code)]

use std::process::Command;

use serde_json::{Value, json};
use wasmtune::storage::Storage;
use wasmtune::{FrozenTrial, StudyDirection};

/// The Python of benches/.venv (optuna==5.0.0, psycopg2, optuna-dashboard).
pub const PYTHON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/.venv/bin/python");
/// The helper that dumps, writes and continues studies with Optuna.
pub const RDB_DUMP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scripts/rdb_dump.py");

/// Naive UTC ISO datetimes, as `rdb_dump.py` prints Optuna's (no fraction when it is zero).
pub fn iso(ms: Option<f64>) -> Value {
    let Some(ms) = ms else { return Value::Null };
    let micros = (ms * 1000.0).round() as i64;
    let dt = chrono::DateTime::from_timestamp_micros(micros).unwrap().naive_utc();
    let s = if micros % 1_000_000 == 0 { dt.format("%Y-%m-%dT%H:%M:%S") } else { dt.format("%Y-%m-%dT%H:%M:%S%.6f") };
    Value::String(s.to_string())
}

/// A float as the helper prints it: JSON has no NaN or infinities, so they are strings.
pub fn num(v: f64) -> Value {
    if v.is_nan() {
        json!("NaN")
    } else if v.is_infinite() {
        json!(if v > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        json!(v)
    }
}

/// One trial.
pub fn trial_json(t: &FrozenTrial) -> Value {
    json!({
        "trial_id": t.trial_id,
        "number": t.number,
        "state": t.state.code(),
        "params": t.param_values(),
        "distributions": t.params.iter().map(|(k, p)| (k.clone(), p.distribution.to_json())).collect::<serde_json::Map<_, _>>(),
        "values": t.values.as_ref().map(|v| v.iter().map(|x| num(*x)).collect::<Vec<_>>()),
        "intermediate_values": t.intermediate_values.iter().map(|(s, v)| (s.to_string(), num(*v))).collect::<serde_json::Map<_, _>>(),
        "user_attrs": t.user_attrs,
        "system_attrs": t.system_attrs,
        "datetime_start": iso(t.datetime_start),
        "datetime_complete": iso(t.datetime_complete),
    })
}

/// Every study and trial of `storage`.
pub fn dump(storage: &dyn Storage) -> Value {
    let studies: Vec<Value> = storage
        .studies()
        .into_iter()
        .map(|(id, name)| {
            let trials: Vec<Value> = storage.trials(id).unwrap().iter().map(trial_json).collect();
            let directions: Vec<u8> = storage
                .study_directions(id)
                .unwrap()
                .iter()
                .map(|d| if *d == StudyDirection::Minimize { 1 } else { 2 })
                .collect();
            json!({"name": name, "directions": directions, "user_attrs": storage.study_user_attrs(id).unwrap(),
                   "system_attrs": storage.study_system_attrs(id).unwrap(), "trials": trials})
        })
        .collect();
    Value::Array(studies)
}

/// Runs the helper with `args`; its stdout, or a panic with its stderr.
pub fn optuna(args: &[&str]) -> String {
    let out = Command::new(PYTHON)
        .arg(RDB_DUMP)
        .args(args)
        .output()
        .expect("benches/.venv with optuna==5.0.0 (scripts/install-tools.sh sets it up)");
    assert!(out.status.success(), "rdb_dump.py {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Optuna's view of the database at `url`.
pub fn optuna_view(url: &str) -> Value {
    serde_json::from_str(&optuna(&[url])).unwrap()
}
