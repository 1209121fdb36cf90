//! One writable redb file of the store (the warm or the cold tier): its tables, and every write
//! and full scan of it. Opening lives in [`super::open`], a run's read-only view in
//! [`super::reader`]. Nothing here waits long or panics at the caller: a write waits at most
//! [`LOCK_WAIT`] for another writer, and every problem comes back as a [`StoreError`].

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use redb::{
    Database, ReadTransaction, ReadableDatabase, ReadableTable, ReadableTableMetadata,
    TableDefinition, TableError, TransactionError,
};

use super::codec;
use super::error::{panic_message, StoreError};
use super::key::Key;
use super::open::{bounded, busy, is_corrupt, Bounded, LOCK_WAIT};

/// Encoded values by key.
pub(super) const ENTRIES: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("entries");
/// When each entry was last read or written, in Unix seconds.
pub(super) const USED: TableDefinition<&[u8; 32], u64> = TableDefinition::new("used");
/// Counters: `bytes` (stored value bytes), `last_gc`, [`CHECKSUM_FAILED`].
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");

/// The counter (kept in warm's file) of stored values, of either tier, whose checksum did not
/// match when a run or `store verify` read them.
pub const CHECKSUM_FAILED: &str = "checksum_failed";

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// An open tier.
pub struct Tier {
    // Shared with the helper thread of a bounded read (see [`bounded`]).
    pub(super) db: Arc<Database>,
    pub path: PathBuf,
}

/// Summary numbers of one tier, from its file.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TierStats {
    pub entries: u64,
    pub stored_bytes: u64,
    pub raw_bytes: u64,
    pub file_bytes: u64,
}

/// What redb's integrity check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// Every page verified.
    Intact,
    /// Something did not verify and redb repaired it.
    Repaired,
    /// Not repairable, and why.
    Corrupt(String),
}

/// Begins a read of `db`, waiting at most [`LOCK_WAIT`].
pub(super) fn begin_read(db: &Arc<Database>, path: &Path) -> Result<ReadTransaction, StoreError> {
    let db = Arc::clone(db);
    match bounded(LOCK_WAIT, move || db.begin_read()) {
        Bounded::TimedOut => Err(busy(path)),
        Bounded::Panicked(message) => Err(StoreError::Panicked {
            path: path.to_path_buf(),
            message,
        }),
        Bounded::Done(r) => r.map_err(|e| StoreError::db(path, e)),
    }
}

impl Tier {
    pub(super) fn new(db: Arc<Database>, path: &Path) -> Tier {
        Tier {
            db,
            path: path.to_path_buf(),
        }
    }

    /// redb's `e`, about this tier's file.
    pub(super) fn err(&self, e: impl Into<redb::Error>) -> StoreError {
        StoreError::db(&self.path, e)
    }

    /// Begins a write, waiting at most [`LOCK_WAIT`] for another writer.
    pub(super) fn begin_write(&self) -> Result<redb::WriteTransaction, StoreError> {
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            match self.db.try_begin_write() {
                Ok(w) => return Ok(w),
                Err(TransactionError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(TransactionError::WouldBlock) => return Err(busy(&self.path)),
                Err(e) => return Err(self.err(e)),
            }
        }
    }

    /// One durable transaction (redb refuses others on a multi-writer database): insert `puts`,
    /// refresh the stamps of `touched`, remove `removes`.
    pub fn write(
        &self,
        puts: &[(Key, Vec<u8>)],
        touched: &[Key],
        removes: &[Key],
    ) -> Result<(), StoreError> {
        let wtx = self.begin_write()?;
        let stamp = now();
        {
            let mut entries = wtx.open_table(ENTRIES).map_err(|x| self.err(x))?;
            let mut used = wtx.open_table(USED).map_err(|x| self.err(x))?;
            let mut meta = wtx.open_table(META).map_err(|x| self.err(x))?;
            let mut bytes = meta
                .get("bytes")
                .map_err(|x| self.err(x))?
                .map_or(0, |v| v.value());
            for (k, v) in puts {
                if let Some(old) = entries.insert(k, v.as_slice()).map_err(|x| self.err(x))? {
                    bytes = bytes.saturating_sub(old.value().len() as u64);
                }
                bytes += v.len() as u64;
                used.insert(k, stamp).map_err(|x| self.err(x))?;
            }
            for k in touched {
                used.insert(k, stamp).map_err(|x| self.err(x))?;
            }
            for k in removes {
                if let Some(old) = entries.remove(k).map_err(|x| self.err(x))? {
                    bytes = bytes.saturating_sub(old.value().len() as u64);
                }
                used.remove(k).map_err(|x| self.err(x))?;
            }
            meta.insert("bytes", bytes).map_err(|x| self.err(x))?;
        }
        wtx.commit().map_err(|x| self.err(x))
    }

    /// Sets counter `name` (e.g. `last_gc`).
    pub fn set_counter(&self, name: &str, value: u64) -> Result<(), StoreError> {
        let wtx = self.begin_write()?;
        {
            let mut meta = wtx.open_table(META).map_err(|e| self.err(e))?;
            meta.insert(name, value).map_err(|e| self.err(e))?;
        }
        wtx.commit().map_err(|e| self.err(e))
    }

    /// Adds `n` to counter `name`.
    pub fn add_counter(&self, name: &str, n: u64) -> Result<(), StoreError> {
        let wtx = self.begin_write()?;
        {
            let mut meta = wtx.open_table(META).map_err(|e| self.err(e))?;
            let old = meta
                .get(name)
                .map_err(|e| self.err(e))?
                .map_or(0, |v| v.value());
            meta.insert(name, old.saturating_add(n))
                .map_err(|e| self.err(e))?;
        }
        wtx.commit().map_err(|e| self.err(e))
    }

    /// Every counter.
    pub fn counters(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let rtx = begin_read(&self.db, &self.path)?;
        let meta = match rtx.open_table(META) {
            Ok(t) => t,
            Err(TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(self.err(e)),
        };
        let mut out = Vec::new();
        for row in meta.iter().map_err(|e| self.err(e))? {
            let (k, v) = row.map_err(|e| self.err(e))?;
            out.push((k.value().to_string(), v.value()));
        }
        Ok(out)
    }

    /// Counter `name`; 0 when it is unset or cannot be read.
    pub fn counter(&self, name: &str) -> u64 {
        self.counters()
            .ok()
            .and_then(|c| c.into_iter().find(|(k, _)| k == name))
            .map_or(0, |(_, v)| v)
    }

    /// Visits every entry with its last-use stamp (0 when unknown).
    pub fn for_each(&self, mut f: impl FnMut(&Key, &[u8], u64)) -> Result<(), StoreError> {
        let rtx = begin_read(&self.db, &self.path)?;
        let entries = match rtx.open_table(ENTRIES) {
            Ok(t) => t,
            Err(TableError::TableDoesNotExist(_)) => return Ok(()),
            Err(e) => return Err(self.err(e)),
        };
        let used = rtx.open_table(USED).ok();
        for row in entries.iter().map_err(|e| self.err(e))? {
            let (k, v) = row.map_err(|e| self.err(e))?;
            let key = *k.value();
            let stamp = used
                .as_ref()
                .and_then(|u| u.get(&key).ok().flatten())
                .map_or(0, |s| s.value());
            f(&key, v.value(), stamp);
        }
        Ok(())
    }

    /// Entries, stored and raw bytes, file size: all read from the file.
    pub fn stats(&self) -> Result<TierStats, StoreError> {
        let mut s = TierStats {
            file_bytes: std::fs::metadata(&self.path).map_or(0, |m| m.len()),
            ..TierStats::default()
        };
        self.for_each(|_, v, _| {
            s.entries += 1;
            s.stored_bytes += v.len() as u64;
            s.raw_bytes += codec::raw_len(v).unwrap_or(0) as u64;
        })?;
        Ok(s)
    }

    /// Number of entries.
    pub fn entry_count(&self) -> Result<u64, StoreError> {
        let rtx = begin_read(&self.db, &self.path)?;
        match rtx.open_table(ENTRIES) {
            Ok(t) => t.len().map_err(|e| self.err(e)),
            Err(TableError::TableDoesNotExist(_)) => Ok(0),
            Err(e) => Err(self.err(e)),
        }
    }

    /// Removes every entry, counter and record.
    pub fn clear(&self) -> Result<(), StoreError> {
        let wtx = self.begin_write()?;
        wtx.delete_table(ENTRIES).map_err(|e| self.err(e))?;
        wtx.delete_table(USED).map_err(|e| self.err(e))?;
        wtx.delete_table(META).map_err(|e| self.err(e))?;
        wtx.delete_table(super::records::RECORDS)
            .map_err(|e| self.err(e))?;
        wtx.commit().map_err(|e| self.err(e))
    }

    /// Verifies every page's checksum and rebuilds the allocator state (redb's
    /// `check_integrity`): what `debtgate store repair` runs after the open's own repair.
    pub fn check_integrity(&mut self) -> Result<Checked, StoreError> {
        let path = self.path.clone();
        let db = Arc::get_mut(&mut self.db).ok_or_else(|| busy(&path))?;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| db.check_integrity())) {
            Ok(Ok(true)) => Ok(Checked::Intact),
            Ok(Ok(false)) => Ok(Checked::Repaired),
            Ok(Err(e)) if is_corrupt(&e) => Ok(Checked::Corrupt(format!("redb: {e}"))),
            Ok(Err(e)) => Err(StoreError::db(&path, e)),
            Err(p) => Ok(Checked::Corrupt(format!(
                "redb panicked while checking: {}",
                panic_message(p.as_ref())
            ))),
        }
    }

    /// Packs the file (best effort: another process's transaction makes it a no-op).
    pub fn compact(&mut self) {
        // Not while a bounded read given up on still holds the database.
        if let Some(db) = Arc::get_mut(&mut self.db) {
            let _ = db.compact();
        }
    }
}
