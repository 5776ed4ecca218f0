//! Pruners reproduce every decision Optuna 5.0.0 made on the same learning curves
//! (`tests/fixtures/pruner_decisions.json`, recorded by `tests/scripts/pruner_fixtures.py`).

use serde_json::{Value, json};
use wasmtune::{ComponentSpec, Study, StudyConfig, StudyDirection, TrialOutcome, TrialState};

const FIXTURE: &str = include_str!("fixtures/pruner_decisions.json");

fn study(pruner: &str, kwargs: &Value, direction: &str) -> Study {
    let config = StudyConfig {
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
    let mut checked = 0;
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
        }
    }
    assert!(checked > 1500, "only {checked} decisions checked");
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
