//! SMACSampler: the forest's mixture prediction against a brute-force computation, log EI against
//! numerical integration, and the sampler on mixed, conditional and simple problems.

use serde_json::{Value, json};
use wasmtune::rng::Rng;
use wasmtune::samplers::smac::acquisition::{log_ei_log, log_ei_plain};
use wasmtune::samplers::smac::{Forest, ForestOptions, Splitter};
use wasmtune::{ComponentSpec, ParamValue, Study, StudyConfig, StudyDirection, TrialState};

fn study(name: &str, kwargs: Value) -> Study {
    let config = StudyConfig {
        directions: vec![StudyDirection::Minimize],
        sampler: ComponentSpec { name: name.into(), kwargs },
        ..StudyConfig::default()
    };
    config.build_study(None).unwrap()
}

fn data(n: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<f64>) {
    let mut rng = Rng::seed_from_u64(seed);
    let cols: Vec<Vec<f64>> = (0..3).map(|_| (0..n).map(|_| rng.uniform()).collect()).collect();
    let y = (0..n).map(|i| (6.0 * cols[0][i]).sin() + cols[1][i] * cols[2][i] + 0.3 * rng.normal()).collect();
    (cols, y)
}

/// Weighted mean and variance of `y` over `rows` (with multiplicities).
fn moments(rows: &[(usize, f64)], y: &[f64]) -> (f64, f64) {
    let w: f64 = rows.iter().map(|r| r.1).sum();
    let mean = rows.iter().map(|&(i, c)| c * y[i]).sum::<f64>() / w;
    (mean, rows.iter().map(|&(i, c)| c * (y[i] - mean).powi(2)).sum::<f64>() / w)
}

#[test]
fn forest_mean_and_variance_are_the_law_of_total_variance_over_brute_force_leaves() {
    mixture_matches_brute_force(Splitter::Random);
    mixture_matches_brute_force(Splitter::BestUniform);
}

fn mixture_matches_brute_force(splitter: Splitter) {
    let (cols, y) = data(80, 1);
    // Leaves of up to a few samples, so that leaf variances matter as much as the trees' spread.
    let opts = ForestOptions { min_samples_leaf: 3, ratio_features: 0.67, splitter, ..ForestOptions::default() };
    let forest = Forest::fit(&cols, &y, &opts, &mut Rng::seed_from_u64(2));
    assert_eq!(forest.n_trees(), 10);
    let row = |i: usize| [cols[0][i], cols[1][i], cols[2][i]];
    let mut rng = Rng::seed_from_u64(3);
    let mut spread = 0.0;
    for _ in 0..25 {
        let x = [rng.uniform(), rng.uniform(), rng.uniform()];
        let (mut sum, mut sum_sq) = (0.0, 0.0);
        for t in 0..forest.n_trees() {
            // The training rows of this tree's sample that land in the query's leaf.
            let leaf = forest.leaf(t, &x);
            let rows: Vec<(usize, f64)> = (0..y.len())
                .filter(|&i| forest.sample_counts(t)[i] > 0.0 && forest.leaf(t, &row(i)) == leaf)
                .map(|i| (i, forest.sample_counts(t)[i]))
                .collect();
            let w: f64 = rows.iter().map(|r| r.1).sum();
            assert!(w >= 3.0, "min_samples_leaf: {w}");
            let (m, v) = moments(&rows, &y);
            let (lm, lv) = forest.leaf_stats(t, &x);
            assert!((m - lm).abs() < 1e-12 && (v - lv).abs() < 1e-12, "{m} {lm} {v} {lv}");
            sum += m;
            sum_sq += v + m * m;
        }
        let b = forest.n_trees() as f64;
        let (mean, var) = (sum / b, sum_sq / b - (sum / b).powi(2));
        let (pm, pv) = forest.predict(&x);
        assert!((pm - mean).abs() < 1e-12, "{pm} vs {mean}");
        assert!((pv - var).abs() < 1e-12, "{pv} vs {var}");
        spread += var;
    }
    assert!(spread > 0.0);
    // Bootstrapping draws each tree its own sample.
    assert_ne!(forest.sample_counts(0), forest.sample_counts(1));
    assert!(forest.sample_counts(0).contains(&0.0));
}

#[test]
fn the_random_splitter_is_seeded_and_differs_from_the_best_one() {
    let (cols, y) = data(200, 9);
    let fit = |splitter: Splitter, seed: u64| {
        let opts = ForestOptions { splitter, ..ForestOptions::default() };
        let forest = Forest::fit(&cols, &y, &opts, &mut Rng::seed_from_u64(seed));
        let mut rng = Rng::seed_from_u64(10);
        (0..50).map(|_| forest.predict(&[rng.uniform(), rng.uniform(), rng.uniform()])).collect::<Vec<_>>()
    };
    assert_eq!(fit(Splitter::Random, 1), fit(Splitter::Random, 1));
    assert_ne!(fit(Splitter::Random, 1), fit(Splitter::Random, 2));
    assert_ne!(fit(Splitter::Random, 1), fit(Splitter::BestUniform, 1));
}

#[test]
fn a_stump_of_the_best_splitter_without_bootstrap_splits_where_brute_force_finds_the_least_squared_error() {
    let mut rng = Rng::seed_from_u64(4);
    let x: Vec<f64> = (0..40).map(|_| rng.uniform()).collect();
    let y: Vec<f64> = x.iter().map(|&v| if v > 0.63 { 2.0 } else { 0.0 } + 0.5 * rng.normal()).collect();
    for min_leaf in [1usize, 15] {
        let opts = ForestOptions {
            num_trees: 1,
            max_depth: 1,
            bootstrapping: false,
            min_samples_leaf: min_leaf,
            splitter: Splitter::BestUniform,
            ..Default::default()
        };
        let forest = Forest::fit(std::slice::from_ref(&x), &y, &opts, &mut Rng::seed_from_u64(5));
        assert!(forest.sample_counts(0).iter().all(|&c| c == 1.0));
        let mut order: Vec<usize> = (0..x.len()).collect();
        order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
        let sse = |rows: &[usize]| {
            let r: Vec<(usize, f64)> = rows.iter().map(|&i| (i, 1.0)).collect();
            moments(&r, &y).1 * rows.len() as f64
        };
        let best = (min_leaf..=x.len() - min_leaf)
            .min_by(|&a, &b| (sse(&order[..a]) + sse(&order[a..])).total_cmp(&(sse(&order[..b]) + sse(&order[b..]))))
            .unwrap();
        let left = forest.leaf(0, &[x[order[0]]]);
        for (k, &i) in order.iter().enumerate() {
            assert_eq!(forest.leaf(0, &[x[i]]) == left, k < best, "row {k} of {best} (min leaf {min_leaf})");
        }
        let (m, _) = forest.leaf_stats(0, &[x[order[0]]]);
        let r: Vec<(usize, f64)> = order[..best].iter().map(|&i| (i, 1.0)).collect();
        assert!((m - moments(&r, &y).0).abs() < 1e-12);
    }
}

/// ∫ max(0, e^{y_min} − e^y) N(y; μ, σ²) dy by Simpson's rule.
fn ei_log_numeric(mean: f64, var: f64, y_min: f64) -> f64 {
    let s = var.sqrt();
    let (lo, hi) = (mean - 40.0 * s, y_min);
    if hi <= lo {
        return 0.0;
    }
    let n = 200_000;
    let h = (hi - lo) / n as f64;
    let f = |y: f64| {
        (y_min.exp() - y.exp()) * (-0.5 * ((y - mean) / s).powi(2)).exp() / (s * (2.0 * std::f64::consts::PI).sqrt())
    };
    let mut sum = f(lo) + f(hi);
    for k in 1..n {
        sum += f(lo + k as f64 * h) * if k % 2 == 1 { 4.0 } else { 2.0 };
    }
    sum * h / 3.0
}

#[test]
fn log_ei_matches_numerical_integration_near_and_far_from_the_incumbent() {
    for (mean, var, y_min) in [
        (0.0, 1.0, 0.0),
        (-5.0, 0.25, -4.0),
        (-2.0, 4.0, -6.0),
        (1.0, 0.04, -1.0),
        (-11.0, 2.0, -11.5),
        (-3.0, 0.5, -9.0),
    ] {
        let numeric = ei_log_numeric(mean, var, y_min);
        let ours = log_ei_log(mean, var, y_min);
        assert!(numeric > 0.0, "{mean} {var} {y_min}");
        assert!(
            (ours - numeric.ln()).abs() < 1e-6,
            "({mean}, {var}, {y_min}): {ours} vs ln {numeric} = {}",
            numeric.ln()
        );
    }
    // Far below the incumbent's reach, EI underflows but its logarithm still ranks candidates.
    let (a, b) = (log_ei_log(5.0, 0.01, -11.0), log_ei_log(4.0, 0.01, -11.0));
    assert!(a.is_finite() && b.is_finite() && b > a, "{a} {b}");
    // Plain EI in the modelled value: (y_min − μ)Φ(z) + σφ(z).
    let (mean, var, y_min) = (0.3, 0.49, 0.0);
    let z: f64 = (y_min - mean) / 0.7;
    let cdf = 0.5 * libm::erfc(-z / std::f64::consts::SQRT_2);
    let pdf = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    assert!((log_ei_plain(mean, var, y_min) - ((y_min - mean) * cdf + 0.7 * pdf).ln()).abs() < 1e-9);
}

fn mixed(t: &mut wasmtune::Trial<'_>) -> Result<f64, wasmtune::ObjectiveError> {
    let lr = t.suggest_float_with("lr", 1e-5, 1.0, None, true)?;
    let layers = t.suggest_int("layers", 1, 8)?;
    let units = t.suggest_int_with("units", 8, 512, 1, true)?;
    let act = t.suggest_categorical("activation", vec!["relu".into(), "tanh".into(), "sigmoid".into()])?;
    let dropout = t.suggest_float_with("dropout", 0.0, 0.5, Some(0.05), false)?;
    let penalty = match act {
        ParamValue::Str(s) if s == "relu" => 0.0,
        ParamValue::Str(s) if s == "tanh" => 0.5,
        _ => 1.0,
    };
    Ok((lr.log10() + 3.0).powi(2)
        + 0.25 * ((layers - 3) as f64).powi(2)
        + (units as f64 / 64.0).log2().powi(2)
        + penalty
        + 10.0 * (dropout - 0.1).powi(2))
}

fn conditional(t: &mut wasmtune::Trial<'_>) -> Result<f64, wasmtune::ObjectiveError> {
    let kind = t.suggest_categorical("kind", vec!["quad".into(), "abs".into(), "flat".into()])?;
    Ok(match kind {
        ParamValue::Str(s) if s == "quad" => {
            let (x, y) = (t.suggest_float("qx", -5.0, 5.0)?, t.suggest_float("qy", -5.0, 5.0)?);
            (x - 1.0).powi(2) + (y + 2.0).powi(2)
        }
        ParamValue::Str(s) if s == "abs" => (t.suggest_int("az", 0, 20)? - 7).abs() as f64 + 0.5,
        _ => 1.0 + t.suggest_float("fw", 0.0, 1.0)?,
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    0.5 * (v[(v.len() - 1) / 2] + v[v.len() / 2])
}

#[test]
fn smac_beats_random_search_on_a_mixed_space_and_keeps_values_legal() {
    let run = |name: &str, seed: u64| {
        let kwargs = if name == "SMACSampler" { json!({"seed": seed, "n_trials": 60}) } else { json!({"seed": seed}) };
        let mut s = study(name, kwargs);
        s.optimize(mixed, Some(60), None).unwrap();
        for t in s.trials() {
            assert_eq!(t.state, TrialState::Complete);
            for p in t.params.values() {
                assert!(p.distribution.contains(p.internal), "{p:?}");
            }
        }
        s.best_value().unwrap()
    };
    let smac = median((0..5).map(|seed| run("SMACSampler", seed)).collect());
    let random = median((0..5).map(|seed| run("RandomSampler", seed)).collect());
    assert!(smac < 0.5 * random, "SMAC median best {smac}, random {random}");
}

#[test]
fn on_a_conditional_space_inactive_parameters_stay_absent_and_the_best_branch_wins() {
    let mut wins = 0;
    for seed in 0..4 {
        let mut s = study("SMACSampler", json!({"seed": seed, "n_trials": 100}));
        s.optimize(conditional, Some(100), None).unwrap();
        for t in s.trials() {
            let kind = t.params["kind"].internal;
            let mut names: Vec<&str> = t.params.keys().map(String::as_str).collect();
            names.sort_unstable();
            let expected: &[&str] = match kind as usize {
                0 => &["kind", "qx", "qy"],
                1 => &["az", "kind"],
                _ => &["fw", "kind"],
            };
            assert_eq!(names, expected);
        }
        wins += usize::from(s.best_value().unwrap() < 0.5);
    }
    assert!(wins >= 3, "{wins} of 4 seeds below 0.5");
}

#[test]
fn a_seed_gives_the_same_trials_and_options_are_checked() {
    let params = |seed: u64| {
        let mut s = study("SMACSampler", json!({"seed": seed, "init_design_n_configs": 5, "acq_func_type": "ei"}));
        s.optimize(mixed, Some(20), None).unwrap();
        s.trials().iter().map(|t| t.params.values().map(|p| p.internal).collect::<Vec<_>>()).collect::<Vec<_>>()
    };
    assert_eq!(params(7), params(7));
    assert_ne!(params(7), params(8));
    let err = |kwargs: Value| {
        let config =
            StudyConfig { sampler: ComponentSpec { name: "SMACSampler".into(), kwargs }, ..StudyConfig::default() };
        config.build_study(None).err().map(|e| e.to_string()).unwrap_or_default()
    };
    assert!(err(json!({"surrogate_model_type": "gp"})).contains("surrogate_model_type \"gp\" is not supported"));
    assert!(err(json!({"acq_func_type": "lcb"})).contains("acq_func_type"));
    assert!(err(json!({"init_design_type": "lhd"})).contains("init_design_type"));
    assert!(err(json!({"surrogate_model_rf_ratio_features": 0.0})).contains("ratio_features must be in (0, 1]"));
    assert!(err(json!({"surrogate_model_rf_num_trees": 0})).contains("num_trees"));
    assert!(err(json!({"random_design_probability": 1.5})).contains("random_design_probability"));
    assert!(err(json!({"surrogate_model_rf_splitter": "extra"})).contains("surrogate_model_rf_splitter \"extra\""));
    assert_eq!(err(json!({"surrogate_model_rf_splitter": "best"})), "");
    assert!(err(json!({"n_trees": 5})).contains("unknown field"));
    assert_eq!(err(json!({"init_design_type": "random", "output_directory": "x"})), "");
}
