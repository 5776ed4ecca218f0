//! CMA-ES's explanation of a study is the sampler's real search distribution: a CMA-ES optimizer
//! built independently from the same seed, started from the explained first distribution and told
//! the recorded trials, draws exactly the recorded parameters and passes through exactly the
//! explained distributions, generation after generation.

use serde_json::{Value, json};
use wasmtune::rng::Rng;
use wasmtune::samplers::CmaEsSamplerOptions;
use wasmtune::samplers::cmaes::{CmaExplainRequest, CmaExplanation, Driver, DriverConfig, explain};
use wasmtune::{ComponentSpec, FrozenTrial, ParamValue, Study, StudyConfig};

const LOW: f64 = -5.0;
const HIGH: f64 = 5.0;

fn study(kwargs: &Value) -> Study {
    let config = StudyConfig {
        sampler: ComponentSpec { name: "CmaEsSampler".into(), kwargs: kwargs.clone() },
        ..StudyConfig::default()
    };
    config.build_study(None).unwrap()
}

fn run(s: &mut Study, n: u64) {
    s.optimize(
        |t| {
            let x = t.suggest_float("x", LOW, HIGH)?;
            let y = t.suggest_float("y", LOW, HIGH)?;
            Ok::<f64, wasmtune::ObjectiveError>((x - 1.5).powi(2) + 3.0 * (y + 2.0).powi(2) + x * y)
        },
        Some(n),
        None,
    )
    .unwrap();
}

fn options(kwargs: &Value) -> CmaEsSamplerOptions {
    serde_json::from_value(kwargs.clone()).unwrap()
}

fn explained(s: &Study, kwargs: &Value, request: &CmaExplainRequest) -> CmaExplanation {
    explain(s.trials(), s.directions(), &options(kwargs), request).unwrap()
}

fn param(t: &FrozenTrial, name: &str) -> f64 {
    match t.params[name].value() {
        ParamValue::Float(v) => v,
        other => panic!("not a float: {other:?}"),
    }
}

/// The box coordinate of a recorded value, computed as the sampler's transform computes it.
fn to_box(v: f64) -> f64 {
    (v - LOW) / (HIGH - LOW)
}

#[test]
fn each_generation_is_the_distribution_its_trials_were_drawn_from() {
    let kwargs = json!({"seed": 11});
    let mut s = study(&kwargs);
    run(&mut s, 200);
    let e = explained(&s, &kwargs, &CmaExplainRequest::default());
    assert_eq!(e.trial, Some(199));
    assert_eq!(e.independent, vec![0], "one start-up trial (n_startup_trials = 1), then CMA-ES");
    assert_eq!(e.axes.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["x", "y"]);
    assert_eq!(e.shown, ["x", "y"]);
    let popsize = 4 + (3.0 * 2f64.ln()).floor() as usize;
    assert_eq!(e.generations.len(), 199usize.div_ceil(popsize));
    let mut drawn: Vec<u64> = e.generations.iter().flat_map(|g| g.trials.clone()).collect();
    drawn.sort();
    assert_eq!(drawn, (1..200).collect::<Vec<u64>>(), "every CMA-ES trial in exactly one generation");

    // An optimizer built here, from the same seed and the explained start, must agree.
    let sigma0 = 1.0 / 6.0;
    let config = DriverConfig {
        bounds: vec![[0.0, 1.0]; 2],
        margin_steps: None,
        sigma0,
        popsize: None,
        separable: false,
        lr_adapt: false,
        restart: None,
    };
    let mut driver = Driver::new(config, vec![0.5, 0.5], sigma0, None);
    let mut rng = Rng::from_seed_option(Some(11));
    let by_number = |n: u64| s.trials().iter().find(|t| t.number == n).unwrap();
    for (i, g) in e.generations.iter().enumerate() {
        let cma = driver.cma();
        assert_eq!((g.restart, g.generation, g.popsize), (0, i as u64, popsize));
        assert_eq!(g.mean, cma.mean(), "generation {i}: the mean");
        assert_eq!(g.sigma, cma.sigma(), "generation {i}: σ");
        assert_eq!(g.first_trial, g.trials[0]);
        let mut told = Vec::new();
        for (k, &n) in g.trials.iter().enumerate() {
            let (x, raw) = driver.ask(&mut rng);
            assert!(raw.is_none());
            if k == 0 {
                // C as the draws use it (the first draw settles its eigen-decomposition).
                let c = driver.cma().cov();
                assert!(g.cov.iter().zip(c).all(|(a, b)| (a - b).abs() < 1e-15), "generation {i}: C");
            }
            let t = by_number(n);
            let recorded = [param(t, "x"), param(t, "y")];
            for (u, v) in x.iter().zip(recorded) {
                assert!((LOW + u * (HIGH - LOW) - v).abs() < 1e-12, "trial {n}: drawn {x:?}, recorded {recorded:?}");
            }
            told.push((recorded.map(to_box).to_vec(), t.values.as_ref().unwrap()[0]));
        }
        if told.len() == popsize {
            driver.tell(told, &mut rng);
        } else {
            assert_eq!(i, e.generations.len() - 1, "only the last generation may be unfinished");
        }
    }

    // The first distribution is the box's centre with σ0 = 1/6 of its width on each side.
    let g0 = &e.generations[0];
    assert_eq!(g0.shown_mean, [0.0, 0.0]);
    assert_eq!(g0.ellipse1.len(), 65);
    for (p1, p2) in g0.ellipse1.iter().zip(&g0.ellipse2) {
        let r1 = p1[0].hypot(p1[1]);
        let r2 = p2[0].hypot(p2[1]);
        assert!((r1 - 10.0 / 6.0).abs() < 1e-9 && (r2 - 20.0 / 6.0).abs() < 1e-9, "{r1} {r2}");
    }
    // σ shrinks as the search closes in on the minimum.
    assert!(e.generations.last().unwrap().sigma < 0.1 * sigma0);
}

#[test]
fn the_explanation_at_trial_k_replayed_equals_the_one_seen_live() {
    let kwargs = json!({"seed": 5, "popsize": 5});
    let mut s = study(&kwargs);
    run(&mut s, 23);
    let live = explained(&s, &kwargs, &CmaExplainRequest::default());
    assert_eq!(live.trial, Some(22));
    run(&mut s, 40);
    let replayed = explained(&s, &kwargs, &CmaExplainRequest { trial: Some(22), ..Default::default() });
    assert_eq!(replayed, live);
    let later = explained(&s, &kwargs, &CmaExplainRequest::default());
    assert!(later.generations.len() > live.generations.len());
}

#[test]
fn ipop_restarts_show_as_new_runs_with_a_larger_population() {
    let kwargs = json!({"seed": 3, "restart_strategy": "ipop"});
    let mut s = study(&kwargs);
    run(&mut s, 900);
    let e = explained(&s, &kwargs, &CmaExplainRequest { params: Some(vec!["y".into()]), points: Some(8), trial: None });
    let first = e.generations.iter().find(|g| g.restart == 1).expect("a restart within 900 trials");
    eprintln!("first restart at trial {}", first.first_trial);
    assert_eq!(first.generation, 0);
    assert_eq!(first.popsize, 2 * e.generations[0].popsize, "IPOP doubles the population");
    // One shown parameter: the ellipses are intervals around the mean.
    assert_eq!(first.ellipse1.len(), 2);
    assert!(first.ellipse1[0][0] < first.shown_mean[0] && first.shown_mean[0] < first.ellipse1[1][0]);
    let members: usize = e.generations.iter().map(|g| g.trials.len()).sum();
    assert_eq!(members + e.independent.len(), 900);
}

#[test]
fn bad_requests_get_clear_errors() {
    let kwargs = json!({"seed": 1});
    let mut s = study(&kwargs);
    run(&mut s, 8);
    let err =
        |r: CmaExplainRequest| explain(s.trials(), s.directions(), &options(&kwargs), &r).unwrap_err().to_string();
    assert!(err(CmaExplainRequest { trial: Some(99), ..Default::default() }).contains("no trial 99"));
    let e = err(CmaExplainRequest { params: Some(vec!["z".into()]), ..Default::default() });
    assert!(e.contains("'z' is not in the space") && e.contains("x, y"), "{e}");
    assert!(err(CmaExplainRequest { points: Some(3), ..Default::default() }).contains("points"));
    let e = err(CmaExplainRequest { params: Some(vec![]), ..Default::default() });
    assert!(e.contains("one or two"), "{e}");
}
