//! Optuna's RDB storage in SQLite, both ways: a study Optuna 5.0.0 started is continued by
//! `wasmtune ask`/`tell` and Optuna then loads every field of every trial as wasmtune does, and the
//! other way round; bad input is refused with a message and loses nothing. (PostgreSQL, many
//! workers and heartbeats: tests/engine/rdb_postgres.rs.)

#![cfg(not(target_arch = "wasm32"))]

use crate::optuna_view;
use crate::reference_study;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use optuna_view::{dump, optuna, optuna_view};
use reference_study::write_reference_study;
use serde_json::{Value, json};
use wasmtune::storage::rdb::{RdbStorage, RdbUrl};
use wasmtune::{ParamValue, Study, TrialOutcome};

const BIN: &str = env!("CARGO_BIN_EXE_wasmtune");

/// A fresh directory for one test's database, removed when the test ends (passed or not).
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("wasmtune-rdb-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn url(&self, file: &str) -> String {
        format!("sqlite:///{}", self.0.join(file).display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn ours(url: &str) -> Value {
    let url = RdbUrl::parse(url).unwrap().unwrap();
    dump(&RdbStorage::open(&url).unwrap())
}

fn wasmtune(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN).current_dir(dir).args(args).output().unwrap()
}

/// Runs a command that must succeed; its stdout.
fn ok(dir: &Path, args: &[&str]) -> String {
    let out = wasmtune(dir, args);
    assert!(out.status.success(), "wasmtune {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn study<'v>(view: &'v Value, name: &str) -> &'v Value {
    view.as_array().unwrap().iter().find(|s| s["name"] == name).unwrap_or_else(|| panic!("no study {name}"))
}

fn trials(view: &Value, name: &str) -> Vec<Value> {
    study(view, name)["trials"].as_array().unwrap().clone()
}

const SPACE: &str = r#"{"x": {"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0, "log": false, "step": null}},
    "k": {"name": "IntDistribution", "attributes": {"low": 0, "high": 10, "log": false, "step": 2}},
    "c": {"name": "CategoricalDistribution", "attributes": {"choices": [null, true, 1, 1.5, "a"]}}}"#;

#[test]
fn a_study_optuna_started_continues_with_ask_and_tell_and_optuna_reads_every_field() {
    let dir = TempDir::new("optuna-first");
    let url = dir.url("study.db");
    optuna(&["--write", &url]);
    let before = optuna_view(&url);
    // What Optuna wrote reads back in wasmtune with every field equal.
    assert_eq!(ours(&url), before);
    let n0 = trials(&before, "optuna-one").len();
    assert_eq!(trials(&before, "optuna-one")[n0 - 1]["state"], 4, "the fixture ends with an enqueued trial");

    let s = ["--storage", url.as_str(), "--study-name", "optuna-one"];
    let ask = |sampler: &str| -> Value {
        let args =
            [&s[..], &["--sampler", sampler, "--sampler-kwargs", r#"{"seed": 3}"#, "--search-space", SPACE]].concat();
        serde_json::from_str(&ok(&dir.0, &[&["ask"], &args[..]].concat())).unwrap()
    };
    // The enqueued trial is handed out first, with its fixed parameters.
    let a = ask("TPESampler");
    assert_eq!(a["number"], n0 as u64 - 1);
    assert_eq!(a["params"]["x"], 0.5);
    assert_eq!(a["params"]["k"], 4);
    ok(&dir.0, &[&["tell"], &s[..], &["--trial-number", &a["number"].to_string(), "--values", "1.25"]].concat());
    let b = ask("TPESampler");
    assert_eq!(b["number"], n0 as u64);
    ok(&dir.0, &[&["tell"], &s[..], &["--trial-number", &b["number"].to_string(), "--state", "pruned"]].concat());
    let c = ask("RandomSampler");
    ok(&dir.0, &[&["tell"], &s[..], &["--trial-number", &c["number"].to_string(), "--state", "fail"]].concat());
    let d = ask("TPESampler");
    assert_eq!(d["number"], n0 as u64 + 2);
    // Two objectives, a negative value, through the CLI.
    let two = ["--storage", url.as_str(), "--study-name", "optuna-two"];
    let e: Value = serde_json::from_str(&ok(&dir.0, &[&["ask"], &two[..]].concat())).unwrap();
    ok(
        &dir.0,
        &[&["tell"], &two[..], &["--trial-number", &e["number"].to_string(), "--values", "-1.5", "0.5"]].concat(),
    );

    let after = optuna_view(&url);
    assert_eq!(ours(&url), after, "Optuna and wasmtune read the same database differently");
    let t = trials(&after, "optuna-one");
    // What Optuna recorded is untouched; the enqueued trial ran once; the rest are new.
    assert_eq!(t[..n0 - 1], trials(&before, "optuna-one")[..n0 - 1]);
    assert_eq!(t.len(), n0 + 3);
    assert_eq!(t[n0 - 1]["values"], json!([1.25]));
    assert_eq!(t[n0 - 1]["state"], 1);
    assert_eq!(t[n0]["state"], 2);
    assert_eq!(t[n0 + 1]["state"], 3);
    assert_eq!(t[n0 + 2]["state"], 0);
    assert_eq!(t[n0 + 2]["params"], d["params"]);
    assert_eq!(trials(&after, "optuna-two").last().unwrap()["values"], json!([-1.5, 0.5]));
    // importances reads the database too.
    let imp: Value = serde_json::from_str(&ok(&dir.0, &[&["importances"], &s[..]].concat())).unwrap();
    assert!(imp.as_object().unwrap().contains_key("x"), "{imp}");
}

/// A study written through the library, with every kind of field (as tests/engine/journal.rs writes one).
fn write_study(url: &str) -> usize {
    let storage = RdbStorage::open(&RdbUrl::parse(url).unwrap().unwrap()).unwrap();
    let s = write_reference_study(Box::new(storage), f64::INFINITY);
    // One objective with reports: NaN and infinities among them, then pruned.
    let storage = RdbStorage::open(&RdbUrl::parse(url).unwrap().unwrap()).unwrap();
    let mut p = Study::builder().name("reports").storage(Box::new(storage)).build().unwrap();
    let n = p.ask().unwrap();
    p.suggest(
        n,
        "x",
        wasmtune::Distribution::Float(wasmtune::distributions::FloatDistribution::new(0.0, 1.0, false, None).unwrap()),
    )
    .unwrap();
    for (step, v) in [(0, f64::NAN), (1, f64::INFINITY), (2, f64::NEG_INFINITY), (3, 0.25)] {
        p.report(n, v, step).unwrap();
    }
    p.tell(n, TrialOutcome::Pruned).unwrap();
    s.trials().len()
}

#[test]
fn a_study_wasmtune_started_continues_in_optuna_and_back() {
    let dir = TempDir::new("wasmtune-first");
    let url = dir.url("study.db");
    let n = write_study(&url);
    let s = ["--storage", url.as_str(), "--study-name", "cli"];
    assert_eq!(ok(&dir.0, &[&["create-study"], &s[..], &["--direction", "minimize"]].concat()).trim(), "cli");
    for i in 0..2 {
        let a: Value =
            serde_json::from_str(&ok(&dir.0, &[&["ask"], &s[..], &["--search-space", SPACE]].concat())).unwrap();
        assert_eq!(a["number"], i);
        ok(&dir.0, &[&["tell"], &s[..], &["--trial-number", &i.to_string(), "--values", &format!("{}.5", i)]].concat());
    }
    let first = optuna_view(&url);
    assert_eq!(ours(&url), first, "Optuna reads wasmtune's database differently");
    assert_eq!(trials(&first, "written-by-wasmtune").len(), n);

    // Optuna continues the CLI's study (TPE, three trials) and enqueues one; wasmtune runs it.
    optuna(&["--continue", &url, "cli", "3"]);
    let a: Value = serde_json::from_str(&ok(&dir.0, &[&["ask"], &s[..], &["--search-space", SPACE]].concat())).unwrap();
    assert_eq!(a["number"], 5);
    assert_eq!(a["params"]["x"], 0.125);
    ok(&dir.0, &[&["tell"], &s[..], &["--trial-number", "5", "--values", "0.125"]].concat());
    let last = optuna_view(&url);
    assert_eq!(ours(&url), last);
    let t = trials(&last, "cli");
    assert_eq!(t.iter().map(|t| t["number"].as_u64().unwrap()).collect::<Vec<_>>(), (0..6).collect::<Vec<_>>());
    assert!(t.iter().all(|t| t["state"] == 1), "{t:?}");
    assert_eq!(t[2]["user_attrs"], json!({"by": "optuna"}));
    assert_eq!(trials(&last, "written-by-wasmtune"), trials(&first, "written-by-wasmtune"));
}

#[test]
fn without_storage_the_commands_use_wasmtune_db_in_the_working_directory() {
    let dir = TempDir::new("default");
    ok(&dir.0, &["create-study", "--study-name", "d", "--direction", "maximize"]);
    let a: Value = serde_json::from_str(&ok(&dir.0, &["ask", "--study-name", "d", "--search-space", SPACE])).unwrap();
    ok(&dir.0, &["tell", "--study-name", "d", "--trial-number", &a["number"].to_string(), "--values", "2"]);
    assert!(dir.0.join("wasmtune.db").is_file());
    let view = optuna_view(&dir.url("wasmtune.db"));
    assert_eq!(trials(&view, "d")[0]["values"], json!([2.0]));
    // A path that is not a URL is still a journal file.
    ok(&dir.0, &["create-study", "--storage", "j.log", "--study-name", "j"]);
    assert!(std::fs::read_to_string(dir.0.join("j.log")).unwrap().contains("\"op_code\":0"));
    let help = String::from_utf8(wasmtune(&dir.0, &["ask", "--help"]).stdout).unwrap();
    assert!(help.contains("sqlite:///wasmtune.db"), "{help}");
}

#[test]
fn bad_input_is_refused_with_a_message_and_loses_nothing() {
    let dir = TempDir::new("bad");
    let url = dir.url("study.db");
    let s = ["--storage", url.as_str(), "--study-name", "s"];
    ok(&dir.0, &[&["create-study"], &s[..]].concat());
    let a: Value = serde_json::from_str(&ok(&dir.0, &[&["ask"], &s[..], &["--search-space", SPACE]].concat())).unwrap();
    ok(&dir.0, &[&["tell"], &s[..], &["--trial-number", "0", "--values", "1"]].concat());
    let before = optuna_view(&url);
    let refused = |args: &[&str], needle: &str| {
        let out = wasmtune(&dir.0, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: expected '{needle}' in: {err}");
    };
    refused(&[&["tell"], &s[..], &["--trial-number", "0", "--values", "2"]].concat(), "already finished");
    refused(&[&["tell"], &s[..], &["--trial-number", "7", "--values", "2"]].concat(), "unknown trial number 7");
    refused(&[&["create-study"], &s[..]].concat(), "already exists");
    refused(&["ask", "--storage", "mysql://u@h/db", "--study-name", "s"], "unsupported database 'mysql'");
    refused(&[&["ask"], &s[..], &["--storage-class", "JournalFileBackend"]].concat(), "database URL");
    refused(&["ask", "--storage", &url, "--study-name", "nope"], "study 'nope' not found");
    refused(&["importances", "--storage", &dir.url("typo.db")], "no SQLite database");
    assert!(!dir.0.join("typo.db").exists());
    assert_eq!(optuna_view(&url), before);
    assert_eq!(a["number"], 0);
    // A database at another schema revision is refused, not rewritten.
    let old = dir.url("old.db");
    ok(&dir.0, &["create-study", "--storage", &old, "--study-name", "o"]);
    let conn = rusqlite_free_update(&dir.0.join("old.db"));
    assert!(conn, "could not edit the revision");
    refused(&["ask", "--storage", &old, "--study-name", "o"], "schema revision");
}

/// Sets the alembic revision to an older one with Python's sqlite3 (the test links no SQLite).
fn rusqlite_free_update(path: &Path) -> bool {
    Command::new(optuna_view::PYTHON)
        .args([
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE alembic_version SET version_num='v3.0.0.d'\"); c.commit()",
            path.to_str().unwrap(),
        ])
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `wasmtune stream` (TPE, seed 7) answering every trial with the garden objective; the
/// parameters it asked, in order.
fn stream_params(dir: &Path, storage: &[&str]) -> Vec<Value> {
    use std::io::{BufRead, BufReader, Write};
    let mut child = Command::new(BIN)
        .current_dir(dir)
        .args(["stream", "--sampler", "TPESampler", "--sampler-kwargs", r#"{"seed": 7}"#, "--search-space", SPACE])
        .args(["--n-trials", "15"])
        .args(storage)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut asked = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let msg: Value = serde_json::from_str(&line.unwrap()).unwrap();
        if msg.get("best").is_some() {
            break;
        }
        let x = msg["params"]["x"].as_f64().unwrap();
        writeln!(stdin, "{}", json!({"number": msg["number"], "value": (x - 0.25).powi(2)})).unwrap();
        asked.push(msg["params"].clone());
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    asked
}

#[test]
fn a_seeded_stream_asks_the_same_parameters_in_a_database_as_in_memory() {
    let dir = TempDir::new("seeded");
    let url = dir.url("seeded.db");
    let in_memory = stream_params(&dir.0, &[]);
    let in_sqlite = stream_params(&dir.0, &["--storage", &url, "--study-name", "seeded"]);
    assert_eq!(in_memory, in_sqlite);
    assert_eq!(trials(&optuna_view(&url), "seeded").len(), 15);
}

#[test]
fn concurrent_asks_hand_out_each_enqueued_trial_exactly_once() {
    let dir = TempDir::new("enqueued");
    let url = dir.url("q.db");
    let storage = RdbStorage::open(&RdbUrl::parse(&url).unwrap().unwrap()).unwrap();
    let mut s = Study::builder().name("q").storage(Box::new(storage)).build().unwrap();
    for i in 0..12 {
        s.enqueue_trial([("x".to_string(), ParamValue::Float(i as f64 / 16.0))].into_iter().collect(), false).unwrap();
    }
    drop(s);
    // Four processes asking three times each, at once: every ask refreshes, then claims with a
    // conditional UPDATE; a claim another process won sends it to the next waiting trial.
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (dir, url) = (dir.0.clone(), url.clone());
            std::thread::spawn(move || {
                (0..3)
                    .map(|_| {
                        let out = ok(&dir, &["ask", "--storage", &url, "--study-name", "q", "--search-space", SPACE]);
                        let v: Value = serde_json::from_str(&out).unwrap();
                        (v["number"].as_u64().unwrap(), v["params"]["x"].as_f64().unwrap())
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut got: Vec<(u64, f64)> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
    got.sort_by_key(|(n, _)| *n);
    let expected: Vec<(u64, f64)> = (0..12).map(|i| (i, i as f64 / 16.0)).collect();
    assert_eq!(got, expected, "each enqueued trial once, with its own fixed x");
    let view = optuna_view(&url);
    assert!(trials(&view, "q").iter().all(|t| t["state"] == 0), "all twelve running, none waiting, none extra");
    assert_eq!(trials(&view, "q").len(), 12);
}
