//! What the terminator saves and what it costs: harness problems (`benches/harness/problems.py`,
//! ported here) run with TPE for 200 trials, 10 seeds, each trial's value the mean of 5 noisy
//! cross-validation folds (the scores reported, as an ML objective would); then each terminator
//! pairing is checked after every trial, as `TerminatorCallback` does, and the study is taken as
//! stopped where it first fires. Reports, per budget (100, 200), the trials used and the regret of
//! the trial the study calls best (on the noise-free function) against running the whole budget.
//! Writes `benches/TERMINATOR.md`. Run: `cargo bench --bench terminator` (SEEDS=3 for a quick look).
//!
//! Replaying the decisions over the recorded trials is exactly what the callback would do: the
//! sampler never sees the terminator, so a study stopped at trial k has the same first k trials as
//! the unstopped one (checked once per run below against `optimize_with_callbacks`).

#![cfg(not(target_arch = "wasm32"))]

use std::fmt::Write as _;
use std::time::Instant;

use serde_json::{Value, json};
use wasmtune::rng::Rng;
use wasmtune::terminator::{Terminator, TerminatorCallback, TerminatorSpec, report_cross_validation_scores};
use wasmtune::{ComponentSpec, FrozenTrial, ObjectiveError, ParamValue, Study, StudyConfig, Trial};

const BUDGETS: [usize; 2] = [100, 200];
/// Fold noise as a fraction of the median regret of random configurations.
const NOISE_LEVELS: [f64; 3] = [0.01, 0.05, 0.2];
const FOLDS: usize = 5;

type Objective = fn(&mut Trial<'_>) -> Result<f64, ObjectiveError>;

#[derive(Clone)]
struct Problem {
    name: &'static str,
    dims: usize,
    optimum: f64,
    f: Objective,
}

fn branin(t: &mut Trial<'_>) -> Result<f64, ObjectiveError> {
    let (x, y) = (t.suggest_float("x0", -5.0, 10.0)?, t.suggest_float("x1", 0.0, 15.0)?);
    let pi = std::f64::consts::PI;
    let (b, c, tt) = (5.1 / (4.0 * pi * pi), 5.0 / pi, 1.0 / (8.0 * pi));
    Ok((y - b * x * x + c * x - 6.0).powi(2) + 10.0 * (1.0 - tt) * x.cos() + 10.0)
}

fn six_hump_camel(t: &mut Trial<'_>) -> Result<f64, ObjectiveError> {
    let (x, y) = (t.suggest_float("x0", -3.0, 3.0)?, t.suggest_float("x1", -2.0, 2.0)?);
    Ok((4.0 - 2.1 * x * x + x.powi(4) / 3.0) * x * x + x * y + (-4.0 + 4.0 * y * y) * y * y)
}

fn hartmann3(t: &mut Trial<'_>) -> Result<f64, ObjectiveError> {
    const A: [[f64; 3]; 4] = [[3.0, 10.0, 30.0], [0.1, 10.0, 35.0], [3.0, 10.0, 30.0], [0.1, 10.0, 35.0]];
    const P: [[f64; 3]; 4] =
        [[0.3689, 0.1170, 0.2673], [0.4699, 0.4387, 0.7470], [0.1091, 0.8732, 0.5547], [0.0381, 0.5743, 0.8828]];
    const ALPHA: [f64; 4] = [1.0, 1.2, 3.0, 3.2];
    let x: Vec<f64> = (0..3).map(|i| t.suggest_float(&format!("x{i}"), 0.0, 1.0)).collect::<Result<_, _>>()?;
    Ok(-(0..4)
        .map(|i| ALPHA[i] * (-(0..3).map(|j| A[i][j] * (x[j] - P[i][j]).powi(2)).sum::<f64>()).exp())
        .sum::<f64>())
}

fn styblinski_tang5(t: &mut Trial<'_>) -> Result<f64, ObjectiveError> {
    let x: Vec<f64> = (0..5).map(|i| t.suggest_float(&format!("x{i}"), -5.0, 5.0)).collect::<Result<_, _>>()?;
    Ok(x.iter().map(|v| v.powi(4) - 16.0 * v * v + 5.0 * v).sum::<f64>() / 2.0)
}

fn mixed(t: &mut Trial<'_>) -> Result<f64, ObjectiveError> {
    let lr = t.suggest_float_with("lr", 1e-5, 1.0, None, true)?;
    let layers = t.suggest_int("layers", 1, 8)? as f64;
    let units = t.suggest_int_with("units", 8, 512, 1, true)? as f64;
    let act = t.suggest_categorical("activation", vec!["relu".into(), "tanh".into(), "sigmoid".into()])?;
    let dropout = t.suggest_float_with("dropout", 0.0, 0.5, Some(0.05), false)?;
    let penalty = match act {
        ParamValue::Str(ref s) if s == "relu" => 0.0,
        ParamValue::Str(ref s) if s == "tanh" => 0.5,
        _ => 1.0,
    };
    Ok((lr.log10() + 3.0).powi(2)
        + 0.25 * (layers - 3.0).powi(2)
        + (units / 64.0).log2().powi(2)
        + penalty
        + 10.0 * (dropout - 0.1).powi(2))
}

fn problems() -> Vec<Problem> {
    vec![
        Problem { name: "branin", dims: 2, optimum: 0.397887357729738, f: branin },
        Problem { name: "six_hump_camel", dims: 2, optimum: -1.031628453489877, f: six_hump_camel },
        Problem { name: "hartmann3", dims: 3, optimum: -3.86277978733266, f: hartmann3 },
        Problem { name: "styblinski_tang5", dims: 5, optimum: -39.16616570377142 * 5.0, f: styblinski_tang5 },
        Problem { name: "mixed_int_log_cat", dims: 5, optimum: 0.0, f: mixed },
    ]
}

fn study(sampler: &str, seed: u64) -> Study {
    let config = StudyConfig {
        sampler: ComponentSpec { name: sampler.into(), kwargs: json!({"seed": seed}) },
        ..StudyConfig::default()
    };
    config.build_study(None).unwrap()
}

/// The scale fold noise is measured in: the median regret of 200 random configurations, what
/// the optimizer's range of values looks like at the start.
fn random_median_regret(p: &Problem) -> f64 {
    let mut s = study("RandomSampler", 12345);
    s.optimize(p.f, Some(200), None).unwrap();
    let mut regrets: Vec<f64> = s.trials().iter().map(|t| t.values.as_ref().unwrap()[0] - p.optimum).collect();
    regrets.sort_by(f64::total_cmp);
    regrets[regrets.len() / 2]
}

/// The noisy objective: the mean of `FOLDS` fold scores around the clean value, the scores
/// reported; the clean value kept in a user attribute for the regret.
fn noisy(p: &Problem, sigma: f64, seed: u64) -> impl FnMut(&mut Trial<'_>) -> Result<f64, ObjectiveError> {
    let f = p.f;
    let mut rng = Rng::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15);
    move |t| {
        let clean = f(t)?;
        let scores: Vec<f64> = (0..FOLDS).map(|_| clean + sigma * rng.normal()).collect();
        report_cross_validation_scores(t, &scores)?;
        t.set_user_attr("clean", json!(clean))?;
        Ok(scores.iter().sum::<f64>() / FOLDS as f64)
    }
}

fn pairings() -> Vec<(&'static str, Value)> {
    vec![
        (
            "RegretBound + CV error",
            json!({"improvement_evaluator": {"name": "RegretBoundEvaluator", "kwargs": {"seed": 0}}}),
        ),
        (
            "EMMR + median error",
            json!({
                "improvement_evaluator": {"name": "EMMREvaluator", "kwargs": {"seed": 0}},
                "error_evaluator": {"name": "MedianErrorEvaluator",
                    "kwargs": {"paired_improvement_evaluator": {"name": "EMMREvaluator", "kwargs": {"seed": 0}}}}
            }),
        ),
        ("BestValueStagnation(30)", json!({"improvement_evaluator": {"name": "BestValueStagnationEvaluator"}})),
    ]
}

fn terminator(spec: &Value) -> Terminator {
    Terminator::from_spec(&serde_json::from_value::<TerminatorSpec>(spec.clone()).unwrap()).unwrap()
}

/// Clean regret of the trial the study calls best among the first `k`.
fn regret_at(trials: &[FrozenTrial], k: usize, optimum: f64) -> f64 {
    let best = trials[..k]
        .iter()
        .min_by(|a, b| a.values.as_ref().unwrap()[0].total_cmp(&b.values.as_ref().unwrap()[0]))
        .unwrap();
    best.user_attrs["clean"].as_f64().unwrap() - optimum
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { 0.5 * (v[n / 2 - 1] + v[n / 2]) }
}

fn fmt(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v.abs() >= 1e4 || v.abs() < 1e-3 {
        format!("{v:.2e}")
    } else {
        format!("{v:.4}")
    }
}

fn main() {
    // `cargo test --all-targets` runs bench targets too, without `--bench`: the full run takes
    // about 25 minutes in a release build, so there it is skipped.
    if !std::env::args().any(|a| a == "--bench") {
        println!("terminator benchmark: run it with `cargo bench --bench terminator`");
        return;
    }
    let seeds: u64 = std::env::var("SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    let max_budget = *BUDGETS.iter().max().unwrap();
    let t0 = Instant::now();
    let mut rows = String::new();
    let mut totals: Vec<(usize, usize, usize)> = vec![(0, 0, 0); pairings().len() * BUDGETS.len()];
    let mut check_ms: Vec<Vec<f64>> = vec![Vec::new(); pairings().len()];
    for (p, level) in problems().into_iter().flat_map(|p| NOISE_LEVELS.map(|l| (p.clone(), l))) {
        let sigma = level * random_median_regret(&p);
        // Per pairing, per seed: where it fired (None: never within the largest budget).
        let mut stops: Vec<Vec<Option<usize>>> = vec![Vec::new(); pairings().len()];
        let mut runs = Vec::new();
        for seed in 0..seeds {
            let mut s = study("TPESampler", seed);
            s.optimize(noisy(&p, sigma, seed), Some(max_budget as u64), None).unwrap();
            let trials = s.trials().to_vec();
            for (i, (_, spec)) in pairings().iter().enumerate() {
                let mut term = terminator(spec);
                let mut stop = None;
                for k in 1..=max_budget {
                    let t = Instant::now();
                    let d = term.decide(&trials[..k], s.directions()[0]).unwrap();
                    if d.improvement.is_some() {
                        check_ms[i].push(t.elapsed().as_secs_f64() * 1e3);
                    }
                    if d.terminate {
                        stop = Some(k);
                        break;
                    }
                }
                if seed == 0 {
                    // The replay is what the callback does: the same stop in a real run.
                    let mut real = study("TPESampler", seed);
                    let mut cb = TerminatorCallback::new(terminator(spec));
                    real.optimize_with_callbacks(noisy(&p, sigma, seed), Some(max_budget as u64), None, &mut [&mut cb])
                        .unwrap();
                    assert_eq!(real.trials().len(), stop.unwrap_or(max_budget), "{} {}", p.name, spec);
                    for (a, b) in real.trials().iter().zip(&trials) {
                        assert_eq!((&a.params, &a.values), (&b.params, &b.values));
                    }
                }
                stops[i].push(stop);
            }
            runs.push(trials);
        }
        for (i, (name, _)) in pairings().iter().enumerate() {
            for (b, &budget) in BUDGETS.iter().enumerate() {
                let used: Vec<usize> = stops[i].iter().map(|s| s.map_or(budget, |k| k.min(budget))).collect();
                let fired = stops[i].iter().filter(|s| s.is_some_and(|k| k < budget)).count();
                let with: Vec<f64> = runs.iter().zip(&used).map(|(t, &k)| regret_at(t, k, p.optimum)).collect();
                let without: Vec<f64> = runs.iter().map(|t| regret_at(t, budget, p.optimum)).collect();
                let worse = with.iter().zip(&without).filter(|(a, b)| a > b).count();
                let saved: usize = used.iter().map(|u| budget - u).sum();
                let tot = &mut totals[i * BUDGETS.len() + b];
                *tot = (tot.0 + saved, tot.1 + budget * used.len(), tot.2 + fired);
                let _ = writeln!(
                    rows,
                    "| {} | {} | {:.0}% | {} | {budget} | {fired}/{seeds} | {} | {:.0}% | {} | {} | {worse}/{seeds} |",
                    p.name,
                    p.dims,
                    100.0 * level,
                    name,
                    median(used.iter().map(|&u| u as f64).collect()),
                    100.0 * saved as f64 / (budget * used.len()) as f64,
                    fmt(median(with)),
                    fmt(median(without)),
                );
            }
        }
        eprintln!("{} at {level} done ({:.0} s, fold noise {sigma:.3e})", p.name, t0.elapsed().as_secs_f64());
    }
    let mut summary = String::new();
    for (i, (name, _)) in pairings().iter().enumerate() {
        for (b, &budget) in BUDGETS.iter().enumerate() {
            let (saved, total, fired) = totals[i * BUDGETS.len() + b];
            let _ = writeln!(
                summary,
                "| {name} | {budget} | {fired}/{} | {:.0}% | {} |",
                seeds as usize * problems().len() * NOISE_LEVELS.len(),
                100.0 * saved as f64 / total as f64,
                fmt(median(check_ms[i].clone())),
            );
        }
    }
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let md = format!(
        "# Terminator: trials saved and regret paid\n\n\
         - command: `cargo bench --bench terminator`{}\n\
         - wasmtune {commit}; {seeds} seeds (0..{}), TPESampler(seed) per run, budgets {BUDGETS:?}; total {:.0} s on this machine\n\
         - objective: the harness problem's value plus fold noise, the mean of {FOLDS} folds with Gaussian noise σ = 1%, 5% or 20% of \
         the median regret of 200 random configurations (column \"noise\"); the fold scores are reported (`report_cross_validation_scores`)\n\
         - regret: noise-free value of the trial the study calls best (lowest noisy value) minus the known optimum, at the \
         stop (terminator) and at the budget (none); \"worse\" counts seeds whose regret at the stop is above the regret at \
         the budget\n\
         - terminators (min_n_trials 20): Optuna's default (RegretBoundEvaluator with the cross-validation error), Optuna's \
         documented EMMR pairing (EMMREvaluator with MedianErrorEvaluator, threshold ratio 0.01), and \
         BestValueStagnationEvaluator(30) with its static 0 error\n\n\
         ## Summary\n\n\
         | terminator | budget | stopped early | trials saved | median ms per check |\n|---|---|---|---|---|\n{summary}\n\
         ## Per problem\n\n\
         | problem | dims | noise | terminator | budget | stopped early | median trials used | trials saved | median regret, terminator | median regret, full budget | worse |\n\
         |---|---|---|---|---|---|---|---|---|---|---|\n{rows}",
        if seeds == 10 { String::new() } else { format!(" (SEEDS={seeds})") },
        seeds - 1,
        t0.elapsed().as_secs_f64(),
    );
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/TERMINATOR.md");
    std::fs::write(path, md).unwrap();
    eprintln!("wrote {path}");
}
