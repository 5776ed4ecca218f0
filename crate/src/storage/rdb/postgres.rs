//! PostgreSQL connections (the synchronous `postgres` client, no TLS).
//!
//! Optuna's PostgreSQL schema uses native enum types and `timestamp without time zone`; the
//! storage speaks text for both, and this module converts at the boundary, by the types the
//! server reports for each parameter and column.

use std::collections::HashMap;
use std::error::Error as StdError;

use postgres::types::{FromSql, IsNull, Kind, ToSql, Type, to_sql_checked};
use postgres::{NoTls, Statement};

use super::schema;
use super::sql::{Connection, SqlValue, db_err};
use crate::error::{Error, Result};

/// One PostgreSQL session.
pub struct Postgres {
    client: postgres::Client,
    /// Prepared statements by SQL text (placeholders already `$n`): each is parsed once.
    statements: HashMap<String, Statement>,
}

impl Postgres {
    /// Connects with a `postgresql://user:pass@host:port/db` string.
    pub fn connect(url: &str) -> Result<Postgres> {
        let client = postgres::Client::connect(url, NoTls)
            .map_err(|e| db_err(&format!("connecting to {}", redact(url)), chain(&e)))?;
        Ok(Postgres { client, statements: HashMap::new() })
    }

    fn prepare(&mut self, sql: &str) -> Result<Statement> {
        let pg = dollar_placeholders(sql);
        if let Some(s) = self.statements.get(&pg) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(&pg).map_err(|e| db_err(sql, chain(&e)))?;
        self.statements.insert(pg, s.clone());
        Ok(s)
    }
}

/// A client error with its causes: the client's own text is often just "db error" or "error
/// connecting to server", and what the server said (or why the connection failed) is the source.
fn chain(e: &postgres::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..s + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// `?` placeholders as PostgreSQL's `$1, $2, ...` (the storage's SQL has no `?` in literals).
fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// Text for a column of one of Optuna's enum types (sent and received as its label).
#[derive(Debug)]
struct EnumText(String);

impl ToSql for EnumText {
    fn to_sql(
        &self,
        _: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn StdError + Sync + Send>> {
        out.extend_from_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }
    fn accepts(ty: &Type) -> bool {
        matches!(ty.kind(), Kind::Enum(_))
    }
    to_sql_checked!();
}

impl<'a> FromSql<'a> for EnumText {
    fn from_sql(_: &Type, raw: &'a [u8]) -> std::result::Result<Self, Box<dyn StdError + Sync + Send>> {
        Ok(EnumText(std::str::from_utf8(raw)?.to_owned()))
    }
    fn accepts(ty: &Type) -> bool {
        matches!(ty.kind(), Kind::Enum(_))
    }
}

fn param(v: &SqlValue, ty: &Type) -> Result<Box<dyn ToSql + Sync>> {
    let wrong = || db_err("binding a parameter", format!("{v:?} for a {ty} parameter"));
    Ok(match (v, ty) {
        (SqlValue::Null, _) => match *ty {
            Type::INT4 => Box::new(None::<i32>),
            Type::INT8 => Box::new(None::<i64>),
            Type::FLOAT8 => Box::new(None::<f64>),
            Type::TIMESTAMP => Box::new(None::<chrono::NaiveDateTime>),
            _ => Box::new(None::<String>),
        },
        (SqlValue::Int(i), &Type::INT4) => Box::new(i32::try_from(*i).map_err(|_| wrong())?),
        (SqlValue::Int(i), &Type::INT8) => Box::new(*i),
        (SqlValue::Int(i), &Type::FLOAT8) => Box::new(*i as f64),
        (SqlValue::Real(x), &Type::FLOAT8) => Box::new(*x),
        (SqlValue::Real(x), &Type::FLOAT4) => Box::new(*x as f32),
        (SqlValue::Text(s), &Type::TIMESTAMP) => Box::new(schema::parse_naive(s)?),
        (SqlValue::Text(s), t) if matches!(t.kind(), Kind::Enum(_)) => Box::new(EnumText(s.clone())),
        (SqlValue::Text(s), _) => Box::new(s.clone()),
        _ => return Err(wrong()),
    })
}

fn column(row: &postgres::Row, i: usize) -> Result<SqlValue> {
    let ty = row.columns()[i].type_();
    let get_err = |e: postgres::Error| db_err("reading a column", chain(&e));
    Ok(match *ty {
        Type::INT2 => row.try_get::<_, Option<i16>>(i).map_err(get_err)?.map(i64::from).into(),
        Type::INT4 => row.try_get::<_, Option<i32>>(i).map_err(get_err)?.map(i64::from).into(),
        Type::INT8 => row.try_get::<_, Option<i64>>(i).map_err(get_err)?.into(),
        Type::FLOAT4 => row.try_get::<_, Option<f32>>(i).map_err(get_err)?.map(f64::from).into(),
        Type::FLOAT8 => row.try_get::<_, Option<f64>>(i).map_err(get_err)?.into(),
        Type::TIMESTAMP => row
            .try_get::<_, Option<chrono::NaiveDateTime>>(i)
            .map_err(get_err)?
            .map(|d| d.format("%Y-%m-%d %H:%M:%S%.6f").to_string())
            .into(),
        _ if matches!(ty.kind(), Kind::Enum(_)) => {
            row.try_get::<_, Option<EnumText>>(i).map_err(get_err)?.map(|e| e.0).into()
        }
        _ => row.try_get::<_, Option<String>>(i).map_err(get_err)?.into(),
    })
}

impl Postgres {
    fn bind(&mut self, sql: &str, params: &[SqlValue]) -> Result<(Statement, Vec<Box<dyn ToSql + Sync>>)> {
        let stmt = self.prepare(sql)?;
        let bound = params.iter().zip(stmt.params()).map(|(v, ty)| param(v, ty)).collect::<Result<Vec<_>>>()?;
        Ok((stmt, bound))
    }
}

impl Connection for Postgres {
    fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64> {
        let (stmt, bound) = self.bind(sql, params)?;
        let refs: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|b| b.as_ref()).collect();
        self.client.execute(&stmt, &refs).map_err(|e| db_err(sql, chain(&e)))
    }

    fn query(&mut self, sql: &str, params: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>> {
        let (stmt, bound) = self.bind(sql, params)?;
        let refs: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|b| b.as_ref()).collect();
        let rows = self.client.query(&stmt, &refs).map_err(|e| db_err(sql, chain(&e)))?;
        rows.iter().map(|r| (0..r.len()).map(|i| column(r, i)).collect()).collect()
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        self.client
            .batch_execute(sql)
            .map_err(|e| db_err(sql.lines().find(|l| !l.trim().is_empty()).unwrap_or(sql), chain(&e)))
    }

    fn begin_write(&mut self) -> Result<()> {
        self.batch("BEGIN")
    }

    fn begin_read(&mut self) -> Result<()> {
        self.batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    }

    fn for_update(&self) -> &'static str {
        " FOR UPDATE"
    }

    fn now_sql(&self) -> &'static str {
        "SELECT LOCALTIMESTAMP"
    }

    fn has_schema(&mut self) -> Result<bool> {
        let rows = self.query("SELECT CAST(to_regclass('studies') AS TEXT)", &[])?;
        Ok(rows.first().and_then(|r| r.first()).is_some_and(|v| *v != SqlValue::Null))
    }

    fn create_schema(&mut self) -> Result<()> {
        // Workers starting together on an empty database: one creates, the others wait and see it.
        self.batch("SELECT pg_advisory_xact_lock(7461627265)")?;
        if self.has_schema()? {
            return Ok(());
        }
        self.batch(schema::POSTGRES_DDL)?;
        self.batch(&schema::version_rows())
    }

    fn is_unique_violation(&self, e: &Error) -> bool {
        let s = e.to_string();
        s.contains("duplicate key value violates unique constraint")
    }
}
