//! The engine's one error type.
//!
//! Every message is written for the person who caused it: it names the offending value and, where
//! it helps, the rule it broke, because the same text reaches a JS exception, a CLI's stderr and a
//! Rust caller unchanged.

/// Everything the engine can refuse.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A distribution's parameters break one of Optuna's rules (bounds, log, step, choices).
    #[error("invalid distribution: {0}")]
    InvalidDistribution(String),
    /// The same parameter name was asked again with a distribution it cannot share.
    #[error("parameter '{name}': {reason}")]
    IncompatibleDistribution {
        /// The parameter's name.
        name: String,
        /// Why the two distributions cannot share it.
        reason: String,
    },
    /// A value does not belong to the distribution it was given for.
    #[error("parameter '{name}': value {value} is not in {distribution}")]
    ValueOutOfDistribution {
        /// The parameter's name.
        name: String,
        /// The offending value, as JSON.
        value: String,
        /// The distribution, as Optuna's JSON.
        distribution: String,
    },
    /// No trial with this number exists in the study.
    #[error("unknown trial number {0}")]
    UnknownTrial(u64),
    /// The trial already ended, so it cannot be changed.
    #[error("trial {number} is already finished (state {state}); it cannot be changed")]
    TrialFinished {
        /// The trial's number.
        number: u64,
        /// The state it ended in.
        state: String,
    },
    /// An option, argument or call that makes no sense (wrong count of values, unknown option...).
    #[error("{0}")]
    InvalidArgument(String),
    /// A sampler or pruner name that the registry does not know.
    #[error("unknown {kind} '{name}'; known: {known}")]
    UnknownName {
        /// "sampler" or "pruner".
        kind: &'static str,
        /// The name that was asked for.
        name: String,
        /// The names that exist, comma separated.
        known: String,
    },
    /// Malformed JSON, with serde's description of where.
    #[error("invalid JSON: {0}")]
    Json(String),
    /// The study has no completed trial yet, so there is no best one.
    #[error("no trial has completed yet")]
    NoCompletedTrial,
    /// The trainer's arithmetic failed (a tensor library or GPU error), with its description.
    #[error("training failed: {0}")]
    Training(String),
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Json(e.to_string())
    }
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
