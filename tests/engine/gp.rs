//! GPSampler: the model, the acquisition and the sampler's behaviour on known problems.

use std::f64::consts::PI;

use serde_json::{Value, json};
use wasmtune::samplers::gp::kernel::{Inputs, KernelParams, fit, matern52};
use wasmtune::samplers::gp::{BeliefRequest, belief};
use wasmtune::{ComponentSpec, ParamValue, Study, StudyConfig, StudyDirection, TrialOutcome, TrialState};

fn gp(kwargs: Value, directions: Vec<StudyDirection>) -> Study {
    let config = StudyConfig {
        directions,
        sampler: ComponentSpec { name: "GPSampler".into(), kwargs },
        ..StudyConfig::default()
    };
    config.build_study(None).unwrap()
}

fn branin(t: &mut wasmtune::Trial<'_>) -> Result<f64, wasmtune::ObjectiveError> {
    let x1 = t.suggest_float("x1", -5.0, 10.0)?;
    let x2 = t.suggest_float("x2", 0.0, 15.0)?;
    let (b, c) = (5.1 / (4.0 * PI * PI), 5.0 / PI);
    Ok((x2 - b * x1 * x1 + c * x1 - 6.0).powi(2) + 10.0 * (1.0 - 1.0 / (8.0 * PI)) * x1.cos() + 10.0)
}

const BRANIN_MIN: f64 = 0.397_887_357_729_738_2;

#[test]
fn branin_median_regret_after_40_trials_is_below_0_01() {
    let mut regrets: Vec<f64> = (0..10)
        .map(|seed| {
            let mut s = gp(json!({"seed": seed}), vec![StudyDirection::Minimize]);
            s.optimize(branin, Some(40), None).unwrap();
            s.best_value().unwrap() - BRANIN_MIN
        })
        .collect();
    regrets.sort_by(f64::total_cmp);
    let median = 0.5 * (regrets[4] + regrets[5]);
    assert!(median < 0.01, "median regret {median}: {regrets:?}");
}

/// A deterministic draw from a 1-D GP with Matérn-5/2 covariance of length scale `l` (through a
/// Cholesky factor of the covariance on the inputs).
fn draw_from_gp(x: &[f64], l: f64, seed: u64) -> Vec<f64> {
    let n = x.len();
    let k = nalgebra::DMatrix::from_fn(n, n, |i, j| {
        matern52((x[i] - x[j]).powi(2) / (l * l)).0 + if i == j { 1e-6 } else { 0.0 }
    });
    let chol = k.cholesky().unwrap();
    let mut rng = wasmtune::rng::Rng::seed_from_u64(seed);
    let z = nalgebra::DVector::from_fn(n, |_, _| rng.normal());
    (chol.l() * z).iter().copied().collect()
}

#[test]
fn the_fit_recovers_the_length_scale_of_a_known_gp() {
    // 120 points on [0, 1], three draws per length scale; the median estimate lands within a
    // factor of 1.5 of the truth.
    let x: Vec<f64> = (0..120).map(|i| (i as f64 + 0.5) / 120.0).collect();
    for truth in [0.1, 0.3] {
        let mut est: Vec<f64> = (0..3)
            .map(|seed| {
                let y = draw_from_gp(&x, truth, seed);
                let mean = y.iter().sum::<f64>() / y.len() as f64;
                let sd = (y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / y.len() as f64).sqrt();
                let y: Vec<f64> = y.iter().map(|v| (v - mean) / sd).collect();
                let inputs = Inputs { x: &x, d: 1, is_cat: &[false] };
                fit(&inputs, &y, &KernelParams::ones(1), false).lengthscales()[0]
            })
            .collect();
        est.sort_by(f64::total_cmp);
        assert!(est[1] / truth < 1.5 && truth / est[1] < 1.5, "truth {truth}: {est:?}");
    }
}

#[test]
fn same_seed_same_trials_and_values_stay_legal_in_a_mixed_space() {
    let run = |seed: u64| {
        let mut s = gp(json!({"seed": seed, "n_startup_trials": 5}), vec![StudyDirection::Minimize]);
        s.optimize(crate::common::legal_mixed_objective, Some(25), None).unwrap();
        s.trials().iter().map(|t| serde_json::to_string(&t.param_values()).unwrap()).collect::<Vec<_>>()
    };
    let a = run(3);
    assert_eq!(a, run(3));
    assert_ne!(a, run(4));
}

#[test]
fn the_model_finds_the_good_categorical_and_integer() {
    // Only c = "y" and b = 4 are good: after the startup trials the GP should mostly pick them.
    let mut s = gp(json!({"seed": 1}), vec![StudyDirection::Minimize]);
    s.optimize(
        |t| {
            let b = t.suggest_int("b", 0, 8)?;
            let c = t.suggest_categorical("c", vec!["x".into(), "y".into(), "z".into()])?;
            let x = t.suggest_float("x", -1.0, 1.0)?;
            Ok((b as f64 - 4.0).powi(2) + if c == ParamValue::from("y") { 0.0 } else { 3.0 } + x * x)
        },
        Some(30),
        None,
    )
    .unwrap();
    let good = s.trials()[20..]
        .iter()
        .filter(|t| t.params["b"].internal == 4.0 && t.param_values()["c"] == ParamValue::from("y"))
        .count();
    assert!(good >= 6, "only {good} of the last 10 trials at the optimum");
    assert!(s.best_value().unwrap() < 0.05);
}

#[test]
fn constraints_steer_toward_the_feasible_region() {
    // Minimize x + y on [0, 1]², feasible only where x + y ≥ 1: the optimum is the line x + y = 1.
    let mut s = gp(json!({"seed": 2}), vec![StudyDirection::Minimize]);
    for _ in 0..30 {
        let n = s.ask().unwrap();
        let mut t = s.trial_handle(n).unwrap();
        let x = t.suggest_float("x", 0.0, 1.0).unwrap();
        let y = t.suggest_float("y", 0.0, 1.0).unwrap();
        t.set_constraint(vec![1.0 - x - y]).unwrap();
        s.tell(n, TrialOutcome::Complete(vec![x + y])).unwrap();
    }
    let late = &s.trials()[20..];
    let on_boundary = late.iter().filter(|t| (t.values.as_ref().unwrap()[0] - 1.0).abs() < 0.02).count();
    assert!(on_boundary >= 8, "{on_boundary} of the last 10 are within 0.02 of the boundary x + y = 1");
    let best_feasible = s
        .trials()
        .iter()
        .filter(|t| t.system_attrs["constraints"][0].as_f64().unwrap() <= 0.0)
        .map(|t| t.values.as_ref().unwrap()[0])
        .fold(f64::INFINITY, f64::min);
    assert!((1.0..1.01).contains(&best_feasible), "{best_feasible}");
}

#[test]
fn two_objectives_spread_along_the_front() {
    // f1 = x, f2 = (1 − x)² + y²: the front is y = 0; later trials should sit near it.
    let mut s = gp(json!({"seed": 5}), vec![StudyDirection::Minimize, StudyDirection::Minimize]);
    s.optimize(
        |t| {
            let x = t.suggest_float("x", 0.0, 1.0)?;
            let y = t.suggest_float("y", -1.0, 1.0)?;
            Ok(vec![x, (1.0 - x).powi(2) + y * y])
        },
        Some(30),
        None,
    )
    .unwrap();
    let near: Vec<f64> = s.trials()[15..].iter().map(|t| t.params["y"].internal.abs()).collect();
    let close = near.iter().filter(|y| **y < 0.2).count();
    assert!(close >= 10, "{near:?}");
    assert!(s.best_trials().len() >= 5);
}

#[test]
fn bad_options_are_refused_with_the_class_name() {
    let config = StudyConfig {
        sampler: ComponentSpec { name: "GPSampler".into(), kwargs: json!({"n_startup": 3}) },
        ..StudyConfig::default()
    };
    let err = config.build_study(None).err().unwrap().to_string();
    assert!(err.contains("GPSampler") && err.contains("n_startup"), "{err}");
    let config = StudyConfig {
        sampler: ComponentSpec {
            name: "GPSampler".into(),
            kwargs: json!({"independent_sampler": {"name": "NoSuchSampler"}}),
        },
        ..StudyConfig::default()
    };
    assert!(config.build_study(None).is_err());
}

#[test]
fn the_belief_interpolates_the_observations_and_has_the_requested_shape() {
    let mut s = gp(json!({"seed": 0, "deterministic_objective": true}), vec![StudyDirection::Maximize]);
    s.optimize(
        |t| {
            let x = t.suggest_float("x", 0.0, 250.0)?;
            let n = t.suggest_int("n", 1, 4)?;
            let _ = t.suggest_categorical("c", vec!["a".into(), "b".into()])?;
            Ok(x * (500.0 - 2.0 * x) + n as f64)
        },
        Some(15),
        None,
    )
    .unwrap();
    let request = |v: Value| serde_json::from_value::<BeliefRequest>(v).unwrap();
    let b = belief(s.trials(), s.directions(), &request(json!({"params": ["x"], "resolution": 60}))).unwrap();
    let v = serde_json::to_value(&b).unwrap();
    assert_eq!(v["axes"][0].as_array().unwrap().len(), 60);
    assert_eq!(v["mean"].as_array().unwrap().len(), 60);
    assert_eq!((v["axes"][0][0].as_f64(), v["axes"][0][59].as_f64()), (Some(0.0), Some(250.0)));
    // In objective units, the mean near x = 125 is close to the garden's 31,250 and the deviation is
    // small there; at the edges the area is near 0.
    let mean: Vec<f64> = serde_json::from_value(v["mean"].clone()).unwrap();
    let i = mean.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
    let x_best = v["axes"][0][i].as_f64().unwrap();
    assert!((x_best - 125.0).abs() < 15.0 && (mean[i] - 31_250.0).abs() < 1_000.0, "{x_best} {}", mean[i]);
    assert!(mean[0] < 5_000.0, "{}", mean[0]);
    let std: Vec<f64> = serde_json::from_value(v["std"].clone()).unwrap();
    assert!(std.iter().all(|s| *s >= 0.0) && std[i] < 2_000.0);

    let b2 = belief(s.trials(), s.directions(), &request(json!({"params": ["x", "n"], "resolution": 20}))).unwrap();
    let v2 = serde_json::to_value(&b2).unwrap();
    // n has 4 values: a 4 × 20 surface, rows along n.
    assert_eq!(v2["axes"][1], json!([1.0, 2.0, 3.0, 4.0]));
    assert_eq!(v2["acquisition"].as_array().unwrap().len(), 4);
    assert_eq!(v2["acquisition"][0].as_array().unwrap().len(), 20);

    let err = |v: Value| belief(s.trials(), s.directions(), &request(v)).unwrap_err().to_string();
    assert!(err(json!({"params": ["c"]})).contains("categorical"));
    assert!(err(json!({"params": ["nope"]})).contains("'nope'"));
    assert!(err(json!({"params": []})).contains("one or two"));
    let few = &s.trials()[..1];
    let e = belief(few, s.directions(), &request(json!({"params": ["x"]}))).unwrap_err().to_string();
    assert!(e.contains("at least 2 complete trials"), "{e}");

    // `before: k` is the belief as it was at trial k (a replay): the same as fitting the first k.
    let at = |trials: &[wasmtune::FrozenTrial], v: Value| {
        serde_json::to_value(belief(trials, s.directions(), &request(v)).unwrap()).unwrap()
    };
    let replayed = at(s.trials(), json!({"params": ["x"], "resolution": 30, "before": 8}));
    assert_eq!(replayed, at(&s.trials()[..8], json!({"params": ["x"], "resolution": 30})));
    assert_ne!(replayed, at(s.trials(), json!({"params": ["x"], "resolution": 30})));
}

#[test]
fn failed_and_running_trials_do_not_break_sampling() {
    let mut s = gp(json!({"seed": 9, "n_startup_trials": 3}), vec![StudyDirection::Minimize]);
    for i in 0..12 {
        let n = s.ask().unwrap();
        let x = s.trial_handle(n).unwrap().suggest_float("x", -3.0, 3.0).unwrap();
        match i % 4 {
            1 => {
                s.tell(n, TrialOutcome::Fail("test".into())).unwrap();
            }
            3 => {} // left running
            _ => {
                s.tell(n, TrialOutcome::Complete(vec![x * x])).unwrap();
            }
        }
    }
    assert!(s.trials().iter().any(|t| t.state == TrialState::Running));
    assert!(s.best_value().unwrap() < 1.0);
}
