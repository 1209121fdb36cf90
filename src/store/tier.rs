//! One redb file of the store (the warm or the cold tier).
//!
//! Every handle opens in `ConcurrencyMode::MultiWriter` (STACK.md pitfall 16), so any number of
//! debtgate processes share the file. Nothing here fails a run: opening waits at most
//! [`LOCK_WAIT`], a file that is not a readable database is moved aside and rebuilt, and every
//! other problem comes back as a message for the caller's one warning.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use redb::{
    Builder, ConcurrencyMode, Database, DatabaseError, Durability, ReadOnlyDatabase, ReadOnlyTable,
    ReadTransaction, ReadableDatabase, ReadableTable, ReadableTableMetadata, StorageError,
    TableDefinition, TableError, TransactionError,
};

use super::codec;
use super::key::Key;

/// How long a run waits for a lock (opening, or beginning a write) before carrying on without
/// the store.
pub const LOCK_WAIT: Duration = Duration::from_millis(600);

/// Encoded values by key.
const ENTRIES: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("entries");
/// When each entry was last read or written, in Unix seconds.
const USED: TableDefinition<&[u8; 32], u64> = TableDefinition::new("used");
/// Counters: `bytes` (stored value bytes), hit/miss counts, `last_gc`.
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");

/// A stamp younger than this is not rewritten on a read, so a warm run usually writes nothing.
const TOUCH_EVERY: u64 = 3600;

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// An open tier.
pub struct Tier {
    // Shared with the helper thread of a bounded read (see [`bounded`]).
    db: Arc<Database>,
    pub path: PathBuf,
}

/// Why a tier could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// Another process holds it, or opening took longer than [`LOCK_WAIT`].
    Locked(String),
    /// Not a readable database; it was moved to the path given (or could not be) and a fresh one
    /// could not be made either.
    Unusable(String),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::Locked(m) | OpenError::Unusable(m) => f.write_str(m),
        }
    }
}

/// What happened while opening, for the caller's warning.
pub struct Opened {
    pub tier: Tier,
    /// Set when a corrupt file was moved aside to this path.
    pub moved_aside: Option<PathBuf>,
}

/// Summary numbers of one tier, from its file.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TierStats {
    pub entries: u64,
    pub stored_bytes: u64,
    pub raw_bytes: u64,
    pub file_bytes: u64,
}

fn is_corrupt(e: &DatabaseError) -> bool {
    match e {
        DatabaseError::RepairAborted | DatabaseError::UpgradeRequired(_) => true,
        DatabaseError::Storage(StorageError::Corrupted(_)) => true,
        DatabaseError::Storage(StorageError::Io(io)) => {
            matches!(
                io.kind(),
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
            )
        }
        _ => false,
    }
}

enum Attempt {
    Ok(Database),
    Err(DatabaseError),
    Panicked,
}

/// Runs `f` on a helper thread and waits at most `wait` for it; `None` when it took longer, and
/// `Some(Err(()))` when it panicked. redb takes some file locks blocking (a reader waits for the
/// header while another process commits), so a debtgate stopped mid-commit — Ctrl-Z, SIGSTOP, a
/// debugger — would otherwise hang every run behind it. A thread given up on finishes on its own
/// or dies with the process.
fn bounded<T: Send + 'static>(
    wait: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Option<Result<T, ()>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(std::panic::catch_unwind(AssertUnwindSafe(f)).map_err(|_| ()));
    });
    rx.recv_timeout(wait).ok()
}

/// Opens (creating) `path` on a helper thread, waiting at most `wait`.
fn attempt(path: &Path, wait: Duration) -> Option<Attempt> {
    let p = path.to_path_buf();
    let r = bounded(wait, move || {
        Database::builder()
            .set_concurrency_mode(ConcurrencyMode::MultiWriter)
            .create(&p)
    })?;
    Some(match r {
        Ok(Ok(db)) => Attempt::Ok(db),
        Ok(Err(e)) => Attempt::Err(e),
        Err(()) => Attempt::Panicked,
    })
}

/// A message for a wait given up after [`LOCK_WAIT`].
fn busy(path: &Path) -> String {
    format!(
        "{} is busy (waited {} ms)",
        path.display(),
        LOCK_WAIT.as_millis()
    )
}

/// Begins a read of `db`, waiting at most [`LOCK_WAIT`].
fn begin_read(db: &Arc<Database>, path: &Path) -> Result<ReadTransaction, String> {
    let db = Arc::clone(db);
    match bounded(LOCK_WAIT, move || db.begin_read()) {
        None => Err(busy(path)),
        Some(Err(())) => Err(format!("{}: the database panicked", path.display())),
        Some(Ok(r)) => r.map_err(|e| e.to_string()),
    }
}

impl Tier {
    /// Opens or creates the tier at `path`; a corrupt file is moved aside and replaced.
    pub fn open(path: &Path) -> Result<Opened, OpenError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                OpenError::Unusable(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        let deadline = Instant::now() + LOCK_WAIT;
        let mut moved_aside = None;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let r = attempt(path, left.max(Duration::from_millis(50)));
            let corrupt = match r {
                None => return Err(OpenError::Locked(busy(path))),
                Some(Attempt::Ok(db)) => {
                    return Ok(Opened {
                        tier: Tier {
                            db: Arc::new(db),
                            path: path.to_path_buf(),
                        },
                        moved_aside,
                    })
                }
                Some(Attempt::Err(
                    e @ (DatabaseError::DatabaseAlreadyOpen | DatabaseError::LockProtocolMismatch),
                )) => {
                    if Instant::now() < deadline {
                        std::thread::sleep(Duration::from_millis(20));
                        continue;
                    }
                    return Err(OpenError::Locked(format!("{}: {e}", path.display())));
                }
                Some(Attempt::Err(e)) if is_corrupt(&e) => e.to_string(),
                Some(Attempt::Panicked) => "the database panicked while opening".to_string(),
                Some(Attempt::Err(e)) => {
                    return Err(OpenError::Unusable(format!("{}: {e}", path.display())))
                }
            };
            if moved_aside.is_some() {
                return Err(OpenError::Unusable(format!(
                    "{} is still unreadable after rebuilding: {corrupt}",
                    path.display()
                )));
            }
            let aside = aside_path(path);
            std::fs::rename(path, &aside).map_err(|e| {
                OpenError::Unusable(format!(
                    "{} is corrupt ({corrupt}) and could not be moved aside: {e}",
                    path.display()
                ))
            })?;
            moved_aside = Some(aside);
        }
    }

    /// Begins a write, waiting at most [`LOCK_WAIT`] for another writer.
    fn begin_write(&self) -> Result<redb::WriteTransaction, String> {
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            match self.db.try_begin_write() {
                Ok(w) => return Ok(w),
                Err(TransactionError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(TransactionError::WouldBlock) => return Err(busy(&self.path)),
                Err(e) => return Err(e.to_string()),
            }
        }
    }

    /// One transaction: insert `puts`, refresh the stamps of `touched`, remove `removes`, add
    /// `counters` to the counters.
    pub fn write(
        &self,
        puts: &[(Key, Vec<u8>)],
        touched: &[Key],
        removes: &[Key],
        counters: &[(&str, u64)],
        durable: bool,
    ) -> Result<(), String> {
        let e = |e: &dyn std::fmt::Display| e.to_string();
        let mut wtx = self.begin_write()?;
        if !durable {
            wtx.set_durability(Durability::None).map_err(|x| e(&x))?;
        }
        let stamp = now();
        {
            let mut entries = wtx.open_table(ENTRIES).map_err(|x| e(&x))?;
            let mut used = wtx.open_table(USED).map_err(|x| e(&x))?;
            let mut meta = wtx.open_table(META).map_err(|x| e(&x))?;
            let mut bytes = meta
                .get("bytes")
                .map_err(|x| e(&x))?
                .map_or(0, |v| v.value());
            for (k, v) in puts {
                if let Some(old) = entries.insert(k, v.as_slice()).map_err(|x| e(&x))? {
                    bytes = bytes.saturating_sub(old.value().len() as u64);
                }
                bytes += v.len() as u64;
                used.insert(k, stamp).map_err(|x| e(&x))?;
            }
            for k in touched {
                used.insert(k, stamp).map_err(|x| e(&x))?;
            }
            for k in removes {
                if let Some(old) = entries.remove(k).map_err(|x| e(&x))? {
                    bytes = bytes.saturating_sub(old.value().len() as u64);
                }
                used.remove(k).map_err(|x| e(&x))?;
            }
            meta.insert("bytes", bytes).map_err(|x| e(&x))?;
            for (name, add) in counters {
                let old = meta.get(*name).map_err(|x| e(&x))?.map_or(0, |v| v.value());
                meta.insert(*name, old + add).map_err(|x| e(&x))?;
            }
        }
        wtx.commit().map_err(|x| e(&x))
    }

    /// Sets counter `name` (e.g. `last_gc`).
    pub fn set_counter(&self, name: &str, value: u64) -> Result<(), String> {
        let wtx = self.begin_write()?;
        {
            let mut meta = wtx.open_table(META).map_err(|e| e.to_string())?;
            meta.insert(name, value).map_err(|e| e.to_string())?;
        }
        wtx.commit().map_err(|e| e.to_string())
    }

    /// Every counter.
    pub fn counters(&self) -> Result<Vec<(String, u64)>, String> {
        let rtx = begin_read(&self.db, &self.path)?;
        let meta = match rtx.open_table(META) {
            Ok(t) => t,
            Err(TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.to_string()),
        };
        let mut out = Vec::new();
        for row in meta.iter().map_err(|e| e.to_string())? {
            let (k, v) = row.map_err(|e| e.to_string())?;
            out.push((k.value().to_string(), v.value()));
        }
        Ok(out)
    }

    pub fn counter(&self, name: &str) -> u64 {
        self.counters()
            .ok()
            .and_then(|c| c.into_iter().find(|(k, _)| k == name))
            .map_or(0, |(_, v)| v)
    }

    /// Visits every entry with its last-use stamp (0 when unknown).
    pub fn for_each(&self, mut f: impl FnMut(&Key, &[u8], u64)) -> Result<(), String> {
        let rtx = begin_read(&self.db, &self.path)?;
        let entries = match rtx.open_table(ENTRIES) {
            Ok(t) => t,
            Err(TableError::TableDoesNotExist(_)) => return Ok(()),
            Err(e) => return Err(e.to_string()),
        };
        let used = rtx.open_table(USED).ok();
        for row in entries.iter().map_err(|e| e.to_string())? {
            let (k, v) = row.map_err(|e| e.to_string())?;
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
    pub fn stats(&self) -> Result<TierStats, String> {
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
    pub fn entry_count(&self) -> Result<u64, String> {
        let rtx = begin_read(&self.db, &self.path)?;
        match rtx.open_table(ENTRIES) {
            Ok(t) => t.len().map_err(|e| e.to_string()),
            Err(TableError::TableDoesNotExist(_)) => Ok(0),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Removes every entry and counter.
    pub fn clear(&self) -> Result<(), String> {
        let wtx = self.begin_write()?;
        let e = |e: TableError| e.to_string();
        wtx.delete_table(ENTRIES).map_err(e)?;
        wtx.delete_table(USED).map_err(e)?;
        wtx.delete_table(META).map_err(e)?;
        wtx.commit().map_err(|e| e.to_string())
    }

    /// Packs the file (best effort: another process's transaction makes it a no-op).
    pub fn compact(&mut self) {
        // Not while a bounded read given up on still holds the database.
        if let Some(db) = Arc::get_mut(&mut self.db) {
            let _ = db.compact();
        }
    }
}

/// A run's view of one tier: one read transaction with its tables opened once, shared by every
/// lookup of the run. Opened read-only when possible, so a run that finds everything neither
/// writes to nor syncs the file (a writable open of a `MultiWriter` database rewrites its header
/// and syncs, on open and on close).
pub struct Reader {
    // Field order is drop order: tables, then the transaction, then the database.
    entries: Option<ReadOnlyTable<&'static [u8; 32], &'static [u8]>>,
    used: Option<ReadOnlyTable<&'static [u8; 32], u64>>,
    _txn: ReadTransaction,
    _db: Option<ReadOnlyDatabase>,
    pub path: PathBuf,
}

impl Reader {
    /// Opens `path` read-only, waiting at most [`LOCK_WAIT`]; `Ok(None)` when there is no file.
    /// `Err(Locked)`: another process holds it too long — carry on without it. `Err(Unusable)`
    /// (corrupt, needs a repair, held exclusively by an older protocol): open it with
    /// [`Tier::open`], which knows what to do about each.
    pub fn open(path: &Path) -> Result<Option<Reader>, OpenError> {
        if !path.is_file() {
            return Ok(None);
        }
        let p = path.to_path_buf();
        match bounded(LOCK_WAIT, move || Reader::open_now(&p)) {
            None => Err(OpenError::Locked(busy(path))),
            Some(Err(())) => Err(OpenError::Unusable(
                "the database panicked while opening".to_string(),
            )),
            Some(Ok(r)) => r.map(Some).map_err(OpenError::Unusable),
        }
    }

    fn open_now(path: &Path) -> Result<Reader, String> {
        let db = Builder::new()
            .set_concurrency_mode(ConcurrencyMode::MultiWriter)
            .open_read_only(path)
            .map_err(|e| e.to_string())?;
        let txn = db.begin_read().map_err(|e| e.to_string())?;
        Reader::with(txn, Some(db), path)
    }

    /// A view through an already open (writable) tier.
    pub fn of(tier: &Tier) -> Result<Reader, String> {
        let txn = begin_read(&tier.db, &tier.path)?;
        Reader::with(txn, None, &tier.path)
    }

    fn with(
        txn: ReadTransaction,
        db: Option<ReadOnlyDatabase>,
        path: &Path,
    ) -> Result<Reader, String> {
        fn table<K: redb::Key + 'static, V: redb::Value + 'static>(
            txn: &ReadTransaction,
            def: TableDefinition<K, V>,
        ) -> Result<Option<ReadOnlyTable<K, V>>, String> {
            match txn.open_table(def) {
                Ok(t) => Ok(Some(t)),
                Err(TableError::TableDoesNotExist(_)) => Ok(None),
                Err(e) => Err(e.to_string()),
            }
        }
        Ok(Reader {
            entries: table(&txn, ENTRIES)?,
            used: table(&txn, USED)?,
            _txn: txn,
            _db: db,
            path: path.to_path_buf(),
        })
    }

    /// The value stored under `key`, and whether its use stamp is old enough to refresh.
    pub fn get(&self, key: &Key) -> Result<Option<(Vec<u8>, bool)>, String> {
        let Some(entries) = &self.entries else {
            return Ok(None);
        };
        let Some(v) = entries.get(key).map_err(|e| e.to_string())? else {
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
}

/// Where a corrupt file goes: next to it, named so that nobody mistakes it for the store.
fn aside_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".corrupt-{}-{}", now(), std::process::id()));
    path.with_file_name(name)
}
