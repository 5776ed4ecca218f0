//! Pruners reproduce every decision Optuna 5.0.0 made on the same learning curves
//! (`tests/fixtures/pruner_decisions.json`, recorded by `tests/scripts/pruner_fixtures.py`).

use serde_json::{Value, json};
use wasmtune::{ComponentSpec, Study, StudyConfig, StudyDirection, TrialOutcome, TrialState};

const FIXTURE: &str = include_str!("../fixtures/pruner_decisions.json");

fn study(pruner: &str, kwargs: &Value, direction: &str) -> Study {
    let config = StudyConfig {
        name: Some("pruner-fixture".into()),
        directions: vec![StudyDirection::from_name(direction).unwrap()],
        pruner: ComponentSpec { name: pruner.into(), kwargs: kwargs.clone() },
        ..StudyConfig::default()
    };
    config.build_study(None).unwrap()
}

#[test]
fn every_decision_matches_optuna() {
    let fixture: Value = serde_json::from_str(FIXTURE).unwrap();
    assert_eq!(fixture["optuna"], "5.0.0");
    let (mut checked, mut brackets) = (0, 0);
    for case in fixture["cases"].as_array().unwrap() {
        let (name, kwargs, direction) =
            (case["pruner"].as_str().unwrap(), &case["kwargs"], case["direction"].as_str().unwrap());
        let mut s = study(name, kwargs, direction);
        for (i, t) in case["trials"].as_array().unwrap().iter().enumerate() {
            let n = s.ask().unwrap();
            let reports = t["reports"].as_array().unwrap();
            let expected: Vec<bool> = t["decisions"].as_array().unwrap().iter().map(|d| d.as_bool().unwrap()).collect();
            let mut pruned = false;
            for (j, want) in expected.iter().enumerate() {
                let step = reports[j][0].as_u64().unwrap();
                let value = reports[j][1].as_f64().unwrap_or(f64::NAN);
                s.report(n, value, step).unwrap();
                let got = s.should_prune(n).unwrap();
                assert_eq!(got, *want, "{name} {kwargs} trial {i} step {step}");
                checked += 1;
                pruned = got;
            }
            let last = reports.last().unwrap()[1].as_f64().unwrap_or(0.0);
            let outcome = if pruned { TrialOutcome::Pruned } else { TrialOutcome::Complete(vec![last]) };
            s.tell(n, outcome).unwrap();
            if let Some(want) = t.get("bracket").and_then(Value::as_u64) {
                // Hyperband: the same bracket as Optuna's, once its brackets exist.
                let mut h =
                    wasmtune::pruners::HyperbandPruner::new(serde_json::from_value(kwargs.clone()).unwrap()).unwrap();
                let complete_last: Option<u64> = s
                    .trials()
                    .iter()
                    .filter(|t| t.state == TrialState::Complete)
                    .filter_map(|t| t.last_intermediate().map(|(s, _)| s))
                    .max();
                assert!(h.initialize(complete_last).unwrap());
                assert_eq!(h.bracket_id("pruner-fixture", n), Some(want as usize), "{kwargs} trial {i} bracket");
                brackets += 1;
            }
        }
    }
    assert!(checked > 1500, "only {checked} decisions checked");
    assert!(brackets > 60, "only {brackets} bracket assignments checked");
}

#[test]
fn pruned_trials_keep_their_reports_and_no_reports_means_no_prune() {
    let mut s = study("ThresholdPruner", &json!({"upper": 1.0}), "minimize");
    let n = s.ask().unwrap();
    assert!(!s.should_prune(n).unwrap());
    for (step, v) in [(0, 0.5), (1, 0.9), (2, 3.0)] {
        s.report(n, v, step).unwrap();
    }
    assert!(s.should_prune(n).unwrap());
    let t = s.tell(n, TrialOutcome::Pruned).unwrap();
    assert_eq!(t.state, TrialState::Pruned);
    assert_eq!(t.intermediate_values.len(), 3);
    assert_eq!(t.values, Some(vec![3.0]));
}

#[test]
fn bad_pruner_options_get_clear_errors() {
    let cases = [
        ("PercentilePruner", json!({"percentile": 120.0}), "between 0 and 100"),
        ("PercentilePruner", json!({}), "missing field `percentile`"),
        ("MedianPruner", json!({"interval_steps": 0}), "interval_steps must be at least 1"),
        ("ThresholdPruner", json!({}), "either lower or upper"),
        ("ThresholdPruner", json!({"lower": 2.0, "upper": 1.0}), "must not exceed"),
        ("PatientPruner", json!({"patience": 1, "min_delta": -1.0}), "min_delta cannot be negative"),
        ("PatientPruner", json!({"patience": 1, "wrapped_pruner": {"name": "Nope"}}), "unknown pruner 'Nope'"),
        ("SuccessiveHalvingPruner", json!({"reduction_factor": 1}), "reduction_factor must be at least 2"),
        ("SuccessiveHalvingPruner", json!({"min_resource": "soon"}), "SuccessiveHalvingPruner options"),
        ("SuccessiveHalvingPruner", json!({"bootstrap_count": 2}), "cannot be combined"),
        ("MedianPruner", json!({"n_startup": 1}), "unknown field `n_startup`"),
    ];
    for (name, kwargs, needle) in cases {
        let e = wasmtune::pruners::from_name(name, &kwargs).err().unwrap().to_string();
        assert!(e.contains(needle), "{name} {kwargs}: {e}");
    }
}

/// (trial being sampled, trial numbers in the sampler's view), per call.
type Views = std::rc::Rc<std::cell::RefCell<Vec<(u64, Vec<u64>)>>>;

/// Records which trials the sampler was shown.
struct Spy(Views);

impl wasmtune::samplers::Sampler for Spy {
    fn sample_independent(
        &mut self,
        study: &wasmtune::samplers::StudyView,
        trial: &wasmtune::FrozenTrial,
        _name: &str,
        _d: &wasmtune::Distribution,
    ) -> wasmtune::Result<f64> {
        self.0.borrow_mut().push((trial.number, study.trials.iter().map(|t| t.number).collect()));
        Ok(0.5)
    }
}

#[test]
fn with_hyperband_samplers_see_only_the_trials_own_bracket() {
    let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let options = json!({"min_resource": 1, "max_resource": 9, "reduction_factor": 3});
    let mut s = Study::builder()
        .name("bracket-view")
        .sampler(Box::new(Spy(seen.clone())))
        .pruner(wasmtune::pruners::from_name("HyperbandPruner", &options).unwrap())
        .build()
        .unwrap();
    s.optimize(
        |t| {
            let x = t.suggest_float("x", 0.0, 1.0)?;
            for step in 0..9 {
                t.report(x + step as f64, step)?;
                if t.should_prune()? {
                    return Err(wasmtune::ObjectiveError::Pruned);
                }
            }
            Ok(x)
        },
        Some(30),
        None,
    )
    .unwrap();
    let mut h = wasmtune::pruners::HyperbandPruner::new(serde_json::from_value(options).unwrap()).unwrap();
    assert!(h.initialize(None).unwrap());
    let bracket = |n| h.bracket_id("bracket-view", n).unwrap();
    let calls = seen.borrow();
    assert_eq!(calls.len(), 30);
    // Trial 0 samples before any pruning, when the study is still one bracket; after that every
    // view holds exactly the trials of the sampled trial's bracket.
    for (number, view) in calls.iter().skip(1) {
        let expected: Vec<u64> = (0..=*number).filter(|n| bracket(*n) == bracket(*number)).collect();
        assert_eq!(view, &expected, "trial {number}");
    }
    assert!(calls.iter().any(|(n, v)| v.len() < *n as usize + 1), "some views were filtered");
}

#[test]
fn signed_rank_p_values_match_scipy() {
    let fixture: Value = serde_json::from_str(FIXTURE).unwrap();
    for case in fixture["wilcoxon_p"].as_array().unwrap() {
        let d: Vec<f64> = case["d"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
        let alt = match case["alternative"].as_str().unwrap() {
            "greater" => wasmtune::pruners::Alternative::Greater,
            _ => wasmtune::pruners::Alternative::Less,
        };
        let (got, want) = (wasmtune::pruners::signed_rank_p(&d, alt), case["p"].as_f64().unwrap());
        assert!((got - want).abs() <= 1e-9 * want.max(1e-300) + 1e-15, "n={} {alt:?}: {got} vs {want}", d.len());
    }
}
