//! The search-space and distribution decoder (Optuna's distribution JSON, as the CLI's
//! `--search-space`, the page's URL and journal lines carry it) on arbitrary text. A space that
//! decodes must survive a round trip through its JSON unchanged, and every sampler asked on it
//! must return values inside each distribution (on its grid, of its type). Errors are fine.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use wasmtune::distributions::search_space_from_json;
use wasmtune::{ComponentSpec, Distribution, StudyConfig, TrialOutcome};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(d) = Distribution::from_json_str(text) {
        round_trips(&d);
    }
    let Ok(v) = serde_json::from_str::<Value>(text) else { return };
    let Ok(space) = search_space_from_json(&v) else { return };
    for d in space.values() {
        round_trips(d);
    }
    for (sampler, kwargs) in [
        ("RandomSampler", json!({"seed": 3})),
        ("TPESampler", json!({"seed": 3, "n_startup_trials": 2})),
        ("QMCSampler", json!({"seed": 3})),
    ] {
        let config = StudyConfig {
            sampler: ComponentSpec { name: sampler.into(), kwargs },
            search_space: Some(space.clone()),
            ..StudyConfig::default()
        };
        let mut study = config.build_study(Some(Box::new(|| Some(0.0)))).expect("a fixed, valid configuration");
        for i in 0..4 {
            let Ok(t) = study.ask_with(&space) else { break };
            let number = t.number;
            for (name, d) in &space {
                let value = t.param_values().get(name).cloned().expect("every parameter of the space is sampled");
                let internal = d.to_internal(name, &value).expect("a sampled value is of its distribution's type");
                assert!(d.contains(internal), "{sampler}: {name} = {value:?} outside {d}");
            }
            study.tell(number, TrialOutcome::Complete(vec![f64::from(i)])).expect("telling a trial just asked");
        }
    }
});

fn round_trips(d: &Distribution) {
    let back = Distribution::from_json_str(&d.to_json_string()).expect("our own JSON decodes");
    assert_eq!(&back, d, "round trip of {d}");
}
