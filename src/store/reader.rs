//! A run's view of one tier: one read transaction with its tables opened once, shared by every
//! lookup of the run. Opened read-only when possible, so a run that finds everything neither
//! writes to nor syncs the file (a writable open of a `MultiWriter` database rewrites its header
//! and syncs, on open and on close).

use std::path::{Path, PathBuf};

use redb::{
    Builder, ConcurrencyMode, ReadOnlyDatabase, ReadOnlyTable, ReadTransaction, ReadableDatabase,
    TableDefinition, TableError,
};

use super::error::StoreError;
use super::key::Key;
use super::open::{bounded, busy, Bounded, LOCK_WAIT};
use super::records::RECORDS;
use super::tier::{begin_read, now, Tier, ENTRIES, USED};

/// A stamp younger than this is not rewritten on a read, so a warm run usually writes nothing.
const TOUCH_EVERY: u64 = 3600;

pub struct Reader {
    // Field order is drop order: tables, then the transaction, then the database.
    entries: Option<ReadOnlyTable<&'static [u8; 32], &'static [u8]>>,
    used: Option<ReadOnlyTable<&'static [u8; 32], u64>>,
    records: Option<ReadOnlyTable<&'static [u8; 32], &'static [u8]>>,
    _txn: ReadTransaction,
    _db: Option<ReadOnlyDatabase>,
    pub path: PathBuf,
}

/// Why a read-only view could not be had.
pub enum ViewError {
    /// Another process holds the file too long: carry on without it.
    Busy(StoreError),
    /// Corrupt, needing a repair, held exclusively by an older protocol: the writable open
    /// ([`Tier::open`]) knows what to do about each.
    Unusable(StoreError),
}

impl Reader {
    /// Opens `path` read-only, waiting at most [`LOCK_WAIT`]; `Ok(None)` when there is no file.
    pub fn open(path: &Path) -> Result<Option<Reader>, ViewError> {
        if !path.is_file() {
            return Ok(None);
        }
        let p = path.to_path_buf();
        match bounded(LOCK_WAIT, move || Reader::open_now(&p)) {
            Bounded::TimedOut => Err(ViewError::Busy(busy(path))),
            Bounded::Panicked(message) => Err(ViewError::Unusable(StoreError::Panicked {
                path: path.to_path_buf(),
                message,
            })),
            Bounded::Done(r) => r.map(Some).map_err(ViewError::Unusable),
        }
    }

    fn open_now(path: &Path) -> Result<Reader, StoreError> {
        let db = Builder::new()
            .set_concurrency_mode(ConcurrencyMode::MultiWriter)
            .open_read_only(path)
            .map_err(|e| StoreError::db(path, e))?;
        let txn = db.begin_read().map_err(|e| StoreError::db(path, e))?;
        Reader::with(txn, Some(db), path)
    }

    /// A view through an already open (writable) tier.
    pub fn of(tier: &Tier) -> Result<Reader, StoreError> {
        let txn = begin_read(&tier.db, &tier.path)?;
        Reader::with(txn, None, &tier.path)
    }

    fn with(
        txn: ReadTransaction,
        db: Option<ReadOnlyDatabase>,
        path: &Path,
    ) -> Result<Reader, StoreError> {
        fn table<K: redb::Key + 'static, V: redb::Value + 'static>(
            txn: &ReadTransaction,
            def: TableDefinition<K, V>,
            path: &Path,
        ) -> Result<Option<ReadOnlyTable<K, V>>, StoreError> {
            match txn.open_table(def) {
                Ok(t) => Ok(Some(t)),
                Err(TableError::TableDoesNotExist(_)) => Ok(None),
                Err(e) => Err(StoreError::db(path, e)),
            }
        }
        Ok(Reader {
            entries: table(&txn, ENTRIES, path)?,
            used: table(&txn, USED, path)?,
            records: table(&txn, RECORDS, path)?,
            _txn: txn,
            _db: db,
            path: path.to_path_buf(),
        })
    }

    /// The value stored under `key`, and whether its use stamp is old enough to refresh.
    pub fn get(&self, key: &Key) -> Result<Option<(Vec<u8>, bool)>, StoreError> {
        let Some(entries) = &self.entries else {
            return Ok(None);
        };
        let found = entries
            .get(key)
            .map_err(|e| StoreError::db(&self.path, e))?;
        let Some(v) = found else {
            return Ok(None);
        };
        let value = v.value().to_vec();
        let stale = self.used.as_ref().is_none_or(|used| {
            used.get(key)
                .ok()
                .flatten()
                .is_none_or(|t| t.value() + TOUCH_EVERY < now())
        });
        Ok(Some((value, stale)))
    }

    /// The record stored under `key` (its stamp first), if any ([`super::records`]).
    pub fn record(&self, key: &Key) -> Result<Option<Vec<u8>>, StoreError> {
        let Some(records) = &self.records else {
            return Ok(None);
        };
        let found = records
            .get(key)
            .map_err(|e| StoreError::db(&self.path, e))?;
        Ok(found.map(|v| v.value().to_vec()))
    }
}
