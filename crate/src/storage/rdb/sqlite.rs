//! SQLite connections (rusqlite, SQLite compiled in).

use std::time::Duration;

use rusqlite::types::{Value as RValue, ValueRef};

use super::schema;
use super::sql::{Connection, SqlValue, db_err};
use crate::error::{Error, Result};

/// One SQLite file.
pub struct Sqlite {
    conn: rusqlite::Connection,
}

impl Sqlite {
    /// Opens (creating it if absent) the file at `path`. Writers wait for each other up to a
    /// minute (Optuna's workers hold the file's lock for one short transaction at a time).
    pub fn open(path: &str) -> Result<Sqlite> {
        let conn = rusqlite::Connection::open(path).map_err(|e| db_err(&format!("opening {path}"), e))?;
        conn.busy_timeout(Duration::from_secs(60)).map_err(|e| db_err("setting the busy timeout", e))?;
        Ok(Sqlite { conn })
    }
}

fn to_sql(v: &SqlValue) -> RValue {
    match v {
        SqlValue::Null => RValue::Null,
        SqlValue::Int(i) => RValue::Integer(*i),
        SqlValue::Real(x) => RValue::Real(*x),
        SqlValue::Text(s) => RValue::Text(s.clone()),
    }
}

fn from_sql(v: ValueRef<'_>) -> SqlValue {
    match v {
        ValueRef::Null => SqlValue::Null,
        ValueRef::Integer(i) => SqlValue::Int(i),
        ValueRef::Real(x) => SqlValue::Real(x),
        ValueRef::Text(t) | ValueRef::Blob(t) => SqlValue::Text(String::from_utf8_lossy(t).into_owned()),
    }
}

impl Connection for Sqlite {
    fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| db_err(sql, e))?;
        let n = stmt.execute(rusqlite::params_from_iter(params.iter().map(to_sql))).map_err(|e| db_err(sql, e))?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &str, params: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| db_err(sql, e))?;
        let n = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter().map(to_sql))).map_err(|e| db_err(sql, e))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| db_err(sql, e))? {
            let mut r = Vec::with_capacity(n);
            for i in 0..n {
                r.push(from_sql(row.get_ref(i).map_err(|e| db_err(sql, e))?));
            }
            out.push(r);
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        self.conn.execute_batch(sql).map_err(|e| db_err(sql.lines().next().unwrap_or(sql), e))
    }

    fn begin_write(&mut self) -> Result<()> {
        self.batch("BEGIN IMMEDIATE")
    }

    fn begin_read(&mut self) -> Result<()> {
        self.batch("BEGIN")
    }

    fn for_update(&self) -> &'static str {
        ""
    }

    fn now_sql(&self) -> &'static str {
        "SELECT CURRENT_TIMESTAMP"
    }

    fn has_schema(&mut self) -> Result<bool> {
        let rows = self.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'studies'", &[])?;
        Ok(!rows.is_empty())
    }

    fn create_schema(&mut self) -> Result<()> {
        // Inside BEGIN IMMEDIATE: another process may have created it while this one waited.
        if self.has_schema()? {
            return Ok(());
        }
        self.batch(schema::SQLITE_DDL)?;
        self.batch(&schema::version_rows())
    }

    fn is_unique_violation(&self, e: &Error) -> bool {
        e.to_string().contains("UNIQUE constraint failed")
    }
}
