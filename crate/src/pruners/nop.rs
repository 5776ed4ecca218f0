//! `NopPruner`: never prunes (Optuna's `NopPruner`), the default.

use serde::Deserialize;

use super::Pruner;
use crate::error::Result;
use crate::samplers::{StudyView, SystemAttrs};
use crate::trial::FrozenTrial;

/// `NopPruner` takes no options; this empty struct makes any given option an error.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NopPrunerOptions {}

/// Never prunes.
#[derive(Debug, Clone, Copy, Default)]
pub struct NopPruner;

impl Pruner for NopPruner {
    fn prune(&mut self, _study: &StudyView, _trial: &FrozenTrial, _attrs: &mut SystemAttrs) -> Result<bool> {
        Ok(false)
    }
}
