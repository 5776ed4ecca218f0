//! `wasmtune stream`, driven as a separate process.

#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_wasmtune");

fn garden_space() -> String {
    json!({"x": {"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 250.0, "log": false, "step": null}}})
        .to_string()
}

/// `wasmtune stream ARGS` with all three standard streams piped.
fn spawn_stream(args: &[&str]) -> std::process::Child {
    Command::new(BIN)
        .arg("stream")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn stream(args: &[&str], stdin: &str) -> Output {
    let mut child = spawn_stream(args);
    // The CLI may exit before reading everything; a broken pipe here is part of what we test.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn garden_study_driven_by_a_python_script_finds_the_optimum_region() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scripts/garden_stream.py");
    let out = Command::new("python3")
        .args([script, BIN, "--sampler", "RandomSampler", "--sampler-kwargs", r#"{"seed": 1}"#, "--n-trials", "100"])
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let msgs = lines(&out);
    let best = &msgs[0]["best"];
    let value = best["values"][0].as_f64().unwrap();
    assert!(value >= 30_000.0, "best {value}");
    assert!((best["params"]["x"].as_f64().unwrap() - 125.0).abs() < 25.0);
    assert_eq!(msgs[1]["asked"], 100);
}

#[test]
fn batch_asks_several_trials_before_waiting() {
    let space = garden_space();
    let input: String = (0..4).map(|n| format!("{{\"number\":{n},\"values\":[{n}]}}\n")).collect();
    let out = stream(&["--search-space", &space, "--n-trials", "4", "--batch", "3"], &input);
    assert!(out.status.success(), "{}", stderr(&out));
    let msgs = lines(&out);
    let numbers: Vec<u64> = msgs.iter().filter_map(|m| m["number"].as_u64()).collect();
    assert_eq!(numbers, vec![0, 1, 2, 3]);
    // Minimize: trial 0 with value 0 is best.
    assert_eq!(msgs.last().unwrap()["best"]["number"], 0);
}

#[test]
fn fail_and_pruned_states_and_multi_objective_front() {
    let space = garden_space();
    let input = "{\"number\":0,\"state\":\"fail\"}\n{\"number\":1,\"report\":2.5,\"step\":1}\n{\"number\":1,\"state\":\"pruned\"}\n\
                 {\"number\":2,\"values\":[1,2]}\n{\"number\":3,\"values\":[2,3]}\n";
    let out = stream(
        &["--search-space", &space, "--n-trials", "4", "--direction", "minimize", "--direction", "maximize"],
        input,
    );
    // report is refused for multi-objective studies: a clear error on line 2.
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("input line 2: report is not supported for multi-objective"), "{}", stderr(&out));

    let input = "{\"number\":0,\"state\":\"fail\"}\n{\"number\":1,\"values\":[1,2]}\n{\"number\":2,\"values\":[2,3]}\n\
                 {\"number\":3,\"values\":[3,1]}\n";
    let out = stream(
        &["--search-space", &space, "--n-trials", "4", "--direction", "minimize", "--direction", "maximize"],
        input,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let front: Vec<u64> =
        lines(&out).last().unwrap()["best"].as_array().unwrap().iter().map(|t| t["number"].as_u64().unwrap()).collect();
    assert_eq!(front, vec![1, 2]);
}

#[test]
fn grid_sampler_ends_the_stream_when_exhausted() {
    let space = json!({"x": {"name": "IntDistribution", "attributes": {"low": 0, "high": 9}}}).to_string();
    let input: String = (0..3).map(|n| format!("{{\"number\":{n},\"value\":{n}}}\n")).collect();
    let out = stream(
        &[
            "--search-space",
            &space,
            "--n-trials",
            "50",
            "--sampler",
            "GridSampler",
            "--sampler-kwargs",
            r#"{"search_space":{"x":[1,5,7]}}"#,
        ],
        &input,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let msgs = lines(&out);
    assert_eq!(msgs.len(), 4, "3 trials then best");
    let mut xs: Vec<i64> = msgs[..3].iter().map(|m| m["params"]["x"].as_i64().unwrap()).collect();
    xs.sort();
    assert_eq!(xs, vec![1, 5, 7]);
}

#[test]
fn bad_input_gives_a_message_and_a_nonzero_exit_never_a_panic() {
    let space = garden_space();
    let cases: Vec<(Vec<&str>, &str, i32, &str)> = vec![
        (
            vec!["--search-space", &space, "--n-trials", "1", "--sampler", "NoSampler"],
            "",
            2,
            "unknown sampler 'NoSampler'",
        ),
        (vec!["--search-space", "{not json", "--n-trials", "1"], "", 2, "--search-space: invalid JSON"),
        (vec!["--search-space", "@/no/such/file", "--n-trials", "1"], "", 2, "cannot read /no/such/file"),
        (
            vec!["--search-space", &space, "--n-trials", "1", "--sampler-kwargs", "{\"seed\":-1}"],
            "",
            2,
            "RandomSampler options",
        ),
        (vec!["--search-space", &space, "--n-trials", "1", "--direction", "up"], "", 2, "direction must be"),
        (vec!["--search-space", &space, "--n-trials", "1", "--pruner", "MedianPrunr"], "", 2, "unknown pruner"),
        (vec!["--search-space", &space, "--n-trials", "1"], "this is not json\n", 3, "input line 1: invalid JSON"),
        (
            vec!["--search-space", &space, "--n-trials", "1"],
            "{\"number\":9,\"value\":1}\n",
            3,
            "unknown trial number 9",
        ),
        (vec!["--search-space", &space, "--n-trials", "1"], "{\"number\":0,\"value\":\"x\"}\n", 3, "is not a number"),
        (vec!["--search-space", &space, "--n-trials", "1"], "{\"number\":0,\"state\":\"odd\"}\n", 3, "unknown state"),
        (
            vec!["--search-space", &space, "--n-trials", "1"],
            "{\"number\":0,\"vals\":[1]}\n",
            3,
            "unexpected key \"vals\"",
        ),
        (
            vec!["--search-space", &space, "--n-trials", "2"],
            "{\"number\":0,\"value\":1}\n",
            4,
            "input ended with 1 trial(s) unanswered",
        ),
        (
            vec!["--search-space", &space, "--n-trials", "2"],
            "{\"number\":0,\"value\":1}\n{\"number\":0,\"value\":1}\n",
            3,
            "unknown trial number 0",
        ),
    ];
    for (args, input, code, needle) in cases {
        let out = stream(&args, input);
        assert_eq!(out.status.code(), Some(code), "{args:?} {input:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?} {input:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"));
    }
}

#[test]
fn define_by_run_suggestions_over_the_stream() {
    let float = r#"{"name":"FloatDistribution","attributes":{"low":0,"high":1,"log":false,"step":null}}"#;
    let input = format!(
        "{{\"number\":0,\"suggest\":\"y\",\"distribution\":{float}}}\n{{\"number\":0,\"suggest\":\"y\",\"distribution\":{float}}}\n{{\"number\":0,\"value\":1}}\n"
    );
    // No --search-space at all: every parameter is asked define-by-run.
    let out = stream(&["--n-trials", "1", "--sampler-kwargs", r#"{"seed":3}"#], &input);
    assert!(out.status.success(), "{}", stderr(&out));
    let msgs = lines(&out);
    assert_eq!(msgs[0], json!({"number": 0, "params": {}}));
    assert_eq!(msgs[1]["name"], "y");
    assert_eq!(msgs[1], msgs[2], "asking the same name again returns the same value");
    assert_eq!(msgs[3]["best"]["params"]["y"], msgs[1]["value"]);
    let bad = "{\"number\":0,\"suggest\":\"y\",\"distribution\":{\"name\":\"Nope\"}}\n";
    let out = stream(&["--n-trials", "1"], bad);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("input line 1"), "{}", stderr(&out));
}

#[test]
fn a_nan_value_fails_the_trial_and_the_stream_goes_on() {
    let space = garden_space();
    // JSON has no NaN; a caller's 1e999 overflows to inf, which fails the trial like NaN.
    let out = stream(
        &["--search-space", &space, "--n-trials", "2"],
        "{\"number\":0,\"value\":1e999}\n{\"number\":1,\"value\":3}\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(lines(&out).last().unwrap()["best"]["number"], 1);
}

#[test]
fn cma_es_and_nsga_samplers_run_over_the_stream_and_refuse_bad_options() {
    // CMA-ES on the garden through the Python driver: the maximum region is found.
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scripts/garden_stream.py");
    let out = Command::new("python3")
        .args([script, BIN, "--sampler", "CmaEsSampler", "--sampler-kwargs", r#"{"seed": 1}"#, "--n-trials", "60"])
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let best = lines(&out)[0]["best"]["values"][0].as_f64().unwrap();
    assert!(best >= 31_000.0, "CMA-ES best {best}");
    // NSGA-II with two objectives: every trial is answered and the front comes back.
    let space = garden_space();
    let input: String = (0..12).map(|n| format!("{{\"number\":{n},\"values\":[{n},{}]}}\n", 12 - n)).collect();
    let args = ["--search-space", &space, "--n-trials", "12", "--sampler", "NSGAIISampler", "--sampler-kwargs"];
    let out = stream(
        &[&args[..], &[r#"{"seed":3,"population_size":4}"#, "--direction", "minimize", "--direction", "minimize"]]
            .concat(),
        &input,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(lines(&out).iter().filter(|m| m.get("params").is_some()).count(), 12);
    let out = stream(
        &[
            "--search-space",
            &space,
            "--n-trials",
            "1",
            "--sampler",
            "CmaEsSampler",
            "--sampler-kwargs",
            r#"{"popsize":0}"#,
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("popsize"), "{}", stderr(&out));
}

#[test]
fn hostile_values_fail_only_their_trial_and_the_stream_goes_on() {
    let space = garden_space();
    // Two values for one objective, ±Infinity as Python writes them, null, a number past f64: each
    // fails its trial (minimizing, any of them accepted would beat trial 5's 7).
    let input = [
        r#"{"number":0,"values":[1,2]}"#,
        r#"{"number":1,"value":-Infinity}"#,
        r#"{"number":2,"value":Infinity}"#,
        r#"{"number":3,"values":[null]}"#,
        r#"{"number":4,"value":-1e400}"#,
        r#"{"number":5,"value":7}"#,
    ]
    .join("\n");
    let out = stream(&["--search-space", &space, "--n-trials", "6"], &(input + "\n"));
    assert!(out.status.success(), "{}", stderr(&out));
    let best = lines(&out).last().unwrap()["best"].clone();
    assert_eq!((best["number"].as_u64(), best["values"][0].as_f64()), (Some(5), Some(7.0)), "{best}");
}

#[test]
fn lines_about_trials_that_are_not_running_exit_3_with_the_line_number() {
    let space = garden_space();
    let suggest = r#"{"number":0,"suggest":"y","distribution":{"name":"IntDistribution","attributes":{"low":0,"high":3,"log":false,"step":1}}}"#;
    let cases = [
        (r#"{"number":5,"report":0.5,"step":0}"#.to_owned(), "input line 1: unknown trial number 5"),
        (format!("{{\"number\":0,\"value\":1}}\n{suggest}"), "input line 2: unknown trial number 0"),
        (r#"{"number":-1,"value":1}"#.to_owned(), "\"number\" must be a non-negative integer"),
        (r#"{"number":0,"report":1,"step":-2}"#.to_owned(), "\"step\" must be a non-negative integer"),
        (r#"{"number":0,"value":1,"values":[1]}"#.to_owned(), "not both"),
        (
            r#"{"number":0,"suggest":"y","distribution":{"name":"Bogus","attributes":{}}}"#.to_owned(),
            "unknown distribution",
        ),
        ("[0, 1]".to_owned(), "expected a JSON object"),
    ];
    for (input, needle) in cases {
        let out = stream(&["--search-space", &space, "--n-trials", "2"], &(input.clone() + "\n"));
        assert_eq!(out.status.code(), Some(3), "{input}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{input}: {}", stderr(&out));
    }
}

/// Drives `wasmtune stream` line by line: answers each asked trial with `objective(params)`
/// (value and cross-validation scores). Returns every output line and the exit status.
fn interactive(args: &[&str], objective: impl Fn(&Value) -> Value) -> (Vec<Value>, Output) {
    use std::io::{BufRead, BufReader};
    let mut child = spawn_stream(args);
    let mut stdin = child.stdin.take().unwrap();
    let reader = BufReader::new(child.stdout.take().unwrap());
    let mut seen = Vec::new();
    for line in reader.lines() {
        let msg: Value = serde_json::from_str(&line.unwrap()).unwrap();
        if let Some(params) = msg.get("params") {
            let mut answer = objective(params);
            answer["number"] = msg["number"].clone();
            // The stream may already have ended on a bad line: a broken pipe is then expected.
            let _ = writeln!(stdin, "{answer}");
        }
        seen.push(msg);
    }
    drop(stdin);
    (seen, child.wait_with_output().unwrap())
}

fn x_space() -> String {
    json!({"x": {"name": "FloatDistribution", "attributes": {"low": -5.0, "high": 5.0, "log": false, "step": null}}})
        .to_string()
}

/// A quadratic whose five folds spread by ±0.5 around the value: a CV error of about 0.24.
fn quadratic_cv(params: &Value) -> Value {
    let v = (params["x"].as_f64().unwrap() - 1.0).powi(2);
    json!({"value": v, "cv_scores": [v - 0.5, v - 0.25, v, v + 0.25, v + 0.5]})
}

#[test]
fn terminator_stops_a_stream_early() {
    let space = x_space();
    let base =
        ["--search-space", &space, "--n-trials", "200", "--sampler", "TPESampler", "--sampler-kwargs", r#"{"seed":0}"#];
    // The regret bound against the cross-validation error (Optuna's default pairing).
    let args: Vec<&str> = base
        .iter()
        .copied()
        .chain(["--terminator", "RegretBoundEvaluator", "--terminator-kwargs", r#"{"seed":0}"#])
        .collect();
    let (msgs, out) = interactive(&args, quadratic_cv);
    assert!(out.status.success(), "{}", stderr(&out));
    let asked = msgs.iter().filter(|m| m.get("params").is_some()).count();
    let term: Vec<&Value> = msgs.iter().filter_map(|m| m.get("terminated")).collect();
    assert_eq!(term.len(), 1, "{msgs:?}");
    let t = term[0];
    assert!((20..200).contains(&asked), "asked {asked}");
    assert_eq!(t["n_complete"].as_u64().unwrap() as usize, asked);
    assert!(t["improvement"].as_f64().unwrap() < t["error"].as_f64().unwrap());
    assert!(msgs.last().unwrap()["best"]["values"][0].as_f64().unwrap() < 0.5);
    // Deterministic given the seeds.
    let (again, _) = interactive(&args, quadratic_cv);
    assert_eq!(msgs, again);

    // Stagnation with a static threshold needs no scores; with batch 3 the trials already asked
    // are still answered after the stop.
    let args: Vec<&str> = base
        .iter()
        .copied()
        .chain([
            "--batch",
            "3",
            "--terminator",
            "BestValueStagnationEvaluator",
            "--terminator-kwargs",
            r#"{"max_stagnation_trials":5}"#,
        ])
        .collect();
    let (msgs, out) = interactive(&args, |p| json!({"value": (p["x"].as_f64().unwrap() - 1.0).powi(2)}));
    assert!(out.status.success(), "{}", stderr(&out));
    let asked = msgs.iter().filter(|m| m.get("params").is_some()).count();
    let at = msgs.iter().position(|m| m.get("terminated").is_some()).unwrap();
    assert!((20..200).contains(&asked), "asked {asked}");
    assert!(msgs[at + 1..].iter().all(|m| m.get("params").is_none()), "nothing asked after the stop");
    assert!(msgs.last().unwrap().get("best").is_some());
}

#[test]
fn terminator_flags_refuse_bad_input_clearly() {
    let space = x_space();
    let run = |extra: &[&str]| {
        let args: Vec<&str> =
            ["--search-space", &space, "--n-trials", "30"].iter().copied().chain(extra.iter().copied()).collect();
        interactive(&args, |p| json!({"value": p["x"].as_f64().unwrap()}))
    };
    for (extra, code, message) in [
        (&["--terminator", "Regret"][..], 2, "unknown improvement evaluator 'Regret'"),
        (
            &["--terminator", "RegretBoundEvaluator", "--terminator-kwargs", r#"{"top_trials_ratio":2}"#][..],
            2,
            "top_trials_ratio",
        ),
        (&["--terminator", "EMMREvaluator", "--terminator-kwargs", "{"][..], 2, "--terminator-kwargs: invalid JSON"),
        (&["--terminator", "EMMREvaluator", "--terminator-error", "Median"][..], 2, "unknown error evaluator 'Median'"),
        (&["--terminator-error", "StaticErrorEvaluator"][..], 2, "needs --terminator"),
        (&["--terminator", "EMMREvaluator", "--terminator-min-n-trials", "0"][..], 2, "min_n_trials"),
        (
            &["--terminator", "RegretBoundEvaluator", "--direction", "minimize", "--direction", "maximize"][..],
            2,
            "single-objective",
        ),
        // The default error evaluator needs scores: the first check after 20 trials says so.
        (&["--terminator", "RegretBoundEvaluator"][..], 3, "cross-validation scores have not been reported"),
    ] {
        let (_, out) = run(extra);
        assert_eq!(out.status.code(), Some(code), "{extra:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{extra:?}: {}", stderr(&out));
    }
    // Malformed scores are a bad line.
    let (_, out) =
        interactive(&["--search-space", &space, "--n-trials", "3"], |_| json!({"value": 1.0, "cv_scores": [1.0]}));
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("more than one score"), "{}", stderr(&out));
    let (_, out) =
        interactive(&["--search-space", &space, "--n-trials", "3"], |_| json!({"value": 1.0, "cv_scores": "x"}));
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("array of numbers"), "{}", stderr(&out));
}
