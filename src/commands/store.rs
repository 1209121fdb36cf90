//! `debtgate store …`: look after the store of the repository in the current directory (or the
//! one `DEBTGATE_STORE` names).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{anyhow, Context, Result};
use clap::{Subcommand, ValueEnum};

use crate::config::store::{store_near, STORE_VAR};
use crate::exit::Exit;
use crate::store::{
    gc, recent_runs, Integrity, Limits, Repair, Store, StoreError, StorePaths, TierStats,
};

/// How `debtgate store stats` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Entries and bytes per tier, raw vs stored size, and hits per tier over recent runs.
    Stats {
        /// `text` for people, `json` for scripts.
        #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
        format: StatsFormat,
    },
    /// Move entries unused for --max-age, and the least recently used beyond --max-size, from
    /// warm to cold; drop cold entries unused for four times --max-age, then the least recently
    /// used beyond --max-cold-size.
    Gc {
        /// In days [default: `store.max_age_days` of .debtgate.yaml, else 30].
        #[arg(long, value_name = "DAYS")]
        max_age: Option<u64>,
        /// Cap on warm's stored bytes, in MiB [default: `store.warm_max_mib`, else 256].
        #[arg(long, value_name = "MIB")]
        max_size: Option<u64>,
        /// Cap on cold's stored bytes, in MiB [default: `store.cold_max_mib`, else 1024].
        #[arg(long, value_name = "MIB")]
        max_cold_size: Option<u64>,
    },
    /// Read every entry back; remove the ones that do not decode (a repair a crash left is
    /// finished first).
    Verify,
    /// Finish the repair a crash left, however long it takes (a run gives up after its wait and
    /// carries on without the store), then verify every page of both tiers; a tier beyond repair
    /// is moved aside and started afresh.
    Repair,
    /// Write every entry and trend record to FILE (a redb file), e.g. for a CI cache.
    Export { file: PathBuf },
    /// Merge an exported FILE into this store (entries into the cold tier, trend records into
    /// the warm one); what the store held stays.
    Import { file: PathBuf },
    /// Remove every entry.
    Clear,
}

/// Where the store of the current directory's repository lives, and the limits its
/// `.debtgate.yaml` sets.
pub fn located() -> Result<(StorePaths, Limits)> {
    let dir = std::env::current_dir().context("cannot read the current directory")?;
    let repo = crate::change::Repo::discover(&dir).ok();
    let (paths, limits) = store_near(repo.as_ref());
    let paths = paths.ok_or_else(|| {
        anyhow!("no store: not in a git repository and {STORE_VAR} is not set (or is off)")
    })?;
    Ok((paths, limits))
}

pub fn run(command: StoreCommand) -> Result<Exit> {
    let (paths, limits) = located()?;
    let mut store =
        Store::open_for_admin(paths.clone(), Repair::Finish).map_err(|e| anyhow!("store: {e}"))?;
    let text = match command {
        StoreCommand::Stats { format } => match format {
            StatsFormat::Text => stats_text(&store, &paths),
            StatsFormat::Json => stats_json(&store, &paths),
        },
        StoreCommand::Gc {
            max_age,
            max_size,
            max_cold_size,
        } => {
            let limits = Limits {
                max_age: max_age.map_or(limits.max_age, |d| d.saturating_mul(86_400)),
                warm_bytes: max_size.map_or(limits.warm_bytes, |m| m.saturating_mul(1 << 20)),
                cold_bytes: max_cold_size.map_or(limits.cold_bytes, |m| m.saturating_mul(1 << 20)),
                ..limits
            };
            gc_text(&store, &paths, limits)
        }
        StoreCommand::Verify => verify_text(&store),
        StoreCommand::Repair => repair_text(&mut store),
        StoreCommand::Export { file } => store.export(&file).map(|n| {
            format!(
                "exported {} entries and {} trend records to {}\n",
                n.entries,
                n.records,
                file.display()
            )
        }),
        StoreCommand::Import { file } => store.import(&file).map(|n| {
            format!(
                "imported {} entries (into cold) and {} trend records from {}\n",
                n.entries,
                n.records,
                file.display()
            )
        }),
        StoreCommand::Clear => store.clear().map(|()| "cleared\n".to_string()),
    }
    .map_err(|e| anyhow!("store: {e}"))?;
    let mut out = crate::exit::stdout();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(Exit::Pass)
}

fn gc_text(store: &Store, paths: &StorePaths, limits: Limits) -> Result<String, StoreError> {
    let (moved, dropped) = store.gc_tiers(limits)?;
    let aside = gc::remove_corrupt(paths, None)?;
    Ok(format!(
        "moved {moved} entries from warm to cold; dropped {dropped}; \
         removed {aside} files moved aside as corrupt\n"
    ))
}

fn verify_text(store: &Store) -> Result<String, StoreError> {
    let v = store.verify()?;
    let damaged = match v.checksum_failed {
        0 => String::new(),
        n => format!(" ({n} failed their checksum)"),
    };
    Ok(format!(
        "{} entries read back; {} undecodable removed{damaged}\n",
        v.good, v.removed
    ))
}

/// One line per tier: what the open's crash repair and the integrity check did.
fn repair_text(store: &mut Store) -> Result<String, StoreError> {
    let mut t = String::new();
    for (name, r) in ["warm", "cold"].into_iter().zip(store.repair()?) {
        let crash = if r.after_crash {
            "repaired after a crash; "
        } else {
            ""
        };
        let check = match &r.integrity {
            Integrity::Intact => "every page verified".to_string(),
            Integrity::Repaired => "the integrity check found damage and repaired it".to_string(),
            Integrity::MovedAside { to, why } => format!(
                "corrupt beyond repair ({why}); moved it to {} and started a new one",
                to.display()
            ),
        };
        t.push_str(&format!("{name}: {crash}{check}: {}\n", r.path.display()));
    }
    Ok(t)
}

fn stats_text(store: &Store, paths: &StorePaths) -> Result<String, StoreError> {
    let s = store.stats()?;
    let mut t = String::new();
    for (name, path, tier) in [("warm", &paths.warm, s.warm), ("cold", &paths.cold, s.cold)] {
        let ratio = ratio(tier.raw_bytes, tier.stored_bytes);
        t.push_str(&format!(
            "{name}: {} entries, {} bytes stored, {} bytes raw (ratio {ratio:.2}), file {} bytes: {}\n",
            tier.entries,
            tier.stored_bytes,
            tier.raw_bytes,
            tier.file_bytes,
            path.display()
        ));
    }
    let r = recent_runs(paths, 100);
    t.push_str(&format!(
        "last {} runs: hot {}, warm {}, cold {}, miss {}\n",
        r.runs, r.hot, r.warm, r.cold, r.miss
    ));
    let failed = s.checksum_failed();
    t.push_str(&match failed {
        1 => "1 stored value failed its checksum (read as a miss and measured again)\n".into(),
        n => {
            format!("{n} stored values failed their checksum (read as misses and measured again)\n")
        }
    });
    Ok(t)
}

/// `store stats --format json`: the same numbers as the text, for scripts.
fn stats_json(store: &Store, paths: &StorePaths) -> Result<String, StoreError> {
    let s = store.stats()?;
    let tier = |path: &std::path::Path, t: TierStats| {
        serde_json::json!({
            "path": path.display().to_string(),
            "entries": t.entries,
            "stored_bytes": t.stored_bytes,
            "raw_bytes": t.raw_bytes,
            "compression_ratio": ratio(t.raw_bytes, t.stored_bytes),
            "file_bytes": t.file_bytes,
        })
    };
    let r = recent_runs(paths, 100);
    let doc = serde_json::json!({
        "warm": tier(&paths.warm, s.warm),
        "cold": tier(&paths.cold, s.cold),
        "recent_runs": {"runs": r.runs, "hot": r.hot, "warm": r.warm, "cold": r.cold, "miss": r.miss},
        "checksum_failed": s.checksum_failed(),
    });
    // A `Value` of numbers and strings always serialises.
    let mut text = serde_json::to_string_pretty(&doc).expect("a JSON value serialises");
    text.push('\n');
    Ok(text)
}

/// Raw bytes per stored byte; 0 for an empty tier.
fn ratio(raw: u64, stored: u64) -> f64 {
    if stored == 0 {
        0.0
    } else {
        raw as f64 / stored as f64
    }
}
