//! The little SQL both databases share: values, a connection trait, and a transaction helper.
//!
//! The storage writes one dialect (SQLite's `?` placeholders, `INSERT ... RETURNING`,
//! `ON CONFLICT ... DO UPDATE`, which PostgreSQL also speaks); each connection translates what
//! differs (placeholders, Optuna's PostgreSQL enum and timestamp types) and says how to lock.

use crate::error::{Error, Result};

/// A value going into or coming out of a statement. Datetimes travel as text in Optuna's SQLite
/// form (`YYYY-MM-DD HH:MM:SS.ffffff`); the PostgreSQL connection converts them.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    /// SQL NULL.
    Null,
    /// An integer.
    Int(i64),
    /// A float.
    Real(f64),
    /// Text (also enums and datetimes).
    Text(String),
}

impl SqlValue {
    /// The integer, or an error naming `what`.
    pub fn int(&self, what: &str) -> Result<i64> {
        match self {
            SqlValue::Int(i) => Ok(*i),
            other => Err(corrupt(what, other)),
        }
    }
    /// The float (integers widen; NULL is None).
    pub fn real(&self, what: &str) -> Result<Option<f64>> {
        match self {
            SqlValue::Null => Ok(None),
            SqlValue::Real(x) => Ok(Some(*x)),
            SqlValue::Int(i) => Ok(Some(*i as f64)),
            other => Err(corrupt(what, other)),
        }
    }
    /// The text (NULL is None).
    pub fn text(&self, what: &str) -> Result<Option<&str>> {
        match self {
            SqlValue::Null => Ok(None),
            SqlValue::Text(s) => Ok(Some(s)),
            other => Err(corrupt(what, other)),
        }
    }
}

impl From<i64> for SqlValue {
    fn from(v: i64) -> Self {
        SqlValue::Int(v)
    }
}
impl From<u64> for SqlValue {
    fn from(v: u64) -> Self {
        SqlValue::Int(v as i64)
    }
}
impl From<f64> for SqlValue {
    fn from(v: f64) -> Self {
        SqlValue::Real(v)
    }
}
impl From<&str> for SqlValue {
    fn from(v: &str) -> Self {
        SqlValue::Text(v.to_owned())
    }
}
impl From<String> for SqlValue {
    fn from(v: String) -> Self {
        SqlValue::Text(v)
    }
}
impl<T: Into<SqlValue>> From<Option<T>> for SqlValue {
    fn from(v: Option<T>) -> Self {
        v.map_or(SqlValue::Null, Into::into)
    }
}

/// A stored value of the wrong type: the database was written by something else, or damaged.
pub fn corrupt(what: &str, v: &SqlValue) -> Error {
    Error::InvalidArgument(format!("database: unexpected {what}: {v:?}"))
}

/// A database error, with what was being done.
pub fn db_err(doing: &str, e: impl std::fmt::Display) -> Error {
    Error::InvalidArgument(format!("database: {doing}: {e}"))
}

/// One connection to a database holding Optuna's schema.
pub trait Connection: Send {
    /// Runs a statement; returns the rows it changed.
    fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64>;
    /// Runs a query; returns its rows.
    fn query(&mut self, sql: &str, params: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>>;
    /// Runs statements without parameters (DDL, BEGIN, COMMIT).
    fn batch(&mut self, sql: &str) -> Result<()>;
    /// Starts a transaction that will write: SQLite takes its write lock now (`BEGIN IMMEDIATE`),
    /// so two writers never both read and then collide.
    fn begin_write(&mut self) -> Result<()>;
    /// Starts a read-only transaction that sees one snapshot.
    fn begin_read(&mut self) -> Result<()>;
    /// The suffix that locks selected rows until commit (PostgreSQL's `FOR UPDATE`; SQLite's
    /// write transaction already excludes other writers).
    fn for_update(&self) -> &'static str;
    /// The database's current time as Optuna's heartbeats see it (`func.now()`).
    fn now_sql(&self) -> &'static str;
    /// Whether Optuna's tables exist.
    fn has_schema(&mut self) -> Result<bool>;
    /// Creates Optuna's tables and version rows (inside the caller's write transaction).
    fn create_schema(&mut self) -> Result<()>;
    /// Whether `e` says a unique constraint was violated.
    fn is_unique_violation(&self, e: &Error) -> bool;
}

/// Runs `f` in a write transaction: committed when it succeeds, rolled back when it fails, so a
/// refused change leaves nothing half-written.
pub fn write_tx<T>(c: &mut dyn Connection, f: impl FnOnce(&mut dyn Connection) -> Result<T>) -> Result<T> {
    c.begin_write()?;
    match f(c) {
        Ok(v) => {
            c.batch("COMMIT")?;
            Ok(v)
        }
        Err(e) => {
            let _ = c.batch("ROLLBACK");
            Err(e)
        }
    }
}

/// Runs `f` in a read-only snapshot.
pub fn read_tx<T>(c: &mut dyn Connection, f: impl FnOnce(&mut dyn Connection) -> Result<T>) -> Result<T> {
    c.begin_read()?;
    let out = f(c);
    let end = c.batch(if out.is_ok() { "COMMIT" } else { "ROLLBACK" });
    let v = out?;
    end?;
    Ok(v)
}
