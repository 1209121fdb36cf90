//! Records: values another stage derives from many entries and keeps by its own key — `debtgate
//! trend`'s figures of one commit — in their own table of the warm tier, next to the entries.
//!
//! The store does not read them: a record is bytes under a 32-byte key, stamped with the time it
//! was written, and its owner encodes, versions and checks it (a record that does not decode is a
//! miss to its owner). Like every entry, a record is an optimisation: recomputed when missing.
//! They go when the store is cleared, and the gc drops records written more than four times the
//! maximum age ago (what the cold tier keeps at most), so a store nobody reads does not grow.

use redb::{ReadableTable, TableDefinition, TableError};

use super::error::StoreError;
use super::key::Key;
use super::tier::{now, Tier};
use super::Store;

/// Write time (Unix seconds, little-endian) ‖ the owner's bytes, by key.
pub(super) const RECORDS: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("records");

impl Store {
    /// The record under `key`, written by this run or an earlier one.
    pub fn record(&self, key: &Key) -> Option<Vec<u8>> {
        if let Ok(p) = self.pending.lock() {
            if let Some((_, v)) = p.records.iter().rev().find(|(k, _)| k == key) {
                return Some(v.clone());
            }
        }
        let view = self.warm_view.read().ok()?;
        let view = view.as_ref()?;
        match view.record(key) {
            Ok(v) => v.and_then(|v| v.get(8..).map(<[u8]>::to_vec)),
            Err(e) => {
                self.warn(&format!("reading: {e}"));
                None
            }
        }
    }

    /// Keeps `value` under `key` (written by [`Store::flush`]).
    pub fn put_record(&self, key: Key, value: Vec<u8>) {
        if !self.enabled {
            return;
        }
        if let Ok(mut p) = self.pending.lock() {
            p.records.push((key, value));
        }
    }
}

impl Tier {
    /// Writes `records`, stamped now, in one transaction.
    pub(super) fn write_records(&self, records: &[(Key, Vec<u8>)]) -> Result<(), StoreError> {
        let wtx = self.begin_write()?;
        let stamp = now().to_le_bytes();
        {
            let mut table = wtx.open_table(RECORDS).map_err(|e| self.err(e))?;
            for (k, v) in records {
                let mut value = Vec::with_capacity(8 + v.len());
                value.extend_from_slice(&stamp);
                value.extend_from_slice(v);
                table.insert(k, value.as_slice()).map_err(|e| self.err(e))?;
            }
        }
        wtx.commit().map_err(|e| self.err(e))
    }

    /// Every record as stored (write time ‖ the owner's bytes), for `store export`.
    pub(super) fn raw_records(&self) -> Result<Vec<(Key, Vec<u8>)>, StoreError> {
        let rtx = super::tier::begin_read(&self.db, &self.path)?;
        let table = match rtx.open_table(RECORDS) {
            Ok(t) => t,
            Err(TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(self.err(e)),
        };
        let mut all = Vec::new();
        for row in table.iter().map_err(|e| self.err(e))? {
            let (k, v) = row.map_err(|e| self.err(e))?;
            all.push((*k.value(), v.value().to_vec()));
        }
        Ok(all)
    }

    /// Adds records read by [`Tier::raw_records`] from another store, keeping their write
    /// times: under a key both stores hold, the later written wins. Returns how many were taken.
    pub(super) fn merge_raw_records(&self, rows: &[(Key, Vec<u8>)]) -> Result<u64, StoreError> {
        let stamp = |v: &[u8]| {
            v.get(..8)
                .and_then(|s| s.try_into().ok())
                .map(u64::from_le_bytes)
        };
        let wtx = self.begin_write()?;
        let mut taken = 0;
        {
            let mut table = wtx.open_table(RECORDS).map_err(|e| self.err(e))?;
            for (k, v) in rows {
                // A row without its write time is damaged: not passed on.
                let Some(theirs) = stamp(v) else { continue };
                let ours = table.get(k).map_err(|e| self.err(e))?;
                let newer = ours.is_some_and(|o| stamp(o.value()).is_some_and(|o| o >= theirs));
                if newer {
                    continue;
                }
                table.insert(k, v.as_slice()).map_err(|e| self.err(e))?;
                taken += 1;
            }
        }
        wtx.commit().map_err(|e| self.err(e))?;
        Ok(taken)
    }

    /// Drops the records written before `before` (Unix seconds); returns how many.
    pub(super) fn drop_records_before(&self, before: u64) -> Result<u64, StoreError> {
        let old: Vec<Key> = {
            let rtx = super::tier::begin_read(&self.db, &self.path)?;
            let table = match rtx.open_table(RECORDS) {
                Ok(t) => t,
                Err(TableError::TableDoesNotExist(_)) => return Ok(0),
                Err(e) => return Err(self.err(e)),
            };
            let mut old = Vec::new();
            for row in table.iter().map_err(|e| self.err(e))? {
                let (k, v) = row.map_err(|e| self.err(e))?;
                let stamp = v.value().get(..8).and_then(|s| s.try_into().ok());
                if stamp.is_none_or(|s| u64::from_le_bytes(s) < before) {
                    old.push(*k.value());
                }
            }
            old
        };
        if old.is_empty() {
            return Ok(0);
        }
        let wtx = self.begin_write()?;
        {
            let mut table = wtx.open_table(RECORDS).map_err(|e| self.err(e))?;
            for k in &old {
                table.remove(k).map_err(|e| self.err(e))?;
            }
        }
        wtx.commit().map_err(|e| self.err(e))?;
        Ok(old.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Limits, StorePaths};

    fn paths(dir: &std::path::Path) -> StorePaths {
        StorePaths::beside(dir.join("store.redb"))
    }

    #[test]
    fn a_record_survives_the_run_and_goes_with_clear_or_age() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let key = [7u8; 32];
        let store = Store::open(Some(paths(dir.path())), Limits::default());
        assert_eq!(store.record(&key), None);
        store.put_record(key, b"figures".to_vec());
        assert_eq!(store.record(&key).as_deref(), Some(&b"figures"[..]));
        store.flush();
        let again = Store::open(Some(paths(dir.path())), Limits::default());
        assert_eq!(again.record(&key).as_deref(), Some(&b"figures"[..]));
        let warm = again.warm_tier().expect("warm opens");
        assert_eq!(warm.drop_records_before(now() + 10).expect("drops"), 1);
        drop(again);
        let admin = Store::open_for_admin(paths(dir.path()), crate::store::open::Repair::Finish)
            .expect("opens");
        admin.put_record(key, b"again".to_vec());
        admin.flush();
        admin.clear().expect("clears");
        let after = Store::open(Some(paths(dir.path())), Limits::default());
        assert_eq!(after.record(&key), None);
    }
}
