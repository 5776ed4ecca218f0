//! The study both storage round-trip tests write through the library (`tests/engine/journal.rs` into a
//! journal, `tests/engine/rdb.rs` into a database): two objectives, every distribution kind, study and
//! trial user attributes, metric names, a failed trial and an enqueued one.

#![allow(dead_code)]

use serde_json::json;
use wasmtune::samplers::RandomSampler;
use wasmtune::storage::Storage;
use wasmtune::{ObjectiveError, ParamValue, Study, StudyDirection};

/// Writes the study "written-by-wasmtune" into `storage`: four trials (trial 2 fails) and one
/// enqueued. A trial whose categorical `c` is null gets `null_bonus` added to its second value,
/// so that a caller can put an infinity among the values.
pub fn write_reference_study(storage: Box<dyn Storage>, null_bonus: f64) -> Study {
    let mut s = Study::builder()
        .name("written-by-wasmtune")
        .directions(vec![StudyDirection::Minimize, StudyDirection::Maximize])
        .sampler(Box::new(RandomSampler::seeded(3)))
        .storage(storage)
        .build()
        .unwrap();
    s.set_user_attr("owner", json!({"k": [1, 2]})).unwrap();
    s.set_metric_names(vec!["loss".into(), "acc".into()]).unwrap();
    s.optimize(
        |t| {
            let x = t.suggest_float("x", 0.0, 1.0)?;
            let lr = t.suggest_float_with("lr", 1e-5, 0.1, None, true)?;
            let k = t.suggest_int_with("k", 0, 10, 2, false)?;
            let n = t.suggest_int_with("n", 1, 64, 1, true)?;
            let c =
                t.suggest_categorical("c", vec![ParamValue::Null, true.into(), 1i64.into(), 1.5.into(), "a".into()])?;
            t.set_user_attr("note", json!(format!("trial {}", t.number())))?;
            if t.number() == 2 {
                return Err(ObjectiveError::Failed("boom".into()));
            }
            Ok(vec![x + lr, (k + n) as f64 + if c == ParamValue::Null { null_bonus } else { 0.0 }])
        },
        Some(4),
        None,
    )
    .unwrap();
    s.enqueue_trial([("x".to_string(), ParamValue::Float(0.5))].into_iter().collect(), false).unwrap();
    s
}
