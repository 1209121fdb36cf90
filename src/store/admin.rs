//! Looking after the store (`debtgate store …`, `debtgate doctor`): both tiers opened for
//! writing, and every failure an error rather than a warning. Statistics, a sampled or full read
//! back, export to one redb file and import of one, clearing.

use std::path::{Path, PathBuf};

use super::codec::{self, Undecodable};
use super::error::StoreError;
use super::open::{move_aside, Repair};
use super::tier::{Checked, Tier, TierStats, CHECKSUM_FAILED};
use super::{runlog, Store, StorePaths};

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

/// What `store export` wrote or `store import` took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Copied {
    /// Measurements (entries).
    pub entries: u64,
    /// Records (`debtgate trend`'s figures of a commit) taken: on import, those the store did not
    /// already hold as written later.
    pub records: u64,
}

/// What `debtgate store repair` did to one tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierRepair {
    pub path: PathBuf,
    /// Whether the open repaired what a crashed writer left.
    pub after_crash: bool,
    /// What the integrity check found (after moving an irreparable file aside, what it was).
    pub integrity: Integrity,
}

/// The integrity check's verdict on one tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Integrity {
    Intact,
    Repaired,
    /// Not repairable: moved to `to` (why) and started afresh.
    MovedAside {
        to: PathBuf,
        why: String,
    },
}

/// Runs the integrity check on `tier`; an irreparable file is moved aside and replaced.
fn check_tier(mut tier: Tier, inside: Option<&Path>) -> Result<(Tier, Integrity), StoreError> {
    match tier.check_integrity()? {
        Checked::Intact => Ok((tier, Integrity::Intact)),
        Checked::Repaired => Ok((tier, Integrity::Repaired)),
        Checked::Corrupt(why) => {
            let path = tier.path.clone();
            drop(tier);
            let to = move_aside(&path, &why)?;
            let fresh = Tier::open(&path, inside, Repair::Finish)?.tier;
            Ok((fresh, Integrity::MovedAside { to, why }))
        }
    }
}

/// What `debtgate store verify` found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Verified {
    /// Entries that read back.
    pub good: u64,
    /// Entries that did not, now removed.
    pub removed: u64,
    /// Of the removed, those whose checksum failed (damaged bytes, not an older format).
    pub checksum_failed: u64,
}

impl StoreStats {
    /// Stored values whose checksum did not match when they were read, since the store was
    /// created or cleared.
    pub fn checksum_failed(&self) -> u64 {
        self.counter(CHECKSUM_FAILED)
    }
}

impl Store {
    /// Opens both tiers for a `debtgate store` command (`repair`: [`Repair::Finish`]) or a look
    /// at them (`doctor`: a budget); here trouble is an error. A corrupt file moved aside is said
    /// on stderr.
    pub fn open_for_admin(paths: StorePaths, repair: Repair) -> Result<Store, StoreError> {
        let inside = paths.inside.as_deref();
        let warm = Tier::open(&paths.warm, inside, repair)?;
        let cold = Tier::open(&paths.cold, inside, repair)?;
        for (p, o) in [(&paths.warm, &warm), (&paths.cold, &cold)] {
            if let Some((aside, why)) = &o.moved_aside {
                note!(
                    "debtgate: warning: store: {} was corrupt ({why}); moved it to {}",
                    p.display(),
                    aside.display()
                );
            }
        }
        let mut store = Store::memory_only();
        store.enabled = true;
        store.admin = repair == Repair::Finish;
        store.repaired = [warm.repaired, cold.repaired];
        let _ = store.warm.set(Some(warm.tier));
        let _ = store.cold.set(cold.tier);
        store.paths = Some(paths);
        Ok(store)
    }

    /// Repairs both tiers to the end: a crash's repair already ran as they opened
    /// ([`Store::open_for_admin`]); then redb's integrity check verifies every page. A tier that
    /// cannot be repaired is moved aside and started afresh, as a run does with a corrupt file.
    pub fn repair(&mut self) -> Result<[TierRepair; 2], StoreError> {
        let paths = self.paths.clone().ok_or(StoreError::NotOpen)?;
        let inside = paths.inside.as_deref();
        let warm = self.warm.take().flatten().ok_or(StoreError::NotOpen)?;
        let cold = match self.cold.take() {
            Some(c) => c,
            None => Tier::open(&paths.cold, inside, Repair::Finish)?.tier,
        };
        let (warm, warm_check) = check_tier(warm, inside)?;
        let (cold, cold_check) = check_tier(cold, inside)?;
        let _ = self.warm.set(Some(warm));
        let _ = self.cold.set(cold);
        Ok([
            TierRepair {
                path: paths.warm,
                after_crash: self.repaired[0],
                integrity: warm_check,
            },
            TierRepair {
                path: paths.cold,
                after_crash: self.repaired[1],
                integrity: cold_check,
            },
        ])
    }

    /// Both tiers, warm first (the cold one opened when it is not yet).
    fn tiers(&self) -> Result<[&Tier; 2], StoreError> {
        let warm = self.warm_tier().ok_or(StoreError::NotOpen)?;
        Ok([warm, self.cold_for_writing()?])
    }

    /// Both tiers' numbers and the counters, for `debtgate store stats`.
    pub fn stats(&self) -> Result<StoreStats, StoreError> {
        let [warm, cold] = self.tiers()?;
        Ok(StoreStats {
            warm: warm.stats()?,
            cold: cold.stats()?,
            counters: warm.counters()?,
        })
    }

    /// Decodes up to `n` entries of the warm tier without changing anything (`debtgate doctor`).
    /// Returns (decoded, undecodable).
    pub fn sample(&self, n: usize) -> Result<(u64, u64), StoreError> {
        let warm = self.warm_tier().ok_or(StoreError::NotOpen)?;
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

    /// Reads every entry of both tiers back; undecodable ones are removed, and those whose
    /// checksum failed are counted with the store's checksum failures.
    pub fn verify(&self) -> Result<Verified, StoreError> {
        let mut v = Verified::default();
        for tier in self.tiers()? {
            let mut broken = Vec::new();
            tier.for_each(|k, value, _| match codec::decode_checked(value) {
                Ok(_) => v.good += 1,
                Err(why) => {
                    v.checksum_failed += u64::from(why == Undecodable::Checksum);
                    broken.push(*k);
                }
            })?;
            v.removed += broken.len() as u64;
            if !broken.is_empty() {
                tier.write(&[], &[], &broken)?;
            }
        }
        if v.checksum_failed > 0 {
            self.tiers()?[0].add_counter(CHECKSUM_FAILED, v.checksum_failed)?;
        }
        Ok(v)
    }

    /// Writes every entry of both tiers, and the records (`debtgate trend`'s figures), into a new
    /// redb file at `file`.
    pub fn export(&self, file: &Path) -> Result<Copied, StoreError> {
        if file.exists() {
            std::fs::remove_file(file).map_err(|source| StoreError::Io {
                path: file.to_path_buf(),
                source,
            })?;
        }
        let mut out = Tier::open(file, None, Repair::Finish)?.tier;
        let mut all = Vec::new();
        for tier in self.tiers()? {
            // A damaged value is not passed on to another machine.
            tier.for_each(|k, v, _| {
                if codec::decode(v).is_some() {
                    all.push((*k, v.to_vec()));
                }
            })?;
        }
        out.write(&all, &[], &[])?;
        let records = out.merge_raw_records(&self.tiers()?[0].raw_records()?)?;
        out.compact();
        Ok(Copied {
            entries: out.entry_count()?,
            records,
        })
    }

    /// Merges an exported file into this store: its entries into the cold tier, its records into
    /// the warm one (under a key both hold, the later written). What the store held stays, so
    /// the exports of several machines (the shards of one check) import into one store.
    pub fn import(&self, file: &Path) -> Result<Copied, StoreError> {
        if !file.is_file() {
            return Err(StoreError::NoSuchFile {
                path: file.to_path_buf(),
            });
        }
        let src = Tier::open(file, None, Repair::Finish)?.tier;
        let mut all = Vec::new();
        src.for_each(|k, v, _| {
            if codec::decode(v).is_some() {
                all.push((*k, v.to_vec()));
            }
        })?;
        let [warm, cold] = self.tiers()?;
        cold.write(&all, &[], &[])?;
        let records = warm.merge_raw_records(&src.raw_records()?)?;
        Ok(Copied {
            entries: all.len() as u64,
            records,
        })
    }

    /// Empties both tiers and removes the run log.
    pub fn clear(&self) -> Result<(), StoreError> {
        let [warm, cold] = self.tiers()?;
        warm.clear()?;
        if let Some(p) = &self.paths {
            runlog::remove(p);
        }
        cold.clear()
    }
}
