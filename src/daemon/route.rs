//! Where `check` gets each file's metrics: from a running daemon when one answers, otherwise (and
//! for anything the daemon did not answer) from the store or the analyzer in this process.
//!
//! [`Measurer::new`] sends the whole change's job list to the daemon in one request, in the
//! order `check` will judge the files (under a time budget, riskiest first), so the daemon queues
//! all of the gate's work at High priority at once and works through it in that order; the
//! answers are kept by blob, language and size limit and handed out as `check` reaches each
//! file. Under a budget the request ends at the budget's deadline with what has come back; the
//! files whose every side came back ([`Measurer::answered`]) cost nothing to judge, so `check`
//! judges them whatever the budget. Because a missing answer is simply measured here, the verdict
//! is the same with or without a daemon; only the report's `cache` counts say where the numbers
//! came from (the daemon's tiers for its answers).

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use super::job::{self, JobKey};
use crate::analysis::Analyzer;
use crate::change::{BlobId, Repo};
use crate::plan::{FilePlan, Side};
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

    /// Asks the repository's daemon, if one runs, for every blob of the planned files `queue`
    /// (in that order) under the size limit `max_file_size`, waiting for answers until
    /// `deadline` at most; falls back to this process (with a one-line notice on stderr when a
    /// daemon was there but could not be used).
    pub fn new(
        store: Store,
        repo: &Repo,
        queue: &[FilePlan],
        max_file_size: u64,
        deadline: Option<Instant>,
    ) -> Measurer {
        let mut m = Measurer::in_process(store);
        if super::enabled() {
            ask_daemon(&mut m, repo, queue, max_file_size, deadline);
        }
        m
    }

    /// Whether the daemon answered every side `planned` names (judging it then reads and
    /// measures nothing).
    pub fn answered(&self, planned: &FilePlan, max_file_size: u64) -> bool {
        let has = |side: &Side| {
            side.content.blob_id().is_some_and(|id| {
                self.answered
                    .contains_key(&job::key(id, Path::new(side.path), max_file_size))
            })
        };
        !self.answered.is_empty() && has(&planned.head) && planned.base.as_ref().is_none_or(has)
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
fn ask_daemon(
    m: &mut Measurer,
    repo: &Repo,
    queue: &[FilePlan],
    max_file_size: u64,
    deadline: Option<Instant>,
) {
    use super::client::{self, Unavailable};
    use super::protocol::Answer;

    let paths = super::DaemonPaths::of(repo.common_dir());
    if !paths.socket.exists() {
        return;
    }
    let jobs = job::for_plan(queue, max_file_size);
    if jobs.is_empty() {
        return;
    }
    let got = match client::measure(&paths, &jobs, deadline) {
        Ok(got) => got,
        // No time left to ask: the budget says what was not analysed.
        Err(Unavailable::NotRunning | Unavailable::OutOfTime) => return,
        Err(why) => {
            note!("debtgate: daemon not used ({why}); checking in-process");
            return;
        }
    };
    if let Some(why) = got.broke_off {
        note!("debtgate: daemon stopped answering ({why}); checking the rest in-process");
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
fn ask_daemon(
    _m: &mut Measurer,
    _repo: &Repo,
    _queue: &[FilePlan],
    _max_file_size: u64,
    _deadline: Option<Instant>,
) {
}
