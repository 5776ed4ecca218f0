//! Parameter importances against Optuna 5.0.0's evaluators on the same trials
//! (`tests/fixtures/importance.json`, recorded by `tests/scripts/importance_fixtures.py`), and the
//! errors Optuna raises.

use indexmap::IndexMap;
use serde_json::{Value, json};
use wasmtune::importance::{ImportanceRequest, get_param_importances};
use wasmtune::trial::Param;
use wasmtune::{ComponentSpec, Distribution, Error, FrozenTrial, ParamValue, StudyDirection, TrialState};

const FIXTURE: &str = include_str!("../fixtures/importance.json");

/// PED-ANOVA is deterministic, and ours follows the same arithmetic: only rounding may differ
/// (Optuna sums densities in log space, we in linear space). Measured: at most 3.3e-16 absolute,
/// 1.5e-14 relative, on every fixture.
const PED_ANOVA_TOLERANCE: f64 = 1e-12;

/// fANOVA and MDI fit random forests whose streams are not scikit-learn's, so single runs cannot
/// match. We compare the mean of ours over `SEEDS` seeds with the mean of Optuna's over its 10
/// seeds: |ours − Optuna's| ≤ 0.005 + 2·σ, σ being the standard deviation of Optuna's runs. Two
/// means of 10 runs each differ by seed noise alone with a standard error of about σ·√(2/10) ≈
/// 0.45·σ, so 2·σ is about 4.5 standard errors: seed noise passes, a forest that differs in
/// distribution does not. The 0.005 floor (half a point of share) covers parameters whose σ is
/// near zero. Measured on the fixtures: the largest difference is 0.97·σ (0.021, `tpe_mixed`).
const FOREST_FLOOR: f64 = 0.005;
const FOREST_SIGMAS: f64 = 2.0;
const SEEDS: u64 = 10;

/// Where Optuna's mean importances of two parameters differ by more than this, ours must rank
/// them the same way.
const RANKING_GAP: f64 = 0.05;

struct FixtureStudy {
    name: String,
    directions: Vec<StudyDirection>,
    trials: Vec<FrozenTrial>,
    cases: Vec<Value>,
}

fn studies() -> Vec<FixtureStudy> {
    let fixture: Value = serde_json::from_str(FIXTURE).unwrap();
    assert_eq!(fixture["optuna"], "5.0.0");
    fixture["studies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let dists: IndexMap<String, Distribution> = s["distributions"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, d)| (k.clone(), Distribution::from_json(d).unwrap()))
                .collect();
            let trials = s["trials"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| {
                    let number = t["number"].as_u64().unwrap();
                    let state = TrialState::from_name(t["state"].as_str().unwrap()).unwrap();
                    let mut ft = FrozenTrial::new(number, number, state);
                    ft.values =
                        t["values"].as_array().map(|vs| vs.iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).collect());
                    for (k, v) in t["params"].as_object().unwrap() {
                        let d = dists[k].clone();
                        let internal = d.to_internal(k, &ParamValue::from_json(v).unwrap()).unwrap();
                        ft.params.insert(k.clone(), Param { distribution: d, internal });
                    }
                    ft
                })
                .collect();
            FixtureStudy {
                name: s["name"].as_str().unwrap().to_owned(),
                directions: s["directions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| StudyDirection::from_name(d.as_str().unwrap()).unwrap())
                    .collect(),
                trials,
                cases: s["cases"].as_array().unwrap().clone(),
            }
        })
        .collect()
}

fn run(study: &FixtureStudy, case: &Value, seed: Option<u64>) -> IndexMap<String, f64> {
    let mut kwargs = case["kwargs"].clone();
    if let Some(seed) = seed {
        kwargs["seed"] = json!(seed);
    }
    let spec = ComponentSpec { name: case["evaluator"].as_str().unwrap().to_owned(), kwargs };
    let params: Option<Vec<String>> = serde_json::from_value(case["params"].clone()).unwrap();
    get_param_importances(
        &study.trials,
        &study.directions,
        Some(&spec),
        params.as_deref(),
        case["target"].as_u64().map(|t| t as usize),
        case["normalize"].as_bool().unwrap(),
    )
    .unwrap_or_else(|e| panic!("{} {case}: {e}", study.name))
}

fn map(v: &Value) -> IndexMap<String, f64> {
    v.as_object().unwrap().iter().map(|(k, x)| (k.clone(), x.as_f64().unwrap())).collect()
}

fn label(study: &FixtureStudy, case: &Value) -> String {
    format!(
        "{} {} kwargs={} params={} target={} normalize={}",
        study.name, case["evaluator"], case["kwargs"], case["params"], case["target"], case["normalize"]
    )
}

fn assert_same_keys(got: &IndexMap<String, f64>, want: &IndexMap<String, f64>, what: &str) {
    let (mut a, mut b): (Vec<_>, Vec<_>) = (got.keys().collect(), want.keys().collect());
    a.sort();
    b.sort();
    assert_eq!(a, b, "{what}: assessed parameters");
}

fn assert_descending(got: &IndexMap<String, f64>, what: &str) {
    let v: Vec<f64> = got.values().copied().collect();
    assert!(v.windows(2).all(|w| w[0] >= w[1]), "{what}: not in descending order: {got:?}");
}

#[test]
fn ped_anova_matches_optuna_on_every_fixture() {
    let mut checked = 0;
    for study in studies() {
        for case in study.cases.iter().filter(|c| c["evaluator"] == "PedAnovaImportanceEvaluator") {
            let what = label(&study, case);
            let want = map(&case["importances"]);
            let got = run(&study, case, None);
            assert_same_keys(&got, &want, &what);
            assert_descending(&got, &what);
            for (k, w) in &want {
                let g = got[k];
                assert!((g - w).abs() <= PED_ANOVA_TOLERANCE * w.abs().max(1.0), "{what}: {k}: ours {g}, Optuna {w}");
                checked += 1;
            }
            // Same order as Optuna wherever values are not tied.
            let distinct = |m: &IndexMap<String, f64>| {
                m.iter().filter(|(k, v)| m.iter().all(|(k2, v2)| k2 == *k || (*v - v2).abs() > 1e-6)).count()
            };
            if distinct(&want) == want.len() {
                assert_eq!(got.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>(), "{what}: order");
            }
        }
    }
    assert!(checked > 80, "only {checked} importances checked");
}

/// Our mean over seeds for a forest case, with each run checked for shape on the way.
fn forest_mean(study: &FixtureStudy, case: &Value, what: &str) -> IndexMap<String, f64> {
    let mut mean: IndexMap<String, f64> = IndexMap::new();
    for seed in 0..SEEDS {
        let got = run(study, case, Some(seed));
        assert_descending(&got, what);
        if case["normalize"].as_bool().unwrap() {
            assert!((got.values().sum::<f64>() - 1.0).abs() < 1e-9, "{what}: sums to 1");
        }
        for (k, v) in got {
            *mean.entry(k).or_insert(0.0) += v / SEEDS as f64;
        }
    }
    mean
}

fn check_forest_cases(evaluator: &str) -> Vec<String> {
    let mut report = Vec::new();
    let mut checked = 0;
    for study in studies() {
        for case in study.cases.iter().filter(|c| c["evaluator"] == evaluator) {
            let what = label(&study, case);
            let (want, spread) = (map(&case["mean"]), map(&case["std"]));
            let got = forest_mean(&study, case, &what);
            assert_same_keys(&got, &want, &what);
            let mut worst: f64 = 0.0;
            for (k, w) in &want {
                let tolerance = FOREST_FLOOR + FOREST_SIGMAS * spread[k];
                let diff = (got[k] - w).abs();
                worst = worst.max(diff);

                assert!(diff <= tolerance, "{what}: {k}: our mean {}, Optuna's {w} (tolerance {tolerance})", got[k]);
                checked += 1;
            }
            for (a, wa) in &want {
                for (b, wb) in &want {
                    if wa - wb > RANKING_GAP {
                        assert!(got[a] > got[b], "{what}: Optuna ranks {a} ({wa}) above {b} ({wb}); ours {got:?}");
                    }
                }
            }
            report.push(format!("{what}: largest |ours - Optuna| {worst:.4}"));
        }
    }
    assert!(checked > 20, "only {checked} importances checked");
    report
}

#[test]
fn fanova_matches_optuna_mean_over_seeds() {
    let report = check_forest_cases("FanovaImportanceEvaluator");
    println!("{}", report.join("\n"));
}

#[test]
fn mean_decrease_impurity_matches_optuna_mean_over_seeds() {
    let report = check_forest_cases("MeanDecreaseImpurityImportanceEvaluator");
    println!("{}", report.join("\n"));
}

fn fixture_study(name: &str) -> FixtureStudy {
    studies().into_iter().find(|s| s.name == name).unwrap()
}

#[test]
fn the_default_evaluator_is_ped_anova_and_a_seed_makes_fanova_repeatable() {
    let s = fixture_study("mixed");
    let default = get_param_importances(&s.trials, &s.directions, None, None, None, true).unwrap();
    let ped = ImportanceRequest::from_json(&json!({"evaluator": "PedAnovaImportanceEvaluator"}))
        .unwrap()
        .evaluate(&s.trials, &s.directions)
        .unwrap();
    assert_eq!(default, ped);
    assert_eq!(ImportanceRequest::from_json(&Value::Null).unwrap().evaluate(&s.trials, &s.directions).unwrap(), ped);
    let fanova = |seed: u64| {
        ImportanceRequest::from_json(&json!({"evaluator": "FanovaImportanceEvaluator", "kwargs": {"seed": seed}}))
            .unwrap()
            .evaluate(&s.trials, &s.directions)
            .unwrap()
    };
    assert_eq!(fanova(3), fanova(3));
    assert_ne!(fanova(3), fanova(4));
}

#[test]
fn a_parameter_that_does_nothing_gets_almost_no_importance() {
    let s = fixture_study("null_param");
    for evaluator in ["PedAnovaImportanceEvaluator", "FanovaImportanceEvaluator"] {
        let spec = ComponentSpec { name: evaluator.into(), kwargs: json!({"seed": 0}) };
        let spec = if evaluator.starts_with("Ped") { ComponentSpec::named(evaluator) } else { spec };
        let got = get_param_importances(&s.trials, &s.directions, Some(&spec), None, None, true).unwrap();
        assert!(got["noise"] < 0.03, "{evaluator}: {got:?}");
        assert!(got["a"] > 0.3 && got["b"] > 0.3, "{evaluator}: {got:?}");
    }
}

fn err(s: &FixtureStudy, request: Value) -> String {
    ImportanceRequest::from_json(&request)
        .and_then(|r| r.evaluate(&s.trials, &s.directions))
        .expect_err(&format!("{request} should fail"))
        .to_string()
}

#[test]
fn bad_requests_are_refused_with_optunas_conditions() {
    let mixed = fixture_study("mixed");
    let two = fixture_study("two_objectives");
    let cond = fixture_study("conditional");
    let has = |msg: String, part: &str| assert!(msg.contains(part), "{msg:?} lacks {part:?}");
    has(err(&mixed, json!({"evaluator": "ShapleyImportanceEvaluator"})), "unknown importance evaluator");
    has(err(&mixed, json!({"kwargs": {"target_quantile": 0.5, "region_quantile": 0.4}})), "target_quantile");
    has(err(&mixed, json!({"kwargs": {"n_trees": 3}})), "unknown field");
    has(err(&mixed, json!({"evaluator": "FanovaImportanceEvaluator", "kwargs": {"n_trees": 0}})), "n_trees");
    has(err(&mixed, json!({"params": ["lr", "nope"]})), "missing parameters: [\"nope\"]");
    has(err(&mixed, json!({"evaluator": "FanovaImportanceEvaluator", "params": ["nope"]})), "all specified parameters");
    has(err(&mixed, json!({"target": 1})), "not an objective index");
    has(err(&mixed, json!({"color": "red"})), "unknown field");
    // fANOVA and MDI need a single objective; PED-ANOVA ranks by Pareto fronts instead.
    has(err(&two, json!({"evaluator": "FanovaImportanceEvaluator"})), "needs a target");
    has(err(&two, json!({"evaluator": "MeanDecreaseImpurityImportanceEvaluator"})), "needs a target");
    assert_eq!(ImportanceRequest::default().evaluate(&two.trials, &two.directions).unwrap().len(), 3);
    // Conditional parameters: PED-ANOVA assesses them, the forests only what every trial has.
    let fanova = json!({"evaluator": "FanovaImportanceEvaluator", "kwargs": {"seed": 1}});
    let got = ImportanceRequest::from_json(&fanova).unwrap().evaluate(&cond.trials, &cond.directions).unwrap();
    assert_eq!(got.len(), 2, "{got:?}");
    has(
        err(&cond, json!({"evaluator": "FanovaImportanceEvaluator", "params": ["gamma", "degree"]})),
        "all specified parameters",
    );
    // No completed trial: refused, where Optuna returns an empty dict.
    let running: Vec<FrozenTrial> = vec![FrozenTrial::new(0, 0, TrialState::Running)];
    assert_eq!(
        get_param_importances(&running, &[StudyDirection::Minimize], None, None, None, true),
        Err(Error::NoCompletedTrial)
    );
    // An empty parameter list is an empty answer (as Optuna).
    assert!(
        ImportanceRequest::from_json(&json!({"params": []}))
            .unwrap()
            .evaluate(&mixed.trials, &mixed.directions)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn dynamic_search_spaces_and_constant_targets_are_refused_as_optuna_does() {
    let d1: Distribution = wasmtune::FloatDistribution::new(0.0, 1.0, false, None).unwrap().into();
    let d2: Distribution = wasmtune::FloatDistribution::new(0.0, 2.0, false, None).unwrap().into();
    let trial = |n: u64, d: &Distribution, x: f64, v: f64| {
        let mut t = FrozenTrial::new(n, n, TrialState::Complete);
        t.params.insert("x".into(), Param { distribution: d.clone(), internal: x });
        t.params.insert("y".into(), Param { distribution: d1.clone(), internal: 1.0 - x });
        t.values = Some(vec![v]);
        t
    };
    let trials: Vec<FrozenTrial> =
        (0..20).map(|i| trial(i, if i < 10 { &d1 } else { &d2 }, i as f64 / 20.0, i as f64)).collect();
    let dirs = [StudyDirection::Minimize];
    let fanova = ComponentSpec { name: "FanovaImportanceEvaluator".into(), kwargs: json!({"seed": 0}) };
    // Without params, `x` has two distributions, so it leaves the intersection.
    let got = get_param_importances(&trials, &dirs, Some(&fanova), None, None, true).unwrap();
    assert_eq!(got.keys().collect::<Vec<_>>(), ["y"]);
    let names = ["x".to_string()];
    let e = get_param_importances(&trials, &dirs, Some(&fanova), Some(&names), None, true).unwrap_err();
    assert!(e.to_string().contains("dynamic search spaces"), "{e}");
    // PED-ANOVA treats the two distributions as two regimes.
    assert_eq!(get_param_importances(&trials, &dirs, None, Some(&names), None, true).unwrap().len(), 1);
    let flat: Vec<FrozenTrial> = (0..20).map(|i| trial(i, &d1, i as f64 / 20.0, 1.0)).collect();
    let e = get_param_importances(&flat, &dirs, Some(&fanova), None, None, true).unwrap_err();
    assert!(e.to_string().contains("zero total variance"), "{e}");
    // MDI on a constant target: no tree splits, so nothing explains anything; normalized, equal
    // shares (Optuna: the forest's importances are all zero, then shared out equally).
    let mdi = ComponentSpec { name: "MeanDecreaseImpurityImportanceEvaluator".into(), kwargs: json!({"seed": 0}) };
    let got = get_param_importances(&flat, &dirs, Some(&mdi), None, None, true).unwrap();
    assert_eq!(got.values().copied().collect::<Vec<_>>(), [0.5, 0.5]);
    let got = get_param_importances(&flat, &dirs, Some(&mdi), None, None, false).unwrap();
    assert_eq!(got.values().copied().collect::<Vec<_>>(), [0.0, 0.0]);
    // One usable trial: nothing to learn, equal shares (as Optuna).
    let got = get_param_importances(&flat[..1], &dirs, Some(&fanova), None, None, true).unwrap();
    assert_eq!(got.values().copied().collect::<Vec<_>>(), [0.5, 0.5]);
}

/// `wasmtune importances` reads a journal and prints the same importances as the engine.
#[cfg(feature = "cli")]
#[test]
fn cli_prints_importances_of_a_journal_study() {
    use std::process::Command;
    use wasmtune::storage::{JournalStorage, SharedBackend};
    let backend = SharedBackend::new();
    let (storage, _) = JournalStorage::open("", backend.clone(), "test");
    let mut study = wasmtune::Study::builder()
        .name("cli-importance")
        .sampler(Box::new(wasmtune::samplers::RandomSampler::seeded(2)))
        .storage(Box::new(storage))
        .build()
        .unwrap();
    study
        .optimize(
            |t| {
                let x = t.suggest_float("x", -3.0, 3.0)?;
                let y = t.suggest_float("y", -3.0, 3.0)?;
                Ok(x * x + 0.1 * y)
            },
            Some(60),
            None,
        )
        .unwrap();
    let path = std::env::temp_dir().join(format!("wasmtune-importance-{}.log", std::process::id()));
    std::fs::write(&path, backend.lines_from(0).join("\n") + "\n").unwrap();
    let bin = env!("CARGO_BIN_EXE_wasmtune");
    let run = |extra: &[&str]| {
        let out = Command::new(bin).arg("importances").arg("--storage").arg(&path).args(extra).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stdout, _) = run(&["--evaluator", "FanovaImportanceEvaluator", "--evaluator-kwargs", r#"{"seed": 3}"#]);
    assert_eq!(code, Some(0));
    let printed: IndexMap<String, f64> = serde_json::from_str(stdout.trim()).unwrap();
    let spec = ComponentSpec { name: "FanovaImportanceEvaluator".into(), kwargs: json!({"seed": 3}) };
    let expected = get_param_importances(study.trials(), study.directions(), Some(&spec), None, None, true).unwrap();
    assert_eq!(printed, expected);
    assert_eq!(printed.keys().next().map(String::as_str), Some("x"));
    let (code, stdout, _) = run(&["--study-name", "cli-importance", "--params", "y", "--no-normalize"]);
    assert_eq!(code, Some(0));
    assert!(stdout.starts_with("{\"y\":"), "{stdout}");
    let (code, _, stderr) = run(&["--evaluator", "Nope"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("unknown importance evaluator 'Nope'"), "{stderr}");
    let (code, _, stderr) = run(&["--study-name", "other"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("study 'other' not found"), "{stderr}");
    std::fs::remove_file(&path).ok();
}
