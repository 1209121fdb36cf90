//! What can go wrong with the store, typed. A run never fails on one of these — the handle turns
//! the first into its one warning and carries on without the store — but `debtgate store …` and
//! `debtgate doctor` report them, and the edge (`store::cli`) turns them into messages and exit
//! codes.

use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// Another process has held the file (or a write) longer than a run waits.
    #[error("{} is busy (waited {} ms)", path.display(), waited.as_millis())]
    Busy { path: PathBuf, waited: Duration },
    /// Another process holds the file in a way this one cannot share (an exclusive opener, or
    /// another generation of redb's locking protocol).
    #[error("{}: {source}", path.display())]
    Locked {
        path: PathBuf,
        #[source]
        source: redb::DatabaseError,
    },
    /// A crash left the file needing a repair that takes longer than a run may spend on it.
    #[error(
        "{} needs a repair after a crash that takes longer than a run waits; \
         `debtgate store repair` finishes it",
        path.display()
    )]
    NeedsRepair { path: PathBuf },
    /// The file is not a readable database and could not be moved out of the way.
    #[error("{} is corrupt ({why}) and could not be moved aside: {source}", path.display())]
    CannotMoveAside {
        path: PathBuf,
        why: String,
        #[source]
        source: std::io::Error,
    },
    /// A fresh file in place of a corrupt one is unreadable too.
    #[error("{} is still unreadable after rebuilding: {why}", path.display())]
    StillCorrupt { path: PathBuf, why: String },
    /// redb reported an error on this file.
    #[error("{}: {source}", path.display())]
    Database {
        path: PathBuf,
        #[source]
        source: redb::Error,
    },
    /// redb panicked while working on this file (some of its corruption checks are assertions).
    #[error("{}: the database panicked ({message})", path.display())]
    Panicked { path: PathBuf, message: String },
    /// The filesystem refused something (creating the store's directory, replacing a file).
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The directory the store lives in (a repository's git directory) no longer exists.
    #[error("{} no longer exists (the repository was removed?)", path.display())]
    Gone { path: PathBuf },
    /// A file named to import does not exist.
    #[error("{}: no such file", path.display())]
    NoSuchFile { path: PathBuf },
    /// The store is off, or this handle could not open the tier asked for.
    #[error("the store is not open")]
    NotOpen,
}

impl StoreError {
    /// redb's error `e` about the file at `path`.
    pub fn db(path: &std::path::Path, e: impl Into<redb::Error>) -> StoreError {
        StoreError::Database {
            path: path.to_path_buf(),
            source: e.into(),
        }
    }
}

/// What a panic said, for the message (a payload is a `&str` or a `String` in practice).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string())
}
