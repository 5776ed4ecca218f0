//! Optuna's RDB storage in PostgreSQL, with many workers: wasmtune's `stream` workers and Optuna's
//! own share one study (trial numbers unique, nothing lost, Optuna's view equal to ours field by
//! field), and a worker killed mid-trial leaves its trial FAIL once its heartbeat is older than the
//! grace period. Each test starts its own throwaway cluster (tests/common/postgres.rs).

#![cfg(not(target_arch = "wasm32"))]

use crate::optuna_view;
use crate::postgres_cluster;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use optuna_view::{PYTHON, dump, optuna_view};
use postgres_cluster::Cluster;
use serde_json::{Value, json};
use wasmtune::TrialState;
use wasmtune::storage::Storage;
use wasmtune::storage::rdb::{RdbStorage, RdbUrl};

const BIN: &str = env!("CARGO_BIN_EXE_wasmtune");
const SPACE: &str = r#"{"x": {"name": "FloatDistribution", "attributes": {"low": -1.0, "high": 1.0, "log": false, "step": null}},
    "y": {"name": "FloatDistribution", "attributes": {"low": -1.0, "high": 1.0, "log": false, "step": null}},
    "k": {"name": "IntDistribution", "attributes": {"low": 0, "high": 4, "log": false, "step": 1}}}"#;

/// The objective every worker runs (tests/scripts/rdb_worker.py has the same).
fn objective(p: &Value) -> f64 {
    let (x, y, k) = (p["x"].as_f64().unwrap(), p["y"].as_f64().unwrap(), p["k"].as_f64().unwrap());
    (x - 0.3).powi(2) + (y + 0.1).powi(2) + 0.01 * k
}

/// Kills the given processes (by id, SIGKILL) if the test is still running after `limit`, so a
/// hung worker fails the test (its pipes close) instead of hanging it; disarmed when dropped.
struct Watchdog(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Watchdog {
    fn arm(pids: Vec<u32>, limit: Duration) -> Watchdog {
        use std::sync::atomic::Ordering;
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = std::sync::Arc::clone(&done);
        std::thread::spawn(move || {
            let deadline = Instant::now() + limit;
            while !flag.load(Ordering::Relaxed) {
                if Instant::now() > deadline {
                    eprintln!("watchdog: still running after {limit:?}; killing {pids:?}");
                    for pid in &pids {
                        let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
                    }
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        Watchdog(done)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A `wasmtune stream` worker on the study, with its pipes.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Worker {
    fn start(url: &str, study: &str, seed: u64, n_trials: u64, extra: &[&str]) -> Worker {
        let kwargs = json!({"seed": seed}).to_string();
        let n = n_trials.to_string();
        let mut child = Command::new(BIN)
            .args(["stream", "--storage", url, "--study-name", study, "--sampler", "TPESampler"])
            .args(["--sampler-kwargs", &kwargs, "--search-space", SPACE, "--n-trials", &n])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Worker { child, stdin, stdout }
    }

    fn read(&mut self) -> Value {
        let mut line = String::new();
        assert!(self.stdout.read_line(&mut line).unwrap() > 0, "the worker ended early");
        serde_json::from_str(&line).unwrap()
    }

    fn send(&mut self, v: Value) {
        writeln!(self.stdin, "{v}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// Answers every trial until the worker prints its best; the numbers it ran.
    fn run(mut self) -> Vec<u64> {
        let mut numbers = Vec::new();
        loop {
            let msg = self.read();
            if msg.get("best").is_some() {
                break;
            }
            let n = msg["number"].as_u64().unwrap();
            numbers.push(n);
            self.send(json!({"number": n, "value": objective(&msg["params"])}));
        }
        drop(self.stdin);
        assert!(self.child.wait().unwrap().success());
        numbers
    }
}

fn ours(url: &str) -> RdbStorage {
    RdbStorage::open(&RdbUrl::parse(url).unwrap().unwrap()).unwrap()
}

#[test]
fn wasmtune_and_optuna_workers_share_one_study_in_postgresql() {
    let cluster = Cluster::start("mixed");
    let url = cluster.url("postgresql");
    let py_url = cluster.url("postgresql+psycopg2");
    let started = Instant::now();
    let out = Command::new(BIN).args(["create-study", "--storage", &url, "--study-name", "mixed"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // 4 wasmtune workers × 35 trials and 2 Optuna workers × 30: 200 trials, TPE everywhere.
    let optuna_workers: Vec<Child> = (0..2)
        .map(|seed| {
            Command::new(PYTHON)
                .args([optuna_view::RDB_DUMP.replace("rdb_dump.py", "rdb_worker.py").as_str(), &py_url, "mixed", "30"])
                .arg((100 + seed).to_string())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let workers: Vec<Worker> = (0..4).map(|seed| Worker::start(&url, "mixed", seed, 35, &[])).collect();
    let pids = workers.iter().map(|w| w.child.id()).chain(optuna_workers.iter().map(Child::id)).collect();
    let _watchdog = Watchdog::arm(pids, Duration::from_secs(300));
    let ours_threads: Vec<_> = workers.into_iter().map(|w| std::thread::spawn(move || w.run())).collect();
    let mut numbers: Vec<u64> = ours_threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
    let n_wasmtune = numbers.len();
    for w in optuna_workers {
        let out = w.wait_with_output().unwrap();
        assert!(out.status.success(), "an Optuna worker failed");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        numbers.extend(v["numbers"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()));
    }
    eprintln!("200 trials by 4 wasmtune + 2 Optuna workers in {:.1} s", started.elapsed().as_secs_f64());
    assert_eq!(n_wasmtune, 140);
    // Every number 0..199 exactly once, across both kinds of worker.
    numbers.sort_unstable();
    assert_eq!(numbers, (0..200).collect::<Vec<_>>());
    let storage = ours(&url);
    let id = storage.study_id_by_name("mixed").unwrap();
    let trials = storage.trials(id).unwrap();
    assert_eq!(trials.len(), 200);
    assert!(trials.iter().all(|t| t.state == TrialState::Complete && t.values.as_ref().is_some_and(|v| v.len() == 1)));
    // Optuna's `study.trials` equals ours field by field.
    assert_eq!(optuna_view(&py_url), dump(&storage));
    // TPE worked on the shared history: the best is near the optimum (0.3, -0.1, 0).
    let best = trials.iter().filter_map(|t| t.values.as_ref()).map(|v| v[0]).fold(f64::INFINITY, f64::min);
    assert!(best < 0.02, "best {best}");
    dashboard_lists_the_study(&py_url, &storage);
    // A second study of the same name is refused by the database's unique index, with a message.
    let err = ours(&url).create_new_study(&[wasmtune::StudyDirection::Minimize], "mixed").unwrap_err();
    assert!(err.to_string().contains("a study named 'mixed' already exists"), "{err}");
}

/// A child process killed (by its id) when dropped, so a failing test leaves no server behind.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// GET over plain HTTP/1.0: (status line, body).
fn http_get(port: u16, path: &str) -> std::io::Result<(String, String)> {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")?;
    let mut text = String::new();
    s.read_to_string(&mut text)?;
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    Ok((head.lines().next().unwrap_or("").to_owned(), body.to_owned()))
}

/// optuna-dashboard, on 127.0.0.1 against the same database, lists the study with its trials and
/// values as wasmtune stored them.
fn dashboard_lists_the_study(py_url: &str, storage: &RdbStorage) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let exe = PYTHON.replace("/python", "/optuna-dashboard");
    let _server = KillOnDrop(
        Command::new(exe)
            .args([py_url, "--host", "127.0.0.1", "--port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("optuna-dashboard in benches/.venv (scripts/install-tools.sh installs it)"),
    );
    let mut studies = Value::Null;
    wait_until("optuna-dashboard answers", Duration::from_secs(60), || match http_get(port, "/api/studies") {
        Ok((status, body)) if status.contains(" 200") => {
            studies = serde_json::from_str(&body).unwrap();
            true
        }
        _ => false,
    });
    let summary = studies["study_summaries"].as_array().unwrap().iter().find(|s| s["study_name"] == "mixed").unwrap();
    assert_eq!(summary["directions"], json!(["minimize"]));
    let id = summary["study_id"].as_u64().unwrap();
    let (status, body) = http_get(port, &format!("/api/studies/{id}?after=0")).unwrap();
    assert!(status.contains(" 200"), "{status}");
    let detail: Value = serde_json::from_str(&body).unwrap();
    let theirs = detail["trials"].as_array().unwrap();
    let ours = storage.trials(id).unwrap();
    assert_eq!(theirs.len(), ours.len());
    for (t, o) in theirs.iter().zip(ours) {
        assert_eq!(t["number"], o.number);
        assert_eq!(t["state"], "Complete");
        assert_eq!(t["values"], json!(o.values));
    }
}

/// Waits, polling, until `f` holds (at most `limit`).
fn wait_until(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_worker_killed_mid_trial_leaves_it_failed_after_the_grace_period() {
    let cluster = Cluster::start("dead");
    let url = cluster.url("postgresql");
    let hb = ["--heartbeat-interval", "1", "--grace-period", "2"];
    let mut sql = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    // The first worker starts trial 0, reports once, and is killed (SIGKILL) mid-trial.
    let mut a = Worker::start(&url, "dead", 0, 5, &hb);
    let _watch_a = Watchdog::arm(vec![a.child.id()], Duration::from_secs(120));
    let first = a.read();
    assert_eq!(first["number"], 0);
    a.send(json!({"number": 0, "report": 0.5, "step": 0}));
    assert_eq!(a.read(), json!({"number": 0, "should_prune": false}));
    let age = "SELECT CAST(EXTRACT(EPOCH FROM LOCALTIMESTAMP - h.heartbeat) AS DOUBLE PRECISION) \
               FROM trial_heartbeats h JOIN trials t ON t.trial_id = h.trial_id WHERE t.number = 0";
    wait_until("trial 0 has a heartbeat", Duration::from_secs(30), || !sql.query(age, &[]).unwrap().is_empty());
    a.child.kill().unwrap();
    a.child.wait().unwrap();
    assert_eq!(ours(&url).trial(1, 0).unwrap().state, TrialState::Running);
    // Once its heartbeat is older than the grace period, the next worker to start a trial fails it.
    wait_until("trial 0's heartbeat is stale", Duration::from_secs(30), || {
        sql.query(age, &[]).unwrap()[0].get::<_, f64>(0) > 2.0
    });
    let mut b = Worker::start(&url, "dead", 1, 3, &hb);
    let _watch_b = Watchdog::arm(vec![b.child.id()], Duration::from_secs(120));
    let next = b.read();
    assert_eq!(next["number"], 1);
    let dead = ours(&url).trial(1, 0).unwrap().clone();
    assert_eq!(dead.state, TrialState::Fail);
    assert_eq!(dead.intermediate_values.get(&0), Some(&0.5), "what the dead worker reported is kept");
    assert!(dead.datetime_complete.is_some());
    // The study goes on: the second worker runs its three trials.
    b.send(json!({"number": 1, "value": objective(&next["params"])}));
    let rest = b.run();
    assert_eq!(rest, vec![2, 3]);
    // Optuna's own workers read wasmtune's heartbeats the same way: a third worker dies in trial
    // 4, and an Optuna worker with heartbeat_interval set fails it when it starts its trial.
    let mut c = Worker::start(&url, "dead", 2, 5, &hb);
    let _watch_c = Watchdog::arm(vec![c.child.id()], Duration::from_secs(120));
    assert_eq!(c.read()["number"], 4);
    let age4 = age.replace("t.number = 0", "t.number = 4");
    wait_until("trial 4 has a heartbeat", Duration::from_secs(30), || !sql.query(&age4, &[]).unwrap().is_empty());
    c.child.kill().unwrap();
    c.child.wait().unwrap();
    wait_until("trial 4's heartbeat is stale", Duration::from_secs(30), || {
        sql.query(&age4, &[]).unwrap()[0].get::<_, f64>(0) > 2.0
    });
    let py_url = cluster.url("postgresql+psycopg2");
    let worker = optuna_view::RDB_DUMP.replace("rdb_dump.py", "rdb_worker.py");
    let out = Command::new(PYTHON).args([worker.as_str(), &py_url, "dead", "1", "0", "1", "2"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let storage = ours(&url);
    let states: Vec<TrialState> = storage.trials(1).unwrap().iter().map(|t| t.state).collect();
    use TrialState::{Complete, Fail};
    assert_eq!(states, [Fail, Complete, Complete, Complete, Fail, Complete]);
    assert_eq!(optuna_view(&py_url), dump(&storage));
}
