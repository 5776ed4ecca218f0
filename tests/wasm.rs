//! The engine and its bindings in headless Chromium (`wasm-pack test --headless --chrome`).

#![cfg(target_arch = "wasm32")]

mod common;

use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use wasmtune::wasm::WasmStudy;
use wasmtune::{Study, StudyDirection};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn same_seed_gives_the_native_first_100_parameter_sets() {
    let lines = common::parity_lines(100);
    let expected: Vec<&str> = common::PARITY_FIXTURE.lines().collect();
    assert_eq!(lines.len(), expected.len());
    for (i, (a, b)) in lines.iter().zip(&expected).enumerate() {
        assert_eq!(a, b, "line {i} differs between wasm and the native fixture");
    }
}

#[wasm_bindgen_test]
fn garden_study_runs_in_the_browser() {
    let mut study = Study::builder()
        .direction(StudyDirection::Maximize)
        .sampler(Box::new(wasmtune::samplers::RandomSampler::seeded(3)))
        .clock(Box::new(|| Some(js_sys::Date::now())))
        .build()
        .unwrap();
    study
        .optimize(
            |t| {
                let x = t.suggest_float("x", 0.0, 250.0)?;
                Ok(x * (500.0 - 2.0 * x))
            },
            Some(100),
            None,
        )
        .unwrap();
    assert!(study.best_value().unwrap() >= 30_000.0);
    let t = &study.trials()[0];
    assert!(t.datetime_start.is_some() && t.datetime_complete >= t.datetime_start);
}

#[wasm_bindgen_test]
fn objective_errors_and_nan_fail_the_trial_and_the_study_goes_on() {
    let mut study = Study::builder().build().unwrap();
    study
        .optimize(
            |t| {
                let x = t.suggest_float("x", 0.0, 1.0)?;
                match t.number() % 3 {
                    0 => Err("boom".into()),
                    1 => Ok(f64::NAN),
                    _ => Ok(x),
                }
            },
            Some(9),
            None,
        )
        .unwrap();
    let states: Vec<_> = study.trials().iter().map(|t| t.state).collect();
    assert_eq!(states.iter().filter(|s| **s == wasmtune::TrialState::Fail).count(), 6);
    assert_eq!(study.trials()[0].system_attrs["fail_reason"], "boom");
}

fn config(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

#[wasm_bindgen_test]
fn bindings_run_ask_and_tell() {
    let mut s =
        WasmStudy::new(config(r#"{"directions":["maximize"],"sampler":{"name":"RandomSampler","kwargs":{"seed":1}}}"#))
            .unwrap();
    for _ in 0..50 {
        let n = s.ask().unwrap();
        let x = s.suggest_float(n, "x", 0.0, 250.0, None, false).unwrap();
        let again = s.suggest_float(n, "x", 0.0, 250.0, None, false).unwrap();
        assert_eq!(x, again);
        let c = s.suggest_categorical(n, "c", config(r#"["a", 1, null]"#)).unwrap();
        assert!(c.is_string() || c.as_f64() == Some(1.0) || c.is_null());
        s.tell(n, JsValue::from_f64(500.0 * x - 2.0 * x * x), None, None).unwrap();
    }
    let best = s.best_trial().unwrap();
    let value = js_sys::Reflect::get(&best, &"values".into()).unwrap();
    let v = js_sys::Array::from(&value).get(0).as_f64().unwrap();
    assert!(v > 25_000.0, "best {v}");
    assert_eq!(js_sys::Array::from(&s.trials().unwrap()).length(), 50);
}

fn error_message(e: wasm_bindgen::JsError) -> String {
    let v: JsValue = e.into();
    let err: js_sys::Error = v.into();
    String::from(err.message())
}

#[wasm_bindgen_test]
fn bindings_turn_engine_errors_into_js_errors_with_the_message() {
    let e = WasmStudy::new(config(r#"{"sampler":{"name":"NoSuchSampler"}}"#)).err().unwrap();
    assert!(error_message(e).contains("unknown sampler 'NoSuchSampler'"));
    let mut s = WasmStudy::new(JsValue::UNDEFINED).unwrap();
    let n = s.ask().unwrap();
    let e = s.suggest_float(n, "x", 1.0, 0.0, None, false).err().unwrap();
    assert!(error_message(e).contains("`low <= high` must hold"));
    s.suggest_float(n, "y", 0.0, 1.0, None, false).unwrap();
    let e = s.suggest_int(n, "y", 0.0, 1.0, 1.0, false).err().unwrap();
    assert!(error_message(e).contains("different distribution kind"));
    s.tell(n, JsValue::from_f64(1.0), None, None).unwrap();
    let e = s.tell(n, JsValue::from_f64(1.0), None, None).err().unwrap();
    assert!(error_message(e).contains("already finished"));
    // Nothing recorded was lost by the failed calls.
    let trials = js_sys::Array::from(&s.trials().unwrap());
    assert_eq!(trials.length(), 1);
}

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &key.into()).unwrap()
}

#[wasm_bindgen_test]
fn bindings_give_trials_as_plain_objects_with_external_values() {
    let mut s = WasmStudy::new(config(r#"{"sampler":{"name":"RandomSampler","kwargs":{"seed":2}}}"#)).unwrap();
    let n = s.ask().unwrap();
    let lr = s.suggest_float(n, "lr", 1e-4, 1.0, None, true).unwrap();
    let c = s.suggest_categorical(n, "opt", config(r#"["adam", "sgd"]"#)).unwrap();
    let k = s
        .suggest(n, "k", config(r#"{"name":"IntDistribution","attributes":{"low":1,"high":3,"log":false,"step":1}}"#))
        .unwrap();
    s.report(n, 0.5, 0.0).unwrap();
    s.set_user_attr(n, "note", JsValue::from_str("hi")).unwrap();
    let t = s.tell(n, JsValue::from_f64(lr), None, None).unwrap();
    assert_eq!(get(&t, "state").as_string().unwrap(), "COMPLETE");
    assert_eq!(get(&t, "value").as_f64(), Some(lr));
    let params = get(&t, "params");
    // Categoricals come back as the choice, not Optuna's internal index.
    assert_eq!(get(&params, "opt").as_string(), c.as_string());
    assert_eq!(get(&params, "k").as_f64(), k.as_f64());
    let kk = k.as_f64().unwrap();
    assert!((1.0..=3.0).contains(&kk) && kk.fract() == 0.0);
    let d = get(&get(&t, "distributions"), "lr");
    assert_eq!(get(&d, "name").as_string().unwrap(), "FloatDistribution");
    assert_eq!(get(&get(&d, "attributes"), "log").as_bool(), Some(true));
    assert_eq!(get(&get(&t, "intermediateValues"), "0").as_f64(), Some(0.5));
    assert_eq!(get(&get(&t, "userAttrs"), "note").as_string().unwrap(), "hi");
    assert!(get(&t, "duration").as_f64().unwrap() >= 0.0);
    // The same shape from trials(), trial(n) and bestTrial().
    let listed = js_sys::Array::from(&s.trials().unwrap()).get(0);
    assert_eq!(js_sys::JSON::stringify(&listed).unwrap(), js_sys::JSON::stringify(&t).unwrap());
    assert_eq!(js_sys::JSON::stringify(&s.trial(0.0).unwrap()).unwrap(), js_sys::JSON::stringify(&t).unwrap());
    assert_eq!(s.best_value().unwrap(), lr);
    assert_eq!(get(&s.best_params().unwrap(), "opt").as_string(), c.as_string());
}

#[wasm_bindgen_test]
fn bindings_cover_fail_prune_enqueue_stop_and_the_registries() {
    let mut s = WasmStudy::new(config(r#"{"directions":["maximize"]}"#)).unwrap();
    assert!(s.best_value().is_err());
    let n = s.ask().unwrap();
    s.suggest_float(n, "x", 0.0, 1.0, None, false).unwrap();
    let t = s.tell(n, JsValue::UNDEFINED, Some("fail".into()), Some("boom".into())).unwrap();
    assert_eq!(get(&t, "state").as_string().unwrap(), "FAIL");
    assert_eq!(get(&get(&t, "systemAttrs"), "fail_reason").as_string().unwrap(), "boom");
    let n = s.ask().unwrap();
    s.report(n, 2.0, 1.0).unwrap();
    let t = s.tell(n, JsValue::UNDEFINED, Some("pruned".into()), None).unwrap();
    assert_eq!(get(&t, "state").as_string().unwrap(), "PRUNED");
    assert_eq!(s.enqueue_trial(config(r#"{"x": 0.75}"#), false).unwrap(), Some(2.0));
    assert_eq!(s.enqueue_trial(config(r#"{"x": 0.75}"#), true).unwrap(), None);
    let n = s.ask().unwrap();
    assert_eq!(s.suggest_float(n, "x", 0.0, 1.0, None, false).unwrap(), 0.75);
    s.tell(n, JsValue::from_f64(3.0), None, None).unwrap();
    assert_eq!(js_sys::Array::from(&s.best_trials().unwrap()).length(), 1);
    let dirs = js_sys::Array::from(&s.directions().unwrap());
    assert_eq!(dirs.get(0).as_string().unwrap(), "maximize");
    assert!(!s.is_stopped());
    s.stop();
    assert!(s.is_stopped());
    let e = s.suggest(0.0, "y", config(r#"{"name":"NoDistribution","attributes":{}}"#)).err().unwrap();
    assert!(error_message(e).contains("NoDistribution"));
    assert!(wasmtune::wasm::sampler_names().iter().any(|n| n == "RandomSampler"));
    assert_eq!(wasmtune::wasm::pruner_names()[0], "NopPruner");
}

#[wasm_bindgen_test]
fn journal_bindings_persist_export_reopen_and_fail_stale_trials() {
    let cfg = || {
        config(
            r#"{"name":"persisted","directions":["minimize"],"sampler":{"name":"RandomSampler","kwargs":{"seed":4}}}"#,
        )
    };
    let mut s = WasmStudy::with_journal(cfg(), "").unwrap();
    for _ in 0..3 {
        let n = s.ask().unwrap();
        let x = s.suggest_float(n, "x", 0.0, 1.0, None, false).unwrap();
        s.tell(n, JsValue::from_f64(x), None, None).unwrap();
    }
    let taken = js_sys::Array::from(&s.take_journal().unwrap());
    assert_eq!(taken.length(), 1 + 3 * 3, "create study, then create, param and state per trial");
    assert_eq!(js_sys::Array::from(&s.take_journal().unwrap()).length(), 0, "nothing new since");
    // Leave a trial running, as a page closed mid-trial would.
    let running = s.ask().unwrap();
    s.suggest_float(running, "x", 0.0, 1.0, None, false).unwrap();
    let text = s.export_journal().unwrap();
    let names = js_sys::Array::from(&wasmtune::wasm::journal_studies(&text).unwrap());
    assert_eq!(names.get(0).as_string().unwrap(), "persisted");

    let mut reopened = WasmStudy::with_journal(cfg(), &text).unwrap();
    assert_eq!(js_sys::Array::from(&reopened.trials().unwrap()).length(), 4);
    let stale = js_sys::Array::from(&reopened.fail_stale_trials("the page closed mid-trial").unwrap());
    assert_eq!(stale.get(0).as_f64(), Some(running));
    let n = reopened.ask().unwrap();
    assert_eq!(n, running + 1.0, "the study resumes after the stale trial");
    // The export holds the old lines and the new ones, in Optuna's format.
    let again = reopened.export_journal().unwrap();
    assert!(again.starts_with(&text) && again.len() > text.len());

    let hostile = WasmStudy::with_journal(cfg(), "not json\n{\"op_code\":99,\"worker_id\":\"x\"}\n").unwrap();
    let report = hostile.journal_report().unwrap();
    let skipped = js_sys::Array::from(&js_sys::Reflect::get(&report, &"skipped".into()).unwrap());
    assert_eq!(skipped.length(), 2);
    assert!(WasmStudy::new(JsValue::UNDEFINED).unwrap().take_journal().is_err());
}

// --- Parameter importances through the bindings -------------------------------------------------

/// A seeded study where `x` matters most, `c` some and `noise` not at all.
fn importance_study() -> WasmStudy {
    let mut s =
        WasmStudy::new(config(r#"{"directions":["minimize"],"sampler":{"name":"RandomSampler","kwargs":{"seed":5}}}"#))
            .unwrap();
    for _ in 0..80 {
        let n = s.ask().unwrap();
        let x = s.suggest_float(n, "x", -5.0, 5.0, None, false).unwrap();
        let c = s.suggest_categorical(n, "c", config(r#"["a", "b"]"#)).unwrap();
        s.suggest_float(n, "noise", 0.0, 1.0, None, false).unwrap();
        let v = x * x + if c.as_string().as_deref() == Some("b") { 3.0 } else { 0.0 };
        s.tell(n, JsValue::from_f64(v), None, None).unwrap();
    }
    s
}

fn entries(v: &JsValue) -> Vec<(String, f64)> {
    let keys = js_sys::Object::keys(&js_sys::Object::from(v.clone()));
    keys.iter().map(|k| (k.as_string().unwrap(), get(v, &k.as_string().unwrap()).as_f64().unwrap())).collect()
}

#[wasm_bindgen_test]
fn importances_binding_returns_an_ordered_object_for_each_evaluator() {
    let s = importance_study();
    let default = entries(&s.importances(JsValue::UNDEFINED).unwrap());
    let fanova = entries(
        &s.importances(config(r#"{"evaluator":"FanovaImportanceEvaluator","kwargs":{"seed":1,"n_trees":16}}"#))
            .unwrap(),
    );
    for got in [&default, &fanova] {
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].0, "x", "{got:?}");
        assert_eq!(got[2].0, "noise", "{got:?}");
        assert!(got.windows(2).all(|w| w[0].1 >= w[1].1), "descending: {got:?}");
        assert!((got.iter().map(|e| e.1).sum::<f64>() - 1.0).abs() < 1e-9);
    }
    let raw = entries(&s.importances(config(r#"{"params":["x","c"],"normalize":false}"#)).unwrap());
    assert_eq!(raw.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), ["x", "c"]);
    assert!(raw.iter().map(|e| e.1).sum::<f64>() < 1.0, "unnormalized PED-ANOVA is a divergence times q²");
    let names = wasmtune::wasm::importance_evaluator_names();
    assert_eq!(names[0], "PedAnovaImportanceEvaluator");
    let e = s.importances(config(r#"{"evaluator":"Nope"}"#)).err().unwrap();
    assert!(error_message(e).contains("unknown importance evaluator 'Nope'"));
    let e = s.importances(config(r#"{"target":2}"#)).err().unwrap();
    assert!(error_message(e).contains("not an objective index"));
    let e = WasmStudy::new(JsValue::UNDEFINED).unwrap().importances(JsValue::UNDEFINED).err().unwrap();
    assert!(error_message(e).contains("no trial has completed yet"));
}

/// PED-ANOVA in the browser gives Optuna's importances on the recorded studies, as natively
/// (`tests/engine/importance.rs`; same 1e-12 tolerance).
#[wasm_bindgen_test]
fn ped_anova_matches_optuna_in_wasm_too() {
    use serde_json::Value;
    use wasmtune::trial::Param;
    use wasmtune::{ComponentSpec, Distribution, FrozenTrial, ParamValue, TrialState};
    let fixture: Value = serde_json::from_str(include_str!("fixtures/importance.json")).unwrap();
    let mut checked = 0;
    for s in fixture["studies"].as_array().unwrap() {
        let dists = s["distributions"].as_object().unwrap();
        let directions: Vec<StudyDirection> = s["directions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| StudyDirection::from_name(d.as_str().unwrap()).unwrap())
            .collect();
        let trials: Vec<FrozenTrial> = s["trials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                let n = t["number"].as_u64().unwrap();
                let mut ft = FrozenTrial::new(n, n, TrialState::from_name(t["state"].as_str().unwrap()).unwrap());
                ft.values =
                    t["values"].as_array().map(|vs| vs.iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).collect());
                for (k, v) in t["params"].as_object().unwrap() {
                    let d = Distribution::from_json(&dists[k]).unwrap();
                    let internal = d.to_internal(k, &ParamValue::from_json(v).unwrap()).unwrap();
                    ft.params.insert(k.clone(), Param { distribution: d, internal });
                }
                ft
            })
            .collect();
        for case in s["cases"].as_array().unwrap().iter().filter(|c| c["evaluator"] == "PedAnovaImportanceEvaluator") {
            let spec = ComponentSpec { name: "PedAnovaImportanceEvaluator".into(), kwargs: case["kwargs"].clone() };
            let params: Option<Vec<String>> = serde_json::from_value(case["params"].clone()).unwrap();
            let got = wasmtune::importance::get_param_importances(
                &trials,
                &directions,
                Some(&spec),
                params.as_deref(),
                case["target"].as_u64().map(|t| t as usize),
                case["normalize"].as_bool().unwrap(),
            )
            .unwrap();
            for (k, want) in case["importances"].as_object().unwrap() {
                let want = want.as_f64().unwrap();
                assert!((got[k] - want).abs() <= 1e-12 * want.abs().max(1.0), "{k}: {} vs Optuna {want}", got[k]);
                checked += 1;
            }
        }
    }
    assert!(checked > 80);
}

#[wasm_bindgen_test]
fn cma_es_and_nsga_samplers_run_through_the_js_bindings() {
    let mut cma = WasmStudy::new(config(r#"{"sampler":{"name":"CmaEsSampler","kwargs":{"seed":2}}}"#)).unwrap();
    for _ in 0..80 {
        let n = cma.ask().unwrap();
        let x = cma.suggest_float(n, "x", -5.0, 5.0, None, false).unwrap();
        let y = cma.suggest_float(n, "y", -5.0, 5.0, None, false).unwrap();
        cma.tell(n, JsValue::from_f64(x * x + (y - 1.0) * (y - 1.0)), None, None).unwrap();
    }
    assert!(cma.best_value().unwrap() < 1e-2, "{}", cma.best_value().unwrap());
    let t = cma.trial(79.0).unwrap();
    assert!(get(&get(&t, "systemAttrs"), "cma:generation").as_f64().unwrap() > 5.0);
    let mut nsga = WasmStudy::new(config(
        r#"{"directions":["minimize","minimize"],"sampler":{"name":"NSGAIIISampler","kwargs":{"seed":1,"population_size":6}}}"#,
    ))
    .unwrap();
    for _ in 0..30 {
        let n = nsga.ask().unwrap();
        let x = nsga.suggest_float(n, "x", 0.0, 1.0, None, false).unwrap();
        let values = js_sys::Array::of2(&JsValue::from_f64(x), &JsValue::from_f64(1.0 - x));
        nsga.tell(n, values.into(), None, None).unwrap();
    }
    assert_eq!(js_sys::Array::from(&nsga.best_trials().unwrap()).length(), 30, "every point of x, 1 − x is optimal");
    let names = wasmtune::wasm::sampler_names();
    for name in ["CmaEsSampler", "NSGAIISampler", "NSGAIIISampler"] {
        assert!(names.iter().any(|n| n == name), "{name} missing from samplerNames()");
    }
    let e = WasmStudy::new(config(r#"{"sampler":{"name":"CmaEsSampler","kwargs":{"popsize":0}}}"#)).err().unwrap();
    assert!(error_message(e).contains("popsize"));
}

// ---------- GPSampler ----------

#[wasm_bindgen_test]
fn gp_sampler_runs_through_the_bindings_and_gives_its_belief() {
    let mut s = WasmStudy::new(config(
        r#"{"directions":["maximize"],"sampler":{"name":"GPSampler","kwargs":{"seed":1,"n_startup_trials":5}}}"#,
    ))
    .unwrap();
    for _ in 0..20 {
        let n = s.ask().unwrap();
        let x = s.suggest_float(n, "x", 0.0, 250.0, None, false).unwrap();
        let k = s.suggest_int(n, "k", 1.0, 3.0, 1.0, false).unwrap();
        s.tell(n, JsValue::from_f64(500.0 * x - 2.0 * x * x + k), None, None).unwrap();
    }
    let best = js_sys::Array::from(&get(&s.best_trial().unwrap(), "values")).get(0).as_f64().unwrap();
    assert!(best > 31_000.0, "best {best}");

    let line = s.gp_belief(config(r#"{"params":["x"],"resolution":40}"#)).unwrap();
    assert_eq!(js_sys::Array::from(&get(&line, "mean")).length(), 40);
    assert_eq!(js_sys::Array::from(&get(&line, "std")).length(), 40);
    let axes = js_sys::Array::from(&get(&line, "axes"));
    assert_eq!(js_sys::Array::from(&axes.get(0)).get(39).as_f64(), Some(250.0));
    let surface = s.gp_belief(config(r#"{"params":["x","k"]}"#)).unwrap();
    let rows = js_sys::Array::from(&get(&surface, "acquisition"));
    assert_eq!(rows.length(), 3, "one row per value of k");
    assert_eq!(js_sys::Array::from(&rows.get(0)).length(), 50, "default resolution along x");

    let e = s.gp_belief(config(r#"{"params":["nope"]}"#)).err().unwrap();
    assert!(error_message(e).contains("'nope'"));
    let e = s.gp_belief(config(r#"{"params":["x"],"bins":3}"#)).err().unwrap();
    assert!(error_message(e).contains("gpBelief"));
    let fresh = WasmStudy::new(JsValue::UNDEFINED).unwrap();
    let e = fresh.gp_belief(config(r#"{"params":["x"]}"#)).err().unwrap();
    assert!(error_message(e).contains("gpBelief"));
}

// ---- the MNIST trainer in the browser (candle on the CPU, compiled to wasm) ----

/// A file in mnist.bin's format with `n` 28×28 "digits": class `c` is a bright band across rows
/// 2c..2c+3 plus a little seeded noise, so a small MLP separates them within a few epochs.
fn banded_digits(n: usize) -> Vec<u8> {
    let mut rng = wasmtune::rng::Rng::seed_from_u64(4);
    let mut bytes = b"WTMNIST1".to_vec();
    bytes.extend((n as u32).to_le_bytes());
    bytes.extend(28u16.to_le_bytes());
    bytes.extend(28u16.to_le_bytes());
    let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    for &c in &labels {
        for r in 0..28 {
            for _ in 0..28 {
                let band = r >= 2 * c as usize && r < 2 * c as usize + 3;
                bytes.push(if band { 200 } else { 0 } + rng.below(50) as u8);
            }
        }
    }
    bytes.extend(labels);
    bytes
}

#[wasm_bindgen_test]
async fn mnist_trainer_learns_through_the_js_bindings() {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let mut data = wasmtune::wasm::MnistData::new(&banded_digits(200)).unwrap();
    let config = js_sys::JSON::parse(
        r#"{"mlp": {"input": 784, "hidden": [32], "output": 10, "activation": "gelu"},
            "optimizer": {"kind": "adam", "lr": 0.01, "weight_decay": 0},
            "batch_size": 16, "epochs": 3, "dropout": 0.1, "seed": 2}"#,
    )
    .unwrap();
    let promise = wasmtune::wasm::MnistTrainer::create(&mut data, 160, 40, config, "cpu".into()).unwrap();
    let trainer = JsFuture::from(promise).await.unwrap();
    let call = |name: &str| -> JsValue {
        let f: js_sys::Function = js_sys::Reflect::get(&trainer, &name.into()).unwrap().dyn_into().unwrap();
        f.call0(&trainer).unwrap()
    };
    let mut accuracies = Vec::new();
    for epoch in 1..=3 {
        let report = JsFuture::from(call("epoch").dyn_into::<js_sys::Promise>().unwrap()).await.unwrap();
        let get = |k: &str| js_sys::Reflect::get(&report, &k.into()).unwrap().as_f64().unwrap();
        assert_eq!(get("epoch"), epoch as f64);
        accuracies.push(get("validation_accuracy"));
    }
    assert!(accuracies[2] >= 0.9, "validation accuracy per epoch {accuracies:?}");
    assert_eq!(call("isDone"), JsValue::TRUE);
    assert_eq!(js_sys::Reflect::get(&trainer, &"backend".into()).unwrap(), JsValue::from("cpu"));
    // A fourth epoch is refused with the engine's message.
    let err = JsFuture::from(call("epoch").dyn_into::<js_sys::Promise>().unwrap()).await.unwrap_err();
    let message = js_sys::Reflect::get(&err, &"message".into()).unwrap().as_string().unwrap();
    assert!(message.contains("all 3 epochs already ran"), "{message}");
    // Bad input gets a clear exception, not a panic.
    assert!(wasmtune::wasm::MnistData::new(b"nope").is_err());
    let bad = js_sys::JSON::parse(r#"{"mlp": 1}"#).unwrap();
    assert!(wasmtune::wasm::MnistTrainer::create(&mut data, 160, 40, bad, "cpu".into()).is_err());
    let ok = js_sys::JSON::parse(
        r#"{"mlp": {"input": 784, "hidden": [8], "output": 10, "activation": "relu"},
            "optimizer": {"kind": "sgd", "momentum": 0.9, "lr": 0.1, "weight_decay": 0},
            "batch_size": 16, "epochs": 1, "dropout": 0, "seed": 2}"#,
    )
    .unwrap();
    assert!(wasmtune::wasm::MnistTrainer::create(&mut data, 160, 40, ok, "tpu".into()).is_err());
}

// ---- The WebGPU trainer in the test page (Chromium's software adapter, SwiftShader; webdriver.json
// passes --enable-unsafe-webgpu) against the plain-Rust reference and against candle in wasm, as
// natively in trainer_gpu.rs.

#[path = "common/mlp_reference.rs"]
mod mlp_reference;

#[wasm_bindgen_test]
async fn webgpu_trainer_matches_the_reference_in_the_page() {
    use wasmtune::rng::Rng;
    use wasmtune::trainer::{Activation, Backend, CpuBackend, GpuBackend, MlpSpec, Weights};

    // Each activation once and each optimizer once, ten steps each (the native tests run all nine
    // pairs for longer): SwiftShader is the slowest part of the browser suite, and ten steps still
    // cover a partial batch (step 7) and every optimizer's state carried across updates.
    let activations = [Activation::Relu, Activation::Gelu, Activation::Tanh];
    for (activation, optimizer) in activations.into_iter().zip(mlp_reference::optimizers()) {
        let spec = MlpSpec { input: 37, hidden: vec![33, 20], output: 10, activation };
        let weights = Weights::init(&spec, 11);
        let mut gpu = GpuBackend::new(&spec, &optimizer, &weights).await.unwrap_or_else(|e| {
            panic!("{e}: the wasm tests need Chromium started with --enable-unsafe-webgpu (webdriver.json)")
        });
        let mut reference = mlp_reference::Reference::new(&spec, &optimizer, &weights);
        let mut cpu = CpuBackend::new(&spec, optimizer, &weights).unwrap();
        let mut rng = Rng::seed_from_u64(5);
        for step in 0..10 {
            let rows = if step == 7 { 5 } else { 24 };
            let batch = mlp_reference::random_batch(&spec, rows, 0.25, &mut rng);
            let expected = reference.train_step(&batch);
            let got = gpu.train_step(&batch).await.unwrap();
            assert!(
                (got as f64 - expected).abs() < 1e-4,
                "{activation:?} / {:?}: step {step} loss {got} vs reference {expected}",
                optimizer.kind
            );
            let on_cpu = cpu.train_step(&batch).await.unwrap();
            assert!(
                (got - on_cpu).abs() < 1e-4,
                "{activation:?} / {:?}: step {step} loss {got} on WebGPU vs {on_cpu} on candle",
                optimizer.kind
            );
        }
        let flat = mlp_reference::flatten(&gpu.weights().await.unwrap());
        let diff = flat.iter().zip(reference.flat_weights()).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        assert!(diff < 1e-4, "{activation:?} / {:?}: weights differ by {diff}", optimizer.kind);
    }
}

/// Through the JS bindings, as the page's worker uses them: "webgpu" trains on whatever adapter
/// the browser offers (SwiftShader here); "auto" takes it only when it is hardware, else trains on
/// the CPU and says why.
#[wasm_bindgen_test]
async fn mnist_trainer_backend_choices_through_the_js_bindings() {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).unwrap();
    // What the browser itself says about its adapter, to know which way "auto" must go.
    let probe = js_sys::eval("navigator.gpu.requestAdapter().then(a => a ? a.info.isFallbackAdapter : null)").unwrap();
    let fallback = JsFuture::from(probe.dyn_into::<js_sys::Promise>().unwrap()).await.unwrap();
    assert!(!fallback.is_null(), "the wasm tests need Chromium started with --enable-unsafe-webgpu (webdriver.json)");

    let mut data = wasmtune::wasm::MnistData::new(&banded_digits(200)).unwrap();
    let config = || {
        js_sys::JSON::parse(
            r#"{"mlp": {"input": 784, "hidden": [32], "output": 10, "activation": "relu"},
                "optimizer": {"kind": "adam", "lr": 0.01, "weight_decay": 0},
                "batch_size": 16, "epochs": 2, "dropout": 0, "seed": 2}"#,
        )
        .unwrap()
    };
    let create = |data: &mut wasmtune::wasm::MnistData, backend: &str| {
        JsFuture::from(wasmtune::wasm::MnistTrainer::create(data, 160, 40, config(), backend.into()).unwrap())
    };
    let epoch = |trainer: &JsValue| {
        let f: js_sys::Function = get(trainer, "epoch").dyn_into().unwrap();
        JsFuture::from(f.call0(trainer).unwrap().dyn_into::<js_sys::Promise>().unwrap())
    };

    let forced = create(&mut data, "webgpu").await.unwrap();
    assert_eq!(get(&forced, "backend"), JsValue::from("webgpu"));
    assert!(get(&forced, "adapter").is_string());
    assert!(get(&forced, "fallbackReason").is_undefined());
    epoch(&forced).await.unwrap();
    let second = epoch(&forced).await.unwrap();
    let accuracy = get(&second, "validation_accuracy").as_f64().unwrap();
    assert!(accuracy >= 0.9, "WebGPU in the page: validation accuracy {accuracy} after 2 epochs");

    let auto = create(&mut data, "auto").await.unwrap();
    if fallback.is_truthy() {
        assert_eq!(get(&auto, "backend"), JsValue::from("cpu"));
        assert!(get(&auto, "adapter").is_undefined());
        let reason = get(&auto, "fallbackReason").as_string().expect("auto says why it trains on the CPU");
        assert!(reason.contains("software fallback"), "{reason}");
    } else {
        assert_eq!(get(&auto, "backend"), JsValue::from("webgpu"));
    }
    assert!(epoch(&auto).await.is_ok());
}
