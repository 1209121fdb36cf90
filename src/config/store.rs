//! How the configuration places and limits the store: `DEBTGATE_STORE` (which wins), else the
//! policy file's `store.path` (relative to the repository root, or absolute, or `off`), else
//! `<git common dir>/debtgate/store.redb`; and the `store` section's age and size limits.
//!
//! The store itself reads no configuration and no environment: every caller that opens one asks
//! here for its [`StorePaths`] and [`Limits`] and hands them over.

use std::ffi::{OsStr, OsString};
use std::time::Duration;

use crate::change::Repo;
use crate::store::open::LOCK_WAIT;
use crate::store::{Limits, StorePaths};

use super::{Settings, StoreSettings};

/// How long a run may spend repairing a store a crashed writer left, in milliseconds (default
/// 600, what a run waits for a lock); `0`: never in a run — `debtgate store repair` does it.
pub const REPAIR_VAR: &str = "DEBTGATE_STORE_REPAIR_MS";

/// Puts the store's warm tier at this path (the cold tier next to it); `off`, `0` or empty turn
/// the store off. Wins over `store.path`.
pub const STORE_VAR: &str = "DEBTGATE_STORE";

const SECS_PER_DAY: u64 = 24 * 3600;
const MIB: u64 = 1 << 20;

impl StoreSettings {
    /// Where the store of `repo` lives under these settings; `None` when it is off.
    pub fn paths(&self, repo: &Repo) -> Option<StorePaths> {
        let configured = self.path.as_deref().map(|p| match p.trim() {
            "off" | "0" => OsString::from("off"),
            _ => repo.root().join(p).into_os_string(),
        });
        placed(std::env::var_os(STORE_VAR).or(configured), Some(repo))
    }

    /// The limits the automatic gc keeps the tiers in, and how long a run may repair (from
    /// [`REPAIR_VAR`]; an unreadable value is the default).
    pub fn limits(&self) -> Limits {
        let repair_ms = std::env::var(REPAIR_VAR)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok());
        Limits {
            max_age: self.max_age_days.saturating_mul(SECS_PER_DAY),
            warm_bytes: self.warm_max_mib.saturating_mul(MIB),
            cold_bytes: self.cold_max_mib.saturating_mul(MIB),
            repair_wait: repair_ms.map_or(LOCK_WAIT, Duration::from_millis),
        }
    }
}

/// The store of `repo` as its own policy file places and limits it (the built-in defaults when
/// that file cannot be read: a broken policy file is the gate's to report, not the store's). With
/// no repository, only [`STORE_VAR`] places a store.
pub fn store_near(repo: Option<&Repo>) -> (Option<StorePaths>, Limits) {
    let Some(repo) = repo else {
        let limits = Settings::embedded().store.limits();
        return (placed(std::env::var_os(STORE_VAR), None), limits);
    };
    let settings = Settings::discover(repo.root(), None).unwrap_or_else(|_| Settings::embedded());
    (settings.store.paths(repo), settings.store.limits())
}

/// The tiers at `chosen` (unless it says off), else the default place of `repo`'s store.
fn placed(chosen: Option<OsString>, repo: Option<&Repo>) -> Option<StorePaths> {
    let off = |v: &OsStr| v.is_empty() || v == "off" || v == "0";
    match chosen {
        Some(v) if off(&v) => None,
        Some(v) => Some(StorePaths::beside(v.into())),
        None => repo.map(|r| StorePaths::under(r.common_dir())),
    }
}
