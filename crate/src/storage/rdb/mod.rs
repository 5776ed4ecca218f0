//! Optuna's RDB storage: studies in SQLite (embedded, one file) or PostgreSQL (many machines),
//! in Optuna 5.0.0's own schema, so Optuna, optuna-dashboard and wasmtune share one database.
//!
//! The pattern is the journal's: the storage keeps the studies in memory (the engine reads
//! trials by reference) and writes every change as SQL at once, each in its own transaction.
//! What other workers wrote comes in at [`Storage::refresh`], which [`crate::Study::ask`] calls
//! before each trial: new trials, and the unfinished ones again (finished trials never change,
//! so they are read once).
//!
//! Concurrency is Optuna's: a trial's number is the count of its study's trials with a smaller
//! `trial_id`, computed while the study's row is locked (`SELECT ... FOR UPDATE`, as Optuna
//! locks it; SQLite's `BEGIN IMMEDIATE` serializes writers anyway); an enqueued trial goes to
//! whoever's `UPDATE ... WHERE state = 'WAITING'` changes a row; every write to a trial first
//! checks, under lock, that it is unfinished, so a trial failed by another worker's stale-trial
//! check is never silently completed. Heartbeats ([`RdbStorage::set_heartbeat`]) are Optuna's:
//! a row per running trial in `trial_heartbeats` stamped with the database's clock, and trials
//! whose stamp is older than the grace period are failed when a worker starts a trial.

mod postgres;
mod schema;
mod sql;
mod sqlite;
mod url;

use std::collections::{BTreeMap, HashMap};

use indexmap::IndexMap;
use serde_json::Value;

pub use url::RdbUrl;

use self::sql::{Connection, SqlValue, corrupt, read_tx, write_tx};
use super::{Storage, StudyId};
use crate::distributions::Distribution;
use crate::error::{Error, Result};
use crate::trial::{FrozenTrial, Param, StudyDirection, TrialState};

/// A study as last read from (or written to) the database.
#[derive(Debug, Clone)]
struct StudyMirror {
    name: String,
    directions: Vec<StudyDirection>,
    user_attrs: IndexMap<String, Value>,
    system_attrs: IndexMap<String, Value>,
    /// By number: Optuna's numbers are 0..n within a study.
    trials: Vec<FrozenTrial>,
}

/// Optuna's heartbeat settings (`RDBStorage(heartbeat_interval=, grace_period=)`), in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeartbeatConfig {
    /// How often a worker stamps its running trials.
    pub interval_s: u64,
    /// How old a stamp may get before the trial counts as dead (Optuna's default: twice the
    /// interval).
    pub grace_s: u64,
}

/// Studies in a database with Optuna's schema.
pub struct RdbStorage {
    url: RdbUrl,
    conn: Box<dyn Connection>,
    studies: BTreeMap<StudyId, StudyMirror>,
    heartbeat: Option<HeartbeatConfig>,
}

/// Opens a connection and makes sure Optuna's schema is there (creating it in an empty
/// database) at the revision Optuna 5.0.0 expects.
fn connect(url: &RdbUrl) -> Result<Box<dyn Connection>> {
    let mut conn: Box<dyn Connection> = match url {
        RdbUrl::Sqlite(path) => Box::new(sqlite::Sqlite::open(path)?),
        RdbUrl::Postgres(u) => Box::new(postgres::Postgres::connect(u)?),
    };
    if !conn.has_schema()? {
        write_tx(&mut *conn, |c| c.create_schema())?;
    }
    let rows = conn.query("SELECT version_num FROM alembic_version", &[])?;
    let version = rows.first().and_then(|r| r.first()).cloned().unwrap_or(SqlValue::Null);
    if version.text("alembic version")? != Some(schema::ALEMBIC_VERSION) {
        return Err(Error::InvalidArgument(format!(
            "database: schema revision {version:?}, but wasmtune reads Optuna 5.0.0's ({}); run \
             `optuna storage upgrade --storage URL` with Optuna 5.0.0 first",
            schema::ALEMBIC_VERSION
        )));
    }
    Ok(conn)
}

fn now_ms() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_micros() as f64 / 1000.0)
}

fn parse_json(what: &str, text: Option<&str>) -> Result<Value> {
    let text = text.unwrap_or("null");
    serde_json::from_str(text)
        .map_err(|e| Error::InvalidArgument(format!("database: {what} is not JSON ({e}): {text}")))
}

fn int(row: &[SqlValue], i: usize, what: &str) -> Result<i64> {
    row[i].int(what)
}

fn text<'r>(row: &'r [SqlValue], i: usize, what: &str) -> Result<&'r str> {
    row[i].text(what)?.ok_or_else(|| corrupt(what, &row[i]))
}

/// Which trials of a study a load reads.
enum Which {
    All,
    /// Numbers from `from` on, and these trial ids (unfinished ones we already hold).
    NewAndOpen {
        from: u64,
        ids: Vec<u64>,
    },
}

impl RdbStorage {
    /// Opens the database at `url` (creating Optuna's schema in an empty one) and reads every
    /// study in it.
    pub fn open(url: &RdbUrl) -> Result<RdbStorage> {
        let conn = connect(url)?;
        let mut s = RdbStorage { url: url.clone(), conn, studies: BTreeMap::new(), heartbeat: None };
        s.reload()?;
        Ok(s)
    }

    /// The database this storage reads and writes.
    pub fn url(&self) -> &RdbUrl {
        &self.url
    }

    /// Reads every study again (after another worker may have created one).
    pub fn reload(&mut self) -> Result<()> {
        let mut studies = BTreeMap::new();
        read_tx(&mut *self.conn, |c| {
            for r in c.query("SELECT study_id, study_name FROM studies ORDER BY study_id", &[])? {
                let id = int(&r, 0, "study id")? as StudyId;
                let name = text(&r, 1, "study name")?.to_owned();
                studies.insert(
                    id,
                    StudyMirror {
                        name,
                        directions: Vec::new(),
                        user_attrs: IndexMap::new(),
                        system_attrs: IndexMap::new(),
                        trials: Vec::new(),
                    },
                );
            }
            for r in c.query("SELECT study_id, direction FROM study_directions ORDER BY study_id, objective", &[])? {
                if let Some(s) = studies.get_mut(&(int(&r, 0, "study id")? as StudyId)) {
                    s.directions.push(schema::parse_direction(text(&r, 1, "direction")?)?);
                }
            }
            for (table, system) in [("study_user_attributes", false), ("study_system_attributes", true)] {
                let id_col = if system { "study_system_attribute_id" } else { "study_user_attribute_id" };
                let q = format!("SELECT study_id, \"key\", value_json FROM {table} ORDER BY {id_col}");
                for r in c.query(&q, &[])? {
                    if let Some(s) = studies.get_mut(&(int(&r, 0, "study id")? as StudyId)) {
                        let key = text(&r, 1, "attribute key")?.to_owned();
                        let v = parse_json(&format!("study attribute '{key}'"), r[2].text("attribute value")?)?;
                        if system {
                            s.system_attrs.insert(key, v)
                        } else {
                            s.user_attrs.insert(key, v)
                        };
                    }
                }
            }
            Ok(())
        })?;
        self.studies = studies;
        let ids: Vec<StudyId> = self.studies.keys().copied().collect();
        for id in ids {
            self.load_trials(id, Which::All)?;
        }
        Ok(())
    }

    fn study(&self, id: StudyId) -> Result<&StudyMirror> {
        self.studies.get(&id).ok_or_else(|| Error::InvalidArgument(format!("unknown study id {id}")))
    }

    fn study_mut(&mut self, id: StudyId) -> Result<&mut StudyMirror> {
        self.studies.get_mut(&id).ok_or_else(|| Error::InvalidArgument(format!("unknown study id {id}")))
    }

    fn trial_mut(&mut self, study: StudyId, number: u64) -> Result<&mut FrozenTrial> {
        self.study_mut(study)?.trials.get_mut(number as usize).ok_or(Error::UnknownTrial(number))
    }

    /// Reads trials of `study` (one consistent snapshot) into the mirror.
    fn load_trials(&mut self, study: StudyId, which: Which) -> Result<()> {
        let mut cond = "t.study_id = ?".to_owned();
        if let Which::NewAndOpen { from, ids } = &which {
            let ids: Vec<String> = ids.iter().map(u64::to_string).collect();
            cond = if ids.is_empty() {
                format!("{cond} AND t.number >= {from}")
            } else {
                format!("{cond} AND (t.number >= {from} OR t.trial_id IN ({}))", ids.join(", "))
            };
        }
        let p = [SqlValue::from(study)];
        let mut loaded: Vec<FrozenTrial> = Vec::new();
        read_tx(&mut *self.conn, |c| {
            let q = format!(
                "SELECT t.trial_id, t.number, t.state, t.datetime_start, t.datetime_complete FROM trials t \
                 WHERE {cond} ORDER BY t.number, t.trial_id"
            );
            let mut index: HashMap<u64, usize> = HashMap::new();
            for r in c.query(&q, &p)? {
                let id = int(&r, 0, "trial id")? as u64;
                let number = r[1].int("trial number")? as u64;
                let mut t = FrozenTrial::new(number, id, schema::parse_state(text(&r, 2, "trial state")?)?);
                t.datetime_start = r[3].text("datetime")?.map(schema::datetime_ms).transpose()?;
                t.datetime_complete = r[4].text("datetime")?.map(schema::datetime_ms).transpose()?;
                index.insert(id, loaded.len());
                loaded.push(t);
            }
            let child = |c: &mut dyn Connection, cols: &str, table: &str, order: &str| {
                let q = format!(
                    "SELECT x.trial_id, {cols} FROM {table} x JOIN trials t ON t.trial_id = x.trial_id WHERE {cond} \
                     ORDER BY {order}"
                );
                c.query(&q, &p)
            };
            let at =
                |r: &[SqlValue]| -> Result<Option<usize>> { Ok(index.get(&(int(r, 0, "trial id")? as u64)).copied()) };
            for r in child(c, "x.param_name, x.param_value, x.distribution_json", "trial_params", "x.param_id")? {
                if let Some(i) = at(&r)? {
                    let t = &mut loaded[i];
                    let name = text(&r, 1, "param name")?.to_owned();
                    let internal = r[2].real("param value")?.unwrap_or(f64::NAN);
                    let d = Distribution::from_json_str(text(&r, 3, "distribution")?)?;
                    t.params.insert(name, Param { distribution: d, internal });
                }
            }
            for r in child(c, "x.objective, x.value, x.value_type", "trial_values", "x.trial_id, x.objective")? {
                if let Some(i) = at(&r)? {
                    let t = &mut loaded[i];
                    let v = schema::decode_value(r[2].real("value")?, text(&r, 3, "value type")?)?;
                    t.values.get_or_insert_with(Vec::new).push(v);
                }
            }
            for r in child(
                c,
                "x.step, x.intermediate_value, x.intermediate_value_type",
                "trial_intermediate_values",
                "x.trial_id, x.step",
            )? {
                if let Some(i) = at(&r)? {
                    let t = &mut loaded[i];
                    let step = int(&r, 1, "step")?;
                    let v = schema::decode_value(r[2].real("intermediate value")?, text(&r, 3, "value type")?)?;
                    t.intermediate_values.insert(step as u64, v);
                }
            }
            for (table, id_col, system) in [
                ("trial_user_attributes", "trial_user_attribute_id", false),
                ("trial_system_attributes", "trial_system_attribute_id", true),
            ] {
                for r in child(c, "x.\"key\", x.value_json", table, &format!("x.{id_col}"))? {
                    if let Some(i) = at(&r)? {
                        let t = &mut loaded[i];
                        let key = text(&r, 1, "attribute key")?.to_owned();
                        let v = parse_json(&format!("trial attribute '{key}'"), r[2].text("attribute value")?)?;
                        if system {
                            t.system_attrs.insert(key, v)
                        } else {
                            t.user_attrs.insert(key, v)
                        };
                    }
                }
            }
            Ok(())
        })?;
        let name = self.study(study)?.name.clone();
        let trials = &mut self.study_mut(study)?.trials;
        if matches!(which, Which::All) {
            trials.clear();
        }
        for t in loaded {
            let n = t.number as usize;
            if n < trials.len() {
                trials[n] = t;
            } else if n == trials.len() {
                trials.push(t);
            } else {
                return Err(Error::InvalidArgument(format!(
                    "database: study '{name}' has no trial numbered {} but one numbered {n} (numbers must run 0..n)",
                    trials.len()
                )));
            }
        }
        Ok(())
    }

    /// Sets Optuna's heartbeat: from now on, [`Storage::refresh`] (so every `ask`) fails the
    /// study's running trials whose heartbeat is older than `grace_s` seconds.
    pub fn set_heartbeat(&mut self, config: Option<HeartbeatConfig>) {
        self.heartbeat = config;
    }

    /// A separate connection that stamps heartbeats, for a thread that keeps a worker's running
    /// trials alive while the main thread waits on the objective.
    pub fn heartbeat_writer(&self) -> Result<HeartbeatWriter> {
        Ok(HeartbeatWriter { conn: connect(&self.url)? })
    }

    /// Fails the study's running trials whose heartbeat is older than the grace period
    /// (Optuna's `fail_stale_trials`); returns their numbers. Nothing to do without heartbeats.
    pub fn fail_stale_trials(&mut self, study: StudyId) -> Result<Vec<u64>> {
        let Some(hb) = self.heartbeat else { return Ok(Vec::new()) };
        let now_sql = self.conn.now_sql();
        let now = self.conn.query(now_sql, &[])?;
        let now = schema::parse_naive(
            now.first().and_then(|r| r.first()).and_then(|v| v.text("now").ok().flatten()).unwrap_or(""),
        )?;
        let rows = self.conn.query(
            "SELECT t.trial_id, t.number, h.heartbeat FROM trials t JOIN trial_heartbeats h ON h.trial_id = t.trial_id \
             WHERE t.study_id = ? AND t.state = 'RUNNING'",
            &[study.into()],
        )?;
        let mut failed = Vec::new();
        for r in rows {
            let beat = schema::parse_naive(text(&r, 2, "heartbeat")?)?;
            if (now - beat).num_milliseconds() as f64 / 1000.0 > hb.grace_s as f64 {
                let changed = self.conn.execute(
                    "UPDATE trials SET state = 'FAIL', datetime_complete = ? WHERE trial_id = ? AND state = 'RUNNING'",
                    &[schema::datetime_text(now_ms()).into(), SqlValue::Int(int(&r, 0, "trial id")?)],
                )?;
                if changed == 1 {
                    failed.push(int(&r, 1, "trial number")? as u64);
                }
            }
        }
        Ok(failed)
    }

    /// Runs `f` in a write transaction after checking, with the trial's row locked, that the
    /// trial is still unfinished in the database (another worker may have failed it).
    fn trial_tx(
        &mut self,
        study: StudyId,
        number: u64,
        f: impl FnOnce(&mut dyn Connection, u64) -> Result<()>,
    ) -> Result<()> {
        let t = self.study(study)?.trials.get(number as usize).ok_or(Error::UnknownTrial(number))?;
        if t.state.is_finished() {
            return Err(Error::TrialFinished { number, state: t.state.to_string() });
        }
        let id = t.trial_id;
        let lock = format!("SELECT state FROM trials WHERE trial_id = ?{}", self.conn.for_update());
        let mut ended = None;
        let out = write_tx(&mut *self.conn, |c| {
            let rows = c.query(&lock, &[id.into()])?;
            let state = schema::parse_state(rows.first().map_or(Ok(""), |r| text(r, 0, "trial state"))?)?;
            if state.is_finished() {
                ended = Some(state);
                return Err(Error::TrialFinished { number, state: state.to_string() });
            }
            f(c, id)
        });
        if let Some(state) = ended {
            self.trial_mut(study, number)?.state = state;
        }
        out
    }
}

/// Stamps heartbeats on its own connection (see [`RdbStorage::heartbeat_writer`]).
pub struct HeartbeatWriter {
    conn: Box<dyn Connection>,
}

impl HeartbeatWriter {
    /// Records that the trial with storage id `trial_id` is alive now (the database's now).
    pub fn beat(&mut self, trial_id: u64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES (?, CURRENT_TIMESTAMP) \
             ON CONFLICT (trial_id) DO UPDATE SET heartbeat = CURRENT_TIMESTAMP",
            &[trial_id.into()],
        )?;
        Ok(())
    }
}

fn attr_upsert(table: &str, owner: &str) -> String {
    format!(
        "INSERT INTO {table} ({owner}, \"key\", value_json) VALUES (?, ?, ?) \
         ON CONFLICT ({owner}, \"key\") DO UPDATE SET value_json = excluded.value_json"
    )
}

const PARAM_UPSERT: &str = "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) \
     VALUES (?, ?, ?, ?) ON CONFLICT (trial_id, param_name) DO UPDATE SET param_value = excluded.param_value, \
     distribution_json = excluded.distribution_json";
const INTERMEDIATE_UPSERT: &str = "INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, \
     intermediate_value_type) VALUES (?, ?, ?, ?) ON CONFLICT (trial_id, step) DO UPDATE SET \
     intermediate_value = excluded.intermediate_value, intermediate_value_type = excluded.intermediate_value_type";
const VALUE_INSERT: &str = "INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, ?, ?, ?)";

fn insert_values(c: &mut dyn Connection, id: u64, values: &[f64]) -> Result<()> {
    c.execute("DELETE FROM trial_values WHERE trial_id = ?", &[id.into()])?;
    for (i, v) in values.iter().enumerate() {
        let (x, tag) = schema::encode_value(*v);
        // Optuna's trial values have no NaN tag (a NaN objective fails the trial); keep NULL.
        let tag = if tag == "NAN" { "FINITE" } else { tag };
        c.execute(VALUE_INSERT, &[id.into(), (i as i64).into(), x.into(), tag.into()])?;
    }
    Ok(())
}

fn intermediate_row(id: u64, step: u64, value: f64) -> [SqlValue; 4] {
    let (x, tag) = schema::encode_value(value);
    [id.into(), step.into(), x.into(), tag.into()]
}

impl Storage for RdbStorage {
    fn create_new_study(&mut self, directions: &[StudyDirection], name: &str) -> Result<StudyId> {
        if directions.is_empty() {
            return Err(Error::InvalidArgument("a study needs at least one direction".into()));
        }
        let out = write_tx(&mut *self.conn, |c| {
            let rows = c.query("INSERT INTO studies (study_name) VALUES (?) RETURNING study_id", &[name.into()])?;
            let id = rows.first().map_or(Err(corrupt("study id", &SqlValue::Null)), |r| int(r, 0, "study id"))?;
            for (i, d) in directions.iter().enumerate() {
                c.execute(
                    "INSERT INTO study_directions (direction, study_id, objective) VALUES (?, ?, ?)",
                    &[schema::direction_name(*d).into(), id.into(), (i as i64).into()],
                )?;
            }
            Ok(id as StudyId)
        });
        let id = match out {
            Ok(id) => id,
            Err(e) if self.conn.is_unique_violation(&e) => {
                return Err(Error::InvalidArgument(format!("a study named '{name}' already exists")));
            }
            Err(e) => return Err(e),
        };
        self.studies.insert(
            id,
            StudyMirror {
                name: name.to_owned(),
                directions: directions.to_vec(),
                user_attrs: IndexMap::new(),
                system_attrs: IndexMap::new(),
                trials: Vec::new(),
            },
        );
        Ok(id)
    }

    fn study_id_by_name(&self, name: &str) -> Option<StudyId> {
        self.studies.iter().find(|(_, s)| s.name == name).map(|(id, _)| *id)
    }

    fn studies(&self) -> Vec<(StudyId, String)> {
        self.studies.iter().map(|(id, s)| (*id, s.name.clone())).collect()
    }

    fn study_directions(&self, study: StudyId) -> Result<&[StudyDirection]> {
        Ok(&self.study(study)?.directions)
    }

    fn set_study_user_attr(&mut self, study: StudyId, key: &str, value: Value) -> Result<()> {
        self.study(study)?;
        let sql = attr_upsert("study_user_attributes", "study_id");
        self.conn.execute(&sql, &[study.into(), key.into(), value.to_string().into()])?;
        self.study_mut(study)?.user_attrs.insert(key.to_owned(), value);
        Ok(())
    }

    fn set_study_system_attr(&mut self, study: StudyId, key: &str, value: Value) -> Result<()> {
        self.study(study)?;
        let sql = attr_upsert("study_system_attributes", "study_id");
        self.conn.execute(&sql, &[study.into(), key.into(), value.to_string().into()])?;
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
        self.study(study)?;
        let t = template.unwrap_or_else(|| FrozenTrial::new(0, 0, TrialState::Running));
        let lock = format!("SELECT study_id FROM studies WHERE study_id = ?{}", self.conn.for_update());
        let number = write_tx(&mut *self.conn, |c| {
            if c.query(&lock, &[study.into()])?.is_empty() {
                return Err(Error::InvalidArgument(format!("study id {study} no longer exists")));
            }
            let rows = c.query(
                "INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) \
                 VALUES (NULL, ?, ?, ?, ?) RETURNING trial_id",
                &[
                    study.into(),
                    schema::state_name(t.state).into(),
                    t.datetime_start.and_then(schema::datetime_text).into(),
                    t.datetime_complete.and_then(schema::datetime_text).into(),
                ],
            )?;
            let id = rows.first().map_or(Err(corrupt("trial id", &SqlValue::Null)), |r| int(r, 0, "trial id"))? as u64;
            // Optuna's rule, so numbers agree whoever created the trial.
            let rows =
                c.query("SELECT COUNT(*) FROM trials WHERE study_id = ? AND trial_id < ?", &[study.into(), id.into()])?;
            let number = rows.first().map_or(Err(corrupt("count", &SqlValue::Null)), |r| int(r, 0, "count"))?;
            c.execute("UPDATE trials SET number = ? WHERE trial_id = ?", &[number.into(), id.into()])?;
            for (name, p) in &t.params {
                c.execute(
                    PARAM_UPSERT,
                    &[id.into(), name.as_str().into(), p.internal.into(), p.distribution.to_json_string().into()],
                )?;
            }
            if let Some(values) = &t.values {
                insert_values(c, id, values)?;
            }
            for (step, v) in &t.intermediate_values {
                c.execute(INTERMEDIATE_UPSERT, &intermediate_row(id, *step, *v))?;
            }
            for (table, attrs) in
                [("trial_user_attributes", &t.user_attrs), ("trial_system_attributes", &t.system_attrs)]
            {
                let sql = attr_upsert(table, "trial_id");
                for (k, v) in attrs {
                    c.execute(&sql, &[id.into(), k.as_str().into(), v.to_string().into()])?;
                }
            }
            Ok(number as u64)
        })?;
        // Brings in this trial and whatever other workers added before it.
        self.refresh_trials(study)?;
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
        let (n, dj) = (name.to_owned(), d.to_json_string());
        self.trial_tx(study, number, |c, id| {
            c.execute(PARAM_UPSERT, &[id.into(), n.as_str().into(), internal.into(), dj.into()]).map(|_| ())
        })?;
        self.trial_mut(study, number)?.params.insert(name.to_owned(), Param { distribution: d.clone(), internal });
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
        let t = self.study(study)?.trials.get(number as usize).ok_or(Error::UnknownTrial(number))?;
        if t.state.is_finished() {
            return Err(Error::TrialFinished { number, state: t.state.to_string() });
        }
        let id = t.trial_id;
        if state == TrialState::Running {
            if t.state != TrialState::Waiting {
                return Ok(false);
            }
            // The claim: exactly one worker's update finds the trial still waiting.
            let changed = self.conn.execute(
                "UPDATE trials SET state = 'RUNNING', datetime_start = ? WHERE trial_id = ? AND state = 'WAITING'",
                &[now.and_then(schema::datetime_text).into(), id.into()],
            )?;
            let t = self.trial_mut(study, number)?;
            t.state = TrialState::Running;
            if changed == 0 {
                return Ok(false);
            }
            t.datetime_start = now;
            return Ok(true);
        }
        let stamp = now.and_then(schema::datetime_text);
        let vals = values.clone();
        self.trial_tx(study, number, |c, id| {
            let col = if state.is_finished() { "datetime_complete" } else { "datetime_start" };
            let sql = format!("UPDATE trials SET state = ?, {col} = ? WHERE trial_id = ?");
            c.execute(&sql, &[schema::state_name(state).into(), stamp.into(), id.into()])?;
            if let Some(v) = &vals {
                insert_values(c, id, v)?;
            }
            Ok(())
        })?;
        let t = self.trial_mut(study, number)?;
        t.state = state;
        if values.is_some() {
            t.values = values;
        }
        if state.is_finished() {
            t.datetime_complete = now;
        }
        Ok(true)
    }

    fn set_trial_intermediate_value(&mut self, study: StudyId, number: u64, step: u64, value: f64) -> Result<()> {
        self.trial_tx(study, number, |c, id| {
            c.execute(INTERMEDIATE_UPSERT, &intermediate_row(id, step, value)).map(|_| ())
        })?;
        self.trial_mut(study, number)?.intermediate_values.insert(step, value);
        Ok(())
    }

    fn set_trial_user_attr(&mut self, study: StudyId, number: u64, key: &str, value: Value) -> Result<()> {
        let (sql, k, v) = (attr_upsert("trial_user_attributes", "trial_id"), key.to_owned(), value.to_string());
        self.trial_tx(study, number, |c, id| c.execute(&sql, &[id.into(), k.into(), v.into()]).map(|_| ()))?;
        self.trial_mut(study, number)?.user_attrs.insert(key.to_owned(), value);
        Ok(())
    }

    fn set_trial_system_attr(&mut self, study: StudyId, number: u64, key: &str, value: Value) -> Result<()> {
        let (sql, k, v) = (attr_upsert("trial_system_attributes", "trial_id"), key.to_owned(), value.to_string());
        self.trial_tx(study, number, |c, id| c.execute(&sql, &[id.into(), k.into(), v.into()]).map(|_| ()))?;
        self.trial_mut(study, number)?.system_attrs.insert(key.to_owned(), value);
        Ok(())
    }

    fn trial(&self, study: StudyId, number: u64) -> Result<&FrozenTrial> {
        self.study(study)?.trials.get(number as usize).ok_or(Error::UnknownTrial(number))
    }

    fn trials(&self, study: StudyId) -> Result<&[FrozenTrial]> {
        Ok(&self.study(study)?.trials)
    }

    fn refresh(&mut self, study: StudyId) -> Result<()> {
        self.fail_stale_trials(study)?;
        self.refresh_trials(study)
    }
}

impl RdbStorage {
    /// Reads the study's new trials and its unfinished ones again.
    fn refresh_trials(&mut self, study: StudyId) -> Result<()> {
        let s = self.study(study)?;
        let from = s.trials.len() as u64;
        let ids = s.trials.iter().filter(|t| !t.state.is_finished()).map(|t| t.trial_id).collect();
        self.load_trials(study, Which::NewAndOpen { from, ids })
    }
}
