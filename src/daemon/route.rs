//! Where `check` gets each file's metrics: from a running daemon when one answers, otherwise (and
//! for anything the daemon did not answer) from the store or the analyzer in this process.
//!
//! [`Measurer::new`] sends the whole change's job list to the daemon in one request, so the
//! daemon queues all of the gate's work at High priority at once; the answers are kept by blob
//! and language and handed out as `check` reaches each file. Because a missing answer is simply
//! measured here, the verdict is the same with or without a daemon; only the report's `cache`
//! counts say where the numbers came from (the daemon's tiers for its answers).

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::job::{self, JobKey};
use crate::analysis::Analyzer;
use crate::change::{BlobId, ChangeSet, Repo};
use crate::config::Settings;
use crate::store::{CacheStats, Measured, Served, Store};

/// The gate's source of measurements. `Sync`: share it by reference across workers.
pub struct Measurer {
    store: Store,
    answered: HashMap<JobKey, (Measured, Served)>,
    /// Sides answered by the daemon, by the daemon's tier.
    counts: [AtomicUsize; 4],
    /// The daemon connection, kept open while the check runs: the daemon holds its background
    /// work until it closes.
    #[cfg(unix)]
    _gate: Option<std::os::unix::net::UnixStream>,
}

impl Measurer {
    /// Measures in this process only.
    pub fn in_process(store: Store) -> Measurer {
        Measurer {
            store,
            answered: HashMap::new(),
            counts: Default::default(),
            #[cfg(unix)]
            _gate: None,
        }
    }

    /// Asks the repository's daemon, if one runs, for every blob `check` will measure in
    /// `changes`; falls back to this process (with a one-line notice on stderr when a daemon
    /// was there but could not be used).
    pub fn new(store: Store, repo: &Repo, changes: &ChangeSet, settings: &Settings) -> Measurer {
        let mut m = Measurer::in_process(store);
        if super::enabled() {
            ask_daemon(&mut m, repo, changes, settings);
        }
        m
    }

    /// One side of a file, as [`Store::side`] gives it: the daemon's answer for this blob read
    /// through this kind of path under this size limit, when it gave one; the store (or the
    /// analyzer) otherwise.
    pub fn side<'b>(
        &self,
        analyzer: &mut Analyzer,
        path: &Path,
        blob: Option<&BlobId>,
        max_size: u64,
        read: impl FnOnce() -> Result<Cow<'b, [u8]>, String>,
    ) -> Result<Measured, String> {
        if let Some(id) = blob {
            if let Some((m, served)) = self.answered.get(&job::key(*id, path, max_size)) {
                let i = Served::ALL.iter().position(|s| s == served).unwrap_or(3);
                self.counts[i].fetch_add(1, Ordering::Relaxed);
                return Ok(m.clone());
            }
        }
        self.store.side(analyzer, path, blob, max_size, read)
    }

    /// The store this process measures with.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// How many sides the daemon answered.
    pub fn daemon_answers(&self) -> usize {
        self.answered.len()
    }

    /// Where lookups were served: this process's store plus the daemon's answers.
    pub fn counts(&self) -> CacheStats {
        let local = self.store.counts();
        let n = |i: usize| self.counts[i].load(Ordering::Relaxed);
        CacheStats {
            hot: local.hot + n(0),
            warm: local.warm + n(1),
            cold: local.cold + n(2),
            miss: local.miss + n(3),
        }
    }

    /// Writes what this process measured itself.
    pub fn flush(&self) {
        self.store.flush();
    }
}

#[cfg(unix)]
fn ask_daemon(m: &mut Measurer, repo: &Repo, changes: &ChangeSet, settings: &Settings) {
    use super::client::{self, Unavailable};
    use super::protocol::Answer;

    let paths = super::DaemonPaths::of(repo.common_dir());
    if !paths.socket.exists() {
        return;
    }
    let jobs = job::for_change(changes, settings);
    if jobs.is_empty() {
        return;
    }
    let got = match client::measure(&paths, &jobs) {
        Ok(got) => got,
        Err(Unavailable::NotRunning) => return,
        Err(why) => {
            eprintln!("debtgate: daemon not used ({why}); checking in-process");
            return;
        }
    };
    if let Some(why) = got.broke_off {
        eprintln!("debtgate: daemon stopped answering ({why}); checking the rest in-process");
    }
    for (j, answer) in jobs.iter().zip(got.answers) {
        // Only measured sides are taken; anything else is worked out here, in this process's
        // words (a blob the daemon could not read may be readable here).
        if let Some(Answer::Measured { served, value }) = answer {
            if let Some(measured) = job::from_wire(&value) {
                m.answered.insert(j.key(), (measured, served));
            }
        }
    }
    m._gate = Some(got.connection);
}

#[cfg(not(unix))]
fn ask_daemon(_m: &mut Measurer, _repo: &Repo, _changes: &ChangeSet, _settings: &Settings) {}
