//! The content-addressed store: remembers [`FileMetrics`] by `blake3(fingerprint ‖ language ‖
//! content id)` so that each version of a file is measured once (DESIGN.md, store).
//!
//! Tiers, looked up in order:
//! - **hot** ([`hot`]): in process, bounded in bytes;
//! - **warm** ([`tier`]): a redb file, by default `<git common dir>/debtgate/store.redb`;
//! - **cold**: a second redb file next to it (`store.cold.redb`) for entries not used for a while
//!   or pushed out when warm exceeds its cap; a cold hit is promoted back to warm. It is also what
//!   `debtgate store export` writes and a CI cache carries between machines.
//!
//! The store is an optimisation and never fails a run: a locked, corrupt, unwritable or missing
//! store is one warning on stderr and a miss. Values are checked on the way out ([`codec`]): one
//! that does not decode is a miss and is overwritten.

pub mod cli;
pub mod codec;
pub mod hot;
pub mod key;
pub mod tier;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::analysis::{Analyzer, FileMetrics};
use crate::lang::Language;
use crate::report::CacheStats;

pub use key::{ContentId, Key, ANALYSER_VERSION};
use tier::{OpenError, Tier, TierStats};

/// Overrides the warm tier's path; the cold tier sits next to it. `off` disables the store.
pub const STORE_VAR: &str = "DEBTGATE_STORE";

/// Default cap on the warm tier's stored value bytes; beyond it the least recently used entries
/// move to cold.
pub const DEFAULT_WARM_CAP: u64 = 256 * 1024 * 1024;

/// Default age after which an unused warm entry moves to cold (automatic gc, once a day).
pub const DEFAULT_MAX_AGE_SECS: u64 = 30 * 24 * 3600;

/// Where the two tiers live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorePaths {
    pub warm: PathBuf,
    pub cold: PathBuf,
}

impl StorePaths {
    /// The paths for a repository whose git common directory is `common_dir` (shared by all its
    /// linked worktrees), unless [`STORE_VAR`] says otherwise; `None` when the store is off.
    pub fn resolve(common_dir: Option<&Path>) -> Option<StorePaths> {
        let warm = match std::env::var_os(STORE_VAR) {
            Some(v) if v.is_empty() || v == "off" || v == "0" => return None,
            Some(v) => PathBuf::from(v),
            None => common_dir?.join("debtgate").join("store.redb"),
        };
        Some(StorePaths::beside(warm))
    }

    /// `warm` and its cold sibling (`x.redb` → `x.cold.redb`).
    pub fn beside(warm: PathBuf) -> StorePaths {
        let stem = warm
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "store".into());
        let cold = warm.with_file_name(format!("{stem}.cold.redb"));
        StorePaths { warm, cold }
    }
}

#[derive(Default)]
struct Pending {
    puts: Vec<(Key, Vec<u8>)>,
    touched: Vec<Key>,
    /// Promoted from cold: remove there once warm has them.
    promoted: Vec<Key>,
}

/// The store as one run sees it. `Sync`: share it by reference across worker threads.
pub struct Store {
    paths: Option<StorePaths>,
    warm: Option<Tier>,
    cold: OnceLock<Option<Tier>>,
    /// The cold tier opened (created) for writing when a lookup found no cold file.
    cold_created: OnceLock<Tier>,
    hot: Mutex<hot::Hot>,
    pending: Mutex<Pending>,
    counts: [AtomicUsize; 4],
    warned: AtomicBool,
    warm_cap: u64,
}

const HOT: usize = 0;
const WARM: usize = 1;
const COLD: usize = 2;
const MISS: usize = 3;

impl Store {
    /// A store that remembers nothing beyond the hot tier (the store is off or unusable).
    pub fn memory_only() -> Store {
        Store {
            paths: None,
            warm: None,
            cold: OnceLock::new(),
            cold_created: OnceLock::new(),
            hot: Mutex::new(hot::Hot::new(hot::DEFAULT_HOT_BYTES)),
            pending: Mutex::new(Pending::default()),
            counts: Default::default(),
            warned: AtomicBool::new(false),
            warm_cap: DEFAULT_WARM_CAP,
        }
    }

    /// Opens the store for a run. Never fails: trouble is one warning and a store that misses.
    pub fn open(paths: Option<StorePaths>) -> Store {
        let mut store = Store::memory_only();
        let Some(paths) = paths else {
            return store;
        };
        match Tier::open(&paths.warm) {
            Ok(opened) => {
                if let Some(aside) = opened.moved_aside {
                    store.warn(&format!(
                        "{} was corrupt; moved it to {} and started a new store",
                        paths.warm.display(),
                        aside.display()
                    ));
                }
                store.warm = Some(opened.tier);
            }
            Err(e) => store.warn(&format!("{e}; running without it")),
        }
        store.paths = Some(paths);
        store
    }

    /// Opens both tiers for a `debtgate store` command; here trouble is an error.
    pub fn open_for_admin(paths: StorePaths) -> Result<Store, String> {
        let warm = Tier::open(&paths.warm).map_err(|e| e.to_string())?;
        let cold = Tier::open(&paths.cold).map_err(|e| e.to_string())?;
        for (p, o) in [(&paths.warm, &warm), (&paths.cold, &cold)] {
            if let Some(aside) = &o.moved_aside {
                eprintln!(
                    "debtgate: warning: store: {} was corrupt; moved it to {}",
                    p.display(),
                    aside.display()
                );
            }
        }
        let mut store = Store::memory_only();
        store.warm = Some(warm.tier);
        let _ = store.cold.set(Some(cold.tier));
        store.paths = Some(paths);
        Ok(store)
    }

    /// The one warning of a run.
    fn warn(&self, what: &str) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            eprintln!("debtgate: warning: store: {what}");
        }
    }

    fn cold(&self) -> Option<&Tier> {
        self.cold
            .get_or_init(|| {
                let paths = self.paths.as_ref()?;
                // Only an existing cold file is worth opening on a lookup.
                if self.warm.is_none() || !paths.cold.exists() {
                    return None;
                }
                match Tier::open(&paths.cold) {
                    Ok(o) => {
                        if let Some(aside) = o.moved_aside {
                            self.warn(&format!(
                                "{} was corrupt; moved it to {}",
                                paths.cold.display(),
                                aside.display()
                            ));
                        }
                        Some(o.tier)
                    }
                    Err(e) => {
                        self.warn(&format!("{e}; running without the cold tier"));
                        None
                    }
                }
            })
            .as_ref()
    }

    /// The metrics of `content` as `language`: from the store when it has them, otherwise
    /// measured with `analyzer` and remembered.
    pub fn measure(
        &self,
        analyzer: &mut Analyzer,
        language: Language,
        content: ContentId<'_>,
        bytes: &[u8],
    ) -> FileMetrics {
        let key = key::key(language, content);
        if let Some(m) = self.get(&key) {
            return m;
        }
        let m = analyzer.analyze(bytes, language);
        self.put(key, &m);
        m
    }

    /// Looks `key` up in every tier, counting where it was found.
    pub fn get(&self, key: &Key) -> Option<FileMetrics> {
        let hot = self.hot.lock().ok()?.get(key).and_then(codec::decode);
        if let Some(m) = hot {
            self.counts[HOT].fetch_add(1, Ordering::Relaxed);
            return Some(m);
        }
        if let Some((value, stale)) = self.tier_get(self.warm.as_ref(), key) {
            if let Some(m) = codec::decode(&value) {
                self.counts[WARM].fetch_add(1, Ordering::Relaxed);
                if stale {
                    self.pending.lock().ok()?.touched.push(*key);
                }
                self.remember_hot(*key, value);
                return Some(m);
            }
        }
        if let Some((value, _)) = self.tier_get(self.cold(), key) {
            if let Some(m) = codec::decode(&value) {
                self.counts[COLD].fetch_add(1, Ordering::Relaxed);
                if let Ok(mut p) = self.pending.lock() {
                    p.puts.push((*key, value.clone()));
                    p.promoted.push(*key);
                }
                self.remember_hot(*key, value);
                return Some(m);
            }
        }
        self.counts[MISS].fetch_add(1, Ordering::Relaxed);
        None
    }

    fn tier_get(&self, tier: Option<&Tier>, key: &Key) -> Option<(Vec<u8>, bool)> {
        let tier = tier?;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| tier.get(key))) {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => {
                self.warn(&format!("reading {}: {e}", tier.path.display()));
                None
            }
            Err(_) => {
                self.warn(&format!("reading {} failed", tier.path.display()));
                None
            }
        }
    }

    fn remember_hot(&self, key: Key, value: Vec<u8>) {
        if let Ok(mut hot) = self.hot.lock() {
            hot.insert(key, value);
        }
    }

    /// Remembers `m` under `key` (written to warm by [`Store::flush`]).
    pub fn put(&self, key: Key, m: &FileMetrics) {
        let value = codec::encode(m);
        self.remember_hot(key, value.clone());
        if self.warm.is_some() {
            if let Ok(mut p) = self.pending.lock() {
                p.puts.push((key, value));
            }
        }
    }

    /// Where this run's lookups were served from.
    pub fn counts(&self) -> CacheStats {
        let n = |i: usize| self.counts[i].load(Ordering::Relaxed);
        CacheStats {
            hot: n(HOT),
            warm: n(WARM),
            cold: n(COLD),
            miss: n(MISS),
        }
    }

    /// Writes what this run learnt: new entries, refreshed stamps, promotions, the run's counts;
    /// then keeps warm under its cap. Errors are the run's one warning.
    pub fn flush(&self) {
        let Some(warm) = &self.warm else {
            return;
        };
        let pending = match self.pending.lock() {
            Ok(mut p) => std::mem::take(&mut *p),
            Err(_) => return,
        };
        self.log_run();
        if pending.puts.is_empty() && pending.touched.is_empty() {
            return;
        }
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            warm.write(&pending.puts, &pending.touched, &[], &[], true)?;
            if !pending.promoted.is_empty() {
                if let Some(cold) = self.cold() {
                    cold.write(&[], &[], &pending.promoted, &[], true)?;
                }
            }
            if !pending.puts.is_empty() {
                self.keep_within_cap()?;
            }
            Ok::<(), String>(())
        }));
        match r {
            Ok(Ok(())) => {}
            Ok(Err(e)) => self.warn(&format!("not saved: {e}")),
            Err(_) => self.warn("not saved: the database failed"),
        }
    }

    /// Appends this run's counts to the run log next to the warm tier (one short line, no fsync:
    /// a warm run that found everything writes nothing to redb).
    fn log_run(&self) {
        use std::io::Write;
        let Some(paths) = &self.paths else { return };
        let c = self.counts();
        let line = format!(
            "{} {} {} {} {}\n",
            tier::now(),
            c.hot,
            c.warm,
            c.cold,
            c.miss
        );
        let _ = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(run_log(paths))
            .and_then(|mut f| f.write_all(line.as_bytes()));
    }

    /// After a write: demote least recently used entries while warm is over its cap, and once a
    /// day move entries unused for [`DEFAULT_MAX_AGE_SECS`] to cold.
    fn keep_within_cap(&self) -> Result<(), String> {
        let Some(warm) = &self.warm else {
            return Ok(());
        };
        let over = warm.counter("bytes") > self.warm_cap;
        let gc_due = warm.counter("last_gc") + 24 * 3600 < tier::now();
        if over || gc_due {
            self.gc_tiers(DEFAULT_MAX_AGE_SECS, self.warm_cap)?;
        }
        Ok(())
    }

    fn cold_for_writing(&self) -> Result<&Tier, String> {
        if let Some(c) = self.cold.get().and_then(Option::as_ref) {
            return Ok(c);
        }
        if let Some(c) = self.cold_created.get() {
            return Ok(c);
        }
        let paths = self.paths.as_ref().ok_or("the store is off")?;
        let opened = Tier::open(&paths.cold).map_err(|e: OpenError| e.to_string())?;
        let _ = self.cold_created.set(opened.tier);
        self.cold_created
            .get()
            .ok_or_else(|| "the cold tier is unavailable".to_string())
    }

    /// Moves warm entries unused for `max_age` seconds, then the least recently used ones while
    /// warm holds more than `max_size` bytes, to cold. Cold entries unused for four times
    /// `max_age` are dropped. Returns (moved to cold, dropped from cold).
    pub fn gc_tiers(&self, max_age: u64, max_size: u64) -> Result<(u64, u64), String> {
        let warm = self.warm.as_ref().ok_or("the store is not open")?;
        let now = tier::now();
        let mut all = Vec::new();
        warm.for_each(|k, v, stamp| all.push((stamp, *k, v.to_vec())))?;
        all.sort_by_key(|(stamp, k, _)| (*stamp, *k));
        let mut bytes: u64 = all.iter().map(|(_, _, v)| v.len() as u64).sum();
        let mut moving = Vec::new();
        for (stamp, k, v) in all {
            if now.saturating_sub(stamp) >= max_age || bytes > max_size {
                bytes -= v.len() as u64;
                moving.push((k, v));
            }
        }
        let cold = self.cold_for_writing()?;
        let mut dropped = Vec::new();
        cold.for_each(|k, _, stamp| {
            if now.saturating_sub(stamp) >= max_age.saturating_mul(4) {
                dropped.push(*k);
            }
        })?;
        // Cold first: a crash in between leaves an entry in both tiers, never in neither.
        cold.write(&moving, &[], &dropped, &[], true)?;
        let keys: Vec<Key> = moving.iter().map(|(k, _)| *k).collect();
        warm.write(&[], &[], &keys, &[], true)?;
        warm.set_counter("last_gc", now)?;
        Ok((keys.len() as u64, dropped.len() as u64))
    }

    /// Both tiers' numbers and the counters, for `debtgate store stats`.
    pub fn stats(&self) -> Result<StoreStats, String> {
        let warm = self.warm.as_ref().ok_or("the store is not open")?;
        let cold = self.cold_for_writing()?;
        Ok(StoreStats {
            warm: warm.stats()?,
            cold: cold.stats()?,
            counters: warm.counters()?,
        })
    }

    /// Decodes up to `n` entries of the warm tier without changing anything (`debtgate doctor`).
    /// Returns (decoded, undecodable).
    pub fn sample(&self, n: usize) -> Result<(u64, u64), String> {
        let warm = self.warm.as_ref().ok_or("the store is not open")?;
        let (mut good, mut bad, mut seen) = (0, 0, 0);
        warm.for_each(|_, v, _| {
            if seen < n {
                seen += 1;
                match codec::decode(v) {
                    Some(_) => good += 1,
                    None => bad += 1,
                }
            }
        })?;
        Ok((good, bad))
    }

    /// Reads every entry of both tiers back; undecodable ones are removed. Returns (good, bad).
    pub fn verify(&self) -> Result<(u64, u64), String> {
        let (mut good, mut bad) = (0, 0);
        for tier in [self.warm.as_ref(), Some(self.cold_for_writing()?)]
            .into_iter()
            .flatten()
        {
            let mut broken = Vec::new();
            tier.for_each(|k, v, _| match codec::decode(v) {
                Some(_) => good += 1,
                None => broken.push(*k),
            })?;
            bad += broken.len() as u64;
            if !broken.is_empty() {
                tier.write(&[], &[], &broken, &[], true)?;
            }
        }
        Ok((good, bad))
    }

    /// Writes every entry of both tiers into a new redb file at `file`. Returns the count.
    pub fn export(&self, file: &Path) -> Result<u64, String> {
        if file.exists() {
            std::fs::remove_file(file).map_err(|e| format!("{}: {e}", file.display()))?;
        }
        let out = Tier::open(file).map_err(|e| e.to_string())?.tier;
        let mut all = Vec::new();
        for tier in [self.warm.as_ref(), Some(self.cold_for_writing()?)]
            .into_iter()
            .flatten()
        {
            tier.for_each(|k, v, _| all.push((*k, v.to_vec())))?;
        }
        out.write(&all, &[], &[], &[], true)?;
        let mut out = out;
        out.compact();
        out.entry_count()
    }

    /// Merges the entries of an exported file into the cold tier. Returns how many were read.
    pub fn import(&self, file: &Path) -> Result<u64, String> {
        if !file.is_file() {
            return Err(format!("{}: no such file", file.display()));
        }
        let src = Tier::open(file).map_err(|e| e.to_string())?.tier;
        let mut all = Vec::new();
        src.for_each(|k, v, _| {
            if codec::decode(v).is_some() {
                all.push((*k, v.to_vec()));
            }
        })?;
        self.cold_for_writing()?.write(&all, &[], &[], &[], true)?;
        Ok(all.len() as u64)
    }

    /// Empties both tiers.
    pub fn clear(&self) -> Result<(), String> {
        if let Some(w) = &self.warm {
            w.clear()?;
        }
        if let Some(p) = &self.paths {
            let _ = std::fs::remove_file(run_log(p));
        }
        self.cold_for_writing()?.clear()
    }

    pub fn paths(&self) -> Option<&StorePaths> {
        self.paths.as_ref()
    }
}

fn run_log(paths: &StorePaths) -> PathBuf {
    paths.warm.with_file_name("runs.log")
}

/// The counts of the last `n` runs logged next to the store: (runs, hot, warm, cold, miss).
pub fn recent_runs(paths: &StorePaths, n: usize) -> [u64; 5] {
    let text = std::fs::read_to_string(run_log(paths)).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = [0u64; 5];
    for line in &lines[lines.len().saturating_sub(n)..] {
        let v: Vec<u64> = line.split(' ').filter_map(|x| x.parse().ok()).collect();
        if v.len() == 5 {
            out[0] += 1;
            for i in 1..5 {
                out[i] += v[i];
            }
        }
    }
    out
}

/// What `debtgate store stats` prints.
#[derive(Debug, Clone)]
pub struct StoreStats {
    pub warm: TierStats,
    pub cold: TierStats,
    pub counters: Vec<(String, u64)>,
}

impl StoreStats {
    pub fn counter(&self, name: &str) -> u64 {
        self.counters
            .iter()
            .find(|(k, _)| k == name)
            .map_or(0, |(_, v)| *v)
    }
}
