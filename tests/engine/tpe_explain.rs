//! TPE's explanation of a trial is the sampler's own reasoning: replayed from the seed and the
//! trial's history, it picks the very values the trial has.

use serde_json::{Value, json};
use wasmtune::samplers::TpeSamplerOptions;
use wasmtune::samplers::tpe::{ExplainRequest, Phase, TpeExplanation, explain};
use wasmtune::{ComponentSpec, ParamValue, Study, StudyConfig, TrialOutcome};

fn study(kwargs: &Value) -> Study {
    let config = StudyConfig {
        sampler: ComponentSpec { name: "TPESampler".into(), kwargs: kwargs.clone() },
        ..StudyConfig::default()
    };
    config.build_study(None).unwrap()
}

fn options(kwargs: &Value) -> TpeSamplerOptions {
    serde_json::from_value(kwargs.clone()).unwrap()
}

fn request(trial: u64) -> ExplainRequest {
    ExplainRequest { trial, params: None, resolution: None }
}

fn run(study: &Study, kwargs: &Value, trial: u64) -> TpeExplanation {
    explain(study.trials(), study.directions(), &options(kwargs), &request(trial)).unwrap()
}

fn as_f64(v: &ParamValue) -> f64 {
    match v {
        ParamValue::Float(x) => *x,
        ParamValue::Int(i) => *i as f64,
        other => panic!("not numeric: {other:?}"),
    }
}

/// Checks what must hold of every post-startup explanation; returns it.
fn check_model_trial(e: &TpeExplanation, n_startup: usize) {
    assert_eq!(e.phase, Phase::Tpe);
    assert!(e.n_finished >= n_startup);
    assert!(e.reproduced, "trial {}: {:?}", e.trial, e.caveat);
    assert!(e.caveat.is_none());
    for p in &e.params {
        assert_eq!(p.phase, Phase::Tpe);
        // The proof: the replayed draw is the trial's.
        assert_eq!(p.value.as_ref(), Some(&p.recorded), "trial {} param {}", e.trial, p.name);
        let m = p.model.as_ref().expect("a model after startup");
        assert_eq!(m.n_below, (e.n_finished as f64 * 0.1).ceil().min(25.0) as usize, "Optuna's default gamma");
        assert_eq!(m.n_below + m.n_above, e.n_finished, "sequential: no running trial in the history");
        assert!((m.gamma - m.n_below as f64 / e.n_finished as f64).abs() < 1e-15);
        assert_eq!(m.axis.len(), m.l.len());
        assert_eq!(m.axis.len(), m.g.len());
        assert!(m.l.iter().chain(&m.g).all(|v| *v > 0.0 && v.is_finite()), "positive densities");
        assert_eq!(m.candidates.len(), 24);
        assert_eq!((m.log_l.len(), m.log_g.len(), m.score.len()), (24, 24, 24));
        for i in 0..24 {
            assert_eq!(m.score[i], m.log_l[i] - m.log_g[i]);
        }
        let best = m.score.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(m.score[m.chosen], best, "the chosen candidate has the best score");
        assert_eq!(m.candidates[m.chosen], p.recorded, "the chosen candidate is the value");
        assert_eq!(m.joint, m.group.len() > 1);
        assert!(m.group.contains(&p.name));
    }
}

fn trapezoid(xs: &[f64], ys: &[f64]) -> f64 {
    xs.windows(2).zip(ys.windows(2)).map(|(x, y)| 0.5 * (x[1] - x[0]) * (y[0] + y[1])).sum()
}

#[test]
fn one_dimension_replays_every_draw() {
    for kwargs in [json!({"seed": 7, "n_startup_trials": 10}), json!({"seed": 3, "multivariate": false})] {
        let mut s = study(&kwargs);
        s.optimize(
            |t| Ok::<f64, wasmtune::ObjectiveError>((t.suggest_float("x", -5.0, 5.0)? - 2.0).powi(2)),
            Some(30),
            None,
        )
        .unwrap();

        let e = run(&s, &kwargs, 3);
        assert_eq!(e.phase, Phase::Startup);
        assert_eq!((e.n_finished, e.n_startup_trials), (3, 10));
        assert_eq!(e.params.len(), 1);
        assert!(e.params[0].model.is_none() && e.params[0].value.is_none());
        assert_eq!(e.params[0].recorded, s.trials()[3].params["x"].value());

        for n in 10..30 {
            let e = run(&s, &kwargs, n);
            assert_eq!(e.n_finished, n as usize);
            assert_eq!(e.multivariate, kwargs.get("multivariate").is_none());
            check_model_trial(&e, 10);
            let m = e.params[0].model.as_ref().unwrap();
            assert_eq!(m.kind, "density");
            assert_eq!(m.axis.len(), 200);
            let xs: Vec<f64> = m.axis.iter().map(as_f64).collect();
            assert_eq!((xs[0], xs[199]), (-5.0, 5.0));
            for (name, ys) in [("l", &m.l), ("g", &m.g)] {
                let area = trapezoid(&xs, ys);
                assert!((area - 1.0).abs() < 0.03, "trial {n}: {name} integrates to {area}");
            }
            // A one-parameter model: its density at the chosen candidate is the draw's log l.
            assert!(!m.joint);
        }
    }
}

fn two_params(t: &mut wasmtune::Trial<'_>) -> Result<f64, wasmtune::ObjectiveError> {
    let c = t.suggest_categorical("c", vec!["a".into(), "b".into(), "c".into()])?;
    let lr = t.suggest_float_with("lr", 1e-4, 1.0, None, true)?;
    let k = t.suggest_int("k", 1, 8)?;
    let offset = if c == ParamValue::from("b") { 0.0 } else { 1.0 };
    Ok(offset + (lr.log10() + 2.0).powi(2) + 0.1 * (k - 3).abs() as f64)
}

#[test]
fn categorical_log_and_int_replay_jointly_and_independently() {
    for kwargs in [
        json!({"seed": 11}),
        json!({"seed": 12, "multivariate": false}),
        json!({"seed": 13, "multivariate": true, "group": true, "n_startup_trials": 5}),
    ] {
        let mut s = study(&kwargs);
        s.optimize(two_params, Some(25), None).unwrap();
        let n_startup = kwargs.get("n_startup_trials").map_or(10, |v| v.as_u64().unwrap() as usize);
        for n in n_startup as u64..25 {
            let e = run(&s, &kwargs, n);
            check_model_trial(&e, n_startup);
            assert_eq!(e.params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["c", "lr", "k"]);
            let joint = kwargs.get("multivariate") != Some(&json!(false));
            for p in &e.params {
                let m = p.model.as_ref().unwrap();
                assert_eq!(m.joint, joint, "{kwargs}: {}", p.name);
                match p.name.as_str() {
                    "c" => {
                        assert_eq!(m.kind, "mass");
                        assert_eq!(m.axis, vec!["a".into(), "b".into(), "c".into()]);
                        for ys in [&m.l, &m.g] {
                            assert!((ys.iter().sum::<f64>() - 1.0).abs() < 1e-9);
                        }
                    }
                    "k" => {
                        assert_eq!(m.kind, "mass");
                        assert_eq!(m.axis, (1..=8).map(ParamValue::Int).collect::<Vec<_>>());
                        for ys in [&m.l, &m.g] {
                            assert!((ys.iter().sum::<f64>() - 1.0).abs() < 1e-9);
                        }
                    }
                    _ => {
                        assert_eq!(m.kind, "density");
                        // Per unit of ln x: integrates to 1 over ln of the axis.
                        let ln: Vec<f64> = m.axis.iter().map(|v| as_f64(v).ln()).collect();
                        for ys in [&m.l, &m.g] {
                            assert!((trapezoid(&ln, ys) - 1.0).abs() < 0.03);
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn a_coarse_clock_or_none_still_replays_a_sequential_study() {
    // The browser's clock has millisecond steps: a fast study starts and ends every trial in the
    // same millisecond. Without a clock, trials carry no times at all.
    let kwargs = json!({"seed": 21, "n_startup_trials": 5});
    let config = StudyConfig {
        sampler: ComponentSpec { name: "TPESampler".into(), kwargs: kwargs.clone() },
        ..StudyConfig::default()
    };
    let objective = |t: &mut wasmtune::Trial<'_>| Ok::<f64, wasmtune::ObjectiveError>(t.suggest_float("x", 0.0, 1.0)?);
    let mut frozen = config.build_study(Some(Box::new(|| Some(1000.0)))).unwrap();
    frozen.optimize(objective, Some(12), None).unwrap();
    let mut none = config.build_study(Some(Box::new(|| None))).unwrap();
    none.optimize(objective, Some(12), None).unwrap();
    for n in 5..12 {
        let e = run(&frozen, &kwargs, n);
        assert_eq!(e.n_finished, n as usize, "trials after this one are not its history");
        check_model_trial(&e, 5);
        let e = run(&none, &kwargs, n);
        assert_eq!(e.n_finished, n as usize);
        assert!(!e.reproduced && e.caveat.as_deref().unwrap().contains("no start times"));
        assert_eq!(e.params[0].value.as_ref(), Some(&e.params[0].recorded), "assumed sequential, and it was");
    }
}

#[test]
fn a_subset_of_params_and_a_coarser_axis() {
    let kwargs = json!({"seed": 5, "multivariate": false});
    let mut s = study(&kwargs);
    s.optimize(two_params, Some(15), None).unwrap();
    let req = ExplainRequest { trial: 12, params: Some(vec!["lr".into()]), resolution: Some(30) };
    let e = explain(s.trials(), s.directions(), &options(&kwargs), &req).unwrap();
    assert_eq!(e.params.len(), 1);
    let m = e.params[0].model.as_ref().unwrap();
    assert_eq!(m.axis.len(), 30);
    assert_eq!(e.params[0].value.as_ref(), Some(&e.params[0].recorded));
}

#[test]
fn trials_running_alongside_are_flagged_not_claimed() {
    let kwargs = json!({"seed": 9, "n_startup_trials": 4});
    let mut s = study(&kwargs);
    s.optimize(|t| Ok::<f64, wasmtune::ObjectiveError>(t.suggest_float("x", 0.0, 1.0)?), Some(6), None).unwrap();
    // Two workers: both asked before either is told.
    let a = s.ask().unwrap();
    let b = s.ask().unwrap();
    for n in [a, b] {
        s.suggest(n, "x", wasmtune::FloatDistribution::new(0.0, 1.0, false, None).unwrap().into()).unwrap();
    }
    s.tell(a, TrialOutcome::Complete(vec![0.5])).unwrap();
    s.tell(b, TrialOutcome::Complete(vec![0.5])).unwrap();
    let e = run(&s, &kwargs, b);
    assert!(!e.reproduced);
    assert!(e.caveat.as_deref().unwrap().contains(&format!("trial {a} ran alongside")), "{:?}", e.caveat);
    // Still explained: the liar put trial `a` in the bad set.
    let m = e.params[0].model.as_ref().unwrap();
    assert_eq!(m.n_below + m.n_above, e.n_finished + 1);
}

#[test]
fn an_unseeded_sampler_is_explained_but_not_claimed_exact() {
    let kwargs = json!({"n_startup_trials": 3});
    let mut s = study(&kwargs);
    s.optimize(|t| Ok::<f64, wasmtune::ObjectiveError>(t.suggest_float("x", 0.0, 1.0)?), Some(5), None).unwrap();
    let e = run(&s, &kwargs, 4);
    assert!(!e.reproduced);
    assert!(e.caveat.unwrap().contains("not seeded"));
    assert!(e.params[0].model.is_some());
}

#[test]
fn clear_errors() {
    let kwargs = json!({"seed": 1});
    let mut s = study(&kwargs);
    s.optimize(|t| Ok::<f64, wasmtune::ObjectiveError>(t.suggest_float("x", 0.0, 1.0)?), Some(3), None).unwrap();
    let err = |s: &Study, req: ExplainRequest| {
        explain(s.trials(), s.directions(), &options(&kwargs), &req).unwrap_err().to_string()
    };
    let e = err(&s, request(7));
    assert!(e.contains("tpeExplain") && e.contains("no trial 7") && e.contains("3 trials"), "{e}");
    let e = err(&s, ExplainRequest { trial: 1, params: Some(vec!["y".into()]), resolution: None });
    assert!(e.contains("no parameter 'y'") && e.contains("x"), "{e}");
    let e = err(&s, ExplainRequest { trial: 1, params: None, resolution: Some(1) });
    assert!(e.contains("resolution"), "{e}");

    // An enqueued trial's fixed value was not sampled by TPE.
    s.enqueue_trial([("x".to_string(), ParamValue::Float(0.25))].into_iter().collect(), false).unwrap();
    s.optimize(|t| Ok::<f64, wasmtune::ObjectiveError>(t.suggest_float("x", 0.0, 1.0)?), Some(1), None).unwrap();
    let e = err(&s, request(3));
    assert!(e.contains("fixed") && e.contains("not sampled by TPE"), "{e}");
}

#[test]
fn the_json_shape_is_camel_case() {
    let kwargs = json!({"seed": 2, "n_startup_trials": 2});
    let mut s = study(&kwargs);
    s.optimize(|t| Ok::<f64, wasmtune::ObjectiveError>(t.suggest_float("x", 0.0, 1.0)?), Some(4), None).unwrap();
    let v = serde_json::to_value(run(&s, &kwargs, 3)).unwrap();
    for key in ["trial", "phase", "nFinished", "nStartupTrials", "multivariate", "reproduced", "caveat", "params"] {
        assert!(v.get(key).is_some(), "{key} in {v}");
    }
    assert_eq!(v["phase"], "tpe");
    let m = &v["params"][0]["model"];
    for key in [
        "nBelow",
        "nAbove",
        "gamma",
        "kind",
        "joint",
        "group",
        "axis",
        "l",
        "g",
        "candidates",
        "logL",
        "logG",
        "score",
        "chosen",
    ] {
        assert!(m.get(key).is_some(), "{key} in {m}");
    }
    assert_eq!(v["params"][0]["distribution"]["name"], "FloatDistribution");
    let startup = serde_json::to_value(run(&s, &kwargs, 0)).unwrap();
    assert_eq!(startup["phase"], "startup");
    assert_eq!(startup["params"][0]["model"], Value::Null);
    let req: ExplainRequest = serde_json::from_value(json!({"trial": 3, "params": ["x"], "resolution": 10})).unwrap();
    assert_eq!(req.resolution, Some(10));
}
