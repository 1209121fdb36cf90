//! One side of a file through the store: look its key up tier by tier; on a miss (or an entry
//! that was never measured) read the bytes, measure them and remember the entry. Counting says
//! where each side's metrics came from.

use std::borrow::Cow;
use std::path::Path;

use crate::analysis::marks::Marks;
use crate::analysis::{Analyzer, FileMetrics};
use crate::change::BlobId;

use super::codec;
use super::entry::{Entry, Measured};
use super::key::{self, ContentId, Key, PathClass};
use super::reader::Reader;
use super::{Served, Store};

impl Store {
    /// One side of a file: what the store knows about the content `blob` (or, with no blob id,
    /// the bytes `read` returns) read through `path`, or — on a miss, or when the stored entry
    /// was never measured — the bytes from `read`, measured with `analyzer` and remembered.
    ///
    /// `Err` is the reason the side is not measured, as the report gives it, in the same words
    /// whether or not the bytes were read: too large for `max_size`, binary, unreadable (what
    /// `read` said), unsupported. It is not a failure of the store, which has none to give here.
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
        let class = PathClass::of(path).ok_or(crate::lang::UNSUPPORTED)?;
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
        let mut entry = Entry::facts(path, &bytes).ok_or(crate::lang::UNSUPPORTED)?;
        let language = match (entry.unmeasurable(max_size), entry.language) {
            (None, Some(language)) => language,
            (reason, _) => {
                self.put(key, &entry);
                return Err(reason.unwrap_or_else(|| crate::lang::UNSUPPORTED.to_owned()));
            }
        };
        let metrics = analyzer.analyze(&bytes, language);
        self.counts.add(Served::Miss);
        entry.metrics = Some(metrics.clone());
        self.put(key, &entry);
        let measured = Measured {
            language,
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
        (entry, served): (Entry, Served),
        max_size: u64,
    ) -> Result<Option<(Measured, Served)>, String> {
        if let Some(reason) = entry.unmeasurable(max_size) {
            return Err(reason);
        }
        // (An entry of no language is unmeasurable above, whatever the limit it fits.)
        let (Some(metrics), Some(language)) = (entry.metrics, entry.language) else {
            return Ok(None);
        };
        self.counts.add(served);
        let measured = Measured {
            language,
            metrics,
            marks: entry.marks,
        };
        Ok(Some((measured, served)))
    }

    /// Looks `key` up in every tier. Counting is the caller's: a count says where a side's
    /// metrics came from, and an entry may hold only facts.
    fn lookup(&self, key: &Key) -> Option<(Entry, Served)> {
        let hot = self.hot.lock().ok()?.get(key).and_then(codec::decode);
        if let Some(e) = hot {
            return Some((e, Served::Hot));
        }
        let warm = {
            let view = self.warm_view.read().ok()?;
            self.view_get(view.as_ref(), key)
        };
        if let Some((value, stale)) = warm {
            if let Some(e) = self.decode_stored(&value) {
                if stale {
                    self.pending.lock().ok()?.touched.push(*key);
                }
                self.remember_hot(*key, value);
                return Some((e, Served::Warm));
            }
        }
        if let Some((value, _)) = self.view_get(self.cold_view(), key) {
            if let Some(e) = self.decode_stored(&value) {
                if let Ok(mut p) = self.pending.lock() {
                    p.puts.push((*key, value.clone()));
                    p.promoted.push(*key);
                }
                self.remember_hot(*key, value);
                return Some((e, Served::Cold));
            }
        }
        None
    }

    /// A value read from a tier file, counting a checksum that does not match (a damaged value
    /// is a miss like any other that does not decode, but worth knowing about).
    fn decode_stored(&self, value: &[u8]) -> Option<Entry> {
        match codec::decode_checked(value) {
            Ok(e) => Some(e),
            Err(codec::Undecodable::Checksum) => {
                self.counts.bad_checksum();
                None
            }
            Err(_) => None,
        }
    }

    fn view_get(&self, view: Option<&Reader>, key: &Key) -> Option<(Vec<u8>, bool)> {
        let view = view?;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| view.get(key))) {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => {
                self.warn(&format!("reading: {e}"));
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
    ///
    /// Not for a path whose interpreter line decides its language: an entry without a language
    /// says the content has none, which an unread side does not know.
    pub fn remember_size(&self, path: &Path, id: &BlobId, size: u64) {
        let Some(class) = PathClass::of(path).filter(|c| c.language.is_some()) else {
            return;
        };
        let entry = Entry {
            size,
            binary_at: None,
            language: class.language,
            marks: Marks::default(),
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
}
