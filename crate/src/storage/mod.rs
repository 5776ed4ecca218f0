//! Storage: the single source of truth for studies and their trials.
//!
//! The operations mirror Optuna's storage API (and so its journal's op codes): a study is created
//! with directions, trials are created (possibly from a template, for enqueued trials), and then
//! changed one field at a time. Every backend — memory, the Optuna journal, Optuna's RDB schema (feature `rdb`) — implements
//! this trait, so persistence, export and the CLI all see the same records.

pub mod journal;
mod memory;
#[cfg(all(feature = "rdb", not(target_arch = "wasm32")))]
pub mod rdb;

pub use journal::{FileBackend, JournalBackend, JournalStorage, MemoryBackend, ReplayReport, SharedBackend};
pub use memory::InMemoryStorage;

use serde_json::Value;

use crate::distributions::Distribution;
use crate::error::Result;
use crate::trial::{FrozenTrial, StudyDirection, TrialState};

/// A storage-wide study id (Optuna's `study_id`).
pub type StudyId = u64;

/// What a storage backend must do. Timestamps come in as arguments: the study owns the clock.
pub trait Storage {
    /// Creates a study and returns its id. Names are unique within a storage.
    fn create_new_study(&mut self, directions: &[StudyDirection], name: &str) -> Result<StudyId>;
    /// The id of the study named `name`, if it exists.
    fn study_id_by_name(&self, name: &str) -> Option<StudyId>;
    /// Names and ids of every study, in creation order.
    fn studies(&self) -> Vec<(StudyId, String)>;
    /// The study's objective directions.
    fn study_directions(&self, study: StudyId) -> Result<&[StudyDirection]>;
    /// Sets a study-level user attribute.
    fn set_study_user_attr(&mut self, study: StudyId, key: &str, value: Value) -> Result<()>;
    /// Sets a study-level system attribute.
    fn set_study_system_attr(&mut self, study: StudyId, key: &str, value: Value) -> Result<()>;
    /// Study-level user attributes.
    fn study_user_attrs(&self, study: StudyId) -> Result<&indexmap::IndexMap<String, Value>>;
    /// Study-level system attributes.
    fn study_system_attrs(&self, study: StudyId) -> Result<&indexmap::IndexMap<String, Value>>;
    /// Creates a trial, from `template` when given (its number and id are assigned here), and
    /// returns its number in the study.
    fn create_new_trial(&mut self, study: StudyId, template: Option<FrozenTrial>) -> Result<u64>;
    /// Records a parameter.
    fn set_trial_param(
        &mut self,
        study: StudyId,
        number: u64,
        name: &str,
        internal: f64,
        d: &Distribution,
    ) -> Result<()>;
    /// Moves a trial to `state` with `values`; `now` stamps the start (running) or the end (finished).
    /// Returns false when the change was refused because the trial is no longer waiting (used to
    /// claim enqueued trials safely).
    fn set_trial_state_values(
        &mut self,
        study: StudyId,
        number: u64,
        state: TrialState,
        values: Option<Vec<f64>>,
        now: Option<f64>,
    ) -> Result<bool>;
    /// Records a report.
    fn set_trial_intermediate_value(&mut self, study: StudyId, number: u64, step: u64, value: f64) -> Result<()>;
    /// Sets a trial's user attribute.
    fn set_trial_user_attr(&mut self, study: StudyId, number: u64, key: &str, value: Value) -> Result<()>;
    /// Sets a trial's system attribute.
    fn set_trial_system_attr(&mut self, study: StudyId, number: u64, key: &str, value: Value) -> Result<()>;
    /// One trial by number.
    fn trial(&self, study: StudyId, number: u64) -> Result<&FrozenTrial>;
    /// All trials of a study, in number order.
    fn trials(&self, study: StudyId) -> Result<&[FrozenTrial]>;
    /// Brings the study's view up to date with what other workers wrote (a shared database);
    /// [`crate::Study::ask`] calls it before deciding anything. Storages only this process
    /// writes have nothing to do.
    fn refresh(&mut self, _study: StudyId) -> Result<()> {
        Ok(())
    }
}
