//! The in-memory storage: a vector of studies, each a vector of trials indexed by number.

use indexmap::IndexMap;
use serde_json::Value;

use super::{Storage, StudyId};
use crate::distributions::Distribution;
use crate::error::{Error, Result};
use crate::trial::{FrozenTrial, Param, StudyDirection, TrialState};

#[derive(Debug, Clone)]
struct StudyRecord {
    name: String,
    directions: Vec<StudyDirection>,
    user_attrs: IndexMap<String, Value>,
    system_attrs: IndexMap<String, Value>,
    trials: Vec<FrozenTrial>,
}

/// Studies held in memory; the default storage.
#[derive(Debug, Clone, Default)]
pub struct InMemoryStorage {
    studies: Vec<StudyRecord>,
    next_trial_id: u64,
}

impl InMemoryStorage {
    /// An empty storage.
    pub fn new() -> Self {
        Self::default()
    }

    fn study(&self, id: StudyId) -> Result<&StudyRecord> {
        self.studies.get(id as usize).ok_or_else(|| Error::InvalidArgument(format!("unknown study id {id}")))
    }

    fn study_mut(&mut self, id: StudyId) -> Result<&mut StudyRecord> {
        self.studies.get_mut(id as usize).ok_or_else(|| Error::InvalidArgument(format!("unknown study id {id}")))
    }

    /// A trial that may still change: refuses finished ones so nothing recorded is overwritten.
    fn open_trial(&mut self, id: StudyId, number: u64) -> Result<&mut FrozenTrial> {
        let t = self.study_mut(id)?.trials.get_mut(number as usize).ok_or(Error::UnknownTrial(number))?;
        if t.state.is_finished() {
            return Err(Error::TrialFinished { number, state: t.state.to_string() });
        }
        Ok(t)
    }
}

impl Storage for InMemoryStorage {
    fn create_new_study(&mut self, directions: &[StudyDirection], name: &str) -> Result<StudyId> {
        if directions.is_empty() {
            return Err(Error::InvalidArgument("a study needs at least one direction".into()));
        }
        if self.studies.iter().any(|s| s.name == name) {
            return Err(Error::InvalidArgument(format!("a study named '{name}' already exists")));
        }
        self.studies.push(StudyRecord {
            name: name.to_owned(),
            directions: directions.to_vec(),
            user_attrs: IndexMap::new(),
            system_attrs: IndexMap::new(),
            trials: Vec::new(),
        });
        Ok(self.studies.len() as StudyId - 1)
    }

    fn study_id_by_name(&self, name: &str) -> Option<StudyId> {
        self.studies.iter().position(|s| s.name == name).map(|i| i as StudyId)
    }

    fn studies(&self) -> Vec<(StudyId, String)> {
        self.studies.iter().enumerate().map(|(i, s)| (i as StudyId, s.name.clone())).collect()
    }

    fn study_directions(&self, study: StudyId) -> Result<&[StudyDirection]> {
        Ok(&self.study(study)?.directions)
    }

    fn set_study_user_attr(&mut self, study: StudyId, key: &str, value: Value) -> Result<()> {
        self.study_mut(study)?.user_attrs.insert(key.to_owned(), value);
        Ok(())
    }

    fn set_study_system_attr(&mut self, study: StudyId, key: &str, value: Value) -> Result<()> {
        self.study_mut(study)?.system_attrs.insert(key.to_owned(), value);
        Ok(())
    }

    fn study_user_attrs(&self, study: StudyId) -> Result<&IndexMap<String, Value>> {
        Ok(&self.study(study)?.user_attrs)
    }

    fn study_system_attrs(&self, study: StudyId) -> Result<&IndexMap<String, Value>> {
        Ok(&self.study(study)?.system_attrs)
    }

    fn create_new_trial(&mut self, study: StudyId, template: Option<FrozenTrial>) -> Result<u64> {
        let trial_id = self.next_trial_id;
        let s = self.study_mut(study)?;
        let number = s.trials.len() as u64;
        let mut t = template.unwrap_or_else(|| FrozenTrial::new(0, 0, TrialState::Running));
        t.number = number;
        t.trial_id = trial_id;
        s.trials.push(t);
        self.next_trial_id += 1;
        Ok(number)
    }

    fn set_trial_param(
        &mut self,
        study: StudyId,
        number: u64,
        name: &str,
        internal: f64,
        d: &Distribution,
    ) -> Result<()> {
        let t = self.open_trial(study, number)?;
        t.params.insert(name.to_owned(), Param { distribution: d.clone(), internal });
        Ok(())
    }

    fn set_trial_state_values(
        &mut self,
        study: StudyId,
        number: u64,
        state: TrialState,
        values: Option<Vec<f64>>,
        now: Option<f64>,
    ) -> Result<bool> {
        let t = self.open_trial(study, number)?;
        if state == TrialState::Running && t.state != TrialState::Waiting {
            return Ok(false);
        }
        t.state = state;
        if values.is_some() {
            t.values = values;
        }
        if state == TrialState::Running {
            t.datetime_start = now;
        } else if state.is_finished() {
            t.datetime_complete = now;
        }
        Ok(true)
    }

    fn set_trial_intermediate_value(&mut self, study: StudyId, number: u64, step: u64, value: f64) -> Result<()> {
        self.open_trial(study, number)?.intermediate_values.insert(step, value);
        Ok(())
    }

    fn set_trial_user_attr(&mut self, study: StudyId, number: u64, key: &str, value: Value) -> Result<()> {
        self.open_trial(study, number)?.user_attrs.insert(key.to_owned(), value);
        Ok(())
    }

    fn set_trial_system_attr(&mut self, study: StudyId, number: u64, key: &str, value: Value) -> Result<()> {
        self.open_trial(study, number)?.system_attrs.insert(key.to_owned(), value);
        Ok(())
    }

    fn trial(&self, study: StudyId, number: u64) -> Result<&FrozenTrial> {
        self.study(study)?.trials.get(number as usize).ok_or(Error::UnknownTrial(number))
    }

    fn trials(&self, study: StudyId) -> Result<&[FrozenTrial]> {
        Ok(&self.study(study)?.trials)
    }
}
