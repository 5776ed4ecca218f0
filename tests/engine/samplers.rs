//! Samplers: ranges, grid and brute-force exhaustion, QMC sequences, fixed parameters, registry.

use std::collections::HashSet;

use serde_json::{Value, json};
use wasmtune::samplers::{self, QmcSampler, QmcSamplerOptions, QmcType, halton_point, sobol_point};
use wasmtune::{ComponentSpec, ParamValue, Study, StudyConfig, StudyDirection, TrialState};

fn study_with(name: &str, kwargs: Value) -> Study {
    let config = StudyConfig { sampler: ComponentSpec { name: name.into(), kwargs }, ..StudyConfig::default() };
    config.build_study(None).unwrap()
}

#[test]
fn random_sampler_finds_the_garden_optimum_region() {
    let mut s = Study::builder()
        .direction(StudyDirection::Maximize)
        .sampler(Box::new(samplers::RandomSampler::seeded(1)))
        .build()
        .unwrap();
    s.optimize(|t| Ok(t.suggest_float("x", 0.0, 250.0).map(|x| x * (500.0 - 2.0 * x))?), Some(100), None).unwrap();
    assert!(s.best_value().unwrap() >= 30_000.0);
}

#[test]
fn grid_sampler_visits_every_point_once_then_stops() {
    let mut s = study_with("GridSampler", json!({"search_space": {"x": [0, 1, 2], "y": ["a", "b"]}, "seed": 3}));
    s.optimize(
        |t| {
            let x = t.suggest_int("x", 0, 2)?;
            let y = t.suggest_categorical("y", vec!["a".into(), "b".into()])?;
            Ok(x as f64 + if y == ParamValue::from("a") { 0.0 } else { 10.0 })
        },
        Some(100),
        None,
    )
    .unwrap();
    assert_eq!(s.trials().len(), 6, "the study stops when the grid is exhausted");
    assert!(s.is_stopped());
    let seen: HashSet<String> = s.trials().iter().map(|t| serde_json::to_string(&t.param_values()).unwrap()).collect();
    assert_eq!(seen.len(), 6);
    let ids: HashSet<u64> = s.trials().iter().map(|t| t.system_attrs["grid_id"].as_u64().unwrap()).collect();
    assert_eq!(ids, (0..6).collect());
}

#[test]
fn grid_sampler_rejects_unknown_parameters_and_empty_grids() {
    let mut s = study_with("GridSampler", json!({"search_space": {"x": [0.5]}}));
    s.optimize(|t| Ok(t.suggest_float("z", 0.0, 1.0)?), Some(1), None).unwrap();
    let reason = s.trials()[0].system_attrs["fail_reason"].as_str().unwrap().to_owned();
    assert!(reason.contains("'z' is not found in the given grid"), "{reason}");
    let e = samplers::from_name("GridSampler", &json!({"search_space": {"x": []}})).err().unwrap();
    assert!(e.to_string().contains("'x' has no values"));
}

#[test]
fn brute_force_covers_a_conditional_space_exactly_once_then_stops() {
    let mut s = study_with("BruteForceSampler", json!({"seed": 5}));
    s.optimize(
        |t| {
            let a = t.suggest_categorical("a", vec!["x".into(), "y".into()])?;
            if a == ParamValue::from("x") {
                let b = t.suggest_int("b", 0, 2)?;
                Ok(b as f64)
            } else {
                let c = t.suggest_float_with("c", 0.0, 1.0, Some(0.5), false)?;
                Ok(c)
            }
        },
        Some(100),
        None,
    )
    .unwrap();
    // a=x with b in {0,1,2}, a=y with c in {0, 0.5, 1}: six leaves.
    assert_eq!(s.trials().len(), 6);
    let seen: HashSet<String> = s.trials().iter().map(|t| serde_json::to_string(&t.param_values()).unwrap()).collect();
    assert_eq!(seen.len(), 6);
}

#[test]
fn brute_force_needs_a_step_for_floats() {
    let mut s = study_with("BruteForceSampler", Value::Null);
    s.optimize(|t| Ok(t.suggest_float("x", 0.0, 1.0)?), Some(1), None).unwrap();
    assert!(s.trials()[0].system_attrs["fail_reason"].as_str().unwrap().contains("without a step"));
}

#[test]
fn unscrambled_sobol_matches_joe_kuo_first_points() {
    // scipy.stats.qmc.Sobol(4, scramble=False).random(8), which uses the same Joe-Kuo numbers.
    let expected = [
        [0.0, 0.0, 0.0, 0.0],
        [0.5, 0.5, 0.5, 0.5],
        [0.75, 0.25, 0.25, 0.25],
        [0.25, 0.75, 0.75, 0.75],
        [0.375, 0.375, 0.625, 0.875],
        [0.875, 0.875, 0.125, 0.375],
        [0.625, 0.125, 0.875, 0.625],
        [0.125, 0.625, 0.375, 0.125],
    ];
    for (i, row) in expected.iter().enumerate() {
        assert_eq!(sobol_point(i as u64, 4, None).unwrap(), row.to_vec(), "point {i}");
    }
}

#[test]
fn sobol_points_are_a_digital_net_in_every_dimension() {
    // The first 2^m points of any Sobol coordinate hit each interval [k/2^m, (k+1)/2^m) once.
    let dim = 40;
    let n = 256;
    for scramble in [None, Some(9)] {
        let pts: Vec<Vec<f64>> = (0..n).map(|i| sobol_point(i, dim, scramble).unwrap()).collect();
        for d in 0..dim {
            let mut cells = vec![0; n as usize];
            for p in &pts {
                assert!((0.0..1.0).contains(&p[d]));
                cells[(p[d] * n as f64) as usize] += 1;
            }
            assert!(cells.iter().all(|&c| c == 1), "dim {d} scramble {scramble:?}");
        }
    }
    assert_ne!(sobol_point(1, 3, Some(1)).unwrap(), sobol_point(1, 3, Some(2)).unwrap());
    assert!(sobol_point(0, 1001, None).is_err());
}

#[test]
fn halton_matches_radical_inverses_and_scrambles_in_range() {
    // scipy.stats.qmc.Halton(3, scramble=False).random(5)
    let expected = [
        [0.0, 0.0, 0.0],
        [0.5, 1.0 / 3.0, 0.2],
        [0.25, 2.0 / 3.0, 0.4],
        [0.75, 1.0 / 9.0, 0.6],
        [0.125, 4.0 / 9.0, 0.8],
    ];
    for (i, row) in expected.iter().enumerate() {
        let p = halton_point(i as u64, 3, None);
        for d in 0..3 {
            assert!((p[d] - row[d]).abs() < 1e-15, "point {i} dim {d}: {}", p[d]);
        }
    }
    for i in 0..500 {
        assert!(halton_point(i, 20, Some(4)).iter().all(|x| (0.0..1.0).contains(x)));
    }
}

#[test]
fn qmc_sampler_follows_the_sequence_after_the_first_complete_trial() {
    let mut s = study_with("QMCSampler", json!({"qmc_type": "sobol", "scramble": false, "seed": 0}));
    s.optimize(|t| Ok(t.suggest_float("x", 0.0, 8.0)? + t.suggest_float("y", -1.0, 1.0)?), Some(6), None).unwrap();
    let xs: Vec<f64> = s.trials()[1..].iter().map(|t| t.params["x"].internal).collect();
    assert_eq!(xs, vec![0.0, 4.0, 6.0, 2.0, 3.0]);
    let ids: Vec<u64> =
        s.trials()[1..].iter().map(|t| t.system_attrs["qmc:sample_id"]["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, vec![0, 1, 2, 3, 4]);
    let q = QmcSampler::new(QmcSamplerOptions { qmc_type: QmcType::Halton, ..Default::default() }).unwrap();
    assert_eq!(q.point(1, 2).unwrap(), vec![0.5, 1.0 / 3.0]);
}

#[test]
fn qmc_sampler_stays_in_a_mixed_space() {
    let mut s = study_with("QMCSampler", json!({"scramble": true, "seed": 1}));
    s.optimize(
        |t| {
            let a = t.suggest_float_with("a", 1e-4, 1.0, None, true)?;
            let b = t.suggest_int_with("b", 0, 20, 5, false)?;
            let c = t.suggest_categorical("c", vec![1i64.into(), 2i64.into(), 3i64.into()])?;
            assert!((1e-4..=1.0).contains(&a) && b % 5 == 0 && (0..=20).contains(&b));
            Ok(a + b as f64 + c.as_f64().unwrap())
        },
        Some(64),
        None,
    )
    .unwrap();
    assert!(s.trials().iter().all(|t| t.state == TrialState::Complete));
}

#[test]
fn partial_fixed_sampler_fixes_some_and_samples_the_rest() {
    let mut s = study_with(
        "PartialFixedSampler",
        json!({"fixed_params": {"x": 0.5}, "base_sampler": {"name": "RandomSampler", "kwargs": {"seed": 2}}}),
    );
    s.optimize(|t| Ok(t.suggest_float("x", 0.0, 1.0)? + t.suggest_float("y", 0.0, 1.0)?), Some(20), None).unwrap();
    assert!(s.trials().iter().all(|t| t.params["x"].internal == 0.5));
    let ys: HashSet<u64> = s.trials().iter().map(|t| t.params["y"].internal.to_bits()).collect();
    assert_eq!(ys.len(), 20);
}

#[test]
fn registry_names_optunas_classes_and_refuses_unknown_names_and_options() {
    for name in samplers::SAMPLER_NAMES {
        let kwargs = if *name == "GridSampler" { json!({"search_space": {"x": [1]}}) } else { Value::Null };
        assert!(samplers::from_name(name, &kwargs).is_ok(), "{name}");
    }
    let e = samplers::from_name("TPESamplr", &Value::Null).err().unwrap().to_string();
    assert!(e.starts_with("unknown sampler 'TPESamplr'; known: RandomSampler"), "{e}");
    let e = samplers::from_name("RandomSampler", &json!({"sead": 1})).err().unwrap().to_string();
    assert!(e.contains("RandomSampler options") && e.contains("unknown field `sead`"), "{e}");
    let e = samplers::from_name("RandomSampler", &json!([1])).err().unwrap().to_string();
    assert!(e.contains("must be a JSON object"), "{e}");
}

#[test]
fn config_seed_reaches_the_sampler() {
    let run = |seed| {
        let config = StudyConfig { seed: Some(seed), ..StudyConfig::default() };
        let mut s = config.build_study(None).unwrap();
        s.optimize(|t| Ok(t.suggest_float("x", 0.0, 1.0)?), Some(3), None).unwrap();
        s.trials().iter().map(|t| t.params["x"].internal).collect::<Vec<_>>()
    };
    assert_eq!(run(4), run(4));
    assert_ne!(run(4), run(5));
}
