//! `StaticErrorEvaluator`: a fixed error threshold (Optuna 5.0.0's `StaticErrorEvaluator`), for
//! objectives without cross-validation scores: the study stops once the improvement estimate
//! falls below a constant the user chose in the objective's units.

use serde::Deserialize;

use super::ErrorEvaluator;
use crate::error::{Error, Result};
use crate::trial::{FrozenTrial, StudyDirection};

/// Options, with Optuna's keyword name. Optuna requires `constant`; the default here (0) is
/// what the terminator pairs with [`BestValueStagnationEvaluator`](super::BestValueStagnationEvaluator).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StaticErrorOptions {
    /// The error estimate returned every time.
    pub constant: f64,
}

/// The constant error evaluator.
#[derive(Debug, Clone, Default)]
pub struct StaticErrorEvaluator {
    constant: f64,
}

impl StaticErrorEvaluator {
    /// Checks the options: `constant` must not be NaN.
    pub fn new(options: StaticErrorOptions) -> Result<Self> {
        if options.constant.is_nan() {
            return Err(Error::InvalidArgument("StaticErrorEvaluator: constant must be a number, got NaN".into()));
        }
        Ok(StaticErrorEvaluator { constant: options.constant })
    }

    /// An evaluator returning `constant`.
    pub fn constant(constant: f64) -> Result<Self> {
        Self::new(StaticErrorOptions { constant })
    }
}

impl ErrorEvaluator for StaticErrorEvaluator {
    fn evaluate(&mut self, _trials: &[FrozenTrial], _direction: StudyDirection) -> Result<f64> {
        Ok(self.constant)
    }

    fn name(&self) -> &'static str {
        "StaticErrorEvaluator"
    }
}
