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
pub mod entry;
pub mod hot;
pub mod key;
pub mod tier;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, RwLock};

use crate::analysis::{Analyzer, FileMetrics};
use crate::change::{BlobId, Repo};
use crate::config::{Settings, StoreSettings};
use crate::report::CacheStats;

pub use entry::{Entry, Measured};
pub use key::{ContentId, Key, PathClass, ANALYSER_VERSION};
use tier::{OpenError, Reader, Tier, TierStats};

/// Overrides the warm tier's path; the cold tier sits next to it. `off` disables the store.
pub const STORE_VAR: &str = "DEBTGATE_STORE";

/// Default cap on the warm tier's stored value bytes; beyond it the least recently used entries
/// move to cold.
pub const DEFAULT_WARM_CAP: u64 = 256 * 1024 * 1024;

/// Default cap on the cold tier's stored value bytes; beyond it the least recently used entries
/// are dropped.
pub const DEFAULT_COLD_CAP: u64 = 1024 * 1024 * 1024;

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
        StorePaths::configured(common_dir, None)
    }

    /// The paths for the repository `repo`, placed by its `.debtgate.yaml` when that can be read
    /// (`store.path`), by [`STORE_VAR`] or by default otherwise.
    pub fn near(repo: &Repo) -> Option<StorePaths> {
        match crate::config::Settings::discover(repo.root(), None) {
            Ok(s) => StorePaths::for_repo(repo.common_dir(), repo.root(), &s.store),
            Err(_) => StorePaths::resolve(Some(repo.common_dir())),
        }
    }

    /// Like [`StorePaths::resolve`], with the configuration's `store.path` (relative to the
    /// repository root `root`) between the environment and the default.
    pub fn for_repo(common_dir: &Path, root: &Path, config: &StoreSettings) -> Option<StorePaths> {
        let configured = config.path.as_deref().map(|p| match p.trim() {
            "off" | "0" => "off".into(),
            _ => root.join(p).into_os_string(),
        });
        StorePaths::configured(Some(common_dir), configured)
    }

    fn configured(
        common_dir: Option<&Path>,
        configured: Option<std::ffi::OsString>,
    ) -> Option<StorePaths> {
        let chosen = std::env::var_os(STORE_VAR).or(configured);
        let off = |v: &std::ffi::OsStr| v.is_empty() || v == "off" || v == "0";
        let warm = match chosen {
            Some(v) if off(&v) => return None,
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
    counts: [AtomicUsize; 4],
    warned: AtomicBool,
    limits: Limits,
}

const HOT: usize = 0;
const WARM: usize = 1;
const COLD: usize = 2;
const MISS: usize = 3;

/// Where a lookup was served from.
#[derive(Clone, Copy)]
enum Tiered {
    Hot,
    Warm,
    Cold,
}

/// Where one side's metrics came from: a tier, or measured now (the daemon passes it on to the
/// client whose report counts it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Served {
    Hot,
    Warm,
    Cold,
    Miss,
}

impl Served {
    pub const ALL: [Served; 4] = [Served::Hot, Served::Warm, Served::Cold, Served::Miss];
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
            counts: Default::default(),
            warned: AtomicBool::new(false),
            limits: Limits::default(),
        }
    }

    /// Opens the store for a run with the default [`Limits`]. Never fails: trouble is one warning
    /// and a store that misses.
    pub fn open(paths: Option<StorePaths>) -> Store {
        Store::open_with(paths, Limits::default())
    }

    /// The store of `repo` as `settings` place and limit it, for a run.
    pub fn open_for(repo: &Repo, settings: &Settings) -> Store {
        let paths = StorePaths::for_repo(repo.common_dir(), repo.root(), &settings.store);
        Store::open_with(paths, Limits::from(&settings.store))
    }

    /// [`Store::open`] with the limits the automatic gc keeps the tiers in.
    pub fn open_with(paths: Option<StorePaths>, limits: Limits) -> Store {
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
            Err(OpenError::Locked(m)) => {
                store.warn(&format!("{m}; running without it"));
                let _ = store.warm.set(None);
                store.enabled = false;
            }
            // Not readable as it is (held exclusively, corrupt, needs a repair): the writable
            // open waits, moves a corrupt file aside or repairs, and says what happened.
            Err(_) => match store.open_warm(&paths) {
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
        match Tier::open(&paths.warm) {
            Ok(opened) => {
                if let Some(aside) = opened.moved_aside {
                    self.warn(&format!(
                        "{} was corrupt; moved it to {} and started a new store",
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
        store.enabled = true;
        let _ = store.warm.set(Some(warm.tier));
        let _ = store.cold.set(cold.tier);
        store.paths = Some(paths);
        Ok(store)
    }

    /// The one warning of a run.
    fn warn(&self, what: &str) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            eprintln!("debtgate: warning: store: {what}");
        }
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
                    Err(OpenError::Locked(m)) => {
                        self.warn(&format!("{m}; running without its cold tier"));
                        None
                    }
                    Err(OpenError::Unusable(_)) => {
                        // As for warm: the writable open knows what to do with a bad file.
                        let tier = self.cold_for_writing().ok()?;
                        Reader::of(tier).ok()
                    }
                }
            })
            .as_ref()
    }

    /// One side of a file: what the store knows about the content `blob` (or, with no blob id,
    /// the bytes `read` returns) read through `path`, or — on a miss, or when the stored entry
    /// was never measured — the bytes from `read`, measured with `analyzer` and remembered.
    ///
    /// `Err` says why the side is not measured, in the same words whether or not the bytes were
    /// read: too large for `max_size`, binary, unreadable (what `read` said), unsupported.
    pub fn side<'b>(
        &self,
        analyzer: &mut Analyzer,
        path: &Path,
        blob: Option<&BlobId>,
        max_size: u64,
        read: impl FnOnce() -> Result<Cow<'b, [u8]>, String>,
    ) -> Result<Measured, String> {
        self.side_traced(analyzer, path, blob, max_size, read)
            .map(|(m, _)| m)
    }

    /// [`Store::side`], also saying where the metrics came from.
    pub fn side_traced<'b>(
        &self,
        analyzer: &mut Analyzer,
        path: &Path,
        blob: Option<&BlobId>,
        max_size: u64,
        read: impl FnOnce() -> Result<Cow<'b, [u8]>, String>,
    ) -> Result<(Measured, Served), String> {
        let class = PathClass::of(path).ok_or("unsupported language")?;
        let known = blob.map(|id| key::key(class, ContentId::Blob(id)));
        if let Some(found) = known.and_then(|k| self.lookup(&k)) {
            if let Some(done) = self.serve(found, max_size)? {
                return Ok(done);
            }
        }
        let bytes = read()?;
        let key = known.unwrap_or_else(|| key::key(class, ContentId::Bytes(&bytes)));
        if blob.is_none() {
            if let Some(found) = self.lookup(&key) {
                if let Some(done) = self.serve(found, max_size)? {
                    return Ok(done);
                }
            }
        }
        let mut entry = Entry::facts(path, &bytes).ok_or("unsupported language")?;
        if let Some(reason) = entry.unmeasurable(max_size) {
            self.put(key, &entry);
            return Err(reason);
        }
        let metrics = analyzer.analyze(&bytes, entry.language);
        self.counts[MISS].fetch_add(1, Ordering::Relaxed);
        entry.metrics = Some(metrics.clone());
        self.put(key, &entry);
        let measured = Measured {
            language: entry.language,
            metrics,
            marks: entry.marks,
        };
        Ok((measured, Served::Miss))
    }

    /// The metrics of `bytes` from the file at `path` (`debtgate analyze`: the bytes are already
    /// read and found measurable).
    pub fn measure_bytes(
        &self,
        analyzer: &mut Analyzer,
        path: &Path,
        bytes: &[u8],
    ) -> Option<FileMetrics> {
        self.side(analyzer, path, None, u64::MAX, || Ok(Cow::Borrowed(bytes)))
            .ok()
            .map(|m| m.metrics)
    }

    /// A stored entry as the run uses it: `Ok(None)` when it holds no metrics but the content is
    /// measurable now (a larger size limit than when it was seen), so it must be measured.
    fn serve(
        &self,
        (entry, tier): (Entry, Tiered),
        max_size: u64,
    ) -> Result<Option<(Measured, Served)>, String> {
        if let Some(reason) = entry.unmeasurable(max_size) {
            return Err(reason);
        }
        let Some(metrics) = entry.metrics else {
            return Ok(None);
        };
        let (slot, served) = match tier {
            Tiered::Hot => (HOT, Served::Hot),
            Tiered::Warm => (WARM, Served::Warm),
            Tiered::Cold => (COLD, Served::Cold),
        };
        self.counts[slot].fetch_add(1, Ordering::Relaxed);
        let measured = Measured {
            language: entry.language,
            metrics,
            marks: entry.marks,
        };
        Ok(Some((measured, served)))
    }

    /// Looks `key` up in every tier. Counting is the caller's: a count says where a side's
    /// metrics came from, and an entry may hold only facts.
    fn lookup(&self, key: &Key) -> Option<(Entry, Tiered)> {
        let hot = self.hot.lock().ok()?.get(key).and_then(codec::decode);
        if let Some(e) = hot {
            return Some((e, Tiered::Hot));
        }
        let warm = {
            let view = self.warm_view.read().ok()?;
            self.view_get(view.as_ref(), key)
        };
        if let Some((value, stale)) = warm {
            if let Some(e) = codec::decode(&value) {
                if stale {
                    self.pending.lock().ok()?.touched.push(*key);
                }
                self.remember_hot(*key, value);
                return Some((e, Tiered::Warm));
            }
        }
        if let Some((value, _)) = self.view_get(self.cold_view(), key) {
            if let Some(e) = codec::decode(&value) {
                if let Ok(mut p) = self.pending.lock() {
                    p.puts.push((*key, value.clone()));
                    p.promoted.push(*key);
                }
                self.remember_hot(*key, value);
                return Some((e, Tiered::Cold));
            }
        }
        None
    }

    fn view_get(&self, view: Option<&Reader>, key: &Key) -> Option<(Vec<u8>, bool)> {
        let view = view?;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| view.get(key))) {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => {
                self.warn(&format!("reading {}: {e}", view.path.display()));
                None
            }
            Err(_) => {
                self.warn(&format!("reading {} failed", view.path.display()));
                None
            }
        }
    }

    fn remember_hot(&self, key: Key, value: Vec<u8>) {
        if let Ok(mut hot) = self.hot.lock() {
            hot.insert(key, value);
        }
    }

    /// The metrics under `key` in any tier, with no side effect at all — not counted, not
    /// remembered in hot, not refreshed, not promoted: for deciding what to do first (the gate's
    /// order under a time budget), so that the run's counts still say where its measurements came
    /// from.
    pub fn peek_metrics(&self, key: &Key) -> Option<FileMetrics> {
        let hot = self.hot.lock().ok()?.get(key).and_then(codec::decode);
        let entry = match hot {
            Some(e) => e,
            None => {
                let warm = {
                    let view = self.warm_view.read().ok()?;
                    self.view_get(view.as_ref(), key)
                };
                let (value, _) = warm.or_else(|| self.view_get(self.cold_view(), key))?;
                codec::decode(&value)?
            }
        };
        entry.metrics
    }

    /// The entry under `key` in any tier, without counting it (benchmarks, tools).
    pub fn get(&self, key: &Key) -> Option<Entry> {
        self.lookup(key).map(|(e, _)| e)
    }

    /// Remembers that blob `id`, read through `path`, is `size` bytes — known from its object
    /// header, for a side over the size limit that is never read — so later runs skip it without
    /// touching the object. Nothing else is known, so the entry has no metrics: a run with a
    /// larger limit measures the content (and stores its full facts).
    pub fn remember_size(&self, path: &Path, id: &BlobId, size: u64) {
        let Some(class) = PathClass::of(path) else {
            return;
        };
        let entry = Entry {
            size,
            binary_at: None,
            language: class.language,
            marks: crate::policy::suppress::Marks::default(),
            metrics: None,
        };
        self.put(key::key(class, ContentId::Blob(id)), &entry);
    }

    /// Remembers `entry` under `key` (written to warm by [`Store::flush`]).
    pub fn put(&self, key: Key, entry: &Entry) {
        let value = codec::encode(entry);
        self.remember_hot(key, value.clone());
        if self.enabled {
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
        if !pending.puts.is_empty() || !pending.touched.is_empty() {
            self.write_pending(&pending);
        }
        // After the write: the first run of a store creates its directory there.
        self.log_run();
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
        if pending.puts.is_empty() && pending.touched.is_empty() {
            return;
        }
        self.write_pending(&pending);
        if let (Some(tier), Ok(mut view)) = (self.warm_tier(), self.warm_view.write()) {
            *view = Reader::of(tier).ok();
        }
    }

    /// Whether this store has had trouble (its one warning was given).
    pub fn has_warned(&self) -> bool {
        self.warned.load(Ordering::Relaxed)
    }

    fn write_pending(&self, pending: &Pending) {
        let Some(warm) = self.warm_tier() else {
            return;
        };
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            warm.write(&pending.puts, &pending.touched, &[], &[], true)?;
            if !pending.promoted.is_empty() {
                self.cold_for_writing()?
                    .write(&[], &[], &pending.promoted, &[], true)?;
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
        let Some(warm) = self.warm_tier() else {
            return Ok(());
        };
        let over = warm.counter("bytes") > self.limits.warm_bytes;
        let gc_due = warm.counter("last_gc") + 24 * 3600 < tier::now();
        if over || gc_due {
            self.gc_tiers(self.limits)?;
        }
        Ok(())
    }

    fn cold_for_writing(&self) -> Result<&Tier, String> {
        if let Some(c) = self.cold.get() {
            return Ok(c);
        }
        let paths = self.paths.as_ref().ok_or("the store is off")?;
        let opened = Tier::open(&paths.cold).map_err(|e: OpenError| e.to_string())?;
        if let Some(aside) = opened.moved_aside {
            self.warn(&format!(
                "{} was corrupt; moved it to {}",
                paths.cold.display(),
                aside.display()
            ));
        }
        let _ = self.cold.set(opened.tier);
        self.cold
            .get()
            .ok_or_else(|| "the cold tier is unavailable".to_string())
    }

    /// Moves warm entries unused for `max_age`, then the least recently used ones while warm holds
    /// more than its cap, to cold. Cold entries unused for four times `max_age` are dropped, then
    /// the least recently used ones (demoted entries included) while cold holds more than its cap.
    /// Returns (moved to cold, dropped).
    pub fn gc_tiers(&self, limits: Limits) -> Result<(u64, u64), String> {
        let warm = self.warm_tier().ok_or("the store is not open")?;
        let now = tier::now();
        let moving = demotions(warm, &limits, now)?;
        let cold = self.cold_for_writing()?;
        let (kept, dropped) = cold_plan(cold, &moving, &limits, now)?;
        // Cold first: a crash in between leaves an entry in both tiers, never in neither.
        cold.write(&kept, &[], &dropped, &[], true)?;
        let keys: Vec<Key> = moving.iter().map(|(_, k, _)| *k).collect();
        warm.write(&[], &[], &keys, &[], true)?;
        warm.set_counter("last_gc", now)?;
        let lost = (keys.len() - kept.len()) as u64;
        Ok((kept.len() as u64, dropped.len() as u64 + lost))
    }

    /// Both tiers' numbers and the counters, for `debtgate store stats`.
    pub fn stats(&self) -> Result<StoreStats, String> {
        let warm = self.warm_tier().ok_or("the store is not open")?;
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
        let warm = self.warm_tier().ok_or("the store is not open")?;
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
        for tier in [self.warm_tier(), Some(self.cold_for_writing()?)]
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
        for tier in [self.warm_tier(), Some(self.cold_for_writing()?)]
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
        if let Some(w) = self.warm_tier() {
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

/// How big and how old the tiers may get (`debtgate store gc` and the automatic daily gc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Seconds unused after which a warm entry moves to cold (and four times that, a cold entry is
    /// dropped).
    pub max_age: u64,
    /// Cap on warm's stored value bytes.
    pub warm_bytes: u64,
    /// Cap on cold's stored value bytes.
    pub cold_bytes: u64,
}

impl From<&StoreSettings> for Limits {
    fn from(s: &StoreSettings) -> Self {
        Limits {
            max_age: s.max_age_days.saturating_mul(24 * 3600),
            warm_bytes: s.warm_max_mib.saturating_mul(1 << 20),
            cold_bytes: s.cold_max_mib.saturating_mul(1 << 20),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_age: DEFAULT_MAX_AGE_SECS,
            warm_bytes: DEFAULT_WARM_CAP,
            cold_bytes: DEFAULT_COLD_CAP,
        }
    }
}

/// Warm entries to move to cold, oldest use first: (last use, key, value).
fn demotions(warm: &Tier, limits: &Limits, now: u64) -> Result<Vec<(u64, Key, Vec<u8>)>, String> {
    let mut all = Vec::new();
    warm.for_each(|k, v, stamp| all.push((stamp, *k, v.to_vec())))?;
    all.sort_by_key(|(stamp, k, _)| (*stamp, *k));
    let mut bytes: u64 = all.iter().map(|(_, _, v)| v.len() as u64).sum();
    let mut moving = Vec::new();
    for (stamp, k, v) in all {
        if now.saturating_sub(stamp) >= limits.max_age || bytes > limits.warm_bytes {
            bytes -= v.len() as u64;
            moving.push((stamp, k, v));
        }
    }
    Ok(moving)
}

/// An entry to write: key and encoded value.
type Put = (Key, Vec<u8>);

/// Which of `moving` cold keeps, and which cold keys it drops: the very old ones, then the least
/// recently used (moving entries counted by their last use in warm) while over its cap.
fn cold_plan(
    cold: &Tier,
    moving: &[(u64, Key, Vec<u8>)],
    limits: &Limits,
    now: u64,
) -> Result<(Vec<Put>, Vec<Key>), String> {
    let mut dropped = Vec::new();
    // (last use, key, bytes, index into `moving` when it is moving in)
    let mut resident: Vec<(u64, Key, u64, Option<usize>)> = Vec::new();
    cold.for_each(|k, v, stamp| {
        if now.saturating_sub(stamp) >= limits.max_age.saturating_mul(4) {
            dropped.push(*k);
        } else {
            resident.push((stamp, *k, v.len() as u64, None));
        }
    })?;
    resident.extend(
        moving
            .iter()
            .enumerate()
            .map(|(i, (stamp, k, v))| (*stamp, *k, v.len() as u64, Some(i))),
    );
    resident.sort_by_key(|(stamp, k, _, _)| (*stamp, *k));
    let mut total: u64 = resident.iter().map(|(_, _, n, _)| n).sum();
    let mut left_out = vec![false; moving.len()];
    for (_, k, n, from) in resident {
        if total <= limits.cold_bytes {
            break;
        }
        total -= n;
        match from {
            Some(i) => left_out[i] = true,
            None => dropped.push(k),
        }
    }
    let kept = moving
        .iter()
        .zip(left_out)
        .filter(|(_, out)| !out)
        .map(|((_, k, v), _)| (*k, v.clone()))
        .collect();
    Ok((kept, dropped))
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
