//! The time budget of a check: a hook never hangs a commit.
//!
//! A [`Budget`] is a deadline counted from the start of the check (`--budget`, or `budget.<kind>`
//! in the configuration). Workers ask it before taking each file ([`Budget::admit`]); once it
//! refuses, no worker starts another file, so in-flight work ends at a file boundary and every
//! file not started is listed as not analysed. Because what runs first is what gets judged, a budgeted
//! check orders its files riskiest first ([`riskiest_first`]).
//!
//! `DEBTGATE_BUDGET_FILES=N` makes the budget run out after N files have been started, whatever
//! the time: tests use it to cut a run at a deterministic point, which a clock cannot.

use std::cmp::Reverse;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::change::{BlobId, ChangedFile, Repo};
use crate::config::Settings;
use crate::fan_out;
use crate::plan::FilePlan;
use crate::rules::Metric;
use crate::store::{key, ContentId, PathClass, Store};

/// The test knob: the budget runs out after this many files.
pub const FILES_VAR: &str = "DEBTGATE_BUDGET_FILES";

/// A base function whose metric is at least this share of its fail threshold makes its file
/// "near a threshold": a small change can push it over.
pub const NEAR: f64 = 0.8;

/// A check's budget. `Sync`: workers share it by reference.
#[derive(Debug)]
pub struct Budget {
    limit: Option<Duration>,
    deadline: Option<Instant>,
    /// The test knob ([`FILES_VAR`]).
    files: Option<usize>,
    started: AtomicUsize,
    refused: AtomicBool,
}

impl Budget {
    /// A budget of `limit` counted from `from`; `None` never runs out.
    pub fn new(limit: Option<Duration>, from: Instant) -> Budget {
        let files = limit
            .and(std::env::var(FILES_VAR).ok())
            .and_then(|v| v.trim().parse().ok());
        Budget {
            limit,
            deadline: limit.map(|l| from.checked_add(l).unwrap_or(from)),
            files,
            started: AtomicUsize::new(0),
            refused: AtomicBool::new(false),
        }
    }

    /// The limit, when there is one.
    pub fn limit(&self) -> Option<Duration> {
        self.limit
    }

    /// When the budget runs out (`None`: never). Work that cannot stop at a file boundary, such
    /// as a request to the daemon, stops here.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// Whether the deadline has passed.
    pub fn expired(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Whether a worker may start one more file. Once it says no, it says no to everyone.
    pub fn admit(&self) -> bool {
        if self.limit.is_none() {
            return true;
        }
        if self.refused.load(Ordering::Relaxed) {
            return false;
        }
        let counted_out = self
            .files
            .is_some_and(|n| self.started.fetch_add(1, Ordering::Relaxed) >= n);
        if counted_out || self.expired() {
            self.refused.store(true, Ordering::Relaxed);
            return false;
        }
        true
    }
}

/// Where a file goes in the queue; the derived order is the queue's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    /// The store has the new side measured: judging it reads nothing and takes microseconds, so
    /// it goes first and never holds up a risky file.
    Known,
    /// To be measured: a base function near a threshold first, then most lines changed.
    Risk {
        near: Reverse<bool>,
        changed: Reverse<u64>,
    },
    /// Not ranked before the deadline.
    Unranked,
}

/// `queue` in the order a budget wants it: files the store already has measured first (they
/// cost nothing), then the files to measure riskiest first — those whose base version already had
/// a function near a fail threshold (base metrics from the store only, when it has them:
/// measuring the base just to order would spend the budget it protects), then by lines added and
/// removed, most first; ties by path. Files the deadline leaves unranked go last, by path.
pub fn riskiest_first<'a>(
    repo: &Repo,
    store: &Store,
    settings: &Settings,
    queue: Vec<FilePlan<'a>>,
    budget: &Budget,
) -> Vec<FilePlan<'a>> {
    let ranks = fan_out::map(&queue, |p| rank(repo, store, settings, p.file, budget));
    let mut ranked: Vec<(Rank, FilePlan<'a>)> = ranks.into_iter().zip(queue).collect();
    ranked.sort_by(|(ra, pa), (rb, pb)| (ra, &pa.file.path).cmp(&(rb, &pb.file.path)));
    ranked.into_iter().map(|(_, item)| item).collect()
}

fn rank(
    repo: &Repo,
    store: &Store,
    settings: &Settings,
    file: &ChangedFile,
    budget: &Budget,
) -> Rank {
    if budget.expired() {
        return Rank::Unranked;
    }
    let new = file.new.as_ref().and_then(|c| c.blob_id());
    if new.is_some_and(|id| stored(store, &file.path, &id).is_some()) {
        return Rank::Known;
    }
    Rank::Risk {
        near: Reverse(near_threshold(store, settings, file)),
        // An unreadable or oversized file counts as unchanged; judging will say why.
        changed: Reverse(
            repo.changed_lines(file, settings.max_file_size)
                .ok()
                .flatten()
                .unwrap_or(0),
        ),
    }
}

/// The metrics the store holds for blob `id` read through `path`, looked at without any side
/// effect (the run's counts say where its measurements came from, not where this order did).
fn stored(store: &Store, path: &str, id: &BlobId) -> Option<crate::analysis::FileMetrics> {
    let class = PathClass::of(Path::new(path))?;
    store.peek_metrics(&key::key(class, ContentId::Blob(id)))
}

/// Whether the store knows the base side of `file` and one of its functions is at least
/// [`NEAR`] of a fail threshold that applies to the file.
fn near_threshold(store: &Store, settings: &Settings, file: &ChangedFile) -> bool {
    let Some(blob) = file.old.as_ref().and_then(|c| c.blob_id()) else {
        return false;
    };
    let old_path = file.old_path.as_deref().unwrap_or(&file.path);
    let Some(base) = stored(store, old_path, &blob) else {
        return false;
    };
    let fails = Metric::ALL.map(|m| settings.threshold(&file.path, m).level.fail);
    base.functions.iter().any(|f| {
        Metric::ALL
            .iter()
            .zip(&fails)
            .any(|(m, fail)| fail.is_some_and(|t| m.value(f) >= NEAR * t))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_limit_admits_everything_and_zero_admits_nothing() {
        let open = Budget::new(None, Instant::now());
        assert!((0..100).all(|_| open.admit()));
        let none = Budget::new(Some(Duration::ZERO), Instant::now());
        assert!(!none.admit() && none.expired());
        let hour = Budget::new(Some(Duration::from_secs(3600)), Instant::now());
        assert!(hour.admit() && !hour.expired());
    }

    #[test]
    fn known_then_riskier_then_unranked() {
        let risk = |near, changed| Rank::Risk {
            near: Reverse(near),
            changed: Reverse(changed),
        };
        let mut ranks = [
            Rank::Unranked,
            risk(false, 20),
            risk(false, 500),
            risk(true, 1),
            Rank::Known,
        ];
        ranks.sort();
        assert_eq!(
            ranks,
            [
                Rank::Known,
                risk(true, 1),
                risk(false, 500),
                risk(false, 20),
                Rank::Unranked
            ]
        );
    }
}
