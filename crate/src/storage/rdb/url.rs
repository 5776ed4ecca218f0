//! Optuna's storage URLs: which database a `--storage` string names.
//!
//! Optuna takes SQLAlchemy URLs; the two a wasmtune study can live in are SQLite
//! (`sqlite:///relative.db`, `sqlite:////absolute.db`) and PostgreSQL
//! (`postgresql://user:pass@host:port/db`, with or without a `+psycopg2`-style driver suffix, as
//! Optuna users write them). Anything else with a scheme is refused by name, so a typo never
//! silently becomes a journal file called `mysql:`.

use crate::error::{Error, Result};

/// A parsed database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RdbUrl {
    /// A SQLite file (or `:memory:`), by path.
    Sqlite(String),
    /// A PostgreSQL connection string the `postgres` client understands (`postgresql://...`).
    Postgres(String),
}

impl RdbUrl {
    /// Parses `url`; `Ok(None)` when it is not a URL at all (a journal file path, then).
    pub fn parse(url: &str) -> Result<Option<RdbUrl>> {
        let Some((scheme, rest)) = url.split_once("://") else { return Ok(None) };
        // A Windows-style or odd path with "://" in it still needs a scheme of letters.
        if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) {
            return Ok(None);
        }
        let (dialect, _driver) = scheme.split_once('+').unwrap_or((scheme, ""));
        match dialect.to_ascii_lowercase().as_str() {
            "sqlite" => {
                // sqlite:///path: the third slash starts the path (relative), a fourth makes it absolute.
                let path = rest.strip_prefix('/').ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "{url}: a SQLite URL is sqlite:///relative/path.db or sqlite:////absolute/path.db"
                    ))
                })?;
                if path.contains('?') {
                    return Err(Error::InvalidArgument(format!("{url}: SQLite URL options (?...) are not supported")));
                }
                if path.is_empty() {
                    return Err(Error::InvalidArgument(format!("{url}: the SQLite URL names no file")));
                }
                Ok(Some(RdbUrl::Sqlite(path.to_owned())))
            }
            "postgresql" | "postgres" => Ok(Some(RdbUrl::Postgres(format!("postgresql://{rest}")))),
            other => Err(Error::InvalidArgument(format!(
                "{url}: unsupported database '{other}' (wasmtune speaks sqlite:/// and postgresql://; \
                 a path without a scheme is a journal file)"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optunas_urls_parse() {
        assert_eq!(RdbUrl::parse("sqlite:///a/b.db").unwrap(), Some(RdbUrl::Sqlite("a/b.db".into())));
        assert_eq!(RdbUrl::parse("sqlite:////tmp/b.db").unwrap(), Some(RdbUrl::Sqlite("/tmp/b.db".into())));
        assert_eq!(
            RdbUrl::parse("postgresql+psycopg2://u:p@h:5432/d").unwrap(),
            Some(RdbUrl::Postgres("postgresql://u:p@h:5432/d".into()))
        );
        assert_eq!(RdbUrl::parse("journal.log").unwrap(), None);
        assert!(RdbUrl::parse("mysql://u@h/d").is_err());
        assert!(RdbUrl::parse("sqlite://").is_err());
    }
}
