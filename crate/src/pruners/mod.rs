//! Pruners: whether a running trial should stop early, judged from its reports.
//!
//! The [`Pruner`] trait is Optuna's `BasePruner`: one method. Adding a pruner is one file here with
//! an options struct, one line in [`from_name`], one test file.

mod nop;

use serde_json::Value;

pub use nop::NopPruner;

use crate::error::{Error, Result};
use crate::samplers::StudyView;
use crate::trial::FrozenTrial;

/// Optuna's `BasePruner`.
pub trait Pruner {
    /// Whether `trial` (running, with its reports so far) should be pruned now.
    fn prune(&mut self, study: &StudyView, trial: &FrozenTrial) -> Result<bool>;
}

/// The pruner names [`from_name`] knows, as Optuna's class names.
pub const PRUNER_NAMES: &[&str] = &["NopPruner"];

/// Builds a pruner from Optuna's class name and keyword arguments (a JSON object, or null).
pub fn from_name(name: &str, kwargs: &Value) -> Result<Box<dyn Pruner>> {
    match name {
        "NopPruner" => {
            crate::samplers::options::<nop::NopPrunerOptions>(name, kwargs)?;
            Ok(Box::new(NopPruner))
        }
        _ => Err(Error::UnknownName { kind: "pruner", name: name.to_owned(), known: PRUNER_NAMES.join(", ") }),
    }
}
