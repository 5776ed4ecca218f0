//! Property tests: for random valid search spaces (float, int, log, step, categorical, with a
//! conditional branch) and seeds, every sampler returns values inside their distributions, on the
//! step grid and of the right type; and journal write → read is the identity.

#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use serde_json::json;
use wasmtune::storage::{JournalStorage, MemoryBackend, SharedBackend, Storage};
use wasmtune::{
    CategoricalDistribution, ComponentSpec, Distribution, FloatDistribution, IntDistribution, ParamValue, StudyConfig,
    TrialOutcome, TrialState,
};

fn distribution() -> impl Strategy<Value = Distribution> {
    prop_oneof![
        (-1e3f64..1e3, 0.0f64..1e3).prop_map(|(lo, w)| FloatDistribution::new(lo, lo + w, false, None).unwrap().into()),
        (1e-6f64..1e2, 1.0f64..1e4).prop_map(|(lo, f)| FloatDistribution::new(lo, lo * f, true, None).unwrap().into()),
        (-50.0f64..50.0, 1usize..40, prop::sample::select(vec![0.1, 0.25, 0.5, 2.0]))
            .prop_map(|(lo, k, st)| FloatDistribution::new(lo, lo + k as f64 * st, false, Some(st)).unwrap().into()),
        (-1000i64..1000, 0i64..500, 1i64..7)
            .prop_map(|(lo, w, st)| IntDistribution::new(lo, lo + w, false, st).unwrap().into()),
        (1i64..100, 0i64..5000).prop_map(|(lo, w)| IntDistribution::new(lo, lo + w, true, 1).unwrap().into()),
        (1usize..6).prop_map(|n| {
            let choices: Vec<ParamValue> = (0..n)
                .map(|i| match i % 4 {
                    0 => ParamValue::Str(format!("c{i}")),
                    1 => ParamValue::Int(i as i64),
                    2 => ParamValue::Float(i as f64 + 0.5),
                    _ => ParamValue::Null,
                })
                .collect();
            CategoricalDistribution::new(choices).unwrap().into()
        }),
    ]
}

fn sampler() -> impl Strategy<Value = (&'static str, serde_json::Value)> {
    prop_oneof![
        Just(("RandomSampler", json!({}))),
        Just(("TPESampler", json!({"n_startup_trials": 3}))),
        Just(("TPESampler", json!({"n_startup_trials": 3, "multivariate": false}))),
        Just(("TPESampler", json!({"n_startup_trials": 3, "group": true}))),
        Just(("QMCSampler", json!({"scramble": true}))),
        Just(("QMCSampler", json!({"qmc_type": "halton"}))),
    ]
}

/// The right type, inside the bounds, on the step grid (for categoricals: one of the choices).
fn legal(d: &Distribution, v: &ParamValue) -> bool {
    match (d, v) {
        (Distribution::Float(_), ParamValue::Float(x)) => x.is_finite() && d.contains(*x),
        (Distribution::Int(_), ParamValue::Int(i)) => d.contains(*i as f64),
        (Distribution::Categorical(c), v) => c.choices().contains(v),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn samplers_stay_inside_their_distributions(
        space in prop::collection::vec(distribution(), 1..5),
        branch in distribution(),
        (name, kwargs) in sampler(),
        seed in 0u64..1000,
    ) {
        let mut kwargs = kwargs;
        kwargs["seed"] = json!(seed);
        let config = StudyConfig { sampler: ComponentSpec { name: name.into(), kwargs }, ..StudyConfig::default() };
        let mut study = config.build_study(None).unwrap();
        for _ in 0..12 {
            let n = study.ask().unwrap();
            let mut total = 0.0;
            for (i, d) in space.iter().enumerate() {
                let v = study.suggest(n, &format!("p{i}"), d.clone()).unwrap();
                prop_assert!(legal(d, &v), "{name}: {v} not in {d}");
                total += v.as_f64().unwrap_or(1.0);
            }
            // A conditional parameter, asked in some trials only.
            if n % 2 == 0 {
                let v = study.suggest(n, "branch", branch.clone()).unwrap();
                prop_assert!(legal(&branch, &v), "{name}: {v} not in {branch}");
            }
            study.tell(n, TrialOutcome::Complete(vec![total.abs().min(1e12)])).unwrap();
        }
        prop_assert!(study.trials().iter().all(|t| t.state == TrialState::Complete));
    }

    #[test]
    fn journal_write_then_read_is_the_identity(
        space in prop::collection::vec(distribution(), 1..4),
        outcomes in prop::collection::vec(0u8..4, 1..8),
        seed in 0u64..1000,
    ) {
        let backend = SharedBackend::new();
        let (storage, _) = JournalStorage::open("", backend.clone(), "w");
        let config = StudyConfig {
            name: Some("prop".into()),
            sampler: ComponentSpec { name: "RandomSampler".into(), kwargs: json!({"seed": seed}) },
            ..StudyConfig::default()
        };
        let mut study = config.build_study_in(Some(Box::new(storage)), Some(Box::new(|| Some(1.7e12)))).unwrap();
        for (k, o) in outcomes.iter().enumerate() {
            let n = study.ask().unwrap();
            for (i, d) in space.iter().enumerate() {
                study.suggest(n, &format!("p{i}"), d.clone()).unwrap();
            }
            study.report(n, k as f64 * 0.5, 0).unwrap();
            study.set_trial_user_attr(n, "k", json!({"k": k, "s": "<b>\"x\""})).unwrap();
            match o {
                0 => { study.tell(n, TrialOutcome::Complete(vec![k as f64])).unwrap(); }
                1 => { study.tell(n, TrialOutcome::Pruned).unwrap(); }
                2 => { study.tell(n, TrialOutcome::Fail("why".into())).unwrap(); }
                _ => {} // left running
            }
        }
        let text: String = backend.lines_from(0).iter().map(|l| format!("{l}\n")).collect();
        let (reloaded, report) = JournalStorage::open(&text, MemoryBackend::default(), "r");
        prop_assert!(report.skipped.is_empty(), "{:?}", report.skipped);
        let id = reloaded.study_id_by_name("prop").unwrap();
        prop_assert_eq!(reloaded.trials(id).unwrap(), study.trials());
    }
}
