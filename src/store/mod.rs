//! The content-addressed store: remembers [`FileMetrics`](crate::analysis::FileMetrics) and the
//! facts of the bytes by `blake3(fingerprint ‖ path class ‖ content id)` so that each version of a
//! file is measured once (DESIGN.md, store; docs/store.md).
//!
//! Tiers, looked up in order:
//! - **hot** ([`hot`]): in process, bounded in bytes;
//! - **warm**: a redb file ([`tier`]), placed by the caller ([`StorePaths`]);
//! - **cold**: a second redb file next to it for entries not used for a while or pushed out when
//!   warm exceeds its cap ([`gc`]); a cold hit is promoted back to warm. It is also what
//!   `debtgate store export` writes and a CI cache carries between machines.
//!
//! The store depends on analysis, lang and change only. It reads no configuration: where it lives
//! and how big it may grow come from its caller (`config::store`), as [`StorePaths`] and
//! [`Limits`]. It is an optimisation and never fails a run: a locked, corrupt, unwritable or
//! missing store is one warning on stderr and a miss. Values are checked on the way out
//! ([`codec`]): one that does not decode is a miss and is overwritten.
//!
//! This file is the handle a run holds and how it opens; the rest, one job per file: `lookup` (a
//! side: look up, else measure and remember), `flush` (writing what a run learnt), [`gc`] (demotion
//! and caps), [`records`] (other stages' derived values), [`admin`] (`debtgate store …`: stats,
//! verify, export, import, clear), [`runlog`] (one line per run), [`open`] / [`tier`] / [`reader`]
//! (one redb file), [`codec`] / [`entry`] / [`key`] (what is stored under what), [`counts`] (where
//! a run's measurements came from), [`error`].

pub mod admin;
pub mod codec;
pub mod counts;
pub mod entry;
pub mod error;
mod flush;
pub mod gc;
pub mod hot;
pub mod key;
mod lookup;
pub mod open;
pub mod paths;
pub mod reader;
pub mod records;
pub mod runlog;
pub mod tier;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock, RwLock};

pub use admin::{Copied, Integrity, StoreStats, TierRepair, Verified};
pub use counts::{CacheStats, Served};
pub use entry::{Entry, Measured};
pub use error::StoreError;
pub use gc::Limits;
pub use key::{ContentId, Key, PathClass, ANALYSER_VERSION};
pub use open::Repair;
pub use paths::StorePaths;
pub use runlog::{recent_runs, RecentRuns};
pub use tier::TierStats;

use counts::Counters;
use reader::{Reader, ViewError};
use tier::Tier;

/// What a run has learnt and not yet written.
#[derive(Default)]
struct Pending {
    puts: Vec<(Key, Vec<u8>)>,
    touched: Vec<Key>,
    /// Promoted from cold: remove there once warm has them.
    promoted: Vec<Key>,
    /// Records ([`records`]) to write.
    records: Vec<(Key, Vec<u8>)>,
}

/// The store as one run sees it. `Sync`: share it by reference across worker threads.
///
/// Lookups go through one read-only view per tier ([`Reader`]: one read transaction for the whole
/// run); the writable handles are opened only when something is written, so a run that finds
/// everything never opens the database for writing.
pub struct Store {
    paths: Option<StorePaths>,
    /// Whether this run may use the files at all (off, or the warm tier is unusable: no).
    enabled: bool,
    warm_view: RwLock<Option<Reader>>,
    cold_view: OnceLock<Option<Reader>>,
    /// Writable handles, opened on first write.
    warm: OnceLock<Option<Tier>>,
    cold: OnceLock<Tier>,
    hot: Mutex<hot::Hot>,
    pending: Mutex<Pending>,
    counts: Counters,
    warned: AtomicBool,
    limits: Limits,
    /// Opened for `debtgate store …`: repairs are finished, not budgeted.
    admin: bool,
    /// Set by the admin open: whether warm and cold were repaired after a crash as they opened.
    repaired: [bool; 2],
}

impl Store {
    /// A store that remembers nothing beyond the hot tier (the store is off or unusable).
    pub fn memory_only() -> Store {
        Store {
            paths: None,
            enabled: false,
            warm_view: RwLock::new(None),
            cold_view: OnceLock::new(),
            warm: OnceLock::new(),
            cold: OnceLock::new(),
            hot: Mutex::new(hot::Hot::new(hot::DEFAULT_HOT_BYTES)),
            pending: Mutex::new(Pending::default()),
            counts: Counters::default(),
            warned: AtomicBool::new(false),
            limits: Limits::default(),
            admin: false,
            repaired: [false; 2],
        }
    }

    /// Opens the store at `paths` (`None`: the store is off) for a run, its tiers kept within
    /// `limits` by the automatic gc. Never fails: trouble is one warning and a store that misses.
    pub fn open(paths: Option<StorePaths>, limits: Limits) -> Store {
        let mut store = Store::memory_only();
        store.limits = limits;
        let Some(paths) = paths else {
            return store;
        };
        store.enabled = true;
        match Reader::open(&paths.warm) {
            Ok(view) => store.warm_view = RwLock::new(view),
            // Another process has held it too long (stopped mid-commit, say): a writable open
            // would only wait again.
            Err(ViewError::Busy(e)) => {
                store.warn(&format!("{e}; running without it"));
                let _ = store.warm.set(None);
                store.enabled = false;
            }
            // Not readable as it is (held exclusively, corrupt, needs a repair): the writable
            // open waits, moves a corrupt file aside or repairs, and says what happened.
            Err(ViewError::Unusable(_)) => match store.open_warm(&paths) {
                Some(tier) => {
                    let view = Reader::of(&tier).ok();
                    store.warm_view = RwLock::new(view);
                    let _ = store.warm.set(Some(tier));
                }
                None => {
                    let _ = store.warm.set(None);
                    store.enabled = false;
                }
            },
        }
        store.paths = Some(paths);
        store
    }

    /// The writable warm tier, or `None` with the run's warning.
    fn open_warm(&self, paths: &StorePaths) -> Option<Tier> {
        match Tier::open(&paths.warm, paths.inside.as_deref(), self.repair_mode()) {
            Ok(opened) => {
                if let Some((aside, why)) = opened.moved_aside {
                    self.warn(&format!(
                        "{} was corrupt ({why}); moved it to {} and started a new store",
                        paths.warm.display(),
                        aside.display()
                    ));
                }
                Some(opened.tier)
            }
            Err(e) => {
                self.warn(&format!("{e}; running without it"));
                None
            }
        }
    }

    /// How this handle's opens treat a file a crash left: a run's within its budget, an admin
    /// handle's to the end.
    fn repair_mode(&self) -> Repair {
        if self.admin {
            Repair::Finish
        } else {
            Repair::Within(self.limits.repair_wait)
        }
    }

    /// The one warning of a run.
    fn warn(&self, what: &str) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            note!("debtgate: warning: store: {what}");
        }
    }

    /// Whether this store has had trouble (its one warning was given).
    pub fn has_warned(&self) -> bool {
        self.warned.load(Ordering::Relaxed)
    }

    /// The writable warm tier, opened on first use.
    fn warm_tier(&self) -> Option<&Tier> {
        self.warm
            .get_or_init(|| self.open_warm(self.paths.as_ref()?))
            .as_ref()
    }

    /// The run's view of the cold tier: only an existing cold file is worth opening on a lookup.
    fn cold_view(&self) -> Option<&Reader> {
        self.cold_view
            .get_or_init(|| {
                let paths = self.paths.as_ref().filter(|_| self.enabled)?;
                match Reader::open(&paths.cold) {
                    Ok(view) => view,
                    Err(ViewError::Busy(e)) => {
                        self.warn(&format!("{e}; running without its cold tier"));
                        None
                    }
                    Err(ViewError::Unusable(_)) => {
                        // As for warm: the writable open knows what to do with a bad file.
                        let tier = self.cold_for_writing().ok()?;
                        Reader::of(tier).ok()
                    }
                }
            })
            .as_ref()
    }

    /// The writable cold tier, opened on first use.
    fn cold_for_writing(&self) -> Result<&Tier, StoreError> {
        if let Some(c) = self.cold.get() {
            return Ok(c);
        }
        let paths = self.paths.as_ref().ok_or(StoreError::NotOpen)?;
        let opened = Tier::open(&paths.cold, paths.inside.as_deref(), self.repair_mode())?;
        if let Some((aside, why)) = opened.moved_aside {
            self.warn(&format!(
                "{} was corrupt ({why}); moved it to {}",
                paths.cold.display(),
                aside.display()
            ));
        }
        let _ = self.cold.set(opened.tier);
        self.cold.get().ok_or(StoreError::NotOpen)
    }

    /// Where this run's lookups were served from.
    pub fn counts(&self) -> CacheStats {
        self.counts.stats()
    }

    pub fn paths(&self) -> Option<&StorePaths> {
        self.paths.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remember_one(store: &Store) {
        let entry = Entry::facts(std::path::Path::new("a.rs"), b"fn f() {}\n").expect("rust");
        store.put([7; 32], &entry);
        store.flush();
    }

    #[test]
    fn a_store_never_brings_back_a_deleted_repository() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let repo = dir.path().join("r");
        let paths = StorePaths::under(&repo.join(".git"));
        // The repository is gone (a daemon finishing its work after `rm -rf`, say).
        let store = Store::open(Some(paths.clone()), Limits::default());
        remember_one(&store);
        assert!(store.has_warned(), "one warning, and the run carries on");
        assert!(
            !repo.exists(),
            "the repository's directory is not made again"
        );
        // With the repository there, the store makes its own directory in it.
        std::fs::create_dir_all(repo.join(".git")).expect("mkdir");
        let store = Store::open(Some(paths.clone()), Limits::default());
        remember_one(&store);
        assert!(!store.has_warned());
        assert!(paths.warm.is_file());
    }
}
