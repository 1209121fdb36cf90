//! Keeping the tiers within their limits: warm entries unused for `max_age`, then the least
//! recently used while warm is over its cap, move to cold; cold entries unused for four times
//! `max_age` are dropped, then the least recently used while cold is over its cap. Runs after a
//! run that wrote, when warm is over its cap or a day has passed since the last gc, and on
//! `debtgate store gc`. The files a corrupt tier was moved aside to (`<tier>.corrupt-<time>-<pid>`)
//! are kept for a look, then removed: by `store gc`, and by the automatic gc once older than
//! `max_age`. Records (`records`) written more than four times `max_age` ago are dropped.

use std::path::PathBuf;
use std::time::Duration;

use super::error::StoreError;
use super::key::Key;
use super::open::{CORRUPT_INFIX, LOCK_WAIT};
use super::tier::{now, Tier};
use super::{Store, StorePaths};

/// Default cap on the warm tier's stored value bytes (for callers without a configuration:
/// benches, tools; a run gets its limits from `config/default.yaml` or the policy file).
pub const DEFAULT_WARM_CAP: u64 = 256 * 1024 * 1024;

/// Default cap on the cold tier's stored value bytes.
pub const DEFAULT_COLD_CAP: u64 = 1024 * 1024 * 1024;

/// Default age after which an unused warm entry moves to cold.
pub const DEFAULT_MAX_AGE_SECS: u64 = 30 * 24 * 3600;

/// How often the automatic gc runs at most.
const GC_EVERY: u64 = 24 * 3600;

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
    /// How long a run's open may spend repairing a file a crashed writer left; past it the run
    /// carries on without the store. The `debtgate store` commands always finish a repair.
    pub repair_wait: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_age: DEFAULT_MAX_AGE_SECS,
            warm_bytes: DEFAULT_WARM_CAP,
            cold_bytes: DEFAULT_COLD_CAP,
            repair_wait: LOCK_WAIT,
        }
    }
}

/// An entry to write: key and encoded value.
type Put = (Key, Vec<u8>);

/// A warm entry on its way to cold: last use, key, value.
type Moving = (u64, Key, Vec<u8>);

impl Store {
    /// After a write: demote least recently used entries while warm is over its cap, and once a
    /// day move entries unused for the max age to cold.
    pub(super) fn keep_within_cap(&self) -> Result<(), StoreError> {
        let Some(warm) = self.warm_tier() else {
            return Ok(());
        };
        let over = warm.counter("bytes") > self.limits.warm_bytes;
        let gc_due = warm.counter("last_gc") + GC_EVERY < now();
        if over || gc_due {
            self.gc_tiers(self.limits)?;
        }
        if gc_due {
            if let Some(paths) = &self.paths {
                remove_corrupt(paths, Some(self.limits.max_age))?;
            }
        }
        Ok(())
    }

    /// Moves warm entries unused for `max_age`, then the least recently used ones while warm holds
    /// more than its cap, to cold. Cold entries unused for four times `max_age` are dropped, then
    /// the least recently used ones (demoted entries included) while cold holds more than its cap.
    /// Returns (moved to cold, dropped).
    pub fn gc_tiers(&self, limits: Limits) -> Result<(u64, u64), StoreError> {
        let warm = self.warm_tier().ok_or(StoreError::NotOpen)?;
        let now = now();
        let moving = demotions(warm, &limits, now)?;
        let cold = self.cold_for_writing()?;
        let (kept, dropped) = cold_plan(cold, &moving, &limits, now)?;
        // Cold first: a crash in between leaves an entry in both tiers, never in neither.
        cold.write(&kept, &[], &dropped)?;
        let keys: Vec<Key> = moving.iter().map(|(_, k, _)| *k).collect();
        warm.write(&[], &[], &keys)?;
        warm.drop_records_before(now.saturating_sub(limits.max_age.saturating_mul(4)))?;
        warm.set_counter("last_gc", now)?;
        let lost = (keys.len() - kept.len()) as u64;
        Ok((kept.len() as u64, dropped.len() as u64 + lost))
    }
}

/// Removes the files the tiers at `paths` were moved aside to as corrupt — those older than
/// `older_than` seconds (by the time in their name), or all of them. Returns how many.
pub fn remove_corrupt(paths: &StorePaths, older_than: Option<u64>) -> Result<u64, StoreError> {
    let now = now();
    let mut removed = 0;
    for (path, moved_at) in corrupt_files(paths) {
        if older_than.is_some_and(|age| now.saturating_sub(moved_at) < age) {
            continue;
        }
        std::fs::remove_file(&path).map_err(|source| StoreError::Io { path, source })?;
        removed += 1;
    }
    Ok(removed)
}

/// The moved-aside files next to the tiers, with the Unix time in their name (0 when unreadable).
fn corrupt_files(paths: &StorePaths) -> Vec<(PathBuf, u64)> {
    let mut found = Vec::new();
    for tier in paths.tiers() {
        let (Some(dir), Some(name)) = (tier.parent(), tier.file_name()) else {
            continue;
        };
        let prefix = format!("{}{CORRUPT_INFIX}", name.to_string_lossy());
        let Ok(listing) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in listing.flatten() {
            let file = e.file_name().to_string_lossy().into_owned();
            if let Some(rest) = file.strip_prefix(&prefix) {
                let moved_at = rest.split('-').next().and_then(|t| t.parse().ok());
                found.push((dir.join(&file), moved_at.unwrap_or(0)));
            }
        }
    }
    found
}

/// Warm entries to move to cold, oldest use first.
fn demotions(warm: &Tier, limits: &Limits, now: u64) -> Result<Vec<Moving>, StoreError> {
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

/// Which of `moving` cold keeps, and which cold keys it drops: the very old ones, then the least
/// recently used (moving entries counted by their last use in warm) while over its cap.
fn cold_plan(
    cold: &Tier,
    moving: &[Moving],
    limits: &Limits,
    now: u64,
) -> Result<(Vec<Put>, Vec<Key>), StoreError> {
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
