//! `debtgate init`: a starter `.debtgate.yaml` at the repository root, never over an existing one
//! unless forced, its thresholds measured from HEAD ([`crate::thresholds::suggest`]); with nothing
//! to measure there it is the built-in default.

use std::path::Path;

use anyhow::{bail, Context, Result};

use super::current_dir;
use super::thresholds::{print, ModeArg};
use crate::config::{find_file, find_repo_root, starter_file, PolicyMode, Settings, FILE_NAMES};
use crate::exit::Exit;
use crate::thresholds::{report, suggest, write, ThresholdsError};

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Overwrite an existing .debtgate.yaml (or .debtgate.yml).
    #[arg(long)]
    pub force: bool,
    /// The mode to write, with thresholds fitted to it (default: ratchet when at least 1 % of
    /// the functions at HEAD are above the built-in fail levels, else new).
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
}

/// `debtgate init`: a starter file at the repository root, never over an existing one unless
/// forced. Its thresholds are measured from HEAD (`thresholds/`); with nothing to measure there
/// (no commit, no supported source) it is the built-in default.
pub fn run(args: &InitArgs) -> Result<Exit> {
    let cwd = current_dir()?;
    let Some(root) = find_repo_root(&cwd) else {
        bail!(
            "not inside a git repository (no .git in {} or above); run `git init` first",
            cwd.display()
        );
    };
    let target = match find_file(&root)? {
        Some(existing) if !args.force => bail!(
            "{} already exists; pass --force to overwrite it",
            existing.display()
        ),
        Some(existing) => existing,
        None => root.join(FILE_NAMES[0]),
    };
    let text = match measured_starter(&root, args.mode)? {
        Some(text) => text,
        None => default_starter(args.mode),
    };
    std::fs::write(&target, text).with_context(|| format!("cannot write {}", target.display()))?;
    note!("debtgate: wrote {}", target.display());
    Ok(Exit::Pass)
}

/// The built-in default as a starter, with `mode` set when one was asked for.
fn default_starter(mode: Option<ModeArg>) -> String {
    let text = starter_file();
    let Some(mode) = mode.map(PolicyMode::from) else {
        return text;
    };
    let default = format!("\nmode: {}\n", Settings::embedded().mode);
    debug_assert!(
        text.contains(&default),
        "config/default.yaml sets mode on its own line"
    );
    text.replacen(&default, &format!("\nmode: {mode}\n"), 1)
}

/// The file `debtgate init` writes for the repository at `root`, measured; `None` (after saying
/// why on stderr) when there is nothing to measure, so init falls back to the built-in default.
fn measured_starter(root: &Path, mode: Option<ModeArg>) -> Result<Option<String>> {
    let current = Settings::embedded();
    let outcome = match suggest(root, current, mode.map(Into::into)) {
        Ok(o) => o,
        // Nothing to measure (no commit, no source, git cannot read the repository): the
        // starter is still useful, so say why and fall back to the built-in default.
        Err(e @ (ThresholdsError::NoFunctions { .. } | ThresholdsError::Census(_))) => {
            note!("debtgate: {e}; writing the built-in defaults instead");
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    let text = write::starter(
        &outcome.proposal,
        &write::Facts {
            head: &outcome.census.head,
            files: outcome.census.files.len(),
            flags: &outcome.flags_proposed,
        },
    );
    write::check_round_trip(&text, &outcome.proposed)
        .map_err(|e| anyhow::anyhow!("{e} (a bug in debtgate; nothing was written)"))?;
    print(&report::human(&outcome, "default", true))?;
    Ok(Some(text))
}
