//! Where a run's measurements came from: per tier, or measured now. The store counts them; the
//! report prints them as its `cache` section and the daemon passes them on to the client whose
//! report counts them. The type lives here, with the one who counts, so that nothing in the store
//! looks up at the report.

use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

/// Store hits and misses, when a store was used.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheStats {
    pub hot: usize,
    pub warm: usize,
    pub cold: usize,
    pub miss: usize,
}

/// Where one side's metrics came from: a tier, or measured now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Served {
    Hot,
    Warm,
    Cold,
    Miss,
}

impl Served {
    pub const ALL: [Served; 4] = [Served::Hot, Served::Warm, Served::Cold, Served::Miss];

    fn slot(self) -> usize {
        self as usize
    }
}

/// A run's counters, shared by its worker threads.
#[derive(Debug, Default)]
pub(super) struct Counters {
    served: [AtomicUsize; 4],
    /// Stored values whose checksum did not match, not yet added to the store's counter.
    bad_checksums: AtomicUsize,
}

impl Counters {
    pub(super) fn add(&self, served: Served) {
        self.served[served.slot()].fetch_add(1, Ordering::Relaxed);
    }

    /// A stored value failed its checksum (it is a miss; the caller measures again).
    pub(super) fn bad_checksum(&self) {
        self.bad_checksums.fetch_add(1, Ordering::Relaxed);
    }

    /// The checksum failures since the last call, for the store's counter.
    pub(super) fn take_bad_checksums(&self) -> u64 {
        self.bad_checksums.swap(0, Ordering::Relaxed) as u64
    }

    pub(super) fn stats(&self) -> CacheStats {
        let n = |s: Served| self.served[s.slot()].load(Ordering::Relaxed);
        CacheStats {
            hot: n(Served::Hot),
            warm: n(Served::Warm),
            cold: n(Served::Cold),
            miss: n(Served::Miss),
        }
    }
}
