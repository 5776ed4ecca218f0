//! NSGAIISampler and NSGAIIISampler on standard multi-objective problems, with constraints,
//! every crossover, and bad options.

use serde_json::{Value, json};
use wasmtune::multi_objective::hypervolume;
use wasmtune::samplers::nsga::das_dennis;
use wasmtune::{ComponentSpec, Study, StudyConfig, StudyDirection, TrialState};

fn study(sampler: &str, kwargs: Value, n_objectives: usize) -> Study {
    StudyConfig {
        directions: vec![StudyDirection::Minimize; n_objectives],
        sampler: ComponentSpec { name: sampler.into(), kwargs },
        ..StudyConfig::default()
    }
    .build_study(None)
    .unwrap()
}

fn zdt(study: &mut Study, n_trials: u64, second: fn(f64, f64) -> f64) {
    for _ in 0..n_trials {
        let n = study.ask().unwrap();
        let x: Vec<f64> = {
            let mut t = study.trial_handle(n).unwrap();
            (0..30).map(|i| t.suggest_float(&format!("x{i:02}"), 0.0, 1.0).unwrap()).collect()
        };
        let g = 1.0 + 9.0 * x[1..].iter().sum::<f64>() / 29.0;
        let f1 = x[0];
        study.tell(n, wasmtune::TrialOutcome::Complete(vec![f1, g * second(f1, g)])).unwrap();
    }
}

fn front_hypervolume(study: &Study) -> f64 {
    let front: Vec<Vec<f64>> = study.best_trials().iter().map(|t| t.values.clone().unwrap()).collect();
    hypervolume(&front, &[1.1, 1.1])
}

#[test]
fn nsga2_reaches_95_percent_of_the_true_hypervolume_on_zdt1_and_zdt2() {
    // True fronts: f2 = 1 − √f1 (HV 0.1 + 2/3 + 0.11) and f2 = 1 − f1² (HV 0.1 + 1/3 + 0.11).
    let zdt1: fn(f64, f64) -> f64 = |f1, g| 1.0 - (f1 / g).sqrt();
    let zdt2: fn(f64, f64) -> f64 = |f1, g| 1.0 - (f1 / g).powi(2);
    for (name, second, truth) in [("ZDT1", zdt1, 0.1 + 2.0 / 3.0 + 0.11), ("ZDT2", zdt2, 0.1 + 1.0 / 3.0 + 0.11)] {
        // Optuna's own NSGA-II (SBX η 20 + polynomial mutation, population 50) reaches 87-88% on
        // ZDT1 and collapses on ZDT2 (0-6%) at this budget (measured, seeds 0-2). Deb's crowded
        // tournament with BLX-α and a population of 30 keeps the front spread: 95.5-98% on both.
        let kwargs = json!({
            "seed": 0,
            "population_size": 30,
            "crowded_tournament": true,
            "crossover": "BLXAlphaCrossover",
            "mutation": {"name": "PolynomialMutation", "kwargs": {"eta": 20}},
        });
        let mut s = study("NSGAIISampler", kwargs, 2);
        zdt(&mut s, 5000, second);
        let hv = front_hypervolume(&s);
        println!("NSGA2_HV {name}: {hv:.4} of {truth:.4} ({:.1}%)", 100.0 * hv / truth);
        assert!(hv >= 0.95 * truth, "{name}: hypervolume {hv} < 95% of {truth}");
    }
}

#[test]
fn nsga3_covers_the_reference_directions_on_dtlz2() {
    let refs = das_dennis(3, 12);
    let kwargs = json!({
        "seed": 1,
        "population_size": 92,
        "dividing_parameter": 12,
        "crossover": "SBXCrossover",
        "mutation": "PolynomialMutation",
    });
    let mut s = study("NSGAIIISampler", kwargs, 3);
    for _ in 0..92 * 60 {
        let n = s.ask().unwrap();
        let x: Vec<f64> = {
            let mut t = s.trial_handle(n).unwrap();
            (0..12).map(|i| t.suggest_float(&format!("x{i:02}"), 0.0, 1.0).unwrap()).collect()
        };
        let g: f64 = x[2..].iter().map(|v| (v - 0.5).powi(2)).sum();
        let (a, b) = (x[0] * std::f64::consts::FRAC_PI_2, x[1] * std::f64::consts::FRAC_PI_2);
        let f = vec![(1.0 + g) * a.cos() * b.cos(), (1.0 + g) * a.cos() * b.sin(), (1.0 + g) * a.sin()];
        s.tell(n, wasmtune::TrialOutcome::Complete(f)).unwrap();
    }
    // The Pareto front found lies on the unit sphere (the true front), and almost every reference
    // direction has a front trial within 0.1 of its line.
    let last: Vec<Vec<f64>> = s.best_trials().iter().map(|t| t.values.clone().unwrap()).collect();
    let radius: f64 = last.iter().map(|f| f.iter().map(|v| v * v).sum::<f64>().sqrt()).sum::<f64>() / last.len() as f64;
    let covered = refs
        .iter()
        .filter(|r| {
            let rn = r.iter().map(|v| v * v).sum::<f64>().sqrt();
            last.iter().any(|f| {
                let t = f.iter().zip(*r).map(|(a, b)| a * b).sum::<f64>() / rn;
                let perp = (f.iter().map(|v| v * v).sum::<f64>() - t * t).max(0.0).sqrt();
                perp < 0.1
            })
        })
        .count();
    println!("NSGA3_DTLZ2 mean radius {radius:.4}, reference directions covered {covered} of {}", refs.len());
    assert!((radius - 1.0).abs() < 0.05, "mean distance from the origin {radius}");
    assert!(covered as f64 >= 0.9 * refs.len() as f64, "{covered} of {} directions covered", refs.len());
}

#[test]
fn generations_are_tagged_and_the_first_is_random() {
    let mut s = study("NSGAIISampler", json!({"seed": 2, "population_size": 10}), 2);
    s.optimize(
        |t| {
            let x = t.suggest_float("x", 0.0, 1.0)?;
            let c = t.suggest_categorical("c", vec!["a".into(), "b".into()])?;
            let k = t.suggest_int("k", 0, 5)?;
            let shift = if c == "a".into() { 0.0 } else { 0.5 };
            Ok(vec![x + shift + k as f64, 1.0 - x + shift + k as f64])
        },
        Some(55),
        None,
    )
    .unwrap();
    let gens: Vec<u64> =
        s.trials().iter().map(|t| t.system_attrs["NSGAIISampler:generation"].as_u64().unwrap()).collect();
    assert_eq!(&gens[..10], &[0; 10]);
    assert_eq!(&gens[10..20], &[1; 10]);
    assert_eq!(gens[54], 5);
    // Children inherit genes: by generation 5 the front holds k = 0 and c = "a" trials.
    assert!(s.best_trials().iter().all(|t| t.params["k"].internal == 0.0 && t.params["c"].internal == 0.0));
}

#[test]
fn constrained_domination_prefers_feasible_trials() {
    // Minimize (x, 1 − x + y + z) subject to x ≥ 0.6. At random 40% of trials are feasible; once
    // feasible parents win the tournaments, children inherit a feasible x.
    let mut s = study("NSGAIISampler", json!({"seed": 3, "population_size": 20}), 2);
    for _ in 0..300 {
        let n = s.ask().unwrap();
        let (x, y, z) = {
            let mut t = s.trial_handle(n).unwrap();
            (
                t.suggest_float("x", 0.0, 1.0).unwrap(),
                t.suggest_float("y", 0.0, 1.0).unwrap(),
                t.suggest_float("z", 0.0, 1.0).unwrap(),
            )
        };
        s.set_trial_constraints(n, vec![0.6 - x]).unwrap();
        s.tell(n, wasmtune::TrialOutcome::Complete(vec![x, 1.0 - x + y + z])).unwrap();
    }
    let early_feasible = s.trials()[..20].iter().filter(|t| t.params["x"].internal >= 0.6).count();
    let late_feasible = s.trials()[240..].iter().filter(|t| t.params["x"].internal >= 0.6).count();
    assert!(late_feasible >= 45, "{late_feasible} of 60 late trials feasible ({early_feasible} of 20 at random)");
    assert!(s.best_trials().iter().all(|t| t.params["x"].internal >= 0.6), "the front holds feasible trials only");
}

#[test]
fn every_crossover_runs_in_both_samplers_and_keeps_values_legal() {
    for sampler in ["NSGAIISampler", "NSGAIIISampler"] {
        for crossover in wasmtune::samplers::nsga::CROSSOVER_NAMES {
            let mut s = study(sampler, json!({"seed": 4, "population_size": 8, "crossover": crossover}), 2);
            s.optimize(
                |t| {
                    let a = t.suggest_float_with("a", 1e-3, 10.0, None, true)?;
                    let b = t.suggest_int_with("b", -4, 8, 2, false)?;
                    let c = t.suggest_float_with("c", 0.0, 1.0, Some(0.1), false)?;
                    assert!(
                        (1e-3..=10.0).contains(&a) && b % 2 == 0 && (-4..=8).contains(&b) && (0.0..=1.0).contains(&c)
                    );
                    Ok(vec![a.ln().abs() + c, (b as f64).abs() + 1.0 - c])
                },
                Some(60),
                None,
            )
            .unwrap();
            assert!(s.trials().iter().all(|t| t.state == TrialState::Complete), "{sampler} {crossover}");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_trials() {
    let run = || {
        let mut s = study("NSGAIIISampler", json!({"seed": 9, "population_size": 6}), 3);
        s.optimize(
            |t| {
                let x = t.suggest_float("x", 0.0, 1.0)?;
                let y = t.suggest_float("y", 0.0, 1.0)?;
                Ok(vec![x, y, 2.0 - x - y])
            },
            Some(40),
            None,
        )
        .unwrap();
        s.trials().iter().map(|t| t.params["x"].internal).collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}

#[test]
fn bad_options_are_refused_with_optunas_messages() {
    for (sampler, kwargs, needle) in [
        ("NSGAIISampler", json!({"population_size": 1}), "population_size"),
        ("NSGAIISampler", json!({"mutation_prob": 1.5}), "mutation_prob"),
        ("NSGAIISampler", json!({"crossover_prob": -0.1}), "crossover_prob"),
        ("NSGAIISampler", json!({"swapping_prob": 2}), "swapping_prob"),
        ("NSGAIISampler", json!({"crossover": "UNDXCrossover", "population_size": 2}), "population_size"),
        ("NSGAIISampler", json!({"crossover": "OnePoint"}), "crossover"),
        ("NSGAIISampler", json!({"mutation": "GaussianMutation"}), "mutation"),
        ("NSGAIIISampler", json!({"reference_points": [[1, 0], [0]]}), "reference_points"),
        ("NSGAIIISampler", json!({"dividing_parameter": 0}), "dividing_parameter"),
        ("NSGAIIISampler", json!({"constraints_func": "x"}), "constraints_func"),
    ] {
        let err = StudyConfig {
            sampler: ComponentSpec { name: sampler.into(), kwargs: kwargs.clone() },
            ..StudyConfig::default()
        }
        .build_study(None)
        .err()
        .unwrap_or_else(|| panic!("{sampler} {kwargs} accepted"));
        assert!(err.to_string().contains(needle), "{sampler} {kwargs}: {err}");
    }
    // Reference points of the wrong dimension are refused once the study's objectives are known.
    let mut s = study("NSGAIIISampler", json!({"population_size": 4, "reference_points": [[1, 0], [0, 1]]}), 3);
    let objective = |t: &mut wasmtune::Trial<'_>| -> Result<Vec<f64>, wasmtune::ObjectiveError> {
        let x = t.suggest_float("x", 0.0, 1.0)?;
        Ok(vec![x, 1.0 - x, x * x])
    };
    let err = s.optimize(objective, Some(20), None).unwrap_err();
    assert!(err.to_string().contains("reference points"), "{err}");
    // Generation 0 (4 trials) finished; the trial that needed parents failed with the message.
    assert_eq!(s.trials().iter().filter(|t| t.state == TrialState::Complete).count(), 4, "finished trials are kept");
    assert_eq!(s.trials()[4].state, TrialState::Fail);
}
