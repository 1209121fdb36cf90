//! Measuring: the sides a [`crate::plan`] names, turned into metrics through the store — or the
//! daemon's answers, through a [`Measurer`] — on every worker of the one fan-out ([`crate::fan_out`]).
//!
//! [`Measure::side`] is the one way a side of a changed file is measured: the store answers by the
//! blob id alone when it has seen the content through a path like this one, without reading it;
//! otherwise the side is read (never when its object header says it is over `max_file_size`),
//! measured and remembered. `check`, the census of `init` and anything else that measures a
//! change go through it, so their numbers agree.

use std::borrow::Cow;
use std::cell::Cell;
use std::path::Path;
use std::time::Instant;

pub use crate::analysis::readable::UNREADABLE;
use crate::analysis::{readable::too_large, Analyzer};
use crate::change::{Content, Repo};
use crate::daemon::Measurer;
use crate::plan::Side;
use crate::store::{Measured, Store};
use crate::timings::{Clock, Work};

/// What measuring a side needs; shared by reference across workers.
pub struct Measure<'a> {
    pub repo: &'a Repo,
    pub store: &'a Measurer,
    /// A side larger than this (in bytes) is not measured.
    pub max_file_size: u64,
    /// Where to add the time spent (`--timings`), when someone asks.
    pub clock: Option<&'a Clock>,
}

impl Measure<'_> {
    /// One side's metrics, or why it is not measured. On the clock, a side that needed no read was
    /// a store hit (its time is `store_lookups`); one that did was measured (its time less the
    /// read is `analysis`: the lookup that missed, parsing, measuring).
    pub fn side(&self, analyzer: &mut Analyzer, side: Side) -> Result<Measured, String> {
        let read_for = Cell::new(None);
        let read = || {
            let start = Instant::now();
            let bytes = readable(
                self.repo,
                self.store.store(),
                side.path,
                side.content,
                self.max_file_size,
            )
            .map(Cow::Owned);
            read_for.set(Some(start.elapsed()));
            bytes
        };
        let start = Instant::now();
        let measured = self.store.side(
            analyzer,
            Path::new(side.path),
            side.content.blob_id().as_ref(),
            self.max_file_size,
            read,
        );
        if let Some(clock) = self.clock {
            let total = start.elapsed();
            match read_for.get() {
                None => clock.add(Work::StoreLookups, total),
                Some(reading) => {
                    clock.add(Work::Read, reading);
                    clock.add(Work::Analysis, total.saturating_sub(reading));
                }
            }
        }
        measured
    }
}

/// Whether `reason`, [`Measure::side`]'s answer for `side`, says that the side's content is an
/// object of the repository that could not be read: missing (a partial or sparse clone that has
/// not downloaded it) or damaged. Such a side cannot be judged, and skipping it would pass a
/// change nobody read. A worktree file gone since it was listed, or not a regular file, is only
/// not analysed.
pub fn unread_object(side: Side, reason: &str) -> bool {
    matches!(side.content, Content::Blob(_)) && reason.starts_with(UNREADABLE)
}

/// Reads one side for the store, or says why it cannot be measured: unreadable, or over `max`
/// bytes by its object header — then it is never read, and the store remembers its size so that
/// later runs do not even look at the header.
fn readable(
    repo: &Repo,
    store: &Store,
    path: &str,
    content: &Content,
    max: u64,
) -> Result<Vec<u8>, String> {
    let unreadable = |e| format!("{UNREADABLE}{e}");
    let size = repo.size(content).map_err(unreadable)?;
    if let Some(reason) = too_large(size, max) {
        if let Some(id) = content.blob_id() {
            store.remember_size(Path::new(path), &id, size);
        }
        return Err(reason);
    }
    repo.read(content).map_err(unreadable)
}
