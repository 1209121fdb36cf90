//! `debtgate store …`: look after the store of the repository in the current directory (or the
//! one `DEBTGATE_STORE` names).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{anyhow, Context, Result};
use clap::Subcommand;

use super::{recent_runs, Store, StorePaths, DEFAULT_MAX_AGE_SECS, DEFAULT_WARM_CAP};
use crate::exit::Exit;

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Entries and bytes per tier, raw vs stored size, and hits per tier over recent runs.
    Stats,
    /// Move entries unused for --max-age, and the least recently used beyond --max-size, from
    /// warm to cold; drop cold entries unused for four times --max-age.
    Gc {
        /// In days.
        #[arg(long, value_name = "DAYS", default_value_t = DEFAULT_MAX_AGE_SECS / 86_400)]
        max_age: u64,
        /// Cap on warm's stored bytes, in MiB.
        #[arg(long, value_name = "MIB", default_value_t = DEFAULT_WARM_CAP >> 20)]
        max_size: u64,
    },
    /// Read every entry back; remove the ones that do not decode.
    Verify,
    /// Write every entry to FILE (a redb file), e.g. for a CI cache.
    Export { file: PathBuf },
    /// Merge the entries of an exported FILE into the cold tier.
    Import { file: PathBuf },
    /// Remove every entry.
    Clear,
}

/// Where the store of the current directory's repository lives.
pub fn paths() -> Result<StorePaths> {
    let dir = std::env::current_dir().context("cannot read the current directory")?;
    let common = crate::change::Repo::discover(&dir)
        .ok()
        .map(|r| r.common_dir().to_path_buf());
    StorePaths::resolve(common.as_deref()).ok_or_else(|| {
        anyhow!(
            "no store: not in a git repository and {} is not set (or is off)",
            super::STORE_VAR
        )
    })
}

pub fn run(command: StoreCommand) -> Result<Exit> {
    let paths = paths()?;
    let store = Store::open_for_admin(paths.clone()).map_err(|e| anyhow!("store: {e}"))?;
    let e = |e: String| anyhow!("store: {e}");
    let text = match command {
        StoreCommand::Stats => stats_text(&store, &paths).map_err(e)?,
        StoreCommand::Gc { max_age, max_size } => {
            let (moved, dropped) = store
                .gc_tiers(
                    max_age.saturating_mul(86_400),
                    max_size.saturating_mul(1 << 20),
                )
                .map_err(e)?;
            format!("moved {moved} entries from warm to cold; dropped {dropped} from cold\n")
        }
        StoreCommand::Verify => {
            let (good, bad) = store.verify().map_err(e)?;
            format!("{good} entries read back; {bad} undecodable removed\n")
        }
        StoreCommand::Export { file } => {
            let n = store.export(&file).map_err(e)?;
            format!("exported {n} entries to {}\n", file.display())
        }
        StoreCommand::Import { file } => {
            let n = store.import(&file).map_err(e)?;
            format!("imported {n} entries from {} into cold\n", file.display())
        }
        StoreCommand::Clear => {
            store.clear().map_err(e)?;
            "cleared\n".to_string()
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(Exit::Pass)
}

fn stats_text(store: &Store, paths: &StorePaths) -> Result<String, String> {
    let s = store.stats()?;
    let mut t = String::new();
    for (name, path, tier) in [("warm", &paths.warm, s.warm), ("cold", &paths.cold, s.cold)] {
        let ratio = if tier.stored_bytes == 0 {
            0.0
        } else {
            tier.raw_bytes as f64 / tier.stored_bytes as f64
        };
        t.push_str(&format!(
            "{name}: {} entries, {} bytes stored, {} bytes raw (ratio {ratio:.2}), file {} bytes: {}\n",
            tier.entries,
            tier.stored_bytes,
            tier.raw_bytes,
            tier.file_bytes,
            path.display()
        ));
    }
    let [runs, hot, warm, cold, miss] = recent_runs(paths, 100);
    t.push_str(&format!(
        "last {runs} runs: hot {hot}, warm {warm}, cold {cold}, miss {miss}\n"
    ));
    Ok(t)
}
