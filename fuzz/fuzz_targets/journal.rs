//! The journal reader on arbitrary text, as the page's import and the CLI's `--storage` meet it:
//! replay, open the first study, fail its running trials (the page's reopen), run two more trials
//! with a model-based sampler on what was loaded, and check that every line written afterwards
//! replays cleanly. Errors are fine; a panic, a hang or a line we wrote that we cannot read is not.
#![no_main]

use indexmap::IndexMap;
use libfuzzer_sys::fuzz_target;
use serde_json::json;
use wasmtune::storage::{JournalStorage, SharedBackend, Storage};
use wasmtune::{ComponentSpec, StudyConfig, TrialOutcome};

const SAMPLERS: [&str; 4] = ["RandomSampler", "TPESampler", "CmaEsSampler", "NSGAIISampler"];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let backend = SharedBackend::new();
    let (storage, report) = JournalStorage::open(&text, backend.clone(), "fuzz");
    let Some((id, name)) = storage.studies().into_iter().next() else { return };
    let directions = storage.study_directions(id).expect("a listed study has directions").to_vec();
    let sampler = SAMPLERS[data.len() % SAMPLERS.len()];
    let kwargs = match sampler {
        "TPESampler" => json!({"seed": 1, "n_startup_trials": 2}),
        "NSGAIISampler" => json!({"seed": 1, "population_size": 2}),
        _ => json!({"seed": 1}),
    };
    let config = StudyConfig {
        name: Some(name),
        directions: directions.clone(),
        sampler: ComponentSpec { name: sampler.into(), kwargs },
        ..StudyConfig::default()
    };
    let Ok(mut study) = config.build_study_in(Some(Box::new(storage)), Some(Box::new(|| Some(0.0)))) else { return };
    let _ = study.fail_running_trials("fuzz: reopened");
    let _ = study.best_trials();
    let _ = study.best_trial();
    // The parameters the loaded trials used, asked again so samplers model the loaded history.
    let mut space = IndexMap::new();
    for t in study.trials() {
        for (k, p) in &t.params {
            space.entry(k.clone()).or_insert_with(|| p.distribution.clone());
        }
    }
    for _ in 0..2 {
        // A waiting trial from the file keeps the parameters it already has, and an enqueued
        // trial's fixed parameters are used as given, even out of range (both as Optuna, which
        // warns); only sampled values must lie in their distributions.
        let preset: Vec<(u64, Vec<String>)> = study
            .trials()
            .iter()
            .filter(|t| t.state == wasmtune::TrialState::Waiting)
            .map(|t| (t.number, t.params.keys().cloned().collect()))
            .collect();
        let Ok(t) = study.ask_with(&space) else { break };
        let number = t.number;
        let given = |k: &str| preset.iter().any(|(n, ks)| *n == t.number && ks.iter().any(|x| x == k));
        let fixed = t.system_attrs.get("fixed_params").and_then(|f| f.as_object());
        for (k, p) in t.params.iter().filter(|(k, _)| !given(k) && !fixed.is_some_and(|f| f.contains_key(k.as_str()))) {
            let internal = p.distribution.to_internal(k, &p.distribution.to_external(p.internal));
            assert!(
                internal.is_ok_and(|x| p.distribution.contains(x)),
                "{k} = {} outside {}",
                p.internal,
                p.distribution
            );
        }
        let values = vec![number as f64; directions.len()];
        study.tell(number, TrialOutcome::Complete(values)).expect("telling a trial just asked");
    }
    // Everything appended replays after the lines it followed, with nothing skipped.
    let complete = text.rfind('\n').map_or("", |i| &text[..=i]);
    let appended = backend.lines_from(0);
    let whole: String = std::iter::once(complete.to_owned()).chain(appended.iter().map(|l| format!("{l}\n"))).collect();
    let (_, again) = JournalStorage::open(&whole, SharedBackend::new(), "fuzz");
    assert_eq!(again.applied, report.applied + appended.len(), "our own lines must replay: {:?}", again.skipped);
});
