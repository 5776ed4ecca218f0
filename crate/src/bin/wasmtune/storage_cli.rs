//! What `--storage` names, for every command that takes it: an Optuna database URL
//! (`sqlite:///path.db`, `postgresql://user:pass@host:port/db`, `postgresql+psycopg2://...`) or,
//! for anything that is not a URL, an Optuna journal file as before. Without `--storage` the
//! commands that keep a study use [`DEFAULT_STORAGE`], a SQLite file in the working directory, as
//! Optuna users expect of an embedded database.

use wasmtune::storage::rdb::{RdbStorage, RdbUrl};
use wasmtune::storage::{FileBackend, JournalStorage, Storage};

use crate::stream::StreamError;

/// The storage commands use when `--storage` is left out.
pub const DEFAULT_STORAGE: &str = "sqlite:///wasmtune.db";

/// A parsed `--storage` value.
pub enum StorageKind {
    /// An Optuna database.
    Rdb(RdbUrl),
    /// An Optuna journal file.
    Journal(String),
}

fn config_err(e: impl std::fmt::Display) -> StreamError {
    StreamError::Config(e.to_string())
}

impl StorageKind {
    /// Reads `--storage` (and Optuna's `--storage-class`, which must agree with it).
    pub fn parse(storage: &str, class: Option<&str>) -> Result<StorageKind, StreamError> {
        let kind = match RdbUrl::parse(storage).map_err(|e| StreamError::Config(format!("--storage {e}")))? {
            Some(url) => StorageKind::Rdb(url),
            None => StorageKind::Journal(storage.to_owned()),
        };
        match (&kind, class) {
            (_, None) | (StorageKind::Rdb(_), Some("RDBStorage")) => Ok(kind),
            (StorageKind::Journal(_), Some("JournalFileBackend" | "JournalFileStorage" | "JournalStorage")) => Ok(kind),
            (StorageKind::Rdb(_), Some(c)) => Err(StreamError::Config(format!(
                "--storage-class {c}: --storage {storage} is a database URL (RDBStorage)"
            ))),
            (StorageKind::Journal(_), Some(c)) => Err(StreamError::Config(format!(
                "--storage-class {c}: a file path is an Optuna journal (JournalFileBackend); databases are \
                 sqlite:///path.db or postgresql://user:pass@host/db"
            ))),
        }
    }

    /// Opens the database (creating Optuna's schema in an empty one).
    pub fn open_rdb(url: &RdbUrl) -> Result<RdbStorage, StreamError> {
        RdbStorage::open(url).map_err(config_err)
    }

    /// Opens a database that must already exist (for commands that only read: no empty SQLite
    /// file is left behind by a mistyped path).
    pub fn open_rdb_existing(url: &RdbUrl) -> Result<RdbStorage, StreamError> {
        if let RdbUrl::Sqlite(path) = url {
            if path != ":memory:" && !std::path::Path::new(path).is_file() {
                return Err(StreamError::Config(format!("--storage: no SQLite database at {path}")));
            }
        }
        Self::open_rdb(url)
    }

    /// Runs `f` on the storage: a journal is read and changed with its lock file held throughout
    /// (as `optuna ask` on a journal); a database is read once and each change is a transaction.
    pub fn with_storage<T>(
        &self,
        f: impl FnOnce(Box<dyn Storage>) -> Result<T, StreamError>,
    ) -> Result<T, StreamError> {
        match self {
            StorageKind::Rdb(url) => f(Box::new(Self::open_rdb(url)?)),
            StorageKind::Journal(path) => {
                let mut out = None;
                let result = FileBackend::with_lock(path, |backend| {
                    let text = backend.read()?;
                    let worker = format!("wasmtune-{}", std::process::id());
                    let (storage, report) = JournalStorage::open(&text, backend, &worker);
                    warn_skipped(path, &report.skipped);
                    out = Some(f(Box::new(storage)));
                    Ok(())
                });
                result.map_err(config_err)?;
                out.expect("ran")
            }
        }
    }
}

fn warn_skipped(path: &str, skipped: &[(usize, String)]) {
    for (line, reason) in skipped {
        eprintln!("wasmtune: warning: {path}: line {line} skipped: {reason}");
    }
}
