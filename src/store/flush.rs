//! Writing what a run learnt: its new entries, refreshed stamps and promotions in one durable
//! transaction at its end (a killed process loses at most that run's new entries), then the gc
//! that keeps warm under its cap, then the run's line in the run log.

use super::error::StoreError;
use super::tier::CHECKSUM_FAILED;
use super::{runlog, Pending, Store};

impl Store {
    /// Writes what this run learnt: new entries, refreshed stamps, promotions, the run's counts;
    /// then keeps warm under its cap. Errors are the run's one warning. Ends the run's views.
    pub fn flush(&self) {
        if !self.enabled {
            return;
        }
        if let Ok(mut view) = self.warm_view.write() {
            *view = None;
        }
        let pending = match self.pending.lock() {
            Ok(mut p) => std::mem::take(&mut *p),
            Err(_) => return,
        };
        if !pending.puts.is_empty() || !pending.touched.is_empty() || !pending.records.is_empty() {
            self.write_pending(&pending);
        }
        // After the write: the first run of a store creates its directory there.
        if let Some(paths) = &self.paths {
            runlog::append(paths, &self.counts());
        }
    }

    /// Writes what was learnt so far without ending the views or logging a run, then reads
    /// warm afresh (the daemon flushes many times in one life and keeps looking things up).
    pub fn flush_entries(&self) {
        if !self.enabled {
            return;
        }
        let pending = match self.pending.lock() {
            Ok(mut p) => std::mem::take(&mut *p),
            Err(_) => return,
        };
        if pending.puts.is_empty() && pending.touched.is_empty() && pending.records.is_empty() {
            return;
        }
        self.write_pending(&pending);
        if let (Some(tier), Ok(mut view)) = (self.warm_tier(), self.warm_view.write()) {
            *view = super::reader::Reader::of(tier).ok();
        }
    }

    fn write_pending(&self, pending: &Pending) {
        let Some(warm) = self.warm_tier() else {
            return;
        };
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            warm.write(&pending.puts, &pending.touched, &[])?;
            if !pending.records.is_empty() {
                warm.write_records(&pending.records)?;
            }
            let bad = self.counts.take_bad_checksums();
            if bad > 0 {
                warm.add_counter(CHECKSUM_FAILED, bad)?;
            }
            if !pending.promoted.is_empty() {
                self.cold_for_writing()?
                    .write(&[], &[], &pending.promoted)?;
            }
            if !pending.puts.is_empty() {
                self.keep_within_cap()?;
            }
            Ok::<(), StoreError>(())
        }));
        match r {
            Ok(Ok(())) => {}
            Ok(Err(e)) => self.warn(&format!("not saved: {e}")),
            Err(_) => self.warn("not saved: the database failed"),
        }
    }
}
