//! Opening one tier's redb file without ever hanging or failing a run.
//!
//! Every handle opens in `ConcurrencyMode::MultiWriter` (STACK.md pitfall 16), so any number of
//! debtgate processes share the file. redb takes some file locks blocking (a reader waits for the
//! header while another process commits), so each open runs on a helper thread and is waited for
//! at most [`LOCK_WAIT`]. A file that is not a readable database is moved aside (named
//! `<file>.corrupt-<time>-<pid>`, with the reason in the caller's warning) and rebuilt.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use redb::{ConcurrencyMode, Database, DatabaseError, StorageError};

use super::error::{panic_message, StoreError};
use super::tier::{now, Tier};

/// How long a run waits for a lock (opening, or beginning a write) before carrying on without
/// the store.
pub const LOCK_WAIT: Duration = Duration::from_millis(600);

/// An opened tier, and what happened on the way, for the caller's warning.
pub struct Opened {
    pub tier: Tier,
    /// Set when a corrupt file was moved aside: where to, and why it was taken for corrupt.
    pub moved_aside: Option<(PathBuf, String)>,
}

/// Whether redb's `e` on opening means the file is not a database it can read (so it is moved
/// aside), as opposed to a lock or an environment problem (so it is left alone).
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

/// How a helper thread's work ended.
pub(super) enum Bounded<T> {
    Done(T),
    /// It panicked, saying this.
    Panicked(String),
    /// Still running when the wait ended; it finishes on its own or dies with the process.
    TimedOut,
}

/// Runs `f` on a helper thread and waits at most `wait` for it. A debtgate stopped mid-commit —
/// Ctrl-Z, SIGSTOP, a debugger — would otherwise hang every run behind it.
pub(super) fn bounded<T: Send + 'static>(
    wait: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Bounded<T> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let r = std::panic::catch_unwind(AssertUnwindSafe(f));
        let _ = tx.send(r.map_err(|p| panic_message(p.as_ref())));
    });
    match rx.recv_timeout(wait) {
        Ok(Ok(v)) => Bounded::Done(v),
        Ok(Err(message)) => Bounded::Panicked(message),
        Err(_) => Bounded::TimedOut,
    }
}

/// The error for a wait given up after [`LOCK_WAIT`].
pub(super) fn busy(path: &Path) -> StoreError {
    StoreError::Busy {
        path: path.to_path_buf(),
        waited: LOCK_WAIT,
    }
}

/// Opens (creating) `path` on a helper thread, waiting at most `wait`.
fn attempt(path: &Path, wait: Duration) -> Bounded<Result<Database, DatabaseError>> {
    let p = path.to_path_buf();
    bounded(wait, move || {
        Database::builder()
            .set_concurrency_mode(ConcurrencyMode::MultiWriter)
            .create(&p)
    })
}

impl Tier {
    /// Opens or creates the tier at `path`; a corrupt file is moved aside and replaced. Missing
    /// directories are made, but none above `inside`, which must exist.
    pub fn open(path: &Path, inside: Option<&Path>) -> Result<Opened, StoreError> {
        if let Some(gone) = inside.filter(|d| !d.is_dir()) {
            return Err(StoreError::Gone {
                path: gone.to_path_buf(),
            });
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let deadline = Instant::now() + LOCK_WAIT;
        let mut moved_aside = None;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let corrupt = match attempt(path, left.max(Duration::from_millis(50))) {
                Bounded::TimedOut => return Err(busy(path)),
                Bounded::Done(Ok(db)) => {
                    return Ok(Opened {
                        tier: Tier::new(Arc::new(db), path),
                        moved_aside,
                    })
                }
                Bounded::Done(Err(
                    e @ (DatabaseError::DatabaseAlreadyOpen | DatabaseError::LockProtocolMismatch),
                )) => {
                    if Instant::now() < deadline {
                        std::thread::sleep(Duration::from_millis(20));
                        continue;
                    }
                    return Err(StoreError::Locked {
                        path: path.to_path_buf(),
                        source: e,
                    });
                }
                Bounded::Done(Err(e)) if is_corrupt(&e) => format!("redb: {e}"),
                Bounded::Panicked(m) => format!("redb panicked while opening: {m}"),
                Bounded::Done(Err(e)) => return Err(StoreError::db(path, e)),
            };
            if moved_aside.is_some() {
                return Err(StoreError::StillCorrupt {
                    path: path.to_path_buf(),
                    why: corrupt,
                });
            }
            let aside = aside_path(path);
            if let Err(source) = std::fs::rename(path, &aside) {
                return Err(StoreError::CannotMoveAside {
                    path: path.to_path_buf(),
                    why: corrupt,
                    source,
                });
            }
            moved_aside = Some((aside, corrupt));
        }
    }
}

/// Where a corrupt file goes: next to it, named so that nobody mistakes it for the store.
fn aside_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!("{}{}-{}", CORRUPT_INFIX, now(), std::process::id()));
    path.with_file_name(name)
}

/// What a moved-aside file's name has after the tier's file name.
pub const CORRUPT_INFIX: &str = ".corrupt-";
