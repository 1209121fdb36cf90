//! Opening one tier's redb file without ever hanging or failing a run.
//!
//! Every handle opens in `ConcurrencyMode::MultiWriter` (STACK.md pitfall 16), so any number of
//! debtgate processes share the file. redb takes some file locks blocking (a reader waits for the
//! header while another process commits), so each open runs on a helper thread and is waited for
//! at most [`LOCK_WAIT`]. A file that is not a readable database is moved aside (named
//! `<file>.corrupt-<time>-<pid>`, with the reason in the caller's warning) and rebuilt.
//!
//! A file a crashed writer left is repaired by redb as it opens. How long that may take is the
//! caller's [`Repair`]: a run gives it a budget and, past it, aborts the repair at redb's next
//! check and carries on without the store (one warning naming `debtgate store repair`); the
//! `debtgate store` commands let it finish, however long, so the next run finds it done. A
//! repair is never abandoned half way through a write: redb keeps its work in memory until the
//! one commit that ends it.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
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
    /// Whether redb repaired what a crash left.
    pub repaired: bool,
}

/// How an open treats a file a crash left needing a repair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repair {
    /// A run: repair when it takes at most this long (checked between redb's repair passes);
    /// otherwise carry on without the store and say `debtgate store repair` finishes it.
    Within(Duration),
    /// `debtgate store …`: run the repair to its end, however long it takes.
    Finish,
}

/// Whether redb's `e` on a writable open means the file is not a database it can read (so it is
/// moved aside), as opposed to a lock or an environment problem (so it is left alone). A repair
/// that was aborted is never corruption: only the open's own callback aborts one.
pub(super) fn is_corrupt(e: &DatabaseError) -> bool {
    match e {
        DatabaseError::UpgradeRequired(_) => true,
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

/// How a helper thread's work ended, so far.
pub(super) enum Bounded<T> {
    Done(T),
    /// It panicked, saying this.
    Panicked(String),
    /// Still running when the wait ended; it finishes on its own or dies with the process.
    TimedOut,
}

/// Work on a helper thread, waited for in bounded steps.
pub(super) struct Helper<T> {
    rx: mpsc::Receiver<Result<T, String>>,
}

impl<T: Send + 'static> Helper<T> {
    pub(super) fn spawn(f: impl FnOnce() -> T + Send + 'static) -> Helper<T> {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let r = std::panic::catch_unwind(AssertUnwindSafe(f));
            let _ = tx.send(r.map_err(|p| panic_message(p.as_ref())));
        });
        Helper { rx }
    }

    /// Waits at most `wait` (`None`: until it ends).
    pub(super) fn wait(&self, wait: Option<Duration>) -> Bounded<T> {
        let got = match wait {
            Some(w) => self.rx.recv_timeout(w).map_err(|_| ()),
            None => self.rx.recv().map_err(|_| ()),
        };
        match got {
            Ok(Ok(v)) => Bounded::Done(v),
            Ok(Err(message)) => Bounded::Panicked(message),
            Err(()) => Bounded::TimedOut,
        }
    }
}

/// Runs `f` on a helper thread and waits at most `wait` for it. A debtgate stopped mid-commit —
/// Ctrl-Z, SIGSTOP, a debugger — would otherwise hang every run behind it.
pub(super) fn bounded<T: Send + 'static>(
    wait: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Bounded<T> {
    Helper::spawn(f).wait(Some(wait))
}

/// The error for a wait given up after [`LOCK_WAIT`].
pub(super) fn busy(path: &Path) -> StoreError {
    StoreError::Busy {
        path: path.to_path_buf(),
        waited: LOCK_WAIT,
    }
}

/// What the repair callback saw: whether redb started a repair, and whether it was told to stop.
#[derive(Default)]
struct RepairSeen {
    started: AtomicBool,
    aborted: AtomicBool,
}

/// One attempt at opening (creating) `path` for writing, on a helper thread.
struct Attempt {
    helper: Helper<Result<Database, DatabaseError>>,
    seen: Arc<RepairSeen>,
}

impl Attempt {
    fn start(path: &Path, repair: Repair) -> Attempt {
        let p = path.to_path_buf();
        let seen = Arc::new(RepairSeen::default());
        let deadline = match repair {
            Repair::Within(d) => Some(Instant::now() + d),
            Repair::Finish => None,
        };
        let callback_seen = Arc::clone(&seen);
        let helper = Helper::spawn(move || {
            Database::builder()
                .set_concurrency_mode(ConcurrencyMode::MultiWriter)
                .set_repair_callback(move |session| {
                    callback_seen.started.store(true, Ordering::Relaxed);
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        callback_seen.aborted.store(true, Ordering::Relaxed);
                        session.abort();
                    }
                })
                .create(&p)
        });
        Attempt { helper, seen }
    }

    /// Waits for the attempt: at most `wait` for it to get anywhere, and then, once redb is
    /// repairing, as long as `repair` allows (telling the user when that is a while).
    fn wait(&self, path: &Path, wait: Duration, repair: Repair) -> Waited {
        let first = self.helper.wait(Some(wait));
        let repairing = self.seen.started.load(Ordering::Relaxed);
        let outcome = match (first, repair) {
            (Bounded::TimedOut, Repair::Finish) if repairing => {
                note!(
                    "debtgate: store: repairing {} after a crash; this can take a while",
                    path.display()
                );
                self.helper.wait(None)
            }
            (Bounded::TimedOut, Repair::Within(d)) if repairing => {
                self.helper.wait(Some(d.saturating_sub(wait)))
            }
            (first, _) => first,
        };
        let aborted = self.seen.aborted.load(Ordering::Relaxed);
        match outcome {
            Bounded::TimedOut if repairing => Waited::NeedsRepair,
            Bounded::Done(Err(DatabaseError::RepairAborted)) if aborted => Waited::NeedsRepair,
            other => Waited::Ended(other, repairing),
        }
    }
}

enum Waited {
    /// The repair would take longer than the open may spend on it.
    NeedsRepair,
    /// How the open ended, and whether it repaired the file on the way.
    Ended(Bounded<Result<Database, DatabaseError>>, bool),
}

impl Tier {
    /// Opens or creates the tier at `path`; a corrupt file is moved aside and replaced, a file a
    /// crash left is repaired as `repair` allows. Missing directories are made, but none above
    /// `inside`, which must exist.
    pub fn open(path: &Path, inside: Option<&Path>, repair: Repair) -> Result<Opened, StoreError> {
        if let Some(gone) = inside.filter(|d| !d.is_dir()) {
            return Err(StoreError::Gone {
                path: gone.to_path_buf(),
            });
        }
        if let Some(dir) = path.parent() {
            make_dirs(dir, inside).map_err(|source| StoreError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let deadline = Instant::now() + LOCK_WAIT;
        let mut moved_aside = None;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let attempt = Attempt::start(path, repair);
            let (ended, repaired) =
                match attempt.wait(path, left.max(Duration::from_millis(50)), repair) {
                    Waited::NeedsRepair => {
                        return Err(StoreError::NeedsRepair {
                            path: path.to_path_buf(),
                        })
                    }
                    Waited::Ended(ended, repaired) => (ended, repaired),
                };
            let corrupt = match ended {
                Bounded::TimedOut => return Err(busy(path)),
                Bounded::Done(Ok(db)) => {
                    return Ok(Opened {
                        tier: Tier::new(Arc::new(db), path),
                        moved_aside,
                        repaired,
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
            moved_aside = Some((move_aside(path, &corrupt)?, corrupt));
        }
    }
}

/// Renames the corrupt file at `path` out of the way; returns where to.
pub(super) fn move_aside(path: &Path, why: &str) -> Result<PathBuf, StoreError> {
    let aside = aside_path(path);
    std::fs::rename(path, &aside).map_err(|source| StoreError::CannotMoveAside {
        path: path.to_path_buf(),
        why: why.to_string(),
        source,
    })?;
    Ok(aside)
}

/// Where a corrupt file goes: next to it, named so that nobody mistakes it for the store.
fn aside_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!("{}{}-{}", CORRUPT_INFIX, now(), std::process::id()));
    path.with_file_name(name)
}

/// What a moved-aside file's name has after the tier's file name.
pub const CORRUPT_INFIX: &str = ".corrupt-";

/// Creates `dir` and its missing parents, none above `inside` when it is given: one component at
/// a time with `create_dir`, which fails when its parent is gone. A repository deleted while a
/// store in it opens (a daemon's background pass, `rm -rf` in another shell) is therefore not
/// brought back, as `create_dir_all` would between the check that `inside` exists and the
/// creation.
fn make_dirs(dir: &Path, inside: Option<&Path>) -> std::io::Result<()> {
    let under = inside.and_then(|root| dir.strip_prefix(root).ok().map(|below| (root, below)));
    let Some((root, below)) = under else {
        return std::fs::create_dir_all(dir);
    };
    let mut at = root.to_path_buf();
    for part in below.components() {
        at.push(part);
        match std::fs::create_dir(&at) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && at.is_dir() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod make_dirs_tests {
    use super::make_dirs;

    #[test]
    fn directories_are_made_below_inside_but_never_inside_itself_or_above() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let repo = tmp.path().join("r");
        let inside = repo.join(".git");
        let dir = inside.join("debtgate/tiers");
        // The repository is gone: nothing is made, not even the repository's own directory.
        let err = make_dirs(&dir, Some(&inside)).expect_err("inside is missing");
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        assert!(!repo.exists());
        std::fs::create_dir_all(&inside).expect("mkdir");
        make_dirs(&dir, Some(&inside)).expect("made below inside");
        assert!(dir.is_dir());
        make_dirs(&dir, Some(&inside)).expect("already there is fine");
        // A file where a directory goes is an error, not a success.
        std::fs::write(inside.join("file"), b"").expect("write");
        assert!(make_dirs(&inside.join("file/x"), Some(&inside)).is_err());
        // Without `inside` (a store placed by the policy), every missing parent is made.
        let elsewhere = tmp.path().join("a/b/c");
        make_dirs(&elsewhere, None).expect("made");
        assert!(elsewhere.is_dir());
    }
}
