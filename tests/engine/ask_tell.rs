//! `wasmtune create-study / ask / tell` on Optuna's journal files, against real Optuna 5.0.0.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_wasmtune");
const VENV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/.venv/bin");

fn temp(tag: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("wasmtune-cli-{tag}-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&p);
    p
}

fn run_loop(cmd: &str, path: &Path, n: usize) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scripts/ask_tell_loop.py");
    let out = Command::new(format!("{VENV}/python"))
        .args([script, cmd, path.to_str().unwrap(), &n.to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{cmd}: {}", String::from_utf8_lossy(&out.stderr));
}

fn optuna_view(path: &Path) -> Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scripts/journal_dump.py");
    let out = Command::new(format!("{VENV}/python")).args([script, path.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn an_optuna_ask_tell_script_runs_unchanged_and_optuna_continues_the_study() {
    let path = temp("script");
    run_loop(BIN, &path, 8);
    run_loop(&format!("{VENV}/optuna"), &path, 4);
    run_loop(BIN, &path, 3);
    let studies = optuna_view(&path);
    let trials = studies[0]["trials"].as_array().unwrap();
    assert_eq!(studies[0]["name"], "cli-study");
    assert_eq!(trials.len(), 15);
    assert!(trials.iter().all(|t| t["state"] == 1), "every trial complete");
    let numbers: Vec<u64> = trials.iter().map(|t| t["number"].as_u64().unwrap()).collect();
    assert_eq!(numbers, (0..15).collect::<Vec<_>>());
    let _ = std::fs::remove_file(&path);
}

#[test]
fn concurrent_asks_never_hand_out_the_same_trial() {
    let path = temp("concurrent");
    let p = path.to_str().unwrap();
    let common = ["--storage", p, "--study-name", "race"];
    assert!(Command::new(BIN).arg("create-study").args(common).status().unwrap().success());
    let space =
        r#"{"x": {"name": "FloatDistribution", "attributes": {"low": 0, "high": 1, "log": false, "step": null}}}"#;
    let children: Vec<_> = (0..16)
        .map(|i| {
            Command::new(BIN)
                .arg("ask")
                .args(common)
                .args([
                    "--sampler",
                    "RandomSampler",
                    "--sampler-kwargs",
                    &format!("{{\"seed\": {i}}}"),
                    "--search-space",
                    space,
                ])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut numbers = HashSet::new();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success());
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(numbers.insert(v["number"].as_u64().unwrap()), "number handed out twice: {v}");
    }
    assert_eq!(numbers, (0..16).collect());
    assert_eq!(optuna_view(&path)[0]["trials"].as_array().unwrap().len(), 16);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn tell_errors_and_skip_if_finished() {
    let path = temp("tell");
    let p = path.to_str().unwrap();
    let common = ["--storage", p, "--study-name", "t"];
    let run = |args: &[&str]| Command::new(BIN).args(args).args(common).output().unwrap();
    assert!(run(&["create-study"]).status.success());
    assert_eq!(run(&["create-study"]).status.code(), Some(2), "exists without --skip-if-exists");
    assert!(run(&["create-study", "--skip-if-exists"]).status.success());
    assert!(run(&["ask", "--sampler", "RandomSampler"]).status.success());
    assert!(run(&["tell", "--trial-number", "0", "--values", "1.5"]).status.success());
    let again = run(&["tell", "--trial-number", "0", "--values", "2.5"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already finished"));
    assert!(run(&["tell", "--trial-number", "0", "--values", "2.5", "--skip-if-finished"]).status.success());
    let missing = run(&["tell", "--trial-number", "9", "--values", "1"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("unknown trial number 9"));
    let other = Command::new(BIN).args(["ask", "--storage", p, "--study-name", "nope"]).output().unwrap();
    assert!(String::from_utf8_lossy(&other.stderr).contains("study 'nope' not found"));
    let class = Command::new(BIN)
        .args(["ask", "--storage", "sqlite:///x.db", "--storage-class", "JournalFileBackend", "--study-name", "t"])
        .output()
        .unwrap();
    // Databases are tests/engine/rdb.rs's; here only a class that contradicts the URL is refused.
    assert!(String::from_utf8_lossy(&class.stderr).contains("is a database URL"));
    // The value told first is kept.
    assert_eq!(optuna_view(&path)[0]["trials"][0]["values"][0], 1.5);
    let _ = std::fs::remove_file(&path);
}
