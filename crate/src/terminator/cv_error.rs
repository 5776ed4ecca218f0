//! `CrossValidationErrorEvaluator`: the statistical error of an objective that is the mean of
//! k cross-validation scores (Optuna 5.0.0's `CrossValidationErrorEvaluator`, the default error
//! evaluator of the terminator), and [`report_cross_validation_scores`] that records them.
//!
//! The error is the standard deviation of the best complete trial's scores scaled by
//! `1/k + 1/(k−1)`: the corrected resampled variance of Nadeau & Bengio 2003 ("Inference for
//! the Generalization Error", Machine Learning 52), with the test/train size ratio 1/(k−1) of
//! k-fold cross-validation; the raw variance of the fold scores would understate the error
//! because folds share training data. The variance is the population one (`np.var`), as Optuna.

use serde_json::Value;

use super::{ErrorEvaluator, complete, signed_value};
use crate::error::{Error, Result};
use crate::study::Study;
use crate::trial::{FrozenTrial, StudyDirection, Trial};

/// The trial system attribute holding the scores (Optuna's key, so journals interoperate).
pub const CV_SCORES_KEY: &str = "terminator:cv_scores";

/// Records a running trial's cross-validation scores (at least two) for
/// [`CrossValidationErrorEvaluator`] (Optuna's `report_cross_validation_scores`).
pub fn report_cross_validation_scores(trial: &mut Trial<'_>, scores: &[f64]) -> Result<()> {
    let number = trial.number();
    report_cross_validation_scores_for(trial.study, number, scores)
}

/// [`report_cross_validation_scores`] for a running trial of `study` by number (ask-and-tell).
pub fn report_cross_validation_scores_for(study: &mut Study, number: u64, scores: &[f64]) -> Result<()> {
    if scores.len() <= 1 {
        return Err(Error::InvalidArgument(format!(
            "report_cross_validation_scores: expected more than one score, got {}",
            scores.len()
        )));
    }
    if let Some(s) = scores.iter().find(|s| !s.is_finite()) {
        return Err(Error::InvalidArgument(format!("report_cross_validation_scores: scores must be finite, got {s}")));
    }
    study.set_trial_system_attr(number, CV_SCORES_KEY, Value::from(scores.to_vec()))
}

/// The cross-validation error evaluator.
#[derive(Debug, Clone, Copy, Default)]
pub struct CrossValidationErrorEvaluator;

impl ErrorEvaluator for CrossValidationErrorEvaluator {
    fn evaluate(&mut self, trials: &[FrozenTrial], direction: StudyDirection) -> Result<f64> {
        let mut best: Option<(&FrozenTrial, f64)> = None;
        for t in complete(trials) {
            let v = signed_value(t, direction)?;
            // The first of tied best trials, as Python's max/min.
            if best.is_none_or(|(_, b)| v > b) {
                best = Some((t, v));
            }
        }
        let (best, _) = best.ok_or_else(|| {
            Error::InvalidArgument("CrossValidationErrorEvaluator: no trial has completed yet".into())
        })?;
        let scores: Vec<f64> = match best.system_attrs.get(CV_SCORES_KEY).and_then(Value::as_array) {
            Some(a) => a.iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).collect(),
            None => {
                return Err(Error::InvalidArgument(format!(
                    "CrossValidationErrorEvaluator: cross-validation scores have not been reported for the best \
                     trial ({}); call report_cross_validation_scores(trial, scores) in the objective, or give the \
                     terminator another error evaluator (StaticErrorEvaluator, MedianErrorEvaluator)",
                    best.number
                )));
            }
        };
        let k = scores.len();
        if k <= 1 || scores.iter().any(|s| !s.is_finite()) {
            return Err(Error::InvalidArgument(format!(
                "CrossValidationErrorEvaluator: trial {} has malformed cross-validation scores",
                best.number
            )));
        }
        let kf = k as f64;
        let mean = scores.iter().sum::<f64>() / kf;
        let var = scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / kf;
        Ok(((1.0 / kf + 1.0 / (kf - 1.0)) * var).sqrt())
    }

    fn name(&self) -> &'static str {
        "CrossValidationErrorEvaluator"
    }
}
