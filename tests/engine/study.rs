//! Define-by-run semantics, trial states, failures, enqueue, best trials.

use std::cell::Cell;
use std::rc::Rc;

use indexmap::IndexMap;
use serde_json::json;
use wasmtune::samplers::RandomSampler;
use wasmtune::{Error, ObjectiveError, ParamValue, Study, StudyDirection, TrialOutcome, TrialState};

fn study() -> Study {
    Study::builder().sampler(Box::new(RandomSampler::seeded(0))).build().unwrap()
}

#[test]
fn asking_the_same_name_twice_returns_the_same_value() {
    let mut s = study();
    let n = s.ask().unwrap();
    let mut t = s.trial_handle(n).unwrap();
    let x = t.suggest_float("x", 0.0, 1.0).unwrap();
    assert_eq!(t.suggest_float("x", 0.0, 1.0).unwrap(), x);
    // A different range is compatible (Optuna keeps the first value).
    assert_eq!(t.suggest_float("x", 0.0, 2.0).unwrap(), x);
    let c = t.suggest_categorical("c", vec!["a".into(), "b".into()]).unwrap();
    assert_eq!(t.suggest_categorical("c", vec!["a".into(), "b".into()]).unwrap(), c);
}

#[test]
fn the_same_name_with_an_incompatible_distribution_is_a_clear_error() {
    let mut s = study();
    let n = s.ask().unwrap();
    let mut t = s.trial_handle(n).unwrap();
    t.suggest_float("x", 0.1, 1.0).unwrap();
    let e = t.suggest_int("x", 0, 1).unwrap_err();
    assert!(matches!(e, Error::IncompatibleDistribution { .. }));
    assert_eq!(
        e.to_string(),
        "parameter 'x': cannot set a different distribution kind to the same parameter name (FloatDistribution then IntDistribution)"
    );
    assert!(t.suggest_float_with("x", 0.1, 1.0, None, true).unwrap_err().to_string().contains("log configuration"));
    t.suggest_categorical("c", vec![1i64.into(), 2i64.into()]).unwrap();
    let e = t.suggest_categorical("c", vec![1i64.into(), 3i64.into()]).unwrap_err();
    assert!(e.to_string().contains("dynamic value space"), "{e}");
    // The trial keeps its first parameters.
    assert_eq!(t.frozen().unwrap().params.len(), 2);
}

#[test]
fn suggested_values_lie_in_their_distributions() {
    let mut s = study();
    for _ in 0..200 {
        let n = s.ask().unwrap();
        let mut t = s.trial_handle(n).unwrap();
        let x = t.suggest_float_with("x", 1e-3, 10.0, None, true).unwrap();
        assert!((1e-3..=10.0).contains(&x));
        let k = t.suggest_int_with("k", -4, 8, 4, false).unwrap();
        assert!([-4, 0, 4, 8].contains(&k));
        let f = t.suggest_float_with("f", 0.0, 1.0, Some(0.5), false).unwrap();
        assert!([0.0, 0.5, 1.0].contains(&f));
        let one = t.suggest_int("one", 3, 3).unwrap();
        assert_eq!(one, 3);
        s.tell(n, TrialOutcome::Complete(vec![x])).unwrap();
    }
}

#[test]
fn conditional_spaces_work() {
    let mut s = study();
    s.optimize(
        |t| {
            let kind = t.suggest_categorical("kind", vec!["linear".into(), "tree".into()])?;
            Ok(if kind == ParamValue::from("linear") {
                t.suggest_float_with("c", 1e-3, 1e3, None, true)?
            } else {
                t.suggest_int("depth", 1, 10)? as f64
            })
        },
        Some(40),
        None,
    )
    .unwrap();
    for t in s.trials() {
        let names: Vec<&str> = t.params.keys().map(String::as_str).collect();
        assert!(names == ["kind", "c"] || names == ["kind", "depth"], "{names:?}");
        assert_eq!(t.state, TrialState::Complete);
    }
    assert!(s.trials().iter().any(|t| t.params.contains_key("c")));
    assert!(s.trials().iter().any(|t| t.params.contains_key("depth")));
}

#[test]
fn trial_states_have_optunas_codes() {
    let codes: Vec<u8> =
        [TrialState::Running, TrialState::Complete, TrialState::Pruned, TrialState::Fail, TrialState::Waiting]
            .iter()
            .map(|s| s.code())
            .collect();
    assert_eq!(codes, [0, 1, 2, 3, 4]);
    for c in 0..5 {
        assert_eq!(TrialState::from_code(c).unwrap().code(), c);
    }
    assert_eq!(TrialState::from_code(5), None);
    assert_eq!(TrialState::from_name("pruned"), Some(TrialState::Pruned));
    assert!(TrialState::Fail.is_finished() && !TrialState::Running.is_finished() && !TrialState::Waiting.is_finished());
}

#[test]
fn errors_nan_inf_and_wrong_counts_fail_the_trial_and_the_study_goes_on() {
    let mut s = study();
    s.optimize(
        |t| {
            let x = t.suggest_float("x", 0.0, 1.0)?;
            match t.number() {
                0 => Err(ObjectiveError::Failed("boom".into())),
                1 => Ok(vec![f64::NAN]),
                2 => Ok(vec![f64::INFINITY]),
                3 => Ok(vec![x, x]),
                4 => Err(ObjectiveError::Pruned),
                _ => Ok(vec![x]),
            }
        },
        Some(8),
        None,
    )
    .unwrap();
    let t = s.trials();
    assert_eq!(t.len(), 8);
    let reason = |i: usize| t[i].system_attrs["fail_reason"].as_str().unwrap().to_owned();
    assert_eq!(t[0].state, TrialState::Fail);
    assert_eq!(reason(0), "boom");
    assert_eq!(t[1].state, TrialState::Fail);
    assert!(reason(1).contains("NaN"), "{}", reason(1));
    assert_eq!(t[2].state, TrialState::Fail);
    assert!(reason(2).contains("inf"), "{}", reason(2));
    assert_eq!(t[3].state, TrialState::Fail);
    assert!(reason(3).contains("2 value(s)"), "{}", reason(3));
    assert_eq!(t[4].state, TrialState::Pruned);
    assert!(t[5..].iter().all(|t| t.state == TrialState::Complete && t.values.is_some()));
    assert!(t[..4].iter().all(|t| t.values.is_none() && t.params.contains_key("x")));
    assert!(t.iter().all(|t| t.datetime_complete.unwrap() >= t.datetime_start.unwrap()));
}

#[test]
fn an_engine_error_inside_the_objective_fails_only_that_trial() {
    let mut s = study();
    s.optimize(|t| Ok(t.suggest_float("x", 1.0, 0.0)?), Some(3), None).unwrap();
    assert!(s.trials().iter().all(|t| t.state == TrialState::Fail));
    assert!(s.trials()[0].system_attrs["fail_reason"].as_str().unwrap().contains("`low <= high`"));
}

#[test]
fn tell_refuses_finished_and_unknown_trials_and_keeps_what_was_recorded() {
    let mut s = study();
    let n = s.ask().unwrap();
    s.trial_handle(n).unwrap().suggest_float("x", 0.0, 1.0).unwrap();
    s.tell(n, TrialOutcome::Complete(vec![0.5])).unwrap();
    let e = s.tell(n, TrialOutcome::Complete(vec![0.7])).unwrap_err();
    assert_eq!(e.to_string(), "trial 0 is already finished (state COMPLETE); it cannot be changed");
    assert_eq!(s.tell(7, TrialOutcome::Pruned).unwrap_err(), Error::UnknownTrial(7));
    assert!(s.suggest(n, "y", wasmtune::FloatDistribution::new(0.0, 1.0, false, None).unwrap().into()).is_err());
    assert_eq!(s.trials()[0].values, Some(vec![0.5]));
    assert_eq!(s.trials()[0].params.len(), 1);
}

#[test]
fn pruned_trials_take_their_last_report_as_value() {
    let mut s = study();
    let n = s.ask().unwrap();
    assert!(!s.should_prune(n).unwrap(), "no reports: never prune");
    s.report(n, 0.9, 0).unwrap();
    s.report(n, 0.5, 3).unwrap();
    s.report(n, 0.1, 3).unwrap(); // a repeated step keeps its first value, as Optuna
    let t = s.tell(n, TrialOutcome::Pruned).unwrap();
    assert_eq!(t.state, TrialState::Pruned);
    assert_eq!(t.values, Some(vec![0.5]));
    assert_eq!(t.intermediate_values.len(), 2);
}

#[test]
fn enqueued_trials_come_first_with_their_fixed_values() {
    let mut s = study();
    let mut p = IndexMap::new();
    p.insert("x".to_owned(), ParamValue::Float(0.25));
    p.insert("c".to_owned(), ParamValue::from("b"));
    assert_eq!(s.enqueue_trial(p.clone(), false).unwrap(), Some(0));
    assert_eq!(s.trials()[0].state, TrialState::Waiting);
    assert_eq!(s.enqueue_trial(p, true).unwrap(), None, "skip_if_exists");
    s.optimize(
        |t| {
            let x = t.suggest_float("x", 0.0, 1.0)?;
            let c = t.suggest_categorical("c", vec!["a".into(), "b".into()])?;
            let y = t.suggest_float("y", 0.0, 1.0)?;
            Ok(x + y + if c == ParamValue::from("a") { 0.0 } else { 1.0 })
        },
        Some(3),
        None,
    )
    .unwrap();
    let t0 = &s.trials()[0];
    assert_eq!(t0.param_values()["x"], ParamValue::Float(0.25));
    assert_eq!(t0.param_values()["c"], ParamValue::from("b"));
    assert!(t0.params.contains_key("y"), "unnamed parameters are sampled");
    assert_eq!(s.trials().len(), 3);
}

#[test]
fn an_enqueued_value_of_the_wrong_type_fails_that_trial_only() {
    let mut s = study();
    let mut p = IndexMap::new();
    p.insert("c".to_owned(), ParamValue::from("zzz"));
    s.enqueue_trial(p, false).unwrap();
    s.optimize(|t| Ok(t.suggest_categorical("c", vec!["a".into()])?.as_f64().unwrap_or(1.0)), Some(2), None).unwrap();
    assert_eq!(s.trials()[0].state, TrialState::Fail);
    assert_eq!(s.trials()[1].state, TrialState::Complete);
}

#[test]
fn best_trial_value_and_params() {
    let mut s = Study::builder().direction(StudyDirection::Maximize).build().unwrap();
    assert_eq!(s.best_trial().unwrap_err(), Error::NoCompletedTrial);
    for v in [1.0, 5.0, 3.0, 5.0] {
        let n = s.ask().unwrap();
        s.suggest(n, "v", wasmtune::FloatDistribution::new(0.0, 10.0, false, None).unwrap().into()).unwrap();
        s.tell(n, TrialOutcome::Complete(vec![v])).unwrap();
    }
    assert_eq!(s.best_trial().unwrap().number, 1, "first of equal bests");
    assert_eq!(s.best_value().unwrap(), 5.0);
    assert!(s.best_params().unwrap().contains_key("v"));
    assert_eq!(s.best_trials().iter().map(|t| t.number).collect::<Vec<_>>(), vec![1, 3]);
}

#[test]
fn best_trials_is_the_pareto_front() {
    let mut s = Study::builder().directions(vec![StudyDirection::Minimize, StudyDirection::Maximize]).build().unwrap();
    for v in [[1.0, 1.0], [2.0, 3.0], [2.0, 2.0], [0.5, 0.5], [3.0, 3.0]] {
        let n = s.ask().unwrap();
        s.tell(n, TrialOutcome::Complete(v.to_vec())).unwrap();
    }
    let front: Vec<u64> = s.best_trials().iter().map(|t| t.number).collect();
    assert_eq!(front, vec![0, 1, 3]);
    assert!(s.best_trial().unwrap_err().to_string().contains("multi-objective"));
    assert!(s.report(0, 1.0, 0).is_err(), "report is single-objective only");
}

#[test]
fn user_attributes_and_metric_names() {
    let mut s = study();
    s.set_user_attr("owner", json!("ada")).unwrap();
    assert_eq!(s.user_attrs()["owner"], "ada");
    s.set_metric_names(vec!["loss".into()]).unwrap();
    assert_eq!(s.metric_names(), Some(vec!["loss".to_owned()]));
    assert!(s.set_metric_names(vec!["a".into(), "b".into()]).is_err());
    let n = s.ask().unwrap();
    s.trial_handle(n).unwrap().set_user_attr("note", json!({"k": [1, 2]})).unwrap();
    assert_eq!(s.trials()[0].user_attrs["note"], json!({"k": [1, 2]}));
}

#[test]
fn optimize_stops_at_the_timeout_using_the_study_clock() {
    let now = Rc::new(Cell::new(0.0));
    let clock_now = now.clone();
    let mut s = Study::builder().clock(Box::new(move || Some(clock_now.get()))).build().unwrap();
    let tick = now.clone();
    s.optimize(
        |t| {
            tick.set(tick.get() + 100.0);
            Ok(t.suggest_float("x", 0.0, 1.0)?)
        },
        None,
        Some(1000.0),
    )
    .unwrap();
    assert_eq!(s.trials().len(), 10);
    assert!(s.optimize(|_| Ok(0.0), None, None).is_err(), "no budget at all is refused");
}

#[test]
fn best_trial_and_front_skip_infeasible_trials_as_optuna_5() {
    let mut s = Study::builder().build().unwrap();
    for (x, c) in [(1.0, 0.5), (2.0, 0.0), (3.0, -1.0)] {
        let n = s.ask().unwrap();
        s.set_trial_constraints(n, vec![c]).unwrap();
        s.tell(n, TrialOutcome::Complete(vec![x])).unwrap();
    }
    // Trial 0 has the lowest value but violates its constraint.
    assert_eq!(s.best_trial().unwrap().number, 1);
    assert_eq!(s.best_trials().iter().map(|t| t.number).collect::<Vec<_>>(), vec![1]);
    let mut only_bad = Study::builder().build().unwrap();
    let n = only_bad.ask().unwrap();
    only_bad.set_trial_constraints(n, vec![1.0]).unwrap();
    only_bad.tell(n, TrialOutcome::Complete(vec![0.0])).unwrap();
    let err = only_bad.best_trial().unwrap_err();
    assert!(err.to_string().contains("No feasible trials"), "{err}");
}
