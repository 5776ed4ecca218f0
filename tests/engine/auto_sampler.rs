//! AutoSampler: which sampler it picks on each kind of space and budget, read back from the
//! `auto:sampler` attribute of real studies; its determinism; its explanation; its options.

use serde_json::{Value, json};
use wasmtune::samplers::auto::{self, AutoSamplerOptions, Delegate};
use wasmtune::{ComponentSpec, ObjectiveError, ParamValue, Study, StudyConfig, StudyDirection, Trial};

fn study(name: &str, kwargs: Value, objectives: usize) -> Study {
    let config = StudyConfig {
        directions: vec![StudyDirection::Minimize; objectives],
        sampler: ComponentSpec { name: name.into(), kwargs },
        ..StudyConfig::default()
    };
    config.build_study(None).unwrap()
}

/// The `auto:sampler` attribute of every trial, in order.
fn chosen(s: &Study) -> Vec<String> {
    s.trials().iter().map(|t| t.system_attrs["auto:sampler"].as_str().unwrap().to_owned()).collect()
}

/// `[(sampler, how many trials in a row)]`.
fn runs(names: &[String]) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for n in names {
        match out.last_mut() {
            Some((last, k)) if last == n => *k += 1,
            _ => out.push((n.clone(), 1)),
        }
    }
    out
}

fn run_of(pairs: &[(&str, usize)]) -> Vec<(String, usize)> {
    pairs.iter().map(|(n, k)| (n.to_string(), *k)).collect()
}

fn sphere(t: &mut Trial<'_>) -> Result<f64, ObjectiveError> {
    let x = t.suggest_float("x", -5.0, 5.0)?;
    let y = t.suggest_int("y", -5, 5)? as f64;
    Ok(x * x + y * y)
}

/// A 6-D sphere: enough numeric parameters for CMA-ES from the start with `cma_es_params` 5.
fn sphere6(t: &mut Trial<'_>) -> Result<f64, ObjectiveError> {
    let mut v = 0.0;
    for i in 0..6 {
        v += t.suggest_float(&format!("x{i}"), -5.0, 5.0)?.powi(2);
    }
    Ok(v)
}

/// Six parameters, one categorical.
fn mixed6(t: &mut Trial<'_>) -> Result<f64, ObjectiveError> {
    let c = t.suggest_categorical("c", vec!["a".into(), "b".into()])?;
    Ok(sphere6(t)? + if c == ParamValue::from("a") { 0.0 } else { 1.0 })
}

fn mixed(t: &mut Trial<'_>) -> Result<f64, ObjectiveError> {
    let x = t.suggest_float("x", -5.0, 5.0)?;
    let c = t.suggest_categorical("c", vec!["a".into(), "b".into()])?;
    Ok(x * x + if c == ParamValue::from("a") { 0.0 } else { 1.0 })
}

fn conditional(t: &mut Trial<'_>) -> Result<f64, ObjectiveError> {
    // One branch has a single choice, so the categorical adds nothing: only the shape differs.
    let branch = t.suggest_int("branch", 0, 1)?;
    let x = if branch == 0 { t.suggest_float("a", -1.0, 1.0)? } else { t.suggest_float("b", -1.0, 1.0)? };
    Ok(x * x)
}

fn two_spheres(t: &mut Trial<'_>) -> Result<Vec<f64>, ObjectiveError> {
    let x = t.suggest_float("x", -5.0, 5.0)?;
    let y = t.suggest_float("y", -5.0, 5.0)?;
    Ok(vec![x * x + y * y, (x - 1.0).powi(2) + y * y])
}

fn four_objectives(t: &mut Trial<'_>) -> Result<Vec<f64>, ObjectiveError> {
    let x = t.suggest_float("x", -5.0, 5.0)?;
    let y = t.suggest_float("y", -5.0, 5.0)?;
    Ok((0..4).map(|k| (x - k as f64).powi(2) + y * y).collect())
}

fn constrained(t: &mut Trial<'_>) -> Result<f64, ObjectiveError> {
    let x = t.suggest_float("x", -5.0, 5.0)?;
    let y = t.suggest_float("y", -5.0, 5.0)?;
    t.set_constraint(vec![1.0 - x - y])?;
    Ok(x * x + y * y)
}

#[test]
fn a_numeric_space_uses_gp_then_cma_es_after_the_switch_with_every_other_trial_back_to_gp() {
    let mut s = study("AutoSampler", json!({"seed": 1, "switch_trials": 15}), 1);
    s.optimize(sphere, Some(30), None).unwrap();
    let names = chosen(&s);
    assert!(names[..15].iter().all(|n| n == "GPSampler"), "{names:?}");
    for (k, name) in names.iter().enumerate().skip(15) {
        assert_eq!(name, if k % 2 == 0 { "GPSampler" } else { "CmaEsSampler" }, "trial {k}");
    }
    // CMA-ES really ran: its generation attribute is on its trials, and not on GP's.
    assert!(s.trials()[21].system_attrs.contains_key("cma:generation"));
    assert!(!s.trials()[20].system_attrs.contains_key("cma:generation"));
    // gp_every 0: CMA-ES alone after the switch.
    let mut s = study("AutoSampler", json!({"seed": 1, "switch_trials": 15, "gp_every": 0}), 1);
    s.optimize(sphere, Some(30), None).unwrap();
    assert_eq!(runs(&chosen(&s)), run_of(&[("GPSampler", 15), ("CmaEsSampler", 15)]));
}

#[test]
fn with_cma_es_params_five_or_more_numeric_parameters_use_cma_es_from_the_second_trial() {
    // Trial 0 comes before the space is known (GP's first trial, a random draw); from trial 1 on
    // it is CMA-ES, with no switch.
    let mut s = study("AutoSampler", json!({"seed": 1, "cma_es_params": 5}), 1);
    s.optimize(sphere6, Some(30), None).unwrap();
    assert_eq!(runs(&chosen(&s)), run_of(&[("GPSampler", 1), ("CmaEsSampler", 29)]));
    let options = AutoSamplerOptions { cma_es_params: Some(5), ..AutoSamplerOptions::default() };
    let now = auto::explain(s.trials(), s.directions(), &options);
    assert_eq!((now.sampler, now.switch_at, now.next, now.n_params), (Delegate::CmaEs, None, None, 6));
    assert!(now.reason.contains("6 numeric parameters") && now.reason.contains("at any budget"), "{}", now.reason);
    assert!(now.reason.contains("5 or more numeric parameters"), "{}", now.reason);
}

#[test]
fn by_default_gp_comes_first_at_any_dimension_and_the_cma_es_cut_is_an_option() {
    // OptunaHub's rule by default (benches/AUTO.md: why the measured cut is not the default).
    assert_eq!(AutoSamplerOptions::default().cma_es_params, None);
    let mut s = study("AutoSampler", json!({"seed": 1, "switch_trials": 10, "gp_every": 0}), 1);
    s.optimize(sphere6, Some(14), None).unwrap();
    assert_eq!(runs(&chosen(&s)), run_of(&[("GPSampler", 10), ("CmaEsSampler", 4)]));
    let mut n = study("AutoSampler", json!({"seed": 1, "switch_trials": 10, "gp_every": 0, "cma_es_params": null}), 1);
    n.optimize(sphere6, Some(14), None).unwrap();
    assert_eq!(chosen(&n), chosen(&s), "null is the default");
    // Two numeric parameters reach the threshold when it is 2.
    let mut s = study("AutoSampler", json!({"seed": 1, "cma_es_params": 2}), 1);
    s.optimize(sphere, Some(5), None).unwrap();
    assert_eq!(runs(&chosen(&s)), run_of(&[("GPSampler", 1), ("CmaEsSampler", 4)]));
}

#[test]
fn many_parameters_do_not_change_the_rule_for_categorical_or_constrained_spaces() {
    let mut s = study("AutoSampler", json!({"seed": 2, "switch_trials": 10, "cma_es_params": 5}), 1);
    s.optimize(mixed6, Some(12), None).unwrap();
    assert_eq!(runs(&chosen(&s)), run_of(&[("GPSampler", 10), ("TPESampler", 2)]));
    let mut s = study("AutoSampler", json!({"seed": 6, "switch_trials": 8, "cma_es_params": 5}), 1);
    s.optimize(
        |t: &mut Trial<'_>| {
            let v = sphere6(t)?;
            t.set_constraint(vec![v - 50.0])?;
            Ok::<_, ObjectiveError>(v)
        },
        Some(10),
        None,
    )
    .unwrap();
    assert_eq!(runs(&chosen(&s)), run_of(&[("GPSampler", 8), ("TPESampler", 2)]));
}

#[test]
fn an_early_switch_starts_cma_es_without_a_warm_start() {
    // Too few trials for CMA-ES's warm start (it fits their best tenth): it starts from the box.
    let mut s = study("AutoSampler", json!({"seed": 1, "switch_trials": 3, "gp_every": 0}), 1);
    s.optimize(sphere, Some(10), None).unwrap();
    assert_eq!(runs(&chosen(&s)), run_of(&[("GPSampler", 3), ("CmaEsSampler", 7)]));
}

#[test]
fn a_one_parameter_space_goes_from_gp_to_tpe() {
    let mut s = study("AutoSampler", json!({"seed": 1, "switch_trials": 12}), 1);
    s.optimize(|t: &mut Trial<'_>| Ok::<_, ObjectiveError>(t.suggest_float("x", -1.0, 1.0)?.powi(2)), Some(20), None)
        .unwrap();
    assert_eq!(runs(&chosen(&s)), run_of(&[("GPSampler", 12), ("TPESampler", 8)]));
}

#[test]
fn a_categorical_space_uses_gp_then_tpe_not_cma_es() {
    let mut s = study("AutoSampler", json!({"seed": 2, "switch_trials": 10}), 1);
    s.optimize(mixed, Some(25), None).unwrap();
    assert_eq!(runs(&chosen(&s)), run_of(&[("GPSampler", 10), ("TPESampler", 15)]));
    let options = AutoSamplerOptions { switch_trials: Some(10), ..Default::default() };
    let choice = auto::explain(&s.trials()[..3], s.directions(), &options);
    assert!(choice.categorical && !choice.conditional, "{choice:?}");
    assert!(choice.reason.contains("2 parameters, some categorical"), "{}", choice.reason);
}

#[test]
fn two_objectives_with_a_categorical_parameter_use_tpe_then_nsga_ii() {
    let mut s = study("AutoSampler", json!({"seed": 2, "switch_trials": 10}), 2);
    s.optimize(|t: &mut Trial<'_>| Ok::<_, ObjectiveError>(vec![mixed(t)?, 1.0]), Some(15), None).unwrap();
    assert_eq!(runs(&chosen(&s)), run_of(&[("GPSampler", 1), ("TPESampler", 9), ("NSGAIISampler", 5)]));
}

#[test]
fn a_conditional_space_uses_tpe_once_two_shapes_were_seen() {
    let mut s = study("AutoSampler", json!({"seed": 3}), 1);
    s.optimize(conditional, Some(30), None).unwrap();
    let names = chosen(&s);
    let shapes: Vec<bool> = s.trials().iter().map(|t| t.params.contains_key("a")).collect();
    let second_shape = shapes.iter().position(|&a| a != shapes[0]).expect("both branches in 30 trials");
    // GP until a trial of the other shape has finished, TPE from the trial after it.
    assert!(names[..=second_shape].iter().all(|n| n == "GPSampler"), "{names:?}");
    assert!(names[second_shape + 1..].iter().all(|n| n == "TPESampler"), "{names:?}");
}

#[test]
fn two_objectives_use_gp_then_nsga_ii() {
    let mut s = study("AutoSampler", json!({"seed": 4, "switch_trials": 12}), 2);
    s.optimize(two_spheres, Some(20), None).unwrap();
    assert_eq!(runs(&chosen(&s)), run_of(&[("GPSampler", 12), ("NSGAIISampler", 8)]));
}

#[test]
fn four_objectives_use_tpe_then_nsga_iii() {
    let mut s = study("AutoSampler", json!({"seed": 5, "switch_trials": 12}), 4);
    s.optimize(four_objectives, Some(20), None).unwrap();
    assert_eq!(runs(&chosen(&s)), run_of(&[("TPESampler", 12), ("NSGAIIISampler", 8)]));
}

#[test]
fn constraints_turn_the_long_run_to_tpe_instead_of_cma_es() {
    let mut s = study("AutoSampler", json!({"seed": 6, "switch_trials": 12}), 1);
    s.optimize(constrained, Some(20), None).unwrap();
    assert_eq!(runs(&chosen(&s)), run_of(&[("GPSampler", 12), ("TPESampler", 8)]));
}

/// Explains a random study's trials as AutoSampler with default options would have chosen for
/// each, and returns the choice before and after the `k`-th complete trial.
fn default_choice_around(
    objective: fn(&mut Trial<'_>) -> Result<f64, ObjectiveError>,
    k: usize,
) -> [auto::AutoChoice; 3] {
    let mut s = study("RandomSampler", json!({"seed": 0}), 1);
    s.optimize(objective, Some(k as u64 + 2), None).unwrap();
    let options = AutoSamplerOptions::default();
    [
        auto::explain(&s.trials()[..k - 1], s.directions(), &options),
        auto::explain(&s.trials()[..k], s.directions(), &options),
        auto::explain(&s.trials()[..k + 1], s.directions(), &options),
    ]
}

#[test]
fn by_default_gp_hands_over_to_cma_es_after_90_trials_or_ten_per_parameter() {
    // Two parameters: max(90, 20) = 90.
    let [before, back, after] = default_choice_around(sphere, 90);
    assert_eq!((before.sampler, before.switch_at, before.next), (Delegate::Gp, Some(90), Some(Delegate::CmaEs)));
    // Trial 90 (even) goes back to GP, trial 91 is CMA-ES's.
    assert_eq!(back.sampler, Delegate::Gp);
    assert!(back.reason.contains("every 2nd trial goes back to GPSampler"), "{}", back.reason);
    assert_eq!((after.sampler, after.switch_at, after.next), (Delegate::CmaEs, None, None));
    assert!(before.reason.contains("below the 90-trial switch to CmaEsSampler"), "{}", before.reason);
    assert!(before.reason.contains("started at GP's best trial"), "{}", before.reason);
    // Twelve parameters: ten per parameter.
    fn sphere12(t: &mut Trial<'_>) -> Result<f64, ObjectiveError> {
        let mut v = 0.0;
        for i in 0..12 {
            v += t.suggest_float(&format!("x{i}"), -5.0, 5.0)?.powi(2);
        }
        Ok(v)
    }
    let [before, _, after] = default_choice_around(sphere12, 120);
    assert_eq!((before.sampler, before.switch_at), (Delegate::Gp, Some(120)));
    assert_eq!(after.sampler, Delegate::CmaEs);
}

#[test]
fn other_spaces_switch_at_250_complete_trials_by_default() {
    // One numeric parameter (GP, then TPE), as OptunaHub's switch.
    let [before, at, after] =
        default_choice_around(|t: &mut Trial<'_>| Ok(t.suggest_float("x", -1.0, 1.0)?.powi(2)), 250);
    assert_eq!((before.sampler, before.switch_at, before.next), (Delegate::Gp, Some(250), Some(Delegate::Tpe)));
    assert_eq!((at.sampler, after.sampler), (Delegate::Tpe, Delegate::Tpe));
    let [before, at, after] = default_choice_around(mixed, 250);
    assert_eq!((before.sampler, before.switch_at), (Delegate::Gp, Some(250)));
    assert_eq!((at.sampler, after.sampler), (Delegate::Tpe, Delegate::Tpe));
}

/// The values of `key` anywhere in a JSON tree, depth first.
fn find<'a>(v: &'a Value, key: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == key {
                    out.push(x);
                }
                find(x, key, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| find(x, key, out)),
        _ => {}
    }
}

/// CMA-ES's first mean and step, from the optimizer state stored on its first trial.
fn cma_start(s: &Study, first_cma_trial: usize) -> (Vec<f64>, f64) {
    let state = &s.trials()[first_cma_trial].system_attrs["cma:optimizer"];
    let state: Value = match state {
        Value::String(text) => serde_json::from_str(text).unwrap(),
        v => v.clone(),
    };
    let (mut means, mut sigmas) = (Vec::new(), Vec::new());
    find(&state, "mean", &mut means);
    find(&state, "sigma", &mut sigmas);
    let mean = means[0].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    (mean, sigmas[0].as_f64().unwrap())
}

#[test]
fn cma_es_starts_at_gps_best_trial_with_the_spread_of_its_nearest_trials() {
    // Trial 20 (even) goes back to GP; CMA-ES starts on trial 21, from the 21 trials before it.
    let mut s = study("AutoSampler", json!({"seed": 3, "switch_trials": 20}), 1);
    s.optimize(sphere, Some(22), None).unwrap();
    assert_eq!(runs(&chosen(&s)), run_of(&[("GPSampler", 21), ("CmaEsSampler", 1)]));
    // CMA-ES's [0, 1] box: x in [-5, 5]; the int y widened by half a step, [-5.5, 5.5].
    let unit =
        |t: &wasmtune::FrozenTrial| [(t.params["x"].internal + 5.0) / 10.0, (t.params["y"].internal + 5.5) / 11.0];
    let gp = &s.trials()[..21];
    let best =
        gp.iter().min_by(|a, b| a.values.as_ref().unwrap()[0].total_cmp(&b.values.as_ref().unwrap()[0])).unwrap();
    let (mean, sigma) = cma_start(&s, 21);
    assert_eq!(mean, unit(best).to_vec());
    // Brute force: the three (d + 1) nearest other trials, root-mean-square per coordinate.
    let mut sq: Vec<f64> = gp
        .iter()
        .filter(|t| t.number != best.number)
        .map(|t| unit(t).iter().zip(unit(best)).map(|(a, b)| (a - b).powi(2)).sum())
        .collect();
    sq.sort_by(f64::total_cmp);
    let expected = (sq[..3].iter().sum::<f64>() / 6.0).sqrt().clamp(1e-4, 1.0 / 6.0);
    assert!((sigma - expected).abs() < 1e-12, "{sigma} vs {expected}");
    // OptunaHub's warm start fits the best tenth of the trials instead: another start.
    let mut w = study("AutoSampler", json!({"seed": 3, "switch_trials": 20, "cma_es_start": "warm_start"}), 1);
    w.optimize(sphere, Some(22), None).unwrap();
    assert_eq!(
        w.trials()[..21].iter().map(|t| t.params.clone()).collect::<Vec<_>>(),
        gp.iter().map(|t| t.params.clone()).collect::<Vec<_>>()
    );
    assert_ne!(cma_start(&w, 21).0, mean);
}

#[test]
fn while_it_uses_one_sampler_its_trials_are_that_samplers_with_the_same_seed() {
    let mut a = study("AutoSampler", json!({"seed": 7}), 1);
    let mut g = study("GPSampler", json!({"seed": 7}), 1);
    a.optimize(sphere, Some(14), None).unwrap();
    g.optimize(sphere, Some(14), None).unwrap();
    let params = |s: &Study| s.trials().iter().map(|t| t.params.clone()).collect::<Vec<_>>();
    assert_eq!(params(&a), params(&g));
    // With CMA-ES from the start, its trials after the first are CmaEsSampler's with the seed.
    let mut a = study("AutoSampler", json!({"seed": 7, "cma_es_params": 5}), 1);
    let mut c = study("CmaEsSampler", json!({"seed": 7}), 1);
    a.optimize(sphere6, Some(20), None).unwrap();
    c.optimize(sphere6, Some(20), None).unwrap();
    assert_eq!(params(&a)[1..], params(&c)[1..]);
}

#[test]
fn the_same_seed_gives_the_same_study_across_a_switch() {
    let run = |seed: u64| {
        let mut s = study("AutoSampler", json!({"seed": seed, "switch_trials": 12}), 1);
        s.optimize(sphere, Some(24), None).unwrap();
        s.trials().iter().map(|t| (t.params.clone(), t.values.clone())).collect::<Vec<_>>()
    };
    assert_eq!(run(8), run(8));
    assert_ne!(run(8), run(9));
    let run6 = |seed: u64| {
        let mut s = study("AutoSampler", json!({"seed": seed, "cma_es_params": 5}), 1);
        s.optimize(sphere6, Some(25), None).unwrap();
        s.trials().iter().map(|t| (t.params.clone(), t.values.clone())).collect::<Vec<_>>()
    };
    assert_eq!(run6(8), run6(8));
    assert_ne!(run6(8), run6(9));
}

#[test]
fn the_explanation_names_the_sampler_each_trial_recorded() {
    let mut s = study("AutoSampler", json!({"seed": 9, "switch_trials": 12}), 1);
    s.optimize(sphere, Some(20), None).unwrap();
    let options = AutoSamplerOptions { switch_trials: Some(12), ..Default::default() };
    for (k, t) in s.trials().iter().enumerate() {
        let choice = auto::explain(&s.trials()[..k], s.directions(), &options);
        assert_eq!(choice.sampler.name(), t.system_attrs["auto:sampler"].as_str().unwrap(), "trial {k}");
        assert!(choice.reason.starts_with(choice.sampler.name()), "{}", choice.reason);
        assert!(choice.reason.contains(&format!("{k} complete trial")), "{}", choice.reason);
    }
    // Trial 19 is CMA-ES's; trial 20 goes back to GP.
    let cma = auto::explain(&s.trials()[..19], s.directions(), &options);
    assert_eq!(cma.sampler, Delegate::CmaEs);
    assert!(cma.reason.contains("2 numeric parameters"), "{}", cma.reason);
    assert!(cma.reason.contains("12-trial switch from GPSampler"), "{}", cma.reason);
    let now = auto::explain(s.trials(), s.directions(), &options);
    assert_eq!(now.sampler, Delegate::Gp);
    assert!(now.reason.contains("past the 12-trial switch to CmaEsSampler, but every 2nd trial"), "{}", now.reason);
    let early = auto::explain(&s.trials()[..5], s.directions(), &options);
    assert!(early.reason.contains("below the 12-trial switch to CmaEsSampler"), "{}", early.reason);
    assert_eq!((early.n_complete, early.n_params, early.categorical), (5, 2, false));
}

#[test]
fn bad_options_are_refused_with_a_clear_error() {
    let build = |kwargs: Value| {
        let config =
            StudyConfig { sampler: ComponentSpec { name: "AutoSampler".into(), kwargs }, ..StudyConfig::default() };
        config.build_study(None).err().map(|e| e.to_string()).unwrap_or_default()
    };
    let unknown = build(json!({"constraints_func": "f"}));
    assert!(unknown.contains("AutoSampler options") && unknown.contains("constraints_func"), "{unknown}");
    let zero = build(json!({"switch_trials": 0}));
    assert!(zero.contains("switch_trials must be at least 1"), "{zero}");
    let start = build(json!({"cma_es_start": "middle"}));
    assert!(start.contains("unknown variant") && start.contains("warm_start"), "{start}");
    let one = build(json!({"cma_es_params": 1}));
    assert!(one.contains("cma_es_params must be at least 2"), "{one}");
    let not_object = build(json!([1]));
    assert!(not_object.contains("AutoSampler options must be a JSON object"), "{not_object}");
}
