//! The run log next to the warm tier (`runs.log`): one short appended line per run with where its
//! measurements came from — `<unix time> <hot> <warm> <cold> <miss>`. A warm run that finds
//! everything writes nothing to redb, so its counts go here (no fsync); `store stats` sums the
//! last lines.

use std::io::Write;

use super::counts::CacheStats;
use super::paths::StorePaths;
use super::tier::now;

/// Appends one run's counts (best effort: the log is statistics, never a reason to warn).
pub fn append(paths: &StorePaths, c: &CacheStats) {
    let line = format!("{} {} {} {} {}\n", now(), c.hot, c.warm, c.cold, c.miss);
    let _ = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(paths.run_log())
        .and_then(|mut f| f.write_all(line.as_bytes()));
}

/// The counts of a number of runs, summed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecentRuns {
    pub runs: u64,
    pub hot: u64,
    pub warm: u64,
    pub cold: u64,
    pub miss: u64,
}

/// The counts of the last `n` runs logged next to the store.
pub fn recent_runs(paths: &StorePaths, n: usize) -> RecentRuns {
    let text = std::fs::read_to_string(paths.run_log()).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = RecentRuns::default();
    for line in &lines[lines.len().saturating_sub(n)..] {
        let v: Vec<u64> = line.split(' ').filter_map(|x| x.parse().ok()).collect();
        if let [_, hot, warm, cold, miss] = v[..] {
            out.runs += 1;
            out.hot += hot;
            out.warm += warm;
            out.cold += cold;
            out.miss += miss;
        }
    }
    out
}

/// Removes the log (with `store clear`).
pub fn remove(paths: &StorePaths) {
    let _ = std::fs::remove_file(paths.run_log());
}
