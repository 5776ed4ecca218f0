//! Optuna's `JournalStorage` format: JSON Lines, one operation per line with `op_code` and
//! `worker_id`, ids implied by record order. Reading replays every operation into an
//! [`InMemoryStorage`]; every change made afterwards is applied the same way and appended as a
//! record, so a journal written here loads in Optuna and the other way round.
//!
//! Op codes (Optuna 5.0): 0 create study, 1 delete study, 2/3 study user/system attribute,
//! 4 create trial (possibly from a template with state, values, params, attributes), 5 set
//! trial param (distribution as a JSON string, internal value), 6 set state and values (with
//! timestamps), 7 intermediate value, 8/9 trial user/system attribute. As Optuna's reader, a last
//! line without its newline is ignored (a writer may be half-way through it). Lines that cannot be
//! applied — unknown op codes, wrong types, ids out of range — are skipped and counted in the
//! [`ReplayReport`], never fatal: nothing valid is lost because of them.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde_json::{Map, Value, json};

use super::{InMemoryStorage, Storage, StudyId};
use crate::distributions::Distribution;
use crate::error::{Error, Result};
use crate::trial::{FrozenTrial, Param, StudyDirection, TrialState};

/// Where journal lines go.
pub trait JournalBackend {
    /// Appends complete lines (without their newline) atomically with respect to other writers.
    fn append(&mut self, lines: &[String]) -> Result<()>;
}

/// Lines kept in memory (the page persists them elsewhere; tests read them back).
#[derive(Debug, Clone, Default)]
pub struct MemoryBackend {
    /// Every line appended so far.
    pub lines: Vec<String>,
}

impl JournalBackend for MemoryBackend {
    fn append(&mut self, lines: &[String]) -> Result<()> {
        self.lines.extend_from_slice(lines);
        Ok(())
    }
}

/// Lines kept in memory and shared with whoever holds a clone: the bindings hand new lines to the
/// page (which persists them in IndexedDB) while the study keeps writing.
#[derive(Debug, Clone, Default)]
pub struct SharedBackend {
    lines: std::rc::Rc<std::cell::RefCell<Vec<String>>>,
}

impl SharedBackend {
    /// A new, empty journal.
    pub fn new() -> Self {
        Self::default()
    }

    /// Lines from `from` on (the caller remembers how many it has taken).
    pub fn lines_from(&self, from: usize) -> Vec<String> {
        self.lines.borrow().get(from..).map(<[String]>::to_vec).unwrap_or_default()
    }

    /// How many lines were appended so far.
    pub fn len(&self) -> usize {
        self.lines.borrow().len()
    }

    /// Whether nothing was appended yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl JournalBackend for SharedBackend {
    fn append(&mut self, lines: &[String]) -> Result<()> {
        self.lines.borrow_mut().extend_from_slice(lines);
        Ok(())
    }
}

/// A journal file, appended under an exclusive lock file (`<path>.lock`, created with
/// `create_new`, as Optuna's `JournalFileOpenLock`), so concurrent processes never interleave.
#[derive(Debug, Clone)]
pub struct FileBackend {
    path: PathBuf,
    /// The caller holds the lock for a whole read-change-write (see [`FileBackend::with_lock`]).
    held: bool,
}

impl FileBackend {
    /// A backend for `path` (created on the first append).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileBackend { path: path.into(), held: false }
    }

    /// Runs `f` with a backend whose lock is held throughout, so that reading the journal,
    /// deciding (say, the next trial number) and appending are one step for concurrent processes.
    pub fn with_lock<T>(path: impl Into<PathBuf>, f: impl FnOnce(FileBackend) -> Result<T>) -> Result<T> {
        let outer = FileBackend::new(path);
        let inner = FileBackend { path: outer.path.clone(), held: true };
        outer.locked(|| f(inner))
    }

    /// The file's complete text, or empty when it does not exist yet.
    pub fn read(&self) -> Result<String> {
        let mut s = String::new();
        match File::open(&self.path) {
            Ok(mut f) => {
                f.read_to_string(&mut s).map_err(|e| io_err(&self.path, e))?;
                Ok(s)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(s),
            Err(e) => Err(io_err(&self.path, e)),
        }
    }

    /// Runs `f` while holding the lock file.
    pub fn locked<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let lock = lock_path(&self.path);
        let mut waited = 0u32;
        loop {
            match OpenOptions::new().write(true).create_new(true).open(&lock) {
                Ok(_) => break,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && waited < 30_000 => {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                    waited += 1;
                }
                Err(e) => return Err(io_err(&lock, e)),
            }
        }
        let out = f();
        let _ = std::fs::remove_file(&lock);
        out
    }
}

fn lock_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".lock");
    PathBuf::from(p)
}

fn io_err(path: &Path, e: std::io::Error) -> Error {
    Error::InvalidArgument(format!("{}: {e}", path.display()))
}

impl JournalBackend for FileBackend {
    fn append(&mut self, lines: &[String]) -> Result<()> {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let write = || {
            let mut f =
                OpenOptions::new().create(true).append(true).open(&self.path).map_err(|e| io_err(&self.path, e))?;
            f.write_all(text.as_bytes()).map_err(|e| io_err(&self.path, e))
        };
        if self.held { write() } else { self.locked(write) }
    }
}

/// What a replay could not apply.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReplayReport {
    /// Records applied.
    pub applied: usize,
    /// `(line number, reason)` for every record skipped.
    pub skipped: Vec<(usize, String)>,
}

/// A storage whose every change is also a journal record.
pub struct JournalStorage<B: JournalBackend> {
    mem: InMemoryStorage,
    backend: B,
    worker_id: String,
    /// Storage-wide trial id → (study, number).
    trial_ids: Vec<(StudyId, u64)>,
    /// Journal study id (creation order, deleted ones included) → our study id.
    study_ids: Vec<Option<StudyId>>,
}

fn direction_code(d: StudyDirection) -> u8 {
    match d {
        StudyDirection::Minimize => 1,
        StudyDirection::Maximize => 2,
    }
}

/// Milliseconds since the epoch as Optuna writes datetimes (ISO 8601, UTC offset).
pub fn iso_from_ms(ms: f64) -> Option<String> {
    let micros = (ms * 1000.0).round() as i64;
    let dt = chrono::DateTime::from_timestamp_micros(micros)?;
    Some(dt.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string())
}

/// Optuna's ISO datetimes (with an offset, or naive meaning UTC) as milliseconds since the epoch.
pub fn ms_from_iso(s: &str) -> Option<f64> {
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp_micros() as f64 / 1000.0);
    }
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    Some(naive.and_utc().timestamp_micros() as f64 / 1000.0)
}

impl<B: JournalBackend> JournalStorage<B> {
    /// Replays `text` (a whole journal) and continues appending to `backend`, as `worker_id`.
    pub fn open(text: &str, backend: B, worker_id: &str) -> (Self, ReplayReport) {
        let mut s = JournalStorage {
            mem: InMemoryStorage::new(),
            backend,
            worker_id: worker_id.to_owned(),
            trial_ids: Vec::new(),
            study_ids: Vec::new(),
        };
        let mut report = ReplayReport::default();
        // As Optuna's reader: only newline-terminated lines are complete.
        let complete = match text.rfind('\n') {
            Some(i) => &text[..=i],
            None => "",
        };
        for (i, line) in complete.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Value>(line).map_err(Error::from).and_then(|v| s.apply(&v)) {
                Ok(()) => report.applied += 1,
                Err(e) => report.skipped.push((i + 1, e.to_string())),
            }
        }
        (s, report)
    }

    /// The backend (to read the lines of a memory journal, say).
    pub fn backend(&self) -> &B {
        &self.backend
    }

    fn write(&mut self, op_code: u8, fields: Value) -> Result<()> {
        let mut record = Map::new();
        record.insert("op_code".into(), op_code.into());
        record.insert("worker_id".into(), self.worker_id.clone().into());
        if let Value::Object(f) = fields {
            record.extend(f);
        }
        self.backend.append(&[Value::Object(record).to_string()])
    }

    fn trial_id(&self, study: StudyId, number: u64) -> Result<u64> {
        Ok(self.mem.trial(study, number)?.trial_id)
    }

    fn journal_study_id(&self, study: StudyId) -> u64 {
        self.study_ids.iter().position(|s| *s == Some(study)).unwrap_or(study as usize) as u64
    }

    fn resolve_trial(&self, v: &Value) -> Result<(StudyId, u64)> {
        let id = v.get("trial_id").and_then(Value::as_u64).ok_or_else(|| bad("trial_id must be an integer"))?;
        self.trial_ids.get(id as usize).copied().ok_or_else(|| bad(&format!("trial_id {id} does not exist")))
    }

    fn resolve_study(&self, v: &Value) -> Result<StudyId> {
        let id = v.get("study_id").and_then(Value::as_u64).ok_or_else(|| bad("study_id must be an integer"))?;
        self.study_ids.get(id as usize).copied().flatten().ok_or_else(|| bad(&format!("study_id {id} does not exist")))
    }

    /// Applies one record to the in-memory state (not to the backend).
    fn apply(&mut self, v: &Value) -> Result<()> {
        let op = v.get("op_code").and_then(Value::as_u64).ok_or_else(|| bad("op_code must be an integer"))?;
        let one_attr = |key: &str| -> Result<(String, Value)> {
            let m = v
                .get(key)
                .and_then(Value::as_object)
                .filter(|m| m.len() == 1)
                .ok_or_else(|| bad(&format!("{key} must be an object with one entry")))?;
            let (k, val) = m.iter().next().expect("one entry");
            Ok((k.clone(), val.clone()))
        };
        match op {
            0 => {
                let name =
                    v.get("study_name").and_then(Value::as_str).ok_or_else(|| bad("study_name must be a string"))?;
                let directions = v
                    .get("directions")
                    .and_then(Value::as_array)
                    .ok_or_else(|| bad("directions must be an array"))?
                    .iter()
                    .map(|d| match d.as_u64() {
                        Some(1) => Ok(StudyDirection::Minimize),
                        Some(2) => Ok(StudyDirection::Maximize),
                        _ => Err(bad(&format!("unknown direction {d}"))),
                    })
                    .collect::<Result<Vec<_>>>()?;
                // As Optuna, a second study of the same name is ignored.
                if self.mem.study_id_by_name(name).is_some() {
                    return Err(bad(&format!("a study named '{name}' already exists")));
                }
                let id = self.mem.create_new_study(&directions, name)?;
                self.study_ids.push(Some(id));
            }
            1 => {
                let id = v.get("study_id").and_then(Value::as_u64).ok_or_else(|| bad("study_id must be an integer"))?;
                let slot = self.study_ids.get_mut(id as usize).ok_or_else(|| bad("study_id does not exist"))?;
                // The trials stay in memory (their ids still count); the study is gone by name.
                *slot = None;
            }
            2 => {
                let (study, (k, val)) = (self.resolve_study(v)?, one_attr("user_attr")?);
                self.mem.set_study_user_attr(study, &k, val)?;
            }
            3 => {
                let (study, (k, val)) = (self.resolve_study(v)?, one_attr("system_attr")?);
                self.mem.set_study_system_attr(study, &k, val)?;
            }
            4 => {
                let study = self.resolve_study(v)?;
                let template = trial_from_record(v)?;
                check_values(template.state, template.values.as_deref(), self.mem.study_directions(study)?.len())?;
                let number = self.mem.create_new_trial(study, Some(template))?;
                self.trial_ids.push((study, number));
            }
            5 => {
                let (study, number) = self.resolve_trial(v)?;
                let name =
                    v.get("param_name").and_then(Value::as_str).ok_or_else(|| bad("param_name must be a string"))?;
                let internal = v
                    .get("param_value_internal")
                    .and_then(Value::as_f64)
                    .ok_or_else(|| bad("param_value_internal must be a number"))?;
                let d = v
                    .get("distribution")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad("distribution must be a JSON string"))?;
                let d = Distribution::from_json_str(d)?;
                if !d.contains(internal) && !matches!(d, Distribution::Float(_) | Distribution::Int(_)) {
                    return Err(bad(&format!("value {internal} is not in {d}")));
                }
                self.mem.set_trial_param(study, number, name, internal, &d)?;
            }
            6 => {
                let (study, number) = self.resolve_trial(v)?;
                let code = v.get("state").and_then(Value::as_u64).ok_or_else(|| bad("state must be an integer"))?;
                let state = TrialState::from_code(code as u8).ok_or_else(|| bad(&format!("unknown state {code}")))?;
                let values = match v.get("values") {
                    None | Some(Value::Null) => None,
                    Some(Value::Array(a)) => Some(
                        a.iter()
                            .map(|x| x.as_f64().ok_or_else(|| bad("values must be numbers")))
                            .collect::<Result<Vec<_>>>()?,
                    ),
                    Some(_) => return Err(bad("values must be an array or null")),
                };
                let time_key = if state == TrialState::Running { "datetime_start" } else { "datetime_complete" };
                let now = v.get(time_key).and_then(Value::as_str).and_then(ms_from_iso);
                let current = self.mem.trial(study, number)?.state;
                if state == TrialState::Running && current == TrialState::Running {
                    return Ok(());
                }
                if state == TrialState::Running && current != TrialState::Waiting {
                    return Err(bad("only a waiting trial can start running"));
                }
                check_values(state, values.as_deref(), self.mem.study_directions(study)?.len())?;
                self.mem.set_trial_state_values(study, number, state, values, now)?;
            }
            7 => {
                let (study, number) = self.resolve_trial(v)?;
                let step =
                    v.get("step").and_then(Value::as_u64).ok_or_else(|| bad("step must be a non-negative integer"))?;
                let value = v
                    .get("intermediate_value")
                    .map_or(Some(f64::NAN), |x| if x.is_null() { Some(f64::NAN) } else { x.as_f64() })
                    .ok_or_else(|| bad("intermediate_value must be a number"))?;
                self.mem.set_trial_intermediate_value(study, number, step, value)?;
            }
            8 => {
                let ((study, number), (k, val)) = (self.resolve_trial(v)?, one_attr("user_attr")?);
                self.mem.set_trial_user_attr(study, number, &k, val)?;
            }
            9 => {
                let ((study, number), (k, val)) = (self.resolve_trial(v)?, one_attr("system_attr")?);
                self.mem.set_trial_system_attr(study, number, &k, val)?;
            }
            _ => return Err(bad(&format!("unknown op_code {op}"))),
        }
        Ok(())
    }
}

/// A complete trial holds one value per objective: everything downstream (best trial, Pareto
/// front, samplers) relies on it, so a record breaking it is refused (found by fuzzing).
fn check_values(state: TrialState, values: Option<&[f64]>, n_objectives: usize) -> Result<()> {
    match values {
        _ if state != TrialState::Complete => Ok(()),
        Some(v) if v.len() == n_objectives => Ok(()),
        other => Err(bad(&format!(
            "a complete trial needs {n_objectives} value(s), one per objective, got {}",
            other.map_or("none".to_owned(), |v| v.len().to_string())
        ))),
    }
}

fn bad(msg: &str) -> Error {
    Error::InvalidArgument(format!("journal record: {msg}"))
}

/// A trial template from a create-trial record (op 4).
fn trial_from_record(v: &Value) -> Result<FrozenTrial> {
    let state = match v.get("state") {
        None => TrialState::Running,
        Some(s) => TrialState::from_code(s.as_u64().ok_or_else(|| bad("state must be an integer"))? as u8)
            .ok_or_else(|| bad("unknown state"))?,
    };
    let mut t = FrozenTrial::new(0, 0, state);
    t.datetime_start = v.get("datetime_start").and_then(Value::as_str).and_then(ms_from_iso);
    t.datetime_complete = v.get("datetime_complete").and_then(Value::as_str).and_then(ms_from_iso);
    let obj = |key: &str| -> Result<Option<&Map<String, Value>>> {
        match v.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(_) => Err(bad(&format!("{key} must be an object"))),
        }
    };
    let mut dists: IndexMap<String, Distribution> = IndexMap::new();
    if let Some(m) = obj("distributions")? {
        for (k, d) in m {
            let d = match d {
                Value::String(s) => Distribution::from_json_str(s)?,
                other => Distribution::from_json(other)?,
            };
            dists.insert(k.clone(), d);
        }
    }
    if let Some(m) = obj("params")? {
        for (k, p) in m {
            let d = dists.get(k).ok_or_else(|| bad(&format!("param '{k}' has no distribution")))?.clone();
            let internal = p.as_f64().ok_or_else(|| bad("params must hold internal (numeric) values"))?;
            t.params.insert(k.clone(), Param { distribution: d, internal });
        }
    }
    if let Some(m) = obj("user_attrs")? {
        t.user_attrs = m.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    }
    if let Some(m) = obj("system_attrs")? {
        t.system_attrs = m.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    }
    if let Some(m) = obj("intermediate_values")? {
        for (k, x) in m {
            let step: u64 = k.parse().map_err(|_| bad(&format!("intermediate step '{k}' is not an integer")))?;
            t.intermediate_values.insert(
                step,
                if x.is_null() {
                    f64::NAN
                } else {
                    x.as_f64().ok_or_else(|| bad("intermediate values must be numbers"))?
                },
            );
        }
    }
    t.values = match (v.get("values"), v.get("value")) {
        (Some(Value::Array(a)), _) => {
            Some(a.iter().map(|x| x.as_f64().ok_or_else(|| bad("values must be numbers"))).collect::<Result<_>>()?)
        }
        (_, Some(x)) if x.is_number() => Some(vec![x.as_f64().expect("number")]),
        _ => None,
    };
    Ok(t)
}

/// The create-trial record (op 4) for a template, in Optuna's form.
fn trial_record(study_id: u64, t: &FrozenTrial) -> Value {
    let start = t.datetime_start.and_then(iso_from_ms);
    if t.state == TrialState::Running && t.params.is_empty() && t.user_attrs.is_empty() && t.system_attrs.is_empty() {
        return json!({"study_id": study_id, "datetime_start": start});
    }
    let mut r = json!({
        "study_id": study_id,
        "datetime_start": start,
        "state": t.state.code(),
        "value": t.value(),
        "values": t.values,
        "distributions": t.params.iter().map(|(k, p)| (k.clone(), Value::String(p.distribution.to_json_string()))).collect::<Map<_, _>>(),
        "params": t.params.iter().map(|(k, p)| (k.clone(), json!(p.internal))).collect::<Map<_, _>>(),
        "user_attrs": t.user_attrs,
        "system_attrs": t.system_attrs,
        "intermediate_values": t.intermediate_values.iter().map(|(s, v)| (s.to_string(), json!(v))).collect::<Map<_, _>>(),
    });
    if t.state.is_finished() {
        r["datetime_complete"] = json!(t.datetime_complete.and_then(iso_from_ms));
    }
    r
}

impl<B: JournalBackend> Storage for JournalStorage<B> {
    fn create_new_study(&mut self, directions: &[StudyDirection], name: &str) -> Result<StudyId> {
        let id = self.mem.create_new_study(directions, name)?;
        self.study_ids.push(Some(id));
        let codes: Vec<u8> = directions.iter().map(|d| direction_code(*d)).collect();
        self.write(0, json!({"study_name": name, "directions": codes}))?;
        Ok(id)
    }
    fn study_id_by_name(&self, name: &str) -> Option<StudyId> {
        let id = self.mem.study_id_by_name(name)?;
        self.study_ids.contains(&Some(id)).then_some(id)
    }
    fn studies(&self) -> Vec<(StudyId, String)> {
        self.mem.studies().into_iter().filter(|(id, _)| self.study_ids.contains(&Some(*id))).collect()
    }
    fn study_directions(&self, study: StudyId) -> Result<&[StudyDirection]> {
        self.mem.study_directions(study)
    }
    fn set_study_user_attr(&mut self, study: StudyId, key: &str, value: Value) -> Result<()> {
        self.mem.set_study_user_attr(study, key, value.clone())?;
        let id = self.journal_study_id(study);
        self.write(2, json!({"study_id": id, "user_attr": {key: value}}))
    }
    fn set_study_system_attr(&mut self, study: StudyId, key: &str, value: Value) -> Result<()> {
        self.mem.set_study_system_attr(study, key, value.clone())?;
        let id = self.journal_study_id(study);
        self.write(3, json!({"study_id": id, "system_attr": {key: value}}))
    }
    fn study_user_attrs(&self, study: StudyId) -> Result<&IndexMap<String, Value>> {
        self.mem.study_user_attrs(study)
    }
    fn study_system_attrs(&self, study: StudyId) -> Result<&IndexMap<String, Value>> {
        self.mem.study_system_attrs(study)
    }
    fn create_new_trial(&mut self, study: StudyId, template: Option<FrozenTrial>) -> Result<u64> {
        let number = self.mem.create_new_trial(study, template)?;
        self.trial_ids.push((study, number));
        let record = trial_record(self.journal_study_id(study), self.mem.trial(study, number)?);
        self.write(4, record)?;
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
        self.mem.set_trial_param(study, number, name, internal, d)?;
        let id = self.trial_id(study, number)?;
        self.write(5, json!({"trial_id": id, "param_name": name, "param_value_internal": internal, "distribution": d.to_json_string()}))
    }
    fn set_trial_state_values(
        &mut self,
        study: StudyId,
        number: u64,
        state: TrialState,
        values: Option<Vec<f64>>,
        now: Option<f64>,
    ) -> Result<bool> {
        if !self.mem.set_trial_state_values(study, number, state, values.clone(), now)? {
            return Ok(false);
        }
        let id = self.trial_id(study, number)?;
        let mut r = json!({"trial_id": id, "state": state.code(), "values": values});
        let time = now.and_then(iso_from_ms);
        if state == TrialState::Running {
            r["datetime_start"] = json!(time);
        } else if state.is_finished() {
            r["datetime_complete"] = json!(time);
        }
        self.write(6, r)?;
        Ok(true)
    }
    fn set_trial_intermediate_value(&mut self, study: StudyId, number: u64, step: u64, value: f64) -> Result<()> {
        self.mem.set_trial_intermediate_value(study, number, step, value)?;
        let id = self.trial_id(study, number)?;
        // JSON has no NaN; Optuna's reader takes null for it.
        let v = if value.is_finite() { json!(value) } else { Value::Null };
        self.write(7, json!({"trial_id": id, "step": step, "intermediate_value": v}))
    }
    fn set_trial_user_attr(&mut self, study: StudyId, number: u64, key: &str, value: Value) -> Result<()> {
        self.mem.set_trial_user_attr(study, number, key, value.clone())?;
        let id = self.trial_id(study, number)?;
        self.write(8, json!({"trial_id": id, "user_attr": {key: value}}))
    }
    fn set_trial_system_attr(&mut self, study: StudyId, number: u64, key: &str, value: Value) -> Result<()> {
        self.mem.set_trial_system_attr(study, number, key, value.clone())?;
        let id = self.trial_id(study, number)?;
        self.write(9, json!({"trial_id": id, "system_attr": {key: value}}))
    }
    fn trial(&self, study: StudyId, number: u64) -> Result<&FrozenTrial> {
        self.mem.trial(study, number)
    }
    fn trials(&self, study: StudyId) -> Result<&[FrozenTrial]> {
        self.mem.trials(study)
    }
}
